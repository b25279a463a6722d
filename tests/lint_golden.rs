//! Golden tests for the front end.
//!
//! `tests/data/lint/ok/*.dsl` must produce no diagnostic at all (no error, no
//! warning). Each `tests/data/lint/err/NAME.dsl` must produce at least one,
//! and its rendered diagnostics (as `kripke lint` prints them, without colour)
//! must equal `NAME.expected` beside it. Regenerate the expected files with
//! `UPDATE_GOLDEN=1 cargo test --release --test lint_golden`, then review the
//! diff.

use std::path::{Path, PathBuf};

use kripke::diag;
use kripke::frontend;

fn dsl_files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "dsl"))
        .collect();
    files.sort();
    files
}

fn render_all(path: &Path) -> (usize, usize, String) {
    let bytes = std::fs::read(path).expect("readable test file");
    let src = frontend::decode(&bytes);
    let (src, a) = frontend::analyze_isolated(src, Vec::new()).expect("no internal error");
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let mut out = String::new();
    for d in &a.diags {
        out.push_str(&diag::render(&name, &src.text, d, false));
    }
    let errors = a.diags.iter().filter(|d| d.is_error()).count();
    assert_eq!(
        a.program.is_some(),
        errors == 0,
        "{name}: a program must be returned exactly when there are no errors"
    );
    (errors, a.diags.len(), out)
}

#[test]
fn ok_cases_have_no_diagnostics() {
    let files = dsl_files("tests/data/lint/ok");
    assert!(
        files.len() >= 6,
        "expected the ok corpus, found {} files",
        files.len()
    );
    for f in files {
        let (_, n, out) = render_all(&f);
        assert_eq!(n, 0, "{} should be clean but got:\n{out}", f.display());
    }
}

#[test]
fn shipped_specs_are_clean() {
    let files = dsl_files("specs");
    assert!(files.len() >= 3);
    for f in files {
        let (_, n, out) = render_all(&f);
        assert_eq!(n, 0, "{} should lint clean but got:\n{out}", f.display());
    }
}

#[test]
fn err_cases_match_golden_output() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let files = dsl_files("tests/data/lint/err");
    assert!(
        files.len() >= 30,
        "expected at least 30 error cases, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let (errors, n, out) = render_all(f);
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("warn_") {
            assert!(
                n > 0 && errors == 0,
                "{name}: expected warnings only, got {errors} errors and {n} diagnostics"
            );
        } else {
            assert!(
                errors > 0,
                "{name}: expected at least one error, got none:\n{out}"
            );
        }
        let expected_path = f.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &out).expect("write golden file");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == out => {}
            Ok(expected) => failures.push(format!(
                "{name}: rendered diagnostics differ from {}\n--- expected\n{expected}\n--- actual\n{out}",
                expected_path.display()
            )),
            Err(_) => failures.push(format!(
                "{name}: missing {} (run with UPDATE_GOLDEN=1)\n{out}",
                expected_path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The desugared core program of each shipped spec and of the network and
/// node-block examples must equal `tests/data/core/NAME.core`: this pins down
/// what a state is and what every step does after desugaring.
#[test]
fn core_programs_match_golden() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases = [
        ("specs/2pc.dsl", "2pc"),
        ("specs/paxos.dsl", "paxos"),
        ("specs/crdt.dsl", "crdt"),
        ("tests/data/lint/ok/networks.dsl", "networks"),
        ("tests/data/lint/ok/nodes.dsl", "nodes"),
        ("tests/data/lint/ok/statements.dsl", "statements"),
        ("tests/data/lint/ok/faults.dsl", "faults"),
        ("tests/data/lint/ok/faults_recovery.dsl", "faults_recovery"),
    ];
    let mut failures = Vec::new();
    for (spec, name) in cases {
        let bytes = std::fs::read(root.join(spec)).expect("spec");
        let (_, a) = frontend::analyze_isolated(frontend::decode(&bytes), Vec::new())
            .expect("no internal error");
        let program = a.program.unwrap_or_else(|| panic!("{spec} must be clean"));
        let out = kripke::sema::print::core(&program);
        let golden = root.join("tests/data/core").join(format!("{name}.core"));
        if update {
            std::fs::write(&golden, &out).expect("write golden");
        } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(out.as_str()) {
            failures.push(format!(
                "{spec}: core program differs from {}:\n{out}",
                golden.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every complete spec shown in the README and the language reference (a
/// fenced block starting with `spec`) must lint clean: the docs cannot drift
/// from the language.
#[test]
fn specs_in_the_docs_lint_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = 0;
    for doc in ["README.md", "docs/language.md"] {
        let text = std::fs::read_to_string(root.join(doc)).expect("doc");
        let mut in_block = false;
        let mut block = String::new();
        for line in text.lines() {
            if line.starts_with("```") {
                if in_block && block.trim_start().starts_with("spec ") {
                    found += 1;
                    let src = frontend::decode(block.as_bytes());
                    let a = frontend::analyze(&src, &[]);
                    let rendered: String = a
                        .diags
                        .iter()
                        .map(|d| diag::render(doc, &src.text, d, false))
                        .collect();
                    assert!(
                        a.diags.is_empty(),
                        "a spec in {doc} does not lint clean:\n{block}\n{rendered}"
                    );
                }
                in_block = !in_block;
                block.clear();
            } else if in_block {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    assert!(
        found >= 2,
        "expected the README's and the reference's example specs, found {found}"
    );
}
