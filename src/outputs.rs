//! Outputs other than the text report: the Informal Trace Format (ITF), the
//! message sequence chart (text and SVG), the state graph as DOT, and a
//! self-contained HTML page.
//!
//! The sequence chart is derived from the trace alone: the node that took
//! each step (from the action and its `self`), the messages it put into a
//! network (the network variables' difference between the two states), and
//! the message a handler received (the message it consumed, or for a `set`
//! network, which keeps messages, the handler's variant and bound fields).
//! A receipt is drawn from the node that sent that message, where the trace
//! shows who did.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Map, Value as Json, json};

use crate::checker::{Model, Outcome, Verdict};
use crate::model::value::{Value, show};
use crate::model::{CompiledModel, State, Step};
use crate::parser::ast::FaultStep;
use crate::report::{step_name, verdict_word};
use crate::sema::program::{ActionOrigin, NetKind, Program, SetKind};
use crate::sema::types::Type;

/// Largest state graph `--dot` writes.
pub const DOT_LIMIT: usize = 1000;

// ---------------------------------------------------------------- ITF

/// A value in ITF (ADR-015): sets as `#set`, maps as `#map`, tuples as
/// `#tup`, integers beyond 2^53 as `#bigint`, records as objects, members
/// and enumeration values as strings, messages and options as variants
/// (`{"tag": …, "value": …}`, as Apalache and Quint write them).
fn itf_value(v: &Value, ty: &Type, prog: &Program) -> Json {
    let elem = Type::contents;
    match v {
        Value::Bool(b) => json!(b),
        Value::Int(n) if n.unsigned_abs() < (1u64 << 53) => json!(n),
        Value::Int(n) => json!({ "#bigint": n.to_string() }),
        Value::Atom(_) | Value::Member(..) => json!(show(v, ty, prog)),
        Value::None => json!({ "tag": "None", "value": { "#tup": [] } }),
        Value::Some(x) => json!({ "tag": "Some", "value": itf_value(x, &elem(ty), prog) }),
        Value::Tuple(xs) => match ty {
            Type::Record(fs) => {
                let mut m = Map::new();
                for (x, (n, t)) in xs.iter().zip(fs) {
                    m.insert(n.clone(), itf_value(x, t, prog));
                }
                Json::Object(m)
            }
            _ => {
                let ts: Vec<Type> = match ty {
                    Type::Tuple(ts) => ts.clone(),
                    _ => vec![Type::Unknown; xs.len()],
                };
                let items: Vec<Json> = xs
                    .iter()
                    .zip(&ts)
                    .map(|(x, t)| itf_value(x, t, prog))
                    .collect();
                json!({ "#tup": items })
            }
        },
        Value::Set(xs) => {
            let t = elem(ty);
            let items: Vec<Json> = xs.iter().map(|x| itf_value(x, &t, prog)).collect();
            json!({ "#set": items })
        }
        Value::Seq(xs) => {
            let t = elem(ty);
            Json::Array(xs.iter().map(|x| itf_value(x, &t, prog)).collect())
        }
        Value::Map(kvs) => {
            let (kt, vt) = match ty {
                Type::Map(k, v) => ((**k).clone(), (**v).clone()),
                _ => (Type::Unknown, Type::Unknown),
            };
            let pairs: Vec<Json> = kvs
                .iter()
                .map(|(k, x)| json!([itf_value(k, &kt, prog), itf_value(x, &vt, prog)]))
                .collect();
            json!({ "#map": pairs })
        }
        Value::Msg(var, fields) => {
            let variant = &prog.variants[*var as usize];
            let mut m = Map::new();
            for (x, (n, t)) in fields.iter().zip(&variant.fields) {
                m.insert(n.clone(), itf_value(x, t, prog));
            }
            json!({ "tag": variant.name, "value": Json::Object(m) })
        }
    }
}

