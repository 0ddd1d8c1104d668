//! The external term format: `term_to_binary/1,2` and `binary_to_term/1,2`.
//!
//! Encoding matches OTP 25 byte for byte for the terms we share: atoms go
//! out as `ATOM_EXT` (100) when every character is Latin-1, else as
//! (`SMALL_`)`ATOM_UTF8_EXT` (119/118), which is what OTP 25's default flags
//! do (OTP 26 switched to UTF-8 for all atoms). Lists of bytes shorter than
//! 65536 use `STRING_EXT`. Maps list their entries in OTP's order
//! (`map::listing`: key order up to 32 keys, trie order above).
//!
//! Known gaps: closures (`NEW_FUN_EXT`) are neither written (badarg) nor
//! read (badarg); `compressed` is accepted but not applied (compressed
//! input is read, through `inflate.rs`); pids and references are written with node
//! `nonode@nohost` and creation 0, and read back by their numbers only.
//!
//! Both directions work with explicit stacks: no input can overflow the
//! Rust stack, and malformed input is badarg, never a panic.

use super::erlang::{arg_list, badarg, mk_atom};
use super::BifDef;
use crate::atom::{self, Atom};
use crate::binary;
use crate::exception::{BifResult, Exception};
use crate::heap::Heap;
use crate::map;
use crate::number;
use crate::process::Process;
use crate::term::{header_subtag, Subtag, Term};
use num_bigint::{BigInt, BigUint, Sign};

pub const BIFS: &[BifDef] = &[
    ("erlang", "term_to_binary", 1, term_to_binary1),
    ("erlang", "term_to_binary", 2, term_to_binary2),
    ("erlang", "binary_to_term", 1, binary_to_term1),
    ("erlang", "binary_to_term", 2, binary_to_term2),
    ("erlang", "external_size", 1, external_size),
];

const VERSION: u8 = 131;
const NEW_FLOAT_EXT: u8 = 70;
const COMPRESSED: u8 = 80;
const BIT_BINARY_EXT: u8 = 77;
const NEW_PID_EXT: u8 = 88;
const NEWER_REFERENCE_EXT: u8 = 90;
const SMALL_INTEGER_EXT: u8 = 97;
const INTEGER_EXT: u8 = 98;
const FLOAT_EXT: u8 = 99;
const ATOM_EXT: u8 = 100;
const REFERENCE_EXT: u8 = 101;
const PID_EXT: u8 = 103;
const SMALL_TUPLE_EXT: u8 = 104;
const LARGE_TUPLE_EXT: u8 = 105;
const NIL_EXT: u8 = 106;
const STRING_EXT: u8 = 107;
const LIST_EXT: u8 = 108;
const BINARY_EXT: u8 = 109;
const SMALL_BIG_EXT: u8 = 110;
const LARGE_BIG_EXT: u8 = 111;
const EXPORT_EXT: u8 = 113;
const NEW_REFERENCE_EXT: u8 = 114;
const SMALL_ATOM_EXT: u8 = 115;
const MAP_EXT: u8 = 116;
const ATOM_UTF8_EXT: u8 = 118;
const SMALL_ATOM_UTF8_EXT: u8 = 119;

const NODE: &str = "nonode@nohost";

// ---------------------------------------------------------------- encode

/// The external format of `t` (with the version byte), or `None` when `t`
/// holds something we cannot encode (a closure).
pub fn encode(t: Term) -> Option<Vec<u8>> {
    encode_with(t, 1)
}

/// `term_to_binary(T, [{minor_version, V}])`: 0 writes floats as text
/// (`FLOAT_EXT`), 2 writes every atom as UTF-8; 1 is the default.
pub fn encode_with(t: Term, minor_version: u8) -> Option<Vec<u8>> {
    let mut e = Encoder { out: vec![VERSION], minor_version };
    let mut stack = vec![t];
    while let Some(t) = stack.pop() {
        e.encode_one(t, &mut stack)?;
    }
    Some(e.out)
}

struct Encoder {
    out: Vec<u8>,
    minor_version: u8,
}

fn put_atom(out: &mut Vec<u8>, a: Atom) {
    put_atom_v(out, a, 1)
}

