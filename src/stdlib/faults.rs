//! Faults: `crash N [up to K] [with recovery]` and `partition [with heal]`,
//! rewritten into ordinary declarations before the spec is analysed.
//!
//! `crash RM up to 1` means: any one member of RM may crash at any time, and
//! a crashed member takes no further step (crash-stop). It becomes, in
//! RM's `node` block (created if the spec has none):
//!
//! ```text
//! var crashed: bool = false
//! action crash {
//!   require not crashed
//!   require card({ other in RM where RM[other].crashed }) < 1
//!   crashed = true
//! }
//! ```
//!
//! and `require not crashed` at the start of every action and handler in
//! the block. For a single node, `crash TM` is the same without the count.
//! So the crash is a step of its own in traces (`RM[r2].crash`), the state
//! shows who crashed (`RM.crashed`), and a crashed node's fair steps are no
//! longer possible, so fairness does not force them. Messages sent before
//! the crash stay in the network.
//!
//! `with recovery` adds `action recover { require crashed; crashed = false;
//! x = <initial value of x> … }` for every variable of the block not declared
//! `durable`: a restarted node has lost its memory but kept its disk. With
//! `up to K`, at most K members are down *at once*.
//!
//! `partition` splits the nodes, once per run, into two groups:
//!
//! ```text
//! var split: set<Node> = {}          // one side; {} while connected
//! fn connected(a: Node, b: Node): bool = (a in split) == (b in split)
//! action partition(side: set<Node>) {
//!   require split == {} and side != {} and side != Node
//!   split = side
//! }
//! ```
//!
//! and `require connected(sender, self)` at the start of every handler of
//! a fifo network (the only kind whose messages know their sender). `with
//! heal` adds `var healed: bool` and `action heal`, which reconnects
//! everyone for the rest of the run.

use crate::diag::{Diag, Span};
use crate::parser::ast::*;
use crate::parser::parse_at;

fn ident(name: &str, span: Span) -> Ident {
    Ident {
        name: name.to_string(),
        span,
    }
}

