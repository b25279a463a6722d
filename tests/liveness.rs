//! Liveness: temporal properties under fairness, with known answers. Every
//! counterexample is replayed (`validate`) and its lasso checked on the
//! model (`validate_lasso`: the loop closes, fairness holds on it, and it
//! violates the property).

mod common;

use common::{Run, program_of, source};
use kripke::checker::{self, Config, Model, Verdict, liveness};
use kripke::model::CompiledModel;

fn check_with(src: &str, workers: usize) -> Run {
    common::run(src, workers, false)
}

fn check(src: &str) -> Run {
    check_with(src, 1)
}

#[test]
fn two_phase_commit_terminates_with_fairness() {
    let r = check(&source("tests/liveness/2pc_termination.dsl"));
    assert_eq!(r.verdict, Verdict::Ok);
    assert_eq!(r.distinct, 288);
}

#[test]
fn two_phase_commit_without_fairness_may_stop() {
    let src = source("tests/liveness/2pc_termination.dsl")
        .replace("  fair action", "  action")
        .replace("  fair on", "  on");
    let r = check(&src);
    assert_eq!(r.property.as_deref(), Some("EveryRMDecides"));
    // Nothing forces the first step: the run stays in its initial state.
    assert_eq!((r.loop_start, r.steps.len()), (Some(0), 0));
}

#[test]
fn two_phase_commit_blocks_when_the_coordinator_crashes() {
    // One line: the transaction manager may crash (and then stops).
    let src = source("tests/liveness/2pc_termination.dsl") + "\ncrash TM\n";
    let r = check(&src);
    assert_eq!(r.property.as_deref(), Some("EveryRMDecides"));
    // The RMs prepare, the coordinator crashes: no fair step is enabled
    // any more and the prepared RMs never learn the outcome. (Four steps
    // is the least: every RM must have left `working`, or its own steps
    // would still be enabled.)
    assert_eq!(
        r.steps,
        [
            "RM[r1].Prepare",
            "RM[r2].Prepare",
            "RM[r3].Prepare",
            "crash TM"
        ]
    );
    assert_eq!(r.loop_start, Some(4));
}

#[test]
fn starvation_under_weak_fairness_not_under_strong() {
    let strong = check(&source("specs/mutex.dsl"));
    assert_eq!(strong.verdict, Verdict::Ok);
    let weak =
        check(&source("specs/mutex.dsl").replace("strong fair action Enter", "fair action Enter"));
    assert_eq!(weak.property.as_deref(), Some("NoStarvation"));
    // p1 asks, then p2 goes round and round while p1 waits.
    assert_eq!(weak.loop_start, Some(1));
    assert_eq!(
        weak.steps,
        [
            "Proc[p1].Request",
            "Proc[p2].Request",
            "Proc[p2].Enter",
            "Proc[p2].Exit"
        ]
    );
}

const COUNTER: &str = "spec Counter
var n: 0..3 = 0
FAIR action Inc { require n < 3; n = n + 1 }
terminal n == 3
";

#[test]
fn each_form_on_a_counter() {
    let with = |fair: &str, prop: &str| {
        check(&format!(
            "{}property P: {prop}\n",
            COUNTER.replace("FAIR", fair)
        ))
    };
    // Weak fairness drives the counter to 3, where it stops for good.
    for holds in [
        "eventually n == 3",
        "eventually always n == 3",
        "n == 1 leads_to n == 2",
        "always n <= 3",
        "always eventually n == 3",
    ] {
        assert_eq!(with("fair", holds).verdict, Verdict::Ok, "{holds}");
    }
    // ... and never back to 0.
    let r = with("fair", "always eventually n == 0");
    assert_eq!((r.loop_start, r.steps.len()), (Some(3), 3));
    // `always` is violated by a finite run.
    let r = with("fair", "always n < 2");
    assert_eq!((r.loop_start, r.steps.len()), (None, 2));
    // Without fairness the run may stop anywhere, at once.
    for violated in ["eventually n == 3", "n == 0 leads_to n == 1"] {
        let r = with("", violated);
        assert_eq!(r.property.as_deref(), Some("P"), "{violated}");
        assert_eq!((r.loop_start, r.steps.len()), (Some(0), 0), "{violated}");
    }
}

#[test]
fn a_flip_flop_is_infinitely_often_but_not_eventually_always() {
    let flip = "spec Flip
var b: bool = false
fair action Flip { b = not b }
";
    let r = check(&format!("{flip}property P: always eventually b\n"));
    assert_eq!(r.verdict, Verdict::Ok);
    let r = check(&format!("{flip}property P: eventually always b\n"));
    assert_eq!(r.property.as_deref(), Some("P"));
    // The loop: false -> true -> false.
    assert_eq!((r.loop_start, r.steps.len()), (Some(0), 2));
}

