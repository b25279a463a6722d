//! Why an invariant is false in a state, in the spec's own words.
//!
//! The formula is walked from the top, following only the parts that make
//! it false: the false conjunct of an `and`, both sides of a false `or`,
//! the true premise and false conclusion of an `implies`, the binding that
//! breaks a `forall` (its witness), the binding that makes a negated
//! `exists` true. At a leaf (a comparison, a membership test, a call) it
//! shows the values of the operands. Every value shown is computed by the
//! model's own evaluator on the state, so the explanation cannot disagree
//! with the verdict; where an evaluation fails, the leaf is shown without
//! values. Text comes from the spec through the expressions' spans.

use crate::model::CompiledModel;
use crate::model::value::{Value, show};
use crate::parser::ast::{BinOp, Quant, UnOp};
use crate::sema::program::{Formula, TExpr, TExprKind};

/// How deep nested explanations go before saying "…".
const MAX_DEPTH: usize = 12;
/// Bindings tried per quantifier in search of a witness.
const MAX_BINDINGS: usize = 100_000;

struct Explainer<'a, 'p> {
    model: &'a CompiledModel<'p>,
    vars: &'a [Value],
    locals: Vec<Value>,
    /// The formula's bound names, by local number.
    names: Vec<String>,
    /// Locals bound by a witness already shown (`for a = r1:`).
    shown: Vec<usize>,
    lines: Vec<String>,
}

/// Lines explaining why `f` is false in the state `vars` (empty if it is
/// not false, or the spec text is not available).
pub fn explain(model: &CompiledModel, f: &Formula, vars: &[Value]) -> Vec<String> {
    if model.prog.source.is_empty() {
        return Vec::new();
    }
    let mut ex = Explainer {
        model,
        vars,
        locals: vec![Value::Bool(false); f.locals.len()],
        names: f.locals.iter().map(|l| l.name.clone()).collect(),
        shown: Vec::new(),
        lines: Vec::new(),
    };
    if ex.truth(&f.expr) != Some(false) {
        return Vec::new();
    }
    ex.why(&f.expr, false, 0);
    ex.lines
}

impl Explainer<'_, '_> {
    fn text(&self, e: &TExpr) -> String {
        quote(self.model.prog, e)
    }

    fn value(&mut self, e: &TExpr) -> Option<Value> {
        self.model.eval.eval(e, self.vars, &mut self.locals).ok()
    }

    fn truth(&mut self, e: &TExpr) -> Option<bool> {
        self.model.eval.bool(e, self.vars, &mut self.locals).ok()
    }

    fn say(&mut self, depth: usize, line: String) {
        self.lines.push(format!("{}{line}", "  ".repeat(depth)));
    }

