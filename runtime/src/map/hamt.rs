//! The hash array mapped trie behind maps of more than 32 keys.
//!
//! A key's path through the trie is its OTP map hash read 4 bits at a
//! time, least significant digit first: depths 0..8 use `map_hash(k, 0)`
//! (ERTS's `make_internal_hash(k, 0)`), depths 8..16 `map_hash(k, 1)` (the
//! salted rehash ERTS 13 uses when two keys' 32-bit hashes are equal), and
//! so on. An entry sits at the shallowest depth where no other key shares
//! its path; a node that would hold a single entry and nothing else does
//! not exist (the entry moves up into its parent). That is OTP's shape, and
//! walking each node in slot order (digit 0 first, an entry or a whole
//! subtree per slot) gives OTP's iteration order: by the digits of the
//! first hash, then of the second, and so on.
//!
//! A node (`Subtag::Map`, word 1 = kind | datamap | nodemap << 16) holds
//! its entries as the CHAMP layout does: first the key-value pairs of the
//! slots in `datamap`, in slot order, then the subtrees of the slots in
//! `nodemap`, in slot order. The head node also carries the map's size (a
//! small in word 2). Updates copy the path from the head to the changed
//! node (at most `MAX_DEPTH` nodes of at most 33 words) and share the rest.
//!
//! Keys that agree on all `MAX_DEPTH` digits (only distinct terms the
//! internal hash cannot tell apart, such as two funs with equal code
//! identity and environment hashes) end in a collision node: its pairs in
//! map-key order. ERTS would keep rehashing; no term we can build reaches
//! that depth by chance (it takes 8 equal 32-bit hashes).

use super::{kind, Heap, KIND_COLLISION, KIND_HEAD, KIND_NODE, KIND_SHIFT};
use crate::bif::hash::map_hash;
use crate::compare::{compare_exact, eq_exact};
use crate::term::{header, Subtag, Term};
use std::cmp::Ordering;

/// Digits in one 32-bit hash.
const DIGITS_PER_HASH: u32 = 8;
/// Depth at which keys with equal digits so far go to a collision node:
/// eight hashes' worth of digits.
const MAX_DEPTH: u32 = 8 * DIGITS_PER_HASH;

/// A key and its hash for the level of digits last asked for.
struct KeyHash {
    key: Term,
    level: u32,
    hash: u32,
}

impl KeyHash {
    fn new(key: Term) -> KeyHash {
        KeyHash { key, level: 0, hash: map_hash(key, 0) }
    }
    /// The key's digit at `depth`.
    #[inline]
    fn digit(&mut self, depth: u32) -> u32 {
        let level = depth / DIGITS_PER_HASH;
        if level != self.level {
            self.hash = map_hash(self.key, level);
            self.level = level;
        }
        (self.hash >> (4 * (depth % DIGITS_PER_HASH))) & 0xf
    }
}

/// A trie node (head or inner) read from the heap.
#[derive(Clone, Copy)]
struct Node {
    t: Term,
    head: bool,
    datamap: u32,
    nodemap: u32,
}

impl Node {
    fn of(t: Term) -> Node {
        let w = t.word(1);
        debug_assert!(matches!(w >> KIND_SHIFT, KIND_HEAD | KIND_NODE));
        Node { t, head: w >> KIND_SHIFT == KIND_HEAD, datamap: (w & 0xffff) as u32, nodemap: ((w >> 16) & 0xffff) as u32 }
    }
    /// Word index of the first entry.
    #[inline]
    fn base(&self) -> usize {
        if self.head {
            3
        } else {
            2
        }
    }
    #[inline]
    fn ndata(&self) -> usize {
        self.datamap.count_ones() as usize
    }
    #[inline]
    fn nkids(&self) -> usize {
        self.nodemap.count_ones() as usize
    }
    #[inline]
    fn data(&self, i: usize) -> (Term, Term) {
        let b = self.base() + 2 * i;
        (Term(self.t.word(b)), Term(self.t.word(b + 1)))
    }
    #[inline]
    fn kid(&self, j: usize) -> Term {
        Term(self.t.word(self.base() + 2 * self.ndata() + j))
    }
}

