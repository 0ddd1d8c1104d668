//! Maps, stored as OTP 25 stores them: flat and sorted up to 32 keys, a
//! hash array mapped trie (`hamt.rs`) above.
//!
//! Every map object is a `Subtag::Map` box whose word 1 is a raw word (its
//! top two bits give the kind) and whose other words are all terms, so the
//! collector and the copier (`gc::term_words`) treat every kind alike:
//!
//! ```text
//! flat       word 1 = n; n keys in map-key order (`compare_exact`), then n values
//! trie head  word 1 = kind | bitmaps; word 2 = the size (a small); entries
//! trie node  word 1 = kind | bitmaps; entries
//! collision  word 1 = kind | n; n key-value pairs in map-key order
//! ```
//!
//! **Invariant (OTP's):** a map of at most `SMALL_MAP_LIMIT` keys is flat,
//! a larger one is a trie. Every operation that changes the size restores
//! it (a put that makes the 33rd key builds a trie, a remove that leaves
//! 32 builds a flat map), so the representation, and with it the order in
//! which a map is walked, is a function of the key set alone. Trie nodes
//! below the head are never visible to programs; only the head is a term.
//!
//! Orders: a flat map is walked in key order. A trie is walked in its
//! slot order, which is OTP's (see `hamt.rs`); `maps:next/1`, folds and
//! printing use that order, and `maps:keys/values/to_list` and
//! `term_to_binary` its reverse, as OTP's do (`listing`).
//!
//! Known gap: the order of a trie is OTP's exactly for keys made of
//! numbers, binaries, lists, tuples and maps of those. ERTS hashes an atom
//! by its index in the node's atom table (which depends on every module the
//! node loaded before) and pids, references and funs by VM-internal words;
//! we hash our own (`bif::hash::internal_hash_salted`), so a large map
//! holding such keys lists them in another, equally fixed, order.

mod hamt;

use crate::compare::{compare_exact, eq_exact};
use crate::heap::Heap;
use crate::term::{header, Subtag, Term};
use std::cmp::Ordering;

pub use hamt::{trie_slots, Slot};

/// Maps with more keys than this are hash tries (OTP's `MAP_SMALL_MAP_LIMIT`).
pub const SMALL_MAP_LIMIT: usize = 32;

/// The kinds of map object, in the top two bits of word 1.
const KIND_SHIFT: u32 = 62;
const KIND_FLAT: u64 = 0;
const KIND_HEAD: u64 = 1;
const KIND_NODE: u64 = 2;
const KIND_COLLISION: u64 = 3;

#[inline]
fn kind(m: Term) -> u64 {
    m.word(1) >> KIND_SHIFT
}

/// Whether `m` (a map) is stored flat (at most 32 keys).
#[inline]
pub fn is_flat(m: Term) -> bool {
    kind(m) == KIND_FLAT
}

// ---- flat maps ----

/// Allocates a flat map of `n` entries and returns (term, keys ptr, values ptr).
fn alloc_flat(heap: &mut Heap, n: usize) -> (Term, *mut u64, *mut u64) {
    debug_assert!(n <= SMALL_MAP_LIMIT);
    let p = heap.alloc(2 + 2 * n);
    // SAFETY: 2 + 2n words allocated; the caller fills keys and values.
    unsafe {
        *p = header(Subtag::Map, 1 + 2 * n);
        *p.add(1) = n as u64;
        (Term::boxed(p), p.add(2), p.add(2 + n))
    }
}

/// A flat map from `pairs` already in map-key order without duplicates.
fn flat_from_sorted_pairs(heap: &mut Heap, pairs: &[(Term, Term)]) -> Term {
    let (t, kp, vp) = alloc_flat(heap, pairs.len());
    for (i, &(k, v)) in pairs.iter().enumerate() {
        // SAFETY: i < n.
        unsafe {
            *kp.add(i) = k.0;
            *vp.add(i) = v.0;
        }
    }
    t
}

/// The keys of a flat map, in key order.
fn flat_keys<'a>(m: Term) -> &'a [Term] {
    debug_assert!(is_flat(m));
    let n = m.word(1) as usize;
    // SAFETY: Term is repr(transparent) over u64; keys are words 2..2+n.
    unsafe { std::slice::from_raw_parts(m.payload().as_ptr().add(1) as *const Term, n) }
}

