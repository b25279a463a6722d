//! Diagnostics: what the front end says about a spec, and how it is rendered.
//!
//! Every problem in a user's spec becomes a [`Diag`] with a byte span into the
//! source, a message in the user's terms and, where there is one, a help line.
//! Rendering goes through miette so that every error looks the same: the
//! `file:line:col` header, the source line, a caret under the span.
//!
//! This module does no I/O: [`render`] returns a `String` and the CLI prints it.

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, Severity, SourceCode, SourceSpan, SpanContents,
};

/// A half-open byte range `[start, end)` in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// One secondary label: a span and what it shows.
#[derive(Clone, Debug)]
pub struct Note {
    pub span: Span,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Diag {
    pub level: Level,
    pub message: String,
    pub span: Span,
    /// Text printed at the caret; empty for none.
    pub label: String,
    pub help: Option<String>,
    pub notes: Vec<Note>,
}

impl Diag {
    pub fn error(span: Span, message: impl Into<String>) -> Diag {
        Diag {
            level: Level::Error,
            message: message.into(),
            span,
            label: String::new(),
            help: None,
            notes: Vec::new(),
        }
    }
    pub fn warning(span: Span, message: impl Into<String>) -> Diag {
        Diag {
            level: Level::Warning,
            ..Diag::error(span, message)
        }
    }
    pub fn label(mut self, text: impl Into<String>) -> Diag {
        self.label = text.into();
        self
    }
    pub fn help(mut self, text: impl Into<String>) -> Diag {
        self.help = Some(text.into());
        self
    }
    pub fn note(mut self, span: Span, text: impl Into<String>) -> Diag {
        self.notes.push(Note {
            span,
            text: text.into(),
        });
        self
    }
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// Sorts diagnostics by position (errors before warnings at the same place),
/// so output order does not depend on which pass found what.
pub fn sort(diags: &mut [Diag]) {
    diags.sort_by_key(|d| (d.span.start, d.level != Level::Error, d.span.end));
}

/// Lines longer than this are shown as a window around the span, so that a
/// 10 MB single-line file gives a readable diagnostic rather than 10 MB of it.
const MAX_SHOWN_LINE: usize = 160;
const WINDOW_MARGIN: usize = 60;

/// Source shown to miette: either the whole file, or, for spans on very long
/// lines, a cut-out window that still reports the real line and column.
struct Shown {
    name: String,
    text: String,
    /// Line and column (0-based) of `text`'s first byte in the real file.
    line0: usize,
    col0: usize,
}

impl SourceCode for Shown {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        let col = if inner.line() == 0 {
            inner.column() + self.col0
        } else {
            inner.column()
        };
        // miette's own `line_count` counts from the top of the file, which
        // makes it merge every pair of labels into one snippet however far
        // apart; counting the lines shown keeps distant labels separate.
        let shown_lines = inner.data().iter().filter(|&&b| b == b'\n').count();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line0,
            col,
            shown_lines,
        )))
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders one diagnostic as text, like `kripke lint` prints it.
pub fn render(name: &str, src: &str, d: &Diag, color: bool) -> String {
    let start = floor_char(src, d.span.start);
    let end = floor_char(src, d.span.end.max(start));
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[end..].find('\n').map_or(src.len(), |i| end + i);
    let spans_lines = src[start..end].contains('\n');
    let (shown, shift) = if line_end - line_start > MAX_SHOWN_LINE && !spans_lines {
        // Cut a window out of the long line; secondary labels elsewhere are dropped.
        let w0 = floor_char(src, start.saturating_sub(WINDOW_MARGIN).max(line_start));
        let w1 = floor_char(src, (end + WINDOW_MARGIN).min(line_end));
        let line0 = src[..line_start].matches('\n').count();
        let col0 = w0 - line_start;
        (
            Shown {
                name: name.to_string(),
                text: src[w0..w1].to_string(),
                line0,
                col0,
            },
            Some((w0, w1)),
        )
    } else {
        (
            Shown {
                name: name.to_string(),
                text: src.to_string(),
                line0: 0,
                col0: 0,
            },
            None,
        )
    };
    let map = |s: Span| -> Option<SourceSpan> {
        let a = floor_char(src, s.start);
        let b = floor_char(src, s.end.max(a));
        match shift {
            None => Some(SourceSpan::new(a.into(), b - a)),
            Some((w0, w1)) if a >= w0 && b <= w1 => Some(SourceSpan::new((a - w0).into(), b - a)),
            Some(_) => None,
        }
    };
    let mut labels = Vec::new();
    let text = if d.label.is_empty() {
        None
    } else {
        Some(d.label.clone())
    };
    if let Some(sp) = map(Span::new(start, end)) {
        labels.push(LabeledSpan::new_primary_with_span(text, sp));
    }
    for n in &d.notes {
        if let Some(sp) = map(n.span) {
            labels.push(LabeledSpan::new_with_span(Some(n.text.clone()), sp));
        }
    }
    let mut md = MietteDiagnostic::new(d.message.clone())
        .with_severity(match d.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        })
        .with_labels(labels);
    if let Some(h) = &d.help {
        md = md.with_help(h.clone());
    }
    let report = miette::Report::new(md).with_source_code(shown);
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        // Rendering into a String cannot fail short of a bug in miette; fall
        // back to a plain line rather than losing the diagnostic.
        out = format!("{}: {}\n", name, d.message);
    }
    out
}

/// Renders a problem that has no place in a source (a missing file, a bad
/// flag value): the same look, without a snippet.
pub fn render_plain(message: &str, help: Option<&str>, color: bool) -> String {
    let mut md = MietteDiagnostic::new(message.to_string());
    if let Some(h) = help {
        md = md.with_help(h.to_string());
    }
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let report = miette::Report::new(md);
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("error: {message}\n");
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let off = floor_char(src, offset);
    let line_start = src[..off].rfind('\n').map_or(0, |i| i + 1);
    let line = src[..off].matches('\n').count() + 1;
    (line, src[line_start..off].chars().count() + 1)
}

/// The closest of `candidates` to `name`, if close enough to suggest.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    let lower = name.to_lowercase();
    for c in candidates {
        if c == name {
            continue;
        }
        // Case differences are the likeliest typo of all: rank them first.
        let score = if c.to_lowercase() == lower {
            2.0
        } else {
            strsim::jaro_winkler(&lower, &c.to_lowercase())
        };
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}
