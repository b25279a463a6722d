//! Symmetry reduction: one representative state per class of renamings of
//! the members of `symmetric` sets.
//!
//! Renaming members (a permutation of each symmetric set) maps runs to runs,
//! because the front end rejects everything that could tell members apart
//! (naming one, ordering them, `choose` among them). So the explorer may
//! replace every state by a *canonical* member of its orbit, the same for
//! every state of the orbit, and count orbits instead of states.
//!
//! The algorithm. A state is split into *facts*: each element of a set
//! variable, each entry of a map variable, each element of a sequence
//! variable (with its position), and any other variable as a whole. A
//! member's *view* is the multiset of the facts it occurs in, with itself
//! replaced by a marker and every other symmetric member by an anonymous
//! placeholder of its set, kept as the sum of the facts' 64-bit digests.
//! Views do not depend on names: renaming a state renames its members and
//! leaves their views as they were. Members are then ordered by view, and
//! the canonical state is the one whose member `i` is the `i`-th in that
//! order. (Two different views with one sum would make two members look
//! alike: a 64-bit collision, as rare as two states sharing a fingerprint,
//! which could make a class be counted twice but never loses a state.)
//!
//! - When no fact can hold two symmetric members (checked on the types,
//!   once: 2pc, most node-local state, single-sender messages), a member's
//!   view says everything the state says about it, so members with equal
//!   views are interchangeable, and any order among them gives the same
//!   state. Cost: one pass over the state to build the views, a sort of
//!   64-bit numbers, one renaming. This is the common case.
//! - Otherwise (a message from one node to another, a map from acceptors to
//!   values), equal views do not make members interchangeable. Every order
//!   of each group of members with equal views is tried, and the smallest
//!   packed state wins: exact, and still cheap when views tell members apart,
//!   but a state whose members all look alike costs n! renamings. Both paths
//!   give a function of the orbit alone: the candidate orders are those
//!   consistent with the views, and renaming a state renames them too.
//!
//! Why views rather than trying all n! renamings as TLC does: 2pc with 20
//! resource managers has 54,922 orbits, and 20! renamings per state is
//! out of reach; sorting by view is n log n.

use std::sync::Arc;

use crate::sema::program::Program;
use crate::sema::types::Type;

use super::packed::get_bits;
use super::value::Value;

/// Stands for the member whose view is being built.
const SELF: u32 = u32::MAX;
/// Stands for any other member of a symmetric set.
const OTHER: u32 = u32::MAX - 1;

/// A renaming: for each set, the new index of each member (empty: the set
/// is not renamed).
pub type Renaming = Vec<Vec<u32>>;

