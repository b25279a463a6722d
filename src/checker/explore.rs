//! Breadth-first and depth-first exploration, traces and their replay.

use std::time::{Duration, Instant};

use hashbrown::DefaultHashBuilder;
use hashbrown::HashTable;
use std::hash::BuildHasher;

use super::Model;

#[derive(Clone, Debug, Default)]
pub struct Config {
    pub dfs: bool,
    pub max_states: Option<u64>,
    pub max_depth: Option<u64>,
    pub check_deadlock: bool,
    pub time_limit: Option<Duration>,
}

/// Which limit stopped a run early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    States,
    Depth,
    Time,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Verdict<E> {
    /// Every reachable state was checked; every invariant holds.
    Ok,
    /// The last state of the trace violates invariant number `0`.
    Invariant(usize),
    /// The last state of the trace has no successor.
    Deadlock,
    /// Running the model failed; the trace leads to the state where it did
    /// (the failing step, if any, is in the error).
    Error(E),
    /// A limit stopped the run; no violation was found before it.
    Incomplete(Limit),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub distinct: u64,
    pub generated: u64,
    pub depth: u64,
    pub elapsed: Duration,
}

/// One state of a trace and the step that led to it (none for the first).
#[derive(Debug, PartialEq)]
pub struct TraceStep<M: Model> {
    pub label: Option<M::Label>,
    pub state: M::State,
}

impl<M: Model> Clone for TraceStep<M> {
    fn clone(&self) -> Self {
        TraceStep {
            label: self.label.clone(),
            state: self.state.clone(),
        }
    }
}

pub struct Outcome<M: Model> {
    pub verdict: Verdict<M::Error>,
    pub stats: Stats,
    /// For a violation, deadlock or error: the run from an initial state.
    pub trace: Vec<TraceStep<M>>,
}

const NO_PARENT: u32 = u32::MAX;