fn expr(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

fn name(n: &str, span: Span) -> Expr {
    expr(ExprKind::Name(n.to_string()), span)
}

fn require(e: Expr) -> Stmt {
    let span = e.span;
    Stmt {
        kind: StmtKind::Require(e),
        span,
    }
}

fn not_crashed(span: Span) -> Expr {
    expr(
        ExprKind::Unary(UnOp::Not, Box::new(name("crashed", span))),
        span,
    )
}

/// Rewrites every `crash` and `partition` item of `file` (see the module
/// comment).
pub fn desugar(file: &mut SpecFile, diags: &mut Vec<Diag>) {
    let faults: Vec<Item> = {
        let (c, rest): (Vec<Item>, Vec<Item>) = std::mem::take(&mut file.items)
            .into_iter()
            .partition(|i| matches!(i.kind, ItemKind::Crash { .. } | ItemKind::Partition { .. }));
        file.items = rest;
        c
    };
    let mut partitioned: Option<Span> = None;
    let mut recovering: Vec<String> = Vec::new();
    for item in faults {
        let span = item.span;
        if let ItemKind::Partition { heal } = item.kind {
            if let Some(first) = partitioned {
                diags.push(
                    Diag::error(span, "a second `partition`")
                        .label("the network is already partitioned by the first one")
                        .note(first, "the first `partition`")
                        .help("keep one `partition` line (add `with heal` to it if the split may heal)"),
                );
                continue;
            }
            partitioned = Some(span);
            partition(file, heal, span);
            continue;
        }
        let ItemKind::Crash {
            node,
            limit,
            recover,
        } = item.kind
        else {
            continue;
        };
        let is_set = file.items.iter().any(|i| {
            matches!(&i.kind, ItemKind::Set { kind: SetKind::Nodes, name, .. } if name.name == node.name)
        });
        let has_node = file
            .items
            .iter()
            .any(|i| matches!(&i.kind, ItemKind::Node { name, .. } if name.name == node.name));
        if !is_set && !has_node {
            diags.push(
                Diag::error(node.span, format!("`crash {}`: no node or node set of that name", node.name))
                    .label("not declared with `nodes` or `node`")
                    .help("crash applies to a node set (`crash RM up to 1`) or a single node (`crash TM`)"),
            );
            continue;
        }
        if !is_set && let Some(l) = &limit {
            diags.push(
                Diag::error(l.span, "`up to` counts the members of a node set")
                    .label("a single node")
                    .help(format!("write `crash {}`", node.name)),
            );
            continue;
        }
        if !has_node {
            file.items.push(Item {
                kind: ItemKind::Node {
                    name: node.clone(),
                    body: Some(Vec::new()),
                },
                span,
            });
        }
        // The node's block (`node TM` may also be declared without one).
        let with_body = file.items.iter().position(
            |i| matches!(&i.kind, ItemKind::Node { name, body: Some(_) } if name.name == node.name),
        );
        let at = with_body.or_else(|| {
            file.items.iter().position(
                |i| matches!(&i.kind, ItemKind::Node { name, .. } if name.name == node.name),
            )
        });
        let block = at.and_then(|k| match &mut file.items[k].kind {
            ItemKind::Node { body, .. } => Some(body.get_or_insert_with(Vec::new)),
            _ => None,
        });
        let Some(body) = block else { continue };
        for it in body.iter_mut() {
            if let ItemKind::Action { body, .. } | ItemKind::On { body, .. } = &mut it.kind {
                body.stmts.insert(0, require(not_crashed(span)));
            }
        }
        let mut stmts = vec![require(not_crashed(span))];
        if let Some(k) = limit {
            // card({ other in N where N[other].crashed }) < k
            let other = ident("other", span);
            let theirs = expr(
                ExprKind::Field(
                    Box::new(expr(
                        ExprKind::Index(
                            Box::new(name(&node.name, span)),
                            Box::new(name("other", span)),
                        ),
                        span,
                    )),
                    ident("crashed", span),
                ),
                span,
            );
            let down = expr(
                ExprKind::SetFilter(other, Box::new(name(&node.name, span)), Box::new(theirs)),
                span,
            );
            let count = expr(ExprKind::Call(ident("card", span), vec![down]), span);
            stmts.push(require(expr(
                ExprKind::Binary(BinOp::Lt, Box::new(count), Box::new(k)),
                span,
            )));
        }
        stmts.push(Stmt {
            kind: StmtKind::Assign(
                name("crashed", span),
                AssignOp::Set,
                expr(ExprKind::Bool(true), span),
            ),
            span,
        });
        if recover {
            let restart = recovery(body, span, diags);
            body.push(restart);
            recovering.push(node.name.clone());
        }
        body.push(Item {
            kind: ItemKind::Var {
                name: ident("crashed", span),
                ty: TypeExpr {
                    kind: TypeKind::Named(ident("bool", span)),
                    span,
                },
                init: Some(VarInit::Value(expr(ExprKind::Bool(false), span))),
                // (`recover` sets it itself)
                durable: false,
            },
            span,
        });
        body.push(Item {
            kind: ItemKind::Action {
                fairness: Fairness::None,
                name: ident("crash", span),
                params: Vec::new(),
                body: Block { stmts, span },
                fault: Some(FaultStep::Crash),
            },
            span,
        });
    }
    durable_without_recovery(file, &recovering, diags);
}

/// `durable` means something only where nodes recover: say so elsewhere.
fn durable_without_recovery(file: &SpecFile, recovering: &[String], diags: &mut Vec<Diag>) {
    let flag = |items: &[Item], diags: &mut Vec<Diag>| {
        for it in items {
            if let ItemKind::Var {
                name,
                durable: true,
                ..
            } = &it.kind
            {
                diags.push(
                    Diag::warning(
                        name.span,
                        format!("`durable` has no effect on `{}`", name.name),
                    )
                    .label("no crash with recovery restarts this variable's node")
                    .help(
                        "durable variables survive `crash N with recovery`; otherwise write `var`",
                    ),
                );
            }
        }
    };
    for it in &file.items {
        match &it.kind {
            ItemKind::Node {
                name,
                body: Some(block),
            } if !recovering.contains(&name.name) => flag(block, diags),
            ItemKind::Var { .. } => flag(std::slice::from_ref(it), diags),
            _ => {}
        }
    }
}

fn assign(target: &str, value: Expr, span: Span) -> Stmt {
    Stmt {
        kind: StmtKind::Assign(name(target, span), AssignOp::Set, value),
        span,
    }
}

/// `action recover`: back up, with every variable not declared `durable` at
/// its initial value.
fn recovery(block: &[Item], span: Span, diags: &mut Vec<Diag>) -> Item {
    let mut stmts = vec![
        require(name("crashed", span)),
        assign("crashed", expr(ExprKind::Bool(false), span), span),
    ];
    for it in block {
        let ItemKind::Var {
            name: var,
            init,
            durable: false,
            ..
        } = &it.kind
        else {
            continue;
        };
        match init {
            Some(VarInit::Value(e)) => stmts.push(assign(&var.name, e.clone(), span)),
            Some(VarInit::OneOf(_)) => diags.push(
                Diag::error(var.span, format!("`{}` has no one value to restart from", var.name))
                    .label("chosen from a set initially; a recovering node must know what to restart with")
                    .help(format!(
                        "give it one initial value (`= …`), or declare it `durable var {}` to keep it across a crash",
                        var.name
                    )),
            ),
            None => {}
        }
    }
    Item {
        kind: ItemKind::Action {
            fairness: Fairness::None,
            name: ident("recover", span),
            params: Vec::new(),
            body: Block { stmts, span },
            fault: Some(FaultStep::Recover),
        },
        span,
    }
}

/// `partition [with heal]` (see the module comment).
fn partition(file: &mut SpecFile, heal: bool, span: Span) {
    let (guard, healing) = if heal {
        (
            " and not healed",
            "var healed: bool = false\n\
             action heal { require split != {}\n split = {}\n healed = true }\n",
        )
    } else {
        ("", "")
    };
    let src = format!(
        "spec Generated\n\
         var split: set<Node> = {{}}\n\
         fn connected(a: Node, b: Node): bool = (a in split) == (b in split)\n\
         action cut(side: set<Node>) {{\n\
           require split == {{}}{guard}\n\
           require side != {{}} and side != Node\n\
           split = side\n\
         }}\n\
         {healing}\
         action handler {{ require connected(sender, self) }}\n"
    );
    let mut items = parse_at(&src, span);
    // The last item only carries the statement that fifo handlers get.
    let Some(Item {
        kind: ItemKind::Action { mut body, .. },
        ..
    }) = items.pop()
    else {
        return;
    };
    let Some(Stmt {
        kind: StmtKind::Require(check),
        ..
    }) = body.stmts.pop()
    else {
        return;
    };
    let fifo: Vec<String> = file
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Network { name, kind, .. } if kind.name == "fifo" => Some(name.name.clone()),
            _ => None,
        })
        .collect();
    let networks = file
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Network { .. }))
        .count();
    for it in file.items.iter_mut() {
        let ItemKind::Node {
            body: Some(block), ..
        } = &mut it.kind
        else {
            continue;
        };
        for h in block.iter_mut() {
            if let ItemKind::On { network, body, .. } = &mut h.kind {
                let over_fifo = match network {
                    Some(n) => fifo.contains(&n.name),
                    None => networks == 1 && fifo.len() == 1,
                };
                if over_fifo {
                    body.stmts.insert(0, require(check.clone()));
                }
            }
        }
    }
    // `partition` starts a declaration, so the template calls the step `cut`.
    for it in items.iter_mut() {
        if let ItemKind::Action { name, fault, .. } = &mut it.kind {
            if name.name == "cut" {
                name.name = "partition".to_string();
                *fault = Some(FaultStep::Partition);
            } else if name.name == "heal" {
                *fault = Some(FaultStep::Heal);
            }
        }
    }
    file.items.extend(items);
}
