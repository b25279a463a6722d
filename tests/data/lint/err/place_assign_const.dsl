spec Place
const Max = 3
var x: 0..3 = 0
action A { Max = 4 }
