//! A small zlib/DEFLATE decoder (RFC 1950/1951) for `binary_to_term` of
//! compressed external terms (`COMPRESSED` tag 80). Decoding only: our
//! `term_to_binary` never compresses (see `etf.rs`). Malformed input gives
//! `None`, never a panic; output is capped at the size the caller expects.

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    bit: u32,
    nbits: u32,
}

impl<'a> Bits<'a> {
    fn need(&mut self, n: u32) -> Option<()> {
        while self.nbits < n {
            let b = *self.data.get(self.pos)? as u32;
            self.pos += 1;
            self.bit |= b << self.nbits;
            self.nbits += 8;
        }
        Some(())
    }
    fn take(&mut self, n: u32) -> Option<u32> {
        if n == 0 {
            return Some(0);
        }
        self.need(n)?;
        let v = self.bit & ((1u32 << n) - 1);
        self.bit >>= n;
        self.nbits -= n;
        Some(v)
    }
    fn align(&mut self) {
        self.bit = 0;
        self.nbits = 0;
    }
}

/// A canonical Huffman code: symbol counts per length and symbols by code.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Option<Huffman> {
        let mut counts = [0u16; 16];
        for &l in lengths {
            counts[l as usize] += 1;
        }
        counts[0] = 0;
        let mut offs = [0u16; 16];
        for i in 1..16 {
            offs[i] = offs[i - 1] + counts[i - 1];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (s, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbols[offs[l as usize] as usize] = s as u16;
                offs[l as usize] += 1;
            }
        }
        Some(Huffman { counts, symbols })
    }

    fn decode(&self, b: &mut Bits) -> Option<u16> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= b.take(1)? as i32;
            let count = self.counts[len] as i32;
            if code - count < first {
                return self.symbols.get((index + (code - first)) as usize).copied();
            }
            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }
        None
    }
}

const LEN_BASE: [u16; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA: [u8; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385,
    24577,
];
const DIST_EXTRA: [u8; 30] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

fn codes(b: &mut Bits, out: &mut Vec<u8>, lit: &Huffman, dist: &Huffman, limit: usize) -> Option<()> {
    loop {
        let sym = lit.decode(b)?;
        if sym < 256 {
            if out.len() >= limit {
                return None;
            }
            out.push(sym as u8);
        } else if sym == 256 {
            return Some(());
        } else {
            let i = (sym - 257) as usize;
            let len = *LEN_BASE.get(i)? as usize + b.take(*LEN_EXTRA.get(i)? as u32)? as usize;
            let d = dist.decode(b)? as usize;
            let dd = *DIST_BASE.get(d)? as usize + b.take(*DIST_EXTRA.get(d)? as u32)? as usize;
            if dd > out.len() || out.len() + len > limit {
                return None;
            }
            let start = out.len() - dd;
            for k in 0..len {
                out.push(out[start + k]);
            }
        }
    }
}

/// Inflates a zlib stream whose data is at most `limit` bytes.
pub fn zlib_decompress(data: &[u8], limit: usize) -> Option<Vec<u8>> {
    let (cmf, flg) = (*data.first()?, *data.get(1)?);
    if cmf & 0x0f != 8 || ((cmf as u16) << 8 | flg as u16) % 31 != 0 || flg & 0x20 != 0 {
        return None;
    }
    let mut b = Bits { data, pos: 2, bit: 0, nbits: 0 };
    let mut out = Vec::new();
    loop {
        let last = b.take(1)?;
        match b.take(2)? {
            0 => {
                b.align();
                let p = b.pos;
                let len = u16::from_le_bytes([*data.get(p)?, *data.get(p + 1)?]) as usize;
                let nlen = u16::from_le_bytes([*data.get(p + 2)?, *data.get(p + 3)?]) as usize;
                if len != !nlen & 0xffff || out.len() + len > limit {
                    return None;
                }
                out.extend_from_slice(data.get(p + 4..p + 4 + len)?);
                b.pos = p + 4 + len;
            }
            1 => {
                let mut l = [0u8; 288];
                for (i, x) in l.iter_mut().enumerate() {
                    *x = match i {
                        0..=143 => 8,
                        144..=255 => 9,
                        256..=279 => 7,
                        _ => 8,
                    };
                }
                let lit = Huffman::new(&l)?;
                let dist = Huffman::new(&[5u8; 30])?;
                codes(&mut b, &mut out, &lit, &dist, limit)?;
            }
            2 => {
                let nlen = b.take(5)? as usize + 257;
                let ndist = b.take(5)? as usize + 1;
                let ncode = b.take(4)? as usize + 4;
                const ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
                let mut cl = [0u8; 19];
                for &o in ORDER.iter().take(ncode) {
                    cl[o] = b.take(3)? as u8;
                }
                let clh = Huffman::new(&cl)?;
                let mut lengths = vec![0u8; nlen + ndist];
                let mut i = 0;
                while i < nlen + ndist {
                    let sym = clh.decode(&mut b)?;
                    let (val, rep) = match sym {
                        0..=15 => (sym as u8, 1),
                        16 => (*lengths.get(i.checked_sub(1)?)?, 3 + b.take(2)? as usize),
                        17 => (0, 3 + b.take(3)? as usize),
                        18 => (0, 11 + b.take(7)? as usize),
                        _ => return None,
                    };
                    if i + rep > nlen + ndist {
                        return None;
                    }
                    for _ in 0..rep {
                        lengths[i] = val;
                        i += 1;
                    }
                }
                let lit = Huffman::new(&lengths[..nlen])?;
                let dist = Huffman::new(&lengths[nlen..])?;
                codes(&mut b, &mut out, &lit, &dist, limit)?;
            }
            _ => return None,
        }
        if last == 1 {
            break;
        }
    }
    // Adler-32 trailer (big-endian) after the last block.
    b.align();
    let p = b.pos;
    let want = u32::from_be_bytes([*data.get(p)?, *data.get(p + 1)?, *data.get(p + 2)?, *data.get(p + 3)?]);
    if super::checksum::adler32(1, &out) != want {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn otp_compressed_term() {
        // term_to_binary({lists:duplicate(100, <<"abc">>), "hello hello hello hello", 3.14}, [{compressed, 9}])
        let z = [
            120u8, 218, 203, 96, 206, 97, 96, 96, 72, 201, 5, 18, 204, 137, 73, 201, 163, 244, 40, 61, 74, 99, 210, 89, 217, 12, 226, 25,
            169, 57, 57, 249, 10, 24, 164, 155, 3, 167, 220, 142, 192, 215, 173, 242, 0, 224, 242, 172, 181,
        ];
        let out = super::zlib_decompress(&z, 843).unwrap();
        assert_eq!(out.len(), 843);
        assert_eq!(&out[..6], &[104, 3, 108, 0, 0, 0]);
        assert!(super::zlib_decompress(&z[..20], 843).is_none());
        assert!(super::zlib_decompress(&z, 100).is_none());
        // Corrupted streams fail cleanly.
        for i in 0..z.len() {
            for v in [0u8, 1, 0x55, 0x80, 0xff] {
                let mut c = z;
                c[i] = v;
                let _ = super::zlib_decompress(&c, 843);
            }
        }
    }
}