fn put_atom_v(out: &mut Vec<u8>, a: Atom, minor_version: u8) {
    let name = a.name();
    if minor_version < 2 && name.chars().all(|c| (c as u32) < 256) {
        out.push(ATOM_EXT);
        out.extend_from_slice(&(name.chars().count() as u16).to_be_bytes());
        out.extend(name.chars().map(|c| c as u8));
    } else if name.len() < 256 {
        out.push(SMALL_ATOM_UTF8_EXT);
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
    } else {
        out.push(ATOM_UTF8_EXT);
        out.extend_from_slice(&(name.len() as u16).to_be_bytes());
        out.extend_from_slice(name.as_bytes());
    }
}

fn put_big(out: &mut Vec<u8>, v: &BigInt) {
    let (sign, mag) = v.to_bytes_le();
    if mag.len() < 256 {
        out.push(SMALL_BIG_EXT);
        out.push(mag.len() as u8);
    } else {
        out.push(LARGE_BIG_EXT);
        out.extend_from_slice(&(mag.len() as u32).to_be_bytes());
    }
    out.push((sign == Sign::Minus) as u8);
    out.extend_from_slice(&mag);
}

/// Writes `t`'s own bytes and pushes its subterms (first to write on top).
impl Encoder {
    fn encode_one(&mut self, t: Term, stack: &mut Vec<Term>) -> Option<()> {
        let v = self.minor_version;
        let out = &mut self.out;
        if let Some(i) = t.as_small() {
            if (0..256).contains(&i) {
                out.push(SMALL_INTEGER_EXT);
                out.push(i as u8);
            } else if i >= i32::MIN as i64 && i <= i32::MAX as i64 {
                out.push(INTEGER_EXT);
                out.extend_from_slice(&(i as i32).to_be_bytes());
            } else {
                put_big(out, &BigInt::from(i));
            }
            return Some(());
        }
        if let Some(a) = t.as_atom() {
            put_atom_v(out, a, v);
            return Some(());
        }
        if t.is_nil() {
            out.push(NIL_EXT);
            return Some(());
        }
        if let Some(serial) = t.as_pid() {
            out.push(NEW_PID_EXT);
            put_atom(out, atom::atom(NODE));
            out.extend_from_slice(&(serial as u32).to_be_bytes());
            out.extend_from_slice(&((serial >> 32) as u32).to_be_bytes());
            out.extend_from_slice(&0u32.to_be_bytes());
            return Some(());
        }
        if t.is_cons() {
            return encode_list(out, t, stack);
        }
        if !t.is_boxed() {
            return None;
        }
        match header_subtag(t.header()) {
            Subtag::Tuple => {
                let e = t.as_tuple().unwrap();
                if e.len() < 256 {
                    out.push(SMALL_TUPLE_EXT);
                    out.push(e.len() as u8);
                } else {
                    out.push(LARGE_TUPLE_EXT);
                    out.extend_from_slice(&(e.len() as u32).to_be_bytes());
                }
                stack.extend(e.iter().rev());
            }
            Subtag::BigPos | Subtag::BigNeg => put_big(out, &number::int_to_big(t).unwrap()),
            Subtag::Float if v == 0 => {
                // C's "%.20e", NUL-padded to 31 bytes.
                let text = super::floatfmt::default(t.as_float().unwrap());
                out.push(FLOAT_EXT);
                let mut field = [0u8; 31];
                field[..text.len()].copy_from_slice(text.as_bytes());
                out.extend_from_slice(&field);
            }
            Subtag::Float => {
                out.push(NEW_FLOAT_EXT);
                out.extend_from_slice(&t.as_float().unwrap().to_be_bytes());
            }
            Subtag::Ref => {
                let id = t.word(1);
                out.push(NEWER_REFERENCE_EXT);
                out.extend_from_slice(&3u16.to_be_bytes());
                put_atom(out, atom::atom(NODE));
                out.extend_from_slice(&0u32.to_be_bytes());
                for w in [id & 0x3ffff, (id >> 18) & 0xffff_ffff, id >> 50] {
                    out.extend_from_slice(&(w as u32).to_be_bytes());
                }
            }
            Subtag::Export => {
                out.push(EXPORT_EXT);
                put_atom_v(out, Term(t.word(1)).as_atom()?, v);
                put_atom_v(out, Term(t.word(2)).as_atom()?, v);
                out.push(SMALL_INTEGER_EXT);
                out.push(Term(t.word(3)).as_small()? as u8);
            }
            // A channel lives in this VM only: it has no external form.
            Subtag::Fun | Subtag::Chan => return None,
            Subtag::HeapBin | Subtag::RefcBin | Subtag::SubBin => {
                let b = binary::bits(t).unwrap();
                let bytes = b.to_bytes();
                if b.is_binary() {
                    out.push(BINARY_EXT);
                    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
                } else {
                    out.push(BIT_BINARY_EXT);
                    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
                    out.push((b.bit_len % 8) as u8);
                }
                out.extend_from_slice(&bytes);
            }
            Subtag::Map => {
                out.push(MAP_EXT);
                out.extend_from_slice(&(map::map_size(t) as u32).to_be_bytes());
                for (k, v) in map::listing(t).into_iter().rev() {
                    stack.push(v);
                    stack.push(k);
                }
            }
            Subtag::MatchCtx => return None,
        }
        Some(())
    }
}

