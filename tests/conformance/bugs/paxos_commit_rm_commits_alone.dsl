// BROKEN on purpose: a resource manager commits on its own once it has\n// prepared, without a Commit message. TCConsistent must fail.\n//\n// Conformance: PaxosCommit.tla with PaxosCommit.cfg (tlaplus/Examples,
// specifications/transaction_commit): Gray and Lamport's Paxos Commit with
// 2 resource managers, 3 acceptors, majorities, and ballots {0, 1}.
// TLC: 1,321,761 distinct states, 16,959,159 generated, depth 28,
// PCTypeOK holds.

spec PaxosCommit

nodes RM = {r1, r2}
nodes Acceptor = {a1, a2, a3}

message Msg1a(ins: RM, bal: 1..1)
message Msg1b(ins: RM, mbal: 0..1, bal: -1..1, val: {prepared, aborted, nothing}, acc: Acceptor)
message Msg2a(ins: RM, bal: 0..1, val: {prepared, aborted})
message Msg2b(acc: Acceptor, ins: RM, bal: 0..1, val: {prepared, aborted})
message Commit
message Abort

var rmState: map<RM, {working, prepared, committed, aborted}> = [r in RM -> working]
// aState[ins][ac]: acceptor ac's state for the instance of resource manager ins
// (`nothing` is TLA+'s "none", which is a keyword here).
var aState: map<RM, map<Acceptor, {mbal: 0..1, bal: -1..1, val: {prepared, aborted, nothing}}>> =
  [ins in RM -> [ac in Acceptor -> {mbal: 0, bal: -1, val: nothing}]]
var msgs: set<Message> = {}

fn Majority(): set<set<Acceptor>> = {{a1, a2}, {a1, a3}, {a2, a3}}

action RMPrepare(rm: RM) {
  require rmState[rm] == working
  rmState[rm] = prepared
  msgs += {Msg2a(rm, 0, prepared)}
}

action RMChooseToAbort(rm: RM) {
  require rmState[rm] == working
  rmState[rm] = aborted
  msgs += {Msg2a(rm, 0, aborted)}
}

action RMRcvCommitMsg(rm: RM) {
  require rmState[rm] == prepared
  rmState[rm] = committed
}

action RMRcvAbortMsg(rm: RM) {
  require Abort in msgs
  rmState[rm] = aborted
}

// Ballot \ {0} = {1}.
action Phase1a(bal: 1..1, rm: RM) {
  msgs += {Msg1a(rm, bal)}
}

// TLC enumerates the majority MS of the existential: one successor each.
action Phase2a(bal: 1..1, rm: RM) {
  require not exists m in msgs: m is Msg2a(rm, bal, _)
  pick MS in Majority() {
    let mset = { m in msgs where m is Msg1b(rm, bal, _, _, _) and m.acc in MS }
    let maxbal = if mset == {} then -1 else max({ m.bal for m in mset })
    let val = if maxbal == -1 then aborted else (choose m in mset: m.bal == maxbal).val
    require forall ac in MS: exists m in mset: m.acc == ac
    msgs += {Msg2a(rm, bal, val)}
  }
}

fn Decided(rm: RM, v: {prepared, aborted}): bool =
  exists b in 0..1, MS in Majority(): forall ac in MS: Msg2b(ac, rm, b, v) in msgs

// TLC runs an action's formula as a search: every existential (also inside
// an inlined definition such as Decided) yields one successor per witness,
// and a \A over a finite set is a conjunction of its instances. So the
// commit disjunct yields one successor per choice of a witness (b, MS) for
// each RM (here r1 and r2), and the abort disjunct one per (rm, b, MS).
fn Witnesses(rm: RM, v: {prepared, aborted}): set<(0..1, set<Acceptor>)> =
  { (b, MS) for b in 0..1, MS in Majority() if forall ac in MS: Msg2b(ac, rm, b, v) in msgs }

action Decide {
  either {
    pick w1 in Witnesses(r1, prepared), w2 in Witnesses(r2, prepared) {}
    msgs += {Commit}
  } or {
    pick rm in RM, b in 0..1, MS in Majority() {
      require forall ac in MS: Msg2b(ac, rm, b, aborted) in msgs
    }
    msgs += {Abort}
  }
}

// Phase1b(acc) == \E m \in msgs : m.type = "phase1a" /\ ...
action Phase1b(acc: Acceptor) {
  pick m in msgs {
    require m is Msg1a and aState[m.ins][acc].mbal < m.bal
    aState[m.ins][acc].mbal = m.bal
    msgs += {Msg1b(m.ins, m.bal, aState[m.ins][acc].bal, aState[m.ins][acc].val, acc)}
  }
}

action Phase2b(acc: Acceptor) {
  pick m in msgs {
    require m is Msg2a and aState[m.ins][acc].mbal <= m.bal
    aState[m.ins][acc] = {mbal: m.bal, bal: m.bal, val: m.val}
    msgs += {Msg2b(acc, m.ins, m.bal, m.val)}
  }
}

// PCTypeOK is guaranteed by the types; the property of TCommit that Paxos
// Commit implements is checked as an invariant:
invariant TCConsistent:
  forall rm1, rm2 in RM: not (rmState[rm1] == aborted and rmState[rm2] == committed)

expect TCConsistent holds
