//! `erlang:phash2/1,2`: OTP's portable term hash (`make_hash2` in ERTS's
//! `utils.c` / `erl_term_hashing.c`), reproduced step for step so that
//! hash values (and so anything keyed on them) match OTP's.
//!
//! The walk is the same as ERTS's: an explicit stack, strings hashed four
//! bytes at a time, map pairs hashed independently and xor-ed (so key order
//! does not matter), atoms by ERTS's `atom_hash` (hashpjw over the UTF-8
//! name). Values differ from OTP only for terms OTP builds differently:
//! closures (ERTS hashes its own fun index and `old_uniq`), references
//! and pids beyond what their numbers say.

use super::erlang::badarg;
use super::BifDef;
use crate::binary;
use crate::exception::BifResult;
use crate::map;
use crate::process::Process;
use crate::term::{header_subtag, Subtag, Term};

pub const BIFS: &[BifDef] = &[("erlang", "phash2", 1, phash2_1), ("erlang", "phash2", 2, phash2_2), ("erlang", "phash", 2, phash_2)];

/// `erlang:phash/2` (the old hash, still used by `dict` and `sets`): in 1..Range.
fn phash_2(p: &mut Process, a: &[Term]) -> BifResult {
    let range = match crate::number::int_to_i64(a[1]) {
        Some(r) if (1..=1i64 << 32).contains(&r) => r as u64,
        _ => return badarg(),
    };
    let h = make_hash(a[0]) as u64;
    Ok(crate::number::make_i64(&mut p.heap, (h % range + 1) as i64))
}

fn phash2_1(_p: &mut Process, a: &[Term]) -> BifResult {
    // phash2/1 is phash2/2 with range 2^27.
    Ok(Term::small((make_hash2(a[0]) & ((1 << 27) - 1)) as i64))
}

fn phash2_2(p: &mut Process, a: &[Term]) -> BifResult {
    let range = match crate::number::int_to_i64(a[1]) {
        Some(r) if (1..=1i64 << 32).contains(&r) => r as u64,
        _ => return badarg(),
    };
    let h = make_hash2(a[0]) as u64;
    let v = if range & (range - 1) == 0 { h & (range - 1) } else { h % range };
    Ok(crate::number::make_i64(&mut p.heap, v as i64))
}

// The constants are ERTS's: HCONST is the golden ratio, HCONST_n = n * HCONST mod 2^32.
const HCONST: u32 = 0x9e3779b9;
const HCONST_2: u32 = 0x3c6ef372;
const HCONST_3: u32 = 0xdaa66d2b;
const HCONST_4: u32 = 0x78dde6e4;
const HCONST_5: u32 = 0x1715609d;
const HCONST_7: u32 = 0x5384540f;
const HCONST_9: u32 = 0x8ff34781;
const HCONST_10: u32 = 0x2e2ac13a;
const HCONST_11: u32 = 0xcc623af3;
const HCONST_12: u32 = 0x6a99b4ac;
const HCONST_13: u32 = 0x08d12e65;
const HCONST_14: u32 = 0xa708a81e;
const HCONST_15: u32 = 0x454021d7;
const HCONST_16: u32 = 0xe3779b90;
const HCONST_19: u32 = 0xbe1e08bb;
/// ERTS's `NIL_DEF` (its tag number for `[]`), hashed for a nested `[]`.
const NIL_DEF: u32 = 2;
/// The hash of a lone `[]`.
const NIL_HASH: u32 = 3468870702;

/// Bob Jenkins' mix, as ERTS's `MIX` macro.
#[inline]
fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    *a = a.wrapping_sub(*b).wrapping_sub(*c) ^ (*c >> 13);
    *b = b.wrapping_sub(*c).wrapping_sub(*a) ^ (*a << 8);
    *c = c.wrapping_sub(*a).wrapping_sub(*b) ^ (*b >> 13);
    *a = a.wrapping_sub(*b).wrapping_sub(*c) ^ (*c >> 12);
    *b = b.wrapping_sub(*c).wrapping_sub(*a) ^ (*a << 16);
    *c = c.wrapping_sub(*a).wrapping_sub(*b) ^ (*b >> 5);
    *a = a.wrapping_sub(*b).wrapping_sub(*c) ^ (*c >> 3);
    *b = b.wrapping_sub(*c).wrapping_sub(*a) ^ (*a << 10);
    *c = c.wrapping_sub(*a).wrapping_sub(*b) ^ (*b >> 15);
}