pub struct Symmetry {
    /// Per set: symmetric with at least two members.
    sym: Vec<bool>,
    /// Per set: its members, if renamed (else 0).
    sizes: Vec<usize>,
    /// Per variable: whether its type can hold a symmetric member.
    touched: Vec<bool>,
    /// Per variable: how its value splits into facts.
    split: Vec<Split>,
    /// No fact can hold more than one symmetric member.
    simple: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Split {
    Elements,
    Entries,
    Positions,
    Whole,
}

/// At most how many symmetric members a value of `ty` holds (2: several).
fn holds(ty: &Type, sym: &[bool], prog: &Program) -> u32 {
    let many = |n: u32| if n > 0 { 2 } else { 0 };
    match ty {
        Type::Scalar(s) => u32::from(sym[*s]),
        Type::AnyNode => u32::from(
            prog.sets
                .iter()
                .enumerate()
                .any(|(i, s)| sym[i] && s.kind != crate::sema::program::SetKind::Values),
        ),
        Type::Tuple(ts) => ts.iter().map(|t| holds(t, sym, prog)).sum::<u32>().min(2),
        Type::Record(fs) => fs
            .iter()
            .map(|(_, t)| holds(t, sym, prog))
            .sum::<u32>()
            .min(2),
        Type::Option(t) => holds(t, sym, prog),
        Type::Message => prog
            .variants
            .iter()
            .map(|v| {
                v.fields
                    .iter()
                    .map(|(_, t)| holds(t, sym, prog))
                    .sum::<u32>()
            })
            .max()
            .unwrap_or(0)
            .min(2),
        Type::Set(t) | Type::Seq(t, _) => many(holds(t, sym, prog)),
        Type::Map(k, v) => many(holds(k, sym, prog) + holds(v, sym, prog)),
        Type::Bool | Type::Int(..) | Type::Enum(_) | Type::Unknown | Type::Temporal => 0,
    }
}

impl Symmetry {
    /// The symmetry of a program, if it has a symmetric set of two or more
    /// members.
    pub fn new(prog: &Program) -> Option<Symmetry> {
        let sym: Vec<bool> = prog
            .sets
            .iter()
            .map(|s| s.symmetric && s.members.len() > 1)
            .collect();
        if !sym.iter().any(|&b| b) {
            return None;
        }
        let mut touched = Vec::new();
        let mut split = Vec::new();
        let mut simple = true;
        for v in &prog.vars {
            let (how, per_fact) = match &v.ty {
                Type::Set(t) => (Split::Elements, holds(t, &sym, prog)),
                Type::Seq(t, _) => (Split::Positions, holds(t, &sym, prog)),
                Type::Map(k, t) => (Split::Entries, holds(k, &sym, prog) + holds(t, &sym, prog)),
                t => (Split::Whole, holds(t, &sym, prog)),
            };
            touched.push(per_fact > 0);
            split.push(how);
            simple &= per_fact <= 1;
        }
        let sizes = prog
            .sets
            .iter()
            .zip(&sym)
            .map(|(s, &b)| if b { s.members.len() } else { 0 })
            .collect();
        Some(Symmetry {
            sym,
            sizes,
            touched,
            split,
            simple,
        })
    }

    /// The canonical renaming of a state's variables, or `None` when the
    /// state is its own canonical form (nothing to rename). `smallest`
    /// picks among candidate renamings (the model packs each and keeps the
    /// least); it is called only when views tie and facts relate members.
    pub fn canonical(
        &self,
        vars: &[Value],
        smallest: &dyn Fn(&[Vec<Value>]) -> usize,
    ) -> Option<Vec<Value>> {
        // Each member's view, summed: the digests of the facts it occurs in
        // (a sum, so the facts' order does not count and repeats do).
        let mut views: Vec<Vec<u64>> = self.sizes.iter().map(|&n| vec![0; n]).collect();
        let mut found = Vec::new();
        for (vi, v) in vars.iter().enumerate() {
            if !self.touched[vi] {
                continue;
            }
            let vi = vi as u64;
            match (self.split[vi as usize], v) {
                (Split::Elements, Value::Set(xs)) => {
                    for x in xs.iter() {
                        self.fact(&[x], vi, &mut found, &mut views);
                    }
                }
                (Split::Entries, Value::Map(ps)) => {
                    for (k, x) in ps.iter() {
                        self.fact(&[k, x], vi, &mut found, &mut views);
                    }
                }
                (Split::Positions, Value::Seq(xs)) => {
                    for (j, x) in xs.iter().enumerate() {
                        self.fact(&[x], mix(vi, j as u64 + 1), &mut found, &mut views);
                    }
                }
                _ => self.fact(&[v], vi, &mut found, &mut views),
            }
        }
        // Members in view order; groups of equal views.
        let mut order: Vec<Vec<u32>> = Vec::with_capacity(self.sizes.len());
        let mut groups: Vec<(usize, usize, usize)> = Vec::new();
        for (s, vs) in views.iter().enumerate() {
            let mut o: Vec<u32> = (0..vs.len() as u32).collect();
            o.sort_by_key(|&m| vs[m as usize]);
            let mut start = 0;
            for j in 1..=o.len() {
                if j == o.len() || vs[o[j] as usize] != vs[o[start] as usize] {
                    if j - start > 1 {
                        groups.push((s, start, j));
                    }
                    start = j;
                }
            }
            order.push(o);
        }
        if self.simple || groups.is_empty() {
            return self.rename_by(&order, vars);
        }
        // Every order within each group of look-alikes.
        let mut candidates: Vec<Vec<Value>> = Vec::new();
        let mut current = order.clone();
        self.each_order(&groups, 0, &order, &mut current, &mut |o| {
            candidates.push(self.rename_by(o, vars).unwrap_or_else(|| vars.to_vec()));
        });
        let best = smallest(&candidates);
        Some(candidates.swap_remove(best))
    }

