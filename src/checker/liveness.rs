//! Liveness: temporal properties under fairness, decided on the reachable
//! state graph.
//!
//! A property is a conjunction of [`Form`]s over state predicates. Each
//! form is violated exactly when some *fair* behaviour does something
//! forever, so the checker looks for a reachable lasso: a path from an
//! initial state into a set of states the behaviour can stay in forever
//! while every fairness condition is met.
//!
//! - `eventually P`: from an initial state, through ¬P states only, into a
//!   fair cycle of ¬P states;
//! - `always eventually P`: a reachable fair cycle of ¬P states;
//! - `eventually always P`: a reachable fair cycle through a ¬P state;
//! - `P leads_to Q`: a reachable P∧¬Q state, then ¬Q states only, into a
//!   fair cycle of ¬Q states;
//! - `always P`: a reachable ¬P state (a finite counterexample).
//!
//! "Staying forever" includes stuttering: as in TLA+, a behaviour may stop
//! changing the state at any point, unless fairness forbids it. Stopping in
//! a state is fair when no fair action instance is enabled there; a state
//! with no successor at all (a deadlock or a `terminal` state) is one. A
//! step that changes nothing is itself a stutter: it is not an edge of the
//! graph, and it neither enables nor discharges fairness (TLA+'s
//! `WF_vars(A)` concerns `<<A>>_vars` steps).
//!
//! Fair cycles are found on strongly connected components (Tarjan): a
//! component, traversed entirely, is a fair cycle when every weakly fair
//! instance that is enabled in all its states is taken inside it, and every
//! strongly fair instance that is enabled in any of its states is taken
//! inside it. A weak violation dooms the component (every cycle in it has
//! the instance always enabled and never taken); a strong one only rules
//! out the states where the instance is enabled, so the rest is split into
//! components again (the classic Streett-condition refinement). An action
//! instance is an action with one binding of its parameters, as users write
//! `\A r: WF(A(r))` in TLA+.

use std::collections::{HashMap, HashSet, VecDeque};

/// How an action instance must be treated in an infinite behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fair {
    None,
    /// Continuously enabled from some point on ⇒ taken infinitely often.
    Weak,
    /// Enabled infinitely often ⇒ taken infinitely often.
    Strong,
}

/// One of the temporal forms the checker decides; numbers are state
/// predicates of the model (see `Model::predicate`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    Always(usize),
    Eventually(usize),
    AlwaysEventually(usize),
    EventuallyAlways(usize),
    LeadsTo(usize, usize),
}

/// A named property: all of its forms must hold.
#[derive(Clone, Debug)]
pub struct Property {
    pub name: String,
    pub forms: Vec<Form>,
}

impl Property {
    /// How many predicates the forms use (the largest number plus one).
    pub fn predicates(props: &[Property]) -> usize {
        props
            .iter()
            .flat_map(|p| &p.forms)
            .map(|f| match *f {
                Form::Always(p)
                | Form::Eventually(p)
                | Form::AlwaysEventually(p)
                | Form::EventuallyAlways(p) => p + 1,
                Form::LeadsTo(p, q) => p.max(q) + 1,
            })
            .max()
            .unwrap_or(0)
    }
}

/// Marks an edge whose action instance has no fairness.
pub(crate) const UNFAIR: u32 = u32::MAX;

/// The reachable state graph, recorded while exploring: states are the
/// store's indices.
pub(crate) struct Graph {
    /// Fingerprint to state, and back.
    pub index: HashMap<u64, u32>,
    pub fps: Vec<u64>,
    /// Edges as recorded: source, target, fair instance (or `UNFAIR`).
    pub edges: Vec<(u32, u32, u32)>,
    /// Per state, per predicate: whether it holds.
    pub preds: Vec<bool>,
    pub n_preds: usize,
    /// Per fair instance: its fairness.
    pub fair: Vec<Fair>,
    pub initial: Vec<u32>,
}

/// A counterexample: the states from an initial state to the loop's entry,
/// then the edges of the loop back to the entry (none: the behaviour
/// stutters at the entry forever; `finite`: no loop at all, the last state
/// violates an `always`).
pub(crate) struct Lasso {
    pub prefix: Vec<u32>,
    pub cycle: Vec<u32>,
    pub finite: bool,
}

/// The graph with edges grouped by source.
struct Csr<'g> {
    g: &'g Graph,
    start: Vec<usize>,
    /// Edge numbers (into `g.edges`) by source.
    order: Vec<u32>,
}

