spec SymmetryNamed
// r1 is singled out: renaming r1 and r2 would not map runs to runs.
nodes RM = {r1, r2, r3} symmetric
var leader: RM = r1
action Elect(r: RM) { leader = r }
