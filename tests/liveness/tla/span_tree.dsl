// Liveness conformance: SpanTree.tla with SpanTree.cfg (tlaplus/Examples,
// specifications/SpanningTree): Lamport's spanning-tree algorithm. Every
// node keeps a distance from the root and a parent (mom); a node with a
// neighbour at least two closer lowers its distance (to any value in
// between) and takes that neighbour as parent. TLC: 1,236 distinct states,
// Liveness (the algorithm terminates) and Safety (when it has, the tree is
// right) hold under WF_vars(Next).

spec SpanTree

values Node = {n1, n2, n3, n4, n5}   // Root = n1
const MaxCardinality = 6

fn Edges(): set<set<Node>> =
  {{n1, n2}, {n1, n3}, {n2, n3}, {n2, n4}, {n3, n4}, {n3, n5}, {n4, n5}}
fn Nbrs(n: Node): set<Node> = { m in Node where {m, n} in Edges() }

var mom: map<Node, Node> = [n in Node -> n]
var dist: map<Node, 0..MaxCardinality> =
  [n in Node -> if n == n1 then 0 else MaxCardinality]

// WF_vars(Next): one fairness condition for the whole step, so one action
// without parameters, choosing inside.
fair action Next {
  pick n in Node, m in Nbrs(n) {
    require dist[m] < 1 + dist[n]
    pick d in (dist[m] + 1)..(dist[n] - 1) {
      dist[n] = d
      mom[n] = m
    }
  }
}

// ENABLED Next: some node has a neighbour at least two closer.
fn CanStep(): bool = exists n in Node, m in Nbrs(n): dist[m] + 2 <= dist[n]

fn PostCondition(): bool =
  forall n in Node:
    (n == n1 and dist[n] == 0 and mom[n] == n)
    or (dist[n] == MaxCardinality and mom[n] == n
        and forall m in Nbrs(n): dist[m] == MaxCardinality)
    or (dist[n] >= 1 and dist[n] <= MaxCardinality - 1
        and mom[n] in Nbrs(n) and dist[n] == dist[mom[n]] + 1)

property Liveness: eventually not CanStep()
property Safety: always (not CanStep() implies PostCondition())
