//! Breadth-first and depth-first exploration, traces and their replay.

use std::time::{Duration, Instant};

use super::Model;
use super::store::{NO_PARENT, Store, fingerprint};

#[derive(Clone, Debug, Default)]
pub struct Config {
    pub dfs: bool,
    /// Threads expanding states (breadth-first only); 0 or 1: this thread.
    /// Results do not depend on it.
    pub workers: usize,
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
    /// The observer stopped the run for using too much memory.
    Memory,
    /// The observer stopped the run because the user asked (Ctrl-C).
    Interrupted,
}

/// How far a run has got, as the explorer reports it while it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub distinct: u64,
    pub generated: u64,
    pub depth: u64,
    /// States stored but not yet expanded.
    pub queue: u64,
    pub elapsed: Duration,
}

/// An observer's answer: go on, or stop the run cleanly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Continue,
    Stop(Limit),
}

/// How often the explorer calls its observer.
const OBSERVE_EVERY: Duration = Duration::from_millis(200);

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
    /// Memory of the visited-state store, per distinct state.
    pub bytes_per_state: f64,
}

impl Stats {
    /// The optimistic estimate of a fingerprint collision in this run.
    pub fn collision_probability(&self) -> f64 {
        super::store::collision_probability(self.distinct, self.generated)
    }
}

/// One state of a trace and the step that led to it (none for the first).
pub struct TraceStep<M: Model> {
    pub label: Option<M::Label>,
    pub state: M::State,
}

// Written out rather than derived: a derive would demand the same of the
// model type itself, not just of its states and labels.
impl<M: Model> PartialEq for TraceStep<M> {
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label && self.state == other.state
    }
}

impl<M: Model> std::fmt::Debug for TraceStep<M>
where
    M::State: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceStep")
            .field("label", &self.label)
            .field("state", &self.state)
            .finish()
    }
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

/// One successor, with what the explorer needs to know about it, computed
/// (possibly on a worker thread) before it is merged into the store.
struct Succ<M: Model> {
    label: M::Label,
    state: M::State,
    fp: u64,
    inside: Result<bool, M::Error>,
    /// The invariant check, made for the successors the merge may need it
    /// for: those outside the constraints, and the first occurrence in the
    /// batch of each state not stored before it.
    violated: Option<Result<Option<usize>, M::Error>>,
}

/// A state's expansion: its successors, and for a state without any, whether
/// it may stop. Successors already stored before this batch are only
/// counted: they are dropped where they were made, on the worker.
struct Expansion<M: Model> {
    succ: Result<Vec<Succ<M>>, M::Error>,
    already_stored: u64,
    may_stop: Option<Result<bool, M::Error>>,
}

fn expand<M: Model>(model: &M, store: &Store, s: &M::State, check_deadlock: bool) -> Expansion<M> {
    let mut out = Vec::new();
    if let Err(e) = model.successors(s, &mut out) {
        return Expansion {
            succ: Err(e),
            already_stored: 0,
            may_stop: None,
        };
    }
    let may_stop = (out.is_empty() && check_deadlock).then(|| model.may_stop(s));
    let mut already_stored = 0;
    let mut succ = Vec::with_capacity(out.len());
    for (label, state) in out {
        let fp = fingerprint(&state);
        let inside = model.within_constraints(&state);
        if matches!(inside, Ok(true)) && store.contains(fp) {
            // The merge would skip it: a state seen before, checked then.
            already_stored += 1;
            continue;
        }
        succ.push(Succ {
            label,
            state,
            fp,
            inside,
            violated: None,
        });
    }
    Expansion {
        succ: Ok(succ),
        already_stored,
        may_stop,
    }
}

/// A stored state waiting to be expanded: its index, the state, its level
/// (0 for an initial state).
type Pending<S> = (u32, S, u32);

/// Explores the model's reachable states.
///
/// Visited states are kept as fingerprints (see `store.rs`); full states only
/// in the frontier: the current and the next BFS level, or the DFS stack.
///
/// Breadth-first search runs level by level in batches: the states of a
/// batch are expanded in parallel (successors and constraints), a serial pass
/// picks the first occurrence in the batch of every state not stored yet,
/// their invariants are checked in parallel, and the batch is merged into the
/// store one successor at a time, in the order a single thread would have
/// produced them. So the counts, the verdict and the trace are the same for
/// any number of workers, including where a run stops early.
pub fn check<M>(model: &M, cfg: &Config) -> Outcome<M>
where
    M: Model + Sync,
    M::State: Send + Sync,
    M::Label: Send,
    M::Error: Send,
{
    check_observed(model, cfg, &|_| Control::Continue)
}

