//! Parser unit tests: precedence, associativity and the shapes of the
//! bracketed forms, checked through a compact s-expression rendering.

use super::ast::*;
use super::parse;

fn sexp(e: &Expr) -> String {
    let list = |es: &[Expr]| es.iter().map(sexp).collect::<Vec<_>>().join(" ");
    let binders = |bs: &[Binder]| {
        bs.iter()
            .map(|b| {
                format!(
                    "{} in {}",
                    b.names
                        .iter()
                        .map(|n| n.name.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    sexp(&b.set)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    match &e.kind {
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::SelfRef => "self".into(),
        ExprKind::NoneLit => "none".into(),
        ExprKind::Some(x) => format!("(some {})", sexp(x)),
        ExprKind::Unary(op, x) => format!("({op:?} {})", sexp(x)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", op.text(), sexp(a), sexp(b)),
        ExprKind::Range(a, b) => format!("(.. {} {})", sexp(a), sexp(b)),
        ExprKind::Call(f, args) => format!("(call {} {})", f.name, list(args)),
        ExprKind::Index(a, b) => format!("(index {} {})", sexp(a), sexp(b)),
        ExprKind::Field(a, f) => format!("(. {} {})", sexp(a), f.name),
        ExprKind::TupleField(a, n, _) => format!("(. {} {n})", sexp(a)),
        ExprKind::Tuple(es) => format!("(tuple {})", list(es)),
        ExprKind::SetLit(es) => format!("(set {})", list(es)),
        ExprKind::SeqLit(es) => format!("(seq {})", list(es)),
        ExprKind::MapLit(ps) => format!(
            "(map {})",
            ps.iter()
                .map(|(k, v)| format!("{}->{}", sexp(k), sexp(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        ExprKind::MapComp(x, s, b) => format!("(mapcomp {} {} {})", x.name, sexp(s), sexp(b)),
        ExprKind::SetComp(b, bs, f) => format!(
            "(setcomp {} [{}]{})",
            sexp(b),
            binders(bs),
            f.as_ref()
                .map_or(String::new(), |f| format!(" if {}", sexp(f)))
        ),
        ExprKind::SetFilter(x, s, p) => format!("(filter {} {} {})", x.name, sexp(s), sexp(p)),
        ExprKind::Record(fs) => format!(
            "(record {})",
            fs.iter()
                .map(|(n, v)| format!("{}:{}", n.name, sexp(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        ExprKind::If(c, a, b) => format!("(if {} {} {})", sexp(c), sexp(a), sexp(b)),
        ExprKind::Let(x, v, b) => format!("(let {} {} {})", x.name, sexp(v), sexp(b)),
        ExprKind::Quant(q, bs, b) => format!("({q:?} [{}] {})", binders(bs), sexp(b)),
        ExprKind::Is(x, v, pats) => format!(
            "(is {} {}{})",
            sexp(x),
            v.name,
            pats.as_ref().map_or(String::new(), |ps| format!(
                " {}",
                ps.iter()
                    .map(|p| p.as_ref().map_or("_".into(), sexp))
                    .collect::<Vec<_>>()
                    .join(" ")
            ))
        ),
        ExprKind::Choose(x, s, p) => format!("(choose {} {} {})", x.name, sexp(s), sexp(p)),
        ExprKind::Error => "ERROR".into(),
    }
}

/// Parses `invariant I: <src>` and returns the expression as an s-expression.
fn expr(src: &str) -> String {
    let text = format!("spec T\ninvariant I: {src}\n");
    let mut diags = Vec::new();
    let file = parse(&text, &mut diags);
    assert!(diags.is_empty(), "{src}: {diags:?}");
    match &file.items[0].kind {
        ItemKind::Invariant { expr, .. } => sexp(expr),
        k => panic!("unexpected item {k:?}"),
    }
}

fn errors(src: &str) -> Vec<String> {
    let mut diags = Vec::new();
    parse(src, &mut diags);
    diags.into_iter().map(|d| d.message).collect()
}

#[test]
fn logical_operators_bind_looser_than_comparisons() {
    assert_eq!(expr("a and b or c"), "(or (and a b) c)");
    assert_eq!(expr("a or b and c"), "(or a (and b c))");
    assert_eq!(expr("not a == b"), "(Not (== a b))");
    assert_eq!(expr("a implies b implies c"), "(implies a (implies b c))");
    assert_eq!(expr("a == b and c != d"), "(and (== a b) (!= c d))");
}

#[test]
fn arithmetic_and_set_operators() {
    assert_eq!(expr("1 + 2 * 3 - 4"), "(- (+ 1 (* 2 3)) 4)");
    assert_eq!(expr("-x + 1"), "(+ (Neg x) 1)");
    assert_eq!(expr("x in S union T"), "(in x (union S T))");
    assert_eq!(expr("x not in S"), "(not in x S)");
    assert_eq!(expr("A intersect B union C"), "(union (intersect A B) C)");
    assert_eq!(expr("0..N + 1"), "(.. 0 (+ N 1))");
    assert_eq!(expr("S subset T minus U"), "(subset S (minus T U))");
}

#[test]
fn temporal_operators() {
    assert_eq!(expr("always eventually p"), "(Always (Eventually p))");
    assert_eq!(expr("p leads_to q and r"), "(leads_to p (and q r))");
    assert_eq!(expr("eventually x == 1"), "(Eventually (== x 1))");
}

#[test]
fn postfix_and_access() {
    assert_eq!(
        expr("RM[a].state == aborted"),
        "(== (. (index RM a) state) aborted)"
    );
    assert_eq!(expr("t.0.1"), "(. (. t 0) 1)");
    assert_eq!(expr("f(x, y)[k]"), "(index (call f x y) k)");
    assert_eq!(expr("m is Prepared(r, _)"), "(is m Prepared r _)");
    assert_eq!(expr("m is Commit and ok"), "(and (is m Commit) ok)");
}

#[test]
fn binders_and_bracketed_forms() {
    assert_eq!(expr("forall a, b in RM: p"), "(Forall [a,b in RM] p)");
    assert_eq!(
        expr("exists a in S, b in T: a == b"),
        "(Exists [a in S; b in T] (== a b))"
    );
    assert_eq!(expr("let x = S in x"), "(let x S x)");
    assert_eq!(expr("let x = (a in S) in x"), "(let x (in a S) x)");
    assert_eq!(expr("if c then 1 else 2 + 3"), "(if c 1 (+ 2 3))");
    assert_eq!(expr("{}"), "(set )");
    assert_eq!(expr("{1, 2}"), "(set 1 2)");
    assert_eq!(
        expr("{ x * 2 for x in S if x > 0 }"),
        "(setcomp (* x 2) [x in S] if (> x 0))"
    );
    assert_eq!(expr("{ x in S where x > 0 }"), "(filter x S (> x 0))");
    assert_eq!(expr("{a: 1, b: true}"), "(record a:1 b:true)");
    assert_eq!(expr("[r in RM -> 0]"), "(mapcomp r RM 0)");
    assert_eq!(expr("[a -> 1, b -> 2]"), "(map a->1 b->2)");
    assert_eq!(expr("[1, 2]"), "(seq 1 2)");
    assert_eq!(expr("(1, p)"), "(tuple 1 p)");
    assert_eq!(expr("some(none)"), "(some none)");
    assert_eq!(
        expr("choose m in S: m > 1 and ok"),
        "(choose m S (and (> m 1) ok))"
    );
}

#[test]
fn a_new_line_starts_a_new_statement() {
    let src = "spec T\nvar x: 0..3 = 0\naction A {\n  x = 1\n  (x) = 2\n}\n";
    let mut diags = Vec::new();
    let file = parse(src, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let ItemKind::Action { body, .. } = &file.items[1].kind else {
        panic!("expected an action")
    };
    assert_eq!(body.stmts.len(), 2);
}

#[test]
fn syntax_errors_are_reported_per_item() {
    let errs = errors("spec T\nvar x: = 1\nvar y: bool = true\ninvariant I: (\ninvariant J: y\n");
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs[0].starts_with("expected a type"), "{errs:?}");
    assert!(errs[1].starts_with("expected an expression"), "{errs:?}");
}

#[test]
fn nesting_limit_is_reported_once() {
    let deep = format!(
        "spec T\ninvariant I: {}1{}\n",
        "(".repeat(1000),
        ")".repeat(1000)
    );
    let errs = errors(&deep);
    assert_eq!(
        errs,
        vec![format!("nesting deeper than {} levels", super::MAX_NESTING)]
    );
    // Just inside the limit is fine.
    let ok = format!(
        "spec T\ninvariant I: {}1{} == 1\n",
        "(".repeat(150),
        ")".repeat(150)
    );
    assert!(errors(&ok).is_empty());
}
