spec Finite
var counter: int = 0
