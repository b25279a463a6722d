// Mutual exclusion with a plain lock: a process that wants the critical
// section waits until nobody is in it, then enters.
//
// Safety is easy (at most one process is critical). The interesting
// question is starvation: can a waiting process wait forever while the
// other keeps entering and leaving? Its `Enter` step is enabled whenever
// the section is free, which is over and over, but never continuously:
// weak fairness ("a step enabled without interruption is eventually
// taken") does not help it; strong fairness ("a step enabled again and
// again is eventually taken") does.
//
// Try: kripke check specs/mutex.dsl          (strong fairness: no starvation)
//      then change `strong fair action Enter` to `fair action Enter` and
//      check again: kripke prints the starving loop.

spec Mutex

nodes Proc = {p1, p2} symmetric

node Proc {
  var pc: {idle, waiting, critical} = idle

  // Asking is the process's own business: no fairness.
  action Request {
    require pc == idle
    pc = waiting
  }

  strong fair action Enter {
    require pc == waiting
    require forall q in Proc: Proc[q].pc != critical
    pc = critical
  }

  // A process in the critical section leaves it eventually.
  fair action Exit {
    require pc == critical
    pc = idle
  }
}

invariant MutualExclusion:
  forall p, q in Proc: Proc[p].pc == critical and Proc[q].pc == critical implies p == q

property NoStarvation:
  forall p in Proc: Proc[p].pc == waiting leads_to Proc[p].pc == critical

expect MutualExclusion holds
expect NoStarvation holds
