//! `kripke test`: every spec under the given paths against its
//! expectations (see `kripke::expect`), one line per spec, a closing count,
//! and optionally JUnit XML for CI systems.

use std::path::{Path, PathBuf};

use kripke::checker::Config;
use kripke::expect::{self, Check};
use kripke::{diag, exit, frontend};

/// The `.dsl` files under `paths` (directories searched recursively), in
/// a fixed order.
fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|x| x == "dsl") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| format!("{}: {e}", p.display()))?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    Ok(out)
}

/// One spec's outcome, for the summary and the JUnit file.
struct Case {
    name: String,
    seconds: f64,
    /// Why it failed (with counterexamples), if it did.
    failure: Option<String>,
}

fn xml_escape(s: &str) -> String {
    s.chars()
        .filter(|&c| c == '\n' || c == '\t' || c >= ' ')
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn junit(cases: &[Case]) -> String {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let total: f64 = cases.iter().map(|c| c.seconds).sum();
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"kripke\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{total:.3}\">\n",
        cases.len()
    );
    for c in cases {
        let name = xml_escape(&c.name);
        match &c.failure {
            None => x.push_str(&format!(
                "  <testcase classname=\"kripke\" name=\"{name}\" time=\"{:.3}\"/>\n",
                c.seconds
            )),
            Some(f) => {
                let first = f.lines().next().unwrap_or("failed");
                x.push_str(&format!(
                    "  <testcase classname=\"kripke\" name=\"{name}\" time=\"{:.3}\">\n    <failure message=\"{}\">{}</failure>\n  </testcase>\n",
                    c.seconds,
                    xml_escape(first),
                    xml_escape(f)
                ));
            }
        }
    }
    x.push_str("</testsuite>\n");
    x
}

pub fn run(
    paths: &[PathBuf],
    junit_file: Option<&Path>,
    workers: Option<usize>,
    color: bool,
) -> i32 {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("specs")]
    } else {
        paths.to_vec()
    };
    let files = match spec_files(&paths) {
        Ok(f) if f.is_empty() => {
            eprint!(
                "{}",
                diag::render_plain(
                    "no .dsl files found",
                    Some("pass spec files or directories"),
                    color
                )
            );
            return exit::SPEC_ERROR;
        }
        Ok(f) => f,
        Err(msg) => {
            eprint!("{}", diag::render_plain(&msg, None, color));
            return exit::SPEC_ERROR;
        }
    };
    let cfg = Config {
        check_deadlock: true,
        workers: workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        ..Config::default()
    };
    let mut cases = Vec::new();
    for f in &files {
        let name = f.display().to_string();
        let start = std::time::Instant::now();
        let failure = match std::fs::read(f) {
            Err(e) => Some(format!("cannot read: {e}")),
            Ok(bytes) => match frontend::analyze_isolated(frontend::decode(&bytes), Vec::new()) {
                Err(msg) => Some(format!("internal error: {msg}")),
                Ok((src, a)) => match a.program {
                    None => {
                        for d in a.diags.iter().filter(|d| d.is_error()).take(3) {
                            eprint!("{}", diag::render(&name, &src.text, d, color));
                        }
                        Some("the spec has errors (shown above)".to_string())
                    }
                    Some(prog) => {
                        let r = expect::evaluate(&prog, &name, &cfg, true);
                        let mut why = String::new();
                        for c in &r.checks {
                            if let Check::Unmet {
                                name: n,
                                expected_holds,
                                trace,
                            } = c
                            {
                                if n == "deadlock" && !expected_holds && trace.is_none() {
                                    why.push_str("expected a deadlock, but no state is stuck\n");
                                } else if *expected_holds {
                                    why.push_str(&format!(
                                        "expected {n} to hold, but it is violated\n"
                                    ));
                                } else {
                                    why.push_str(&format!(
                                        "expected {n} to be violated, but it holds\n"
                                    ));
                                }
                                if let Some(t) = trace {
                                    why.push_str(&indent(t));
                                }
                            }
                        }
                        if let Some(p) = &r.problem {
                            why.push_str("the spec could not be checked to the end:\n");
                            why.push_str(&indent(p));
                        }
                        let met = r.checks.len();
                        println!(
                            "{} {name}  ({} expectation{}, {} states, {:.2} s)",
                            if r.passed() { "ok  " } else { "FAIL" },
                            met,
                            if met == 1 { "" } else { "s" },
                            r.distinct,
                            r.elapsed.as_secs_f64()
                        );
                        (!why.is_empty()).then_some(why)
                    }
                },
            },
        };
        if let Some(why) = &failure {
            if !why.starts_with("expected") && !why.starts_with("the spec could not") {
                println!("FAIL {name}");
            }
            print!("{}", indent(why));
        }
        cases.push(Case {
            name,
            seconds: start.elapsed().as_secs_f64(),
            failure,
        });
    }
    let failed = cases.iter().filter(|c| c.failure.is_some()).count();
    println!("{} passed, {failed} failed", cases.len() - failed);
    if let Some(path) = junit_file
        && let Err(e) = std::fs::write(path, junit(&cases))
    {
        eprint!(
            "{}",
            diag::render_plain(
                &format!("{}: cannot write: {e}", path.display()),
                None,
                color
            )
        );
        return exit::INTERNAL;
    }
    if failed == 0 {
        exit::OK
    } else {
        exit::VIOLATION
    }
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect()
}
