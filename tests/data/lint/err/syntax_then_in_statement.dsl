spec Syntax
var x: 0..3 = 0
action A {
  if x > 0 then x = 0
}
