//! Float to text exactly as `float_to_list/1,2` writes it, and text to
//! float as `list_to_float/1` reads it.
//!
//! - default: C's `%.20e` (`1.00000000000000000000e+00`);
//! - `{scientific, N}`: `%.Ne`;
//! - `{decimals, N}` (+ `compact`): ERTS's `sys_double_to_chars_fast`: for
//!   |f| <= 2^53 and N < 19 it rounds `frac * 10^N` in floating point
//!   (so `float_to_list(0.125, [{decimals, 2}])` is "0.13" and 2.5 with 0
//!   decimals is "3"), else `%.Nf`; over 255 characters is badarg;
//! - `short`: the shortest digits that read back to the same float, laid
//!   out as ERTS does after `std::to_chars` (fixed when not longer than
//!   scientific, always scientific from 2^53 up).

/// C's `%.{prec}e`: Rust's exponent form with the exponent as sign and at
/// least two digits.
pub fn scientific(f: f64, prec: usize) -> String {
    let s = format!("{:.*e}", prec, f);
    let (mant, exp) = s.split_once('e').expect("exponent");
    let e: i32 = exp.parse().expect("exponent digits");
    format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// `float_to_list(F)`.
pub fn default(f: f64) -> String {
    scientific(f, 20)
}

/// `float_to_list(F, [{decimals, N}])`, with `compact`; `None` when OTP
/// raises badarg (more than 255 characters).
pub fn decimals(f: f64, n: usize, compact: bool) -> Option<String> {
    /// ERTS's `MAX_FLOAT` in `sys_double_to_chars_fast`: 2^53.
    const MAX_FAST: f64 = 9007199254740992.0;
    /// ERTS formats into a 256-byte buffer (with the NUL).
    const BUF: usize = 256;
    let af = f.abs();
    let mut s;
    if af > MAX_FAST || n >= 19 {
        s = format!("{:.*}", n, f);
        if s.len() >= BUF {
            return None;
        }
    } else {
        let neg = f.is_sign_negative();
        s = String::new();
        if neg {
            s.push('-');
        }
        if n > 0 {
            let int_f = af.floor();
            let frac_f = ((af - int_f) * 10f64.powi(n as i32)).round();
            let (mut int_part, mut frac_part) = (int_f as u64, frac_f as u64);
            if frac_f >= 10f64.powi(n as i32) {
                int_part += 1;
                frac_part = 0;
            }
            s.push_str(&format!("{int_part}.{frac_part:0n$}"));
        } else {
            // lround: half away from zero.
            s.push_str(&format!("{}", af.round() as u64));
        }
    }
    if compact && s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.push('0');
        }
    }
    Some(s)
}

/// The shortest round-trip digits of a finite, non-zero |f| and its
/// decimal exponent: |f| = 0.d1d2d3... * 10^point.
fn shortest_digits(f: f64) -> (String, i32) {
    // Rust's `{:e}` prints the shortest round-trip representation.
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap();
    let e: i32 = exp.parse().unwrap();
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    (break_tie(f.abs(), digits, e), e + 1)
}

/// When |f| lies exactly halfway between two shortest candidates, Rust
/// picks the upper one and `std::to_chars` (which OTP uses) the even one.
/// `e` is the exponent of the first digit.
fn break_tie(f: f64, digits: String, e: i32) -> String {
    let nd = digits.len();
    if digits.as_bytes()[nd - 1].is_multiple_of(2) {
        return digits;
    }
    // 40 digits past the candidate are plenty to see a non-tie.
    let exact = format!("{:.*e}", nd - 1 + 40, f);
    let exact_digits: String = exact.split_once('e').unwrap().0.chars().filter(|c| *c != '.').collect();
    let rest = &exact_digits[nd..];
    if !(rest.starts_with('5') && rest[1..].bytes().all(|b| b == b'0')) {
        return digits;
    }
    let lower = &exact_digits[..nd];
    if lower == digits {
        return digits; // the even candidate would need a carry; keep Rust's
    }
    let candidate = format!("{}.{}e{}", &lower[..1], &lower[1..], e);
    if candidate.parse::<f64>().ok() == Some(f) {
        lower.to_string()
    } else {
        digits
    }
}

/// `float_to_list(F, [short])`.
pub fn short(f: f64) -> String {
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0.0");
    }
    let (digits, point) = shortest_digits(f);
    let nd = digits.len() as i32;
    // What std::to_chars gives: scientific `d[.ddd]e±XX`...
    let sci_exp = point - 1;
    let sci = {
        let mut s = digits[..1].to_string();
        if nd > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push_str(&format!("e{}{:02}", if sci_exp < 0 { '-' } else { '+' }, sci_exp.abs()));
        s
    };
    // ...or fixed `ddd00`, `dd.dd`, `0.000ddd` (no ".0" added).
    let fixed = if point <= 0 {
        format!("0.{}{}", "0".repeat((-point) as usize), digits)
    } else if point >= nd {
        format!("{}{}", digits, "0".repeat((point - nd) as usize))
    } else {
        format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
    };
    let use_sci = f.abs() >= 9007199254740992.0 || sci.len() < fixed.len();
    let body = if use_sci { fix_scientific(&sci) } else { fix_fixed(&fixed) };
    format!("{sign}{body}")
}

/// ERTS's rewrite of a scientific `to_chars` result.
fn fix_scientific(s: &str) -> String {
    let (mant, exp) = s.split_once('e').unwrap();
    if mant.len() == 1 && exp == "-04" {
        return format!("0.000{mant}");
    }
    let mant = if mant.len() == 1 { format!("{mant}.0") } else { mant.to_string() };
    let (neg, digits) = match exp.as_bytes()[0] {
        b'-' => (true, &exp[1..]),
        _ => (false, &exp[1..]),
    };
    let digits = digits.strip_prefix('0').unwrap_or(digits);
    format!("{mant}e{}{digits}", if neg { "-" } else { "" })
}

