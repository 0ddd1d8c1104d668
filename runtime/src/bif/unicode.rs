//! `unicode:characters_to_list/1,2` and `characters_to_binary/1,2,3` for
//! the `latin1`, `unicode` and `utf8` encodings.
//!
//! Bad data gives OTP's `{error, Converted, Rest}` and a UTF-8 sequence cut
//! short at the very end gives `{incomplete, Converted, Rest}`. `Rest` is
//! built as OTP builds it in the common cases: the offending element (or
//! the rest of the offending binary) followed by what remained of its list,
//! then each enclosing list's remainder as one element.
//!
//! Known gaps: UTF-16/UTF-32 encodings are badarg; a UTF-8 sequence split
//! across two binaries is an error here (OTP joins the pieces).

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
];

/// Whether an encoding argument is Latin-1 (else UTF-8).
fn latin1(t: Term) -> Result<bool, Exception> {
    match arg_atom(t)? {
        atom::LATIN1 => Ok(true),
        atom::UNICODE | atom::UTF8 => Ok(false),
        _ => badarg(),
    }
}

enum Failure {
    /// Rest of the input, and whether it is an incomplete UTF-8 sequence.
    Error(Term),
    Incomplete(Term),
}

/// Decodes chardata into code points. `Ok((chars, None))` when all of it
/// converts; `Ok((chars_so_far, Some(failure)))` otherwise; badarg when it
/// is not chardata.
fn decode(p: &mut Process, data: Term, in_latin1: bool, out_latin1: bool) -> Result<(Vec<char>, Option<Failure>), Exception> {
    let mut out: Vec<char> = Vec::new();
    // Appends a binary's characters; on failure returns (offset, incomplete).
    let push_bin = |out: &mut Vec<char>, b: Term| -> Result<Option<(usize, bool)>, Exception> {
        let Some(bytes) = binary::bytes(b) else { return badarg() };
        if in_latin1 {
            out.extend(bytes.iter().map(|&c| c as char));
            return Ok(None);
        }
        match std::str::from_utf8(&bytes) {
            Ok(s) => {
                out.extend(s.chars());
                Ok(None)
            }
            Err(e) => {
                let ok = e.valid_up_to();
                out.extend(std::str::from_utf8(&bytes[..ok]).unwrap().chars());
                Ok(Some((ok, e.error_len().is_none())))
            }
        }
    };
    let ok_char = |c: i64| -> Option<char> {
        let c = u32::try_from(c).ok()?;
        if in_latin1 && c > 255 {
            return None;
        }
        char::from_u32(c)
    };

    if data.is_bitstring() {
        if let Some((off, incomplete)) = push_bin(&mut out, data)? {
            let bits = binary::bits(data).unwrap();
            let rest = p.heap.sub_binary(data, off as u64 * 8, bits.bit_len - off as u64 * 8);
            return Ok((out, Some(if incomplete { Failure::Incomplete(rest) } else { Failure::Error(rest) })));
        }
        return finish_latin1(p, out, out_latin1);
    }
    if !data.is_list() {
        return badarg();
    }
    let mut outer: Vec<Term> = Vec::new();
    let mut t = data;
    loop {
        if let Some((h, tl)) = t.as_cons() {
            if let Some(c) = h.as_small() {
                match ok_char(c) {
                    Some(ch) => out.push(ch),
                    None => return Ok((out, Some(Failure::Error(rest_list(p, h, tl, &outer))))),
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
                    return Ok((out, Some(Failure::Error(rest_list(p, rest_bin, tl, &outer)))));
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
                return Ok((out, Some(Failure::Error(rest_list(p, rest_bin, Term::NIL, &outer)))));
            }
            t = Term::NIL;
        } else {
            return badarg();
        }
    }
    finish_latin1(p, out, out_latin1)
}

/// For Latin-1 output of data that decoded fine: stop at the first
/// character above 255. Gap: `Rest` is the list of the remaining
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

/// `[bad | tail]`, then each non-empty enclosing remainder as an element.
fn rest_list(p: &mut Process, bad: Term, tail: Term, outer: &[Term]) -> Term {
    let mut v = vec![bad];
    match list::to_vec(tail) {
        Some(t) => v.extend(t),
        None => v.push(tail),
    }
    v.extend(outer.iter().rev().filter(|x| !x.is_nil()));
    p.heap.list(&v)
}

fn result(p: &mut Process, chars: Vec<char>, failure: Option<Failure>, as_binary: bool, out_latin1: bool) -> BifResult {
    let converted = if as_binary {
        if out_latin1 {
            let b: Vec<u8> = chars.iter().map(|&c| c as u32 as u8).collect();
            p.heap.binary_owned(b)
        } else {
            let s: String = chars.iter().collect();
            p.heap.binary_owned(s.into_bytes())
        }
    } else {
        let v: Vec<Term> = chars.iter().map(|&c| Term::small(c as i64)).collect();
        p.heap.list(&v)
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

fn convert(p: &mut Process, data: Term, in_latin1: bool, out_latin1: bool, as_binary: bool) -> BifResult {
    let (chars, failure) = decode(p, data, in_latin1, out_latin1 && as_binary)?;
    result(p, chars, failure, as_binary, out_latin1)
}

fn to_list1(p: &mut Process, a: &[Term]) -> BifResult {
    convert(p, a[0], false, false, false)
}
fn to_list2(p: &mut Process, a: &[Term]) -> BifResult {
    let l = latin1(a[1])?;
    convert(p, a[0], l, false, false)
}
fn to_binary1(p: &mut Process, a: &[Term]) -> BifResult {
    convert(p, a[0], false, false, true)
}
fn to_binary2(p: &mut Process, a: &[Term]) -> BifResult {
    let l = latin1(a[1])?;
    convert(p, a[0], l, false, true)
}
fn to_binary3(p: &mut Process, a: &[Term]) -> BifResult {
    let (li, lo) = (latin1(a[1])?, latin1(a[2])?);
    convert(p, a[0], li, lo, true)
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
    }
}