/// The trace in the Informal Trace Format: `#meta`, `vars`, `states` (each
/// with its own `#meta`: index and the step that led to it), and `loop` for
/// a lasso: the index of the state that follows the last one. (kripke's
/// trace repeats that state at its end; ITF does not.)
pub fn itf(model: &CompiledModel, outcome: &Outcome<CompiledModel>) -> String {
    let prog = model.prog;
    let shown = match outcome.loop_start {
        Some(l) if l + 1 < outcome.trace.len() => outcome.trace.len() - 1,
        _ => outcome.trace.len(),
    };
    let states: Vec<Json> = outcome.trace[..shown]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut s = Map::new();
            let mut meta = Map::new();
            meta.insert("index".into(), json!(i));
            if let Some(step) = &t.label {
                meta.insert("action".into(), json!(step_name(prog, step)));
            }
            s.insert("#meta".into(), Json::Object(meta));
            for (v, val) in prog.vars.iter().zip(model.decode(&t.state)) {
                s.insert(v.name.clone(), itf_value(&val, &v.ty, prog));
            }
            Json::Object(s)
        })
        .collect();
    let mut meta = Map::new();
    meta.insert("format".into(), json!("ITF"));
    meta.insert(
        "format-description".into(),
        json!("https://apalache-mc.org/docs/adr/015adr-trace.html"),
    );
    meta.insert("source".into(), json!(prog.name));
    meta.insert("description".into(), json!(describe(prog, outcome)));
    let mut top = Map::new();
    top.insert("#meta".into(), Json::Object(meta));
    top.insert(
        "vars".into(),
        Json::Array(prog.vars.iter().map(|v| json!(v.name)).collect()),
    );
    top.insert("states".into(), Json::Array(states));
    if let Some(l) = outcome.loop_start {
        top.insert("loop".into(), json!(l));
    }
    let mut out = serde_json::to_string_pretty(&Json::Object(top)).unwrap_or_default();
    out.push('\n');
    out
}

/// One line saying what the trace shows.
fn describe(prog: &Program, outcome: &Outcome<CompiledModel>) -> String {
    match &outcome.verdict {
        Verdict::Invariant(k) => format!("invariant {} is violated", prog.invariants[*k].name),
        Verdict::Property(k) => format!("property {} is violated", prog.properties[*k].name),
        Verdict::Deadlock => "a deadlock".into(),
        Verdict::Error(_) => "an evaluation error".into(),
        Verdict::Ok | Verdict::Incomplete(_) => "no counterexample".into(),
    }
}

// ---------------------------------------------------------------- chart

/// What happens at one node in one step of a sequence chart.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// An ordinary step (the action's name).
    Step,
    /// A fault: crash, recovery, a dropped or duplicated message.
    Fault,
}

/// One step of the trace as the chart shows it.
#[derive(Clone, Debug)]
pub struct Row {
    /// The step's number in the trace.
    pub step: usize,
    pub label: String,
    /// The column of the node that took it (none for a partition).
    pub actor: Option<usize>,
    pub event: Event,
    /// Messages sent, with the receiver's column where the network says.
    pub sends: Vec<(String, Option<usize>)>,
    /// The message received, with the sender's column where known.
    pub receipt: Option<(String, Option<usize>)>,
    /// A partition or heal: the line spans the chart.
    pub across: bool,
}

/// A message sequence chart: one column per node (and one for steps that
/// belong to no node, if there are any), one row per step.
#[derive(Clone, Debug)]
pub struct Chart {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// The step the loop of a lasso returns to.
    pub loop_start: Option<usize>,
}

