//! Maps, stored flat and sorted.
//!
//! Layout (`Subtag::Map`): header, word 1 = n (a raw count), then the n
//! keys in `compare_exact` order, then the n values in the same order.
//! Lookup is a binary search; every update builds a new map (terms are
//! immutable) in one merge pass.
//!
//! OTP stores maps of more than 32 keys as a hash array mapped trie, whose
//! iteration follows the keys' internal hashes, not term order. We keep
//! every map sorted (lookups stay binary searches) and compute OTP's order
//! when a large map is walked: `iteration_order` gives it (printing,
//! iterators, folds), and `maps:keys/to_list/values` and
//! `term_to_binary` use its reverse, as OTP's do. Known gap: keys holding
//! atoms, pids, references or funs hash differently from OTP (ERTS hashes
//! their VM-internal words), so their place in a large map differs.

use crate::compare::compare_exact;
use crate::heap::Heap;
use crate::term::{header, Subtag, Term};
use std::cmp::Ordering;

/// Allocates a map of `n` entries and returns (term, keys ptr, values ptr).
fn alloc_map(heap: &mut Heap, n: usize) -> (Term, *mut u64, *mut u64) {
    let p = heap.alloc(2 + 2 * n);
    // SAFETY: 2 + 2n words allocated; the caller fills keys and values.
    unsafe {
        *p = header(Subtag::Map, 1 + 2 * n);
        *p.add(1) = n as u64;
        (Term::boxed(p), p.add(2), p.add(2 + n))
    }
}

fn build(heap: &mut Heap, keys: &[Term], values: &[Term]) -> Term {
    debug_assert_eq!(keys.len(), values.len());
    let n = keys.len();
    let (t, kp, vp) = alloc_map(heap, n);
    // SAFETY: kp and vp each have room for n words.
    unsafe {
        std::ptr::copy_nonoverlapping(keys.as_ptr() as *const u64, kp, n);
        std::ptr::copy_nonoverlapping(values.as_ptr() as *const u64, vp, n);
    }
    t
}

/// Sorts `pairs` by key and drops earlier duplicates (later pairs win).
fn sort_dedup(pairs: &mut Vec<(Term, Term)>) {
    pairs.sort_by(|a, b| compare_exact(a.0, b.0)); // stable
    let mut out = 0;
    for i in 0..pairs.len() {
        if i + 1 < pairs.len() && compare_exact(pairs[i].0, pairs[i + 1].0) == Ordering::Equal {
            continue;
        }
        pairs[out] = pairs[i];
        out += 1;
    }
    pairs.truncate(out);
}

impl Heap {
    /// A map of `pairs` (in any order; a later pair wins over an earlier
    /// one with the same key). `pairs` is sorted in place.
    pub fn map_from_pairs(&mut self, pairs: &mut Vec<(Term, Term)>) -> Term {
        sort_dedup(pairs);
        let n = pairs.len();
        let (t, kp, vp) = alloc_map(self, n);
        for (i, &(k, v)) in pairs.iter().enumerate() {
            // SAFETY: i < n.
            unsafe {
                *kp.add(i) = k.0;
                *vp.add(i) = v.0;
            }
        }
        t
    }

    /// The empty map.
    pub fn empty_map(&mut self) -> Term {
        alloc_map(self, 0).0
    }
}

/// Number of entries; `m` must be a map.
#[inline]
pub fn map_size(m: Term) -> usize {
    debug_assert!(m.is_map());
    m.word(1) as usize
}

/// The keys of a map, in key order.
pub fn map_keys<'a>(m: Term) -> &'a [Term] {
    let n = map_size(m);
    let p = m.payload();
    // SAFETY: Term is repr(transparent) over u64; keys are words 2..2+n.
    unsafe { std::slice::from_raw_parts(p.as_ptr().add(1) as *const Term, n) }
}

/// The values of a map, in key order.
pub fn map_values<'a>(m: Term) -> &'a [Term] {
    let n = map_size(m);
    let p = m.payload();
    // SAFETY: values are words 2+n..2+2n.
    unsafe { std::slice::from_raw_parts(p.as_ptr().add(1 + n) as *const Term, n) }
}

fn search(m: Term, k: Term) -> Result<usize, usize> {
    map_keys(m).binary_search_by(|x| compare_exact(*x, k))
}

/// The value under `k`, if any.
pub fn map_get(m: Term, k: Term) -> Option<Term> {
    search(m, k).ok().map(|i| map_values(m)[i])
}

