//! Expression checking: resolves names and computes types.
//!
//! Each `expr` call returns a typed expression even after an error (with
//! type `Unknown`, which joins with anything), so one run reports every
//! independent mistake without cascades of follow-on errors.

use super::decls::error_expr;
use super::program::*;
use super::types::{Type, join, never_fits};
use super::{Global, Sema};
use crate::diag::{Diag, Span, did_you_mean};
use crate::parser::ast::{self, BinOp, Expr, ExprKind, Quant};

pub(super) fn te(kind: TExprKind, ty: Type, span: Span) -> TExpr {
    TExpr { kind, ty, span }
}

fn sat_add(a: i64, b: i64) -> i64 {
    a.saturating_add(b)
}

/// Interval of `a op b` for integer intervals; the full range when unknown.
pub(super) fn int_interval(op: BinOp, a: (i64, i64), b: (i64, i64)) -> (i64, i64) {
    let full = (i64::MIN, i64::MAX);
    let unb = |x: (i64, i64)| x.0 == i64::MIN || x.1 == i64::MAX;
    if unb(a) || unb(b) {
        return full;
    }
    match op {
        BinOp::Add => (sat_add(a.0, b.0), sat_add(a.1, b.1)),
        BinOp::Sub => (a.0.saturating_sub(b.1), a.1.saturating_sub(b.0)),
        BinOp::Mul => {
            let c = [
                a.0.saturating_mul(b.0),
                a.0.saturating_mul(b.1),
                a.1.saturating_mul(b.0),
                a.1.saturating_mul(b.1),
            ];
            (*c.iter().min().unwrap_or(&0), *c.iter().max().unwrap_or(&0))
        }
        BinOp::Mod if b.0 > 0 => (0, b.1 - 1),
        BinOp::Div if b.0 > 0 && a.0 >= 0 => (a.0 / b.1, a.1 / b.0),
        _ => full,
    }
}

