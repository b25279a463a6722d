// BROKEN on purpose: an RM commits without having received a Commit\n// message. TCConsistent must fail.\n//\n// Conformance: TwoPhase.tla with TwoPhase.cfg (tlaplus/Examples,
// specifications/transaction_commit), written with plain variables the way
// the TLA+ spec is (specs/2pc.dsl is the same protocol in node style).
// TLC: 288 distinct states, 1146 generated, depth 11, invariants hold.

spec TwoPhase

nodes RM = {r1, r2, r3}

message Prepared(rm: RM)
message Commit
message Abort

var rmState: map<RM, {working, prepared, committed, aborted}> = [r in RM -> working]
var tmState: {init, committed, aborted} = init
var tmPrepared: set<RM> = {}
var msgs: set<Message> = {}

action TMRcvPrepared(rm: RM) {
  require tmState == init and Prepared(rm) in msgs
  tmPrepared += {rm}
}

action TMCommit {
  require tmState == init and tmPrepared == RM
  tmState = committed
  msgs += {Commit}
}

action TMAbort {
  require tmState == init
  tmState = aborted
  msgs += {Abort}
}

action RMPrepare(rm: RM) {
  require rmState[rm] == working
  rmState[rm] = prepared
  msgs += {Prepared(rm)}
}

action RMChooseToAbort(rm: RM) {
  require rmState[rm] == working
  rmState[rm] = aborted
}

action RMRcvCommitMsg(rm: RM) {
  require rmState[rm] == prepared
  rmState[rm] = committed
}

action RMRcvAbortMsg(rm: RM) {
  require Abort in msgs
  rmState[rm] = aborted
}

// TwoPhase.cfg checks TPTypeOK, which kripke's types guarantee; the
// protocol's consistency (TCConsistent of TCommit) is checked as well.
invariant TCConsistent:
  forall rm1, rm2 in RM: not (rmState[rm1] == aborted and rmState[rm2] == committed)

expect TCConsistent holds
