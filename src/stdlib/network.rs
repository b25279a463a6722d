//! Networks: `set`, `bag` and `fifo`, with optional loss and duplication.
//!
//! | kind | state variable                          | send m (to d)             | receipt of m                         |
//! |------|-----------------------------------------|---------------------------|--------------------------------------|
//! | set  | `set<Message>`, initially `{}`          | `net = net union {m}`     | `require m in net` (m stays)         |
//! | bag  | `map<Message, 0..cap>`, all 0           | `net[m] = net[m] + 1`     | `require net[m] > 0; net[m] -= 1`    |
//! | fifo | `map<(Node, Node), seq<Message, cap>>`  | `net[(self, d)] = append(net[(self, d)], m)` | `require len(q) > 0 and head(q) == m; q = tail(q)` with `q = net[(sender, self)]` |
//!
//! Loss adds an action `net.lose` that removes one message (set, bag) or the
//! head of one channel (fifo); duplication adds `net.duplicate`, one more copy
//! of a message in a bag. A send past a bag's or channel's capacity leaves the
//! variable's declared range, which the checker reports as an error in the
//! spec rather than silently dropping the message.

use super::build::*;
use crate::diag::Span;
use crate::parser::ast::{BinOp, Fairness};
use crate::sema::program::*;
use crate::sema::types::Type;

/// The type of the channel key of a fifo network: (sender, receiver).
pub fn channel_type() -> Type {
    Type::Tuple(vec![Type::AnyNode, Type::AnyNode])
}

/// The state variable's type.
pub fn state_type(kind: NetKind, capacity: u32) -> Type {
    match kind {
        NetKind::Set => Type::Set(Box::new(Type::Message)),
        NetKind::Bag => Type::Map(
            Box::new(Type::Message),
            Box::new(Type::Int(0, capacity as i64)),
        ),
        NetKind::Fifo => Type::Map(
            Box::new(channel_type()),
            Box::new(Type::Seq(Box::new(Type::Message), capacity)),
        ),
    }
}

/// The initial value (an empty network) and the locals it binds.
pub fn initial(kind: NetKind, ty: &Type, span: Span) -> (TExpr, Vec<Local>) {
    let all = |t: Type| mk(TExprKind::AllOf(t.clone()), Type::Set(Box::new(t)), span);
    match kind {
        NetKind::Set => (
            mk(TExprKind::SetLit(Vec::new()), ty.clone(), span),
            Vec::new(),
        ),
        NetKind::Bag | NetKind::Fifo => {
            let (key, empty) = if kind == NetKind::Bag {
                (Type::Message, int(0, span))
            } else {
                (
                    channel_type(),
                    mk(
                        TExprKind::SeqLit(Vec::new()),
                        Type::Seq(Box::new(Type::Message), 0),
                        span,
                    ),
                )
            };
            let local = Local {
                name: "key".into(),
                ty: key.clone(),
                span,
            };
            let e = mk(
                TExprKind::MapComp(0, Box::new(all(key)), Box::new(empty)),
                ty.clone(),
                span,
            );
            (e, vec![local])
        }
    }
}

fn var(net: &Network, ty: &Type, span: Span) -> TExpr {
    mk(TExprKind::Var(net.var), ty.clone(), span)
}

fn place(net: &Network, key: Option<TExpr>, span: Span) -> Place {
    Place {
        var: net.var,
        path: key.into_iter().map(PathElem::Index).collect(),
        span,
    }
}

fn elem_type(ty: &Type) -> Type {
    match ty {
        Type::Map(_, v) => (**v).clone(),
        t => t.clone(),
    }
}

fn channel(src: TExpr, dst: TExpr, span: Span) -> TExpr {
    mk(TExprKind::Tuple(vec![src, dst]), channel_type(), span)
}

/// `send msg` (set, bag) or `send msg to dst` from `src` (fifo).
pub fn send(
    net: &Network,
    ty: &Type,
    msg: TExpr,
    chan: Option<(TExpr, TExpr)>,
    span: Span,
) -> TStmt {
    let v = var(net, ty, span);
    match net.kind {
        NetKind::Set => {
            let single = mk(TExprKind::SetLit(vec![msg]), ty.clone(), span);
            TStmt::Assign(
                place(net, None, span),
                bin(BinOp::Union, v, single, ty.clone(), span),
            )
        }
        NetKind::Bag => {
            let count = index(v, msg.clone(), elem_type(ty), span);
            let plus = bin(
                BinOp::Add,
                count,
                int(1, span),
                Type::Int(1, net.capacity.unwrap_or(0) as i64 + 1),
                span,
            );
            TStmt::Assign(place(net, Some(msg), span), plus)
        }
        NetKind::Fifo => {
            let (src, dst) = chan.expect("sema passes a channel for fifo sends");
            let key = channel(src, dst, span);
            let q = index(v, key.clone(), elem_type(ty), span);
            let appended = mk(
                TExprKind::Builtin(Builtin::Append, vec![q, msg]),
                elem_type(ty),
                span,
            );
            TStmt::Assign(place(net, Some(key), span), appended)
        }
    }
}

/// `require count > 0`: at least one copy of a message is in transit.
fn require_positive(count: TExpr, span: Span) -> TStmt {
    TStmt::Require(bin(BinOp::Gt, count, int(0, span), Type::Bool, span))
}

