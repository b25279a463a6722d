//! The standard library: what the language's sugar means in the core form.
//!
//! Networks are not built into the checker. A `network` declaration becomes
//! an ordinary state variable, `send` an ordinary assignment to it, and an
//! `on Msg(x)` handler an ordinary action whose guard finds the message in it
//! and whose first statement consumes it (where the network consumes). Loss
//! and duplication become actions of their own. Everything here builds core
//! expressions and statements ([`crate::sema::program`]); nothing evaluates.

pub mod faults;
pub mod network;

use crate::diag::Span;
use crate::parser::ast::BinOp;
use crate::sema::program::{TExpr, TExprKind};
use crate::sema::types::Type;

/// Small constructors for core expressions.
pub(crate) mod build {
    use super::*;

    pub fn mk(kind: TExprKind, ty: Type, span: Span) -> TExpr {
        TExpr { kind, ty, span }
    }
    pub fn bin(op: BinOp, a: TExpr, b: TExpr, ty: Type, span: Span) -> TExpr {
        mk(TExprKind::Binary(op, Box::new(a), Box::new(b)), ty, span)
    }
    pub fn int(n: i64, span: Span) -> TExpr {
        mk(TExprKind::Int(n), Type::Int(n, n), span)
    }
    /// `base[key]`, where `base` is a map or sequence whose element type is `ty`.
    pub fn index(base: TExpr, key: TExpr, ty: Type, span: Span) -> TExpr {
        mk(TExprKind::Index(Box::new(base), Box::new(key)), ty, span)
    }
}
