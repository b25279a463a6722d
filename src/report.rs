//! Reports: a checker outcome as text for people and JSON for programs.
//!
//! Architecture invariant: reports are built as strings and JSON values; the
//! CLI decides where they go.

use serde_json::{Map, Value as Json, json};

use crate::checker::{Limit, Outcome, Verdict};
use crate::model::value::{Value, show};
use crate::model::{CompiledModel, Step};
use crate::parser::ast::FaultStep;
use crate::sema::program::{ActionOrigin, Program, SetKind};
use crate::sema::types::Type;

/// How a step reads in a trace: `RM[r1].Prepare`, `TM.on_Prepared(r = r2)`,
/// `Phase2a(b = 0, v = v1)`; faults in words: `crash TM`, `recover RM[r2]`,
/// `partition {r1} | {r2, r3, TM}`, `heal the partition`, `drop
/// Prepared(r2)`, `duplicate Commit`.
pub fn step_name(prog: &Program, step: &Step) -> String {
    let a = &prog.actions[step.action as usize];
    let mut args = step
        .args
        .iter()
        .zip(&a.locals)
        .map(|(v, l)| (l.name.as_str(), show(v, &l.ty, prog)));
    let mut head = a.name.clone();
    if let Some(s) = a.node
        && prog.sets[s].kind == SetKind::Nodes
        && let Some((_, me)) = args.next()
    {
        let set = &prog.sets[s].name;
        let short = a.name.strip_prefix(&format!("{set}.")).unwrap_or(&a.name);
        head = format!("{set}[{me}].{short}");
    }
    let rest: Vec<(&str, String)> = args.collect();
    // Which network, when there are several.
    let via = |net: usize| {
        if prog.networks.len() > 1 {
            format!(" in {}", prog.networks[net].name)
        } else {
            String::new()
        }
    };
    let node = || {
        head.rsplit_once('.')
            .map_or(head.clone(), |(n, _)| n.to_string())
    };
    match (&a.origin, &rest[..]) {
        (ActionOrigin::Fault(FaultStep::Crash), _) => format!("crash {}", node()),
        (ActionOrigin::Fault(FaultStep::Recover), _) => format!("recover {}", node()),
        (ActionOrigin::Fault(FaultStep::Heal), _) => "heal the partition".to_string(),
        (ActionOrigin::Fault(FaultStep::Partition), _) => {
            let side = &step.args[..1];
            let all = crate::model::layout::Domains::new(prog)
                .get(&Type::AnyNode)
                .map(|d| d.values.to_vec())
                .unwrap_or_default();
            let (one, other): (Vec<&Value>, Vec<&Value>) =
                all.iter().partition(|n| match &side[0] {
                    Value::Set(s) => s.contains(n),
                    _ => false,
                });
            let names = |ns: Vec<&Value>| {
                ns.iter()
                    .map(|n| show(n, &Type::AnyNode, prog))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!("partition {{{}}} | {{{}}}", names(one), names(other))
        }
        (ActionOrigin::Lose(net), [(_, m)]) => format!("drop {m}{}", via(*net)),
        (ActionOrigin::Lose(net), [(_, from), (_, to)]) => {
            format!("drop the next message from {from} to {to}{}", via(*net))
        }
        (ActionOrigin::Duplicate(net), [(_, m)]) => format!("duplicate {m}{}", via(*net)),
        _ if rest.is_empty() => head,
        _ => {
            let rest: Vec<String> = rest.iter().map(|(n, v)| format!("{n} = {v}")).collect();
            format!("{head}({})", rest.join(", "))
        }
    }
}

pub(crate) fn changes(
    prog: &Program,
    name: &str,
    ty: &Type,
    old: &Value,
    new: &Value,
    out: &mut Vec<String>,
) {
    match (old, new, ty) {
        (Value::Map(a), Value::Map(b), Type::Map(kt, vt)) if a.len() == b.len() => {
            for ((k, x), (_, y)) in a.iter().zip(b.iter()) {
                if x != y {
                    let key = show(k, kt, prog);
                    changes(prog, &format!("{name}[{key}]"), vt, x, y, out);
                }
            }
        }
        (Value::Set(a), Value::Set(b), Type::Set(et)) => {
            let added: Vec<String> = b
                .iter()
                .filter(|v| a.binary_search(v).is_err())
                .map(|v| show(v, et, prog))
                .collect();
            let removed: Vec<String> = a
                .iter()
                .filter(|v| b.binary_search(v).is_err())
                .map(|v| show(v, et, prog))
                .collect();
            if !added.is_empty() {
                out.push(format!("{name} += {{{}}}", added.join(", ")));
            }
            if !removed.is_empty() {
                out.push(format!("{name} -= {{{}}}", removed.join(", ")));
            }
        }
        _ => out.push(format!(
            "{name}: {} -> {}",
            show(old, ty, prog),
            show(new, ty, prog)
        )),
    }
}

/// The trace as text: the initial state in full, then each step with the
/// variables it changed.
pub fn trace_text(model: &CompiledModel, outcome: &Outcome<CompiledModel>) -> String {
    let prog = model.prog;
    let mut out = String::new();
    let mut prev: Option<Vec<Value>> = None;
    let last = outcome.trace.len().saturating_sub(1);
    for (n, t) in outcome.trace.iter().enumerate() {
        let vars = model.decode(&t.state);
        if let Some(l) = outcome.loop_start
            && n == l + 1
        {
            out.push_str(&format!(
                "  ---  from state {l}, this loop repeats forever:\n"
            ));
        }
        match (&t.label, &prev) {
            (None, _) | (_, None) => {
                out.push_str(&format!("  {n:>3}  initial state\n"));
                for (v, val) in prog.vars.iter().zip(&vars) {
                    out.push_str(&format!(
                        "         {} = {}\n",
                        v.name,
                        show(val, &v.ty, prog)
                    ));
                }
            }
            (Some(step), Some(p)) => {
                out.push_str(&format!("  {n:>3}  {}\n", step_name(prog, step)));
                let mut lines = Vec::new();
                for ((v, a), b) in prog.vars.iter().zip(p).zip(&vars) {
                    if a != b {
                        changes(prog, &v.name, &v.ty, a, b, &mut lines);
                    }
                }
                if lines.is_empty() {
                    lines.push("(no variable changes)".into());
                }
                for l in lines {
                    out.push_str(&format!("         {l}\n"));
                }
            }
        }
        prev = Some(vars);
    }
    match outcome.loop_start {
        Some(l) if l == last => out.push_str(&format!(
            "  ---  and stays in state {l} forever: no fair step is enabled there\n"
        )),
        Some(l) => out.push_str(&format!("  ---  back to state {l}\n")),
        None => {}
    }
    out
}

/// Why the violated invariant `k` is false in the trace's last state (see
/// [`crate::explain`]), under the trace.
pub fn why_text(model: &CompiledModel, outcome: &Outcome<CompiledModel>, k: usize) -> String {
    let f = &model.prog.invariants[k];
    let lines = why_lines(model, outcome, k);
    if lines.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n  why: {} is false in state {}:\n",
        f.name,
        outcome.trace.len() - 1
    );
    for l in lines {
        out.push_str(&format!("         {l}\n"));
    }
    out
}

