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
    /// States expanded per batch, breadth-first; 0: the default (1024 on
    /// several workers, 64 on one). Results do not depend on it: a batch
    /// is merged as if its states were expanded one at a time. (The tests
    /// compare batches of one state with small and large ones.)
    pub batch: usize,
    /// Bytes of successors a batch may hold before batches are made
    /// smaller; 0: the default, 16 MiB. (The tests set it tiny, so that
    /// the batch size changes all the time.)
    pub batch_bytes: usize,
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

/// Whether a successor is within the constraints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inside {
    Yes,
    No,
    /// Checking failed: the error is in the expansion's `errors`.
    Fails,
}

/// What is known of a successor's invariants.
#[derive(Clone, Copy)]
enum Checked {
    /// Not checked yet: a successor within the constraints is checked by
    /// the merge, if it is a new state.
    No,
    Hold,
    /// The first invariant it violates.
    Violates(usize),
    /// Checking failed: the error is in the expansion's `errors`.
    Fails,
}

/// One successor, with what the explorer needs to know about it, computed
/// (possibly on a worker thread) before it is merged into the store. Its
/// state is kept packed, in its expansion's `words`; errors, which stop a
/// run, are kept apart, so that this stays small. Its index among its
/// expansion's successors is its position among those the model produced.
struct Succ {
    /// Its label: the index of its run in the expansion's `runs`.
    run: u32,
    fp: u64,
    inside: Inside,
    /// Added to the store as a new state (by `Store::add_all`).
    new: bool,
    /// Checked when expanded for a successor outside the constraints
    /// (they are checked at every occurrence); a new state's invariants
    /// are checked by the merge.
    checked: Checked,
}

/// A state's expansion: its successors, and for a state without any, whether
/// it may stop. It is made without looking at the store, so that a batch
/// can be expanded while the store takes the one before it.
struct Expansion<M: Model> {
    succ: Result<Vec<Succ>, M::Error>,
    /// The successors' packed states, `state_words()` each, in the order of
    /// `succ`.
    words: Vec<u64>,
    /// The labels of all successors, as runs (see `Model::packed_successors`).
    runs: Vec<(M::Label, u32)>,
    /// The errors met checking successors: the successor's index in
    /// `succ`, and the error.
    errors: Vec<(u32, M::Error)>,
    may_stop: Option<Result<bool, M::Error>>,
}

impl<M: Model> Expansion<M> {
    /// Successor `k`'s packed state.
    fn state(&self, k: usize, width: usize) -> &[u64] {
        &self.words[k * width..(k + 1) * width]
    }

    fn label(&self, sc: &Succ) -> &M::Label {
        &self.runs[sc.run as usize].0
    }

    /// The error met checking successor `k`.
    fn take_error(&mut self, k: usize) -> M::Error {
        let at = self
            .errors
            .iter()
            .position(|&(i, _)| i as usize == k)
            .expect("an error recorded for the successor");
        self.errors.swap_remove(at).1
    }
}

/// The result of an invariant check, for `Succ::checked`; an error goes
/// to `errors`, for successor `k`.
fn checked<E>(r: Result<Option<usize>, E>, k: usize, errors: &mut Vec<(u32, E)>) -> Checked {
    match r {
        Ok(None) => Checked::Hold,
        Ok(Some(i)) => Checked::Violates(i),
        Err(e) => {
            errors.push((k as u32, e));
            Checked::Fails
        }
    }
}

fn expand<M: Model>(model: &M, s: &M::State, check_deadlock: bool) -> Expansion<M> {
    let (mut words, mut runs) = (Vec::new(), Vec::new());
    let mut exp = Expansion {
        succ: Ok(Vec::new()),
        words: Vec::new(),
        runs: Vec::new(),
        errors: Vec::new(),
        may_stop: None,
    };
    if let Err(e) = model.packed_successors(s, model.reduces(), &mut words, &mut runs) {
        exp.succ = Err(e);
        return exp;
    }
    let width = model.state_words();
    exp.may_stop = (words.is_empty() && check_deadlock).then(|| model.may_stop(s));
    let constrained = model.has_constraints();
    let mut succ = Vec::with_capacity(words.len() / width);
    for (run, &(_, n)) in runs.iter().enumerate() {
        for _ in 0..n {
            let k = succ.len();
            let st = &words[k * width..(k + 1) * width];
            let inside = match constrained.then(|| model.within_constraints_packed(st)) {
                None | Some(Ok(true)) => Inside::Yes,
                Some(Ok(false)) => Inside::No,
                Some(Err(e)) => {
                    exp.errors.push((k as u32, e));
                    Inside::Fails
                }
            };
            // A state outside the constraints is checked, never stored.
            let check = match inside {
                Inside::No => checked(model.violated_invariant_packed(st), k, &mut exp.errors),
                _ => Checked::No,
            };
            succ.push(Succ {
                run: run as u32,
                fp: fingerprint(st),
                inside,
                new: false,
                checked: check,
            });
        }
    }
    exp.succ = Ok(succ);
    exp.words = words;
    exp.runs = runs;
    exp
}