/// Index of slot `bit` among the set bits of `map` below it.
#[inline]
fn rank(map: u32, bit: u32) -> usize {
    (map & (bit - 1)).count_ones() as usize
}

/// A node's contents, taken apart for an edit (at most 16 of each).
struct Parts {
    datamap: u32,
    nodemap: u32,
    data: [(Term, Term); 16],
    nd: usize,
    kids: [Term; 16],
    nk: usize,
}

impl Parts {
    fn empty() -> Parts {
        Parts { datamap: 0, nodemap: 0, data: [(Term::NIL, Term::NIL); 16], nd: 0, kids: [Term::NIL; 16], nk: 0 }
    }
    fn of(n: &Node) -> Parts {
        let mut p = Parts::empty();
        p.datamap = n.datamap;
        p.nodemap = n.nodemap;
        p.nd = n.ndata();
        p.nk = n.nkids();
        for i in 0..p.nd {
            p.data[i] = n.data(i);
        }
        for j in 0..p.nk {
            p.kids[j] = n.kid(j);
        }
        p
    }
    fn insert_data(&mut self, bit: u32, k: Term, v: Term) {
        let i = rank(self.datamap, bit);
        self.data.copy_within(i..self.nd, i + 1);
        self.data[i] = (k, v);
        self.nd += 1;
        self.datamap |= bit;
    }
    fn remove_data(&mut self, bit: u32) -> (Term, Term) {
        let i = rank(self.datamap, bit);
        let e = self.data[i];
        self.data.copy_within(i + 1..self.nd, i);
        self.nd -= 1;
        self.datamap &= !bit;
        e
    }
    fn insert_kid(&mut self, bit: u32, c: Term) {
        let j = rank(self.nodemap, bit);
        self.kids.copy_within(j..self.nk, j + 1);
        self.kids[j] = c;
        self.nk += 1;
        self.nodemap |= bit;
    }
    fn remove_kid(&mut self, bit: u32) {
        let j = rank(self.nodemap, bit);
        self.kids.copy_within(j + 1..self.nk, j);
        self.nk -= 1;
        self.nodemap &= !bit;
    }
    /// Allocates the node; `size` makes it a head.
    fn write(&self, heap: &mut Heap, size: Option<usize>) -> Term {
        let extra = if size.is_some() { 2 } else { 1 };
        let n = extra + 2 * self.nd + self.nk;
        let p = heap.alloc(1 + n);
        let kind = if size.is_some() { KIND_HEAD } else { KIND_NODE };
        // SAFETY: 1 + n words allocated and every one is written below.
        unsafe {
            *p = header(Subtag::Map, n);
            *p.add(1) = (kind << KIND_SHIFT) | self.datamap as u64 | (self.nodemap as u64) << 16;
            let mut q = p.add(2);
            if let Some(s) = size {
                *q = Term::small(s as i64).0;
                q = q.add(1);
            }
            for &(k, v) in &self.data[..self.nd] {
                *q = k.0;
                *q.add(1) = v.0;
                q = q.add(2);
            }
            for &c in &self.kids[..self.nk] {
                *q = c.0;
                q = q.add(1);
            }
        }
        Term::boxed(p)
    }
}

// ---- collision nodes ----

fn collision_len(t: Term) -> usize {
    (t.word(1) & 0xffff_ffff) as usize
}

fn collision_pairs(t: Term) -> Vec<(Term, Term)> {
    (0..collision_len(t)).map(|i| (Term(t.word(2 + 2 * i)), Term(t.word(3 + 2 * i)))).collect()
}

/// A collision node of `pairs` (distinct keys), sorted here.
fn collision_node(heap: &mut Heap, mut pairs: Vec<(Term, Term)>) -> Term {
    pairs.sort_by(|a, b| compare_exact(a.0, b.0));
    let mut words = Vec::with_capacity(1 + 2 * pairs.len());
    words.push((KIND_COLLISION << KIND_SHIFT) | pairs.len() as u64);
    for (k, v) in pairs {
        words.push(k.0);
        words.push(v.0);
    }
    heap.boxed_words(Subtag::Map, &words)
}