/// ERTS's rewrite of a fixed `to_chars` result.
fn fix_fixed(s: &str) -> String {
    let b = s.as_bytes();
    let n = b.len();
    if n > 3 && b[n - 1] == b'0' && b[n - 2] == b'0' && (n < 11 || b[n - 3] == b'0') && !s.contains('.') {
        // XXXXXX00 -> X.XXXXXeYY
        let exp = n - 1;
        let mut end = n - 3;
        while b[end] == b'0' && end > 0 {
            end -= 1;
        }
        let frac = if end == 0 { "0".to_string() } else { s[1..=end].to_string() };
        return format!("{}.{}e{}", &s[..1], frac, exp);
    }
    if let Some(rest) = s.strip_prefix("0.000") {
        // 0.000XXX -> X.XXe-4
        let (first, more) = rest.split_at(1);
        return format!("{first}.{}e-4", if more.is_empty() { "0" } else { more });
    }
    if !s.contains('.') {
        return format!("{s}.0");
    }
    s.to_string()
}

/// `list_to_float/1`'s syntax: `[+-]digits.digits[(e|E)[+-]digits]`.
pub fn parse(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > st
    };
    if !digits(&mut i) || i >= b.len() || b[i] != b'.' {
        return None;
    }
    i += 1;
    if !digits(&mut i) {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_finite() {
        Some(f)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_otp() {
        // Expected strings from OTP 25's float_to_list/1,2.
        assert_eq!(default(1.0), "1.00000000000000000000e+00");
        assert_eq!(default(-1.5e-300), "-1.50000000000000012048e-300");
        assert_eq!(default(-0.0), "-0.00000000000000000000e+00");
        assert_eq!(scientific(1.5, 3), "1.500e+00");
        assert_eq!(scientific(123.456, 0), "1e+02");
        assert_eq!(scientific(1.5e300, 1), "1.5e+300");
        let d = |f, n, c| decimals(f, n, c).unwrap();
        assert_eq!(d(1.5, 4, false), "1.5000");
        assert_eq!(d(1.5, 4, true), "1.5");
        assert_eq!(d(100.0, 0, false), "100");
        assert_eq!(d(100.0, 0, true), "100");
        assert_eq!(d(2.5, 0, false), "3");
        assert_eq!(d(-2.5, 0, false), "-3");
        assert_eq!(d(0.125, 2, false), "0.13");
        assert_eq!(d(0.15, 1, false), "0.2");
        assert_eq!(d(1.005, 2, false), "1.00");
        assert_eq!(d(2.675, 2, false), "2.67");
        assert_eq!(d(1.0e10, 3, true), "10000000000.0");
        assert_eq!(d(1.0e20, 1, false), "100000000000000000000.0");
        assert_eq!(d(0.5, 20, true), "0.5");
        assert_eq!(d(-0.0001, 3, false), "-0.000");
        assert_eq!(d(-0.0001, 3, true), "-0.0");
        assert_eq!(d(-0.0, 0, false), "-0");
        assert_eq!(d(-0.0, 3, true), "-0.0");
        assert_eq!(d(-0.0, 20, false), "-0.00000000000000000000");
        assert_eq!(d(1.0e-10, 3, true), "0.0");
        assert!(decimals(1.0e300, 2, false).is_none());
        assert_eq!(d(1.0e52, 1, false), "9999999999999999932209486743616279764617084419440640.0");
        for (f, s) in [
            (0.1, "0.1"),
            (1.0e10, "1.0e10"),
            (1.0e16, "1.0e16"),
            (123456789.0, "123456789.0"),
            (1.0e-5, "1.0e-5"),
            (0.001, "0.001"),
            (1.0e15, "1.0e15"),
            (1.2e21, "1.2e21"),
            (-0.0, "-0.0"),
            (5.0e-324, "5.0e-324"),
            (1.7976931348623157e308, "1.7976931348623157e308"),
            (1.0e-7, "1.0e-7"),
            (1.0e22, "1.0e22"),
            (12345678901234567.0, "1.2345678901234568e16"),
            (0.0001, "0.0001"),
        ] {
            assert_eq!(short(f), s, "short({f:e})");
        }
        assert_eq!(parse("1.5"), Some(1.5));
        assert_eq!(parse("-1.5e-3"), Some(-1.5e-3));
        assert_eq!(parse("1"), None);
        assert_eq!(parse("1e5"), None);
        assert_eq!(parse(".5"), None);
        assert_eq!(parse("1.5x"), None);
        assert_eq!(parse("1.0e999"), None);
    }
}

#[cfg(test)]
mod otp_corpus {
    /// Checks against a corpus written by real OTP (see the commit message
    /// of this test for the generator); kept in `testdata/`.
    #[test]
    fn corpus() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/bif/testdata/float_short.txt")).expect("committed corpus");
        let mut bad = 0;
        for line in text.lines() {
            let w: Vec<&str> = line.split(' ').collect();
            let f = f64::from_bits(w[0].parse().unwrap());
            let got = [super::short(f), super::default(f), super::decimals(f, 3, false).unwrap(), super::decimals(f, 7, true).unwrap()];
            for k in 0..4 {
                if got[k] != w[k + 1] {
                    bad += 1;
                    if bad < 20 {
                        eprintln!("{f:e} mode {k}: got {} want {}", got[k], w[k + 1]);
                    }
                }
            }
        }
        assert_eq!(bad, 0);
    }
}
