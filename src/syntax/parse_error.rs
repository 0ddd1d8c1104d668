//! Turns the grammar's errors into messages a person can act on.
//!
//! lalrpop reports the token it could not use and the terminals it would
//! have accepted. That list is kept, in words, as a note; the message itself
//! comes from looking at the tokens around the error:
//!
//! - the form ends (or the file ends) while a bracket or block is open:
//!   "this `case` has no matching `end`", pointing at the `case`;
//! - a closer that does not match the innermost opener: "mismatched `)`";
//! - a `;` or `,` right before a closer or the end of the form;
//! - `name(` after a complete clause: the `.` ending the function is missing;
//! - `->` where a clause cannot start: probably `=`, `;`, `=>`...;
//! - a reserved word where an atom was expected: quote it.

use lalrpop_util::ParseError;

use super::ast::Span;
use super::lexer::Token;
use super::nesting::{closer_of, open_at};
use super::token::Tok;
use crate::diagnostic::Diagnostic;

pub fn syntax_error(error: ParseError<usize, Tok, Diagnostic>, form: &[Token], source: &str) -> Diagnostic {
    match error {
        ParseError::User { error } => error,
        ParseError::InvalidToken { location } => {
            Diagnostic::error(Span::new(location, location + 1), "invalid token").with_label("not understood")
        }
        ParseError::ExtraToken { token: (l, tok, r) } => {
            Diagnostic::error(Span::new(l, r), format!("unexpected {} after the end of the form", tok))
                .with_label("extra token")
        }
        ParseError::UnrecognizedEof { location, expected } => {
            let at = form.last().map_or(Span::new(location, location), |t| t.span);
            let diagnostic = match unclosed(form, form.len(), at, "the file ends before it is closed") {
                Some(d) => d,
                None => match function_name(form) {
                    Some(f) if expects(&expected, "dot") => {
                        Diagnostic::error(at, format!("expected `.` after the last clause of `{}`", f))
                            .with_label("the file ends here; add `.` after this")
                    }
                    _ if expects(&expected, "dot") => Diagnostic::error(at, "expected `.` at the end of the form")
                        .with_label("the file ends here; add `.` after this"),
                    _ => Diagnostic::error(at, "unexpected end of file").with_label("the form is not complete"),
                },
            };
            with_expected(diagnostic, &expected)
        }
        ParseError::UnrecognizedToken { token: (l, tok, r), expected } => {
            let span = Span::new(l, r);
            let index = form.iter().position(|t| t.span.start as usize == l).unwrap_or(form.len());
            let diagnostic = unexpected_token(form, index, &tok, span, &expected, source);
            // For a construct Act does not support, what the grammar
            // expected instead is beside the point.
            if diagnostic.message.ends_with("not supported") || expected.len() == 1 {
                diagnostic
            } else {
                with_expected(diagnostic, &expected)
            }
        }
    }
}