// ---- reading ----

/// The size of a trie map (its head).
pub fn size(m: Term) -> usize {
    Term(m.word(2)).small_value() as usize
}

/// The value under `k`, if any.
pub fn get(m: Term, k: Term) -> Option<Term> {
    let mut kh = KeyHash::new(k);
    let mut t = m;
    let mut depth = 0;
    loop {
        if kind(t) == KIND_COLLISION {
            return collision_pairs(t).into_iter().find(|&(x, _)| eq_exact(x, k)).map(|(_, v)| v);
        }
        let n = Node::of(t);
        let bit = 1u32 << kh.digit(depth);
        if n.datamap & bit != 0 {
            let (x, v) = n.data(rank(n.datamap, bit));
            return if eq_exact(x, k) { Some(v) } else { None };
        }
        if n.nodemap & bit == 0 {
            return None;
        }
        t = n.kid(rank(n.nodemap, bit));
        depth += 1;
    }
}

/// Calls `f` on every entry in slot order (OTP's iteration order). The
/// recursion is at most `MAX_DEPTH` deep.
pub fn for_each(t: Term, f: &mut impl FnMut(Term, Term)) {
    if kind(t) == KIND_COLLISION {
        for (k, v) in collision_pairs(t) {
            f(k, v);
        }
        return;
    }
    let n = Node::of(t);
    let mut slots = n.datamap | n.nodemap;
    while slots != 0 {
        let bit = slots & slots.wrapping_neg();
        slots &= !bit;
        if n.datamap & bit != 0 {
            let (k, v) = n.data(rank(n.datamap, bit));
            f(k, v);
        } else {
            for_each(n.kid(rank(n.nodemap, bit)), f);
        }
    }
}

/// One slot of a trie node, for printing the trie as ERTS does.
pub enum Slot {
    Leaf(Term, Term),
    Node(Term),
}

/// A trie node's bitmap (one bit per occupied slot; 0 for a collision
/// node) and its slots in order. `t` is a trie head or a `Slot::Node`.
pub fn trie_slots(t: Term) -> (u32, Vec<Slot>) {
    if kind(t) == KIND_COLLISION {
        return (0, collision_pairs(t).into_iter().map(|(k, v)| Slot::Leaf(k, v)).collect());
    }
    let n = Node::of(t);
    let all = n.datamap | n.nodemap;
    let mut out = Vec::new();
    let mut slots = all;
    while slots != 0 {
        let bit = slots & slots.wrapping_neg();
        slots &= !bit;
        if n.datamap & bit != 0 {
            let (k, v) = n.data(rank(n.datamap, bit));
            out.push(Slot::Leaf(k, v));
        } else {
            out.push(Slot::Node(n.kid(rank(n.nodemap, bit))));
        }
    }
    (all, out)
}

// ---- updating ----

/// `m#{k => v}` on a trie map.
pub fn put(heap: &mut Heap, m: Term, k: Term, v: Term) -> Term {
    let mut kh = KeyHash::new(k);
    match put_in(heap, m, 0, &mut kh, v) {
        Some((t, _)) => t,
        None => m,
    }
}

