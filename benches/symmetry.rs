//! The cost of symmetry reduction per state: how long it takes to find the
//! canonical form of every reachable state of two-phase commit with 7 RMs
//! (296,448 states), on packed states (2pc's layout allows it; specs whose
//! facts relate members use the slower value-based path).
//!
//! Run with `cargo bench --bench symmetry`.

use std::collections::HashSet;
use std::time::Instant;

use kripke::checker::Model;
use kripke::frontend;
use kripke::model::{CompiledModel, State};
use kripke::sema::Override;

fn main() {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/2pc_safety.dsl"
    ))
    .unwrap();
    let ov = vec![Override {
        name: "RM".into(),
        value: "7".into(),
    }];
    let (_, a) = frontend::analyze_isolated(frontend::decode(&text), ov).unwrap();
    let prog = a.program.expect("2pc.dsl checks");
    let model = CompiledModel::new(&prog).unwrap().with_symmetry(true);
    // Every reachable state, unreduced (`successors` never reduces).
    let mut seen: HashSet<State> = HashSet::new();
    let mut todo = model.initial_states().unwrap();
    let mut succ = Vec::new();
    while let Some(s) = todo.pop() {
        if seen.insert(s.clone()) {
            succ.clear();
            model.successors(&s, &mut succ).unwrap();
            todo.extend(succ.drain(..).map(|(_, t)| t));
        }
    }
    let states: Vec<State> = seen.into_iter().collect();
    let packed = model.symmetry_is_packed();
    for round in 0..3 {
        let start = Instant::now();
        let mut classes = HashSet::new();
        for s in &states {
            classes.insert(model.canonical(s));
        }
        let per = start.elapsed().as_nanos() as f64 / states.len() as f64;
        println!(
            "2pc, 7 RMs: {} states -> {} classes; {per:.0} ns per canonical form ({}; round {round})",
            states.len(),
            classes.len(),
            if packed { "packed" } else { "values" }
        );
    }
}
