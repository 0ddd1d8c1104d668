//! `unicode:characters_to_list/1,2`, `characters_to_binary/1,2,3`,
//! `bom_to_encoding/1` and `encoding_to_bom/1` for Latin-1, UTF-8,
//! UTF-16 and UTF-32 (either endianness).
//!
//! Bad data gives OTP's `{error, Converted, Rest}` and a UTF-8 sequence cut
//! short at the very end gives `{incomplete, Converted, Rest}`. `Rest` is
//! built as OTP builds it in the common cases: the offending element (or
//! the rest of the offending binary) followed by what remained of its list,
//! then each enclosing list's remainder as one element.
//!
//! Known gap: a multi-byte sequence split across two binaries is an error
//! here (OTP joins the pieces).

use super::erlang::{arg_atom, badarg, mk_atom};
use super::BifDef;
use crate::atom;
use crate::binary;
use crate::exception::{BifResult, Exception};
use crate::list;
use crate::process::Process;
use crate::term::Term;

pub const BIFS: &[BifDef] = &[
    ("unicode", "characters_to_list", 1, to_list1),
    ("unicode", "characters_to_list", 2, to_list2),
    ("unicode", "characters_to_binary", 1, to_binary1),
    ("unicode", "characters_to_binary", 2, to_binary2),
    ("unicode", "characters_to_binary", 3, to_binary3),
    ("unicode", "bom_to_encoding", 1, bom_to_encoding),
    ("unicode", "encoding_to_bom", 1, encoding_to_bom),
];

/// A character encoding of binaries.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Encoding {
    Latin1,
    Utf8,
    Utf16 { little: bool },
    Utf32 { little: bool },
}

/// `latin1 | unicode | utf8 | utf16 | utf32 | {utf16 | utf32, big | little}`.
fn encoding(t: Term) -> Result<Encoding, Exception> {
    let endian = |t: Term| -> Result<bool, Exception> {
        match &*arg_atom(t)?.name() {
            "big" => Ok(false),
            "little" => Ok(true),
            _ => badarg(),
        }
    };
    if let Some(&[e, end]) = t.as_tuple() {
        let little = endian(end)?;
        return match &*arg_atom(e)?.name() {
            "utf16" => Ok(Encoding::Utf16 { little }),
            "utf32" => Ok(Encoding::Utf32 { little }),
            _ => badarg(),
        };
    }
    Ok(match &*arg_atom(t)?.name() {
        "latin1" => Encoding::Latin1,
        "unicode" | "utf8" => Encoding::Utf8,
        "utf16" => Encoding::Utf16 { little: false },
        "utf32" => Encoding::Utf32 { little: false },
        _ => return badarg(),
    })
}

/// Appends the characters of `bytes` in `enc`; on failure gives the byte
/// offset where decoding stopped and whether the input merely ended early.
fn decode_bytes(out: &mut Vec<char>, bytes: &[u8], enc: Encoding) -> Option<(usize, bool)> {
    match enc {
        Encoding::Latin1 => {
            out.extend(bytes.iter().map(|&c| c as char));
            None
        }
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.extend(s.chars());
                None
            }
            Err(e) => {
                let ok = e.valid_up_to();
                out.extend(std::str::from_utf8(&bytes[..ok]).unwrap().chars());
                Some((ok, e.error_len().is_none()))
            }
        },
        Encoding::Utf16 { little } => {
            let unit = |i: usize| -> u32 {
                let (a, b) = (bytes[i] as u32, bytes[i + 1] as u32);
                if little {
                    b << 8 | a
                } else {
                    a << 8 | b
                }
            };
            let mut i = 0;
            while i < bytes.len() {
                if i + 2 > bytes.len() {
                    return Some((i, true));
                }
                let u = unit(i);
                if (0xD800..0xDC00).contains(&u) {
                    if i + 4 > bytes.len() {
                        return Some((i, true));
                    }
                    let v = unit(i + 2);
                    if !(0xDC00..0xE000).contains(&v) {
                        return Some((i, false));
                    }
                    out.push(char::from_u32(0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00)).unwrap());
                    i += 4;
                } else {
                    match char::from_u32(u) {
                        Some(c) => out.push(c),
                        None => return Some((i, false)),
                    }
                    i += 2;
                }
            }
            None
        }
        Encoding::Utf32 { little } => {
            let mut i = 0;
            while i < bytes.len() {
                if i + 4 > bytes.len() {
                    // OTP reports a cut UTF-32 unit as an error, not incomplete.
                    return Some((i, false));
                }
                let w = [bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]];
                let u = if little { u32::from_le_bytes(w) } else { u32::from_be_bytes(w) };
                match char::from_u32(u) {
                    Some(c) => out.push(c),
                    None => return Some((i, false)),
                }
                i += 4;
            }
            None
        }
    }
}

