//! The evaluator over packed states: the fast path of `CompiledModel`.
//!
//! Most of a spec's work is small: compare a node's state with a constant,
//! test whether a message is in the network, set a field, add a message.
//! The value evaluator (`eval.rs`) does it on `Value` trees, decoded from
//! the packed state and encoded back; this module compiles the same
//! expressions and statements once, before exploring, into trees that read
//! and write the packed state's bits directly and compute with plain
//! 64-bit codes, so expanding a state allocates nothing but its successors.
//!
//! A code is what a value is while it is computed: for a boolean 0 or 1,
//! for an integer its value, for an enumeration member its atom number, for
//! a set member `set << 32 | index`; for a composite value (record, tuple,
//! message, option, set, map) its packed bits under its type's layout,
//! which must then fit in 64 bits. A variable too large for that (a network
//! of many messages) is still read and written in place: membership, `pick`
//! and quantifiers over it, adding and removing elements.
//!
//! Compiling is all or nothing per formula, per leading guard and per action
//! body: anything outside the compiled fragment (sequences, comprehensions,
//! large composite values, …) leaves that part to the value evaluator. At
//! run time, anything that would be an error (a key outside a map, a value
//! outside its variable's type, an overflow, a missing message field) gives
//! up (`Bail`), and the caller runs the same binding again with the value
//! evaluator, which reports the error with its span. So both paths give the
//! same successors in the same order, or the same error; `tests/packed.rs`
//! compares them state by state on every spec.

use std::sync::Arc;

use hashbrown::HashMap;

use super::eval::plan_for;
use super::layout::{BitWriter, Domains, Layout};
use super::value::Value;
use crate::parser::ast::{BinOp, Quant, UnOp};
use crate::sema::program::*;
use crate::sema::types::Type;

/// The compiled path cannot decide this; run the value evaluator instead.
#[derive(Debug)]
pub struct Bail;

type R<T> = Result<T, Bail>;

/// Functions are inlined; deeper nesting than this is left to the value
/// evaluator (the front end rejects recursion, so this is only a bound).
const MAX_INLINE: usize = 16;

/// The deepest compiled expression (see `Compiler::expr`).
const MAX_NEST: usize = 256;

/// The most elements a set held in local slots (a wide set) may range over.
const MAX_WIDE: usize = 4096;

/// The values of a type in value order, as codes, and the way back.
pub struct Table {
    pub codes: Vec<u64>,
    lookup: Lookup,
    /// For a message type with atomic fields: where each variant's
    /// values are (see `Narrow`).
    radix: Option<Radix>,
}

pub enum Lookup {
    /// Codes close together: the position of `code - min`, `u32::MAX`
    /// for none.
    Dense(u64, Vec<u32>),
    /// Codes ascend: binary search.
    Sorted,
    /// Computed from the parts (see `Radix`).
    Radix,
    Hash(HashMap<u64, u32>),
}

impl Table {
    /// The position of a code in the type's domain.
    #[inline]
    fn index(&self, code: u64) -> R<usize> {
        match &self.lookup {
            Lookup::Dense(min, pos) => match pos.get(code.wrapping_sub(*min) as usize) {
                Some(&i) if i != u32::MAX => Ok(i as usize),
                _ => Err(Bail),
            },
            Lookup::Sorted => self.codes.binary_search(&code).map_err(|_| Bail),
            Lookup::Radix => match &self.radix {
                Some(r) => r.index(code),
                None => Err(Bail),
            },
            Lookup::Hash(h) => h.get(&code).map(|&i| i as usize).ok_or(Bail),
        }
    }
}

/// The positions of a message, record or tuple type whose parts are all
/// atomic: values are listed variant by variant, and within a variant in
/// the order of their parts' positions, first part slowest (value order),
/// so a position is a mixed-radix number of the parts' stored bits.
pub struct Radix {
    tag_bits: u32,
    /// Per variant (one for a record or tuple): its first position, and
    /// per part its shift, width, number of values and stride.
    cases: Vec<(usize, Vec<Part>)>,
}

/// A part of a composite code: shift, width, number of values, stride.
type Part = (u32, u32, u64, usize);

impl Radix {
    fn new(l: &Layout) -> Option<Radix> {
        let (tag_bits, variants): (u32, Vec<&[Layout]>) = match l {
            Layout::Msg {
                tag_bits, variants, ..
            } => (*tag_bits, variants.iter().map(|v| &v[..]).collect()),
            Layout::Fields(fs) => (0, vec![&fs[..]]),
            _ => return None,
        };
        let mut cases = Vec::new();
        let mut base = 0usize;
        for fs in variants {
            let mut parts = Vec::new();
            let mut shift = tag_bits;
            for f in fs {
                let n = match f {
                    Layout::Indexed { domain, .. } => domain.values.len() as u64,
                    Layout::Int { lo, hi, .. } => (*hi as i128 - *lo as i128 + 1) as u64,
                    _ => return None,
                };
                parts.push((shift, f.bits(), n, 0usize));
                shift += f.bits();
            }
            let mut stride = 1usize;
            for p in parts.iter_mut().rev() {
                p.3 = stride;
                stride = stride.checked_mul(p.2 as usize)?;
            }
            cases.push((base, parts));
            base = base.checked_add(stride)?;
        }
        Some(Radix { tag_bits, cases })
    }

    #[inline]
    fn index(&self, code: u64) -> R<usize> {
        let tag = (code & low_mask(self.tag_bits)) as usize;
        let (base, parts) = self.cases.get(tag).ok_or(Bail)?;
        let mut i = *base;
        for &(shift, bits, n, stride) in parts {
            let v = code >> shift & low_mask(bits);
            if v >= n {
                return Err(Bail);
            }
            i += v as usize * stride;
        }
        Ok(i)
    }
}

/// How stored bits become a code and back.
#[derive(Clone)]
pub enum Conv {
    /// An atomic value stored as its position in its domain.
    Atom(Arc<Table>),
    /// An integer from `lo` to `hi`, stored as an offset from `lo`.
    Int { lo: i64, hi: i64 },
    /// A composite value: its code is its stored bits.
    Same,
}

impl Conv {
    #[inline]
    fn load(&self, bits: u64) -> u64 {
        match self {
            Conv::Atom(t) => t.codes[bits as usize],
            Conv::Int { lo, .. } => lo.wrapping_add(bits as i64) as u64,
            Conv::Same => bits,
        }
    }
    #[inline]
    fn store(&self, code: u64) -> R<u64> {
        match self {
            Conv::Atom(t) => t.index(code).map(|i| i as u64),
            Conv::Int { lo, hi } => {
                let n = code as i64;
                if n < *lo || n > *hi {
                    return Err(Bail);
                }
                Ok(n.wrapping_sub(*lo) as u64)
            }
            Conv::Same => Ok(code),
        }
    }
}

/// The code of a value of atomic type (see the module comment).
fn atomic_code(v: &Value) -> Option<u64> {
    match v {
        Value::Bool(b) => Some(*b as u64),
        Value::Int(n) => Some(*n as u64),
        Value::Atom(a) => Some(*a as u64),
        Value::Member(s, i) => Some((*s as u64) << 32 | *i as u64),
        _ => None,
    }
}

/// The code of any value whose type's layout is `l`.
fn code_of(v: &Value, l: &Layout) -> Option<u64> {
    match l {
        Layout::Indexed { .. } | Layout::Int { .. } => atomic_code(v),
        _ if l.bits() <= 64 => {
            let mut w = BitWriter::new(64);
            l.encode(v, &mut w)?;
            Some(w.words[0])
        }
        _ => None,
    }
}

fn conv_of(l: &Layout) -> Option<Conv> {
    Some(match l {
        Layout::Indexed { domain, .. } => {
            let codes: Vec<u64> = domain
                .values
                .iter()
                .map(atomic_code)
                .collect::<Option<_>>()?;
            Conv::Atom(Arc::new(table(codes)))
        }
        Layout::Int { lo, hi, .. } => Conv::Int { lo: *lo, hi: *hi },
        _ if l.bits() <= 64 => Conv::Same,
        _ => return None,
    })
}

fn table(codes: Vec<u64>) -> Table {
    let sorted = codes.windows(2).all(|w| w[0] < w[1]);
    // Offsets from the first code, wrapping (negative integers' codes
    // follow the first one's too).
    let min = codes.first().copied().unwrap_or(0);
    let span = codes.iter().map(|c| c.wrapping_sub(min)).max().unwrap_or(0);
    let lookup = if span < 1 << 16 {
        let mut pos = vec![u32::MAX; span as usize + 1];
        for (i, c) in codes.iter().enumerate() {
            pos[c.wrapping_sub(min) as usize] = i as u32;
        }
        Lookup::Dense(min, pos)
    } else if sorted {
        Lookup::Sorted
    } else {
        Lookup::Hash(
            codes
                .iter()
                .enumerate()
                .map(|(i, &c)| (c, i as u32))
                .collect(),
        )
    };
    Table {
        codes,
        lookup,
        radix: None,
    }
}

