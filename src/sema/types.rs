//! Types of the core language, and the rules that relate them.
//!
//! Every type a variable can have is finite, with a known number of values
//! ([`Type::size`]); that is what makes the state space finite. Integer types
//! carry an interval: for variables it is the declared range, for expressions
//! the interval the value is known to lie in, so that an assignment that must
//! leave its variable's range is caught before any state is explored.

use std::fmt;

pub type AtomId = u32;
pub type SetId = usize;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    /// Integers in `lo..=hi`; an expression with no known bound has the full i64 range.
    Int(i64, i64),
    /// An enumeration: a set of atoms, sorted.
    Enum(Vec<AtomId>),
    /// A member of one node set, single node or value set.
    Scalar(SetId),
    /// Any node id (of any node set or single node).
    AnyNode,
    Tuple(Vec<Type>),
    Record(Vec<(String, Type)>),
    Set(Box<Type>),
    Map(Box<Type>, Box<Type>),
    /// A sequence of at most `n` elements.
    Seq(Box<Type>, u32),
    Option(Box<Type>),
    /// The sum of all `message` variants.
    Message,
    /// The element type of `{}`, `[]` and `none` before context says more; it
    /// also stands for the type of an expression that had an error.
    Unknown,
    /// A temporal formula (only in `property`).
    Temporal,
}

pub const INT_ANY: Type = Type::Int(i64::MIN, i64::MAX);

/// What the type rules need to know about the declarations.
pub trait TypeEnv {
    fn atom_name(&self, a: AtomId) -> &str;
    fn set_name(&self, s: SetId) -> &str;
    fn set_size(&self, s: SetId) -> usize;
    fn is_node_set(&self, s: SetId) -> bool;
    fn node_count(&self) -> usize;
    /// Number of distinct messages, if finite and known.
    fn message_count(&self) -> Option<u128>;
}

impl Type {
    pub fn int_unbounded(&self) -> bool {
        matches!(self, Type::Int(lo, hi) if *lo == i64::MIN || *hi == i64::MAX)
    }

    /// Number of values of the type, or `None` if unbounded or past u128.
    pub fn size(&self, env: &dyn TypeEnv) -> Option<u128> {
        match self {
            Type::Bool => Some(2),
            Type::Int(lo, hi) => {
                if self.int_unbounded() {
                    None
                } else {
                    Some((*hi as i128 - *lo as i128 + 1).max(0) as u128)
                }
            }
            Type::Enum(atoms) => Some(atoms.len() as u128),
            Type::Scalar(s) => Some(env.set_size(*s) as u128),
            Type::AnyNode => Some(env.node_count() as u128),
            Type::Tuple(ts) => ts
                .iter()
                .try_fold(1u128, |acc, t| acc.checked_mul(t.size(env)?)),
            Type::Record(fs) => fs
                .iter()
                .try_fold(1u128, |acc, (_, t)| acc.checked_mul(t.size(env)?)),
            Type::Set(t) => {
                let n = t.size(env)?;
                if n >= 127 { None } else { Some(1u128 << n) }
            }
            Type::Map(k, v) => {
                let (k, v) = (k.size(env)?, v.size(env)?);
                checked_pow(v, k)
            }
            Type::Seq(t, n) => {
                let e = t.size(env)?;
                if e <= 1 {
                    return Some(if e == 0 { 1 } else { *n as u128 + 1 });
                }
                let mut total: u128 = 0;
                let mut p: u128 = 1;
                for _ in 0..=*n {
                    total = total.checked_add(p)?;
                    p = p.checked_mul(e)?;
                }
                Some(total)
            }
            Type::Option(t) => t.size(env)?.checked_add(1),
            Type::Message => env.message_count(),
            Type::Unknown | Type::Temporal => None,
        }
    }