    fn each_order(
        &self,
        groups: &[(usize, usize, usize)],
        g: usize,
        base: &[Vec<u32>],
        current: &mut Vec<Vec<u32>>,
        f: &mut dyn FnMut(&[Vec<u32>]),
    ) {
        let Some(&(s, lo, hi)) = groups.get(g) else {
            f(current);
            return;
        };
        let mut members: Vec<u32> = base[s][lo..hi].to_vec();
        // Heap's algorithm would do; lexicographic next-permutation keeps it
        // simple and deterministic.
        members.sort_unstable();
        loop {
            current[s][lo..hi].copy_from_slice(&members);
            self.each_order(groups, g + 1, base, current, f);
            if !next_permutation(&mut members) {
                break;
            }
        }
    }

    /// Adds a fact (the values in `parts`, in a place described by
    /// `place`) to the views of the members in it.
    fn fact(
        &self,
        parts: &[&Value],
        place: u64,
        found: &mut Vec<(u32, u32)>,
        views: &mut [Vec<u64>],
    ) {
        found.clear();
        for p in parts {
            self.members(p, found);
        }
        if found.len() > 1 {
            found.sort_unstable();
            found.dedup();
        }
        for &me in found.iter() {
            let d = parts
                .iter()
                .fold(place, |h, p| mix(h, digest(p, &self.sym, me)));
            let v = &mut views[me.0 as usize][me.1 as usize];
            *v = v.wrapping_add(mix(d, 0));
        }
    }

    fn members(&self, x: &Value, out: &mut Vec<(u32, u32)>) {
        match x {
            Value::Member(s, i) if self.sym[*s as usize] => out.push((*s, *i)),
            Value::Some(y) => self.members(y, out),
            Value::Tuple(ys) | Value::Set(ys) | Value::Seq(ys) | Value::Msg(_, ys) => {
                ys.iter().for_each(|y| self.members(y, out))
            }
            Value::Map(ps) => ps.iter().for_each(|(k, y)| {
                self.members(k, out);
                self.members(y, out)
            }),
            _ => {}
        }
    }

