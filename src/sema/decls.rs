//! Declarations: constants, enumerations, node and value sets, messages,
//! variables and function signatures (type expressions are in
//! `typeexpr.rs`, networks in `net.rs`).

use super::consts::parse_override;
use super::program::*;
use super::types::{SetId, Type};
use super::{Ctx, Global, Sema};
use crate::diag::{Diag, Span};
use crate::parser::ast::{self, ItemKind, Members, TypeExpr, VarInit};

/// Largest node or value set; larger ones are almost surely a mistake and
/// would make member names meaningless.
const MAX_SET_SIZE: i64 = 1000;

/// Most bits one variable may take in a state (2^20: 128 KiB).
const MAX_VAR_BITS: f64 = (1u64 << 20) as f64;

impl Sema<'_> {
    /// Pass 1: constants, enumerations, node and value sets.
    pub(crate) fn pass_sets(&mut self, items: &[ast::Item], override_errors: &mut Vec<String>) {
        for item in items {
            match &item.kind {
                ItemKind::Const { name, ty, value } => {
                    self.const_decl(name, ty.as_ref(), value, override_errors)
                }
                ItemKind::Enum { name, members } => {
                    let mut atoms: Vec<_> = members.iter().map(|m| self.atom(m)).collect();
                    atoms.sort_unstable();
                    let n = atoms.len();
                    atoms.dedup();
                    if atoms.len() != n {
                        self.err(
                            Diag::error(
                                name.span,
                                format!("enumeration `{}` lists a member twice", name.name),
                            )
                            .label("duplicate member"),
                        );
                    }
                    self.declare(name, Global::EnumType(atoms));
                }
                ItemKind::Set {
                    kind,
                    name,
                    members,
                    symmetric,
                } => {
                    let kind = match kind {
                        ast::SetKind::Nodes => SetKind::Nodes,
                        ast::SetKind::Values => SetKind::Values,
                    };
                    self.set_decl(name, members, *symmetric, kind, override_errors);
                }
                ItemKind::Node { name, .. } => {
                    // `node TM` declares a single node; `node RM { … }` for a
                    // declared set (or single node) opens its block.
                    match self.globals.get(&name.name) {
                        Some((Global::Set(s), _)) if self.prog.sets[*s].kind != SetKind::Values => {
                        }
                        Some((Global::Set(_), sp)) => {
                            let sp = *sp;
                            self.err(
                                Diag::error(
                                    name.span,
                                    format!("`{}` is a set of values, not of nodes", name.name),
                                )
                                .label("a node block needs nodes")
                                .note(sp, "declared with `values`")
                                .help("declare it with `nodes` if its members take steps"),
                            );
                        }
                        _ => {
                            let s = self.prog.sets.len();
                            self.prog.sets.push(ScalarSet {
                                name: name.name.clone(),
                                kind: SetKind::Single,
                                members: vec![name.name.clone()],
                                symmetric: false,
                                span: name.span,
                            });
                            self.declare(name, Global::Set(s));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn const_decl(
        &mut self,
        name: &ast::Ident,
        ty: Option<&TypeExpr>,
        value: &ast::Expr,
        override_errors: &mut Vec<String>,
    ) {
        let mut v = self.const_eval(value);
        if let Some(i) = self.overrides.iter().position(|o| o.name == name.name) {
            self.used_overrides[i] = true;
            match parse_override(&self.overrides[i].value) {
                Some(ov) => {
                    if v.as_ref()
                        .is_some_and(|d| std::mem::discriminant(d) != std::mem::discriminant(&ov))
                    {
                        override_errors.push(format!(
                            "--const {}={}: the default value is {}, so the override must be too",
                            name.name,
                            self.overrides[i].value,
                            if matches!(v, Some(ConstValue::Int(_))) {
                                "an integer"
                            } else {
                                "true or false"
                            }
                        ));
                    } else {
                        v = Some(ov);
                    }
                }
                None => override_errors.push(format!(
                    "--const {}={}: not an integer, `true` or `false`",
                    name.name, self.overrides[i].value
                )),
            }
        }
        if let (Some(te), Some(val)) = (ty, &v) {
            let t = self.resolve_type(te, true);
            let fits = match (&t, val) {
                (Type::Bool, ConstValue::Bool(_)) => true,
                (Type::Int(lo, hi), ConstValue::Int(n)) => lo <= n && n <= hi,
                (Type::Unknown, _) => true,
                _ => false,
            };
            if !fits {
                let shown = t.show(&self.prog);
                let val = match val {
                    ConstValue::Int(n) => n.to_string(),
                    ConstValue::Bool(b) => b.to_string(),
                };
                self.err(
                    Diag::error(
                        value.span,
                        format!("the value {val} does not have type {shown}"),
                    )
                    .label("value of the constant")
                    .note(te.span, "declared type")
                    .help("constants are integers or truth values; change the value or the type"),
                );
            }
        }
        let c = self.prog.consts.len();
        self.prog.consts.push(Const {
            name: name.name.clone(),
            value: v.unwrap_or(ConstValue::Int(0)),
            span: name.span,
        });
        self.declare(name, Global::Const(c));
    }

    fn set_decl(
        &mut self,
        name: &ast::Ident,
        members: &Members,
        symmetric: bool,
        kind: SetKind,
        override_errors: &mut Vec<String>,
    ) {
        let mut names: Vec<ast::Ident> = match members {
            Members::Names(ids) => ids.clone(),
            Members::Count(e) => match self.const_int(e, "the number of members") {
                Some(n) if (1..=MAX_SET_SIZE).contains(&n) => {
                    numbered(&name.name, n as usize, e.span)
                }
                Some(n) => {
                    self.err(
                        Diag::error(e.span, format!("a set of {n} members"))
                            .label(format!("must be between 1 and {MAX_SET_SIZE}"))
                            .help("sets of nodes or values must be non-empty and small enough to explore"),
                    );
                    Vec::new()
                }
                None => Vec::new(),
            },
        };
        if let Some(i) = self.overrides.iter().position(|o| o.name == name.name) {
            self.used_overrides[i] = true;
            let v = self.overrides[i].value.trim().to_string();
            if let Ok(n) = v.parse::<i64>() {
                if (1..=MAX_SET_SIZE).contains(&n) {
                    names = numbered(&name.name, n as usize, name.span);
                } else {
                    override_errors.push(format!(
                        "--const {}={v}: a set needs between 1 and {MAX_SET_SIZE} members",
                        name.name
                    ));
                }
            } else if let Some(inner) = v.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
                let list: Vec<&str> = inner
                    .split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .collect();
                let valid = |m: &str| {
                    m.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                        && m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && !crate::parser::is_keyword(m)
                };
                if list.is_empty() || !list.iter().all(|m| valid(m)) {
                    override_errors.push(format!(
                        "--const {}={v}: expected a count or a list of names such as {{a, b, c}}",
                        name.name
                    ));
                } else {
                    names = list
                        .iter()
                        .map(|m| ast::Ident {
                            name: m.to_string(),
                            span: name.span,
                        })
                        .collect();
                }
            } else {
                override_errors.push(format!(
                    "--const {}={v}: expected a count such as 5 or a list of names such as {{a, b, c}}",
                    name.name
                ));
            }
        }
        if let Members::Names(ids) = members
            && ids.is_empty()
        {
            self.err(
                Diag::error(name.span, format!("`{}` has no members", name.name))
                    .label("empty set")
                    .help("list at least one member, e.g. `{r1, r2, r3}`, or give a count"),
            );
        }
        let s: SetId = self.prog.sets.len();
        self.prog.sets.push(ScalarSet {
            name: name.name.clone(),
            kind,
            members: names.iter().map(|m| m.name.clone()).collect(),
            symmetric,
            span: name.span,
        });
        self.declare(name, Global::Set(s));
        for (i, m) in names.iter().enumerate() {
            self.declare(m, Global::Member(s, i as u32));
        }
    }

    /// Pass 2: messages, networks, variables, function signatures, and the
    /// names of actions and formulas.
    pub(crate) fn pass_signatures(&mut self, items: &[ast::Item]) {
        // Messages first: networks and variables may carry them.
        for item in items {
            if let ItemKind::Message { name, fields } = &item.kind {
                let mut fs: Vec<(String, Type)> = Vec::new();
                for p in fields {
                    if fs.iter().any(|(n, _)| n == &p.name.name) {
                        self.err(
                            Diag::error(
                                p.name.span,
                                format!("field `{}` appears twice", p.name.name),
                            )
                            .label("duplicate field"),
                        );
                    }
                    let t = self.resolve_type(&p.ty, false);
                    if matches!(t, Type::Message) {
                        self.err(
                            Diag::error(p.ty.span, "a message cannot carry a message")
                                .label("recursive message type")
                                .help("carry the fields you need instead"),
                        );
                    }
                    fs.push((p.name.name.clone(), t));
                }
                let v = self.prog.variants.len();
                self.prog.variants.push(Variant {
                    name: name.name.clone(),
                    fields: fs,
                    span: name.span,
                });
                self.declare(name, Global::Variant(v));
            }
        }
        for item in items {
            match &item.kind {
                ItemKind::Network {
                    name,
                    kind,
                    msg,
                    options,
                } => self.network_decl(name, kind, msg, options, item.span),
                ItemKind::Var { name, ty, .. } => self.var_decl(name, ty, None),
                ItemKind::Node {
                    name,
                    body: Some(body),
                } => {
                    let Some((Global::Set(s), _)) = self.globals.get(&name.name).cloned() else {
                        continue;
                    };
                    if self.prog.sets[s].kind == SetKind::Values {
                        continue;
                    }
                    let mut actions: Vec<(String, Span)> = Vec::new();
                    for inner in body {
                        match &inner.kind {
                            ItemKind::Var { name, ty, .. } => self.var_decl(name, ty, Some(s)),
                            ItemKind::Action { name: a, .. } => {
                                if let Some((_, sp)) = actions.iter().find(|(n, _)| n == &a.name) {
                                    let sp = *sp;
                                    self.err(
                                        Diag::error(
                                            a.span,
                                            format!(
                                                "action `{}` is already declared in node `{}`",
                                                a.name, name.name
                                            ),
                                        )
                                        .label("second declaration")
                                        .note(sp, "first declared here"),
                                    );
                                }
                                actions.push((a.name.clone(), a.span));
                            }
                            ItemKind::On { .. } => {}
                            _ => {
                                self.err(
                                    Diag::error(
                                        inner.span,
                                        "only `var`, `action` and `on` may appear in a node block",
                                    )
                                    .label("not allowed here")
                                    .help("move this declaration to the top level of the spec"),
                                );
                            }
                        }
                    }
                }
                ItemKind::Fn {
                    name, params, ret, ..
                } => {
                    let mut locals = Vec::new();
                    for p in params {
                        let ty = self.resolve_type(&p.ty, true);
                        locals.push(Local {
                            name: p.name.name.clone(),
                            ty,
                            span: p.name.span,
                        });
                    }
                    let ret = self.resolve_type(ret, true);
                    let f = self.prog.functions.len();
                    self.prog.functions.push(Function {
                        name: name.name.clone(),
                        n_params: locals.len(),
                        locals,
                        ret,
                        body: error_expr(name.span),
                        span: name.span,
                    });
                    self.fn_calls.push(Vec::new());
                    self.declare(name, Global::Fn(f));
                }
                ItemKind::Action { name, .. } => {
                    self.declare(name, Global::Action);
                }
                ItemKind::Invariant { name, .. } | ItemKind::Property { name, .. } => {
                    self.declare(name, Global::Formula);
                }
                ItemKind::Constraint {
                    name: Some(name), ..
                } => {
                    self.declare(name, Global::Formula);
                }
                _ => {}
            }
        }
        self.var_read = vec![false; self.prog.vars.len()];
    }

    fn var_decl(&mut self, name: &ast::Ident, te: &TypeExpr, node: Option<SetId>) {
        let t = self.resolve_type(te, false);
        self.check_finite(&t, te.span, &format!("variable `{}`", name.name));
        let (full_name, origin, ty) = match node {
            None => (name.name.clone(), VarOrigin::User, t),
            Some(s) => {
                let set = &self.prog.sets[s];
                let full = format!("{}.{}", set.name, name.name);
                if set.kind == SetKind::Single {
                    (full, VarOrigin::SingleNode(s), t)
                } else {
                    (
                        full,
                        VarOrigin::NodeLocal(s),
                        Type::Map(Box::new(Type::Scalar(s)), Box::new(t)),
                    )
                }
            }
        };
        let v = self.prog.vars.len();
        self.prog.vars.push(Var {
            name: full_name,
            ty,
            origin,
            init_kind: InitKind::Value,
            init: error_expr(name.span),
            init_locals: Vec::new(),
            span: name.span,
        });
        match node {
            None => {
                self.declare(name, Global::Var(v));
            }
            Some(s) => {
                // A node variable may hide an enumeration member of the same
                // name inside its block (TM's `prepared` vs RM's state
                // `prepared`); any other clash is ambiguous.
                if let Some((g, sp)) = self.globals.get(&name.name)
                    && !matches!(g, Global::Atom(_))
                {
                    let (what, sp) = (g.what(), *sp);
                    self.err(
                        Diag::error(
                            name.span,
                            format!("node variable `{}` has the name of {what}", name.name),
                        )
                        .label("ambiguous inside the node block")
                        .note(sp, "declared here")
                        .help("rename one of them"),
                    );
                } else if let Some(prev) = self.node_vars.get(&(s, name.name.clone())) {
                    let sp = self.prog.vars[*prev].span;
                    self.err(
                        Diag::error(
                            name.span,
                            format!("`{}` is already declared in this node", name.name),
                        )
                        .label("second declaration")
                        .note(sp, "first declared here"),
                    );
                } else {
                    self.node_vars.insert((s, name.name.clone()), v);
                }
            }
        }
    }

    /// Reports a type too large to store in a state.
    pub(crate) fn check_finite(&mut self, t: &Type, span: Span, what: &str) {
        if contains_unknown(t) {
            return;
        }
        let bits = t.log2_size(&self.prog).unwrap_or(f64::INFINITY);
        if bits > MAX_VAR_BITS {
            self.err(
                Diag::error(span, format!("the type of {what} is too large to store"))
                    .label(format!("{} needs about 2^{:.0} bits per state", t.show(&self.prog), bits.log2()))
                    .help("use smaller ranges or sets: every variable's type must be finite and small"),
            );
        }
    }

    /// Pass 3 for a variable: its initial value.
    pub(crate) fn var_init(
        &mut self,
        name: &ast::Ident,
        init: Option<&VarInit>,
        node: Option<SetId>,
    ) {
        let Some(v) = self.find_var_decl(name, node) else {
            return;
        };
        let Some(init) = init else {
            self.err(
                Diag::error(
                    name.span,
                    format!("variable `{}` has no initial value", name.name),
                )
                .label("every variable starts somewhere")
                .help("write `= value` for one initial value or `in S` for any element of S"),
            );
            return;
        };
        self.begin_body(Ctx {
            node,
            init: true,
            ..Ctx::default()
        });
        if let Some(s) = node
            && self.prog.sets[s].kind != SetKind::Single
        {
            let id = ast::Ident {
                name: "self".into(),
                span: name.span,
            };
            self.bind(&id, Type::Scalar(s));
        }
        let slot_ty = match &self.prog.vars[v].ty {
            Type::Map(_, t) if matches!(self.prog.vars[v].origin, VarOrigin::NodeLocal(_)) => {
                (**t).clone()
            }
            t => t.clone(),
        };
        let (kind, e) = match init {
            VarInit::Value(e) => {
                let te = self.expr(e);
                self.check_fits(&te, &slot_ty, &format!("`{}`", name.name));
                (InitKind::Value, te)
            }
            VarInit::OneOf(e) => {
                let te = self.expr(e);
                match &te.ty {
                    Type::Set(elem) => {
                        let elem = (**elem).clone();
                        let probe = TExpr {
                            ty: elem,
                            ..te.clone()
                        };
                        self.check_fits(&probe, &slot_ty, &format!("`{}`", name.name));
                    }
                    Type::Unknown => {}
                    t => {
                        let t = t.show(&self.prog);
                        self.err(
                            Diag::error(
                                e.span,
                                format!("`in` needs a set of initial values, found {t}"),
                            )
                            .label("not a set")
                            .help("write `= value` for a single initial value"),
                        );
                    }
                }
                (InitKind::OneOf, te)
            }
        };
        let locals = self.end_body();
        let var = &mut self.prog.vars[v];
        var.init = e;
        var.init_kind = kind;
        var.init_locals = locals;
    }

    fn find_var_decl(&self, name: &ast::Ident, node: Option<SetId>) -> Option<VarId> {
        match node {
            Some(s) => self.node_vars.get(&(s, name.name.clone())).copied(),
            None => match self.globals.get(&name.name) {
                Some((Global::Var(v), sp)) if *sp == name.span => Some(*v),
                _ => None,
            },
        }
    }

    pub(crate) fn fn_body(&mut self, name: &ast::Ident, body: &ast::Expr) {
        let Some((Global::Fn(f), sp)) = self.globals.get(&name.name).cloned() else {
            return;
        };
        if sp != name.span {
            return;
        }
        self.begin_body(Ctx {
            function: Some(f),
            ..Ctx::default()
        });
        let params = self.prog.functions[f].locals.clone();
        for p in &params {
            let id = ast::Ident {
                name: p.name.clone(),
                span: p.span,
            };
            self.bind(&id, p.ty.clone());
        }
        let e = self.expr(body);
        let ret = self.prog.functions[f].ret.clone();
        self.check_fits(&e, &ret, &format!("the result of `{}`", name.name));
        let locals = self.end_body();
        let func = &mut self.prog.functions[f];
        func.body = e;
        func.locals = locals;
    }
}

fn numbered(set: &str, n: usize, span: Span) -> Vec<ast::Ident> {
    let base = set.to_ascii_lowercase();
    // `Node2 = 2` gives node2_1, node2_2 rather than the unreadable node21.
    let sep = if base.ends_with(|c: char| c.is_ascii_digit()) {
        "_"
    } else {
        ""
    };
    (1..=n)
        .map(|i| ast::Ident {
            name: format!("{base}{sep}{i}"),
            span,
        })
        .collect()
}

pub(crate) fn contains_unknown(t: &Type) -> bool {
    match t {
        Type::Unknown => true,
        Type::Tuple(ts) => ts.iter().any(contains_unknown),
        Type::Record(fs) => fs.iter().any(|(_, t)| contains_unknown(t)),
        Type::Set(t) | Type::Seq(t, _) | Type::Option(t) => contains_unknown(t),
        Type::Map(k, v) => contains_unknown(k) || contains_unknown(v),
        _ => false,
    }
}

pub(crate) fn error_expr(span: Span) -> TExpr {
    TExpr {
        kind: TExprKind::Bool(false),
        ty: Type::Unknown,
        span,
    }
}
