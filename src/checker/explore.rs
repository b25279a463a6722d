//! Breadth-first and depth-first exploration, traces and their replay.

use std::time::{Duration, Instant};

use super::Model;
use super::liveness::{self, Fair, Graph, Lasso, Property, UNFAIR};
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
    /// Check the model's temporal properties (records the state graph while
    /// exploring; see `liveness.rs`). Needs a model that does not reduce
    /// by symmetry (a loop of classes is not a loop of states): with one
    /// that does, properties are not checked.
    pub liveness: bool,
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
    /// Temporal property number `0` is violated by the trace, a lasso: see
    /// `Outcome::loop_start`.
    Property(usize),
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
    /// For a violated property: where the loop starts (the trace's last
    /// state is that state again; if the loop starts at the last state, the
    /// run stops there, stuttering forever). `None` for a finite trace.
    pub loop_start: Option<usize>,
}

/// One successor, with what the explorer needs to know about it, computed
/// (possibly on a worker thread) before it is merged into the store.
struct Succ<M: Model> {
    /// Its position among the successors the model produced.
    position: u32,
    label: M::Label,
    state: M::State,
    fp: u64,
    inside: Result<bool, M::Error>,
    /// Added to the store as a new state (by `Store::add_all`).
    new: bool,
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
    /// With liveness: the successors already stored (fingerprint, step),
    /// which are edges of the state graph.
    known: Vec<(u64, M::Label)>,
    may_stop: Option<Result<bool, M::Error>>,
}

fn expand<M: Model>(
    model: &M,
    store: &Store,
    s: &M::State,
    check_deadlock: bool,
    edges: bool,
) -> Expansion<M> {
    let (mut words, mut runs) = (Vec::new(), Vec::new());
    if let Err(e) = model.packed_successors(s, model.reduces(), &mut words, &mut runs) {
        return Expansion {
            succ: Err(e),
            already_stored: 0,
            known: Vec::new(),
            may_stop: None,
        };
    }
    let width = model.state_words();
    let may_stop = (words.is_empty() && check_deadlock).then(|| model.may_stop(s));
    let constrained = model.has_constraints();
    let mut already_stored = 0;
    let mut known = Vec::new();
    let mut succ = Vec::new();
    let mut chunks = words.chunks_exact(width).enumerate();
    for (label, n) in runs {
        for (position, words) in chunks.by_ref().take(n as usize) {
            let fp = fingerprint(words);
            // A state is made only of a successor that is not stored yet
            // (or when the constraints must see it).
            let state = constrained.then(|| model.unpack(words));
            let inside = match &state {
                Some(t) => model.within_constraints(t),
                None => Ok(true),
            };
            if matches!(inside, Ok(true)) && store.contains(fp) {
                // The merge would skip it: a state seen before, checked then.
                already_stored += 1;
                if edges {
                    known.push((fp, label.clone()));
                }
                continue;
            }
            succ.push(Succ {
                position: position as u32,
                label: label.clone(),
                state: state.unwrap_or_else(|| model.unpack(words)),
                fp,
                inside,
                new: false,
                violated: None,
            });
        }
    }
    Expansion {
        succ: Ok(succ),
        already_stored,
        known,
        may_stop,
    }
}

/// A state's fingerprint: that of its packed words, which is what the
/// explorer fingerprints when it takes successors packed.
fn state_fp<M: Model>(model: &M, s: &M::State) -> u64 {
    let mut words = Vec::with_capacity(model.state_words());
    model.pack(s, &mut words);
    fingerprint(&words[..])
}

/// The states waiting to be expanded, packed into one flat queue of words
/// (see [`Model::pack`]): no allocation per state, and no index or level
/// stored with a state breadth-first. There, states are stored (given their
/// indices) in the order they are queued, so the queue holds consecutive
/// indices from `head` on; the current level's states come first, then
/// the next level's. Depth-first, the queue is a stack, and each state's
/// index and level are kept in `meta`.
struct Frontier {
    width: usize,
    dfs: bool,
    words: std::collections::VecDeque<u64>,
    /// Breadth-first: the index of the first queued state, the level being
    /// expanded (none before the first) and how many of its states are
    /// still queued.
    head: u32,
    level: Option<u32>,
    level_left: usize,
    meta: Vec<(u32, u32)>,
    buf: Vec<u64>,
}