fn encode_list(out: &mut Vec<u8>, t: Term, stack: &mut Vec<Term>) -> Option<()> {
    let mut n = 0usize;
    let mut bytes = true;
    let mut tail = t;
    while let Some((h, tl)) = tail.as_cons() {
        n += 1;
        bytes &= matches!(h.as_small(), Some(0..=255));
        tail = tl;
    }
    if bytes && tail.is_nil() && n < 65536 {
        out.push(STRING_EXT);
        out.extend_from_slice(&(n as u16).to_be_bytes());
        let mut l = t;
        while let Some((h, tl)) = l.as_cons() {
            out.push(h.as_small().unwrap() as u8);
            l = tl;
        }
        return Some(());
    }
    out.push(LIST_EXT);
    out.extend_from_slice(&(n as u32).to_be_bytes());
    stack.push(tail);
    let start = stack.len();
    let mut l = t;
    while let Some((h, tl)) = l.as_cons() {
        stack.push(h);
        l = tl;
    }
    stack[start..].reverse();
    Some(())
}

// ---------------------------------------------------------------- decode

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u16(&mut self) -> Option<usize> {
        let s = self.take(2)?;
        Some(u16::from_be_bytes([s[0], s[1]]) as usize)
    }
    fn u32(&mut self) -> Option<u32> {
        let s = self.take(4)?;
        Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    /// A count of items each at least `min_bytes` long: rejects counts the
    /// remaining input cannot hold before anything is allocated for them.
    fn count(&mut self, n: usize, min_bytes: usize) -> Option<usize> {
        if n.checked_mul(min_bytes)? > self.b.len() - self.pos {
            return None;
        }
        Some(n)
    }
}

/// A container being decoded: its kind, the items so far, how many more.
enum Pending {
    Tuple(Vec<Term>, usize),
    /// Elements then the tail (the last item).
    List(Vec<Term>, usize),
    Map(Vec<Term>, usize),
}

