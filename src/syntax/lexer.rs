//! Source text to tokens, with logos doing the bulk of the work.
//!
//! Literals with escapes (strings, quoted atoms, `$c`) are scanned by hand in
//! callbacks so that an unterminated one is reported at its opening quote
//! and the rest of the file is not misread as code. A lexical error never
//! stops lexing: it becomes a [`Diagnostic`] and the lexer carries on, so one
//! stray character does not hide every later error.
//!
//! Two jobs happen after logos: an escript's `#!` first line is skipped, and
//! each `.` followed by white space, `%` or the end of the input becomes a
//! form-ending [`Tok::Dot`] (erl_scan's rule).

use logos::{Lexer, Logos};

use super::ast::Span;
use super::escape::{scan_escape, Escape};
use super::number::{parse_float, parse_integer, IntegerValue};
use super::token::Tok;
use crate::diagnostic::Diagnostic;

/// A token and the bytes of source it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// What went wrong inside a token; offsets are relative to the lexer input.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum LexError {
    /// logos matched nothing here.
    #[default]
    UnexpectedCharacter,
    /// A string or quoted atom whose closing quote never comes.
    Unterminated { what: &'static str, start: usize },
    /// A problem with a precise location inside the token; `placeholder`
    /// stands in for the broken literal so that parsing goes on unconfused.
    At { start: usize, end: usize, message: String, label: String, placeholder: Option<Tok> },
    /// A problem with the whole token (a bad number).
    Whole { message: String, placeholder: Option<Tok> },
}

/// The result of lexing a file: tokens come back even when there were errors.
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where text was lost (a stray character, an unterminated string):
    /// the syntax errors of the form around such a place are noise.
    pub lost_text_at: Vec<usize>,
}

/// Lexes a whole file.
pub fn lex(source: &str) -> Lexed {
    // A UTF-8 byte order mark is not part of the text, and an escript's
    // first line (`#!/usr/bin/env escript`) is not Erlang.
    let bom = if source.starts_with('\u{FEFF}') { '\u{FEFF}'.len_utf8() } else { 0 };
    let base = if source[bom..].starts_with("#!") { source[bom..].find('\n').map_or(source.len(), |i| bom + i) } else { bom };
    let input = &source[base..];
    let mut tokens = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut lost_text_at = Vec::new();
    let mut last_stray_end = None;
    let mut lexer = Tok::lexer(input);
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let span = Span::new(base + range.start, base + range.end);
        match result {
            Ok(Tok::Period) => {
                let ends_form = match input[range.end..].chars().next() {
                    None => true,
                    Some(c) => c.is_whitespace() || c == '%',
                };
                tokens.push(Token { tok: if ends_form { Tok::Dot } else { Tok::Period }, span });
            }
            Ok(tok) => tokens.push(Token { tok, span }),
            Err(error) => {
                match &error {
                    LexError::At { placeholder: Some(tok), .. } | LexError::Whole { placeholder: Some(tok), .. } => {
                        tokens.push(Token { tok: tok.clone(), span })
                    }
                    _ => lost_text_at.push(span.start as usize),
                }
                // A run of stray characters is one error, not one per character.
                let is_stray = error == LexError::UnexpectedCharacter;
                if is_stray && last_stray_end == Some(range.start) {
                    let last = diagnostics.last_mut().unwrap();
                    last.span.end = (base + range.end) as u32;
                    last.message = "unexpected characters".into();
                    last.label = "these characters cannot start a token".into();
                } else {
                    diagnostics.push(lex_error_diagnostic(error, input, base, range.clone()));
                }
                last_stray_end = if is_stray { Some(range.end) } else { None };
            }
        }
    }
    Lexed { tokens, diagnostics, lost_text_at }
}

fn lex_error_diagnostic(error: LexError, input: &str, base: usize, range: std::ops::Range<usize>) -> Diagnostic {
    match error {
        LexError::UnexpectedCharacter => {
            let c = input[range.start..].chars().next().unwrap_or('?');
            let next = input[range.start..].chars().nth(1);
            if c == '~' && next.is_some_and(|n| n.is_ascii_alphabetic() || "\"'([{<|/`#".contains(n)) {
                return Diagnostic::error(Span::new(base + range.start, base + range.start + 1), "sigils are not supported")
                    .with_label("`~` starts an OTP 27 sigil")
                    .with_note("write a plain string or binary instead");
            }
            let end = range.start + c.len_utf8().max(1);
            let shown = if c.is_control() || c.is_whitespace() || c == '`' { format!("{:?}", c) } else { format!("`{}`", c) };
            Diagnostic::error(Span::new(base + range.start, base + end), format!("unexpected character {}", shown))
                .with_label("this character cannot start a token")
        }
        LexError::Unterminated { what, start } => {
            let quote = if what == "string" { "\"" } else { "'" };
            Diagnostic::error(Span::new(base + start, base + start + 1), format!("unterminated {}", what))
                .with_label(format!("this {} is never closed", what))
                .with_note(format!("add a closing `{}`", quote))
        }
        LexError::At { start, end, message, label, .. } => {
            Diagnostic::error(Span::new(base + start, base + end), message).with_label(label)
        }
        LexError::Whole { message, placeholder } => {
            let label = if matches!(placeholder, Some(Tok::Atom(_))) { "this atom" } else { "invalid number" };
            Diagnostic::error(Span::new(base + range.start, base + range.end), message).with_label(label)
        }
    }
}

