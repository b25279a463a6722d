//! Mutation fuzzing with an oracle: whatever the input, the front end
//! returns (a program or diagnostics) and rendering succeeds, and a spec it
//! accepts is checked without a panic and with counterexamples that replay;
//! any panic is a bug. Deterministic (fixed seed) so a failure reproduces; a
//! failing input is printed so that it can be kept as a regression file.

use std::path::Path;

use kripke::{diag, frontend};

/// xorshift64*: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ".",
    "..",
    "=",
    "==",
    "->",
    "+=",
    "|",
    "_",
    "-",
    "*",
    "not",
    "and",
    "or",
    "implies",
    "in",
    "forall x in S:",
    "exists",
    "if",
    "then",
    "else",
    "let",
    "self",
    "none",
    "some(",
    "always",
    "eventually",
    "leads_to",
    "node X {",
    "var y: 0..3 = 0",
    "action B {",
    "on M(x)",
    "send",
    "pick z in {1} {",
    "either {",
    "require",
    "union",
    "is",
    "spec",
    "}",
    "\n",
    "0",
    "-1",
    "99999999999999999999",
    "RM",
    "Message",
    "set<",
    "map<",
    "seq<",
    "option<",
    ">",
    "\u{fffd}",
    "é",
    "\0",
    "/*",
    "*/",
    "//",
    "&&",
    "\\in",
];

fn mutate(rng: &mut Rng, src: &[u8]) -> Vec<u8> {
    let mut out = src.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len();
        let at = rng.below(len + 1);
        match rng.below(5) {
            0 => {
                let end = (at + 1 + rng.below(20)).min(len);
                out.drain(at..end.max(at));
            }
            1 => {
                let frag = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
                out.splice(at..at, frag.iter().copied());
            }
            2 => {
                let end = (at + rng.below(40)).min(len);
                let piece = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, piece);
            }
            3 => out.truncate(at),
            _ => {
                if at < len {
                    out[at] = rng.next() as u8;
                }
            }
        }
    }
    out
}

fn check(bytes: &[u8]) {
    let src = frontend::decode(bytes);
    let a = frontend::analyze(&src, &[]);
    for d in &a.diags {
        let _ = diag::render("fuzz.dsl", &src.text, d, false);
    }
    assert_eq!(
        a.program.is_some(),
        !a.diags.iter().any(diag::Diag::is_error)
    );
}

#[test]
fn mutated_specs_never_crash_the_front_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    for dir in ["specs", "tests/data/lint/ok"] {
        for e in std::fs::read_dir(root.join(dir)).expect("corpus dir") {
            let p = e.expect("entry").path();
            if p.extension().is_some_and(|x| x == "dsl") {
                seeds.push(std::fs::read(&p).expect("read seed"));
            }
        }
    }
    seeds.sort();
    // KRIPKE_FUZZ_ITERS and KRIPKE_FUZZ_SEED make longer hunts easy; the
    // default suite runs a fixed, quick sample.
    let iters: usize = std::env::var("KRIPKE_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let seed0: u64 = std::env::var("KRIPKE_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut rng = Rng(seed0 | 1);
    for seed in &seeds {
        for _ in 0..iters {
            let input = mutate(&mut rng, seed);
            let result = std::panic::catch_unwind(|| check(&input));
            assert!(
                result.is_ok(),
                "the front end panicked on this input:\n{}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}

/// Mutated specs that the front end accepts are checked (with small
/// limits, symmetry on and off, properties included): the checker must not
/// panic, and every counterexample it reports must replay, as the CLI
/// demands before printing one.
#[test]
fn mutated_specs_never_crash_the_checker() {
    use kripke::checker::{self, Config};
    use kripke::model::CompiledModel;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    for dir in ["specs", "tests/liveness", "tests/liveness/tla"] {
        for e in std::fs::read_dir(root.join(dir)).expect("corpus dir") {
            let p = e.expect("entry").path();
            if p.extension().is_some_and(|x| x == "dsl") {
                seeds.push(std::fs::read(&p).expect("read seed"));
            }
        }
    }
    seeds.sort();
    let iters: usize = std::env::var("KRIPKE_FUZZ_CHECK_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    let mut checked = 0;
    for seed in &seeds {
        for _ in 0..iters {
            let input = mutate(&mut rng, seed);
            let src = frontend::decode(&input);
            let Some(prog) = frontend::analyze(&src, &[]).program else {
                continue;
            };
            let run = |symmetry: bool| {
                let Ok(model) = CompiledModel::new(&prog) else {
                    return;
                };
                let model = model.with_symmetry(symmetry && prog.properties.is_empty());
                let cfg = Config {
                    check_deadlock: true,
                    liveness: true,
                    max_states: Some(3000),
                    time_limit: Some(std::time::Duration::from_secs(2)),
                    ..Config::default()
                };
                let o = checker::check(&model, &cfg);
                checker::validate_outcome(&model, &o, true)
                    .unwrap_or_else(|e| panic!("the counterexample does not hold up: {e}"));
            };
            let result = std::panic::catch_unwind(|| {
                run(true);
                run(false);
            });
            assert!(
                result.is_ok(),
                "the checker failed on this input:\n{}",
                String::from_utf8_lossy(&input)
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no mutated spec got past the front end");
}