struct Store<S> {
    states: Vec<S>,
    parent: Vec<u32>,
    level: Vec<u32>,
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl<S: Eq + std::hash::Hash> Store<S> {
    /// Adds a state if new; returns its index and whether it was new.
    fn insert(&mut self, s: S, parent: u32, level: u32) -> (u32, bool) {
        let h = self.hasher.hash_one(&s);
        if let Some(&i) = self.table.find(h, |&i| self.states[i as usize] == s) {
            return (i, false);
        }
        let i = self.states.len() as u32;
        self.states.push(s);
        self.parent.push(parent);
        self.level.push(level);
        let (states, hasher) = (&self.states, &self.hasher);
        self.table
            .insert_unique(h, i, |&j| hasher.hash_one(&states[j as usize]));
        (i, true)
    }

    fn path_to(&self, mut i: u32) -> Vec<u32> {
        let mut path = vec![i];
        while self.parent[i as usize] != NO_PARENT {
            i = self.parent[i as usize];
            path.push(i);
        }
        path.reverse();
        path
    }
}

/// Explores the model's reachable states.
pub fn check<M: Model>(model: &M, cfg: &Config) -> Outcome<M> {
    let start = Instant::now();
    let mut store: Store<M::State> = Store {
        states: Vec::new(),
        parent: Vec::new(),
        level: Vec::new(),
        table: HashTable::new(),
        hasher: DefaultHashBuilder::default(),
    };
    let mut stats = Stats::default();
    let finish = |store: &Store<M::State>, mut stats: Stats, verdict, trace| {
        stats.distinct = store.states.len() as u64;
        stats.depth = store
            .level
            .iter()
            .copied()
            .max()
            .map_or(0, |l| l as u64 + 1);
        stats.elapsed = start.elapsed();
        Outcome {
            verdict,
            stats,
            trace,
        }
    };
    // A trace to stored state `i`, optionally followed by one more step.
    let trace_to = |store: &Store<M::State>,
                    i: u32,
                    extra: Option<(M::Label, M::State)>|
     -> Vec<TraceStep<M>> {
        let mut t = rebuild(model, &store.states, &store.path_to(i));
        if let Some((label, state)) = extra {
            t.push(TraceStep {
                label: Some(label),
                state,
            });
        }
        t
    };

    let inits = match model.initial_states() {
        Ok(v) => v,
        Err(e) => return finish(&store, stats, Verdict::Error(e), Vec::new()),
    };
    for s in inits {
        stats.generated += 1;
        let lone = |s: &M::State| {
            vec![TraceStep {
                label: None,
                state: s.clone(),
            }]
        };
        let inside = match model.within_constraints(&s) {
            Ok(b) => b,
            Err(e) => return finish(&store, stats, Verdict::Error(e), lone(&s)),
        };
        let violated = match model.violated_invariant(&s) {
            Ok(v) => v,
            Err(e) => return finish(&store, stats, Verdict::Error(e), lone(&s)),
        };
        let t = lone(&s);
        if inside {
            store.insert(s, NO_PARENT, 0);
        }
        if let Some(k) = violated {
            return finish(&store, stats, Verdict::Invariant(k), t);
        }
    }

    // BFS expands states in the order they were stored; DFS keeps a stack.
    let mut stack: Vec<u32> = if cfg.dfs {
        (0..store.states.len() as u32).rev().collect()
    } else {
        Vec::new()
    };
    let mut head: usize = 0;
    let mut succ = Vec::new();
    let mut hit_depth_limit = false;
    loop {
        let cur = if cfg.dfs {
            match stack.pop() {
                Some(i) => i,
                None => break,
            }
        } else {
            if head >= store.states.len() {
                break;
            }
            head += 1;
            (head - 1) as u32
        };
        if let Some(limit) = cfg.time_limit
            && start.elapsed() > limit
        {
            return finish(&store, stats, Verdict::Incomplete(Limit::Time), Vec::new());
        }
        let level = store.level[cur as usize];
        if let Some(d) = cfg.max_depth
            && level as u64 + 1 >= d
        {
            hit_depth_limit = true;
            continue;
        }
        let s = store.states[cur as usize].clone();
        succ.clear();
        if let Err(e) = model.successors(&s, &mut succ) {
            let t = trace_to(&store, cur, None);
            return finish(&store, stats, Verdict::Error(e), t);
        }
        stats.generated += succ.len() as u64;
        if succ.is_empty() && cfg.check_deadlock {
            match model.may_stop(&s) {
                Ok(true) => {}
                Ok(false) => {
                    let t = trace_to(&store, cur, None);
                    return finish(&store, stats, Verdict::Deadlock, t);
                }
                Err(e) => {
                    let t = trace_to(&store, cur, None);
                    return finish(&store, stats, Verdict::Error(e), t);
                }
            }
        }
        for (label, t) in succ.drain(..) {
            let inside = match model.within_constraints(&t) {
                Ok(b) => b,
                Err(e) => {
                    let tr = trace_to(&store, cur, Some((label, t)));
                    return finish(&store, stats, Verdict::Error(e), tr);
                }
            };
            if !inside {
                match model.violated_invariant(&t) {
                    Ok(None) => continue,
                    Ok(Some(k)) => {
                        let tr = trace_to(&store, cur, Some((label, t)));
                        return finish(&store, stats, Verdict::Invariant(k), tr);
                    }
                    Err(e) => {
                        let tr = trace_to(&store, cur, Some((label, t)));
                        return finish(&store, stats, Verdict::Error(e), tr);
                    }
                }
            }
            let (i, new) = store.insert(t, cur, level + 1);
            if !new {
                continue;
            }
            match model.violated_invariant(&store.states[i as usize]) {
                Ok(None) => {}
                Ok(Some(k)) => {
                    let tr = trace_to(&store, i, None);
                    return finish(&store, stats, Verdict::Invariant(k), tr);
                }
                Err(e) => {
                    let tr = trace_to(&store, i, None);
                    return finish(&store, stats, Verdict::Error(e), tr);
                }
            }
            if cfg.dfs {
                stack.push(i);
            }
            if let Some(m) = cfg.max_states
                && store.states.len() as u64 >= m
            {
                return finish(
                    &store,
                    stats,
                    Verdict::Incomplete(Limit::States),
                    Vec::new(),
                );
            }
        }
    }
    let verdict = if hit_depth_limit {
        Verdict::Incomplete(Limit::Depth)
    } else {
        Verdict::Ok
    };
    finish(&store, stats, verdict, Vec::new())
}

/// The steps between consecutive states of a stored path: for each state,
/// the first successor of its parent (in the model's order) equal to it.
fn rebuild<M: Model>(model: &M, states: &[M::State], path: &[u32]) -> Vec<TraceStep<M>> {
    let mut out: Vec<TraceStep<M>> = Vec::with_capacity(path.len());
    let mut succ = Vec::new();
    for (n, &i) in path.iter().enumerate() {
        let state = states[i as usize].clone();
        let label = if n == 0 {
            None
        } else {
            succ.clear();
            let prev = &states[path[n - 1] as usize];
            // A stored state was reached from its parent, so this succeeds;
            // `validate` re-checks the whole trace independently.
            let _ = model.successors(prev, &mut succ);
            succ.iter()
                .find(|(_, s)| *s == state)
                .map(|(l, _)| l.clone())
        };
        out.push(TraceStep { label, state });
    }
    out
}

/// Replays a trace through the model: the first state is initial, every
/// step is a successor the model really produces (same label, same state),
/// and the verdict holds at the end (the invariant is violated, no step is
/// possible, or the failing step fails the same way). Returns why not.
pub fn validate<M: Model>(
    model: &M,
    trace: &[TraceStep<M>],
    verdict: &Verdict<M::Error>,
    check_deadlock: bool,
) -> Result<(), String> {
    let Some(first) = trace.first() else {
        return match verdict {
            Verdict::Ok | Verdict::Incomplete(_) => Ok(()),
            Verdict::Error(_) => Ok(()),
            _ => Err("the counterexample is empty".into()),
        };
    };
    let inits = model
        .initial_states()
        .map_err(|e| format!("initial states fail to compute: {e:?}"))?;
    if !inits.contains(&first.state) {
        return Err("the trace does not start in an initial state".into());
    }
    let mut succ = Vec::new();
    for (n, w) in trace.windows(2).enumerate() {
        succ.clear();
        model
            .successors(&w[0].state, &mut succ)
            .map_err(|e| format!("step {}: the model fails: {e:?}", n + 1))?;
        let label = w[1]
            .label
            .as_ref()
            .ok_or_else(|| format!("step {} has no action", n + 1))?;
        if !succ.iter().any(|(l, s)| l == label && *s == w[1].state) {
            return Err(format!(
                "step {} ({label:?}) is not a step of the model from the state before it",
                n + 1
            ));
        }
    }
    let last = &trace[trace.len() - 1].state;
    match verdict {
        Verdict::Invariant(k) => match model.violated_invariant(last) {
            Ok(Some(j)) if j == *k => Ok(()),
            _ => Err(format!("the last state does not violate invariant {k}")),
        },
        Verdict::Deadlock => {
            succ.clear();
            model
                .successors(last, &mut succ)
                .map_err(|e| format!("{e:?}"))?;
            if !succ.is_empty() || !check_deadlock || model.may_stop(last).unwrap_or(true) {
                Err("the last state is not a deadlock".into())
            } else {
                Ok(())
            }
        }
        Verdict::Error(e) => {
            succ.clear();
            // The explorer evaluates a state's constraints and invariants
            // before expanding it; replay in the same order.
            let again = model
                .within_constraints(last)
                .err()
                .or_else(|| model.violated_invariant(last).err())
                .or_else(|| model.successors(last, &mut succ).err())
                .or_else(|| model.may_stop(last).err());
            if again.as_ref() == Some(e) {
                Ok(())
            } else {
                Err("replaying the trace does not reproduce the error".into())
            }
        }
        Verdict::Ok | Verdict::Incomplete(_) => Ok(()),
    }
}
