// Two-phase commit as TLC's TwoPhase.tla checks it: safety only, no faults,
// RM symmetric. The measuring model of the symmetry tests and benchmarks
// (benches/explore.sh); specs/2pc.dsl is the commented teaching version,
// with a coordinator that may crash and a termination property.
// TLC (unreduced): 288 distinct states for 3 RMs, 10,340,352 for 9.

spec TwoPhaseCommit

// Three interchangeable resource managers, and one transaction manager.
nodes RM = {r1, r2, r3} symmetric
node TM

// Every message ever sent stays in the network, and may be received any
// number of times, in any order: exactly TwoPhase.tla's `msgs` set.
message Prepared(rm: RM)   // "rm is prepared to commit"
message Commit             // the TM's decision: commit
message Abort              // the TM's decision: abort

network msgs: set<Message>

node RM {
  var state: {working, prepared, committed, aborted} = working

  // The RM promises it can commit, and tells the TM.
  action Prepare {
    require state == working
    state = prepared
    send Prepared(self)
  }

  // The RM gives up on its own (only possible before it has prepared).
  action ChooseToAbort {
    require state == working
    state = aborted
  }

  // The TM's decision reaches this RM.
  on Commit { state = committed }
  on Abort  { state = aborted }
}

node TM {
  var state: {init, committed, aborted} = init
  var prepared: set<RM> = {}     // the RMs known to have prepared

  on Prepared(r) {
    require state == init
    prepared += {r}
  }

  // Commit once every RM has prepared.
  action Commit {
    require state == init and prepared == RM
    state = committed
    send Commit
  }

  // Abort at any time before deciding.
  action Abort {
    require state == init
    state = aborted
    send Abort
  }
}

// The type invariant of TwoPhase.tla is guaranteed by kripke's types; what is
// left to check is the protocol's promise:
invariant Consistent:
  not exists a, b in RM: RM[a].state == aborted and RM[b].state == committed

// A committed RM means the TM decided to commit.
invariant CommitMeansTMCommitted:
  (exists r in RM: RM[r].state == committed) implies TM.state == committed

expect Consistent holds
expect CommitMeansTMCommitted holds
