spec One
var x: bool = true
spec Two