/// States taken from the frontier to be expanded, in order: each one's
/// index and level, and their words (unpacked by whoever expands them).
struct Batch {
    meta: Vec<(u32, u32)>,
    words: Vec<u64>,
}

impl Frontier {
    fn new(width: usize, dfs: bool) -> Frontier {
        Frontier {
            width,
            dfs,
            words: Default::default(),
            head: 0,
            level: None,
            level_left: 0,
            meta: Vec::new(),
            buf: Vec::with_capacity(width),
        }
    }

    fn len(&self) -> usize {
        self.words.len() / self.width
    }

    /// Queues stored state `index` at `level` (depth-first: to be expanded
    /// next; breadth-first: after every state queued before it).
    fn push<M: Model>(&mut self, model: &M, index: u32, s: &M::State, level: u32) {
        self.buf.clear();
        model.pack(s, &mut self.buf);
        assert_eq!(
            self.buf.len(),
            self.width,
            "the model packed a state to the wrong width"
        );
        if self.dfs {
            self.meta.push((index, level));
        } else {
            debug_assert_eq!(index as usize, self.head as usize + self.len());
            debug_assert_eq!(level, self.level.map_or(0, |l| l + 1));
        }
        self.words.extend(&self.buf);
    }

    /// Up to `n` states to expand next, in order, all of the same level.
    fn take(&mut self, n: usize) -> Batch {
        let w = self.width;
        if self.dfs {
            let k = n.min(self.meta.len());
            let at = self.words.len() - k * w;
            // The top of the stack first.
            let mut batch = Batch {
                meta: self.meta.drain(self.meta.len() - k..).rev().collect(),
                words: Vec::with_capacity(k * w),
            };
            let top: Vec<u64> = self.words.drain(at..).collect();
            for c in top.chunks_exact(w).rev() {
                batch.words.extend_from_slice(c);
            }
            return batch;
        }
        if self.level_left == 0 {
            // The current level is done: what is queued is the next one.
            self.level_left = self.len();
            if self.level_left > 0 {
                self.level = Some(self.level.map_or(0, |l| l + 1));
            }
        }
        let k = n.min(self.level_left);
        let level = self.level.unwrap_or(0);
        let batch = Batch {
            meta: (0..k as u32).map(|j| (self.head + j, level)).collect(),
            words: self.words.drain(..k * w).collect(),
        };
        self.head += k as u32;
        self.level_left -= k;
        batch
    }
}

/// Records the state graph while exploring, for the liveness checker.
struct Recorder<M: Model> {
    graph: Graph,
    /// Fair action instances, numbered.
    instances: hashbrown::HashMap<M::Label, u32>,
}

impl<M: Model> Recorder<M> {
    fn new(n_preds: usize) -> Self {
        Recorder {
            graph: Graph {
                index: Default::default(),
                fps: Vec::new(),
                edges: Vec::new(),
                preds: Vec::new(),
                n_preds,
                fair: Vec::new(),
                initial: Vec::new(),
            },
            instances: Default::default(),
        }
    }

    /// A state just stored (it gets the next index, as in the store).
    fn state(&mut self, model: &M, fp: u64, s: &M::State) -> Result<(), M::Error> {
        let g = &mut self.graph;
        g.index.insert(fp, g.fps.len() as u32);
        g.fps.push(fp);
        let before = g.preds.len();
        model.predicates(s, &mut g.preds)?;
        debug_assert_eq!(g.preds.len() - before, g.n_preds);
        Ok(())
    }