    /// log2 of the number of values, computed without overflow (the count
    /// itself may pass u128: a set of 144 messages has 2^144 values, yet it
    /// is stored in 144 bits). `None` for `Unknown` and `Temporal`.
    pub fn log2_size(&self, env: &dyn TypeEnv) -> Option<f64> {
        let lg = |n: u128| (n.max(1) as f64).log2();
        if let Some(n) = self.size(env) {
            return Some(lg(n));
        }
        Some(match self {
            Type::Tuple(ts) => ts.iter().map(|t| t.log2_size(env)).sum::<Option<f64>>()?,
            Type::Record(fs) => fs
                .iter()
                .map(|(_, t)| t.log2_size(env))
                .sum::<Option<f64>>()?,
            Type::Set(t) => 2f64.powf(t.log2_size(env)?),
            Type::Map(k, v) => 2f64.powf(k.log2_size(env)?) * v.log2_size(env)?,
            Type::Seq(t, n) => *n as f64 * t.log2_size(env)? + lg(*n as u128 + 1),
            Type::Option(t) => {
                let l = t.log2_size(env)?;
                l + (1.0 + 2f64.powf(-l)).log2()
            }
            Type::Message => match env.message_count() {
                Some(n) => lg(n),
                None => f64::INFINITY,
            },
            Type::Unknown | Type::Temporal => return None,
            t => lg(t.size(env)?),
        })
    }

    pub fn show(&self, env: &dyn TypeEnv) -> String {
        Shown(self, env).to_string()
    }

    /// Element type of a set, if this is one.
    pub fn elem(&self) -> Option<&Type> {
        match self {
            Type::Set(t) => Some(t),
            _ => None,
        }
    }

    /// What a set, sequence or option holds; `Unknown` for other types.
    pub fn contents(&self) -> Type {
        match self {
            Type::Set(e) | Type::Seq(e, _) | Type::Option(e) => (**e).clone(),
            _ => Type::Unknown,
        }
    }
}

fn checked_pow(base: u128, exp: u128) -> Option<u128> {
    match (base, exp) {
        (_, 0) | (1, _) => return Some(1),
        (0, _) => return Some(0),
        (_, e) if e >= 128 => return None,
        _ => {}
    }
    let mut r: u128 = 1;
    for _ in 0..exp {
        r = r.checked_mul(base)?;
        if r == 0 {
            return Some(0);
        }
    }
    Some(r)
}

struct Shown<'a>(&'a Type, &'a dyn TypeEnv);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let env = self.1;
        let list = |f: &mut fmt::Formatter<'_>, ts: &[Type]| -> fmt::Result {
            for (i, t) in ts.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{}", Shown(t, env))?;
            }
            Ok(())
        };
        match self.0 {
            Type::Bool => write!(f, "bool"),
            t @ Type::Int(lo, hi) => {
                if t.int_unbounded() || lo == hi {
                    write!(f, "int")
                } else {
                    write!(f, "{lo}..{hi}")
                }
            }
            Type::Enum(atoms) => {
                write!(f, "{{")?;
                for (i, a) in atoms.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}", env.atom_name(*a))?;
                }
                write!(f, "}}")
            }
            Type::Scalar(s) => write!(f, "{}", env.set_name(*s)),
            Type::AnyNode => write!(f, "Node"),
            Type::Tuple(ts) => {
                write!(f, "(")?;
                list(f, ts)?;
                write!(f, ")")
            }
            Type::Record(fs) => {
                write!(f, "{{")?;
                for (i, (n, t)) in fs.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{n}: {}", Shown(t, env))?;
                }
                write!(f, "}}")
            }
            Type::Set(t) => write!(f, "set<{}>", Shown(t, env)),
            Type::Map(k, v) => write!(f, "map<{}, {}>", Shown(k, env), Shown(v, env)),
            Type::Seq(t, n) => write!(f, "seq<{}, {n}>", Shown(t, env)),
            Type::Option(t) => write!(f, "option<{}>", Shown(t, env)),
            Type::Message => write!(f, "Message"),
            Type::Unknown => write!(f, "_"),
            Type::Temporal => write!(f, "temporal formula"),
        }
    }
}

