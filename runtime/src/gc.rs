//! The per-process copying collector (Cheney), run by the owning process at
//! a safe point, never stopping any other process.
//!
//! From-space is everything the heap owns: its chunks and the message
//! fragments it attached. Everything reachable from the roots that lies in
//! from-space is copied to fresh to-space chunks; pointers elsewhere
//! (module literals) are left as they are. A copied object's first word is
//! overwritten with a forwarding pointer:
//!   - boxed object: its header becomes `new address | TAG_BOXED` (a header
//!     never has tag 10, so the two cannot be confused);
//!   - cons cell: its head becomes `Term::NONE` (never a real head) and its
//!     tail the new cons term.
//! After the copy, off-heap objects that were not forwarded are dead and
//! release their reference counts.
//!
//! The collector is not generational: a process's live data is copied by
//! every collection, and the allocation area given afterwards is as large as
//! the live data (at least `MIN_ALLOC_AREA_WORDS`), so copying costs O(1) per
//! allocated word amortised. Queued messages are not part of the heap until
//! they are received, so a long mailbox is never copied.

use crate::heap::{Chunk, Heap, MIN_ALLOC_AREA_WORDS};
use crate::term::{header_size, header_subtag, Subtag, Term, TAG_BOXED, TAG_HEADER, TAG_LIST, TAG_PRIMARY_MASK};

/// Whether every safe point collects (`ACT_GC_STRESS=1`), to flush out
/// terms held across a collection without being rooted.
pub fn stress_enabled() -> bool {
    use std::sync::OnceLock;
    static STRESS: OnceLock<bool> = OnceLock::new();
    *STRESS.get_or_init(|| std::env::var("ACT_GC_STRESS").map(|v| v == "1").unwrap_or(false))
}

struct FromSpace {
    /// (start, end) byte addresses of every from-space block, sorted.
    ranges: Vec<(usize, usize)>,
    /// The lowest start and highest end: a pointer outside them (most
    /// literals) is rejected with two compares.
    lo: usize,
    hi: usize,
}

impl FromSpace {
    #[inline]
    fn contains(&self, p: *const u64) -> bool {
        let a = p as usize;
        if a < self.lo || a >= self.hi {
            return false;
        }
        if self.ranges.len() <= 8 {
            // Usually 1-3 ranges: a linear scan beats a binary search.
            return self.ranges.iter().any(|&(s, e)| a >= s && a < e);
        }
        // Sorted, disjoint: the last range starting at or before `a`.
        let i = self.ranges.partition_point(|&(s, _)| s <= a);
        i > 0 && a < self.ranges[i - 1].1
    }
}

/// Collects `heap`. `roots` are every term the process can still reach:
/// registers, stack, process dictionary, exception state. They are updated
/// in place to the new addresses.
pub fn collect(heap: &mut Heap, roots: &mut [&mut [Term]]) {
    let mut ranges = heap.blocks();
    ranges.sort_unstable();
    let lo = ranges.first().map_or(0, |r| r.0);
    let hi = ranges.iter().map(|r| r.1).max().unwrap_or(0);
    let from = FromSpace { ranges, lo, hi };
    // The first to-space chunk is sized for what survived last time plus
    // a quarter: a steady process copies into one chunk; a growing one
    // opens chunks of doubling size.
    let estimate = (heap.live_after_gc() + heap.live_after_gc() / 4).max(MIN_ALLOC_AREA_WORDS);
    let mut to = ToSpace::new(estimate);

    let root_words: usize = roots.iter().map(|s| s.len()).sum();
    for slice in roots.iter_mut() {
        for t in slice.iter_mut() {
            *t = evacuate(*t, &from, &mut to);
        }
    }
    // Cheney scan: walk the copied objects in order, evacuating what they
    // point to. Chunk `ci` is scanned from `scan` to its fill (`to.top` for
    // the chunk being filled, which may grow while it is scanned).
    let mut ci = 0;
    let mut scan = to.chunks[0].start();
    loop {
        let fill = if ci + 1 == to.chunks.len() { to.top } else { to.fills[ci] };
        if scan >= fill {
            if ci + 1 == to.chunks.len() {
                break;
            }
            ci += 1;
            scan = to.chunks[ci].start();
            continue;
        }
        // SAFETY: scan < fill: a copied word, the first of an object.
        unsafe {
            let w = *scan;
            if w & TAG_PRIMARY_MASK == TAG_HEADER {
                let size = header_size(w);
                let (first, count) = term_words(w);
                for k in first..first + count {
                    let slot = scan.add(k);
                    *slot = evacuate(Term(*slot), &from, &mut to).0;
                }
                scan = scan.add(1 + size);
            } else {
                // A cons cell: two terms.
                *scan = evacuate(Term(*scan), &from, &mut to).0;
                let tail = scan.add(1);
                *tail = evacuate(Term(*tail), &from, &mut to).0;
                scan = scan.add(2);
            }
        }
    }

    // Off-heap objects: survivors move to the new list, the dead release.
    let old = heap.take_off_heap();
    let mut survivors = Vec::new();
    for t in old {
        let h = t.header();
        if h & TAG_PRIMARY_MASK == TAG_BOXED {
            survivors.push(Term(h));
        } else {
            crate::offheap::release(t);
        }
    }

    let live = to.copied;
    // The next collection costs O(live + roots): allocating at least that
    // much before it keeps collection cost O(1) per allocated word, even
    // for a deep stack of mostly small integers.
    let alloc_area = live.max(root_words).max(MIN_ALLOC_AREA_WORDS);
    let ToSpace { chunks, top, .. } = to;
    heap.install_after_gc(chunks, top, alloc_area, live);
    if !survivors.is_empty() {
        *heap.off_heap_mut() = survivors;
    }
    #[cfg(debug_assertions)]
    verify(heap, roots);
}

