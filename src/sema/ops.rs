//! Operators: the typing of unary and binary operators, with integer
//! intervals, set operations, comparisons that can never hold, and the
//! temporal fragment of properties.

use super::Sema;
use super::decls::error_expr;
use super::expr::{int_interval, te};
use super::program::*;
use super::types::{INT_ANY, Type, join, never_fits};
use crate::diag::{Diag, Span};
use crate::parser::ast::{BinOp, Expr, UnOp};

impl Sema<'_> {
    pub(super) fn unary(&mut self, op: UnOp, x: &Expr, span: Span) -> TExpr {
        let x = self.expr(x);
        let t = match op {
            UnOp::Not => {
                if x.ty == Type::Temporal {
                    self.err(
                        Diag::error(span, "`not` of a temporal formula is not supported")
                            .label("outside the supported fragment")
                            .help("state the property positively, e.g. `always not P` rather than `not eventually P`"),
                    );
                } else {
                    self.expect_bool(&x, "`not`");
                }
                Type::Bool
            }
            UnOp::Neg => {
                let (lo, hi) = self.expect_int(&x, "-");
                if lo == i64::MIN || hi == i64::MAX {
                    INT_ANY
                } else {
                    Type::Int(-hi, -lo)
                }
            }
            UnOp::Always | UnOp::Eventually => {
                let name = if op == UnOp::Always {
                    "always"
                } else {
                    "eventually"
                };
                if !self.ctx.property {
                    self.err(
                        Diag::error(span, format!("`{name}` outside a property"))
                            .label("temporal operator")
                            .help("temporal operators belong in `property Name: …`; invariants and conditions are about one state"),
                    );
                    return error_expr(span);
                }
                if x.ty != Type::Temporal {
                    self.expect_bool(&x, &format!("`{name}`"));
                }
                Type::Temporal
            }
        };
        te(TExprKind::Unary(op, Box::new(x)), t, span)
    }

    pub(super) fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr, span: Span) -> TExpr {
        let (a, b) = (self.expr(a), self.expr(b));
        let t = match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                if matches!(op, BinOp::Add | BinOp::Sub) && matches!(a.ty, Type::Set(_)) {
                    let word = if op == BinOp::Add { "union" } else { "minus" };
                    self.err(
                        Diag::error(span, format!("`{}` on sets", op.text()))
                            .label("sets are not numbers")
                            .help(format!("write `{word}` for sets")),
                    );
                    return error_expr(span);
                }
                let x = self.expect_int(&a, op.text());
                let y = self.expect_int(&b, op.text());
                if matches!(op, BinOp::Div | BinOp::Mod) && y == (0, 0) {
                    self.err(Diag::error(b.span, "division by zero").label("this is always 0"));
                }
                let (lo, hi) = int_interval(op, x, y);
                Type::Int(lo, hi)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                if let (Type::Scalar(s), _) | (_, Type::Scalar(s)) = (&a.ty, &b.ty) {
                    let n = self.prog.sets[*s].name.clone();
                    self.err(
                        Diag::error(span, format!("members of `{n}` have no order"))
                            .label(format!("`{}` on set members", op.text()))
                            .help("node and value sets are unordered (that is what lets symmetry reduction work); compare with `==` or `!=`"),
                    );
                } else {
                    self.expect_int(&a, op.text());
                    self.expect_int(&b, op.text());
                }
                Type::Bool
            }
            BinOp::Eq | BinOp::Ne => {
                let t = self.unify(
                    &a,
                    &b,
                    span,
                    &format!("`{}` compares values of one type", op.text()),
                );
                if t != Type::Unknown
                    && let Some(why) = never_fits(&b.ty, &a.ty, &self.prog)
                    && never_fits(&a.ty, &b.ty, &self.prog).is_some()
                {
                    let res = if op == BinOp::Eq { "false" } else { "true" };
                    self.err(
                        Diag::error(span, format!("this comparison is always {res}"))
                            .label(why)
                            .help("check the spelling of the value, or the variable's type"),
                    );
                }
                Type::Bool
            }
            BinOp::And | BinOp::Or | BinOp::Implies => {
                let temporal = a.ty == Type::Temporal || b.ty == Type::Temporal;
                if temporal && op == BinOp::And && self.ctx.property {
                    Type::Temporal
                } else if temporal && self.ctx.property {
                    self.err(
                        Diag::error(span, format!("`{}` between temporal formulas is not supported", op.text()))
                            .label("outside the supported fragment")
                            .help("use `and` to combine temporal formulas, or `P leads_to Q` for `always (P implies eventually Q)`"),
                    );
                    Type::Bool
                } else {
                    self.expect_bool(&a, &format!("`{}`", op.text()));
                    self.expect_bool(&b, &format!("`{}`", op.text()));
                    Type::Bool
                }
            }
            BinOp::In | BinOp::NotIn => {
                let elem = self.expect_set(&b, &format!("`{}`", op.text()));
                if join(&a.ty, &elem, &self.prog).is_none() {
                    let (x, y) = (a.ty.show(&self.prog), elem.show(&self.prog));
                    self.err(
                        Diag::error(
                            a.span,
                            format!("a value of type {x} is never in a set of {y}"),
                        )
                        .label(format!("this is {x}")),
                    );
                }
                Type::Bool
            }
            BinOp::Subset => {
                let x = self.expect_set(&a, "`subset`");
                let y = self.expect_set(&b, "`subset`");
                if join(&x, &y, &self.prog).is_none() {
                    self.unify(&a, &b, span, "`subset` compares sets of one type");
                }
                Type::Bool
            }
            BinOp::Union | BinOp::Intersect | BinOp::Minus => {
                self.expect_set(&a, &format!("`{}`", op.text()));
                self.expect_set(&b, &format!("`{}`", op.text()));
                self.unify(&a, &b, span, &format!("`{}` of sets", op.text()))
            }
            BinOp::LeadsTo => {
                if !self.ctx.property {
                    self.err(
                        Diag::error(span, "`leads_to` outside a property")
                            .label("temporal operator")
                            .help("temporal operators belong in `property Name: …`"),
                    );
                    return error_expr(span);
                }
                for x in [&a, &b] {
                    if x.ty == Type::Temporal {
                        self.err(
                            Diag::error(x.span, "`leads_to` relates two state predicates")
                                .label("temporal formula here")
                                .help("write `P leads_to Q` with P and Q about one state"),
                        );
                    } else {
                        self.expect_bool(x, "`leads_to`");
                    }
                }
                Type::Temporal
            }
        };
        te(TExprKind::Binary(op, Box::new(a), Box::new(b)), t, span)
    }
}
