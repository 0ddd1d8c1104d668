//! The per-process generational copying collector (Cheney), run by the
//! owning process at a safe point, never stopping any other process.
//!
//! Two generations, as in BEAM (`heap.rs` invariants 7 and 8):
//!   - A **minor** collection copies only the young generation: the blocks
//!     allocated since the last collection (the allocation area, overflow
//!     chunks, attached message fragments) and what survived the last
//!     collection (*aged*). Live aged objects are promoted to the old
//!     generation; live new ones are copied to a fresh young to-space,
//!     where they are aged from then on. So an object is copied at most
//!     twice before it is old, and the old generation is not copied at
//!     all: a large long-lived structure (binarytrees' long-lived tree, a
//!     server's state) costs nothing per minor collection.
//!   - A **major** collection copies everything into a fresh old
//!     generation. It runs when promotion would take the old generation
//!     past twice what the last major collection left live (each major one
//!     then costs O(1) per promoted word), on `garbage_collect/0`, and
//!     under GC stress every fourth collection.
//! Old objects are never scanned by a minor collection: nothing old points
//! to anything young (invariant 8), so the roots and the promoted objects
//! reach everything young that is live.
//!
//! Copying: everything reachable that lies in from-space is copied once; a
//! pointer elsewhere (the old generation in a minor collection, module
//! literals) is left as it is. A copied object's first word is overwritten
//! with a forwarding pointer:
//!   - boxed object: its header becomes `new address | TAG_BOXED` (a header
//!     never has tag 10, so the two cannot be confused);
//!   - cons cell: its head becomes `Term::NONE` (never a real head) and its
//!     tail the new cons term.
//! Both destinations are scanned in turn until neither has unscanned
//! objects. After the copy, off-heap objects of the collected blocks that
//! were not forwarded are dead and release their reference counts.
//!
//! The allocation area given after a minor collection is as large as the
//! young survivors and the roots (at least `MIN_ALLOC_AREA_WORDS`), so a
//! minor collection costs O(1) per allocated word amortised. Queued
//! messages are not part of the heap until they are received, so a long
//! mailbox is never copied.

use crate::heap::{Block, Chunk, Heap, MIN_ALLOC_AREA_WORDS, MIN_OLD_LIMIT_WORDS};
use crate::term::{header_size, header_subtag, Subtag, Term, TAG_BOXED, TAG_HEADER, TAG_LIST, TAG_PRIMARY_MASK};

/// Whether every safe point collects (`ACT_GC_STRESS=1`), to flush out
/// terms held across a collection without being rooted.
pub fn stress_enabled() -> bool {
    use std::sync::OnceLock;
    static STRESS: OnceLock<bool> = OnceLock::new();
    *STRESS.get_or_init(|| std::env::var("ACT_GC_STRESS").map(|v| v == "1").unwrap_or(false))
}

/// The blocks being collected, sorted by address.
struct FromSpace {
    blocks: Vec<Block>,
    /// The lowest start and highest end: a pointer outside them (most
    /// literals, and the old generation in a minor collection when it lies
    /// elsewhere) is rejected with two compares.
    lo: usize,
    hi: usize,
}

impl FromSpace {
    fn new(mut blocks: Vec<Block>) -> FromSpace {
        blocks.sort_unstable_by_key(|b| b.start);
        let lo = blocks.first().map_or(0, |b| b.start);
        let hi = blocks.iter().map(|b| b.end).max().unwrap_or(0);
        FromSpace { blocks, lo, hi }
    }

    /// `None`: `p` is not being collected (old generation in a minor
    /// collection, literal); `Some(true)`: aged (it goes to the old
    /// generation), `Some(false)`: new (it stays young).
    #[inline]
    fn classify(&self, p: *const u64) -> Option<bool> {
        let a = p as usize;
        if a < self.lo || a >= self.hi {
            return None;
        }
        let b = if self.blocks.len() <= 8 {
            // Usually 1-3 blocks: a linear scan beats a binary search.
            self.blocks.iter().find(|b| a >= b.start && a < b.end)?
        } else {
            // Sorted, disjoint: the last block starting at or before `a`.
            let i = self.blocks.partition_point(|b| b.start <= a);
            let b = &self.blocks[i.checked_sub(1)?];
            if a >= b.end {
                return None;
            }
            b
        };
        Some(a < b.aged_end)
    }
}