/// [`check`], calling `observe` about every 200 ms with the progress so far;
/// the observer may stop the run (it then ends as incomplete, with the
/// statistics so far). The CLI uses it for progress lines, Ctrl-C and the
/// memory limit; the explorer itself does no I/O.
pub fn check_observed<M>(
    model: &M,
    cfg: &Config,
    observe: &(dyn Fn(&Progress) -> Control + Sync),
) -> Outcome<M>
where
    M: Model + Sync,
    M::State: Send + Sync,
    M::Label: Send,
    M::Error: Send,
{
    let start = Instant::now();
    let mut store = Store::default();
    let mut stats = Stats::default();
    let mut depth: u32 = 0;
    let finish = |store: &Store, mut stats: Stats, depth: u32, verdict, trace| {
        stats.distinct = store.len() as u64;
        stats.depth = depth as u64;
        stats.elapsed = start.elapsed();
        stats.bytes_per_state = store.bytes_per_state();
        Outcome {
            verdict,
            stats,
            trace,
        }
    };
    // A trace to stored state `i`, optionally followed by one more step.
    let trace_to =
        |store: &Store, i: u32, extra: Option<(M::Label, M::State)>| -> Vec<TraceStep<M>> {
            let mut t = rebuild(model, store, i);
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
        Err(e) => return finish(&store, stats, depth, Verdict::Error(e), Vec::new()),
    };
    // BFS expands `frontier` (one level, in order) while filling `next`;
    // DFS keeps its stack in `frontier` and pops from the end.
    let mut frontier: Vec<Pending<M::State>> = Vec::new();
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
            Err(e) => return finish(&store, stats, depth, Verdict::Error(e), lone(&s)),
        };
        let violated = match model.violated_invariant(&s) {
            Ok(v) => v,
            Err(e) => return finish(&store, stats, depth, Verdict::Error(e), lone(&s)),
        };
        if inside {
            let (i, new) = store.insert(fingerprint(&s), NO_PARENT);
            depth = 1;
            if new && violated.is_none() {
                frontier.push((i, s.clone(), 0));
            }
        }
        if let Some(k) = violated {
            return finish(&store, stats, depth, Verdict::Invariant(k), lone(&s));
        }
    }
    // Both orders take from the end of `frontier`.
    frontier.reverse();

    let pool = if cfg.workers > 1 && !cfg.dfs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.workers)
            .build()
            .ok()
    } else {
        None
    };
    // A batch large enough to keep the workers busy; one state at a time
    // on a single thread (batching buys nothing there).
    let batch = if pool.is_some() { 512 } else { 1 };

    let parallel = pool.is_some();
    // With a pool, the whole search runs on it: the thread that merges is
    // one of the workers, so the others (idle, spinning, during a merge) do
    // not take a core away from it.
    let search = move || {
        let mut next: Vec<Pending<M::State>> = Vec::new();
        let mut hit_depth_limit = false;
        let mut last_observed = Instant::now();
        loop {
            if !cfg.dfs && frontier.is_empty() {
                if next.is_empty() {
                    break;
                }
                std::mem::swap(&mut frontier, &mut next);
                frontier.reverse();
            }
            if frontier.is_empty() {
                break;
            }
            // The next batch of states to expand, in order.
            let take = batch.min(frontier.len());
            let todo: Vec<Pending<M::State>> =
                frontier.drain(frontier.len() - take..).rev().collect();
            if let Some(limit) = cfg.time_limit
                && start.elapsed() > limit
            {
                return finish(
                    &store,
                    stats,
                    depth,
                    Verdict::Incomplete(Limit::Time),
                    Vec::new(),
                );
            }
            if last_observed.elapsed() >= OBSERVE_EVERY {
                last_observed = Instant::now();
                let p = Progress {
                    distinct: store.len() as u64,
                    generated: stats.generated,
                    depth: depth as u64,
                    queue: (frontier.len() + next.len() + todo.len()) as u64,
                    elapsed: start.elapsed(),
                };
                if let Control::Stop(l) = observe(&p) {
                    return finish(&store, stats, depth, Verdict::Incomplete(l), Vec::new());
                }
            }
            let (todo, beyond): (Vec<_>, Vec<_>) = todo
                .into_iter()
                .partition(|(_, _, level)| cfg.max_depth.is_none_or(|d| (*level as u64) + 1 < d));
            if !beyond.is_empty() {
                hit_depth_limit = true;
            }
            let mut expansions: Vec<Expansion<M>> = if parallel {
                use rayon::prelude::*;
                let store_ref = &store;
                todo.par_iter()
                    .map(|(_, s, _)| expand(model, store_ref, s, cfg.check_deadlock))
                    .collect()
            } else {
                todo.iter()
                    .map(|(_, s, _)| expand(model, &store, s, cfg.check_deadlock))
                    .collect()
            };
            // Which successors need their invariants checked: a state new to the
            // store is checked once, at its first occurrence in the batch (many
            // successors in a batch are the same state).
            let mut first_in_batch = hashbrown::HashSet::new();
            let needs_check: Vec<Vec<bool>> = expansions
                .iter()
                .map(|exp| match &exp.succ {
                    Ok(v) => v
                        .iter()
                        .map(|sc| match sc.inside {
                            Ok(true) => first_in_batch.insert(sc.fp),
                            Ok(false) => true,
                            Err(_) => false,
                        })
                        .collect(),
                    Err(_) => Vec::new(),
                })
                .collect();
            let check_some = |exp: &mut Expansion<M>, flags: &Vec<bool>| {
                if let Ok(v) = &mut exp.succ {
                    for (sc, &f) in v.iter_mut().zip(flags) {
                        if f {
                            sc.violated = Some(model.violated_invariant(&sc.state));
                        }
                    }
                }
            };
            if parallel {
                use rayon::prelude::*;
                expansions
                    .par_iter_mut()
                    .zip(needs_check.par_iter())
                    .for_each(|(e, f)| check_some(e, f));
            } else {
                expansions
                    .iter_mut()
                    .zip(&needs_check)
                    .for_each(|(e, f)| check_some(e, f));
            }
            // Merge, in order, exactly as one thread would.
            for ((cur, _, level), exp) in todo.into_iter().zip(expansions) {
                let succ = match exp.succ {
                    Ok(v) => v,
                    Err(e) => {
                        let t = trace_to(&store, cur, None);
                        return finish(&store, stats, depth, Verdict::Error(e), t);
                    }
                };
                stats.generated += succ.len() as u64 + exp.already_stored;
                match exp.may_stop {
                    None | Some(Ok(true)) => {}
                    Some(Ok(false)) => {
                        let t = trace_to(&store, cur, None);
                        return finish(&store, stats, depth, Verdict::Deadlock, t);
                    }
                    Some(Err(e)) => {
                        let t = trace_to(&store, cur, None);
                        return finish(&store, stats, depth, Verdict::Error(e), t);
                    }
                }
                let mut pushed = Vec::new();
                for sc in succ {
                    let inside = match sc.inside {
                        Ok(b) => b,
                        Err(e) => {
                            let tr = trace_to(&store, cur, Some((sc.label, sc.state)));
                            return finish(&store, stats, depth, Verdict::Error(e), tr);
                        }
                    };
                    // A state outside the constraints is checked, never stored.
                    let new = if inside {
                        let (i, new) = store.insert(sc.fp, cur);
                        new.then_some(i)
                    } else {
                        None
                    };
                    if inside && new.is_none() {
                        continue;
                    }
                    if new.is_some() {
                        depth = depth.max(level + 2);
                    }
                    // Outside the constraints, or the first occurrence in the
                    // batch of a state new to the store: its invariants were
                    // checked.
                    let verdict = match sc.violated.expect("invariants checked") {
                        Ok(None) => None,
                        Ok(Some(k)) => Some(Verdict::Invariant(k)),
                        Err(e) => Some(Verdict::Error(e)),
                    };
                    if let Some(v) = verdict {
                        let tr = trace_to(&store, cur, Some((sc.label, sc.state)));
                        return finish(&store, stats, depth, v, tr);
                    }
                    let Some(i) = new else {
                        continue;
                    };
                    pushed.push((i, sc.state, level + 1));
                    if let Some(m) = cfg.max_states
                        && store.len() as u64 >= m
                    {
                        return finish(
                            &store,
                            stats,
                            depth,
                            Verdict::Incomplete(Limit::States),
                            Vec::new(),
                        );
                    }
                }
                if cfg.dfs {
                    // The first successor is expanded first, as a stack would.
                    frontier.extend(pushed.into_iter().rev());
                } else {
                    next.extend(pushed);
                }
            }
        }
        let verdict = if hit_depth_limit {
            Verdict::Incomplete(Limit::Depth)
        } else {
            Verdict::Ok
        };
        finish(&store, stats, depth, verdict, Vec::new())
    };
    match pool {
        Some(pool) => pool.install(search),
        None => search(),
    }
}

/// Rebuilds the run to stored state `i` by replaying the model along the
/// parent links: at each step, the first successor (in the model's order)
/// whose fingerprint is the stored one. `validate` re-checks the result.
fn rebuild<M: Model>(model: &M, store: &Store, i: u32) -> Vec<TraceStep<M>> {
    let path = store.path_to(i);
    let mut out: Vec<TraceStep<M>> = Vec::with_capacity(path.len());
    let Ok(inits) = model.initial_states() else {
        return out;
    };
    let Some(first) = inits
        .into_iter()
        .find(|s| fingerprint(s) == store.fp(path[0]))
    else {
        return out;
    };
    out.push(TraceStep {
        label: None,
        state: first,
    });
    let mut succ = Vec::new();
    for &next in &path[1..] {
        succ.clear();
        let prev = &out[out.len() - 1].state;
        if model.successors(prev, &mut succ).is_err() {
            return out;
        }
        let want = store.fp(next);
        let Some(pos) = succ.iter().position(|(_, s)| fingerprint(s) == want) else {
            return out;
        };
        let (label, state) = succ.swap_remove(pos);
        out.push(TraceStep {
            label: Some(label),
            state,
        });
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