/// `len` bits of a packed state from bit `off` (also symmetry's reader).
#[inline]
pub(super) fn get_bits(st: &[u64], off: usize, len: u32) -> u64 {
    if len == 0 {
        return 0;
    }
    let (w, b) = (off / 64, off % 64);
    let mut v = st[w] >> b;
    if b + len as usize > 64 {
        v |= st[w + 1] << (64 - b);
    }
    if len < 64 { v & ((1u64 << len) - 1) } else { v }
}

#[inline]
fn put_bits(st: &mut [u64], off: usize, len: u32, v: u64) {
    if len == 0 {
        return;
    }
    let (w, b) = (off / 64, off % 64);
    let mask = if len < 64 {
        (1u64 << len) - 1
    } else {
        u64::MAX
    };
    st[w] = (st[w] & !(mask << b)) | (v & mask) << b;
    if b + len as usize > 64 {
        let spill = 64 - b;
        let m2 = mask >> spill;
        st[w + 1] = (st[w + 1] & !m2) | (v >> spill) & m2;
    }
}

#[inline]
fn low_mask(n: u32) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

/// A place in the state: a constant bit offset plus, per map lookup on the
/// way, the key's position times the entry's width.
pub struct Place {
    off: usize,
    keys: Vec<(X, Arc<Table>, usize)>,
    bits: u32,
}

/// A set stored in the state: its place, and its elements' table.
pub struct StateSet {
    place: Place,
    elems: Arc<Table>,
}

/// A compiled expression; evaluates to a code.
pub enum X {
    Const(u64),
    Local(usize),
    Load(Place, Conv),
    Not(Box<X>),
    And(Box<X>, Box<X>),
    Or(Box<X>, Box<X>),
    Implies(Box<X>, Box<X>),
    Eq(Box<X>, Box<X>),
    Ne(Box<X>, Box<X>),
    Arith(BinOp, Box<X>, Box<X>),
    Neg(Box<X>),
    If(Box<X>, Box<X>, Box<X>),
    Let(usize, Box<X>, Box<X>),
    /// A part of a composite code: shift, width, conversion.
    Part(Box<X>, u32, u32, Conv),
    /// A message field: the tag's width, and per variant having the field
    /// its tag, shift, width and conversion.
    MsgField(Box<X>, u32, Vec<(u64, u32, u32, Conv)>),
    /// `{ body for binders if filter }` as a mask over the result's table.
    SetComp(Box<Comp>),
    /// A wide set in locals (see `S::LetWide`): empty? has an element?
    WideEmpty(usize, usize),
    InWide(Box<X>, usize, Arc<Table>),
    /// Message variant test: tag width, tag, and (shift, width, code) tests.
    Is(Box<X>, u32, u64, Vec<(u32, u32, X, Conv)>),
    /// A composite value built from parts: constant bits, then each part's
    /// code stored at its shift.
    Build(u64, Vec<(X, Conv, u32)>),
    /// A small set of elements, as a mask over the element table.
    SetLit(Vec<X>, Arc<Table>),
    InMask(Box<X>, Box<X>, Arc<Table>),
    InState(Box<X>, StateSet),
    InRange(Box<X>, Box<X>, Box<X>),
    /// An element of a domain: is the code listed?
    InDomain(Box<X>, Arc<Table>),
    Union(Box<X>, Box<X>),
    Intersect(Box<X>, Box<X>),
    Minus(Box<X>, Box<X>),
    Subset(Box<X>, Box<X>),
    CardMask(Box<X>),
    CardState(StateSet),
    /// Least (`false`) or greatest element of a small set.
    MinMax(Box<X>, Arc<Table>, bool),
    /// A mask of the integers from one to the other, over their table.
    RangeMask(Box<X>, Box<X>, Arc<Table>),
    /// Sequences: the length's width, each element's width (and the
    /// conversion of the element type), the capacity.
    Len(Box<X>, u32),
    Head(Box<X>, u32, u32, Conv),
    Tail(Box<X>, u32, u32),
    Append(Box<X>, Box<X>, u32, u32, Conv, u64),
    Quant(Box<QuantX>),
    Choose(usize, Box<Iter>, Box<X>),
}

/// A set comprehension whose result has at most 64 possible elements.
pub struct Comp {
    binders: Vec<(usize, Iter)>,
    filter: Option<X>,
    body: X,
    table: Arc<Table>,
}

impl Comp {
    /// Sets the bit of every element (over `table`) in `m`.
    fn fill(&self, at: usize, st: &[u64], loc: &mut [u64], m: &mut [u64]) -> R<()> {
        let Some((slot, it)) = self.binders.get(at) else {
            if match &self.filter {
                Some(f) => f.holds(st, loc)?,
                None => true,
            } {
                let i = self.table.index(self.body.ev(st, loc)?)?;
                m[i / 64] |= 1 << (i % 64);
            }
            return Ok(());
        };
        each(it, st, loc, &mut |x, loc| {
            loc[*slot] = x;
            self.fill(at + 1, st, loc, m)?;
            Ok(false)
        })?;
        Ok(())
    }
}

/// A quantifier, with the plan of `eval.rs` (see `QuantPlan` there): the
/// leading conjuncts are tested as soon as their names are bound.
pub struct QuantX {
    forall: bool,
    binders: Vec<(usize, Iter)>,
    conjuncts: Vec<X>,
    ready: Vec<usize>,
    /// The body (unplanned), or what the conjuncts imply (planned `forall`).
    then: Option<X>,
    planned: bool,
    /// Planned: per name, whether binding it and on does not depend on the
    /// names before (see `independent`).
    independent: Vec<bool>,
}

/// What a name ranges over.
pub enum Iter {
    /// Every value of a type.
    Domain(Arc<Table>),
    Range(X, X),
    Mask(X, Arc<Table>),
    State(StateSet),
    /// A wide set in locals: first slot, words.
    Wide(usize, usize, Arc<Table>),
    /// The messages of one variant in a set stored in the state, with its
    /// leading fields fixed (see `Compiler::narrow`).
    Narrow(Box<Narrow>),
}

/// Where `m is V(a, b, _)` must hold for a name to matter, only the
/// positions of `V` messages whose first fields are `a` and `b` need be
/// visited: they are consecutive (see `Radix`).
pub struct Narrow {
    set: StateSet,
    /// The variant's first position and number of values.
    base: usize,
    len: usize,
    /// The fixed fields: value, conversion to its position, stride.
    fixed: Vec<(X, Conv, usize)>,
}

/// A compiled statement.
pub enum S {
    Require(X),
    Let(usize, X),
    /// `let l = { … }` of a set with more than 64 possible elements: its
    /// bits are kept in consecutive local slots (first, count).
    LetWide(usize, usize, Box<Comp>),
    Store(Place, Conv, X),
    /// Add (`true`) or remove elements of a set stored in the state.
    Elems(StateSet, Vec<X>, bool),
    MapStore(Box<MapStore>),
    If(X, Vec<S>, Vec<S>),
    Pick(Vec<(usize, Iter)>, Vec<S>),
    Either(Vec<Vec<S>>),
}

/// `place = [l in set -> body]` (after binding a function's parameters):
/// every value is computed before any is stored, and the set must list
/// the map's keys in order.
pub struct MapStore {
    place: Place,
    keys: Arc<Table>,
    stride: usize,
    conv: Conv,
    lets: Vec<(usize, X)>,
    slot: usize,
    iter: Iter,
    body: X,
}

/// The compiled parts of one action.
pub struct ActionX {
    /// The leading `require`s that compiled, in order (a prefix).
    pub guards: Vec<X>,
    /// The whole body, if it compiled.
    pub body: Option<Vec<S>>,
    /// Each parameter's values as codes, in order.
    pub params: Vec<Arc<Table>>,
}

pub struct Compiled {
    pub actions: Vec<Option<ActionX>>,
    pub invariants: Vec<Option<X>>,
    pub constraints: Vec<Option<X>>,
    pub terminals: Vec<Option<X>>,
    /// Local slots needed (the largest frame plus inlined functions).
    pub slots: usize,
}

struct Compiler<'p, 'm> {
    prog: &'p Program,
    doms: Domains<'p>,
    layouts: &'m [Layout],
    offsets: &'m [usize],
    tables: HashMap<Type, Arc<Table>>,
    /// Program local → slot, for the body being compiled.
    frame: Vec<usize>,
    /// Slots of locals holding wide sets: their first slot, words, table.
    wide: HashMap<usize, (usize, usize, Arc<Table>)>,
    next: usize,
    slots: usize,
    depth: usize,
    /// Expressions being compiled, one inside the other.
    nest: usize,
}

/// Compiles what it can of `prog`, given the model's layout.
pub fn compile(prog: &Program, layouts: &[Layout], offsets: &[usize]) -> Compiled {
    let mut c = Compiler {
        prog,
        doms: Domains::new(prog),
        layouts,
        offsets,
        tables: HashMap::new(),
        frame: Vec::new(),
        wide: HashMap::new(),
        next: 0,
        slots: 1,
        depth: 0,
        nest: 0,
    };
    let actions = prog.actions.iter().map(|a| c.action(a)).collect();
    let mut formulas = |fs: &[Formula]| -> Vec<Option<X>> {
        fs.iter()
            .map(|f| {
                c.enter(f.locals.len());
                c.bool_expr(&f.expr)
            })
            .collect()
    };
    let invariants = formulas(&prog.invariants);
    let constraints = formulas(&prog.constraints);
    let terminals = formulas(&prog.terminals);
    Compiled {
        actions,
        invariants,
        constraints,
        terminals,
        slots: c.slots,
    }
}

