//! Front-end throughput: how fast `kripke lint` parses and checks specs.
//!
//! Run with `cargo bench --bench frontend`. Prints, for the shipped specs
//! and for a generated 1 MB spec, the time per analysis and MB/s. The
//! explorer's benchmarks (states/s, bytes/state) join this folder with the
//! explorer.

use std::time::{Duration, Instant};

use kripke::frontend;

fn measure(name: &str, text: &str) {
    let src = frontend::decode(text.as_bytes());
    // Warm up, then run for about a second.
    let a = frontend::analyze(&src, &[]);
    assert!(a.program.is_some(), "{name} must be clean");
    let mut runs = 0u32;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) || runs < 3 {
        std::hint::black_box(frontend::analyze(&src, &[]));
        runs += 1;
    }
    let per = start.elapsed() / runs;
    let mbps = text.len() as f64 / per.as_secs_f64() / 1e6;
    println!(
        "{name:<28} {:>9} bytes  {:>10.1?} per analysis  {mbps:>7.1} MB/s",
        text.len(),
        per
    );
}

/// A large, valid spec: many actions and invariants over node variables.
fn generated(bytes: usize) -> String {
    let mut s = String::from("spec Big\nnodes N = 5 symmetric\nnode N {\n  var x: 0..9 = 0\n");
    let mut i = 0;
    while s.len() < bytes / 2 {
        s.push_str(&format!("  action Step{i}(k: 0..3) {{\n    require x < 9 and k <= {}\n    x = if x + k > 9 then 9 else x + k\n  }}\n", i % 4));
        i += 1;
    }
    s.push_str("}\n");
    let mut j = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "invariant Bound{j}: forall a, b in N: N[a].x + N[b].x <= 18 or {j} > 0\n"
        ));
        j += 1;
    }
    s
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for spec in ["specs/2pc.dsl", "specs/paxos.dsl", "specs/crdt.dsl"] {
        let text = std::fs::read_to_string(root.join(spec)).expect("spec");
        measure(spec, &text);
    }
    measure("generated (1 MB)", &generated(1 << 20));
}
