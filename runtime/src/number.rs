//! Integer and float arithmetic with Erlang semantics.
//!
//! Integers are small (60-bit immediates, see `term.rs`) until a result
//! does not fit; then they become boxed bignums (`Subtag::BigPos`/`BigNeg`,
//! magnitude in u64 limbs, least significant first). Every result goes
//! through `make_integer`, which turns a bignum that fits back into a small,
//! so a small-range value has exactly one representation (the comparison and
//! hashing code rely on it). Floats are boxed f64; a float result that is
//! infinite or NaN raises `badarith`, as BEAM does.
//!
//! The small+small paths never allocate unless the result overflows.

use crate::exception::{BifResult, Exception};
use crate::heap::Heap;
use crate::opcode::ArithOp;
use crate::term::{header_size, header_subtag, Subtag, Term, SMALL_MAX, SMALL_MIN};
use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{ToPrimitive, Zero};

/// The largest integer result, in bits, that arithmetic will build; a larger
/// one raises `system_limit`. BEAM's limit is of the same order (its
/// `ERTS_MAX_BIG_SIZE` is 2^24 words ≈ 2^30 bits on 64-bit); ours is lower so
/// that a runaway `bsl` fails fast instead of eating gigabytes.
pub const MAX_INTEGER_BITS: u64 = 1 << 27;

/// The integer value of `t` (a small or a bignum) as a `BigInt`.
pub fn int_to_big(t: Term) -> Option<BigInt> {
    if let Some(i) = t.as_small() {
        return Some(BigInt::from(i));
    }
    if !t.is_boxed() {
        return None;
    }
    let h = t.header();
    let sign = match header_subtag(h) {
        Subtag::BigPos => Sign::Plus,
        Subtag::BigNeg => Sign::Minus,
        _ => return None,
    };
    let limbs = t.payload();
    debug_assert_eq!(limbs.len(), header_size(h));
    let mut digits = Vec::with_capacity(limbs.len() * 2);
    for &l in limbs {
        digits.push(l as u32);
        digits.push((l >> 32) as u32);
    }
    Some(BigInt::from_biguint(sign, BigUint::new(digits)))
}

/// The value of an integer term as an i64, if it fits (a bignum that
/// fits in 64 bits but not in 60 does).
pub fn int_to_i64(t: Term) -> Option<i64> {
    if let Some(i) = t.as_small() {
        return Some(i);
    }
    if t.is_bignum() {
        let l = t.payload();
        if l.len() == 1 {
            let neg = header_subtag(t.header()) == Subtag::BigNeg;
            let m = l[0];
            return if neg {
                if m <= 1u64 << 63 {
                    Some((m as i64).wrapping_neg())
                } else {
                    None
                }
            } else if m <= i64::MAX as u64 {
                Some(m as i64)
            } else {
                None
            };
        }
    }
    None
}

/// An integer term for `v`: a small when it fits, else a bignum on `heap`.
pub fn make_integer(heap: &mut Heap, v: BigInt) -> Term {
    if let Some(i) = v.to_i64() {
        if let Some(t) = Term::small_checked(i) {
            return t;
        }
    }
    let (sign, limbs) = v.to_u64_digits();
    let subtag = if sign == Sign::Minus { Subtag::BigNeg } else { Subtag::BigPos };
    heap.boxed_words(subtag, &limbs)
}

/// An integer term for `v` (no BigInt on the way for 128-bit values).
pub fn make_i128(heap: &mut Heap, v: i128) -> Term {
    if v >= SMALL_MIN as i128 && v <= SMALL_MAX as i128 {
        return Term::small(v as i64);
    }
    let neg = v < 0;
    let m = v.unsigned_abs();
    let lo = m as u64;
    let hi = (m >> 64) as u64;
    let subtag = if neg { Subtag::BigNeg } else { Subtag::BigPos };
    if hi == 0 {
        heap.boxed_words(subtag, &[lo])
    } else {
        heap.boxed_words(subtag, &[lo, hi])
    }
}

