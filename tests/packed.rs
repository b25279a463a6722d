//! The evaluator over packed states (`src/model/packed.rs`) against the
//! value evaluator: on every spec of the repository, for every reachable
//! state (up to a bound), the same successors with the same steps in the
//! same order, and the same invariants, constraints and terminal
//! predicates; and the specs that measure speed run entirely packed.

mod common;

use std::collections::{HashSet, VecDeque};
use std::path::Path;

use kripke::checker::Model;
use kripke::model::CompiledModel;

/// Every spec file under `dir` (recursively).
fn specs(dir: &str, out: &mut Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let rel = p.strip_prefix(root).unwrap().to_str().unwrap().to_string();
        if p.is_dir() {
            specs(&rel, out);
        } else if rel.ends_with(".dsl") {
            out.push(rel);
        }
    }
}

/// Explores `path` breadth-first with both evaluators side by side, up to
/// `limit` states; panics at the first difference. Returns the states
/// compared.
fn compare(path: &str, symmetry: bool, limit: usize) -> usize {
    // Specs that do not check (the CLI tests' inputs) are skipped.
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let analyzed = kripke::frontend::analyze_isolated(kripke::frontend::decode(&bytes), Vec::new());
    let Some(prog) = analyzed.ok().and_then(|(_, a)| a.program) else {
        return 0;
    };
    let Ok(fast) = CompiledModel::new(&prog) else {
        return 0; // a spec that does not lower is the CLI tests' business
    };
    let fast = fast.with_symmetry(symmetry);
    let slow = CompiledModel::new(&prog)
        .unwrap()
        .with_symmetry(symmetry)
        .with_packed_eval(false);
    let (Ok(init), Ok(init2)) = (fast.initial_states(), slow.initial_states()) else {
        return 0;
    };
    assert_eq!(init, init2, "{path}: initial states");
    let mut seen: HashSet<Box<[u64]>> = init.iter().cloned().collect();
    let mut queue: VecDeque<Box<[u64]>> = init.into_iter().collect();
    let mut n = 0;
    while let Some(s) = queue.pop_front() {
        n += 1;
        if n > limit {
            break;
        }
        let what = |w: &str| format!("{path} (symmetry {symmetry}): {w} of {:?}", fast.decode(&s));
        assert_eq!(
            fast.violated_invariant(&s),
            slow.violated_invariant(&s),
            "{}",
            what("invariants")
        );
        assert_eq!(
            fast.within_constraints(&s),
            slow.within_constraints(&s),
            "{}",
            what("constraints")
        );
        assert_eq!(fast.may_stop(&s), slow.may_stop(&s), "{}", what("terminal"));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let ra = fast.canonical_successors(&s, &mut a);
        let rb = slow.canonical_successors(&s, &mut b);
        assert_eq!(ra, rb, "{}", what("errors"));
        assert_eq!(a, b, "{}", what("successors"));
        if ra.is_err() || fast.within_constraints(&s) != Ok(true) {
            continue;
        }
        for (_, t) in a {
            if seen.insert(t.clone()) {
                queue.push_back(t);
            }
        }
    }
    n
}

#[test]
fn packed_and_value_evaluators_agree_on_every_spec() {
    let mut all = Vec::new();
    for dir in ["specs", "tests/conformance", "tests/data", "tests/liveness"] {
        specs(dir, &mut all);
    }
    let mut compared = 0;
    for path in &all {
        for symmetry in [false, true] {
            compared += compare(path, symmetry, 3000);
        }
    }
    assert!(all.len() > 40, "{} specs", all.len());
    assert!(compared > 100_000, "{compared} states compared");
}

/// The models the benchmarks measure run on packed states entirely: a
/// change that sends one of their actions back to the value evaluator
/// shows here, not as a mysterious slowdown.
#[test]
fn benchmark_models_run_packed() {
    for path in [
        "tests/data/2pc_safety.dsl",
        "tests/conformance/twophase.dsl",
        "tests/conformance/lamport_mutex.dsl",
        "tests/conformance/paxos_commit.dsl",
    ] {
        let prog = common::program(path, &[]);
        let m = CompiledModel::new(&prog).unwrap();
        let slow: Vec<String> = m
            .packed_coverage()
            .into_iter()
            .filter(|l| l.contains(':'))
            .collect();
        assert!(slow.is_empty(), "{path}: {slow:?}");
    }
}