    /// Explains why `e` evaluates to `is`.
    fn why(&mut self, e: &TExpr, is: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return self.say(depth, "…".into());
        }
        match &e.kind {
            TExprKind::Unary(UnOp::Not, x) => self.why(x, !is, depth),
            TExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                // `and` false / `or` true: one side decides; otherwise both.
                let decisive = (*op == BinOp::And) != is;
                let (ta, tb) = (self.truth(a), self.truth(b));
                if decisive {
                    if ta == Some(is) {
                        self.why(a, is, depth);
                    } else if tb == Some(is) {
                        self.why(b, is, depth);
                    }
                } else {
                    self.why(a, is, depth);
                    self.why(b, is, depth);
                }
            }
            TExprKind::Binary(BinOp::Implies, a, b) => {
                if is {
                    if self.truth(a) == Some(false) {
                        self.why(a, false, depth);
                    } else {
                        self.why(b, true, depth);
                    }
                } else {
                    self.why(a, true, depth);
                    self.why(b, false, depth);
                }
            }
            TExprKind::Quant(q, binders, body) => {
                // A forall is false, or an exists true, by one binding.
                let by_witness = (*q == Quant::Forall) != is;
                if !by_witness {
                    let (all, what) = if *q == Quant::Forall {
                        ("every", "holds")
                    } else {
                        ("no", "satisfies it")
                    };
                    let names = self.binder_names(binders);
                    return self.say(
                        depth,
                        format!("{all} {names} {what}: `{}`", self.text(body)),
                    );
                }
                match self.witness(binders, body, is) {
                    Some(binding) => {
                        self.shown.extend(binders.iter().map(|(l, _)| *l));
                        self.say(depth, format!("for {binding}:"));
                        self.why(body, is, depth + 1);
                    }
                    None => self.leaf(e, is, depth),
                }
            }
            TExprKind::Let(l, v, body) => {
                if let Some(x) = self.value(v) {
                    self.locals[*l] = x;
                    self.why(body, is, depth);
                }
            }
            TExprKind::Call(fid, args)
                if self.model.prog.functions[*fid].ret == crate::sema::types::Type::Bool =>
            {
                self.leaf(e, is, depth);
                self.call(*fid, args, is, depth + 1);
            }
            TExprKind::If(c, a, b) => match self.truth(c) {
                Some(true) => self.why(a, is, depth),
                Some(false) => self.why(b, is, depth),
                None => self.leaf(e, is, depth),
            },
            _ => self.leaf(e, is, depth),
        }
    }

    /// Explains a boolean function's body, with its parameters bound to the
    /// arguments' values, in the function's own names.
    fn call(&mut self, fid: usize, args: &[TExpr], is: bool, depth: usize) {
        let func = &self.model.prog.functions[fid];
        let mut frame = vec![Value::Bool(false); func.locals.len()];
        for (i, a) in args.iter().enumerate() {
            match self.value(a) {
                Some(v) => frame[i] = v,
                None => return,
            }
        }
        let names: Vec<String> = func.locals.iter().map(|l| l.name.clone()).collect();
        // Where the function names its parameters differently from the
        // call's arguments, say which is which.
        let renamed: Vec<String> = args
            .iter()
            .enumerate()
            .filter(|(i, a)| self.text(a) != names[*i])
            .map(|(i, _)| {
                let ty = &func.locals[i].ty;
                format!("{} = {}", names[i], show(&frame[i], ty, self.model.prog))
            })
            .collect();
        if !renamed.is_empty() {
            self.say(depth, format!("with {}:", renamed.join(", ")));
        }
        // The parameters are known (shown with the call), like a witness.
        let shown = (0..func.n_params).collect();
        let saved = (
            std::mem::replace(&mut self.locals, frame),
            std::mem::replace(&mut self.names, names),
            std::mem::replace(&mut self.shown, shown),
        );
        self.why(&func.body, is, depth);
        (self.locals, self.names, self.shown) = saved;
    }

    fn binder_names(&self, binders: &[(usize, TExpr)]) -> String {
        let names: Vec<String> = binders
            .iter()
            .map(|(l, set)| format!("{} in {}", self.local_name(*l), self.text(set)))
            .collect();
        names.join(", ")
    }

    fn local_name(&self, l: usize) -> String {
        self.names
            .get(l)
            .cloned()
            .unwrap_or_else(|| format!("#{l}"))
    }

    /// The first binding (in value order) under which `body` is `is`, as
    /// text (`a = r1, b = r2`); the locals keep it for the explanation.
    fn witness(&mut self, binders: &[(usize, TExpr)], body: &TExpr, is: bool) -> Option<String> {
        let mut domains = Vec::new();
        for (l, set) in binders {
            match self.value(set)? {
                Value::Set(xs) => domains.push((*l, xs.to_vec(), set.ty.clone())),
                _ => return None,
            }
        }
        let mut at = vec![0usize; domains.len()];
        if domains.iter().any(|(_, xs, _)| xs.is_empty()) {
            return None;
        }
        for _ in 0..MAX_BINDINGS {
            for (k, (l, xs, _)) in domains.iter().enumerate() {
                self.locals[*l] = xs[at[k]].clone();
            }
            if self.truth(body) == Some(is) {
                let parts: Vec<String> = domains
                    .iter()
                    .enumerate()
                    .map(|(k, (l, xs, ty))| {
                        let elem = ty.elem().unwrap_or(ty);
                        format!(
                            "{} = {}",
                            self.local_name(*l),
                            show(&xs[at[k]], elem, self.model.prog)
                        )
                    })
                    .collect();
                return Some(parts.join(", "));
            }
            // Next binding, last binder fastest.
            let mut k = domains.len();
            loop {
                if k == 0 {
                    return None;
                }
                k -= 1;
                at[k] += 1;
                if at[k] < domains[k].1.len() {
                    break;
                }
                at[k] = 0;
            }
        }
        None
    }

    /// A condition that is not broken down further: its text, its value,
    /// and the values of its operands that are not written as constants.
    fn leaf(&mut self, e: &TExpr, is: bool, depth: usize) {
        let mut parts = Vec::new();
        let operands: Vec<&TExpr> = match &e.kind {
            TExprKind::Binary(_, a, b) => vec![a, b],
            TExprKind::Call(_, args) | TExprKind::Builtin(_, args) => args.iter().collect(),
            TExprKind::Is(m, _, _) => vec![m],
            TExprKind::Unary(UnOp::Not, a) => vec![a],
            _ => Vec::new(),
        };
        for o in operands {
            let witness = matches!(o.kind, TExprKind::Local(l) if self.shown.contains(&l));
            if is_constant(o) || witness {
                continue;
            }
            if let Some(v) = self.value(o) {
                let shown = show(&v, &o.ty, self.model.prog);
                let text = self.text(o);
                if text != shown {
                    parts.push(format!("{text} = {shown}"));
                }
            }
        }
        let head = format!("`{}` is {is}", self.text(e));
        if parts.is_empty() {
            self.say(depth, head);
        } else {
            self.say(depth, format!("{head}: {}", parts.join(", ")));
        }
    }
}