/// An integer term for an i64.
#[inline]
pub fn make_i64(heap: &mut Heap, v: i64) -> Term {
    match Term::small_checked(v) {
        Some(t) => t,
        None => make_i128(heap, v as i128),
    }
}

/// A float term, or `badarith` when `f` is infinite or NaN.
#[inline]
pub fn make_float(heap: &mut Heap, f: f64) -> BifResult {
    if f.is_finite() {
        Ok(heap.float(f))
    } else {
        Err(Exception::badarith())
    }
}

/// The value of a number as f64 (integers rounded to nearest). A bignum too
/// large for f64 gives an infinity; callers that care check `is_finite`.
pub fn to_f64(t: Term) -> Option<f64> {
    if let Some(i) = t.as_small() {
        return Some(i as f64);
    }
    if let Some(f) = t.as_float() {
        return Some(f);
    }
    int_to_big(t).map(|b| b.to_f64().unwrap_or(if b.sign() == Sign::Minus { f64::NEG_INFINITY } else { f64::INFINITY }))
}

/// Number of bits in the magnitude of an integer term (0 for 0).
pub fn int_bits(t: Term) -> u64 {
    if let Some(i) = t.as_small() {
        return 64 - i.unsigned_abs().leading_zeros() as u64;
    }
    let l = t.payload();
    let top = *l.last().unwrap_or(&0);
    (l.len() as u64 - 1) * 64 + (64 - top.leading_zeros() as u64)
}

/// `a op b` with Erlang semantics; errors are `badarith` (or
/// `system_limit` for an over-large shift).
pub fn arith(heap: &mut Heap, op: ArithOp, a: Term, b: Term) -> BifResult {
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        if let Some(r) = small_arith(heap, op, x, y) {
            return r;
        }
    }
    if let (Some(x), Some(y)) = (float_operand(a), float_operand(b)) {
        if let Some(r) = float_arith(heap, op, x, y) {
            return r;
        }
    }
    slow_arith(heap, op, a, b)
}

/// A float, or a small integer (converted, rounding as Erlang does, when
/// the other operand is a float); bignums take the general path.
#[inline]
fn float_operand(t: Term) -> Option<f64> {
    match t.as_small() {
        Some(i) => Some(i as f64),
        None => t.as_float(),
    }
}

/// Float arithmetic without going through bignums (the common case in
/// numeric code). Only `+ - * /` apply to floats; `None` sends the
/// integer-only operators to the general path, which raises badarith.
#[inline]
fn float_arith(heap: &mut Heap, op: ArithOp, x: f64, y: f64) -> Option<BifResult> {
    let r = match op {
        ArithOp::Add => x + y,
        ArithOp::Sub => x - y,
        ArithOp::Mul => x * y,
        ArithOp::FDiv => {
            if y == 0.0 {
                return Some(Err(Exception::badarith()));
            }
            x / y
        }
        _ => return None,
    };
    Some(make_float(heap, r))
}

/// Both operands small. `None` means "take the general path".
#[inline]
fn small_arith(heap: &mut Heap, op: ArithOp, x: i64, y: i64) -> Option<BifResult> {
    // 60-bit operands: sums and differences cannot overflow i64.
    Some(Ok(match op {
        ArithOp::Add => make_i64(heap, x + y),
        ArithOp::Sub => make_i64(heap, x - y),
        ArithOp::Mul => make_i128(heap, x as i128 * y as i128),
        ArithOp::FDiv => {
            if y == 0 {
                return Some(Err(Exception::badarith()));
            }
            return Some(make_float(heap, x as f64 / y as f64));
        }
        ArithOp::IDiv => {
            if y == 0 {
                return Some(Err(Exception::badarith()));
            }
            make_i64(heap, x / y)
        }
        ArithOp::Rem => {
            if y == 0 {
                return Some(Err(Exception::badarith()));
            }
            Term::small(x % y)
        }
        ArithOp::Band => Term::small(x & y),
        ArithOp::Bor => Term::small(x | y),
        ArithOp::Bxor => Term::small(x ^ y),
        ArithOp::Bsl => return small_shift(heap, x, y),
        ArithOp::Bsr => return small_shift(heap, x, y.checked_neg()?),
    }))
}

