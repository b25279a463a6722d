spec Types
nodes N = {a, b} symmetric
var leader: N = a
invariant I: forall n in N: leader <= n
