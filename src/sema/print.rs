//! Prints the core program: what a spec means after desugaring.
//!
//! `kripke lint --core` shows this, so that a user can see exactly what a
//! state is (every variable, with its type and number of values) and what
//! each step does, with node blocks, messages and networks spelled out as
//! maps, guards and assignments. The output is for people; it is not parsed.

use std::fmt::Write;

use super::program::*;
use super::types::Type;
use crate::parser::ast::{BinOp, Fairness, Quant, UnOp};

struct Printer<'a> {
    prog: &'a Program,
    locals: &'a [Local],
    out: String,
}

pub fn core(prog: &Program) -> String {
    let mut p = Printer {
        prog,
        locals: &[],
        out: String::new(),
    };
    p.program();
    p.out
}

fn count(t: &Type, prog: &Program) -> String {
    match t.size(prog) {
        Some(n) if n < 1_000_000_000 => format!("{n} values"),
        Some(n) => format!("~2^{:.1} values", (n as f64).log2()),
        None => "too many values".into(),
    }
}

impl<'a> Printer<'a> {
    fn line(&mut self, indent: usize, s: &str) {
        let _ = writeln!(self.out, "{:indent$}{s}", "", indent = indent * 2);
    }

    fn program(&mut self) {
        let prog = self.prog;
        self.line(0, &format!("spec {}", prog.name));
        if !prog.consts.is_empty() {
            self.line(0, "");
            for c in &prog.consts {
                let v = match &c.value {
                    ConstValue::Int(n) => n.to_string(),
                    ConstValue::Bool(b) => b.to_string(),
                };
                self.line(0, &format!("const {} = {v}", c.name));
            }
        }
        if !prog.sets.is_empty() {
            self.line(0, "");
            for s in &prog.sets {
                let kind = match s.kind {
                    SetKind::Nodes => "nodes",
                    SetKind::Single => "node",
                    SetKind::Values => "values",
                };
                let sym = if s.symmetric { " symmetric" } else { "" };
                self.line(
                    0,
                    &format!("{kind} {} = {{{}}}{sym}", s.name, s.members.join(", ")),
                );
            }
        }
        if !prog.variants.is_empty() {
            self.line(0, "");
            for v in &prog.variants {
                let fields: Vec<String> = v
                    .fields
                    .iter()
                    .map(|(n, t)| format!("{n}: {}", t.show(prog)))
                    .collect();
                if fields.is_empty() {
                    self.line(0, &format!("message {}", v.name));
                } else {
                    self.line(0, &format!("message {}({})", v.name, fields.join(", ")));
                }
            }
        }
        self.line(0, "");
        let total = prog
            .state_space_log2()
            .map_or("unbounded".to_string(), |b| {
                if b < 30.0 {
                    format!("{} valuations", 2f64.powf(b).round())
                } else {
                    format!("~2^{b:.1} valuations")
                }
            });
        self.line(
            0,
            &format!("// state: {} variables, at most {total}", prog.vars.len()),
        );
        for v in &prog.vars {
            self.locals = &v.init_locals;
            let init = self.expr(&v.init);
            let (op, init) = match (&v.init_kind, &v.origin) {
                (InitKind::Value, VarOrigin::NodeLocal(s)) => {
                    ("=", format!("[self in {} -> {init}]", prog.sets[*s].name))
                }
                (InitKind::OneOf, VarOrigin::NodeLocal(s)) => (
                    "in",
                    format!("[self in {} -> any of {init}]", prog.sets[*s].name),
                ),
                (InitKind::Value, _) => ("=", init),
                (InitKind::OneOf, _) => ("in", init),
            };
            let origin = match &v.origin {
                VarOrigin::User => String::new(),
                VarOrigin::NodeLocal(s) | VarOrigin::SingleNode(s) => {
                    format!(", from node {}", prog.sets[*s].name)
                }
                VarOrigin::Network(n) => {
                    format!(", network ({})", net_kind(prog.networks[*n].kind))
                }
            };
            self.line(
                0,
                &format!(
                    "var {}: {} {op} {init}  // {}{origin}",
                    v.name,
                    v.ty.show(prog),
                    count(&v.ty, prog)
                ),
            );
        }
        for f in &prog.functions {
            self.locals = &f.locals;
            let params: Vec<String> = f.locals[..f.n_params]
                .iter()
                .map(|l| format!("{}: {}", l.name, l.ty.show(prog)))
                .collect();
            let body = self.expr(&f.body);
            self.line(0, "");
            self.line(
                0,
                &format!(
                    "fn {}({}): {} = {body}",
                    f.name,
                    params.join(", "),
                    f.ret.show(prog)
                ),
            );
        }
        for a in &prog.actions {
            self.locals = &a.locals;
            let fair = match a.fairness {
                Fairness::None => "",
                Fairness::Weak => "fair ",
                Fairness::Strong => "strong fair ",
            };
            let params: Vec<String> = a.locals[..a.n_params]
                .iter()
                .map(|l| format!("{}: {}", l.name, l.ty.show(prog)))
                .collect();
            self.line(0, "");
            self.line(
                0,
                &format!("{fair}action {}({}) {{", a.name, params.join(", ")),
            );
            self.stmts(&a.body, 1);
            self.line(0, "}");
        }
        let groups: [(&str, &Vec<Formula>); 4] = [
            ("invariant", &prog.invariants),
            ("property", &prog.properties),
            ("constraint", &prog.constraints),
            ("terminal", &prog.terminals),
        ];
        for (kind, fs) in groups {
            for f in fs {
                self.locals = &f.locals;
                let e = self.expr(&f.expr);
                self.line(0, "");
                self.line(0, &format!("{kind} {}: {e}", f.name));
            }
        }
        if !prog.expects.is_empty() {
            self.line(0, "");
            for e in &prog.expects {
                if e.name == "deadlock"
                    && !prog
                        .invariants
                        .iter()
                        .chain(&prog.properties)
                        .any(|f| f.name == "deadlock")
                {
                    self.line(
                        0,
                        if e.holds {
                            "expect no deadlock"
                        } else {
                            "expect deadlock"
                        },
                    );
                    continue;
                }
                self.line(
                    0,
                    &format!(
                        "expect {} {}",
                        e.name,
                        if e.holds { "holds" } else { "violated" }
                    ),
                );
            }
        }
    }