fn is_atomic(t: &Type) -> bool {
    matches!(
        t,
        Type::Bool | Type::Int(..) | Type::Enum(_) | Type::Scalar(_) | Type::AnyNode
    )
}

impl Compiler<'_, '_> {
    /// Starts a body with `n` locals in slots `0..n`.
    fn enter(&mut self, n: usize) {
        self.frame = (0..n).collect();
        self.wide.clear();
        self.next = n;
        self.slots = self.slots.max(n);
    }

    fn slot(&mut self) -> usize {
        self.next += 1;
        self.slots = self.slots.max(self.next);
        self.next - 1
    }

    fn local(&self, l: LocalId) -> Option<usize> {
        self.frame.get(l).copied()
    }

    fn layout(&mut self, t: &Type) -> Option<Layout> {
        Layout::new(t, &mut self.doms).ok()
    }

    /// The codes of every value of `t` (whose values must have codes).
    fn table(&mut self, t: &Type) -> Option<Arc<Table>> {
        if let Some(tb) = self.tables.get(t) {
            return Some(tb.clone());
        }
        let dom = self.doms.get(t).ok()?;
        let l = self.layout(t)?;
        let codes: Vec<u64> = dom
            .values
            .iter()
            .map(|v| code_of(v, &l))
            .collect::<Option<_>>()?;
        let mut tb = table(codes);
        if let Some(r) = Radix::new(&l)
            // Used only where it gives every listed value its position.
            && tb.codes.iter().enumerate().all(|(i, &c)| r.index(c).ok() == Some(i))
        {
            if matches!(tb.lookup, Lookup::Hash(_)) {
                tb.lookup = Lookup::Radix;
            }
            tb.radix = Some(r);
        }
        let tb = Arc::new(tb);
        self.tables.insert(t.clone(), tb.clone());
        Some(tb)
    }

    /// The conversion between a value of type `t` and its stored bits.
    fn conv(&mut self, t: &Type) -> Option<Conv> {
        let l = self.layout(t)?;
        conv_of(&l)
    }

    /// An action whose parameters have codes (else none of it compiles).
    fn action(&mut self, a: &Action) -> Option<ActionX> {
        let params = a.locals[..a.n_params]
            .iter()
            .map(|l| self.table(&l.ty))
            .collect::<Option<Vec<_>>>()?;
        self.enter(a.locals.len());
        let mut guards = Vec::new();
        for s in &a.body {
            let TStmt::Require(e) = s else { break };
            match self.bool_expr(e) {
                Some(x) => guards.push(x),
                None => break,
            }
        }
        let body = self.stmts(&a.body);
        Some(ActionX {
            guards,
            body,
            params,
        })
    }

    fn stmts(&mut self, ss: &[TStmt]) -> Option<Vec<S>> {
        ss.iter().map(|s| self.stmt(s)).collect()
    }

    fn stmt(&mut self, s: &TStmt) -> Option<S> {
        Some(match s {
            TStmt::Require(e) => S::Require(self.bool_expr(e)?),
            TStmt::Let(l, e) => match self.wide_comp(e) {
                Some((c, words)) => {
                    let base = self.next;
                    for _ in 0..words {
                        self.slot();
                    }
                    let tb = c.table.clone();
                    self.wide.insert(self.local(*l)?, (base, words, tb));
                    S::LetWide(base, words, Box::new(c))
                }
                None => S::Let(self.local(*l)?, self.expr(e)?),
            },
            TStmt::If(c, t, f) => S::If(self.bool_expr(c)?, self.stmts(t)?, self.stmts(f)?),
            TStmt::Pick(bs, body) => {
                let first = match body.first() {
                    Some(TStmt::Require(c)) => Some(c),
                    _ => None,
                };
                S::Pick(self.binders_if(bs, first)?, self.stmts(body)?)
            }
            TStmt::Either(arms) => {
                S::Either(arms.iter().map(|a| self.stmts(a)).collect::<Option<_>>()?)
            }
            TStmt::Assign(p, e) => self.assign(p, e)?,
        })
    }

    fn assign(&mut self, p: &crate::sema::program::Place, e: &TExpr) -> Option<S> {
        let path: Vec<Step<'_>> = p
            .path
            .iter()
            .map(|el| match el {
                PathElem::Index(k) => Step::Key(k),
                PathElem::Field(i) | PathElem::TupleField(i) => Step::Field(*i),
            })
            .collect();
        let (place, ty, layout) = self.place(p.var, &path)?;
        // `s = s union {…}` / `s = s minus {…}` on a set stored in place.
        if let TExprKind::Binary(op @ (BinOp::Union | BinOp::Minus), a, b) = &e.kind
            && let TExprKind::SetLit(es) = &b.kind
            && same_place(a, p)
            && let (Layout::Set(_), Type::Set(et)) = (&layout, &ty)
        {
            let elems = self.table(et)?;
            let xs = es
                .iter()
                .map(|x| self.expr_at(x, et))
                .collect::<Option<_>>()?;
            let set = StateSet { place, elems };
            return Some(S::Elems(set, xs, *op == BinOp::Union));
        }
        if layout.bits() > 64 {
            return self.map_store(place, &ty, layout, e);
        }
        let conv = conv_of(&layout)?;
        // An atomic value is checked against its place's type when stored
        // (`Conv::store`), a literal's parts when built; any other value
        // must have the place's type, so its code is valid there.
        if !is_atomic(&ty) && e.ty != ty && !is_literal(e) {
            return None;
        }
        let x = self.expr_at(e, &ty)?;
        Some(S::Store(place, conv, x))
    }

    /// A whole map too large for a code, assigned a comprehension (maybe
    /// through a function): stored entry by entry.
    fn map_store(&mut self, place: Place, ty: &Type, layout: Layout, e: &TExpr) -> Option<S> {
        let (Type::Map(kt, vt), Layout::Map { val, .. }) = (ty, layout) else {
            return None;
        };
        (val.bits() <= 64).then_some(())?;
        let keys = self.table(kt)?;
        let mut lets = Vec::new();
        let (slot, iter, body) = self.map_value(e, vt, &mut lets)?;
        Some(S::MapStore(Box::new(MapStore {
            place,
            keys,
            stride: val.bits() as usize,
            conv: conv_of(&val)?,
            lets,
            slot,
            iter,
            body,
        })))
    }

    fn map_value(
        &mut self,
        e: &TExpr,
        vt: &Type,
        lets: &mut Vec<(usize, X)>,
    ) -> Option<(usize, Iter, X)> {
        match &e.kind {
            TExprKind::MapComp(l, set, body) => {
                let vl = self.layout(vt)?;
                let ok = is_atomic(vt) || body.ty == *vt || is_literal(body);
                (ok && vl.bits() <= 64).then_some(())?;
                Some((self.local(*l)?, self.iter(set)?, self.expr_at(body, vt)?))
            }
            TExprKind::Call(f, args) => {
                self.inline(*f, args, lets, |c, body, lets| c.map_value(body, vt, lets))
            }
            _ => None,
        }
    }

