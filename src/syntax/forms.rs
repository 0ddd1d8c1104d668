//! One form at a time: the token-level preparation the grammar does not do,
//! then the grammar, then the classification of what it produced.
//!
//! 1. Type-language attributes (`-spec`, `-type`, `-opaque`, `-callback`,
//!    `-nominal`) are not parsed: Act does not check types. They become an
//!    [`Form::Attribute`] with no value.
//! 2. `:: Type` annotations in `-record` fields are cut out, for the same
//!    reason, before the grammar sees the record.
//! 3. The depth guard refuses absurdly nested forms (see [`super::nesting`]).
//! 4. Attributes are classified (`-module`, `-export`, `-import`, `-record`,
//!    others), and a function's clauses are checked to share name and arity.

use super::actions::{NamedClause, RawForm};
use super::ast::*;
use super::grammar::FormParser;
use super::lexer::Token;
use super::nesting::check_depth;
use super::parse_error::syntax_error;
use super::token::Tok;
use crate::diagnostic::Diagnostic;

const TYPE_ATTRIBUTES: &[&str] = &["spec", "type", "opaque", "callback", "nominal"];

/// Parses one form's tokens (ending with its `.` unless it is the last,
/// unterminated form of the file).
pub fn parse_form(parser: &FormParser, tokens: Vec<Token>, source: &str) -> Result<Form, Diagnostic> {
    let span = tokens[0].span.to(tokens[tokens.len() - 1].span);
    if let (Tok::Minus, Some(Tok::Atom(name))) = (&tokens[0].tok, tokens.get(1).map(|t| &t.tok)) {
        if TYPE_ATTRIBUTES.contains(&name.as_str()) {
            if tokens.last().map(|t| &t.tok) != Some(&Tok::Dot) {
                return Err(Diagnostic::error(span, format!("`-{}` has no terminating `.`", name))
                    .with_label("the file ends inside this attribute"));
            }
            // `name(` or `-name` in the first column starts the next form
            // (a closing bracket there may still belong to the type).
            let starts_form = |i: usize| {
                let start = tokens[i].span.start as usize;
                let column_0 = start == 0 || source.as_bytes().get(start - 1) == Some(&b'\n');
                let next = tokens.get(i + 1).map(|t| &t.tok);
                column_0
                    && matches!(
                        (&tokens[i].tok, next),
                        (Tok::Atom(_), Some(Tok::LParen)) | (Tok::Minus, Some(Tok::Atom(_)))
                    )
            };
            if let Some(i) = (2..tokens.len()).find(|&i| starts_form(i)) {
                return Err(Diagnostic::error(tokens[i - 1].span, format!("expected `.` at the end of `-{}`", name))
                    .with_label("add `.` after this")
                    .with_secondary(tokens[i].span, "the next form starts here"));
            }
            let span = tokens[0].span.to(tokens[tokens.len() - 2].span);
            return Ok(Form::Attribute { name: name.clone(), value: None, span });
        }
    }
    let tokens = if is_attribute(&tokens, "record") { strip_record_types(tokens) } else { tokens };
    if let Some(d) = check_depth(&tokens) {
        return Err(d);
    }
    let input = tokens.iter().map(|t| Ok::<_, Diagnostic>((t.span.start as usize, t.tok.clone(), t.span.end as usize)));
    let result = match parser.parse(input) {
        Ok(RawForm::Attribute { name, name_span, args, span }) => attribute(name, name_span, args, span),
        Ok(RawForm::Function { clauses, span }) => function(clauses, span),
        Err(error) => Err(syntax_error(error, &tokens, source)),
    };
    // An error after a `-name` in the first column: most likely the `.`
    // before that attribute is missing, and the two forms ran together.
    result.map_err(|d| match missing_dot_before_attribute(&tokens, source) {
        Some((minus, better)) if d.span.start >= minus.start || is_attribute_form(&tokens) => better,
        _ => d,
    })
}

fn is_attribute_form(tokens: &[Token]) -> bool {
    tokens[0].tok == Tok::Minus
}

/// A `-name` in the first column after the form's start, as (the `-`'s
/// span, a diagnostic saying the `.` before it is missing).
fn missing_dot_before_attribute(tokens: &[Token], source: &str) -> Option<(Span, Diagnostic)> {
    let i = (1..tokens.len().saturating_sub(1)).find(|&i| {
        let start = tokens[i].span.start as usize;
        tokens[i].tok == Tok::Minus
            && matches!(tokens[i + 1].tok, Tok::Atom(_))
            && (start == 0 || source.as_bytes().get(start - 1) == Some(&b'\n'))
    })?;
    let Tok::Atom(name) = &tokens[i + 1].tok else { return None };
    let minus = tokens[i].span;
    let d = Diagnostic::error(tokens[i - 1].span, format!("expected `.` before the attribute `-{}`", name))
        .with_label("add `.` after this")
        .with_secondary(minus.to(tokens[i + 1].span), "the next form starts here");
    Some((minus, d))
}

fn is_attribute(tokens: &[Token], name: &str) -> bool {
    matches!((&tokens[0].tok, tokens.get(1).map(|t| &t.tok)), (Tok::Minus, Some(Tok::Atom(n))) if n == name)
}

