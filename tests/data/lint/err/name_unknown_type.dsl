spec Names
nodes Server = 2
var leader: Sever = server1
