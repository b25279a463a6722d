spec Types
var flag: bool = false
action A { flag = 1 }
