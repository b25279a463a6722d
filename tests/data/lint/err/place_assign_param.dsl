spec Place
nodes N = 2
var x: N = n1
action A(n: N) { n = n2 }