/// Decodes one term from `bytes` (after the version byte is checked).
/// Returns the term and the number of bytes used. `safe`: refuse to create
/// atoms.
pub fn decode(heap: &mut Heap, bytes: &[u8], safe: bool) -> Option<(Term, usize)> {
    if bytes.len() >= 6 && bytes[0] == VERSION && bytes[1] == COMPRESSED {
        // 131, 80, uncompressed size (4 bytes), a zlib stream of the term
        // without its version byte.
        let size = u32::from_be_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]) as usize;
        let data = super::inflate::zlib_decompress(&bytes[6..], size)?;
        if data.len() != size {
            return None;
        }
        let mut plain = Vec::with_capacity(size + 1);
        plain.push(VERSION);
        plain.extend_from_slice(&data);
        let (t, used) = decode(heap, &plain, safe)?;
        return if used == plain.len() { Some((t, bytes.len())) } else { None };
    }
    let mut r = Reader { b: bytes, pos: 0 };
    if r.u8()? != VERSION {
        return None;
    }
    let mut stack: Vec<Pending> = Vec::new();
    loop {
        let mut value = match decode_head(heap, &mut r, safe, &mut stack)? {
            Some(v) => v,
            None => continue, // a container was opened
        };
        // Feed the value to the open containers, closing the full ones.
        loop {
            let Some(top) = stack.last_mut() else { return Some((value, r.pos)) };
            let (items, left) = match top {
                Pending::Tuple(v, n) | Pending::List(v, n) | Pending::Map(v, n) => (v, n),
            };
            items.push(value);
            *left -= 1;
            if *left > 0 {
                break;
            }
            value = match stack.pop().unwrap() {
                Pending::Tuple(v, _) => heap.tuple(&v),
                Pending::List(mut v, _) => {
                    let tail = v.pop().unwrap();
                    heap.list_with_tail(&v, tail)
                }
                Pending::Map(v, _) => {
                    let mut pairs: Vec<(Term, Term)> = v.chunks(2).map(|c| (c[0], c[1])).collect();
                    let n = pairs.len();
                    let m = heap.map_from_pairs(&mut pairs);
                    if map::map_size(m) != n {
                        return None; // duplicate keys
                    }
                    m
                }
            };
        }
    }
}

fn atom_from(heap: &mut Heap, name: &str, safe: bool) -> Option<Term> {
    let _ = heap;
    if name.chars().count() > super::convert::MAX_ATOM_CHARS {
        return None;
    }
    if safe {
        atom::existing(name).map(Term::atom)
    } else {
        atom::intern(name).map(Term::atom)
    }
}

fn read_atom(heap: &mut Heap, r: &mut Reader, safe: bool) -> Option<Term> {
    let tag = r.u8()?;
    read_atom_body(heap, r, tag, safe)
}

fn read_atom_body(heap: &mut Heap, r: &mut Reader, tag: u8, safe: bool) -> Option<Term> {
    match tag {
        ATOM_EXT | SMALL_ATOM_EXT => {
            let n = if tag == ATOM_EXT { r.u16()? } else { r.u8()? as usize };
            let s: String = r.take(n)?.iter().map(|&c| c as char).collect();
            atom_from(heap, &s, safe)
        }
        ATOM_UTF8_EXT | SMALL_ATOM_UTF8_EXT => {
            let n = if tag == ATOM_UTF8_EXT { r.u16()? } else { r.u8()? as usize };
            let s = std::str::from_utf8(r.take(n)?).ok()?;
            atom_from(heap, s, safe)
        }
        _ => None,
    }
}