/// A state's fingerprint: that of its packed words, which is what the
/// explorer fingerprints when it takes successors packed.
fn state_fp<M: Model>(model: &M, s: &M::State) -> u64 {
    let mut words = Vec::with_capacity(model.state_words());
    model.pack(s, &mut words);
    fingerprint(&words[..])
}

/// Words in fixed chunks, taken from the front (a queue) or the back (a
/// stack). Chunks, unlike one ring buffer, are freed as the queue drains:
/// a ring buffer keeps the capacity of its longest moment (up to twice the
/// largest two levels of a search) until the run ends, when the store,
/// which needs that memory, is largest.
#[derive(Default)]
struct Chunked {
    chunks: std::collections::VecDeque<Vec<u64>>,
    /// Words of the first chunk already taken.
    front: usize,
    len: usize,
}

const FRONTIER_CHUNK: usize = 1 << 15;

impl Chunked {
    fn len(&self) -> usize {
        self.len
    }

    fn extend(&mut self, mut words: &[u64]) {
        self.len += words.len();
        while !words.is_empty() {
            let full = self.chunks.back().is_none_or(|c| c.len() == FRONTIER_CHUNK);
            if full {
                self.chunks.push_back(Vec::with_capacity(FRONTIER_CHUNK));
            }
            let last = self.chunks.back_mut().expect("a chunk");
            let n = words.len().min(FRONTIER_CHUNK - last.len());
            last.extend_from_slice(&words[..n]);
            words = &words[n..];
        }
    }

    /// Moves the first `n` words to `out`, in order.
    fn take_front(&mut self, mut n: usize, out: &mut Vec<u64>) {
        self.len -= n;
        while n > 0 {
            let first = self.chunks.front().expect("enough words");
            let k = n.min(first.len() - self.front);
            out.extend_from_slice(&first[self.front..self.front + k]);
            self.front += k;
            n -= k;
            if self.front == first.len() {
                self.chunks.pop_front();
                self.front = 0;
            }
        }
    }

