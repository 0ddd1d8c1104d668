//! Source files arrive as bytes; the front end works on `&str`. Invalid
//! UTF-8 is a user error with a position, not a panic or a silent repair.

use super::ast::Span;
use crate::diagnostic::Diagnostic;

/// A file that is not UTF-8: the diagnostic points at the first bad byte,
/// and `lossy` is the text to render it against (identical to the file up
/// to that byte, so the span is right).
#[derive(Debug, Clone)]
pub struct InvalidUtf8 {
    pub lossy: String,
    pub diagnostic: Diagnostic,
}

/// Checks that `bytes` are UTF-8. The error is large, but it is built once
/// per bad file.
#[allow(clippy::result_large_err)]
pub fn decode_source(bytes: &[u8]) -> Result<&str, InvalidUtf8> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let len = e.error_len().unwrap_or(1);
        InvalidUtf8 {
            lossy: String::from_utf8_lossy(bytes).into_owned(),
            diagnostic: Diagnostic::error(Span::new(at, at + 1), "this file is not valid UTF-8")
                .with_label(format!("invalid byte sequence starting at byte {} ({} byte(s))", at, len))
                .with_note("Act source files must be encoded in UTF-8"),
        }
    })
}