/// Reads one tag. Leaves give `Some(Some(term))`; a non-empty container
/// is pushed on `stack` and gives `Some(None)`.
fn decode_head(heap: &mut Heap, r: &mut Reader, safe: bool, stack: &mut Vec<Pending>) -> Option<Option<Term>> {
    let tag = r.u8()?;
    let t = match tag {
        SMALL_INTEGER_EXT => Term::small(r.u8()? as i64),
        INTEGER_EXT => Term::small(r.u32()? as i32 as i64),
        SMALL_BIG_EXT | LARGE_BIG_EXT => {
            let n = if tag == SMALL_BIG_EXT { r.u8()? as usize } else { r.u32()? as usize };
            // Any non-zero sign byte means negative (as ERTS reads it).
            let sign = r.u8()?;
            let mag = BigUint::from_bytes_le(r.take(n)?);
            let v = BigInt::from_biguint(if sign != 0 { Sign::Minus } else { Sign::Plus }, mag);
            number::make_integer(heap, v)
        }
        NEW_FLOAT_EXT => {
            let s = r.take(8)?;
            let f = f64::from_be_bytes(s.try_into().ok()?);
            if !f.is_finite() {
                return None;
            }
            heap.float(f)
        }
        FLOAT_EXT => {
            // The text ends at the first NUL; what follows is padding.
            let s = r.take(31)?;
            let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
            let text = std::str::from_utf8(&s[..end]).ok()?;
            let f: f64 = text.trim().parse().ok()?;
            if !f.is_finite() {
                return None;
            }
            heap.float(f)
        }
        ATOM_EXT | SMALL_ATOM_EXT | ATOM_UTF8_EXT | SMALL_ATOM_UTF8_EXT => read_atom_body(heap, r, tag, safe)?,
        NIL_EXT => Term::NIL,
        STRING_EXT => {
            let n = r.u16()?;
            let s = r.take(n)?;
            crate::list::from_bytes_list(heap, s)
        }
        SMALL_TUPLE_EXT | LARGE_TUPLE_EXT => {
            let n = if tag == SMALL_TUPLE_EXT { r.u8()? as usize } else { r.u32()? as usize };
            let n = r.count(n, 1)?;
            if n == 0 {
                heap.tuple(&[])
            } else {
                stack.push(Pending::Tuple(Vec::with_capacity(n), n));
                return Some(None);
            }
        }
        LIST_EXT => {
            let n = r.u32()? as usize;
            let n = r.count(n, 1)?;
            stack.push(Pending::List(Vec::with_capacity(n + 1), n + 1));
            return Some(None);
        }
        MAP_EXT => {
            let n = r.u32()? as usize;
            let n = r.count(n, 2)?;
            if n == 0 {
                heap.empty_map()
            } else {
                stack.push(Pending::Map(Vec::with_capacity(2 * n), 2 * n));
                return Some(None);
            }
        }
        BINARY_EXT => {
            let n = r.u32()? as usize;
            let s = r.take(n)?;
            heap.binary(s)
        }
        BIT_BINARY_EXT => {
            let n = r.u32()? as usize;
            let bits = r.u8()? as u64;
            if bits > 8 || (n == 0 && bits != 0) || (n > 0 && bits == 0) {
                return None;
            }
            let s = r.take(n)?;
            let len = if n == 0 { 0 } else { (n as u64 - 1) * 8 + bits };
            heap.bitstring(s, len)
        }
        EXPORT_EXT => {
            let m = read_atom(heap, r, safe)?;
            let f = read_atom(heap, r, safe)?;
            if r.u8()? != SMALL_INTEGER_EXT {
                return None;
            }
            let a = r.u8()?;
            heap.export_fun(m, f, a as usize)
        }
        PID_EXT | NEW_PID_EXT => {
            read_atom(heap, r, safe)?;
            let id = r.u32()? as u64;
            let serial = r.u32()? as u64;
            if tag == PID_EXT {
                r.u8()?;
            } else {
                r.u32()?;
            }
            Term::pid(id | serial << 32)
        }
        REFERENCE_EXT => {
            read_atom(heap, r, safe)?;
            let id = r.u32()? as u64;
            r.u8()?;
            heap.reference(id)
        }
        NEW_REFERENCE_EXT | NEWER_REFERENCE_EXT => {
            let n = r.u16()?;
            if n == 0 || n > 5 {
                return None;
            }
            read_atom(heap, r, safe)?;
            if tag == NEW_REFERENCE_EXT {
                r.u8()?;
            } else {
                r.u32()?;
            }
            let mut w = [0u64; 5];
            for x in w.iter_mut().take(n) {
                *x = r.u32()? as u64;
            }
            heap.reference((w[0] & 0x3ffff) | w[1] << 18 | w[2] << 50)
        }
        _ => return None,
    };
    Some(Some(t))
}

// ---------------------------------------------------------------- BIFs

fn term_to_binary1(p: &mut Process, a: &[Term]) -> BifResult {
    match encode(a[0]) {
        Some(b) => {
            super::charge(p, b.len(), super::rate::IOLIST_BYTES);
            Ok(p.heap.binary_owned(b))
        }
        None => badarg(),
    }
}

/// Options: `{minor_version, 0..2}`; `compressed`, `{compressed, N}` and
/// `deterministic` are accepted, compression is not applied (module doc).
fn term_to_binary2(p: &mut Process, a: &[Term]) -> BifResult {
    let mut minor = 1;
    for o in arg_list(a[1])? {
        if let Some(&[k, v]) = o.as_tuple() {
            match (&*super::erlang::arg_atom(k)?.name(), v.as_small()) {
                ("minor_version", Some(n @ 0..=2)) => minor = n as u8,
                ("compressed", Some(0..=9)) => {}
                _ => return badarg(),
            }
        } else if o != mk_atom("compressed") && o != mk_atom("deterministic") {
            return badarg();
        }
    }
    match encode_with(a[0], minor) {
        Some(b) => {
            super::charge(p, b.len(), super::rate::IOLIST_BYTES);
            Ok(p.heap.binary_owned(b))
        }
        None => badarg(),
    }
}

