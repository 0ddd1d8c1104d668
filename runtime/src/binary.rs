//! Binaries and bitstrings: construction and read access, whatever their
//! storage (on-heap `HeapBin`, shared `RefcBin`, or a `SubBin` slice).

use crate::heap::Heap;
use crate::offheap::{RefcBytes, REFC_BIN_MIN_BYTES};
use crate::term::{header, Subtag, Term};
use std::borrow::Cow;
use std::sync::Arc;

/// A read view of a bitstring: `bit_len` bits starting `bit_offset` bits
/// into `bytes`.
#[derive(Clone, Copy, Debug)]
pub struct BitSlice<'a> {
    pub bytes: &'a [u8],
    pub bit_offset: u64,
    pub bit_len: u64,
}

impl<'a> BitSlice<'a> {
    pub fn is_binary(&self) -> bool {
        self.bit_len % 8 == 0
    }
    pub fn byte_len(&self) -> usize {
        (self.bit_len / 8) as usize
    }
    /// The bytes when byte-aligned (no copy), else the bits packed into
    /// fresh bytes (the last byte padded with zero bits).
    pub fn to_bytes(&self) -> Cow<'a, [u8]> {
        if self.bit_offset % 8 == 0 {
            let s = (self.bit_offset / 8) as usize;
            let n = self.bit_len.div_ceil(8) as usize;
            if self.bit_len % 8 == 0 {
                return Cow::Borrowed(&self.bytes[s..s + n]);
            }
            let mut v = self.bytes[s..s + n].to_vec();
            let keep = (self.bit_len % 8) as u32;
            if let Some(last) = v.last_mut() {
                *last &= !(0xffu8 >> keep);
            }
            return Cow::Owned(v);
        }
        let n = self.bit_len.div_ceil(8) as usize;
        let mut v = vec![0u8; n];
        for i in 0..self.bit_len {
            if self.bit(i) {
                v[(i / 8) as usize] |= 0x80 >> (i % 8);
            }
        }
        Cow::Owned(v)
    }
    /// Bit `i` (0 = most significant bit of the first byte).
    #[inline]
    pub fn bit(&self, i: u64) -> bool {
        let b = self.bit_offset + i;
        self.bytes[(b / 8) as usize] & (0x80 >> (b % 8)) != 0
    }
    pub fn slice(&self, from_bit: u64, len_bits: u64) -> BitSlice<'a> {
        debug_assert!(from_bit + len_bits <= self.bit_len);
        BitSlice { bytes: self.bytes, bit_offset: self.bit_offset + from_bit, bit_len: len_bits }
    }
}

/// Reads a bitstring term. `None` when `t` is not a bitstring.
pub fn bits<'a>(t: Term) -> Option<BitSlice<'a>> {
    match t.subtag()? {
        Subtag::HeapBin => {
            let bit_len = t.word(1);
            let n = bit_len.div_ceil(8) as usize;
            // SAFETY: the bytes follow word 1 and the object holds at least
            // n bytes (its size was computed from bit_len).
            let bytes = unsafe { std::slice::from_raw_parts(t.ptr().add(2) as *const u8, n) };
            Some(BitSlice { bytes, bit_offset: 0, bit_len })
        }
        Subtag::RefcBin => {
            let bit_len = t.word(1);
            // SAFETY: word 2 is a live Arc<RefcBytes> pointer whose count is
            // held by this object, alive as long as the term is.
            let v: &'a RefcBytes = unsafe { &*(t.word(2) as *const RefcBytes) };
            Some(BitSlice { bytes: v.as_slice(), bit_offset: 0, bit_len })
        }
        Subtag::SubBin => {
            let off = t.word(1);
            let len = t.word(2);
            let under = bits(Term(t.word(3)))?;
            Some(BitSlice { bytes: under.bytes, bit_offset: under.bit_offset + off, bit_len: len })
        }
        _ => None,
    }
}

/// The bytes of a binary (a bitstring whose length is a whole number of bytes).
pub fn bytes<'a>(t: Term) -> Option<Cow<'a, [u8]>> {
    let b = bits(t)?;
    if b.is_binary() {
        Some(b.to_bytes())
    } else {
        None
    }
}

impl Heap {
    /// A binary holding a copy of `data`.
    pub fn binary(&mut self, data: &[u8]) -> Term {
        self.bitstring(data, data.len() as u64 * 8)
    }

    /// A bitstring of the first `bit_len` bits of `data`.
    pub fn bitstring(&mut self, data: &[u8], bit_len: u64) -> Term {
        let n = bit_len.div_ceil(8) as usize;
        debug_assert!(n <= data.len());
        if n > REFC_BIN_MIN_BYTES {
            return self.refc_binary(Arc::new(data[..n].to_vec()), bit_len);
        }
        let words = n.div_ceil(8);
        let p = self.alloc(2 + words);
        // SAFETY: 2 + words words allocated; n <= 8 * words bytes copied.
        unsafe {
            *p = header(Subtag::HeapBin, 1 + words);
            *p.add(1) = bit_len;
            *p.add(1 + words) = 0;
            std::ptr::copy_nonoverlapping(data.as_ptr(), p.add(2) as *mut u8, n);
        }
        Term::boxed(p)
    }

    /// A binary that takes ownership of `data` (no copy when large).
    pub fn binary_owned(&mut self, data: Vec<u8>) -> Term {
        if data.len() > REFC_BIN_MIN_BYTES {
            let bits = data.len() as u64 * 8;
            self.refc_binary(Arc::new(data), bits)
        } else {
            self.binary(&data)
        }
    }

    /// A sub-binary of `bits(orig)`: `len` bits from `offset`. `orig` may
    /// itself be a sub-binary; the new one points at the underlying binary.
    pub fn sub_binary(&mut self, orig: Term, offset: u64, len: u64) -> Term {
        let (under, base) = if orig.is_subtag(Subtag::SubBin) {
            (Term(orig.word(3)), orig.word(1))
        } else {
            (orig, 0)
        };
        self.boxed_words(Subtag::SubBin, &[base + offset, len, under.0])
    }
}
