//! Number BIFs of module `erlang`: `abs/1`, `min/2`, `max/2`, `round/1`,
//! `trunc/1`, `floor/1`, `ceil/1`, `float/1`.

use super::erlang::badarg;
use super::BifDef;
use crate::compare;
use crate::exception::BifResult;
use crate::heap::Heap;
use crate::number;
use crate::process::Process;
use crate::term::Term;
use num_bigint::BigInt;
use num_traits::FromPrimitive;
use std::cmp::Ordering;

pub const BIFS: &[BifDef] = &[
    ("erlang", "abs", 1, abs),
    ("erlang", "min", 2, min),
    ("erlang", "max", 2, max),
    ("erlang", "round", 1, round),
    ("erlang", "trunc", 1, trunc),
    ("erlang", "floor", 1, floor),
    ("erlang", "ceil", 1, ceil),
    ("erlang", "float", 1, float),
];

fn abs(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if let Some(i) = t.as_small() {
        return Ok(number::make_i64(&mut p.heap, i.abs()));
    }
    if let Some(f) = t.as_float() {
        // As ERTS: `-0.0` is not below zero, so it stays `-0.0`.
        return Ok(if f < 0.0 { p.heap.float(-f) } else { t });
    }
    match number::int_to_big(t) {
        Some(b) => Ok(number::make_integer(&mut p.heap, num_traits::Signed::abs(&b))),
        None => badarg(),
    }
}

/// On equal arguments both return the first one (as OTP: `min(1, 1.0)` is 1).
fn min(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(if compare::compare(a[1], a[0]) == Ordering::Less { a[1] } else { a[0] })
}
fn max(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(if compare::compare(a[1], a[0]) == Ordering::Greater { a[1] } else { a[0] })
}

/// An integral float as an integer term.
pub fn float_to_int(heap: &mut Heap, f: f64) -> Term {
    if f.abs() < 1.0e17 {
        return number::make_i64(heap, f as i64);
    }
    number::make_integer(heap, BigInt::from_f64(f).expect("finite float"))
}

fn float_op(p: &mut Process, t: Term, op: fn(f64) -> f64) -> BifResult {
    if t.is_integer() {
        return Ok(t);
    }
    match t.as_float() {
        Some(f) => Ok(float_to_int(&mut p.heap, op(f))),
        None => badarg(),
    }
}

fn round(p: &mut Process, a: &[Term]) -> BifResult {
    // f64::round rounds half away from zero, as `round/1` does.
    float_op(p, a[0], f64::round)
}
fn trunc(p: &mut Process, a: &[Term]) -> BifResult {
    float_op(p, a[0], f64::trunc)
}
fn floor(p: &mut Process, a: &[Term]) -> BifResult {
    float_op(p, a[0], f64::floor)
}
fn ceil(p: &mut Process, a: &[Term]) -> BifResult {
    float_op(p, a[0], f64::ceil)
}

fn float(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if t.is_float() {
        return Ok(t);
    }
    if !t.is_integer() {
        return badarg();
    }
    match number::to_f64(t) {
        Some(f) if f.is_finite() => Ok(p.heap.float(f)),
        _ => badarg(),
    }
}