/// The two destinations of a collection.
struct Spaces {
    young: Space,
    old: Space,
}

/// Collects `heap`: a minor collection (the young generation: aged
/// objects promoted to the old generation, new ones copied within the
/// young) or, with `major` or when the old generation is full, a major one
/// (everything, survivors all placed in a fresh old generation). `roots`
/// are every term the process can still reach: registers, stack, process
/// dictionary, exception state. They are updated in place.
pub fn collect(heap: &mut Heap, roots: &mut [&mut [Term]], major: bool) {
    let root_words: usize = roots.iter().map(|s| s.len()).sum();
    let young = heap.young_blocks();
    let aged_words: usize = young.iter().map(|b| (b.aged_end - b.start) / 8).sum();
    let (old_words, old_limit) = heap.old_words_and_limit();
    if major || heap.major_due() || old_words + aged_words > old_limit {
        collect_major(heap, roots, young, root_words);
    } else {
        collect_minor(heap, roots, young, aged_words, root_words);
    }
    #[cfg(debug_assertions)]
    verify(heap, roots);
}

fn collect_minor(heap: &mut Heap, roots: &mut [&mut [Term]], young: Vec<Block>, aged_words: usize, root_words: usize) {
    // New words: an upper bound on what stays young.
    let new_words: usize = young.iter().map(|b| (b.end - b.aged_end) / 8).sum::<usize>();
    let new_words = new_words.min(heap.new_words_in_area() + {
        let m = heap.more();
        m.overflow_words + m.fragment_words
    });
    let from = FromSpace::new(young);
    let m = heap.more();
    // The young to-space is sized for what stayed young last time (plus a
    // quarter) and for an allocation area after it, so that one chunk
    // usually serves both.
    let expect = new_words.min(m.live_after_gc + m.live_after_gc / 4 + MIN_ALLOC_AREA_WORDS);
    let young_space = Space::new(expect + expect.max(root_words).max(MIN_ALLOC_AREA_WORDS));
    let mut old_space = Space {
        chunks: std::mem::take(&mut m.old),
        fills: std::mem::take(&mut m.old_fills),
        top: m.old_top,
        end: std::ptr::null_mut(),
        copied: 0,
    };
    old_space.end = old_space.chunks.last().map_or(std::ptr::null_mut(), |c| c.end());
    // Room for every aged word, so promotion opens at most this one chunk.
    old_space.reserve(aged_words);
    let mut sp = Spaces { young: young_space, old: old_space };
    let old_scan = Cursor::at_top(&sp.old);
    let young_scan = Cursor::start(&sp.young);
    copy_live(&from, roots, &mut sp, young_scan, old_scan);

    // Off-heap objects of the young generation: the promoted join the old
    // list, the other survivors stay, the dead release.
    let m = heap.more();
    let old_list = std::mem::take(&mut m.off_heap);
    for t in old_list {
        let h = t.header();
        if h & TAG_PRIMARY_MASK == TAG_BOXED {
            if sp.old.holds(Term(h).ptr()) {
                m.old_off_heap.push(Term(h));
            } else {
                m.off_heap.push(Term(h));
            }
        } else {
            crate::offheap::release(t);
        }
    }
    let Spaces { young: y, old: o } = sp;
    m.old = o.chunks;
    m.old_fills = o.fills;
    m.old_top = o.top;
    m.old_words += o.copied;
    let live = y.copied;
    // The next minor collection costs O(young live + roots): allocating at
    // least that much before it keeps collection cost O(1) per allocated
    // word, even for a deep stack of mostly small integers. The area also
    // grows with the old generation, as the single-generation collector's
    // did with all live data: a structure built over many allocations
    // (a tree under construction, all of it live) then spans fewer minor
    // collections, each of which copies it once more (binarytrees:
    // 1,233 collections and 202M instructions of GC with the area sized
    // by young data alone).
    let area = (live + m.old_words).max(root_words).max(MIN_ALLOC_AREA_WORDS);
    heap.install_young(y.chunks, y.top, area, live);
}