/// The explanation's lines (indented by depth), without the heading.
fn why_lines(model: &CompiledModel, outcome: &Outcome<CompiledModel>, k: usize) -> Vec<String> {
    match outcome.trace.last() {
        Some(last) => {
            crate::explain::explain(model, &model.prog.invariants[k], &model.decode(&last.state))
        }
        None => Vec::new(),
    }
}

pub fn verdict_word<E>(v: &Verdict<E>) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::Invariant(_) | Verdict::Property(_) => "violation",
        Verdict::Deadlock => "deadlock",
        Verdict::Error(_) => "error",
        Verdict::Incomplete(_) => "incomplete",
    }
}

pub fn limit_word(l: Limit) -> &'static str {
    match l {
        Limit::States => "--max-states",
        Limit::Depth => "--max-depth",
        Limit::Time => "--time-limit",
        Limit::Memory => "--memory-limit",
        Limit::Interrupted => "Ctrl-C",
    }
}

/// A value as JSON: booleans and integers as themselves, members and
/// enumeration values as strings, sets and sequences as arrays, maps with
/// named keys and records as objects, other maps as arrays of [key, value],
/// messages as objects with a `type`, `none` as null.
pub fn value_json(v: &Value, ty: &Type, prog: &Program) -> Json {
    let elem = Type::contents;
    match v {
        Value::Bool(b) => json!(b),
        Value::Int(n) => json!(n),
        Value::Atom(_) | Value::Member(..) => json!(show(v, ty, prog)),
        Value::None => Json::Null,
        Value::Some(x) => value_json(x, &elem(ty), prog),
        Value::Tuple(xs) => match ty {
            Type::Record(fs) => {
                let mut m = Map::new();
                for (x, (n, t)) in xs.iter().zip(fs) {
                    m.insert(n.clone(), value_json(x, t, prog));
                }
                Json::Object(m)
            }
            Type::Tuple(ts) => Json::Array(
                xs.iter()
                    .zip(ts)
                    .map(|(x, t)| value_json(x, t, prog))
                    .collect(),
            ),
            _ => Json::Array(
                xs.iter()
                    .map(|x| value_json(x, &Type::Unknown, prog))
                    .collect(),
            ),
        },
        Value::Set(xs) | Value::Seq(xs) => {
            let t = elem(ty);
            Json::Array(xs.iter().map(|x| value_json(x, &t, prog)).collect())
        }
        Value::Map(kvs) => {
            let (kt, vt) = match ty {
                Type::Map(k, v) => ((**k).clone(), (**v).clone()),
                _ => (Type::Unknown, Type::Unknown),
            };
            if kvs
                .iter()
                .all(|(k, _)| matches!(k, Value::Atom(_) | Value::Member(..)))
            {
                let mut m = Map::new();
                for (k, x) in kvs.iter() {
                    m.insert(show(k, &kt, prog), value_json(x, &vt, prog));
                }
                Json::Object(m)
            } else {
                Json::Array(
                    kvs.iter()
                        .map(|(k, x)| json!([value_json(k, &kt, prog), value_json(x, &vt, prog)]))
                        .collect(),
                )
            }
        }
        Value::Msg(vi, fs) => {
            let var = &prog.variants[*vi as usize];
            let mut m = Map::new();
            m.insert("type".into(), json!(var.name));
            for (x, (n, t)) in fs.iter().zip(&var.fields) {
                m.insert(n.clone(), value_json(x, t, prog));
            }
            Json::Object(m)
        }
    }
}

