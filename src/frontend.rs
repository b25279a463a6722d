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
    let file = parser::parse(&src.text, &mut diags);
    if diags.iter().any(Diag::is_error) {
        crate::diag::sort(&mut diags);
        return Analysis {
            program: None,
            diags,
            override_errors: Vec::new(),
        };
    }
    let mut a = sema::analyze(&file, overrides);
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
