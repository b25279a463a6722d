spec Types
var s: set<0..3> = {1, true}
