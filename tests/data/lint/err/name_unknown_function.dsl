spec Names
var s: set<0..3> = {}
invariant I: cardinality(s) < 4
