//! The `binary` module: searching, splitting, replacing and slicing
//! binaries, and unsigned integer encoding.
//!
//! Searching is a direct scan (O(subject x patterns x pattern length));
//! OTP uses Aho-Corasick / Boyer-Moore, which only changes speed. Where
//! several patterns match at the same position the longest wins, as in OTP.

use super::erlang::{arg_atom, arg_list, arg_usize, badarg, mk_atom};
use super::BifDef;
use crate::binary;
use crate::exception::{BifResult, Exception};
use crate::list;
use crate::number;
use crate::process::Process;
use crate::term::Term;
use num_bigint::{BigInt, BigUint, Sign};

pub const BIFS: &[BifDef] = &[
    ("binary", "split", 2, split2),
    ("binary", "split", 3, split3),
    ("binary", "match", 2, match2),
    ("binary", "match", 3, match3),
    ("binary", "matches", 2, matches2),
    ("binary", "matches", 3, matches3),
    ("binary", "replace", 3, replace3),
    ("binary", "replace", 4, replace4),
    ("binary", "part", 2, part2),
    ("binary", "part", 3, part3),
    ("erlang", "binary_part", 2, part2),
    ("erlang", "binary_part", 3, part3),
    ("binary", "copy", 1, copy1),
    ("binary", "copy", 2, copy2),
    ("binary", "first", 1, first),
    ("binary", "last", 1, last),
    ("binary", "at", 2, at),
    ("binary", "bin_to_list", 1, bin_to_list1),
    ("binary", "bin_to_list", 2, bin_to_list2),
    ("binary", "bin_to_list", 3, bin_to_list3),
    ("binary", "list_to_bin", 1, list_to_bin),
    ("binary", "encode_unsigned", 1, encode_unsigned1),
    ("binary", "encode_unsigned", 2, encode_unsigned2),
    ("binary", "decode_unsigned", 1, decode_unsigned1),
    ("binary", "decode_unsigned", 2, decode_unsigned2),
    ("binary", "longest_common_prefix", 1, longest_common_prefix),
    ("binary", "longest_common_suffix", 1, longest_common_suffix),
    ("binary", "encode_hex", 1, encode_hex1),
    ("binary", "encode_hex", 2, encode_hex2),
    ("binary", "decode_hex", 1, decode_hex),
];

/// The bytes of a binary argument (not a bitstring) or badarg.
fn arg_bin(t: Term) -> Result<Vec<u8>, Exception> {
    binary::bytes(t).map(|b| b.into_owned()).ok_or_else(Exception::badarg)
}

/// A pattern argument: one non-empty binary or a non-empty list of them.
fn arg_patterns(t: Term) -> Result<Vec<Vec<u8>>, Exception> {
    let pats = if t.is_list() { arg_list(t)?.into_iter().map(arg_bin).collect::<Result<Vec<_>, _>>()? } else { vec![arg_bin(t)?] };
    if pats.is_empty() || pats.iter().any(|p| p.is_empty()) {
        return badarg();
    }
    Ok(pats)
}

/// The leftmost match in `s[from..end]`, longest at that position.
fn find(s: &[u8], pats: &[Vec<u8>], from: usize, end: usize) -> Option<(usize, usize)> {
    for i in from..end {
        let best = pats.iter().filter(|p| i + p.len() <= end && s[i..i + p.len()] == p[..]).map(|p| p.len()).max();
        if let Some(len) = best {
            return Some((i, len));
        }
    }
    None
}

/// `{Start, Length}` as a byte range within `size` (Length may be negative).
fn range(t: Term, size: usize) -> Result<(usize, usize), Exception> {
    let Some(&[s, l]) = t.as_tuple() else { return badarg() };
    range2(s, l, size)
}

fn range2(s: Term, l: Term, size: usize) -> Result<(usize, usize), Exception> {
    let (Some(s), Some(l)) = (s.as_small(), l.as_small()) else { return badarg() };
    let (a, b) = if l >= 0 { (s, s + l) } else { (s + l, s) };
    if a < 0 || b > size as i64 {
        return badarg();
    }
    Ok((a as usize, b as usize))
}

struct Opts {
    global: bool,
    trim: bool,
    trim_all: bool,
    scope: Option<Term>,
    insert: Vec<usize>,
}

fn parse_opts(t: Term) -> Result<Opts, Exception> {
    let mut o = Opts { global: false, trim: false, trim_all: false, scope: None, insert: Vec::new() };
    for x in arg_list(t)? {
        if x == mk_atom("global") {
            o.global = true;
        } else if x == mk_atom("trim") {
            o.trim = true;
        } else if x == mk_atom("trim_all") {
            o.trim_all = true;
        } else if let Some(&[k, v]) = x.as_tuple() {
            if k == mk_atom("scope") {
                o.scope = Some(v);
            } else if k == mk_atom("insert_replaced") {
                o.insert =
                    if v.is_list() { arg_list(v)?.into_iter().map(arg_usize).collect::<Result<_, _>>()? } else { vec![arg_usize(v)?] };
            } else {
                return badarg();
            }
        } else {
            return badarg();
        }
    }
    Ok(o)
}

