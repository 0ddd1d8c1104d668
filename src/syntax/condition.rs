//! The conditions of `-if(Cond).` and `-elif(Cond).`: constant expressions
//! epp evaluates at compile time, after macro expansion. Supported:
//! integers, floats, atoms, `defined(NAME)` (rewritten by the preprocessor
//! before expansion), arithmetic (`+ - * div rem`), comparisons in term
//! order, and `not and or xor andalso orelse`. Anything else (a function
//! call, a variable) is an error that says so.

use super::ast::{BinOp, Expr, Span, UnaryOp};
use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Int(i64),
    Float(f64),
    Atom(String),
}

/// Evaluates a condition to `true` or `false`.
pub fn evaluate_condition(expr: &Expr) -> Result<bool, Diagnostic> {
    match value(expr)? {
        Value::Atom(a) if a == "true" => Ok(true),
        Value::Atom(a) if a == "false" => Ok(false),
        _ => Err(Diagnostic::error(expr.span(), "the condition is neither `true` nor `false`")
            .with_label("this must evaluate to a boolean")),
    }
}

fn unsupported(span: Span) -> Diagnostic {
    Diagnostic::error(span, "this cannot be evaluated in a `-if` condition")
        .with_label("not a constant")
        .with_note("conditions may use numbers, atoms, `defined(NAME)`, arithmetic, comparisons and boolean operators")
}

fn value(expr: &Expr) -> Result<Value, Diagnostic> {
    let boolean = |v: Value, span: Span| match v {
        Value::Atom(a) if a == "true" => Ok(true),
        Value::Atom(a) if a == "false" => Ok(false),
        _ => Err(Diagnostic::error(span, "expected a boolean").with_label("not `true` or `false`")),
    };
    let atom = |b: bool| Value::Atom(if b { "true" } else { "false" }.to_string());
    Ok(match expr {
        Expr::Integer(i, _) => Value::Int(*i),
        Expr::Float(x, _) => Value::Float(*x),
        Expr::Atom(a, _) => Value::Atom(a.clone()),
        Expr::Unary(op, e, span) => {
            let v = value(e)?;
            match (op, v) {
                (UnaryOp::Neg, Value::Int(i)) => Value::Int(i.checked_neg().ok_or_else(|| unsupported(*span))?),
                (UnaryOp::Neg, Value::Float(x)) => Value::Float(-x),
                (UnaryOp::Plus, v @ (Value::Int(_) | Value::Float(_))) => v,
                (UnaryOp::Not, v) => atom(!boolean(v, e.span())?),
                _ => return Err(unsupported(*span)),
            }
        }
        Expr::AndAlso(a, b, _) => atom(boolean(value(a)?, a.span())? && boolean(value(b)?, b.span())?),
        Expr::OrElse(a, b, _) => atom(boolean(value(a)?, a.span())? || boolean(value(b)?, b.span())?),
        Expr::Binary2(op, a, b, span) => {
            let (x, y) = (value(a)?, value(b)?);
            use BinOp::*;
            match op {
                And | Or | Xor => {
                    let (p, q) = (boolean(x, a.span())?, boolean(y, b.span())?);
                    atom(match op {
                        And => p && q,
                        Or => p || q,
                        _ => p != q,
                    })
                }
                Eq | Ne | ExactEq | ExactNe | Lt | Le | Gt | Ge => {
                    let ordering = compare(&x, &y);
                    let exact_equal = x == y;
                    atom(match op {
                        Eq => ordering.is_eq(),
                        Ne => !ordering.is_eq(),
                        ExactEq => exact_equal,
                        ExactNe => !exact_equal,
                        Lt => ordering.is_lt(),
                        Le => ordering.is_le(),
                        Gt => ordering.is_gt(),
                        _ => ordering.is_ge(),
                    })
                }
                Add | Sub | Mul | IDiv | Rem => match (x, y) {
                    (Value::Int(p), Value::Int(q)) => Value::Int(
                        match op {
                            Add => p.checked_add(q),
                            Sub => p.checked_sub(q),
                            Mul => p.checked_mul(q),
                            IDiv => p.checked_div(q),
                            _ => p.checked_rem(q),
                        }
                        .ok_or_else(|| {
                            Diagnostic::error(*span, "integer overflow or division by zero in a condition")
                                .with_label("cannot be computed")
                        })?,
                    ),
                    _ => {
                        return Err(Diagnostic::error(*span, "arithmetic in a condition needs integers")
                            .with_label("both operands must be integers"))
                    }
                },
                _ => return Err(unsupported(*span)),
            }
        }
        other => return Err(unsupported(other.span())),
    })
}

/// Erlang's term order, restricted to numbers and atoms (numbers first).
fn compare(x: &Value, y: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let number = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Atom(_) => None,
    };
    match (x, y) {
        (Value::Int(a), Value::Int(b)) => a.cmp(b),
        (Value::Atom(a), Value::Atom(b)) => a.cmp(b),
        (Value::Atom(_), _) => Ordering::Greater,
        (_, Value::Atom(_)) => Ordering::Less,
        _ => number(x).partial_cmp(&number(y)).unwrap_or(Ordering::Equal),
    }
}