/// Puts into the subtree `t` at `depth`: the new subtree and whether a key
/// was added, or `None` when the key already maps to `v` (identical word).
fn put_in(heap: &mut Heap, t: Term, depth: u32, kh: &mut KeyHash, v: Term) -> Option<(Term, bool)> {
    if kind(t) == KIND_COLLISION {
        let mut ps = collision_pairs(t);
        match ps.iter().position(|&(x, _)| eq_exact(x, kh.key)) {
            Some(i) if ps[i].1 == v => return None,
            Some(i) => ps[i].1 = v,
            None => ps.push((kh.key, v)),
        }
        let added = ps.len() > collision_len(t);
        return Some((collision_node(heap, ps), added));
    }
    let n = Node::of(t);
    let bit = 1u32 << kh.digit(depth);
    let mut p = Parts::of(&n);
    let added = if n.datamap & bit != 0 {
        let i = rank(n.datamap, bit);
        let (k2, v2) = p.data[i];
        if eq_exact(k2, kh.key) {
            if v2 == v {
                return None;
            }
            p.data[i].1 = v;
            false
        } else {
            let mut kh2 = KeyHash::new(k2);
            let sub = pair_subtree(heap, depth + 1, (&mut kh2, v2), (kh, v));
            p.remove_data(bit);
            p.insert_kid(bit, sub);
            true
        }
    } else if n.nodemap & bit != 0 {
        let j = rank(n.nodemap, bit);
        let (c, added) = put_in(heap, p.kids[j], depth + 1, kh, v)?;
        p.kids[j] = c;
        added
    } else {
        p.insert_data(bit, kh.key, v);
        true
    };
    let size = if n.head { Some(size(t) + added as usize) } else { None };
    Some((p.write(heap, size), added))
}

/// The smallest subtree at `depth` holding two entries whose paths agree
/// up to `depth`.
fn pair_subtree(heap: &mut Heap, depth: u32, a: (&mut KeyHash, Term), b: (&mut KeyHash, Term)) -> Term {
    if depth >= MAX_DEPTH {
        return collision_node(heap, vec![(a.0.key, a.1), (b.0.key, b.1)]);
    }
    let (da, db) = (a.0.digit(depth), b.0.digit(depth));
    let mut p = Parts::empty();
    if da != db {
        p.insert_data(1 << da, a.0.key, a.1);
        p.insert_data(1 << db, b.0.key, b.1);
    } else {
        let sub = pair_subtree(heap, depth + 1, a, b);
        p.insert_kid(1 << da, sub);
    }
    p.write(heap, None)
}

/// What removing a key did to a subtree.
enum Removed {
    NotFound,
    /// The new subtree.
    Node(Term),
    /// Only this entry is left: the parent takes it in place of the subtree.
    Single(Term, Term),
}

/// `maps:remove(k, m)` on a trie map of more than 33 keys that holds `k`
/// (at 33 the caller builds a flat map instead).
pub fn remove(heap: &mut Heap, m: Term, k: Term) -> Term {
    let mut kh = KeyHash::new(k);
    match remove_in(heap, m, 0, &mut kh) {
        Removed::Node(t) => t,
        Removed::NotFound => m,
        Removed::Single(..) => unreachable!("a head keeps its entries"),
    }
}

fn remove_in(heap: &mut Heap, t: Term, depth: u32, kh: &mut KeyHash) -> Removed {
    if kind(t) == KIND_COLLISION {
        let mut ps = collision_pairs(t);
        let Some(i) = ps.iter().position(|&(x, _)| eq_exact(x, kh.key)) else { return Removed::NotFound };
        ps.remove(i);
        if ps.len() == 1 {
            return Removed::Single(ps[0].0, ps[0].1);
        }
        return Removed::Node(collision_node(heap, ps));
    }
    let n = Node::of(t);
    let bit = 1u32 << kh.digit(depth);
    let mut p = Parts::of(&n);
    if n.datamap & bit != 0 {
        let (x, _) = n.data(rank(n.datamap, bit));
        if !eq_exact(x, kh.key) {
            return Removed::NotFound;
        }
        p.remove_data(bit);
        if !n.head && p.nd == 1 && p.nk == 0 {
            return Removed::Single(p.data[0].0, p.data[0].1);
        }
    } else if n.nodemap & bit != 0 {
        let j = rank(n.nodemap, bit);
        match remove_in(heap, p.kids[j], depth + 1, kh) {
            Removed::NotFound => return Removed::NotFound,
            Removed::Node(c) => p.kids[j] = c,
            Removed::Single(k, v) => {
                if !n.head && p.nd == 0 && p.nk == 1 {
                    // This node only led to that subtree: it goes too.
                    return Removed::Single(k, v);
                }
                p.remove_kid(bit);
                p.insert_data(bit, k, v);
            }
        }
    } else {
        return Removed::NotFound;
    }
    let size = if n.head { Some(size(t) - 1) } else { None };
    Removed::Node(p.write(heap, size))
}

