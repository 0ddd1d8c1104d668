//! `erlang:display/1`'s printer: ERTS's C term printer
//! (`erl_printf_term.c`), which differs from `io_lib:write` in many small
//! ways: floats as C's `%e` (`1.500000e+00`), maps without spaces
//! (`#{a=>1}`), printable lists as strings (ASCII and Latin-1 letters,
//! with only `"` and newline escaped), printable ASCII binaries as
//! `<<"abc">>`, and atoms quoted by a simpler rule (`'a@b'`, but `case`
//! bare). It writes bytes, not characters: string elements are written as
//! single bytes and atom names as their UTF-8 bytes.

use super::{map_pairs, Ctx};
use crate::term::{Subtag, Term};

/// The bytes `erlang:display(T)` writes, without the line ending.
pub fn display_term(t: Term, ctx: &Ctx) -> Vec<u8> {
    let mut out = Vec::new();
    display(&mut out, t, ctx);
    out
}

fn display(out: &mut Vec<u8>, t: Term, ctx: &Ctx) {
    if let Some(a) = t.as_atom() {
        return atom_name(out, &a.name());
    }
    if t.is_cons() {
        if let Some(bytes) = printable_string(t) {
            out.push(b'"');
            for c in bytes {
                match c {
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'"' => out.extend_from_slice(b"\\\""),
                    _ => out.push(c),
                }
            }
            out.push(b'"');
            return;
        }
        out.push(b'[');
        let mut t = t;
        loop {
            display(out, t.head(), ctx);
            let tl = t.tail();
            if tl.is_cons() {
                out.push(b',');
                t = tl;
            } else {
                if !tl.is_nil() {
                    out.push(b'|');
                    display(out, tl, ctx);
                }
                break;
            }
        }
        out.push(b']');
        return;
    }
    if let Some(elems) = t.as_tuple() {
        out.push(b'{');
        for (i, &e) in elems.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            display(out, e, ctx);
        }
        out.push(b'}');
        return;
    }
    if t.is_map() {
        out.extend_from_slice(b"#{");
        for (i, (k, v)) in map_pairs(t).into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            display(out, k, ctx);
            out.extend_from_slice(b"=>");
            display(out, v, ctx);
        }
        out.push(b'}');
        return;
    }
    if t.is_bitstring() {
        return binary(out, t);
    }
    match t.subtag() {
        Some(Subtag::Float) => out.extend_from_slice(c_percent_e(t.as_float().unwrap()).as_bytes()),
        Some(Subtag::Export) => {
            out.extend_from_slice(b"fun ");
            atom_name(out, &Term(t.word(1)).as_atom().unwrap().name());
            out.push(b':');
            atom_name(out, &Term(t.word(2)).as_atom().unwrap().name());
            out.push(b'/');
            out.extend_from_slice(Term(t.word(3)).small_value().to_string().as_bytes());
        }
        _ => {
            // Integers, pids, references, closures: as io_lib:write prints them.
            let mut s = String::new();
            super::write::write_with(&mut s, t, None, ctx);
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// C's `%e`: six decimals, an exponent of at least two digits.
fn c_percent_e(f: f64) -> String {
    let s = format!("{f:.6e}");
    let (mant, exp) = s.split_once('e').unwrap();
    let e: i32 = exp.parse().unwrap();
    format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// `is_printable_string`: a non-empty proper list of bytes none of which
/// is a control character other than space, tab, newline, return.
fn printable_string(t: Term) -> Option<Vec<u8>> {
    let mut v = Vec::new();
    let mut t = t;
    while let Some((h, tl)) = t.as_cons() {
        let c = h.as_small().filter(|c| (0..=255).contains(c))? as u8;
        let cntrl = c < b' ' || c == 127 || (128..160).contains(&c);
        if cntrl && !matches!(c, b' ' | b'\n' | b'\t' | b'\r') {
            return None;
        }
        v.push(c);
        t = tl;
    }
    if t.is_nil() && !v.is_empty() {
        Some(v)
    } else {
        None
    }
}

fn binary(out: &mut Vec<u8>, t: Term) {
    let b = crate::binary::bits(t).unwrap();
    let bytes = b.to_bytes();
    let nbytes = (b.bit_len / 8) as usize;
    let rest = (b.bit_len % 8) as u32;
    let printable = rest == 0 && nbytes > 0 && bytes[..nbytes].iter().all(|&c| (b' '..127).contains(&c));
    if printable {
        out.extend_from_slice(b"<<\"");
        for &c in &bytes[..nbytes] {
            if c == b'"' {
                out.push(b'\\');
            }
            out.push(c);
        }
        out.extend_from_slice(b"\">>");
        return;
    }
    let mut parts: Vec<String> = bytes[..nbytes].iter().map(|c| c.to_string()).collect();
    if rest > 0 {
        parts.push(format!("{}:{rest}", bytes[nbytes] >> (8 - rest)));
    }
    out.extend_from_slice(b"<<");
    out.extend_from_slice(parts.join(",").as_bytes());
    out.extend_from_slice(b">>");
}

/// `print_atom_name`: quoting decided on a Latin-1 reading of the UTF-8
/// name (lowercase first, then alphanumerics and `_`; `@` needs quotes
/// here, unlike in `io_lib`), control characters escaped in octal.
fn atom_name(out: &mut Vec<u8>, name: &str) {
    if name.is_empty() {
        out.extend_from_slice(b"''");
        return;
    }
    let is_lower = |c: u32| (b'a' as u32..=b'z' as u32).contains(&c) || ((223..=255).contains(&c) && c != 247);
    let is_upper = |c: u32| (b'A' as u32..=b'Z' as u32).contains(&c) || ((192..=222).contains(&c) && c != 215);
    let is_alnum = |c: u32| (b'0' as u32..=b'9' as u32).contains(&c) || is_lower(c) || is_upper(c);
    let mut cs = name.chars().map(|c| c as u32);
    let first = cs.next().unwrap();
    let need_quote = !is_lower(first) || !cs.all(|c| is_alnum(c) || c == b'_' as u32);
    if need_quote {
        out.push(b'\'');
    }
    for ch in name.chars() {
        match ch {
            '\'' => out.extend_from_slice(b"\\'"),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\x0C' => out.extend_from_slice(b"\\f"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\x08' => out.extend_from_slice(b"\\b"),
            '\x0B' => out.extend_from_slice(b"\\v"),
            c if (c as u32) < 32 || (128..160).contains(&(c as u32)) => {
                out.extend_from_slice(format!("\\{:03o}", c as u32).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    if need_quote {
        out.push(b'\'');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom::atom;
    use crate::heap::Heap;

    fn d(t: Term) -> Vec<u8> {
        display_term(t, &Ctx::default())
    }
    fn s(h: &mut Heap, bytes: &[u8]) -> Term {
        let v: Vec<Term> = bytes.iter().map(|&c| Term::small(c as i64)).collect();
        h.list(&v)
    }

    /// Expected bytes from `erlang:display/1` on Erlang/OTP 25.
    #[test]
    fn display_matches_otp() {
        let mut h = Heap::new();
        let f = h.float(1.5);
        assert_eq!(d(f), b"1.500000e+00");
        let f = h.float(1.0e100);
        assert_eq!(d(f), b"1.000000e+100");
        let f = h.float(-0.0);
        assert_eq!(d(f), b"-0.000000e+00");
        let f = h.float(1.0e-320);
        assert_eq!(d(f), b"9.999889e-321");
        let t = s(&mut h, b"abc");
        assert_eq!(d(t), b"\"abc\"");
        let t = s(&mut h, &[233]);
        assert_eq!(d(t), b"\"\xe9\"");
        let t = s(&mut h, b"a\nb\t\"\\");
        assert_eq!(d(t), b"\"a\\nb\t\\\"\\\"");
        let t = s(&mut h, &[27]);
        assert_eq!(d(t), b"[27]");
        let t = h.list_with_tail(&[Term::small(1), Term::small(2)], Term::atom(atom("c")));
        assert_eq!(d(t), b"[1,2|c]");
        let m = h.boxed_words(
            Subtag::Map,
            &[2, Term::small(2).0, Term::atom(atom("a")).0, Term::small(3).0, Term::small(1).0],
        );
        assert_eq!(d(m), b"#{2=>3,a=>1}");
        let b = h.binary(b"abc");
        assert_eq!(d(b), b"<<\"abc\">>");
        let b = h.binary(b"a\nb");
        assert_eq!(d(b), b"<<97,10,98>>");
        let b = h.bitstring(&[1, 2, 0x30], 20);
        assert_eq!(d(b), b"<<1,2,3:4>>");
        let b = h.binary(b"");
        assert_eq!(d(b), b"<<>>");
        assert_eq!(d(Term::atom(atom("a b"))), b"'a b'");
        assert_eq!(d(Term::atom(atom("A'b"))), b"'A\\'b'");
        assert_eq!(d(Term::atom(atom("case"))), b"case");
        assert_eq!(d(Term::atom(atom("a@b"))), b"'a@b'");
        assert_eq!(d(Term::atom(atom("é"))), "é".as_bytes());
        assert_eq!(d(Term::atom(atom("日"))), "'日'".as_bytes());
        let e = h.export_fun(Term::atom(atom("erlang")), Term::atom(atom("abs")), 1);
        assert_eq!(d(e), b"fun erlang:abs/1");
    }
}