#[inline]
fn hash_2(hash: &mut u32, x: u32, y: u32, k: u32) {
    let mut a = k.wrapping_add(x);
    let mut b = k.wrapping_add(y);
    mix(&mut a, &mut b, hash);
}

#[inline]
fn hash_1(hash: &mut u32, x: u32, k: u32) {
    hash_2(hash, x, 0, k)
}

/// ERTS's `atom_hash`: hashpjw over the UTF-8 name, with two-byte
/// sequences for U+0080..U+00FF folded back into one Latin-1 byte.
pub fn atom_hash(name: &str) -> u32 {
    let p = name.as_bytes();
    // ERTS's HashValue is an unsigned long (64 bits on our targets).
    let mut h: u64 = 0;
    let mut i = 0;
    while i < p.len() {
        let mut v = p[i];
        i += 1;
        if i < p.len() && (v & 0xFE) == 0xC2 && (p[i] & 0xC0) == 0x80 {
            v = (v << 6) | (p[i] & 0x3F);
            i += 1;
        }
        h = (h << 4) + v as u64;
        let g = h & 0xf000_0000;
        if g != 0 {
            h ^= g >> 24;
            h ^= g;
        }
    }
    h as u32
}

/// Jenkins' lookup2 over bytes, seeded with `initval` (ERTS's `block_hash`).
fn block_hash(k: &[u8], initval: u32) -> u32 {
    let (mut a, mut b, mut c) = (HCONST, HCONST, initval);
    let word = |s: &[u8]| u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
    let mut chunks = k.chunks_exact(12);
    for ch in &mut chunks {
        a = a.wrapping_add(word(&ch[0..4]));
        b = b.wrapping_add(word(&ch[4..8]));
        c = c.wrapping_add(word(&ch[8..12]));
        mix(&mut a, &mut b, &mut c);
    }
    let r = chunks.remainder();
    c = c.wrapping_add(k.len() as u32);
    // The first byte of c is reserved for the length.
    for (i, &x) in r.iter().enumerate() {
        let x = x as u32;
        match i {
            0..=3 => a = a.wrapping_add(x << (8 * i)),
            4..=7 => b = b.wrapping_add(x << (8 * (i - 4))),
            _ => c = c.wrapping_add(x << (8 * (i - 7))),
        }
    }
    mix(&mut a, &mut b, &mut c);
    c
}

enum Item {
    Term(Term),
    /// End of a map: restore the saved outer hash and xor accumulator.
    MapTail,
    /// End of one key-value pair.
    MapPair,
    Saved(u32),
}

