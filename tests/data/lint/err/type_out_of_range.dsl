spec Types
const Max = 3
var n: 0..Max = 0
action Reset { n = Max + 2 }