#[test]
fn lassos_do_not_depend_on_workers() {
    let src = source("specs/mutex.dsl").replace("strong fair action Enter", "fair action Enter");
    // The reference: one thread, one state at a time.
    let one = common::run_with(
        &src,
        Config {
            workers: 1,
            batch: 1,
            ..Config::default()
        },
    );
    // Small batches too: many of them, merged while the next is expanded.
    for (workers, batch) in [(1, 0), (2, 0), (3, 0), (2, 5)] {
        let many = common::run_with(
            &src,
            Config {
                workers,
                batch,
                ..Config::default()
            },
        );
        assert_eq!(
            (many.verdict.clone(), many.loop_start, many.steps.clone()),
            (one.verdict.clone(), one.loop_start, one.steps.clone())
        );
        assert_eq!(many.distinct, one.distinct);
    }
}

/// Models from the public tlaplus/Examples repository whose .cfg declares a
/// PROPERTY, translated (tests/liveness/tla/): TLC's distinct and generated
/// counts and verdicts. Depth: kripke counts states on the longest
/// shortest path, as for the safety conformance models; for SpanTree TLC
/// reports 6 where kripke finds 5 (every state is 4 steps from the initial
/// one at most; TLC's liveness mode adds a stuttering step to terminal
/// states, which we take to be the extra level). Without their fairness,
/// each property fails, so none holds vacuously.
#[test]
fn tla_examples_with_properties_match_tlc() {
    for (file, distinct, generated, depth, deadlock) in [
        (
            "tests/liveness/tla/dining_philosophers.dsl",
            67,
            336,
            29,
            true,
        ),
        ("tests/liveness/tla/prisoners.dsl", 214, 860, 14, true),
        ("tests/liveness/tla/span_tree.dsl", 1236, 10278, 5, false),
    ] {
        let src = source(file);
        let prog = program_of(src.as_bytes(), &[]);
        let model = CompiledModel::new(&prog).unwrap();
        let cfg = Config {
            check_deadlock: deadlock,
            liveness: true,
            ..Config::default()
        };
        let o = checker::check(&model, &cfg);
        assert_eq!(o.verdict, Verdict::Ok, "{file}");
        assert_eq!(
            (o.stats.distinct, o.stats.generated, o.stats.depth),
            (distinct, generated, depth),
            "{file}"
        );
        let unfair = src.replace("fair action", "action");
        assert!(
            check(&unfair).property.is_some(),
            "{file}: without fairness a property must fail"
        );
    }
}

/// `crash RM up to K`: up to K RMs may stop. With one, the RM that crashed
/// never decides (once the others have, nothing fair is left to do), and
/// safety is untouched; the limit holds.
#[test]
fn a_crashed_resource_manager_never_decides() {
    let src = source("tests/liveness/2pc_termination.dsl") + "\ncrash RM up to 1\n";
    let r = check(&src);
    assert_eq!(r.property.as_deref(), Some("EveryRMDecides"));
    assert_eq!(
        r.steps,
        [
            "RM[r2].ChooseToAbort",
            "RM[r3].ChooseToAbort",
            "crash RM[r1]",
            "TM.Abort"
        ]
    );
    assert_eq!(r.loop_start, Some(4));
    let both = "\ninvariant AtMostOne: not exists a, b in RM: a != b and RM[a].crashed and RM[b].crashed\n";
    let one = check(&(source("tests/data/2pc_safety.dsl") + "\ncrash RM up to 1\n" + both));
    assert_eq!(one.verdict, Verdict::Ok);
    let two = check(&(source("tests/data/2pc_safety.dsl") + "\ncrash RM up to 2\n" + both));
    assert_eq!(two.verdict, Verdict::Invariant(2));
    assert_eq!(two.steps, ["crash RM[r1]", "crash RM[r2]"]);
}

/// The lasso check rejects what is not a fair counterexample: a loop that
/// does not close, and a loop that is fair under weak fairness replayed on
/// the same spec with strong fairness (p1's Enter is enabled on the loop
/// and never taken).
#[test]
fn lasso_validation_rejects_unfair_or_open_loops() {
    let weak_src =
        source("specs/mutex.dsl").replace("strong fair action Enter", "fair action Enter");
    let weak_prog = program_of(weak_src.as_bytes(), &[]);
    let strong_prog = common::program("specs/mutex.dsl", &[]);
    let weak = CompiledModel::new(&weak_prog).unwrap();
    let strong = CompiledModel::new(&strong_prog).unwrap();
    let cfg = Config {
        liveness: true,
        ..Config::default()
    };
    let o = checker::check(&weak, &cfg);
    let prop = &weak.properties()[0];
    liveness::validate_lasso(&weak, &o.trace, prop, o.loop_start).expect("a fair lasso");
    let open = &o.trace[..o.trace.len() - 1];
    assert_eq!(
        liveness::validate_lasso(&weak, open, prop, o.loop_start),
        Err("the loop does not return to its first state".into())
    );
    let unfair = liveness::validate_lasso(&strong, &o.trace, &strong.properties()[0], o.loop_start);
    assert!(
        unfair
            .as_ref()
            .is_err_and(|e| e.contains("is enabled on the loop but never taken")),
        "{unfair:?}"
    );
}
