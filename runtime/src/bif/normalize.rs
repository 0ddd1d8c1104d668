//! Unicode normalization: `unicode:characters_to_nfc_list/1`, `_nfd_`,
//! `_nfkc_`, `_nfkd_` and their `_binary` forms.
//!
//! The algorithm is UAX #15's: decompose (canonically, or with
//! compatibility mappings too) recursively, put combining marks in
//! canonical order, and for the C forms compose again, a mark combining
//! with the last starter unless a mark of the same or higher class sits
//! between them. Hangul syllables are decomposed and composed by formula.
//! The data is Unicode 14.0, as OTP 25's, in `normalize_tables.rs`, made by
//! `runtime/tools/gen_normalize_tables.py` from Python's `unicodedata`.

use super::erlang::badarg;
use super::normalize_tables::{CCC, COMPOSE, DECOMP, DECOMP_DATA};
use super::BifDef;
use crate::exception::BifResult;
use crate::list;
use crate::process::Process;
use crate::term::Term;

pub const BIFS: &[BifDef] = &[
    ("unicode", "characters_to_nfc_list", 1, nfc_list),
    ("unicode", "characters_to_nfd_list", 1, nfd_list),
    ("unicode", "characters_to_nfkc_list", 1, nfkc_list),
    ("unicode", "characters_to_nfkd_list", 1, nfkd_list),
    ("unicode", "characters_to_nfc_binary", 1, nfc_binary),
    ("unicode", "characters_to_nfd_binary", 1, nfd_binary),
    ("unicode", "characters_to_nfkc_binary", 1, nfkc_binary),
    ("unicode", "characters_to_nfkd_binary", 1, nfkd_binary),
];

// Hangul syllable arithmetic (Unicode 3.12).
const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const L_COUNT: u32 = 19;
const V_COUNT: u32 = 21;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = V_COUNT * T_COUNT;
const S_COUNT: u32 = L_COUNT * N_COUNT;

fn ccc(c: u32) -> u8 {
    CCC.binary_search_by_key(&c, |e| e.0).map(|i| CCC[i].1).unwrap_or(0)
}

fn decompose_into(out: &mut Vec<u32>, c: u32, compat: bool) {
    if (S_BASE..S_BASE + S_COUNT).contains(&c) {
        let s = c - S_BASE;
        out.push(L_BASE + s / N_COUNT);
        out.push(V_BASE + (s % N_COUNT) / T_COUNT);
        if s % T_COUNT != 0 {
            out.push(T_BASE + s % T_COUNT);
        }
        return;
    }
    match DECOMP.binary_search_by_key(&c, |e| e.0) {
        Ok(i) if compat || !DECOMP[i].1 => {
            let (_, _, at, n) = DECOMP[i];
            for &d in &DECOMP_DATA[at as usize..at as usize + n as usize] {
                decompose_into(out, d, compat);
            }
        }
        _ => out.push(c),
    }
}

