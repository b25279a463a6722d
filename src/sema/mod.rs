//! Semantic analysis: AST to the typed, resolved, desugared [`Program`].
//!
//! Runs in three passes over the items so that declaration order does not
//! matter for types and functions: (1) constants, enumerations, node and value
//! sets; (2) messages, networks, variables and function signatures; (3)
//! bodies: initial values, functions, actions, handlers and formulas. Node
//! blocks, messages and networks are desugared on the way (see `src/stdlib/`).
//!
//! Architecture invariant: sema never panics on a tree the parser produced,
//! reports every problem it finds (not just the first), and returns a program
//! only when there are no errors. Every variable in that program has a finite
//! type.

mod access;
mod consts;
mod decls;
mod expr;
mod net;
mod ops;
pub mod print;
pub mod program;
mod stmt;
#[cfg(test)]
mod tests;
mod typeexpr;
pub mod types;

use std::collections::HashMap;

use crate::diag::{Diag, Span};
use crate::parser::ast::{self, ItemKind, SpecFile};
pub use program::Program;
use program::*;
use types::{AtomId, SetId, Type};

/// A `--const NAME=VALUE` from the command line.
#[derive(Clone, Debug)]
pub struct Override {
    pub name: String,
    pub value: String,
}

/// What a global name stands for.
#[derive(Clone, Debug)]
pub(crate) enum Global {
    Const(usize),
    EnumType(Vec<AtomId>),
    Atom(AtomId),
    Set(SetId),
    Member(SetId, u32),
    Variant(VariantId),
    Network(usize),
    Var(VarId),
    Fn(FnId),
    Action,
    Formula,
}

impl Global {
    fn what(&self) -> &'static str {
        match self {
            Global::Const(_) => "a constant",
            Global::EnumType(_) => "an enumeration",
            Global::Atom(_) => "an enumeration member",
            Global::Set(_) => "a set",
            Global::Member(..) => "a set member",
            Global::Variant(_) => "a message",
            Global::Network(_) => "a network",
            Global::Var(_) => "a variable",
            Global::Fn(_) => "a function",
            Global::Action => "an action",
            Global::Formula => "an invariant or property",
        }
    }
}

/// Where an expression is being checked.
#[derive(Clone, Copy, Default)]
pub(crate) struct Ctx {
    /// Inside `node X { … }`: the node set.
    pub node: Option<SetId>,
    /// Inside a `property`: temporal operators allowed.
    pub property: bool,
    /// Inside a `fn` body: state variables may be read but not `self`.
    pub function: Option<FnId>,
    /// In a variable's initial value: no state exists yet to read.
    pub init: bool,
}

pub(crate) struct Sema<'d> {
    pub prog: Program,
    pub diags: &'d mut Vec<Diag>,
    pub globals: HashMap<String, (Global, Span)>,
    /// Node-local variables: (node set, name) → variable.
    pub node_vars: HashMap<(SetId, String), VarId>,
    pub overrides: Vec<Override>,
    pub used_overrides: Vec<bool>,
    // Per-body state.
    pub locals: Vec<Local>,
    pub local_used: Vec<bool>,
    pub scope: Vec<(String, LocalId)>,
    pub ctx: Ctx,
    pub var_read: Vec<bool>,
    /// Calls made by each function's body, for the recursion check.
    pub fn_calls: Vec<Vec<(FnId, Span)>>,
}

/// The result of analysing one spec.
pub struct Analysis {
    /// Present when there are no errors.
    pub program: Option<Program>,
    /// Errors and warnings in the spec, sorted by position.
    pub diags: Vec<Diag>,
    /// Problems with `--const` values, which have no place in the file.
    pub override_errors: Vec<String>,
}