/// OTP's `make_hash2`.
pub fn make_hash2(t: Term) -> u32 {
    let mut hash: u32 = 0;
    let mut xor_pairs: u32 = 0;
    let mut stack: Vec<Item> = Vec::new();
    let mut term = t;
    loop {
        // Hash `term`; `descend` is set when it continues with a subterm
        // instead of going to "common" (pop the next item).
        let mut descend = false;
        if term.is_cons() {
            let (mut c, mut sh) = (0u32, 0u32);
            let mut cell = term;
            loop {
                let h = cell.head();
                match h.as_small() {
                    Some(b @ 0..=255) => {
                        sh = (sh << 8).wrapping_add(b as u32);
                        if c == 3 {
                            hash_1(&mut hash, sh, HCONST_4);
                            c = 0;
                            sh = 0;
                        } else {
                            c += 1;
                        }
                        term = cell.tail();
                        if !term.is_cons() {
                            break;
                        }
                        cell = term;
                    }
                    _ => break,
                }
            }
            if c > 0 {
                hash_1(&mut hash, sh, HCONST_4);
            }
            if term.is_cons() {
                stack.push(Item::Term(cell.tail()));
                term = cell.head();
            }
            descend = true;
        } else if let Some(i) = term.as_small() {
            if !(-(1 << 27)..(1 << 27)).contains(&i) {
                let (con, m) = if i < 0 { (HCONST_10, i.unsigned_abs()) } else { (HCONST_11, i as u64) };
                hash_2(&mut hash, m as u32, (m >> 32) as u32, con);
            } else {
                let y = i as i32;
                if y < 0 {
                    hash_1(&mut hash, y.wrapping_neg() as u32, HCONST);
                }
                hash_1(&mut hash, y as u32, HCONST);
            }
        } else if let Some(a) = term.as_atom() {
            let v = atom_hash(&a.name());
            if hash == 0 {
                hash = v;
            } else {
                hash_1(&mut hash, v, HCONST_3);
            }
        } else if term.is_nil() {
            if hash == 0 {
                hash = NIL_HASH;
            } else {
                hash_1(&mut hash, NIL_DEF, HCONST_2);
            }
        } else if let Some(serial) = term.as_pid() {
            hash_1(&mut hash, serial as u32, HCONST_5);
        } else if term.is_boxed() {
            match header_subtag(term.header()) {
                Subtag::Tuple => {
                    let e = term.as_tuple().unwrap();
                    hash_1(&mut hash, e.len() as u32, HCONST_9);
                    if !e.is_empty() {
                        for x in e[1..].iter().rev() {
                            stack.push(Item::Term(*x));
                        }
                        term = e[0];
                        descend = true;
                    }
                }
                Subtag::Map => {
                    let n = map::map_size(term);
                    hash_1(&mut hash, n as u32, HCONST_16);
                    if n > 0 {
                        stack.push(Item::Saved(xor_pairs));
                        stack.push(Item::Saved(hash));
                        stack.push(Item::MapTail);
                        hash = 0;
                        xor_pairs = 0;
                        // Pairs are xor-ed together: their order does not matter.
                        map::for_each(term, |k, v| {
                            stack.push(Item::MapPair);
                            stack.push(Item::Term(v));
                            stack.push(Item::Term(k));
                        });
                    }
                }
                Subtag::Export => {
                    let m = Term(term.word(1)).as_atom().map(|a| atom_hash(&a.name())).unwrap_or(0);
                    let f = Term(term.word(2)).as_atom().map(|a| atom_hash(&a.name())).unwrap_or(0);
                    let arity = Term(term.word(3)).as_small().unwrap_or(0) as u32;
                    hash_2(&mut hash, arity, m, HCONST);
                    hash_1(&mut hash, f, HCONST_14);
                }
                Subtag::Fun => {
                    // Our closure identity stands in for ERTS's fun entry.
                    let p = term.payload();
                    let code = p[0];
                    let env = &p[1..];
                    hash_2(&mut hash, env.len() as u32, (code >> 32) as u32, HCONST);
                    hash_2(&mut hash, code as u32, 0, HCONST);
                    if !env.is_empty() {
                        for x in env[..env.len() - 1].iter() {
                            stack.push(Item::Term(Term(*x)));
                        }
                        term = Term(env[env.len() - 1]);
                        descend = true;
                    }
                }
                Subtag::HeapBin | Subtag::RefcBin | Subtag::SubBin => {
                    let b = binary::bits(term).unwrap();
                    let con = HCONST_13.wrapping_add(hash);
                    let sz = (b.bit_len / 8) as usize;
                    let bitsize = (b.bit_len % 8) as u32;
                    if b.bit_len == 0 {
                        hash = con;
                    } else {
                        let bytes = b.to_bytes();
                        hash = block_hash(&bytes[..sz], con);
                        if bitsize > 0 {
                            hash_2(&mut hash, bitsize, (bytes[sz] >> (8 - bitsize)) as u32, HCONST_15);
                        }
                    }
                }
                Subtag::BigPos | Subtag::BigNeg => {
                    let con = if header_subtag(term.header()) == Subtag::BigNeg { HCONST_10 } else { HCONST_11 };
                    for &d in term.payload() {
                        hash_2(&mut hash, d as u32, (d >> 32) as u32, con);
                    }
                }
                Subtag::Ref => hash_1(&mut hash, (term.word(1) & 0x3ffff) as u32, HCONST_7),
                Subtag::Chan => hash_1(&mut hash, crate::chan::id_of(term) as u32, HCONST_7),
                Subtag::Float => {
                    let mut f = term.as_float().unwrap();
                    if f == 0.0 {
                        f = 0.0; // positive zero
                    }
                    let bits = f.to_bits();
                    hash_2(&mut hash, (bits >> 32) as u32, bits as u32, HCONST_12);
                }
                Subtag::MatchCtx => {}
            }
        }
        if descend {
            continue;
        }
        // "hash2_common": the next pending item.
        loop {
            match stack.pop() {
                None => return hash,
                Some(Item::MapTail) => {
                    let Some(Item::Saved(h)) = stack.pop() else { unreachable!() };
                    hash = h;
                    hash_1(&mut hash, xor_pairs, HCONST_19);
                    let Some(Item::Saved(x)) = stack.pop() else { unreachable!() };
                    xor_pairs = x;
                }
                Some(Item::MapPair) => {
                    xor_pairs ^= hash;
                    hash = 0;
                }
                Some(Item::Term(t)) => {
                    term = t;
                    break;
                }
                Some(Item::Saved(_)) => unreachable!("saved hash out of place"),
            }
        }
    }
}

