//! Walks over the core program's expressions (used before exploring to
//! list every domain the program quantifies over, and to plan quantifiers).

pub(crate) use crate::sema::program::each_subexpr;
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