/// The chart of a trace; `None` if the spec has no messages or no trace.
pub fn chart(model: &CompiledModel, outcome: &Outcome<CompiledModel>) -> Option<Chart> {
    let prog = model.prog;
    if prog.variants.is_empty() || prog.networks.is_empty() || outcome.trace.len() < 2 {
        return None;
    }
    // Columns: every node, in declaration order.
    let mut columns = Vec::new();
    let mut column_of: HashMap<(u32, u32), usize> = HashMap::new();
    for (si, s) in prog.sets.iter().enumerate() {
        match s.kind {
            SetKind::Values => {}
            SetKind::Single => {
                column_of.insert((si as u32, 0), columns.len());
                columns.push(s.name.clone());
            }
            SetKind::Nodes => {
                for (mi, m) in s.members.iter().enumerate() {
                    column_of.insert((si as u32, mi as u32), columns.len());
                    columns.push(m.clone());
                }
            }
        }
    }
    let spec_column = columns.len();
    let mut uses_spec_column = false;
    let col = |v: &Value| match v {
        Value::Member(s, m) => column_of.get(&(*s, *m)).copied(),
        _ => None,
    };
    let mut sent_by: HashMap<Value, usize> = HashMap::new();
    let mut rows = Vec::new();
    let states: Vec<Vec<Value>> = outcome
        .trace
        .iter()
        .map(|t| model.decode(&t.state))
        .collect();
    for (n, t) in outcome.trace.iter().enumerate().skip(1) {
        let Some(step) = &t.label else { continue };
        let a = &prog.actions[step.action as usize];
        let actor = match a.node {
            Some(s) if prog.sets[s].kind == SetKind::Nodes => step.args.first().and_then(col),
            Some(s) => column_of.get(&(s as u32, 0)).copied(),
            None => None,
        };
        let (before, after) = (&states[n - 1], &states[n]);
        let diff = network_diff(prog, before, after);
        let mut row = Row {
            step: n,
            label: step_name(prog, step),
            actor,
            event: Event::Step,
            sends: Vec::new(),
            receipt: None,
            across: false,
        };
        match &a.origin {
            ActionOrigin::Fault(FaultStep::Partition | FaultStep::Heal) => row.across = true,
            ActionOrigin::Fault(_) => row.event = Event::Fault,
            ActionOrigin::Lose(_) | ActionOrigin::Duplicate(_) => {
                row.event = Event::Fault;
                let m = diff
                    .removed
                    .first()
                    .or(diff.added.first())
                    .map(|(m, _)| m.clone());
                row.actor = m.as_ref().and_then(|m| sent_by.get(m).copied());
            }
            ActionOrigin::Handler(variant, net) => {
                let (msg, from) = match diff.removed.first() {
                    Some((m, from)) => (m.clone(), from.clone()),
                    None => (received(prog, step, *variant, *net), None),
                };
                let from = from
                    .and_then(|f| col(&f))
                    .or_else(|| sent_by.get(&msg).copied());
                row.receipt = Some((show(&msg, &Type::Message, prog), from));
            }
            ActionOrigin::User => {}
        }
        if row.actor.is_none() && !row.across {
            uses_spec_column = true;
            row.actor = Some(spec_column);
        }
        if !matches!(a.origin, ActionOrigin::Lose(_) | ActionOrigin::Duplicate(_)) {
            for (m, to) in &diff.added {
                if let Some(c) = row.actor {
                    sent_by.entry(m.clone()).or_insert(c);
                }
                row.sends
                    .push((show(m, &Type::Message, prog), to.as_ref().and_then(col)));
            }
        }
        rows.push(row);
    }
    if uses_spec_column {
        columns.push("(spec)".into());
    }
    Some(Chart {
        columns,
        rows,
        loop_start: outcome.loop_start,
    })
}

/// Messages that entered and left the networks in one step; with the
/// other end (receiver of a fifo send, sender of a fifo receipt).
struct NetDiff {
    added: Vec<(Value, Option<Value>)>,
    removed: Vec<(Value, Option<Value>)>,
}