    /// The variables with member `order[s][k]` of each set renamed to `k`;
    /// `None` if that changes nothing.
    fn rename_by(&self, order: &[Vec<u32>], vars: &[Value]) -> Option<Vec<Value>> {
        let mut renaming: Renaming = vec![Vec::new(); order.len()];
        let mut changes = false;
        for (s, o) in order.iter().enumerate() {
            if o.iter().enumerate().all(|(k, &m)| k as u32 == m) {
                continue;
            }
            changes = true;
            let mut to = vec![0u32; o.len()];
            for (k, &m) in o.iter().enumerate() {
                to[m as usize] = k as u32;
            }
            renaming[s] = to;
        }
        if !changes {
            return None;
        }
        Some(
            vars.iter()
                .enumerate()
                .map(|(vi, v)| {
                    if self.touched[vi] {
                        rename(v, &renaming)
                    } else {
                        v.clone()
                    }
                })
                .collect(),
        )
    }
}

fn mix(h: u64, x: u64) -> u64 {
    let mut k = h ^ x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// A 64-bit digest of `x` as member `me` sees it: itself marked, every
/// other symmetric member as a placeholder of its set, sets and maps
/// summed over their elements (so the order names gave them does not
/// count, and look-alike elements count as many times as they occur).
/// Equal views give equal digests; unequal views share one only by a
/// 64-bit collision, as unequal states share a fingerprint.
fn digest(x: &Value, sym: &[bool], me: (u32, u32)) -> u64 {
    let f = |y: &Value| digest(y, sym, me);
    let seq = |tag: u64, ys: &[Value]| ys.iter().fold(tag, |h, y| mix(h, f(y)));
    match x {
        Value::Bool(b) => mix(1, u64::from(*b)),
        Value::Int(n) => mix(2, *n as u64),
        Value::Atom(a) => mix(3, u64::from(*a)),
        Value::Member(s, i) if sym[*s as usize] => {
            let who = if (*s, *i) == me { SELF } else { OTHER };
            mix(mix(4, u64::from(*s)), u64::from(who))
        }
        Value::Member(s, i) => mix(mix(5, u64::from(*s)), u64::from(*i)),
        Value::None => 6,
        Value::Some(y) => mix(7, f(y)),
        Value::Tuple(ys) => seq(8, ys),
        Value::Seq(ys) => seq(9, ys),
        Value::Msg(t, ys) => seq(mix(10, u64::from(*t)), ys),
        Value::Set(ys) => mix(
            11,
            ys.iter().fold(0u64, |h, y| h.wrapping_add(mix(0, f(y)))),
        ),
        Value::Map(ps) => mix(
            12,
            ps.iter()
                .fold(0u64, |h, (k, y)| h.wrapping_add(mix(f(k), f(y)))),
        ),
    }
}

/// `x` with its members renamed.
pub fn rename(x: &Value, r: &Renaming) -> Value {
    let f = |y: &Value| rename(y, r);
    match x {
        Value::Member(s, i) => match r.get(*s as usize) {
            Some(to) if !to.is_empty() => Value::Member(*s, to[*i as usize]),
            _ => x.clone(),
        },
        Value::Some(y) => Value::Some(Arc::new(f(y))),
        Value::Tuple(ys) => Value::Tuple(ys.iter().map(f).collect()),
        Value::Seq(ys) => Value::Seq(ys.iter().map(f).collect()),
        Value::Msg(t, ys) => Value::Msg(*t, ys.iter().map(f).collect()),
        Value::Set(ys) => Value::set_from(ys.iter().map(f).collect()),
        Value::Map(ps) => {
            let mut v: Vec<(Value, Value)> = ps.iter().map(|(k, y)| (f(k), f(y))).collect();
            v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            Value::Map(v.into())
        }
        _ => x.clone(),
    }
}

/// Steps `xs` to the next permutation in lexicographic order; false after
/// the last.
fn next_permutation(xs: &mut [u32]) -> bool {
    let n = xs.len();
    if n < 2 {
        return false;
    }
    let mut i = n - 1;
    while i > 0 && xs[i - 1] >= xs[i] {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = n - 1;
    while xs[j] <= xs[i - 1] {
        j -= 1;
    }
    xs.swap(i - 1, j);
    xs[i..].reverse();
    true
}

/// Where each member's facts sit in a packed state, when that is known
/// from the layout alone: every variable that can hold a symmetric member
/// is a set (one bit per element, each element naming at most one member)
/// or a map keyed by the members of one symmetric set, with values that
/// name none. Canonicalization then works on the packed words: a member's
/// view is the sum of its groups' contents, digested with what each group
/// stands for, and renaming moves each member's groups to the groups of its
/// new name, bit for bit. No value is built; the result is exactly the
/// packed form of the renamed state. 2pc is such a spec.
pub struct Packed {
    /// Per set, per member: its groups of bits (what the group stands for,
    /// first bit, length), in the same order for every member of the set.
    groups: Vec<Vec<Vec<(u64, usize, u32)>>>,
    /// The bits that belong to some member's group.
    owned: Vec<u64>,
}

fn or_bits(words: &mut [u64], at: usize, len: u32, v: u64) {
    let (w, off) = (at / 64, at % 64);
    words[w] |= v << off;
    if off + len as usize > 64 {
        words[w + 1] |= v >> (64 - off);
    }
}

impl Packed {
    /// The packed form of `sym`, if every variable's layout allows it.
    pub fn new(
        sym: &Symmetry,
        layouts: &[super::layout::Layout],
        offsets: &[usize],
        words: usize,
    ) -> Option<Packed> {
        use super::layout::Layout;
        if !sym.simple {
            return None;
        }
        let mut groups: Vec<Vec<Vec<(u64, usize, u32)>>> =
            sym.sizes.iter().map(|&n| vec![Vec::new(); n]).collect();
        let mut owned = vec![0u64; words];
        let mut found = Vec::new();
        for (vi, l) in layouts.iter().enumerate() {
            if !sym.touched[vi] {
                continue;
            }
            // (the value a group stands for, its first bit, its length)
            let mut add = |x: &Value, at: usize, len: u32| -> Option<()> {
                found.clear();
                sym.members(x, &mut found);
                let &[(s, m)] = found.as_slice() else {
                    return (found.is_empty() && len == 1).then_some(());
                };
                let a = mix(vi as u64, digest(x, &sym.sym, (s, m)));
                groups[s as usize][m as usize].push((a, at, len));
                for b in at..at + len as usize {
                    owned[b / 64] |= 1 << (b % 64);
                }
                Some(())
            };
            match l {
                Layout::Set(d) => {
                    for (j, e) in d.values.iter().enumerate() {
                        add(e, offsets[vi] + j, 1)?;
                    }
                }
                Layout::Map { keys, val } if val.bits() <= 64 => {
                    let w = val.bits();
                    for (k, key) in keys.iter().enumerate() {
                        // The key must name the member; the value, none.
                        if !matches!(key, Value::Member(s, _) if sym.sym[*s as usize]) {
                            return None;
                        }
                        add(key, offsets[vi] + k * w as usize, w)?;
                    }
                }
                _ => return None,
            }
        }
        // Every member of a set must have groups standing for the same
        // things, so that renaming can move them one to one.
        for members in &mut groups {
            for g in members.iter_mut() {
                g.sort_unstable();
            }
            let ids = |g: &Vec<(u64, usize, u32)>| g.iter().map(|x| (x.0, x.2)).collect::<Vec<_>>();
            if members.windows(2).any(|w| ids(&w[0]) != ids(&w[1])) {
                return None;
            }
        }
        Some(Packed { groups, owned })
    }

    /// The canonical form of a packed state, or `None` if it is its own.
    pub fn canonical(&self, words: &[u64]) -> Option<Box<[u64]>> {
        let mut orders: Vec<Vec<u32>> = Vec::with_capacity(self.groups.len());
        let mut moves = false;
        for members in &self.groups {
            let views: Vec<u64> = members
                .iter()
                .map(|g| {
                    g.iter().fold(0u64, |h, &(a, at, len)| {
                        h.wrapping_add(mix(a, get_bits(words, at, len)))
                    })
                })
                .collect();
            let mut o: Vec<u32> = (0..members.len() as u32).collect();
            o.sort_by_key(|&m| views[m as usize]);
            moves |= o.iter().enumerate().any(|(k, &m)| k as u32 != m);
            orders.push(o);
        }
        if !moves {
            return None;
        }
        let mut out: Vec<u64> = words.iter().zip(&self.owned).map(|(w, o)| w & !o).collect();
        for (members, order) in self.groups.iter().zip(&orders) {
            // Member `order[k]` is renamed to `k`.
            for (k, &m) in order.iter().enumerate() {
                for (from, to) in members[m as usize].iter().zip(&members[k]) {
                    let bits = get_bits(words, from.1, from.2);
                    or_bits(&mut out, to.1, to.2, bits);
                }
            }
        }
        Some(out.into_boxed_slice())
    }
}
