spec Finite
var n: 3..1 = 2