fn scope_of(o: &Opts, size: usize) -> Result<(usize, usize), Exception> {
    match o.scope {
        Some(t) => range(t, size),
        None => Ok((0, size)),
    }
}

/// All matches in scope (just the first unless `global`).
fn all_matches(s: &[u8], pats: &[Vec<u8>], from: usize, end: usize, global: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = from;
    while let Some((pos, len)) = find(s, pats, i, end) {
        out.push((pos, len));
        i = pos + len;
        if !global {
            break;
        }
    }
    out
}

/// OTP does not look at the pattern when the subject is empty.
fn patterns_for(s: &[u8], pattern: Term) -> Result<Vec<Vec<u8>>, Exception> {
    if s.is_empty() {
        Ok(Vec::new())
    } else {
        arg_patterns(pattern)
    }
}

fn do_split(p: &mut Process, subject: Term, pattern: Term, opts: Term) -> BifResult {
    let s = arg_bin(subject)?;
    let pats = patterns_for(&s, pattern)?;
    let o = parse_opts(opts)?;
    let (from, end) = scope_of(&o, s.len())?;
    let ms = all_matches(&s, &pats, from, end, o.global);
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for (pos, len) in ms {
        parts.push((start, pos));
        start = pos + len;
    }
    parts.push((start, s.len()));
    if o.trim_all {
        parts.retain(|&(a, b)| a != b);
    } else if o.trim {
        while parts.last().map(|&(a, b)| a == b).unwrap_or(false) {
            parts.pop();
        }
    }
    let v: Vec<Term> = parts.iter().map(|&(a, b)| p.heap.sub_binary(subject, a as u64 * 8, (b - a) as u64 * 8)).collect();
    Ok(p.heap.list(&v))
}

fn split2(p: &mut Process, a: &[Term]) -> BifResult {
    do_split(p, a[0], a[1], Term::NIL)
}
fn split3(p: &mut Process, a: &[Term]) -> BifResult {
    do_split(p, a[0], a[1], a[2])
}

fn pos_len(p: &mut Process, pos: usize, len: usize) -> Term {
    p.heap.tuple(&[Term::small(pos as i64), Term::small(len as i64)])
}

fn do_match(p: &mut Process, subject: Term, pattern: Term, opts: Term, global: bool) -> BifResult {
    let s = arg_bin(subject)?;
    let pats = patterns_for(&s, pattern)?;
    let o = parse_opts(opts)?;
    let (from, end) = scope_of(&o, s.len())?;
    let ms = all_matches(&s, &pats, from, end, global);
    if global {
        let v: Vec<Term> = ms.iter().map(|&(a, l)| pos_len(p, a, l)).collect();
        return Ok(p.heap.list(&v));
    }
    Ok(match ms.first() {
        Some(&(a, l)) => pos_len(p, a, l),
        None => mk_atom("nomatch"),
    })
}

fn match2(p: &mut Process, a: &[Term]) -> BifResult {
    do_match(p, a[0], a[1], Term::NIL, false)
}
fn match3(p: &mut Process, a: &[Term]) -> BifResult {
    do_match(p, a[0], a[1], a[2], false)
}
fn matches2(p: &mut Process, a: &[Term]) -> BifResult {
    do_match(p, a[0], a[1], Term::NIL, true)
}
fn matches3(p: &mut Process, a: &[Term]) -> BifResult {
    do_match(p, a[0], a[1], a[2], true)
}

fn do_replace(p: &mut Process, subject: Term, pattern: Term, repl: Term, opts: Term) -> BifResult {
    let s = arg_bin(subject)?;
    let pats = patterns_for(&s, pattern)?;
    let r = arg_bin(repl)?;
    let o = parse_opts(opts)?;
    if o.insert.iter().any(|&i| i > r.len()) {
        return badarg();
    }
    let (from, end) = scope_of(&o, s.len())?;
    let ms = all_matches(&s, &pats, from, end, o.global);
    let mut out = Vec::with_capacity(s.len());
    let mut start = 0;
    for (pos, len) in ms {
        out.extend_from_slice(&s[start..pos]);
        // The replacement, with the matched part inserted at each position.
        let mut last = 0;
        let mut ins = o.insert.clone();
        ins.sort_unstable();
        for i in ins {
            out.extend_from_slice(&r[last..i]);
            out.extend_from_slice(&s[pos..pos + len]);
            last = i;
        }
        out.extend_from_slice(&r[last..]);
        start = pos + len;
    }
    out.extend_from_slice(&s[start..]);
    Ok(p.heap.binary_owned(out))
}