// ERTS's `make_hash` primes ("some prime numbers just above 2 ^ 28").
const FN1: u32 = 268440163;
const FN2: u32 = 268439161;
const FN3: u32 = 268435459;
const FN4: u32 = 268436141;
const FN5: u32 = 268438633;
const FN6: u32 = 268437017;
const FN8: u32 = 268437511;
const FN9: u32 = 268439627;
const FN10: u32 = 268440479;
const FN11: u32 = 268440577;
const FN12: u32 = 268440581;
const FN13: u32 = 268440593;
const FN14: u32 = 268440611;

/// Pending work of `make_hash`, as ERTS's WSTACK entries.
#[derive(Clone, Copy)]
enum W {
    Term(Term),
    /// Hash the next of `n` terms at `ptr`, then continue; a tuple's
    /// sequence ends by mixing in its arity.
    Seq {
        ptr: *const u64,
        n: usize,
        tuple: bool,
        arity: u32,
    },
    /// The tail of a cons cell still to hash.
    CdrPre(Term),
    /// After a non-list tail: mix the end-of-list marker.
    CdrPost,
}

#[inline]
fn step(hash: u32, x: u32, p: u32) -> u32 {
    let mut h = hash;
    for k in 0..4 {
        h = h.wrapping_mul(p).wrapping_add((x >> (8 * k)) & 0xff);
    }
    h
}

