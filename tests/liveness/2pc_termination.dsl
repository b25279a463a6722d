// Two-phase commit with the fairness it needs to terminate: every step of
// the protocol, once possible, is eventually taken (weak fairness on every
// action and handler instance). Every RM then eventually decides.
// tests/liveness.rs derives two variants from this file: without fairness
// (a run may simply stop) and with a coordinator that may crash (the
// prepared RMs then wait forever: two-phase commit blocks).
//
// Based on specs/2pc.dsl, which stays a safety spec so that symmetry
// reduction applies to it (liveness is checked without it).

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
  fair action Prepare {
    require state == working
    state = prepared
    send Prepared(self)
  }

  // The RM gives up on its own (only possible before it has prepared).
  fair action ChooseToAbort {
    require state == working
    state = aborted
  }

  // The TM's decision reaches this RM.
  fair on Commit { state = committed }
  fair on Abort  { state = aborted }
}

node TM {
  var state: {init, committed, aborted} = init
  var prepared: set<RM> = {}     // the RMs known to have prepared

  fair on Prepared(r) {
    require state == init
    prepared += {r}
  }

  // Commit once every RM has prepared.
  fair action Commit {
    require state == init and prepared == RM
    state = committed
    send Commit
  }

  // Abort at any time before deciding.
  fair action Abort {
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

property EveryRMDecides:
  forall r in RM: eventually (RM[r].state == committed or RM[r].state == aborted)

// Once the TM has decided, every RM learns it.
property DecisionsArrive:
  forall r in RM:
    TM.state == committed leads_to RM[r].state == committed
