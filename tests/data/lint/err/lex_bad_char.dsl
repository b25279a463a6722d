spec Lex
var x: bool = true
invariant I: x && true
