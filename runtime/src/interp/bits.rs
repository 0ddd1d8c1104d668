//! The bit syntax: matching segments out of a bitstring through a match
//! context, and building a bitstring segment by segment.

use crate::binary;
use crate::exception::Exception;
use crate::opcode::{BinFlags, BinSize, BinType};
use crate::process::Process;
use crate::term::{Subtag, Term};
use num_bigint::{BigInt, Sign};

/// A fresh match context over `t`, or `None` when `t` is not a bitstring.
pub(crate) fn start_match(p: &mut Process, t: Term) -> Option<Term> {
    if t.is_subtag(Subtag::MatchCtx) {
        // Matching continues from a context (nested binary pattern): copy it.
        return Some(p.heap.boxed_words(Subtag::MatchCtx, &[t.word(1), t.word(2), t.word(3)]));
    }
    let b = binary::bits(t)?;
    Some(p.heap.boxed_words(Subtag::MatchCtx, &[t.0, 0, b.bit_len]))
}

fn ctx_parts<'a>(ctx: Term) -> (binary::BitSlice<'a>, u64, u64) {
    let b = binary::bits(Term(ctx.word(1))).expect("match context over a bitstring");
    (b, ctx.word(2), ctx.word(3))
}

fn set_offset(ctx: Term, off: u64) {
    // SAFETY: a match context is a private 3-word object on this process's
    // heap (never shared, never a literal); word 2 is its offset.
    unsafe { *(ctx.ptr() as *mut u64).add(2) = off }
}

fn size_bits(p: &Process, size: BinSize, unit: u32, default: u64, rest: u64) -> Result<Option<u64>, Exception> {
    Ok(match size {
        BinSize::Default => Some(default),
        BinSize::All => Some(rest - rest % unit.max(1) as u64),
        BinSize::Const(n) => Some(n * unit as u64),
        BinSize::Reg(r) => {
            let t = p.regs[p.base + r as usize];
            match t.as_small() {
                Some(n) if n >= 0 => Some(n as u64 * unit as u64),
                Some(_) => None,
                None if t.is_integer() => None,
                None => return Err(Exception::badarg()),
            }
        }
    })
}

/// Matches the next segment. `Ok(None)`: no match.
pub(crate) fn get(p: &mut Process, ctx: Term, ty: BinType, size: BinSize, unit: u32, flags: BinFlags) -> Result<Option<Term>, Exception> {
    let (b, off, end) = ctx_parts(ctx);
    let rest = end - off;
    match ty {
        BinType::Integer => {
            let Some(n) = size_bits(p, size, unit, 8, rest)? else { return Ok(None) };
            if n > rest {
                return Ok(None);
            }
            let v = if flags.little && n > 64 && n % 8 != 0 {
                return Ok(None);
            } else {
                read_int(&b.slice(off, n), flags, &mut p.heap)
            };
            set_offset(ctx, off + n);
            Ok(Some(v))
        }
        BinType::Float => {
            let Some(n) = size_bits(p, size, unit, 64, rest)? else { return Ok(None) };
            if n > rest || !(n == 64 || n == 32 || n == 16) {
                return Ok(None);
            }
            let raw = read_uint(&b.slice(off, n), flags.little);
            let f = match n {
                64 => f64::from_bits(raw as u64),
                32 => f32::from_bits(raw as u32) as f64,
                _ => half_to_f64(raw as u16),
            };
            if !f.is_finite() {
                return Ok(None);
            }
            set_offset(ctx, off + n);
            Ok(Some(p.heap.float(f)))
        }
        BinType::Binary => {
            let unit = if matches!(size, BinSize::All) { unit.max(1) } else { unit };
            let Some(n) = size_bits(p, size, unit, rest, rest)? else { return Ok(None) };
            if n > rest || (matches!(size, BinSize::All) && rest % unit as u64 != 0) {
                return Ok(None);
            }
            let orig = Term(ctx.word(1));
            let v = p.heap.sub_binary(orig, off, n);
            set_offset(ctx, off + n);
            Ok(Some(v))
        }
        BinType::Utf8 | BinType::Utf16 | BinType::Utf32 => {
            let Some((c, used)) = read_utf(&b.slice(off, rest), ty, flags.little) else { return Ok(None) };
            set_offset(ctx, off + used);
            Ok(Some(Term::small(c as i64)))
        }
    }
}

