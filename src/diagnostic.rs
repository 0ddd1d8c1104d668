//! User-facing errors: a message, a primary span, extra labels and notes,
//! rendered with ariadne. Every error a user's input can cause (lexing,
//! parsing, compiling, a runtime exception's source location) is one of these;
//! a panic is a bug.

use crate::syntax::ast::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// One line, lower-case start, no trailing period: "unbound variable `X`".
    pub message: String,
    /// Where the problem is; the caret goes here.
    pub span: Span,
    /// The text beside the caret at `span`.
    pub label: String,
    /// Secondary locations ("the `case` opened here").
    pub secondary: Vec<(Span, String)>,
    /// Extra advice printed under the source view ("did you mean `=`?").
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        let message = message.into();
        Diagnostic { label: message.clone(), message, span, secondary: Vec::new(), notes: Vec::new() }
    }
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }
    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }
}

/// Renders diagnostics the way a person reads them: `file:line:col`, the
/// source line, a labelled caret, secondary labels and notes (ariadne).
/// Spans are byte offsets; any span past the end of `source` or inside a
/// UTF-8 character is clamped, so rendering never panics. Colour only when
/// `color` is true (tests compare the uncoloured text).
pub fn render(diagnostics: &[Diagnostic], file_name: &str, source: &str, color: bool) -> String {
    use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};

    let clamp = |span: Span| -> std::ops::Range<usize> {
        let fix = |mut at: usize| {
            at = at.min(source.len());
            while !source.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let start = fix(span.start as usize);
        let end = fix(span.end as usize).max(start);
        start..end
    };
    let mut out = Vec::new();
    for d in diagnostics {
        let primary = clamp(d.span);
        let config = Config::default().with_index_type(IndexType::Byte).with_color(color);
        let mut report = Report::build(ReportKind::Error, file_name, primary.start)
            .with_config(config)
            .with_message(&d.message)
            .with_label(Label::new((file_name, primary)).with_message(&d.label).with_color(Color::Red).with_order(0));
        for (i, (span, label)) in d.secondary.iter().enumerate() {
            report = report.with_label(
                Label::new((file_name, clamp(*span))).with_message(label).with_color(Color::Blue).with_order(i as i32 + 1),
            );
        }
        if !d.notes.is_empty() {
            // ariadne shows one note; further notes get their own `Note:`
            // line under the same margin (its width is that of the largest
            // line number shown).
            let last_line = std::iter::once(d.span)
                .chain(d.secondary.iter().map(|(s, _)| *s))
                .map(|s| source[..clamp(s).end].matches('\n').count() + 1)
                .max()
                .unwrap_or(1);
            let margin = format!("\n{}│ Note: ", " ".repeat(last_line.to_string().len() + 2));
            report = report.with_note(d.notes.join(&margin));
        }
        let _ = report.finish().write((file_name, Source::from(source)), &mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}
