//! Conformance with TLC: every model in `tests/conformance/manifest.json`
//! must give its recorded distinct states, generated states, depth and
//! verdict, equal to TLC's figures (see the manifest for the one generated
//! count that cannot match, and why); every broken variant in
//! `tests/conformance/bugs/` must be rejected with a shortest trace of the
//! recorded length that ends in the recorded action. Every trace is replayed
//! through the model. The two large models are `#[ignore]`d by default and
//! run by the README's test command (`-- --include-ignored`).

mod common;

use kripke::checker::{self, Config, Model, Verdict};
use kripke::frontend;
use kripke::model::CompiledModel;
use kripke::sema::Program;
use serde_json::Value as Json;

fn manifest() -> Json {
    let text = common::source("tests/conformance/manifest.json");
    serde_json::from_str(&text).expect("manifest is JSON")
}

struct Run {
    verdict: &'static str,
    property: Option<String>,
    distinct: u64,
    generated: u64,
    depth: u64,
    steps: usize,
    last_action: Option<String>,
}

fn run(prog: &Program, cfg: &Config) -> Run {
    let model = CompiledModel::new(prog).expect("the model lowers");
    let o = checker::check(&model, cfg);
    checker::validate(&model, &o.trace, &o.verdict, cfg.check_deadlock)
        .expect("the trace replays through the model");
    let verdict = kripke::report::verdict_word(&o.verdict);
    let property = match &o.verdict {
        Verdict::Invariant(k) => Some(prog.invariants[*k].name.clone()),
        Verdict::Error(e) => Some(format!("{e:?}")),
        _ => None,
    };
    let last_action = o
        .trace
        .last()
        .and_then(|t| t.label.as_ref())
        .map(|s| prog.actions[s.action as usize].name.clone());
    Run {
        verdict,
        property,
        distinct: o.stats.distinct,
        generated: o.stats.generated,
        depth: o.stats.depth,
        steps: o.trace.len().saturating_sub(1),
        last_action,
    }
}

