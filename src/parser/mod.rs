//! The parser: spec text to an [`ast::SpecFile`], plus diagnostics.
//!
//! A hand-written recursive-descent parser with precedence climbing for
//! expressions. It never panics and never recurses without bound: every
//! nesting level (brackets, blocks, prefix operators, operator chains) counts
//! against [`MAX_NESTING`], and passing it stops the parse with one diagnostic.
//! That bound is what lets sema and the evaluator recurse over the tree.
//!
//! On a syntax error inside an item the parser reports it and skips to the
//! next line that starts an item, so one run reports the errors of every item.

pub mod ast;
mod expr;
mod items;
pub mod lexer;
#[cfg(test)]
mod tests;

use crate::diag::{Diag, Span};
use ast::*;
use lexer::{Tok, Token};

/// Deepest nesting of expressions, types and blocks a spec may use.
pub const MAX_NESTING: usize = 200;

/// Runs `f` with enough stack for one more nesting level. The nesting bound
/// keeps recursion finite; this keeps it safe on any thread, including a
/// debug build on a 2 MiB test thread, by moving to a fresh stack segment
/// when less than the red zone is left (the technique rustc uses).
pub fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, f)
}

/// Reserved words other than those that begin an item.
const OTHER_KEYWORDS: &[&str] = &[
    "require",
    "send",
    "if",
    "then",
    "else",
    "pick",
    "either",
    "or",
    "let",
    "forall",
    "exists",
    "and",
    "not",
    "implies",
    "in",
    "true",
    "false",
    "self",
    "none",
    "some",
    "always",
    "eventually",
    "leads_to",
    "union",
    "intersect",
    "minus",
    "subset",
    "is",
    "for",
    "where",
    "to",
    "choose",
];

pub fn is_keyword(s: &str) -> bool {
    ITEM_START.contains(&s) || OTHER_KEYWORDS.contains(&s)
}

/// Words that begin an item; error recovery restarts at these.
const ITEM_START: &[&str] = &[
    "terminal",
    "crash",
    "spec",
    "const",
    "enum",
    "nodes",
    "values",
    "node",
    "message",
    "network",
    "var",
    "fn",
    "action",
    "on",
    "fair",
    "strong",
    "invariant",
    "property",
    "constraint",
    "expect",
];

/// Raised when a parse function has already reported an error.
#[derive(Debug)]
pub(crate) struct Failed;
pub(crate) type PResult<T> = Result<T, Failed>;

pub(crate) struct Parser<'a> {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Set while the nesting limit has been hit: all parsing stops.
    too_deep: bool,
    /// While parsing `let x = e in …`, `in` ends `e` instead of testing membership.
    no_in: bool,
    /// Set by error recovery: a `}` that then appears at the top level closes
    /// a body whose error was already reported, and is skipped quietly.
    recovering: bool,
    pub(crate) diags: &'a mut Vec<Diag>,
}

/// Parses a whole spec. Diagnostics (lexical and syntactic) go to `diags`.
pub fn parse(src: &str, diags: &mut Vec<Diag>) -> SpecFile {
    let toks = lexer::lex(src, diags);
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
        too_deep: false,
        no_in: false,
        recovering: false,
        diags,
    };
    p.spec_file()
}

impl<'a> Parser<'a> {
    pub(crate) fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }
    pub(crate) fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }
    pub(crate) fn span(&self) -> Span {
        self.toks[self.pos].span
    }
    pub(crate) fn prev_span(&self) -> Span {
        self.toks[self.pos.saturating_sub(1)].span
    }
    pub(crate) fn at_line_start(&self) -> bool {
        self.toks[self.pos].line_start
    }
    pub(crate) fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    pub(crate) fn at(&self, t: &Tok) -> bool {
        self.peek() == t
    }
    pub(crate) fn at_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == kw)
    }
    pub(crate) fn eat(&mut self, t: &Tok) -> bool {
        if self.at(t) {
            self.bump();
            true
        } else {
            false
        }
    }
    pub(crate) fn eat_kw(&mut self, kw: &str) -> bool {
        if self.at_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Reports "expected X, found Y" at the current token.
    pub(crate) fn expected(&mut self, what: &str) -> Failed {
        let found = self.peek().describe();
        // At the end of the file, point just after the last token, where
        // the missing piece belongs, rather than past the final newline.
        let sp = if self.at(&Tok::Eof) && self.pos > 0 {
            let end = self.prev_span().end;
            Span::new(end, end)
        } else {
            self.span()
        };
        let mut d = Diag::error(sp, format!("expected {what}, found {found}"))
            .label(format!("expected {what} here"));
        if let Tok::Ident(s) = self.peek()
            && is_keyword(s)
            && what.contains("name")
        {
            d = d.help(format!("`{s}` is a reserved word; choose another name"));
        }
        self.diags.push(d);
        Failed
    }
    pub(crate) fn expect(&mut self, t: Tok) -> PResult<Span> {
        if self.at(&t) {
            Ok(self.bump().span)
        } else {
            Err(self.expected(&format!("`{}`", t.text())))
        }
    }
    pub(crate) fn expect_kw(&mut self, kw: &str) -> PResult<Span> {
        if self.at_kw(kw) {
            Ok(self.bump().span)
        } else {
            Err(self.expected(&format!("`{kw}`")))
        }
    }
    pub(crate) fn ident(&mut self, what: &str) -> PResult<Ident> {
        match self.peek().clone() {
            Tok::Ident(name) if !is_keyword(&name) => {
                let span = self.bump().span;
                Ok(Ident { name, span })
            }
            _ => Err(self.expected(what)),
        }
    }

    /// Enters one nesting level; fails (once, with a diagnostic) past the limit.
    pub(crate) fn enter(&mut self) -> PResult<()> {
        if self.too_deep {
            return Err(Failed);
        }
        self.depth += 1;
        if self.depth > MAX_NESTING {
            self.too_deep = true;
            let sp = self.span();
            self.diags.push(
                Diag::error(sp, format!("nesting deeper than {MAX_NESTING} levels"))
                    .label("the spec nests too deeply here")
                    .help("split the expression with `let` or a helper `fn`; kripke limits nesting so that no input can exhaust its stack"),
            );
            return Err(Failed);
        }
        Ok(())
    }
    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Skips to the next token that starts an item at the beginning of a line
    /// (or a closing brace at the start of a line, which ends a node block).
    fn recover(&mut self) {
        self.recovering = true;
        if !self.at(&Tok::Eof) {
            self.bump();
        }
        loop {
            match self.peek() {
                Tok::Eof => return,
                Tok::RBrace if self.at_line_start() => return,
                Tok::Ident(s) if self.at_line_start() && ITEM_START.contains(&s.as_str()) => return,
                _ => {
                    self.bump();
                }
            }
        }
    }
}