/// `x bsl n` (n may be negative: a right shift), when it stays in 128 bits.
#[inline]
fn small_shift(heap: &mut Heap, x: i64, n: i64) -> Option<BifResult> {
    if n <= 0 {
        let s = n.unsigned_abs().min(63);
        return Some(Ok(Term::small(x >> s)));
    }
    if x == 0 {
        return Some(Ok(Term::small(0)));
    }
    // x has at most 60 significant bits; stay within i128.
    if n < 64 {
        return Some(Ok(make_i128(heap, (x as i128) << n)));
    }
    None
}

enum Num {
    Int(BigInt),
    Float(f64),
}

fn num(t: Term) -> Option<Num> {
    if let Some(f) = t.as_float() {
        Some(Num::Float(f))
    } else {
        int_to_big(t).map(Num::Int)
    }
}

fn big_to_float(b: &BigInt) -> Result<f64, Exception> {
    match b.to_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err(Exception::badarith()),
    }
}

fn slow_arith(heap: &mut Heap, op: ArithOp, a: Term, b: Term) -> BifResult {
    let (Some(x), Some(y)) = (num(a), num(b)) else {
        return Err(Exception::badarith());
    };
    match op {
        ArithOp::Add | ArithOp::Sub | ArithOp::Mul | ArithOp::FDiv => {}
        _ => {
            // Integer-only operators.
            let (Num::Int(x), Num::Int(y)) = (x, y) else {
                return Err(Exception::badarith());
            };
            return int_op(heap, op, x, y);
        }
    }
    if let (Num::Int(x), Num::Int(y), false) = (&x, &y, op == ArithOp::FDiv) {
        let r = match op {
            ArithOp::Add => x + y,
            ArithOp::Sub => x - y,
            _ => x * y,
        };
        return checked_integer(heap, r);
    }
    let fx = match x {
        Num::Int(i) => big_to_float(&i)?,
        Num::Float(f) => f,
    };
    let fy = match y {
        Num::Int(i) => big_to_float(&i)?,
        Num::Float(f) => f,
    };
    let r = match op {
        ArithOp::Add => fx + fy,
        ArithOp::Sub => fx - fy,
        ArithOp::Mul => fx * fy,
        _ => {
            if fy == 0.0 {
                return Err(Exception::badarith());
            }
            fx / fy
        }
    };
    make_float(heap, r)
}

fn checked_integer(heap: &mut Heap, r: BigInt) -> BifResult {
    if r.bits() > MAX_INTEGER_BITS {
        return Err(Exception::system_limit());
    }
    Ok(make_integer(heap, r))
}

