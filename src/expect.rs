//! Expectations: what `kripke test` checks a spec against.
//!
//! A spec says `expect Name holds` or `expect Name violated` of its
//! invariants and properties, and `expect deadlock` (or `expect no
//! deadlock`, the default) of deadlocks; a name without an `expect` is
//! expected to hold. The checker stops
//! at the first violation, so [`evaluate`] runs it again without each name
//! found violated, until the rest hold: every name gets a verdict, each
//! violation with its own (replayed) counterexample.

use std::time::{Duration, Instant};

use crate::checker::{self, Config, Verdict};
use crate::model::CompiledModel;
use crate::report;
use crate::sema::program::Program;

/// The name under which deadlock freedom is expected (`expect deadlock`:
/// violated), unless the spec has a formula of that name.
const DEADLOCK: &str = "deadlock";

fn is_formula(prog: &Program, name: &str) -> bool {
    prog.invariants
        .iter()
        .chain(&prog.properties)
        .any(|f| f.name == name)
}

/// What one expectation came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// Met: the name holds or is violated, as expected.
    Met { name: String, holds: bool },
    /// Not met; `trace` is the counterexample when there is one.
    Unmet {
        name: String,
        expected_holds: bool,
        trace: Option<String>,
    },
}

/// The result of testing one spec.
#[derive(Clone, Debug)]
pub struct SpecReport {
    pub checks: Vec<Check>,
    /// Why the spec could not be fully checked (a deadlock, an evaluation
    /// error, a limit), with the run that shows it.
    pub problem: Option<String>,
    /// Distinct states of the largest run (runs that stop at a violation
    /// see fewer).
    pub distinct: u64,
    pub elapsed: Duration,
}

impl SpecReport {
    pub fn passed(&self) -> bool {
        self.problem.is_none() && self.checks.iter().all(|c| matches!(c, Check::Met { .. }))
    }
}

/// Checks `prog` and compares every invariant's and property's verdict
/// with its expectation.
pub fn evaluate(prog: &Program, name: &str, cfg: &Config, symmetry: bool) -> SpecReport {
    let start = Instant::now();
    let mut p = prog.clone();
    let mut violated: Vec<(String, String)> = Vec::new();
    let deadlock_expected =
        prog.expects.iter().any(|e| e.name == DEADLOCK && !e.holds) && !is_formula(prog, DEADLOCK);
    let mut cfg = cfg.clone();
    let mut problem = None;
    let mut distinct = None;
    cfg.liveness = true;
    // What one run found: nothing more, a name to drop and run again, or
    // a problem that ends the testing.
    enum Next {
        Done,
        Invariant(usize, String),
        Property(usize, String),
        Deadlock(String),
        Stop(String),
    }
    loop {
        let next = {
            let model = match CompiledModel::new(&p) {
                Ok(m) => m.with_symmetry(symmetry && p.properties.is_empty()),
                Err((_, msg)) => break problem = Some(msg),
            };
            let o = checker::check(&model, &cfg);
            distinct = distinct.max(Some(o.stats.distinct));
            let replays = checker::validate_outcome(&model, &o, cfg.check_deadlock);
            let text = || report::text(name, &model, &o, cfg.check_deadlock);
            match (replays, &o.verdict) {
                (Err(why), _) => Next::Stop(format!(
                    "internal error: the counterexample does not replay ({why})"
                )),
                (Ok(()), Verdict::Ok) => Next::Done,
                (Ok(()), Verdict::Invariant(k)) => Next::Invariant(*k, text()),
                (Ok(()), Verdict::Property(k)) => Next::Property(*k, text()),
                (Ok(()), Verdict::Deadlock) if deadlock_expected => Next::Deadlock(text()),
                (Ok(()), _) => Next::Stop(text()),
            }
        };
        match next {
            Next::Done => break,
            Next::Invariant(k, t) => {
                violated.push((p.invariants[k].name.clone(), t));
                p.invariants.remove(k);
            }
            Next::Property(k, t) => {
                violated.push((p.properties[k].name.clone(), t));
                p.properties.remove(k);
            }
            // As expected: go on without looking for deadlocks.
            Next::Deadlock(t) => {
                violated.push((DEADLOCK.to_string(), t));
                cfg.check_deadlock = false;
            }
            Next::Stop(t) => break problem = Some(t),
        }
    }
    let mut checks = Vec::new();
    let mut names: Vec<String> = prog
        .invariants
        .iter()
        .chain(&prog.properties)
        .map(|f| f.name.clone())
        .collect();
    if deadlock_expected {
        names.push(DEADLOCK.to_string());
    }
    for n in names {
        let expected_holds = prog
            .expects
            .iter()
            .find(|e| e.name == n)
            .is_none_or(|e| e.holds);
        let trace = violated
            .iter()
            .find(|(v, _)| *v == n)
            .map(|(_, t)| t.clone());
        // Nothing is known to hold if the run did not finish.
        let met = if expected_holds {
            trace.is_none() && problem.is_none()
        } else {
            trace.is_some()
        };
        if met {
            checks.push(Check::Met {
                name: n,
                holds: expected_holds,
            });
        } else {
            checks.push(Check::Unmet {
                name: n,
                expected_holds,
                trace,
            });
        }
    }
    SpecReport {
        checks,
        problem,
        distinct: distinct.unwrap_or(0),
        elapsed: start.elapsed(),
    }
}
