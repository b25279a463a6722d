spec Place
nodes N = 2
node N {
  var x: bool = true
  invariant I: x
}
