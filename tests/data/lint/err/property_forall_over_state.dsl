spec ForallOverState
nodes R = {a, b}
var up: set<R> = {}
action Add(r: R) { up += {r} }
// A property's instances are fixed before exploring: its `forall` cannot
// range over a variable.
property P: forall r in up: eventually r in up
