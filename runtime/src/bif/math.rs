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
    erf => erf_impl, erfc => erfc_impl,
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

// The C library's erf/erfc, which BEAM calls too, so results agree to the
// last bit (Rust's std does not expose them; libm is always linked).
extern "C" {
    #[link_name = "erf"]
    fn c_erf(x: f64) -> f64;
    #[link_name = "erfc"]
    fn c_erfc(x: f64) -> f64;
}

fn erf_impl(x: f64) -> f64 {
    // SAFETY: a pure C math function of one double.
    unsafe { c_erf(x) }
}

fn erfc_impl(x: f64) -> f64 {
    // SAFETY: as above.
    unsafe { c_erfc(x) }
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
        // OTP 25's math:erf(0.5), math:erfc(0.5), math:erfc(3.0).
        assert_eq!(erf_impl(0.5), 0.5204998778130465);
        assert_eq!(erfc_impl(0.5), 0.4795001221869535);
        assert_eq!(erfc_impl(3.0), 2.2090496998585438e-5);
    }
}