    /// Moves the last `n` words to `out`, in order.
    fn take_back(&mut self, n: usize, out: &mut Vec<u64>) {
        let at = out.len();
        out.resize(at + n, 0);
        let mut end = at + n;
        self.len -= n;
        while end > at {
            let only = self.chunks.len() == 1;
            let last = self.chunks.back_mut().expect("enough words");
            // The words of the first chunk before `front` are gone.
            let start = if only { self.front } else { 0 };
            let k = (last.len() - start).min(end - at);
            out[end - k..end].copy_from_slice(&last[last.len() - k..]);
            last.truncate(last.len() - k);
            end -= k;
            if last.len() == start {
                self.chunks.pop_back();
                if only {
                    self.front = 0;
                }
            }
        }
    }
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
    words: Chunked,
    /// Breadth-first: the index of the first queued state, the level being
    /// expanded (none before the first) and how many of its states are
    /// still queued.
    head: u32,
    level: Option<u32>,
    level_left: usize,
    meta: Vec<(u32, u32)>,
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
            words: Chunked::default(),
            head: 0,
            level: None,
            level_left: 0,
            meta: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.words.len() / self.width
    }

    /// Breadth-first: how many states of the level being expanded are
    /// still queued (the next level's states are all queued only once
    /// these are expanded and merged).
    fn level_left(&self) -> usize {
        if self.dfs { 0 } else { self.level_left }
    }

    /// Queues stored state `index` at `level` (depth-first: to be expanded
    /// next; breadth-first: after every state queued before it).
    fn push<M: Model>(&mut self, model: &M, index: u32, s: &M::State, level: u32) {
        let mut words = Vec::with_capacity(self.width);
        model.pack(s, &mut words);
        assert_eq!(
            words.len(),
            self.width,
            "the model packed a state to the wrong width"
        );
        self.push_packed(index, &words, level);
    }

    /// `push` of a state given packed.
    fn push_packed(&mut self, index: u32, words: &[u64], level: u32) {
        if self.dfs {
            self.meta.push((index, level));
        } else {
            debug_assert_eq!(index as usize, self.head as usize + self.len());
            debug_assert_eq!(level, self.level.map_or(0, |l| l + 1));
        }
        self.words.extend(words);
    }

    /// Up to `n` states to expand next, in order, all of the same level.
    fn take(&mut self, n: usize) -> Batch {
        let w = self.width;
        if self.dfs {
            let k = n.min(self.meta.len());
            // The top of the stack first.
            let mut batch = Batch {
                meta: self.meta.drain(self.meta.len() - k..).rev().collect(),
                words: Vec::with_capacity(k * w),
            };
            let mut top = Vec::with_capacity(k * w);
            self.words.take_back(k * w, &mut top);
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
        let mut batch = Batch {
            meta: (0..k as u32).map(|j| (self.head + j, level)).collect(),
            words: Vec::with_capacity(k * w),
        };
        self.words.take_front(k * w, &mut batch.words);
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
/// batch are expanded in parallel (successors and constraints); the store
/// takes the batch's fingerprints, its shards in parallel, each in batch
/// order, so that exactly the first occurrence in the batch of every state
/// not stored yet is new; then one thread merges the batch in the order a
/// single thread would have produced it (checking the invariants of the
/// new states, numbering and queueing them, stopping at the first problem).
/// Meanwhile the other workers expand the next batch of the same level. So
/// the counts, the verdict and the trace are the same for any number of
/// workers, including where a run stops early.
pub fn check<M>(model: &M, cfg: &Config) -> Outcome<M>
where
    M: Model + Sync,
    M::State: Send + Sync,
    M::Label: Send + Sync,
    M::Error: Send + Sync,
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
    M::Label: Send + Sync,
    M::Error: Send + Sync,
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
            frontier.push_packed(i, c, level);
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
    // Breadth-first, a batch large enough to keep the workers busy; on one
    // thread, a few dozen states, which share the cost of a batch's steps.
    // Depth-first, the top of the stack, one state, is expanded next.
    let most = match (cfg.dfs, pool.is_some(), cfg.batch) {
        (true, ..) => 1,
        (false, _, n) if n > 0 => n,
        (false, true, _) => 1024,
        (false, false, _) => 64,
    };

    let parallel = pool.is_some();
    // With a pool, the whole search runs on it: the thread that merges is
    // one of the workers, so the others (idle, spinning, during a merge) do
    // not take a core away from it.
    let search = move || {
        let mut hit_depth_limit = false;
        let mut last_observed = Instant::now();
        // A batch's states (index, level) and their expansions. States at
        // the depth limit are not expanded (the flag says whether any was
        // left out).
        let expand_batch = |todo: Batch| {
            let beyond = |level: u32| cfg.max_depth.is_some_and(|d| level as u64 + 1 >= d);
            let mut cut = false;
            let mut states = Vec::with_capacity(todo.meta.len());
            let mut words = Vec::with_capacity(todo.meta.len());
            for (&(i, level), w) in todo.meta.iter().zip(todo.words.chunks_exact(width)) {
                if beyond(level) {
                    cut = true;
                } else {
                    states.push((i, level));
                    words.push(w);
                }
            }
            let expand_one = |w: &&[u64]| expand(model, &model.unpack(w), cfg.check_deadlock);
            let expansions: Vec<Expansion<M>> = if parallel {
                use rayon::prelude::*;
                words.par_iter().map(expand_one).collect()
            } else {
                words.iter().map(expand_one).collect()
            };
            (states, expansions, cut)
        };
        // A batch expanded while the one before it was merged.
        let mut ahead = None;
        // The batch size: at most `most`, and smaller while batches hold
        // more than `budget` bytes of successors (a model with many
        // successors per state, or large states), which are all kept until
        // merged.
        let mut batch = most;
        let budget = match cfg.batch_bytes {
            0 => BATCH_BYTES,
            n => n,
        };
        loop {
            // The next batch of states to expand, in order.
            let (todo, mut expansions, cut) = match ahead.take() {
                Some(b) => b,
                None => {
                    let next = frontier.take(batch);
                    if next.meta.is_empty() {
                        break;
                    }
                    expand_batch(next)
                }
            };
            hit_depth_limit |= cut;
            let bytes: usize = expansions
                .iter()
                .map(|e| {
                    let n = e.succ.as_ref().map_or(0, Vec::len);
                    e.words.len() * 8 + n * std::mem::size_of::<Succ>()
                })
                .sum();
            if bytes > budget {
                batch = (batch / 2).max(1);
            } else if bytes < budget / 4 {
                batch = (batch * 2).min(most);
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
                    queue: (frontier.len() + todo.len()) as u64,
                    elapsed: start.elapsed(),
                };
                if let Control::Stop(l) = observe(&p) {
                    return finish(&store, stats, depth, Verdict::Incomplete(l), Vec::new());
                }
            }
            // The store takes the batch's fingerprints, shard by shard (in
            // parallel on several workers), each shard in batch order: a
            // successor is new exactly where one thread, merging in order,
            // would find it new. The merge then checks and numbers the new
            // states, in order. Both overlap the expansion of the next batch
            // when that one is ready: of the same level, breadth-first (the
            // merge queues the next level). (A run that stops in this batch
            // removes the fingerprints added after the stop again.)
            let next = (parallel && frontier.level_left() > 0).then(|| frontier.take(batch));
            // The fingerprints added, with where they are in the batch
            // (expansion, successor).
            let mut added: Vec<(u64, (u32, u32))> = Vec::new();
            let mut m = Merge {
                frontier: &mut frontier,
                graph: &mut graph,
                stats: &mut stats,
                depth: &mut depth,
                numbered: Vec::new(),
                last: None,
            };
            let store_and_merge = || {
                let exps = &expansions;
                let candidates = || {
                    exps.iter().enumerate().flat_map(|(e, exp)| {
                        exp.succ
                            .iter()
                            .flatten()
                            .enumerate()
                            .filter_map(move |(k, sc)| {
                                (sc.inside == Inside::Yes).then_some((sc.fp, (e as u32, k as u32)))
                            })
                    })
                };
                let groups = if parallel { cfg.workers } else { 1 };
                for group in store.add_all(groups, candidates) {
                    for (e, k) in group {
                        if let Ok(v) = &mut expansions[e as usize].succ {
                            v[k as usize].new = true;
                            added.push((v[k as usize].fp, (e, k)));
                        }
                    }
                }
                let merged = merge(model, cfg, &store, &todo, &mut expansions, &mut m);
                drop(expansions);
                merged
            };
            let merged = match next {
                Some(next) => {
                    let (merged, b) = rayon::join(store_and_merge, || expand_batch(next));
                    ahead = Some(b);
                    merged
                }
                None => store_and_merge(),
            };
            let Merge { numbered, last, .. } = m;
            for (parent, position) in numbered {
                store.log(parent, position);
            }
            if let Err(stop) = merged {
                // Whatever the store took of the batch beyond the last state
                // numbered goes, so the table is the one a single thread
                // leaves (its size is reported).
                let beyond: Vec<u64> = added
                    .iter()
                    .filter(|(_, at)| Some(*at) > last)
                    .map(|&(fp, _)| fp)
                    .collect();
                store.forget(&beyond);
                let trace = match stop.from {
                    Some(cur) => trace_to(&store, cur, stop.step),
                    None => Vec::new(),
                };
                return finish(&store, stats, depth, stop.verdict, trace);
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

/// What the successors of a batch may take, by default, before batches
/// are made smaller (see `Config::batch_bytes`).
const BATCH_BYTES: usize = 16 << 20;

/// Why a run stops while merging a batch: the verdict, and where the
/// trace goes: to the stored state being expanded (none for a limit),
/// then on to the successor taken from it, if any.
struct Stop<M: Model> {
    verdict: Verdict<M::Error>,
    from: Option<u32>,
    step: Option<(M::Label, M::State)>,
}

/// What merging a batch changes. It reads the store but does not change
/// it, so that the next batch can be expanded meanwhile: the states it
/// numbers are logged afterwards.
struct Merge<'a, M: Model> {
    frontier: &'a mut Frontier,
    graph: &'a mut Option<Recorder<M>>,
    stats: &'a mut Stats,
    depth: &'a mut u32,
    /// The new states numbered, in order: parent and position.
    numbered: Vec<(u32, u32)>,
    /// Where the last of them is in the batch: expansion and successor.
    last: Option<(u32, u32)>,
}

/// Merges a batch whose new states the store has taken, in order, exactly
/// as one thread would: counts, numbers and queues the new states, records
/// the state graph, and stops at the first error, deadlock, violated
/// invariant or state limit.
fn merge<M: Model>(
    model: &M,
    cfg: &Config,
    store: &Store,
    todo: &[(u32, u32)],
    expansions: &mut [Expansion<M>],
    m: &mut Merge<'_, M>,
) -> Result<(), Stop<M>> {
    let width = model.state_words();
    let stop = |verdict, from, step| {
        Err(Stop {
            verdict,
            from,
            step,
        })
    };
    for (e, (&(cur, level), exp)) in todo.iter().zip(expansions).enumerate() {
        let succ = match std::mem::replace(&mut exp.succ, Ok(Vec::new())) {
            Ok(v) => v,
            Err(err) => return stop(Verdict::Error(err), Some(cur), None),
        };
        m.stats.generated += succ.len() as u64;
        match exp.may_stop.take() {
            None | Some(Ok(true)) => {}
            Some(Ok(false)) => return stop(Verdict::Deadlock, Some(cur), None),
            Some(Err(err)) => return stop(Verdict::Error(err), Some(cur), None),
        }
        let mut pushed = Vec::new();
        for (k, sc) in succ.iter().enumerate() {
            let st = exp.state(k, width);
            // Where the trace goes: on to this successor.
            let onto = |exp: &Expansion<M>| {
                Some((exp.label(sc).clone(), model.unpack(exp.state(k, width))))
            };
            let inside = match sc.inside {
                Inside::Yes => true,
                Inside::No => false,
                Inside::Fails => {
                    let step = onto(exp);
                    return stop(Verdict::Error(exp.take_error(k)), Some(cur), step);
                }
            };
            // A state outside the constraints is checked, never stored.
            let new = (inside && sc.new).then(|| {
                m.last = Some((e as u32, k as u32));
                m.numbered.push((cur, k as u32));
                (store.len() + m.numbered.len() - 1) as u32
            });
            if let (Some(g), true) = (m.graph.as_mut(), inside) {
                if new.is_some()
                    && let Err(err) = g.state(model, sc.fp, &model.unpack(st))
                {
                    return stop(Verdict::Error(err), Some(cur), onto(exp));
                }
                g.edge(model, cur, sc.fp, exp.label(sc));
            }
            if inside && new.is_none() {
                continue;
            }
            if new.is_some() {
                *m.depth = (*m.depth).max(level + 2);
            }
            // Outside the constraints (checked when expanded), or the first
            // occurrence in the batch of a state new to the store: its
            // invariants are checked now.
            let check = match sc.checked {
                Checked::No => checked(model.violated_invariant_packed(st), k, &mut exp.errors),
                c => c,
            };
            let verdict = match check {
                Checked::No | Checked::Hold => None,
                Checked::Violates(i) => Some(Verdict::Invariant(i)),
                Checked::Fails => Some(Verdict::Error(exp.take_error(k))),
            };
            if let Some(v) = verdict {
                return stop(v, Some(cur), onto(exp));
            }
            let Some(i) = new else {
                continue;
            };
            if cfg.dfs {
                pushed.push((i, k));
            } else {
                m.frontier.push_packed(i, exp.state(k, width), level + 1);
            }
            if let Some(limit) = cfg.max_states
                && (store.len() + m.numbered.len()) as u64 >= limit
            {
                return stop(Verdict::Incomplete(Limit::States), None, None);
            }
        }
        // Depth-first, the first successor is expanded first.
        for (i, k) in pushed.into_iter().rev() {
            m.frontier.push_packed(i, exp.state(k, width), level + 1);
        }
    }
    Ok(())
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

#[cfg(test)]
mod frontier_tests {
    use super::Chunked;

    /// The chunked word queue against `VecDeque`, across chunk boundaries,
    /// taken from both ends.
    #[test]
    fn chunked_words_behave_as_a_deque() {
        let mut c = Chunked::default();
        let mut d = std::collections::VecDeque::new();
        let mut next = 0u64;
        let mut seed = 12345u64;
        let mut rand = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for round in 0..400 {
            let push = rand(30_000) as usize;
            let words: Vec<u64> = (0..push as u64).map(|i| next + i).collect();
            next += push as u64;
            c.extend(&words);
            d.extend(&words);
            let n = rand(d.len() as u64 + 1) as usize;
            let (mut got, want): (Vec<u64>, Vec<u64>) = if round % 3 == 0 {
                let at = d.len() - n;
                (Vec::new(), d.drain(at..).collect())
            } else {
                (Vec::new(), d.drain(..n).collect())
            };
            if round % 3 == 0 {
                c.take_back(n, &mut got);
            } else {
                c.take_front(n, &mut got);
            }
            assert_eq!(got, want, "round {round}");
            assert_eq!(c.len(), d.len());
        }
        let mut rest = Vec::new();
        c.take_front(d.len(), &mut rest);
        assert_eq!(rest, d.into_iter().collect::<Vec<_>>());
        assert!(c.chunks.is_empty() && c.len() == 0);
    }
}
