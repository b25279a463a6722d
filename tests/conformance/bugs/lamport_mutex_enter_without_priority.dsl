// BROKEN on purpose: a process enters once every acknowledgement is in,
// without checking that its own request is the oldest. Mutex must fail.
//
// Conformance: MCLamportMutex.tla with MCLamportMutex.cfg (tlaplus/Examples,
// specifications/lamport_mutex): Lamport's mutual exclusion with logical
// clocks, 3 processes, Nat overridden by 0..7, clocks bounded by 6.
// TLC: 724,274 distinct states, 2,729,079 generated, depth 61, invariants hold.

spec LamportMutex

const N = 3
const MaxNat = 7
const maxClock = 6

// Processes are the numbers 1..N: the algorithm breaks ties by number.
// (`chan` is TLA+'s `network`, which is a keyword here.)
message Req(clock: 1..MaxNat)
message Ack
message Rel

var clock: map<1..N, 1..MaxNat> = [p in 1..N -> 1]
var req: map<1..N, map<1..N, 0..MaxNat>> = [p in 1..N -> [q in 1..N -> 0]]
var ack: map<1..N, set<1..N>> = [p in 1..N -> {}]
// chan[p][q]: the messages from p to q, in order. The bound is one more
// than BoundedNetwork allows, so that the invariant is really checked.
var chan: map<1..N, map<1..N, seq<Message, 4>>> = [p in 1..N -> [q in 1..N -> []]]
var crit: set<1..N> = {}

fn beats(p: int, q: int): bool =
  req[p][q] == 0 or req[p][p] < req[p][q] or (req[p][p] == req[p][q] and p < q)

fn Broadcast(s: int, m: Message): map<1..N, seq<Message, 4>> =
  [r in 1..N -> if s == r then chan[s][r] else append(chan[s][r], m)]

action Request(p: 1..N) {
  require req[p][p] == 0
  req[p][p] = clock[p]
  chan[p] = Broadcast(p, Req(clock[p]))
  ack[p] = {p}
}

action Enter(p: 1..N) {
  require ack[p] == 1..N
  crit += {p}
}

action Exit(p: 1..N) {
  require p in crit
  crit -= {p}
  chan[p] = Broadcast(p, Rel)
  req[p][p] = 0
  ack[p] = {}
}

action ReceiveRequest(p: 1..N, q: 1..N) {
  require q != p and chan[q][p] != []
  let m = head(chan[q][p])
  require m is Req
  let c = m.clock
  req[p][q] = c
  clock[p] = if c > clock[p] then c + 1 else clock[p] + 1
  chan[q][p] = tail(chan[q][p])
  chan[p][q] = append(chan[p][q], Ack)
}

action ReceiveAck(p: 1..N, q: 1..N) {
  require q != p and chan[q][p] != []
  require head(chan[q][p]) is Ack
  ack[p] += {q}
  chan[q][p] = tail(chan[q][p])
}

action ReceiveRelease(p: 1..N, q: 1..N) {
  require q != p and chan[q][p] != []
  require head(chan[q][p]) is Rel
  req[p][q] = 0
  chan[q][p] = tail(chan[q][p])
}

invariant BoundedNetwork: forall p, q in 1..N: len(chan[p][q]) <= 3
invariant Mutex: forall p, q in crit: p == q

constraint ClockConstraint: forall p in 1..N: clock[p] <= maxClock

expect BoundedNetwork holds
expect Mutex holds