pub(crate) fn skip(p: &mut Process, ctx: Term, size: BinSize, unit: u32) -> Result<bool, Exception> {
    let (_, off, end) = ctx_parts(ctx);
    let rest = end - off;
    let Some(n) = size_bits(p, size, unit, rest, rest)? else { return Ok(false) };
    if n > rest {
        return Ok(false);
    }
    set_offset(ctx, off + n);
    Ok(true)
}

pub(crate) fn at_end(ctx: Term) -> bool {
    ctx.word(2) == ctx.word(3)
}

fn read_uint(s: &binary::BitSlice, little: bool) -> u128 {
    let mut v: u128 = 0;
    if little {
        // Whole bytes come least significant first; a final partial byte
        // holds the most significant bits (OTP's little-endian rule).
        let whole = s.bit_len / 8;
        for i in 0..whole {
            let mut byte = 0u128;
            for k in 0..8 {
                byte = (byte << 1) | s.bit(i * 8 + k) as u128;
            }
            v |= byte << (8 * i);
        }
        let rest = s.bit_len % 8;
        let mut top = 0u128;
        for k in 0..rest {
            top = (top << 1) | s.bit(whole * 8 + k) as u128;
        }
        return v | (top << (8 * whole));
    }
    for i in 0..s.bit_len {
        v = (v << 1) | s.bit(i) as u128;
    }
    v
}

fn read_int(s: &binary::BitSlice, flags: BinFlags, heap: &mut crate::heap::Heap) -> Term {
    let n = s.bit_len;
    if n <= 64 {
        let u = read_uint(s, flags.little) as u64;
        let v: i128 = if flags.signed && n > 0 && (u >> (n - 1)) & 1 == 1 {
            u as i128 - (1i128 << n)
        } else {
            u as i128
        };
        return crate::number::make_i128(heap, v);
    }
    // Big: collect bytes big-endian.
    let bytes = s.to_bytes();
    let mut be: Vec<u8> = if flags.little { bytes.iter().rev().copied().collect() } else { bytes.to_vec() };
    // A non-multiple-of-8 size: to_bytes left-aligns the bits; shift right.
    let pad = (8 - n % 8) % 8;
    if pad != 0 && !flags.little {
        let mut carry = 0u8;
        for b in be.iter_mut() {
            let nb = (*b >> pad) | carry;
            carry = *b << (8 - pad);
            *b = nb;
        }
    }
    let mut v = BigInt::from_bytes_be(Sign::Plus, &be);
    if flags.signed && s.bit(0) {
        v -= BigInt::from(1) << n as usize;
    }
    crate::number::make_integer(heap, v)
}

fn read_utf(s: &binary::BitSlice, ty: BinType, little: bool) -> Option<(u32, u64)> {
    let byte = |i: u64| -> Option<u8> {
        if (i + 1) * 8 > s.bit_len {
            return None;
        }
        Some(read_uint(&s.slice(i * 8, 8), false) as u8)
    };
    match ty {
        BinType::Utf8 => {
            let b0 = byte(0)?;
            let (len, init) = match b0 {
                0..=0x7f => return Some((b0 as u32, 8)),
                0xc2..=0xdf => (2, (b0 & 0x1f) as u32),
                0xe0..=0xef => (3, (b0 & 0x0f) as u32),
                0xf0..=0xf4 => (4, (b0 & 0x07) as u32),
                _ => return None,
            };
            let mut c = init;
            for i in 1..len {
                let b = byte(i)?;
                if b & 0xc0 != 0x80 {
                    return None;
                }
                c = (c << 6) | (b & 0x3f) as u32;
            }
            let min = [0, 0, 0x80, 0x800, 0x10000][len as usize];
            if c < min || c > 0x10ffff || (0xd800..=0xdfff).contains(&c) {
                return None;
            }
            Some((c, len * 8))
        }
        BinType::Utf16 => {
            let w = |i: u64| -> Option<u32> {
                let (a, b) = (byte(i)? as u32, byte(i + 1)? as u32);
                Some(if little { (b << 8) | a } else { (a << 8) | b })
            };
            let w0 = w(0)?;
            if (0xd800..0xdc00).contains(&w0) {
                let w1 = w(2)?;
                if !(0xdc00..0xe000).contains(&w1) {
                    return None;
                }
                Some((0x10000 + ((w0 - 0xd800) << 10) + (w1 - 0xdc00), 32))
            } else if (0xdc00..0xe000).contains(&w0) {
                None
            } else {
                Some((w0, 16))
            }
        }
        BinType::Utf32 => {
            let bs = [byte(0)?, byte(1)?, byte(2)?, byte(3)?];
            let c = if little { u32::from_le_bytes(bs) } else { u32::from_be_bytes(bs) };
            if c > 0x10ffff || (0xd800..=0xdfff).contains(&c) {
                return None;
            }
            Some((c, 32))
        }
        _ => None,
    }
}