fn collect_major(heap: &mut Heap, roots: &mut [&mut [Term]], young: Vec<Block>, root_words: usize) {
    // Everything is aged here: every survivor goes to the new old space.
    let mut blocks: Vec<Block> = young.into_iter().chain(heap.old_blocks()).map(|b| Block { aged_end: b.end, ..b }).collect();
    blocks.retain(|b| b.end > b.start);
    let from = FromSpace::new(blocks);
    let m = heap.more();
    let estimate = m.old_words.min(m.old_limit / 2) + m.live_after_gc + MIN_ALLOC_AREA_WORDS;
    let mut sp = Spaces { young: Space::empty(), old: Space::new(estimate) };
    let (young_scan, old_scan) = (Cursor::start(&sp.young), Cursor::start(&sp.old));
    copy_live(&from, roots, &mut sp, young_scan, old_scan);
    debug_assert_eq!(sp.young.copied, 0);

    let m = heap.more();
    let lists = [std::mem::take(&mut m.off_heap), std::mem::take(&mut m.old_off_heap)];
    for t in lists.into_iter().flatten() {
        let h = t.header();
        if h & TAG_PRIMARY_MASK == TAG_BOXED {
            m.old_off_heap.push(Term(h));
        } else {
            crate::offheap::release(t);
        }
    }
    let o = sp.old;
    let live = o.copied;
    m.old = o.chunks;
    m.old_fills = o.fills;
    m.old_top = o.top;
    m.old_words = live;
    m.old_live_at_major = live;
    // Promotion may double the old generation before the next major
    // collection: each major one then costs O(1) per promoted word.
    m.old_limit = (2 * live).max(MIN_OLD_LIMIT_WORDS);
    let area = m.next_chunk_words.max(root_words).max(MIN_ALLOC_AREA_WORDS);
    heap.install_after_major(area);
}

/// Where a scan stands in a space: chunk index and next word.
struct Cursor {
    ci: usize,
    scan: *mut u64,
}

impl Cursor {
    fn start(s: &Space) -> Cursor {
        Cursor { ci: 0, scan: s.chunks.first().map_or(std::ptr::null_mut(), |c| c.start()) }
    }
    /// At the space's fill: only what is copied from now on is scanned.
    fn at_top(s: &Space) -> Cursor {
        Cursor { ci: s.chunks.len().saturating_sub(1), scan: s.top }
    }
}

/// Evacuates the roots, then scans both destinations (Cheney) until
/// neither has unscanned objects: a copied object's pointers are evacuated
/// in turn.
fn copy_live(from: &FromSpace, roots: &mut [&mut [Term]], sp: &mut Spaces, mut young: Cursor, mut old: Cursor) {
    for slice in roots.iter_mut() {
        for t in slice.iter_mut() {
            *t = evacuate(*t, from, sp);
        }
    }
    loop {
        let a = scan(from, sp, &mut young, false);
        let b = scan(from, sp, &mut old, true);
        if !a && !b {
            break;
        }
    }
}

/// Scans the young (`in_old` false) or old destination from `cur` to its
/// fill, evacuating what the scanned objects point to. Whether it scanned
/// anything.
fn scan(from: &FromSpace, sp: &mut Spaces, cur: &mut Cursor, in_old: bool) -> bool {
    let mut any = false;
    loop {
        let s = if in_old { &sp.old } else { &sp.young };
        if s.chunks.is_empty() {
            return any;
        }
        let last = cur.ci + 1 == s.chunks.len();
        let fill = if last { s.top } else { s.fills[cur.ci] };
        if cur.scan >= fill {
            if last {
                return any;
            }
            cur.ci += 1;
            cur.scan = s.chunks[cur.ci].start();
            continue;
        }
        any = true;
        // SAFETY: cur.scan < fill: a copied word, the first of an object.
        unsafe {
            let p = cur.scan;
            let w = *p;
            if w & TAG_PRIMARY_MASK == TAG_HEADER {
                let size = header_size(w);
                let (first, count) = term_words(w);
                for k in first..first + count {
                    let slot = p.add(k);
                    *slot = evacuate(Term(*slot), from, sp).0;
                }
                cur.scan = p.add(1 + size);
            } else {
                // A cons cell: two terms.
                *p = evacuate(Term(*p), from, sp).0;
                let tail = p.add(1);
                *tail = evacuate(Term(*tail), from, sp).0;
                cur.scan = p.add(2);
            }
        }
    }
}

/// A destination: chunks filled in order, each full one's fill pointer
/// kept in `fills` for the scan.
struct Space {
    chunks: Vec<Chunk>,
    fills: Vec<*mut u64>,
    top: *mut u64,
    end: *mut u64,
    copied: usize,
}