/// After the leading digits: an optional `#Digits` (base) or `.Digits` with
/// an optional exponent (float). `1.` alone is the integer then a `.`.
pub(super) fn lex_number(lex: &mut Lexer<Tok>) -> Result<Tok, LexError> {
    let rest = lex.remainder().as_bytes();
    let digits_from = |from: usize, ok: &dyn Fn(u8) -> bool| -> usize {
        // Digits with single `_` separators between them.
        let mut i = from;
        while i < rest.len() && (ok(rest[i]) || (rest[i] == b'_' && i > from && i + 1 < rest.len() && ok(rest[i + 1]))) {
            i += 1;
        }
        i
    };
    let is_digit = |b: u8| b.is_ascii_digit();
    let is_alnum = |b: u8| b.is_ascii_alphanumeric();
    match rest.first() {
        Some(b'#') if rest.get(1).is_some_and(|b| b.is_ascii_alphanumeric()) => {
            let end = digits_from(1, &is_alnum);
            lex.bump(end);
            integer_token(lex.slice())
        }
        Some(b'.') if rest.get(1).is_some_and(u8::is_ascii_digit) => {
            let mut end = digits_from(1, &is_digit);
            if matches!(rest.get(end), Some(b'e' | b'E')) {
                let sign = usize::from(matches!(rest.get(end + 1), Some(b'+' | b'-')));
                if rest.get(end + 1 + sign).is_some_and(u8::is_ascii_digit) {
                    end = digits_from(end + 1 + sign, &is_digit);
                }
            }
            lex.bump(end);
            parse_float(lex.slice())
                .map(Tok::Float)
                .map_err(|message| LexError::Whole { message, placeholder: Some(Tok::Float(0.0)) })
        }
        _ => integer_token(lex.slice()),
    }
}

fn integer_token(text: &str) -> Result<Tok, LexError> {
    match parse_integer(text) {
        Ok(IntegerValue::Small(v)) => Ok(Tok::Integer(v)),
        Ok(IntegerValue::Big(digits)) => Ok(Tok::BigInteger(digits)),
        Err(message) => Err(LexError::Whole { message, placeholder: Some(Tok::Integer(0)) }),
    }
}

/// `$c`, `$\n`, `$\x{41}`, `$\^A`: the character's code point.
pub(super) fn lex_char(lex: &mut Lexer<Tok>) -> Result<Tok, LexError> {
    let start = lex.span().start;
    let rest = lex.remainder();
    let Some(c) = rest.chars().next() else {
        return Err(LexError::At {
            start,
            end: start + 1,
            message: "character literal `$` with no character".into(),
            label: "a character must follow `$`".into(),
            placeholder: Some(Tok::Integer(0)),
        });
    };
    if c == '\\' {
        match scan_escape(&rest[1..]) {
            Escape::Ok(value, len) => {
                lex.bump(1 + len);
                Ok(Tok::Integer(value as i64))
            }
            Escape::Bad(len, message) => {
                lex.bump(1 + len);
                Err(LexError::At {
                    start: start + 1,
                    end: start + 2 + len,
                    message,
                    label: "bad escape".into(),
                    placeholder: Some(Tok::Integer(0)),
                })
            }
            Escape::AtEnd => {
                lex.bump(1);
                Err(LexError::At {
                    start,
                    end: start + 2,
                    message: "character literal `$\\` with no character".into(),
                    label: "an escape must follow `\\`".into(),
                    placeholder: Some(Tok::Integer(0)),
                })
            }
        }
    } else {
        lex.bump(c.len_utf8());
        Ok(Tok::Integer(c as i64))
    }
}

pub(super) fn lex_string(lex: &mut Lexer<Tok>) -> Result<Vec<u32>, LexError> {
    // OTP 27 triple-quoted strings: `"""` then only blanks to the line end.
    let rest = lex.remainder();
    if let Some(after) = rest.strip_prefix("\"\"") {
        if after.trim_start_matches([' ', '\t', '\r']).starts_with('\n') {
            let start = lex.span().start;
            let end = after.find("\"\"\"").map_or(rest.len(), |i| 2 + i + 3);
            lex.bump(end);
            return Err(LexError::At {
                start,
                end: start + 3,
                message: "triple-quoted strings are not supported".into(),
                label: "`\"\"\"` starts an OTP 27 text block".into(),
                placeholder: Some(Tok::String(Vec::new())),
            });
        }
    }
    scan_quoted(lex, '"', "string", Tok::String(Vec::new()))
}

/// Erlang's limit on the length of an atom, in characters.
const MAX_ATOM_CHARS: usize = 255;