fn network_diff(prog: &Program, before: &[Value], after: &[Value]) -> NetDiff {
    let mut d = NetDiff {
        added: Vec::new(),
        removed: Vec::new(),
    };
    for net in &prog.networks {
        let (b, a) = (&before[net.var], &after[net.var]);
        match (net.kind, b, a) {
            (NetKind::Set, Value::Set(b), Value::Set(a)) => {
                d.added.extend(
                    a.iter()
                        .filter(|m| !b.contains(m))
                        .map(|m| (m.clone(), None)),
                );
                d.removed.extend(
                    b.iter()
                        .filter(|m| !a.contains(m))
                        .map(|m| (m.clone(), None)),
                );
            }
            (NetKind::Bag, Value::Map(b), Value::Map(a)) => {
                for ((m, x), (_, y)) in b.iter().zip(a.iter()) {
                    if let (Value::Int(x), Value::Int(y)) = (x, y) {
                        for _ in *x..*y {
                            d.added.push((m.clone(), None));
                        }
                        for _ in *y..*x {
                            d.removed.push((m.clone(), None));
                        }
                    }
                }
            }
            (NetKind::Fifo, Value::Map(b), Value::Map(a)) => {
                for ((key, x), (_, y)) in b.iter().zip(a.iter()) {
                    let (Value::Seq(x), Value::Seq(y)) = (x, y) else {
                        continue;
                    };
                    if x == y {
                        continue;
                    }
                    let ends = match key {
                        Value::Tuple(p) if p.len() == 2 => (Some(p[0].clone()), Some(p[1].clone())),
                        _ => (None, None),
                    };
                    // The fewest messages taken from the head such that the
                    // rest is where the new channel starts.
                    let taken = (0..=x.len())
                        .find(|&r| y.len() >= x.len() - r && y[..x.len() - r] == x[r..])
                        .unwrap_or(x.len());
                    for m in &x[..taken] {
                        d.removed.push((m.clone(), ends.0.clone()));
                    }
                    for m in &y[x.len() - taken..] {
                        d.added.push((m.clone(), ends.1.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    d
}

/// The message a handler of a `set` network received: its variant with the
/// fields it bound (they follow `self`, and `sender` on a fifo network).
fn received(prog: &Program, step: &Step, variant: usize, net: usize) -> Value {
    let v = &prog.variants[variant];
    let a = &prog.actions[step.action as usize];
    // Handler arguments: `self` (members of a node set), `sender` (fifo),
    // then the bound fields.
    let node_set = a.node.is_some_and(|s| prog.sets[s].kind == SetKind::Nodes);
    let fifo = prog.networks[net].kind == NetKind::Fifo;
    let skip = usize::from(node_set) + usize::from(fifo);
    let fields: Vec<Value> = step
        .args
        .iter()
        .skip(skip)
        .take(v.fields.len())
        .cloned()
        .collect();
    Value::Msg(variant as u32, fields.into())
}

/// The chart as text: a lifeline per node, `●` where a node takes a step,
/// `✗` for a fault, an arrow from sender to receiver for each receipt, and
/// the step beside it with what it sent (`⟶`) and received (`⟵`).
pub fn msc_text(model: &CompiledModel, outcome: &Outcome<CompiledModel>) -> String {
    let Some(c) = chart(model, outcome) else {
        return String::new();
    };
    let width = c
        .columns
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(1)
        .max(6)
        + 2;
    let center = |k: usize| k * width + width / 2;
    let total = width * c.columns.len();
    let mut out = String::new();
    let mut head = vec![' '; total];
    for (k, name) in c.columns.iter().enumerate() {
        let start = center(k) - name.chars().count() / 2;
        for (i, ch) in name.chars().enumerate() {
            head[start + i] = ch;
        }
    }
    let _ = writeln!(out, "       {}", head.iter().collect::<String>().trim_end());
    let mut down: Vec<bool> = vec![false; c.columns.len()];
    for r in &c.rows {
        if c.loop_start.is_some_and(|l| l + 1 == r.step) {
            let _ = writeln!(out, "  ---  loop starts");
        }
        let mut line: Vec<char> = vec![' '; total];
        for (k, d) in down.iter().enumerate() {
            line[center(k)] = if *d { ' ' } else { '│' };
        }
        if r.across {
            for ch in line.iter_mut() {
                *ch = '╌';
            }
        } else {
            // One arrow per message, drawn when it is received.
            let arrows: Vec<(Option<usize>, Option<usize>)> =
                r.receipt.iter().map(|(_, from)| (*from, r.actor)).collect();
            for (from, to) in arrows {
                if let (Some(f), Some(t)) = (from, to)
                    && f != t
                {
                    let (a, b) = (center(f).min(center(t)), center(f).max(center(t)));
                    for ch in line.iter_mut().take(b).skip(a + 1) {
                        *ch = '─';
                    }
                    if t > f {
                        line[b - 1] = '▶';
                    } else {
                        line[a + 1] = '◀';
                    }
                }
            }
            if let Some(k) = r.actor {
                line[center(k)] = if r.event == Event::Fault {
                    '✗'
                } else {
                    '●'
                };
                if r.label.starts_with("crash ") {
                    down[k] = true;
                } else if r.label.starts_with("recover ") {
                    down[k] = false;
                }
            }
        }
        let mut what = r.label.clone();
        if let Some((m, _)) = &r.receipt {
            what.push_str(&format!("  ⟵ {m}"));
        }
        for (m, to) in &r.sends {
            match to {
                Some(k) => what.push_str(&format!("  ⟶ {m} to {}", c.columns[*k])),
                None => what.push_str(&format!("  ⟶ {m}")),
            }
        }
        let _ = writeln!(
            out,
            "  {:>3}  {}  {what}",
            r.step,
            line.iter().collect::<String>()
        );
    }
    match c.loop_start {
        Some(l) if l == outcome.trace.len() - 1 => {
            let _ = writeln!(out, "  ---  and stays in state {l} forever");
        }
        Some(l) => {
            let _ = writeln!(out, "  ---  back to state {l}");
        }
        None => {}
    }
    out
}

// ---------------------------------------------------------------- DOT

/// The reachable state graph as Graphviz DOT, states labelled with their
/// variables, the trace's states and steps in red. Refused (with the
/// reason) beyond [`DOT_LIMIT`] states.
pub fn dot(model: &CompiledModel, outcome: &Outcome<CompiledModel>) -> Result<String, String> {
    let prog = model.prog;
    let too_many = || {
        format!(
            "the state graph has more than {DOT_LIMIT} states; a drawing of it would not help (shrink the model with --const)"
        )
    };
    let mut index: HashMap<State, usize> = HashMap::new();
    let mut states: Vec<State> = Vec::new();
    let mut edges: Vec<(usize, usize, String)> = Vec::new();
    let init = model
        .initial_states()
        .map_err(|e| e.error.message.clone())?;
    for s in init.iter().cloned() {
        if !index.contains_key(&s) {
            index.insert(s.clone(), states.len());
            states.push(s);
        }
    }
    let mut next = 0;
    let mut succ = Vec::new();
    while next < states.len() {
        if states.len() > DOT_LIMIT {
            return Err(too_many());
        }
        let s = states[next].clone();
        succ.clear();
        if model.within_constraints(&s).unwrap_or(true) {
            model
                .successors(&s, &mut succ)
                .map_err(|e| e.error.message.clone())?;
        }
        for (step, t) in succ.drain(..) {
            let k = match index.get(&t) {
                Some(&k) => k,
                None => {
                    index.insert(t.clone(), states.len());
                    states.push(t);
                    states.len() - 1
                }
            };
            edges.push((next, k, step_name(prog, &step)));
        }
        next += 1;
    }
    if states.len() > DOT_LIMIT {
        return Err(too_many());
    }
    let on_trace: Vec<Option<usize>> = outcome
        .trace
        .iter()
        .map(|t| index.get(&t.state).copied())
        .collect();
    let trace_edges: Vec<(usize, usize)> = on_trace
        .windows(2)
        .filter_map(|w| Some((w[0]?, w[1]?)))
        .collect();
    let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", esc(&prog.name));
    let _ = writeln!(
        out,
        "  node [shape=box, fontname=\"monospace\", fontsize=10];"
    );
    let _ = writeln!(out, "  edge [fontname=\"monospace\", fontsize=9];");
    let initial: Vec<usize> = init.iter().filter_map(|s| index.get(s).copied()).collect();
    for (k, s) in states.iter().enumerate() {
        let vars = model.decode(s);
        let label: Vec<String> = prog
            .vars
            .iter()
            .zip(&vars)
            .map(|(v, x)| format!("{} = {}", v.name, show(x, &v.ty, prog)))
            .collect();
        let mut attrs = format!(
            "label=\"{}\\l\"",
            esc(&label.join("\n")).replace('\n', "\\l")
        );
        if on_trace.contains(&Some(k)) {
            attrs.push_str(", color=red, penwidth=2");
        }
        if initial.contains(&k) {
            attrs.push_str(", style=bold");
        }
        let _ = writeln!(out, "  s{k} [{attrs}];");
    }
    for (a, b, label) in &edges {
        let mut attrs = format!("label=\"{}\"", esc(label));
        if trace_edges.contains(&(*a, *b)) {
            attrs.push_str(", color=red, penwidth=2");
        }
        let _ = writeln!(out, "  s{a} -> s{b} [{attrs}];");
    }
    let _ = writeln!(out, "}}");
    Ok(out)
}

// ---------------------------------------------------------------- HTML

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The sequence chart as SVG: lifelines, a dot per step, arrows for
/// messages (receipts from their sender), crosses for faults, dashed lines
/// across for partitions.
pub fn msc_svg(c: &Chart) -> String {
    let col_w = 120;
    let row_h = 28;
    let top = 40;
    let left = 50;
    let w = left + col_w * c.columns.len() + 420;
    let h = top + row_h * (c.rows.len() + 1);
    let x = |k: usize| left + col_w * k + col_w / 2;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"msc\" width=\"{w}\" height=\"{h}\" font-family=\"monospace\" font-size=\"12\">\
         <defs><marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>"
    );
    for (k, name) in c.columns.iter().enumerate() {
        let _ = write!(
            s,
            "<text class=\"node\" x=\"{}\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\
             <line x1=\"{0}\" y1=\"28\" x2=\"{0}\" y2=\"{2}\" stroke=\"#bbb\"/>",
            x(k),
            html_escape(name),
            h - 10
        );
    }
    for (i, r) in c.rows.iter().enumerate() {
        let y = top + row_h * i + row_h / 2;
        let _ = write!(
            s,
            "<text x=\"8\" y=\"{}\" fill=\"#888\">{}</text>",
            y + 4,
            r.step
        );
        if r.across {
            let _ = write!(
                s,
                "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#c00\" stroke-dasharray=\"6,4\"/>",
                left + col_w * c.columns.len()
            );
        }
        let mut arrows: Vec<(usize, usize, String)> = Vec::new();
        if let (Some((m, Some(from))), Some(to)) = (&r.receipt, r.actor) {
            arrows.push((*from, to, m.clone()));
        }
        for (from, to, m) in arrows {
            if from == to {
                continue;
            }
            let _ = write!(
                s,
                "<line class=\"message\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#26a\" marker-end=\"url(#arrow)\"/>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#26a\" font-size=\"10\">{}</text>",
                x(from),
                x(to),
                (x(from) + x(to)) / 2,
                y - 4,
                html_escape(&m)
            );
        }
        if let Some(k) = r.actor {
            if r.event == Event::Fault {
                let _ = write!(
                    s,
                    "<text class=\"fault\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#c00\" font-size=\"16\">✗</text>",
                    x(k),
                    y + 5
                );
            } else {
                let _ = write!(
                    s,
                    "<circle class=\"step\" cx=\"{}\" cy=\"{y}\" r=\"5\" fill=\"#333\"/>",
                    x(k)
                );
            }
        }
        let _ = write!(
            s,
            "<text class=\"label\" x=\"{}\" y=\"{}\">{}</text>",
            left + col_w * c.columns.len() + 10,
            y + 4,
            html_escape(&r.label)
        );
    }
    s.push_str("</svg>");
    s
}

/// A self-contained HTML page (no scripts from elsewhere, no network):
/// verdict and statistics, the text report, the trace as a table with each
/// step's changes highlighted, and the sequence chart as SVG.
pub fn html(
    name: &str,
    model: &CompiledModel,
    outcome: &Outcome<CompiledModel>,
    report: &str,
) -> String {
    let prog = model.prog;
    let st = &outcome.stats;
    let mut body = String::new();
    let verdict = verdict_word(&outcome.verdict);
    let _ = write!(
        body,
        "<h1>{}</h1><p class=\"verdict {verdict}\" id=\"verdict\">{}: {}</p>\
         <table class=\"stats\"><tr><th>distinct states</th><td id=\"distinct\">{}</td></tr>\
         <tr><th>generated</th><td>{}</td></tr><tr><th>depth</th><td>{}</td></tr>\
         <tr><th>time</th><td>{:.2} s</td></tr></table>",
        html_escape(name),
        verdict,
        html_escape(&describe(prog, outcome)),
        st.distinct,
        st.generated,
        st.depth,
        st.elapsed.as_secs_f64()
    );
    if let Some(c) = chart(model, outcome) {
        body.push_str("<h2>Sequence diagram</h2><div id=\"diagram\">");
        body.push_str(&msc_svg(&c));
        body.push_str("</div>");
    }
    if !outcome.trace.is_empty() {
        body.push_str("<h2>Trace</h2><ol class=\"trace\" id=\"trace\" start=\"0\">");
        let mut prev: Option<Vec<Value>> = None;
        for (n, t) in outcome.trace.iter().enumerate() {
            let vars = model.decode(&t.state);
            let label = t
                .label
                .as_ref()
                .map_or("initial state".to_string(), |s| step_name(prog, s));
            let looped = outcome.loop_start == Some(n) && n + 1 < outcome.trace.len();
            let _ = write!(
                body,
                "<li class=\"step{}\"><span class=\"action\">{}</span><ul>",
                if looped { " loop-start" } else { "" },
                html_escape(&label)
            );
            let mut lines = Vec::new();
            for (k, (v, x)) in prog.vars.iter().zip(&vars).enumerate() {
                match &prev {
                    None => lines.push((format!("{} = ", v.name), show(x, &v.ty, prog))),
                    Some(p) if &p[k] != x => {
                        let mut out = Vec::new();
                        crate::report::changes(prog, &v.name, &v.ty, &p[k], x, &mut out);
                        for l in out {
                            // Highlight the new value: after `->`, or the
                            // elements added or removed.
                            let cut = l
                                .find(" -> ")
                                .map(|i| i + 4)
                                .or_else(|| {
                                    l.find(" += ").or_else(|| l.find(" -= ")).map(|i| i + 4)
                                })
                                .unwrap_or(0);
                            lines.push((l[..cut].to_string(), l[cut..].to_string()));
                        }
                    }
                    Some(_) => {}
                }
            }
            for (what, new) in lines {
                let class = if prev.is_some() { "changed" } else { "value" };
                let _ = write!(
                    body,
                    "<li>{}<span class=\"{class}\">{}</span></li>",
                    html_escape(&what),
                    html_escape(&new)
                );
            }
            body.push_str("</ul></li>");
            prev = Some(vars);
        }
        body.push_str("</ol>");
        match outcome.loop_start {
            Some(l) if l + 1 == outcome.trace.len() => {
                let _ = write!(
                    body,
                    "<p class=\"loop\">The run stays in state {l} forever: no fair step is enabled there.</p>"
                );
            }
            Some(l) => {
                let _ = write!(
                    body,
                    "<p class=\"loop\">The run loops back to state {l} forever.</p>"
                );
            }
            None => {}
        }
    }
    let _ = write!(
        body,
        "<h2>Report</h2><pre id=\"report\">{}</pre>",
        html_escape(report)
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kripke: {}</title>\
         <style>\
         body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}\
         .verdict{{font-size:1.2em;font-weight:bold}} .violation,.deadlock,.error{{color:#b00}} .ok{{color:#070}}\
         table{{border-collapse:collapse;margin:1em 0}} td,th{{border:1px solid #ddd;padding:3px 8px;font-family:monospace;font-size:12px;text-align:left;vertical-align:top}}\
         ol.trace>li{{margin:.4em 0;font-family:monospace;font-size:13px}} ol.trace ul{{list-style:none;padding-left:1.5em;margin:.1em 0}}\
         .changed{{background:#fff3b0;font-weight:bold}} li.loop-start{{border-top:3px solid #c80}}\
         .action{{color:#05a;font-weight:bold}} pre{{background:#f6f6f6;padding:1em;overflow:auto}} .loop{{color:#c80}}\
         </style></head><body>{body}</body></html>\n",
        html_escape(name)
    )
}
