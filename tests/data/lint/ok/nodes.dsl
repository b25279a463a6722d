// Node blocks: per-node variables, `self`, single nodes, node variables
// from outside the block.
spec Nodes

nodes Worker = {w1, w2, w3} symmetric
node Boss

node Worker {
  var state: {idle, busy, done} = idle
  var friend: Worker in Worker          // any worker: nondeterministic start
  fair action Start {
    require state == idle and Boss.open
    state = busy
  }
  action Finish {
    require state == busy
    state = done
    Boss.finished += {self}
  }
  action Help {
    require friend != self and Worker[friend].state == busy
    friend.state = done
  }
}

node Boss {
  var open: bool = true
  var finished: set<Worker> = {}
  action Close {
    require finished == Worker
    open = false
  }
}

invariant DoneAreFinished: forall w in Boss.finished: Worker[w].state == done
