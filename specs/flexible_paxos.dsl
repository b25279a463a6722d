// Flexible Paxos (Howard, Malkhi and Spiegelman, 2016): single-decree Paxos
// (specs/paxos.dsl) where the quorums of the two phases are different.
//
// Paxos uses majorities for both phases, but its proof only needs one
// thing: every phase-1 quorum (the acceptors that promise a ballot) shares
// an acceptor with every phase-2 quorum (the acceptors whose votes choose a
// value). Two phase-2 quorums need not intersect. With N acceptors and
// quorums of sizes Q1 and Q2 that means Q1 + Q2 > N. With N = 4, a value
// can be chosen by 2 votes if a new leader must hear from 3 acceptors:
// fast in the common case (phase 2), slower on a change of leader.
//
// kripke checks Agreement for the sizes below; make Q1 + Q2 <= N and it
// prints two values chosen in different ballots.
//
// Try: kripke check specs/flexible_paxos.dsl
//      kripke check specs/flexible_paxos.dsl --const Q1=2

spec FlexiblePaxos

const MaxBallot = 1        // ballots are 0..MaxBallot
const Q1 = 3               // promises a leader needs in phase 1
const Q2 = 2               // votes that choose a value in phase 2

nodes Acceptor = {a1, a2, a3, a4} symmetric
values Value = {v1, v2} symmetric

// The messages of Paxos; the network keeps every message sent, and any
// node may receive one any number of times, or never.
message P1a(bal: 0..MaxBallot)                             // start ballot bal
message P1b(acc: Acceptor, bal: 0..MaxBallot,              // acc promises bal,
            mbal: -1..MaxBallot, mval: option<Value>)      //   with its last vote
message P2a(bal: 0..MaxBallot, val: Value)                 // vote for val in bal
message P2b(acc: Acceptor, bal: 0..MaxBallot, val: Value)  // acc voted

network msgs: set<Message>

// The two kinds of quorum: sets of acceptors of the given size.
fn Phase1Quorums(): set<set<Acceptor>> = { Q in powerset(Acceptor) where card(Q) == Q1 }
fn Phase2Quorums(): set<set<Acceptor>> = { Q in powerset(Acceptor) where card(Q) == Q2 }

node Acceptor {
  var maxBal:  -1..MaxBallot = -1        // highest ballot promised
  var maxVBal: -1..MaxBallot = -1        // ballot of the last vote (-1: none)
  var maxVal:  option<Value> = none      // value of the last vote

  // Promise ballot b (and report the last vote), unless a higher one was promised.
  on P1a(b) {
    require b > maxBal
    maxBal = b
    send P1b(self, b, maxVBal, maxVal)
  }

  // Vote for v in ballot b, unless a higher ballot was promised.
  on P2a(b, v) {
    require b >= maxBal
    maxBal = b
    maxVBal = b
    maxVal = some(v)
    send P2b(self, b, v)
  }
}

// A leader starts ballot b (any ballot, at any time, as in Paxos.tla).
action Phase1a(b: 0..MaxBallot) {
  send P1a(b)
}

// With promises for ballot b from a phase-1 quorum, the leader proposes
// the value of the highest vote they report, or any value if none voted;
// once per ballot.
action Phase2a(b: 0..MaxBallot, v: Value) {
  require not exists m in msgs: m is P2a(b, _)
  require exists Q in Phase1Quorums():
    let promises = { m in msgs where m is P1b(_, b, _, _) and m.acc in Q } in
    let votes = { m in promises where m.mbal >= 0 } in
    (forall a in Q: exists m in promises: m.acc == a)
    and (votes == {}
         or exists m in votes: m.mval == some(v) and forall o in votes: m.mbal >= o.mbal)
  send P2a(b, v)
}

// v is chosen: a phase-2 quorum voted for it in one ballot.
fn Chosen(v: Value): bool =
  exists b in 0..MaxBallot, Q in Phase2Quorums(): forall a in Q: P2b(a, b, v) in msgs

// Safety: at most one value is chosen. Holds exactly when Q1 + Q2 > N.
invariant Agreement:
  forall v, w in Value: Chosen(v) and Chosen(w) implies v == w

terminal true

expect Agreement holds
