spec Types
var s: set<0..3> = {}
invariant I: s + {1} != {}
