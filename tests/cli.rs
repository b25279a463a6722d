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
    let o = kripke(&["lint", "specs/2pc.dsl", "specs/paxos.dsl", "specs/crdt.dsl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("specs/2pc.dsl: ok: spec TwoPhaseCommit: 4 nodes, 4 variables, 7 actions, 2 invariants, 0 properties (3 message kinds; at most 49152 valuations)"),
        "{out}"
    );
    assert!(
        out.contains(
            "specs/paxos.dsl: ok: spec Paxos: 3 nodes, 4 variables, 4 actions, 2 invariants"
        ),
        "{out}"
    );
    assert!(out.contains("specs/crdt.dsl: ok: spec GCounter: 3 nodes, 1 variable, 2 actions, 1 invariant, 1 property"), "{out}");
    assert_eq!(out.lines().count(), 3);
}

#[test]
fn const_overrides_resize_sets_and_constants() {
    let o = kripke(&["lint", "specs/2pc.dsl", "--const", "RM=5"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // 5 RMs and the TM: RM.state has 4^5 values, TM.state 3, TM.prepared
    // 2^5, msgs 2^7 (5 Prepared, Commit, Abort).
    assert!(stdout(&o).contains("6 nodes"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("at most 12582912 valuations"),
        "{}",
        stdout(&o)
    );
    let o = kripke(&["lint", "specs/2pc.dsl", "--const", "RM={ra,rb}"]);
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
        let o = kripke(&["lint", "--color", "never", "specs/2pc.dsl", "--const", arg]);
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
        "specs/2pc.dsl",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("specs/2pc.dsl: ok"), "{}", stdout(&o));
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
