//! Erlang's backslash escapes, shared by strings, quoted atoms and `$c`:
//! `\n \t \s \e \d \b \f \v \r`, `\101` (octal, 1–3 digits), `\x41`,
//! `\x{1F600}`, `\^A` (control characters), and `\c` = `c` for anything else
//! (so `\' \" \\` need no case of their own).

pub enum Escape {
    /// The code point and how many bytes after the backslash it used.
    Ok(u32, usize),
    /// A malformed escape: bytes used after the backslash, and why.
    Bad(usize, String),
    /// The input ended right after the backslash.
    AtEnd,
}

/// Decodes the escape whose text follows a backslash.
pub fn scan_escape(after_backslash: &str) -> Escape {
    let bytes = after_backslash.as_bytes();
    let Some(c) = after_backslash.chars().next() else { return Escape::AtEnd };
    match c {
        '0'..='7' => {
            let len = bytes.iter().take(3).take_while(|b| (b'0'..=b'7').contains(b)).count();
            let value = u32::from_str_radix(&after_backslash[..len], 8).unwrap_or(0);
            Escape::Ok(value, len)
        }
        'x' => {
            if bytes.get(1) == Some(&b'{') {
                let Some(close) = after_backslash.find('}') else {
                    return Escape::Bad(2, "`\\x{` escape without a closing `}`".into());
                };
                let hex = &after_backslash[2..close];
                match u32::from_str_radix(hex, 16) {
                    Ok(v) if !hex.is_empty() && !hex.starts_with('+') && char::from_u32(v).is_some() => {
                        Escape::Ok(v, close + 1)
                    }
                    _ => Escape::Bad(close + 1, format!("`\\x{{{}}}` is not a valid character", hex)),
                }
            } else {
                let len = bytes[1..].iter().take(2).take_while(|b| b.is_ascii_hexdigit()).count();
                if len < 2 {
                    return Escape::Bad(1 + len, "`\\x` must be followed by two hex digits or `{hex}`".into());
                }
                Escape::Ok(u32::from_str_radix(&after_backslash[1..3], 16).unwrap_or(0), 3)
            }
        }
        '^' => match after_backslash[1..].chars().next() {
            Some(ctl) => Escape::Ok(ctl as u32 & 31, 1 + ctl.len_utf8()),
            None => Escape::AtEnd,
        },
        'n' => Escape::Ok(10, 1),
        'r' => Escape::Ok(13, 1),
        't' => Escape::Ok(9, 1),
        'v' => Escape::Ok(11, 1),
        'b' => Escape::Ok(8, 1),
        'f' => Escape::Ok(12, 1),
        'e' => Escape::Ok(27, 1),
        's' => Escape::Ok(32, 1),
        'd' => Escape::Ok(127, 1),
        other => Escape::Ok(other as u32, other.len_utf8()),
    }
}
