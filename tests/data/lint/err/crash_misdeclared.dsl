spec CrashMisdeclared
nodes RM = {r1, r2}
node TM
var n: 0..1 = 0
action Tick { require n == 0; n = 1 }
// No such node:
crash Coordinator
// A single node crashes or not: there is nothing to count.
crash TM up to 1