fn replace3(p: &mut Process, a: &[Term]) -> BifResult {
    do_replace(p, a[0], a[1], a[2], Term::NIL)
}
fn replace4(p: &mut Process, a: &[Term]) -> BifResult {
    do_replace(p, a[0], a[1], a[2], a[3])
}

fn part2(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(b) = binary::bits(a[0]).filter(|b| b.is_binary()) else { return badarg() };
    let (x, y) = range(a[1], b.byte_len())?;
    Ok(p.heap.sub_binary(a[0], x as u64 * 8, (y - x) as u64 * 8))
}
fn part3(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(b) = binary::bits(a[0]).filter(|b| b.is_binary()) else { return badarg() };
    let (x, y) = range2(a[1], a[2], b.byte_len())?;
    Ok(p.heap.sub_binary(a[0], x as u64 * 8, (y - x) as u64 * 8))
}

fn copy1(p: &mut Process, a: &[Term]) -> BifResult {
    let b = arg_bin(a[0])?;
    Ok(p.heap.binary_owned(b))
}
fn copy2(p: &mut Process, a: &[Term]) -> BifResult {
    let b = arg_bin(a[0])?;
    let n = arg_usize(a[1])?;
    Ok(p.heap.binary_owned(b.repeat(n)))
}

fn first(_p: &mut Process, a: &[Term]) -> BifResult {
    match arg_bin(a[0])?.first() {
        Some(&x) => Ok(Term::small(x as i64)),
        None => badarg(),
    }
}
fn last(_p: &mut Process, a: &[Term]) -> BifResult {
    match arg_bin(a[0])?.last() {
        Some(&x) => Ok(Term::small(x as i64)),
        None => badarg(),
    }
}
fn at(_p: &mut Process, a: &[Term]) -> BifResult {
    let b = arg_bin(a[0])?;
    match b.get(arg_usize(a[1])?) {
        Some(&x) => Ok(Term::small(x as i64)),
        None => badarg(),
    }
}

fn bin_to_list1(p: &mut Process, a: &[Term]) -> BifResult {
    let b = arg_bin(a[0])?;
    Ok(list::from_bytes_list(&mut p.heap, &b))
}
fn bin_to_list2(p: &mut Process, a: &[Term]) -> BifResult {
    let b = arg_bin(a[0])?;
    let (x, y) = range(a[1], b.len())?;
    Ok(list::from_bytes_list(&mut p.heap, &b[x..y]))
}
fn bin_to_list3(p: &mut Process, a: &[Term]) -> BifResult {
    let b = arg_bin(a[0])?;
    let (x, y) = range2(a[1], a[2], b.len())?;
    Ok(list::from_bytes_list(&mut p.heap, &b[x..y]))
}
fn list_to_bin(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_list() {
        return badarg();
    }
    match list::iolist_to_bytes(a[0]) {
        Some(b) => Ok(p.heap.binary_owned(b)),
        None => badarg(),
    }
}

fn little(t: Term) -> Result<bool, Exception> {
    match &*arg_atom(t)?.name() {
        "big" => Ok(false),
        "little" => Ok(true),
        _ => badarg(),
    }
}

fn encode_unsigned(p: &mut Process, n: Term, little: bool) -> BifResult {
    let Some(v) = number::int_to_big(n) else { return badarg() };
    if v.sign() == Sign::Minus {
        return badarg();
    }
    let mut bytes = v.magnitude().to_bytes_be();
    if little {
        bytes.reverse();
    }
    Ok(p.heap.binary_owned(bytes))
}
fn encode_unsigned1(p: &mut Process, a: &[Term]) -> BifResult {
    encode_unsigned(p, a[0], false)
}
fn encode_unsigned2(p: &mut Process, a: &[Term]) -> BifResult {
    let l = little(a[1])?;
    encode_unsigned(p, a[0], l)
}
fn decode_unsigned(p: &mut Process, b: Term, little: bool) -> BifResult {
    let b = arg_bin(b)?;
    let m = if little { BigUint::from_bytes_le(&b) } else { BigUint::from_bytes_be(&b) };
    Ok(number::make_integer(&mut p.heap, BigInt::from(m)))
}
fn decode_unsigned1(p: &mut Process, a: &[Term]) -> BifResult {
    decode_unsigned(p, a[0], false)
}
fn decode_unsigned2(p: &mut Process, a: &[Term]) -> BifResult {
    let l = little(a[1])?;
    decode_unsigned(p, a[0], l)
}

