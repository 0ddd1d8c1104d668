//! Conversion BIFs between atoms, integers, floats, lists and binaries,
//! and the binary/bitstring basics (`byte_size`, `split_binary` ...).

use super::erlang::{arg_atom, arg_usize, badarg, mk_atom};
use super::floatfmt;
use super::BifDef;
use crate::atom::{self, Atom};
use crate::binary;
use crate::exception::{BifResult, Exception};
use crate::heap::Heap;
use crate::list;
use crate::number;
use crate::process::Process;
use crate::term::Term;
use num_bigint::BigInt;

pub const BIFS: &[BifDef] = &[
    ("erlang", "atom_to_list", 1, atom_to_list),
    ("erlang", "atom_to_binary", 1, atom_to_binary1),
    ("erlang", "atom_to_binary", 2, atom_to_binary2),
    ("erlang", "list_to_atom", 1, list_to_atom),
    ("erlang", "list_to_existing_atom", 1, list_to_existing_atom),
    ("erlang", "binary_to_atom", 1, binary_to_atom1),
    ("erlang", "binary_to_atom", 2, binary_to_atom2),
    ("erlang", "binary_to_existing_atom", 1, binary_to_existing_atom1),
    ("erlang", "binary_to_existing_atom", 2, binary_to_existing_atom2),
    ("erlang", "integer_to_list", 1, integer_to_list1),
    ("erlang", "integer_to_list", 2, integer_to_list2),
    ("erlang", "integer_to_binary", 1, integer_to_binary1),
    ("erlang", "integer_to_binary", 2, integer_to_binary2),
    ("erlang", "list_to_integer", 1, list_to_integer1),
    ("erlang", "list_to_integer", 2, list_to_integer2),
    ("erlang", "binary_to_integer", 1, binary_to_integer1),
    ("erlang", "binary_to_integer", 2, binary_to_integer2),
    ("erlang", "float_to_list", 1, float_to_list1),
    ("erlang", "float_to_list", 2, float_to_list2),
    ("erlang", "float_to_binary", 1, float_to_binary1),
    ("erlang", "float_to_binary", 2, float_to_binary2),
    ("erlang", "list_to_float", 1, list_to_float),
    ("erlang", "binary_to_float", 1, binary_to_float),
    ("erlang", "binary_to_list", 1, binary_to_list1),
    ("erlang", "binary_to_list", 3, binary_to_list3),
    ("erlang", "list_to_binary", 1, list_to_binary),
    ("erlang", "iolist_to_binary", 1, iolist_to_binary),
    ("erlang", "iolist_size", 1, iolist_size),
    ("erlang", "bitstring_to_list", 1, bitstring_to_list),
    ("erlang", "list_to_bitstring", 1, list_to_bitstring),
    ("erlang", "byte_size", 1, byte_size),
    ("erlang", "bit_size", 1, bit_size),
    ("erlang", "split_binary", 2, split_binary),
];

/// The longest atom name, in characters (BEAM's `MAX_ATOM_CHARACTERS`).
pub const MAX_ATOM_CHARS: usize = 255;

/// An atom named `name`; `system_limit` when too long or the table is full.
pub fn make_atom(name: &str) -> BifResult {
    if name.chars().count() > MAX_ATOM_CHARS {
        return Err(Exception::system_limit());
    }
    atom::intern(name).map(Term::atom).ok_or_else(Exception::system_limit)
}

// ---- atoms ----

fn atom_to_list(p: &mut Process, a: &[Term]) -> BifResult {
    let name = arg_atom(a[0])?.name();
    Ok(list::from_str(&mut p.heap, &name))
}

fn encoding(t: Term) -> Result<bool /* utf8 */, Exception> {
    match arg_atom(t)? {
        atom::LATIN1 => Ok(false),
        atom::UTF8 | atom::UNICODE => Ok(true),
        _ => badarg(),
    }
}

