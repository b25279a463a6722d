spec Names
nodes N = 2
var owner: N = n1
action Take { owner = self }