fn common(a: Term, from_end: bool) -> BifResult {
    let bins = arg_list(a)?.into_iter().map(arg_bin).collect::<Result<Vec<_>, _>>()?;
    if bins.is_empty() {
        return badarg();
    }
    let min = bins.iter().map(|b| b.len()).min().unwrap();
    let mut n = 0;
    while n < min {
        let at = |b: &Vec<u8>| if from_end { b[b.len() - 1 - n] } else { b[n] };
        let c = at(&bins[0]);
        if !bins.iter().all(|b| at(b) == c) {
            break;
        }
        n += 1;
    }
    Ok(Term::small(n as i64))
}
fn longest_common_prefix(_p: &mut Process, a: &[Term]) -> BifResult {
    common(a[0], false)
}
fn longest_common_suffix(_p: &mut Process, a: &[Term]) -> BifResult {
    common(a[0], true)
}

fn encode_hex(p: &mut Process, b: Term, lower: bool) -> BifResult {
    let b = arg_bin(b)?;
    let s: String = b.iter().map(|x| if lower { format!("{x:02x}") } else { format!("{x:02X}") }).collect();
    Ok(p.heap.binary_owned(s.into_bytes()))
}
fn encode_hex1(p: &mut Process, a: &[Term]) -> BifResult {
    encode_hex(p, a[0], false)
}
fn encode_hex2(p: &mut Process, a: &[Term]) -> BifResult {
    let lower = match &*arg_atom(a[1])?.name() {
        "lowercase" => true,
        "uppercase" => false,
        _ => return badarg(),
    };
    encode_hex(p, a[0], lower)
}
fn decode_hex(p: &mut Process, a: &[Term]) -> BifResult {
    let b = arg_bin(a[0])?;
    if b.len() % 2 != 0 {
        return badarg();
    }
    let digit = |c: u8| (c as char).to_digit(16).ok_or_else(Exception::badarg);
    let mut out = Vec::with_capacity(b.len() / 2);
    for pair in b.chunks_exact(2) {
        out.push((digit(pair[0])? * 16 + digit(pair[1])?) as u8);
    }
    Ok(p.heap.binary_owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::erlang::tests::proc;

    fn bins(t: Term) -> Vec<Vec<u8>> {
        list::to_vec(t).unwrap().into_iter().map(|b| binary::bytes(b).unwrap().into_owned()).collect()
    }

    #[test]
    fn split_match_replace() {
        let mut p = proc();
        let s = p.heap.binary(b"a,b,,c,");
        let comma = p.heap.binary(b",");
        let global = mk_atom("global");
        let g = p.heap.list(&[global]);
        assert_eq!(bins(split2(&mut p, &[s, comma]).unwrap()), vec![b"a".to_vec(), b"b,,c,".to_vec()]);
        assert_eq!(bins(split3(&mut p, &[s, comma, g]).unwrap()), vec![b"a".to_vec(), b"b".to_vec(), vec![], b"c".to_vec(), vec![]]);
        let gt = p.heap.list(&[global, mk_atom("trim")]);
        assert_eq!(bins(split3(&mut p, &[s, comma, gt]).unwrap()), vec![b"a".to_vec(), b"b".to_vec(), vec![], b"c".to_vec()]);
        let gta = p.heap.list(&[global, mk_atom("trim_all")]);
        assert_eq!(bins(split3(&mut p, &[s, comma, gta]).unwrap()).len(), 3);
        let ab = p.heap.binary(b"ab");
        let a_ = p.heap.binary(b"a");
        let pats = p.heap.list(&[a_, ab]);
        let subj = p.heap.binary(b"xxabab");
        let m = match2(&mut p, &[subj, pats]).unwrap();
        assert_eq!(m.as_tuple().unwrap(), &[Term::small(2), Term::small(2)]);
        let r = p.heap.binary(b"[]");
        let ins = p.heap.tuple(&[mk_atom("insert_replaced"), Term::small(1)]);
        let o = p.heap.list(&[global, ins]);
        let out = replace4(&mut p, &[subj, ab, r, o]).unwrap();
        assert_eq!(binary::bytes(out).unwrap().as_ref(), b"xx[ab][ab]");
        let neg = part3(&mut p, &[subj, Term::small(6), Term::small(-2)]).unwrap();
        assert_eq!(binary::bytes(neg).unwrap().as_ref(), b"ab");
        assert!(part3(&mut p, &[subj, Term::small(5), Term::small(2)]).is_err());
        let e = encode_unsigned1(&mut p, &[Term::small(256)]).unwrap();
        assert_eq!(binary::bytes(e).unwrap().as_ref(), &[1, 0]);
        let e0 = encode_unsigned1(&mut p, &[Term::small(0)]).unwrap();
        assert_eq!(binary::bytes(e0).unwrap().as_ref(), &[0]);
        assert_eq!(decode_unsigned1(&mut p, &[e]).unwrap(), Term::small(256));
    }
}
