spec Syntax
var x: 0..3 = 0
invariant I: 0 <= x <= 3
