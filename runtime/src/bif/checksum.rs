//! Checksums over iodata: `erlang:crc32/1,2`, `adler32/1,2`, `md5/1`.
//! Written out here (zlib's CRC-32 and Adler-32, RFC 1321 MD5) rather than
//! pulled in as dependencies; they are small and fixed.

use super::erlang::badarg;
use super::BifDef;
use crate::exception::{BifResult, Exception};
use crate::list;
use crate::number;
use crate::process::Process;
use crate::term::Term;

pub const BIFS: &[BifDef] = &[
    ("erlang", "crc32", 1, crc32_1),
    ("erlang", "crc32", 2, crc32_2),
    ("erlang", "adler32", 1, adler32_1),
    ("erlang", "adler32", 2, adler32_2),
    ("erlang", "md5", 1, md5_1),
];

fn iodata(t: Term) -> Result<Vec<u8>, Exception> {
    list::iolist_to_bytes(t).ok_or_else(Exception::badarg)
}

fn arg_u32(t: Term) -> Result<u32, Exception> {
    match number::int_to_i64(t) {
        Some(v) if (0..=u32::MAX as i64).contains(&v) => Ok(v as u32),
        _ => badarg(),
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`), continuing from `crc`.
pub fn crc32(crc: u32, data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, e) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *e = c;
        }
        t
    });
    let mut c = !crc;
    for &b in data {
        c = table[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

/// Adler-32 (zlib's `adler32`), continuing from `adler`.
pub fn adler32(adler: u32, data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (adler & 0xffff, adler >> 16);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// MD5 (RFC 1321).
pub fn md5(data: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    // K[i] = floor(2^32 * |sin(i + 1)|)
    let k: Vec<u32> = (0..64).map(|i| ((i as f64 + 1.0).sin().abs() * 4294967296.0) as u32).collect();
    let (mut a0, mut b0, mut c0, mut d0) = (0x67452301u32, 0xefcdab89u32, 0x98badcfeu32, 0x10325476u32);
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    for block in msg.chunks_exact(64) {
        let m: Vec<u32> = block.chunks_exact(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, v) in [a0, b0, c0, d0].iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
    }
    out
}

fn crc32_1(p: &mut Process, a: &[Term]) -> BifResult {
    let d = iodata(a[0])?;
    Ok(number::make_i64(&mut p.heap, crc32(0, &d) as i64))
}
fn crc32_2(p: &mut Process, a: &[Term]) -> BifResult {
    let c = arg_u32(a[0])?;
    let d = iodata(a[1])?;
    Ok(number::make_i64(&mut p.heap, crc32(c, &d) as i64))
}
fn adler32_1(p: &mut Process, a: &[Term]) -> BifResult {
    let d = iodata(a[0])?;
    Ok(number::make_i64(&mut p.heap, adler32(1, &d) as i64))
}
fn adler32_2(p: &mut Process, a: &[Term]) -> BifResult {
    let c = arg_u32(a[0])?;
    let d = iodata(a[1])?;
    Ok(number::make_i64(&mut p.heap, adler32(c, &d) as i64))
}
fn md5_1(p: &mut Process, a: &[Term]) -> BifResult {
    let d = iodata(a[0])?;
    Ok(p.heap.binary(&md5(&d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // From tests/conformance/seq/bif_checksums.out (OTP 25).
        assert_eq!(crc32(0, b"The quick brown fox jumps over the lazy dog"), 1095738169);
        assert_eq!(crc32(crc32(0, b"hello "), b"world"), crc32(0, b"hello world"));
        assert_eq!(adler32(1, b"Wikipedia"), 300286872);
        let hex = |b: [u8; 16]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(hex(md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(hex(md5(&[b'a'; 100])), "36a92cc94a9e0fa21f625f8bfb007adf");
    }
}