/// `m#{k => v}`
pub fn map_put(heap: &mut Heap, m: Term, k: Term, v: Term) -> Term {
    match search(m, k) {
        Ok(i) => {
            if map_values(m)[i] == v {
                return m;
            }
            replace_at(heap, m, i, v)
        }
        Err(i) => {
            let (keys, values) = (map_keys(m), map_values(m));
            let n = keys.len();
            let (t, kp, vp) = alloc_map(heap, n + 1);
            // SAFETY: n + 1 slots each; the old map is not the new one.
            unsafe {
                std::ptr::copy_nonoverlapping(keys.as_ptr() as *const u64, kp, i);
                *kp.add(i) = k.0;
                std::ptr::copy_nonoverlapping(keys.as_ptr().add(i) as *const u64, kp.add(i + 1), n - i);
                std::ptr::copy_nonoverlapping(values.as_ptr() as *const u64, vp, i);
                *vp.add(i) = v.0;
                std::ptr::copy_nonoverlapping(values.as_ptr().add(i) as *const u64, vp.add(i + 1), n - i);
            }
            t
        }
    }
}

fn replace_at(heap: &mut Heap, m: Term, i: usize, v: Term) -> Term {
    let (keys, values) = (map_keys(m), map_values(m));
    let n = keys.len();
    let (t, kp, vp) = alloc_map(heap, n);
    // SAFETY: n slots each.
    unsafe {
        std::ptr::copy_nonoverlapping(keys.as_ptr() as *const u64, kp, n);
        std::ptr::copy_nonoverlapping(values.as_ptr() as *const u64, vp, n);
        *vp.add(i) = v.0;
    }
    t
}

/// `m#{k := v}`: `None` when `k` is not a key of `m`.
pub fn map_update(heap: &mut Heap, m: Term, k: Term, v: Term) -> Option<Term> {
    let i = search(m, k).ok()?;
    if map_values(m)[i] == v {
        return Some(m);
    }
    Some(replace_at(heap, m, i, v))
}

/// `maps:remove(k, m)`: `m` itself when `k` is absent.
pub fn map_remove(heap: &mut Heap, m: Term, k: Term) -> Term {
    let Ok(i) = search(m, k) else { return m };
    let (keys, values) = (map_keys(m), map_values(m));
    let n = keys.len();
    let (t, kp, vp) = alloc_map(heap, n - 1);
    // SAFETY: n - 1 slots each; copies skip index i.
    unsafe {
        std::ptr::copy_nonoverlapping(keys.as_ptr() as *const u64, kp, i);
        std::ptr::copy_nonoverlapping(keys.as_ptr().add(i + 1) as *const u64, kp.add(i), n - i - 1);
        std::ptr::copy_nonoverlapping(values.as_ptr() as *const u64, vp, i);
        std::ptr::copy_nonoverlapping(values.as_ptr().add(i + 1) as *const u64, vp.add(i), n - i - 1);
    }
    t
}

