//! The syntax tree, exactly as written, with a span on every node.
//!
//! Nothing here is resolved or typed: names are strings, types are as spelled.
//! The parser guarantees that no tree is deeper than
//! [`MAX_NESTING`](super::MAX_NESTING), so later passes may recurse freely.

use crate::diag::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Default)]
pub struct SpecFile {
    pub name: Option<Ident>,
    pub items: Vec<Item>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fairness {
    None,
    Weak,
    Strong,
}

/// The steps fault declarations add, which traces name in their own way
/// (`crash TM`, `partition {r1} | {r2, r3}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultStep {
    Crash,
    Recover,
    Partition,
    Heal,
}

#[derive(Debug)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
}

/// Members of a node or value set: listed by name, or a count.
#[derive(Debug)]
pub enum Members {
    Names(Vec<Ident>),
    Count(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    Nodes,
    Values,
}

#[derive(Debug)]
pub enum VarInit {
    /// `= e`: one initial value.
    Value(Expr),
    /// `in S`: any element of S (one initial state per element).
    OneOf(Expr),
}

#[derive(Debug)]
pub struct NetOption {
    pub name: Ident,
    pub value: Option<Expr>,
}

#[derive(Debug)]
pub enum ItemKind {
    Const {
        name: Ident,
        ty: Option<TypeExpr>,
        value: Expr,
    },
    Enum {
        name: Ident,
        members: Vec<Ident>,
    },
    Set {
        kind: SetKind,
        name: Ident,
        members: Members,
        symmetric: bool,
    },
    /// `node N` (a single node) or `node N { … }` (per-node vars and actions).
    Node {
        name: Ident,
        body: Option<Vec<Item>>,
    },
    Message {
        name: Ident,
        fields: Vec<Param>,
    },
    Network {
        name: Ident,
        kind: Ident,
        msg: TypeExpr,
        options: Vec<NetOption>,
    },
    Var {
        name: Ident,
        ty: TypeExpr,
        init: Option<VarInit>,
        /// `durable var`: survives a crash with recovery.
        durable: bool,
    },
    Fn {
        name: Ident,
        params: Vec<Param>,
        ret: TypeExpr,
        body: Expr,
    },
    Action {
        fairness: Fairness,
        name: Ident,
        params: Vec<Param>,
        body: Block,
        /// Set on the steps a fault declaration adds (`stdlib::faults`).
        fault: Option<FaultStep>,
    },
    On {
        fairness: Fairness,
        msg: Ident,
        binds: Vec<Ident>,
        network: Option<Ident>,
        body: Block,
    },
    Invariant {
        name: Ident,
        expr: Expr,
    },
    Property {
        name: Ident,
        expr: Expr,
    },
    Constraint {
        name: Option<Ident>,
        expr: Expr,
    },
    Expect {
        name: Ident,
        holds: bool,
    },
    /// `terminal expr`: states where stopping is not a deadlock.
    Terminal {
        expr: Expr,
    },
    /// `crash N [up to K]`: members of node (set) N may crash, and then take
    /// no further step (see `stdlib::faults`).
    Crash {
        node: Ident,
        limit: Option<Expr>,
        recover: bool,
    },
    /// `partition [with heal]`: the nodes may split into two groups that
    /// cannot reach each other (see `stdlib::faults`).
    Partition {
        heal: bool,
    },
}

#[derive(Debug)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    /// `bool`, `int`, `Node`, `Message`, an enum or set name.
    Named(Ident),
    /// `lo..hi`
    Range(Box<Expr>, Box<Expr>),
    /// `{a, b, c}`: an enumeration written in place.
    InlineEnum(Vec<Ident>),
    Record(Vec<(Ident, TypeExpr)>),
    Tuple(Vec<TypeExpr>),
    /// `set<T>`, `map<K, V>`, `seq<T, N>`, `option<T>`, …
    Generic(Ident, Vec<TypeArg>),
}

#[derive(Clone, Debug)]
pub enum TypeArg {
    Type(TypeExpr),
    Bound(Expr),
}

#[derive(Clone, Debug)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Implies,
    In,
    NotIn,
    Subset,
    Union,
    Intersect,
    Minus,
    LeadsTo,
}

impl BinOp {
    pub fn text(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Implies => "implies",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Subset => "subset",
            BinOp::Union => "union",
            BinOp::Intersect => "intersect",
            BinOp::Minus => "minus",
            BinOp::LeadsTo => "leads_to",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
    Always,
    Eventually,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quant {
    Forall,
    Exists,
}

/// `x, y in S`: names bound to each element of a set.
#[derive(Clone, Debug)]
pub struct Binder {
    pub names: Vec<Ident>,
    pub set: Expr,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Int(i64),
    Bool(bool),
    Name(String),
    SelfRef,
    NoneLit,
    Some(Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Range(Box<Expr>, Box<Expr>),
    Call(Ident, Vec<Expr>),
    Index(Box<Expr>, Box<Expr>),
    Field(Box<Expr>, Ident),
    TupleField(Box<Expr>, usize, Span),
    Tuple(Vec<Expr>),
    SetLit(Vec<Expr>),
    SeqLit(Vec<Expr>),
    MapLit(Vec<(Expr, Expr)>),
    /// `[x in S -> e]`
    MapComp(Ident, Box<Expr>, Box<Expr>),
    /// `{ e for x in S, y in T if p }`
    SetComp(Box<Expr>, Vec<Binder>, Option<Box<Expr>>),
    /// `{ x in S where p }`
    SetFilter(Ident, Box<Expr>, Box<Expr>),
    Record(Vec<(Ident, Expr)>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Let(Ident, Box<Expr>, Box<Expr>),
    Quant(Quant, Vec<Binder>, Box<Expr>),
    /// `m is Prepared` or `m is Prepared(r, _)`
    Is(Box<Expr>, Ident, Option<Vec<Option<Expr>>>),
    /// `choose x in S: p`: the least element of S satisfying p.
    Choose(Ident, Box<Expr>, Box<Expr>),
    /// Stands for a part that did not parse; already reported.
    Error,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    Set,
    Add,
    Sub,
}

#[derive(Debug)]
pub enum StmtKind {
    Require(Expr),
    Assign(Expr, AssignOp, Expr),
    /// `send m [to n] [via net]`
    Send(Expr, Option<Expr>, Option<Ident>),
    If(Expr, Block, Option<Block>),
    Pick(Vec<Binder>, Block),
    Either(Vec<Block>),
    Let(Ident, Expr),
}

#[derive(Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}
