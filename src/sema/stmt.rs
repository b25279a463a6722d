//! Actions, handlers, networks and statements.

use super::decls::error_expr;
use super::program::*;
use super::types::{SetId, Type};
use super::{Ctx, Global, Sema};
use crate::diag::{Diag, Span};
use crate::parser::ast::{self, AssignOp, BinOp, Block, ExprKind, Fairness, StmtKind};
use crate::stdlib::build::mk;
use crate::stdlib::network;

impl Sema<'_> {
    /// Binds `self` for a node-set block (single nodes use a constant).
    pub(super) fn bind_self(&mut self, node: Option<SetId>, span: Span) {
        if let Some(s) = node
            && self.prog.sets[s].kind != SetKind::Single
        {
            let id = ast::Ident {
                name: "self".into(),
                span,
            };
            self.bind(&id, Type::Scalar(s));
        }
    }

    pub(super) fn qualified(&self, node: Option<SetId>, name: &str) -> String {
        match node {
            Some(s) => format!("{}.{name}", self.prog.sets[s].name),
            None => name.to_string(),
        }
    }

    pub(crate) fn action(
        &mut self,
        fairness: Fairness,
        name: &ast::Ident,
        params: &[ast::Param],
        body: &Block,
        node: Option<SetId>,
        origin: ActionOrigin,
        span: Span,
    ) {
        self.begin_body(Ctx {
            node,
            ..Ctx::default()
        });
        self.bind_self(node, name.span);
        for p in params {
            let t = self.resolve_type(&p.ty, false);
            self.check_finite(&t, p.ty.span, &format!("parameter `{}`", p.name.name));
            let l = self.bind(&p.name, t);
            self.local_used[l] = true;
        }
        let n_params = self.locals.len();
        let stmts = self.block(body);
        let locals = self.end_body();
        self.prog.actions.push(Action {
            name: self.qualified(node, &name.name),
            node,
            n_params,
            locals,
            body: stmts,
            fairness,
            origin,
            span,
        });
    }

    pub(crate) fn block(&mut self, b: &Block) -> Vec<TStmt> {
        crate::parser::grow(|| self.block_inner(b))
    }

    fn block_inner(&mut self, b: &Block) -> Vec<TStmt> {
        let mark = self.scope.len();
        let first_local = self.locals.len();
        let mut out = Vec::new();
        for s in &b.stmts {
            self.stmt(s, &mut out);
        }
        for (i, sc) in self.scope[mark..]
            .iter()
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .into_iter()
            .enumerate()
        {
            let _ = i;
            if sc >= first_local {
                self.warn_unused_local(sc);
            }
        }
        self.scope.truncate(mark);
        out
    }

    fn stmt(&mut self, s: &ast::Stmt, out: &mut Vec<TStmt>) {
        match &s.kind {
            StmtKind::Require(e) => {
                let e = self.expr(e);
                self.expect_bool(&e, "`require`");
                out.push(TStmt::Require(e));
            }
            StmtKind::Let(x, e) => {
                let e = self.expr(e);
                let l = self.bind(x, e.ty.clone());
                out.push(TStmt::Let(l, e));
            }
            StmtKind::If(c, t, e) => {
                let c = self.expr(c);
                self.expect_bool(&c, "an `if` condition");
                let t = self.block(t);
                let e = e.as_ref().map(|b| self.block(b)).unwrap_or_default();
                out.push(TStmt::If(c, t, e));
            }
            StmtKind::Pick(binders, body) => {
                let mark = self.scope.len();
                let bs = self.binders(binders);
                for (l, _) in &bs {
                    self.local_used[*l] = true;
                }
                let body = self.block(body);
                self.scope.truncate(mark);
                out.push(TStmt::Pick(bs, body));
            }
            StmtKind::Either(arms) => {
                let arms = arms.iter().map(|a| self.block(a)).collect();
                out.push(TStmt::Either(arms));
            }
            StmtKind::Send(m, to, via) => self.send(m, to.as_ref(), via.as_ref(), s.span, out),
            StmtKind::Assign(target, op, value) => self.assign(target, *op, value, out),
        }
    }

    fn send(
        &mut self,
        m: &ast::Expr,
        to: Option<&ast::Expr>,
        via: Option<&ast::Ident>,
        span: Span,
        out: &mut Vec<TStmt>,
    ) {
        let msg = self.expr(m);
        if !matches!(msg.ty, Type::Message | Type::Unknown) {
            let t = msg.ty.show(&self.prog);
            self.err(
                Diag::error(msg.span, format!("`send` needs a message, found {t}"))
                    .label(format!("this is {t}"))
                    .help(
                        "declare messages with `message Name(field: Type)` and send `Name(value)`",
                    ),
            );
        }
        let Some(net) = self.network_for(via, span, "`send`") else {
            return;
        };
        let kind = self.prog.networks[net].kind;
        let chan = match (kind, to) {
            (NetKind::Fifo, Some(d)) => {
                if self.ctx.node.is_none() {
                    self.err(
                        Diag::error(span, "a send on a fifo network must be inside a node block")
                            .label("no sending node")
                            .help("fifo channels connect a sender to a receiver; send from `node Name { … }`"),
                    );
                    return;
                }
                let mut dst = self.expr(d);
                if !matches!(dst.ty, Type::AnyNode | Type::Unknown)
                    && !matches!(dst.ty, Type::Scalar(s) if self.prog.sets[s].kind != SetKind::Values)
                {
                    let t = dst.ty.show(&self.prog);
                    self.err(
                        Diag::error(dst.span, format!("`to` needs a node, found {t}"))
                            .label(format!("this is {t}")),
                    );
                }
                dst.ty = Type::AnyNode;
                let src = self.self_node(self.ctx.node, span);
                Some((src, dst))
            }
            (NetKind::Fifo, None) => {
                self.err(
                    Diag::error(span, "a send on a fifo network needs a receiver")
                        .label("to which node?")
                        .help("write `send Msg(…) to node`"),
                );
                return;
            }
            (_, Some(d)) => {
                self.err(
                    Diag::error(d.span, format!("`to` is only for fifo networks; `{}` is a {}", self.prog.networks[net].name, if kind == NetKind::Set { "set" } else { "bag" }))
                        .label("no channels here")
                        .help("any node may receive from a set or bag network; put the receiver in the message if it matters"),
                );
                return;
            }
            (_, None) => None,
        };
        let net_ty = self.prog.vars[self.prog.networks[net].var].ty.clone();
        out.push(network::send(
            &self.prog.networks[net],
            &net_ty,
            msg,
            chan,
            span,
        ));
    }

    fn assign(
        &mut self,
        target: &ast::Expr,
        op: AssignOp,
        value: &ast::Expr,
        out: &mut Vec<TStmt>,
    ) {
        let value = self.expr(value);
        let Some((place, ty)) = self.place(target) else {
            return;
        };
        let what = format!("`{}`", self.place_name(&place));
        let value = match op {
            AssignOp::Set => value,
            AssignOp::Add | AssignOp::Sub => {
                let cur = self.place_expr(&place);
                let bop = match (&ty, op) {
                    (Type::Set(_), AssignOp::Add) => BinOp::Union,
                    (Type::Set(_), _) => BinOp::Minus,
                    (Type::Int(..), AssignOp::Add) => BinOp::Add,
                    (Type::Int(..), _) => BinOp::Sub,
                    (Type::Unknown, _) => return,
                    (t, _) => {
                        let t = t.show(&self.prog);
                        let o = if op == AssignOp::Add { "+=" } else { "-=" };
                        self.err(
                            Diag::error(
                                target.span,
                                format!("`{o}` needs a set or an integer, {what} is {t}"),
                            )
                            .label(format!("this is {t}"))
                            .help("use `=` to assign a new value"),
                        );
                        return;
                    }
                };
                if matches!(bop, BinOp::Union | BinOp::Minus)
                    && !matches!(value.ty, Type::Set(_) | Type::Unknown)
                {
                    let t = value.ty.show(&self.prog);
                    self.err(
                        Diag::error(
                            value.span,
                            format!(
                                "`{}` on a set needs a set, found {t}",
                                if op == AssignOp::Add { "+=" } else { "-=" }
                            ),
                        )
                        .label(format!("this is {t}"))
                        .help("wrap a single element in braces: `s += {x}`"),
                    );
                    return;
                }
                let span = target.span.to(value.span);
                let t = match (&cur.ty, &value.ty) {
                    (Type::Int(a, b), Type::Int(c, d)) if bop == BinOp::Add => {
                        Type::Int(a.saturating_add(*c), b.saturating_add(*d))
                    }
                    (Type::Int(a, b), Type::Int(c, d)) => {
                        Type::Int(a.saturating_sub(*d), b.saturating_sub(*c))
                    }
                    (Type::Int(..), _) => super::types::INT_ANY,
                    _ => ty.clone(),
                };
                if matches!(t, Type::Int(..)) && !matches!(value.ty, Type::Int(..) | Type::Unknown)
                {
                    let vt = value.ty.show(&self.prog);
                    self.err(
                        Diag::error(value.span, format!("expected an integer, found {vt}"))
                            .label(format!("this is {vt}")),
                    );
                    return;
                }
                mk(
                    TExprKind::Binary(bop, Box::new(cur), Box::new(value)),
                    t,
                    span,
                )
            }
        };
        self.check_fits(&value, &ty, &what);
        out.push(TStmt::Assign(place, value));
    }

    fn place_name(&self, p: &Place) -> String {
        self.prog.vars[p.var].name.clone()
    }

    /// The current value at a place, as an expression.
    fn place_expr(&self, p: &Place) -> TExpr {
        let mut e = mk(
            TExprKind::Var(p.var),
            self.prog.vars[p.var].ty.clone(),
            p.span,
        );
        for el in &p.path {
            let (kind, ty) = match (el, &e.ty) {
                (PathElem::Index(k), Type::Map(_, v)) => (
                    TExprKind::Index(Box::new(e.clone()), Box::new(k.clone())),
                    (**v).clone(),
                ),
                (PathElem::Index(k), Type::Seq(t, _)) => (
                    TExprKind::Index(Box::new(e.clone()), Box::new(k.clone())),
                    (**t).clone(),
                ),
                (PathElem::Field(i), Type::Record(fs)) => {
                    (TExprKind::Field(Box::new(e.clone()), *i), fs[*i].1.clone())
                }
                (PathElem::TupleField(i), Type::Tuple(ts)) => (
                    TExprKind::TupleField(Box::new(e.clone()), *i),
                    ts[*i].clone(),
                ),
                _ => return error_expr(p.span),
            };
            e = mk(kind, ty, p.span);
        }
        e
    }

    /// Is `e` an expression naming a node (so that `e.x` is a node variable)?
    fn names_node(&self, e: &ast::Expr) -> bool {
        match &e.kind {
            ExprKind::SelfRef => true,
            ExprKind::Name(n) => {
                let prog = &self.prog;
                let is_node = |t: &Type| matches!(t, Type::Scalar(s) if prog.sets[*s].kind != SetKind::Values);
                if let Some((_, l)) = self.scope.iter().rev().find(|(m, _)| m == n) {
                    return is_node(&self.locals[*l].ty);
                }
                if let Some(s) = self.ctx.node
                    && let Some(&v) = self.node_vars.get(&(s, n.clone()))
                {
                    return match (&prog.vars[v].ty, &prog.vars[v].origin) {
                        (Type::Map(_, t), VarOrigin::NodeLocal(_)) => is_node(t),
                        (t, _) => is_node(t),
                    };
                }
                match self.globals.get(n) {
                    Some((Global::Var(v), _)) => is_node(&prog.vars[*v].ty),
                    Some((Global::Member(s, _), _)) => prog.sets[*s].kind != SetKind::Values,
                    Some((Global::Set(s), _)) => prog.sets[*s].kind == SetKind::Single,
                    _ => false,
                }
            }
            ExprKind::Index(base, _) => {
                matches!(&base.kind, ExprKind::Name(n) if matches!(self.globals.get(n), Some((Global::Set(s), _)) if self.prog.sets[*s].kind == SetKind::Nodes))
            }
            _ => false,
        }
    }

    /// Resolves an assignment target to a place and its type.
    fn place(&mut self, e: &ast::Expr) -> Option<(Place, Type)> {
        let bad = |s: &mut Self, msg: String, help: &str| {
            s.err(
                Diag::error(e.span, msg)
                    .label("cannot be assigned")
                    .help(help.to_string()),
            );
            None
        };
        match &e.kind {
            ExprKind::Name(n) => {
                if let Some(l) = self
                    .scope
                    .iter()
                    .rev()
                    .find(|(m, _)| m == n)
                    .map(|(_, l)| *l)
                {
                    let _ = l;
                    return bad(
                        self,
                        format!("cannot assign to `{n}`: it is a bound name, not a state variable"),
                        "only state variables (`var`) change; bound names are fixed for the step",
                    );
                }
                if let Some(s) = self.ctx.node
                    && let Some(&v) = self.node_vars.get(&(s, n.clone()))
                {
                    let path = if self.prog.sets[s].kind == SetKind::Single {
                        Vec::new()
                    } else {
                        let me = self.self_ref(e.span);
                        vec![PathElem::Index(me)]
                    };
                    let ty = match (&self.prog.vars[v].ty, path.is_empty()) {
                        (Type::Map(_, t), false) => (**t).clone(),
                        (t, _) => t.clone(),
                    };
                    return Some((
                        Place {
                            var: v,
                            path,
                            span: e.span,
                        },
                        ty,
                    ));
                }
                match self.globals.get(n).cloned() {
                    Some((Global::Var(v), _)) => Some((
                        Place {
                            var: v,
                            path: Vec::new(),
                            span: e.span,
                        },
                        self.prog.vars[v].ty.clone(),
                    )),
                    Some((Global::Network(_), _)) => bad(
                        self,
                        format!("cannot assign to network `{n}`"),
                        "change a network with `send` and `on` handlers",
                    ),
                    Some((g, _)) => bad(
                        self,
                        format!("cannot assign to `{n}`: it is {}", g.what()),
                        "only state variables (`var`) can be assigned",
                    ),
                    None => {
                        self.expr(e);
                        None
                    }
                }
            }
            ExprKind::Field(base, f) if self.names_node(base) => {
                let node = self.expr(base);
                let Type::Scalar(s) = node.ty else {
                    return None;
                };
                let Some(&v) = self.node_vars.get(&(s, f.name.clone())) else {
                    // Let the expression checker report the unknown variable.
                    self.expr(e);
                    return None;
                };
                if self.prog.sets[s].kind == SetKind::Single {
                    Some((
                        Place {
                            var: v,
                            path: Vec::new(),
                            span: e.span,
                        },
                        self.prog.vars[v].ty.clone(),
                    ))
                } else {
                    let t = match &self.prog.vars[v].ty {
                        Type::Map(_, t) => (**t).clone(),
                        t => t.clone(),
                    };
                    Some((
                        Place {
                            var: v,
                            path: vec![PathElem::Index(node)],
                            span: e.span,
                        },
                        t,
                    ))
                }
            }
            ExprKind::Field(base, f) => {
                let (mut p, t) = self.place(base)?;
                match t {
                    Type::Record(fs) => match fs.iter().position(|(n, _)| n == &f.name) {
                        Some(i) => {
                            p.path.push(PathElem::Field(i));
                            p.span = e.span;
                            Some((p, fs[i].1.clone()))
                        }
                        None => bad(
                            self,
                            format!("no field `{}` in this record", f.name),
                            "check the record's type",
                        ),
                    },
                    Type::Unknown => None,
                    t => {
                        let t = t.show(&self.prog);
                        bad(
                            self,
                            format!("{t} has no field `{}`", f.name),
                            "fields belong to records and nodes",
                        )
                    }
                }
            }
            ExprKind::TupleField(base, n, _) => {
                let (mut p, t) = self.place(base)?;
                match t {
                    Type::Tuple(ts) if *n < ts.len() => {
                        p.path.push(PathElem::TupleField(*n));
                        p.span = e.span;
                        Some((p, ts[*n].clone()))
                    }
                    _ => bad(
                        self,
                        format!("no element .{n} here"),
                        "tuple elements are numbered from 0",
                    ),
                }
            }
            ExprKind::Index(base, k) => {
                if self.names_node(e) {
                    return bad(
                        self,
                        "a node is not a variable".into(),
                        "assign to one of its variables, e.g. `RM[r].state = …`",
                    );
                }
                let (mut p, t) = self.place(base)?;
                let key = self.expr(k);
                let elem = match t {
                    Type::Map(kt, vt) => {
                        self.check_fits(&key, &kt, "the map key");
                        *vt
                    }
                    Type::Seq(et, _) => {
                        if !matches!(key.ty, Type::Int(..) | Type::Unknown) {
                            let kt = key.ty.show(&self.prog);
                            self.err(
                                Diag::error(
                                    key.span,
                                    format!("a sequence index is an integer, found {kt}"),
                                )
                                .label(format!("this is {kt}")),
                            );
                        }
                        *et
                    }
                    Type::Unknown => return None,
                    t => {
                        let t = t.show(&self.prog);
                        return bad(
                            self,
                            format!("cannot index into {t}"),
                            "`[…]` assigns a map entry or a sequence element",
                        );
                    }
                };
                p.path.push(PathElem::Index(key));
                p.span = e.span;
                Some((p, elem))
            }
            ExprKind::SelfRef => bad(
                self,
                "cannot assign to `self`".into(),
                "assign to a node variable instead",
            ),
            _ => bad(
                self,
                "this is not something that can be assigned".into(),
                "the left of `=` is a variable, a map entry `m[k]`, a field `r.f`, or a node variable `n.x`",
            ),
        }
    }
}
