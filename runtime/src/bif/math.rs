//! The `math` module. Arguments may be integers or floats (badarg
//! otherwise); a result outside the reals or infinite raises badarith, as
//! OTP's (e.g. `math:log(0)`, `math:sqrt(-1)`, `math:pow(10, 400)`).

use super::BifDef;
use crate::exception::{BifResult, Exception};
use crate::number;
use crate::process::Process;
use crate::term::Term;

pub const BIFS: &[BifDef] = &[
    ("math", "pi", 0, pi),
    ("math", "sin", 1, sin),
    ("math", "cos", 1, cos),
    ("math", "tan", 1, tan),
    ("math", "asin", 1, asin),
    ("math", "acos", 1, acos),
    ("math", "atan", 1, atan),
    ("math", "atan2", 2, atan2),
    ("math", "sinh", 1, sinh),
    ("math", "cosh", 1, cosh),
    ("math", "tanh", 1, tanh),
    ("math", "asinh", 1, asinh),
    ("math", "acosh", 1, acosh),
    ("math", "atanh", 1, atanh),
    ("math", "exp", 1, exp),
    ("math", "log", 1, log),
    ("math", "log2", 1, log2),
    ("math", "log10", 1, log10),
    ("math", "pow", 2, pow),
    ("math", "sqrt", 1, sqrt),
    ("math", "ceil", 1, ceil),
    ("math", "floor", 1, floor),
    ("math", "fmod", 2, fmod),
    ("math", "erf", 1, erf),
    ("math", "erfc", 1, erfc),
];

fn arg(t: Term) -> Result<f64, Exception> {
    match number::to_f64(t) {
        Some(f) if f.is_finite() => Ok(f),
        Some(_) => Err(Exception::badarith()),
        None => Err(Exception::badarg()),
    }
}

fn pi(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(p.heap.float(std::f64::consts::PI))
}

macro_rules! unary {
    ($($name:ident => $f:expr,)*) => {
        $(fn $name(p: &mut Process, a: &[Term]) -> BifResult {
            let x = arg(a[0])?;
            let f: fn(f64) -> f64 = $f;
            number::make_float(&mut p.heap, f(x))
        })*
    };
}

unary! {
    sin => f64::sin, cos => f64::cos, tan => f64::tan,
    asin => f64::asin, acos => f64::acos, atan => f64::atan,
    sinh => f64::sinh, cosh => f64::cosh, tanh => f64::tanh,
    asinh => f64::asinh, acosh => f64::acosh, atanh => f64::atanh,
    exp => f64::exp, log => f64::ln, log2 => f64::log2, log10 => f64::log10,
    sqrt => f64::sqrt, ceil => f64::ceil, floor => f64::floor,
    erf => erf_impl, erfc => |x| 1.0 - erf_impl(x),
}

fn atan2(p: &mut Process, a: &[Term]) -> BifResult {
    let (y, x) = (arg(a[0])?, arg(a[1])?);
    number::make_float(&mut p.heap, y.atan2(x))
}

fn pow(p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = (arg(a[0])?, arg(a[1])?);
    number::make_float(&mut p.heap, x.powf(y))
}

fn fmod(p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = (arg(a[0])?, arg(a[1])?);
    if y == 0.0 {
        return Err(Exception::badarith());
    }
    number::make_float(&mut p.heap, x % y)
}

/// erf(x), Abramowitz & Stegun 7.1.26 refined: libm's is not exposed by
/// Rust's std; this series/continued-fraction pair is accurate to ~1e-15.
fn erf_impl(x: f64) -> f64 {
    if x.abs() < 2.5 {
        // Maclaurin series: erf x = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
        let mut sum: f64 = 0.0;
        let mut term = x;
        let x2 = x * x;
        let mut n = 0.0;
        while term.abs() > 1e-17 * sum.abs().max(1e-300) || n < 3.0 {
            sum += term / (2.0 * n + 1.0);
            n += 1.0;
            term *= -x2 / n;
            if n > 200.0 {
                break;
            }
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    } else {
        // Continued fraction for erfc at large |x|.
        let ax = x.abs();
        let mut f = 0.0;
        for k in (1..60).rev() {
            f = (k as f64 / 2.0) / (ax + f);
        }
        let erfc = (-ax * ax).exp() / std::f64::consts::PI.sqrt() / (ax + f);
        if x > 0.0 {
            1.0 - erfc
        } else {
            erfc - 1.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::erlang::tests::proc;

    #[test]
    fn domain_errors() {
        let mut p = proc();
        assert_eq!(log(&mut p, &[Term::small(0)]).unwrap_err().reason, Exception::badarith().reason);
        assert_eq!(sqrt(&mut p, &[Term::small(-1)]).unwrap_err().reason, Exception::badarith().reason);
        assert_eq!(sqrt(&mut p, &[Term::NIL]).unwrap_err().reason, Exception::badarg().reason);
        assert_eq!(sqrt(&mut p, &[Term::small(4)]).unwrap().as_float(), Some(2.0));
        assert!((erf_impl(0.5) - 0.5204998778130465).abs() < 1e-15);
        assert!((erf_impl(3.0) - 0.9999779095030014).abs() < 1e-15);
    }
}