/// Bytes `c` takes in `enc` (for finding where a character began).
fn encoded_len(c: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Latin1 => 1,
        Encoding::Utf8 => c.len_utf8(),
        Encoding::Utf16 { .. } => 2 * c.len_utf16(),
        Encoding::Utf32 { .. } => 4,
    }
}

fn encode_chars(chars: &[char], enc: Encoding) -> Vec<u8> {
    let mut out = Vec::with_capacity(chars.len());
    for &c in chars {
        match enc {
            Encoding::Latin1 => out.push(c as u32 as u8),
            Encoding::Utf8 => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Encoding::Utf16 { little } => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.extend_from_slice(&if little { u.to_le_bytes() } else { u.to_be_bytes() });
                }
            }
            Encoding::Utf32 { little } => {
                let u = c as u32;
                out.extend_from_slice(&if little { u.to_le_bytes() } else { u.to_be_bytes() });
            }
        }
    }
    out
}

enum Failure {
    Error(Term),
    Incomplete(Term),
}

/// Decodes chardata into code points. `Ok((chars, None))` when all of it
/// converts; `Ok((chars_so_far, Some(failure)))` otherwise; badarg when it
/// is not chardata. `out` is the target encoding: with anything but UTF-8,
/// OTP converts in Erlang code and reports a bad list character as `[C]`.
fn decode(p: &mut Process, data: Term, inp: Encoding, out_enc: Encoding) -> Result<(Vec<char>, Option<Failure>), Exception> {
    let mut out: Vec<char> = Vec::new();
    // OTP converts in Erlang code unless it can use its UTF-8 BIF paths;
    // that code reports a bad character as `[C]` and nests the rest.
    let wrap = out_enc != Encoding::Utf8 || matches!(inp, Encoding::Utf16 { .. } | Encoding::Utf32 { .. });
    let out_latin1 = out_enc == Encoding::Latin1;
    // Decodes a binary; on failure gives (byte offset, incomplete?). With
    // Latin-1 output a character above 255 fails there too, so that the
    // rest starts at its bytes, as OTP's does.
    let push_bin = |out: &mut Vec<char>, b: Term| -> Result<Option<(usize, bool)>, Exception> {
        let Some(bytes) = binary::bytes(b) else { return badarg() };
        let start = out.len();
        let r = decode_bytes(out, &bytes, inp);
        if out_latin1 {
            if let Some(i) = out[start..].iter().position(|&c| c as u32 > 255) {
                let off: usize = out[start..start + i].iter().map(|&c| encoded_len(c, inp)).sum();
                out.truncate(start + i);
                return Ok(Some((off, false)));
            }
        }
        Ok(r)
    };
    let ok_char = |c: i64| -> Option<char> {
        let c = u32::try_from(c).ok()?;
        if (inp == Encoding::Latin1 || out_enc == Encoding::Latin1) && c > 255 {
            return None;
        }
        char::from_u32(c)
    };
    let bad_elem = |p: &mut Process, h: Term| if wrap { p.heap.list(&[h]) } else { h };

    if data.is_bitstring() {
        if let Some((off, incomplete)) = push_bin(&mut out, data)? {
            let bits = binary::bits(data).unwrap();
            let rest = p.heap.sub_binary(data, off as u64 * 8, bits.bit_len - off as u64 * 8);
            return Ok((out, Some(if incomplete { Failure::Incomplete(rest) } else { Failure::Error(rest) })));
        }
        return finish_latin1(p, out, out_enc == Encoding::Latin1);
    }
    if !data.is_list() {
        return badarg();
    }
    let mut outer: Vec<Term> = Vec::new();
    let mut t = data;
    loop {
        if let Some((h, tl)) = t.as_cons() {
            if let Some(c) = h.as_small() {
                if c < 0 && out_latin1 {
                    return badarg(); // what OTP's Latin-1 path does
                }
                match ok_char(c) {
                    Some(ch) => out.push(ch),
                    None => {
                        let bad = bad_elem(p, h);
                        return Ok((out, Some(Failure::Error(rest_list(p, bad, tl, &outer, wrap)))));
                    }
                }
            } else if h.is_list() {
                outer.push(tl);
                t = h;
                continue;
            } else if h.is_bitstring() {
                if let Some((off, incomplete)) = push_bin(&mut out, h)? {
                    let bits = binary::bits(h).unwrap();
                    let rest_bin = p.heap.sub_binary(h, off as u64 * 8, bits.bit_len - off as u64 * 8);
                    let at_end = tl.is_nil() && outer.iter().all(|x| x.is_nil());
                    if incomplete && at_end {
                        return Ok((out, Some(Failure::Incomplete(rest_bin))));
                    }
                    return Ok((out, Some(Failure::Error(rest_list(p, rest_bin, tl, &outer, wrap)))));
                }
            } else {
                return badarg();
            }
            t = tl;
        } else if t.is_nil() {
            match outer.pop() {
                Some(next) => t = next,
                None => break,
            }
        } else if t.is_bitstring() {
            if let Some((off, incomplete)) = push_bin(&mut out, t)? {
                let bits = binary::bits(t).unwrap();
                let rest_bin = p.heap.sub_binary(t, off as u64 * 8, bits.bit_len - off as u64 * 8);
                let at_end = outer.iter().all(|x| x.is_nil());
                if incomplete && at_end {
                    return Ok((out, Some(Failure::Incomplete(rest_bin))));
                }
                return Ok((out, Some(Failure::Error(rest_list(p, rest_bin, Term::NIL, &outer, wrap)))));
            }
            t = Term::NIL;
        } else {
            return badarg();
        }
    }
    finish_latin1(p, out, out_enc == Encoding::Latin1)
}

