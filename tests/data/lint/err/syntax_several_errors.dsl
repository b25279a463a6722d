spec Several
var x: 0..3 = = 0
var y: bool = true
invariant I: y and
action A { y = false }
const C 3
