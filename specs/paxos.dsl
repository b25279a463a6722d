// Single-decree Paxos, after Lamport's Paxos.tla ("The Paxos algorithm, or
// how to win a Turing award", tlaplus/Examples,
// specifications/PaxosHowToWinATuringAward).
//
// Acceptors vote on values in numbered ballots. A value is *chosen* once a
// quorum (here: any majority) of acceptors has voted for it in one ballot.
// The protocol's promise, checked by the invariant Agreement: at most one
// value is ever chosen, however messages are delayed, reordered or repeated.
//
// Try: kripke lint specs/paxos.dsl
//      kripke lint specs/paxos.dsl --const MaxBallot=2

spec Paxos

const MaxBallot = 1                      // ballots are 0..MaxBallot

nodes Acceptor = {a1, a2, a3} symmetric
values Value = {v1, v2} symmetric        // the values that may be proposed

// The four kinds of Paxos messages. Sent messages stay in the network and
// may be received any number of times (as in Paxos.tla).
message P1a(bal: 0..MaxBallot)                       // "prepare ballot bal"
message P1b(acc: Acceptor, bal: 0..MaxBallot,        // "promise": acc joins bal,
            mbal: -1..MaxBallot, mval: option<Value>) //   reporting its last vote
message P2a(bal: 0..MaxBallot, val: Value)           // "accept val in bal"
message P2b(acc: Acceptor, bal: 0..MaxBallot, val: Value)  // acc voted

network msgs: set<Message>

// A quorum is any majority of acceptors: two majorities always share a member.
fn Quorums(): set<set<Acceptor>> =
  { Q in powerset(Acceptor) where card(Q) * 2 > card(Acceptor) }

node Acceptor {
  var maxBal:  -1..MaxBallot = -1        // highest ballot promised
  var maxVBal: -1..MaxBallot = -1        // ballot of the last vote (-1: none)
  var maxVal:  option<Value> = none      // value of the last vote

  // Phase 1b: promise to join ballot b, if no higher ballot was promised.
  on P1a(b) {
    require b > maxBal
    maxBal = b
    send P1b(self, b, maxVBal, maxVal)
  }

  // Phase 2b: vote for v in ballot b, unless a higher ballot was promised.
  on P2a(b, v) {
    require b >= maxBal
    maxBal = b
    maxVBal = b
    maxVal = some(v)
    send P2b(self, b, v)
  }
}

// Phase 1a: a leader starts ballot b. (Leaders are not modelled as nodes,
// exactly as in Paxos.tla: any ballot may be started at any time.)
action Phase1a(b: 0..MaxBallot) {
  send P1a(b)
}

// Phase 2a: the leader of ballot b asks the acceptors to vote for v. It may
// do so once per ballot, and only with a value that is safe: a quorum has
// promised b, and v is the value of the highest vote any of them reported
// (or any value, if none of them has voted).
action Phase2a(b: 0..MaxBallot, v: Value) {
  require not exists m in msgs: m is P2a(b, _)
  require exists Q in Quorums():
    let Q1b = { m in msgs where m is P1b(_, b, _, _) and m.acc in Q } in
    let Q1bv = { m in Q1b where m.mbal >= 0 } in
    (forall a in Q: exists m in Q1b: m.acc == a)
    and (Q1bv == {}
         or exists m in Q1bv:
              m.mval == some(v) and forall mm in Q1bv: m.mbal >= mm.mbal)
  send P2a(b, v)
}

// v is chosen: some quorum voted for it in one ballot.
fn Chosen(v: Value): bool =
  exists b in 0..MaxBallot, Q in Quorums(): forall a in Q: P2b(a, b, v) in msgs

// Safety: at most one value is chosen.
invariant Agreement:
  forall v, w in Value: Chosen(v) and Chosen(w) implies v == w

// An acceptor never votes in a ballot above the one it promised.
invariant VoteBelowPromise:
  forall a in Acceptor: Acceptor[a].maxBal >= Acceptor[a].maxVBal

expect Agreement holds
expect VoteBelowPromise holds