/// For Latin-1 output of characters that came from binaries: stop at the
/// first character above 255. Gap: `Rest` is the list of the remaining
/// characters, where OTP gives the remaining input.
fn finish_latin1(p: &mut Process, mut out: Vec<char>, out_latin1: bool) -> Result<(Vec<char>, Option<Failure>), Exception> {
    if out_latin1 {
        if let Some(i) = out.iter().position(|&c| c as u32 > 255) {
            let rest: Vec<Term> = out[i..].iter().map(|&c| Term::small(c as i64)).collect();
            let l = p.heap.list(&rest);
            out.truncate(i);
            return Ok((out, Some(Failure::Error(l))));
        }
    }
    Ok((out, None))
}

/// The `Rest` of an error: `[bad | tail]`, then each non-empty enclosing
/// remainder as one more element (OTP's BIF path), or, when `nested`,
/// `[[bad | tail] | outer_tail]` level by level (its Erlang path).
fn rest_list(p: &mut Process, bad: Term, tail: Term, outer: &[Term], nested: bool) -> Term {
    if nested {
        let mut r = p.heap.cons(bad, tail);
        for &o in outer.iter().rev() {
            r = p.heap.cons(r, o);
        }
        return r;
    }
    let mut v = vec![bad];
    match list::to_vec(tail) {
        Some(t) => v.extend(t),
        None => v.push(tail),
    }
    v.extend(outer.iter().rev().filter(|x| !x.is_nil()));
    p.heap.list(&v)
}

