// A heartbeat failure detector, and how to make it complete.
//
// Every node sends heartbeats to its monitor, the next node on a ring. A
// monitor that has not heard from a node for a while (a timeout) suspects
// it, and takes the suspicion back when a heartbeat arrives. Nodes may
// crash. Two properties are asked of a failure detector (Chandra and
// Toueg, 1996):
//
// - Completeness: every crashed node is eventually suspected, for good, by
//   every correct node. Only a node's monitor watches it, so the others
//   learn of a crash only if suspicions are gossiped: with Gossip = false
//   only the monitor ever suspects (property StrongCompleteness fails;
//   WeakCompleteness, "some correct node", still holds).
// - Accuracy: no correct node is ever suspected. In an asynchronous
//   network a heartbeat can be delayed past any timeout, so this fails
//   (expected violation): a timeout cannot tell "slow" from "crashed".
//
// Try: kripke check specs/failure_detector.dsl
//      kripke check specs/failure_detector.dsl --const Gossip=false

spec FailureDetector

const Gossip = true                  // do nodes pass their suspicions on?

nodes Node = {n1, n2, n3}

// The ring: who watches whom.
fn Monitor(p: Node): Node = if p == n1 then n2 else if p == n2 then n3 else n1

message Heartbeat

// One ordered channel between every two nodes, holding one heartbeat at a
// time. Delivery takes arbitrarily long.
network wire: fifo<Message> with capacity 1

crash Node up to 1

node Node {
  var suspects: set<Node> = {}

  // Send a heartbeat to this node's monitor (when the last one has arrived).
  fair action Beat {
    require len(wire[(self, Monitor(self))]) == 0
    send Heartbeat to Monitor(self)
  }

  // A heartbeat arrives: the sender is alive after all.
  fair on Heartbeat {
    suspects -= {sender}
  }

  // The timeout for a watched node fires: suspect it. It may fire at any
  // moment, since nothing bounds how long a heartbeat takes.
  fair action Timeout(p: Node) {
    require Monitor(p) == self and p not in suspects
    suspects += {p}
  }

  // Tell a peer about the nodes this one suspects.
  fair action Share(q: Node) {
    require Gossip and q != self and not (suspects subset Node[q].suspects)
    Node[q].suspects = Node[q].suspects union suspects
  }
}

// Accuracy: only crashed nodes are suspected. Expected to fail.
invariant Accuracy:
  forall p, q in Node: p in Node[q].suspects implies Node[p].crashed

// Strong completeness: once p has crashed, every correct node suspects it
// from some point on, for good.
property StrongCompleteness:
  forall p, q in Node:
    eventually always ((Node[p].crashed and not Node[q].crashed) implies p in Node[q].suspects)

// Weak completeness: some correct node does (here: p's monitor).
property WeakCompleteness:
  forall p in Node:
    eventually always
      ((Node[p].crashed and not Node[Monitor(p)].crashed) implies p in Node[Monitor(p)].suspects)

expect Accuracy violated
expect StrongCompleteness holds
expect WeakCompleteness holds
