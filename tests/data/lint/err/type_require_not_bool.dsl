spec Types
var n: 0..3 = 0
action A { require n }