    fn stmts(&mut self, stmts: &[TStmt], indent: usize) {
        crate::parser::grow(|| self.stmts_inner(stmts, indent))
    }

    fn stmts_inner(&mut self, stmts: &[TStmt], indent: usize) {
        for s in stmts {
            match s {
                TStmt::Require(e) => {
                    let e = self.expr(e);
                    self.line(indent, &format!("require {e}"));
                }
                TStmt::Let(l, e) => {
                    let e = self.expr(e);
                    let n = self.locals[*l].name.clone();
                    self.line(indent, &format!("let {n} = {e}"));
                }
                TStmt::Assign(p, e) => {
                    let p = self.place(p);
                    let e = self.expr(e);
                    self.line(indent, &format!("{p} = {e}"));
                }
                TStmt::If(c, t, e) => {
                    let c = self.expr(c);
                    self.line(indent, &format!("if {c} {{"));
                    self.stmts(t, indent + 1);
                    if !e.is_empty() {
                        self.line(indent, "} else {");
                        self.stmts(e, indent + 1);
                    }
                    self.line(indent, "}");
                }
                TStmt::Pick(bs, body) => {
                    let bs = self.binders(bs);
                    self.line(indent, &format!("pick {bs} {{"));
                    self.stmts(body, indent + 1);
                    self.line(indent, "}");
                }
                TStmt::Either(arms) => {
                    for (i, arm) in arms.iter().enumerate() {
                        self.line(indent, if i == 0 { "either {" } else { "} or {" });
                        self.stmts(arm, indent + 1);
                    }
                    self.line(indent, "}");
                }
            }
        }
    }

    fn place(&self, p: &Place) -> String {
        let mut s = self.prog.vars[p.var].name.clone();
        let mut ty = self.prog.vars[p.var].ty.clone();
        for el in &p.path {
            match el {
                PathElem::Index(k) => {
                    let _ = write!(s, "[{}]", self.expr(k));
                    ty = match ty {
                        Type::Map(_, v) => *v,
                        Type::Seq(t, _) => *t,
                        t => t,
                    };
                }
                PathElem::Field(i) => {
                    if let Type::Record(fs) = &ty {
                        let _ = write!(s, ".{}", fs[*i].0);
                        ty = fs[*i].1.clone();
                    }
                }
                PathElem::TupleField(i) => {
                    let _ = write!(s, ".{i}");
                    if let Type::Tuple(ts) = &ty {
                        ty = ts[*i].clone();
                    }
                }
            }
        }
        s
    }