    /// A place: a variable and a path of keys and fields; with the type
    /// and layout found there.
    fn place(&mut self, var: VarId, path: &[Step<'_>]) -> Option<(Place, Type, Layout)> {
        let mut off = self.offsets[var];
        let mut ty = self.prog.vars[var].ty.clone();
        let mut layout = self.layout(&ty)?;
        debug_assert_eq!(layout.bits(), self.layouts[var].bits());
        let mut keys = Vec::new();
        for st in path {
            match (st, layout, ty) {
                (Step::Key(k), Layout::Map { val, .. }, Type::Map(kt, vt)) => {
                    let tb = self.table(&kt)?;
                    let kx = self.expr_at(k, &kt)?;
                    keys.push((kx, tb, val.bits() as usize));
                    layout = *val;
                    ty = *vt;
                }
                (Step::Field(i), Layout::Fields(mut fs), Type::Record(ts)) => {
                    off += fs[..*i].iter().map(|f| f.bits() as usize).sum::<usize>();
                    layout = fs.swap_remove(*i);
                    ty = ts[*i].1.clone();
                }
                (Step::Field(i), Layout::Fields(mut fs), Type::Tuple(ts)) => {
                    off += fs[..*i].iter().map(|f| f.bits() as usize).sum::<usize>();
                    layout = fs.swap_remove(*i);
                    ty = ts[*i].clone();
                }
                _ => return None,
            }
        }
        let bits = layout.bits();
        Some((Place { off, keys, bits }, ty, layout))
    }

    /// The place an expression reads, if it is a variable with a path.
    fn expr_place(&mut self, e: &TExpr) -> Option<(Place, Type, Layout)> {
        let mut path = Vec::new();
        let mut at = e;
        loop {
            match &at.kind {
                TExprKind::Var(v) => {
                    path.reverse();
                    return self.place(*v, &path);
                }
                TExprKind::Index(b, k) if matches!(b.ty, Type::Map(..)) => {
                    path.push(Step::Key(k));
                    at = b;
                }
                TExprKind::Field(b, i) | TExprKind::TupleField(b, i) => {
                    path.push(Step::Field(*i));
                    at = b;
                }
                _ => return None,
            }
        }
    }

    /// A comprehension of a set with more than 64 (and at most
    /// `MAX_WIDE`) possible elements, and the words its bits take.
    fn wide_comp(&mut self, e: &TExpr) -> Option<(Comp, usize)> {
        let c = self.comp(e, 65..=MAX_WIDE)?;
        let words = c.table.codes.len().div_ceil(64);
        Some((c, words))
    }

    /// A set comprehension whose element type has a number of values in
    /// `sizes`.
    fn comp(&mut self, e: &TExpr, sizes: std::ops::RangeInclusive<usize>) -> Option<Comp> {
        let (TExprKind::SetComp(body, bs, filter), Type::Set(et)) = (&e.kind, &e.ty) else {
            return None;
        };
        let table = self.table(et)?;
        sizes.contains(&table.codes.len()).then_some(())?;
        let binders = self.binders_if(bs, filter.as_deref())?;
        let filter = match filter {
            Some(f) => Some(self.bool_expr(f)?),
            None => None,
        };
        let et = (**et).clone();
        let body = self.expr_at(body, &et)?;
        Some(Comp {
            binders,
            filter,
            body,
            table,
        })
    }

    /// The wide set a local holds, if it holds one.
    fn wide_local(&self, e: &TExpr) -> Option<(usize, usize, Arc<Table>)> {
        let TExprKind::Local(l) = &e.kind else {
            return None;
        };
        self.wide.get(&self.local(*l)?).cloned()
    }

    /// A set a name can range over, or be tested for membership in.
    fn iter(&mut self, e: &TExpr) -> Option<Iter> {
        if let Some((base, words, tb)) = self.wide_local(e) {
            return Some(Iter::Wide(base, words, tb));
        }
        let Type::Set(et) = &e.ty else { return None };
        if let TExprKind::AllOf(t) = &e.kind {
            return Some(Iter::Domain(self.table(t)?));
        }
        if let TExprKind::Range(a, b) = &e.kind {
            return Some(Iter::Range(self.expr(a)?, self.expr(b)?));
        }
        let elems = self.table(et)?;
        if let Some((place, _, Layout::Set(_))) = self.expr_place(e) {
            return Some(Iter::State(StateSet { place, elems }));
        }
        if elems.codes.len() <= 64 {
            return Some(Iter::Mask(self.expr(e)?, elems));
        }
        None
    }

    fn binders(&mut self, bs: &[(LocalId, TExpr)]) -> Option<Vec<(usize, Iter)>> {
        bs.iter()
            .map(|(l, set)| Some((self.local(*l)?, self.iter(set)?)))
            .collect()
    }

    /// The binders of a `pick`, quantifier or comprehension whose every
    /// binding is skipped unless `cond` holds (the first statement or
    /// conjunct, evaluated first): one name ranging over a set of messages
    /// stored in the state, and `cond` beginning with `name is V(…)`, only
    /// the `V` messages (with the fields given first) are visited.
    fn binders_if(
        &mut self,
        bs: &[(LocalId, TExpr)],
        cond: Option<&TExpr>,
    ) -> Option<Vec<(usize, Iter)>> {
        let mut binders = self.binders(bs)?;
        if let ([(l, set)], Some(c)) = (bs, cond)
            && let Some(n) = self.narrow(&binders[0].1, *l, set, c)
        {
            binders[0].1 = Iter::Narrow(Box::new(n));
        }
        Some(binders)
    }

    fn narrow(&mut self, it: &Iter, l: LocalId, set_e: &TExpr, cond: &TExpr) -> Option<Narrow> {
        let mut first = cond;
        while let TExprKind::Binary(BinOp::And, a, _) = &first.kind {
            first = a;
        }
        let TExprKind::Is(x, v, tests) = &first.kind else {
            return None;
        };
        let (TExprKind::Local(m), Iter::State(set)) = (&x.kind, it) else {
            return None;
        };
        let Some(r) = &set.elems.radix else {
            return None;
        };
        if *m != l || r.tag_bits == 0 {
            return None;
        }
        let (base, parts) = r.cases.get(*v)?;
        let len = parts.first().map_or(1, |p| p.2 as usize * p.3);
        let Layout::Msg { variants, .. } = self.layout(&Type::Message)? else {
            return None;
        };
        let mut fixed = Vec::new();
        for (j, t) in tests.iter().enumerate() {
            let Some(t) = t else { break };
            let fty = self.prog.variants[*v].fields[j].1.clone();
            fixed.push((
                self.expr_at(t, &fty)?,
                conv_of(&variants[*v][j])?,
                parts[j].3,
            ));
        }
        let set = StateSet {
            place: self.expr_place(set_e)?.0,
            elems: set.elems.clone(),
        };
        Some(Narrow {
            set,
            base: *base,
            len,
            fixed,
        })
    }

    fn bool_expr(&mut self, e: &TExpr) -> Option<X> {
        (e.ty == Type::Bool).then_some(())?;
        self.expr(e)
    }

    /// `e` as a code of type `t`: the same as `expr` where the codes of the
    /// two types agree (atomic types, equal types); a literal is built in
    /// `t`'s layout.
    fn expr_at(&mut self, e: &TExpr, t: &Type) -> Option<X> {
        if (e.ty == *t && !is_literal(e)) || (is_atomic(&e.ty) && is_atomic(t)) {
            return self.expr(e);
        }
        self.literal_at(e, t)
    }

    /// A literal (or a choice between them) built in `t`'s layout.
    fn literal_at(&mut self, e: &TExpr, t: &Type) -> Option<X> {
        if e.ty == *t && !is_literal(e) {
            return self.expr(e);
        }
        match (&e.kind, t) {
            (TExprKind::Record(es), Type::Record(fs)) if es.len() == fs.len() => {
                let ts: Vec<Type> = fs.iter().map(|(_, t)| t.clone()).collect();
                self.build_fields(es, &ts, t)
            }
            (TExprKind::Tuple(es), Type::Tuple(ts)) if es.len() == ts.len() => {
                self.build_fields(es, ts, t)
            }
            (TExprKind::NoneLit, Type::Option(_)) => Some(X::Const(0)),
            (TExprKind::Some(x), Type::Option(it)) => {
                let conv = self.conv(it)?;
                Some(X::Build(1, vec![(self.expr_at(x, it)?, conv, 1)]))
            }
            (TExprKind::SetLit(es), Type::Set(et)) => {
                let tb = self.table(et)?;
                (tb.codes.len() <= 64).then_some(())?;
                let xs = es
                    .iter()
                    .map(|x| self.expr_at(x, et))
                    .collect::<Option<_>>()?;
                Some(X::SetLit(xs, tb))
            }
            (TExprKind::SeqLit(es), Type::Seq(et, _)) => {
                let Layout::Seq {
                    cap,
                    len_bits,
                    elem,
                } = self.layout(t)?
                else {
                    return None;
                };
                (len_bits + cap * elem.bits() <= 64 && es.len() <= cap as usize).then_some(())?;
                let conv = conv_of(&elem)?;
                let mut parts = Vec::new();
                for (i, x) in es.iter().enumerate() {
                    let shift = len_bits + i as u32 * elem.bits();
                    parts.push((self.expr_at(x, et)?, conv.clone(), shift));
                }
                Some(X::Build(es.len() as u64, parts))
            }
            (TExprKind::If(c, a, b), _) => Some(X::If(
                Box::new(self.bool_expr(c)?),
                Box::new(self.expr_at(a, t)?),
                Box::new(self.expr_at(b, t)?),
            )),
            _ => None,
        }
    }

    fn build_fields(&mut self, es: &[TExpr], ts: &[Type], whole: &Type) -> Option<X> {
        let l = self.layout(whole)?;
        (l.bits() <= 64).then_some(())?;
        let mut parts = Vec::new();
        let mut shift = 0;
        for (e, t) in es.iter().zip(ts) {
            let fl = self.layout(t)?;
            parts.push((self.expr_at(e, t)?, conv_of(&fl)?, shift));
            shift += fl.bits();
        }
        Some(X::Build(0, parts))
    }

    fn bx(&mut self, e: &TExpr) -> Option<Box<X>> {
        self.expr(e).map(Box::new)
    }

    /// `e` compiled; computed now if it reads neither state nor names
    /// (a constant set such as `Majority()`).
    fn expr(&mut self, e: &TExpr) -> Option<X> {
        // Compiled trees are walked without stack checks: their depth is
        // bounded here (deeper ones, through nested calls, stay with the
        // value evaluator, which grows its stack).
        if self.nest >= MAX_NEST {
            return None;
        }
        self.nest += 1;
        let x = crate::parser::grow(|| self.expr_tree(e));
        self.nest -= 1;
        let x = x?;
        if !matches!(x, X::Const(_))
            && x.closed()
            && let Ok(c) = x.ev(&[], &mut [])
        {
            return Some(X::Const(c));
        }
        Some(x)
    }

    fn expr_tree(&mut self, e: &TExpr) -> Option<X> {
        use TExprKind as K;
        Some(match &e.kind {
            K::Bool(b) => X::Const(*b as u64),
            K::Int(n) => X::Const(*n as u64),
            K::Atom(a) => X::Const(*a as u64),
            K::Member(s, i) => X::Const((*s as u64) << 32 | *i as u64),
            K::NoneLit => X::Const(0),
            K::Local(l) => X::Local(self.local(*l)?),
            K::Var(_) | K::Index(..) | K::Field(..) | K::TupleField(..)
                if let Some((place, _, layout)) = self.expr_place(e)
                    && layout.bits() <= 64 =>
            {
                X::Load(place, conv_of(&layout)?)
            }
            K::Field(b, i) | K::TupleField(b, i) => {
                let Layout::Fields(fs) = self.layout(&b.ty)? else {
                    return None;
                };
                let shift = fs[..*i].iter().map(Layout::bits).sum();
                X::Part(self.bx(b)?, shift, fs[*i].bits(), conv_of(&fs[*i])?)
            }
            K::MsgField(b, found) => {
                let Layout::Msg {
                    tag_bits, variants, ..
                } = self.layout(&b.ty)?
                else {
                    return None;
                };
                // The variants having the field give it types whose codes
                // agree: atomic ones, or one and the same.
                let ty = &self.prog.variants[found.first()?.0].fields[found[0].1].1;
                let agree = |t: &Type| t == ty || (is_atomic(t) && is_atomic(ty));
                if !found
                    .iter()
                    .all(|(v, i)| agree(&self.prog.variants[*v].fields[*i].1))
                {
                    return None;
                }
                let mut cases = Vec::new();
                for (v, i) in found {
                    let fs = &variants[*v];
                    let shift = tag_bits + fs[..*i].iter().map(Layout::bits).sum::<u32>();
                    cases.push((*v as u64, shift, fs[*i].bits(), conv_of(&fs[*i])?));
                }
                X::MsgField(self.bx(b)?, tag_bits, cases)
            }
            K::Is(b, v, tests) => {
                let Layout::Msg {
                    tag_bits, variants, ..
                } = self.layout(&b.ty)?
                else {
                    return None;
                };
                let fs = &variants[*v];
                let mut checks = Vec::new();
                let mut shift = tag_bits;
                for (j, t) in tests.iter().enumerate() {
                    if let Some(t) = t {
                        let fty = self.prog.variants[*v].fields[j].1.clone();
                        let x = self.expr_at(t, &fty)?;
                        checks.push((shift, fs[j].bits(), x, conv_of(&fs[j])?));
                    }
                    shift += fs[j].bits();
                }
                X::Is(self.bx(b)?, tag_bits, *v as u64, checks)
            }
            K::Msg(v, es) => {
                let Layout::Msg { tag_bits, .. } = self.layout(&Type::Message)? else {
                    return None;
                };
                (self.layout(&Type::Message)?.bits() <= 64).then_some(())?;
                let ts: Vec<Type> = self.prog.variants[*v]
                    .fields
                    .iter()
                    .map(|(_, t)| t.clone())
                    .collect();
                let mut parts = Vec::new();
                let mut shift = tag_bits;
                for (e, t) in es.iter().zip(&ts) {
                    let fl = self.layout(t)?;
                    parts.push((self.expr_at(e, t)?, conv_of(&fl)?, shift));
                    shift += fl.bits();
                }
                X::Build(*v as u64, parts)
            }
            K::Record(_) | K::Tuple(_) | K::Some(_) | K::SetLit(_) | K::SeqLit(_) => {
                self.literal_at(e, &e.ty.clone())?
            }
            K::AllOf(t) => {
                let tb = self.table(t)?;
                (tb.codes.len() <= 64).then_some(())?;
                X::Const(low_mask(tb.codes.len() as u32))
            }
            K::Range(a, b) => {
                let Type::Set(et) = &e.ty else { return None };
                let tb = self.table(et)?;
                (tb.codes.len() <= 64).then_some(())?;
                X::RangeMask(self.bx(a)?, self.bx(b)?, tb)
            }
            K::Unary(UnOp::Not, x) => X::Not(self.bx(x)?),
            K::Unary(UnOp::Neg, x) => X::Neg(self.bx(x)?),
            K::Unary(..) => return None,
            K::Binary(op, a, b) => self.binary(*op, a, b)?,
            K::If(c, a, b) => X::If(Box::new(self.bool_expr(c)?), self.bx(a)?, self.bx(b)?),
            K::Let(l, v, body) => {
                let s = self.local(*l)?;
                X::Let(s, self.bx(v)?, self.bx(body)?)
            }
            K::Call(f, args) => self.call(*f, args)?,
            K::Builtin(b, args) => self.builtin(b, args, &e.ty)?,
            K::Quant(q, bs, body) => self.quant(*q, bs, body)?,
            K::SetComp(..) => X::SetComp(Box::new(self.comp(e, 0..=64)?)),
            K::Choose(l, set, pred) => X::Choose(
                self.local(*l)?,
                Box::new(self.iter(set)?),
                Box::new(self.bool_expr(pred)?),
            ),
            _ => return None,
        })
    }

    fn binary(&mut self, op: BinOp, a: &TExpr, b: &TExpr) -> Option<X> {
        Some(match op {
            BinOp::And => X::And(self.bx(a)?, self.bx(b)?),
            BinOp::Or => X::Or(self.bx(a)?, self.bx(b)?),
            BinOp::Implies => X::Implies(self.bx(a)?, self.bx(b)?),
            BinOp::Eq | BinOp::Ne => {
                // A wide set compared with `{}`.
                let empty = |e: &TExpr| matches!(&e.kind, TExprKind::SetLit(es) if es.is_empty());
                let wide = match (self.wide_local(a), self.wide_local(b)) {
                    (Some(w), None) if empty(b) => Some(w),
                    (None, Some(w)) if empty(a) => Some(w),
                    _ => None,
                };
                if let Some((base, words, _)) = wide {
                    let t = X::WideEmpty(base, words);
                    return Some(if op == BinOp::Eq {
                        t
                    } else {
                        X::Not(Box::new(t))
                    });
                }
                let (x, y) = if a.ty == b.ty || (is_atomic(&a.ty) && is_atomic(&b.ty)) {
                    (self.expr(a)?, self.expr(b)?)
                } else if is_literal(b) {
                    (self.expr(a)?, self.expr_at(b, &a.ty)?)
                } else if is_literal(a) {
                    (self.expr_at(a, &b.ty)?, self.expr(b)?)
                } else {
                    return None;
                };
                // Codes are equal exactly when values are, given one type.
                if !is_atomic(&a.ty) && self.layout(&a.ty)?.bits() > 64 {
                    return None;
                }
                if op == BinOp::Eq {
                    X::Eq(Box::new(x), Box::new(y))
                } else {
                    X::Ne(Box::new(x), Box::new(y))
                }
            }
            BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge
            | BinOp::Add
            | BinOp::Sub
            | BinOp::Mul
            | BinOp::Div
            | BinOp::Mod => {
                (matches!(a.ty, Type::Int(..)) && matches!(b.ty, Type::Int(..))).then_some(())?;
                X::Arith(op, self.bx(a)?, self.bx(b)?)
            }
            BinOp::In | BinOp::NotIn => {
                let Type::Set(et) = &b.ty else { return None };
                let et = et.clone();
                let x = Box::new(self.expr_at(a, &et)?);
                let t = match self.iter(b)? {
                    Iter::Wide(base, _, tb) => X::InWide(x, base, tb),
                    Iter::Domain(tb) => X::InDomain(x, tb),
                    Iter::Range(lo, hi) => X::InRange(x, Box::new(lo), Box::new(hi)),
                    Iter::Mask(m, tb) => X::InMask(x, Box::new(m), tb),
                    Iter::State(s) => X::InState(x, s),
                    Iter::Narrow(_) => return None,
                };
                if op == BinOp::In {
                    t
                } else {
                    X::Not(Box::new(t))
                }
            }
            BinOp::Union | BinOp::Intersect | BinOp::Minus | BinOp::Subset => {
                let Type::Set(et) = &e_ty(a, b)? else {
                    return None;
                };
                (self.table(et)?.codes.len() <= 64).then_some(())?;
                let t = e_ty(a, b)?;
                let (x, y) = (
                    Box::new(self.expr_at(a, &t)?),
                    Box::new(self.expr_at(b, &t)?),
                );
                match op {
                    BinOp::Union => X::Union(x, y),
                    BinOp::Intersect => X::Intersect(x, y),
                    BinOp::Minus => X::Minus(x, y),
                    _ => X::Subset(x, y),
                }
            }
            BinOp::LeadsTo => return None,
        })
    }

    fn call(&mut self, f: FnId, args: &[TExpr]) -> Option<X> {
        let mut lets = Vec::new();
        let mut out = self.inline(f, args, &mut lets, |c, body, _| c.expr(body))?;
        for (slot, x) in lets.into_iter().rev() {
            out = X::Let(slot, Box::new(x), Box::new(out));
        }
        Some(out)
    }

    /// Compiles function `f`'s body with `body`, called with `args`: its
    /// locals get fresh slots, and its parameters' slots and values are
    /// appended to `lets` (which `body` may extend), to be bound in order
    /// before the body runs (as the value evaluator binds them).
    fn inline<T>(
        &mut self,
        f: FnId,
        args: &[TExpr],
        lets: &mut Vec<(usize, X)>,
        body: impl FnOnce(&mut Self, &TExpr, &mut Vec<(usize, X)>) -> Option<T>,
    ) -> Option<T> {
        if self.depth >= MAX_INLINE {
            return None;
        }
        let func = &self.prog.functions[f];
        let mut xs = Vec::new();
        for a in args {
            xs.push(self.expr(a)?);
        }
        let saved = std::mem::take(&mut self.frame);
        let frame: Vec<usize> = (0..func.locals.len()).map(|_| self.slot()).collect();
        lets.extend(frame.iter().copied().zip(xs));
        self.frame = frame;
        self.depth += 1;
        let r = body(self, &func.body, lets);
        self.depth -= 1;
        self.frame = saved;
        r
    }

    fn builtin(&mut self, b: &Builtin, args: &[TExpr], ty: &Type) -> Option<X> {
        let a = args.first()?;
        Some(match b {
            Builtin::Card => match self.iter(a)? {
                Iter::Mask(m, _) => X::CardMask(Box::new(m)),
                Iter::State(s) => X::CardState(s),
                _ => return None,
            },
            Builtin::Min | Builtin::Max => match self.iter(a)? {
                Iter::Mask(m, tb) => X::MinMax(Box::new(m), tb, matches!(b, Builtin::Max)),
                _ => return None,
            },
            Builtin::IsSome | Builtin::IsNone => {
                let x = self.bx(a)?;
                let some = X::Part(x, 0, 1, Conv::Same);
                if matches!(b, Builtin::IsSome) {
                    some
                } else {
                    X::Not(Box::new(some))
                }
            }
            Builtin::Len | Builtin::Head | Builtin::Tail | Builtin::Append => {
                let Layout::Seq {
                    cap,
                    len_bits,
                    elem,
                } = self.layout(&a.ty)?
                else {
                    return None;
                };
                (len_bits + cap * elem.bits() <= 64).then_some(())?;
                let eb = elem.bits();
                let x = self.bx(a)?;
                match b {
                    Builtin::Len => X::Len(x, len_bits),
                    Builtin::Head => X::Head(x, len_bits, eb, conv_of(&elem)?),
                    // The result must be laid out as the argument is.
                    _ if *ty != a.ty => return None,
                    Builtin::Tail => X::Tail(x, len_bits, eb),
                    _ => {
                        let Type::Seq(et, _) = &a.ty else { return None };
                        let et = (**et).clone();
                        let y = Box::new(self.expr_at(args.get(1)?, &et)?);
                        X::Append(x, y, len_bits, eb, conv_of(&elem)?, cap as u64)
                    }
                }
            }
            _ => return None,
        })
    }

    fn quant(&mut self, q: Quant, bs: &[(LocalId, TExpr)], body: &TExpr) -> Option<X> {
        // `exists` needs the body, `forall` an implication's premise.
        let cond = match (q, &body.kind) {
            (Quant::Exists, _) => Some(body),
            (Quant::Forall, TExprKind::Binary(BinOp::Implies, a, _)) => Some(&**a),
            _ => None,
        };
        let binders = self.binders_if(bs, cond)?;
        let forall = q == Quant::Forall;
        let qx = match plan_for(q, bs, body) {
            Some((cs, ready, then)) => QuantX {
                forall,
                independent: independent(bs, &cs, &ready, then),
                binders,
                conjuncts: cs
                    .iter()
                    .map(|c| self.bool_expr(c))
                    .collect::<Option<_>>()?,
                ready,
                then: match then {
                    Some(t) => Some(self.bool_expr(t)?),
                    None => None,
                },
                planned: true,
            },
            None => QuantX {
                forall,
                binders,
                conjuncts: Vec::new(),
                ready: Vec::new(),
                then: Some(self.bool_expr(body)?),
                planned: false,
                independent: Vec::new(),
            },
        };
        Some(X::Quant(Box::new(qx)))
    }
}

/// For a planned quantifier: for each name after the first, whether what
/// is left to do once it is reached (the conjuncts not yet tested, the
/// implication's conclusion, the later names' sets) uses none of the names
/// before it. Then its outcome is the same for every binding of those, and
/// is computed once: `exists a, b in RM: P(a) and Q(b)` tests `Q` on each
/// `b` once, not once per `a` that has `P`.
fn independent(
    bs: &[(LocalId, TExpr)],
    cs: &[&TExpr],
    ready: &[usize],
    then: Option<&TExpr>,
) -> Vec<bool> {
    let uses = |e: &TExpr, names: &[(LocalId, TExpr)]| {
        let mut found = false;
        crate::sema::program::each_subexpr(e, &mut |x| {
            if let TExprKind::Local(l) = x.kind {
                found |= names.iter().any(|(n, _)| *n == l);
            }
        });
        found
    };
    (0..bs.len())
        .map(|i| {
            let outer = &bs[..i];
            i > 0
                && !cs[ready[i - 1]..].iter().any(|c| uses(c, outer))
                && !then.is_some_and(|t| uses(t, outer))
                && !bs[i..].iter().any(|(_, set)| uses(set, outer))
        })
        .collect()
}

/// The type of a binary set operation's operands, if they agree.
fn e_ty(a: &TExpr, b: &TExpr) -> Option<Type> {
    if a.ty == b.ty || is_literal(b) {
        Some(a.ty.clone())
    } else if is_literal(a) {
        Some(b.ty.clone())
    } else {
        None
    }
}

/// A literal that can be built in any layout of its shape.
fn is_literal(e: &TExpr) -> bool {
    matches!(
        e.kind,
        TExprKind::Record(_)
            | TExprKind::Tuple(_)
            | TExprKind::SetLit(_)
            | TExprKind::SeqLit(_)
            | TExprKind::NoneLit
            | TExprKind::Some(_)
    )
}

enum Step<'e> {
    Key(&'e TExpr),
    Field(usize),
}

/// Whether `e` reads exactly the place `p` (keys compared as written, when
/// they are names or constants).
fn same_place(e: &TExpr, p: &crate::sema::program::Place) -> bool {
    let mut at = e;
    let mut path = p.path.iter().rev();
    loop {
        match (&at.kind, path.next()) {
            (TExprKind::Var(v), None) => return *v == p.var,
            (TExprKind::Index(b, k), Some(PathElem::Index(k2))) if same_key(k, k2) => at = b,
            (
                TExprKind::Field(b, i) | TExprKind::TupleField(b, i),
                Some(PathElem::Field(j) | PathElem::TupleField(j)),
            ) if i == j => at = b,
            _ => return false,
        }
    }
}

fn same_key(a: &TExpr, b: &TExpr) -> bool {
    match (&a.kind, &b.kind) {
        (TExprKind::Local(x), TExprKind::Local(y)) => x == y,
        (TExprKind::Member(s, i), TExprKind::Member(t, j)) => s == t && i == j,
        (TExprKind::Atom(x), TExprKind::Atom(y)) => x == y,
        (TExprKind::Int(x), TExprKind::Int(y)) => x == y,
        (TExprKind::Bool(x), TExprKind::Bool(y)) => x == y,
        _ => false,
    }
}

// ---- running ----

impl Place {
    #[inline]
    fn offset(&self, st: &[u64], loc: &mut [u64]) -> R<usize> {
        let mut off = self.off;
        for (k, tb, stride) in &self.keys {
            let code = k.ev(st, loc)?;
            off += tb.index(code)? * stride;
        }
        Ok(off)
    }
}

impl StateSet {
    #[inline]
    fn contains(&self, code: u64, st: &[u64], loc: &mut [u64]) -> R<bool> {
        let off = self.place.offset(st, loc)?;
        let i = self.elems.index(code)?;
        Ok(get_bits(st, off + i, 1) == 1)
    }
}

/// The elements a name takes, in value order, as codes.
fn elements(it: &Iter, st: &[u64], loc: &mut [u64], out: &mut Vec<u64>) -> R<()> {
    each(it, st, loc, &mut |x, _| {
        out.push(x);
        Ok(false)
    })?;
    Ok(())
}

impl X {
    /// Whether this reads neither the state nor any local slot, so that
    /// its value is the same everywhere.
    fn closed(&self) -> bool {
        match self {
            X::Const(_) => true,
            X::Not(a) | X::Neg(a) | X::Len(a, _) | X::CardMask(a) => a.closed(),
            X::Part(a, ..) | X::MsgField(a, ..) | X::Head(a, ..) | X::Tail(a, ..) => a.closed(),
            X::MinMax(a, ..) | X::InDomain(a, _) => a.closed(),
            X::And(a, b)
            | X::Or(a, b)
            | X::Implies(a, b)
            | X::Eq(a, b)
            | X::Ne(a, b)
            | X::Arith(_, a, b)
            | X::Union(a, b)
            | X::Intersect(a, b)
            | X::Minus(a, b)
            | X::Subset(a, b)
            | X::InMask(a, b, _)
            | X::RangeMask(a, b, _)
            | X::Append(a, b, ..) => a.closed() && b.closed(),
            X::If(a, b, c) | X::InRange(a, b, c) => a.closed() && b.closed() && c.closed(),
            X::Build(_, parts) => parts.iter().all(|(x, ..)| x.closed()),
            X::SetLit(xs, _) => xs.iter().all(X::closed),
            X::Is(a, _, _, tests) => a.closed() && tests.iter().all(|(_, _, x, _)| x.closed()),
            // Anything that binds or reads a slot or the state.
            X::Local(_)
            | X::Load(..)
            | X::Let(..)
            | X::InState(..)
            | X::CardState(_)
            | X::SetComp(_)
            | X::WideEmpty(..)
            | X::InWide(..)
            | X::Quant(_)
            | X::Choose(..) => false,
        }
    }

