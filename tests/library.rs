//! The protocol library (`specs/`): every spec's verdict for every
//! invariant and property, and its distinct-state count, pinned exactly
//! and quoted by its lesson (docs/lessons/NAME.md, checked here); and the variants the lessons
//! send students to (remove a fault, change a quorum), with their answers.
//! Every counterexample is replayed on the model by `expect::evaluate`.

mod common;

use kripke::checker::Config;
use kripke::expect::{self, Check};

/// Runs `kripke test`'s evaluation on spec text; returns every name's
/// verdict (true: holds) in declaration order, and the distinct states of
/// the largest run.
fn verdicts(src: &str, overrides: &[(&str, &str)]) -> (Vec<(String, bool)>, u64) {
    let prog = common::program_of(src.as_bytes(), overrides);
    let cfg = Config {
        workers: 2,
        ..Config::default()
    };
    let r = expect::evaluate(&prog, "spec", &cfg, true);
    assert!(r.problem.is_none(), "{:?}", r.problem);
    let names = r
        .checks
        .iter()
        .map(|c| match c {
            Check::Met { name, holds } => (name.clone(), *holds),
            Check::Unmet {
                name,
                expected_holds,
                ..
            } => (name.clone(), !expected_holds),
        })
        .collect();
    (names, r.distinct)
}

/// 20644 -> "20,644", as the lessons write counts.
fn with_commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn owned(v: &[(&str, bool)]) -> Vec<(String, bool)> {
    v.iter().map(|(n, h)| (n.to_string(), *h)).collect()
}