/// Bag: `require net[m] > 0; net[m] = net[m] - 1` (one copy of `m` leaves).
fn take_copy(net: &Network, ty: &Type, m: TExpr, span: Span) -> Vec<TStmt> {
    let count = index(var(net, ty, span), m.clone(), elem_type(ty), span);
    let cap = net.capacity.unwrap_or(0) as i64;
    vec![
        require_positive(count.clone(), span),
        TStmt::Assign(
            place(net, Some(m), span),
            bin(
                BinOp::Sub,
                count,
                int(1, span),
                Type::Int(-1, cap - 1),
                span,
            ),
        ),
    ]
}

/// Fifo: the queue of a channel, a guard on it, and the step that drops its
/// head. `guard` receives the queue's length and head.
fn pop_head(
    net: &Network,
    ty: &Type,
    key: TExpr,
    span: Span,
    guard: impl FnOnce(TExpr, TExpr) -> TExpr,
) -> Vec<TStmt> {
    let qt = elem_type(ty);
    let q = index(var(net, ty, span), key.clone(), qt.clone(), span);
    let cap = net.capacity.unwrap_or(0) as i64;
    let len = mk(
        TExprKind::Builtin(Builtin::Len, vec![q.clone()]),
        Type::Int(0, cap),
        span,
    );
    let head = mk(
        TExprKind::Builtin(Builtin::Head, vec![q.clone()]),
        Type::Message,
        span,
    );
    let tail = mk(TExprKind::Builtin(Builtin::Tail, vec![q]), qt, span);
    vec![
        TStmt::Require(guard(len, head)),
        TStmt::Assign(place(net, Some(key), span), tail),
    ]
}

/// The guard and the consuming step of a handler for `msg`; for fifo, the
/// channel is (sender, receiver).
pub fn receive(
    net: &Network,
    ty: &Type,
    msg: TExpr,
    chan: Option<(TExpr, TExpr)>,
    span: Span,
) -> Vec<TStmt> {
    match net.kind {
        NetKind::Set => vec![TStmt::Require(bin(
            BinOp::In,
            msg,
            var(net, ty, span),
            Type::Bool,
            span,
        ))],
        NetKind::Bag => take_copy(net, ty, msg, span),
        NetKind::Fifo => {
            let (src, dst) = chan.expect("sema passes a channel for fifo handlers");
            pop_head(net, ty, channel(src, dst, span), span, |len, head| {
                let nonempty = bin(BinOp::Gt, len, int(0, span), Type::Bool, span);
                let is_msg = bin(BinOp::Eq, head, msg, Type::Bool, span);
                bin(BinOp::And, nonempty, is_msg, Type::Bool, span)
            })
        }
    }
}

/// `net.lose`: a message (set, bag) or a channel's head (fifo) disappears.
pub fn lose_action(net: &Network, ty: &Type, id: usize) -> Action {
    let span = net.span;
    let (locals, body) = match net.kind {
        NetKind::Set => {
            let m = mk(TExprKind::Local(0), Type::Message, span);
            let v = var(net, ty, span);
            let single = mk(TExprKind::SetLit(vec![m.clone()]), ty.clone(), span);
            let body = vec![
                TStmt::Require(bin(BinOp::In, m, v.clone(), Type::Bool, span)),
                TStmt::Assign(
                    place(net, None, span),
                    bin(BinOp::Minus, v, single, ty.clone(), span),
                ),
            ];
            (vec![local("m", Type::Message, span)], body)
        }
        NetKind::Bag => {
            let m = mk(TExprKind::Local(0), Type::Message, span);
            (
                vec![local("m", Type::Message, span)],
                take_copy(net, ty, m, span),
            )
        }
        NetKind::Fifo => {
            let key = channel(
                mk(TExprKind::Local(0), Type::AnyNode, span),
                mk(TExprKind::Local(1), Type::AnyNode, span),
                span,
            );
            let body = pop_head(net, ty, key, span, |len, _| {
                bin(BinOp::Gt, len, int(0, span), Type::Bool, span)
            });
            (
                vec![
                    local("src", Type::AnyNode, span),
                    local("dst", Type::AnyNode, span),
                ],
                body,
            )
        }
    };
    Action {
        name: format!("{}.lose", net.name),
        node: None,
        n_params: locals.len(),
        locals,
        body,
        fairness: Fairness::None,
        origin: ActionOrigin::Lose(id),
        span,
    }
}

/// `net.duplicate` (bags only): one more copy of a message in transit, up to
/// the capacity.
pub fn duplicate_action(net: &Network, ty: &Type, id: usize) -> Action {
    let span = net.span;
    let m = mk(TExprKind::Local(0), Type::Message, span);
    let count = index(var(net, ty, span), m.clone(), elem_type(ty), span);
    let cap = net.capacity.unwrap_or(0) as i64;
    Action {
        name: format!("{}.duplicate", net.name),
        node: None,
        n_params: 1,
        locals: vec![local("m", Type::Message, span)],
        body: vec![
            require_positive(count.clone(), span),
            // Duplication is a fault of the network, not the spec's doing: it
            // stops at the capacity instead of overflowing it.
            TStmt::Require(bin(
                BinOp::Lt,
                count.clone(),
                int(cap, span),
                Type::Bool,
                span,
            )),
            TStmt::Assign(
                place(net, Some(m), span),
                bin(BinOp::Add, count, int(1, span), Type::Int(1, cap + 1), span),
            ),
        ],
        fairness: Fairness::None,
        origin: ActionOrigin::Duplicate(id),
        span,
    }
}

fn local(name: &str, ty: Type, span: Span) -> Local {
    Local {
        name: name.into(),
        ty,
        span,
    }
}