/// The least type holding values of both, if they can be compared at all:
/// integer ranges widen, enumerations unite, node ids of different sets meet
/// in `Node`. `None` means a type error.
pub fn join(a: &Type, b: &Type, env: &dyn TypeEnv) -> Option<Type> {
    use Type::*;
    Some(match (a, b) {
        (Unknown, t) | (t, Unknown) => t.clone(),
        (Bool, Bool) => Bool,
        (Int(a0, a1), Int(b0, b1)) => Int(*a0.min(b0), *a1.max(b1)),
        (Enum(x), Enum(y)) => {
            let mut v: Vec<AtomId> = x.iter().chain(y.iter()).copied().collect();
            v.sort_unstable();
            v.dedup();
            Enum(v)
        }
        (Scalar(x), Scalar(y)) if x == y => Scalar(*x),
        (Scalar(x), Scalar(y)) if env.is_node_set(*x) && env.is_node_set(*y) => AnyNode,
        (Scalar(x), AnyNode) | (AnyNode, Scalar(x)) if env.is_node_set(*x) => AnyNode,
        (AnyNode, AnyNode) => AnyNode,
        (Tuple(x), Tuple(y)) if x.len() == y.len() => Tuple(
            x.iter()
                .zip(y)
                .map(|(p, q)| join(p, q, env))
                .collect::<std::option::Option<Vec<_>>>()?,
        ),
        (Record(x), Record(y))
            if x.len() == y.len() && x.iter().zip(y).all(|((n, _), (m, _))| n == m) =>
        {
            Record(
                x.iter()
                    .zip(y)
                    .map(|((n, p), (_, q))| Some((n.clone(), join(p, q, env)?)))
                    .collect::<std::option::Option<Vec<_>>>()?,
            )
        }
        (Set(x), Set(y)) => Set(Box::new(join(x, y, env)?)),
        (Map(k1, v1), Map(k2, v2)) => {
            Map(Box::new(join(k1, k2, env)?), Box::new(join(v1, v2, env)?))
        }
        (Seq(x, n), Seq(y, m)) => Seq(Box::new(join(x, y, env)?), (*n).max(*m)),
        (Option(x), Option(y)) => Option(Box::new(join(x, y, env)?)),
        (Message, Message) => Message,
        (Temporal, Temporal) => Temporal,
        _ => return None,
    })
}

/// Why a value of type `value` can never be stored in a slot of type `slot`,
/// when that is known without running: the value's interval lies outside the
/// range, or it is a member the enumeration lacks, or a literal sequence is
/// longer than the bound. Types already known to join.
pub fn never_fits(value: &Type, slot: &Type, env: &dyn TypeEnv) -> Option<String> {
    use Type::*;
    match (value, slot) {
        (Int(a, b), Int(lo, hi)) if *b < *lo || *a > *hi => Some(if a == b {
            format!("{a} is outside {lo}..{hi}")
        } else {
            format!("values in {a}..{b} are all outside {lo}..{hi}")
        }),
        (Enum(xs), Enum(ys)) => {
            let missing: Vec<&str> = xs
                .iter()
                .filter(|x| !ys.contains(x))
                .map(|x| env.atom_name(*x))
                .collect();
            if missing.len() == xs.len() && !missing.is_empty() {
                Some(format!(
                    "`{}` is not one of {}",
                    missing.join("`, `"),
                    slot.show(env)
                ))
            } else {
                None
            }
        }
        (Scalar(x), Scalar(y)) if x != y => Some(format!(
            "a member of {} is never a member of {}",
            env.set_name(*x),
            env.set_name(*y)
        )),
        (Set(x), Set(y)) | (Option(x), Option(y)) => never_fits(x, y, env),
        (Map(k1, v1), Map(k2, v2)) => never_fits(k1, k2, env).or_else(|| never_fits(v1, v2, env)),
        (Seq(x, n), Seq(y, m)) => {
            if n > m && *m == 0 {
                Some("the sequence can hold no elements".into())
            } else {
                never_fits(x, y, env)
            }
        }
        (Tuple(xs), Tuple(ys)) => xs.iter().zip(ys).find_map(|(x, y)| never_fits(x, y, env)),
        (Record(xs), Record(ys)) => xs.iter().zip(ys).find_map(|((n, x), (_, y))| {
            never_fits(x, y, env).map(|r| format!("field `{n}`: {r}"))
        }),
        _ => None,
    }
}
