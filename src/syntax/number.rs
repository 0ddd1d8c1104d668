//! Numeric literal values: `1_000`, `16#FF`, `2#1010`, `1.5e-3`, and
//! integers too large for an i64, which keep their exact value as decimal
//! text (the runtime owns bignums; the front end only needs to carry them).

/// The value of an integer literal, with `_` separators removed.
#[derive(Debug, Clone, PartialEq)]
pub enum IntegerValue {
    Small(i64),
    /// Decimal digits, no sign, no leading zeros.
    Big(String),
}

/// Parses `Digits` or `Base#Digits`. The error is a message for the user.
pub fn parse_integer(text: &str) -> Result<IntegerValue, String> {
    let (base, digits) = match text.split_once('#') {
        None => (10, text),
        Some((base_text, digits)) => {
            let base: u32 = base_text.replace('_', "").parse().unwrap_or(0);
            if !(2..=36).contains(&base) {
                return Err(format!("`{}` is not a valid base: bases go from 2 to 36", base_text));
            }
            (base, digits)
        }
    };
    // Little-endian base-2^32 limbs: exact for any length.
    let mut limbs: Vec<u32> = vec![0];
    for c in digits.chars().filter(|&c| c != '_') {
        let digit = c
            .to_digit(36)
            .filter(|&d| d < base)
            .ok_or_else(|| format!("`{}` is not a digit in base {}", c, base))?;
        let mut carry = digit as u64;
        for limb in limbs.iter_mut() {
            let v = *limb as u64 * base as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            limbs.push(carry as u32);
        }
    }
    if limbs.len() <= 2 {
        let v = limbs[0] as u64 | (limbs.get(1).copied().unwrap_or(0) as u64) << 32;
        if v <= i64::MAX as u64 {
            return Ok(IntegerValue::Small(v as i64));
        }
    }
    Ok(IntegerValue::Big(limbs_to_decimal(limbs)))
}

fn limbs_to_decimal(mut limbs: Vec<u32>) -> String {
    // Repeatedly divide by 10^9 and collect the remainders.
    const CHUNK: u64 = 1_000_000_000;
    let mut chunks = Vec::new();
    while limbs.iter().any(|&l| l != 0) {
        let mut rem = 0u64;
        for limb in limbs.iter_mut().rev() {
            let v = (rem << 32) | *limb as u64;
            *limb = (v / CHUNK) as u32;
            rem = v % CHUNK;
        }
        chunks.push(rem);
        while limbs.len() > 1 && *limbs.last().unwrap() == 0 {
            limbs.pop();
        }
    }
    let mut out = String::new();
    for (i, chunk) in chunks.iter().rev().enumerate() {
        if i == 0 {
            out.push_str(&chunk.to_string());
        } else {
            out.push_str(&format!("{:09}", chunk));
        }
    }
    if out.is_empty() {
        out.push('0');
    }
    out
}

/// Parses `1.5`, `1_000.0e-3`.
pub fn parse_float(text: &str) -> Result<f64, String> {
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    match clean.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("the float `{}` is too large", text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        let cases = [
            ("42", IntegerValue::Small(42)),
            ("1_000", IntegerValue::Small(1000)),
            ("16#FF", IntegerValue::Small(255)),
            ("2#1010", IntegerValue::Small(10)),
            ("36#zz", IntegerValue::Small(35 * 36 + 35)),
            ("9223372036854775807", IntegerValue::Small(i64::MAX)),
            ("9223372036854775808", IntegerValue::Big("9223372036854775808".into())),
            ("16#10000000000000000", IntegerValue::Big("18446744073709551616".into())),
            (
                "123456789012345678901234567890",
                IntegerValue::Big("123456789012345678901234567890".into()),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_integer(text), Ok(want), "{}", text);
        }
        assert!(parse_integer("1#0").is_err());
        assert!(parse_integer("37#0").is_err());
        assert!(parse_integer("2#102").is_err());
    }
}
