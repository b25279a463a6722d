//! Command-line flags in two levels: clap parses raw flags ([`Args`]), and
//! [`run`] validates them into what each subcommand needs.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use kripke::diag::{self, Diag};
use kripke::exit;
use kripke::frontend::{self, MAX_SPEC_BYTES};
use kripke::sema::types::TypeEnv;
use kripke::sema::{Override, Program};

const EXIT_CODES: &str = "Exit codes:
  0  every property holds (lint: the spec is clean)
  1  a property is violated or a deadlock was found
  2  the spec has errors (syntax, names, types, evaluation), or a bad flag
  3  a limit stopped the run before it finished
  4  internal error (a bug in kripke)";

#[derive(Parser)]
#[command(
    name = "kripke",
    version,
    about = "An explicit-state model checker for distributed protocols",
    after_help = EXIT_CODES
)]
struct Args {
    #[command(subcommand)]
    cmd: Cmd,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum OnOff {
    On,
    Off,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Cmd {
    /// Explore every reachable state: check invariants and deadlocks, and
    /// print the shortest run that breaks one.
    #[command(after_help = EXIT_CODES)]
    Check {
        /// The spec file (`.dsl`).
        file: PathBuf,
        /// Override a constant or the members of a node/value set:
        /// `--const N=5`, `--const RM=4`, `--const RM={a,b,c}`.
        #[arg(long = "const", value_name = "NAME=VALUE")]
        consts: Vec<String>,
        /// Search depth-first instead of breadth-first (counterexamples are
        /// then not necessarily shortest).
        #[arg(long)]
        dfs: bool,
        /// Stop (exit 3) after this many distinct states.
        #[arg(long, value_name = "N")]
        max_states: Option<u64>,
        /// Do not explore beyond this depth (exit 3 if states were left).
        #[arg(long, value_name = "N")]
        max_depth: Option<u64>,
        /// Stop (exit 3) after this many seconds.
        #[arg(long, value_name = "SECONDS")]
        time_limit: Option<f64>,
        /// Stop (exit 3) once kripke uses more than this much memory (MiB).
        #[arg(long, value_name = "MIB")]
        memory_limit: Option<u64>,
        /// Show progress on stderr even when it is not a terminal (it is
        /// shown on a terminal for runs longer than a second).
        #[arg(long)]
        progress: bool,
        /// Do not report states without a successor as deadlocks.
        #[arg(long)]
        no_deadlock: bool,
        /// Threads that expand states (default: every core). Counts, verdict
        /// and trace are the same for any number. `--dfs` uses one.
        #[arg(long, value_name = "N")]
        workers: Option<usize>,
        /// Symmetry reduction over the spec's `symmetric` sets: visit one
        /// state per class of renamings of their members (counts are then
        /// classes). Traces are real runs either way. Not applied to specs
        /// with temporal properties.
        #[arg(long, value_enum, default_value_t = OnOff::On)]
        symmetry: OnOff,
        /// Output: text for people, json for programs (one object on stdout).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also print the trace as a message sequence chart: one column per
        /// node, arrows for messages, faults marked.
        #[arg(long)]
        msc: bool,
        /// Also write the result object (as `--format json` prints it) to FILE.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Also write the trace in the Informal Trace Format (Apalache, Quint).
        #[arg(long, value_name = "FILE")]
        itf: Option<PathBuf>,
        /// Also write the explored state graph as Graphviz DOT (small models:
        /// up to 1,000 states), the trace highlighted.
        #[arg(long, value_name = "FILE")]
        dot: Option<PathBuf>,
        /// Also write a self-contained HTML page: verdict, statistics, the
        /// trace with changes highlighted, a sequence diagram.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Check every spec under the paths against its `expect`ations: one
    /// line per spec, then `N passed, N failed`; exit 0 only if all pass.
    #[command(after_help = EXIT_CODES)]
    Test {
        /// Spec files or directories (searched for `.dsl` files); default
        /// `specs/`.
        paths: Vec<PathBuf>,
        /// Also write the results as JUnit XML (for CI systems).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Threads that expand states (default: every core).
        #[arg(long, value_name = "N")]
        workers: Option<usize>,
    },
    /// Parse and check specs without exploring states.
    #[command(after_help = EXIT_CODES)]
    Lint {
        /// Spec files (`.dsl`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Override a constant or the members of a node/value set:
        /// `--const N=5`, `--const RM=4`, `--const RM={a,b,c}`.
        #[arg(long = "const", value_name = "NAME=VALUE")]
        consts: Vec<String>,
        /// Stop after this many diagnostics per file.
        #[arg(long, default_value_t = 50)]
        max_errors: usize,
        /// Also print the core program each clean spec desugars to: every
        /// state variable with its type, every action spelled out.
        #[arg(long)]
        core: bool,
    },
}

/// Parses `NAME=VALUE` pairs; prints the first bad one and returns the exit code.
fn parse_overrides(raw: &[String], color: bool) -> Result<Vec<Override>, i32> {
    raw.iter()
        .map(|r| match r.split_once('=') {
            Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => Ok(Override {
                name: n.trim().to_string(),
                value: v.trim().to_string(),
            }),
            _ => {
                let msg = format!("--const {r}: expected NAME=VALUE, e.g. --const N=3");
                eprint!("{}", diag::render_plain(&msg, None, color));
                Err(exit::SPEC_ERROR)
            }
        })
        .collect()
}

pub fn run() -> i32 {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::SPEC_ERROR
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match args.cmd {
        Cmd::Check {
            file,
            consts,
            dfs,
            max_states,
            max_depth,
            time_limit,
            memory_limit,
            progress,
            no_deadlock,
            workers,
            symmetry,
            format,
            msc,
            json,
            itf,
            dot,
            html,
        } => {
            let overrides = match parse_overrides(&consts, color) {
                Ok(o) => o,
                Err(code) => return code,
            };
            if let Some(t) = time_limit
                && !(t.is_finite() && t > 0.0)
            {
                eprint!(
                    "{}",
                    diag::render_plain(
                        "--time-limit must be a positive number of seconds",
                        None,
                        color
                    )
                );
                return exit::SPEC_ERROR;
            }
            if workers == Some(0) {
                eprint!(
                    "{}",
                    diag::render_plain("--workers must be at least 1", None, color)
                );
                return exit::SPEC_ERROR;
            }
            let cfg = kripke::checker::Config {
                workers: workers
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
                dfs,
                max_states,
                max_depth,
                check_deadlock: !no_deadlock,
                time_limit: time_limit.map(std::time::Duration::from_secs_f64),
                liveness: true,
                ..Default::default()
            };
            let watch = Watch {
                memory_limit: memory_limit.map(|m| m.saturating_mul(1 << 20)),
                progress: if progress {
                    Some(false)
                } else if std::io::stderr().is_terminal() {
                    Some(true)
                } else {
                    None
                },
            };
            let symmetry = symmetry == OnOff::On;
            let paint = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let outputs = Outputs {
                format,
                paint,
                msc,
                json,
                itf,
                dot,
                html,
            };
            check(&file, &overrides, &cfg, symmetry, &watch, &outputs, color)
        }
        Cmd::Test {
            paths,
            junit,
            workers,
        } => {
            if workers == Some(0) {
                eprint!(
                    "{}",
                    diag::render_plain("--workers must be at least 1", None, color)
                );
                return exit::SPEC_ERROR;
            }
            crate::testcmd::run(&paths, junit.as_deref(), workers, color)
        }
        Cmd::Lint {
            files,
            consts,
            max_errors,
            core,
        } => {
            let overrides = match parse_overrides(&consts, color) {
                Ok(o) => o,
                Err(code) => return code,
            };
            lint(&files, &overrides, max_errors, core, color)
        }
    }
}

/// Reads a spec file, with a clear message for every way that can fail.
fn read_spec(path: &Path) -> Result<Vec<u8>, (String, Option<String>)> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => (
            format!("{shown}: no such file"),
            Some("check the path".to_string()),
        ),
        std::io::ErrorKind::PermissionDenied => (format!("{shown}: permission denied"), None),
        _ => (format!("{shown}: cannot read: {e}"), None),
    })?;
    if meta.is_dir() {
        return Err((
            format!("{shown} is a directory"),
            Some(format!(
                "pass spec files, e.g. `kripke lint {}/*.dsl`",
                shown.to_string().trim_end_matches('/')
            )),
        ));
    }
    if meta.len() > MAX_SPEC_BYTES as u64 {
        return Err((
            format!(
                "{shown} is {} MiB; specs are limited to {} MiB",
                meta.len() >> 20,
                MAX_SPEC_BYTES >> 20
            ),
            Some("is this the right file?".to_string()),
        ));
    }
    std::fs::read(path).map_err(|e| (format!("{shown}: cannot read: {e}"), None))
}