fn unexpected_token(form: &[Token], index: usize, tok: &Tok, span: Span, expected: &[String], source: &str) -> Diagnostic {
    let previous = index.checked_sub(1).and_then(|i| form.get(i));
    let is_end = matches!(tok, Tok::Dot | Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::GtGt | Tok::End);

    // A dangling separator right before a closer or the end of the form.
    if is_end {
        match previous.map(|t| &t.tok) {
            Some(Tok::Semi) => {
                let prev = previous.unwrap().span;
                return Diagnostic::error(prev, format!("`;` before {}", describe_end(tok)))
                    .with_label("this `;` announces another clause, but none follows")
                    .with_secondary(span, "expected a clause before this")
                    .with_note("the last clause is not followed by `;`: remove it");
            }
            Some(Tok::Comma) => {
                let prev = previous.unwrap().span;
                return Diagnostic::error(prev, format!("`,` before {}", describe_end(tok)))
                    .with_label("this `,` is followed by nothing")
                    .with_secondary(span, "expected an expression before this")
                    .with_note("remove the trailing `,`");
            }
            _ => {}
        }
    }

    // The form ends while something is open.
    if *tok == Tok::Dot {
        if let Some(d) = unclosed(form, index, span, "the form ends here") {
            return d;
        }
    }

    // The form stops short.
    if *tok == Tok::Dot {
        if let [Token { tok: Tok::Atom(name), span: name_span }, _] = form {
            if ATTRIBUTE_NAMES.contains(&name.as_str()) {
                return Diagnostic::error(*name_span, format!("missing `-` before `{}`", name))
                    .with_label(format!("write `-{}.`", name))
                    .with_note("attributes and directives start with `-`");
            }
        }
        // `name(...)` then `.`: a forgotten `-` before an attribute, or a
        // function head without a body.
        if let (Some(Tok::Atom(name)), Some(Tok::RParen), true) =
            (form.first().map(|t| &t.tok), previous.map(|t| &t.tok), expects(expected, "->"))
        {
            if ATTRIBUTE_NAMES.contains(&name.as_str()) {
                return Diagnostic::error(form[0].span, format!("missing `-` before the attribute `{}`", name))
                    .with_label(format!("write `-{}(...)`", name))
                    .with_note("attributes start with `-`; without it this reads as a function head");
            }
            if let Some(f) = function_name(form) {
                return Diagnostic::error(span, format!("the clause of `{}` has no body", f))
                    .with_label("expected `->` and a body before this `.`");
            }
        }
        return Diagnostic::error(span, "unexpected `.`").with_label("the form ends here, but it is not complete");
    }

    // A closer that closes nothing, or the wrong thing.
    if is_end && *tok != Tok::Dot {
        let open = open_at(form, index);
        return match open.last() {
            Some((opener, Tok::End)) if *tok != Tok::End => {
                let keyword = opener_text(&form[*opener].tok);
                Diagnostic::error(form[*opener].span, format!("this `{}` has no matching `end`", keyword))
                    .with_label(format!("this `{}` is never closed", keyword))
                    .with_secondary(span, format!("found {} here; expected `end` before it", tok))
            }
            Some((opener, closer)) if closer != tok => {
                Diagnostic::error(span, format!("mismatched {}", tok))
                    .with_label(format!("expected `{}` here", closer_text(closer)))
                    .with_secondary(form[*opener].span, format!("to close this `{}`", opener_text(&form[*opener].tok)))
            }
            None => Diagnostic::error(span, format!("unmatched {}", tok)).with_label("nothing is open here to close"),
            Some(_) => Diagnostic::error(span, format!("unexpected {}", tok))
                .with_label(format!("{} is not expected here", tok)),
        };
    }

    // Where the unexpected token stands on its line: first on the line, and
    // in the first column (where functions start).
    let before = &source[..l_of(span).min(source.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let starts_line = before[line_start..].trim().is_empty() && (line_start > 0 || previous.is_some());
    let first_column = starts_line && line_start == before.len();

    // `name(` in the first column after a complete clause: the previous
    // function lacks its `.`.
    if let (Tok::Atom(next), Some(Tok::LParen)) = (tok, form.get(index + 1).map(|t| &t.tok)) {
        if first_column && open_at(form, index).is_empty() && ends_expression(previous.map(|t| &t.tok)) {
            if let Some(f) = function_name(form) {
                let prev = previous.unwrap().span;
                let same = f.split('/').next() == Some(next.as_str());
                let (message, label) = if same {
                    (format!("expected `;` between the clauses of `{}`", f), "add `;` after this")
                } else {
                    (format!("expected `.` after the last clause of `{}`", f), "add `.` after this")
                };
                return Diagnostic::error(prev, message).with_label(label).with_secondary(
                    span,
                    if same { "the next clause starts here".to_string() } else { format!("`{}` starts a new function here", next) },
                );
            }
        }
    }

    // `->` where no clause can start.
    if *tok == Tok::Arrow {
        let open = open_at(form, index);
        let in_map_or_record = open.last().is_some_and(|(i, c)| {
            *c == Tok::RBrace && *i > 0 && matches!(form[*i - 1].tok, Tok::Hash | Tok::Atom(_))
        });
        if in_map_or_record {
            let (i, _) = open.last().unwrap();
            let map = form[*i - 1].tok == Tok::Hash;
            let suggestion = if map { "=>" } else { "=" };
            return Diagnostic::error(span, format!("unexpected `->` here; did you mean `{}`?", suggestion))
                .with_label(if map { "map fields are written `Key => Value`" } else { "record fields are written `field = Value`" });
        }
        return match previous_separator(form, index) {
            Some(comma) if form[comma].tok == Tok::Comma => {
                Diagnostic::error(form[comma].span, "expected `;` between clauses, found `,`")
                    .with_label("this `,` should be `;`")
                    .with_secondary(span, "a new clause starts here")
                    .with_note("clauses are separated by `;`, expressions in a body by `,`")
            }
            _ => Diagnostic::error(span, "unexpected `->` here; did you mean `=`?")
                .with_label("this clause already has its `->`")
                .with_note("`Pattern = Expr` binds a variable; `->` only follows a clause head"),
        };
    }

    // OTP 26 map comprehensions and map generators: not in Act's tree.
    if *tok == Tok::PipePipe || *tok == Tok::ColonEq {
        let open = open_at(form, index);
        let in_map = open.last().is_some_and(|(i, c)| *c == Tok::RBrace && *i > 0 && form[*i - 1].tok == Tok::Hash);
        let after_bars = form[..index].iter().rev().any(|t| t.tok == Tok::PipePipe);
        if *tok == Tok::PipePipe && in_map {
            return Diagnostic::error(span, "map comprehensions are not supported")
                .with_label("`#{K => V || ...}` needs OTP 26 map comprehensions")
                .with_note("build the map with `maps:from_list([{K, V} || ...])`");
        }
        if *tok == Tok::ColonEq && after_bars && !in_map {
            return Diagnostic::error(span, "map generators are not supported")
                .with_label("`K := V <- Map` needs OTP 26 map generators")
                .with_note("iterate over `maps:to_list(Map)` with `{K, V} <- maps:to_list(Map)`");
        }
    }

    if *tok == Tok::Else {
        return Diagnostic::error(span, "unexpected `else`")
            .with_label("Erlang's `if` and `case` have no `else`")
            .with_note("write a last clause that always matches: `true -> ...` in an `if`, `_ -> ...` in a `case`");
    }

    if *tok == Tok::Maybe {
        return Diagnostic::error(span, "`maybe` expressions are not supported")
            .with_label("`maybe` is a reserved word")
            .with_note("use `case` to match each step; to use `maybe` as an atom, quote it: `'maybe'`");
    }

    // A reserved word where an atom would do.
    if let Some(word) = tok.keyword() {
        if expects(expected, "atom") {
            return Diagnostic::error(span, format!("unexpected reserved word `{}`", word))
                .with_label(format!("`{}` is a keyword here", word))
                .with_note(format!("to use it as an atom, quote it: `'{}'`", word));
        }
    }

    // Two expressions side by side.
    if starts_expression(tok) && ends_expression(previous.map(|t| &t.tok)) && expects(expected, ",") {
        if starts_line {
            // The previous line's expression is complete: its `,` is missing.
            let prev = previous.unwrap().span;
            return Diagnostic::error(prev, "expected `,` at the end of this line")
                .with_label("add `,` after this")
                .with_secondary(span, "the next expression starts here");
        }
        return Diagnostic::error(span, format!("unexpected {}", tok))
            .with_label("expected an operator or `,` before this")
            .with_note("is a `,` missing?");
    }

    // One keyword or bracket would have done (operators aside): name it.
    let mut keys: Vec<&str> = expected.iter().map(|e| e.trim_matches('"')).filter(|e| !OPERATORS.contains(e)).collect();
    if keys.len() > 1 {
        // `(`, `:`, `#` may follow any expression; `when` is optional.
        keys.retain(|e| !["(", ":", "#", ",", "when", "period"].contains(e));
    }
    if let [key] = keys.as_slice() {
        let key = if *key == "dot" { "." } else { key };
        if !["atom", "var", "integer", "big integer", "float", "string"].contains(&key) {
            return Diagnostic::error(span, format!("expected `{}`, found {}", key, tok))
                .with_label(format!("expected `{}` before this", key));
        }
    }

    Diagnostic::error(span, format!("unexpected {}", tok)).with_label(format!("{} is not expected here", tok))
}

/// The binary operators, which the grammar would accept after almost any
/// complete expression: listing them helps no one.
const OPERATORS: &[&str] = &[
    "!", "=", "==", "/=", "=:=", "=/=", "<", "=<", ">", ">=", "+", "-", "++", "--", "*", "/", "and", "andalso", "band",
    "bor", "bsl", "bsr", "bxor", "div", "or", "orelse", "rem", "xor",
];

/// The innermost construct still open at `form[index]`, as "this `case` has
/// no matching `end`", or None if nothing is open.
fn unclosed(form: &[Token], index: usize, at: Span, why: &str) -> Option<Diagnostic> {
    let open = open_at(form, index);
    let (opener, closer) = open.last()?;
    let opener_tok = &form[*opener].tok;
    Some(
        Diagnostic::error(
            form[*opener].span,
            format!("this `{}` has no matching `{}`", opener_text(opener_tok), closer_text(closer)),
        )
        .with_label(format!("this `{}` is never closed", opener_text(opener_tok)))
        .with_secondary(at, format!("{}; expected `{}` before it", why, closer_text(closer))),
    )
}

/// Attribute names, for "missing `-` before the attribute".
const ATTRIBUTE_NAMES: &[&str] = &[
    "module", "export", "import", "record", "define", "behaviour", "behavior", "compile", "spec", "type", "opaque",
    "callback", "export_type", "mode", "vsn", "author", "include", "include_lib", "ifdef", "ifndef", "endif", "undef",
    "on_load", "nifs", "dialyzer", "file", "feature",
];

fn l_of(span: Span) -> usize {
    span.start as usize
}

fn opener_text(tok: &Tok) -> &'static str {
    tok.punctuation().or_else(|| tok.keyword()).unwrap_or("?")
}

fn closer_text(tok: &Tok) -> &'static str {
    tok.punctuation().or_else(|| tok.keyword()).unwrap_or("?")
}

