// BROKEN on purpose: an acceptor votes in a ballot below the one it has\n// promised not to go below. Inv must fail.\n//\n// Conformance: MCPaxos.tla with MCPaxosTiny.cfg (tlaplus/Examples,
// specifications/PaxosHowToWinATuringAward): Paxos.tla with 3 acceptors,
// 2 values, majority quorums and ballots 0..1.
// TLC: 3,921 distinct states, 23,563 generated, depth 17, Inv holds.

spec PaxosTiny

const MaxBallot = 1

nodes Acceptor = {a1, a2, a3}
values Value = {v1, v2}

message M1a(bal: 0..MaxBallot)
message M1b(acc: Acceptor, bal: 0..MaxBallot, mbal: -1..MaxBallot, mval: option<Value>)
message M2a(bal: 0..MaxBallot, val: Value)
message M2b(acc: Acceptor, bal: 0..MaxBallot, val: Value)

var maxBal: map<Acceptor, -1..MaxBallot> = [a in Acceptor -> -1]
var maxVBal: map<Acceptor, -1..MaxBallot> = [a in Acceptor -> -1]
var maxVal: map<Acceptor, option<Value>> = [a in Acceptor -> none]
var msgs: set<Message> = {}

// MCPaxosTiny.cfg: Quorum = {{a1, a2}, {a1, a3}, {a2, a3}}.
fn Quorum(): set<set<Acceptor>> = {{a1, a2}, {a1, a3}, {a2, a3}}

action Phase1a(b: 0..MaxBallot) {
  msgs += {M1a(b)}
}

// Phase1b(a) == \E m \in msgs : m.type = "1a" /\ m.bal > maxBal[a] /\ ...
action Phase1b(a: Acceptor) {
  pick m in msgs {
    require m is M1a and m.bal > maxBal[a]
    maxBal[a] = m.bal
    msgs += {M1b(a, m.bal, maxVBal[a], maxVal[a])}
  }
}

// TLC runs an action's formula as a search: every existential yields one
// successor per witness, every disjunct one per true branch (the same state
// each time), and a \A over a finite set is a conjunction of its instances
// (here `\A a \in Q : \E m \in Q1b : m.acc = a` has one witness per a: an
// acceptor sends one 1b message per ballot). `pick` and `either` enumerate
// the same way, so the generated counts agree.
action Phase2a(b: 0..MaxBallot, v: Value) {
  require not exists m in msgs: m is M2a(b, _)
  pick Q in Quorum() {
    let Q1b = { m in msgs where m is M1b(_, b, _, _) and m.acc in Q }
    let Q1bv = { m in Q1b where m.mbal >= 0 }
    require forall a in Q: exists m in Q1b: m.acc == a
    either {
      require Q1bv == {}
    } or {
      pick m in Q1bv {
        require m.mval == some(v) and forall mm in Q1bv: m.mbal >= mm.mbal
      }
    }
  }
  msgs += {M2a(b, v)}
}

action Phase2b(a: Acceptor) {
  pick m in msgs {
    require m is M2a
    maxBal[a] = m.bal
    maxVBal[a] = m.bal
    maxVal[a] = some(m.val)
    msgs += {M2b(a, m.bal, m.val)}
  }
}

// The 2b messages of acceptor a, as <<ballot, value>> votes.
fn votes(a: Acceptor): set<(0..MaxBallot, Value)> =
  { (m.bal, m.val) for m in msgs if m is M2b and m.acc == a }

fn VotedFor(a: Acceptor, b: int, v: Value): bool = (b, v) in votes(a)
fn DidNotVoteAt(a: Acceptor, b: int): bool = forall v in Value: not VotedFor(a, b, v)

// Voting's ShowsSafeAt, through the refinement mapping of Paxos.tla.
fn ShowsSafeAt(Q: set<Acceptor>, b: int, v: Value): bool =
  (forall a in Q: maxBal[a] >= b)
  and exists c in -1..(b - 1):
        (c != -1 implies exists a in Q: VotedFor(a, c, v))
        and forall d in (c + 1)..(b - 1), a in Q: DidNotVoteAt(a, d)

// Inv of Paxos.tla (TypeOK is guaranteed by the types).
invariant Inv:
  (forall a in Acceptor: maxBal[a] >= maxVBal[a])
  and (forall a in Acceptor:
         if maxVBal[a] == -1 then maxVal[a] == none
         else (maxVBal[a], get(maxVal[a])) in votes(a))
  and (forall m in msgs:
         (m is M1b implies
            maxBal[m.acc] >= m.bal
            and (m.mbal >= 0 implies (m.mbal, get(m.mval)) in votes(m.acc)))
         and (m is M2a implies
            (exists Q in Quorum(): ShowsSafeAt(Q, m.bal, m.val))
            and forall mm in msgs: (mm is M2a and mm.bal == m.bal) implies mm.val == m.val)
         and (m is M2b implies
            maxVBal[m.acc] >= m.bal
            and exists mm in msgs: mm is M2a(m.bal, m.val)))

expect Inv holds