fn lint(
    files: &[PathBuf],
    overrides: &[Override],
    max_errors: usize,
    core: bool,
    color: bool,
) -> i32 {
    let mut code = exit::OK;
    let mut stdout = std::io::stdout().lock();
    for path in files {
        let name = path.display().to_string();
        let bytes = match read_spec(path) {
            Ok(b) => b,
            Err((msg, help)) => {
                eprint!("{}", diag::render_plain(&msg, help.as_deref(), color));
                code = code.max(exit::SPEC_ERROR);
                continue;
            }
        };
        let src = frontend::decode(&bytes);
        let (src, analysis) = match frontend::analyze_isolated(src, overrides.to_vec()) {
            Ok(r) => r,
            Err(msg) => {
                eprint!(
                    "{}",
                    diag::render_plain(&format!("{name}: {msg}"), None, color)
                );
                return exit::INTERNAL;
            }
        };
        print_diags(&name, &src.text, &analysis.diags, max_errors, color);
        for m in &analysis.override_errors {
            eprint!("{}", diag::render_plain(m, None, color));
        }
        match &analysis.program {
            Some(p) => {
                let _ = writeln!(stdout, "{name}: ok: {}", summary(p));
                if core {
                    let _ = writeln!(stdout, "\n{}", kripke::sema::print::core(p));
                }
            }
            None => {
                let n = analysis.diags.iter().filter(|d| d.is_error()).count()
                    + analysis.override_errors.len();
                eprintln!("{name}: {n} error{}", if n == 1 { "" } else { "s" });
                code = code.max(exit::SPEC_ERROR);
            }
        }
    }
    code
}