/// The values of a flat map, in key order.
fn flat_values<'a>(m: Term) -> &'a [Term] {
    debug_assert!(is_flat(m));
    let n = m.word(1) as usize;
    // SAFETY: values are words 2+n..2+2n.
    unsafe { std::slice::from_raw_parts(m.payload().as_ptr().add(1 + n) as *const Term, n) }
}

fn flat_search(m: Term, k: Term) -> Result<usize, usize> {
    flat_keys(m).binary_search_by(|x| compare_exact(*x, k))
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
    /// one with the same key). `pairs` may be reordered.
    pub fn map_from_pairs(&mut self, pairs: &mut Vec<(Term, Term)>) -> Term {
        if pairs.len() <= SMALL_MAP_LIMIT {
            sort_dedup(pairs);
            return flat_from_sorted_pairs(self, pairs);
        }
        hamt::from_pairs(self, pairs)
    }

    /// The empty map.
    pub fn empty_map(&mut self) -> Term {
        alloc_flat(self, 0).0
    }
}

// ---- the operations ----

/// Number of entries; `m` must be a map.
#[inline]
pub fn map_size(m: Term) -> usize {
    debug_assert!(m.is_map());
    if is_flat(m) {
        m.word(1) as usize
    } else {
        hamt::size(m)
    }
}

/// The value under `k`, if any.
pub fn map_get(m: Term, k: Term) -> Option<Term> {
    if is_flat(m) {
        flat_search(m, k).ok().map(|i| flat_values(m)[i])
    } else {
        hamt::get(m, k)
    }
}

