//! Lowering: the core program as a compiled model the explorer can run.
//!
//! `CompiledModel` fixes the state layout (every variable a fixed bit range,
//! see `layout.rs`), lists the domain of every action parameter once, and
//! evaluates expressions and action bodies over run-time values (`eval.rs`).
//! It implements [`crate::checker::Model`], the only face the explorer sees.
//!
//! Architecture invariant: a state is a fixed-length slice of words; equal
//! states have equal words. Nothing here keeps global mutable state, so the
//! model can be shared by parallel workers.

pub mod eval;
pub mod layout;
mod ops;
mod symmetry;
pub mod value;
mod visit;

use std::sync::Arc;

use crate::checker::Model;
use crate::checker::liveness::{self, Form};
use crate::diag::Span;
use crate::parser::ast::Fairness;
use crate::sema::program::TExpr;
use crate::sema::program::{Action, InitKind, Program, VarOrigin};
use eval::{EvalError, Evaluator};
use layout::{BitReader, BitWriter, Domain, Domains, Layout};
use value::Value;

/// A state: the variables packed into words.
pub type State = Box<[u64]>;

/// One step of a trace: which action, with which parameter values (for a
/// node's action, `self` first).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Step {
    pub action: u32,
    pub args: Vec<Value>,
}

/// An error found while running the spec, with the step it happened in
/// (none while computing initial states or checking a formula).
#[derive(Clone, Debug, PartialEq)]
pub struct ModelError {
    pub error: EvalError,
    pub step: Option<Step>,
}

pub struct CompiledModel<'p> {
    pub prog: &'p Program,
    pub eval: Evaluator<'p>,
    layouts: Vec<Layout>,
    /// Bit offset of each variable in a state.
    offsets: Vec<usize>,
    bits: usize,
    params: Vec<Vec<Arc<Domain>>>,
    /// Set when symmetry reduction is on and the spec declares symmetry.
    symmetry: Option<symmetry::Symmetry>,
    /// Its packed form, when the layout allows (see `symmetry::Packed`):
    /// then every canonical form is computed on packed states.
    packed: Option<symmetry::Packed>,
    /// The temporal properties, split into the forms the liveness checker
    /// decides, and the state predicates they use (an expression with its
    /// quantified names bound).
    properties: Vec<liveness::Property>,
    predicates: Vec<(&'p TExpr, Vec<Value>)>,
}

impl<'p> CompiledModel<'p> {
    /// Lays out the state and prepares every action. Fails (with a message
    /// for the user) only when a variable or parameter is too large to store
    /// or to enumerate.
    pub fn new(prog: &'p Program) -> Result<Self, (Span, String)> {
        let mut doms = Domains::new(prog);
        let mut layouts = Vec::new();
        let mut offsets = Vec::new();
        let mut bits = 0;
        for v in &prog.vars {
            let l = Layout::new(&v.ty, &mut doms)
                .map_err(|m| (v.span, format!("variable `{}`: {m}", v.name)))?;
            offsets.push(bits);
            bits += l.bits() as usize;
            layouts.push(l);
        }
        let mut params = Vec::new();
        for a in &prog.actions {
            let mut ds = Vec::new();
            for l in &a.locals[..a.n_params] {
                ds.push(doms.get(&l.ty).map_err(|m| {
                    (
                        l.span,
                        format!("parameter `{}` of `{}`: {m}", l.name, a.name),
                    )
                })?);
            }
            params.push(ds);
        }
        CompiledModel {
            prog,
            eval: Evaluator::new(prog),
            layouts,
            offsets,
            bits,
            params,
            symmetry: None,
            packed: None,
            properties: Vec::new(),
            predicates: Vec::new(),
        }
        .with_properties()
    }

    /// Predicate `p` of the properties' forms: the state condition and the
    /// values of the property's bound names it is evaluated with.
    pub fn predicate(&self, p: usize) -> (&'p TExpr, &[Value]) {
        let (e, locals) = &self.predicates[p];
        (e, locals)
    }

