// Logical clocks: Lamport clocks (1978) and vector clocks (Fidge, Mattern
// 1988).
//
// Processes do local steps, send messages and receive them. Event a
// *happened before* event b (a -> b) if a came earlier at the same
// process, or a is the sending of a message whose receipt is b, or by a
// chain of those. Events with neither a -> b nor b -> a are concurrent.
//
// - Lamport clock: one counter per process, incremented at each event; a
//   message carries the sender's clock, and the receiver jumps past it.
//   Guarantee: a -> b implies C(a) < C(b). Not the converse: C(a) < C(b)
//   happens for concurrent events too (expected violation).
// - Vector clock: one counter per process *per process*; merge on receipt
//   takes the maximum per entry. a -> b exactly when V(a) <= V(b)
//   entrywise and V(a) != V(b): vector clocks decide happened-before, and
//   so concurrency, exactly.
//
// To check those claims the spec also keeps the truth: for every event,
// the set of events that happened before it (`before`, which no process
// could see; a "ghost" variable). Each event is named by its process and
// its number there, (p, i).
//
// Try: kripke check specs/clocks.dsl
//      kripke test specs/clocks.dsl

spec Clocks

const MaxEvents = 3                 // events per process
const MaxClock = 9                  // a Lamport clock counts at most every event

nodes Proc = {p1, p2, p3} symmetric

// A message names the event that sent it: the receiver reads that event's
// clocks, exactly the values a real message would carry.
message Msg(from: Proc, event: 1..MaxEvents)

network msgs: set<Message>

// What every event recorded (filled in as events happen; 0 / {}: not yet).
var lamport: map<(Proc, 1..MaxEvents), 0..MaxClock> = [e in { (p, i) for p in Proc, i in 1..MaxEvents } -> 0]
var vector: map<(Proc, 1..MaxEvents), map<Proc, 0..MaxEvents>> =
  [e in { (p, i) for p in Proc, i in 1..MaxEvents } -> [q in Proc -> 0]]
var before: map<(Proc, 1..MaxEvents), set<(Proc, 1..MaxEvents)>> =
  [e in { (p, i) for p in Proc, i in 1..MaxEvents } -> {}]

node Proc {
  var events: 0..MaxEvents = 0                  // events so far here
  var clock: 0..MaxClock = 0                           // Lamport clock
  var vc: map<Proc, 0..MaxEvents> = [q in Proc -> 0]   // vector clock
  var past: set<(Proc, 1..MaxEvents)> = {}      // ghost: events before the next one

  action Local {
    require events < MaxEvents
    events += 1
    clock += 1
    vc[self] += 1
    lamport[(self, events)] = clock
    vector[(self, events)] = vc
    before[(self, events)] = past
    past += {(self, events)}
  }

  action Send {
    require events < MaxEvents
    events += 1
    clock += 1
    vc[self] += 1
    lamport[(self, events)] = clock
    vector[(self, events)] = vc
    before[(self, events)] = past
    past += {(self, events)}
    send Msg(self, events)
  }

  on Msg(q, i) {
    require q != self and events < MaxEvents
    let sent = (q, i)
    events += 1
    clock = max({clock, lamport[sent]}) + 1
    vc = [r in Proc -> max({vc[r], vector[sent][r]})]
    vc[self] += 1
    past = past union before[sent] union {sent}
    lamport[(self, events)] = clock
    vector[(self, events)] = vc
    before[(self, events)] = past
    past += {(self, events)}
  }
}

// The events that have happened.
fn Happened(): set<(Proc, 1..MaxEvents)> =
  { e in keys(lamport) where lamport[e] > 0 }

// Vector clock order: entrywise <=, and not equal.
fn VBefore(a: (Proc, 1..MaxEvents), b: (Proc, 1..MaxEvents)): bool =
  (forall p in Proc: vector[a][p] <= vector[b][p]) and vector[a] != vector[b]

// a -> b implies C(a) < C(b).
invariant LamportConsistent:
  forall a, b in Happened(): a in before[b] implies lamport[a] < lamport[b]

// The converse: C(a) < C(b) implies a -> b. Expected to fail.
invariant LamportDecidesOrder:
  forall a, b in Happened(): lamport[a] < lamport[b] implies a in before[b]

// Vector clocks decide happened-before exactly (and so concurrency).
invariant VectorExact:
  forall a, b in Happened(): (a in before[b]) == VBefore(a, b)

terminal true

expect LamportConsistent holds
expect LamportDecidesOrder violated
expect VectorExact holds
