//! Faults: `crash N [up to K]`, rewritten into ordinary declarations before
//! the spec is analysed.
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

use crate::diag::{Diag, Span};
use crate::parser::ast::*;

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

/// Rewrites every `crash` item of `file` (see the module comment).
pub fn desugar(file: &mut SpecFile, diags: &mut Vec<Diag>) {
    let crashes: Vec<Item> = {
        let (c, rest): (Vec<Item>, Vec<Item>) = std::mem::take(&mut file.items)
            .into_iter()
            .partition(|i| matches!(i.kind, ItemKind::Crash { .. }));
        file.items = rest;
        c
    };
    for item in crashes {
        let span = item.span;
        let ItemKind::Crash { node, limit } = item.kind else {
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
        body.push(Item {
            kind: ItemKind::Var {
                name: ident("crashed", span),
                ty: TypeExpr {
                    kind: TypeKind::Named(ident("bool", span)),
                    span,
                },
                init: Some(VarInit::Value(expr(ExprKind::Bool(false), span))),
            },
            span,
        });
        body.push(Item {
            kind: ItemKind::Action {
                fairness: Fairness::None,
                name: ident("crash", span),
                params: Vec::new(),
                body: Block { stmts, span },
            },
            span,
        });
    }
}
