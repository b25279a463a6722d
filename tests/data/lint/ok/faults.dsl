// Fault declarations: `crash` of a node set (counted) and of a single node.
spec Faults

nodes Server = {s1, s2, s3}
node Leader

message Ping(from: Server)
network net: bag<Message> with capacity 1, loss

node Server {
  var pings: 0..1 = 0
  action Send {
    require pings == 0
    pings = 1
    send Ping(self)
  }
}

node Leader {
  var heard: set<Server> = {}
  on Ping(s) { heard += {s} }
}

// Any one server may crash; the leader may crash too.
crash Server up to 1
crash Leader

invariant HeardOnlySenders: forall s in Leader.heard: Server[s].pings == 1

// Once everyone has crashed or sent, nothing is left to do.
expect deadlock
