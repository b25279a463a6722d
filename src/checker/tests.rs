//! The explorer on hand-written toy models.

use super::*;

const FP_OF_1_2_3: u64 = 531_133_108_960_096_350;

/// A point on a grid, moving right or up, bounded by `size`.
struct Grid {
    size: u8,
    bad: Option<(u8, u8)>,
    constraint_x: Option<u8>,
    wrap: bool,
    error_at: Option<(u8, u8)>,
}

impl Grid {
    fn new(size: u8) -> Grid {
        Grid {
            size,
            bad: None,
            constraint_x: None,
            wrap: true,
            error_at: None,
        }
    }
}

impl Model for Grid {
    type State = (u8, u8);
    type Label = &'static str;
    type Error = String;

    fn initial_states(&self) -> Result<Vec<(u8, u8)>, String> {
        Ok(vec![(0, 0)])
    }
    fn successors(
        &self,
        s: &(u8, u8),
        out: &mut Vec<(&'static str, (u8, u8))>,
    ) -> Result<(), String> {
        if Some(*s) == self.error_at {
            return Err(format!("boom at {s:?}"));
        }
        if s.0 < self.size {
            out.push(("right", (s.0 + 1, s.1)));
        }
        if s.1 < self.size {
            out.push(("up", (s.0, s.1 + 1)));
        }
        if self.wrap && *s == (self.size, self.size) {
            out.push(("home", (0, 0)));
        }
        Ok(())
    }
    fn violated_invariant(&self, s: &(u8, u8)) -> Result<Option<usize>, String> {
        Ok((Some(*s) == self.bad).then_some(0))
    }
    fn within_constraints(&self, s: &(u8, u8)) -> Result<bool, String> {
        Ok(self.constraint_x.is_none_or(|x| s.0 <= x))
    }
    fn may_stop(&self, _: &(u8, u8)) -> Result<bool, String> {
        Ok(false)
    }
    fn state_words(&self) -> usize {
        1
    }
    fn pack(&self, s: &(u8, u8), out: &mut Vec<u64>) {
        out.push(u64::from(s.0) | u64::from(s.1) << 8);
    }
    fn unpack(&self, w: &[u64]) -> (u8, u8) {
        (w[0] as u8, (w[0] >> 8) as u8)
    }
}

fn cfg() -> Config {
    Config {
        check_deadlock: true,
        ..Config::default()
    }
}

#[test]
fn counts_follow_tlc_definitions() {
    let g = Grid::new(3);
    let o = check(&g, &cfg());
    assert_eq!(o.verdict, Verdict::Ok);
    // 16 points; every point has 2 moves except the edges: 12 rights, 12 ups,
    // and the corner's way home: 25 successors, plus the initial state.
    assert_eq!(
        (o.stats.distinct, o.stats.generated, o.stats.depth),
        (16, 26, 7)
    );
    let d = check(&g, &Config { dfs: true, ..cfg() });
    assert_eq!(
        (d.verdict, d.stats.distinct, d.stats.generated),
        (Verdict::Ok, 16, 26)
    );
}

#[test]
fn bfs_finds_a_shortest_counterexample_and_it_replays() {
    let g = Grid {
        bad: Some((2, 3)),
        ..Grid::new(3)
    };
    let o = check(&g, &cfg());
    assert_eq!(o.verdict, Verdict::Invariant(0));
    assert_eq!(o.trace.len(), 6, "5 moves to reach (2, 3)");
    assert_eq!(o.trace.last().unwrap().state, (2, 3));
    assert_eq!(o.trace[0].label, None);
    assert_eq!(o.trace[1].label, Some("right"));
    validate(&g, &o.trace, &o.verdict, true).expect("the trace replays");
    let d = check(&g, &Config { dfs: true, ..cfg() });
    assert_eq!(d.verdict, Verdict::Invariant(0));
    validate(&g, &d.trace, &d.verdict, true).expect("the DFS trace replays");
}

#[test]
fn tampered_traces_are_rejected() {
    let g = Grid {
        bad: Some((1, 1)),
        ..Grid::new(3)
    };
    let o = check(&g, &cfg());
    let mut t = o.trace.clone();
    t[1].label = Some("up");
    if t[1].state == (0, 1) {
        t[1].label = Some("right");
    }
    assert!(validate(&g, &t, &o.verdict, true).is_err());
    let mut t = o.trace.clone();
    t.pop();
    assert!(validate(&g, &t, &o.verdict, true).is_err());
    assert!(validate(&g, &o.trace, &Verdict::Deadlock, true).is_err());
}

#[test]
fn deadlock_is_a_state_without_successors() {
    let g = Grid {
        wrap: false,
        ..Grid::new(2)
    };
    let o = check(&g, &cfg());
    assert_eq!(o.verdict, Verdict::Deadlock);
    assert_eq!(o.trace.last().unwrap().state, (2, 2));
    assert_eq!(o.trace.len(), 5);
    validate(&g, &o.trace, &o.verdict, true).expect("replays");
    let o = check(&g, &Config::default());
    assert_eq!((o.verdict, o.stats.distinct), (Verdict::Ok, 9));
}

#[test]
fn constraints_bound_the_search_but_are_checked() {
    // Only x <= 1 is explored: 2 columns of 4 points.
    let g = Grid {
        constraint_x: Some(1),
        wrap: false,
        ..Grid::new(3)
    };
    let o = check(&g, &Config::default());
    assert_eq!(o.verdict, Verdict::Ok);
    assert_eq!(o.stats.distinct, 8);
    // Successors outside the constraint are generated (and counted): the
    // 4 moves into column 2, 6 ups, 4 rights from column 0, and the initial state.
    assert_eq!(o.stats.generated, 1 + 4 + 4 + 6);
    // ... and checked against the invariants.
    let g = Grid {
        constraint_x: Some(1),
        bad: Some((2, 0)),
        wrap: false,
        ..Grid::new(3)
    };
    let o = check(&g, &Config::default());
    assert_eq!(o.verdict, Verdict::Invariant(0));
    assert_eq!(o.trace.len(), 3);
    validate(&g, &o.trace, &o.verdict, false).expect("replays");
}

#[test]
fn model_errors_stop_the_run_with_a_trace() {
    let g = Grid {
        error_at: Some((1, 1)),
        ..Grid::new(3)
    };
    let o = check(&g, &cfg());
    assert_eq!(o.verdict, Verdict::Error("boom at (1, 1)".to_string()));
    assert_eq!(o.trace.last().unwrap().state, (1, 1));
    assert_eq!(o.trace.len(), 3);
    validate(&g, &o.trace, &o.verdict, true).expect("replays");
}

#[test]
fn limits_make_a_run_incomplete() {
    let g = Grid::new(3);
    let o = check(
        &g,
        &Config {
            max_states: Some(5),
            ..cfg()
        },
    );
    assert_eq!(o.verdict, Verdict::Incomplete(Limit::States));
    assert_eq!(o.stats.distinct, 5);
    let o = check(
        &g,
        &Config {
            max_depth: Some(3),
            ..cfg()
        },
    );
    assert_eq!(o.verdict, Verdict::Incomplete(Limit::Depth));
    assert_eq!((o.stats.distinct, o.stats.depth), (6, 3));
}

#[test]
fn parallel_bfs_is_identical_to_sequential() {
    for g in [
        Grid::new(6),
        Grid {
            bad: Some((4, 5)),
            ..Grid::new(6)
        },
        Grid {
            wrap: false,
            ..Grid::new(5)
        },
        Grid {
            error_at: Some((3, 3)),
            ..Grid::new(6)
        },
        Grid {
            constraint_x: Some(2),
            bad: Some((3, 1)),
            wrap: false,
            ..Grid::new(6)
        },
    ] {
        // The reference: one thread, one state at a time.
        let one = check(&g, &Config { batch: 1, ..cfg() });
        // Small batches too: stops mid-batch, batches expanded ahead.
        // And batches that shrink and grow all the time (a budget of a
        // few successors).
        for (workers, batch, batch_bytes) in
            [(1, 0, 0), (2, 0, 0), (2, 1, 0), (2, 4, 0), (2, 0, 200)]
        {
            let two = check(
                &g,
                &Config {
                    workers,
                    batch,
                    batch_bytes,
                    ..cfg()
                },
            );
            assert_eq!(two.verdict, one.verdict);
            assert_eq!(two.stats.distinct, one.stats.distinct);
            assert_eq!(two.stats.generated, one.stats.generated);
            assert_eq!(two.stats.depth, one.stats.depth);
            assert_eq!(two.trace, one.trace);
        }
    }
    let lim = check(
        &Grid::new(6),
        &Config {
            workers: 2,
            max_states: Some(17),
            batch: 3,
            ..cfg()
        },
    );
    assert_eq!(
        (lim.verdict, lim.stats.distinct),
        (Verdict::Incomplete(Limit::States), 17)
    );
    let seq = check(
        &Grid::new(6),
        &Config {
            max_states: Some(17),
            batch: 1,
            ..cfg()
        },
    );
    assert_eq!(seq.stats.generated, lim.stats.generated);
}

#[test]
fn fingerprints_are_fixed_and_spread() {
    use super::store::{Store, collision_probability, fingerprint};
    let a: Box<[u64]> = vec![1, 2, 3].into_boxed_slice();
    let b: Box<[u64]> = vec![1, 2, 4].into_boxed_slice();
    // A fixed seed: this value is the same on every run and machine (a
    // change here changes every stored fingerprint: do it on purpose only).
    assert_eq!(fingerprint(&a), FP_OF_1_2_3);
    assert_ne!(fingerprint(&a), fingerprint(&b));
    // Bitset-like states differing in two words do not collide.
    let mut seen = std::collections::HashSet::new();
    for i in 0..64u64 {
        for j in 0..64u64 {
            let s: Box<[u64]> = vec![1 << i, 1 << j, 0].into_boxed_slice();
            assert!(seen.insert(fingerprint(&s)));
        }
    }
    let mut st = Store::default();
    assert_eq!(st.insert(7, super::store::NO_PARENT, 0), Some(0));
    assert_eq!(st.insert(9, 0, 3), Some(1));
    assert_eq!(st.insert(7, 1, 0), None);
    assert_eq!(st.path_to(1), vec![0, 3]);
    assert!(
        (collision_probability(1 << 20, 1 << 24)
            - (2f64.powi(20) * (2f64.powi(24) - 2f64.powi(20)) / 2f64.powi(64)))
        .abs()
            < 1e-20
    );
}

#[test]
fn store_keeps_every_fingerprint_and_the_way_to_it() {
    use super::store::{NO_PARENT, Store, fingerprint};
    // Enough states to grow every shard many times; parents that jump both
    // ways (as depth-first search makes them) and positions of all sizes.
    let mut st = Store::default();
    let n = 200_000u32;
    let mut way = Vec::new();
    for i in 0..n {
        let parent = if i == 0 {
            NO_PARENT
        } else {
            (fingerprint(&i) % u64::from(i)) as u32
        };
        let position = (fingerprint(&(i, 1)) >> (i % 40)) as u32;
        assert_eq!(st.insert(fingerprint(&i), parent, position), Some(i));
        way.push((parent, position));
    }
    // A fingerprint of 0 is kept like any other.
    assert_eq!(st.insert(0, 0, 0), Some(n));
    assert_eq!(st.insert(0, 1, 0), None);
    assert!(st.contains(0));
    assert_eq!(st.len(), n as usize + 1);
    for i in (0..n).step_by(7) {
        assert!(st.contains(fingerprint(&i)));
        assert_eq!(st.insert(fingerprint(&i), 0, 0), None);
        assert!(!st.contains(fingerprint(&(i, 2))));
    }
    for i in [1, 63, 64, 65, 4_095, 77_777, n - 1] {
        let mut expect = Vec::new();
        let mut j = i;
        loop {
            let (p, pos) = way[j as usize];
            expect.push(pos);
            if p == NO_PARENT {
                break;
            }
            j = p;
        }
        expect.reverse();
        assert_eq!(st.path_to(i), expect, "state {i}");
    }
    // Breadth-first, every state has a few successors: parents grow by
    // little and positions are small. Slots at 71 to 85 % load (9.4 to 11.3
    // bytes) plus 2 bytes of log per state.
    let mut st = Store::default();
    for i in 0..300_000u32 {
        let parent = if i == 0 { NO_PARENT } else { i / 5 };
        st.insert(fingerprint(&(i, 3)), parent, i % 5);
    }
    let b = st.bytes_per_state();
    assert!((11.0..13.5).contains(&b), "{b} bytes per state");
}

#[test]
fn store_adds_in_parallel_and_forgets_what_was_not_logged() {
    use super::store::{Store, fingerprint};
    // One thread inserting 0..n, against add_all of 0..n plus extras that
    // are then forgotten (a run stopping mid-batch): the same states, the
    // same table size, and the extras gone.
    let n = 50_000u32;
    let mut one = Store::default();
    for i in 0..n {
        one.insert(fingerprint(&i), 0, 0);
    }
    let mut par = Store::default();
    // Each state twice (only the first counts), extras after them.
    let fps: Vec<(u64, u32)> = (0..n)
        .chain(0..n)
        .chain(n..n + 9_000)
        .map(|i| (fingerprint(&i), i))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let mut new: Vec<u32> = pool
        .install(|| par.add_all(3, || fps.iter().copied()))
        .concat();
    new.sort_unstable();
    assert_eq!(new, (0..n + 9_000).collect::<Vec<_>>());
    for _ in 0..n {
        par.log(0, 0);
    }
    let extras: Vec<u64> = (n..n + 9_000).map(|i| fingerprint(&i)).collect();
    par.forget(&extras);
    assert_eq!(par.len(), one.len());
    assert_eq!(par.bytes_per_state(), one.bytes_per_state());
    for i in 0..n + 9_000 {
        assert_eq!(par.contains(fingerprint(&i)), i < n, "state {i}");
    }
}