    /// Splits every property into forms (see `checker::liveness`), one
    /// instance per binding of its `forall`s. Fails on a formula outside
    /// the supported fragment.
    fn with_properties(mut self) -> Result<Self, (Span, String)> {
        for f in &self.prog.properties {
            let mut locals = vec![Value::Bool(false); f.locals.len()];
            let mut forms = Vec::new();
            self.forms(&f.expr, &mut locals, &mut forms)?;
            self.properties.push(liveness::Property {
                name: f.name.clone(),
                forms,
            });
        }
        Ok(self)
    }

    fn forms(
        &mut self,
        e: &'p TExpr,
        locals: &mut Vec<Value>,
        out: &mut Vec<Form>,
    ) -> Result<(), (Span, String)> {
        use crate::sema::program::{Temporal, temporal};
        let mut pred = |p: &'p TExpr| {
            self.predicates.push((p, locals.clone()));
            self.predicates.len() - 1
        };
        let form = match temporal(e) {
            Some(Temporal::And(a, b)) => {
                self.forms(a, locals, out)?;
                return self.forms(b, locals, out);
            }
            Some(Temporal::Forall(binders, body)) => {
                return self.forall(binders, body, locals, out);
            }
            Some(Temporal::Always(p)) => Form::Always(pred(p)),
            Some(Temporal::Eventually(p)) => Form::Eventually(pred(p)),
            Some(Temporal::AlwaysEventually(p)) => Form::AlwaysEventually(pred(p)),
            Some(Temporal::EventuallyAlways(p)) => Form::EventuallyAlways(pred(p)),
            Some(Temporal::LeadsTo(p, q)) => Form::LeadsTo(pred(p), pred(q)),
            // The front end rejects these; a program built otherwise too.
            None => {
                return Err((
                    e.span,
                    "outside the supported fragment of temporal properties".into(),
                ));
            }
        };
        out.push(form);
        Ok(())
    }

    fn forall(
        &mut self,
        binders: &'p [(crate::sema::program::LocalId, TExpr)],
        body: &'p TExpr,
        locals: &mut Vec<Value>,
        out: &mut Vec<Form>,
    ) -> Result<(), (Span, String)> {
        let Some(((l, set), rest)) = binders.split_first() else {
            return self.forms(body, locals, out);
        };
        let state_free = !crate::sema::program::reads_state(self.prog, set);
        let elems = match state_free.then(|| self.eval.eval(set, &[], locals)) {
            Some(Ok(Value::Set(xs))) => xs,
            _ => {
                return Err((
                    set.span,
                    "the range of a property's `forall` must not depend on the state".into(),
                ));
            }
        };
        for x in elems.iter() {
            locals[*l] = x.clone();
            self.forall(rest, body, locals, out)?;
        }
        Ok(())
    }

    /// `s` with the members of each set renamed: member `i` of set `k`
    /// becomes member `r[k][i]` (an empty or missing list renames nothing).
    /// For tests and tools that check symmetry from outside.
    pub fn renamed(&self, s: &State, r: &[Vec<u32>]) -> State {
        let vars: Vec<Value> = self
            .decode(s)
            .iter()
            .map(|v| symmetry::rename(v, &r.to_vec()))
            .collect();
        self.encode(&vars).unwrap_or_else(|_| s.clone())
    }

    /// Whether canonical forms are computed on packed states (see
    /// `symmetry::Packed`) rather than on values.
    pub fn symmetry_is_packed(&self) -> bool {
        self.packed.is_some()
    }

    /// Turns symmetry reduction on (if the spec declares a symmetric set of
    /// two or more members) or off; it is off after `new`.
    pub fn with_symmetry(mut self, on: bool) -> Self {
        self.symmetry = if on {
            symmetry::Symmetry::new(self.prog)
        } else {
            None
        };
        if let Some(sym) = &self.symmetry {
            // Variables that hold members are laid out part by part, so
            // that canonical forms can be computed on packed states.
            let mut doms = Domains::new(self.prog);
            let mut bits = 0;
            for (vi, v) in self.prog.vars.iter().enumerate() {
                if sym.touches(vi)
                    && let Ok(l) = Layout::new_as(&v.ty, &mut doms, false)
                {
                    self.layouts[vi] = l;
                }
                self.offsets[vi] = bits;
                bits += self.layouts[vi].bits() as usize;
            }
            self.bits = bits;
        }
        let words = self.bits.div_ceil(64).max(1);
        self.packed = self
            .symmetry
            .as_ref()
            .and_then(|sym| symmetry::Packed::new(sym, &self.layouts, &self.offsets, words));
        self
    }

    /// Bits per state.
    pub fn state_bits(&self) -> usize {
        self.bits
    }

    pub fn decode(&self, s: &State) -> Vec<Value> {
        let mut r = BitReader::new(s);
        self.layouts.iter().map(|l| l.decode(&mut r)).collect()
    }

    /// Packs variables into a state; on failure, the variable whose value is
    /// outside its type.
    pub fn encode(&self, vars: &[Value]) -> Result<State, usize> {
        let mut w = BitWriter::new(self.bits);
        for (i, (l, v)) in self.layouts.iter().zip(vars).enumerate() {
            l.encode(v, &mut w).ok_or(i)?;
        }
        Ok(w.words.into_boxed_slice())
    }

    /// Packs a successor of `base` (whose variables are `old`): variables
    /// that did not change keep their bits, so a step that touches one small
    /// variable does not re-encode a large one. Unchanged values still share
    /// their parts with `old`, so the comparison is a pointer comparison.
    fn encode_from(&self, base: &State, old: &[Value], vars: &[Value]) -> Result<State, usize> {
        let mut w = BitWriter::from_words(base.to_vec());
        for (i, (l, v)) in self.layouts.iter().zip(vars).enumerate() {
            if *v == old[i] {
                continue;
            }
            // A set that gained or lost a few elements (a message sent):
            // flip just their bits.
            if let (Layout::Set(d), Value::Set(new), Value::Set(was)) = (l, v, &old[i]) {
                layout::set_diff(d, self.offsets[i], was, new, &mut w).ok_or(i)?;
                continue;
            }
            let (off, len) = (self.offsets[i], l.bits() as usize);
            w.clear(off, len);
            w.pos = off;
            l.encode(v, &mut w).ok_or(i)?;
        }
        Ok(w.words.into_boxed_slice())
    }

    fn encode_or_error(
        &self,
        base: Option<(&State, &[Value])>,
        vars: &[Value],
        span: Span,
        step: Option<&Step>,
    ) -> Result<State, ModelError> {
        match base {
            Some((b, old)) => self.encode_from(b, old, vars),
            None => self.encode(vars),
        }
        .map_err(|i| {
            let var = &self.prog.vars[i];
            ModelError {
                error: EvalError {
                    span,
                    message: format!(
                        "the value {} is outside the domain of `{}` ({})",
                        value::show(&vars[i], &var.ty, self.prog),
                        var.name,
                        var.ty.show(self.prog)
                    ),
                },
                step: step.cloned(),
            }
        })
    }

    fn formula_holds(
        &self,
        f: &crate::sema::program::Formula,
        vars: &[Value],
    ) -> Result<bool, ModelError> {
        let mut locals = vec![Value::Bool(false); f.locals.len()];
        self.eval
            .bool(&f.expr, vars, &mut locals)
            .map_err(|error| ModelError { error, step: None })
    }

    /// The initial values of one variable: one, or one per element.
    fn initial_values(&self, vi: usize) -> Result<Vec<Value>, EvalError> {
        let var = &self.prog.vars[vi];
        let mut locals = vec![Value::Bool(false); var.init_locals.len().max(1)];
        let one = |locals: &mut Vec<Value>| -> Result<Vec<Value>, EvalError> {
            let v = self.eval.eval(&var.init, &[], locals)?;
            Ok(match var.init_kind {
                InitKind::Value => vec![v],
                InitKind::OneOf => match v {
                    Value::Set(xs) => xs.to_vec(),
                    _ => vec![v],
                },
            })
        };
        match &var.origin {
            VarOrigin::NodeLocal(s) => {
                // One choice per node, independently: the product over nodes.
                let nodes = self.prog.sets[*s].members.len() as u32;
                let mut maps: Vec<Vec<(Value, Value)>> = vec![Vec::new()];
                for i in 0..nodes {
                    let node = Value::Member(*s as u32, i);
                    locals[0] = node.clone();
                    let choices = one(&mut locals)?;
                    let mut next = Vec::with_capacity(maps.len() * choices.len());
                    for m in &maps {
                        for c in &choices {
                            let mut m2 = m.clone();
                            m2.push((node.clone(), c.clone()));
                            next.push(m2);
                        }
                    }
                    maps = next;
                }
                Ok(maps.into_iter().map(|m| Value::Map(m.into())).collect())
            }
            _ => one(&mut locals),
        }
    }
}