    /// A step. One that changes nothing is a stutter, which a run may
    /// always take: it is not an edge, and neither makes its action
    /// possible nor counts as taking it (TLA+'s `WF_vars(A)` is about
    /// `<<A>>_vars` steps, which change something).
    fn edge(&mut self, model: &M, from: u32, to_fp: u64, label: &M::Label) {
        let to = self.graph.index[&to_fp];
        if to == from {
            return;
        }
        let inst = match model.fairness(label) {
            Fair::None => UNFAIR,
            f => {
                let fair = &mut self.graph.fair;
                *self.instances.entry(label.clone()).or_insert_with(|| {
                    fair.push(f);
                    fair.len() as u32 - 1
                })
            }
        };
        self.graph.edges.push((from, to, inst));
    }

    /// The run a lasso stands for, replayed through the model: at each step
    /// the first successor with the next state's fingerprint (and, on the
    /// loop, of the edge's action instance).
    fn trace(&self, model: &M, lasso: &Lasso) -> Vec<TraceStep<M>> {
        let g = &self.graph;
        let mut out: Vec<TraceStep<M>> = Vec::new();
        let Ok(inits) = model.initial_states() else {
            return out;
        };
        let Some(first) = inits
            .into_iter()
            .find(|s| state_fp(model, s) == g.fps[lasso.prefix[0] as usize])
        else {
            return out;
        };
        out.push(TraceStep {
            label: None,
            state: first,
        });
        let steps = lasso.prefix[1..]
            .iter()
            .map(|&t| (t, UNFAIR))
            .chain(lasso.cycle.iter().map(|&e| {
                let (_, t, i) = g.edges[e as usize];
                (t, i)
            }));
        let mut succ = Vec::new();
        for (to, inst) in steps {
            let want = g.fps[to as usize];
            let found = follow(model, &mut out, &mut succ, |_, l, s| {
                state_fp(model, s) == want
                    && (inst == UNFAIR || self.instances.get(l) == Some(&inst))
            });
            if !found {
                return out;
            }
        }
        out
    }
}

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
    let finish =
        |store: &Store, mut stats: Stats, depth: u32, verdict, trace: Vec<TraceStep<M>>| {
            // Reduced by symmetry, the error was met on a renamed state; the
            // trace is the real run, so say what fails there, in its names.
            let verdict = match verdict {
                Verdict::Error(e) if model.reduces() => Verdict::Error(
                    trace
                        .last()
                        .and_then(|t| error_at(model, &t.state))
                        .unwrap_or(e),
                ),
                v => v,
            };
            stats.distinct = store.len() as u64;
            stats.depth = depth as u64;
            stats.elapsed = start.elapsed();
            stats.bytes_per_state = store.bytes_per_state();
            Outcome {
                verdict,
                stats,
                trace,
                loop_start: None,
            }
        };
    // A trace to stored state `i`, optionally followed by one more step.
    let trace_to = |store: &Store, i: u32, extra: Option<(M::Label, M::State)>| {
        rebuild(model, store, i, extra)
    };

    let inits = match model.initial_states() {
        Ok(v) => v,
        Err(e) => return finish(&store, stats, depth, Verdict::Error(e), Vec::new()),
    };
    let width = model.state_words();
    let mut frontier = Frontier::new(width, cfg.dfs);
    // With temporal properties: the state graph, recorded as states are
    // stored and expanded.
    let props = if cfg.liveness && !model.reduces() {
        model.properties()
    } else {
        Vec::new()
    };
    let mut graph = (!props.is_empty()).then(|| Recorder::<M>::new(Property::predicates(&props)));
    for (position, s) in inits.into_iter().enumerate() {
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
            let c = if model.reduces() {
                model.canonical(&s)
            } else {
                s.clone()
            };
            let fp = state_fp(model, &c);
            let new = store.insert(fp, NO_PARENT, position as u32);
            if let (Some(g), Some(i)) = (&mut graph, new) {
                if let Err(e) = g.state(model, fp, &c) {
                    return finish(&store, stats, depth, Verdict::Error(e), lone(&s));
                }
                g.graph.initial.push(i);
            }
            depth = 1;
            if let Some(i) = new
                && violated.is_none()
            {
                frontier.push(model, i, &c, 0);
            }
        }
        if let Some(k) = violated {
            return finish(&store, stats, depth, Verdict::Invariant(k), lone(&s));
        }
    }
    if cfg.dfs {
        // The first initial state is expanded first.
        let mut queued = Frontier::new(model.state_words(), true);
        std::mem::swap(&mut queued, &mut frontier);
        let all = queued.take(usize::MAX);
        // `take` gave the top of the stack (the last initial state) first.
        for (&(i, level), c) in all.meta.iter().zip(all.words.chunks_exact(width)) {
            frontier.push(model, i, &model.unpack(c), level);
        }
    }

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
    let batch = if pool.is_some() { 1024 } else { 1 };

    let parallel = pool.is_some();
    // With a pool, the whole search runs on it: the thread that merges is
    // one of the workers, so the others (idle, spinning, during a merge) do
    // not take a core away from it.
    let search = move || {
        let mut hit_depth_limit = false;
        let mut last_observed = Instant::now();
        loop {
            // The next batch of states to expand, in order.
            let todo = frontier.take(batch);
            if todo.meta.is_empty() {
                break;
            }
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
                    queue: (frontier.len() + todo.meta.len()) as u64,
                    elapsed: start.elapsed(),
                };
                if let Control::Stop(l) = observe(&p) {
                    return finish(&store, stats, depth, Verdict::Incomplete(l), Vec::new());
                }
            }
            // States at the depth limit are not expanded.
            let beyond = |level: u32| cfg.max_depth.is_some_and(|d| level as u64 + 1 >= d);
            if todo.meta.iter().any(|&(_, level)| beyond(level)) {
                hit_depth_limit = true;
            }
            let todo: Vec<(u32, u32, &[u64])> = todo
                .meta
                .iter()
                .zip(todo.words.chunks_exact(width))
                .filter(|((_, level), _)| !beyond(*level))
                .map(|(&(i, level), words)| (i, level, words))
                .collect();
            let recording = graph.is_some();
            let expand_one = |words: &[u64]| {
                let s = model.unpack(words);
                expand(model, &store, &s, cfg.check_deadlock, recording)
            };
            let mut expansions: Vec<Expansion<M>> = if parallel {
                use rayon::prelude::*;
                todo.par_iter().map(|t| expand_one(t.2)).collect()
            } else {
                todo.iter().map(|t| expand_one(t.2)).collect()
            };
            // Breadth-first on several workers (without a state graph), the
            // store takes the batch's fingerprints now, shard by shard in
            // parallel, each shard in batch order: a successor is new exactly
            // where one thread, merging in order, would find it new. The merge
            // below then only numbers the new states, in order. (A run that
            // stops in this batch removes the fingerprints added after the
            // stop again: see `stop!`.)
            let sharded = parallel && graph.is_none();
            // The fingerprints added, in batch order; the first `logged` of
            // them are numbered.
            let mut added: Vec<u64> = Vec::new();
            let mut logged = 0;
            if sharded {
                let mut candidates: Vec<(u64, (u32, u32))> = Vec::new();
                for (e, exp) in expansions.iter().enumerate() {
                    for (k, sc) in exp.succ.iter().flatten().enumerate() {
                        if matches!(sc.inside, Ok(true)) {
                            candidates.push((sc.fp, (e as u32, k as u32)));
                        }
                    }
                }
                let mut new: Vec<(u32, u32)> = store.add_all(cfg.workers, &candidates).concat();
                new.sort_unstable();
                for &(e, k) in &new {
                    if let Ok(v) = &mut expansions[e as usize].succ {
                        v[k as usize].new = true;
                        added.push(v[k as usize].fp);
                    }
                }
            }
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
                            Ok(true) if sharded => sc.new,
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
            // A stop in this batch: whatever the store took of the batch
            // beyond the stop goes, so the table is the one a single
            // thread leaves (its size is reported).
            macro_rules! stop {
                ($verdict:expr, $trace:expr) => {{
                    let (verdict, trace) = ($verdict, $trace);
                    store.forget(&added[logged..]);
                    return finish(&store, stats, depth, verdict, trace);
                }};
            }
            // Merge, in order, exactly as one thread would.
            for (&(cur, level, _), exp) in todo.iter().zip(expansions) {
                let succ = match exp.succ {
                    Ok(v) => v,
                    Err(e) => {
                        let t = trace_to(&store, cur, None);
                        stop!(Verdict::Error(e), t);
                    }
                };
                stats.generated += succ.len() as u64 + exp.already_stored;
                match exp.may_stop {
                    None | Some(Ok(true)) => {}
                    Some(Ok(false)) => {
                        let t = trace_to(&store, cur, None);
                        stop!(Verdict::Deadlock, t);
                    }
                    Some(Err(e)) => {
                        let t = trace_to(&store, cur, None);
                        stop!(Verdict::Error(e), t);
                    }
                }
                let mut pushed = Vec::new();
                if let Some(g) = &mut graph {
                    for (fp, label) in &exp.known {
                        g.edge(model, cur, *fp, label);
                    }
                }
                for sc in succ {
                    let inside = match sc.inside {
                        Ok(b) => b,
                        Err(e) => {
                            let tr = trace_to(&store, cur, Some((sc.label, sc.state)));
                            stop!(Verdict::Error(e), tr);
                        }
                    };
                    // A state outside the constraints is checked, never stored.
                    let new = match (inside, sharded) {
                        (false, _) => None,
                        (true, true) => sc.new.then(|| {
                            logged += 1;
                            store.log(cur, sc.position)
                        }),
                        (true, false) => store.insert(sc.fp, cur, sc.position),
                    };
                    if let (Some(g), true) = (&mut graph, inside) {
                        if new.is_some()
                            && let Err(e) = g.state(model, sc.fp, &sc.state)
                        {
                            let tr = trace_to(&store, cur, Some((sc.label, sc.state)));
                            stop!(Verdict::Error(e), tr);
                        }
                        g.edge(model, cur, sc.fp, &sc.label);
                    }
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
                        stop!(v, tr);
                    }
                    let Some(i) = new else {
                        continue;
                    };
                    if cfg.dfs {
                        pushed.push((i, sc.state));
                    } else {
                        frontier.push(model, i, &sc.state, level + 1);
                    }
                    if let Some(m) = cfg.max_states
                        && store.len() as u64 >= m
                    {
                        stop!(Verdict::Incomplete(Limit::States), Vec::new());
                    }
                }
                // Depth-first, the first successor is expanded first.
                for (i, s) in pushed.into_iter().rev() {
                    frontier.push(model, i, &s, level + 1);
                }
            }
        }
        if hit_depth_limit {
            return finish(
                &store,
                stats,
                depth,
                Verdict::Incomplete(Limit::Depth),
                Vec::new(),
            );
        }
        if let Some(g) = &graph
            && let Some((k, lasso)) = liveness::find(&g.graph, &props)
        {
            let trace = g.trace(model, &lasso);
            let mut o = finish(&store, stats, depth, Verdict::Property(k), trace);
            o.loop_start = (!lasso.finite).then(|| lasso.prefix.len() - 1);
            return o;
        }
        finish(&store, stats, depth, Verdict::Ok, Vec::new())
    };
    match pool {
        Some(pool) => pool.install(search),
        None => search(),
    }
}