/// The spec's text of an expression, on one line.
fn quote(prog: &crate::sema::program::Program, e: &TExpr) -> String {
    let t = prog.source.get(e.span.start..e.span.end).unwrap_or("?");
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Written as a constant: a literal, a member or an enumeration value.
fn is_constant(e: &TExpr) -> bool {
    matches!(
        e.kind,
        TExprKind::Bool(_)
            | TExprKind::Int(_)
            | TExprKind::Atom(_)
            | TExprKind::Member(..)
            | TExprKind::NoneLit
            | TExprKind::AllOf(_)
    )
}

/// How a failed `require` reads. Conditions the standard library adds
/// are said in words: their spans point at the declaration that added them.
fn failed(a: &crate::sema::program::Action, index: usize, text: &str) -> String {
    use crate::parser::ast::FaultStep;
    use crate::sema::program::ActionOrigin;
    match (&a.origin, text.split_whitespace().next()) {
        (ActionOrigin::Handler(..), _) if index == 0 => "no such message to receive".into(),
        (ActionOrigin::Lose(_) | ActionOrigin::Duplicate(_), _) => {
            "no message in transit (or the capacity is reached)".into()
        }
        (ActionOrigin::Fault(FaultStep::Crash), _) if index == 0 => "it has crashed already".into(),
        (ActionOrigin::Fault(FaultStep::Crash), _) => "as many as may crash are down".into(),
        (ActionOrigin::Fault(FaultStep::Recover), _) => "it is up".into(),
        (ActionOrigin::Fault(FaultStep::Partition), _) => {
            "the network was partitioned already".into()
        }
        (ActionOrigin::Fault(FaultStep::Heal), _) => "there is no partition to heal".into(),
        (_, Some("crash")) => "it has crashed".into(),
        (_, Some("partition")) => "the sender is on the other side of the partition".into(),
        _ => format!("`{text}` is false"),
    }
}

/// Why no step is possible in the state `vars` (a deadlock): for every
/// action, the first of its leading `require`s that fails, for how many of
/// its bindings (parameters and node), or that its body's later conditions
/// fail. Empty if the spec text is not available.
pub fn explain_deadlock(model: &CompiledModel, vars: &[Value]) -> Vec<String> {
    use crate::sema::program::TStmt;
    let prog = model.prog;
    if prog.source.is_empty() {
        return Vec::new();
    }
    let text = |e: &TExpr| quote(prog, e);
    let mut lines = Vec::new();
    for (ai, a) in prog.actions.iter().enumerate() {
        // Reasons in order of first appearance, with how many bindings each.
        let mut reasons: Vec<(String, usize)> = Vec::new();
        let mut total = 0usize;
        let _ = model.for_each_binding(ai, a, &mut |args: &[Value]| {
            total += 1;
            let mut locals = vec![Value::Bool(false); a.locals.len()];
            locals[..args.len()].clone_from_slice(args);
            let mut why = "a later condition of its body fails".to_string();
            for (i, s) in a.body.iter().enumerate() {
                let TStmt::Require(c) = s else { break };
                match model.eval.bool(c, vars, &mut locals) {
                    Ok(true) => continue,
                    Ok(false) => why = failed(a, i, &text(c)),
                    Err(e) => why = format!("`{}` cannot be evaluated: {}", text(c), e.message),
                }
                break;
            }
            match reasons.iter_mut().find(|(r, _)| *r == why) {
                Some((_, n)) => *n += 1,
                None => reasons.push((why, 1)),
            }
            Ok(())
        });
        for (why, n) in reasons {
            let of = if total > 1 {
                format!(" ({n} of {total})")
            } else {
                String::new()
            };
            lines.push(format!("{}: {why}{of}", a.name));
        }
    }
    lines
}

/// Why a temporal property is violated by a lasso: the instance of its
/// `forall` that fails (`for r = r1`) and what the run does to it: the
/// condition never holds, or stops holding on the loop, or a request is
/// never answered. Empty if the spec text is not available.
pub fn explain_lasso(
    model: &CompiledModel,
    outcome: &crate::checker::Outcome<CompiledModel>,
    k: usize,
) -> Vec<String> {
    use crate::checker::Model;
    use crate::checker::liveness::Form;
    let prog = model.prog;
    let (Some(l), false) = (outcome.loop_start, prog.source.is_empty()) else {
        return Vec::new();
    };
    let f = &prog.properties[k];
    let n = outcome.trace.len();
    let states: Vec<Vec<Value>> = outcome
        .trace
        .iter()
        .map(|t| model.decode(&t.state))
        .collect();
    // The states the run visits forever: the loop, or the state it stops in.
    let forever: Vec<usize> = if l + 1 == n {
        vec![l]
    } else {
        (l..n - 1).collect()
    };
    let holds = |p: usize, i: usize| {
        let (e, bound) = model.predicate(p);
        let mut locals = bound.to_vec();
        model.eval.bool(e, &states[i], &mut locals).unwrap_or(false)
    };
    let text = |p: usize| quote(prog, model.predicate(p).0);
    let binding = |p: usize| {
        let (_, locals) = model.predicate(p);
        let names: Vec<String> = binders(&f.expr)
            .iter()
            .map(|(id, ty)| {
                let elem = ty.elem().unwrap_or(ty);
                format!(
                    "{} = {}",
                    f.locals[*id].name,
                    show(&locals[*id], elem, prog)
                )
            })
            .collect();
        if names.is_empty() {
            String::new()
        } else {
            format!("for {}: ", names.join(", "))
        }
    };
    let where_ = if l + 1 == n {
        "in the state the run stays in"
    } else {
        "anywhere on the loop"
    };
    for form in &model.properties()[k].forms {
        let line = match *form {
            Form::Eventually(p) if (0..n).all(|i| !holds(p, i)) => {
                format!("{}`{}` never holds on this run", binding(p), text(p))
            }
            Form::AlwaysEventually(p) if forever.iter().all(|&i| !holds(p, i)) => {
                format!("{}`{}` does not hold {where_}", binding(p), text(p))
            }
            Form::EventuallyAlways(p) => match forever.iter().find(|&&i| !holds(p, i)) {
                Some(i) => format!(
                    "{}`{}` is false in state {i}, which the run visits forever",
                    binding(p),
                    text(p)
                ),
                None => continue,
            },
            Form::LeadsTo(p, q) => {
                let answered =
                    |i: usize| (i..n).any(|j| holds(q, j)) || forever.iter().any(|&j| holds(q, j));
                match (0..n).find(|&i| holds(p, i) && !answered(i)) {
                    Some(i) => format!(
                        "{}`{}` holds in state {i}, and `{}` never holds after it",
                        binding(p),
                        text(p),
                        text(q)
                    ),
                    None => continue,
                }
            }
            _ => continue,
        };
        return vec![line];
    }
    Vec::new()
}

/// The names a property's `forall`s bind, with their ranges' types.
fn binders(e: &TExpr) -> Vec<(usize, crate::sema::types::Type)> {
    use crate::sema::program::{Temporal, temporal};
    match temporal(e) {
        Some(Temporal::Forall(bs, body)) => {
            let mut out: Vec<_> = bs.iter().map(|(l, set)| (*l, set.ty.clone())).collect();
            out.extend(binders(body));
            out
        }
        Some(Temporal::And(a, b)) => {
            let mut out = binders(a);
            out.extend(binders(b));
            out
        }
        _ => Vec::new(),
    }
}
