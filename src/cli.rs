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

#[derive(Subcommand)]
enum Cmd {
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

/// Parses `NAME=VALUE` pairs; reports the first bad one.
fn parse_overrides(raw: &[String]) -> Result<Vec<Override>, String> {
    raw.iter()
        .map(|r| match r.split_once('=') {
            Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => Ok(Override {
                name: n.trim().to_string(),
                value: v.trim().to_string(),
            }),
            _ => Err(format!(
                "--const {r}: expected NAME=VALUE, e.g. --const N=3"
            )),
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
        Cmd::Lint {
            files,
            consts,
            max_errors,
            core,
        } => {
            let overrides = match parse_overrides(&consts) {
                Ok(o) => o,
                Err(m) => {
                    eprint!("{}", diag::render_plain(&m, None, color));
                    return exit::SPEC_ERROR;
                }
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
