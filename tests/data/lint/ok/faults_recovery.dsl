// Crash with recovery (durable and volatile variables) and a partition
// that may heal, over a fifo network.
spec Recovery

nodes N = {n1, n2}

message Hello(x: 0..2)
network wire: fifo<Message> with capacity 1

crash N up to 1 with recovery
partition with heal

node N {
  durable var log: 0..2 = 0     // on disk: kept across a crash
  var cache: 0..2 = 0           // in memory: back to 0 on recovery
  var heard: bool = false

  action Write {
    require log < 2
    log = log + 1
    cache = log
  }

  action Tell(d: N) {
    require d != self and not heard and len(wire[(self, d)]) == 0
    send Hello(log) to d
  }

  // Delivered only while the two nodes are on the same side.
  on Hello(x) { heard = x > 0 }
}

invariant CacheBehindLog: forall n in N: N[n].cache <= N[n].log
invariant SameSideOrHealed: forall a, b in N: connected(a, b) or split != {}

terminal true
