spec Lex
var x: bool = true /* this comment
never ends
