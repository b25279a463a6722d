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
    compare_bytes(path, &bytes, symmetry, limit)
}

fn compare_bytes(path: &str, bytes: &[u8], symmetry: bool, limit: usize) -> usize {
    let analyzed = kripke::frontend::analyze_isolated(kripke::frontend::decode(bytes), Vec::new());
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

/// The parts of a program that run on values (`packed_coverage` lines
/// with a remark).
fn on_values(prog: &kripke::sema::Program) -> Vec<String> {
    let m = CompiledModel::new(prog).unwrap();
    m.packed_coverage()
        .into_iter()
        .filter(|l| l.contains(':'))
        .collect()
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
        let slow = on_values(&common::program(path, &[]));
        assert!(slow.is_empty(), "{path}: {slow:?}");
    }
}

/// Corners where a compiled statement could read what an earlier part of
/// it wrote, or must give up to report an error: both evaluators agree
/// (and the packed path does run them: each spec compiles entirely).
#[test]
fn packed_and_value_evaluators_agree_on_corner_cases() {
    let specs = [
        // Both new elements are computed on the set as it was.
        "spec A\nvar s: set<0..3> = {}\naction Add { require card(s) < 2\n s = s union {0, card(s) + 1} }\ninvariant I: true\n",
        // A map assigned through a function reads its old entries.
        // (80 bits: too wide for one code, stored entry by entry.)
        "spec B\nvar m: map<0..39, 0..3> = [k in 0..39 -> k % 4]\nfn Shift(): map<0..39, 0..3> = [k in 0..39 -> if k == 0 then m[39] else m[k - 1]]\naction Rotate { m = Shift() }\ninvariant I: true\n",
        // Appending to a full sequence, and a record field out of range:
        // errors, reported by the value evaluator.
        "spec C\nvar q: seq<0..1, 2> = []\naction Push { q = append(q, 1) }\ninvariant I: true\n",
        "spec D\nvar r: {a: 0..2, b: bool} = {a: 0, b: false}\naction Up { r = {a: r.a + 1, b: not r.b} }\ninvariant I: true\n",
    ];
    for (i, src) in specs.iter().enumerate() {
        let name = format!("corner case {i}");
        let slow = on_values(&common::program_of(src.as_bytes(), &[]));
        assert!(slow.is_empty(), "{name}: {slow:?}");
        assert!(
            compare_bytes(&name, src.as_bytes(), false, 1000) > 1,
            "{name}"
        );
    }
}
