//! The front end as one call: bytes of a spec file to a checked program or
//! diagnostics. The CLI reads the file; everything after that is here.

use crate::diag::{Diag, Span};
use crate::parser;
use crate::sema::{self, Analysis, Override};

/// Specs larger than this are refused outright: a hand-written spec is a few
/// kilobytes, and this keeps the front end's memory and time bounded.
pub const MAX_SPEC_BYTES: usize = 16 << 20;

/// Source text ready for the front end, possibly repaired for display.
pub struct Source {
    pub text: String,
    /// A problem with the bytes themselves (binary, invalid UTF-8), if any.
    pub problem: Option<Diag>,
}

/// Decodes a file's bytes. Invalid UTF-8 and binary content become one
/// diagnostic (pointing at the first bad byte) instead of a flood.
pub fn decode(bytes: &[u8]) -> Source {
    if let Some(pos) = bytes.iter().take(1 << 16).position(|&b| b == 0) {
        let text = String::from_utf8_lossy(bytes).replace('\0', " ");
        let start = String::from_utf8_lossy(&bytes[..pos]).len();
        return Source {
            problem: Some(
                Diag::error(
                    Span::new(start, start + 1),
                    "this looks like a binary file, not a spec",
                )
                .label("a NUL byte")
                .help("kripke reads spec text (`.dsl`); check the path"),
            ),
            text,
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Source {
            text: s.to_string(),
            problem: None,
        },
        Err(e) => {
            let at = e.valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            // The lossy text agrees with the bytes up to the first bad byte,
            // which it replaces with U+FFFD (3 bytes).
            Source {
                text,
                problem: Some(
                    Diag::error(Span::new(at, at + 3), "the spec is not valid UTF-8")
                        .label(format!("invalid byte 0x{:02x}", bytes[at]))
                        .help("save the file as UTF-8"),
                ),
            }
        }
    }
}

/// Parses and checks a spec. Semantic checks run only on a spec that parsed
/// cleanly, so that a syntax error does not cause a cascade of name errors.
pub fn analyze(src: &Source, overrides: &[Override]) -> Analysis {
    if let Some(p) = &src.problem {
        return Analysis {
            program: None,
            diags: vec![p.clone()],
            override_errors: Vec::new(),
        };
    }
    let mut diags = Vec::new();
    let mut file = parser::parse(&src.text, &mut diags);
    if !diags.iter().any(Diag::is_error) {
        crate::stdlib::faults::desugar(&mut file, &mut diags);
    }
    if diags.iter().any(Diag::is_error) {
        crate::diag::sort(&mut diags);
        return Analysis {
            program: None,
            diags,
            override_errors: Vec::new(),
        };
    }
    let mut a = sema::analyze(&file, overrides);
    if let Some(p) = &mut a.program {
        p.source = src.text.as_str().into();
    }
    diags.append(&mut a.diags);
    crate::diag::sort(&mut diags);
    a.diags = diags;
    a
}

/// Runs `analyze` on a thread with a generous stack. The parser bounds the
/// nesting depth, so this is a margin for debug builds, not a requirement.
/// `Err` means kripke itself failed (a panic): an internal error.
pub fn analyze_isolated(
    src: Source,
    overrides: Vec<Override>,
) -> Result<(Source, Analysis), String> {
    let handle = std::thread::Builder::new()
        .name("kripke-frontend".into())
        .stack_size(64 << 20)
        .spawn(move || {
            let a = analyze(&src, &overrides);
            (src, a)
        })
        .map_err(|e| format!("cannot start the front-end thread: {e}"))?;
    handle.join().map_err(|_| {
        "the front end panicked; this is a bug in kripke, please report it with the spec"
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a debug build overflowed a 2 MiB test thread on nesting
    /// well inside the limit. Every recursive pass now grows its stack, so
    /// the deepest spec the parser accepts is safe on any thread.
    #[test]
    fn nesting_at_the_limit_is_safe_on_a_small_stack() {
        let depth = crate::parser::MAX_NESTING - 10;
        let specs = [
            format!(
                "spec D\nvar x: 0..3 = 0\ninvariant I: {}x{} == 0\n",
                "(".repeat(depth),
                ")".repeat(depth)
            ),
            format!(
                "spec D\nvar x: 0..3 = 0\ninvariant I: {}true\n",
                "not ".repeat(depth)
            ),
            format!(
                "spec D\nvar x: 0..3 = 0\ninvariant I: {}x == 0\n",
                "x + ".repeat(depth)
            ),
            format!(
                "spec D\nvar x: 0..3 = 0\naction A {{ {} x = 1 {} }}\ninvariant I: x >= 0\n",
                "if x == 0 { ".repeat(depth - 5),
                "}".repeat(depth - 5)
            ),
            format!(
                "spec D\nvar x: 0..3 = 0\ninvariant I: {}true{}\n",
                "if x == 0 then ".repeat(depth / 2),
                " else false".repeat(depth / 2)
            ),
        ];
        for text in specs {
            let handle = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    let a = analyze(&decode(text.as_bytes()), &[]);
                    let core = a.program.as_ref().map(crate::sema::print::core);
                    (
                        a.diags
                            .iter()
                            .map(|d| d.message.clone())
                            .collect::<Vec<_>>(),
                        core.is_some(),
                    )
                })
                .expect("spawn");
            let (diags, ok) = handle.join().expect("no stack overflow or panic");
            assert!(ok, "{diags:?}");
        }
    }
}
