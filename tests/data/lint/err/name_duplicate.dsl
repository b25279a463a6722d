spec Names
var x: bool = true
const x = 3
