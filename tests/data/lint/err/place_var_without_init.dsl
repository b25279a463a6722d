spec Place
var x: bool