/// OTP's `make_hash` (behind `erlang:phash/2`).
pub fn make_hash(t: Term) -> u32 {
    let mut hash: u32 = 0;
    let mut stack: Vec<W> = Vec::new();
    let mut next = Some(W::Term(t));
    while let Some(w) = next.take().or_else(|| stack.pop()) {
        let term = match w {
            W::Term(t) => t,
            W::CdrPost => {
                hash = hash.wrapping_mul(FN8);
                continue;
            }
            W::Seq { ptr, n, tuple, arity } => {
                if n == 0 {
                    if tuple {
                        hash = hash.wrapping_mul(FN9).wrapping_add(arity);
                    }
                    continue;
                }
                // SAFETY: ptr walks the n remaining words of a live tuple or fun env.
                let t = unsafe { Term(*ptr) };
                stack.push(W::Seq { ptr: unsafe { ptr.add(1) }, n: n - 1, tuple, arity });
                next = Some(W::Term(t));
                continue;
            }
            W::CdrPre(t) => {
                if !t.is_cons() {
                    stack.push(W::CdrPost);
                    next = Some(W::Term(t));
                    continue;
                }
                t
            }
        };
        if term.is_cons() {
            let mut cell = term;
            loop {
                match cell.head().as_small() {
                    Some(b @ 0..=255) => {
                        hash = hash.wrapping_mul(FN2).wrapping_add(b as u32);
                        let tl = cell.tail();
                        if !tl.is_cons() {
                            stack.push(W::CdrPost);
                            next = Some(W::Term(tl));
                            break;
                        }
                        cell = tl;
                    }
                    _ => {
                        stack.push(W::CdrPre(cell.tail()));
                        next = Some(W::Term(cell.head()));
                        break;
                    }
                }
            }
        } else if term.is_nil() {
            hash = hash.wrapping_mul(FN3).wrapping_add(1);
        } else if let Some(a) = term.as_atom() {
            hash = hash.wrapping_mul(FN1).wrapping_add(atom_hash(&a.name()));
        } else if let Some(i) = term.as_small() {
            let y2 = i.unsigned_abs();
            hash = step(hash, y2 as u32, FN2);
            if y2 >> 32 != 0 {
                hash = step(hash, (y2 >> 32) as u32, FN2);
            }
            hash = hash.wrapping_mul(if i < 0 { FN4 } else { FN3 });
        } else if let Some(serial) = term.as_pid() {
            hash = step(hash, serial as u32, FN5).wrapping_mul(FN6);
        } else if term.is_boxed() {
            match header_subtag(term.header()) {
                Subtag::Tuple => {
                    let e = term.payload();
                    stack.push(W::Seq { ptr: e.as_ptr(), n: e.len(), tuple: true, arity: e.len() as u32 });
                }
                Subtag::Map => {
                    hash = hash.wrapping_mul(FN13).wrapping_add(FN14).wrapping_add(make_hash2(term));
                }
                Subtag::HeapBin | Subtag::RefcBin | Subtag::SubBin => {
                    let b = binary::bits(term).unwrap();
                    let bytes = b.to_bytes();
                    let sz = (b.bit_len / 8) as usize;
                    for &x in &bytes[..sz] {
                        hash = hash.wrapping_mul(FN1).wrapping_add(x as u32);
                    }
                    let bitsize = (b.bit_len % 8) as u32;
                    if bitsize > 0 {
                        let x = (bytes[sz] >> (8 - bitsize)) as u32;
                        hash = hash.wrapping_mul(FN1).wrapping_add(x).wrapping_mul(FN12).wrapping_add(bitsize);
                    }
                    hash = hash.wrapping_mul(FN4).wrapping_add(sz as u32);
                }
                Subtag::Export => {
                    let ah = |w: u64| Term(w).as_atom().map(|a| atom_hash(&a.name())).unwrap_or(0);
                    let arity = Term(term.word(3)).as_small().unwrap_or(0) as u32;
                    hash = hash.wrapping_mul(FN11).wrapping_add(arity);
                    hash = hash.wrapping_mul(FN1).wrapping_add(ah(term.word(1)));
                    hash = hash.wrapping_mul(FN1).wrapping_add(ah(term.word(2)));
                }
                Subtag::Fun => {
                    // Our closure identity stands in for ERTS's fun entry.
                    let p = term.payload();
                    let env = &p[1..];
                    hash = hash.wrapping_mul(FN10).wrapping_add(env.len() as u32);
                    hash = hash.wrapping_mul(FN2).wrapping_add((p[0] >> 32) as u32);
                    hash = hash.wrapping_mul(FN2).wrapping_add(p[0] as u32);
                    stack.push(W::Seq { ptr: env.as_ptr(), n: env.len(), tuple: false, arity: 0 });
                }
                Subtag::BigPos | Subtag::BigNeg => {
                    let limbs = term.payload();
                    let n = limbs.len();
                    for &d in &limbs[..n - 1] {
                        for k in 0..8 {
                            hash = hash.wrapping_mul(FN2).wrapping_add(((d >> (8 * k)) & 0xff) as u32);
                        }
                    }
                    let d = limbs[n - 1];
                    let k = if d >> 32 == 0 { 4 } else { 8 };
                    for j in 0..k {
                        hash = hash.wrapping_mul(FN2).wrapping_add(((d >> (8 * j)) & 0xff) as u32);
                    }
                    let neg = header_subtag(term.header()) == Subtag::BigNeg;
                    hash = hash.wrapping_mul(if neg { FN4 } else { FN3 });
                }
                Subtag::Ref => {
                    hash = step(hash, (term.word(1) & 0x3ffff) as u32, FN9).wrapping_mul(FN10);
                }
                Subtag::Chan => {
                    hash = step(hash, crate::chan::id_of(term) as u32, FN9).wrapping_mul(FN10);
                }
                Subtag::Float => {
                    let mut f = term.as_float().unwrap();
                    if f == 0.0 {
                        f = 0.0;
                    }
                    let bits = f.to_bits();
                    hash = hash.wrapping_mul(FN6).wrapping_add((bits as u32) ^ ((bits >> 32) as u32));
                }
                Subtag::MatchCtx => {}
            }
        }
    }
    hash
}