/// Where survivors are copied: chunks filled in order, each full one's fill
/// pointer kept in `fills` for the scan.
struct ToSpace {
    chunks: Vec<Chunk>,
    fills: Vec<*mut u64>,
    top: *mut u64,
    end: *mut u64,
    copied: usize,
}

impl ToSpace {
    fn new(words: usize) -> ToSpace {
        let c = Chunk::new(words);
        let (top, end) = (c.start(), c.end());
        ToSpace { chunks: vec![c], fills: Vec::new(), top, end, copied: 0 }
    }

    #[inline]
    fn alloc(&mut self, n: usize) -> *mut u64 {
        self.copied += n;
        if (self.end as usize - self.top as usize) >= n * 8 {
            let p = self.top;
            // SAFETY: p + n is within the chunk.
            self.top = unsafe { p.add(n) };
            return p;
        }
        self.alloc_slow(n)
    }

    /// A new chunk, twice the size of the last: a heap that grew a lot
    /// since the last collection is copied into O(log n) chunks.
    #[cold]
    fn alloc_slow(&mut self, n: usize) -> *mut u64 {
        self.fills.push(self.top);
        let size = n.max(2 * self.chunks.last().unwrap().len());
        let c = Chunk::new(size);
        let p = c.start();
        self.end = c.end();
        self.chunks.push(c);
        // SAFETY: the chunk has size >= n words.
        self.top = unsafe { p.add(n) };
        p
    }
}

/// Which words of an object with header `h` are terms: (first index, count),
/// indices counted from the header (1 = first payload word).
#[inline]
pub(crate) fn term_words(h: u64) -> (usize, usize) {
    let size = header_size(h);
    match header_subtag(h) {
        Subtag::Tuple => (1, size),
        Subtag::BigPos | Subtag::BigNeg | Subtag::Float | Subtag::Ref => (1, 0),
        Subtag::Fun => (2, size - 1),
        Subtag::Export => (1, size),
        Subtag::HeapBin | Subtag::RefcBin => (1, 0),
        Subtag::SubBin => (3, 1),
        Subtag::Map => (2, size - 1),
        Subtag::MatchCtx => (1, 1),
        // Word 1 is a pointer to off-heap data, not a term.
        Subtag::Chan => (1, 0),
    }
}

/// Copies the object `t` points to into to-space (once) and returns the
/// term for its new address. Immediates and pointers outside from-space are
/// returned unchanged.
#[inline(always)]
fn evacuate(t: Term, from: &FromSpace, to: &mut ToSpace) -> Term {
    match t.0 & TAG_PRIMARY_MASK {
        TAG_LIST => {
            let p = t.ptr() as *mut u64;
            if !from.contains(p) {
                return t;
            }
            // SAFETY: p is a live cons cell in from-space (2 words).
            unsafe {
                if Term(*p) == Term::NONE {
                    return Term(*p.add(1)); // already forwarded
                }
                let q = to.alloc(2);
                *q = *p;
                *q.add(1) = *p.add(1);
                let new = Term::cons_ptr(q);
                *p = Term::NONE.0;
                *p.add(1) = new.0;
                new
            }
        }
        TAG_BOXED => {
            let p = t.ptr() as *mut u64;
            if !from.contains(p) {
                return t;
            }
            // SAFETY: p is a live boxed object in from-space; its header
            // gives its size.
            unsafe {
                let h = *p;
                if h & TAG_PRIMARY_MASK == TAG_BOXED {
                    return Term(h); // already forwarded
                }
                let n = 1 + header_size(h);
                let q = to.alloc(n);
                std::ptr::copy_nonoverlapping(p, q, n);
                let new = Term::boxed(q);
                *p = new.0;
                new
            }
        }
        _ => t,
    }
}

/// The debug heap verifier: every term reachable from the roots is well
/// formed and every pointer goes into this heap or outside it (a literal),
/// never into freed memory we can recognise (a forwarded object).
#[cfg(debug_assertions)]
pub fn verify(heap: &Heap, roots: &[&mut [Term]]) {
    let mut stack: Vec<Term> = roots.iter().flat_map(|s| s.iter().copied()).collect();
    let mut seen = std::collections::HashSet::new();
    while let Some(t) = stack.pop() {
        match t.0 & TAG_PRIMARY_MASK {
            TAG_LIST => {
                if !seen.insert(t.0) {
                    continue;
                }
                let h = t.head();
                assert!(h != Term::NONE, "verify: cons cell {t:#x?} is a forwarding marker", t = t.0);
                assert!(h.0 & TAG_PRIMARY_MASK != TAG_HEADER, "verify: cons head is a header word");
                stack.push(h);
                stack.push(t.tail());
            }
            TAG_BOXED => {
                if !seen.insert(t.0) {
                    continue;
                }
                let h = t.header();
                assert!(h & TAG_PRIMARY_MASK == TAG_HEADER, "verify: boxed term points at a non-header {h:#x}");
                let (first, count) = term_words(h);
                for k in first..first + count {
                    stack.push(Term(t.word(k)));
                }
            }
            TAG_HEADER => panic!("verify: a header word used as a term: {:#x}", t.0),
            _ => {}
        }
        let _ = heap;
    }
}
