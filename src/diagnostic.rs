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
