// Every kind of expression.
spec Expressions

const Limit = 4
nodes P = {p, q, r}
message Vote(voter: P, yes: bool)
message Done

network net: set<Message>

var x: 0..Limit = 2
var s: set<0..Limit> = {1, 2}
var m: map<P, 0..Limit> = [a in P -> 0]
var xs: seq<0..Limit, 4> = [1, 2]

fn double(n: int): int = n * 2
fn majority(S: set<P>): bool = card(S) * 2 > card(P)

invariant Arithmetic: (x + 1) * 2 - 3 / 1 % 5 >= -10 and double(x) == x + x
invariant Logic: (x > 1 implies x >= 2) and not (x < 0 or false)
invariant Conditional: (if x > 2 then 1 else 0) <= 1 and (let y = x + 1 in y > x)
invariant Quantifiers:
  (forall a in P: m[a] >= 0) and (exists a, b in P: a != b)
  and (forall a in P, v in 0..1: m[a] + v <= Limit + 1)
invariant Sets:
  (s union {3}) minus {1} == {2, 3} and (s intersect {2, 9 - 5}) subset s
  and 3 not in s and card(powerset(s)) == 4 and min(s) == 1 and max(s) == 2
  and { v * 10 for v in s } == {10, 20} and { v for v in 0..Limit if v > 3 } == {4}
  and { v in s where v > 1 } == {2} and 0..2 == {0, 1, 2}
invariant Maps:
  m[p] == 0 and [a in P -> 0] == m and keys([p -> 1, q -> 2]) == {p, q}
invariant Sequences:
  head(xs) == 1 and tail(xs) == [2] and len(append(xs, 3)) == 3 and xs[0] == 1
invariant Records: {a: 1, b: true}.a == 1 and (1, p).1 == p
invariant Options: is_some(some(1)) and is_none(none) and get(some(x)) == x
invariant Messages:
  forall msg in net: (msg is Vote implies msg.voter in P)
  and not (msg is Vote(_, true) and msg is Done)
invariant Majority: majority(P) and not majority({})
invariant Choice: (choose v in s: v > 1) == 2 and (choose a in P: m[a] == 0) in P