/// NFD (or NFKD with `compat`).
pub fn decompose(s: &[u32], compat: bool) -> Vec<u32> {
    let mut out = Vec::with_capacity(s.len());
    for &c in s {
        decompose_into(&mut out, c, compat);
    }
    // Canonical ordering: a stable sort of each run of non-starters by class.
    let mut i = 0;
    while i < out.len() {
        if ccc(out[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < out.len() && ccc(out[i]) != 0 {
            i += 1;
        }
        out[start..i].sort_by_key(|&c| ccc(c));
    }
    out
}

fn compose_pair(a: u32, b: u32) -> Option<u32> {
    if (L_BASE..L_BASE + L_COUNT).contains(&a) && (V_BASE..V_BASE + V_COUNT).contains(&b) {
        return Some(S_BASE + ((a - L_BASE) * V_COUNT + (b - V_BASE)) * T_COUNT);
    }
    if (S_BASE..S_BASE + S_COUNT).contains(&a) && (a - S_BASE) % T_COUNT == 0 && (T_BASE + 1..T_BASE + T_COUNT).contains(&b) {
        return Some(a + (b - T_BASE));
    }
    COMPOSE.binary_search_by_key(&(a, b), |e| (e.0, e.1)).ok().map(|i| COMPOSE[i].2)
}

/// Canonical composition of a decomposed, canonically ordered string: a
/// character joins the last starter unless something between them blocks
/// it (a starter, or a mark of the same or a higher class).
pub fn compose(d: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::with_capacity(d.len());
    let mut starter: Option<usize> = None;
    // Class of the last character appended.
    let mut last_cc = 0u8;
    for &c in d {
        let cc = ccc(c);
        if let Some(si) = starter {
            let adjacent = si + 1 == out.len();
            if adjacent || (last_cc != 0 && last_cc < cc) {
                if let Some(comp) = compose_pair(out[si], c) {
                    out[si] = comp;
                    continue;
                }
            }
        }
        if cc == 0 {
            starter = Some(out.len());
        }
        last_cc = cc;
        out.push(c);
    }
    out
}

fn normalize_chars(s: &[u32], compat: bool, composed: bool) -> Vec<u32> {
    let d = decompose(s, compat);
    if composed {
        compose(&d)
    } else {
        d
    }
}

fn to_term(p: &mut Process, r: &[u32], binary: bool) -> Term {
    if binary {
        let s: String = r.iter().filter_map(|&c| char::from_u32(c)).collect();
        p.heap.binary_owned(s.into_bytes())
    } else {
        let v: Vec<Term> = r.iter().map(|&c| Term::small(c as i64)).collect();
        p.heap.list(&v)
    }
}

/// Bad chardata gives `characters_to_list`'s `{error | incomplete,
/// Converted, Rest}` with `Converted` normalized, as OTP's `unicode.erl`.
fn normalize(p: &mut Process, t: Term, compat: bool, composed: bool, binary: bool) -> BifResult {
    if let Some(v) = list::chardata_to_chars(t) {
        let s: Vec<u32> = v.into_iter().map(|c| c as u32).collect();
        return Ok(to_term(p, &normalize_chars(&s, compat, composed), binary));
    }
    let r = super::unicode::characters_to_list(p, t)?;
    match r.as_tuple() {
        Some(&[tag, converted, rest]) => {
            let s: Vec<u32> = list::to_vec(converted).unwrap_or_default().iter().filter_map(|c| c.as_small()).map(|c| c as u32).collect();
            let conv = to_term(p, &normalize_chars(&s, compat, composed), binary);
            Ok(p.heap.tuple(&[tag, conv, rest]))
        }
        _ => badarg(),
    }
}

fn nfc_list(p: &mut Process, a: &[Term]) -> BifResult {
    normalize(p, a[0], false, true, false)
}
fn nfd_list(p: &mut Process, a: &[Term]) -> BifResult {
    normalize(p, a[0], false, false, false)
}
fn nfkc_list(p: &mut Process, a: &[Term]) -> BifResult {
    normalize(p, a[0], true, true, false)
}
fn nfkd_list(p: &mut Process, a: &[Term]) -> BifResult {
    normalize(p, a[0], true, false, false)
}
fn nfc_binary(p: &mut Process, a: &[Term]) -> BifResult {
    normalize(p, a[0], false, true, true)
}
fn nfd_binary(p: &mut Process, a: &[Term]) -> BifResult {
    normalize(p, a[0], false, false, true)
}
fn nfkc_binary(p: &mut Process, a: &[Term]) -> BifResult {
    normalize(p, a[0], true, true, true)
}
fn nfkd_binary(p: &mut Process, a: &[Term]) -> BifResult {
    normalize(p, a[0], true, false, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Vec<u32> {
        x.chars().map(|c| c as u32).collect()
    }

    #[test]
    fn forms() {
        assert_eq!(compose(&decompose(&s("e\u{301}"), false)), s("\u{e9}"));
        assert_eq!(decompose(&s("\u{e9}"), false), s("e\u{301}"));
        // Canonical order: dot below (220) before acute (230).
        assert_eq!(decompose(&s("a\u{301}\u{323}"), false), s("a\u{323}\u{301}"));
        assert_eq!(compose(&decompose(&s("a\u{301}\u{323}"), false)), s("\u{1ea1}\u{301}"));
        // Hangul.
        assert_eq!(decompose(&s("\u{d55c}"), false), s("\u{1112}\u{1161}\u{11ab}"));
        assert_eq!(compose(&s("\u{1112}\u{1161}\u{11ab}")), s("\u{d55c}"));
        // Compatibility.
        assert_eq!(decompose(&s("\u{fb01}"), true), s("fi"));
        assert_eq!(decompose(&s("\u{fb01}"), false), s("\u{fb01}"));
        assert_eq!(compose(&decompose(&s("\u{212b}"), false)), s("\u{c5}")); // angstrom sign -> Å
                                                                             // Blocked: a starter between.
        assert_eq!(compose(&s("e\u{64}\u{301}")), s("e\u{64}\u{301}"));
    }
}

#[cfg(test)]
mod corpus {
    /// Compares with Python's `unicodedata.normalize` (Unicode 14.0) on
    /// every 40th line of a corpus of every assigned code point and 20,000
    /// random mark sequences (`input;nfc;nfd;nfkc;nfkd`, hex code points);
    /// the full corpus was checked once when the tables were written.
    #[test]
    fn against_python() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/bif/testdata/normalize_sample.txt")).expect("committed corpus");
        let parse = |f: &str| -> Vec<u32> { f.split(' ').filter(|x| !x.is_empty()).map(|x| u32::from_str_radix(x, 16).unwrap()).collect() };
        let mut bad = 0;
        for line in text.lines() {
            let f: Vec<Vec<u32>> = line.split(';').map(parse).collect();
            let got = [
                super::compose(&super::decompose(&f[0], false)),
                super::decompose(&f[0], false),
                super::compose(&super::decompose(&f[0], true)),
                super::decompose(&f[0], true),
            ];
            for k in 0..4 {
                if got[k] != f[k + 1] {
                    bad += 1;
                    if bad < 10 {
                        eprintln!("{:X?} form {k}: got {:X?} want {:X?}", f[0], got[k], f[k + 1]);
                    }
                }
            }
        }
        assert_eq!(bad, 0);
    }
}
