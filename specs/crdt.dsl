// Conflict-free replicated data types (CRDTs), replicated on three nodes;
// the grow-only counter follows CRDT.tla (tlaplus/Examples,
// specifications/FiniteMonotonic).
//
// Every replica accepts updates locally, without asking anyone, and now and
// then gossips its whole state to a peer, which merges it into its own.
// A CRDT's merge is commutative, associative and idempotent, so the order
// and repetition of gossip do not matter: replicas that have seen the same
// updates are in the same state (strong eventual consistency). Three CRDTs
// show it here, and a fourth object, a plain register, shows what goes
// wrong without such a merge.
//
// - G-Counter: one count per replica; a replica increments its own; merge
//   takes the maximum per replica; the value is the sum.
// - PN-Counter: two G-Counters, increments and decrements.
// - OR-Set (observed-remove set) of one element: an add creates a unique
//   tag, a remove tombstones the tags it has seen; the element is in the
//   set while some tag is not tombstoned. A remove cancels only the adds
//   it saw, so a concurrent add wins. Merge: union of tags and tombstones.
// - Register: a write replaces the value, and so does merge (the incoming
//   value wins). Two concurrent writes, gossiped in different orders,
//   leave replicas that have seen the same writes with different values.
//
// Which updates a replica has seen is its version vector `seen`: how many
// updates from each replica (merge: maximum per replica).
//
// Try: kripke check specs/crdt.dsl
//      kripke test specs/crdt.dsl
//      kripke check specs/crdt.dsl --const Ops=2

spec CRDTs

const Ops = 1                       // updates per replica, to stay finite

nodes Replica = {n1, n2, n3} symmetric

node Replica {
  var seen: map<Replica, 0..Ops> = [r in Replica -> 0]   // version vector

  var g: map<Replica, 0..Ops> = [r in Replica -> 0]      // G-Counter
  var inc: map<Replica, 0..Ops> = [r in Replica -> 0]    // PN-Counter: ups
  var dec: map<Replica, 0..Ops> = [r in Replica -> 0]    //   and downs
  var tags: set<Replica> = {}       // OR-Set: adds (tagged by replica)
  var tombs: set<Replica> = {}      //   and the adds removed
  var reg: 0..2 = 0                 // Register (0: never written)

  // One local update: a replica does at most Ops of them.
  action Increment {
    require seen[self] < Ops
    seen[self] += 1
    g[self] += 1
  }
  action Up {
    require seen[self] < Ops
    seen[self] += 1
    inc[self] += 1
  }
  action Down {
    require seen[self] < Ops
    seen[self] += 1
    dec[self] += 1
  }
  action Add {
    require seen[self] < Ops and self not in tags
    seen[self] += 1
    tags += {self}
  }
  action Remove {
    require seen[self] < Ops
    seen[self] += 1
    tombs = tombs union tags          // only the adds seen here
  }
  action Write(v: 1..2) {
    require seen[self] < Ops
    seen[self] += 1
    reg = v
  }

  // Send this replica's state to `peer`, which merges it into its own.
  action Gossip(peer: Replica) {
    require peer != self
    Replica[peer].seen = [r in Replica -> max({seen[r], Replica[peer].seen[r]})]
    Replica[peer].g = [r in Replica -> max({g[r], Replica[peer].g[r]})]
    Replica[peer].inc = [r in Replica -> max({inc[r], Replica[peer].inc[r]})]
    Replica[peer].dec = [r in Replica -> max({dec[r], Replica[peer].dec[r]})]
    Replica[peer].tags = tags union Replica[peer].tags
    Replica[peer].tombs = tombs union Replica[peer].tombs
    Replica[peer].reg = reg           // not a CRDT merge: the last one wins
  }
}

// The element of the OR-Set is present at replica n.
fn Present(n: Replica): bool = Replica[n].tags minus Replica[n].tombs != {}

// Strong eventual consistency, one invariant per object: replicas that have
// seen the same updates agree.
invariant GCounterConverges:
  forall a, b in Replica: Replica[a].seen == Replica[b].seen implies Replica[a].g == Replica[b].g
invariant PNCounterConverges:
  forall a, b in Replica: Replica[a].seen == Replica[b].seen
    implies Replica[a].inc == Replica[b].inc and Replica[a].dec == Replica[b].dec
invariant ORSetConverges:
  forall a, b in Replica: Replica[a].seen == Replica[b].seen implies Present(a) == Present(b)
invariant RegisterConverges:
  forall a, b in Replica: Replica[a].seen == Replica[b].seen implies Replica[a].reg == Replica[b].reg

// No replica knows more about n's increments than n itself.
invariant CountsBelowOrigin:
  forall n, o in Replica: Replica[n].g[n] >= Replica[o].g[n]

// Every run ends once nothing is left to do.
terminal true

expect GCounterConverges holds
expect PNCounterConverges holds
expect ORSetConverges holds
expect RegisterConverges violated    // concurrent writes, merged in different orders
expect CountsBelowOrigin holds