fn result(p: &mut Process, chars: Vec<char>, failure: Option<Failure>, out: Option<Encoding>) -> BifResult {
    let converted = match out {
        Some(enc) => p.heap.binary_owned(encode_chars(&chars, enc)),
        None => {
            let v: Vec<Term> = chars.iter().map(|&c| Term::small(c as i64)).collect();
            p.heap.list(&v)
        }
    };
    Ok(match failure {
        None => converted,
        Some(Failure::Error(rest)) => {
            let e = Term::atom(atom::ERROR);
            p.heap.tuple(&[e, converted, rest])
        }
        Some(Failure::Incomplete(rest)) => {
            let i = mk_atom("incomplete");
            p.heap.tuple(&[i, converted, rest])
        }
    })
}

/// Converts `data` (in `inp`) to a list (`out` None) or a binary in `out`.
fn convert(p: &mut Process, data: Term, inp: Encoding, out: Option<Encoding>) -> BifResult {
    let (chars, failure) = decode(p, data, inp, out.unwrap_or(Encoding::Utf8))?;
    result(p, chars, failure, out)
}

/// `unicode:characters_to_list(Data)` for other modules (normalization).
pub(crate) fn characters_to_list(p: &mut Process, data: Term) -> BifResult {
    convert(p, data, Encoding::Utf8, None)
}

fn to_list1(p: &mut Process, a: &[Term]) -> BifResult {
    convert(p, a[0], Encoding::Utf8, None)
}
fn to_list2(p: &mut Process, a: &[Term]) -> BifResult {
    let e = encoding(a[1])?;
    convert(p, a[0], e, None)
}
fn to_binary1(p: &mut Process, a: &[Term]) -> BifResult {
    convert(p, a[0], Encoding::Utf8, Some(Encoding::Utf8))
}
fn to_binary2(p: &mut Process, a: &[Term]) -> BifResult {
    let e = encoding(a[1])?;
    convert(p, a[0], e, Some(Encoding::Utf8))
}
fn to_binary3(p: &mut Process, a: &[Term]) -> BifResult {
    let (i, o) = (encoding(a[1])?, encoding(a[2])?);
    convert(p, a[0], i, Some(o))
}

fn encoding_term(p: &mut Process, e: Encoding) -> Term {
    let endian = |little: bool| mk_atom(if little { "little" } else { "big" });
    match e {
        Encoding::Latin1 => Term::atom(atom::LATIN1),
        Encoding::Utf8 => Term::atom(atom::UTF8),
        Encoding::Utf16 { little } => {
            let t = [mk_atom("utf16"), endian(little)];
            p.heap.tuple(&t)
        }
        Encoding::Utf32 { little } => {
            let t = [mk_atom("utf32"), endian(little)];
            p.heap.tuple(&t)
        }
    }
}

/// `{Encoding, BomLength}`; `{latin1, 0}` when there is no byte order mark.
fn bom_to_encoding(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(b) = binary::bytes(a[0]) else { return badarg() };
    let (e, n) = match &b[..] {
        [0xEF, 0xBB, 0xBF, ..] => (Encoding::Utf8, 3),
        [0, 0, 0xFE, 0xFF, ..] => (Encoding::Utf32 { little: false }, 4),
        [0xFF, 0xFE, 0, 0, ..] => (Encoding::Utf32 { little: true }, 4),
        [0xFE, 0xFF, ..] => (Encoding::Utf16 { little: false }, 2),
        [0xFF, 0xFE, ..] => (Encoding::Utf16 { little: true }, 2),
        _ => (Encoding::Latin1, 0),
    };
    let et = encoding_term(p, e);
    Ok(p.heap.tuple(&[et, Term::small(n)]))
}

