//! Building a bitstring segment by segment (`<<A:8, B/binary>>`).

/// A growing bitstring: whole bytes plus a bit count.
#[derive(Default, Clone, Debug)]
pub struct BitBuilder {
    pub bytes: Vec<u8>,
    pub bits: u64,
}

impl BitBuilder {
    /// Appends the low `n` bits of `v`, most significant first.
    pub fn push_bits_u64(&mut self, v: u64, n: u32) {
        if self.bits % 8 == 0 && n % 8 == 0 {
            for i in (0..n / 8).rev() {
                self.bytes.push((v >> (i * 8)) as u8);
            }
            self.bits += n as u64;
            return;
        }
        for i in (0..n).rev() {
            self.push_bit((v >> i) & 1 == 1);
        }
    }
    pub fn push_bit(&mut self, b: bool) {
        let off = (self.bits % 8) as u32;
        if off == 0 {
            self.bytes.push(0);
        }
        if b {
            *self.bytes.last_mut().unwrap() |= 0x80 >> off;
        }
        self.bits += 1;
    }
    /// Appends `bit_len` bits of `src` starting at bit `bit_offset`.
    pub fn push_slice(&mut self, src: &crate::binary::BitSlice) {
        if self.bits % 8 == 0 && src.bit_offset % 8 == 0 && src.bit_len % 8 == 0 {
            let s = (src.bit_offset / 8) as usize;
            self.bytes.extend_from_slice(&src.bytes[s..s + (src.bit_len / 8) as usize]);
            self.bits += src.bit_len;
            return;
        }
        for i in 0..src.bit_len {
            self.push_bit(src.bit(i));
        }
    }
    pub fn push_bytes(&mut self, b: &[u8]) {
        if self.bits % 8 == 0 {
            self.bytes.extend_from_slice(b);
            self.bits += 8 * b.len() as u64;
        } else {
            for &x in b {
                self.push_bits_u64(x as u64, 8);
            }
        }
    }
}
