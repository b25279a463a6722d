// BROKEN on purpose: an acceptor votes without a quorum showing the value\n// safe. Inv must fail.\n//\n// Conformance: MCVoting.tla with MCVoting.cfg (tlaplus/Examples,
// specifications/PaxosHowToWinATuringAward): Voting.tla, the abstraction
// of Paxos, with 3 acceptors, 2 values, majority quorums and ballots 0..2.
// TLC: 6,752 distinct states, 41,017 generated, depth 16, Inv holds
// (CHECK_DEADLOCK FALSE).

spec Voting

nodes Acceptor = {a1, a2, a3}
values Value = {v1, v2}

var votes: map<Acceptor, set<(0..2, Value)>> = [a in Acceptor -> {}]
var maxBal: map<Acceptor, -1..2> = [a in Acceptor -> -1]

fn Quorum(): set<set<Acceptor>> = {{a1, a2}, {a1, a3}, {a2, a3}}

fn VotedFor(a: Acceptor, b: int, v: Value): bool = (b, v) in votes[a]
fn DidNotVoteAt(a: Acceptor, b: int): bool = forall v in Value: not VotedFor(a, b, v)
fn CannotVoteAt(a: Acceptor, b: int): bool = maxBal[a] > b and DidNotVoteAt(a, b)
fn NoneOtherChoosableAt(b: int, v: Value): bool =
  exists Q in Quorum(): forall a in Q: VotedFor(a, b, v) or CannotVoteAt(a, b)
fn SafeAt(b: int, v: Value): bool = forall c in 0..(b - 1): NoneOtherChoosableAt(c, v)

action IncreaseMaxBal(a: Acceptor, b: 0..2) {
  require b > maxBal[a]
  maxBal[a] = b
}

// ShowsSafeAt(Q, b, v) is inlined. In an action TLC enumerates the
// existentials it meets at the top of the formula, inside inlined
// definitions and in the consequent of a true implication: one successor
// per quorum Q, per c, and (for c /= -1) per acceptor that voted. `pick`
// and `if` do the same, so the generated counts agree.
action VoteFor(a: Acceptor, b: 0..2, v: Value) {
  require maxBal[a] <= b
  require forall vt in votes[a]: vt.0 != b
  require forall c in Acceptor minus {a}: forall vt in votes[c]: vt.0 == b implies vt.1 == v
  votes[a] += {(b, v)}
  maxBal[a] = b
}

invariant Inv:
  (forall a in Acceptor, b in 0..2, v in Value: VotedFor(a, b, v) implies SafeAt(b, v))
  and (forall x, y in Acceptor, b in 0..2, v, w in Value:
         VotedFor(x, b, v) and VotedFor(y, b, w) implies v == w)

// MCVoting.cfg turns deadlock checking off.
terminal true

expect Inv holds
