// Three-phase commit (Skeen, 1981) with timeouts and a termination protocol.
//
// Two-phase commit blocks: a resource manager (RM) that has voted yes and
// then loses its coordinator (TM) can neither commit nor abort on its own,
// because some other RM may already have done either (see specs/2pc.dsl).
// Three-phase commit adds a round between the vote and the decision: the TM
// first tells every RM "everyone voted yes" (PreCommit), waits for their
// acknowledgements, and only then says "commit". An RM that times out on
// the TM can now decide by looking at the RMs it can still reach: if one of
// them is pre-committed, nobody can have aborted, so commit; if none is,
// nobody can have committed, so abort. No one waits for a crashed TM.
//
// The price: the timeouts assume that an unreachable node has crashed. Cut
// the network in two instead, and each side decides on its own: one side
// commits, the other aborts. kripke finds that run (invariant Consistent,
// expected to be violated); delete the `partition` line below and it holds.
//
// Try: kripke check specs/3pc.dsl
//      kripke test specs/3pc.dsl

spec ThreePhaseCommit

nodes RM = {r1, r2}
node TM

message Vote(rm: RM, yes: bool)   // RM -> TM: the RM's vote
message PreCommit                 // TM -> RM: everyone voted yes
message Ack(rm: RM)               // RM -> TM: pre-commit received
message DoCommit                  // TM -> RM: commit
message Abort                     // TM -> RM: abort

// One ordered channel between every two nodes; a partition holds back
// every message between its two sides.
network wire: fifo<Message> with capacity 2

// The faults: the TM and any one RM may crash, and the network may split.
crash TM
crash RM up to 1
partition

node TM {
  var phase: {collecting, precommit, commit, abort} = collecting
  var yes: set<RM> = {}       // RMs that voted yes
  var acked: set<RM> = {}     // RMs that acknowledged the pre-commit
  var told: set<RM> = {}      // RMs sent this phase's message so far

  fair on Vote(r, v) {
    require phase == collecting
    if v { yes += {r} } else { phase = abort }
  }

  // Everyone voted yes: start the pre-commit round.
  fair action StartPreCommit {
    require phase == collecting and yes == RM
    phase = precommit
  }

  // Timeout on a vote: an RM that has not voted is unreachable, so it is
  // taken to have crashed before voting. Abort.
  fair action VoteTimeout {
    require phase == collecting
    require exists r in RM: r not in yes and (RM[r].crashed or not connected(r, TM))
    phase = abort
  }

  fair on Ack(r) {
    require phase == precommit
    acked += {r}
  }

  // Every RM acknowledged: commit.
  fair action StartCommit {
    require phase == precommit and acked == RM
    phase = commit
    told = {}
  }

  // Timeout on an acknowledgement: the silent RM is taken to have crashed;
  // it learns the outcome when it recovers. Commit.
  fair action AckTimeout {
    require phase == precommit
    require exists r in RM: r not in acked and (RM[r].crashed or not connected(r, TM))
    phase = commit
    told = {}
  }

  // Send this phase's message to one RM (one at a time: the TM may crash
  // half way through).
  fair action Tell(r: RM) {
    require phase != collecting and r not in told
    told += {r}
    if phase == precommit { send PreCommit to r }
    else if phase == commit { send DoCommit to r }
    else { send Abort to r }
  }
}

node RM {
  var state: {working, uncertain, precommitted, committed, aborted} = working

  fair action VoteYes {
    require state == working
    state = uncertain
    send Vote(self, true) to TM
  }

  fair action VoteNo {
    require state == working
    state = aborted
    send Vote(self, false) to TM
  }

  fair on PreCommit {
    require state == uncertain
    state = precommitted
    send Ack(self) to TM
  }

  fair on DoCommit { state = committed }

  fair on Abort {
    require state != committed
    state = aborted
  }

  // The termination protocol, when the TM is unreachable (crashed, or on
  // the other side of a partition). The RMs this one can reach exchange
  // their states; here that exchange is one atomic look.
  //
  // The timeout is accurate, as 3PC assumes of a synchronous network: it
  // fires only once nothing the TM sent is still on its way to these RMs.
  // (Drop that line and kripke shows an RM aborting while a PreCommit from
  // the crashed TM is still in flight to another.)
  fair action Terminate {
    require state in {uncertain, precommitted}
    require TM.crashed or not connected(TM, self)
    let peers = { p in RM where connected(p, self) and not RM[p].crashed }
    require not connected(TM, self) or forall p in peers: len(wire[(TM, p)]) == 0
    if exists p in peers: RM[p].state == committed {
      state = committed
    } else if exists p in peers: RM[p].state == aborted {
      state = aborted
    } else if exists p in peers: RM[p].state == precommitted {
      // Someone is pre-committed, so everyone voted yes: move towards
      // commit, but commit only once every reachable RM is pre-committed
      // (one that is still uncertain could otherwise abort after we crash).
      if state == uncertain {
        state = precommitted
      } else {
        require forall p in peers: RM[p].state == precommitted
        state = committed
      }
    } else {
      // Nobody reachable is pre-committed, so nobody has committed.
      state = aborted
    }
  }
}

// The promise of atomic commitment: no RM commits while another aborts.
invariant Consistent:
  not exists a, b in RM: RM[a].state == committed and RM[b].state == aborted

// No blocking: every RM that does not crash decides.
property Termination:
  forall r in RM: eventually (RM[r].crashed or RM[r].state in {committed, aborted})

// Every run ends with everyone decided or crashed.
terminal forall r in RM: RM[r].crashed or RM[r].state in {committed, aborted}

expect Consistent violated     // under a partition
expect Termination holds