/// The manifest's models that are not slow, then its broken variants.
fn quick_specs() -> Vec<String> {
    let m = manifest();
    let models = m["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["slow"].as_bool().unwrap_or(false));
    models
        .chain(m["bugs"].as_array().unwrap())
        .map(|e| e["spec"].as_str().unwrap().to_string())
        .collect()
}

fn cfg() -> Config {
    Config {
        check_deadlock: true,
        ..Config::default()
    }
}

fn check_models(slow: bool) {
    let m = manifest();
    let mut checked = 0;
    for entry in m["models"].as_array().expect("models") {
        if entry["slow"].as_bool().unwrap_or(false) != slow {
            continue;
        }
        let spec = entry["spec"].as_str().unwrap();
        let prog = common::program(&format!("tests/conformance/{spec}"), &[]);
        // The large models run on two workers: quicker, and a check of the
        // parallel search at scale (it must give the very same figures).
        let workers = if slow { 2 } else { 1 };
        let r = run(&prog, &Config { workers, ..cfg() });
        let (k, tlc) = (&entry["kripke"], &entry["tlc"]);
        assert_eq!(
            r.verdict,
            entry["result"].as_str().unwrap(),
            "{spec}: verdict ({:?})",
            r.property
        );
        assert_eq!(
            (r.distinct, r.generated, r.depth),
            (
                k["distinct"].as_u64().unwrap(),
                k["generated"].as_u64().unwrap(),
                k["depth"].as_u64().unwrap()
            ),
            "{spec}: distinct, generated, depth"
        );
        // The recorded figures agree with TLC's, except a generated count
        // whose difference the manifest explains.
        assert_eq!(
            k["distinct"], tlc["distinct"],
            "{spec}: distinct must equal TLC's"
        );
        assert_eq!(k["depth"], tlc["depth"], "{spec}: depth must equal TLC's");
        if entry.get("generated_note").is_none() {
            assert_eq!(
                k["generated"], tlc["generated"],
                "{spec}: generated must equal TLC's"
            );
        }
        if !slow {
            // Depth-first search visits the same states and computes the same successors.
            let d = run(&prog, &Config { dfs: true, ..cfg() });
            assert_eq!(
                (d.verdict, d.distinct, d.generated),
                (r.verdict, r.distinct, r.generated),
                "{spec}: DFS agrees"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= if slow { 2 } else { 5 },
        "checked {checked} models"
    );
}

#[test]
fn conformance_models_match_tlc() {
    check_models(false);
}

/// About two minutes in a release build: run by `cargo test --release --
/// --include-ignored` (the README's test command and `.ci/run`) or
/// `cargo test --release -- --ignored`.
#[test]
#[ignore = "large models (about 2 minutes in release): run with -- --include-ignored"]
fn large_conformance_models_match_tlc() {
    check_models(true);
}

#[test]
fn broken_variants_are_caught_with_shortest_traces() {
    let m = manifest();
    let bugs = m["bugs"].as_array().expect("bugs");
    let models = m["models"].as_array().unwrap().len();
    assert!(
        bugs.len() >= models,
        "every conformance model needs a broken variant"
    );
    for b in bugs {
        let spec = b["spec"].as_str().unwrap();
        let prog = common::program(&format!("tests/conformance/{spec}"), &[]);
        let r = run(&prog, &cfg());
        assert_eq!(r.verdict, b["result"].as_str().unwrap(), "{spec}");
        assert_eq!(r.property.as_deref(), b["property"].as_str(), "{spec}");
        assert_eq!(
            r.steps as u64,
            b["steps"].as_u64().unwrap(),
            "{spec}: trace length"
        );
        assert_eq!(
            r.last_action.as_deref(),
            b["last_action"].as_str(),
            "{spec}: last action"
        );
        // BFS finds a shortest counterexample: with a depth bound one short
        // of it, no violation is found.
        let shorter = run(
            &prog,
            &Config {
                max_depth: Some(r.steps as u64),
                ..cfg()
            },
        );
        assert_ne!(
            shorter.verdict, "violation",
            "{spec}: a shorter counterexample exists"
        );
    }
}

#[test]
fn two_phase_commit_spec_counts() {
    let spec = "tests/data/2pc_safety.dsl";
    let r = run(&common::program(spec, &[]), &cfg());
    assert_eq!(
        (r.verdict, r.distinct, r.generated, r.depth),
        ("ok", 288, 1146, 11)
    );
    // The node set resized from the command line: members rm1 … rm5.
    let r = run(&common::program(spec, &[("RM", "5")]), &cfg());
    assert_eq!((r.verdict, r.distinct), ("ok", 8832));
}

/// Parallel breadth-first search must not change anything a user sees:
/// counts, verdict, and the trace (its states and steps), for passing models
/// and for broken ones (where the run stops early, mid-level).
#[test]
fn parallel_search_gives_identical_results() {
    let specs = quick_specs();
    for spec in specs {
        let prog = common::program(&format!("tests/conformance/{spec}"), &[]);
        let model = CompiledModel::new(&prog).expect("lowers");
        // The reference: one thread, one state at a time.
        let one = checker::check(&model, &Config { batch: 1, ..cfg() });
        // Small batches too: many of them, stopping mid-batch, merged while
        // the next is expanded.
        // And batches that shrink and grow all the time (a budget of a few
        // successors).
        for (workers, batch, batch_bytes) in
            [(1, 0, 0), (2, 0, 0), (3, 0, 0), (2, 7, 0), (2, 0, 2000)]
        {
            let many = checker::check(
                &model,
                &Config {
                    workers,
                    batch,
                    batch_bytes,
                    ..cfg()
                },
            );
            assert_eq!(
                many.verdict, one.verdict,
                "{spec}: verdict with {workers} workers, batch {batch}"
            );
            assert_eq!(
                (many.stats.distinct, many.stats.generated, many.stats.depth),
                (one.stats.distinct, one.stats.generated, one.stats.depth),
                "{spec}: counts with {workers} workers, batch {batch}"
            );
            assert_eq!(
                many.trace, one.trace,
                "{spec}: trace with {workers} workers, batch {batch}"
            );
        }
    }
}

/// The specs above declare no symmetry (they mirror TLC models, which set
/// none). Here every node and value set of every conformance model and
/// broken variant is made `symmetric` where the front end allows it, and
/// the run with symmetry must give the verdict, the counterexample length
/// and the depth of the run without it, with a trace that replays on the
/// unreduced model, and fewer or as many states.
#[test]
fn symmetry_keeps_verdicts_on_the_conformance_corpus() {
    let specs = quick_specs();
    let mut reduced = 0;
    for spec in &specs {
        let text = common::source(&format!("tests/conformance/{spec}"));
        let decls: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| {
                (l.starts_with("nodes ") || l.starts_with("values ")) && l.trim_end().ends_with('}')
            })
            .map(|(i, _)| i)
            .collect();
        // Every set symmetric, else one set at a time: a spec that names
        // members of a set (TLC's models do, in quorums and initial values)
        // is rightly refused for that set.
        let tries = std::iter::once(decls.clone()).chain(decls.iter().map(|&d| vec![d]));
        let prog = tries.into_iter().find_map(|chosen| {
            let sym: String = text
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    if chosen.contains(&i) {
                        format!("{l} symmetric\n")
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect();
            let (_, a) = frontend::analyze_isolated(frontend::decode(sym.as_bytes()), Vec::new())
                .expect("no internal error");
            a.program
        });
        let Some(prog) = prog else { continue };
        let plain = CompiledModel::new(&prog).expect("lowers");
        let model = CompiledModel::new(&prog)
            .expect("lowers")
            .with_symmetry(true);
        if !model.reduces() {
            continue; // no node or value set to make symmetric
        }
        let p = checker::check(&plain, &cfg());
        let s = checker::check(
            &model,
            &Config {
                workers: 2,
                ..cfg()
            },
        );
        assert_eq!(s.verdict, p.verdict, "{spec}: verdict with symmetry");
        assert_eq!(
            s.trace.len(),
            p.trace.len(),
            "{spec}: counterexample length"
        );
        assert_eq!(s.stats.depth, p.stats.depth, "{spec}: depth");
        assert!(s.stats.distinct <= p.stats.distinct, "{spec}");
        // On the reduced model's `successors`, which are never reduced.
        checker::validate(&model, &s.trace, &s.verdict, true)
            .unwrap_or_else(|e| panic!("{spec}: the reduced trace does not replay: {e}"));
        eprintln!(
            "{spec}: {} -> {} states",
            p.stats.distinct, s.stats.distinct
        );
        reduced += 1;
    }
    assert!(
        reduced >= 8,
        "only {reduced} of {} specs took symmetry",
        specs.len()
    );
}
