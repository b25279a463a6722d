//! The typed, resolved, desugared program: what the rest of kripke sees.
//!
//! Every name is resolved to an index: state variables to [`VarId`] slots,
//! bound names to per-body [`LocalId`] slots, functions, message variants,
//! atoms and set members to numbers. Node blocks, messages and networks are
//! gone: a node-local variable is a map keyed by node, a handler is an action
//! with a guard on the network variable, `send` is an assignment. Every
//! variable's type is finite with a known size. Nothing here needs a string
//! lookup to evaluate; names are kept only for printing.

use super::types::{AtomId, SetId, Type, TypeEnv};
use crate::diag::Span;
use crate::parser::ast::{BinOp, Fairness, Quant, UnOp};

pub type VarId = usize;
pub type LocalId = usize;
pub type FnId = usize;
pub type VariantId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    /// `nodes RM = …`
    Nodes,
    /// `node TM`: a set of one node, named like the node.
    Single,
    /// `values V = …`: model values that are not nodes.
    Values,
}

#[derive(Clone, Debug)]
pub struct ScalarSet {
    pub name: String,
    pub kind: SetKind,
    pub members: Vec<String>,
    pub symmetric: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Variant {
    pub name: String,
    pub fields: Vec<(String, Type)>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Builtin {
    Card,
    Powerset,
    Min,
    Max,
    Head,
    Tail,
    Append,
    Len,
    IsSome,
    IsNone,
    Get,
    Keys,
}

impl Builtin {
    pub fn name(&self) -> &'static str {
        match self {
            Builtin::Card => "card",
            Builtin::Powerset => "powerset",
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::Head => "head",
            Builtin::Tail => "tail",
            Builtin::Append => "append",
            Builtin::Len => "len",
            Builtin::IsSome => "is_some",
            Builtin::IsNone => "is_none",
            Builtin::Get => "get",
            Builtin::Keys => "keys",
        }
    }
    pub fn from_name(s: &str) -> Option<Builtin> {
        Some(match s {
            "card" => Builtin::Card,
            "powerset" => Builtin::Powerset,
            "min" => Builtin::Min,
            "max" => Builtin::Max,
            "head" => Builtin::Head,
            "tail" => Builtin::Tail,
            "append" => Builtin::Append,
            "len" => Builtin::Len,
            "is_some" => Builtin::IsSome,
            "is_none" => Builtin::IsNone,
            "get" => Builtin::Get,
            "keys" => Builtin::Keys,
            _ => return None,
        })
    }
    pub const ALL: &'static [&'static str] = &[
        "card", "powerset", "min", "max", "head", "tail", "append", "len", "is_some", "is_none",
        "get", "keys",
    ];
}

