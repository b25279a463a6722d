spec Names
nodes N = 2
var x: 0..3 = 0
action A(x: 0..3) { require x > 0 }
