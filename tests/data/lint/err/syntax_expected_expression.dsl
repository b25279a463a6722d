spec Syntax
var x: 0..3 = 0
action A { x = }