/// Rebuilds the run to stored state `i`, and on to `extra` (a successor
/// of it) if given, by replaying the model along the logged way: the
/// initial state, then at each step the successor at the logged position
/// (in the model's order). `validate` re-checks the result.
///
/// With symmetry, stored states are canonical and a logged position is a
/// position among the successors of a canonical state, while the trace
/// must be a real run. So at each step the canonical target is computed
/// (the logged successor of the current state's canonical form, made
/// canonical), and the real run takes the first successor of the current
/// real state with that canonical form: there is one, since renaming a
/// state renames its successors.
fn rebuild<M: Model>(
    model: &M,
    store: &Store,
    i: u32,
    extra: Option<(M::Label, M::State)>,
) -> Vec<TraceStep<M>> {
    let path = store.path_to(i);
    let mut out: Vec<TraceStep<M>> = Vec::with_capacity(path.len() + 1);
    let Ok(mut inits) = model.initial_states() else {
        return out;
    };
    if path[0] as usize >= inits.len() {
        return out;
    }
    out.push(TraceStep {
        label: None,
        state: inits.swap_remove(path[0] as usize),
    });
    let reduces = model.reduces();
    let mut succ = Vec::new();
    // Steps to take: a logged position, or the last step to a state given
    // in full (canonical when reducing).
    let steps = path[1..].iter().map(|&p| Err(p)).chain(extra.map(Ok));
    for step in steps {
        let target = match step {
            Ok((label, state)) if !reduces => {
                out.push(TraceStep {
                    label: Some(label),
                    state,
                });
                continue;
            }
            Ok((_, state)) => state,
            Err(position) if !reduces => {
                if !follow(model, &mut out, &mut succ, |k, _, _| k == position as usize) {
                    return out;
                }
                continue;
            }
            Err(position) => {
                // The logged successor of the canonical state, made canonical.
                succ.clear();
                let from = model.canonical(&out[out.len() - 1].state);
                if model.successors(&from, &mut succ).is_err() || position as usize >= succ.len() {
                    return out;
                }
                model.canonical(&succ.swap_remove(position as usize).1)
            }
        };
        if !follow(model, &mut out, &mut succ, |_, _, s| {
            model.canonical(s) == target
        }) {
            return out;
        }
    }
    out
}