fn encoding_to_bom(p: &mut Process, a: &[Term]) -> BifResult {
    let e = encoding(a[0])?;
    let bom = match e {
        Encoding::Latin1 => vec![],
        _ => encode_chars(&['\u{feff}'], e),
    };
    Ok(p.heap.binary_owned(bom))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::erlang::tests::proc;

    fn show(t: Term) -> String {
        let mut s = String::new();
        crate::format::write::write_term(&mut s, t, None);
        s
    }

    #[test]
    fn matches_otp() {
        // Expected forms from OTP 25.
        let mut p = proc();
        let b255 = p.heap.binary(&[255]);
        let d = p.heap.list(&[Term::small(104), b255, Term::small(105)]);
        assert_eq!(show(to_binary1(&mut p, &[d]).unwrap()), "{error,<<104>>,[<<255>>,105]}");
        let b = p.heap.binary(&[104, 255, 105]);
        assert_eq!(show(to_binary1(&mut p, &[b]).unwrap()), "{error,<<104>>,<<255,105>>}");
        let b = p.heap.binary(&[104, 195]);
        assert_eq!(show(to_binary1(&mut p, &[b]).unwrap()), "{incomplete,<<104>>,<<195>>}");
        let d = p.heap.list(&[Term::small(104), Term::small(-1), Term::small(105)]);
        assert_eq!(show(to_list1(&mut p, &[d]).unwrap()), "{error,[104],[-1,105]}");
        let b195 = p.heap.binary(&[195]);
        let inner = p.heap.list(&[Term::small(105), b195]);
        let d = p.heap.list(&[Term::small(104), inner, Term::small(106)]);
        assert_eq!(show(to_list1(&mut p, &[d]).unwrap()), "{error,[104,105],[<<195>>,[106]]}");
        let e = p.heap.binary(&[233]);
        let r = to_binary2(&mut p, &[e, Term::atom(atom::LATIN1)]).unwrap();
        assert_eq!(show(r), "<<195,169>>");
        let s = list::from_str(&mut p.heap, "hé");
        let r = to_binary3(&mut p, &[s, Term::atom(atom::UNICODE), Term::atom(atom::LATIN1)]).unwrap();
        assert_eq!(show(r), "<<104,233>>");
        let j = p.heap.binary(b"j");
        let i = p.heap.binary(b"i");
        let h = p.heap.list(&[Term::small(104)]);
        let d = p.heap.list_with_tail(&[h, i], j);
        assert_eq!(show(to_list1(&mut p, &[d]).unwrap()), "[104,105,106]");
        assert!(to_list1(&mut p, &[Term::atom(atom::OK)]).is_err());
        let utf16 = mk_atom("utf16");
        let b = p.heap.binary(&[0, 104, 0]);
        assert_eq!(show(to_list2(&mut p, &[b, utf16]).unwrap()), "{incomplete,[104],<<0>>}");
        let b = p.heap.binary(&[216, 0, 0, 104]);
        assert_eq!(show(to_list2(&mut p, &[b, utf16]).unwrap()), "{error,[],<<216,0,0,104>>}");
        let l = p.heap.list(&[Term::small(104), Term::small(0xD800)]);
        assert_eq!(show(to_binary3(&mut p, &[l, Term::atom(atom::UNICODE), utf16]).unwrap()), "{error,<<0,104>>,[[55296]]}");
        let l = p.heap.list(&[Term::small(104), Term::small(233), Term::small(8364), Term::small(128512)]);
        assert_eq!(
            show(to_binary3(&mut p, &[l, Term::atom(atom::UNICODE), Term::atom(atom::LATIN1)]).unwrap()),
            "{error,<<104,233>>,[[8364],128512]}"
        );
        let u32le = p.heap.tuple(&[mk_atom("utf32"), mk_atom("little")]);
        assert_eq!(
            show(to_binary3(&mut p, &[l, Term::atom(atom::UNICODE), u32le]).unwrap()),
            "<<104,0,0,0,233,0,0,0,172,32,0,0,0,246,1,0>>"
        );
        let b = p.heap.binary(&[255, 254, 0, 0]);
        assert_eq!(show(bom_to_encoding(&mut p, &[b]).unwrap()), "{{utf32,little},4}");
    }
}
