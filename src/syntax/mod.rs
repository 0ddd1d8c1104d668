//! The front end: source text to [`ast::Module`], or every error found.
//!
//! The pipeline, one file per stage:
//!
//! 1. [`lexer`]: text to tokens (logos); lexical errors are collected and
//!    lexing goes on.
//! 2. [`preprocess`]: splits the tokens into forms at each form-ending `.`,
//!    runs `-define`/`-ifdef`/`-if`... ([`condition`]) and expands macros.
//! 3. [`forms`]: each form on its own: depth guard, then the lalrpop grammar
//!    (`grammar/act.lalrpop`, actions in [`actions`]), then attribute
//!    classification and clause checks. A syntax error in one form never
//!    hides the errors of the next: each form is parsed separately.
//! 4. [`parse_error`]: the grammar's errors in words.
//!
//! Everything here is pure: no IO, no panics on any input.
//!
//! Entry points: [`parse_module_with`] (a file), [`parse_module`] (the same
//! with default options), [`parse_exprs`] and [`awaits_more_input`] (the
//! shell), [`decode_source`] (bytes to text, or a diagnostic at the first
//! invalid byte). [`crate::diagnostic::render`] shows the diagnostics.
//!
//! Architecture invariants:
//! - Every token and node span is a byte range of the original source;
//!   tokens from a macro body carry the span of the `?NAME` use.
//! - The grammar never sees a macro use, a directive or a type: the
//!   preprocessor and [`forms`] remove them first.
//! - Deep input is refused before parsing ([`nesting`]), so no pass over the
//!   tree (dropping it included) recurses deeper than about 10,000 levels.
//!
//! Not supported (each reported with a diagnostic): `-include` and
//! `-include_lib`, `maybe ... end`, map comprehensions and map generators
//! (OTP 26), triple-quoted strings and sigils (OTP 27). `maybe` and `else`
//! are reserved words, as in OTP 27.

pub mod ast;

mod actions;
mod condition;
mod escape;
mod forms;
pub mod lexer;
mod nesting;
mod number;
mod parse_error;
mod preprocess;
mod source_text;
pub mod token;

pub use source_text::{decode_source, InvalidUtf8};

use crate::diagnostic::Diagnostic;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, unused)]
    grammar,
    "/act.rs"
);

/// What the front end needs to know beyond the text itself.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// The file name `?FILE` expands to.
    pub file_name: String,
    /// What `?MODULE` expands to in a file without `-module` (an escript):
    /// usually the file name's stem. Empty makes such a use an error.
    pub module_name: String,
}

impl Default for ParseOptions {
    fn default() -> ParseOptions {
        ParseOptions { file_name: "nofile".to_string(), module_name: String::new() }
    }
}

/// Parses a whole file with default options (see [`parse_module_with`]).
pub fn parse_module(source: &str) -> Result<ast::Module, Vec<Diagnostic>> {
    parse_module_with(source, &ParseOptions::default())
}

/// Parses a whole file: every form, or every error in every form, sorted by
/// position.
pub fn parse_module_with(source: &str, options: &ParseOptions) -> Result<ast::Module, Vec<Diagnostic>> {
    let (form_tokens, mut diagnostics, lost_text_at) = tokens_by_form(source, options, true);
    let parser = grammar::FormParser::new();
    let mut module = ast::Module::default();
    let starts: Vec<usize> = form_tokens.iter().map(|f| f[0].span.start as usize).collect();
    for (i, tokens) in form_tokens.into_iter().enumerate() {
        match forms::parse_form(&parser, tokens, source) {
            Ok(form) => module.forms.push(form),
            Err(d) => {
                // After a lexical error that lost text, the form's syntax
                // error is a consequence: the lexical one says it all.
                let next = starts.get(i + 1).copied().unwrap_or(usize::MAX);
                let first_lost = lost_text_at.partition_point(|&at| at < starts[i]);
                if lost_text_at.get(first_lost).is_none_or(|&at| at >= next) {
                    diagnostics.push(d);
                }
            }
        }
    }
    finish(module, diagnostics)
}

/// Parses what the shell reads: `X = 1, Y = 2.` (expressions separated by
/// `,`, ending with `.`). Several `.`-terminated groups are concatenated.
pub fn parse_exprs(source: &str) -> Result<Vec<ast::Expr>, Vec<Diagnostic>> {
    let options = ParseOptions { file_name: "shell".into(), module_name: "shell".into() };
    let (form_tokens, mut diagnostics, lost_text_at) = tokens_by_form(source, &options, false);
    let parser = grammar::ReplExprsParser::new();
    let mut exprs = Vec::new();
    for tokens in form_tokens {
        if let Some(d) = nesting::check_depth(&tokens) {
            diagnostics.push(d);
            continue;
        }
        let input = tokens.iter().map(|t| Ok((t.span.start as usize, t.tok.clone(), t.span.end as usize)));
        match parser.parse(input) {
            Ok(group) => exprs.extend(group),
            Err(e) if lost_text_at.is_empty() => diagnostics.push(parse_error::syntax_error(e, &tokens, source)),
            Err(_) => {}
        }
    }
    finish(exprs, diagnostics)
}

/// For the shell: whether `source` stops before its expressions are done,
/// so the shell should read another line rather than report an error. True
/// when the last token is not a form-ending `.` or a string or quoted atom
/// is still open, as in Erlang's shell.
pub fn awaits_more_input(source: &str) -> bool {
    let lexed = lexer::lex(source);
    let open_literal = lexed.diagnostics.iter().any(|d| d.message.starts_with("unterminated"));
    let has_tokens = !lexed.tokens.is_empty();
    open_literal || (has_tokens && lexed.tokens.last().map(|t| &t.tok) != Some(&token::Tok::Dot))
}

/// The preprocessed forms, the diagnostics so far, and where the lexer lost text.
fn tokens_by_form(
    source: &str,
    options: &ParseOptions,
    directives: bool,
) -> (Vec<Vec<lexer::Token>>, Vec<Diagnostic>, Vec<usize>) {
    let lexed = lexer::lex(source);
    let mut diagnostics = lexed.diagnostics;
    let (forms, preprocess_diagnostics) = preprocess::Preprocessor::new(source, options, directives).run(lexed.tokens);
    diagnostics.extend(preprocess_diagnostics);
    (forms, diagnostics, lexed.lost_text_at)
}

/// At most this many diagnostics are reported; the rest are counted in a
/// last one. (A person fixes the first few and re-runs; rendering a million
/// errors for a binary file helps no one.)
const MAX_DIAGNOSTICS: usize = 50;

fn finish<T>(value: T, mut diagnostics: Vec<Diagnostic>) -> Result<T, Vec<Diagnostic>> {
    if diagnostics.is_empty() {
        return Ok(value);
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    if diagnostics.len() > MAX_DIAGNOSTICS {
        let more = diagnostics.len() - MAX_DIAGNOSTICS;
        let span = diagnostics[MAX_DIAGNOSTICS].span;
        diagnostics.truncate(MAX_DIAGNOSTICS);
        diagnostics.push(
            Diagnostic::error(span, format!("{} more error(s) not shown", more))
                .with_label("the next error is here")
                .with_note("is this a source file? fix the errors above and try again"),
        );
    }
    Err(diagnostics)
}
