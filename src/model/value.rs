//! Run-time values of the core language.
//!
//! Values are plain data with a total order (`Ord`), so that sets and maps
//! can be kept sorted and every value has exactly one representation: two
//! values are equal exactly when they are the same mathematical value. States
//! are not stored as values but as packed bits (see `layout.rs`); values
//! exist while a state is being expanded.
//!
//! Composite values share their parts (`Arc`): copying a value is a
//! reference-count increment, and changing a part copies only the path to
//! it (`Arc::make_mut`). Expanding a state copies values constantly (every
//! action binding starts from the same variables), so this is what keeps the
//! evaluator off the allocator.

use std::sync::Arc;

use crate::sema::program::Program;

/// An immutable, shared list.
pub type List<T> = Arc<[T]>;
use crate::sema::types::Type;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Bool(bool),
    Int(i64),
    /// An enumeration member (global atom number).
    Atom(u32),
    /// Member `1` of scalar set `0` (node sets, single nodes, value sets).
    Member(u32, u32),
    None,
    Some(Arc<Value>),
    /// Tuples, and records with their fields in name order.
    Tuple(List<Value>),
    /// Sorted, without duplicates.
    Set(List<Value>),
    /// Sorted by key, one entry per key of the domain.
    Map(List<(Value, Value)>),
    Seq(List<Value>),
    /// Message variant and field values.
    Msg(u32, List<Value>),
}

impl Value {
    /// A set from any list of elements.
    pub fn set_from(mut v: Vec<Value>) -> Value {
        v.sort_unstable();
        v.dedup();
        Value::Set(v.into())
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }
}

/// Renders a value the way a spec would write it, using its type for
/// record field names.
pub fn show(v: &Value, ty: &Type, prog: &Program) -> String {
    let mut s = String::new();
    write(&mut s, v, ty, prog);
    s
}

fn write(out: &mut String, v: &Value, ty: &Type, prog: &Program) {
    use std::fmt::Write as _;
    let elem = Type::contents;
    match v {
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Atom(a) => out.push_str(&prog.atoms[*a as usize]),
        Value::Member(s, i) => out.push_str(&prog.sets[*s as usize].members[*i as usize]),
        Value::None => out.push_str("none"),
        Value::Some(x) => {
            out.push_str("some(");
            write(out, x, &elem(ty), prog);
            out.push(')');
        }
        Value::Tuple(xs) => {
            if let Type::Record(fs) = ty {
                out.push('{');
                for (i, (x, (n, t))) in xs.iter().zip(fs).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{n}: ");
                    write(out, x, t, prog);
                }
                out.push('}');
            } else {
                let ts: Vec<Type> = match ty {
                    Type::Tuple(ts) => ts.clone(),
                    _ => Vec::new(),
                };
                let elem = |i: usize| ts.get(i).cloned().unwrap_or(Type::Unknown);
                write_list(out, xs, ('(', ')'), elem, prog);
            }
        }
        Value::Set(xs) => {
            let t = elem(ty);
            write_list(out, xs, ('{', '}'), |_| t.clone(), prog);
        }
        Value::Seq(xs) => {
            let t = elem(ty);
            write_list(out, xs, ('[', ']'), |_| t.clone(), prog);
        }
        Value::Map(kvs) => {
            let (kt, vt) = match ty {
                Type::Map(k, v) => ((**k).clone(), (**v).clone()),
                _ => (Type::Unknown, Type::Unknown),
            };
            out.push('[');
            for (i, (k, x)) in kvs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(out, k, &kt, prog);
                out.push_str(" -> ");
                write(out, x, &vt, prog);
            }
            out.push(']');
        }
        Value::Msg(vi, fs) => {
            let var = &prog.variants[*vi as usize];
            out.push_str(&var.name);
            if !fs.is_empty() {
                out.push('(');
                for (i, (x, (_, t))) in fs.iter().zip(&var.fields).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write(out, x, t, prog);
                }
                out.push(')');
            }
        }
    }
}

/// `xs` between brackets, separated by commas; element `i` has type `elem(i)`.
fn write_list(
    out: &mut String,
    xs: &[Value],
    (open, close): (char, char),
    elem: impl Fn(usize) -> Type,
    prog: &Program,
) {
    out.push(open);
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write(out, x, &elem(i), prog);
    }
    out.push(close);
}
