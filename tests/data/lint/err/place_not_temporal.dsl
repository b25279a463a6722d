spec Place
var x: bool = true
property P: not eventually x
