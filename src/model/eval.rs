//! The evaluator: core expressions and statements over run-time values.
//!
//! Expressions are the typed, resolved trees of the core program: variables
//! and bound names are slots, so evaluation never looks a name up. Action
//! bodies run statement by statement on a working copy of the state; a
//! nondeterministic statement (`pick`, `either`) runs the rest of the body
//! once per choice (the continuation is passed down explicitly), so every
//! choice yields its own successor.

use std::sync::{Arc, RwLock};

use hashbrown::HashMap;

use super::layout::{Domain, Domains, MAX_DOMAIN};
use super::ops::{contains, union};
use super::value::{List, Value};
use super::visit::{collect_all_of, each_subexpr, stmt_exprs};
use crate::diag::Span;
use crate::parser::ast::{BinOp, Quant, UnOp};
use crate::sema::program::*;
use crate::sema::types::Type;

/// An error in the spec found while evaluating it (a map key outside the
/// domain, division by zero, a value outside a variable's range, …).
#[derive(Clone, Debug, PartialEq)]
pub struct EvalError {
    pub span: Span,
    pub message: String,
}

pub type R<T> = Result<T, EvalError>;

pub(super) fn err<T>(span: Span, message: impl Into<String>) -> R<T> {
    Err(EvalError {
        span,
        message: message.into(),
    })
}

pub struct Evaluator<'p> {
    pub prog: &'p Program,
    /// The domains the program's expressions list (`RM`, `Message`, …),
    /// listed before exploring: read without any lock by every worker.
    listed: HashMap<Type, Arc<Domain>>,
    /// Any other domain, listed on first use.
    domains: RwLock<Domains<'p>>,
    /// Plans for quantifiers over several names, by the address of the
    /// quantifier's expression (the program does not move while it is
    /// checked).
    plans: HashMap<usize, QuantPlan<'p>>,
}

/// How to evaluate `exists a, b in S: P(a) and Q(a, b)` (or `forall a, b
/// in S: P(a) implies Q(a, b)`) without evaluating `P(a)` once per `b`:
/// the body's leading conjuncts (of the antecedent, for `forall`) are each
/// evaluated as soon as the names they use are bound, and a false one
/// settles every binding below it (false for `exists`, true for `forall`).
/// A quadratic invariant such as 2pc's `not exists a, b in RM: RM[a].state
/// == aborted and RM[b].state == committed` becomes linear in the common
/// case. Conjuncts are still evaluated in their written order; the only
/// difference is that a leading conjunct is evaluated even when a later
/// name ranges over an empty set (which matters only if it fails).
struct QuantPlan<'p> {
    conjuncts: Vec<&'p TExpr>,
    /// After binding name `i`: how many leading conjuncts can be evaluated.
    ready: Vec<usize>,
    /// For `forall`: what the conjuncts imply.
    then: Option<&'p TExpr>,
}

/// The left-to-right conjuncts of `e`.
fn conjuncts<'p>(e: &'p TExpr, out: &mut Vec<&'p TExpr>) {
    match &e.kind {
        TExprKind::Binary(BinOp::And, a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(e),
    }
}

fn plan<'p>(q: Quant, binders: &[(LocalId, TExpr)], body: &'p TExpr) -> Option<QuantPlan<'p>> {
    if binders.len() < 2 {
        return None;
    }
    let (lhs, then) = match (q, &body.kind) {
        (Quant::Exists, _) => (body, None),
        (Quant::Forall, TExprKind::Binary(BinOp::Implies, a, b)) => (&**a, Some(&**b)),
        _ => return None,
    };
    let mut cs = Vec::new();
    conjuncts(lhs, &mut cs);
    // The last name each conjunct uses (0 if none or only the first).
    let last_used: Vec<usize> = cs
        .iter()
        .map(|c| {
            let mut last = 0;
            each_subexpr(c, &mut |x| {
                if let TExprKind::Local(l) = x.kind
                    && let Some(i) = binders.iter().position(|(b, _)| *b == l)
                {
                    last = last.max(i);
                }
            });
            last
        })
        .collect();
    let mut ready = Vec::with_capacity(binders.len());
    let mut n = 0;
    for i in 0..binders.len() {
        while n < cs.len() && last_used[n] <= i {
            n += 1;
        }
        ready.push(n);
    }
    // Worth it only if something is settled before the last name.
    (ready[binders.len() - 2] > 0).then_some(QuantPlan {
        conjuncts: cs,
        ready,
        then,
    })
}

