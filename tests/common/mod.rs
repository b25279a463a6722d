//! What the integration tests share: turning spec text or a spec file into
//! a checked core program.

#![allow(dead_code)] // each test crate uses what it needs

use std::path::Path;

use kripke::frontend;
use kripke::sema::{Override, Program};

/// The program of spec text, with `--const`-style overrides; panics with
/// the diagnostics if the spec does not check.
pub fn program_of(src: &[u8], overrides: &[(&str, &str)]) -> Program {
    let ov = overrides
        .iter()
        .map(|(n, v)| Override {
            name: n.to_string(),
            value: v.to_string(),
        })
        .collect();
    let (_, a) = frontend::analyze_isolated(frontend::decode(src), ov).expect("no internal error");
    let msgs: Vec<String> = a.diags.iter().map(|d| d.message.clone()).collect();
    a.program
        .unwrap_or_else(|| panic!("the spec does not check: {msgs:?}"))
}

/// The program of a spec file, by path from the repository root.
pub fn program(path: &str, overrides: &[(&str, &str)]) -> Program {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    program_of(&bytes, overrides)
}

/// A spec file's text, by path from the repository root.
pub fn source(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}
