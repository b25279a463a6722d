// Single-decree Paxos, after Lamport's Paxos.tla ("The Paxos algorithm, or
// how to win a Turing award", tlaplus/Examples,
// specifications/PaxosHowToWinATuringAward).
//
// Clients propose values. Acceptors vote on them in numbered ballots, each
// led by a leader. A value is *chosen* once a quorum (here: any majority) of
// acceptors has voted for it in one ballot. The protocol's promises, checked
// by invariants: at most one value is ever chosen (Agreement), and only a
// proposed one (Validity), however messages are delayed, reordered, lost or
// repeated, and even if an acceptor crashes.
//
// What Paxos does not promise: that anything is ever chosen. Leaders may
// preempt one another, give up, or never start (the FLP result says no
// protocol can guarantee progress in an asynchronous system with a crash).
// Property Decides is expected to be violated. With a stable leader, one
// whose ballot nobody preempts and who keeps going, a value is chosen:
// property StableLeaderDecides holds.
//
// Try: kripke check specs/paxos.dsl
//      kripke test specs/paxos.dsl
//      kripke check specs/paxos.dsl --const MaxBallot=2

spec Paxos

const MaxBallot = 1                      // ballots are 0..MaxBallot

nodes Acceptor = {a1, a2, a3} symmetric
values Value = {v1, v2} symmetric        // the values clients may propose

// The four kinds of Paxos messages. Sent messages stay in the network and
// may be received any number of times, or never (as in Paxos.tla): that is
// message duplication and message loss, since no node is ever obliged to
// receive a message.
message P1a(bal: 0..MaxBallot)                       // "prepare ballot bal"
message P1b(acc: Acceptor, bal: 0..MaxBallot,        // "promise": acc joins bal,
            mbal: -1..MaxBallot, mval: option<Value>) //   reporting its last vote
message P2a(bal: 0..MaxBallot, val: Value)           // "accept val in bal"
message P2b(acc: Acceptor, bal: 0..MaxBallot, val: Value)  // acc voted

network msgs: set<Message>

// Any one acceptor (a minority) may crash.
crash Acceptor up to 1

// The values clients have proposed so far.
var proposed: set<Value> = {}

action Propose(v: Value) {
  require v not in proposed
  proposed += {v}
}

// A quorum is any majority of acceptors: two majorities always share a member.
fn Quorums(): set<set<Acceptor>> =
  { Q in powerset(Acceptor) where card(Q) * 2 > card(Acceptor) }

node Acceptor {
  var maxBal:  -1..MaxBallot = -1        // highest ballot promised
  var maxVBal: -1..MaxBallot = -1        // ballot of the last vote (-1: none)
  var maxVal:  option<Value> = none      // value of the last vote

  // Phase 1b: promise to join ballot b, if no higher ballot was promised.
  // Acceptors are `fair`: one that has not crashed answers eventually.
  fair on P1a(b) {
    require b > maxBal
    maxBal = b
    send P1b(self, b, maxVBal, maxVal)
  }

  // Phase 2b: vote for v in ballot b, unless a higher ballot was promised.
  fair on P2a(b, v) {
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

// v is safe in ballot b: a quorum has promised b, and v is the value of
// the highest vote any of them reported (or a proposed value, if none of
// them has voted).
fn SafeAt(b: 0..MaxBallot, v: Value): bool =
  exists Q in Quorums():
    let Q1b = { m in msgs where m is P1b(_, b, _, _) and m.acc in Q } in
    let Q1bv = { m in Q1b where m.mbal >= 0 } in
    (forall a in Q: exists m in Q1b: m.acc == a)
    and ((Q1bv == {} and v in proposed)
         or exists m in Q1bv:
              m.mval == some(v) and forall mm in Q1bv: m.mbal >= mm.mbal)

// Phase 2a: the leader of ballot b asks the acceptors to vote for v, once
// per ballot, with a safe value. Leaders are `fair` here: one that has its
// quorum of promises goes on. (They are not fair in starting ballots: that
// is Phase1a, which nobody is obliged to do.)
fair action Phase2a(b: 0..MaxBallot, v: Value) {
  require not exists m in msgs: m is P2a(b, _)
  require SafeAt(b, v)
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

// Only a proposed value can be chosen.
invariant Validity:
  forall v in Value: Chosen(v) implies v in proposed

// Something is eventually chosen: not promised by Paxos.
property Decides: eventually exists v in Value: Chosen(v)

// Once the highest ballot has started (its leader cannot be preempted: the
// stable leader) and a value has been proposed, something is chosen.
property StableLeaderDecides:
  (P1a(MaxBallot) in msgs and proposed != {}) leads_to exists v in Value: Chosen(v)

expect Agreement holds
expect VoteBelowPromise holds
expect Validity holds
expect Decides violated          // nobody has to lead
expect StableLeaderDecides holds
