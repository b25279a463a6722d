spec Warn
var used: bool = true
var unused: 0..3 = 0
action A { unused = 1; let tmp = 2 }
invariant I: used
