//! Constant evaluation: the values of `const` declarations, range bounds,
//! sequence bounds and set sizes, all known before any state exists.

use super::program::ConstValue;
use super::{Global, Sema};
use crate::diag::Diag;
use crate::parser::ast::{BinOp, Expr, ExprKind, UnOp};

impl Sema<'_> {
    /// Evaluates an expression that must be constant; reports and returns
    /// `None` if it is not.
    pub(crate) fn const_eval(&mut self, e: &Expr) -> Option<ConstValue> {
        match self.const_eval_inner(e) {
            Ok(v) => Some(v),
            Err(d) => {
                self.err(d);
                None
            }
        }
    }

    pub(crate) fn const_int(&mut self, e: &Expr, what: &str) -> Option<i64> {
        match self.const_eval(e)? {
            ConstValue::Int(n) => Some(n),
            ConstValue::Bool(_) => {
                self.err(
                    Diag::error(e.span, format!("{what} must be an integer"))
                        .label("this is true or false"),
                );
                None
            }
        }
    }

    fn const_eval_inner(&self, e: &Expr) -> Result<ConstValue, Diag> {
        crate::parser::grow(|| self.const_eval_step(e))
    }

    fn const_eval_step(&self, e: &Expr) -> Result<ConstValue, Diag> {
        use ConstValue::{Bool, Int};
        let not_const = |why: &str| {
            Diag::error(e.span, "expected a constant")
                .label(why.to_string())
                .help("sizes, bounds and constants must be known before checking starts: use numbers, `true`/`false`, other constants and arithmetic")
        };
        match &e.kind {
            ExprKind::Int(n) => Ok(Int(*n)),
            ExprKind::Bool(b) => Ok(Bool(*b)),
            ExprKind::Name(n) => match self.globals.get(n) {
                Some((Global::Const(c), _)) => Ok(self.prog.consts[*c].value.clone()),
                Some((g, _)) => Err(not_const(&format!("`{n}` is {}, not a constant", g.what()))),
                None => {
                    let consts = self.prog.consts.iter().map(|c| c.name.as_str());
                    let mut d = Diag::error(e.span, format!("unknown constant `{n}`"))
                        .label("not declared (before this point)");
                    if let Some(m) = crate::diag::did_you_mean(n, consts) {
                        d = d.help(format!("did you mean `{m}`?"));
                    } else {
                        d = d.help("sizes, bounds and constants are fixed before checking starts: they may use only constants declared above them, never variables");
                    }
                    Err(d)
                }
            },
            ExprKind::Unary(UnOp::Neg, x) => match self.const_eval_inner(x)? {
                Int(n) => n
                    .checked_neg()
                    .map(Int)
                    .ok_or_else(|| not_const("overflows")),
                Bool(_) => Err(not_const("`-` needs an integer")),
            },
            ExprKind::Unary(UnOp::Not, x) => match self.const_eval_inner(x)? {
                Bool(b) => Ok(Bool(!b)),
                Int(_) => Err(not_const("`not` needs true or false")),
            },
            ExprKind::If(c, t, f) => match self.const_eval_inner(c)? {
                Bool(true) => self.const_eval_inner(t),
                Bool(false) => self.const_eval_inner(f),
                Int(_) => Err(not_const("the condition must be true or false")),
            },
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (self.const_eval_inner(a)?, self.const_eval_inner(b)?);
                match (op, a, b) {
                    (BinOp::And, Bool(x), Bool(y)) => Ok(Bool(x && y)),
                    (BinOp::Or, Bool(x), Bool(y)) => Ok(Bool(x || y)),
                    (BinOp::Implies, Bool(x), Bool(y)) => Ok(Bool(!x || y)),
                    (BinOp::Eq, x, y) => Ok(Bool(x == y)),
                    (BinOp::Ne, x, y) => Ok(Bool(x != y)),
                    (op, Int(x), Int(y)) => {
                        let r = match op {
                            BinOp::Add => x.checked_add(y),
                            BinOp::Sub => x.checked_sub(y),
                            BinOp::Mul => x.checked_mul(y),
                            BinOp::Div if y != 0 => x.checked_div_euclid(y),
                            BinOp::Mod if y != 0 => x.checked_rem_euclid(y),
                            BinOp::Div | BinOp::Mod => {
                                return Err(not_const("division by zero"));
                            }
                            BinOp::Lt => return Ok(Bool(x < y)),
                            BinOp::Le => return Ok(Bool(x <= y)),
                            BinOp::Gt => return Ok(Bool(x > y)),
                            BinOp::Ge => return Ok(Bool(x >= y)),
                            _ => {
                                return Err(not_const(&format!(
                                    "`{}` is not allowed here",
                                    op.text()
                                )));
                            }
                        };
                        r.map(Int)
                            .ok_or_else(|| not_const("the arithmetic overflows"))
                    }
                    (op, _, _) => Err(not_const(&format!(
                        "`{}` is applied to the wrong kind of value",
                        op.text()
                    ))),
                }
            }
            ExprKind::Error => Err(not_const("")),
            _ => Err(not_const(
                "this depends on the state, or is not a number or truth value",
            )),
        }
    }
}

/// Parses a `--const` value: an integer, `true`/`false`.
pub(crate) fn parse_override(v: &str) -> Option<ConstValue> {
    match v.trim() {
        "true" => Some(ConstValue::Bool(true)),
        "false" => Some(ConstValue::Bool(false)),
        s => s.parse().ok().map(ConstValue::Int),
    }
}
