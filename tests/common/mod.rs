//! What the integration tests share: turning spec text or a spec file into
//! a checked core program.

#![allow(dead_code)] // each test crate uses what it needs

use std::path::Path;

use kripke::checker::{self, Config, Model, Outcome, Verdict};
use kripke::frontend;
use kripke::model::CompiledModel;
use kripke::sema::{Override, Program};

/// The program of spec text, with `--const`-style overrides; panics with
/// the diagnostics if the spec does not check.
pub fn program_of(src: &[u8], overrides: &[(&str, &str)]) -> Program {
    let ov = overrides
        .iter()
        .map(|(n, v)| Override {
            name: n.to_string(),
            value: v.to_string(),
        })
        .collect();
    let (_, a) = frontend::analyze_isolated(frontend::decode(src), ov).expect("no internal error");
    let msgs: Vec<String> = a.diags.iter().map(|d| d.message.clone()).collect();
    a.program
        .unwrap_or_else(|| panic!("the spec does not check: {msgs:?}"))
}

/// The program of a spec file, by path from the repository root.
pub fn program(path: &str, overrides: &[(&str, &str)]) -> Program {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    program_of(&bytes, overrides)
}

/// A spec file's text, by path from the repository root.
pub fn source(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What a run of the checker found, in terms a test can compare.
pub struct Run {
    pub verdict: Verdict<kripke::model::ModelError>,
    /// The violated property's name, for a liveness counterexample.
    pub property: Option<String>,
    pub loop_start: Option<usize>,
    /// The trace's steps, as printed (without the initial state).
    pub steps: Vec<String>,
    pub distinct: u64,
}

/// Checks spec text (invariants, properties, and deadlock if asked) with
/// `workers` threads; every counterexample is validated on the model
/// (replayed, and a lasso checked) before it is returned.
pub fn run(src: &str, workers: usize, deadlock: bool) -> Run {
    run_with(
        src,
        Config {
            check_deadlock: deadlock,
            workers,
            ..Config::default()
        },
    )
}

/// `run` with liveness on, and the rest of `cfg`.
pub fn run_with(src: &str, cfg: Config) -> Run {
    let prog = program_of(src.as_bytes(), &[]);
    let model = CompiledModel::new(&prog).expect("lowers");
    let cfg = Config {
        liveness: true,
        ..cfg
    };
    let o: Outcome<CompiledModel> = checker::check(&model, &cfg);
    checker::validate_outcome(&model, &o, false).expect("the trace replays, the lasso holds up");
    let property = match o.verdict {
        Verdict::Property(k) => Some(model.properties()[k].name.clone()),
        _ => None,
    };
    Run {
        steps: o
            .trace
            .iter()
            .skip(1)
            .map(|t| kripke::report::step_name(&prog, t.label.as_ref().unwrap()))
            .collect(),
        verdict: o.verdict,
        property,
        loop_start: o.loop_start,
        distinct: o.stats.distinct,
    }
}
