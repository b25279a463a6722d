spec Place
var x: bool = true
invariant I: eventually x
