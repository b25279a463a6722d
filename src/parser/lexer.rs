//! The lexer: source text to tokens with spans.
//!
//! It never fails as a whole: a character it does not know becomes an error
//! diagnostic and is skipped, so the parser always gets a token stream ending
//! in `Eof`. Comments are `// …` to the end of the line and `/* … */`.

use crate::diag::{Diag, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Int(i64),
    // punctuation
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Semi,
    Dot,
    DotDot,
    Assign,
    PlusAssign,
    MinusAssign,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Arrow,
    Pipe,
    Underscore,
    Eof,
}

impl Tok {
    /// How the token reads in a message: `` `+` ``, `name `x``, `end of file`.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) if crate::parser::is_keyword(s) => format!("keyword `{s}`"),
            Tok::Ident(s) => format!("name `{s}`"),
            Tok::Int(n) => format!("number `{n}`"),
            Tok::Eof => "end of file".to_string(),
            t => format!("`{}`", t.text()),
        }
    }
    pub fn text(&self) -> &'static str {
        match self {
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::Semi => ";",
            Tok::Dot => ".",
            Tok::DotDot => "..",
            Tok::Assign => "=",
            Tok::PlusAssign => "+=",
            Tok::MinusAssign => "-=",
            Tok::EqEq => "==",
            Tok::NotEq => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Arrow => "->",
            Tok::Pipe => "|",
            Tok::Underscore => "_",
            Tok::Ident(_) | Tok::Int(_) | Tok::Eof => "",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
    /// First token on its line: error recovery resynchronises on these.
    pub line_start: bool,
}

pub fn lex(src: &str, diags: &mut Vec<Diag>) -> Vec<Token> {
    let b = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    let mut bad_run: Option<Span> = None;
    let flush_bad = |bad: &mut Option<Span>, diags: &mut Vec<Diag>| {
        if let Some(sp) = bad.take() {
            let what = &src[sp.start..sp.end];
            let first = what.chars().next().unwrap_or(' ');
            let d = if first == '\0' || (first.is_control() && first != '\t') {
                Diag::error(sp, "unexpected control character in the spec")
                    .label("not a character a spec can contain")
                    .help("is this a binary file? kripke reads spec text (`.dsl`)")
            } else {
                Diag::error(sp, format!("unexpected character `{first}`"))
                    .label("not part of the language")
                    .help("names use letters, digits and `_`; see docs/language.md for operators")
            };
            diags.push(d);
        }
    };
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if c == b' ' || c == b'\t' || c == b'\r' {
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let start = i;
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                if b[i] == b'\n' {
                    line_start = true;
                }
                i += 1;
            }
            if i >= b.len() {
                diags.push(
                    Diag::error(Span::new(start, start + 2), "unterminated block comment")
                        .label("this comment never ends")
                        .help("close it with `*/`"),
                );
            } else {
                i += 2;
            }
            continue;
        }
        let start = i;
        let tok = if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let s = &src[start..i];
            if s == "_" {
                Tok::Underscore
            } else {
                Tok::Ident(s.to_string())
            }
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
                i += 1;
            }
            let digits: String = src[start..i].chars().filter(|c| *c != '_').collect();
            match digits.parse::<i64>() {
                Ok(n) => Tok::Int(n),
                Err(_) => {
                    diags.push(
                        Diag::error(Span::new(start, i), "number too large")
                            .label("does not fit in a 64-bit integer")
                            .help("integers in kripke range over -2^63 .. 2^63-1"),
                    );
                    Tok::Int(0)
                }
            }
        } else if let Some((len, word)) = alias(&src[i..]) {
            // Operators from other languages: say what to write, and read
            // them as meant so that the rest of the spec parses normally.
            i += len;
            diags.push(
                Diag::error(Span::new(start, i), format!("`{}` is not a kripke operator", &src[start..i]))
                    .label(format!("write `{word}`"))
                    .help("kripke spells logic and set operators as words: and, or, not, implies, in, subset, union, intersect"),
            );
            Tok::Ident(word.to_string())
        } else {
            let two = |a: u8| b.get(i + 1) == Some(&a);
            let (t, n) = match c {
                b'(' => (Tok::LParen, 1),
                b')' => (Tok::RParen, 1),
                b'[' => (Tok::LBracket, 1),
                b']' => (Tok::RBracket, 1),
                b'{' => (Tok::LBrace, 1),
                b'}' => (Tok::RBrace, 1),
                b',' => (Tok::Comma, 1),
                b':' => (Tok::Colon, 1),
                b';' => (Tok::Semi, 1),
                b'.' if two(b'.') => (Tok::DotDot, 2),
                b'.' => (Tok::Dot, 1),
                b'=' if two(b'=') => (Tok::EqEq, 2),
                b'=' => (Tok::Assign, 1),
                b'!' if two(b'=') => (Tok::NotEq, 2),
                b'<' if two(b'=') => (Tok::Le, 2),
                b'<' => (Tok::Lt, 1),
                b'>' if two(b'=') => (Tok::Ge, 2),
                b'>' => (Tok::Gt, 1),
                b'+' if two(b'=') => (Tok::PlusAssign, 2),
                b'+' => (Tok::Plus, 1),
                b'-' if two(b'=') => (Tok::MinusAssign, 2),
                b'-' if two(b'>') => (Tok::Arrow, 2),
                b'-' => (Tok::Minus, 1),
                b'*' => (Tok::Star, 1),
                b'/' => (Tok::Slash, 1),
                b'%' => (Tok::Percent, 1),
                b'|' => (Tok::Pipe, 1),
                _ => {
                    // Unknown character (possibly multi-byte): merge a run of
                    // them into one diagnostic.
                    let len = src[i..].chars().next().map_or(1, char::len_utf8);
                    i += len;
                    match &mut bad_run {
                        Some(sp) if sp.end == start => sp.end = i,
                        _ => {
                            flush_bad(&mut bad_run, diags);
                            bad_run = Some(Span::new(start, i));
                        }
                    }
                    continue;
                }
            };
            i += n;
            t
        };
        flush_bad(&mut bad_run, diags);
        toks.push(Token {
            tok,
            span: Span::new(start, i),
            line_start,
        });
        line_start = false;
    }
    flush_bad(&mut bad_run, diags);
    toks.push(Token {
        tok: Tok::Eof,
        span: Span::new(src.len(), src.len()),
        line_start: true,
    });
    toks
}

/// Operators of C, TLA+ and friends that users type out of habit, with the
/// kripke word for each.
fn alias(rest: &str) -> Option<(usize, &'static str)> {
    const ALIASES: &[(&str, &str)] = &[
        ("&&", "and"),
        ("||", "or"),
        ("=>", "implies"),
        ("/\\", "and"),
        ("\\/", "or"),
        ("\\in", "in"),
        ("\\subseteq", "subset"),
        ("\\cup", "union"),
        ("\\union", "union"),
        ("\\cap", "intersect"),
        ("\\intersect", "intersect"),
        ("~", "not"),
    ];
    if rest.starts_with('!') && !rest.starts_with("!=") {
        return Some((1, "not"));
    }
    ALIASES.iter().find_map(|(op, word)| {
        let after = rest.as_bytes().get(op.len()).copied().unwrap_or(b' ');
        let word_op = op.ends_with(|c: char| c.is_ascii_alphabetic());
        (rest.starts_with(op) && !(word_op && (after.is_ascii_alphanumeric() || after == b'_')))
            .then_some((op.len(), *word))
    })
}
