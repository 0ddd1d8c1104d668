//! Float printing as OTP does it.
//!
//! * `float_shortest` is `float_to_list(F, [short])`, which `~w`, `~p`,
//!   `io_lib:write` and `io_lib_format:fwrite_g/1` all use: the shortest
//!   digit string that reads back as the same float (Ryu in ERTS; Rust's own
//!   `{:e}` formatting computes the same digits), laid out in plain decimal
//!   notation when that is no longer than scientific notation (`100.0`,
//!   `0.0001`, `1234567.0`) and the value is below 2^53, and in scientific
//!   notation otherwise (`1.0e3`, `1.2e-4`, `9.007199254740992e15`). The
//!   rule was derived from OTP 25's output, not from its source.
//! * `float_e`, `float_f` and `float_g` are `~e`, `~f` and `~g`. OTP does
//!   *not* round the exact binary value to the requested precision: it takes
//!   the 21 significant digits of `float_to_list(F)` (C's `%.20e`, exact) and
//!   rounds those half-up (`io_lib_format:float_man/2`). So `~.1f` of 0.05
//!   is `0.1` (0.05 is 5.00000000000000027e-2), and of 2.25 is `2.3`.

/// `float_to_list(F, [short])`.
pub fn float_shortest(f: f64) -> String {
    // `{:e}` finds how many digits the shortest round-trip form needs; when
    // two such strings are equally close (the value lies exactly halfway),
    // it may pick either, while Ryu rounds the tie to even. Formatting to
    // that many digits exactly (ties to even) gives Ryu's choice.
    let shortest = format!("{:e}", f.abs()); // e.g. "1.2345e-7", "5e0"
    let ndigits = shortest.split_once('e').unwrap().0.chars().filter(|c| c.is_ascii_digit()).count();
    let sci = format!("{:.*e}", ndigits - 1, f.abs());
    let (mant, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i64 = exp.parse().expect("{:e} exponent is an integer");
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let n = digits.len() as i64;
    let sign = if f.is_sign_negative() { "-" } else { "" };

    let exp_s = exp.to_string();
    // d.ddd e X, with at least one digit after the point.
    let sci_len = n + 1 + if n == 1 { 1 } else { 0 } + 1 + exp_s.len() as i64;
    let dec_len = if exp >= 0 {
        if exp + 1 >= n {
            exp + 1 + 2
        } else {
            n + 1
        }
    } else {
        2 + (-exp - 1) + n
    };

    // ERTS never writes a float at or above 2^53 in plain notation
    // (`9007199254740991.0` but `9.007199254740992e15`), whatever the lengths.
    let below_2_53 = f.abs() < 9007199254740992.0;
    let mut s = String::from(sign);
    if dec_len <= sci_len && below_2_53 {
        if exp >= 0 {
            let int_len = (exp + 1) as usize;
            if int_len >= digits.len() {
                s.push_str(&digits);
                s.extend(std::iter::repeat_n('0', int_len - digits.len()));
                s.push_str(".0");
            } else {
                s.push_str(&digits[..int_len]);
                s.push('.');
                s.push_str(&digits[int_len..]);
            }
        } else {
            s.push_str("0.");
            s.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            s.push_str(&digits);
        }
    } else {
        s.push_str(&digits[..1]);
        s.push('.');
        if n == 1 {
            s.push('0');
        } else {
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push_str(&exp_s);
    }
    s
}

/// `io_lib_format:float_data/1`: the 21 significant digits of `%.20e` of
/// `|f|`, and the decimal exponent E such that |f| = 0.D1D2... × 10^E.
fn float_data(f: f64) -> (Vec<u8>, i64) {
    let s = format!("{:.20e}", f.abs());
    let (mant, exp) = s.split_once('e').expect("{:e} has an exponent");
    let digits = mant.bytes().filter(|b| b.is_ascii_digit()).collect();
    (digits, exp.parse::<i64>().expect("exponent") + 1)
}

/// `io_lib_format:float_man/3`: lays out `ds` with `int_digits` digits
/// before the point and `frac_digits` after, rounding half-up on the digit
/// string. The flag says the rounding carried out of the first digit.
fn float_man(ds: &[u8], int_digits: usize, frac_digits: usize) -> (Vec<u8>, bool) {
    // The digits we keep, padded with zeros when ds runs out.
    let keep = int_digits + frac_digits;
    let mut out: Vec<u8> = (0..keep).map(|i| *ds.get(i).unwrap_or(&b'0')).collect();
    let mut carry = ds.get(keep).is_some_and(|&d| d >= b'5');
    if ds.len() < int_digits {
        // OTP's float_man/3 pads the integer part with zeros without rounding.
        carry = false;
    }
    let mut i = keep;
    while carry && i > 0 {
        i -= 1;
        if out[i] == b'9' {
            out[i] = b'0';
        } else {
            out[i] += 1;
            carry = false;
        }
    }
    out.insert(int_digits, b'.');
    (out, carry)
}

fn sign_of(f: f64) -> &'static str {
    if f.is_sign_negative() {
        "-"
    } else {
        ""
    }
}

/// `~.Pe`: `precision` significant digits (at least 2; OTP has no clause
/// for fewer, which makes the call fail).
pub fn float_e(f: f64, precision: usize) -> String {
    let (ds, e) = float_data(f);
    let (man, carried) = float_man(&ds, 1, precision - 1);
    let mut s = String::from(sign_of(f));
    let e = if carried {
        // "0.000" with a carry means 10.000: write 1.000 and keep E.
        s.push('1');
        s.push_str(std::str::from_utf8(&man[1..]).unwrap());
        e
    } else {
        s.push_str(std::str::from_utf8(&man).unwrap());
        e - 1
    };
    s.push('e');
    if e >= 0 {
        s.push('+');
    }
    s.push_str(&e.to_string());
    s
}

/// `~.Pf`: `precision` digits after the point (at least 1).
pub fn float_f(f: f64, precision: usize) -> String {
    let (mut ds, mut e) = float_data(f);
    if e <= 0 {
        let mut z = vec![b'0'; (-e + 1) as usize];
        z.extend_from_slice(&ds);
        ds = z;
        e = 1;
    }
    let (man, carried) = float_man(&ds, e as usize, precision);
    let mut s = String::from(sign_of(f));
    if carried {
        s.push('1');
    }
    s.push_str(std::str::from_utf8(&man).unwrap());
    s
}

/// How `~g` prints: as `~f` with this many decimals, or as `~e` with this
/// many significant digits (`io_lib_format:fwrite_g/5`).
#[derive(Debug, PartialEq, Eq)]
pub enum GForm {
    F(usize),
    E(usize),
}

/// `~.Pg`'s choice between `~f` and `~e` (P at least 1).
pub fn g_form(f: f64, precision: usize) -> GForm {
    let a = f.abs();
    let p = precision as i64;
    let e: Option<i64> = if a < 1.0e-1 {
        Some(-2)
    } else if a < 1.0 {
        Some(-1)
    } else if a < 1.0e1 {
        Some(0)
    } else if a < 1.0e2 {
        Some(1)
    } else if a < 1.0e3 {
        Some(2)
    } else if a < 1.0e4 {
        Some(3)
    } else {
        None
    };
    match e {
        Some(-1) if p <= 1 => GForm::F((p - 1 - -1) as usize),
        Some(e) if p - 1 > e && e >= -1 => GForm::F((p - 1 - e) as usize),
        _ if p <= 1 => GForm::E(2),
        _ => GForm::E(precision),
    }
}

/// `~.Pg`.
pub fn float_g(f: f64, precision: usize) -> String {
    match g_form(f, precision) {
        GForm::F(p) => float_f(f, p),
        GForm::E(p) => float_e(f, p),
    }
}

#[cfg(test)]
#[allow(clippy::approx_constant)] // 3.14159 etc. are the conformance tests' literals, not π
mod tests {
    use super::*;

    /// Expectations from `io:format("~w", [F])` on Erlang/OTP 25.
    #[test]
    fn shortest_matches_otp() {
        let cases: &[(f64, &str)] = &[
            (1.0e10, "1.0e10"),
            (1.0e16, "1.0e16"),
            (1.0e-10, "1.0e-10"),
            (123456789.0, "123456789.0"),
            (5.0e-324, "5.0e-324"),
            (1.0e15, "1.0e15"),
            (0.1, "0.1"),
            (100.0, "100.0"),
            (1.0e-5, "1.0e-5"),
            (0.001, "0.001"),
            (1.7976931348623157e308, "1.7976931348623157e308"),
            (0.0001, "0.0001"),
            (1000.0, "1.0e3"),
            (1234567.0, "1234567.0"),
            (12345678901234567.0, "1.2345678901234568e16"),
            (0.00012, "1.2e-4"),
            (120000.0, "1.2e5"),
            (0.0012, "0.0012"),
            (0.00123, "0.00123"),
            (2.5e-5, "2.5e-5"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (-1.5, "-1.5"),
            (9007199254740993.0, "9.007199254740992e15"),
            (0.000314, "3.14e-4"),
            (3.0, "3.0"),
            (1234567890123456.0, "1234567890123456.0"),
            (9007199254740991.0, "9007199254740991.0"),
            (123456789012345.67, "123456789012345.67"),
            (0.00012345678901234567, "1.2345678901234567e-4"),
            (0.000123456, "1.23456e-4"),
            (-1793758236123950.2, "-1793758236123950.2"),
        ];
        for &(f, want) in cases {
            assert_eq!(float_shortest(f), want, "{f:e}");
        }
    }

    /// Expectations from `io:format` on Erlang/OTP 25 (conformance test
    /// `io_format_floats`).
    #[test]
    fn e_f_g_match_otp() {
        let x = 3.14159265;
        assert_eq!(float_f(x, 6), "3.141593");
        assert_eq!(float_e(x, 6), "3.14159e+0");
        assert_eq!(float_g(x, 6), "3.14159");
        assert_eq!(float_f(x, 2), "3.14");
        assert_eq!(float_e(x, 3), "3.14e+0");
        assert_eq!(float_g(x, 4), "3.142");
        assert_eq!(float_f(2.25, 1), "2.3");
        assert_eq!(float_f(0.05, 1), "0.1");
        assert_eq!(float_f(0.15, 1), "0.1");
        assert_eq!(float_f(-0.0, 6), "-0.000000");
        assert_eq!(float_e(0.0, 6), "0.00000e+0");
        assert_eq!(float_g(1.0e-5, 6), "1.00000e-5");
        assert_eq!(float_g(123456789.0, 6), "1.23457e+8");
        assert_eq!(float_g(0.1, 6), "0.100000");
        assert_eq!(float_f(1.0e20, 6), "100000000000000000000.000000");
        assert_eq!(float_e(6.02214076e23, 2), "6.0e+23");
        assert_eq!(float_e(1.0e-300, 6), "1.00000e-300");
        assert_eq!(float_f(3.14159, 3), "3.142");
        assert_eq!(float_f(9.9999, 2), "10.00");
        assert_eq!(float_e(9.9999, 3), "1.00e+1");
    }
}