fn half_to_f64(h: u16) -> f64 {
    let sign = if h >> 15 == 1 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let frac = (h & 0x3ff) as f64;
    match exp {
        0 => sign * frac * 2f64.powi(-24),
        31 => f64::NAN,
        _ => sign * (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    }
}

/// Appends segment `v` to the innermost binary under construction.
pub(crate) fn put(p: &mut Process, v: Term, ty: BinType, size: BinSize, unit: u32, flags: BinFlags) -> Result<(), Exception> {
    let size_of = |p: &Process, default: Option<u64>| -> Result<Option<u64>, Exception> {
        match size {
            BinSize::Default => Ok(default),
            BinSize::All => Ok(None),
            BinSize::Const(n) => Ok(Some(n * unit as u64)),
            BinSize::Reg(r) => match p.regs[p.base + r as usize].as_small() {
                Some(n) if n >= 0 => Ok(Some(n as u64 * unit as u64)),
                _ => Err(Exception::badarg()),
            },
        }
    };
    match ty {
        BinType::Integer => {
            let n = size_of(p, Some(8))?.ok_or_else(Exception::badarg)?;
            let big = crate::number::int_to_big(v).ok_or_else(Exception::badarg)?;
            let b = p.bin_builders.last_mut().expect("BsPut after BsInit");
            if flags.little && n % 8 != 0 {
                // Whole bytes least significant first, then the top bits.
                let le = int_le_bytes(&big, n);
                for &byte in &le[..(n / 8) as usize] {
                    b.push_bits_u64(byte as u64, 8);
                }
                b.push_bits_u64(le[(n / 8) as usize] as u64, (n % 8) as u32);
            } else {
                let bytes = int_bits(&big, n, flags.little);
                b.push_slice(&binary::BitSlice { bytes: &bytes, bit_offset: (bytes.len() as u64 * 8) - n, bit_len: n });
            }
        }
        BinType::Float => {
            let n = size_of(p, Some(64))?.ok_or_else(Exception::badarg)?;
            let f = crate::number::to_f64(v).ok_or_else(Exception::badarg)?;
            let b = p.bin_builders.last_mut().expect("BsPut after BsInit");
            match (n, flags.little) {
                (64, false) => b.push_bytes(&f.to_bits().to_be_bytes()),
                (64, true) => b.push_bytes(&f.to_bits().to_le_bytes()),
                (32, false) => b.push_bytes(&(f as f32).to_bits().to_be_bytes()),
                (32, true) => b.push_bytes(&(f as f32).to_bits().to_le_bytes()),
                (16, little) => {
                    let h = f64_to_half(f).ok_or_else(Exception::badarg)?;
                    b.push_bytes(&if little { h.to_le_bytes() } else { h.to_be_bytes() })
                }
                _ => return Err(Exception::badarg()),
            }
        }
        BinType::Binary => {
            let s = binary::bits(v).ok_or_else(Exception::badarg)?;
            let n = size_of(p, None)?;
            let s = match n {
                Some(n) if n > s.bit_len => return Err(Exception::badarg()),
                Some(n) => s.slice(0, n),
                None => {
                    if unit > 1 && s.bit_len % unit as u64 != 0 || matches!(size, BinSize::All | BinSize::Default) && unit == 8 && !s.is_binary() {
                        return Err(Exception::badarg());
                    }
                    s
                }
            };
            let bytes = s.to_bytes();
            let copy = binary::BitSlice { bytes: &bytes, bit_offset: 0, bit_len: s.bit_len };
            p.bin_builders.last_mut().expect("BsPut after BsInit").push_slice(&copy);
        }
        BinType::Utf8 | BinType::Utf16 | BinType::Utf32 => {
            let c = v.as_small().filter(|&c| (0..=0x10ffff).contains(&c) && !(0xd800..=0xdfff).contains(&c)).ok_or_else(Exception::badarg)? as u32;
            let ch = char::from_u32(c).ok_or_else(Exception::badarg)?;
            let mut bytes = Vec::new();
            match ty {
                BinType::Utf8 => {
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                BinType::Utf16 => {
                    let mut buf = [0u16; 2];
                    for w in ch.encode_utf16(&mut buf) {
                        bytes.extend_from_slice(&if flags.little { w.to_le_bytes() } else { w.to_be_bytes() });
                    }
                }
                _ => bytes.extend_from_slice(&if flags.little { c.to_le_bytes() } else { c.to_be_bytes() }),
            }
            p.bin_builders.last_mut().expect("BsPut after BsInit").push_bytes(&bytes);
        }
    }
    Ok(())
}

/// The low `n` bits of `v` (two's complement) as little-endian bytes, the
/// last one holding the `n % 8` top bits in its low bits.
fn int_le_bytes(v: &BigInt, n: u64) -> Vec<u8> {
    let nbytes = n.div_ceil(8) as usize;
    let mut le = v.to_signed_bytes_le();
    let fill = if v.sign() == Sign::Minus { 0xff } else { 0 };
    le.resize(nbytes.max(le.len()), fill);
    le.truncate(nbytes);
    if n % 8 != 0 {
        if let Some(top) = le.last_mut() {
            *top &= (1u8 << (n % 8)) - 1;
        }
    }
    le
}

/// IEEE 754 half precision, round to nearest even; `None` when too large.
fn f64_to_half(f: f64) -> Option<u16> {
    let x = f as f32;
    let bits = x.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exp = ((bits >> 23) & 0xff) as i32;
    let mant = bits & 0x7f_ffff;
    if exp == 0 && mant == 0 {
        return Some(sign);
    }
    let e = exp - 127 + 15;
    if e >= 31 {
        return None;
    }
    if e <= 0 {
        if e < -10 {
            return Some(sign);
        }
        let m = (mant | 0x80_0000) >> (1 - e);
        let half = (m >> 13) as u16;
        let round = m & 0x1fff;
        let r = if round > 0x1000 || (round == 0x1000 && half & 1 == 1) { half + 1 } else { half };
        return Some(sign | r);
    }
    let half = ((e as u32) << 10 | (mant >> 13)) as u16;
    let round = mant & 0x1fff;
    let r = if round > 0x1000 || (round == 0x1000 && half & 1 == 1) { half + 1 } else { half };
    if (r & 0x7c00) == 0x7c00 {
        return None;
    }
    Some(sign | r)
}

/// The low `n` bits of `v` (two's complement), as bytes whose last `n` bits
/// are the value, most significant first; little-endian swaps whole bytes.
fn int_bits(v: &BigInt, n: u64, little: bool) -> Vec<u8> {
    let nbytes = n.div_ceil(8) as usize;
    let mut le = v.to_signed_bytes_le();
    let fill = if v.sign() == Sign::Minus { 0xff } else { 0 };
    le.resize(nbytes.max(le.len()), fill);
    le.truncate(nbytes);
    if n % 8 != 0 {
        if let Some(top) = le.last_mut() {
            *top &= (1u8 << (n % 8)) - 1;
        }
    }
    if little && n % 8 == 0 {
        // Little-endian: the least significant byte first.
        return le;
    }
    le.reverse();
    le
}
