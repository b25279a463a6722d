spec Place
var x: 0..3 = 0
var y: 0..3 = x
invariant I: x == y