/// `m#{k => v}`
pub fn map_put(heap: &mut Heap, m: Term, k: Term, v: Term) -> Term {
    if !is_flat(m) {
        return hamt::put(heap, m, k, v);
    }
    match flat_search(m, k) {
        Ok(i) => {
            if flat_values(m)[i] == v {
                return m;
            }
            flat_replace_at(heap, m, i, v)
        }
        Err(_) if map_size(m) == SMALL_MAP_LIMIT => {
            // The 33rd key: the map becomes a trie.
            let mut pairs = pairs(m);
            pairs.push((k, v));
            hamt::from_unique_pairs(heap, &pairs)
        }
        Err(i) => {
            let (keys, values) = (flat_keys(m), flat_values(m));
            let n = keys.len();
            let (t, kp, vp) = alloc_flat(heap, n + 1);
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

fn flat_replace_at(heap: &mut Heap, m: Term, i: usize, v: Term) -> Term {
    let (keys, values) = (flat_keys(m), flat_values(m));
    let n = keys.len();
    let (t, kp, vp) = alloc_flat(heap, n);
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
    if !is_flat(m) {
        hamt::get(m, k)?;
        return Some(hamt::put(heap, m, k, v));
    }
    let i = flat_search(m, k).ok()?;
    if flat_values(m)[i] == v {
        return Some(m);
    }
    Some(flat_replace_at(heap, m, i, v))
}

/// `maps:remove(k, m)`: `m` itself when `k` is absent.
pub fn map_remove(heap: &mut Heap, m: Term, k: Term) -> Term {
    if !is_flat(m) {
        if hamt::get(m, k).is_none() {
            return m;
        }
        if map_size(m) == SMALL_MAP_LIMIT + 1 {
            // Back to 32 keys: the map becomes flat again.
            let mut rest: Vec<(Term, Term)> = pairs(m).into_iter().filter(|&(x, _)| !eq_exact(x, k)).collect();
            rest.sort_by(|a, b| compare_exact(a.0, b.0));
            return flat_from_sorted_pairs(heap, &rest);
        }
        return hamt::remove(heap, m, k);
    }
    let Ok(i) = flat_search(m, k) else { return m };
    let (keys, values) = (flat_keys(m), flat_values(m));
    let n = keys.len();
    let (t, kp, vp) = alloc_flat(heap, n - 1);
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
            if map_get(m, k).is_none() {
                return Err(k);
            }
        }
    }
    if pairs.len() == 1 || !is_flat(m) {
        // A trie takes the keys one path at a time.
        let mut r = m;
        for &(k, v) in pairs {
            r = map_put(heap, r, k, v);
        }
        return Ok(r);
    }
    let mut new: Vec<(Term, Term)> = pairs.to_vec();
    sort_dedup(&mut new);
    let (keys, values) = (flat_keys(m), flat_values(m));
    let mut out: Vec<(Term, Term)> = Vec::with_capacity(keys.len() + new.len());
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
                out.push((keys[i], values[i]));
                i += 1;
            }
            Ordering::Greater => {
                out.push(new[j]);
                j += 1;
            }
            Ordering::Equal => {
                out.push((keys[i], new[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    Ok(from_unique_pairs(heap, &out))
}

/// A map of `pairs`, whose keys are known to be distinct; flat ones must
/// come in map-key order.
fn from_unique_pairs(heap: &mut Heap, pairs: &[(Term, Term)]) -> Term {
    if pairs.len() <= SMALL_MAP_LIMIT {
        flat_from_sorted_pairs(heap, pairs)
    } else {
        hamt::from_unique_pairs(heap, pairs)
    }
}

/// A map from parallel key and value slices, the keys distinct and in
/// map-key order (for callers that build a known map).
pub fn map_from_sorted(heap: &mut Heap, keys: &[Term], values: &[Term]) -> Term {
    debug_assert_eq!(keys.len(), values.len());
    let pairs: Vec<(Term, Term)> = keys.iter().copied().zip(values.iter().copied()).collect();
    from_unique_pairs(heap, &pairs)
}

/// `maps:merge(a, b)`: the entries of both, `b`'s value where both have a key.
pub fn map_merge(heap: &mut Heap, a: Term, b: Term) -> Term {
    let (na, nb) = (map_size(a), map_size(b));
    if nb == 0 {
        return a;
    }
    if na == 0 {
        return b;
    }
    if is_flat(a) && is_flat(b) {
        let pb = pairs(b);
        return map_put_many(heap, a, &pb, false).expect("put never misses");
    }
    // Put the smaller map's entries into the larger one, one path at a
    // time, unless they are of similar size: then one build from all
    // entries (O(n log n)) beats n path copies.
    if !is_flat(a) && nb * 4 <= na {
        let mut r = a;
        for_each(b, |k, v| r = map_put(heap, r, k, v));
        return r;
    }
    if !is_flat(b) && na * 4 <= nb {
        let mut r = b;
        for_each(a, |k, v| {
            if map_get(r, k).is_none() {
                r = map_put(heap, r, k, v);
            }
        });
        return r;
    }
    let mut all = pairs(a);
    all.extend(pairs(b));
    hamt::from_pairs(heap, &all)
}

// ---- walking a map ----

/// Calls `f` on every entry of `m` in OTP's iteration order (`maps:next/1`,
/// `maps:fold/3`, printing): key order for a flat map, trie order for a
/// large one.
pub fn for_each(m: Term, mut f: impl FnMut(Term, Term)) {
    if is_flat(m) {
        for (&k, &v) in flat_keys(m).iter().zip(flat_values(m)) {
            f(k, v);
        }
    } else {
        hamt::for_each(m, &mut f);
    }
}

/// The entries of `m` in iteration order (see `for_each`).
pub fn pairs(m: Term) -> Vec<(Term, Term)> {
    let mut v = Vec::with_capacity(map_size(m));
    for_each(m, |k, x| v.push((k, x)));
    v
}

/// The entries of `m` in the order of `maps:to_list/1`, `maps:keys/1`,
/// `maps:values/1` and `term_to_binary`: key order for a flat map, the
/// reverse of the iteration order for a trie (OTP builds those lists by
/// consing while it iterates).
pub fn listing(m: Term) -> Vec<(Term, Term)> {
    let mut v = pairs(m);
    if !is_flat(m) {
        v.reverse();
    }
    v
}

/// The entries of `m` in map-key order (term comparison of maps).
pub fn sorted_pairs(m: Term) -> Vec<(Term, Term)> {
    let mut v = pairs(m);
    if !is_flat(m) {
        v.sort_by(|a, b| compare_exact(a.0, b.0));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom;

    fn a(s: &str) -> Term {
        Term::atom(atom::atom(s))
    }

    fn keys(m: Term) -> Vec<Term> {
        listing(m).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn build_and_lookup() {
        let mut h = Heap::new();
        let f1 = h.float(1.0);
        let mut pairs =
            vec![(a("b"), Term::small(2)), (Term::small(1), a("int")), (a("a"), Term::small(1)), (f1, a("flt")), (a("b"), Term::small(3))];
        let m = h.map_from_pairs(&mut pairs);
        assert_eq!(map_size(m), 4);
        assert_eq!(keys(m), &[Term::small(1), f1, a("a"), a("b")]);
        assert_eq!(map_get(m, a("b")), Some(Term::small(3)));
        assert_eq!(map_get(m, Term::small(1)), Some(a("int")));
        assert_eq!(map_get(m, a("zz")), None);
        let f1b = h.float(1.0);
        assert_eq!(map_get(m, f1b), Some(a("flt")));

        let m2 = map_put(&mut h, m, a("c"), Term::small(9));
        assert_eq!(keys(m2), &[Term::small(1), f1, a("a"), a("b"), a("c")]);
        assert_eq!(map_get(m2, a("c")), Some(Term::small(9)));
        assert_eq!(map_size(m), 4);
        assert!(map_update(&mut h, m, a("zz"), Term::NIL).is_none());
        let m3 = map_update(&mut h, m, a("a"), Term::NIL).unwrap();
        assert_eq!(map_get(m3, a("a")), Some(Term::NIL));
        let m4 = map_remove(&mut h, m3, Term::small(1));
        assert_eq!(listing(m4), &[(f1, a("flt")), (a("a"), Term::NIL), (a("b"), Term::small(3))]);

        let r = map_put_many(&mut h, m, &[(a("x"), Term::small(1)), (a("a"), Term::small(7)), (a("x"), Term::small(2))], false).unwrap();
        assert_eq!(keys(r), &[Term::small(1), f1, a("a"), a("b"), a("x")]);
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
        let mut ps: Vec<(Term, Term)> = (1..=40).map(|i| (Term::small(i), Term::small(i))).collect();
        let m = h.map_from_pairs(&mut ps);
        let got: Vec<i64> = keys(m).into_iter().map(|k| k.as_small().unwrap()).collect();
        assert_eq!(got, want);
        // The same map built by puts, in another order, is walked the same way.
        let mut m2 = h.empty_map();
        for i in (1..=40).rev() {
            m2 = map_put(&mut h, m2, Term::small(i), Term::small(i));
        }
        assert!(!is_flat(m2));
        assert_eq!(listing(m2), listing(m));
        let iter: Vec<i64> = pairs(m).into_iter().map(|(k, _)| k.as_small().unwrap()).collect();
        assert_eq!(iter[..2], [16, 18]); // maps:next/1 and ~w start here
        // Removing down to 32 keys gives a flat map again.
        let mut r = m;
        for i in (33..=40).rev() {
            assert!(!is_flat(r));
            r = map_remove(&mut h, r, Term::small(i));
        }
        assert!(is_flat(r));
        let got: Vec<i64> = keys(r).into_iter().map(|k| k.as_small().unwrap()).collect();
        assert_eq!(got, (1..=32).collect::<Vec<_>>());
    }

    #[test]
    fn full_hash_collisions_use_the_second_hash() {
        // 40660 and 59671 have the same 32-bit internal hash; OTP 25 orders
        // them by the salted second hash (maps:keys gives 40660 first).
        let mut h = Heap::new();
        let mut ps: Vec<(Term, Term)> = (1..=31).chain([40660, 59671]).map(|i| (Term::small(i), Term::NIL)).collect();
        let m = h.map_from_pairs(&mut ps);
        let ks: Vec<i64> = keys(m).into_iter().map(|k| k.as_small().unwrap()).collect();
        let p = |x| ks.iter().position(|&k| k == x).unwrap();
        assert_eq!(p(40660) + 1, p(59671));
        assert_eq!(map_get(m, Term::small(59671)), Some(Term::NIL));
        let m1 = map_put(&mut h, m, Term::small(100), Term::NIL);
        let m2 = map_remove(&mut h, m1, Term::small(40660));
        assert_eq!(map_get(m2, Term::small(40660)), None);
        assert_eq!(map_get(m2, Term::small(59671)), Some(Term::NIL));
        assert_eq!(map_size(m2), 33);
    }
}
