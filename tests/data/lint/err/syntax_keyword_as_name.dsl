spec Syntax
var exists: bool = true
