//! Walks over the core program's expressions (used before exploring to
//! list every domain the program quantifies over, and to plan quantifiers).

use crate::sema::program::*;
use crate::sema::types::Type;

/// Calls `f` on every expression directly in a statement (and its blocks).
pub(crate) fn stmt_exprs<'e>(s: &'e TStmt, f: &mut dyn FnMut(&'e TExpr)) {
    match s {
        TStmt::Require(e) | TStmt::Let(_, e) => f(e),
        TStmt::Assign(p, e) => {
            f(e);
            for el in &p.path {
                if let PathElem::Index(k) = el {
                    f(k);
                }
            }
        }
        TStmt::If(c, t, e) => {
            f(c);
            t.iter().chain(e).for_each(|s| stmt_exprs(s, f));
        }
        TStmt::Pick(bs, body) => {
            bs.iter().for_each(|(_, e)| f(e));
            body.iter().for_each(|s| stmt_exprs(s, f));
        }
        TStmt::Either(arms) => arms.iter().flatten().for_each(|s| stmt_exprs(s, f)),
    }
}

/// Calls `f` on `e` and on every expression inside it, outer first.
pub(crate) fn each_subexpr<'e>(e: &'e TExpr, f: &mut dyn FnMut(&'e TExpr)) {
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

/// The types whose every value an expression lists (`AllOf`).
pub(crate) fn collect_all_of(e: &TExpr, out: &mut Vec<Type>) {
    each_subexpr(e, &mut |x| {
        if let TExprKind::AllOf(t) = &x.kind
            && !out.contains(t)
        {
            out.push(t.clone());
        }
    });
}