// ---- building ----

/// An entry being placed by `build`.
struct Entry {
    kh: KeyHash,
    value: Term,
    /// The first hash with its digits reversed: sorting by it sorts by
    /// path (least significant digit first).
    path: u32,
}

/// Compares two entries by trie path, then (the paths being equal all the
/// way down) in map-key order, so equal keys end up adjacent.
fn path_order(a: &Entry, b: &Entry) -> Ordering {
    let o = a.path.cmp(&b.path);
    if o != Ordering::Equal || eq_exact(a.kh.key, b.kh.key) {
        return o;
    }
    // Equal first hashes (rare): compare the rehashes, level by level.
    for level in 1..MAX_DEPTH / DIGITS_PER_HASH {
        let (x, y) = (map_hash(a.kh.key, level), map_hash(b.kh.key, level));
        let o = nibble_reverse(x).cmp(&nibble_reverse(y));
        if o != Ordering::Equal {
            return o;
        }
    }
    compare_exact(a.kh.key, b.kh.key)
}

fn entry(k: Term, v: Term) -> Entry {
    let kh = KeyHash::new(k);
    Entry { path: nibble_reverse(kh.hash), kh, value: v }
}

/// `h` with its eight 4-bit digits in reverse order.
#[inline]
fn nibble_reverse(h: u32) -> u32 {
    let h = h.swap_bytes();
    ((h & 0x0f0f_0f0f) << 4) | ((h >> 4) & 0x0f0f_0f0f)
}

/// A map of `pairs` (more than 32 of them, any order; a later pair wins
/// over an earlier one with the same key). Flat if duplicates leave 32
/// keys or fewer.
pub fn from_pairs(heap: &mut Heap, pairs: &[(Term, Term)]) -> Term {
    let mut es: Vec<Entry> = pairs.iter().map(|&(k, v)| entry(k, v)).collect();
    // Stable: of equal keys, the later pair stays later and wins below.
    es.sort_by(path_order);
    let mut unique: Vec<Entry> = Vec::with_capacity(es.len());
    for e in es {
        if let Some(last) = unique.last_mut() {
            if last.path == e.path && eq_exact(last.kh.key, e.kh.key) {
                *last = e;
                continue;
            }
        }
        unique.push(e);
    }
    if unique.len() <= super::SMALL_MAP_LIMIT {
        let mut ps: Vec<(Term, Term)> = unique.iter().map(|e| (e.kh.key, e.value)).collect();
        ps.sort_by(|a, b| compare_exact(a.0, b.0));
        return super::flat_from_sorted_pairs(heap, &ps);
    }
    let n = unique.len();
    build(heap, &mut unique, 0, Some(n))
}

/// A trie map of `pairs`, more than 32 of them with distinct keys.
pub fn from_unique_pairs(heap: &mut Heap, pairs: &[(Term, Term)]) -> Term {
    debug_assert!(pairs.len() > super::SMALL_MAP_LIMIT);
    from_pairs(heap, pairs)
}

/// The subtree at `depth` for `es`, sorted by path, all agreeing on the
/// digits above `depth`; `size` makes it the head.
fn build(heap: &mut Heap, es: &mut [Entry], depth: u32, size: Option<usize>) -> Term {
    if depth >= MAX_DEPTH {
        return collision_node(heap, es.iter().map(|e| (e.kh.key, e.value)).collect());
    }
    let mut p = Parts::empty();
    let mut i = 0;
    while i < es.len() {
        let d = es[i].kh.digit(depth);
        let mut j = i + 1;
        while j < es.len() && es[j].kh.digit(depth) == d {
            j += 1;
        }
        if j - i == 1 {
            p.insert_data(1 << d, es[i].kh.key, es[i].value);
        } else {
            let sub = build(heap, &mut es[i..j], depth + 1, None);
            p.insert_kid(1 << d, sub);
        }
        i = j;
    }
    p.write(heap, size)
}