impl<'g> Csr<'g> {
    fn new(g: &'g Graph) -> Csr<'g> {
        let n = g.fps.len();
        let mut start = vec![0usize; n + 1];
        for &(s, _, _) in &g.edges {
            start[s as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut order = vec![0u32; g.edges.len()];
        for (e, &(s, _, _)) in g.edges.iter().enumerate() {
            order[fill[s as usize]] = e as u32;
            fill[s as usize] += 1;
        }
        Csr { g, start, order }
    }

    fn out(&self, s: u32) -> impl Iterator<Item = (u32, &'g (u32, u32, u32))> + '_ {
        self.order[self.start[s as usize]..self.start[s as usize + 1]]
            .iter()
            .map(|&e| (e, &self.g.edges[e as usize]))
    }

    /// The fair instances enabled in `s` (those it has an edge for).
    fn enabled(&self, s: u32) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .out(s)
            .map(|(_, e)| e.2)
            .filter(|&i| i != UNFAIR)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    fn holds(&self, s: u32, p: usize) -> bool {
        self.g.preds[s as usize * self.g.n_preds + p]
    }
}

/// Strongly connected components of the states in `nodes`, following only
/// edges between them; iterative Tarjan, components in a fixed order.
fn sccs(csr: &Csr, nodes: &[u32]) -> Vec<Vec<u32>> {
    const NONE: u32 = u32::MAX;
    let n = csr.g.fps.len();
    let mut inside = vec![false; n];
    for &s in nodes {
        inside[s as usize] = true;
    }
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    let mut next = 0u32;
    for &root in nodes {
        if index[root as usize] != NONE {
            continue;
        }
        // (state, next position in its edge list)
        let mut work: Vec<(u32, usize)> = vec![(root, csr.start[root as usize])];
        index[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        while let Some(&mut (v, ref mut k)) = work.last_mut() {
            let end = csr.start[v as usize + 1];
            let mut descended = false;
            while *k < end {
                let w = csr.g.edges[csr.order[*k] as usize].1;
                *k += 1;
                if !inside[w as usize] {
                    continue;
                }
                if index[w as usize] == NONE {
                    index[w as usize] = next;
                    low[w as usize] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w as usize] = true;
                    work.push((w, csr.start[w as usize]));
                    descended = true;
                    break;
                } else if on_stack[w as usize] {
                    low[v as usize] = low[v as usize].min(index[w as usize]);
                }
            }
            if descended {
                continue;
            }
            work.pop();
            if let Some(&(u, _)) = work.last() {
                low[u as usize] = low[u as usize].min(low[v as usize]);
            }
            if low[v as usize] == index[v as usize] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comp.sort_unstable();
                out.push(comp);
            }
        }
    }
    out
}

/// A fair component among `nodes` holding a state where `want` holds.
fn fair_component(csr: &Csr, nodes: &[u32], want: &dyn Fn(u32) -> bool) -> Option<Vec<u32>> {
    for comp in sccs(csr, nodes) {
        if let [s] = comp[..]
            && !csr.out(s).any(|(_, e)| e.1 == s)
        {
            continue; // a single state without a loop: no cycle here
        }
        let members: HashSet<u32> = comp.iter().copied().collect();
        let internal: Vec<&(u32, u32, u32)> = comp
            .iter()
            .flat_map(|&s| csr.out(s).map(|(_, e)| e))
            .filter(|e| members.contains(&e.1))
            .collect();
        if internal.is_empty() {
            continue; // a single state without a loop: no cycle here
        }
        let taken: HashSet<u32> = internal.iter().map(|e| e.2).collect();
        let mut count: HashMap<u32, usize> = HashMap::new();
        let enabled: Vec<Vec<u32>> = comp.iter().map(|&s| csr.enabled(s)).collect();
        for en in &enabled {
            for &i in en {
                *count.entry(i).or_default() += 1;
            }
        }
        let weak_fails = count.iter().any(|(&i, &c)| {
            csr.g.fair[i as usize] == Fair::Weak && c == comp.len() && !taken.contains(&i)
        });
        if weak_fails {
            continue;
        }
        let strong_fails: HashSet<u32> = count
            .keys()
            .copied()
            .filter(|&i| csr.g.fair[i as usize] == Fair::Strong && !taken.contains(&i))
            .collect();
        if !strong_fails.is_empty() {
            let rest: Vec<u32> = comp
                .iter()
                .zip(&enabled)
                .filter(|(_, en)| !en.iter().any(|i| strong_fails.contains(i)))
                .map(|(&s, _)| s)
                .collect();
            if let Some(c) = fair_component(csr, &rest, want) {
                return Some(c);
            }
            continue;
        }
        if comp.iter().any(|&s| want(s)) {
            return Some(comp);
        }
    }
    None
}

/// Breadth-first search from `sources` through states where `walk` holds:
/// the states reached, in order, with the edge each was reached by.
fn reach(csr: &Csr, sources: &[u32], walk: &dyn Fn(u32) -> bool) -> (Vec<u32>, Parents) {
    let mut order = Vec::new();
    let mut parent = Parents(vec![UNSEEN; csr.g.fps.len()]);
    let mut q = VecDeque::new();
    for &s in sources {
        if walk(s) && parent.0[s as usize] == UNSEEN {
            parent.0[s as usize] = SOURCE;
            q.push_back(s);
        }
    }
    while let Some(s) = q.pop_front() {
        order.push(s);
        for (e, &(_, t, _)) in csr.out(s) {
            if parent.0[t as usize] == UNSEEN && walk(t) {
                parent.0[t as usize] = e;
                q.push_back(t);
            }
        }
    }
    (order, parent)
}

/// Per state: the edge a search reached it by (or `SOURCE`, `UNSEEN`).
pub(crate) struct Parents(Vec<u32>);
const UNSEEN: u32 = u32::MAX;
const SOURCE: u32 = u32::MAX - 1;

/// The states from a source to `s` along the search's edges.
fn path_to(csr: &Csr, parent: &Parents, mut s: u32) -> Vec<u32> {
    let mut p = vec![s];
    loop {
        let e = parent.0[s as usize];
        if e == SOURCE || e == UNSEEN {
            break;
        }
        s = csr.g.edges[e as usize].0;
        p.push(s);
    }
    p.reverse();
    p
}

/// Edges of a shortest path inside `within` from `from` to a state where
/// `goal` holds (empty if `from` is one; with `step`, at least one edge).
fn walk_to(
    csr: &Csr,
    within: &HashSet<u32>,
    from: u32,
    goal: &dyn Fn(u32) -> bool,
    step: bool,
) -> Option<Vec<u32>> {
    if !step && goal(from) {
        return Some(Vec::new());
    }
    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut q = VecDeque::from([from]);
    let mut seen: HashSet<u32> = HashSet::from([from]);
    while let Some(s) = q.pop_front() {
        for (e, &(_, t, _)) in csr.out(s) {
            if !within.contains(&t) {
                continue;
            }
            if goal(t) {
                let mut edges = vec![e];
                let mut at = s;
                while at != from {
                    let pe = parent[&at];
                    edges.push(pe);
                    at = csr.g.edges[pe as usize].0;
                }
                edges.reverse();
                return Some(edges);
            }
            if seen.insert(t) {
                parent.insert(t, e);
                q.push_back(t);
            }
        }
    }
    None
}

/// A cycle through all of a fair component's obligations, from and back to
/// `entry`: a wanted state, an edge of every fair instance taken inside it,
/// and for every weakly fair instance it does not take, a state where that
/// instance is disabled.
fn cover(csr: &Csr, comp: &[u32], entry: u32, want: &dyn Fn(u32) -> bool) -> Vec<u32> {
    let within: HashSet<u32> = comp.iter().copied().collect();
    let mut edge_goals: Vec<u32> = Vec::new();
    let mut taken: HashSet<u32> = HashSet::new();
    for &s in comp {
        for (e, &(_, t, i)) in csr.out(s) {
            if within.contains(&t) && i != UNFAIR && taken.insert(i) {
                edge_goals.push(e);
            }
        }
    }
    let mut state_goals: Vec<u32> = Vec::new();
    if let Some(&w) = comp.iter().find(|&&s| want(s)) {
        state_goals.push(w);
    }
    let enabled: Vec<(u32, Vec<u32>)> = comp.iter().map(|&s| (s, csr.enabled(s))).collect();
    let weak: HashSet<u32> = enabled
        .iter()
        .flat_map(|(_, en)| en.iter().copied())
        .filter(|&i| csr.g.fair[i as usize] == Fair::Weak && !taken.contains(&i))
        .collect();
    let mut weak: Vec<u32> = weak.into_iter().collect();
    weak.sort_unstable();
    for i in weak {
        if let Some((s, _)) = enabled.iter().find(|(_, en)| !en.contains(&i)) {
            state_goals.push(*s);
        }
    }
    // Walk to each goal not met on the way so far.
    let mut cycle: Vec<u32> = Vec::new();
    let mut at = entry;
    let met = |cycle: &[u32], s: Option<u32>, inst: Option<u32>| {
        cycle.iter().any(|&e| {
            let (a, b, i) = csr.g.edges[e as usize];
            s.is_some_and(|s| a == s || b == s) || inst == Some(i)
        }) || s == Some(entry)
    };
    for s in state_goals {
        if met(&cycle, Some(s), None) {
            continue;
        }
        if let Some(p) = walk_to(csr, &within, at, &|x| x == s, false) {
            cycle.extend(p);
            at = s;
        }
    }
    for e in edge_goals {
        let (src, dst, inst) = csr.g.edges[e as usize];
        if met(&cycle, None, Some(inst)) {
            continue;
        }
        if let Some(p) = walk_to(csr, &within, at, &|x| x == src, false) {
            cycle.extend(p);
            cycle.push(e);
            at = dst;
        }
    }
    let back = walk_to(csr, &within, at, &|x| x == entry, cycle.is_empty());
    cycle.extend(back.unwrap_or_default());
    cycle
}

/// The first violated form of the first violated property, with a lasso.
pub(crate) fn find(g: &Graph, props: &[Property]) -> Option<(usize, Lasso)> {
    let csr = Csr::new(g);
    let all = |_: u32| true;
    for (k, p) in props.iter().enumerate() {
        for form in &p.forms {
            let found = match *form {
                Form::Always(q) => {
                    let (order, parent) = reach(&csr, &g.initial, &all);
                    order.iter().find(|&&s| !csr.holds(s, q)).map(|&s| Lasso {
                        prefix: path_to(&csr, &parent, s),
                        cycle: Vec::new(),
                        finite: true,
                    })
                }
                Form::Eventually(q) => {
                    let not = |s: u32| !csr.holds(s, q);
                    lasso(&csr, &g.initial, &not, &not, &all, None)
                }
                Form::AlwaysEventually(q) => {
                    let not = |s: u32| !csr.holds(s, q);
                    lasso(&csr, &g.initial, &all, &not, &all, None)
                }
                Form::EventuallyAlways(q) => {
                    let not = |s: u32| !csr.holds(s, q);
                    lasso(&csr, &g.initial, &all, &all, &not, None)
                }
                Form::LeadsTo(a, b) => {
                    let not_b = |s: u32| !csr.holds(s, b);
                    let (order, parent) = reach(&csr, &g.initial, &all);
                    let starts: Vec<u32> = order
                        .iter()
                        .copied()
                        .filter(|&s| csr.holds(s, a) && !csr.holds(s, b))
                        .collect();
                    lasso(&csr, &starts, &not_b, &not_b, &all, Some(&parent))
                }
            };
            if let Some(l) = found {
                return Some((k, l));
            }
        }
    }
    None
}

/// A lasso from `sources` (reached from an initial state along
/// `to_sources`, if they are not initial themselves), through `walk`
/// states, into a fair component of `stay` states holding a `want` state,
/// or to a `stay` and `want` state where stopping is fair. The entry
/// nearest the sources wins.
fn lasso(
    csr: &Csr,
    sources: &[u32],
    walk: &dyn Fn(u32) -> bool,
    stay: &dyn Fn(u32) -> bool,
    want: &dyn Fn(u32) -> bool,
    to_sources: Option<&Parents>,
) -> Option<Lasso> {
    let (order, parent) = reach(csr, sources, walk);
    let mut rank = vec![usize::MAX; csr.g.fps.len()];
    for (i, &s) in order.iter().enumerate() {
        rank[s as usize] = i;
    }
    let candidates: Vec<u32> = order.iter().copied().filter(|&s| stay(s)).collect();
    let stop = candidates
        .iter()
        .copied()
        .find(|&s| want(s) && !csr.out(s).any(|(_, e)| e.2 != UNFAIR));
    let comp = fair_component(csr, &candidates, want);
    let comp_entry = comp
        .as_ref()
        .and_then(|c| c.iter().copied().min_by_key(|&s| rank[s as usize]));
    let (entry, cycle) = match (stop, comp_entry) {
        (Some(s), Some(e)) if rank[e as usize] < rank[s as usize] => {
            (e, cover(csr, comp.as_deref().unwrap_or_default(), e, want))
        }
        (Some(s), _) => (s, Vec::new()),
        (None, Some(e)) => (e, cover(csr, comp.as_deref().unwrap_or_default(), e, want)),
        (None, None) => return None,
    };
    let mut prefix = path_to(csr, &parent, entry);
    if let Some(before) = to_sources {
        let mut head = path_to(csr, before, prefix[0]);
        head.pop();
        head.extend(prefix);
        prefix = head;
    }
    Some(Lasso {
        prefix,
        cycle,
        finite: false,
    })
}

/// Checks a lasso against property `prop` on the model itself: the loop
/// closes (or the run stops where stopping is fair), every fairness
/// condition holds on the loop, and some form of the property is violated
/// by the run. Steps are replayed by `validate`.
pub fn validate_lasso<M: super::Model>(
    model: &M,
    trace: &[super::TraceStep<M>],
    prop: &Property,
    loop_start: Option<usize>,
) -> Result<(), String> {
    let n = trace.len();
    if n == 0 {
        return Err("the counterexample is empty".into());
    }
    // Every predicate in every state of the run, evaluated once.
    let preds: Vec<Vec<bool>> = trace
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut v = Vec::new();
            model
                .predicates(&t.state, &mut v)
                .map_err(|e| format!("state {i}: {e:?}"))?;
            Ok(v)
        })
        .collect::<Result<_, String>>()?;
    let holds = |i: usize, p: usize| -> Result<bool, String> {
        preds[i]
            .get(p)
            .copied()
            .ok_or_else(|| format!("no predicate {p}"))
    };
    let Some(l) = loop_start else {
        // A finite run: the last state violates an `always`.
        for f in &prop.forms {
            if let Form::Always(p) = *f
                && !holds(n - 1, p)?
            {
                return Ok(());
            }
        }
        return Err("the last state violates no `always` of the property".into());
    };
    if l >= n {
        return Err("the loop starts after the end of the run".into());
    }
    // Fair instances enabled in a state, and the instance of each step.
    let enabled = |i: usize| -> Result<HashSet<M::Label>, String> {
        let mut succ = Vec::new();
        model
            .successors(&trace[i].state, &mut succ)
            .map_err(|e| format!("{e:?}"))?;
        // Steps that change nothing do not count (see `Recorder::edge`).
        Ok(succ
            .into_iter()
            .filter(|(lb, s)| *s != trace[i].state && model.fairness(lb) != Fair::None)
            .map(|(lb, _)| lb)
            .collect())
    };
    let stutter = l == n - 1;
    if stutter {
        if !enabled(l)?.is_empty() {
            return Err("the run stops where a fair step is enabled".into());
        }
    } else {
        if trace[n - 1].state != trace[l].state {
            return Err("the loop does not return to its first state".into());
        }
        let cycle = l..n - 1;
        let taken: HashSet<&M::Label> = trace[l + 1..]
            .iter()
            .filter_map(|t| t.label.as_ref())
            .collect();
        let ens: Vec<HashSet<M::Label>> = cycle.clone().map(&enabled).collect::<Result<_, _>>()?;
        let all: HashSet<&M::Label> = ens.iter().flatten().collect();
        for lb in all {
            if taken.contains(lb) {
                continue;
            }
            let everywhere = ens.iter().all(|e| e.contains(lb));
            match model.fairness(lb) {
                Fair::Weak if everywhere => {
                    return Err(format!(
                        "{lb:?} is always enabled on the loop but never taken"
                    ));
                }
                Fair::Strong => {
                    return Err(format!("{lb:?} is enabled on the loop but never taken"));
                }
                _ => {}
            }
        }
    }
    // The states visited forever: the loop (or the state stopped in).
    let forever: Vec<usize> = if stutter {
        vec![l]
    } else {
        (l..n - 1).collect()
    };
    for f in &prop.forms {
        let violated = match *f {
            Form::Always(_) => false,
            Form::Eventually(p) => {
                let mut never = true;
                for i in 0..n {
                    never &= !holds(i, p)?;
                }
                never
            }
            Form::AlwaysEventually(p) => {
                let mut never = true;
                for &i in &forever {
                    never &= !holds(i, p)?;
                }
                never
            }
            Form::EventuallyAlways(p) => {
                let mut some = false;
                for &i in &forever {
                    some |= !holds(i, p)?;
                }
                some
            }
            Form::LeadsTo(a, b) => {
                // Some P state after which Q never holds.
                let mut found = false;
                let mut from_here_never_b = true;
                for &i in &forever {
                    from_here_never_b &= !holds(i, b)?;
                }
                for i in (0..n).rev() {
                    if i < l || stutter {
                        from_here_never_b &= !holds(i, b)?;
                    }
                    if from_here_never_b && holds(i, a)? {
                        found = true;
                        break;
                    }
                    if !from_here_never_b {
                        break;
                    }
                }
                found
            }
        };
        if violated {
            return Ok(());
        }
    }
    Err("the lasso violates no form of the property".into())
}