/// Appends to `out` the first successor of its last state (in the model's
/// order) that `pick` accepts, given its position, step and state; false if
/// there is none or the model fails. `succ` is scratch space.
fn follow<M: Model>(
    model: &M,
    out: &mut Vec<TraceStep<M>>,
    succ: &mut Vec<(M::Label, M::State)>,
    pick: impl Fn(usize, &M::Label, &M::State) -> bool,
) -> bool {
    succ.clear();
    let Some(last) = out.last() else {
        return false;
    };
    if model.successors(&last.state, succ).is_err() {
        return false;
    }
    let Some(k) = succ
        .iter()
        .enumerate()
        .position(|(k, (l, s))| pick(k, l, s))
    else {
        return false;
    };
    let (label, state) = succ.swap_remove(k);
    out.push(TraceStep {
        label: Some(label),
        state,
    });
    true
}

/// Everything checked about an outcome before it is shown: the trace
/// replays ([`validate`]) and, for a violated property, the lasso holds up
/// ([`liveness::validate_lasso`]).
pub fn validate_outcome<M: Model>(
    model: &M,
    o: &Outcome<M>,
    check_deadlock: bool,
) -> Result<(), String> {
    validate(model, &o.trace, &o.verdict, check_deadlock)?;
    match o.verdict {
        Verdict::Property(k) => {
            liveness::validate_lasso(model, &o.trace, &model.properties()[k], o.loop_start)
        }
        _ => Ok(()),
    }
}

/// The first error met evaluating `s` the way the explorer does: its
/// constraints, invariants, successors, and whether it may stop.
fn error_at<M: Model>(model: &M, s: &M::State) -> Option<M::Error> {
    let mut succ = Vec::new();
    model
        .within_constraints(s)
        .err()
        .or_else(|| model.violated_invariant(s).err())
        .or_else(|| model.successors(s, &mut succ).err())
        .or_else(|| model.may_stop(s).err())
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
        // The lasso itself is checked by `liveness::validate_lasso`.
        Verdict::Property(_) => Ok(()),
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
            // The explorer evaluates a state's constraints and invariants
            // before expanding it; replay in the same order.
            if error_at(model, last).as_ref() == Some(e) {
                Ok(())
            } else {
                Err("replaying the trace does not reproduce the error".into())
            }
        }
        Verdict::Ok | Verdict::Incomplete(_) => Ok(()),
    }
}