/// Removes each `:: Type` inside the field tuple of a `-record`. A type ends
/// at the next `,` or `}` outside brackets (`fun((a) -> b)` has no `end` in
/// the type language, so only brackets count here).
fn strip_record_types(tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut depth = 0i32;
    let mut skipping_at: Option<i32> = None;
    for token in tokens {
        let opens = matches!(token.tok, Tok::LParen | Tok::LBracket | Tok::LBrace | Tok::LtLt);
        let closes = matches!(token.tok, Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::GtGt);
        if let Some(level) = skipping_at {
            let ends = (depth == level && (token.tok == Tok::Comma || closes)) || token.tok == Tok::Dot;
            if !ends {
                depth += i32::from(opens) - i32::from(closes);
                continue;
            }
            skipping_at = None;
        }
        // The field tuple is at depth 2: inside `(` and `{`.
        if token.tok == Tok::ColonColon && depth == 2 {
            skipping_at = Some(depth);
            continue;
        }
        depth += i32::from(opens) - i32::from(closes);
        out.push(token);
    }
    out
}

fn attribute(name: String, name_span: Span, mut args: Vec<Expr>, span: Span) -> Result<Form, Diagnostic> {
    let bad = |at: Span, what: &str| {
        Diagnostic::error(at, format!("malformed `-{}` attribute", name)).with_label(format!("expected {}", what))
    };
    match name.as_str() {
        "module" => match args.as_slice() {
            [Expr::Atom(module, _)] => Ok(Form::Module { name: module.clone(), span }),
            _ => Err(bad(span, "`-module(name).`")),
        },
        "export" => match args.as_slice() {
            [list] => Ok(Form::Export { funs: function_list(list).ok_or_else(|| bad(list.span(), "a list like `[f/1, g/2]`"))?, span }),
            _ => Err(bad(span, "`-export([f/1, ...]).`")),
        },
        "import" => match args.as_slice() {
            [Expr::Atom(module, _), list] => Ok(Form::Import {
                module: module.clone(),
                funs: function_list(list).ok_or_else(|| bad(list.span(), "a list like `[f/1, g/2]`"))?,
                span,
            }),
            _ => Err(bad(span, "`-import(module, [f/1, ...]).`")),
        },
        "record" => match args.as_slice() {
            [Expr::Atom(record, _), Expr::Tuple(fields, _)] => {
                let fields = fields
                    .iter()
                    .map(|f| match f {
                        Expr::Atom(field, s) => Ok(RecordFieldDef { name: field.clone(), default: None, span: *s }),
                        Expr::Match(lhs, default, s) => match &**lhs {
                            Expr::Atom(field, _) => {
                                Ok(RecordFieldDef { name: field.clone(), default: Some((**default).clone()), span: *s })
                            }
                            other => Err(bad(other.span(), "a field name (an atom)")),
                        },
                        other => Err(bad(other.span(), "`field` or `field = Default`")),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Form::Record { name: record.clone(), fields, span })
            }
            _ => Err(bad(span, "`-record(name, {field, field = Default, ...}).`")),
        },
        _ => {
            let _ = name_span;
            let value = if args.len() == 1 {
                args.pop().unwrap()
            } else {
                let tuple_span = args[0].span().to(args[args.len() - 1].span());
                Expr::Tuple(args, tuple_span)
            };
            Ok(Form::Attribute { name, value: Some(value), span })
        }
    }
}

/// `[f/1, g/2]` as (name, arity, span) triples.
fn function_list(list: &Expr) -> Option<Vec<(String, u32, Span)>> {
    let mut funs = Vec::new();
    let mut cell = list;
    loop {
        match cell {
            Expr::Nil(_) => return Some(funs),
            Expr::Cons(head, tail, _) => {
                match &**head {
                    Expr::Binary2(BinOp::FDiv, name, arity, span) => match (&**name, &**arity) {
                        (Expr::Atom(name, _), Expr::Integer(arity, _)) if (0..=255).contains(arity) => {
                            funs.push((name.clone(), *arity as u32, *span))
                        }
                        _ => return None,
                    },
                    _ => return None,
                }
                cell = tail;
            }
            _ => return None,
        }
    }
}

/// Checks that every clause has the first clause's name and arity (erlc's
/// "head mismatch"), then builds the function.
fn function(clauses: Vec<NamedClause>, span: Span) -> Result<Form, Diagnostic> {
    let first = &clauses[0];
    let (name, arity) = (first.name.clone(), first.clause.patterns.len());
    for clause in &clauses[1..] {
        let this_arity = clause.clause.patterns.len();
        if clause.name != name || this_arity != arity {
            let this = format!("{}/{}", clause.name, this_arity);
            let that = format!("{}/{}", name, arity);
            let advice = if clause.name != name {
                format!("if `{}` is a new function, end `{}` with `.` instead of `;`", this, that)
            } else {
                format!("functions with different arities are different functions: end `{}` with `.` first", that)
            };
            return Err(Diagnostic::error(
                clause.name_span.to(clause.name_span),
                format!("function clause for `{}` inside `{}`", this, that),
            )
            .with_label(format!("this clause defines `{}`", this))
            .with_secondary(first.name_span, format!("`{}` starts here", that))
            .with_note(advice));
        }
    }
    Ok(Form::Function(Function {
        name,
        arity: arity as u32,
        clauses: clauses.into_iter().map(|c| c.clause).collect(),
        span,
    }))
}