/// ERTS's `INTERNAL_HASH_SALT` ("a 32-bit prime", so that the internal
/// hash differs from `phash2`).
const INTERNAL_HASH_SALT: u32 = 3432918353;
const HCONST_17: u32 = 0x81af1549;
const HCONST_18: u32 = 0x1fe68f02;
const HCONST_20: u32 = 0x5c558274;
const HCONST_21: u32 = 0xfa8cfc2d;
const HCONST_22: u32 = 0x98c475e6;

/// The word BEAM would use for an immediate term: `make_internal_hash`
/// hashes immediates by their raw bits. Smalls and `[]` are laid out as in
/// BEAM; atoms and pids carry our own table indices, so their hashes (and
/// the order of large maps keyed by them) differ from OTP's.
fn beam_immediate(t: Term) -> u64 {
    if let Some(i) = t.as_small() {
        ((i as u64) << 4) | 0xF
    } else if t.is_nil() {
        0x3B
    } else if let Some(a) = t.as_atom() {
        ((a.0 as u64) << 6) | 0xB
    } else if let Some(p) = t.as_pid() {
        (p << 4) | 0x3
    } else {
        t.0
    }
}

/// ERTS 13's `make_map_hash(Key, Level)`: where a key goes in a map's hash
/// trie (`map/hamt.rs`), and so the iteration order of maps with more than
/// 32 keys. Level 0 is the key's internal hash; level L > 0, used only
/// below keys whose hashes of the levels above are all equal, salts it
/// with L. (Checked against OTP 25.2 on 271 pairs of integers with equal
/// 32-bit hashes: every pair is ordered as OTP orders it.)
pub fn map_hash(key: Term, level: u32) -> u32 {
    let mut salt = 0;
    if level > 0 {
        hash_2(&mut salt, level, 1, HCONST_22);
    }
    internal_hash_salted(key, salt)
}

/// ERTS's `make_internal_hash(Term, 0)`.
pub fn internal_hash(t: Term) -> u32 {
    internal_hash_salted(t, 0)
}

