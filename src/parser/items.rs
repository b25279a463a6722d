//! Items (declarations), types, blocks and statements.

use super::ast::*;
use super::lexer::Tok;
use super::{Failed, ITEM_START, PResult, Parser};
use crate::diag::Diag;

impl Parser<'_> {
    pub(crate) fn spec_file(&mut self) -> SpecFile {
        let mut file = SpecFile::default();
        if self.at(&Tok::Eof) {
            self.diags.push(
                Diag::error(self.span(), "the spec is empty")
                    .label("nothing here")
                    .help("a spec starts with `spec Name`; see docs/language.md for an example"),
            );
            return file;
        }
        if self.at_kw("spec") {
            self.bump();
            match self.ident("a spec name") {
                Ok(id) => file.name = Some(id),
                Err(Failed) => self.recover(),
            }
        } else {
            self.diags.push(
                Diag::error(self.span(), "a spec must start with `spec Name`")
                    .label("expected `spec` here")
                    .help("add a first line such as `spec TwoPhaseCommit`"),
            );
        }
        file.items = self.items(false);
        file
    }

    /// Items until end of file, or until `}` when `in_block`.
    fn items(&mut self, in_block: bool) -> Vec<Item> {
        let mut items = Vec::new();
        loop {
            if self.too_deep {
                return items;
            }
            match self.peek() {
                Tok::Eof => return items,
                Tok::RBrace if in_block => return items,
                Tok::RBrace if self.recovering => {
                    self.bump();
                    continue;
                }
                Tok::Semi => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let start = self.span();
            match self.item(in_block) {
                Ok(kind) => {
                    self.recovering = false;
                    items.push(Item {
                        kind,
                        span: start.to(self.prev_span()),
                    })
                }
                Err(Failed) => self.recover(),
            }
        }
    }

    fn fairness(&mut self) -> Fairness {
        if self.eat_kw("strong") {
            // `strong fair action …`: `fair` is checked by the caller.
            Fairness::Strong
        } else if self.at_kw("fair") {
            Fairness::Weak
        } else {
            Fairness::None
        }
    }

    fn item(&mut self, in_block: bool) -> PResult<ItemKind> {
        let kw = match self.peek() {
            Tok::Ident(s) if ITEM_START.contains(&s.as_str()) => s.clone(),
            // Words that start an item only here, and are names elsewhere.
            Tok::Ident(s)
                if s == "durable" && matches!(self.peek_at(1), Tok::Ident(v) if v == "var") =>
            {
                s.clone()
            }
            Tok::Ident(s) if s == "partition" && !in_block => s.clone(),
            _ => {
                let what = if in_block {
                    "`var`, `action`, `on` or `}`"
                } else {
                    "a declaration (`const`, `var`, `action`, `invariant`, …)"
                };
                let e = self.expected(what);
                if let Some(d) = self.diags.last_mut()
                    && matches!(self.toks[self.pos].tok, Tok::Ident(_))
                {
                    d.help = Some(
                        "statements such as assignments belong inside an `action { … }` body"
                            .to_string(),
                    );
                }
                return Err(e);
            }
        };
        match kw.as_str() {
            "spec" => {
                let sp = self.bump().span;
                self.diags.push(
                    Diag::error(sp, "`spec` may appear only once, at the start of the file")
                        .label("second `spec` header"),
                );
                Err(Failed)
            }
            "const" => {
                self.bump();
                let name = self.ident("a constant name")?;
                let ty = if self.eat(&Tok::Colon) {
                    Some(self.ty()?)
                } else {
                    None
                };
                self.expect(Tok::Assign)?;
                let value = self.expr()?;
                Ok(ItemKind::Const { name, ty, value })
            }
            "enum" => {
                self.bump();
                let name = self.ident("an enum name")?;
                self.expect(Tok::LBrace)?;
                let members = self.ident_list(Tok::RBrace, "an enum member")?;
                Ok(ItemKind::Enum { name, members })
            }
            "nodes" | "values" => {
                self.bump();
                let kind = if kw == "nodes" {
                    SetKind::Nodes
                } else {
                    SetKind::Values
                };
                let name = self.ident("a set name")?;
                self.expect(Tok::Assign)?;
                let members = if self.eat(&Tok::LBrace) {
                    Members::Names(self.ident_list(Tok::RBrace, "a member name")?)
                } else {
                    Members::Count(self.expr_bp(super::expr::BP_RANGE)?)
                };
                let symmetric = self.eat_kw_ctx("symmetric");
                Ok(ItemKind::Set {
                    kind,
                    name,
                    members,
                    symmetric,
                })
            }
            "node" => {
                self.bump();
                let name = self.ident("a node name")?;
                let body = if self.at(&Tok::LBrace) {
                    self.bump();
                    self.enter()?;
                    let items = self.items(true);
                    self.leave();
                    self.expect(Tok::RBrace)?;
                    Some(items)
                } else {
                    None
                };
                Ok(ItemKind::Node { name, body })
            }
            "message" => {
                self.bump();
                let name = self.ident("a message name")?;
                let fields = if self.at(&Tok::LParen) {
                    self.params()?
                } else {
                    Vec::new()
                };
                Ok(ItemKind::Message { name, fields })
            }
            "network" => {
                self.bump();
                let name = self.ident("a network name")?;
                self.expect(Tok::Colon)?;
                let kind = self.ident("`set`, `bag` or `fifo`")?;
                self.expect(Tok::Lt)?;
                let msg = self.ty()?;
                self.expect(Tok::Gt)?;
                let mut options = Vec::new();
                if self.eat_kw_ctx("with") {
                    loop {
                        let name =
                            self.ident("a network option (`capacity`, `loss`, `duplication`)")?;
                        let value = if !self.at(&Tok::Comma) && !self.at_line_start() {
                            Some(self.expr_bp(super::expr::BP_RANGE)?)
                        } else {
                            None
                        };
                        options.push(NetOption { name, value });
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                }
                Ok(ItemKind::Network {
                    name,
                    kind,
                    msg,
                    options,
                })
            }
            "durable" | "var" => {
                // `durable var`: kept across a crash and recovery (`crash … with recovery`).
                let durable = self.eat_kw("durable");
                self.expect_kw("var")?;
                let name = self.ident("a variable name")?;
                self.expect(Tok::Colon)?;
                let ty = self.ty()?;
                let init = if self.eat(&Tok::Assign) {
                    Some(VarInit::Value(self.expr()?))
                } else if self.eat_kw("in") {
                    Some(VarInit::OneOf(self.expr()?))
                } else {
                    None
                };
                Ok(ItemKind::Var {
                    name,
                    ty,
                    init,
                    durable,
                })
            }
            "fn" => {
                self.bump();
                let name = self.ident("a function name")?;
                let params = self.params()?;
                self.expect(Tok::Colon)?;
                let ret = self.ty()?;
                self.expect(Tok::Assign)?;
                let body = self.expr()?;
                Ok(ItemKind::Fn {
                    name,
                    params,
                    ret,
                    body,
                })
            }
            "fair" | "strong" | "action" | "on" => {
                let fairness = self.fairness();
                if fairness != Fairness::None {
                    self.expect_kw("fair")?;
                }
                if self.eat_kw("action") {
                    let name = self.ident("an action name")?;
                    let params = if self.at(&Tok::LParen) {
                        self.params()?
                    } else {
                        Vec::new()
                    };
                    let body = self.block()?;
                    Ok(ItemKind::Action {
                        fairness,
                        name,
                        params,
                        body,
                        fault: None,
                    })
                } else if self.eat_kw("on") {
                    let msg = self.ident("a message name")?;
                    let binds = if self.eat(&Tok::LParen) {
                        self.ident_list(Tok::RParen, "a name for a message field")?
                    } else {
                        Vec::new()
                    };
                    let network = if self.eat_kw_ctx("via") {
                        Some(self.ident("a network name")?)
                    } else {
                        None
                    };
                    let body = self.block()?;
                    Ok(ItemKind::On {
                        fairness,
                        msg,
                        binds,
                        network,
                        body,
                    })
                } else {
                    Err(self.expected("`action` or `on`"))
                }
            }
            "invariant" | "property" => {
                self.bump();
                let name = self.ident(&format!("a name for the {kw}"))?;
                self.expect(Tok::Colon)?;
                let expr = self.expr()?;
                Ok(if kw == "invariant" {
                    ItemKind::Invariant { name, expr }
                } else {
                    ItemKind::Property { name, expr }
                })
            }
            "constraint" => {
                self.bump();
                let name = if matches!(self.peek(), Tok::Ident(_)) && self.peek_at(1) == &Tok::Colon
                {
                    let n = self.ident("a constraint name")?;
                    self.bump();
                    Some(n)
                } else {
                    None
                };
                let expr = self.expr()?;
                Ok(ItemKind::Constraint { name, expr })
            }
            "terminal" => {
                self.bump();
                Ok(ItemKind::Terminal { expr: self.expr()? })
            }
            "crash" => {
                self.bump();
                let node = self.ident("a node or node set")?;
                let limit = if self.eat_kw_ctx("up") {
                    if !self.eat_kw_ctx("to") {
                        return Err(self.expected("`to` (as in `crash RM up to 1`)"));
                    }
                    Some(self.expr()?)
                } else {
                    None
                };
                let recover = if self.eat_kw_ctx("with") {
                    self.expect_kw("recovery")?;
                    true
                } else {
                    false
                };
                Ok(ItemKind::Crash {
                    node,
                    limit,
                    recover,
                })
            }
            "partition" => {
                self.bump();
                let heal = if self.eat_kw_ctx("with") {
                    self.expect_kw("heal")?;
                    true
                } else {
                    false
                };
                Ok(ItemKind::Partition { heal })
            }
            "expect" => {
                self.bump();
                // `expect deadlock` / `expect no deadlock`: deadlock freedom,
                // as the name `deadlock`, violated or holding.
                let no = matches!(self.peek(), Tok::Ident(s) if s == "no")
                    && matches!(self.toks.get(self.pos + 1).map(|t| &t.tok), Some(Tok::Ident(s)) if s == "deadlock");
                if no {
                    self.bump();
                }
                let name = self.ident("the name of an invariant or property")?;
                let next_is = |p: &Self, w: &str| matches!(p.peek(), Tok::Ident(s) if s == w);
                if name.name == "deadlock" && !next_is(self, "holds") && !next_is(self, "violated")
                {
                    return Ok(ItemKind::Expect { name, holds: no });
                }
                let holds = if self.eat_kw_ctx("holds") {
                    true
                } else if self.eat_kw_ctx("violated") {
                    false
                } else {
                    return Err(self.expected("`holds` or `violated`"));
                };
                Ok(ItemKind::Expect { name, holds })
            }
            _ => Err(self.expected("a declaration")),
        }
    }

    /// A contextual keyword: a plain name elsewhere (`symmetric`, `with`, …).
    fn eat_kw_ctx(&mut self, kw: &str) -> bool {
        self.eat_kw(kw)
    }

    /// `a, b, c` followed by `close`.
    fn ident_list(&mut self, close: Tok, what: &str) -> PResult<Vec<Ident>> {
        let mut out = Vec::new();
        while !self.at(&close) {
            out.push(self.ident(what)?);
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        self.expect(close)?;
        Ok(out)
    }

    /// `(name: Type, …)`
    fn params(&mut self) -> PResult<Vec<Param>> {
        self.expect(Tok::LParen)?;
        let mut out = Vec::new();
        while !self.at(&Tok::RParen) {
            let name = self.ident("a parameter name")?;
            if !self.at(&Tok::Colon) {
                let e = self.expected("`:` and a type");
                if let Some(d) = self.diags.last_mut() {
                    d.help = Some(format!(
                        "every parameter has a type, e.g. `{}: RM`",
                        name.name
                    ));
                }
                return Err(e);
            }
            self.bump();
            let ty = self.ty()?;
            out.push(Param { name, ty });
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::RParen)?;
        Ok(out)
    }

    pub(crate) fn ty(&mut self) -> PResult<TypeExpr> {
        self.enter()?;
        let r = super::grow(|| self.ty_inner());
        self.leave();
        r
    }

    fn ty_inner(&mut self) -> PResult<TypeExpr> {
        use super::expr::BP_ADD;
        let start = self.span();
        let kind = match self.peek().clone() {
            Tok::Ident(name) if !super::is_keyword(&name) && self.peek_at(1) != &Tok::DotDot => {
                let id = self.ident("a type")?;
                if self.eat(&Tok::Lt) {
                    let mut args = Vec::new();
                    loop {
                        // `seq<T, N>`: the bound is an expression.
                        if id.name == "seq" && args.len() == 1 {
                            args.push(TypeArg::Bound(self.expr_bp(BP_ADD)?));
                        } else {
                            args.push(TypeArg::Type(self.ty()?));
                        }
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                    self.expect(Tok::Gt)?;
                    TypeKind::Generic(id, args)
                } else {
                    TypeKind::Named(id)
                }
            }
            Tok::LBrace => {
                self.bump();
                if matches!(self.peek(), Tok::Ident(_)) && self.peek_at(1) == &Tok::Colon {
                    let mut fields = Vec::new();
                    while !self.at(&Tok::RBrace) {
                        let f = self.ident("a field name")?;
                        self.expect(Tok::Colon)?;
                        let t = self.ty()?;
                        fields.push((f, t));
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                    self.expect(Tok::RBrace)?;
                    TypeKind::Record(fields)
                } else {
                    TypeKind::InlineEnum(self.ident_list(Tok::RBrace, "an enum member")?)
                }
            }
            Tok::LParen => {
                self.bump();
                let mut elems = Vec::new();
                while !self.at(&Tok::RParen) {
                    elems.push(self.ty()?);
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
                self.expect(Tok::RParen)?;
                TypeKind::Tuple(elems)
            }
            Tok::Int(_) | Tok::Minus | Tok::Ident(_) => {
                let lo = self.expr_bp(BP_ADD)?;
                if !self.at(&Tok::DotDot) {
                    return Err(self.expected("`..` in an integer range such as `0..3`"));
                }
                self.bump();
                let hi = self.expr_bp(BP_ADD)?;
                TypeKind::Range(Box::new(lo), Box::new(hi))
            }
            _ => return Err(self.expected("a type")),
        };
        Ok(TypeExpr {
            kind,
            span: start.to(self.prev_span()),
        })
    }

    pub(crate) fn block(&mut self) -> PResult<Block> {
        self.enter()?;
        let r = super::grow(|| self.block_inner());
        self.leave();
        r
    }

    fn block_inner(&mut self) -> PResult<Block> {
        let start = self.expect(Tok::LBrace)?;
        let mut stmts = Vec::new();
        loop {
            while self.eat(&Tok::Semi) {}
            if self.at(&Tok::RBrace) || self.at(&Tok::Eof) {
                break;
            }
            stmts.push(self.stmt()?);
        }
        let end = self.expect(Tok::RBrace)?;
        Ok(Block {
            stmts,
            span: start.to(end),
        })
    }

    fn stmt(&mut self) -> PResult<Stmt> {
        let start = self.span();
        let kind = if self.eat_kw("require") {
            StmtKind::Require(self.expr()?)
        } else if self.eat_kw("send") {
            let m = self.expr()?;
            let to = if self.eat_kw("to") {
                Some(self.expr()?)
            } else {
                None
            };
            let via = if self.eat_kw_ctx("via") {
                Some(self.ident("a network name")?)
            } else {
                None
            };
            StmtKind::Send(m, to, via)
        } else if self.at_kw("if") {
            return self.if_stmt();
        } else if self.eat_kw("pick") {
            let binders = self.binders()?;
            StmtKind::Pick(binders, self.block()?)
        } else if self.eat_kw("either") {
            let mut arms = vec![self.block()?];
            while self.eat_kw("or") {
                arms.push(self.block()?);
            }
            if arms.len() < 2 {
                return Err(self.expected("`or { … }` after `either { … }`"));
            }
            StmtKind::Either(arms)
        } else if self.eat_kw("let") {
            let name = self.ident("a name")?;
            self.expect(Tok::Assign)?;
            StmtKind::Let(name, self.expr()?)
        } else {
            if let Tok::Ident(s) = self.peek()
                && ITEM_START.contains(&s.as_str())
            {
                let sp = self.span();
                self.diags.push(
                    Diag::error(sp, format!("`{s}` cannot appear inside an action body"))
                        .label("declarations go at the top level or in a `node` block")
                        .help("close the action body with `}` first"),
                );
                return Err(Failed);
            }
            let target = self.expr()?;
            if let ExprKind::Binary(
                op @ (BinOp::Eq
                | BinOp::Ne
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::In
                | BinOp::NotIn
                | BinOp::And
                | BinOp::Or),
                ..,
            ) = &target.kind
                && !matches!(
                    self.peek(),
                    Tok::Assign | Tok::PlusAssign | Tok::MinusAssign
                )
            {
                self.diags.push(
                    Diag::error(target.span, "a condition on its own is not a statement")
                        .label(format!("this `{}` expression is true or false", op.text()))
                        .help("to make the step conditional write `require …`; to assign write `x = e`"),
                );
                return Err(Failed);
            }
            let op = match self.peek() {
                Tok::Assign => AssignOp::Set,
                Tok::PlusAssign => AssignOp::Add,
                Tok::MinusAssign => AssignOp::Sub,
                Tok::EqEq => {
                    return Err(self.expected_stmt_help(
                        "`==` compares; to make a step conditional write `require a == b`, to assign write `a = b`",
                    ));
                }
                _ => {
                    return Err(self.expected_stmt_help(
                        "a statement is `require`, `send`, `if`, `pick`, `either`, `let` or an assignment `x = e`",
                    ));
                }
            };
            self.bump();
            let value = self.expr()?;
            StmtKind::Assign(target, op, value)
        };
        Ok(Stmt {
            kind,
            span: start.to(self.prev_span()),
        })
    }

    fn expected_stmt_help(&mut self, help: &str) -> Failed {
        let f = self.expected("`=`, `+=` or `-=`");
        if let Some(d) = self.diags.last_mut() {
            d.help = Some(help.to_string());
        }
        f
    }

    fn if_stmt(&mut self) -> PResult<Stmt> {
        let start = self.expect_kw("if")?;
        let cond = self.expr()?;
        if self.at_kw("then") {
            let sp = self.span();
            self.diags.push(
                Diag::error(sp, "`then` in an `if` statement")
                    .label("statements take a block here")
                    .help("write `if cond { … } else { … }`; `if … then … else …` is the expression form"),
            );
            return Err(Failed);
        }
        let then = self.block()?;
        let els = if self.eat_kw("else") {
            if self.at_kw("if") {
                self.enter()?;
                let inner = super::grow(|| self.if_stmt());
                self.leave();
                let inner = inner?;
                let span = inner.span;
                Some(Block {
                    stmts: vec![inner],
                    span,
                })
            } else {
                Some(self.block()?)
            }
        } else {
            None
        };
        Ok(Stmt {
            kind: StmtKind::If(cond, then, els),
            span: start.to(self.prev_span()),
        })
    }

    /// `x, y in S, z in T` (as in quantifiers, comprehensions and `pick`).
    pub(crate) fn binders(&mut self) -> PResult<Vec<Binder>> {
        let mut out = Vec::new();
        loop {
            let mut names = vec![self.ident("a bound name")?];
            while self.eat(&Tok::Comma) {
                names.push(self.ident("a bound name")?);
            }
            self.expect_kw("in")?;
            let set = self.expr_bp(super::expr::BP_RANGE)?;
            out.push(Binder { names, set });
            if !(self.at(&Tok::Comma) && matches!(self.peek_at(1), Tok::Ident(_))) {
                break;
            }
            self.bump();
        }
        Ok(out)
    }
}
