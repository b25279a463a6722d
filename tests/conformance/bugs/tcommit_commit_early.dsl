// BROKEN on purpose: an RM commits as soon as it has prepared, without\n// waiting until every RM can commit. TCConsistent must fail.\n//\n// Conformance: TCommit.tla with TCommit.cfg (tlaplus/Examples,
// specifications/transaction_commit). The abstract transaction commit
// protocol: resource managers prepare, then all commit or all abort.
// TLC: 34 distinct states, 94 generated, depth 7, invariants hold
// (CHECK_DEADLOCK FALSE: every run ends with all RMs decided).

spec TCommit

nodes RM = {r1, r2, r3}

var rmState: map<RM, {working, prepared, committed, aborted}> = [r in RM -> working]

fn canCommit(): bool = forall r in RM: rmState[r] in {prepared, committed}
fn notCommitted(): bool = forall r in RM: rmState[r] != committed

action Prepare(rm: RM) {
  require rmState[rm] == working
  rmState[rm] = prepared
}

// Decide is a disjunction in TCommit.tla: commit, or abort.
action Decide(rm: RM) {
  either {
    require rmState[rm] == prepared
    rmState[rm] = committed
  } or {
    require rmState[rm] in {working, prepared} and notCommitted()
    rmState[rm] = aborted
  }
}

invariant TCConsistent:
  forall rm1, rm2 in RM: not (rmState[rm1] == aborted and rmState[rm2] == committed)

// TCommit.cfg turns deadlock checking off: a run stops once all have decided.
terminal forall r in RM: rmState[r] in {committed, aborted}

expect TCConsistent holds
