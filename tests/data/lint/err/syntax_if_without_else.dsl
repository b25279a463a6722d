spec Syntax
var x: 0..3 = 0
invariant I: if x > 0 then true
