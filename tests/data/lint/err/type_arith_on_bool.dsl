spec Types
var b: bool = true
invariant I: b + 1 > 0