/// `m#{k1 => v1, k2 => v2 ...}` (`exact` false) or `m#{k1 := v1 ...}`
/// (`exact` true: every key must already be in `m`; `Err(key)` names the
/// first one, in `pairs` order, that is not). Later pairs win.
pub fn map_put_many(heap: &mut Heap, m: Term, pairs: &[(Term, Term)], exact: bool) -> Result<Term, Term> {
    if exact {
        for &(k, _) in pairs {
            if search(m, k).is_err() {
                return Err(k);
            }
        }
    }
    if pairs.len() == 1 {
        return Ok(map_put(heap, m, pairs[0].0, pairs[0].1));
    }
    let mut new: Vec<(Term, Term)> = pairs.to_vec();
    sort_dedup(&mut new);
    let (keys, values) = (map_keys(m), map_values(m));
    let mut out_k: Vec<Term> = Vec::with_capacity(keys.len() + new.len());
    let mut out_v: Vec<Term> = Vec::with_capacity(keys.len() + new.len());
    let (mut i, mut j) = (0, 0);
    while i < keys.len() || j < new.len() {
        let o = if i == keys.len() {
            Ordering::Greater
        } else if j == new.len() {
            Ordering::Less
        } else {
            compare_exact(keys[i], new[j].0)
        };
        match o {
            Ordering::Less => {
                out_k.push(keys[i]);
                out_v.push(values[i]);
                i += 1;
            }
            Ordering::Greater => {
                out_k.push(new[j].0);
                out_v.push(new[j].1);
                j += 1;
            }
            Ordering::Equal => {
                out_k.push(keys[i]);
                out_v.push(new[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    Ok(build(heap, &out_k, &out_v))
}

/// Maps with more keys than this are hash tries in OTP (`MAP_SMALL_MAP_LIMIT`).
pub const SMALL_MAP_LIMIT: usize = 32;

/// The order in which OTP visits the entries of `m` (printing, `maps:fold`,
/// iterators), as indices into `map_keys(m)`: key order for a small map;
/// for a large one, the trie's order: by internal hash, least significant
/// 4-bit digit first.
pub fn iteration_order(m: Term) -> Vec<usize> {
    let n = map_size(m);
    if n <= SMALL_MAP_LIMIT {
        return (0..n).collect();
    }
    let keys = map_keys(m);
    let mut order: Vec<(u32, usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let h = crate::bif::hash::internal_hash(k);
            // Reverse the nibbles: the trie branches on the lowest first.
            let mut r = 0u32;
            for d in 0..8 {
                r = (r << 4) | ((h >> (4 * d)) & 0xf);
            }
            (r, i)
        })
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, i)| i).collect()
}

/// The order of `maps:keys/1`, `maps:to_list/1`, `maps:values/1` and of
/// `term_to_binary`: key order for a small map, the reverse of
/// `iteration_order` for a large one.
pub fn listing_order(m: Term) -> Vec<usize> {
    let mut o = iteration_order(m);
    if o.len() > SMALL_MAP_LIMIT {
        o.reverse();
    }
    o
}

/// A map from parallel key and value slices already sorted and free of
/// duplicates (used by copy and decode paths that know their input is a map).
pub fn map_from_sorted(heap: &mut Heap, keys: &[Term], values: &[Term]) -> Term {
    build(heap, keys, values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom;

    fn a(s: &str) -> Term {
        Term::atom(atom::atom(s))
    }

    #[test]
    fn build_and_lookup() {
        let mut h = Heap::new();
        let f1 = h.float(1.0);
        let mut pairs =
            vec![(a("b"), Term::small(2)), (Term::small(1), a("int")), (a("a"), Term::small(1)), (f1, a("flt")), (a("b"), Term::small(3))];
        let m = h.map_from_pairs(&mut pairs);
        assert_eq!(map_size(m), 4);
        assert_eq!(map_keys(m), &[Term::small(1), f1, a("a"), a("b")]);
        assert_eq!(map_get(m, a("b")), Some(Term::small(3)));
        assert_eq!(map_get(m, Term::small(1)), Some(a("int")));
        assert_eq!(map_get(m, a("zz")), None);
        let f1b = h.float(1.0);
        assert_eq!(map_get(m, f1b), Some(a("flt")));

        let m2 = map_put(&mut h, m, a("c"), Term::small(9));
        assert_eq!(map_keys(m2), &[Term::small(1), f1, a("a"), a("b"), a("c")]);
        assert_eq!(map_values(m2)[4], Term::small(9));
        assert_eq!(map_size(m), 4);
        assert!(map_update(&mut h, m, a("zz"), Term::NIL).is_none());
        let m3 = map_update(&mut h, m, a("a"), Term::NIL).unwrap();
        assert_eq!(map_get(m3, a("a")), Some(Term::NIL));
        let m4 = map_remove(&mut h, m3, Term::small(1));
        assert_eq!(map_keys(m4), &[f1, a("a"), a("b")]);
        assert_eq!(map_values(m4), &[a("flt"), Term::NIL, Term::small(3)]);

        let r = map_put_many(&mut h, m, &[(a("x"), Term::small(1)), (a("a"), Term::small(7)), (a("x"), Term::small(2))], false).unwrap();
        assert_eq!(map_keys(r), &[Term::small(1), f1, a("a"), a("b"), a("x")]);
        assert_eq!(map_get(r, a("x")), Some(Term::small(2)));
        assert_eq!(map_get(r, a("a")), Some(Term::small(7)));
        assert_eq!(map_put_many(&mut h, m, &[(a("a"), Term::small(7)), (a("q"), Term::small(2))], true), Err(a("q")));
        let e = h.empty_map();
        assert_eq!(map_size(e), 0);
        assert_eq!(map_get(e, a("a")), None);
    }

    #[test]
    fn large_map_order_is_otps() {
        // OTP 25: maps:keys(maps:from_list([{I, I} || I <- lists:seq(1, 40)])).
        let want = [
            33, 12, 23, 29, 30, 39, 26, 31, 11, 37, 9, 32, 34, 25, 28, 6, 38, 13, 40, 20, 15, 14, 2, 7, 1, 8, 3, 17, 22, 21, 4, 36, 24, 10,
            35, 27, 19, 5, 18, 16,
        ];
        let mut h = Heap::new();
        let mut pairs: Vec<(Term, Term)> = (1..=40).map(|i| (Term::small(i), Term::small(i))).collect();
        let m = h.map_from_pairs(&mut pairs);
        let keys = map_keys(m);
        let got: Vec<i64> = listing_order(m).into_iter().map(|i| keys[i].as_small().unwrap()).collect();
        assert_eq!(got, want);
        let iter: Vec<i64> = iteration_order(m).into_iter().map(|i| keys[i].as_small().unwrap()).collect();
        assert_eq!(iter[..2], [16, 18]); // maps:next/1 and ~w start here
        let small = h.map_from_pairs(&mut vec![(Term::small(2), Term::NIL), (Term::small(1), Term::NIL)]);
        assert_eq!(listing_order(small), vec![0, 1]);
    }
}
