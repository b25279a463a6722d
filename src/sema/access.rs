//! Calls (functions, built-ins, message constructors), map and sequence
//! lookups, record, message and node fields.

use super::decls::error_expr;
use super::expr::te;
use super::program::*;
use super::types::{Type, join};
use super::{Global, Sema};
use crate::diag::{Diag, Span, did_you_mean};
use crate::parser::ast::{self, Expr, ExprKind};

impl Sema<'_> {
    pub(super) fn call(&mut self, f: &ast::Ident, args: &[Expr], span: Span) -> TExpr {
        let targs: Vec<TExpr> = args.iter().map(|a| self.expr(a)).collect();
        match self.globals.get(&f.name).cloned() {
            Some((Global::Fn(id), _)) => {
                let func = &self.prog.functions[id];
                let params: Vec<Local> = func.locals[..func.n_params].to_vec();
                let ret = func.ret.clone();
                if params.len() != targs.len() {
                    self.err(
                        Diag::error(
                            span,
                            format!(
                                "`{}` takes {} argument{}, found {}",
                                f.name,
                                params.len(),
                                if params.len() == 1 { "" } else { "s" },
                                targs.len()
                            ),
                        )
                        .label("wrong number of arguments"),
                    );
                } else {
                    for (a, p) in targs.iter().zip(&params) {
                        self.check_fits(a, &p.ty, &format!("parameter `{}`", p.name));
                    }
                }
                if let Some(caller) = self.ctx.function {
                    self.fn_calls[caller].push((id, f.span));
                }
                te(TExprKind::Call(id, targs), ret, span)
            }
            Some((Global::Variant(v), _)) => {
                let fields = self.prog.variants[v].fields.clone();
                if fields.len() != targs.len() {
                    self.err(
                        Diag::error(
                            span,
                            format!(
                                "message `{}` has {} field{}, found {}",
                                f.name,
                                fields.len(),
                                if fields.len() == 1 { "" } else { "s" },
                                targs.len()
                            ),
                        )
                        .label("wrong number of fields")
                        .note(self.prog.variants[v].span, "declared here"),
                    );
                } else {
                    for (a, (n, t)) in targs.iter().zip(&fields) {
                        self.check_fits(a, t, &format!("field `{n}`"));
                    }
                }
                te(TExprKind::Msg(v, targs), Type::Message, span)
            }
            Some((g, _)) => {
                let what = g.what();
                self.err(
                    Diag::error(f.span, format!("`{}` is {what}, not a function", f.name))
                        .label("cannot be called"),
                );
                error_expr(span)
            }
            None => match Builtin::from_name(&f.name) {
                Some(b) => self.builtin(b, targs, f.span, span),
                None => {
                    let mut names: Vec<String> = self
                        .globals
                        .iter()
                        .filter(|(_, (g, _))| matches!(g, Global::Fn(_) | Global::Variant(_)))
                        .map(|(n, _)| n.clone())
                        .collect();
                    names.extend(Builtin::ALL.iter().map(|s| s.to_string()));
                    let mut d = Diag::error(f.span, format!("unknown function `{}`", f.name))
                        .label("not declared");
                    d = match did_you_mean(&f.name, names.iter().map(String::as_str)) {
                        Some(m) => d.help(format!("did you mean `{m}`?")),
                        None => d.help("declare it with `fn name(x: T): R = …`; built-ins are card, powerset, min, max, head, tail, append, len, is_some, is_none, get, keys"),
                    };
                    self.err(d);
                    error_expr(span)
                }
            },
        }
    }

    fn builtin(&mut self, b: Builtin, args: Vec<TExpr>, fspan: Span, span: Span) -> TExpr {
        let arity = match b {
            Builtin::Append => 2,
            _ => 1,
        };
        if args.len() != arity {
            self.err(
                Diag::error(
                    span,
                    format!(
                        "`{}` takes {arity} argument{}, found {}",
                        b.name(),
                        if arity == 1 { "" } else { "s" },
                        args.len()
                    ),
                )
                .label("wrong number of arguments"),
            );
            return error_expr(span);
        }
        let a0 = &args[0];
        let bad = |s: &mut Self, want: &str| {
            let t = a0.ty.show(&s.prog);
            s.err(
                Diag::error(a0.span, format!("`{}` needs {want}, found {t}", b.name()))
                    .label(format!("this is {t}"))
                    .note(fspan, "called here"),
            );
            Type::Unknown
        };
        let t = match (&b, &a0.ty) {
            (_, Type::Unknown) => Type::Unknown,
            (Builtin::Card, Type::Set(e)) => {
                let n = e
                    .size(&self.prog)
                    .map_or(i64::MAX, |n| n.min(i64::MAX as u128) as i64);
                Type::Int(0, n)
            }
            (Builtin::Powerset, Type::Set(_)) => Type::Set(Box::new(a0.ty.clone())),
            (Builtin::Min | Builtin::Max, Type::Set(e))
                if matches!(**e, Type::Int(..) | Type::Unknown) =>
            {
                (**e).clone()
            }
            (Builtin::Min | Builtin::Max, _) => bad(self, "a set of integers"),
            (Builtin::Card | Builtin::Powerset, _) => bad(self, "a set"),
            (Builtin::Head, Type::Seq(e, _)) => (**e).clone(),
            (Builtin::Tail, Type::Seq(..)) => a0.ty.clone(),
            (Builtin::Len, Type::Seq(_, n)) => Type::Int(0, *n as i64),
            (Builtin::Append, Type::Seq(e, n)) => {
                let x = &args[1];
                match join(e, &x.ty, &self.prog) {
                    Some(j) => Type::Seq(Box::new(j), *n),
                    None => {
                        let (want, got) = (e.show(&self.prog), x.ty.show(&self.prog));
                        self.err(
                            Diag::error(
                                x.span,
                                format!("cannot append {got} to a sequence of {want}"),
                            )
                            .label(format!("this is {got}")),
                        );
                        Type::Unknown
                    }
                }
            }
            (Builtin::Head | Builtin::Tail | Builtin::Len | Builtin::Append, _) => {
                bad(self, "a sequence")
            }
            (Builtin::IsSome | Builtin::IsNone, Type::Option(_)) => Type::Bool,
            (Builtin::Get, Type::Option(e)) => (**e).clone(),
            (Builtin::IsSome | Builtin::IsNone | Builtin::Get, _) => bad(self, "an option"),
            (Builtin::Keys, Type::Map(k, _)) => Type::Set(k.clone()),
            (Builtin::Keys, _) => bad(self, "a map"),
        };
        te(TExprKind::Builtin(b, args), t, span)
    }

    pub(super) fn index(&mut self, base: &Expr, idx: &Expr, span: Span) -> TExpr {
        // `RM[r]` names node r of the node set RM (for `RM[r].state`).
        if let ExprKind::Name(n) = &base.kind
            && self.lookup_local(n).is_none()
            && let Some((Global::Set(s), _)) = self.globals.get(n).cloned()
        {
            let i = self.expr(idx);
            self.check_fits(&i, &Type::Scalar(s), &format!("a member of `{n}`"));
            return TExpr {
                ty: Type::Scalar(s),
                ..i
            };
        }
        let b = self.expr(base);
        let i = self.expr(idx);
        let t = match &b.ty {
            Type::Map(k, v) => {
                let (k, v) = ((**k).clone(), (**v).clone());
                self.check_fits(&i, &k, "the map key");
                v
            }
            Type::Seq(e, _) => {
                let e = (**e).clone();
                self.expect_int(&i, "[]");
                e
            }
            Type::Unknown => Type::Unknown,
            t => {
                let t = t.show(&self.prog);
                self.err(
                    Diag::error(b.span, format!("cannot index into {t}"))
                        .label(format!("this is {t}"))
                        .help("`[…]` looks up a map key or a sequence position"),
                );
                Type::Unknown
            }
        };
        te(TExprKind::Index(Box::new(b), Box::new(i)), t, span)
    }

    pub(super) fn field(&mut self, base: &Expr, f: &ast::Ident, span: Span) -> TExpr {
        let b = self.expr(base);
        match &b.ty {
            Type::Scalar(s) if self.prog.sets[*s].kind != SetKind::Values => {
                let s = *s;
                match self.node_vars.get(&(s, f.name.clone())).copied() {
                    Some(v) => self.node_var(v, b, span),
                    None => {
                        let set = self.prog.sets[s].name.clone();
                        let names: Vec<String> = self
                            .node_vars
                            .keys()
                            .filter(|(x, _)| *x == s)
                            .map(|(_, n)| n.clone())
                            .collect();
                        let mut d = Diag::error(
                            f.span,
                            format!("node `{set}` has no variable `{}`", f.name),
                        )
                        .label("unknown node variable");
                        if let Some(m) = did_you_mean(&f.name, names.iter().map(String::as_str)) {
                            d = d.help(format!("did you mean `{m}`?"));
                        }
                        self.err(d);
                        error_expr(span)
                    }
                }
            }
            Type::Record(fs) => match fs.iter().position(|(n, _)| n == &f.name) {
                Some(i) => {
                    let t = fs[i].1.clone();
                    te(TExprKind::Field(Box::new(b), i), t, span)
                }
                None => {
                    let names: Vec<String> = fs.iter().map(|(n, _)| n.clone()).collect();
                    let mut d =
                        Diag::error(f.span, format!("no field `{}` in this record", f.name))
                            .label("unknown field");
                    d = match did_you_mean(&f.name, names.iter().map(String::as_str)) {
                        Some(m) => d.help(format!("did you mean `{m}`?")),
                        None => d.help(format!("the fields are: {}", names.join(", "))),
                    };
                    self.err(d);
                    error_expr(span)
                }
            },
            Type::Message => {
                let mut found = Vec::new();
                let mut ty: Option<Type> = None;
                let mut clash = false;
                for (vi, v) in self.prog.variants.iter().enumerate() {
                    if let Some(i) = v.fields.iter().position(|(n, _)| n == &f.name) {
                        found.push((vi, i));
                        let ft = &v.fields[i].1;
                        ty = match &ty {
                            None => Some(ft.clone()),
                            Some(t) => match join(t, ft, &self.prog) {
                                Some(j) => Some(j),
                                None => {
                                    clash = true;
                                    Some(t.clone())
                                }
                            },
                        };
                    }
                }
                if found.is_empty() {
                    let mut names: Vec<String> = self
                        .prog
                        .variants
                        .iter()
                        .flat_map(|v| v.fields.iter().map(|(n, _)| n.clone()))
                        .collect();
                    names.sort();
                    names.dedup();
                    let mut d = Diag::error(f.span, format!("no message has a field `{}`", f.name))
                        .label("unknown field");
                    if let Some(m) = did_you_mean(&f.name, names.iter().map(String::as_str)) {
                        d = d.help(format!("did you mean `{m}`?"));
                    }
                    self.err(d);
                    return error_expr(span);
                }
                if clash {
                    self.err(
                        Diag::error(
                            f.span,
                            format!(
                                "field `{}` has different types in different messages",
                                f.name
                            ),
                        )
                        .label("ambiguous field")
                        .help(
                            "test the message first, e.g. `m is Prepared(r)`, or rename one field",
                        ),
                    );
                }
                te(
                    TExprKind::MsgField(Box::new(b), found),
                    ty.unwrap_or(Type::Unknown),
                    span,
                )
            }
            Type::Unknown => error_expr(span),
            t => {
                let t = t.show(&self.prog);
                self.err(
                    Diag::error(f.span, format!("{t} has no field `{}`", f.name))
                        .label("no such field")
                        .note(b.span, format!("this is {t}")),
                );
                error_expr(span)
            }
        }
    }
}