impl Space {
    fn empty() -> Space {
        Space { chunks: Vec::new(), fills: Vec::new(), top: std::ptr::null_mut(), end: std::ptr::null_mut(), copied: 0 }
    }

    fn new(words: usize) -> Space {
        let mut s = Space::empty();
        s.open(words.max(1));
        s
    }

    fn open(&mut self, size: usize) {
        if !self.chunks.is_empty() {
            self.fills.push(self.top);
        }
        let c = Chunk::new(size);
        self.top = c.start();
        self.end = c.end();
        self.chunks.push(c);
    }

    /// Makes sure `n` words fit without opening a chunk.
    fn reserve(&mut self, n: usize) {
        if (self.end as usize).wrapping_sub(self.top as usize) < n * 8 {
            let last = self.chunks.last().map_or(0, |c| c.len());
            self.open(n.max(2 * last).max(MIN_ALLOC_AREA_WORDS));
        }
    }

    /// Whether `p` lies in this space.
    fn holds(&self, p: *const u64) -> bool {
        let a = p as usize;
        self.chunks.iter().any(|c| a >= c.start() as usize && a < c.end() as usize)
    }

    #[inline]
    fn alloc(&mut self, n: usize) -> *mut u64 {
        self.copied += n;
        if (self.end as usize).wrapping_sub(self.top as usize) >= n * 8 {
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
        let last = self.chunks.last().map_or(0, |c| c.len());
        self.open(n.max(2 * last).max(MIN_ALLOC_AREA_WORDS));
        let p = self.top;
        // SAFETY: the chunk has at least n words.
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

/// Copies the object `t` points to (once) into the destination its block
/// says, and returns the term for its new address. Immediates and pointers
/// outside from-space are returned unchanged.
#[inline(always)]
fn evacuate(t: Term, from: &FromSpace, sp: &mut Spaces) -> Term {
    let tag = t.0 & TAG_PRIMARY_MASK;
    if tag != TAG_LIST && tag != TAG_BOXED {
        return t;
    }
    let p = t.ptr() as *mut u64;
    let Some(aged) = from.classify(p) else { return t };
    let to = if aged { &mut sp.old } else { &mut sp.young };
    // SAFETY: p is a live object in from-space: a cons cell (2 words) or a
    // boxed object whose header gives its size.
    unsafe {
        if tag == TAG_LIST {
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
        } else {
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
}

/// The debug heap verifier: every term reachable from the roots is well
/// formed, never a forwarded object, and no object of the old generation
/// points into the young one (invariant 8).
#[cfg(debug_assertions)]
pub fn verify(heap: &Heap, roots: &[&mut [Term]]) {
    let young = heap.young_blocks();
    let old = heap.old_blocks();
    let inside = |bs: &[Block], t: Term| {
        let a = t.0 as usize & !(TAG_PRIMARY_MASK as usize);
        matches!(t.0 & TAG_PRIMARY_MASK, TAG_LIST | TAG_BOXED) && bs.iter().any(|b| a >= b.start && a < b.end)
    };
    let mut stack: Vec<Term> = roots.iter().flat_map(|s| s.iter().copied()).collect();
    let mut seen = std::collections::HashSet::new();
    while let Some(t) = stack.pop() {
        let children: Vec<Term> = match t.0 & TAG_PRIMARY_MASK {
            TAG_LIST => {
                if !seen.insert(t.0) {
                    continue;
                }
                let h = t.head();
                assert!(h != Term::NONE, "verify: cons cell {t:#x?} is a forwarding marker", t = t.0);
                assert!(h.0 & TAG_PRIMARY_MASK != TAG_HEADER, "verify: cons head is a header word");
                vec![h, t.tail()]
            }
            TAG_BOXED => {
                if !seen.insert(t.0) {
                    continue;
                }
                let h = t.header();
                assert!(h & TAG_PRIMARY_MASK == TAG_HEADER, "verify: boxed term points at a non-header {h:#x}");
                let (first, count) = term_words(h);
                (first..first + count).map(|k| Term(t.word(k))).collect()
            }
            TAG_HEADER => panic!("verify: a header word used as a term: {:#x}", t.0),
            _ => continue,
        };
        if inside(&old, t) {
            for &c in &children {
                assert!(!inside(&young, c), "verify: old object {:#x} points into the young generation ({:#x})", t.0, c.0);
            }
        }
        stack.extend(children);
    }
}
