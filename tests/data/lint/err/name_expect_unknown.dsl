spec Names
var x: bool = true
invariant Safe: x
expect Saef holds