/// The outcome as one JSON object (`--format json`).
pub fn json(model: &CompiledModel, outcome: &Outcome<CompiledModel>, error: Option<Json>) -> Json {
    let prog = model.prog;
    let property = match &outcome.verdict {
        Verdict::Invariant(k) => json!(prog.invariants[*k].name),
        Verdict::Property(k) => json!(prog.properties[*k].name),
        _ => Json::Null,
    };
    let trace: Vec<Json> = outcome
        .trace
        .iter()
        .map(|t| {
            let vars = model.decode(&t.state);
            let mut state = Map::new();
            for (v, val) in prog.vars.iter().zip(&vars) {
                state.insert(v.name.clone(), value_json(val, &v.ty, prog));
            }
            let (action, args, name) = match &t.label {
                None => (Json::Null, json!({}), Json::Null),
                Some(step) => {
                    let a = &prog.actions[step.action as usize];
                    let mut m = Map::new();
                    for (val, l) in step.args.iter().zip(&a.locals) {
                        m.insert(l.name.clone(), value_json(val, &l.ty, prog));
                    }
                    (json!(a.name), Json::Object(m), json!(step_name(prog, step)))
                }
            };
            json!({"action": action, "args": args, "step": name, "state": Json::Object(state)})
        })
        .collect();
    let mut o = json!({
        "spec": prog.name,
        "result": verdict_word(&outcome.verdict),
        "property": property,
        "distinct_states": outcome.stats.distinct,
        "generated_states": outcome.stats.generated,
        "depth": outcome.stats.depth,
        "elapsed_ms": outcome.stats.elapsed.as_millis() as u64,
        "bytes_per_state": outcome.stats.bytes_per_state,
        "collision_probability": outcome.stats.collision_probability(),
        "trace": trace,
    });
    if let Verdict::Incomplete(l) = &outcome.verdict {
        o["limit"] = json!(limit_word(*l));
    }
    if let Verdict::Property(_) = &outcome.verdict {
        o["loop_start"] = json!(outcome.loop_start);
    }
    if let Verdict::Invariant(k) = &outcome.verdict {
        o["why"] = json!(why_lines(model, outcome, *k));
    }
    if let Verdict::Property(k) = &outcome.verdict {
        o["why"] = json!(crate::explain::explain_lasso(model, outcome, *k));
    }
    if let Some(e) = error {
        o["error"] = e;
    }
    o
}