pub fn analyze(file: &SpecFile, overrides: &[Override]) -> Analysis {
    let mut diags = Vec::new();
    let mut s = Sema {
        prog: Program::default(),
        diags: &mut diags,
        globals: HashMap::new(),
        node_vars: HashMap::new(),
        overrides: overrides.to_vec(),
        used_overrides: vec![false; overrides.len()],
        locals: Vec::new(),
        local_used: Vec::new(),
        scope: Vec::new(),
        ctx: Ctx::default(),
        var_read: Vec::new(),
        fn_calls: Vec::new(),
    };
    s.prog.name = file
        .name
        .as_ref()
        .map_or_else(String::new, |n| n.name.clone());
    let mut override_errors = Vec::new();
    s.pass_sets(&file.items, &mut override_errors);
    s.pass_signatures(&file.items);
    s.pass_bodies(&file.items);
    s.network_actions();
    s.unique_action_names();
    s.check_recursion();
    // Like rustc's lints, "unused" warnings wait until the spec has no errors:
    // while it does, they are mostly noise.
    if !s.diags.iter().any(Diag::is_error) {
        s.check_unused();
    }
    for (i, o) in s.overrides.iter().enumerate() {
        if !s.used_overrides[i] {
            let known: Vec<&str> = s
                .prog
                .consts
                .iter()
                .map(|c| c.name.as_str())
                .chain(
                    s.prog
                        .sets
                        .iter()
                        .filter(|x| x.kind != SetKind::Single)
                        .map(|x| x.name.as_str()),
                )
                .collect();
            let mut msg = format!(
                "--const {}: the spec declares no constant or set named `{}`",
                o.name, o.name
            );
            if let Some(m) = crate::diag::did_you_mean(&o.name, known.iter().copied()) {
                msg.push_str(&format!(" (did you mean `{m}`?)"));
            }
            override_errors.push(msg);
        }
    }
    let program = std::mem::take(&mut s.prog);
    crate::diag::sort(&mut diags);
    let ok = override_errors.is_empty() && !diags.iter().any(Diag::is_error);
    Analysis {
        program: ok.then_some(program),
        diags,
        override_errors,
    }
}