fn describe_end(tok: &Tok) -> String {
    match tok {
        Tok::Dot => "the end of the form".to_string(),
        other => other.to_string(),
    }
}

/// The index of the nearest `,`, `;` or `->` before `form[index]` at the
/// same nesting level.
fn previous_separator(form: &[Token], index: usize) -> Option<usize> {
    // One forward pass for the nesting depth before each token.
    let mut depths = Vec::with_capacity(index + 1);
    let mut stack: Vec<Tok> = Vec::new();
    for i in 0..=index.min(form.len().saturating_sub(1)) {
        depths.push(stack.len());
        if let Some(closer) = closer_of(form, i) {
            stack.push(closer);
        } else if stack.last() == Some(&form[i].tok) {
            stack.pop();
        }
    }
    let depth_at = *depths.last()?;
    (0..depths.len().saturating_sub(1))
        .rev()
        .find(|&i| matches!(form[i].tok, Tok::Comma | Tok::Semi | Tok::Arrow) && depths[i] == depth_at)
}

fn ends_expression(tok: Option<&Tok>) -> bool {
    matches!(
        tok,
        Some(
            Tok::Atom(_)
                | Tok::Var(_)
                | Tok::Integer(_)
                | Tok::BigInteger(_)
                | Tok::Float(_)
                | Tok::String(_)
                | Tok::RParen
                | Tok::RBracket
                | Tok::RBrace
                | Tok::GtGt
                | Tok::End
        )
    )
}

