// Two-phase commit, after Lamport's TwoPhase.tla (tlaplus/Examples,
// specifications/transaction_commit).
//
// A transaction manager (TM) asks every resource manager (RM) whether it can
// commit. Each RM either prepares (promises it can commit) or aborts on its
// own. The TM commits only when every RM has prepared; it may abort at any
// time before that. The point of the protocol: no RM commits while another
// aborts (the invariant Consistent below), whatever the order of events.
//
// Its weakness: an RM that has prepared has given up the right to abort on
// its own. If the TM crashes before telling it the outcome, it waits
// forever: two-phase commit is safe but blocking. kripke shows such a run
// (property Termination, expected to be violated). specs/3pc.dsl removes
// the blocking, at a price.
//
// Try: kripke check specs/2pc.dsl
//      kripke test specs/2pc.dsl
//      kripke check specs/2pc.dsl --const RM=5

spec TwoPhaseCommit

// Three resource managers, and one transaction manager.
nodes RM = {r1, r2, r3}
node TM

// Every message ever sent stays in the network, and may be received any
// number of times, in any order: exactly TwoPhase.tla's `msgs` set.
message Prepared(rm: RM)   // "rm is prepared to commit"
message Commit             // the TM's decision: commit
message Abort              // the TM's decision: abort

network msgs: set<Message>

// The fault: the TM may crash at any moment (and then takes no more steps).
crash TM

// Every step is `fair`: once it is possible, it does not stay possible
// forever without being taken. Without fairness, a run could simply stop,
// and no property about "eventually" could ever hold.
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

// Every RM eventually learns the outcome.
property Termination:
  forall r in RM: eventually RM[r].state in {committed, aborted}

// A run may end once every RM has decided, or when the TM has crashed
// (a crash is an end, not a bug in the model; Termination says what it
// costs).
terminal TM.crashed or forall r in RM: RM[r].state in {committed, aborted}

expect Consistent holds
expect CommitMeansTMCommitted holds
expect Termination violated   // the TM crashes after an RM has prepared