impl Sema<'_> {
    pub(crate) fn err(&mut self, d: Diag) {
        self.diags.push(d);
    }

    /// Declares a global name, reporting a clash with an earlier declaration.
    pub(crate) fn declare(&mut self, id: &ast::Ident, g: Global) -> bool {
        if let Some((prev, prev_span)) = self.globals.get(&id.name) {
            // The same enumeration member may appear in several enumerations.
            if let (Global::Atom(a), Global::Atom(b)) = (prev, &g)
                && a == b
            {
                return true;
            }
            let what = prev.what();
            let prev_span = *prev_span;
            self.err(
                Diag::error(id.span, format!("`{}` is already declared", id.name))
                    .label("second declaration")
                    .note(prev_span, format!("first declared here as {what}"))
                    .help("every top-level name (constants, sets, members, enumeration members, messages, variables, functions, actions, formulas) must be unique; rename one"),
            );
            return false;
        }
        self.globals.insert(id.name.clone(), (g, id.span));
        true
    }

    pub(crate) fn atom(&mut self, id: &ast::Ident) -> AtomId {
        if let Some((Global::Atom(a), _)) = self.globals.get(&id.name) {
            return *a;
        }
        let a = self.prog.atoms.len() as AtomId;
        self.prog.atoms.push(id.name.clone());
        self.declare(id, Global::Atom(a));
        a
    }

    // ----- per-body scopes -----

    pub(crate) fn begin_body(&mut self, ctx: Ctx) {
        self.locals.clear();
        self.local_used.clear();
        self.scope.clear();
        self.ctx = ctx;
    }

    /// Ends a body; warns about `let` names never used; returns the locals.
    pub(crate) fn end_body(&mut self) -> Vec<Local> {
        self.ctx = Ctx::default();
        self.scope.clear();
        std::mem::take(&mut self.locals)
    }

    /// Binds a new local in the current scope.
    pub(crate) fn bind(&mut self, id: &ast::Ident, ty: Type) -> LocalId {
        if let Some((g, sp)) = self.globals.get(&id.name)
            && !matches!(g, Global::Fn(_) | Global::Action | Global::Formula)
        {
            let (what, sp) = (g.what(), *sp);
            self.err(
                Diag::error(id.span, format!("`{}` shadows {what}", id.name))
                    .label("this name is already taken")
                    .note(sp, "declared here")
                    .help("choose another name for the bound variable"),
            );
        } else if self.scope.iter().any(|(n, _)| n == &id.name) {
            self.err(
                Diag::error(id.span, format!("`{}` is already bound here", id.name))
                    .label("shadows an outer binding")
                    .help("choose another name"),
            );
        }
        let l = self.locals.len();
        self.locals.push(Local {
            name: id.name.clone(),
            ty,
            span: id.span,
        });
        self.local_used.push(false);
        self.scope.push((id.name.clone(), l));
        l
    }

    pub(crate) fn lookup_local(&mut self, name: &str) -> Option<LocalId> {
        let l = self
            .scope
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, l)| *l)?;
        self.local_used[l] = true;
        Some(l)
    }

    /// Every name visible here, for "did you mean" hints.
    pub(crate) fn visible_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.scope.iter().map(|(n, _)| n.clone()).collect();
        v.extend(self.globals.keys().cloned());
        if let Some(s) = self.ctx.node {
            v.extend(
                self.node_vars
                    .keys()
                    .filter(|(set, _)| *set == s)
                    .map(|(_, n)| n.clone()),
            );
        }
        v.sort();
        v
    }

    /// Several handlers for one message in one node (with different guards)
    /// are allowed; number them so that every step has its own name in traces.
    fn unique_action_names(&mut self) {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for a in &mut self.prog.actions {
            let n = seen.entry(a.name.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                a.name = format!("{}#{n}", a.name);
            }
        }
    }

    fn check_recursion(&mut self) {
        // Depth-first search for a cycle in the call graph; report each
        // function on a cycle once.
        let n = self.fn_calls.len();
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        let mut reported = vec![false; n];
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(FnId, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some((f, i)) = stack.pop() {
                if i < self.fn_calls[f].len() {
                    stack.push((f, i + 1));
                    let (g, sp) = self.fn_calls[f][i];
                    if state[g] == 1 {
                        if !reported[g] {
                            reported[g] = true;
                            let name = self.prog.functions[g].name.clone();
                            let via = self.prog.functions[f].name.clone();
                            let msg = if f == g {
                                format!("function `{name}` calls itself")
                            } else {
                                format!("function `{name}` calls itself through `{via}`")
                            };
                            self.err(
                                Diag::error(sp, msg)
                                    .label("recursive call")
                                    .help("functions may not recurse (every evaluation must end); use a quantifier or a set comprehension instead"),
                            );
                        }
                    } else if state[g] == 0 {
                        state[g] = 1;
                        stack.push((g, 0));
                    }
                } else {
                    state[f] = 2;
                }
            }
        }
    }

    fn check_unused(&mut self) {
        for (v, var) in self.prog.vars.iter().enumerate() {
            if matches!(var.origin, VarOrigin::Network(_)) {
                continue;
            }
            if !self.var_read.get(v).copied().unwrap_or(true) {
                self.diags.push(
                    Diag::warning(var.span, format!("variable `{}` is never read", var.name))
                        .label("written but never used in a condition, formula or other value")
                        .help("an unread variable only multiplies the number of states; remove it or use it"),
                );
            }
        }
    }

    fn pass_bodies(&mut self, items: &[ast::Item]) {
        self.bodies_in(items, None);
    }

    fn bodies_in(&mut self, items: &[ast::Item], node: Option<SetId>) {
        for item in items {
            // Other items in a node block were reported in pass 2.
            if node.is_some()
                && !matches!(
                    item.kind,
                    ItemKind::Var { .. } | ItemKind::Action { .. } | ItemKind::On { .. }
                )
            {
                continue;
            }
            match &item.kind {
                ItemKind::Node {
                    name,
                    body: Some(body),
                } => {
                    if let Some((Global::Set(s), _)) = self.globals.get(&name.name).cloned()
                        && self.prog.sets[s].kind != SetKind::Values
                    {
                        self.bodies_in(body, Some(s));
                    }
                }
                ItemKind::Var { name, init, .. } => self.var_init(name, init.as_ref(), node),
                ItemKind::Fn { name, body, .. } => self.fn_body(name, body),
                ItemKind::Action {
                    fairness,
                    name,
                    params,
                    body,
                    fault,
                } => {
                    let origin = fault.map_or(ActionOrigin::User, ActionOrigin::Fault);
                    self.action(*fairness, name, params, body, node, origin, item.span)
                }
                ItemKind::On {
                    fairness,
                    msg,
                    binds,
                    network,
                    body,
                } => self.handler(
                    *fairness,
                    msg,
                    binds,
                    network.as_ref(),
                    body,
                    node,
                    item.span,
                ),
                ItemKind::Invariant { name, expr } => {
                    let f = self.formula(name, expr, false);
                    self.prog.invariants.push(f);
                }
                ItemKind::Property { name, expr } => {
                    let f = self.formula(name, expr, true);
                    self.prog.properties.push(f);
                }
                ItemKind::Constraint { name, expr } => {
                    let id = name.clone().unwrap_or(ast::Ident {
                        name: format!("constraint{}", self.prog.constraints.len() + 1),
                        span: expr.span,
                    });
                    let f = self.formula(&id, expr, false);
                    self.prog.constraints.push(f);
                }
                ItemKind::Expect { name, holds } => self.expect(name, *holds, item.span),
                ItemKind::Terminal { expr } => {
                    let id = ast::Ident {
                        name: format!("terminal{}", self.prog.terminals.len() + 1),
                        span: expr.span,
                    };
                    let f = self.formula(&id, expr, false);
                    self.prog.terminals.push(f);
                }
                _ => {}
            }
        }
    }

    fn expect(&mut self, name: &ast::Ident, holds: bool, span: Span) {
        if name.name == "deadlock" && !self.globals.contains_key("deadlock") {
            // Deadlock freedom (`expect deadlock`: violated).
            self.prog.expects.push(Expect {
                name: name.name.clone(),
                holds,
                span,
            });
            return;
        }
        match self.globals.get(&name.name) {
            Some((Global::Formula, _)) => self.prog.expects.push(Expect {
                name: name.name.clone(),
                holds,
                span,
            }),
            other => {
                let formulas: Vec<String> = self
                    .globals
                    .iter()
                    .filter(|(_, (g, _))| matches!(g, Global::Formula))
                    .map(|(n, _)| n.clone())
                    .collect();
                let mut d = Diag::error(
                    name.span,
                    match other {
                        Some((g, _)) => format!(
                            "`{}` is {}, not an invariant or property",
                            name.name,
                            g.what()
                        ),
                        None => format!("no invariant or property named `{}`", name.name),
                    },
                )
                .label("`expect` names an invariant or property");
                d = match crate::diag::did_you_mean(&name.name, formulas.iter().map(String::as_str))
                {
                    Some(m) => d.help(format!("did you mean `{m}`?")),
                    None => d.help("declare it with `invariant Name: …` or `property Name: …`"),
                };
                self.err(d);
            }
        }
    }

    /// Checks that a property is in the fragment the liveness checker
    /// decides: `always P`, `eventually P`, `always eventually P`,
    /// `eventually always P` and `P leads_to Q` (P, Q about one state),
    /// combined with `and` and `forall`.
    fn temporal_fragment(&mut self, e: &TExpr) {
        let ok = match temporal(e) {
            Some(Temporal::And(a, b)) => {
                self.temporal_fragment(a);
                self.temporal_fragment(b);
                true
            }
            Some(Temporal::Forall(binders, body)) => {
                for (_, set) in binders {
                    if reads_state(&self.prog, set) {
                        self.err(
                            Diag::error(set.span, "the range of a property's `forall` depends on the state")
                                .label("reads a variable")
                                .help("quantify over a fixed set (a node or value set, a range, a constant) and test the state inside: `forall r in RM: (r in prepared) leads_to …`"),
                        );
                    }
                }
                self.temporal_fragment(body);
                true
            }
            Some(_) => true,
            None => false,
        };
        if !ok {
            let what = if e.ty == Type::Temporal {
                "this temporal formula is outside the fragment kripke checks"
            } else {
                "a condition on its own is not a temporal property"
            };
            self.err(
                Diag::error(e.span, what)
                    .label("here")
                    .help("properties combine `always P`, `eventually P`, `always eventually P`, `eventually always P` and `P leads_to Q` (P, Q about one state) with `and` and `forall`; a condition on every state is an `invariant`"),
            );
        }
    }

    fn formula(&mut self, name: &ast::Ident, expr: &ast::Expr, property: bool) -> Formula {
        self.begin_body(Ctx {
            property,
            ..Ctx::default()
        });
        let errors_before = self.diags.len();
        let e = self.expr(expr);
        if property {
            if !matches!(e.ty, Type::Temporal | Type::Bool | Type::Unknown) {
                let t = e.ty.show(&self.prog);
                self.err(
                    Diag::error(
                        expr.span,
                        format!("a property must be a formula, found {t}"),
                    )
                    .label("not true or false")
                    .help(
                        "e.g. `always eventually done` or `forall r in RM: eventually decided(r)`",
                    ),
                );
            } else if self.diags.len() == errors_before {
                // (after an error inside, the formula says little more)
                self.temporal_fragment(&e);
            }
        } else {
            self.expect_bool(&e, "this formula");
        }
        let locals = self.end_body();
        Formula {
            name: name.name.clone(),
            expr: e,
            locals,
            span: name.span,
        }
    }
}