    #[inline]
    pub fn holds(&self, st: &[u64], loc: &mut [u64]) -> R<bool> {
        Ok(self.ev(st, loc)? != 0)
    }

    pub fn ev(&self, st: &[u64], loc: &mut [u64]) -> R<u64> {
        Ok(match self {
            X::Const(c) => *c,
            X::Local(s) => loc[*s],
            X::Load(p, conv) => {
                let off = p.offset(st, loc)?;
                conv.load(get_bits(st, off, p.bits))
            }
            X::Not(x) => (x.ev(st, loc)? == 0) as u64,
            X::And(a, b) => (a.holds(st, loc)? && b.holds(st, loc)?) as u64,
            X::Or(a, b) => (a.holds(st, loc)? || b.holds(st, loc)?) as u64,
            X::Implies(a, b) => (!a.holds(st, loc)? || b.holds(st, loc)?) as u64,
            X::Eq(a, b) => (a.ev(st, loc)? == b.ev(st, loc)?) as u64,
            X::Ne(a, b) => (a.ev(st, loc)? != b.ev(st, loc)?) as u64,
            X::Arith(op, a, b) => {
                let (x, y) = (a.ev(st, loc)? as i64, b.ev(st, loc)? as i64);
                let r = match op {
                    BinOp::Add => x.checked_add(y),
                    BinOp::Sub => x.checked_sub(y),
                    BinOp::Mul => x.checked_mul(y),
                    BinOp::Div | BinOp::Mod if y == 0 => None,
                    BinOp::Div => x.checked_div_euclid(y),
                    BinOp::Mod => x.checked_rem_euclid(y),
                    BinOp::Lt => Some((x < y) as i64),
                    BinOp::Le => Some((x <= y) as i64),
                    BinOp::Gt => Some((x > y) as i64),
                    BinOp::Ge => Some((x >= y) as i64),
                    _ => None,
                };
                r.ok_or(Bail)? as u64
            }
            X::Neg(x) => (x.ev(st, loc)? as i64).checked_neg().ok_or(Bail)? as u64,
            X::If(c, a, b) => {
                if c.holds(st, loc)? {
                    a.ev(st, loc)?
                } else {
                    b.ev(st, loc)?
                }
            }
            X::Let(s, v, body) => {
                loc[*s] = v.ev(st, loc)?;
                body.ev(st, loc)?
            }
            X::Part(x, shift, bits, conv) => conv.load(x.ev(st, loc)? >> shift & low_mask(*bits)),
            X::MsgField(x, tag_bits, cases) => {
                let m = x.ev(st, loc)?;
                let tag = m & low_mask(*tag_bits);
                let (_, shift, bits, conv) = cases.iter().find(|c| c.0 == tag).ok_or(Bail)?;
                conv.load(m >> shift & low_mask(*bits))
            }
            X::SetComp(c) => {
                let mut m = [0];
                c.fill(0, st, loc, &mut m)?;
                m[0]
            }
            X::WideEmpty(base, words) => loc[*base..base + words].iter().all(|&w| w == 0) as u64,
            X::InWide(x, base, tb) => {
                let c = x.ev(st, loc)?;
                tb.index(c)
                    .is_ok_and(|i| loc[base + i / 64] >> (i % 64) & 1 == 1) as u64
            }
            X::Is(x, tag_bits, tag, tests) => {
                let m = x.ev(st, loc)?;
                if m & low_mask(*tag_bits) != *tag {
                    return Ok(0);
                }
                for (shift, bits, t, conv) in tests {
                    if conv.load(m >> shift & low_mask(*bits)) != t.ev(st, loc)? {
                        return Ok(0);
                    }
                }
                1
            }
            X::Build(c, parts) => {
                let mut v = *c;
                for (x, conv, shift) in parts {
                    v |= conv.store(x.ev(st, loc)?)? << shift;
                }
                v
            }
            X::SetLit(xs, tb) => {
                let mut m = 0;
                for x in xs {
                    m |= 1 << tb.index(x.ev(st, loc)?)?;
                }
                m
            }
            X::InMask(x, m, tb) => {
                let c = x.ev(st, loc)?;
                let m = m.ev(st, loc)?;
                tb.index(c).is_ok_and(|i| m >> i & 1 == 1) as u64
            }
            X::InState(x, s) => {
                let c = x.ev(st, loc)?;
                match s.elems.index(c) {
                    Ok(_) => s.contains(c, st, loc)? as u64,
                    Err(_) => 0,
                }
            }
            X::InRange(x, lo, hi) => {
                let c = x.ev(st, loc)? as i64;
                let (lo, hi) = (lo.ev(st, loc)? as i64, hi.ev(st, loc)? as i64);
                (lo <= c && c <= hi) as u64
            }
            X::InDomain(x, tb) => tb.index(x.ev(st, loc)?).is_ok() as u64,
            X::Union(a, b) => a.ev(st, loc)? | b.ev(st, loc)?,
            X::Intersect(a, b) => a.ev(st, loc)? & b.ev(st, loc)?,
            X::Minus(a, b) => a.ev(st, loc)? & !b.ev(st, loc)?,
            X::Subset(a, b) => {
                let (x, y) = (a.ev(st, loc)?, b.ev(st, loc)?);
                (x & !y == 0) as u64
            }
            X::CardMask(m) => m.ev(st, loc)?.count_ones() as u64,
            X::CardState(s) => {
                let off = s.place.offset(st, loc)?;
                let n = s.place.bits as usize;
                let mut c = 0u64;
                let mut i = 0;
                while i < n {
                    let len = (n - i).min(64) as u32;
                    c += get_bits(st, off + i, len).count_ones() as u64;
                    i += 64;
                }
                c
            }
            X::MinMax(m, tb, max) => {
                let m = m.ev(st, loc)?;
                if m == 0 {
                    return Err(Bail);
                }
                let i = if *max {
                    63 - m.leading_zeros()
                } else {
                    m.trailing_zeros()
                };
                tb.codes[i as usize]
            }
            X::RangeMask(lo, hi, tb) => {
                let (lo, hi) = (lo.ev(st, loc)? as i64, hi.ev(st, loc)? as i64);
                let mut m = 0u64;
                if lo <= hi {
                    if hi as i128 - lo as i128 >= 64 {
                        return Err(Bail);
                    }
                    for n in lo..=hi {
                        m |= 1 << tb.index(n as u64)?;
                    }
                }
                m
            }
            X::Len(x, lb) => x.ev(st, loc)? & low_mask(*lb),
            X::Head(x, lb, eb, conv) => {
                let v = x.ev(st, loc)?;
                if v & low_mask(*lb) == 0 {
                    return Err(Bail);
                }
                conv.load(v >> lb & low_mask(*eb))
            }
            X::Tail(x, lb, eb) => {
                let v = x.ev(st, loc)?;
                let n = v & low_mask(*lb);
                if n == 0 {
                    return Err(Bail);
                }
                (n - 1) | (v >> lb >> eb) << lb
            }
            X::Append(x, y, lb, eb, conv, cap) => {
                let v = x.ev(st, loc)?;
                let n = v & low_mask(*lb);
                if n >= *cap {
                    return Err(Bail);
                }
                let e = conv.store(y.ev(st, loc)?)?;
                (v + 1) | e << (*lb as u64 + n * *eb as u64)
            }
            X::Quant(q) => q.ev(st, loc)? as u64,
            X::Choose(l, it, pred) => {
                let mut xs = Vec::new();
                elements(it, st, loc, &mut xs)?;
                for x in xs {
                    loc[*l] = x;
                    if pred.holds(st, loc)? {
                        return Ok(x);
                    }
                }
                return Err(Bail);
            }
        })
    }
}

/// Calls `f` with each element, in value order, until it asks to stop
/// (returns `true`); whether it did.
fn each(
    it: &Iter,
    st: &[u64],
    loc: &mut [u64],
    f: &mut dyn FnMut(u64, &mut [u64]) -> R<bool>,
) -> R<bool> {
    match it {
        Iter::Domain(tb) => {
            for &c in &tb.codes {
                if f(c, loc)? {
                    return Ok(true);
                }
            }
        }
        Iter::Range(a, b) => {
            let (lo, hi) = (a.ev(st, loc)? as i64, b.ev(st, loc)? as i64);
            if hi >= lo && (hi as i128 - lo as i128) >= super::layout::MAX_DOMAIN as i128 {
                return Err(Bail);
            }
            for n in lo..=hi {
                if f(n as u64, loc)? {
                    return Ok(true);
                }
            }
        }
        Iter::Mask(m, tb) => {
            let mut m = m.ev(st, loc)?;
            while m != 0 {
                if f(tb.codes[m.trailing_zeros() as usize], loc)? {
                    return Ok(true);
                }
                m &= m - 1;
            }
        }
        Iter::Narrow(n) => {
            let mut start = n.base;
            let mut len = n.len;
            for (x, conv, stride) in &n.fixed {
                start += conv.store(x.ev(st, loc)?)? as usize * stride;
                len = *stride;
            }
            let off = n.set.place.offset(st, loc)? + start;
            let mut i = 0;
            while i < len {
                let chunk = (len - i).min(64) as u32;
                let mut w = get_bits(st, off + i, chunk);
                while w != 0 {
                    let at = start + i + w.trailing_zeros() as usize;
                    if f(n.set.elems.codes[at], loc)? {
                        return Ok(true);
                    }
                    w &= w - 1;
                }
                i += 64;
            }
        }
        Iter::Wide(base, words, tb) => {
            for k in 0..*words {
                let mut w = loc[base + k];
                while w != 0 {
                    if f(tb.codes[k * 64 + w.trailing_zeros() as usize], loc)? {
                        return Ok(true);
                    }
                    w &= w - 1;
                }
            }
        }
        Iter::State(s) => {
            let off = s.place.offset(st, loc)?;
            let n = s.place.bits as usize;
            let mut i = 0;
            while i < n {
                let len = (n - i).min(64) as u32;
                let mut w = get_bits(st, off + i, len);
                while w != 0 {
                    if f(s.elems.codes[i + w.trailing_zeros() as usize], loc)? {
                        return Ok(true);
                    }
                    w &= w - 1;
                }
                i += 64;
            }
        }
    }
    Ok(false)
}

impl QuantX {
    fn ev(&self, st: &[u64], loc: &mut [u64]) -> R<bool> {
        let mut known: smallvec::SmallVec<[Option<bool>; 4]> =
            smallvec::smallvec![None; self.binders.len()];
        self.bind(0, 0, st, loc, &mut known)
    }

