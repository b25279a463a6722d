//! Evaluator behaviours checked through whole specs.

mod common;

use kripke::checker::{self, Config, Verdict};
use kripke::model::CompiledModel;

fn check(src: &str) -> checker::Outcome<CompiledModel<'static>> {
    let prog = Box::leak(Box::new(common::program_of(src.as_bytes(), &[])));
    let model = CompiledModel::new(prog).expect("lowers");
    let cfg = Config {
        check_deadlock: false,
        ..Config::default()
    };
    let o = checker::check(&model, &cfg);
    checker::validate(&model, &o.trace, &o.verdict, false).expect("replays");
    o
}

/// Quantifiers over several names evaluate their leading conjuncts early
/// (see `QuantPlan`); the answers must be those of the same quantifiers
/// nested one name at a time, which are evaluated plainly. Every map from
/// three nodes to 0..2 is reachable, so every case comes up.
#[test]
fn planned_quantifiers_agree_with_nested_ones() {
    let o = check(
        "spec Plans
nodes N = {n1, n2, n3}
var x: map<N, 0..2> = [n in N -> 0]
action Set(n: N, v: 0..2) { x[n] = v }
invariant Exists2:
  (exists a, b in N: x[a] == 1 and x[b] == 2) ==
  (exists a in N: exists b in N: x[a] == 1 and x[b] == 2)
invariant Exists3:
  (exists a, b, c in N: x[a] == 1 and a != b and x[b] == x[a] and x[c] == 2 and c != a) ==
  (exists a in N: exists b in N: exists c in N:
     x[a] == 1 and a != b and x[b] == x[a] and x[c] == 2 and c != a)
invariant Forall2:
  (forall a, b in N: x[a] == 2 and x[b] == 0 implies x[a] > x[b]) ==
  (forall a in N: forall b in N: x[a] == 2 and x[b] == 0 implies x[a] > x[b])
invariant Forall3:
  (forall a, b, c in N: x[a] == 1 and x[b] == 1 and a != b implies x[c] != 1 or c == a or c == b) ==
  (forall a in N: forall b in N: forall c in N:
     x[a] == 1 and x[b] == 1 and a != b implies x[c] != 1 or c == a or c == b)
",
    );
    assert_eq!(o.verdict, Verdict::Ok);
    assert_eq!(o.stats.distinct, 27);
    // And each side really varies: the planned form alone is violated.
    let o = check(
        "spec Plans
nodes N = {n1, n2, n3}
var x: map<N, 0..2> = [n in N -> 0]
action Set(n: N, v: 0..2) { x[n] = v }
invariant NoOneTwo: not exists a, b in N: x[a] == 1 and x[b] == 2
",
    );
    assert_eq!(o.verdict, Verdict::Invariant(0));
    assert_eq!(o.trace.len(), 3);
}
