//! Node construction for the grammar's actions (grammar/act.lalrpop), and
//! the few checks that need a whole rule's pieces at once: bit-type names,
//! named-fun clause names, `_ = Default` record fields, a remote `m:f`
//! that is never called.

use lalrpop_util::ParseError;

use super::ast::*;
use super::token::Tok;
use crate::diagnostic::Diagnostic;

pub type ActionResult<T> = Result<T, ParseError<usize, Tok, Diagnostic>>;

/// A form as the grammar sees it, before attributes are classified and
/// clause heads are checked (see [`super::forms`]).
pub enum RawForm {
    Attribute { name: String, name_span: Span, args: Vec<Expr>, span: Span },
    Function { clauses: Vec<NamedClause>, span: Span },
}

/// A function clause with the name written in its head.
pub struct NamedClause {
    pub name: String,
    pub name_span: Span,
    pub clause: Clause,
}

/// What stands before an argument list: `m:f` only makes sense there.
pub enum Callee {
    Remote(Expr, Expr, Span),
    Expr(Expr),
}

fn user_error<T>(diagnostic: Diagnostic) -> ActionResult<T> {
    Err(ParseError::User { error: diagnostic })
}

pub fn sp(l: usize, r: usize) -> Span {
    Span::new(l, r)
}

pub fn prepend(first: Expr, mut rest: Vec<Expr>) -> Vec<Expr> {
    rest.insert(0, first);
    rest
}

pub fn binop(op: BinOp, a: Expr, b: Expr, l: usize, r: usize) -> Expr {
    Expr::Binary2(op, Box::new(a), Box::new(b), sp(l, r))
}

pub fn var(name: String, span: Span) -> Expr {
    if name == "_" {
        Expr::Wildcard(span)
    } else {
        Expr::Var(name, span)
    }
}

/// `[a, b | T]` as nested cons cells; each cell spans from its head to the `]`.
pub fn list(elems: Vec<Expr>, tail: Option<Expr>, span: Span) -> Expr {
    let mut acc = tail.unwrap_or(Expr::Nil(Span::new(span.end as usize - 1, span.end as usize)));
    for elem in elems.into_iter().rev() {
        let cell = Span { start: elem.span().start, end: span.end };
        acc = Expr::Cons(Box::new(elem), Box::new(acc), cell);
    }
    if let Expr::Cons(_, _, s) = &mut acc {
        *s = span;
    }
    acc
}

pub fn call(callee: Callee, args: Vec<Expr>, span: Span) -> Expr {
    let target = match callee {
        Callee::Remote(m, f, _) => CallTarget::Remote(Box::new(m), Box::new(f)),
        Callee::Expr(Expr::Atom(name, s)) => CallTarget::Local(name, s),
        Callee::Expr(e) => CallTarget::Fun(Box::new(e)),
    };
    Expr::Call { target, args, span }
}

pub fn callee_as_expr(callee: Callee) -> ActionResult<Expr> {
    match callee {
        Callee::Expr(e) => Ok(e),
        Callee::Remote(m, f, span) => {
            let shown = match (&m, &f) {
                (Expr::Atom(m, _), Expr::Atom(f, _)) => format!("`{}:{}`", m, f),
                _ => "this remote function".to_string(),
            };
            user_error(
                Diagnostic::error(span, format!("{} is not called", shown))
                    .with_label("`:` names a function in another module, which must be called")
                    .with_note("call it with `m:f(Args)`, or take it as a value with `fun m:f/Arity`"),
            )
        }
    }
}

pub fn fun_ref(name: String, arity: i64, span: Span) -> ActionResult<Expr> {
    match u32::try_from(arity) {
        Ok(arity) if arity <= 255 => Ok(Expr::FunRef { name, arity, span }),
        _ => user_error(Diagnostic::error(span, format!("arity {} is too large", arity)).with_label("at most 255")),
    }
}

pub fn fun_expr(clauses: Vec<(Option<(String, Span)>, Clause)>, span: Span) -> ActionResult<Expr> {
    let name = clauses[0].0.clone();
    for (clause_name, clause) in &clauses[1..] {
        if clause_name.as_ref().map(|n| &n.0) != name.as_ref().map(|n| &n.0) {
            let shown = |n: &Option<(String, Span)>| match n {
                Some((n, _)) => format!("named `{}`", n),
                None => "anonymous".to_string(),
            };
            let at = clause_name.as_ref().map(|n| n.1).unwrap_or(clause.span);
            let mut d = Diagnostic::error(
                at,
                format!("this fun clause is {}, but the first clause is {}", shown(clause_name), shown(&name)),
            )
            .with_label("clause name differs");
            if let Some((_, first)) = &name {
                d = d.with_secondary(*first, "the fun's name is given here");
            }
            return user_error(d.with_note("every clause of a named fun repeats the same name"));
        }
    }
    Ok(Expr::Fun { name: name.map(|n| n.0), clauses: clauses.into_iter().map(|c| c.1).collect(), span })
}

pub fn record_wildcard_field(name: (String, Span), value: Expr, span: Span) -> ActionResult<RecordField> {
    if name.0 != "_" {
        return user_error(
            Diagnostic::error(name.1, format!("record field names are atoms, not variables like `{}`", name.0))
                .with_label("expected a field name")
                .with_note("only `_ = Default` may stand for the remaining fields"),
        );
    }
    Ok(RecordField { name: name.0, value, span })
}

/// One of `integer float binary bytes bitstring bits utf8 utf16 utf32`,
/// `signed unsigned`, `big little native`, `unit:N`.
pub fn bin_spec(name: (String, Span), arg: Option<(i64, Span)>) -> ActionResult<BinSpec> {
    let (text, span) = name;
    let spec = match (text.as_str(), arg) {
        ("integer" | "float" | "binary" | "bytes" | "bitstring" | "bits" | "utf8" | "utf16" | "utf32", None) => {
            BinSpec::Type(text)
        }
        ("signed" | "unsigned", None) => BinSpec::Signedness(text),
        ("big" | "little" | "native", None) => BinSpec::Endianness(text),
        ("unit", Some((n, n_span))) => match u32::try_from(n) {
            Ok(n) if (1..=256).contains(&n) => BinSpec::Unit(n),
            _ => {
                return user_error(
                    Diagnostic::error(n_span, format!("`unit:{}` is out of range", n)).with_label("units go from 1 to 256"),
                )
            }
        },
        ("unit", None) => {
            return user_error(
                Diagnostic::error(span, "`unit` needs a size").with_label("write `unit:N`, for example `unit:8`"),
            )
        }
        _ => {
            return user_error(
                Diagnostic::error(span, format!("unknown binary type specifier `{}`", text))
                    .with_label("not a type, signedness, endianness or unit")
                    .with_note("specifiers are integer float binary bytes bitstring bits utf8 utf16 utf32, signed unsigned, big little native, unit:N"),
            )
        }
    };
    Ok(spec)
}
