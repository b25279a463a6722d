//! Sema unit tests: the shape of the core program, and the static checks
//! that are easiest to state one at a time.

use super::program::*;
use super::types::{Type, join, never_fits};
use super::{Override, analyze};
use crate::parser::ast::Fairness;

fn program(src: &str, overrides: &[(&str, &str)]) -> Result<Program, Vec<String>> {
    let mut diags = Vec::new();
    let file = crate::parser::parse(src, &mut diags);
    assert!(diags.is_empty(), "syntax: {diags:?}");
    let ov: Vec<Override> = overrides
        .iter()
        .map(|(n, v)| Override {
            name: n.to_string(),
            value: v.to_string(),
        })
        .collect();
    let a = analyze(&file, &ov);
    let mut msgs: Vec<String> = a
        .diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    msgs.extend(a.override_errors);
    a.program.ok_or(msgs)
}

fn errors(src: &str) -> Vec<String> {
    program(src, &[]).err().unwrap_or_default()
}

const TWO_PC: &str = include_str!("../../tests/data/2pc_safety.dsl");

#[test]
fn two_phase_commit_desugars_to_tla_state() {
    let p = program(TWO_PC, &[]).expect("2pc is clean");
    let vars: Vec<(&str, Option<u128>)> = p
        .vars
        .iter()
        .map(|v| (v.name.as_str(), v.ty.size(&p)))
        .collect();
    // The four variables of TwoPhase.tla: msgs, rmState, tmState, tmPrepared.
    assert_eq!(
        vars,
        vec![
            ("msgs", Some(32)),
            ("RM.state", Some(64)),
            ("TM.state", Some(3)),
            ("TM.prepared", Some(8))
        ]
    );
    assert!(matches!(p.vars[1].origin, VarOrigin::NodeLocal(0)));
    let actions: Vec<(&str, usize)> = p
        .actions
        .iter()
        .map(|a| (a.name.as_str(), a.n_params))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("RM.Prepare", 1),
            ("RM.ChooseToAbort", 1),
            ("RM.on_Commit", 1),
            ("RM.on_Abort", 1),
            ("TM.on_Prepared", 1),
            ("TM.Commit", 0),
            ("TM.Abort", 0),
        ]
    );
    // Node actions bind `self` first; the handler's guard comes first in its body.
    assert_eq!(p.actions[0].locals[0].name, "self");
    assert!(matches!(p.actions[4].origin, ActionOrigin::Handler(0, 0)));
    assert!(matches!(p.actions[4].body[0], TStmt::Require(_)));
    assert_eq!(p.sets[0].members, vec!["r1", "r2", "r3"]);
    assert!(p.sets[0].symmetric);
    assert_eq!(p.invariants.len(), 2);
    assert_eq!(p.expects.len(), 2);
}

#[test]
fn overrides_resize_sets_and_replace_constants() {
    let p = program(TWO_PC, &[("RM", "5")]).unwrap();
    assert_eq!(p.sets[0].members, vec!["rm1", "rm2", "rm3", "rm4", "rm5"]);
    assert_eq!(p.vars[1].ty.size(&p), Some(4u128.pow(5)));
    let p = program(
        "spec C\nconst N = 2\nvar x: 0..N = 0\ninvariant I: x <= N\n",
        &[("N", "7")],
    )
    .unwrap();
    assert_eq!(p.vars[0].ty, Type::Int(0, 7));
    let e = program(
        "spec C\nconst N = 2\nvar x: 0..N = 0\ninvariant I: x <= N\n",
        &[("M", "7")],
    )
    .unwrap_err();
    assert_eq!(
        e,
        vec!["--const M: the spec declares no constant or set named `M`"]
    );
}

#[test]
fn assignments_outside_the_domain_are_caught_statically() {
    let base = "spec D\nvar x: 0..3 = 0\nvar s: {a, b} = a\nvar t: {c} = c\ninvariant I: x >= 0 and s == a and t == c\n";
    assert!(
        errors(&format!("{base}action A {{ x = x + 1 }}\n")).is_empty(),
        "may fit: checked at run time"
    );
    assert_eq!(
        errors(&format!("{base}action A {{ x = x + 4 }}\n")),
        vec!["this value can never be stored in `x`"]
    );
    assert_eq!(
        errors(&format!("{base}action A {{ x = -1 }}\n")),
        vec!["this value can never be stored in `x`"]
    );
    assert_eq!(
        errors(&format!("{base}action A {{ s = c }}\n")),
        vec!["this value can never be stored in `s`"]
    );
    assert!(
        errors(&format!(
            "{base}action A {{ s = if x > 0 then a else b }}\n"
        ))
        .is_empty()
    );
    assert_eq!(
        errors(&format!("{base}action A {{ s = t }}\n")),
        vec!["this value can never be stored in `s`"]
    );
    assert_eq!(
        errors(&format!("{base}action A {{ x = true }}\n")),
        vec!["type mismatch: `x` has type 0..3, but this is bool"]
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let e =
        errors("spec E\nvar x: 0..3 = 0\naction A { x = y }\naction B { x = z }\ninvariant I: w\n");
    assert_eq!(
        e,
        vec!["unknown name `y`", "unknown name `z`", "unknown name `w`"]
    );
}

#[test]
fn fairness_and_self_reach_the_core() {
    let p = program(
        "spec F\nnodes N = 2\nnode N {\n var up: bool = false\n strong fair action Go { up = true }\n}\ninvariant I: forall n in N: N[n].up or true\n",
        &[],
    )
    .unwrap();
    assert_eq!(p.actions[0].fairness, Fairness::Strong);
    assert_eq!(p.actions[0].node, Some(0));
    assert_eq!(p.actions[0].n_params, 1);
}

#[test]
fn type_join_and_domains() {
    let p = Program::default();
    assert_eq!(
        join(&Type::Int(0, 2), &Type::Int(5, 9), &p),
        Some(Type::Int(0, 9))
    );
    assert_eq!(
        join(&Type::Enum(vec![1]), &Type::Enum(vec![0, 2]), &p),
        Some(Type::Enum(vec![0, 1, 2]))
    );
    assert_eq!(join(&Type::Bool, &Type::Int(0, 1), &p), None);
    let empty_set = Type::Set(Box::new(Type::Unknown));
    assert_eq!(
        join(&empty_set, &Type::Set(Box::new(Type::Bool)), &p),
        Some(Type::Set(Box::new(Type::Bool)))
    );
    assert!(never_fits(&Type::Int(4, 4), &Type::Int(0, 3), &p).is_some());
    assert!(never_fits(&Type::Int(3, 4), &Type::Int(0, 3), &p).is_none());
    assert_eq!(Type::Seq(Box::new(Type::Bool), 2).size(&p), Some(1 + 2 + 4));
    assert_eq!(
        Type::Map(Box::new(Type::Int(1, 3)), Box::new(Type::Bool)).size(&p),
        Some(8)
    );
    assert_eq!(Type::Set(Box::new(Type::Int(0, 200))).size(&p), None);
    assert_eq!(
        Type::Map(Box::new(Type::Int(0, 1 << 40)), Box::new(Type::Int(0, 1))).size(&p),
        None
    );
}
