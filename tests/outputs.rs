//! What `kripke check` writes for people and for other tools, on broken
//! variants of the shipped specs: the text trace with its explanation and
//! sequence chart, the JSON object, the ITF trace (read back with the `itf`
//! crate), the DOT graph, and the HTML page (rendered in headless
//! Chromium). Text, chart, JSON and ITF are compared with golden files in
//! `tests/data/traces/` (timings masked); regenerate them with
//! `UPDATE_GOLDEN=1 cargo test --release --test outputs` and review the diff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The broken variants: a name, the spec they come from, and the edit.
const CASES: &[(&str, &str, &str, &str)] = &[
    // The TM commits without waiting for every RM to prepare.
    (
        "2pc_early_commit",
        "specs/2pc.dsl",
        "require state == init and prepared == RM",
        "require state == init and prepared != {}",
    ),
    // A leader may propose twice in one ballot.
    (
        "paxos_two_proposals",
        "specs/paxos.dsl",
        "  require not exists m in msgs: m is P2a(b, _)\n",
        "",
    ),
    // Weak fairness on Enter: a process starves (a lasso).
    (
        "mutex_weak",
        "specs/mutex.dsl",
        "  strong fair action Enter {",
        "  fair action Enter {",
    ),
    // The coordinator crashes: the RMs wait forever (a lasso that stops).
    ("2pc_blocking", "specs/2pc.dsl", "", ""),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Writes the variant into a scratch directory and returns the directory
/// and the file name (reports name the spec as given, so goldens do not
/// depend on where the test runs).
fn variant(name: &str, spec: &str, from: &str, to: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("kripke-outputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(root().join(spec)).unwrap();
    assert!(text.contains(from), "{spec} no longer contains {from:?}");
    let file = format!("{name}.dsl");
    std::fs::write(dir.join(&file), text.replacen(from, to, 1)).unwrap();
    (dir, file)
}

fn kripke(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kripke"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run kripke")
}

/// Timings vary from run to run; everything else is deterministic.
fn mask(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.find(" s (") {
            Some(i) if line.ends_with("states/s)") => {
                let start = line[..i].rfind(", ").map_or(0, |j| j + 2);
                format!("{}<time>", &line[..start])
            }
            _ => line.to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn mask_json(mut j: serde_json::Value) -> serde_json::Value {
    if let Some(o) = j.as_object_mut() {
        for k in ["elapsed_ms"] {
            if o.contains_key(k) {
                o.insert(k.into(), serde_json::json!("<time>"));
            }
        }
    }
    j
}

fn golden(file: &str, actual: &str, failures: &mut Vec<String>) {
    let path = root().join("tests/data/traces").join(file);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    match std::fs::read_to_string(&path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => failures.push(format!(
            "{file} differs:\n--- expected\n{expected}\n--- actual\n{actual}"
        )),
        Err(_) => failures.push(format!("{file} is missing (UPDATE_GOLDEN=1)\n{actual}")),
    }
}

#[test]
fn traces_charts_json_and_itf_match_golden_files() {
    let mut failures = Vec::new();
    for (name, spec, from, to) in CASES {
        let (dir, file) = variant(name, spec, from, to);
        let itf = format!("{name}.itf.json");
        let json = format!("{name}.json");
        let o = kripke(
            &dir,
            &[
                "check",
                "--color",
                "never",
                "--msc",
                "--workers",
                "2",
                &file,
                "--itf",
                &itf,
                "--json",
                &json,
            ],
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(!text.contains('\x1b'), "--color never: no escapes");
        // Specs with messages get a chart after the report.
        let (report, chart) = text
            .split_once("\n  message sequence chart:\n\n")
            .unwrap_or((&text, ""));
        golden(&format!("{name}.txt"), &mask(report), &mut failures);
        if !chart.is_empty() {
            golden(&format!("{name}.msc"), chart, &mut failures);
        }
        let j: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(&json)).unwrap()).unwrap();
        golden(
            &json,
            &(serde_json::to_string_pretty(&mask_json(j)).unwrap() + "\n"),
            &mut failures,
        );
        golden(
            &itf,
            &std::fs::read_to_string(dir.join(&itf)).unwrap(),
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The explanation names the witness and the values that make the
/// invariant false.
#[test]
fn a_violated_invariant_is_explained_with_its_witness() {
    let (dir, file) = variant("explain", CASES[0].1, CASES[0].2, CASES[0].3);
    let o = kripke(&dir, &["check", "--color", "never", &file]);
    let text = String::from_utf8(o.stdout).unwrap();
    let why = text.split_once("  why: ").expect("an explanation").1;
    assert!(why.starts_with("Consistent is false in state "), "{why}");
    assert!(
        why.contains("for a = r1, b = r2:") || why.contains("for a = r"),
        "{why}"
    );
    assert!(
        why.contains("`RM[a].state == aborted` is true: RM[a].state = aborted"),
        "{why}"
    );
    assert!(
        why.contains("`RM[b].state == committed` is true: RM[b].state = committed"),
        "{why}"
    );
}

/// Every ITF file kripke writes reads back with the `itf` crate: the
/// variables, one state per step (a lasso without its repeated state), the
/// loop, and ITF's encodings of sets, maps and variants.
#[test]
fn itf_traces_read_back_with_the_itf_crate() {
    for (name, spec, from, to) in CASES {
        let (dir, file) = variant(name, spec, from, to);
        let itf = format!("{name}.itf.json");
        let o = kripke(&dir, &["check", &file, "--itf", &itf, "--format", "json"]);
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let text = std::fs::read_to_string(dir.join(&itf)).unwrap();
        // The crate's trace with states as JSON objects, then every
        // variable's value as an ITF value (the crate's own state decoding
        // wants a typed state).
        let trace: itf::Trace<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let steps = j["trace"].as_array().unwrap().len();
        let loop_start = j["loop_start"].as_u64();
        assert_eq!(trace.loop_index, loop_start, "{name}");
        let expected_states = match loop_start {
            Some(l) if l + 1 < steps as u64 => steps - 1,
            _ => steps,
        };
        assert_eq!(trace.states.len(), expected_states, "{name}");
        let mut vars: Vec<&String> = trace.vars.iter().collect();
        vars.sort();
        let records: Vec<BTreeMap<&String, itf::Value>> = trace
            .states
            .iter()
            .enumerate()
            .map(|(i, s)| {
                assert_eq!(s.meta.index, Some(i as u64));
                s.value
                    .iter()
                    .map(|(k, v)| {
                        let v = serde_json::from_value::<itf::Value>(v.clone())
                            .unwrap_or_else(|e| panic!("{name}: {k}: {e}"));
                        (k, v)
                    })
                    .collect()
            })
            .collect();
        for r in &records {
            let names: Vec<&String> = r.keys().copied().collect();
            assert_eq!(names, vars, "{name}: every variable in every state");
        }
        let first = &records[0];
        if let Some(msgs) = first.get(&"msgs".to_string()) {
            assert!(matches!(msgs, itf::Value::Set(_)), "{name}: msgs is a #set");
        }
        let maps = first
            .values()
            .filter(|v| matches!(v, itf::Value::Map(_)))
            .count();
        assert!(maps > 0, "{name}: node variables are #maps");
    }
}

/// `--json FILE` writes what `--format json` prints.
#[test]
fn json_file_equals_json_output() {
    let (dir, file) = variant("json", CASES[0].1, CASES[0].2, CASES[0].3);
    let o = kripke(
        &dir,
        &[
            "check",
            "--workers",
            "1",
            &file,
            "--format",
            "json",
            "--json",
            "out.json",
        ],
    );
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out.json")).unwrap()).unwrap();
    assert_eq!(mask_json(printed), mask_json(written));
}

/// The DOT graph of a small model: one node per state, one edge per
/// transition, the trace in red; a large model is refused with a note and
/// the run's own exit code.
#[test]
fn dot_draws_small_graphs_and_refuses_large_ones() {
    let (dir, file) = variant("dot", "tests/data/2pc_safety.dsl", "", "");
    let o = kripke(
        &dir,
        &["check", &file, "--dot", "g.dot", "--symmetry", "off"],
    );
    let dot = std::fs::read_to_string(dir.join("g.dot")).unwrap();
    assert!(dot.starts_with("digraph \"TwoPhaseCommit\" {"), "{dot}");
    let out = String::from_utf8_lossy(&o.stdout);
    // TLC's TwoPhase: every state, no trace.
    assert!(out.contains("288 distinct states"), "{out}");
    let word = |l: &str, n: usize| l.split_whitespace().nth(n).map(str::to_string);
    let nodes = dot
        .lines()
        .filter(|l| l.starts_with("  s") && word(l, 1).is_some_and(|w| w.starts_with("[label=")))
        .count();
    assert_eq!(nodes, 288);
    assert!(!dot.contains("color=red"), "no trace, nothing highlighted");
    let (dir, file) = variant("dot_trace", CASES[0].1, CASES[0].2, CASES[0].3);
    let o = kripke(
        &dir,
        &["check", &file, "--dot", "t.dot", "--format", "json"],
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let steps = j["trace"].as_array().unwrap().len();
    let dot = std::fs::read_to_string(dir.join("t.dot")).unwrap();
    let red_edges = dot
        .lines()
        .filter(|l| word(l, 1).as_deref() == Some("->") && l.contains("color=red"))
        .count();
    assert_eq!(
        red_edges,
        steps - 1,
        "every step of the trace is highlighted"
    );
    let (dir, file) = variant("dot_big", "specs/paxos.dsl", "", "");
    let o = kripke(&dir, &["check", &file, "--dot", "big.dot"]);
    assert_eq!(o.status.code(), Some(1), "the run's own verdict");
    assert!(String::from_utf8_lossy(&o.stderr).contains("more than 1000 states"));
    assert!(!dir.join("big.dot").exists());
}

/// `--color always` colours the trace; the text is otherwise the same.
#[test]
fn colour_is_only_escapes() {
    let (dir, file) = variant("colour", CASES[0].1, CASES[0].2, CASES[0].3);
    let plain = kripke(
        &dir,
        &["check", "--workers", "1", "--color", "never", &file],
    );
    let painted = kripke(
        &dir,
        &["check", "--workers", "1", "--color", "always", &file],
    );
    let painted = String::from_utf8(painted.stdout).unwrap();
    assert!(painted.contains("\x1b[31m"), "{painted}");
    let mut stripped = String::new();
    let mut in_escape = false;
    for c in painted.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, c) => stripped.push(c),
        }
    }
    assert_eq!(
        mask(&stripped),
        mask(&String::from_utf8(plain.stdout).unwrap())
    );
}

/// The HTML page renders in a browser without a server: headless Chromium
/// loads the file and the rendered DOM has the verdict, every step of the
/// trace and the sequence diagram with a mark per step. (`.ci/run`
/// installs Debian's chromium where it is missing.)
#[test]
fn html_page_renders_in_headless_chromium() {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("a headless browser (apt-get install chromium; .ci/run does it)");
    // (mutex_weak has no messages, so no diagram.)
    for (name, spec, from, to) in [CASES[0], CASES[1], CASES[3]] {
        let (dir, file) = variant(name, spec, from, to);
        let page = dir.join(format!("{name}.html"));
        let o = kripke(
            &dir,
            &[
                "check",
                &file,
                "--html",
                page.to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let steps = j["trace"].as_array().unwrap().len();
        let profile = dir.join(format!("chromium-{name}"));
        let r = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                &format!("--user-data-dir={}", profile.display()),
                "--dump-dom",
                &format!("file://{}", page.display()),
            ])
            .output()
            .expect("run the browser");
        let dom = String::from_utf8_lossy(&r.stdout);
        assert!(dom.contains("id=\"verdict\">violation: "), "{name}: {dom}");
        assert_eq!(
            dom.matches("<li class=\"step").count(),
            steps,
            "{name}: every step"
        );
        assert!(dom.contains("<svg"), "{name}: a diagram");
        let marks =
            dom.matches("class=\"step\" cx=").count() + dom.matches("class=\"fault\"").count();
        assert_eq!(marks, steps - 1, "{name}: a mark per step in the diagram");
        assert!(
            !dom.contains("http://") || dom.contains("http://www.w3.org/2000/svg"),
            "no network"
        );
    }
}

/// A deadlock says, per action, which condition stops it, in the spec's
/// words or, for conditions a fault or network adds, in plain words.
#[test]
fn a_deadlock_is_explained_per_action() {
    let o = kripke(
        root(),
        &[
            "check",
            "--color",
            "never",
            "--workers",
            "1",
            "tests/data/lint/ok/faults.dsl",
        ],
    );
    let text = String::from_utf8(o.stdout).unwrap();
    let why = text
        .split_once("  why: no step is possible in state ")
        .expect("an explanation")
        .1;
    for line in [
        "Server.Send: `pings == 0` is false (2 of 3)",
        "Server.Send: it has crashed (1 of 3)",
        "Server.crash: as many as may crash are down (2 of 3)",
        "Leader.on_Ping: no such message to receive (3 of 3)",
        "Leader.crash: it has crashed already",
    ] {
        assert!(why.contains(line), "{line}\n{why}");
    }
}

/// An output file that cannot be written fails the command (exit 2) with
/// the reason, and the report is still printed.
#[test]
fn an_unwritable_output_file_is_an_error() {
    let o = kripke(
        root(),
        &[
            "check",
            "specs/mutex.dsl",
            "--itf",
            "/nonexistent-dir/x.itf",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--itf: cannot write /nonexistent-dir/x.itf"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("specs/mutex.dsl: ok"));
}
