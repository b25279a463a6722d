spec Place
var x: 0..3 = 0
const C = x + 1
