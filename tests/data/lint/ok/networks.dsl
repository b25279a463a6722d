// The three kinds of network, with their options.
spec Networks

nodes Node2 = 2
node Hub
message Req(from: Node2)
message Ack

network board: set<Message>
network mail: bag<Message> with capacity 2, loss, duplication
network wire: fifo<Message> with capacity 2, loss

node Node2 {
  var asked: bool = false
  action Ask {
    require not asked
    asked = true
    send Req(self) via board
    send Req(self) via mail
    send Req(self) to Hub via wire
  }
  on Ack via wire { asked = false }
}

node Hub {
  var served: set<Node2> = {}
  on Req(n) via mail { served += {n} }
  strong fair on Req(n) via wire {
    served += {n}
    send Ack to sender via wire
  }
}

invariant ServedAsked: forall n in Node2: n in Hub.served implies Node2[n].asked or true
constraint card(Hub.served) <= 2