fn external_size(_p: &mut Process, a: &[Term]) -> BifResult {
    match encode(a[0]) {
        Some(b) => Ok(Term::small(b.len() as i64)),
        None => badarg(),
    }
}

/// Bytes after the term are ignored, as OTP does.
fn binary_to_term1(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(bytes) = binary::bytes(a[0]) else { return badarg() };
    let bytes = bytes.into_owned();
    super::charge(p, bytes.len(), super::rate::IOLIST_BYTES);
    match decode(&mut p.heap, &bytes, false) {
        Some((t, _)) => Ok(t),
        None => badarg(),
    }
}

/// Options: `safe` (no new atoms) and `used` (return `{Term, BytesUsed}`).
fn binary_to_term2(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(bytes) = binary::bytes(a[0]) else { return badarg() };
    let bytes = bytes.into_owned();
    let (mut safe, mut used) = (false, false);
    for o in arg_list(a[1])? {
        if o == mk_atom("safe") {
            safe = true;
        } else if o == mk_atom("used") {
            used = true;
        } else {
            return badarg();
        }
    }
    super::charge(p, bytes.len(), super::rate::IOLIST_BYTES);
    match decode(&mut p.heap, &bytes, safe) {
        Some((t, n)) if used => Ok(p.heap.tuple(&[t, Term::small(n as i64)])),
        Some((t, _)) => Ok(t),
        None => Err(Exception::badarg()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::eq_exact;

    fn roundtrip(h: &mut Heap, t: Term) -> Vec<u8> {
        let b = encode(t).unwrap();
        let (back, n) = decode(h, &b, false).unwrap();
        assert_eq!(n, b.len());
        assert!(eq_exact(t, back), "{t:?}");
        b
    }

    #[test]
    fn bytes_match_otp() {
        // Expected bytes from OTP 25's term_to_binary.
        let mut h = Heap::new();
        let a = |s: &str| Term::atom(atom::atom(s));
        assert_eq!(roundtrip(&mut h, Term::small(0)), [131, 97, 0]);
        assert_eq!(roundtrip(&mut h, Term::small(256)), [131, 98, 0, 0, 1, 0]);
        assert_eq!(roundtrip(&mut h, Term::small(-1)), [131, 98, 255, 255, 255, 255]);
        assert_eq!(roundtrip(&mut h, Term::small(1 << 40)), [131, 110, 6, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(roundtrip(&mut h, Term::small(-(1 << 40))), [131, 110, 6, 1, 0, 0, 0, 0, 0, 1]);
        let f = h.float(1.5);
        assert_eq!(roundtrip(&mut h, f), [131, 70, 63, 248, 0, 0, 0, 0, 0, 0]);
        assert_eq!(roundtrip(&mut h, a("atom")), [131, 100, 0, 4, 97, 116, 111, 109]);
        assert_eq!(roundtrip(&mut h, Term::atom(atom::atom("\u{15d}"))), [131, 119, 2, 197, 157]);
        assert_eq!(roundtrip(&mut h, Term::atom(atom::atom("\u{c8}"))), [131, 100, 0, 1, 200]);
        let s = crate::list::from_str(&mut h, "abc");
        assert_eq!(roundtrip(&mut h, s), [131, 107, 0, 3, 97, 98, 99]);
        let l = h.list(&[Term::small(1000), Term::small(1)]);
        assert_eq!(roundtrip(&mut h, l), [131, 108, 0, 0, 0, 2, 98, 0, 0, 3, 232, 97, 1, 106]);
        let t = h.tuple(&[a("a"), Term::small(1)]);
        assert_eq!(roundtrip(&mut h, t), [131, 104, 2, 100, 0, 1, 97, 97, 1]);
        let b = h.binary(b"bin");
        assert_eq!(roundtrip(&mut h, b), [131, 109, 0, 0, 0, 3, 98, 105, 110]);
        let m = h.map_from_pairs(&mut vec![(a("k"), a("v"))]);
        assert_eq!(roundtrip(&mut h, m), [131, 116, 0, 0, 0, 1, 100, 0, 1, 107, 100, 0, 1, 118]);
        let imp = h.cons(a("a"), a("b"));
        assert_eq!(roundtrip(&mut h, imp), [131, 108, 0, 0, 0, 1, 100, 0, 1, 97, 100, 0, 1, 98]);
        let bits = h.bitstring(&[0x20], 3);
        assert_eq!(roundtrip(&mut h, bits), [131, 77, 0, 0, 0, 1, 3, 32]);
        let e = h.export_fun(a("erlang"), a("abs"), 1);
        assert_eq!(roundtrip(&mut h, e), [131, 113, 100, 0, 6, 101, 114, 108, 97, 110, 103, 100, 0, 3, 97, 98, 115, 97, 1]);
        assert_eq!(
            roundtrip(&mut h, Term::pid(9)),
            [131, 88, 100, 0, 13, 110, 111, 110, 111, 100, 101, 64, 110, 111, 104, 111, 115, 116, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        let r = h.reference(123456789012);
        roundtrip(&mut h, r);
        assert_eq!(encode_with(a("abc"), 2).unwrap(), [131, 119, 3, 97, 98, 99]);
        let f = h.float(1.5);
        let old = encode_with(f, 0).unwrap();
        assert_eq!(&old[..8], &[131, 99, 49, 46, 53, 48, 48, 48]);
        assert_eq!(old.len(), 33);
        assert!(eq_exact(decode(&mut h, &old, false).unwrap().0, f));
        let seq: Vec<Term> = (1..=300).map(Term::small).collect();
        let l = h.list(&seq);
        assert_eq!(encode(l).unwrap().len(), 742);
    }

    #[test]
    fn compressed_input() {
        // OTP 25: term_to_binary({lists:duplicate(100, <<"abc">>), "hello hello hello hello", 3.14}, [{compressed, 9}])
        let b = [
            131u8, 80, 0, 0, 3, 75, 120, 218, 203, 96, 206, 97, 96, 96, 72, 201, 5, 18, 204, 137, 73, 201, 163, 244, 40, 61, 74, 99, 210,
            89, 217, 12, 226, 25, 169, 57, 57, 249, 10, 24, 164, 155, 3, 167, 220, 142, 192, 215, 173, 242, 0, 224, 242, 172, 181,
        ];
        let mut h = Heap::new();
        let (t, used) = decode(&mut h, &b, false).unwrap();
        assert_eq!(used, b.len());
        let e = t.as_tuple().unwrap();
        assert_eq!(crate::list::length(e[0]), Some(100));
        assert_eq!(e[2].as_float(), Some(3.14));
    }

    #[test]
    fn malformed_is_rejected() {
        let mut h = Heap::new();
        for bad in [
            &[][..],
            &[131],
            &[131, 255],
            &[130, 97, 1],
            &[131, 108, 255, 255, 255, 255],
            &[131, 104, 2, 97, 1],
            &[131, 109, 0, 0, 0, 5, 1],
            &[131, 116, 0, 0, 0, 2, 97, 1, 97, 2, 97, 1, 97, 3],
            &[131, 70, 127, 240, 0, 0, 0, 0, 0, 0],
            &[131, 119, 2, 0xff, 0xfe],
        ] {
            assert!(decode(&mut h, bad, false).is_none(), "{bad:?}");
        }
        // Deep nesting decodes without recursion.
        let mut deep = vec![131u8];
        for _ in 0..100_000 {
            deep.extend_from_slice(&[108, 0, 0, 0, 1]);
        }
        deep.push(106);
        for _ in 0..100_000 {
            deep.push(106);
        }
        let (t, _) = decode(&mut h, &deep, false).unwrap();
        assert!(t.is_cons());
        assert_eq!(encode(t).unwrap(), deep);
    }
}
