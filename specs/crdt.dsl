// A grow-only counter (G-Counter), a CRDT, replicated on three nodes; after
// CRDT.tla (tlaplus/Examples, specifications/FiniteMonotonic).
//
// Each replica keeps a vector: how many increments it has seen from every
// replica. A replica increments only its own entry. Gossip sends one
// replica's vector to another, which merges it by taking the pointwise
// maximum. Merging is commutative, associative and idempotent, so replicas
// that have seen the same updates agree, whatever order gossip happened in.
//
// Try: kripke lint specs/crdt.dsl --const Max=3

spec GCounter

const Max = 2                       // increments per replica, to stay finite

nodes Replica = {n1, n2, n3} symmetric

node Replica {
  var counts: map<Replica, 0..Max> = [r in Replica -> 0]

  // Count one local event.
  action Increment {
    require counts[self] < Max
    counts[self] += 1
  }

  // Send this replica's vector to `peer`, which merges it in. Gossip is fair:
  // a gossip step that stays possible is eventually taken.
  fair action Gossip(peer: Replica) {
    require peer != self
    Replica[peer].counts = [r in Replica -> max({counts[r], Replica[peer].counts[r]})]
  }
}

// No replica knows more about n's increments than n itself.
invariant Safety:
  forall n, o in Replica: Replica[n].counts[n] >= Replica[o].counts[n]

// Strong eventual consistency: again and again, all replicas agree.
// (A liveness property: kripke checks it on the state graph, under the
// fairness of the `fair` gossip step.)
property Convergence:
  always eventually forall n, o in Replica: Replica[n].counts == Replica[o].counts

expect Safety holds
expect Convergence holds