/// The plan of a quantifier as parts, for the evaluator over packed states
/// (`packed.rs`), which follows the same plan: the leading conjuncts, how
/// many are ready after each name, and what they imply (`forall`).
#[allow(clippy::type_complexity)]
pub(super) fn plan_for<'p>(
    q: Quant,
    binders: &[(LocalId, TExpr)],
    body: &'p TExpr,
) -> Option<(Vec<&'p TExpr>, Vec<usize>, Option<&'p TExpr>)> {
    plan(q, binders, body).map(|p| (p.conjuncts, p.ready, p.then))
}

/// The elements of a set: borrowed from a listed domain, or a set value.
enum Elems<'a> {
    Listed(&'a [Value]),
    Own(List<Value>),
}

impl std::ops::Deref for Elems<'_> {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        match self {
            Elems::Listed(xs) => xs,
            Elems::Own(xs) => xs,
        }
    }
}

/// What follows the statements being run: the rest of enclosing bodies.
enum Cont<'a> {
    Done,
    Then(&'a [TStmt], &'a Cont<'a>),
}

impl<'p> Evaluator<'p> {
    pub fn new(prog: &'p Program) -> Self {
        let mut types = Vec::new();
        let mut plans = HashMap::new();
        let mut visit = |e: &'p TExpr| {
            collect_all_of(e, &mut types);
            each_subexpr(e, &mut |x: &'p TExpr| {
                if let TExprKind::Quant(q, bs, body) = &x.kind
                    && let Some(p) = plan(*q, bs, body)
                {
                    plans.insert(x as *const TExpr as usize, p);
                }
            });
        };
        for v in &prog.vars {
            visit(&v.init);
        }
        for f in &prog.functions {
            visit(&f.body);
        }
        for f in prog
            .invariants
            .iter()
            .chain(&prog.constraints)
            .chain(&prog.terminals)
        {
            visit(&f.expr);
        }
        for a in &prog.actions {
            for s in &a.body {
                stmt_exprs(s, &mut visit);
            }
        }
        let mut domains = Domains::new(prog);
        let mut listed = HashMap::new();
        for t in types {
            // A domain too large to list is reported when it is first used.
            if let Ok(d) = domains.get(&t) {
                listed.insert(t, d);
            }
        }
        Evaluator {
            prog,
            listed,
            domains: RwLock::new(domains),
            plans,
        }
    }

    pub fn domain(&self, ty: &Type, span: Span) -> R<Arc<Domain>> {
        if let Some(d) = self.listed.get(ty) {
            return Ok(d.clone());
        }
        if let Some(d) = self
            .domains
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .cached(ty)
        {
            return Ok(d);
        }
        let mut d = self.domains.write().unwrap_or_else(|p| p.into_inner());
        d.get(ty).map_err(|m| EvalError { span, message: m })
    }

    /// Checks a body's leading `require`s (which change nothing) on the
    /// current state: `None` if one fails, else where the rest begins.
    pub fn leading_guards(
        &self,
        body: &[TStmt],
        vars: &[Value],
        locals: &mut Vec<Value>,
    ) -> R<Option<usize>> {
        let mut from = 0;
        while let Some(TStmt::Require(c)) = body.get(from) {
            if !self.bool(c, vars, locals)? {
                return Ok(None);
            }
            from += 1;
        }
        Ok(Some(from))
    }

    /// Runs an action body from a state; appends each successor's variables.
    pub fn run_body(
        &self,
        body: &[TStmt],
        vars: &mut Vec<Value>,
        locals: &mut Vec<Value>,
        out: &mut Vec<Vec<Value>>,
    ) -> R<()> {
        self.run(body, &Cont::Done, vars, locals, out)
    }

    fn run(
        &self,
        stmts: &[TStmt],
        k: &Cont,
        vars: &mut Vec<Value>,
        locals: &mut Vec<Value>,
        out: &mut Vec<Vec<Value>>,
    ) -> R<()> {
        for (i, s) in stmts.iter().enumerate() {
            match s {
                TStmt::Require(e) => {
                    if !self.bool(e, vars, locals)? {
                        return Ok(());
                    }
                }
                TStmt::Let(l, e) => {
                    let v = self.eval(e, vars, locals)?;
                    locals[*l] = v;
                }
                TStmt::Assign(p, e) => {
                    let v = self.eval(e, vars, locals)?;
                    self.assign(p, v, &e.ty, vars, locals)?;
                }
                TStmt::If(c, t, f) => {
                    let branch = if self.bool(c, vars, locals)? { t } else { f };
                    return self.run(branch, &Cont::Then(&stmts[i + 1..], k), vars, locals, out);
                }
                TStmt::Pick(binders, body) => {
                    let rest = Cont::Then(&stmts[i + 1..], k);
                    return self.pick(binders, 0, body, &rest, vars, locals, out);
                }
                TStmt::Either(arms) => {
                    let rest = Cont::Then(&stmts[i + 1..], k);
                    for arm in arms {
                        let Some(from) = self.leading_guards(arm, vars, locals)? else {
                            continue;
                        };
                        let mut v2 = vars.clone();
                        let mut l2 = locals.clone();
                        self.run(&arm[from..], &rest, &mut v2, &mut l2, out)?;
                    }
                    return Ok(());
                }
            }
        }
        match k {
            Cont::Done => {
                out.push(vars.clone());
                Ok(())
            }
            Cont::Then(rest, k2) => self.run(rest, k2, vars, locals, out),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn pick(
        &self,
        binders: &[(LocalId, TExpr)],
        at: usize,
        body: &[TStmt],
        k: &Cont,
        vars: &mut Vec<Value>,
        locals: &mut Vec<Value>,
        out: &mut Vec<Vec<Value>>,
    ) -> R<()> {
        let Some((l, set)) = binders.get(at) else {
            // Most choices fail their first `require`: check the leading
            // ones before copying the state for this choice.
            let Some(from) = self.leading_guards(body, vars, locals)? else {
                return Ok(());
            };
            let mut v2 = vars.clone();
            let mut l2 = locals.clone();
            return self.run(&body[from..], k, &mut v2, &mut l2, out);
        };
        let elems = self.set_elems(set, vars, locals)?;
        for x in elems.iter() {
            locals[*l] = x.clone();
            self.pick(binders, at + 1, body, k, vars, locals, out)?;
        }
        Ok(())
    }

    fn assign(
        &self,
        p: &Place,
        v: Value,
        vty: &Type,
        vars: &mut [Value],
        locals: &mut Vec<Value>,
    ) -> R<()> {
        // Evaluate the keys first: they read the state as it is now.
        let mut keys = Vec::with_capacity(p.path.len());
        for el in &p.path {
            if let PathElem::Index(k) = el {
                keys.push(Some(self.eval(k, vars, locals)?));
            } else {
                keys.push(None);
            }
        }
        let mut ty = &self.prog.vars[p.var].ty;
        let mut slot = &mut vars[p.var];
        for (el, key) in p.path.iter().zip(keys) {
            match (el, slot, ty) {
                (PathElem::Index(_), Value::Map(kvs), Type::Map(_, vt)) => {
                    let key = key.expect("index key");
                    match kvs.binary_search_by(|(k, _)| k.cmp(&key)) {
                        // Copy on write: only the path to the entry is copied.
                        Ok(i) => slot = &mut Arc::make_mut(kvs)[i].1,
                        Err(_) => {
                            return err(
                                p.span,
                                format!(
                                    "key {} is outside the map's domain",
                                    super::value::show(&key, &Type::Unknown, self.prog)
                                ),
                            );
                        }
                    }
                    ty = vt;
                }
                (PathElem::Index(_), Value::Seq(xs), Type::Seq(et, _)) => {
                    let n = key.and_then(|k| k.as_int()).unwrap_or(-1);
                    let len = xs.len();
                    match usize::try_from(n).ok().filter(|&i| i < len) {
                        Some(i) => slot = &mut Arc::make_mut(xs)[i],
                        None => {
                            return err(
                                p.span,
                                format!("index {n} is outside the sequence (length {len})"),
                            );
                        }
                    }
                    ty = et;
                }
                (
                    PathElem::Field(i) | PathElem::TupleField(i),
                    Value::Tuple(xs),
                    Type::Record(_) | Type::Tuple(_),
                ) => {
                    ty = match ty {
                        Type::Record(fs) => &fs[*i].1,
                        Type::Tuple(ts) => &ts[*i],
                        _ => unreachable!("matched above"),
                    };
                    slot = &mut Arc::make_mut(xs)[*i];
                }
                _ => return err(p.span, "internal: assignment path does not match the value"),
            }
        }
        if !statically_fits(vty, ty) && !self.fits(&v, ty) {
            let var = &self.prog.vars[p.var];
            return err(
                p.span,
                format!(
                    "the value {} is outside the domain of `{}` ({})",
                    super::value::show(&v, ty, self.prog),
                    var.name,
                    ty.show(self.prog)
                ),
            );
        }
        *slot = v;
        Ok(())
    }

    /// Does `v` belong to type `t`?
    pub fn fits(&self, v: &Value, t: &Type) -> bool {
        match (v, t) {
            (_, Type::Unknown) => true,
            (Value::Bool(_), Type::Bool) => true,
            (Value::Int(n), Type::Int(lo, hi)) => lo <= n && n <= hi,
            (Value::Atom(a), Type::Enum(atoms)) => atoms.binary_search(a).is_ok(),
            (Value::Member(s, _), Type::Scalar(s2)) => *s as usize == *s2,
            (Value::Member(s, _), Type::AnyNode) => {
                self.prog.sets[*s as usize].kind != SetKind::Values
            }
            (Value::None, Type::Option(_)) => true,
            (Value::Some(x), Type::Option(t)) => self.fits(x, t),
            (Value::Tuple(xs), Type::Tuple(ts)) => {
                xs.len() == ts.len() && xs.iter().zip(ts).all(|(x, t)| self.fits(x, t))
            }
            (Value::Tuple(xs), Type::Record(fs)) => {
                xs.len() == fs.len() && xs.iter().zip(fs).all(|(x, (_, t))| self.fits(x, t))
            }
            (Value::Set(xs), Type::Set(t)) => xs.iter().all(|x| self.fits(x, t)),
            (Value::Seq(xs), Type::Seq(t, n)) => {
                xs.len() <= *n as usize && xs.iter().all(|x| self.fits(x, t))
            }
            (Value::Map(kvs), Type::Map(kt, vt)) => match self.domain(kt, Span::default()) {
                Ok(d) => {
                    kvs.len() == d.values.len()
                        && kvs
                            .iter()
                            .zip(d.values.iter())
                            .all(|((k, x), k2)| k == k2 && self.fits(x, vt))
                }
                Err(_) => false,
            },
            (Value::Msg(vi, fs), Type::Message) => match self.prog.variants.get(*vi as usize) {
                Some(var) => {
                    fs.len() == var.fields.len()
                        && fs
                            .iter()
                            .zip(&var.fields)
                            .all(|(x, (_, t))| self.fits(x, t))
                }
                None => false,
            },
            _ => false,
        }
    }

    pub fn bool(&self, e: &TExpr, vars: &[Value], locals: &mut Vec<Value>) -> R<bool> {
        match self.eval(e, vars, locals)? {
            Value::Bool(b) => Ok(b),
            _ => err(e.span, "internal: expected true or false"),
        }
    }

    fn int(&self, e: &TExpr, vars: &[Value], locals: &mut Vec<Value>) -> R<i64> {
        match self.eval(e, vars, locals)? {
            Value::Int(n) => Ok(n),
            _ => err(e.span, "internal: expected an integer"),
        }
    }

    /// The elements of a set-valued expression, not copied. A type's domain
    /// listed before exploring is borrowed, not shared through its reference
    /// count: parallel workers would otherwise contend on that one counter.
    fn set_elems(&self, e: &TExpr, vars: &[Value], locals: &mut Vec<Value>) -> R<Elems<'_>> {
        match &e.kind {
            TExprKind::AllOf(t) => match self.listed.get(t) {
                Some(d) => Ok(Elems::Listed(&d.values)),
                None => Ok(Elems::Own(self.domain(t, e.span)?.values.clone())),
            },
            _ => match self.eval(e, vars, locals)? {
                Value::Set(xs) => Ok(Elems::Own(xs)),
                _ => err(e.span, "internal: expected a set"),
            },
        }
    }

    /// Evaluates an expression that only reads (a variable, a bound name,
    /// and lookups into them) without copying, when it is one.
    fn peek<'v>(&self, e: &TExpr, vars: &'v [Value], locals: &'v [Value]) -> Option<R<&'v Value>> {
        match &e.kind {
            TExprKind::Var(v) => Some(Ok(&vars[*v])),
            TExprKind::Local(l) => Some(Ok(&locals[*l])),
            _ => None,
        }
    }

    pub fn eval(&self, e: &TExpr, vars: &[Value], locals: &mut Vec<Value>) -> R<Value> {
        // Nesting is bounded (by the parser; functions do not recurse), but
        // a deep expression inside nested calls could still outgrow a small
        // thread's stack. (Checking only every few levels with a thread-local
        // counter was measured slower than stacker's own check.) Leaves,
        // most evaluations, cannot recurse and skip the check.
        match &e.kind {
            TExprKind::Var(v) => return Ok(vars[*v].clone()),
            TExprKind::Local(l) => return Ok(locals[*l].clone()),
            TExprKind::Int(n) => return Ok(Value::Int(*n)),
            TExprKind::Bool(b) => return Ok(Value::Bool(*b)),
            TExprKind::Atom(a) => return Ok(Value::Atom(*a)),
            TExprKind::Member(s, i) => return Ok(Value::Member(*s as u32, *i)),
            _ => {}
        }
        crate::parser::grow(|| self.eval_inner(e, vars, locals))
    }

    fn eval_inner(&self, e: &TExpr, vars: &[Value], locals: &mut Vec<Value>) -> R<Value> {
        let span = e.span;
        Ok(match &e.kind {
            TExprKind::Bool(b) => Value::Bool(*b),
            TExprKind::Int(n) => Value::Int(*n),
            TExprKind::Atom(a) => Value::Atom(*a),
            TExprKind::Member(s, i) => Value::Member(*s as u32, *i),
            TExprKind::NoneLit => Value::None,
            TExprKind::AllOf(t) => Value::Set(self.domain(t, span)?.values.clone()),
            TExprKind::Var(v) => vars[*v].clone(),
            TExprKind::Local(l) => locals[*l].clone(),
            TExprKind::Some(x) => Value::Some(Arc::new(self.eval(x, vars, locals)?)),
            TExprKind::Unary(op, x) => match op {
                UnOp::Not => Value::Bool(!self.bool(x, vars, locals)?),
                UnOp::Neg => match self.int(x, vars, locals)?.checked_neg() {
                    Some(n) => Value::Int(n),
                    None => return err(span, "integer overflow"),
                },
                UnOp::Always | UnOp::Eventually => {
                    return err(
                        span,
                        "temporal formulas are checked by the liveness checker, not evaluated in a state",
                    );
                }
            },
            TExprKind::Binary(op, a, b) => self.binary(*op, a, b, span, vars, locals)?,
            TExprKind::Range(a, b) => {
                let (lo, hi) = (self.int(a, vars, locals)?, self.int(b, vars, locals)?);
                if hi >= lo && (hi as i128 - lo as i128) >= MAX_DOMAIN as i128 {
                    return err(span, format!("the range {lo}..{hi} is too large"));
                }
                Value::Set((lo..=hi).map(Value::Int).collect())
            }
            TExprKind::Call(f, args) => {
                let func = &self.prog.functions[*f];
                let mut frame = vec![Value::Bool(false); func.locals.len()];
                for (i, a) in args.iter().enumerate() {
                    frame[i] = self.eval(a, vars, locals)?;
                }
                self.eval(&func.body, vars, &mut frame)?
            }
            TExprKind::Builtin(b, args) => self.builtin(b, args, span, vars, locals)?,
            TExprKind::Index(base, key) => {
                let k = self.eval(key, vars, locals)?;
                let lookup = |bv: &Value| -> R<Value> {
                    match bv {
                        Value::Map(kvs) => match kvs.binary_search_by(|(kk, _)| kk.cmp(&k)) {
                            Ok(i) => Ok(kvs[i].1.clone()),
                            Err(_) => err(
                                span,
                                format!(
                                    "key {} is outside the map's domain",
                                    super::value::show(&k, &Type::Unknown, self.prog)
                                ),
                            ),
                        },
                        Value::Seq(xs) => {
                            let n = k.as_int().unwrap_or(-1);
                            match usize::try_from(n).ok().and_then(|i| xs.get(i)) {
                                Some(x) => Ok(x.clone()),
                                None => err(
                                    span,
                                    format!(
                                        "index {n} is outside the sequence (length {})",
                                        xs.len()
                                    ),
                                ),
                            }
                        }
                        _ => err(
                            span,
                            "internal: indexing a value that is not a map or sequence",
                        ),
                    }
                };
                match self.peek(base, vars, locals) {
                    Some(bv) => lookup(bv?)?,
                    None => {
                        let bv = self.eval(base, vars, locals)?;
                        lookup(&bv)?
                    }
                }
            }
            TExprKind::Field(base, i) | TExprKind::TupleField(base, i) => {
                match self.eval(base, vars, locals)? {
                    Value::Tuple(xs) if *i < xs.len() => xs[*i].clone(),
                    _ => {
                        return err(
                            span,
                            "internal: field of a value that is not a record or tuple",
                        );
                    }
                }
            }
            TExprKind::MsgField(base, found) => match self.eval(base, vars, locals)? {
                Value::Msg(vi, fs) => match found.iter().find(|(v, _)| *v == vi as usize) {
                    Some((_, i)) => fs[*i].clone(),
                    None => {
                        let name = &self.prog.variants[vi as usize].name;
                        return err(span, format!("message {name} has no such field"));
                    }
                },
                _ => return err(span, "internal: field of a value that is not a message"),
            },
            TExprKind::Tuple(es) | TExprKind::Record(es) => {
                Value::Tuple(self.list(es, vars, locals)?.into())
            }
            TExprKind::Msg(v, es) => Value::Msg(*v as u32, self.list(es, vars, locals)?.into()),
            TExprKind::SetLit(es) => Value::set_from(self.list(es, vars, locals)?),
            TExprKind::SeqLit(es) => Value::Seq(self.list(es, vars, locals)?.into()),
            TExprKind::MapLit(ps) => {
                let mut kvs = Vec::with_capacity(ps.len());
                for (k, v) in ps {
                    kvs.push((self.eval(k, vars, locals)?, self.eval(v, vars, locals)?));
                }
                kvs.sort_by(|a, b| a.0.cmp(&b.0));
                if kvs.windows(2).any(|w| w[0].0 == w[1].0) {
                    return err(span, "a key appears twice in this map");
                }
                Value::Map(kvs.into())
            }
            TExprKind::MapComp(l, set, body) => {
                let elems = self.set_elems(set, vars, locals)?;
                let mut kvs = Vec::with_capacity(elems.len());
                for x in elems.iter().cloned() {
                    locals[*l] = x.clone();
                    kvs.push((x, self.eval(body, vars, locals)?));
                }
                Value::Map(kvs.into())
            }
            TExprKind::SetComp(body, binders, filter) => {
                let mut out = Vec::new();
                self.comprehension(binders, 0, body, filter.as_deref(), vars, locals, &mut out)?;
                Value::set_from(out)
            }
            TExprKind::If(c, a, b) => {
                if self.bool(c, vars, locals)? {
                    self.eval(a, vars, locals)?
                } else {
                    self.eval(b, vars, locals)?
                }
            }
            TExprKind::Let(l, v, body) => {
                locals[*l] = self.eval(v, vars, locals)?;
                self.eval(body, vars, locals)?
            }
            TExprKind::Quant(q, binders, body) => {
                Value::Bool(match self.plans.get(&(e as *const TExpr as usize)) {
                    Some(p) => self.planned(*q, binders, 0, p, 0, vars, locals)?,
                    None => self.quant(*q, binders, 0, body, vars, locals)?,
                })
            }
            TExprKind::Is(x, v, tests) => match self.eval(x, vars, locals)? {
                Value::Msg(vi, fs) if vi as usize == *v => {
                    let mut ok = true;
                    for (f, t) in fs.iter().zip(tests) {
                        if let Some(t) = t
                            && self.eval(t, vars, locals)? != *f
                        {
                            ok = false;
                            break;
                        }
                    }
                    Value::Bool(ok)
                }
                Value::Msg(..) => Value::Bool(false),
                _ => return err(span, "internal: `is` on a value that is not a message"),
            },
            TExprKind::Choose(l, set, pred) => {
                let elems = self.set_elems(set, vars, locals)?;
                for x in elems.iter().cloned() {
                    locals[*l] = x.clone();
                    if self.bool(pred, vars, locals)? {
                        return Ok(x);
                    }
                }
                return err(
                    span,
                    "`choose` found no element that satisfies its condition",
                );
            }
        })
    }

    fn list(&self, es: &[TExpr], vars: &[Value], locals: &mut Vec<Value>) -> R<Vec<Value>> {
        // A plain loop: collecting into a `Result` measured slower here.
        let mut out = Vec::with_capacity(es.len());
        for e in es {
            out.push(self.eval(e, vars, locals)?);
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn comprehension(
        &self,
        binders: &[(LocalId, TExpr)],
        at: usize,
        body: &TExpr,
        filter: Option<&TExpr>,
        vars: &[Value],
        locals: &mut Vec<Value>,
        out: &mut Vec<Value>,
    ) -> R<()> {
        let Some((l, set)) = binders.get(at) else {
            if filter.map_or(Ok(true), |f| self.bool(f, vars, locals))? {
                out.push(self.eval(body, vars, locals)?);
            }
            return Ok(());
        };
        let elems = self.set_elems(set, vars, locals)?;
        for x in elems.iter().cloned() {
            locals[*l] = x;
            self.comprehension(binders, at + 1, body, filter, vars, locals, out)?;
        }
        Ok(())
    }

    fn quant(
        &self,
        q: Quant,
        binders: &[(LocalId, TExpr)],
        at: usize,
        body: &TExpr,
        vars: &[Value],
        locals: &mut Vec<Value>,
    ) -> R<bool> {
        let Some((l, set)) = binders.get(at) else {
            return self.bool(body, vars, locals);
        };
        let elems = self.set_elems(set, vars, locals)?;
        for x in elems.iter().cloned() {
            locals[*l] = x;
            let r = self.quant(q, binders, at + 1, body, vars, locals)?;
            match q {
                Quant::Forall if !r => return Ok(false),
                Quant::Exists if r => return Ok(true),
                _ => {}
            }
        }
        Ok(q == Quant::Forall)
    }

    /// A quantifier with a plan: binds name `at` and on, the first `done`
    /// conjuncts having held.
    #[allow(clippy::too_many_arguments)]
    fn planned(
        &self,
        q: Quant,
        binders: &[(LocalId, TExpr)],
        at: usize,
        plan: &QuantPlan,
        done: usize,
        vars: &[Value],
        locals: &mut Vec<Value>,
    ) -> R<bool> {
        let Some((l, set)) = binders.get(at) else {
            return match plan.then {
                Some(q) => self.bool(q, vars, locals),
                None => Ok(true),
            };
        };
        let upto = plan.ready[at];
        let elems = self.set_elems(set, vars, locals)?;
        for x in elems.iter().cloned() {
            locals[*l] = x;
            let mut holds = true;
            for c in &plan.conjuncts[done..upto] {
                if !self.bool(c, vars, locals)? {
                    holds = false;
                    break;
                }
            }
            // A false conjunct settles every binding below: `exists` finds
            // nothing there, and `forall`'s implication holds there.
            let r = if holds {
                self.planned(q, binders, at + 1, plan, upto, vars, locals)?
            } else {
                q == Quant::Forall
            };
            match q {
                Quant::Forall if !r => return Ok(false),
                Quant::Exists if r => return Ok(true),
                _ => {}
            }
        }
        Ok(q == Quant::Forall)
    }

    fn binary(
        &self,
        op: BinOp,
        a: &TExpr,
        b: &TExpr,
        span: Span,
        vars: &[Value],
        locals: &mut Vec<Value>,
    ) -> R<Value> {
        match op {
            BinOp::And => {
                return Ok(Value::Bool(
                    self.bool(a, vars, locals)? && self.bool(b, vars, locals)?,
                ));
            }
            BinOp::Or => {
                return Ok(Value::Bool(
                    self.bool(a, vars, locals)? || self.bool(b, vars, locals)?,
                ));
            }
            BinOp::Implies => {
                return Ok(Value::Bool(
                    !self.bool(a, vars, locals)? || self.bool(b, vars, locals)?,
                ));
            }
            BinOp::In | BinOp::NotIn => {
                let x = self.eval(a, vars, locals)?;
                let found = match self.peek(b, vars, locals) {
                    Some(s) => contains(s?, &x),
                    None => match &b.kind {
                        TExprKind::AllOf(t) => match self.listed.get(t) {
                            Some(d) => d.index.contains_key(&x),
                            None => self.domain(t, b.span)?.index.contains_key(&x),
                        },
                        _ => contains(&self.eval(b, vars, locals)?, &x),
                    },
                };
                return Ok(Value::Bool(found == (op == BinOp::In)));
            }
            BinOp::LeadsTo => {
                return err(
                    span,
                    "temporal formulas are checked by the liveness checker, not evaluated in a state",
                );
            }
            _ => {}
        }
        let x = self.eval(a, vars, locals)?;
        let y = self.eval(b, vars, locals)?;
        Ok(match (op, x, y) {
            (BinOp::Eq, x, y) => Value::Bool(x == y),
            (BinOp::Ne, x, y) => Value::Bool(x != y),
            (op, Value::Int(x), Value::Int(y)) => {
                let r = match op {
                    BinOp::Add => x.checked_add(y),
                    BinOp::Sub => x.checked_sub(y),
                    BinOp::Mul => x.checked_mul(y),
                    BinOp::Div | BinOp::Mod if y == 0 => return err(span, "division by zero"),
                    BinOp::Div => x.checked_div_euclid(y),
                    BinOp::Mod => x.checked_rem_euclid(y),
                    BinOp::Lt => return Ok(Value::Bool(x < y)),
                    BinOp::Le => return Ok(Value::Bool(x <= y)),
                    BinOp::Gt => return Ok(Value::Bool(x > y)),
                    BinOp::Ge => return Ok(Value::Bool(x >= y)),
                    _ => return err(span, "internal: integer operator"),
                };
                match r {
                    Some(n) => Value::Int(n),
                    None => return err(span, "integer overflow"),
                }
            }
            (BinOp::Union, Value::Set(x), Value::Set(y)) => Value::Set(union(x, y)),
            (BinOp::Intersect, Value::Set(x), Value::Set(y)) => Value::Set(
                x.iter()
                    .filter(|v| y.binary_search(v).is_ok())
                    .cloned()
                    .collect(),
            ),
            (BinOp::Minus, Value::Set(x), Value::Set(y)) => Value::Set(
                x.iter()
                    .filter(|v| y.binary_search(v).is_err())
                    .cloned()
                    .collect(),
            ),
            (BinOp::Subset, Value::Set(x), Value::Set(y)) => {
                Value::Bool(x.iter().all(|v| y.binary_search(v).is_ok()))
            }
            _ => return err(span, "internal: operator applied to the wrong values"),
        })
    }
}

/// Is every value of type `v` also of type `slot`, so that no run-time
/// check is needed? Maps and sequences are always checked: a map value must
/// cover exactly its key domain, and a sequence's length is not tracked by
/// its type; the types alone do not promise either.
pub fn statically_fits(v: &Type, slot: &Type) -> bool {
    match (v, slot) {
        (Type::Unknown, _) => true,
        (Type::Bool, Type::Bool)
        | (Type::Message, Type::Message)
        | (Type::AnyNode, Type::AnyNode) => true,
        (Type::Int(a, b), Type::Int(lo, hi)) => lo <= a && b <= hi,
        (Type::Enum(xs), Type::Enum(ys)) => xs.iter().all(|x| ys.binary_search(x).is_ok()),
        (Type::Scalar(x), Type::Scalar(y)) => x == y,
        (Type::Set(x), Type::Set(y)) | (Type::Option(x), Type::Option(y)) => statically_fits(x, y),
        // `append` keeps its argument's bound in the type but may pass it.
        (Type::Seq(..), Type::Seq(..)) => false,
        (Type::Tuple(xs), Type::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| statically_fits(x, y))
        }
        (Type::Record(xs), Type::Record(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .zip(ys)
                    .all(|((n, x), (m, y))| n == m && statically_fits(x, y))
        }
        _ => false,
    }
}