/// Checks a shipped spec: its verdicts (which its `expect` lines must
/// match too) and its state count.
fn shipped(path: &str, expected: &[(&str, bool)], distinct: u64) {
    let (got, n) = verdicts(&common::source(path), &[]);
    assert_eq!(got, owned(expected), "{path}");
    assert_eq!(n, distinct, "{path}: distinct states");
    let stem = std::path::Path::new(path)
        .file_stem()
        .unwrap()
        .to_string_lossy();
    let lesson = common::source(&format!("docs/lessons/{stem}.md"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let quoted = format!("{} distinct states", with_commas(distinct));
    assert!(
        lesson.contains(&quoted),
        "docs/lessons/{stem}.md must say \"{quoted}\""
    );
    let prog = common::program(path, &[]);
    for (name, holds) in expected {
        let e = prog.expects.iter().find(|e| e.name == *name);
        assert_eq!(
            e.map(|e| e.holds),
            Some(*holds),
            "{path}: `expect {name}` must say what kripke finds"
        );
    }
}

#[test]
fn two_phase_commit_is_safe_but_blocks() {
    shipped(
        "specs/2pc.dsl",
        &[
            ("Consistent", true),
            ("CommitMeansTMCommitted", true),
            ("Termination", false),
        ],
        576,
    );
    // Without the crash, every RM decides.
    let src = common::source("specs/2pc.dsl").replace("\ncrash TM\n", "\n");
    let (got, n) = verdicts(&src.replace("TM.crashed or ", ""), &[]);
    assert_eq!(
        got,
        owned(&[
            ("Consistent", true),
            ("CommitMeansTMCommitted", true),
            ("Termination", true)
        ])
    );
    assert_eq!(n, 288);
}

#[test]
fn three_phase_commit_does_not_block_but_splits() {
    shipped(
        "specs/3pc.dsl",
        &[("Consistent", false), ("Termination", true)],
        20_644,
    );
    // Without a partition (crashes only), it is also consistent.
    let src = common::source("specs/3pc.dsl") + "\nconstraint NoPartition: split == {}\n";
    let (got, n) = verdicts(&src, &[]);
    assert_eq!(got, owned(&[("Consistent", true), ("Termination", true)]));
    assert_eq!(n, 1_472);
}

#[test]
fn paxos_is_safe_but_needs_a_leader_to_decide() {
    shipped(
        "specs/paxos.dsl",
        &[
            ("Agreement", true),
            ("VoteBelowPromise", true),
            ("Validity", true),
            ("Decides", false),
            ("StableLeaderDecides", true),
        ],
        29_456,
    );
}

#[test]
fn mutex_and_crdt() {
    shipped(
        "specs/mutex.dsl",
        &[("MutualExclusion", true), ("NoStarvation", true)],
        8,
    );
}

/// Agreement holds exactly when phase-1 and phase-2 quorums intersect:
/// the whole grid of quorum sizes for 4 acceptors.
#[test]
fn flexible_paxos_agrees_exactly_when_quorums_intersect() {
    shipped("specs/flexible_paxos.dsl", &[("Agreement", true)], 834);
    let src = common::source("specs/flexible_paxos.dsl");
    for q1 in 1..=4 {
        for q2 in 1..=4 {
            let (a, b) = (q1.to_string(), q2.to_string());
            let (got, _) = verdicts(&src, &[("Q1", &a), ("Q2", &b)]);
            assert_eq!(
                got,
                owned(&[("Agreement", q1 + q2 > 4)]),
                "Q1 = {q1}, Q2 = {q2}"
            );
        }
    }
}

/// Election safety holds with the term and vote on disk; a server that
/// forgets its vote in a crash elects two leaders in one term.
#[test]
fn raft_elects_one_leader_per_term_if_votes_are_durable() {
    shipped(
        "specs/raft_election.dsl",
        &[("ElectionSafety", true)],
        18_662,
    );
    let src = common::source("specs/raft_election.dsl")
        .replace("  durable var votedFor", "  var votedFor");
    let r = common::run(&src, 2, false);
    assert_eq!(r.verdict, kripke::checker::Verdict::Invariant(0));
    assert!(
        r.steps.iter().any(|s| s.starts_with("recover ")),
        "{:?}",
        r.steps
    );
    assert_eq!(
        r.steps.last().map(|s| s.ends_with(".BecomeLeader")),
        Some(true)
    );
}

/// Lamport clocks respect happened-before but do not decide it; vector
/// clocks decide it exactly.
#[test]
fn clocks_lamport_respects_order_and_vectors_decide_it() {
    shipped(
        "specs/clocks.dsl",
        &[
            ("LamportConsistent", true),
            ("LamportDecidesOrder", false),
            ("VectorExact", true),
        ],
        37_519,
    );
    // The shortest counterexample to the converse: two events at one
    // process, one at another, no message: concurrent, yet ordered by
    // their Lamport clocks.
    let r = common::run(&common::source("specs/clocks.dsl"), 1, false);
    assert_eq!(r.verdict, kripke::checker::Verdict::Invariant(1));
    assert_eq!(
        r.steps,
        ["Proc[p1].Local", "Proc[p1].Local", "Proc[p2].Local"]
    );
}

/// Heartbeats with timeouts: never accurate; strongly complete only with
/// gossip of suspicions, weakly complete either way.
#[test]
fn failure_detector_needs_gossip_for_strong_completeness() {
    shipped(
        "specs/failure_detector.dsl",
        &[
            ("Accuracy", false),
            ("StrongCompleteness", true),
            ("WeakCompleteness", true),
        ],
        15_872,
    );
    let (got, _) = verdicts(
        &common::source("specs/failure_detector.dsl"),
        &[("Gossip", "false")],
    );
    assert_eq!(
        got,
        owned(&[
            ("Accuracy", false),
            ("StrongCompleteness", false),
            ("WeakCompleteness", true)
        ])
    );
}

/// Reads from a copy known to hold the latest durable write are fresh, and
/// so are quorum reads; a read from any copy is not. With write and read
/// quorums that need not overlap (3 + 3 = 6), quorum reads go stale too.
#[test]
fn aurora_reads_are_fresh_only_from_known_copies_or_quorums() {
    shipped(
        "specs/aurora_quorum.dsl",
        &[
            ("KnownCopyReadIsFresh", true),
            ("AnyCopyReadIsFresh", false),
            ("QuorumReadIsFresh", true),
        ],
        9_536,
    );
    let (got, _) = verdicts(
        &common::source("specs/aurora_quorum.dsl"),
        &[("WriteQuorum", "3")],
    );
    assert_eq!(
        got,
        owned(&[
            ("KnownCopyReadIsFresh", true),
            ("AnyCopyReadIsFresh", false),
            ("QuorumReadIsFresh", false)
        ])
    );
}

/// Every spec in specs/ has a lesson, and the lessons' index lists it.
#[test]
fn every_spec_has_a_lesson() {
    let index = common::source("docs/lessons/README.md");
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/specs")).unwrap() {
        let path = e.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let lesson = format!("docs/lessons/{stem}.md");
        let text = common::source(&lesson);
        assert!(text.contains("## Exercise"), "{lesson}: an exercise");
        assert!(
            index.contains(&format!("({stem}.md)")),
            "README links {lesson}"
        );
    }
}
