// BROKEN on purpose: gossip overwrites the receiver's vector instead of\n// merging it. Safety must fail.\n//\n// Conformance: MCCRDT.tla with MCCRDT.cfg (tlaplus/Examples,
// specifications/FiniteMonotonic): the grow-only counter CRDT of CRDT.tla,
// made finite by MCCRDT's state constraint and its Reduction, which
// subtracts the smallest entry from every entry after a step.
// TLC: 25,000 distinct states, depth 16, invariants hold; generated
// 1,350,001 (see the manifest for why kripke generates 900,001).

spec MCCRDT

nodes Node = {n1, n2, n3}

// Counts reach at most 4: the constraint keeps every stored state's own
// counts at 3 or less, and a successor may have one more.
var counter: map<Node, map<Node, 0..4>> = [n in Node -> [o in Node -> 0]]

// ReductionNext == \E n, o \in Node : Increment(n) \/ Gossip(n, o)
//                    \/ Increment(n) \cdot Reduction \/ Gossip(n, o) \cdot Reduction
// A composition A \cdot B is A followed by B in one step.
action Next(n: Node, o: Node) {
  either {
    counter[n][n] += 1
  } or {
    counter[o] = counter[n]
  } or {
    counter[n][n] += 1
    let m = min({ counter[x][y] for x in Node, y in Node })
    counter = [x in Node -> [y in Node -> counter[x][y] - m]]
  } or {
    counter[o] = [x in Node -> max({counter[n][x], counter[o][x]})]
    let m = min({ counter[x][y] for x in Node, y in Node })
    counter = [x in Node -> [y in Node -> counter[x][y] - m]]
  }
}

// TypeOK is guaranteed by the types (within the bound above).
invariant Safety: forall n, o in Node: counter[n][n] >= counter[o][n]

constraint Constraint: forall n in Node: counter[n][n] <= 3

expect Safety holds