fn starts_expression(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Atom(_)
            | Tok::Var(_)
            | Tok::Integer(_)
            | Tok::BigInteger(_)
            | Tok::Float(_)
            | Tok::String(_)
            | Tok::LParen
            | Tok::LBracket
            | Tok::LBrace
            | Tok::LtLt
            | Tok::Hash
    ) || (closer_of(&[Token { tok: tok.clone(), span: Span::default() }], 0).is_some())
}

/// `name/arity` of a form that starts like a function clause.
fn function_name(form: &[Token]) -> Option<String> {
    let Some(Tok::Atom(name)) = form.first().map(|t| &t.tok) else { return None };
    if form.get(1)?.tok != Tok::LParen {
        return None;
    }
    let mut depth = 0usize;
    let mut arity = 0usize;
    for (i, t) in form.iter().enumerate().skip(1) {
        if closer_of(form, i).is_some() {
            depth += 1;
            if depth == 1 && form.get(i + 1).is_some_and(|n| n.tok != Tok::RParen) {
                arity = 1;
            }
        } else if matches!(t.tok, Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::GtGt | Tok::End) {
            depth -= 1;
            if depth == 0 {
                return Some(format!("{}/{}", name, arity));
            }
        } else if depth == 1 && t.tok == Tok::Comma {
            arity += 1;
        }
    }
    None
}

fn expects(expected: &[String], terminal: &str) -> bool {
    expected.iter().any(|e| e.trim_matches('"') == terminal)
}

/// Adds "expected one of ..." in words, or "expected an expression" when
/// any expression could have come.
fn with_expected(diagnostic: Diagnostic, expected: &[String]) -> Diagnostic {
    if expected.is_empty() {
        return diagnostic;
    }
    let names: Vec<&str> = expected.iter().map(|e| e.trim_matches('"')).collect();
    let expression = names.contains(&"var") && names.contains(&"atom") && names.contains(&"(");
    let expression_start = ["var", "atom", "integer", "big integer", "float", "string", "(", "[", "{", "<<", "#",
        "+", "-", "not", "bnot", "catch", "begin", "case", "if", "receive", "fun", "try"];
    let operators = OPERATORS;
    let any_operator = names.iter().filter(|n| operators.contains(n)).count() >= 5;
    let mut words: Vec<String> = Vec::new();
    if expression {
        words.push("an expression".into());
    }
    if any_operator {
        words.push("an operator".into());
    }
    for name in names {
        if (expression && expression_start.contains(&name)) || (any_operator && operators.contains(&name)) {
            continue;
        }
        let word = match name {
            "atom" => "an atom".to_string(),
            "var" => "a variable".to_string(),
            "integer" => "an integer".to_string(),
            "big integer" => continue,
            "float" => "a float".to_string(),
            "string" => "a string".to_string(),
            "dot" | "period" => "`.`".to_string(),
            other => format!("`{}`", other),
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    let list = match words.len() {
        1 => words[0].clone(),
        _ => format!("one of {}", words.join(", ")),
    };
    diagnostic.with_note(format!("expected {}", list))
}