impl Model for CompiledModel<'_> {
    type State = State;
    type Label = Step;
    type Error = ModelError;

    fn initial_states(&self) -> Result<Vec<State>, ModelError> {
        let mut combos: Vec<Vec<Value>> = vec![Vec::new()];
        for vi in 0..self.prog.vars.len() {
            let choices = self
                .initial_values(vi)
                .map_err(|error| ModelError { error, step: None })?;
            let mut next = Vec::with_capacity(combos.len() * choices.len());
            for c in &combos {
                for v in &choices {
                    let mut c2 = c.clone();
                    c2.push(v.clone());
                    next.push(c2);
                }
            }
            combos = next;
        }
        let mut out = Vec::with_capacity(combos.len());
        for vars in combos {
            for (vi, v) in vars.iter().enumerate() {
                let var = &self.prog.vars[vi];
                if !self.eval.fits(v, &var.ty) {
                    return Err(ModelError {
                        error: EvalError {
                            span: var.init.span,
                            message: format!(
                                "the initial value {} is outside the domain of `{}` ({})",
                                value::show(v, &var.ty, self.prog),
                                var.name,
                                var.ty.show(self.prog)
                            ),
                        },
                        step: None,
                    });
                }
            }
            out.push(self.encode_or_error(None, &vars, Span::default(), None)?);
        }
        Ok(out)
    }

    fn successors(&self, s: &State, out: &mut Vec<(Step, State)>) -> Result<(), ModelError> {
        self.successors_as(s, out, false)
    }

    fn canonical_successors(
        &self,
        s: &State,
        out: &mut Vec<(Step, State)>,
    ) -> Result<(), ModelError> {
        self.successors_as(s, out, true)
    }

    fn violated_invariant(&self, s: &State) -> Result<Option<usize>, ModelError> {
        let vars = self.decode(s);
        for (i, f) in self.prog.invariants.iter().enumerate() {
            if !self.formula_holds(f, &vars)? {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    fn within_constraints(&self, s: &State) -> Result<bool, ModelError> {
        if self.prog.constraints.is_empty() {
            return Ok(true);
        }
        let vars = self.decode(s);
        for f in &self.prog.constraints {
            if !self.formula_holds(f, &vars)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn may_stop(&self, s: &State) -> Result<bool, ModelError> {
        if self.prog.terminals.is_empty() {
            return Ok(false);
        }
        let vars = self.decode(s);
        for f in &self.prog.terminals {
            if self.formula_holds(f, &vars)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn reduces(&self) -> bool {
        self.symmetry.is_some()
    }

    fn canonical(&self, s: &State) -> State {
        let Some(sym) = &self.symmetry else {
            return s.clone();
        };
        if let Some(p) = &self.packed {
            return p.canonical(s).unwrap_or_else(|| s.clone());
        }
        let vars = self.decode(s);
        // Renaming keeps every value inside its type, so packing succeeds.
        match sym.canonical(&vars, &self.smallest()) {
            Some(c) => self.encode(&c).unwrap_or_else(|_| s.clone()),
            None => s.clone(),
        }
    }

    fn properties(&self) -> Vec<liveness::Property> {
        self.properties.clone()
    }

    fn predicates(&self, s: &State, out: &mut Vec<bool>) -> Result<(), ModelError> {
        if self.predicates.is_empty() {
            return Ok(());
        }
        let vars = self.decode(s);
        for (e, locals) in &self.predicates {
            let mut locals = locals.clone();
            let b = self
                .eval
                .bool(e, &vars, &mut locals)
                .map_err(|error| ModelError { error, step: None })?;
            out.push(b);
        }
        Ok(())
    }

    fn fairness(&self, label: &Step) -> liveness::Fair {
        match self.prog.actions[label.action as usize].fairness {
            Fairness::None => liveness::Fair::None,
            Fairness::Weak => liveness::Fair::Weak,
            Fairness::Strong => liveness::Fair::Strong,
        }
    }

    fn state_words(&self) -> usize {
        self.bits.div_ceil(64).max(1)
    }

    fn pack(&self, s: &State, out: &mut Vec<u64>) {
        out.extend_from_slice(s);
    }

    fn unpack(&self, words: &[u64]) -> State {
        words.into()
    }
}

impl CompiledModel<'_> {
    /// Every successor of `s`; canonical ones if `canonical` and symmetry
    /// is on.
    fn successors_as(
        &self,
        s: &State,
        out: &mut Vec<(Step, State)>,
        canonical: bool,
    ) -> Result<(), ModelError> {
        let vars = self.decode(s);
        let mut results = Vec::new();
        for (ai, a) in self.prog.actions.iter().enumerate() {
            self.for_each_binding(ai, a, &mut |args: &[Value]| {
                let mut locals = vec![Value::Bool(false); a.locals.len()];
                locals[..args.len()].clone_from_slice(args);
                results.clear();
                let step = || Step {
                    action: ai as u32,
                    args: args.to_vec(),
                };
                let fail = |error| ModelError {
                    error,
                    step: Some(step()),
                };
                // Most bindings are disabled by a leading `require`: check
                // those before copying the variables.
                let Some(from) = self
                    .eval
                    .leading_guards(&a.body, &vars, &mut locals)
                    .map_err(&fail)?
                else {
                    return Ok(());
                };
                let mut working = vars.clone();
                self.eval
                    .run_body(&a.body[from..], &mut working, &mut locals, &mut results)
                    .map_err(&fail)?;
                if results.is_empty() {
                    return Ok(());
                }
                let label = step();
                for r in results.drain(..) {
                    // Canonical successors are packed once, from their
                    // renamed variables (renaming keeps values in their
                    // types; an error is reported on the real ones).
                    let renamed = match (&self.symmetry, canonical) {
                        (Some(sym), true) if self.packed.is_none() => {
                            sym.canonical(&r, &self.smallest())
                        }
                        _ => None,
                    };
                    let st = match renamed.map(|c| self.encode(&c)) {
                        Some(Ok(st)) => st,
                        _ => self.encode_or_error(Some((s, &vars)), &r, a.span, Some(&label))?,
                    };
                    let st = match (&self.packed, canonical) {
                        (Some(p), true) => p.canonical(&st).unwrap_or(st),
                        _ => st,
                    };
                    out.push((label.clone(), st));
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    /// Picks the candidate that packs to the least state.
    fn smallest(&self) -> impl Fn(&[Vec<Value>]) -> usize + '_ {
        |cands: &[Vec<Value>]| {
            let packed: Vec<Option<State>> = cands.iter().map(|c| self.encode(c).ok()).collect();
            (0..packed.len())
                .min_by(|&a, &b| packed[a].cmp(&packed[b]))
                .unwrap_or(0)
        }
    }

    /// Calls `f` with every binding of the action's parameters, in order.
    pub(crate) fn for_each_binding(
        &self,
        ai: usize,
        a: &Action,
        f: &mut dyn FnMut(&[Value]) -> Result<(), ModelError>,
    ) -> Result<(), ModelError> {
        let doms = &self.params[ai];
        let n = a.n_params;
        if doms.iter().any(|d| d.values.is_empty()) {
            return Ok(());
        }
        let mut idx = vec![0usize; n];
        let mut args: Vec<Value> = doms.iter().map(|d| d.values[0].clone()).collect();
        loop {
            f(&args)?;
            // Odometer increment, last parameter fastest.
            let mut k = n;
            loop {
                if k == 0 {
                    return Ok(());
                }
                k -= 1;
                idx[k] += 1;
                if idx[k] < doms[k].values.len() {
                    args[k] = doms[k].values[idx[k]].clone();
                    break;
                }
                idx[k] = 0;
                args[k] = doms[k].values[0].clone();
            }
        }
    }
}