fn int_op(heap: &mut Heap, op: ArithOp, x: BigInt, y: BigInt) -> BifResult {
    let r = match op {
        ArithOp::IDiv | ArithOp::Rem if y.is_zero() => return Err(Exception::badarith()),
        // BigInt's `/` and `%` truncate toward zero, as `div` and `rem` do.
        ArithOp::IDiv => x / y,
        ArithOp::Rem => x % y,
        ArithOp::Band => x & y,
        ArithOp::Bor => x | y,
        ArithOp::Bxor => x ^ y,
        ArithOp::Bsl | ArithOp::Bsr => {
            let n = match y.to_i64() {
                Some(n) => {
                    if op == ArithOp::Bsr {
                        n.checked_neg().unwrap_or(i64::MAX)
                    } else {
                        n
                    }
                }
                None => {
                    // A shift by a bignum: everything shifted out, or too large.
                    let left = (y.sign() == Sign::Plus) == (op == ArithOp::Bsl);
                    if left {
                        if x.is_zero() {
                            return Ok(Term::small(0));
                        }
                        return Err(Exception::system_limit());
                    }
                    return Ok(Term::small(if x.sign() == Sign::Minus { -1 } else { 0 }));
                }
            };
            if n >= 0 {
                if x.is_zero() {
                    return Ok(Term::small(0));
                }
                if x.bits() + n as u64 > MAX_INTEGER_BITS {
                    return Err(Exception::system_limit());
                }
                x << (n as u64)
            } else {
                let s = n.unsigned_abs();
                if s >= x.bits() {
                    return Ok(Term::small(if x.sign() == Sign::Minus { -1 } else { 0 }));
                }
                // Shr on a negative BigInt rounds toward negative infinity
                // (num-bigint >= 0.4), which is arithmetic shift.
                x >> s
            }
        }
        _ => unreachable!(),
    };
    checked_integer(heap, r)
}

/// `-t`.
pub fn negate(heap: &mut Heap, t: Term) -> BifResult {
    if let Some(i) = t.as_small() {
        return Ok(make_i64(heap, -i));
    }
    if let Some(f) = t.as_float() {
        return Ok(heap.float(-f));
    }
    match int_to_big(t) {
        Some(b) => Ok(make_integer(heap, -b)),
        None => Err(Exception::badarith()),
    }
}

