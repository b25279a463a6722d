// Properties, constraints and expectations.
spec Properties

const Max = 3
nodes R = 2
var n: 0..Max = 0
var up: map<R, bool> = [r in R -> false]

fair action Tick { require n < Max; n = n + 1 }
strong fair action Raise(r: R) { require not up[r]; up[r] = true }

invariant InRange: n <= Max
property Eventually: eventually n == Max
property Infinitely: always eventually n == Max
property Stable: eventually always n == Max
property Response: n == 0 leads_to n == Max
property Each: forall r in R: eventually up[r]
property Both: always eventually n > 0 and (n == 1 leads_to n == 2)
constraint Small: n <= Max
constraint n >= 0

expect InRange holds
expect Eventually holds
expect Response violated
terminal n == Max