fn plural_steps(trace_len: usize) -> String {
    let n = trace_len.saturating_sub(1);
    format!("{n} step{}", if n == 1 { "" } else { "s" })
}

/// The outcome as text (`--format text`): the verdict, the trace when there
/// is one, and the statistics. An evaluation error's diagnostic is rendered
/// by the caller (it needs the source); this shows the run that leads to it.
pub fn text(
    name: &str,
    model: &CompiledModel,
    outcome: &Outcome<CompiledModel>,
    check_deadlock: bool,
) -> String {
    let prog = model.prog;
    let s = &outcome.stats;
    let secs = s.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        s.distinct as f64 / secs
    } else {
        0.0
    };
    let stats = format!(
        "{} distinct states, {} generated, depth {}, {:.2} s ({:.0} states/s)\n  store: {:.1} bytes/state; chance of a fingerprint collision (optimistic): {:.1e}",
        s.distinct,
        s.generated,
        s.depth,
        secs,
        rate,
        s.bytes_per_state,
        s.collision_probability()
    );
    let mut out = String::new();
    match &outcome.verdict {
        Verdict::Ok => {
            let invs = prog.invariants.len();
            let dl = if check_deadlock { "; no deadlock" } else { "" };
            out.push_str(&format!(
                "{name}: ok: {} invariant{} hold{}{dl}\n  {stats}\n",
                invs,
                if invs == 1 { "" } else { "s" },
                if invs == 1 { "s" } else { "" }
            ));
            if !prog.properties.is_empty() {
                let n = prog.properties.len();
                out.push_str(&format!(
                    "  {} temporal propert{} under the declared fairness\n",
                    n,
                    if n == 1 { "y holds" } else { "ies hold" }
                ));
            }
        }
        Verdict::Invariant(k) => {
            out.push_str(&format!(
                "{name}: violation: invariant {} is violated after {}\n\n",
                prog.invariants[*k].name,
                plural_steps(outcome.trace.len())
            ));
            out.push_str(&trace_text(model, outcome));
            out.push_str(&why_text(model, outcome, *k));
            out.push_str(&format!("\n  {stats}\n"));
        }
        Verdict::Property(k) => {
            let how = match outcome.loop_start {
                None => "a run reaches a state where it is false".to_string(),
                Some(0) if outcome.trace.len() == 1 => {
                    "a run can stay in its initial state forever".to_string()
                }
                Some(l) if l + 1 == outcome.trace.len() => {
                    format!("a run stops after {} and stays there", plural_steps(l + 1))
                }
                Some(_) => "a run loops forever without satisfying it".to_string(),
            };
            out.push_str(&format!(
                "{name}: violation: property {} is violated: {how}\n\n",
                prog.properties[*k].name
            ));
            out.push_str(&trace_text(model, outcome));
            let lines = crate::explain::explain_lasso(model, outcome, *k);
            if !lines.is_empty() {
                out.push_str(&format!("\n  why: {}:\n", prog.properties[*k].name));
                for l in &lines {
                    out.push_str(&format!("         {l}\n"));
                }
            }
            out.push_str(&format!("\n  {stats}\n"));
        }
        Verdict::Deadlock => {
            out.push_str(&format!(
                "{name}: deadlock: no step is possible after {}\n\n",
                plural_steps(outcome.trace.len())
            ));
            out.push_str(&trace_text(model, outcome));
            if let Some(last) = outcome.trace.last() {
                let lines = crate::explain::explain_deadlock(model, &model.decode(&last.state));
                if !lines.is_empty() {
                    out.push_str(&format!(
                        "\n  why: no step is possible in state {}:\n",
                        outcome.trace.len() - 1
                    ));
                    for l in lines {
                        out.push_str(&format!("         {l}\n"));
                    }
                }
            }
            out.push_str(&format!(
                "\n  {stats}\n  hint: if such states may stop, declare them with `terminal <condition>`, or pass --no-deadlock\n"
            ));
        }
        Verdict::Error(e) => {
            if !outcome.trace.is_empty() {
                out.push_str(&format!("{name}: the error happens in this run:\n\n"));
                out.push_str(&trace_text(model, outcome));
                if let Some(step) = &e.step {
                    out.push_str(&format!("         then {} fails\n", step_name(prog, step)));
                }
            }
            out.push_str(&format!("\n  {stats}\n"));
        }
        Verdict::Incomplete(l) => {
            out.push_str(&format!(
                "{name}: incomplete: stopped by {} before every state was explored; no violation found so far\n  {stats}\n",
                limit_word(*l)
            ));
        }
    }
    out
}