    fn binders(&self, bs: &[(LocalId, TExpr)]) -> String {
        bs.iter()
            .map(|(l, s)| format!("{} in {}", self.locals[*l].name, self.operand(s)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn list(&self, es: &[TExpr]) -> String {
        es.iter()
            .map(|e| self.expr(e))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An operand: parenthesised unless it is atomic.
    fn operand(&self, e: &TExpr) -> String {
        let s = self.expr(e);
        match &e.kind {
            TExprKind::Binary(..)
            | TExprKind::Unary(..)
            | TExprKind::Range(..)
            | TExprKind::If(..)
            | TExprKind::Let(..)
            | TExprKind::Quant(..)
            | TExprKind::Choose(..)
            | TExprKind::Is(..) => format!("({s})"),
            _ => s,
        }
    }

    fn expr(&self, e: &TExpr) -> String {
        crate::parser::grow(|| self.expr_inner(e))
    }

    fn expr_inner(&self, e: &TExpr) -> String {
        let prog = self.prog;
        match &e.kind {
            TExprKind::Bool(b) => b.to_string(),
            TExprKind::Int(n) => n.to_string(),
            TExprKind::Atom(a) => prog.atoms[*a as usize].clone(),
            TExprKind::Member(s, i) => prog.sets[*s].members[*i as usize].clone(),
            TExprKind::NoneLit => "none".into(),
            TExprKind::AllOf(t) => t.show(prog),
            TExprKind::Var(v) => prog.vars[*v].name.clone(),
            TExprKind::Local(l) => self
                .locals
                .get(*l)
                .map_or_else(|| format!("_{l}"), |x| x.name.clone()),
            TExprKind::Some(x) => format!("some({})", self.expr(x)),
            TExprKind::Unary(op, x) => {
                let w = match op {
                    UnOp::Not => "not ",
                    UnOp::Neg => "-",
                    UnOp::Always => "always ",
                    UnOp::Eventually => "eventually ",
                };
                format!("{w}{}", self.operand(x))
            }
            TExprKind::Binary(op, a, b) => {
                let (a, b) = (self.operand(a), self.operand(b));
                match op {
                    BinOp::LeadsTo => format!("{a} leads_to {b}"),
                    op => format!("{a} {} {b}", op.text()),
                }
            }
            TExprKind::Range(a, b) => format!("{}..{}", self.operand(a), self.operand(b)),
            TExprKind::Call(f, args) => format!("{}({})", prog.functions[*f].name, self.list(args)),
            TExprKind::Builtin(b, args) => format!("{}({})", b.name(), self.list(args)),
            TExprKind::Index(b, k) => format!("{}[{}]", self.operand(b), self.expr(k)),
            TExprKind::Field(b, i) => match &b.ty {
                Type::Record(fs) => format!("{}.{}", self.operand(b), fs[*i].0),
                _ => format!("{}.{i}", self.operand(b)),
            },
            TExprKind::TupleField(b, i) => format!("{}.{i}", self.operand(b)),
            TExprKind::MsgField(b, found) => {
                let (v, i) = found[0];
                format!("{}.{}", self.operand(b), prog.variants[v].fields[i].0)
            }
            TExprKind::Tuple(es) => format!("({})", self.list(es)),
            TExprKind::Record(es) => match &e.ty {
                Type::Record(fs) => {
                    let parts: Vec<String> = fs
                        .iter()
                        .zip(es)
                        .map(|((n, _), x)| format!("{n}: {}", self.expr(x)))
                        .collect();
                    format!("{{{}}}", parts.join(", "))
                }
                _ => format!("{{{}}}", self.list(es)),
            },
            TExprKind::Msg(v, args) => {
                if args.is_empty() {
                    prog.variants[*v].name.clone()
                } else {
                    format!("{}({})", prog.variants[*v].name, self.list(args))
                }
            }
            TExprKind::SetLit(es) => format!("{{{}}}", self.list(es)),
            TExprKind::SeqLit(es) => format!("[{}]", self.list(es)),
            TExprKind::MapLit(ps) => {
                let parts: Vec<String> = ps
                    .iter()
                    .map(|(k, v)| format!("{} -> {}", self.expr(k), self.expr(v)))
                    .collect();
                format!("[{}]", parts.join(", "))
            }
            TExprKind::MapComp(l, s, b) => {
                format!(
                    "[{} in {} -> {}]",
                    self.locals[*l].name,
                    self.operand(s),
                    self.expr(b)
                )
            }
            TExprKind::SetComp(b, bs, f) => {
                let filter = f
                    .as_ref()
                    .map_or(String::new(), |f| format!(" if {}", self.expr(f)));
                format!("{{{} for {}{filter}}}", self.expr(b), self.binders(bs))
            }
            TExprKind::Choose(l, s, p) => {
                format!(
                    "choose {} in {}: {}",
                    self.locals[*l].name,
                    self.operand(s),
                    self.expr(p)
                )
            }
            TExprKind::If(c, a, b) => format!(
                "if {} then {} else {}",
                self.expr(c),
                self.expr(a),
                self.expr(b)
            ),
            TExprKind::Let(l, v, b) => format!(
                "let {} = {} in {}",
                self.locals[*l].name,
                self.expr(v),
                self.expr(b)
            ),
            TExprKind::Quant(q, bs, b) => {
                let w = if *q == Quant::Forall {
                    "forall"
                } else {
                    "exists"
                };
                format!("{w} {}: {}", self.binders(bs), self.expr(b))
            }
            TExprKind::Is(x, v, tests) => {
                let name = &prog.variants[*v].name;
                if tests.is_empty() {
                    format!("{} is {name}", self.operand(x))
                } else {
                    let ps: Vec<String> = tests
                        .iter()
                        .map(|t| t.as_ref().map_or("_".into(), |t| self.expr(t)))
                        .collect();
                    format!("{} is {name}({})", self.operand(x), ps.join(", "))
                }
            }
        }
    }
}

fn net_kind(k: NetKind) -> &'static str {
    match k {
        NetKind::Set => "set",
        NetKind::Bag => "bag",
        NetKind::Fifo => "fifo",
    }
}
