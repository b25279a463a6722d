//! Expressions, by precedence climbing.
//!
//! Binding powers, loosest first: `leads_to`, `implies` (right-assoc), `or`,
//! `and`, prefix `not`/`always`/`eventually`, comparisons and `in`/`is`
//! (non-associative), `..`, `+ - union minus`, `* / % intersect`, prefix `-`,
//! postfix call/index/field. `if`, `let`, quantifiers and comprehensions are
//! primaries whose body extends as far right as possible.

use super::ast::*;
use super::lexer::Tok;
use super::{Failed, PResult, Parser};
use crate::diag::{Diag, Span};

pub(crate) const BP_LEADS_TO: u8 = 2;
pub(crate) const BP_IMPLIES: u8 = 4;
pub(crate) const BP_OR: u8 = 6;
pub(crate) const BP_AND: u8 = 8;
pub(crate) const BP_NOT: u8 = 9;
pub(crate) const BP_CMP: u8 = 10;
pub(crate) const BP_RANGE: u8 = 12;
pub(crate) const BP_ADD: u8 = 14;
pub(crate) const BP_MUL: u8 = 16;
pub(crate) const BP_NEG: u8 = 18;

impl Parser<'_> {
    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        self.expr_bp(0)
    }

    /// The infix operator at the cursor: (op, left bp, right bp), where `op`
    /// is `None` for `..` (a range) and `is` (a pattern test).
    fn infix(&self) -> Option<(Option<BinOp>, u8, u8, usize)> {
        let t = self.peek();
        let kw = |k: &str| matches!(t, Tok::Ident(s) if s == k);
        let op = |o, l, r| Some((Some(o), l, r, 1));
        match t {
            Tok::Ident(_) if kw("leads_to") => op(BinOp::LeadsTo, BP_LEADS_TO + 1, BP_LEADS_TO + 1),
            Tok::Ident(_) if kw("implies") => op(BinOp::Implies, BP_IMPLIES + 1, BP_IMPLIES),
            Tok::Ident(_) if kw("or") => op(BinOp::Or, BP_OR, BP_OR + 1),
            Tok::Ident(_) if kw("and") => op(BinOp::And, BP_AND, BP_AND + 1),
            Tok::Ident(_) if kw("in") && !self.no_in => op(BinOp::In, BP_CMP, BP_CMP + 1),
            Tok::Ident(_) if kw("not") && matches!(self.peek_at(1), Tok::Ident(s) if s == "in") => {
                Some((Some(BinOp::NotIn), BP_CMP, BP_CMP + 1, 2))
            }
            Tok::Ident(_) if kw("subset") => op(BinOp::Subset, BP_CMP, BP_CMP + 1),
            Tok::Ident(_) if kw("is") => Some((None, BP_CMP, BP_CMP + 1, 1)),
            Tok::Ident(_) if kw("union") => op(BinOp::Union, BP_ADD, BP_ADD + 1),
            Tok::Ident(_) if kw("minus") => op(BinOp::Minus, BP_ADD, BP_ADD + 1),
            Tok::Ident(_) if kw("intersect") => op(BinOp::Intersect, BP_MUL, BP_MUL + 1),
            Tok::EqEq => op(BinOp::Eq, BP_CMP, BP_CMP + 1),
            Tok::NotEq => op(BinOp::Ne, BP_CMP, BP_CMP + 1),
            Tok::Lt => op(BinOp::Lt, BP_CMP, BP_CMP + 1),
            Tok::Le => op(BinOp::Le, BP_CMP, BP_CMP + 1),
            Tok::Gt => op(BinOp::Gt, BP_CMP, BP_CMP + 1),
            Tok::Ge => op(BinOp::Ge, BP_CMP, BP_CMP + 1),
            Tok::DotDot => Some((None, BP_RANGE, BP_RANGE + 1, 1)),
            Tok::Plus => op(BinOp::Add, BP_ADD, BP_ADD + 1),
            Tok::Minus => op(BinOp::Sub, BP_ADD, BP_ADD + 1),
            Tok::Star => op(BinOp::Mul, BP_MUL, BP_MUL + 1),
            Tok::Slash => op(BinOp::Div, BP_MUL, BP_MUL + 1),
            Tok::Percent => op(BinOp::Mod, BP_MUL, BP_MUL + 1),
            _ => None,
        }
    }

    pub(crate) fn expr_bp(&mut self, min_bp: u8) -> PResult<Expr> {
        self.enter()?;
        let r = super::grow(|| self.expr_bp_inner(min_bp));
        self.leave();
        r
    }

    fn expr_bp_inner(&mut self, min_bp: u8) -> PResult<Expr> {
        let mut lhs = self.prefix()?;
        // Each operator in a chain deepens the tree by one; count it, so that
        // `a + a + … + a` cannot build a tree deeper than the limit either.
        let entry_depth = self.depth;
        let mut last_cmp: Option<Span> = None;
        let result = loop {
            let Some((op, lbp, rbp, ntok)) = self.infix() else {
                break Ok(lhs);
            };
            if lbp < min_bp {
                break Ok(lhs);
            }
            let op_span = self.span();
            if lbp == BP_CMP {
                if let Some(prev) = last_cmp {
                    self.diags.push(
                        Diag::error(op_span, "comparisons cannot be chained")
                            .label("second comparison")
                            .note(prev, "first comparison")
                            .help("join them with `and`, e.g. `a < b and b < c`"),
                    );
                    break Err(Failed);
                }
                last_cmp = Some(op_span);
            }
            for _ in 0..ntok {
                self.bump();
            }
            if let Err(f) = self.enter() {
                break Err(f);
            }
            if op.is_none() && lbp == BP_CMP {
                // `e is Variant` or `e is Variant(p, _, …)`
                let variant = match self.ident("a message name") {
                    Ok(v) => v,
                    Err(f) => break Err(f),
                };
                let mut pats = None;
                if self.at(&Tok::LParen) && !self.at_line_start() {
                    self.bump();
                    let mut ps = Vec::new();
                    while !self.at(&Tok::RParen) {
                        if self.eat(&Tok::Underscore) {
                            ps.push(None);
                        } else {
                            match self.expr() {
                                Ok(e) => ps.push(Some(e)),
                                Err(f) => {
                                    self.depth = entry_depth;
                                    return Err(f);
                                }
                            }
                        }
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                    if let Err(f) = self.expect(Tok::RParen) {
                        break Err(f);
                    }
                    pats = Some(ps);
                }
                let span = lhs.span.to(self.prev_span());
                lhs = Expr {
                    kind: ExprKind::Is(Box::new(lhs), variant, pats),
                    span,
                };
                continue;
            }
            let rhs = match self.expr_bp(rbp) {
                Ok(r) => r,
                Err(f) => break Err(f),
            };
            let span = lhs.span.to(rhs.span);
            let kind = match op {
                Some(op) => ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                None => ExprKind::Range(Box::new(lhs), Box::new(rhs)),
            };
            lhs = Expr { kind, span };
            if op == Some(BinOp::LeadsTo) && self.at_kw("leads_to") {
                self.diags.push(
                    Diag::error(self.span(), "`leads_to` cannot be chained")
                        .label("second `leads_to`")
                        .help("use parentheses to say which is meant"),
                );
                break Err(Failed);
            }
        };
        self.depth = entry_depth;
        result
    }

    fn prefix(&mut self) -> PResult<Expr> {
        let start = self.span();
        let op = match self.peek() {
            Tok::Minus => Some((UnOp::Neg, BP_NEG)),
            Tok::Ident(s) if s == "not" => Some((UnOp::Not, BP_NOT)),
            Tok::Ident(s) if s == "always" => Some((UnOp::Always, BP_NOT)),
            Tok::Ident(s) if s == "eventually" => Some((UnOp::Eventually, BP_NOT)),
            _ => None,
        };
        if let Some((op, bp)) = op {
            self.bump();
            let e = self.expr_bp(bp)?;
            let span = start.to(e.span);
            return Ok(Expr {
                kind: ExprKind::Unary(op, Box::new(e)),
                span,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        let entry_depth = self.depth;
        let r = loop {
            // A `(` or `[` that starts a new line begins a new statement.
            if self.at_line_start() {
                break Ok(e);
            }
            match self.peek() {
                Tok::LBracket => {
                    self.bump();
                    if let Err(f) = self.enter() {
                        break Err(f);
                    }
                    let saved = std::mem::replace(&mut self.no_in, false);
                    let idx = self.expr();
                    self.no_in = saved;
                    let idx = match idx {
                        Ok(i) => i,
                        Err(f) => break Err(f),
                    };
                    if let Err(f) = self.expect(Tok::RBracket) {
                        break Err(f);
                    }
                    let span = e.span.to(self.prev_span());
                    e = Expr {
                        kind: ExprKind::Index(Box::new(e), Box::new(idx)),
                        span,
                    };
                }
                Tok::Dot => {
                    self.bump();
                    if let Err(f) = self.enter() {
                        break Err(f);
                    }
                    match self.peek().clone() {
                        Tok::Int(n) => {
                            let sp = self.bump().span;
                            let span = e.span.to(sp);
                            e = Expr {
                                kind: ExprKind::TupleField(Box::new(e), n as usize, sp),
                                span,
                            };
                        }
                        _ => {
                            let f = match self.ident("a field name") {
                                Ok(f) => f,
                                Err(x) => break Err(x),
                            };
                            let span = e.span.to(f.span);
                            e = Expr {
                                kind: ExprKind::Field(Box::new(e), f),
                                span,
                            };
                        }
                    }
                }
                _ => break Ok(e),
            }
        };
        self.depth = entry_depth;
        r
    }

    /// A parenthesised, bracketed or braced list; `no_in` is off inside.
    fn delimited<T>(
        &mut self,
        close: Tok,
        mut each: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let saved = std::mem::replace(&mut self.no_in, false);
        let mut out = Vec::new();
        let r = loop {
            if self.at(&close) {
                break Ok(());
            }
            match each(self) {
                Ok(x) => out.push(x),
                Err(f) => break Err(f),
            }
            if !self.eat(&Tok::Comma) {
                break Ok(());
            }
        };
        self.no_in = saved;
        r?;
        self.expect(close)?;
        Ok(out)
    }

    fn primary(&mut self) -> PResult<Expr> {
        let start = self.span();
        let tok = self.peek().clone();
        let kind = match tok {
            Tok::Int(n) => {
                self.bump();
                ExprKind::Int(n)
            }
            Tok::LParen => {
                self.bump();
                let mut items = self.delimited(Tok::RParen, |p| p.expr())?;
                match items.len() {
                    0 => {
                        self.diags.push(
                            Diag::error(start.to(self.prev_span()), "empty parentheses")
                                .label("`()` is not a value")
                                .help("a tuple has at least two elements, e.g. `(a, b)`"),
                        );
                        return Err(Failed);
                    }
                    1 => {
                        let mut e = items.pop().expect("one element");
                        e.span = start.to(self.prev_span());
                        return Ok(e);
                    }
                    _ => ExprKind::Tuple(items),
                }
            }
            Tok::LBrace => {
                self.bump();
                return self.brace_expr(start);
            }
            Tok::LBracket => {
                self.bump();
                return self.bracket_expr(start);
            }
            Tok::Ident(name) => match name.as_str() {
                "true" | "false" => {
                    self.bump();
                    ExprKind::Bool(name == "true")
                }
                "self" => {
                    self.bump();
                    ExprKind::SelfRef
                }
                "none" => {
                    self.bump();
                    ExprKind::NoneLit
                }
                "some" => {
                    self.bump();
                    self.expect(Tok::LParen)?;
                    let mut args = self.delimited(Tok::RParen, |p| p.expr())?;
                    if args.len() != 1 {
                        self.diags.push(
                            Diag::error(start.to(self.prev_span()), "`some` takes one value")
                                .label(format!("{} given", args.len()))
                                .help("write `some(x)`"),
                        );
                        return Err(Failed);
                    }
                    ExprKind::Some(Box::new(args.pop().expect("one argument")))
                }
                "if" => {
                    self.bump();
                    let c = self.expr()?;
                    if self.at(&Tok::LBrace) {
                        self.diags.push(
                            Diag::error(self.span(), "a block in an `if` expression")
                                .label("expected `then`")
                                .help("in an expression write `if c then a else b`; blocks are for statements in actions"),
                        );
                        return Err(Failed);
                    }
                    self.expect_kw("then")?;
                    let t = self.expr()?;
                    if !self.at_kw("else") {
                        let e = self.expected("`else`");
                        if let Some(d) = self.diags.last_mut() {
                            d.help = Some("an `if` expression needs an `else` branch: it must have a value either way".into());
                        }
                        return Err(e);
                    }
                    self.bump();
                    let e = self.expr()?;
                    ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
                }
                "let" => {
                    self.bump();
                    let name = self.ident("a name")?;
                    self.expect(Tok::Assign)?;
                    let saved = std::mem::replace(&mut self.no_in, true);
                    let v = self.expr();
                    self.no_in = saved;
                    let v = v?;
                    self.expect_kw("in")?;
                    let body = self.expr()?;
                    ExprKind::Let(name, Box::new(v), Box::new(body))
                }
                "choose" => {
                    self.bump();
                    let x = self.ident("a bound name")?;
                    self.expect_kw("in")?;
                    let set = self.expr_bp(BP_RANGE)?;
                    self.expect(Tok::Colon)?;
                    let pred = self.expr()?;
                    ExprKind::Choose(x, Box::new(set), Box::new(pred))
                }
                "forall" | "exists" => {
                    self.bump();
                    let q = if name == "forall" {
                        Quant::Forall
                    } else {
                        Quant::Exists
                    };
                    let binders = self.binders()?;
                    self.expect(Tok::Colon)?;
                    let body = self.expr()?;
                    ExprKind::Quant(q, binders, Box::new(body))
                }
                _ if super::is_keyword(&name) => {
                    return Err(self.expected("an expression"));
                }
                _ => {
                    let sp = self.bump().span;
                    let id = Ident { name, span: sp };
                    if self.at(&Tok::LParen) && !self.at_line_start() {
                        self.bump();
                        let args = self.delimited(Tok::RParen, |p| p.expr())?;
                        ExprKind::Call(id, args)
                    } else {
                        ExprKind::Name(id.name)
                    }
                }
            },
            _ => return Err(self.expected("an expression")),
        };
        Ok(Expr {
            kind,
            span: start.to(self.prev_span()),
        })
    }

    /// After `{`: a set literal, a comprehension, a filter or a record.
    fn brace_expr(&mut self, start: Span) -> PResult<Expr> {
        let saved = std::mem::replace(&mut self.no_in, false);
        let r = self.brace_expr_inner(start);
        self.no_in = saved;
        r
    }

    fn brace_expr_inner(&mut self, start: Span) -> PResult<Expr> {
        let done = |p: &mut Self, kind| {
            Ok(Expr {
                kind,
                span: start.to(p.prev_span()),
            })
        };
        if self.eat(&Tok::RBrace) {
            return done(self, ExprKind::SetLit(Vec::new()));
        }
        if matches!(self.peek(), Tok::Ident(s) if !super::is_keyword(s))
            && self.peek_at(1) == &Tok::Colon
        {
            let fields = self.delimited(Tok::RBrace, |p| {
                let f = p.ident("a field name")?;
                p.expect(Tok::Colon)?;
                Ok((f, p.expr()?))
            })?;
            return done(self, ExprKind::Record(fields));
        }
        let first = self.expr()?;
        if self.eat_kw("for") {
            let binders = self.binders()?;
            let filter = if self.eat_kw("if") {
                Some(Box::new(self.expr()?))
            } else {
                None
            };
            self.expect(Tok::RBrace)?;
            return done(self, ExprKind::SetComp(Box::new(first), binders, filter));
        }
        if self.at_kw("where") {
            let where_span = self.span();
            self.bump();
            let ExprKind::Binary(BinOp::In, var, set) = first.kind else {
                self.diags.push(
                    Diag::error(first.span, "a filter starts with `x in S`")
                        .label("expected `name in set` before `where`")
                        .note(where_span, "filter")
                        .help("write `{ x in S where p(x) }`"),
                );
                return Err(Failed);
            };
            let ExprKind::Name(n) = var.kind else {
                self.diags.push(
                    Diag::error(var.span, "a filter binds a plain name")
                        .label("expected a name")
                        .help("write `{ x in S where p(x) }`"),
                );
                return Err(Failed);
            };
            let id = Ident {
                name: n,
                span: var.span,
            };
            let pred = self.expr()?;
            self.expect(Tok::RBrace)?;
            return done(self, ExprKind::SetFilter(id, set, Box::new(pred)));
        }
        let mut items = vec![first];
        if self.eat(&Tok::Comma) {
            items.extend(self.delimited(Tok::RBrace, |p| p.expr())?);
        } else {
            self.expect(Tok::RBrace)?;
        }
        done(self, ExprKind::SetLit(items))
    }

    /// After `[`: a sequence, a map literal, or a map comprehension.
    fn bracket_expr(&mut self, start: Span) -> PResult<Expr> {
        let saved = std::mem::replace(&mut self.no_in, false);
        let r = self.bracket_expr_inner(start);
        self.no_in = saved;
        r
    }

    fn bracket_expr_inner(&mut self, start: Span) -> PResult<Expr> {
        let done = |p: &mut Self, kind| {
            Ok(Expr {
                kind,
                span: start.to(p.prev_span()),
            })
        };
        if self.eat(&Tok::RBracket) {
            return done(self, ExprKind::SeqLit(Vec::new()));
        }
        let first = self.expr()?;
        if self.eat(&Tok::Arrow) {
            if let ExprKind::Binary(BinOp::In, var, set) = &first.kind
                && let ExprKind::Name(n) = &var.kind
            {
                let id = Ident {
                    name: n.clone(),
                    span: var.span,
                };
                let body = self.expr()?;
                self.expect(Tok::RBracket)?;
                return done(self, ExprKind::MapComp(id, set.clone(), Box::new(body)));
            }
            let v = self.expr()?;
            let mut pairs = vec![(first, v)];
            if self.eat(&Tok::Comma) {
                pairs.extend(self.delimited(Tok::RBracket, |p| {
                    let k = p.expr()?;
                    p.expect(Tok::Arrow)?;
                    Ok((k, p.expr()?))
                })?);
            } else {
                self.expect(Tok::RBracket)?;
            }
            return done(self, ExprKind::MapLit(pairs));
        }
        let mut items = vec![first];
        if self.eat(&Tok::Comma) {
            items.extend(self.delimited(Tok::RBracket, |p| p.expr())?);
        } else {
            self.expect(Tok::RBracket)?;
        }
        done(self, ExprKind::SeqLit(items))
    }
}