/// Colours a text report for a terminal (ANSI): the verdict line, step
/// headers, old and new values, loop markers and the explanation. The text
/// itself is unchanged, so plain output is what tests compare.
pub fn paint(text: &str) -> String {
    const RED: &str = "\x1b[31m";
    const GREEN: &str = "\x1b[32m";
    const YELLOW: &str = "\x1b[33m";
    const CYAN: &str = "\x1b[36m";
    const BOLD: &str = "\x1b[1m";
    const DIM: &str = "\x1b[2m";
    const OFF: &str = "\x1b[0m";
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        let indent = &line[..line.len() - t.len()];
        let painted = if line.contains(": violation: ") || line.contains(": deadlock: ") {
            format!("{BOLD}{RED}{line}{OFF}")
        } else if line.contains(": ok: ") {
            format!("{BOLD}{GREEN}{line}{OFF}")
        } else if t.starts_with("---") {
            format!("{indent}{YELLOW}{t}{OFF}")
        } else if t.starts_with("why:") {
            format!("{indent}{BOLD}{t}{OFF}")
        } else if indent.len() == 2
            && t.split_whitespace()
                .next()
                .is_some_and(|w| w.parse::<u64>().is_ok())
        {
            // `  12  Action(args)`: the step number and the step.
            let (num, rest) = t.split_at(t.find(' ').unwrap_or(t.len()));
            format!("{indent}{BOLD}{num}{OFF}{CYAN}{rest}{OFF}")
        } else if let Some((what, change)) = t.split_once(": ")
            && let Some((old, new)) = change.split_once(" -> ")
            && indent.len() >= 9
        {
            format!("{indent}{what}: {DIM}{RED}{old}{OFF} -> {GREEN}{new}{OFF}")
        } else if indent.len() >= 9 && (t.contains(" += ") || t.contains(" -= ")) {
            let (what, rest) = t.split_at(t.find(" ").unwrap_or(0));
            format!("{indent}{what}{GREEN}{rest}{OFF}")
        } else {
            line.to_string()
        };
        out.push_str(&painted);
        out.push('\n');
    }
    out
}
