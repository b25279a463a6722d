spec Bytes
var x: bool = ÿ true
