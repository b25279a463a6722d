//! Symmetry reduction against brute force. For small symmetric specs, every
//! reachable state of the unreduced model is renamed by every permutation
//! of its symmetric sets: the canonical form must not change, and the
//! number of orbits (smallest renaming of each state, counted once) must
//! equal the distinct count of the reduced run. Verdicts and traces with
//! symmetry must match the unreduced run's, and traces must replay on the
//! unreduced model.

mod common;

use std::collections::HashSet;

use kripke::checker::{self, Config, Model};
use kripke::model::{CompiledModel, State};
use kripke::sema::Program;

use common::program;

/// Every state reachable in the unreduced model.
fn reachable(m: &CompiledModel) -> Vec<State> {
    let mut seen: HashSet<State> = HashSet::new();
    let mut todo = m.initial_states().expect("initial states");
    let mut out = Vec::new();
    let mut succ = Vec::new();
    while let Some(s) = todo.pop() {
        if !seen.insert(s.clone()) {
            continue;
        }
        succ.clear();
        m.successors(&s, &mut succ).expect("successors");
        todo.extend(succ.drain(..).map(|(_, t)| t));
        out.push(s);
    }
    out
}

/// Every renaming of the program's symmetric sets.
fn renamings(prog: &Program) -> Vec<Vec<Vec<u32>>> {
    let mut all: Vec<Vec<Vec<u32>>> = vec![vec![Vec::new(); prog.sets.len()]];
    for (k, set) in prog.sets.iter().enumerate() {
        if !set.symmetric {
            continue;
        }
        let perms = permutations(set.members.len() as u32);
        all = all
            .into_iter()
            .flat_map(|r| {
                perms.iter().map(move |p| {
                    let mut r = r.clone();
                    r[k] = p.clone();
                    r
                })
            })
            .collect();
    }
    all
}

fn permutations(n: u32) -> Vec<Vec<u32>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for at in 0..=p.len() {
            let mut q = p.clone();
            q.insert(at, n - 1);
            out.push(q);
        }
    }
    out
}

fn brute_force(path: &str, overrides: &[(&str, &str)]) {
    orbits_of(path, overrides, &program(path, overrides));
}

fn orbits_of(path: &str, overrides: &[(&str, &str)], prog: &kripke::sema::Program) {
    let prog = prog.clone();
    let plain = CompiledModel::new(&prog).expect("lowers");
    let reduced = CompiledModel::new(&prog)
        .expect("lowers")
        .with_symmetry(true);
    assert!(reduced.reduces(), "{path} declares symmetry");
    // States are compared in the reduced model's packing (a model with
    // symmetry may lay variables out differently); its `successors` are
    // the unreduced ones.
    let states = reachable(&reduced);
    let rs = renamings(&prog);
    let mut orbits = HashSet::new();
    for s in &states {
        let c = reduced.canonical(s);
        let mut least = s.clone();
        for r in &rs {
            let t = reduced.renamed(s, r);
            assert_eq!(
                reduced.canonical(&t),
                c,
                "{path}: canonical form changes under renaming"
            );
            least = least.min(t);
        }
        orbits.insert(least);
    }
    let cfg = Config {
        check_deadlock: false,
        ..Config::default()
    };
    let o = checker::check(&reduced, &cfg);
    assert_eq!(o.verdict, checker::Verdict::Ok, "{path}");
    assert_eq!(
        o.stats.distinct,
        orbits.len() as u64,
        "{path} {overrides:?}: {} reachable states",
        states.len()
    );
    let full = checker::check(&plain, &cfg);
    assert_eq!(full.stats.distinct, states.len() as u64);
    assert_eq!(
        full.stats.depth, o.stats.depth,
        "{path}: symmetry keeps the depth"
    );
}

#[test]
fn two_phase_commit_orbits_match_brute_force() {
    for rm in ["2", "3", "4"] {
        brute_force("tests/data/2pc_safety.dsl", &[("RM", rm)]);
    }
}

#[test]
fn paxos_orbits_match_brute_force() {
    // Acceptors and values are both symmetric, and facts relate them (an
    // acceptor's vote names a value): the tie-breaking path.
    brute_force("specs/paxos.dsl", &[]);
}

#[test]
fn crdt_orbits_match_brute_force() {
    // Without the register's invariant, which is violated (the search must
    // see every state).
    let src = common::source("specs/crdt.dsl").replace(
        "invariant RegisterConverges:",
        "invariant RegisterConverges: true or",
    );
    orbits_of(
        "specs/crdt.dsl",
        &[],
        &common::program_of(src.as_bytes(), &[]),
    );
}

