spec Types
var r: {a: 0..1, b: bool} = {a: 0, b: true}
invariant I: r.c == 0