/// ERTS's `make_internal_hash(Term, Salt)`.
///
/// Every input is the term's content, never an address, so a key hashes
/// the same before and after a garbage collection or a copy. Where ERTS
/// hashes VM-internal words we hash our own: atoms by our atom-table
/// index (ERTS: its atom index, which depends on what the node loaded
/// before), pids by serial, references by number, funs by code identity
/// and environment.
pub fn internal_hash_salted(t: Term, salt: u32) -> u32 {
    let mut hash: u32 = salt ^ INTERNAL_HASH_SALT;
    let const_hash = |hash: &mut u32, k: u32| {
        *hash ^= k;
        *hash = hash.rotate_left(17);
    };
    enum It {
        Term(Term),
        Cdr,
    }
    let mut stack: Vec<It> = Vec::new();
    let mut term = t;
    loop {
        let mut descend = false;
        if term.is_cons() {
            let (mut c, mut sh) = (0u32, 0u32);
            let mut cell = term;
            loop {
                match cell.head().as_small() {
                    Some(b @ 0..=255) => {
                        sh = (sh << 8).wrapping_add(b as u32);
                        if c == 3 {
                            hash_1(&mut hash, sh, HCONST_4);
                            c = 0;
                            sh = 0;
                        } else {
                            c += 1;
                        }
                        term = cell.tail();
                        if !term.is_cons() {
                            break;
                        }
                        cell = term;
                    }
                    _ => break,
                }
            }
            if c > 0 {
                hash_2(&mut hash, sh, c, HCONST_22);
            }
            if term.is_cons() {
                let tl = cell.tail();
                const_hash(&mut hash, HCONST_17);
                stack.push(It::Term(tl));
                if !tl.is_cons() {
                    stack.push(It::Cdr);
                }
                term = cell.head();
            }
            descend = true;
        } else if !term.is_boxed() {
            let w = beam_immediate(term);
            hash_2(&mut hash, w as u32, (w >> 32) as u32, HCONST);
        } else {
            match header_subtag(term.header()) {
                Subtag::Tuple => {
                    let e = term.as_tuple().unwrap();
                    hash_1(&mut hash, e.len() as u32, HCONST_9);
                    if !e.is_empty() {
                        for x in e[1..].iter().rev() {
                            stack.push(It::Term(*x));
                        }
                        term = e[0];
                        descend = true;
                    }
                }
                Subtag::Map => {
                    // ERTS pushes a flat map's pairs last-first and a
                    // trie's slots first-first, so it hashes the pairs in
                    // `maps:to_list/1` order: `map::listing`.
                    hash_1(&mut hash, map::map_size(term) as u32, HCONST_16);
                    for (k, v) in map::listing(term).into_iter().rev() {
                        stack.push(It::Term(v));
                        stack.push(It::Term(k));
                    }
                }
                Subtag::HeapBin | Subtag::RefcBin | Subtag::SubBin => {
                    let b = binary::bits(term).unwrap();
                    let con = HCONST_13.wrapping_add(hash);
                    let sz = (b.bit_len / 8) as usize;
                    let bitsize = (b.bit_len % 8) as u32;
                    if b.bit_len == 0 {
                        hash = con;
                    } else {
                        let bytes = b.to_bytes();
                        hash = block_hash(&bytes[..sz], con);
                        if bitsize > 0 {
                            hash_2(&mut hash, bitsize, (bytes[sz] >> (8 - bitsize)) as u32, HCONST_15);
                        }
                    }
                }
                Subtag::BigPos | Subtag::BigNeg => {
                    let con = if header_subtag(term.header()) == Subtag::BigNeg { HCONST_10 } else { HCONST_11 };
                    for &d in term.payload() {
                        hash_2(&mut hash, d as u32, (d >> 32) as u32, con);
                    }
                }
                Subtag::Float => {
                    let mut f = term.as_float().unwrap();
                    if f == 0.0 {
                        f = 0.0;
                    }
                    let bits = f.to_bits();
                    hash_2(&mut hash, bits as u32, (bits >> 32) as u32, HCONST_12);
                }
                // Funs and references hash VM-specific data in ERTS; ours
                // hash their content (never an address: an environment
                // term is hashed as a term, like ERTS does).
                Subtag::Ref => hash_2(&mut hash, term.word(1) as u32, (term.word(1) >> 32) as u32, HCONST_7),
                Subtag::Chan => hash_2(&mut hash, crate::chan::id_of(term) as u32, 0, HCONST_7),
                Subtag::Fun => {
                    let p = term.payload();
                    let env = &p[1..];
                    hash_2(&mut hash, env.len() as u32, (p[0] >> 32) as u32, HCONST_20);
                    hash_2(&mut hash, p[0] as u32, 0, HCONST_21);
                    for &x in env.iter().rev() {
                        stack.push(It::Term(Term(x)));
                    }
                }
                Subtag::Export => {
                    let (m, f) = (beam_immediate(Term(term.word(1))), beam_immediate(Term(term.word(2))));
                    hash_2(&mut hash, m as u32, f as u32, HCONST_14);
                    hash_1(&mut hash, Term(term.word(3)).as_small().unwrap_or(0) as u32, HCONST_14);
                }
                Subtag::MatchCtx => {}
            }
        }
        if descend {
            continue;
        }
        loop {
            match stack.pop() {
                None => return hash,
                Some(It::Cdr) => const_hash(&mut hash, HCONST_18),
                Some(It::Term(t)) => {
                    term = t;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom;
    use crate::heap::Heap;

    #[test]
    fn matches_otp() {
        // Expected values: OTP 25's erlang:phash2/1 (tests/conformance/seq/bif_phash2).
        let mut h = Heap::new();
        let a = |s: &str| Term::atom(atom::atom(s));
        let p = |t: Term| make_hash2(t) & ((1 << 27) - 1);
        assert_eq!(p(Term::small(0)), 88723725);
        assert_eq!(p(Term::small(1)), 2614250);
        assert_eq!(p(Term::small(42)), 30328728);
        assert_eq!(p(Term::small(-1)), 44071773);
        assert_eq!(p(a("atom")), 428893);
        let s = crate::list::from_str(&mut h, "abc");
        assert_eq!(p(s), 117343302);
        let b = h.binary(b"abc");
        assert_eq!(p(b), 98228475);
        let t = h.tuple(&[a("a"), Term::small(1)]);
        assert_eq!(p(t), 72425156);
        let l = h.list(&[Term::small(1), Term::small(2), Term::small(3)]);
        assert_eq!(p(l), 25788620);
        let f = h.float(1.5);
        assert_eq!(p(f), 10380315);
        assert_eq!(p(Term::NIL), 113427502);
        let e = h.tuple(&[]);
        assert_eq!(p(e), 87486268);
    }

    #[test]
    fn phash_matches_otp() {
        // erlang:phash(T, 1 bsl 32) - 1 in OTP 25.
        let mut h = Heap::new();
        let s = crate::list::from_str(&mut h, "abc");
        let t = h.tuple(&[Term::atom(atom::atom("a")), Term::small(1)]);
        let imp = h.cons(Term::small(1), Term::small(2));
        let big = crate::number::make_i128(&mut h, 1 << 64);
        let b = h.binary(b"abc");
        let f = h.float(1.5);
        let cases = [
            (Term::small(0), 0u32),
            (Term::atom(atom::atom("atom")), 428893),
            (s, 3654580165),
            (t, 3187717804),
            (Term::NIL, 1),
            (imp, 2402949551),
            (big, 2788898427),
            (b, 1972007565),
            (f, 1073217536),
        ];
        for (t, want) in cases {
            assert_eq!(make_hash(t), want, "{t:?}");
        }
    }
}

#[cfg(test)]
mod otp_corpus {
    /// Compares with hashes OTP printed for ETF-encoded terms, one per line:
    /// `Phash2 Phash2_1000 Phash_1000000007 [Bytes]` in /tmp/phash.txt
    /// (see `bif_phash2` for the generator idea), kept in `testdata/`.
    #[test]
    fn corpus() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/bif/testdata/phash.txt")).expect("committed corpus");
        let mut h = crate::heap::Heap::new();
        let mut bad = 0;
        for line in text.lines() {
            let w: Vec<&str> = line.splitn(4, ' ').collect();
            let bytes: Vec<u8> = w[3].trim_matches(|c| c == '[' || c == ']').split(',').map(|x| x.parse().unwrap()).collect();
            let (t, _) = crate::bif::etf::decode(&mut h, &bytes, false).unwrap();
            let got = super::make_hash2(t) & ((1 << 27) - 1);
            if got.to_string() != w[0] {
                bad += 1;
                eprintln!("phash2 {t:?}: got {got} want {}", w[0]);
            }
            let got = super::make_hash(t) as u64 % 1000000007 + 1;
            if got.to_string() != w[2] {
                bad += 1;
                eprintln!("phash {t:?}: got {got} want {}", w[2]);
            }
        }
        assert_eq!(bad, 0);
    }
}