impl Sema<'_> {
    pub(crate) fn expect_bool(&mut self, e: &TExpr, what: &str) {
        match &e.ty {
            Type::Bool | Type::Unknown => {}
            Type::Temporal => self.err(
                Diag::error(e.span, format!("temporal operator in {what}"))
                    .label("`always`, `eventually` and `leads_to` belong in a `property`")
                    .help("invariants, conditions and constraints are about one state"),
            ),
            t => {
                let t = t.show(&self.prog);
                self.err(
                    Diag::error(
                        e.span,
                        format!("expected true or false in {what}, found {t}"),
                    )
                    .label(format!("this is {t}")),
                );
            }
        }
    }

    pub(super) fn expect_int(&mut self, e: &TExpr, op: &str) -> (i64, i64) {
        match &e.ty {
            Type::Int(lo, hi) => (*lo, *hi),
            Type::Unknown => (i64::MIN, i64::MAX),
            t => {
                let t = t.show(&self.prog);
                self.err(
                    Diag::error(e.span, format!("`{op}` needs integers, found {t}"))
                        .label(format!("this is {t}")),
                );
                (i64::MIN, i64::MAX)
            }
        }
    }

    /// The element type of a set-valued expression, or an error.
    pub(super) fn expect_set(&mut self, e: &TExpr, what: &str) -> Type {
        match &e.ty {
            Type::Set(t) => (**t).clone(),
            Type::Unknown => Type::Unknown,
            t => {
                let t = t.show(&self.prog);
                self.err(
                    Diag::error(e.span, format!("{what} needs a set, found {t}"))
                        .label(format!("this is {t}")),
                );
                Type::Unknown
            }
        }
    }

    /// Checks that a value can be stored where type `slot` is expected.
    pub(crate) fn check_fits(&mut self, value: &TExpr, slot: &Type, what: &str) {
        match join(&value.ty, slot, &self.prog) {
            None => {
                let (v, s) = (value.ty.show(&self.prog), slot.show(&self.prog));
                self.err(
                    Diag::error(
                        value.span,
                        format!("type mismatch: {what} has type {s}, but this is {v}"),
                    )
                    .label(format!("this is {v}")),
                );
            }
            Some(_) => {
                if let Some(why) = never_fits(&value.ty, slot, &self.prog) {
                    let s = slot.show(&self.prog);
                    self.err(
                        Diag::error(
                            value.span,
                            format!("this value can never be stored in {what}"),
                        )
                        .label(why)
                        .help(format!("{what} has type {s}")),
                    );
                }
            }
        }
    }

    pub(super) fn unify(&mut self, a: &TExpr, b: &TExpr, span: Span, what: &str) -> Type {
        match join(&a.ty, &b.ty, &self.prog) {
            Some(t) => t,
            None => {
                let (x, y) = (a.ty.show(&self.prog), b.ty.show(&self.prog));
                self.err(
                    Diag::error(span, format!("{what}: {x} and {y} do not mix"))
                        .note(a.span, format!("this is {x}"))
                        .note(b.span, format!("this is {y}")),
                );
                Type::Unknown
            }
        }
    }

    pub(crate) fn expr(&mut self, e: &Expr) -> TExpr {
        crate::parser::grow(|| self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &Expr) -> TExpr {
        let span = e.span;
        match &e.kind {
            ExprKind::Int(n) => te(TExprKind::Int(*n), Type::Int(*n, *n), span),
            ExprKind::Bool(b) => te(TExprKind::Bool(*b), Type::Bool, span),
            ExprKind::Error => error_expr(span),
            ExprKind::Name(n) => self.name(n, span),
            ExprKind::SelfRef => self.self_ref(span),
            ExprKind::NoneLit => te(
                TExprKind::NoneLit,
                Type::Option(Box::new(Type::Unknown)),
                span,
            ),
            ExprKind::Some(x) => {
                let x = self.expr(x);
                let t = Type::Option(Box::new(x.ty.clone()));
                te(TExprKind::Some(Box::new(x)), t, span)
            }
            ExprKind::Unary(op, x) => self.unary(*op, x, span),
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, span),
            ExprKind::Range(a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                let (al, _) = self.expect_int(&a, "..");
                let (_, bh) = self.expect_int(&b, "..");
                let t = Type::Set(Box::new(Type::Int(al, bh.max(al))));
                te(TExprKind::Range(Box::new(a), Box::new(b)), t, span)
            }
            ExprKind::Call(f, args) => self.call(f, args, span),
            ExprKind::Index(base, idx) => self.index(base, idx, span),
            ExprKind::Field(base, f) => self.field(base, f, span),
            ExprKind::TupleField(base, n, nspan) => {
                let b = self.expr(base);
                match &b.ty {
                    Type::Tuple(ts) if *n < ts.len() => {
                        let t = ts[*n].clone();
                        te(TExprKind::TupleField(Box::new(b), *n), t, span)
                    }
                    Type::Unknown => error_expr(span),
                    t => {
                        let shown = t.show(&self.prog);
                        self.err(
                            Diag::error(*nspan, format!("no element .{n} in {shown}"))
                                .label("no such element")
                                .help("tuple elements are numbered from 0"),
                        );
                        error_expr(span)
                    }
                }
            }
            ExprKind::Tuple(items) => {
                let items: Vec<TExpr> = items.iter().map(|x| self.expr(x)).collect();
                let t = Type::Tuple(items.iter().map(|x| x.ty.clone()).collect());
                te(TExprKind::Tuple(items), t, span)
            }
            ExprKind::SetLit(items) => {
                let (items, t) = self.elements(items, "a set");
                te(TExprKind::SetLit(items), Type::Set(Box::new(t)), span)
            }
            ExprKind::SeqLit(items) => {
                let (items, t) = self.elements(items, "a sequence");
                let n = items.len() as u32;
                te(TExprKind::SeqLit(items), Type::Seq(Box::new(t), n), span)
            }
            ExprKind::MapLit(pairs) => {
                let mut kt = Type::Unknown;
                let mut vt = Type::Unknown;
                let mut out = Vec::new();
                for (k, v) in pairs {
                    let (k, v) = (self.expr(k), self.expr(v));
                    kt = join(&kt, &k.ty, &self.prog).unwrap_or_else(|| {
                        self.err(
                            Diag::error(k.span, "map keys must all have one type")
                                .label("different type"),
                        );
                        kt.clone()
                    });
                    vt = join(&vt, &v.ty, &self.prog).unwrap_or_else(|| {
                        self.err(
                            Diag::error(v.span, "map values must all have one type")
                                .label("different type"),
                        );
                        vt.clone()
                    });
                    out.push((k, v));
                }
                te(
                    TExprKind::MapLit(out),
                    Type::Map(Box::new(kt), Box::new(vt)),
                    span,
                )
            }
            ExprKind::MapComp(x, set, body) => {
                let set = self.expr(set);
                let elem = self.expect_set(&set, "a map comprehension");
                let mark = self.scope.len();
                let l = self.bind(x, elem.clone());
                let body = self.expr(body);
                self.scope.truncate(mark);
                let t = Type::Map(Box::new(elem), Box::new(body.ty.clone()));
                te(
                    TExprKind::MapComp(l, Box::new(set), Box::new(body)),
                    t,
                    span,
                )
            }
            ExprKind::SetComp(body, binders, filter) => {
                let mark = self.scope.len();
                let bs = self.binders(binders);
                let body = self.expr(body);
                let filter = filter.as_ref().map(|f| {
                    let f = self.expr(f);
                    self.expect_bool(&f, "a filter");
                    Box::new(f)
                });
                self.scope.truncate(mark);
                let t = Type::Set(Box::new(body.ty.clone()));
                te(TExprKind::SetComp(Box::new(body), bs, filter), t, span)
            }
            ExprKind::SetFilter(x, set, pred) => {
                let (set, elem, l, pred) = self.bound_predicate(x, set, pred, "a filter");
                let body = te(TExprKind::Local(l), elem.clone(), x.span);
                let t = Type::Set(Box::new(elem));
                te(
                    TExprKind::SetComp(Box::new(body), vec![(l, set)], Some(Box::new(pred))),
                    t,
                    span,
                )
            }
            ExprKind::Record(fields) => {
                let mut fs: Vec<(String, TExpr)> = Vec::new();
                for (n, v) in fields {
                    if fs.iter().any(|(m, _)| m == &n.name) {
                        self.err(
                            Diag::error(n.span, format!("field `{}` appears twice", n.name))
                                .label("duplicate field"),
                        );
                        continue;
                    }
                    let v = self.expr(v);
                    fs.push((n.name.clone(), v));
                }
                fs.sort_by(|a, b| a.0.cmp(&b.0));
                let t = Type::Record(fs.iter().map(|(n, v)| (n.clone(), v.ty.clone())).collect());
                te(
                    TExprKind::Record(fs.into_iter().map(|(_, v)| v).collect()),
                    t,
                    span,
                )
            }
            ExprKind::If(c, a, b) => {
                let c = self.expr(c);
                self.expect_bool(&c, "an `if` condition");
                let (a, b) = (self.expr(a), self.expr(b));
                let t = self.unify(&a, &b, span, "the branches of `if`");
                te(
                    TExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
                    t,
                    span,
                )
            }
            ExprKind::Choose(x, set, pred) => {
                let (set, elem, l, pred) = self.bound_predicate(x, set, pred, "`choose`");
                if let Some(n) = self.symmetric_in(&elem) {
                    self.err(
                        Diag::error(span, format!("`choose` would pick among members of the symmetric set `{n}` by their order"))
                            .label("the value chosen depends on how members are named")
                            .help(format!(
                                "`pick {} in …` tries every choice; or drop `symmetric` from `{n}`'s declaration",
                                x.name
                            )),
                    );
                }
                te(
                    TExprKind::Choose(l, Box::new(set), Box::new(pred)),
                    elem,
                    span,
                )
            }
            ExprKind::Let(x, v, body) => {
                let v = self.expr(v);
                let mark = self.scope.len();
                let l = self.bind(x, v.ty.clone());
                let body = self.expr(body);
                self.warn_unused_local(l);
                self.scope.truncate(mark);
                let t = body.ty.clone();
                te(TExprKind::Let(l, Box::new(v), Box::new(body)), t, span)
            }
            ExprKind::Quant(q, binders, body) => {
                let mark = self.scope.len();
                let bs = self.binders(binders);
                let body = self.expr(body);
                self.scope.truncate(mark);
                let t = match (&body.ty, q) {
                    (Type::Temporal, Quant::Forall) if self.ctx.property => Type::Temporal,
                    (Type::Temporal, Quant::Exists) if self.ctx.property => {
                        self.err(
                            Diag::error(span, "`exists` over a temporal formula is not supported")
                                .label("outside the supported fragment")
                                .help("properties may combine temporal formulas with `and` and `forall`"),
                        );
                        Type::Bool
                    }
                    _ => {
                        self.expect_bool(&body, "a quantifier body");
                        Type::Bool
                    }
                };
                te(TExprKind::Quant(*q, bs, Box::new(body)), t, span)
            }
            ExprKind::Is(x, variant, pats) => {
                let x = self.expr(x);
                if !matches!(x.ty, Type::Message | Type::Unknown) {
                    let t = x.ty.show(&self.prog);
                    self.err(
                        Diag::error(x.span, format!("`is` tests a message, found {t}"))
                            .label(format!("this is {t}")),
                    );
                }
                let Some(v) = self.variant(variant) else {
                    return error_expr(span);
                };
                let fields = self.prog.variants[v].fields.clone();
                let mut tests = Vec::new();
                if let Some(pats) = pats {
                    if pats.len() != fields.len() {
                        self.err(
                            Diag::error(
                                variant.span,
                                format!(
                                    "`{}` has {} field{}, the pattern lists {}",
                                    variant.name,
                                    fields.len(),
                                    if fields.len() == 1 { "" } else { "s" },
                                    pats.len()
                                ),
                            )
                            .label("wrong number of fields")
                            .help("write `_` for a field that may be anything"),
                        );
                    }
                    for (p, (fname, fty)) in pats.iter().zip(&fields) {
                        tests.push(p.as_ref().map(|p| {
                            let p = self.expr(p);
                            self.check_fits(&p, fty, &format!("field `{fname}`"));
                            p
                        }));
                    }
                }
                te(TExprKind::Is(Box::new(x), v, tests), Type::Bool, span)
            }
        }
    }

    /// The elements of a set or sequence literal and their common type.
    fn elements(&mut self, items: &[Expr], what: &str) -> (Vec<TExpr>, Type) {
        let items: Vec<TExpr> = items.iter().map(|x| self.expr(x)).collect();
        let mut t = Type::Unknown;
        for i in &items {
            t = join(&t, &i.ty, &self.prog).unwrap_or_else(|| {
                let (a, b) = (t.show(&self.prog), i.ty.show(&self.prog));
                self.err(
                    Diag::error(
                        i.span,
                        format!(
                            "{what} holds values of one type: this is {b}, earlier elements are {a}"
                        ),
                    )
                    .label(format!("this is {b}")),
                );
                t.clone()
            });
        }
        (items, t)
    }

    /// `x in S: p` (a filter or `choose`): the set, its element type, the
    /// bound name's slot and the condition, with `x` in scope only in `p`.
    /// The name of a symmetric set (of two or more members) whose members
    /// values of `t` can hold.
    pub(crate) fn symmetric_in(&self, t: &Type) -> Option<String> {
        let sym = |s: usize| {
            let set = &self.prog.sets[s];
            (set.symmetric && set.members.len() > 1).then(|| set.name.clone())
        };
        match t {
            Type::Scalar(s) => sym(*s),
            Type::AnyNode => (0..self.prog.sets.len())
                .filter(|&s| self.prog.sets[s].kind != SetKind::Values)
                .find_map(sym),
            Type::Tuple(ts) => ts.iter().find_map(|t| self.symmetric_in(t)),
            Type::Record(fs) => fs.iter().find_map(|(_, t)| self.symmetric_in(t)),
            Type::Set(t) | Type::Seq(t, _) | Type::Option(t) => self.symmetric_in(t),
            Type::Map(k, v) => self.symmetric_in(k).or_else(|| self.symmetric_in(v)),
            Type::Message => self
                .prog
                .variants
                .iter()
                .flat_map(|v| &v.fields)
                .find_map(|(_, t)| self.symmetric_in(t)),
            _ => None,
        }
    }

    fn bound_predicate(
        &mut self,
        x: &ast::Ident,
        set: &Expr,
        pred: &Expr,
        what: &str,
    ) -> (TExpr, Type, LocalId, TExpr) {
        let set = self.expr(set);
        let elem = self.expect_set(&set, what);
        let mark = self.scope.len();
        let l = self.bind(x, elem.clone());
        let pred = self.expr(pred);
        self.expect_bool(&pred, what);
        self.scope.truncate(mark);
        (set, elem, l, pred)
    }

    pub(crate) fn warn_unused_local(&mut self, l: LocalId) {
        if !self.local_used[l] && !self.locals[l].name.starts_with('_') {
            let (n, sp) = (self.locals[l].name.clone(), self.locals[l].span);
            self.err(
                Diag::warning(sp, format!("`{n}` is never used"))
                    .label("bound here")
                    .help(format!(
                        "remove it, or name it `_{n}` to say it is unused on purpose"
                    )),
            );
        }
    }

    pub(crate) fn binders(&mut self, binders: &[ast::Binder]) -> Vec<(LocalId, TExpr)> {
        let mut out = Vec::new();
        for b in binders {
            let set = self.expr(&b.set);
            let elem = self.expect_set(&set, "`in`");
            for n in &b.names {
                let l = self.bind(n, elem.clone());
                out.push((l, set.clone()));
            }
        }
        out
    }

    pub(crate) fn variant(&mut self, id: &ast::Ident) -> Option<VariantId> {
        match self.globals.get(&id.name) {
            Some((Global::Variant(v), _)) => Some(*v),
            other => {
                let what = other.map(|(g, _)| g.what());
                let names: Vec<String> =
                    self.prog.variants.iter().map(|v| v.name.clone()).collect();
                let mut d = Diag::error(
                    id.span,
                    match what {
                        Some(w) => format!("`{}` is {w}, not a message", id.name),
                        None => format!("unknown message `{}`", id.name),
                    },
                )
                .label("expected a message name");
                if let Some(m) = did_you_mean(&id.name, names.iter().map(String::as_str)) {
                    d = d.help(format!("did you mean `{m}`?"));
                } else {
                    d = d.help("declare it with `message Name(field: Type, …)`");
                }
                self.err(d);
                None
            }
        }
    }

    pub(crate) fn self_ref(&mut self, span: Span) -> TExpr {
        match self.ctx.node {
            Some(s) if self.prog.sets[s].kind == SetKind::Single => {
                te(TExprKind::Member(s, 0), Type::Scalar(s), span)
            }
            Some(s) => match self.lookup_local("self") {
                Some(l) => te(TExprKind::Local(l), Type::Scalar(s), span),
                None => error_expr(span),
            },
            None => {
                self.err(
                    Diag::error(span, "`self` outside a node block")
                        .label("there is no node here")
                        .help("`self` means the node taking the step, inside `node Name { … }`"),
                );
                error_expr(span)
            }
        }
    }

    fn read_var(&mut self, v: VarId, span: Span) -> TExpr {
        if self.ctx.init {
            let name = self.prog.vars[v].name.clone();
            self.err(
                Diag::error(span, format!("an initial value cannot read `{name}`"))
                    .label("no state exists yet")
                    .help("initial values are built from constants, sets and literals; state how each variable starts"),
            );
            return error_expr(span);
        }
        if let Some(r) = self.var_read.get_mut(v) {
            *r = true;
        }
        te(TExprKind::Var(v), self.prog.vars[v].ty.clone(), span)
    }

    /// A node's variable: `v[node]` for a node set, `v` for a single node.
    pub(super) fn node_var(&mut self, v: VarId, node: TExpr, span: Span) -> TExpr {
        let var = self.read_var(v, span);
        match &var.ty {
            Type::Map(_, t) if matches!(self.prog.vars[v].origin, VarOrigin::NodeLocal(_)) => {
                let t = (**t).clone();
                te(TExprKind::Index(Box::new(var), Box::new(node)), t, span)
            }
            _ => var,
        }
    }

    fn name(&mut self, n: &str, span: Span) -> TExpr {
        if let Some(l) = self.lookup_local(n) {
            return te(TExprKind::Local(l), self.locals[l].ty.clone(), span);
        }
        if let Some(s) = self.ctx.node
            && let Some(&v) = self.node_vars.get(&(s, n.to_string()))
        {
            let me = self.self_ref(span);
            return self.node_var(v, me, span);
        }
        match self.globals.get(n).cloned() {
            Some((g, _)) => match g {
                Global::Const(c) => match self.prog.consts[c].value {
                    ConstValue::Int(x) => te(TExprKind::Int(x), Type::Int(x, x), span),
                    ConstValue::Bool(b) => te(TExprKind::Bool(b), Type::Bool, span),
                },
                Global::Atom(a) => te(TExprKind::Atom(a), Type::Enum(vec![a]), span),
                Global::EnumType(atoms) => {
                    let t = Type::Enum(atoms);
                    te(TExprKind::AllOf(t.clone()), Type::Set(Box::new(t)), span)
                }
                Global::Set(s) => {
                    let t = Type::Scalar(s);
                    if self.prog.sets[s].kind == SetKind::Single {
                        return te(TExprKind::Member(s, 0), t, span);
                    }
                    te(TExprKind::AllOf(t.clone()), Type::Set(Box::new(t)), span)
                }
                Global::Member(s, i) => {
                    let set = &self.prog.sets[s];
                    if set.symmetric && set.members.len() > 1 {
                        let (m, n) = (set.members[i as usize].clone(), set.name.clone());
                        self.err(
                            Diag::error(span, format!("`{m}` names one member of the symmetric set `{n}`"))
                                .label("this tells it apart from the other members")
                                .help(format!(
                                    "members of a symmetric set are interchangeable (that is what lets kripke check one state per renaming): quantify over `{n}` or use `self`, or drop `symmetric` from `{n}`'s declaration"
                                )),
                        );
                    }
                    te(TExprKind::Member(s, i), Type::Scalar(s), span)
                }
                Global::Variant(v) => {
                    let nf = self.prog.variants[v].fields.len();
                    if nf > 0 {
                        self.err(
                            Diag::error(
                                span,
                                format!(
                                    "message `{n}` needs its {nf} field{}",
                                    if nf == 1 { "" } else { "s" }
                                ),
                            )
                            .label("missing field values")
                            .help(format!("write `{n}(…)`, or test a message with `m is {n}`")),
                        );
                        return error_expr(span);
                    }
                    te(TExprKind::Msg(v, Vec::new()), Type::Message, span)
                }
                Global::Network(net) => {
                    let v = self.prog.networks[net].var;
                    self.read_var(v, span)
                }
                Global::Var(v) => self.read_var(v, span),
                Global::Fn(_) | Global::Action | Global::Formula => {
                    let what = g.what();
                    self.err(
                        Diag::error(span, format!("`{n}` is {what}, not a value"))
                            .label("cannot be used as a value")
                            .help(if matches!(g, Global::Fn(_)) {
                                format!("call it: `{n}(…)`")
                            } else {
                                "only state variables, constants and bound names have values"
                                    .to_string()
                            }),
                    );
                    error_expr(span)
                }
            },
            None => {
                if n == "Message" && !self.prog.variants.is_empty() {
                    return te(
                        TExprKind::AllOf(Type::Message),
                        Type::Set(Box::new(Type::Message)),
                        span,
                    );
                }
                if n == "Node" {
                    return te(
                        TExprKind::AllOf(Type::AnyNode),
                        Type::Set(Box::new(Type::AnyNode)),
                        span,
                    );
                }
                if n == "bool" {
                    return te(
                        TExprKind::AllOf(Type::Bool),
                        Type::Set(Box::new(Type::Bool)),
                        span,
                    );
                }
                let names = self.visible_names();
                let mut d = Diag::error(span, format!("unknown name `{n}`")).label("not declared");
                d = match did_you_mean(n, names.iter().map(String::as_str)) {
                    Some(m) => d.help(format!("did you mean `{m}`?")),
                    None if self.ctx.node.is_none() && self.node_vars.keys().any(|(_, v)| v == n) => {
                        d.help(format!("`{n}` is a node variable: outside its node block write `Set[node].{n}` or `node.{n}`"))
                    }
                    None => d.help("declare it first (`var`, `const`, `enum`, …)"),
                };
                self.err(d);
                error_expr(span)
            }
        }
    }
}