pub(super) fn lex_bare_atom(lex: &mut Lexer<Tok>) -> Result<String, LexError> {
    check_atom_length(lex.slice().to_string())
}

pub(super) fn lex_quoted_atom(lex: &mut Lexer<Tok>) -> Result<String, LexError> {
    let codes = scan_quoted(lex, '\'', "quoted atom", Tok::Atom(String::new()))?;
    check_atom_length(codes.into_iter().map(|c| char::from_u32(c).unwrap_or('\u{FFFD}')).collect())
}

fn check_atom_length(atom: String) -> Result<String, LexError> {
    if atom.chars().count() > MAX_ATOM_CHARS {
        return Err(LexError::Whole {
            message: format!("atom too long: atoms have at most {} characters", MAX_ATOM_CHARS),
            placeholder: Some(Tok::Atom(String::new())),
        });
    }
    Ok(atom)
}

/// Scans up to and including the closing `quote`, decoding escapes. On a bad
/// escape it still finds the closing quote, so lexing resumes after it.
fn scan_quoted(lex: &mut Lexer<Tok>, quote: char, what: &'static str, placeholder: Tok) -> Result<Vec<u32>, LexError> {
    let start = lex.span().start;
    let rest = lex.remainder();
    let mut codes = Vec::new();
    let mut first_error = None;
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == quote {
            lex.bump(i + 1);
            return match first_error {
                None => Ok(codes),
                Some(e) => Err(e),
            };
        }
        if c != '\\' {
            codes.push(c as u32);
            continue;
        }
        match scan_escape(&rest[i + 1..]) {
            Escape::Ok(value, len) => {
                codes.push(value);
                skip_bytes(&mut chars, i + 1 + len);
            }
            Escape::Bad(len, message) => {
                let at = lex.span().end + i;
                first_error.get_or_insert(LexError::At {
                    start: at,
                    end: at + 1 + len,
                    message,
                    label: "bad escape".into(),
                    placeholder: Some(placeholder.clone()),
                });
                skip_bytes(&mut chars, i + 1 + len);
            }
            Escape::AtEnd => break,
        }
    }
    lex.bump(rest.len());
    Err(LexError::Unterminated { what, start })
}

/// Advances `chars` until its next index is at least `to`.
fn skip_bytes(chars: &mut std::str::CharIndices, to: usize) {
    while chars.offset() < to {
        if chars.next().is_none() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(source: &str) -> Vec<Tok> {
        let lexed = lex(source);
        assert!(lexed.diagnostics.is_empty(), "{:?}", lexed.diagnostics);
        lexed.tokens.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn literals() {
        use Tok::*;
        let cases: Vec<(&str, Vec<Tok>)> = vec![
            ("X = 1.", vec![Var("X".into()), Match, Integer(1), Dot]),
            ("1.5 2.5E-3", vec![Float(1.5), Float(2.5e-3)]),
            ("1.0e10", vec![Float(1.0e10)]),
            ("$a $\\n $\\x{41} $\\^A $\\101 $ ", vec![Integer(97), Integer(10), Integer(65), Integer(1), Integer(65), Integer(32)]),
            ("\"a\\tb\\s\\e\\d\\x{1F600}\"", vec![String(vec![97, 9, 98, 32, 27, 127, 0x1F600])]),
            ("'hello world' 'a\\'b'", vec![Atom("hello world".into()), Atom("a'b".into())]),
            ("_ _Foo Foo foo@bar", vec![Var("_".into()), Var("_Foo".into()), Var("Foo".into()), Atom("foo@bar".into())]),
            ("R#r.f", vec![Var("R".into()), Hash, Atom("r".into()), Period, Atom("f".into())]),
            ("a.%c\n", vec![Atom("a".into()), Dot]),
            ("=:= =/= =< >= <= <- => := :: .. ...", vec![ExactEq, ExactNe, Le, Ge, DoubleLeftArrow, LeftArrow, FatArrow, ColonEq, ColonColon, DotDot, DotDotDot]),
            ("#!/usr/bin/env escript\nfoo", vec![Atom("foo".into())]),
            ("case caseX", vec![Case, Atom("caseX".into())]),
            ("\u{FEFF}a\u{A0}b", vec![Atom("a".into()), Atom("b".into())]),
            ("\u{FEFF}#!escript\nc", vec![Atom("c".into())]),
            ("99999999999999999999", vec![BigInteger("99999999999999999999".into())]),
        ];
        for (source, want) in cases {
            assert_eq!(toks(source), want, "{}", source);
        }
    }

    #[test]
    fn errors_do_not_stop_lexing() {
        let lexed = lex("a \"never closed");
        assert_eq!(lexed.tokens.len(), 1);
        assert_eq!(lexed.diagnostics[0].message, "unterminated string");
        assert_eq!(lexed.lost_text_at, vec![2]);
        let lexed = lex("a ` b");
        assert_eq!(lexed.tokens.len(), 2);
        assert_eq!(lexed.diagnostics.len(), 1);
    }
}