/// `bnot t`.
pub fn bnot(heap: &mut Heap, t: Term) -> BifResult {
    if let Some(i) = t.as_small() {
        return Ok(Term::small(!i));
    }
    match int_to_big(t) {
        Some(b) => Ok(make_integer(heap, !b)),
        None => Err(Exception::badarith()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(h: &mut Heap, s: &str) -> Term {
        make_integer(h, s.parse::<BigInt>().unwrap())
    }
    fn val(t: Term) -> String {
        if let Some(f) = t.as_float() {
            return format!("{f:?}");
        }
        int_to_big(t).unwrap().to_string()
    }
    fn ar(h: &mut Heap, op: ArithOp, a: Term, b: Term) -> String {
        match arith(h, op, a, b) {
            Ok(t) => val(t),
            Err(e) => format!("{:?}", e.reason),
        }
    }

    #[test]
    fn normalisation() {
        let mut h = Heap::new();
        let t = big(&mut h, "576460752303423487"); // 2^59 - 1
        assert!(t.is_small());
        let t = big(&mut h, "576460752303423488"); // 2^59
        assert!(t.is_bignum());
        assert_eq!(t.payload(), &[1u64 << 59]);
        let t = big(&mut h, "-576460752303423488"); // -2^59
        assert!(t.is_small());
        let t = big(&mut h, "-576460752303423489");
        assert!(t.is_subtag(Subtag::BigNeg));
        let t = big(&mut h, "340282366920938463463374607431768211456"); // 2^128
        assert_eq!(t.payload(), &[0, 0, 1]);
        assert_eq!(val(t), "340282366920938463463374607431768211456");
        // A bignum result that comes back into small range is a small.
        let a = big(&mut h, "576460752303423488");
        let r = arith(&mut h, ArithOp::Sub, a, Term::small(1)).unwrap();
        assert!(r.is_small());
        assert_eq!(make_i128(&mut h, -(1i128 << 100)).is_subtag(Subtag::BigNeg), true);
        assert_eq!(val(make_i128(&mut h, i128::MIN)), i128::MIN.to_string());
    }

    #[test]
    fn small_overflow() {
        let mut h = Heap::new();
        let m = Term::small(SMALL_MAX);
        assert_eq!(ar(&mut h, ArithOp::Add, m, Term::small(1)), "576460752303423488");
        assert_eq!(ar(&mut h, ArithOp::Mul, m, m), ((SMALL_MAX as i128) * (SMALL_MAX as i128)).to_string());
        let mn = Term::small(SMALL_MIN);
        assert_eq!(ar(&mut h, ArithOp::IDiv, mn, Term::small(-1)), "576460752303423488");
        assert_eq!(val(negate(&mut h, mn).unwrap()), "576460752303423488");
        assert_eq!(ar(&mut h, ArithOp::Bsl, Term::small(1), Term::small(100)), "1267650600228229401496703205376");
    }

    #[test]
    fn div_rem_and_shifts() {
        let mut h = Heap::new();
        let s = Term::small;
        assert_eq!(ar(&mut h, ArithOp::IDiv, s(-7), s(2)), "-3");
        assert_eq!(ar(&mut h, ArithOp::Rem, s(-7), s(2)), "-1");
        assert_eq!(ar(&mut h, ArithOp::Rem, s(7), s(-2)), "1");
        assert_eq!(ar(&mut h, ArithOp::IDiv, s(1), s(0)), "'badarith'");
        assert_eq!(ar(&mut h, ArithOp::Bsr, s(-1), s(100)), "-1");
        assert_eq!(ar(&mut h, ArithOp::Bsr, s(-5), s(1)), "-3");
        assert_eq!(ar(&mut h, ArithOp::Bsl, s(5), s(-1)), "2");
        let b = big(&mut h, "-100000000000000000000000");
        assert_eq!(ar(&mut h, ArithOp::Bsr, b, s(10)), "-97656250000000000000");
        assert_eq!(ar(&mut h, ArithOp::Bsr, b, s(1000)), "-1");
        assert_eq!(ar(&mut h, ArithOp::Band, b, s(-1)), "-100000000000000000000000");
        assert_eq!(ar(&mut h, ArithOp::Band, b, s(0xffff)), ((-100000000000000000000000i128) & 0xffff).to_string());
        assert_eq!(ar(&mut h, ArithOp::Bor, b, s(1)), ((-100000000000000000000000i128) | 1).to_string());
        let huge = big(&mut h, "100000000000000000000");
        assert_eq!(ar(&mut h, ArithOp::Bsl, s(1), huge), "'system_limit'");
        assert_eq!(ar(&mut h, ArithOp::Bsl, s(0), huge), "0");
        assert_eq!(ar(&mut h, ArithOp::Bsl, s(1), s(1 << 40)), "'system_limit'");
        let b2 = big(&mut h, "-100000000000000000000001");
        assert_eq!(ar(&mut h, ArithOp::Rem, b2, s(10)), "-1");
        assert_eq!(ar(&mut h, ArithOp::IDiv, b2, s(10)), "-10000000000000000000000");
        assert_eq!(val(bnot(&mut h, s(5)).unwrap()), "-6");
    }

    #[test]
    fn floats() {
        let mut h = Heap::new();
        let s = Term::small;
        let f = h.float(1.5);
        assert_eq!(ar(&mut h, ArithOp::Add, s(1), f), "2.5");
        assert_eq!(ar(&mut h, ArithOp::FDiv, s(1), s(2)), "0.5");
        let z = h.float(0.0);
        assert_eq!(ar(&mut h, ArithOp::FDiv, s(1), z), "'badarith'");
        assert_eq!(ar(&mut h, ArithOp::IDiv, f, s(1)), "'badarith'");
        let m = h.float(1.0e308);
        assert_eq!(ar(&mut h, ArithOp::Mul, m, s(10)), "'badarith'");
        let b = big(&mut h, &"9".repeat(400));
        assert_eq!(ar(&mut h, ArithOp::Add, b, f), "'badarith'");
        assert_eq!(ar(&mut h, ArithOp::Add, Term::atom(crate::atom::OK), s(1)), "'badarith'");
        assert_eq!(to_f64(big(&mut h, "1152921504606846976")), Some(1.152921504606847e18));
    }
}