/// A broken two-phase commit, with and without symmetry: the same verdict
/// and trace length, and the reduced run's trace is a real run of the
/// unreduced model.
#[test]
fn symmetric_counterexamples_are_real_runs() {
    let src = common::source("tests/data/2pc_safety.dsl");
    let broken = src.replace(
        "require state == init and prepared == RM",
        "require state == init",
    );
    assert_ne!(broken, src);
    let prog = common::program_of(broken.as_bytes(), &[]);
    let cfg = Config {
        check_deadlock: true,
        workers: 2,
        ..Config::default()
    };
    let plain = CompiledModel::new(&prog).unwrap();
    let reduced = CompiledModel::new(&prog).unwrap().with_symmetry(true);
    let a = checker::check(&plain, &cfg);
    let b = checker::check(&reduced, &cfg);
    assert_eq!(a.verdict, b.verdict);
    assert!(matches!(a.verdict, checker::Verdict::Invariant(_)));
    assert_eq!(a.trace.len(), b.trace.len());
    // `validate` replays on `successors`, which are never reduced.
    checker::validate(&reduced, &b.trace, &b.verdict, true).expect("a real run");
    for w in [1, 3] {
        let c = checker::check(
            &reduced,
            &Config {
                workers: w,
                ..cfg.clone()
            },
        );
        assert_eq!(c.trace, b.trace, "workers = {w}");
        assert_eq!(c.stats.distinct, b.stats.distinct);
    }
}

/// From 9 RMs on, 2pc's map of RM states is laid out slot by slot and
/// canonical forms are computed on packed states. Too many states and
/// permutations for brute force: instead, every state of the first BFS
/// levels (unreduced) keeps its canonical form under a spread of renamings
/// (transpositions, rotations, a reversal), and the reduced run gives the
/// independently computed orbit count.
#[test]
fn packed_canonical_forms_are_invariant() {
    let prog = program("tests/data/2pc_safety.dsl", &[("RM", "9")]);
    let reduced = CompiledModel::new(&prog)
        .expect("lowers")
        .with_symmetry(true);
    assert!(reduced.symmetry_is_packed());
    let rm = prog.sets.iter().position(|s| s.name == "RM").unwrap();
    let n = 9u32;
    let mut renamings: Vec<Vec<u32>> = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let mut p: Vec<u32> = (0..n).collect();
            p.swap(a as usize, b as usize);
            renamings.push(p);
        }
        renamings.push((0..n).map(|i| (i + a) % n).collect());
    }
    renamings.push((0..n).rev().collect());
    // The first 20,000 states in BFS order.
    let mut seen: HashSet<State> = HashSet::new();
    let mut queue: std::collections::VecDeque<State> = reduced.initial_states().unwrap().into();
    let mut succ = Vec::new();
    while let Some(s) = queue.pop_front() {
        if seen.len() >= 20_000 {
            break;
        }
        if !seen.insert(s.clone()) {
            continue;
        }
        let c = reduced.canonical(&s);
        for p in &renamings {
            let mut r = vec![Vec::new(); prog.sets.len()];
            r[rm] = p.clone();
            assert_eq!(reduced.canonical(&reduced.renamed(&s, &r)), c);
        }
        succ.clear();
        reduced.successors(&s, &mut succ).unwrap();
        queue.extend(succ.drain(..).map(|(_, t)| t));
    }
    let o = checker::check(&reduced, &Config::default());
    assert_eq!(o.stats.distinct, 2232);
}

/// Reduced runs give the same counts and depth at any worker count, on the
/// packed path (2pc) and the value path (paxos, crdt).
#[test]
fn reduced_runs_do_not_depend_on_workers() {
    for (path, ov) in [
        ("tests/data/2pc_safety.dsl", vec![("RM", "6")]),
        ("specs/paxos.dsl", vec![]),
        ("specs/crdt.dsl", vec![]),
    ] {
        let prog = program(path, &ov);
        let model = CompiledModel::new(&prog).unwrap().with_symmetry(true);
        let run = |workers, batch| {
            let o = checker::check(
                &model,
                &Config {
                    workers,
                    batch,
                    check_deadlock: false,
                    ..Config::default()
                },
            );
            (
                o.verdict,
                o.stats.distinct,
                o.stats.generated,
                o.stats.depth,
            )
        };
        let one = run(1, 1);
        assert_eq!(run(1, 0), one, "{path}");
        assert_eq!(run(2, 0), one, "{path}");
        assert_eq!(run(3, 0), one, "{path}");
        assert_eq!(run(2, 6), one, "{path}");
    }
}

/// Faults add state of their own (`crashed`, `split`, a set of nodes on one
/// side of a partition): canonical forms must still count one state per
/// orbit.
#[test]
fn fault_state_orbits_match_brute_force() {
    let src = "spec Faulty\nnodes N = {n1, n2, n3} symmetric\n\
               message Ping(from: N)\nnetwork msgs: set<Message>\n\
               crash N up to 1 with recovery\npartition with heal\n\
               node N {\n\
                 durable var sent: bool = false\n\
                 var heard: set<N> = {}\n\
                 action Send { require not sent\n sent = true\n send Ping(self) }\n\
                 on Ping(p) { require connected(p, self)\n heard += {p} }\n\
               }\n\
               invariant Fine: true\n";
    orbits_of("faults", &[], &common::program_of(src.as_bytes(), &[]));
}