fn print_diags(name: &str, text: &str, diags: &[Diag], max: usize, color: bool) {
    let mut err = std::io::stderr().lock();
    for d in diags.iter().take(max) {
        let _ = write!(err, "{}", diag::render(name, text, d, color));
    }
    if diags.len() > max {
        let _ = writeln!(
            err,
            "… and {} more (raise --max-errors to see them)",
            diags.len() - max
        );
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// One line about a clean spec: what it declares and how big its state could be.
fn summary(p: &Program) -> String {
    let space = match p.state_space_log2() {
        Some(b) if b < 40.0 => format!("at most {:.0} valuations", 2f64.powf(b)),
        Some(b) => format!("at most 2^{b:.1} valuations"),
        None => "unbounded".to_string(),
    };
    let nodes: usize = p.node_count();
    format!(
        "spec {}: {}, {}, {}, {}, {} ({}; {space})",
        p.name,
        plural(nodes, "node"),
        plural(p.vars.len(), "variable"),
        plural(p.actions.len(), "action"),
        plural(p.invariants.len(), "invariant"),
        plural(p.properties.len(), "property").replace("propertys", "properties"),
        plural(p.variants.len(), "message kind"),
    )
}

/// Reads and checks a spec for a command that needs a program; on failure,
/// prints the diagnostics and returns the exit code.
fn load(
    path: &Path,
    overrides: &[Override],
    color: bool,
) -> Result<(String, frontend::Source, Program), i32> {
    let name = path.display().to_string();
    let bytes = match read_spec(path) {
        Ok(b) => b,
        Err((msg, help)) => {
            eprint!("{}", diag::render_plain(&msg, help.as_deref(), color));
            return Err(exit::SPEC_ERROR);
        }
    };
    let (src, analysis) =
        match frontend::analyze_isolated(frontend::decode(&bytes), overrides.to_vec()) {
            Ok(r) => r,
            Err(msg) => {
                eprint!(
                    "{}",
                    diag::render_plain(&format!("{name}: {msg}"), None, color)
                );
                return Err(exit::INTERNAL);
            }
        };
    print_diags(&name, &src.text, &analysis.diags, 50, color);
    for m in &analysis.override_errors {
        eprint!("{}", diag::render_plain(m, None, color));
    }
    match analysis.program {
        Some(p) => Ok((name, src, p)),
        None => Err(exit::SPEC_ERROR),
    }
}

/// What the CLI watches while a check runs: progress lines (on a terminal,
/// overwritten in place), the memory limit, and Ctrl-C.
struct Watch {
    memory_limit: Option<u64>,
    /// `Some(in_place)` to show progress.
    progress: Option<bool>,
}

static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Resident memory of this process, from /proc (Linux); `None` elsewhere.
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn observer(
    watch: &Watch,
) -> impl Fn(&kripke::checker::Progress) -> kripke::checker::Control + Sync + '_ {
    use kripke::checker::{Control, Limit};
    use std::sync::atomic::Ordering;
    let last_print = std::sync::Mutex::new(std::time::Duration::ZERO);
    move |p| {
        if INTERRUPTED.load(Ordering::Relaxed) {
            return Control::Stop(Limit::Interrupted);
        }
        let rss = rss_bytes();
        if let (Some(limit), Some(rss)) = (watch.memory_limit, rss)
            && rss > limit
        {
            return Control::Stop(Limit::Memory);
        }
        if let Some(in_place) = watch.progress {
            let mut last = last_print.lock().unwrap_or_else(|e| e.into_inner());
            if p.elapsed.as_secs_f64() >= 1.0
                && p.elapsed - *last >= std::time::Duration::from_secs(1)
            {
                *last = p.elapsed;
                let secs = p.elapsed.as_secs_f64();
                let line = format!(
                    "{:>6.1} s: {} distinct, {} generated, {:.0} states/s, depth {}, queue {}{}",
                    secs,
                    p.distinct,
                    p.generated,
                    p.distinct as f64 / secs,
                    p.depth,
                    p.queue,
                    rss.map_or(String::new(), |r| format!(", {} MiB", r >> 20))
                );
                if in_place {
                    eprint!("\r{line}\x1b[K");
                } else {
                    eprintln!("{line}");
                }
            }
        }
        Control::Continue
    }
}

/// Where `kripke check` reports, besides its exit code.
struct Outputs {
    format: Format,
    /// Colour the text report (a terminal, or `--color always`).
    paint: bool,
    msc: bool,
    json: Option<PathBuf>,
    itf: Option<PathBuf>,
    dot: Option<PathBuf>,
    html: Option<PathBuf>,
}

/// Writes one output file; says why on stderr if it cannot.
fn write_output(path: &Path, what: &str, content: String, color: bool) -> bool {
    match std::fs::write(path, content) {
        Ok(()) => true,
        Err(e) => {
            let msg = format!("{what}: cannot write {}: {e}", path.display());
            eprint!("{}", diag::render_plain(&msg, None, color));
            false
        }
    }
}

fn check(
    path: &Path,
    overrides: &[Override],
    cfg: &kripke::checker::Config,
    symmetry: bool,
    watch: &Watch,
    out: &Outputs,
    color: bool,
) -> i32 {
    use kripke::checker::{self, Verdict};
    use kripke::report;
    let (name, src, prog) = match load(path, overrides, color) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // Liveness is checked on the unreduced graph: under symmetry, a cycle
    // of classes need not be a cycle of states, and fairness is per action
    // instance, whose names a renaming changes.
    if symmetry
        && !prog.properties.is_empty()
        && prog.sets.iter().any(|s| s.symmetric && s.members.len() > 1)
    {
        eprintln!(
            "note: symmetry reduction is not applied to a spec with temporal properties (see docs/language.md, \"Liveness\")"
        );
    }
    let symmetry = symmetry && prog.properties.is_empty();
    let model = match kripke::model::CompiledModel::new(&prog) {
        Ok(m) => m.with_symmetry(symmetry),
        Err((span, msg)) => {
            let help = if msg.starts_with("variable") || msg.starts_with("parameter") {
                "make the variable's type smaller: fewer values per set, shorter ranges"
            } else {
                "see docs/language.md, `property`"
            };
            let d = Diag::error(span, msg).help(help);
            eprint!("{}", diag::render(&name, &src.text, &d, color));
            return exit::SPEC_ERROR;
        }
    };
    // Ctrl-C stops the run cleanly, with the statistics so far (exit 3); a
    // second one ends the process at once.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            std::process::exit(exit::INCOMPLETE);
        }
    });
    let outcome = checker::check_observed(&model, cfg, &observer(watch));
    if watch.progress == Some(true) && outcome.stats.elapsed.as_secs_f64() >= 1.0 {
        // Clear the progress line.
        eprint!("\r\x1b[K");
    }
    // Every counterexample is replayed through the model before it is shown.
    if let Err(why) = checker::validate_outcome(&model, &outcome, cfg.check_deadlock) {
        eprint!(
            "{}",
            diag::render_plain(
                &format!("internal error: the counterexample found does not replay ({why})"),
                Some("this is a bug in kripke; please report it with the spec"),
                color
            )
        );
        return exit::INTERNAL;
    }
    let error_diag = match &outcome.verdict {
        Verdict::Error(e) => {
            let mut d = Diag::error(
                e.error.span,
                format!("evaluation error: {}", e.error.message),
            )
            .label("while evaluating this");
            if let Some(step) = &e.step {
                d = d.help(format!(
                    "in step {} of the trace below",
                    report::step_name(&prog, step)
                ));
            }
            Some(d)
        }
        _ => None,
    };
    let code = match &outcome.verdict {
        Verdict::Ok => exit::OK,
        Verdict::Invariant(_) | Verdict::Deadlock | Verdict::Property(_) => exit::VIOLATION,
        Verdict::Error(_) => exit::SPEC_ERROR,
        Verdict::Incomplete(_) => exit::INCOMPLETE,
    };
    let err = error_diag.as_ref().map(|d| {
        let (line, col) = diag::line_col(&src.text, d.span.start);
        serde_json::json!({"message": d.message, "line": line, "column": col})
    });
    let json = report::json(&model, &outcome, err);
    let mut written = true;
    if let Some(p) = &out.json {
        written &= write_output(p, "--json", format!("{json}\n"), color);
    }
    if let Some(p) = &out.itf {
        written &= write_output(p, "--itf", kripke::outputs::itf(&model, &outcome), color);
    }
    if let Some(p) = &out.dot {
        // A graph too large to draw is refused with a note; it is not an error.
        match kripke::outputs::dot(&model, &outcome) {
            Ok(d) => written &= write_output(p, "--dot", d, color),
            Err(why) => eprintln!("note: --dot: no file written: {why}"),
        }
    }
    let mut text = report::text(&name, &model, &outcome, cfg.check_deadlock);
    if let Some(p) = &out.html {
        let page = kripke::outputs::html(&name, &model, &outcome, &text);
        written &= write_output(p, "--html", page, color);
    }
    // An output that could not be written fails the command.
    let code = if written {
        code
    } else {
        exit::SPEC_ERROR.max(code)
    };
    if out.format == Format::Json {
        println!("{json}");
        return code;
    }
    if let Some(d) = &error_diag {
        eprint!("{}", diag::render(&name, &src.text, d, color));
    }
    let msc = if out.msc {
        kripke::outputs::msc_text(&model, &outcome)
    } else {
        String::new()
    };
    if !msc.is_empty() {
        text.push_str(&format!("\n  message sequence chart:\n\n{msc}"));
    }
    if out.paint {
        print!("{}", report::paint(&text));
    } else {
        print!("{text}");
    }
    code
}
