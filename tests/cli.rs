//! The `kripke` binary end to end: exit codes, summaries, `--const`, and
//! hostile input that must get a clear message and exit 2, never a panic or
//! a stack overflow.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kripke(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kripke"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run kripke")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A scratch file unique to this test process.
fn scratch(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kripke-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, contents).expect("write scratch file");
    p
}

/// Runs `kripke lint` on bad input and checks the contract: exit 2, the
/// expected message, a bounded amount of output, no panic.
fn rejects(path: &Path, message: &str) -> String {
    let o = kripke(&["lint", "--color", "never", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "exit code for {}; stderr:\n{err}",
        path.display()
    );
    assert!(
        err.contains(message),
        "expected {message:?} for {}, got:\n{err}",
        path.display()
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.len() < 64_000,
        "output for {} is {} bytes",
        path.display(),
        err.len()
    );
    err
}

#[test]
fn lint_summarises_clean_specs() {
    let o = kripke(&[
        "lint",
        "tests/data/2pc_safety.dsl",
        "specs/paxos.dsl",
        "specs/crdt.dsl",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("tests/data/2pc_safety.dsl: ok: spec TwoPhaseCommit: 4 nodes, 4 variables, 7 actions, 2 invariants, 0 properties (3 message kinds; at most 49152 valuations)"),
        "{out}"
    );
    assert!(
        out.contains(
            "specs/paxos.dsl: ok: spec Paxos: 3 nodes, 6 variables, 6 actions, 3 invariants, 2 properties"
        ),
        "{out}"
    );
    assert!(out.contains("specs/crdt.dsl: ok: spec CRDTs: 3 nodes, 7 variables, 7 actions, 5 invariants, 0 properties"), "{out}");
    assert_eq!(out.lines().count(), 3);
}

#[test]
fn const_overrides_resize_sets_and_constants() {
    let o = kripke(&["lint", "tests/data/2pc_safety.dsl", "--const", "RM=5"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // 5 RMs and the TM: RM.state has 4^5 values, TM.state 3, TM.prepared
    // 2^5, msgs 2^7 (5 Prepared, Commit, Abort).
    assert!(stdout(&o).contains("6 nodes"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("at most 12582912 valuations"),
        "{}",
        stdout(&o)
    );
    let o = kripke(&["lint", "tests/data/2pc_safety.dsl", "--const", "RM={ra,rb}"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 nodes"), "{}", stdout(&o));
    let o = kripke(&["lint", "specs/paxos.dsl", "--const", "MaxBallot=2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn bad_const_overrides_are_spec_errors() {
    for (arg, msg) in [
        ("Rm=3", "no constant or set named `Rm` (did you mean `RM`?)"),
        ("RM=0", "a set needs between 1 and 1000 members"),
        ("RM=lots", "expected a count such as 5"),
        ("RM", "expected NAME=VALUE"),
    ] {
        let o = kripke(&[
            "lint",
            "--color",
            "never",
            "tests/data/2pc_safety.dsl",
            "--const",
            arg,
        ]);
        assert_eq!(o.status.code(), Some(2), "--const {arg}: {}", stderr(&o));
        assert!(stderr(&o).contains(msg), "--const {arg}: {}", stderr(&o));
    }
    let o = kripke(&[
        "lint",
        "--color",
        "never",
        "specs/paxos.dsl",
        "--const",
        "MaxBallot=true",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the default value is an integer"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn errors_in_one_file_do_not_hide_the_others() {
    let bad = scratch("mixed.dsl", b"spec Mixed\nvar x: bool = 1\n");
    let o = kripke(&[
        "lint",
        "--color",
        "never",
        bad.to_str().unwrap(),
        "tests/data/2pc_safety.dsl",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("tests/data/2pc_safety.dsl: ok"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("mixed.dsl: 1 error"), "{}", stderr(&o));
    assert!(stderr(&o).contains("mixed.dsl:2:15"), "{}", stderr(&o));
}

#[test]
fn help_documents_exit_codes() {
    let o = kripke(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("2  the spec has errors"), "{out}");
    assert!(out.contains("4  internal error"), "{out}");
    let o = kripke(&["lint"]);
    assert_eq!(o.status.code(), Some(2), "missing FILE is a usage error");
}

#[test]
fn hostile_empty_file() {
    rejects(&scratch("empty.dsl", b""), "the spec is empty");
}

#[test]
fn hostile_binary_file() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    rejects(
        &scratch("binary.dsl", &bytes),
        "this looks like a binary file",
    );
}

#[test]
fn hostile_invalid_utf8() {
    let err = rejects(
        &scratch("latin1.dsl", b"spec X\nvar caf\xe9: bool = true\n"),
        "not valid UTF-8",
    );
    assert!(err.contains("latin1.dsl:2:8"), "{err}");
}

#[test]
fn hostile_ten_megabyte_line() {
    let mut line = b"spec Long\ninvariant I: ".to_vec();
    while line.len() < 10_000_000 {
        line.extend_from_slice(b"true and ");
    }
    line.extend_from_slice(b"true\n");
    let err = rejects(
        &scratch("long.dsl", &line),
        "nesting deeper than 200 levels",
    );
    // The snippet is a window around the error, not the whole line.
    assert!(err.lines().all(|l| l.chars().count() < 300), "{err}");

    let mut junk = b"spec Long\n".to_vec();
    while junk.len() < 10_000_000 {
        junk.extend_from_slice(b"var x ");
    }
    let err = rejects(&scratch("junk.dsl", &junk), "expected `:`");
    assert!(err.contains("junk.dsl:2:7"), "{err}");
}

#[test]
fn hostile_deep_nesting() {
    for (open, close, name) in [
        ("(", ")", "parens"),
        ("[", "]", "brackets"),
        ("{", "}", "braces"),
    ] {
        let text = format!(
            "spec Deep\ninvariant I: {}true{}\n",
            open.repeat(100_000),
            close.repeat(100_000)
        );
        rejects(
            &scratch(&format!("{name}.dsl"), text.as_bytes()),
            "nesting deeper than 200 levels",
        );
    }
    let text = format!("spec Deep\ninvariant I: {}true\n", "not ".repeat(100_000));
    rejects(
        &scratch("nots.dsl", text.as_bytes()),
        "nesting deeper than 200 levels",
    );
    let text = format!("spec Deep\naction A {}\n", "{ if true ".repeat(100_000));
    rejects(
        &scratch("blocks.dsl", text.as_bytes()),
        "nesting deeper than 200 levels",
    );
    let text = format!("spec Deep\ninvariant I: {} 1 == 1\n", "1 +".repeat(100_000));
    rejects(
        &scratch("chain.dsl", text.as_bytes()),
        "nesting deeper than 200 levels",
    );
}

#[test]
fn hostile_paths() {
    rejects(Path::new("does/not/exist.dsl"), "no such file");
    let err = rejects(Path::new("specs"), "specs is a directory");
    assert!(err.contains("kripke lint specs/*.dsl"), "{err}");
}

#[test]
fn too_many_errors_are_capped() {
    let text = "spec Many\n".to_string()
        + &(0..500)
            .map(|i| format!("invariant I{i}: nope\n"))
            .collect::<String>();
    let err = rejects(&scratch("many.dsl", text.as_bytes()), "unknown name `nope`");
    assert!(
        err.contains("… and 450 more (raise --max-errors to see them)"),
        "{err}"
    );
    assert_eq!(err.matches("unknown name `nope`").count(), 50);
}

#[test]
fn check_reports_ok_with_statistics() {
    let o = kripke(&["check", "tests/data/2pc_safety.dsl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("tests/data/2pc_safety.dsl: ok: 2 invariants hold; no deadlock\n"),
        "{out}"
    );
    // RM is symmetric: one state per class of renamings of r1, r2, r3.
    assert!(
        out.contains("80 distinct states, 318 generated, depth 11,"),
        "{out}"
    );
    assert!(out.contains("states/s)"), "{out}");
    let off = kripke(&["check", "tests/data/2pc_safety.dsl", "--symmetry", "off"]);
    assert!(
        stdout(&off).contains("288 distinct states, 1146 generated, depth 11,"),
        "{}",
        stdout(&off)
    );
}

/// Orbit counts of TwoPhase.tla's state space under renaming of the RMs,
/// computed independently of kripke (see issue 5), and the depth, which
/// symmetry does not change.
#[test]
fn symmetry_counts_exactly_one_state_per_orbit() {
    for (rm, orbits, depth) in [
        ("3", "80", 11),
        ("5", "314", 17),
        ("7", "920", 23),
        ("9", "2232", 29),
        ("12", "6656", 38),
    ] {
        let o = kripke(&[
            "check",
            "tests/data/2pc_safety.dsl",
            "--const",
            &format!("RM={rm}"),
            "--format",
            "json",
        ]);
        let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(j["result"], "ok", "RM={rm}");
        assert_eq!(j["distinct_states"].to_string(), orbits, "RM={rm}");
        assert_eq!(j["depth"].as_u64(), Some(depth), "RM={rm}");
    }
}

/// The headline figure: 20 RMs, 54,922 orbits (a few seconds).
#[test]
#[ignore]
fn symmetry_handles_twenty_nodes() {
    let o = kripke(&[
        "check",
        "tests/data/2pc_safety.dsl",
        "--const",
        "RM=20",
        "--format",
        "json",
    ]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (j["result"].as_str(), j["distinct_states"].as_u64()),
        (Some("ok"), Some(54_922))
    );
}

#[test]
fn check_prints_a_replayed_shortest_trace_and_exits_1() {
    let o = kripke(&[
        "check",
        "tests/conformance/bugs/twophase_commit_without_message.dsl",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("violation: invariant TCConsistent is violated after 3 steps"),
        "{out}"
    );
    // The full initial state first, then each step with only what changed.
    assert!(out.contains("    0  initial state\n         rmState = [r1 -> working, r2 -> working, r3 -> working]\n"), "{out}");
    assert!(out.contains("    1  RMPrepare(rm = r1)\n         rmState[r1]: working -> prepared\n         msgs += {Prepared(r1)}\n"), "{out}");
    assert!(
        out.contains("    2  RMChooseToAbort(rm = r2)\n         rmState[r2]: working -> aborted\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "    3  RMRcvCommitMsg(rm = r1)\n         rmState[r1]: prepared -> committed\n"
        ),
        "{out}"
    );
}

#[test]
fn check_json_has_the_documented_fields() {
    let o = kripke(&[
        "check",
        "--format",
        "json",
        "tests/conformance/bugs/crdt_overwrite.dsl",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value =
        serde_json::from_str(&stdout(&o)).expect("one JSON object on stdout");
    assert_eq!(j["result"], "violation");
    assert_eq!(j["property"], "Safety");
    assert!(j["distinct_states"].as_u64().unwrap() > 0);
    assert!(j["generated_states"].as_u64().unwrap() >= j["distinct_states"].as_u64().unwrap());
    assert_eq!(j["depth"].as_u64(), Some(4));
    assert!(j["elapsed_ms"].is_u64());
    let trace = j["trace"].as_array().unwrap();
    assert_eq!(trace.len(), 4);
    assert_eq!(trace[0]["action"], serde_json::Value::Null);
    assert_eq!(trace[0]["state"]["counter"]["n1"]["n1"], 0);
    assert_eq!(trace[3]["action"], "Next");
    assert!(trace[3]["args"]["n"].is_string() && trace[3]["args"]["o"].is_string());
    let ok = kripke(&["check", "--format", "json", "tests/data/2pc_safety.dsl"]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&ok)).unwrap();
    assert_eq!(
        (
            j["result"].as_str(),
            j["property"].is_null(),
            j["distinct_states"].as_u64()
        ),
        (Some("ok"), true, Some(80))
    );
    assert_eq!(j["trace"].as_array().map(Vec::len), Some(0));
}

#[test]
fn check_deadlock_terminal_and_no_deadlock() {
    let spec = scratch("stop.dsl", b"spec Stop\nvar x: 0..3 = 0\naction Inc { require x < 3; x = x + 1 }\ninvariant I: x >= 0\n");
    let p = spec.to_str().unwrap();
    let o = kripke(&["check", p]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("deadlock: no step is possible after 3 steps"),
        "{}",
        stdout(&o)
    );
    let o = kripke(&["check", "--no-deadlock", p]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let spec = scratch("stop2.dsl", b"spec Stop\nvar x: 0..3 = 0\naction Inc { require x < 3; x = x + 1 }\ninvariant I: x >= 0\nterminal x == 3\n");
    let o = kripke(&["check", spec.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn check_evaluation_errors_exit_2_with_span_and_trace() {
    let spec = scratch(
        "ovf.dsl",
        b"spec Overflow\nvar x: 0..3 = 0\naction Inc { x = x + 1 }\ninvariant I: x >= 0\n",
    );
    let o = kripke(&["check", "--color", "never", spec.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("evaluation error: the value 4 is outside the domain of `x` (0..3)"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("ovf.dsl:3:14"), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("    3  Inc\n         x: 2 -> 3\n         then Inc fails\n"),
        "{}",
        stdout(&o)
    );
    let spec = scratch("div.dsl", b"spec Div\nvar x: 0..3 = 2\naction Dec { require 6 / (x - 1) > 0; x = x - 1 }\ninvariant I: x >= 0\nterminal x == 0\n");
    let o = kripke(&["check", "--color", "never", spec.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("division by zero"), "{}", stderr(&o));
    let spec = scratch("key.dsl", b"spec Key\nvar m: map<0..1, bool> = [k in 0..1 -> false]\nvar i: 0..2 = 0\naction Step { require not m[i]; i = i + 1 }\ninvariant I: i >= 0\n");
    let o = kripke(&["check", "--color", "never", spec.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("key 2 is outside the map's domain"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_limits_exit_3() {
    let o = kripke(&["check", "--max-states", "10", "tests/data/2pc_safety.dsl"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stdout(&o).contains("incomplete: stopped by --max-states"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("10 distinct states"), "{}", stdout(&o));
    let o = kripke(&[
        "check",
        "--max-depth",
        "3",
        "--format",
        "json",
        "tests/data/2pc_safety.dsl",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (
            j["result"].as_str(),
            j["limit"].as_str(),
            j["depth"].as_u64()
        ),
        (Some("incomplete"), Some("--max-depth"), Some(3))
    );
}

#[test]
fn check_workers_do_not_change_the_answer() {
    let one = kripke(&[
        "check",
        "--workers",
        "1",
        "tests/conformance/bugs/lamport_mutex_enter_without_priority.dsl",
    ]);
    let two = kripke(&[
        "check",
        "--workers",
        "2",
        "tests/conformance/bugs/lamport_mutex_enter_without_priority.dsl",
    ]);
    assert_eq!(one.status.code(), Some(1));
    let strip = |o: &Output| {
        stdout(o)
            .lines()
            .filter(|l| !l.contains("states/s"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&one), strip(&two));
    let o = kripke(&["check", "--workers", "0", "tests/data/2pc_safety.dsl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--workers must be at least 1"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_dfs_agrees_on_counts() {
    let o = kripke(&[
        "check",
        "--dfs",
        "--format",
        "json",
        "tests/conformance/paxos_tiny.dsl",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (
            j["distinct_states"].as_u64(),
            j["generated_states"].as_u64()
        ),
        (Some(3921), Some(23563))
    );
}

#[test]
fn check_memory_limit_and_progress_keep_json_clean() {
    let o = kripke(&[
        "check",
        "--memory-limit",
        "1",
        "--format",
        "json",
        "tests/conformance/lamport_mutex.dsl",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let j: serde_json::Value =
        serde_json::from_str(&stdout(&o)).expect("stdout is one JSON object");
    assert_eq!(
        (j["result"].as_str(), j["limit"].as_str()),
        (Some("incomplete"), Some("--memory-limit"))
    );
    // Forced progress goes to stderr, as lines, and leaves stdout alone.
    let o = kripke(&[
        "check",
        "--progress",
        "--format",
        "json",
        "--max-states",
        "150000",
        "tests/conformance/lamport_mutex.dsl",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let j: serde_json::Value =
        serde_json::from_str(&stdout(&o)).expect("stdout is one JSON object");
    assert_eq!(j["distinct_states"].as_u64(), Some(150000));
    if j["elapsed_ms"].as_u64().unwrap() >= 1500 {
        assert!(stderr(&o).contains(" distinct, "), "{}", stderr(&o));
    }
}

#[test]
fn check_stops_cleanly_on_ctrl_c() {
    let child = Command::new(env!("CARGO_BIN_EXE_kripke"))
        .args(["check", "tests/conformance/paxos_commit.dsl"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start kripke");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let o = child.wait_with_output().expect("kripke ends");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("incomplete: stopped by Ctrl-C"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains(" distinct states, "), "{}", stdout(&o));
}

/// A violated temporal property prints a lasso: the path, then the loop,
/// marked; JSON gives `loop_start`. Symmetry does not apply to liveness,
/// so `--symmetry` changes nothing.
#[test]
fn check_prints_a_lasso_for_a_violated_property() {
    let weak = std::fs::read_to_string("specs/mutex.dsl")
        .unwrap()
        .replace("strong fair action Enter", "fair action Enter");
    let dir = std::env::temp_dir().join(format!("kripke-lasso-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mutex_weak.dsl");
    std::fs::write(&path, weak).unwrap();
    let p = path.to_str().unwrap();
    let o = kripke(&["check", p]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("violation: property NoStarvation is violated: a run loops forever without satisfying it"),
        "{out}"
    );
    assert!(out.contains("    1  Proc[p1].Request\n         Proc.pc[p1]: idle -> waiting\n  ---  from state 1, this loop repeats forever:\n    2  Proc[p2].Request\n"), "{out}");
    assert!(
        out.contains(
            "    4  Proc[p2].Exit\n         Proc.pc[p2]: critical -> idle\n  ---  back to state 1\n"
        ),
        "{out}"
    );
    let off = kripke(&["check", p, "--symmetry", "off"]);
    assert_eq!(
        stdout(&off).lines().take(14).collect::<Vec<_>>(),
        out.lines().take(14).collect::<Vec<_>>()
    );
    let j = kripke(&["check", p, "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&j)).unwrap();
    assert_eq!(j["result"], "violation");
    assert_eq!(j["property"], "NoStarvation");
    assert_eq!(j["loop_start"], 1);
    assert_eq!(j["trace"].as_array().map(Vec::len), Some(5));
    std::fs::remove_dir_all(&dir).ok();
    // The shipped spec, with strong fairness, holds.
    let ok = kripke(&["check", "specs/mutex.dsl"]);
    assert_eq!(ok.status.code(), Some(0));
    assert!(stdout(&ok).contains("1 temporal property holds under the declared fairness"));
}

/// `kripke test` over the shipped specs: every expectation met.
#[test]
fn test_command_passes_on_the_shipped_specs() {
    let o = kripke(&["test"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("ok   specs/2pc.dsl  (3 expectations, 576 states,"),
        "{out}"
    );
    let mut specs: Vec<String> = std::fs::read_dir("specs")
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".dsl"))
        .collect();
    specs.sort();
    for spec in &specs {
        assert!(out.contains(&format!("ok   {spec}  (")), "{spec}: {out}");
    }
    assert!(
        out.ends_with(&format!("{} passed, 0 failed\n", specs.len())),
        "{out}"
    );
}

/// Expectations met and unmet, several violations in one spec (each found
/// by running again without the ones found before), and the JUnit file.
#[test]
fn test_command_compares_verdicts_with_expectations() {
    let dir = std::env::temp_dir().join(format!("kripke-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let counter =
        "spec C\nvar n: 0..3 = 0\naction Inc { require n < 3; n = n + 1 }\nterminal n == 3\n";
    std::fs::write(
        dir.join("a_two_violations.dsl"),
        format!("{counter}invariant Small: n < 2\ninvariant Tiny: n < 1\ninvariant Fits: n <= 3\nexpect Small violated\nexpect Tiny violated\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("b_wrong_expectation.dsl"),
        format!("{counter}invariant Fits: n <= 3\nexpect Fits violated\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("c_unexpected.dsl"),
        format!("{counter}invariant Small: n < 2\n"),
    )
    .unwrap();
    // A deadlock, expected (then the invariants are still checked) or not.
    let stuck =
        "spec D\nvar n: 0..2 = 0\naction Inc { require n < 2; n = n + 1 }\ninvariant Low: n < 2\n";
    std::fs::write(
        dir.join("d_expected_deadlock.dsl"),
        format!("{stuck}expect deadlock\nexpect Low violated\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("e_unexpected_deadlock.dsl"),
        format!("{counter}expect deadlock\n"),
    )
    .unwrap();
    let junit = dir.join("out.xml");
    let o = kripke(&[
        "test",
        dir.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("ok   ") && out.contains("a_two_violations.dsl  (3 expectations, 4 states,"),
        "{out}"
    );
    assert!(
        out.contains("FAIL ") && out.contains("b_wrong_expectation.dsl"),
        "{out}"
    );
    assert!(
        out.contains("    expected Fits to be violated, but it holds\n"),
        "{out}"
    );
    assert!(
        out.contains("    expected Small to hold, but it is violated\n"),
        "{out}"
    );
    assert!(
        out.contains("invariant Small is violated after 2 steps"),
        "{out}"
    );
    assert!(
        out.contains("ok   ") && out.contains("d_expected_deadlock.dsl  (2 expectations,"),
        "{out}"
    );
    assert!(
        out.contains("    expected a deadlock, but no state is stuck\n"),
        "{out}"
    );
    assert!(out.ends_with("2 passed, 3 failed\n"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<testsuite name=\"kripke\" tests=\"5\" failures=\"3\""),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure message=").count(), 3, "{xml}");
    std::fs::remove_dir_all(&dir).ok();
}
