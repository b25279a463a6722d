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
pub mod packed;
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
    /// Kept inline (a step is made for every binding that has successors,
    /// and actions rarely have more than two parameters).
    pub args: Args,
}

/// The parameter values of a step.
pub type Args = smallvec::SmallVec<[Value; 2]>;

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
    /// The program compiled to run on packed states (see `packed.rs`),
    /// unless turned off: the value evaluator then does everything.
    fast: Option<packed::Compiled>,
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
        let fast = Some(packed::compile(prog, &layouts, &offsets));
        CompiledModel {
            prog,
            fast,
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
        let words = self.bits.div_ceil(64).max(1);
        self.packed = self
            .symmetry
            .as_ref()
            .and_then(|sym| symmetry::Packed::new(sym, &self.layouts, &self.offsets, words));
        self
    }

    /// Turns the evaluator over packed states on (as after `new`) or off,
    /// leaving everything to the value evaluator: the results are the same
    /// (tests compare the two), only slower.
    pub fn with_packed_eval(mut self, on: bool) -> Self {
        self.fast = on.then(|| packed::compile(self.prog, &self.layouts, &self.offsets));
        self
    }

    /// What runs on packed states: one line per action and per formula,
    /// its name alone if it runs there entirely, else `name: N of M guards
    /// packed, body on values` or `name: on values`. For tests and benchmarks: a spec that falls back
    /// to the value evaluator is correct but slow, and this says where.
    pub fn packed_coverage(&self) -> Vec<String> {
        let Some(f) = &self.fast else {
            return vec!["off".into()];
        };
        let mut out = Vec::new();
        for (a, ax) in self.prog.actions.iter().zip(&f.actions) {
            let leading = a
                .body
                .iter()
                .take_while(|s| matches!(s, crate::sema::program::TStmt::Require(_)))
                .count();
            out.push(match ax {
                Some(ax) if ax.body.is_some() => a.name.clone(),
                Some(ax) => format!(
                    "{}: {} of {leading} guards packed, body on values",
                    a.name,
                    ax.guards.len()
                ),
                None => format!("{}: on values", a.name),
            });
        }
        let p = self.prog;
        for (fs, xs) in [
            (&p.invariants, &f.invariants),
            (&p.constraints, &f.constraints),
            (&p.terminals, &f.terminals),
        ] {
            for (g, x) in fs.iter().zip(xs) {
                out.push(match x {
                    Some(_) => g.name.clone(),
                    None => format!("{}: on values", g.name),
                });
            }
        }
        out
    }

    /// Bits per state.
    pub fn state_bits(&self) -> usize {
        self.bits
    }

    pub fn decode(&self, s: &[u64]) -> Vec<Value> {
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

    /// Each binding runs on packed states where its action compiled, else
    /// on values; successors are written straight into `words`.
    fn packed_successors(
        &self,
        s: &State,
        canonical: bool,
        words: &mut Vec<u64>,
        runs: &mut Vec<(Step, u32)>,
    ) -> Result<(), ModelError> {
        // Canonical forms computed on values need the successors' values.
        let by_values = canonical && self.symmetry.is_some() && self.packed.is_none();
        let fast = self.fast.as_ref().filter(|_| !by_values);
        let width = self.state_words();
        let mut vars = None;
        let mut loc: smallvec::SmallVec<[u64; 32]> =
            smallvec::smallvec![0; fast.map_or(0, |f| f.slots)];
        let mut work: smallvec::SmallVec<[u64; 8]> = smallvec::SmallVec::new();
        for (ai, a) in self.prog.actions.iter().enumerate() {
            let Some(ax) = fast.and_then(|f| f.actions[ai].as_ref()) else {
                let vars = vars.get_or_insert_with(|| self.decode(s));
                self.for_each_binding(ai, a, &mut |args: &[Value]| {
                    self.run_binding(s, vars, ai, a, args, words, runs, canonical)
                })?;
                continue;
            };
            let doms = &self.params[ai];
            self.for_each_index(ai, &mut |idx: &[usize]| {
                for (k, &i) in idx.iter().enumerate() {
                    loc[k] = ax.params[k].codes[i];
                }
                let args = || -> Args {
                    idx.iter()
                        .zip(doms)
                        .map(|(&i, d)| d.values[i].clone())
                        .collect()
                };
                let mut enabled = Ok(true);
                for g in &ax.guards {
                    match g.holds(s, &mut loc) {
                        Ok(true) => {}
                        other => {
                            enabled = other;
                            break;
                        }
                    }
                }
                let from = words.len();
                let ran = match (enabled, &ax.body) {
                    (Ok(false), _) => return Ok(()),
                    (Ok(true), Some(body)) => {
                        work.clear();
                        work.extend_from_slice(s);
                        packed::run_body(&body[ax.guards.len()..], &mut work, &mut loc, words)
                    }
                    _ => Err(packed::Bail),
                };
                if ran.is_err() {
                    // Not compiled, or an error to report: the value
                    // evaluator runs this binding from the start.
                    words.truncate(from);
                    let vars = vars.get_or_insert_with(|| self.decode(s));
                    return self.run_binding(s, vars, ai, a, &args(), words, runs, canonical);
                }
                let n = (words.len() - from) / width;
                if n == 0 {
                    return Ok(());
                }
                if let (Some(p), true) = (&self.packed, canonical) {
                    for st in words[from..].chunks_exact_mut(width) {
                        if let Some(c) = p.canonical(st) {
                            st.copy_from_slice(&c);
                        }
                    }
                }
                let label = Step {
                    action: ai as u32,
                    args: args(),
                };
                runs.push((label, n as u32));
                Ok(())
            })?;
        }
        Ok(())
    }

    fn has_constraints(&self) -> bool {
        !self.prog.constraints.is_empty()
    }

    fn violated_invariant_packed(&self, words: &[u64]) -> Result<Option<usize>, ModelError> {
        let fast = self.fast.as_ref().map(|f| &f.invariants[..]);
        self.first_where(words, &self.prog.invariants, fast, false)
    }

    fn within_constraints_packed(&self, words: &[u64]) -> Result<bool, ModelError> {
        let fast = self.fast.as_ref().map(|f| &f.constraints[..]);
        Ok(self
            .first_where(words, &self.prog.constraints, fast, false)?
            .is_none())
    }

    fn violated_invariant(&self, s: &State) -> Result<Option<usize>, ModelError> {
        self.violated_invariant_packed(s)
    }

    fn within_constraints(&self, s: &State) -> Result<bool, ModelError> {
        self.within_constraints_packed(s)
    }

    fn may_stop(&self, s: &State) -> Result<bool, ModelError> {
        let fast = self.fast.as_ref().map(|f| &f.terminals[..]);
        Ok(self
            .first_where(s, &self.prog.terminals, fast, true)?
            .is_some())
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
    /// The first formula (by index) whose value in `s` is `value`: each
    /// on the packed state where it compiled, else on the decoded state.
    fn first_where(
        &self,
        s: &[u64],
        fs: &[crate::sema::program::Formula],
        fast: Option<&[Option<packed::X>]>,
        value: bool,
    ) -> Result<Option<usize>, ModelError> {
        if fs.is_empty() {
            return Ok(None);
        }
        let mut loc: smallvec::SmallVec<[u64; 32]> =
            smallvec::smallvec![0; self.fast.as_ref().map_or(0, |f| f.slots)];
        let mut vars = None;
        for (i, f) in fs.iter().enumerate() {
            let quick = fast.and_then(|xs| xs[i].as_ref());
            let b = match quick.map(|x| x.holds(s, &mut loc)) {
                Some(Ok(b)) => b,
                _ => self.formula_holds(f, vars.get_or_insert_with(|| self.decode(s)))?,
            };
            if b == value {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// Every successor of `s`; canonical ones if `canonical` and symmetry
    /// is on.
    fn successors_as(
        &self,
        s: &State,
        out: &mut Vec<(Step, State)>,
        canonical: bool,
    ) -> Result<(), ModelError> {
        let (mut words, mut runs) = (Vec::new(), Vec::new());
        let made = self.packed_successors(s, canonical, &mut words, &mut runs);
        let mut chunks = words.chunks_exact(self.state_words());
        for (label, n) in runs {
            for st in chunks.by_ref().take(n as usize) {
                out.push((label.clone(), st.into()));
            }
        }
        made
    }

    /// The successors of one binding of action `ai`, by the value evaluator.
    #[allow(clippy::too_many_arguments)]
    fn run_binding(
        &self,
        s: &State,
        vars: &[Value],
        ai: usize,
        a: &Action,
        args: &[Value],
        words: &mut Vec<u64>,
        runs: &mut Vec<(Step, u32)>,
        canonical: bool,
    ) -> Result<(), ModelError> {
        let mut locals = vec![Value::Bool(false); a.locals.len()];
        locals[..args.len()].clone_from_slice(args);
        let step = || Step {
            action: ai as u32,
            args: args.iter().cloned().collect(),
        };
        let fail = |error| ModelError {
            error,
            step: Some(step()),
        };
        // Most bindings are disabled by a leading `require`: check those
        // before copying the variables.
        let Some(from) = self
            .eval
            .leading_guards(&a.body, vars, &mut locals)
            .map_err(&fail)?
        else {
            return Ok(());
        };
        let mut working = vars.to_vec();
        let mut results = Vec::new();
        self.eval
            .run_body(&a.body[from..], &mut working, &mut locals, &mut results)
            .map_err(&fail)?;
        if results.is_empty() {
            return Ok(());
        }
        let label = step();
        let n = results.len() as u32;
        for r in results {
            // Canonical successors are packed once, from their renamed
            // variables (renaming keeps values in their types; an error
            // is reported on the real ones).
            let renamed = match (&self.symmetry, canonical) {
                (Some(sym), true) if self.packed.is_none() => sym.canonical(&r, &self.smallest()),
                _ => None,
            };
            let st = match renamed.map(|c| self.encode(&c)) {
                Some(Ok(st)) => st,
                _ => self.encode_or_error(Some((s, vars)), &r, a.span, Some(&label))?,
            };
            let st = match (&self.packed, canonical) {
                (Some(p), true) => p.canonical(&st).unwrap_or(st),
                _ => st,
            };
            words.extend_from_slice(&st);
        }
        runs.push((label, n));
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
        let mut args: Vec<Value> = Vec::with_capacity(a.n_params);
        self.for_each_index(ai, &mut |idx| {
            args.clear();
            args.extend(idx.iter().zip(doms).map(|(&i, d)| d.values[i].clone()));
            f(&args)
        })
    }

    /// Calls `f` with the position in its domain of each parameter, for
    /// every binding of action `ai`'s parameters, last parameter fastest.
    fn for_each_index(
        &self,
        ai: usize,
        f: &mut dyn FnMut(&[usize]) -> Result<(), ModelError>,
    ) -> Result<(), ModelError> {
        let doms = &self.params[ai];
        if doms.iter().any(|d| d.values.is_empty()) {
            return Ok(());
        }
        let mut idx: smallvec::SmallVec<[usize; 8]> = smallvec::smallvec![0; doms.len()];
        loop {
            f(&idx)?;
            // Odometer increment.
            let mut k = idx.len();
            loop {
                if k == 0 {
                    return Ok(());
                }
                k -= 1;
                idx[k] += 1;
                if idx[k] < doms[k].values.len() {
                    break;
                }
                idx[k] = 0;
            }
        }
    }
}