fn atom_bytes(a: Atom, utf8: bool) -> Result<Vec<u8>, Exception> {
    let name = a.name();
    if utf8 {
        return Ok(name.as_bytes().to_vec());
    }
    name.chars().map(|c| u8::try_from(c as u32).map_err(|_| Exception::badarg())).collect()
}

fn atom_to_binary1(p: &mut Process, a: &[Term]) -> BifResult {
    let b = atom_bytes(arg_atom(a[0])?, true)?;
    Ok(p.heap.binary(&b))
}

fn atom_to_binary2(p: &mut Process, a: &[Term]) -> BifResult {
    let utf8 = encoding(a[1])?;
    let b = atom_bytes(arg_atom(a[0])?, utf8)?;
    Ok(p.heap.binary(&b))
}

fn list_to_atom(_p: &mut Process, a: &[Term]) -> BifResult {
    let Some(s) = list::string_of(a[0]) else { return badarg() };
    make_atom(&s)
}

fn list_to_existing_atom(_p: &mut Process, a: &[Term]) -> BifResult {
    let Some(s) = list::string_of(a[0]) else { return badarg() };
    atom::existing(&s).map(Term::atom).ok_or_else(Exception::badarg)
}

/// The atom name in a binary under an encoding.
fn binary_name(b: Term, utf8: bool) -> Result<String, Exception> {
    let Some(bytes) = binary::bytes(b) else { return badarg() };
    if utf8 {
        String::from_utf8(bytes.into_owned()).map_err(|_| Exception::badarg())
    } else {
        Ok(bytes.iter().map(|&c| c as char).collect())
    }
}

fn binary_to_atom1(_p: &mut Process, a: &[Term]) -> BifResult {
    make_atom(&binary_name(a[0], true)?)
}
fn binary_to_atom2(_p: &mut Process, a: &[Term]) -> BifResult {
    let utf8 = encoding(a[1])?;
    make_atom(&binary_name(a[0], utf8)?)
}
fn binary_to_existing_atom1(_p: &mut Process, a: &[Term]) -> BifResult {
    let s = binary_name(a[0], true)?;
    atom::existing(&s).map(Term::atom).ok_or_else(Exception::badarg)
}
fn binary_to_existing_atom2(_p: &mut Process, a: &[Term]) -> BifResult {
    let utf8 = encoding(a[1])?;
    let s = binary_name(a[0], utf8)?;
    atom::existing(&s).map(Term::atom).ok_or_else(Exception::badarg)
}

// ---- integers ----

/// An integer's digits in `base` (2..=36), upper-case letters, `-` sign.
pub fn integer_to_string(t: Term, base: u32) -> Option<String> {
    if let Some(i) = t.as_small() {
        if base == 10 {
            return Some(i.to_string());
        }
    }
    let b = number::int_to_big(t)?;
    Some(b.to_str_radix(base).to_uppercase())
}

fn arg_base(t: Term) -> Result<u32, Exception> {
    match t.as_small() {
        Some(b) if (2..=36).contains(&b) => Ok(b as u32),
        _ => badarg(),
    }
}

fn integer_to_list1(p: &mut Process, a: &[Term]) -> BifResult {
    let s = integer_to_string(a[0], 10).ok_or_else(Exception::badarg)?;
    Ok(list::from_str(&mut p.heap, &s))
}
fn integer_to_list2(p: &mut Process, a: &[Term]) -> BifResult {
    let s = integer_to_string(a[0], arg_base(a[1])?).ok_or_else(Exception::badarg)?;
    Ok(list::from_str(&mut p.heap, &s))
}
fn integer_to_binary1(p: &mut Process, a: &[Term]) -> BifResult {
    let s = integer_to_string(a[0], 10).ok_or_else(Exception::badarg)?;
    Ok(p.heap.binary(s.as_bytes()))
}
fn integer_to_binary2(p: &mut Process, a: &[Term]) -> BifResult {
    let s = integer_to_string(a[0], arg_base(a[1])?).ok_or_else(Exception::badarg)?;
    Ok(p.heap.binary(s.as_bytes()))
}