#[derive(Clone, Debug)]
pub struct TExpr {
    pub kind: TExprKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TExprKind {
    Bool(bool),
    Int(i64),
    Atom(AtomId),
    /// Member `index` of a scalar set.
    Member(SetId, u32),
    NoneLit,
    /// Every value of a finite type, as a set (`RM`, an enum name, `Message`).
    AllOf(Type),
    Var(VarId),
    Local(LocalId),
    Some(Box<TExpr>),
    Unary(UnOp, Box<TExpr>),
    Binary(BinOp, Box<TExpr>, Box<TExpr>),
    Range(Box<TExpr>, Box<TExpr>),
    Call(FnId, Vec<TExpr>),
    Builtin(Builtin, Vec<TExpr>),
    /// Map lookup or sequence index (0-based), by the base's type.
    Index(Box<TExpr>, Box<TExpr>),
    /// Record field, by position in the record type.
    Field(Box<TExpr>, usize),
    TupleField(Box<TExpr>, usize),
    /// A message field: for each variant that has it, its position.
    MsgField(Box<TExpr>, Vec<(VariantId, usize)>),
    Tuple(Vec<TExpr>),
    Record(Vec<TExpr>),
    Msg(VariantId, Vec<TExpr>),
    SetLit(Vec<TExpr>),
    SeqLit(Vec<TExpr>),
    MapLit(Vec<(TExpr, TExpr)>),
    MapComp(LocalId, Box<TExpr>, Box<TExpr>),
    /// `{ body for l1 in S1, l2 in S2 if filter }`
    SetComp(Box<TExpr>, Vec<(LocalId, TExpr)>, Option<Box<TExpr>>),
    If(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    Let(LocalId, Box<TExpr>, Box<TExpr>),
    Quant(Quant, Vec<(LocalId, TExpr)>, Box<TExpr>),
    /// Variant test with optional equality tests on fields (`None` = `_`).
    Is(Box<TExpr>, VariantId, Vec<Option<TExpr>>),
    /// The least element (in value order) of the set satisfying the
    /// condition; an evaluation error if there is none.
    Choose(LocalId, Box<TExpr>, Box<TExpr>),
}

/// A place that can be assigned: a variable, then map keys, fields, indices.
#[derive(Clone, Debug)]
pub struct Place {
    pub var: VarId,
    pub path: Vec<PathElem>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum PathElem {
    Index(TExpr),
    Field(usize),
    TupleField(usize),
}

#[derive(Clone, Debug)]
pub enum TStmt {
    Require(TExpr),
    Assign(Place, TExpr),
    If(TExpr, Vec<TStmt>, Vec<TStmt>),
    /// One successor per binding of the locals (none if a set is empty).
    Pick(Vec<(LocalId, TExpr)>, Vec<TStmt>),
    /// One successor per arm that completes.
    Either(Vec<Vec<TStmt>>),
    Let(LocalId, TExpr),
}

#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum VarOrigin {
    /// A top-level `var`.
    User,
    /// A `var` in a `node` block over a node set: a map keyed by node.
    NodeLocal(SetId),
    /// A `var` in the block of a single node.
    SingleNode(SetId),
    /// The state of a `network`.
    Network(usize),
}

#[derive(Clone, Debug)]
pub enum InitKind {
    Value,
    /// Any element of the set: one initial state per element.
    OneOf,
}

#[derive(Clone, Debug)]
pub struct Var {
    /// As printed: `x`, `RM.state`, `TM.prepared`, `msgs`.
    pub name: String,
    pub ty: Type,
    pub origin: VarOrigin,
    pub init_kind: InitKind,
    /// The initial value (or set of values); for a node-local variable this is
    /// per node, with `self` in local 0, and ranges over the node set.
    pub init: TExpr,
    pub init_locals: Vec<Local>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ActionOrigin {
    User,
    /// `on Variant(…)` handler; the guard and the receipt are in the body.
    Handler(VariantId, usize),
    /// A lossy network's drop step.
    Lose(usize),
    /// A duplicating network's copy step.
    Duplicate(usize),
    /// A step added by a fault declaration (`crash`, `partition`).
    Fault(crate::parser::ast::FaultStep),
}

#[derive(Clone, Debug)]
pub struct Action {
    /// As printed: `Decide`, `RM.Prepare`, `TM.on Prepared`.
    pub name: String,
    /// The node set whose members take this step; `self` is then local 0.
    pub node: Option<SetId>,
    /// Parameters are the first locals (after `self`); each ranges over its type.
    pub n_params: usize,
    pub locals: Vec<Local>,
    pub body: Vec<TStmt>,
    pub fairness: Fairness,
    pub origin: ActionOrigin,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub n_params: usize,
    pub locals: Vec<Local>,
    pub ret: Type,
    pub body: TExpr,
    pub span: Span,
}

/// An invariant, property or constraint: a named expression with its locals.
#[derive(Clone, Debug)]
pub struct Formula {
    pub name: String,
    pub expr: TExpr,
    pub locals: Vec<Local>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Expect {
    pub name: String,
    pub holds: bool,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetKind {
    Set,
    Bag,
    Fifo,
}

#[derive(Clone, Debug)]
pub struct Network {
    pub name: String,
    pub kind: NetKind,
    pub var: VarId,
    pub capacity: Option<u32>,
    pub loss: bool,
    pub duplication: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Const {
    pub name: String,
    pub value: ConstValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    Int(i64),
    Bool(bool),
}

#[derive(Clone, Debug, Default)]
pub struct Program {
    pub name: String,
    pub consts: Vec<Const>,
    pub atoms: Vec<String>,
    pub sets: Vec<ScalarSet>,
    pub variants: Vec<Variant>,
    pub networks: Vec<Network>,
    pub vars: Vec<Var>,
    pub functions: Vec<Function>,
    pub actions: Vec<Action>,
    pub invariants: Vec<Formula>,
    pub properties: Vec<Formula>,
    pub constraints: Vec<Formula>,
    /// `terminal` predicates: a state with no step is a deadlock unless one holds.
    pub terminals: Vec<Formula>,
    pub expects: Vec<Expect>,
    /// The spec's text, which spans point into (for explanations that
    /// quote the spec); empty where a program is built without one.
    pub source: std::sync::Arc<str>,
}

impl TypeEnv for Program {
    fn atom_name(&self, a: AtomId) -> &str {
        &self.atoms[a as usize]
    }
    fn set_name(&self, s: SetId) -> &str {
        &self.sets[s].name
    }
    fn set_size(&self, s: SetId) -> usize {
        self.sets[s].members.len()
    }
    fn is_node_set(&self, s: SetId) -> bool {
        self.sets[s].kind != SetKind::Values
    }
    fn node_count(&self) -> usize {
        self.sets
            .iter()
            .filter(|s| s.kind != SetKind::Values)
            .map(|s| s.members.len())
            .sum()
    }
    fn message_count(&self) -> Option<u128> {
        self.variants.iter().try_fold(0u128, |acc, v| {
            let n = v
                .fields
                .iter()
                .try_fold(1u128, |p, (_, t)| p.checked_mul(t.size(self)?))?;
            acc.checked_add(n)
        })
    }
}

impl Program {
    /// log2 of the number of valuations of all variables: an upper bound on
    /// the state space, for the `lint` summary.
    pub fn state_space_log2(&self) -> Option<f64> {
        self.vars.iter().map(|v| v.ty.log2_size(self)).sum()
    }
}

/// Calls `f` on `e` and on every expression inside it, outer first.
pub fn each_subexpr<'e>(e: &'e TExpr, f: &mut dyn FnMut(&'e TExpr)) {
    f(e);
    let mut go = |x: &'e TExpr| each_subexpr(x, f);
    match &e.kind {
        TExprKind::AllOf(_)
        | TExprKind::Bool(_)
        | TExprKind::Int(_)
        | TExprKind::Atom(_)
        | TExprKind::Member(..)
        | TExprKind::NoneLit
        | TExprKind::Var(_)
        | TExprKind::Local(_) => {}
        TExprKind::Some(x)
        | TExprKind::Unary(_, x)
        | TExprKind::Field(x, _)
        | TExprKind::TupleField(x, _)
        | TExprKind::MsgField(x, _) => go(x),
        TExprKind::Binary(_, a, b)
        | TExprKind::Range(a, b)
        | TExprKind::Index(a, b)
        | TExprKind::Let(_, a, b) => {
            go(a);
            go(b);
        }
        TExprKind::MapComp(_, a, b) | TExprKind::Choose(_, a, b) => {
            go(a);
            go(b);
        }
        TExprKind::Call(_, xs)
        | TExprKind::Builtin(_, xs)
        | TExprKind::Tuple(xs)
        | TExprKind::Record(xs)
        | TExprKind::Msg(_, xs)
        | TExprKind::SetLit(xs)
        | TExprKind::SeqLit(xs) => xs.iter().for_each(go),
        TExprKind::MapLit(ps) => ps.iter().for_each(|(k, v)| {
            go(k);
            go(v);
        }),
        TExprKind::SetComp(b, bs, f) => {
            go(b);
            bs.iter().for_each(|(_, s)| go(s));
            if let Some(f) = f {
                go(f);
            }
        }
        TExprKind::If(c, a, b) => {
            go(c);
            go(a);
            go(b);
        }
        TExprKind::Quant(_, bs, b) => {
            bs.iter().for_each(|(_, s)| go(s));
            go(b);
        }
        TExprKind::Is(x, _, tests) => {
            go(x);
            tests.iter().flatten().for_each(go);
        }
    }
}

/// Whether evaluating `e` reads a state variable (directly or in a
/// function it calls; functions do not recurse).
pub fn reads_state(prog: &Program, e: &TExpr) -> bool {
    let mut reads = false;
    each_subexpr(e, &mut |x| match &x.kind {
        TExprKind::Var(_) => reads = true,
        TExprKind::Call(f, _) => {
            reads |= prog
                .functions
                .get(*f)
                .is_some_and(|g| reads_state(prog, &g.body))
        }
        _ => {}
    });
    reads
}

/// A property's shape, one level down: how it splits (`and`, `forall`) or
/// which checked form it is. The one definition of the fragment that the
/// front end checks and the liveness checker decides.
pub enum Temporal<'e> {
    And(&'e TExpr, &'e TExpr),
    Forall(&'e [(LocalId, TExpr)], &'e TExpr),
    /// `always P`
    Always(&'e TExpr),
    /// `eventually P`
    Eventually(&'e TExpr),
    /// `always eventually P`
    AlwaysEventually(&'e TExpr),
    /// `eventually always P`
    EventuallyAlways(&'e TExpr),
    /// `P leads_to Q`
    LeadsTo(&'e TExpr, &'e TExpr),
}

/// The shape of `e`, or `None` outside the fragment.
pub fn temporal(e: &TExpr) -> Option<Temporal<'_>> {
    use crate::parser::ast::{BinOp, Quant, UnOp};
    let state = |x: &TExpr| x.ty != Type::Temporal;
    let is_temporal = e.ty == Type::Temporal;
    Some(match &e.kind {
        TExprKind::Binary(BinOp::And, a, b) if is_temporal => Temporal::And(a, b),
        TExprKind::Quant(Quant::Forall, bs, body) if is_temporal => Temporal::Forall(bs, body),
        TExprKind::Unary(UnOp::Always, x) => match &x.kind {
            TExprKind::Unary(UnOp::Eventually, p) if state(p) => Temporal::AlwaysEventually(p),
            _ if state(x) => Temporal::Always(x),
            _ => return None,
        },
        TExprKind::Unary(UnOp::Eventually, x) => match &x.kind {
            TExprKind::Unary(UnOp::Always, p) if state(p) => Temporal::EventuallyAlways(p),
            _ if state(x) => Temporal::Eventually(x),
            _ => return None,
        },
        TExprKind::Binary(BinOp::LeadsTo, p, q) => Temporal::LeadsTo(p, q),
        _ => return None,
    })
}