    /// Binds name `at` and on, the first `done` conjuncts having held;
    /// `known` keeps the outcome from `at` on where it does not depend on
    /// the names before.
    fn bind(
        &self,
        at: usize,
        done: usize,
        st: &[u64],
        loc: &mut [u64],
        known: &mut [Option<bool>],
    ) -> R<bool> {
        if let Some(&Some(r)) = known.get(at) {
            return Ok(r);
        }
        let r = self.bind_each(at, done, st, loc, known)?;
        if self.independent.get(at) == Some(&true) {
            known[at] = Some(r);
        }
        Ok(r)
    }

    fn bind_each(
        &self,
        at: usize,
        done: usize,
        st: &[u64],
        loc: &mut [u64],
        known: &mut [Option<bool>],
    ) -> R<bool> {
        let Some((slot, it)) = self.binders.get(at) else {
            return match &self.then {
                Some(t) => t.holds(st, loc),
                None => Ok(true),
            };
        };
        let upto = if self.planned { self.ready[at] } else { 0 };
        let stopped = each(it, st, loc, &mut |x, loc| {
            loc[*slot] = x;
            let mut holds = true;
            for c in &self.conjuncts[done..upto] {
                if !c.holds(st, loc)? {
                    holds = false;
                    break;
                }
            }
            // A false conjunct settles every binding below: `exists`
            // finds nothing there, and `forall`'s implication holds.
            let r = if holds {
                self.bind(at + 1, upto, st, loc, known)?
            } else {
                self.forall
            };
            Ok(r != self.forall)
        })?;
        Ok(stopped != self.forall)
    }
}

/// What follows the statements being run.
enum Cont<'a> {
    Done,
    Then(&'a [S], &'a Cont<'a>),
}

/// Runs an action body on a copy of the state; appends each successor's
/// words to `out`.
pub fn run_body(body: &[S], st: &mut [u64], loc: &mut [u64], out: &mut Vec<u64>) -> R<()> {
    run(body, &Cont::Done, st, loc, out)
}

fn leading(body: &[S], st: &[u64], loc: &mut [u64]) -> R<Option<usize>> {
    let mut from = 0;
    while let Some(S::Require(c)) = body.get(from) {
        if !c.holds(st, loc)? {
            return Ok(None);
        }
        from += 1;
    }
    Ok(Some(from))
}

fn run(stmts: &[S], k: &Cont, st: &mut [u64], loc: &mut [u64], out: &mut Vec<u64>) -> R<()> {
    for (i, s) in stmts.iter().enumerate() {
        match s {
            S::Require(c) => {
                if !c.holds(st, loc)? {
                    return Ok(());
                }
            }
            S::Let(l, x) => loc[*l] = x.ev(st, loc)?,
            S::LetWide(base, words, c) => {
                let mut m = vec![0u64; *words];
                c.fill(0, st, loc, &mut m)?;
                loc[*base..base + words].copy_from_slice(&m);
            }
            S::Store(p, conv, x) => {
                let v = conv.store(x.ev(st, loc)?)?;
                let off = p.offset(st, loc)?;
                put_bits(st, off, p.bits, v);
            }
            S::Elems(set, xs, add) => {
                // Every element is computed on the state as it was (the
                // value evaluator computes the whole new set first).
                let mut at: smallvec::SmallVec<[usize; 4]> = smallvec::SmallVec::new();
                for x in xs {
                    at.push(set.elems.index(x.ev(st, loc)?)?);
                }
                let off = set.place.offset(st, loc)?;
                for i in at {
                    put_bits(st, off + i, 1, *add as u64);
                }
            }
            S::MapStore(m) => {
                for (l, x) in &m.lets {
                    loc[*l] = x.ev(st, loc)?;
                }
                let mut keys = Vec::with_capacity(m.keys.codes.len());
                elements(&m.iter, st, loc, &mut keys)?;
                if keys != m.keys.codes {
                    return Err(Bail);
                }
                let mut vals = Vec::with_capacity(keys.len());
                for k in keys {
                    loc[m.slot] = k;
                    vals.push(m.conv.store(m.body.ev(st, loc)?)?);
                }
                let off = m.place.offset(st, loc)?;
                for (i, v) in vals.into_iter().enumerate() {
                    put_bits(st, off + i * m.stride, m.stride as u32, v);
                }
            }
            S::If(c, t, f) => {
                let branch = if c.holds(st, loc)? { t } else { f };
                return run(branch, &Cont::Then(&stmts[i + 1..], k), st, loc, out);
            }
            S::Pick(binders, body) => {
                let rest = Cont::Then(&stmts[i + 1..], k);
                return pick(binders, body, &rest, st, loc, out);
            }
            S::Either(arms) => {
                let rest = Cont::Then(&stmts[i + 1..], k);
                for arm in arms {
                    let Some(from) = leading(arm, st, loc)? else {
                        continue;
                    };
                    let mut s2 = st.to_vec();
                    let mut l2 = loc.to_vec();
                    run(&arm[from..], &rest, &mut s2, &mut l2, out)?;
                }
                return Ok(());
            }
        }
    }
    match k {
        Cont::Done => {
            out.extend_from_slice(st);
            Ok(())
        }
        Cont::Then(rest, k2) => run(rest, k2, st, loc, out),
    }
}

fn pick(
    binders: &[(usize, Iter)],
    body: &[S],
    k: &Cont,
    st: &[u64],
    loc: &mut [u64],
    out: &mut Vec<u64>,
) -> R<()> {
    // Each choice that passes its leading guards runs on a copy of the
    // state and locals; the copies' buffers are reused from choice to
    // choice.
    let (mut s2, mut l2) = (Vec::new(), Vec::new());
    pick_from(binders, 0, body, k, st, loc, out, &mut s2, &mut l2)
}

#[allow(clippy::too_many_arguments)]
fn pick_from(
    binders: &[(usize, Iter)],
    at: usize,
    body: &[S],
    k: &Cont,
    st: &[u64],
    loc: &mut [u64],
    out: &mut Vec<u64>,
    s2: &mut Vec<u64>,
    l2: &mut Vec<u64>,
) -> R<()> {
    let Some((slot, it)) = binders.get(at) else {
        let Some(from) = leading(body, st, loc)? else {
            return Ok(());
        };
        s2.clear();
        s2.extend_from_slice(st);
        l2.clear();
        l2.extend_from_slice(loc);
        return run(&body[from..], k, s2, l2, out);
    };
    each(it, st, loc, &mut |x, loc| {
        loc[*slot] = x;
        pick_from(binders, at + 1, body, k, st, loc, out, s2, l2)?;
        Ok(false)
    })?;
    Ok(())
}