/// Parses `[+-]digits` in `base` (letters of either case); `None` if malformed.
pub fn parse_integer(s: &[u8], base: u32) -> Option<BigInt> {
    let (neg, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(|&c| (c as char).is_digit(base)) {
        return None;
    }
    // Small fast path: up to 15 decimal digits fit an i64 with room.
    if base == 10 && digits.len() <= 15 {
        let v: i64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        return Some(BigInt::from(if neg { -v } else { v }));
    }
    let v = BigInt::parse_bytes(digits, base)?;
    Some(if neg { -v } else { v })
}

fn list_bytes(t: Term) -> Result<Vec<u8>, Exception> {
    let Some(v) = list::to_vec(t) else { return badarg() };
    v.iter()
        .map(|c| match c.as_small() {
            Some(x) if (0..=255).contains(&x) => Ok(x as u8),
            _ => badarg(),
        })
        .collect()
}

fn to_integer(heap: &mut Heap, bytes: &[u8], base: u32) -> BifResult {
    match parse_integer(bytes, base) {
        Some(v) => Ok(number::make_integer(heap, v)),
        None => badarg(),
    }
}

fn list_to_integer1(p: &mut Process, a: &[Term]) -> BifResult {
    let b = list_bytes(a[0])?;
    to_integer(&mut p.heap, &b, 10)
}
fn list_to_integer2(p: &mut Process, a: &[Term]) -> BifResult {
    let base = arg_base(a[1])?;
    let b = list_bytes(a[0])?;
    to_integer(&mut p.heap, &b, base)
}
fn binary_to_integer1(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(b) = binary::bytes(a[0]) else { return badarg() };
    let b = b.into_owned();
    to_integer(&mut p.heap, &b, 10)
}
fn binary_to_integer2(p: &mut Process, a: &[Term]) -> BifResult {
    let base = arg_base(a[1])?;
    let Some(b) = binary::bytes(a[0]) else { return badarg() };
    let b = b.into_owned();
    to_integer(&mut p.heap, &b, base)
}

// ---- floats ----

/// `float_to_list(F, Options)`'s text; badarg for bad options.
pub fn float_text(f: f64, opts: Term) -> Result<String, Exception> {
    enum Mode {
        Default,
        Decimals(usize),
        Scientific(usize),
        Short,
    }
    let mut mode = Mode::Default;
    let mut compact = false;
    let Some(opts) = list::to_vec(opts) else { return badarg() };
    for o in opts {
        if o == Term::atom(atom::COMPACT) {
            compact = true;
        } else if o == mk_atom("short") {
            mode = Mode::Short;
        } else if let Some(&[k, v]) = o.as_tuple() {
            let n = arg_usize(v)?;
            if k == Term::atom(atom::DECIMALS) && n <= 253 {
                mode = Mode::Decimals(n);
            } else if k == Term::atom(atom::SCIENTIFIC) && n <= 249 {
                mode = Mode::Scientific(n);
            } else {
                return badarg();
            }
        } else {
            return badarg();
        }
    }
    Ok(match mode {
        Mode::Default => floatfmt::default(f),
        Mode::Short => floatfmt::short(f),
        Mode::Scientific(n) => floatfmt::scientific(f, n),
        Mode::Decimals(n) => floatfmt::decimals(f, n, compact).ok_or_else(Exception::badarg)?,
    })
}

fn arg_float(t: Term) -> Result<f64, Exception> {
    t.as_float().ok_or_else(Exception::badarg)
}

fn float_to_list1(p: &mut Process, a: &[Term]) -> BifResult {
    let s = floatfmt::default(arg_float(a[0])?);
    Ok(list::from_str(&mut p.heap, &s))
}
fn float_to_list2(p: &mut Process, a: &[Term]) -> BifResult {
    let s = float_text(arg_float(a[0])?, a[1])?;
    Ok(list::from_str(&mut p.heap, &s))
}
fn float_to_binary1(p: &mut Process, a: &[Term]) -> BifResult {
    let s = floatfmt::default(arg_float(a[0])?);
    Ok(p.heap.binary(s.as_bytes()))
}
fn float_to_binary2(p: &mut Process, a: &[Term]) -> BifResult {
    let s = float_text(arg_float(a[0])?, a[1])?;
    Ok(p.heap.binary(s.as_bytes()))
}
fn list_to_float(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(s) = list::string_of(a[0]) else { return badarg() };
    match floatfmt::parse(&s) {
        Some(f) => Ok(p.heap.float(f)),
        None => badarg(),
    }
}
fn binary_to_float(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(b) = binary::bytes(a[0]) else { return badarg() };
    let Ok(s) = std::str::from_utf8(&b) else { return badarg() };
    match floatfmt::parse(s) {
        Some(f) => Ok(p.heap.float(f)),
        None => badarg(),
    }
}

// ---- binaries and lists ----

fn binary_to_list1(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(b) = binary::bytes(a[0]) else { return badarg() };
    let b = b.into_owned();
    super::charge(p, b.len(), super::rate::BINARY_TO_LIST);
    Ok(list::from_bytes_list(&mut p.heap, &b))
}

fn binary_to_list3(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(b) = binary::bytes(a[0]) else { return badarg() };
    let (start, stop) = (arg_usize(a[1])?, arg_usize(a[2])?);
    if start < 1 || stop < start || stop > b.len() {
        return badarg();
    }
    let b = b[start - 1..stop].to_vec();
    super::charge(p, b.len(), super::rate::BINARY_TO_LIST);
    Ok(list::from_bytes_list(&mut p.heap, &b))
}

/// `iolist_to_binary(Bin)` is `Bin`; `list_to_binary(Bin)` is badarg.
fn iolist_to_binary(p: &mut Process, a: &[Term]) -> BifResult {
    if binary::bits(a[0]).map(|b| b.is_binary()).unwrap_or(false) {
        return Ok(a[0]);
    }
    list_to_binary(p, a)
}

fn list_to_binary(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_list() {
        return badarg();
    }
    match list::iolist_to_bytes(a[0]) {
        Some(b) => {
            super::charge(p, b.len(), super::rate::IOLIST_BYTES);
            Ok(p.heap.binary_owned(b))
        }
        None => badarg(),
    }
}

fn iolist_size(p: &mut Process, a: &[Term]) -> BifResult {
    match list::iolist_size(a[0]) {
        Some(n) => {
            super::charge(p, n, super::rate::IOLIST_BYTES);
            Ok(Term::small(n as i64))
        }
        None => badarg(),
    }
}

fn bitstring_to_list(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(b) = binary::bits(a[0]) else { return badarg() };
    let whole = b.bit_len / 8;
    let rest = b.bit_len % 8;
    let bytes = b.slice(0, whole * 8).to_bytes().into_owned();
    super::charge(p, bytes.len(), super::rate::BINARY_TO_LIST);
    let mut v: Vec<Term> = bytes.iter().map(|&x| Term::small(x as i64)).collect();
    if rest != 0 {
        // The trailing bits are the last element (a proper list, as OTP).
        let last = b.slice(whole * 8, rest).to_bytes().into_owned();
        v.push(p.heap.bitstring(&last, rest));
    }
    Ok(p.heap.list(&v))
}

fn list_to_bitstring(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_list() {
        return badarg();
    }
    let mut out = crate::bitbuilder::BitBuilder::default();
    let mut stack = vec![a[0]];
    while let Some(mut t) = stack.pop() {
        loop {
            if let Some((h, tl)) = t.as_cons() {
                if let Some(x) = h.as_small() {
                    if !(0..=255).contains(&x) {
                        return badarg();
                    }
                    out.push_bits_u64(x as u64, 8);
                } else if h.is_list() {
                    stack.push(tl);
                    t = h;
                    continue;
                } else if let Some(b) = binary::bits(h) {
                    out.push_slice(&b);
                } else {
                    return badarg();
                }
                t = tl;
            } else if t.is_nil() {
                break;
            } else if let Some(b) = binary::bits(t) {
                out.push_slice(&b);
                break;
            } else {
                return badarg();
            }
        }
    }
    Ok(p.heap.bitstring(&out.bytes, out.bits))
}

fn byte_size(_p: &mut Process, a: &[Term]) -> BifResult {
    match binary::bits(a[0]) {
        Some(b) => Ok(Term::small(b.bit_len.div_ceil(8) as i64)),
        None => badarg(),
    }
}

fn bit_size(_p: &mut Process, a: &[Term]) -> BifResult {
    match binary::bits(a[0]) {
        Some(b) => Ok(Term::small(b.bit_len as i64)),
        None => badarg(),
    }
}

fn split_binary(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(b) = binary::bits(a[0]) else { return badarg() };
    let pos = arg_usize(a[1])? as u64;
    if !b.is_binary() || pos * 8 > b.bit_len {
        return badarg();
    }
    let x = p.heap.sub_binary(a[0], 0, pos * 8);
    let y = p.heap.sub_binary(a[0], pos * 8, b.bit_len - pos * 8);
    Ok(p.heap.tuple(&[x, y]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::erlang::tests::proc;

    #[test]
    fn integers() {
        let mut p = proc();
        let big = number::make_integer(&mut p.heap, "-123456789012345678901234567890".parse().unwrap());
        assert_eq!(integer_to_string(big, 10).unwrap(), "-123456789012345678901234567890");
        assert_eq!(integer_to_string(Term::small(255), 16).unwrap(), "FF");
        assert_eq!(integer_to_string(Term::small(-255), 2).unwrap(), "-11111111");
        assert_eq!(parse_integer(b"-ff", 16), Some(BigInt::from(-255)));
        assert_eq!(parse_integer(b"+12", 10), Some(BigInt::from(12)));
        assert_eq!(parse_integer(b"", 10), None);
        assert_eq!(parse_integer(b"-", 10), None);
        assert_eq!(parse_integer(b"12a", 10), None);
        assert_eq!(parse_integer(b"1 2", 10), None);
        let l = list::from_str(&mut p.heap, "99999999999999999999");
        let t = list_to_integer1(&mut p, &[l]).unwrap();
        assert!(t.is_bignum());
    }

    #[test]
    fn bitstrings() {
        let mut p = proc();
        let b = p.heap.bitstring(&[1, 2, 0xe0], 19);
        let l = bitstring_to_list(&mut p, &[b]).unwrap();
        let v = list::to_vec(l).unwrap();
        assert_eq!(v.len(), 3); // 1, 2, <<7:3>>
        let back = list_to_bitstring(&mut p, &[l]).unwrap();
        assert!(crate::compare::eq_exact(b, back));
        let bin = p.heap.binary(b"hello");
        let r = split_binary(&mut p, &[bin, Term::small(2)]).unwrap();
        let t = r.as_tuple().unwrap();
        assert_eq!(binary::bytes(t[0]).unwrap().as_ref(), b"he");
        assert_eq!(binary::bytes(t[1]).unwrap().as_ref(), b"llo");
        assert!(split_binary(&mut p, &[bin, Term::small(6)]).is_err());
    }

    #[test]
    fn atoms() {
        let mut p = proc();
        let l = list::from_str(&mut p.heap, "héllo wörld");
        let a = list_to_atom(&mut p, &[l]).unwrap();
        let b = atom_to_binary1(&mut p, &[a]).unwrap();
        assert_eq!(binary::bytes(b).unwrap().as_ref(), "héllo wörld".as_bytes());
        let long = list::from_str(&mut p.heap, &"x".repeat(256));
        assert_eq!(list_to_atom(&mut p, &[long]).unwrap_err().reason, Term::atom(atom::SYSTEM_LIMIT));
        let u = list::from_str(&mut p.heap, "ŝ");
        let a = list_to_atom(&mut p, &[u]).unwrap();
        assert!(atom_to_binary2(&mut p, &[a, Term::atom(atom::LATIN1)]).is_err());
    }
}
