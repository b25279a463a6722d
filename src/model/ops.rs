//! Built-in functions and set operations over run-time values.

use super::eval::{Evaluator, R, err};
use super::value::{List, Value};
use crate::diag::Span;
use crate::sema::program::*;

impl Evaluator<'_> {
    pub(super) fn builtin(
        &self,
        b: &Builtin,
        args: &[TExpr],
        span: Span,
        vars: &[Value],
        locals: &mut Vec<Value>,
    ) -> R<Value> {
        let a = self.eval(&args[0], vars, locals)?;
        Ok(match (b, a) {
            (Builtin::Card, Value::Set(xs)) => Value::Int(xs.len() as i64),
            (Builtin::Powerset, Value::Set(xs)) => {
                if xs.len() > 20 {
                    return err(
                        span,
                        format!("powerset of a set of {} elements is too large", xs.len()),
                    );
                }
                let n = xs.len();
                Value::set_from(
                    (0u32..(1 << n))
                        .map(|m| {
                            Value::Set(
                                (0..n)
                                    .filter(|i| m >> i & 1 == 1)
                                    .map(|i| xs[i].clone())
                                    .collect(),
                            )
                        })
                        .collect(),
                )
            }
            (Builtin::Min, Value::Set(xs)) => match xs.first() {
                Some(x) => x.clone(),
                None => return err(span, "`min` of an empty set"),
            },
            (Builtin::Max, Value::Set(xs)) => match xs.last() {
                Some(x) => x.clone(),
                None => return err(span, "`max` of an empty set"),
            },
            (Builtin::Head, Value::Seq(xs)) => match xs.first() {
                Some(x) => x.clone(),
                None => return err(span, "`head` of an empty sequence"),
            },
            (Builtin::Tail, Value::Seq(xs)) => match xs.split_first() {
                Some((_, rest)) => Value::Seq(rest.into()),
                None => return err(span, "`tail` of an empty sequence"),
            },
            (Builtin::Append, Value::Seq(xs)) => {
                let mut v = xs.to_vec();
                v.push(self.eval(&args[1], vars, locals)?);
                Value::Seq(v.into())
            }
            (Builtin::Len, Value::Seq(xs)) => Value::Int(xs.len() as i64),
            (Builtin::IsSome, v) => Value::Bool(matches!(v, Value::Some(_))),
            (Builtin::IsNone, v) => Value::Bool(matches!(v, Value::None)),
            (Builtin::Get, Value::Some(x)) => (*x).clone(),
            (Builtin::Get, _) => return err(span, "`get` of `none`"),
            (Builtin::Keys, Value::Map(kvs)) => {
                Value::Set(kvs.iter().map(|(k, _)| k.clone()).collect())
            }
            _ => return err(span, "internal: built-in applied to the wrong value"),
        })
    }
}

pub(super) fn contains(set: &Value, x: &Value) -> bool {
    match set {
        Value::Set(xs) => xs.binary_search(x).is_ok(),
        _ => false,
    }
}

pub(super) fn union(x: List<Value>, y: List<Value>) -> List<Value> {
    if y.is_empty() {
        return x;
    }
    if x.is_empty() {
        return y;
    }
    let mut out = Vec::with_capacity(x.len() + y.len());
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => {
                out.push(x[i].clone());
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(y[j].clone());
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(x[i].clone());
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&x[i..]);
    out.extend_from_slice(&y[j..]);
    out.into()
}
