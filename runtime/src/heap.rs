//! A process's private heap: bump allocation into chunks, two generations,
//! collected by `gc.rs` at the interpreter's safe points.
//!
//! # Invariants
//! 1. Only the owning process allocates in, reads or collects its heap. Other
//!    processes hand it messages as self-contained *fragments* (see
//!    `Fragment`), which it attaches when it takes them.
//! 2. Allocation never collects. A request that does not fit the current
//!    chunk opens a new chunk, so every term a native function holds stays
//!    valid until it returns. Collection happens only at safe points, where
//!    the interpreter hands every live term to `gc::collect` as a root.
//! 3. Chunks never move or shrink while they are part of the heap; they are
//!    freed only by a collection that has copied out everything live.
//! 4. Pointers in the heap go to: this heap (any chunk or attached fragment),
//!    a module's literal area (never collected), never another process's
//!    heap. Off-heap data (refc binaries, channels) is reached through an
//!    object whose address is listed in `off_heap`, so a collection can drop
//!    the references of the ones that died.
//! 5. Words handed out by `alloc` are uninitialised; the caller writes every
//!    one of them before the next safe point. Nothing reads heap memory
//!    that was never handed out: the collector scans only what it copied.
//! 6. Every object is 8-byte aligned and starts with a header word, except
//!    cons cells (2 words, no header); a cons cell's first word is a term and
//!    so never has the header tag `00`. This is what lets a linear scan tell
//!    objects apart.
//! 7. Two generations. The *young* one is `current` (the allocation area),
//!    the chunks in `HeapMore::young` and the fragments; the *old* one is
//!    `HeapMore::old`, filled only by the collector (promotion, major
//!    collections). A young word is *aged* when it existed at the last
//!    collection (it survived it, or a spawn copied it in before any
//!    allocation area), *new* otherwise; each young block records where
//!    its aged words end.
//! 8. An object points only to objects at least as old as itself, or to
//!    literals: terms are immutable once built, and building finishes
//!    before the next safe point (invariant 2). (The only in-place write,
//!    a match context's offset, stores an integer.) Hence an aged object
//!    never points to a new one, promoting every live aged object keeps
//!    the old generation closed, and no old object ever points into the
//!    young generation. The debug verifier checks this after every
//!    collection.

use crate::term::{header, Subtag, Term};
use std::mem::MaybeUninit;

/// Words in a fresh process's first allocation area, opened by its first
/// allocation (not at spawn: an idle process keeps only the few words its
/// spawn copied in, see `alloc_exact`). BEAM starts at 233 words; 64 keeps a
/// short-lived process (the `spawn` benchmark's) from collecting at all,
/// and the area grows after the first collection.
pub const INITIAL_HEAP_WORDS: usize = 64;

/// The smallest allocation area given after a collection: enough that a
/// process with almost nothing live does not collect every few allocations.
pub const MIN_ALLOC_AREA_WORDS: usize = 256;

/// A block of heap memory. Its words are uninitialised until allocated:
/// every allocator writes all the words it hands out before the next safe
/// point, and nothing reads a word that was not handed out (the collector
/// scans only what it copied). Not zeroing saved the memset of every fresh
/// chunk and to-space (3.4% of binarytrees' instructions under callgrind).
pub(crate) struct Chunk {
    mem: Box<[MaybeUninit<u64>]>,
}

impl Chunk {
    pub(crate) fn new(words: usize) -> Chunk {
        Chunk { mem: Box::new_uninit_slice(words) }
    }
    #[inline]
    pub(crate) fn start(&self) -> *mut u64 {
        self.mem.as_ptr() as *mut u64
    }
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.mem.len()
    }
    #[inline]
    pub(crate) fn end(&self) -> *mut u64 {
        // SAFETY: one past the end of the block.
        unsafe { self.start().add(self.len()) }
    }
}

pub struct Heap {
    /// Bump allocation: the next free word and the end of the allocation
    /// area, both in `current` (null while there is no area).
    hp: *mut u64,
    limit: *mut u64,
    /// The chunk holding the allocation area; before the first area, the
    /// chunk `alloc_exact` filled, if any.
    current: Option<Chunk>,
    /// The rest of the heap, allocated when first needed: a process that
    /// only waits (spawned, never collected, no boxed message) has none,
    /// which keeps `Process` in a smaller allocation size class (`idle`).
    more: Option<Box<HeapMore>>,
    /// A collection is due at the next safe point (`needs_gc`).
    gc_due: bool,
    /// The next collection is to be a major one (`garbage_collect/0`).
    major_due: bool,
    /// Whether the heap has had an allocation area (its first allocation
    /// that did not fit opened one without asking for a collection).
    area_opened: bool,
}

/// The parts of a heap a waiting process does not need: the young
/// generation's other blocks, the old generation, bookkeeping.
pub(crate) struct HeapMore {
    /// Young chunks other than `current`, each with its *aged end*: the
    /// words below it are aged (invariant 8), those above it new.
    pub(crate) young: Vec<(Chunk, usize)>,
    /// Message fragments taken from the mailbox: young and new until the
    /// next collection copies their live parts out.
    pub(crate) fragments: Vec<Box<[u64]>>,
    pub(crate) fragment_words: usize,
    /// Young boxed objects holding a reference to off-heap data (RefcBin,
    /// Chan); `old_off_heap` lists those in the old generation.
    pub(crate) off_heap: Vec<Term>,
    pub(crate) old_off_heap: Vec<Term>,
    /// Words in chunks opened since the last collection because the
    /// allocation area was full.
    pub(crate) overflow_words: usize,
    /// Size of the allocation area to give the next fresh chunk.
    pub(crate) next_chunk_words: usize,
    /// Young words that survived the last collection.
    pub(crate) live_after_gc: usize,
    /// Where the allocation area started when it was given (after the
    /// last collection, or the first area): the young words of `current`
    /// below it are aged, and `hp` minus it is what was allocated since
    /// (when no overflow chunk was opened).
    pub(crate) area_base: usize,
    pub(crate) collections: u64,
    /// The old generation: chunks filled in order by promotion, the fill
    /// of each but the last in `old_fills`, the last filled to `old_top`.
    pub(crate) old: Vec<Chunk>,
    pub(crate) old_fills: Vec<*mut u64>,
    pub(crate) old_top: *mut u64,
    /// Words promoted into the old generation since (and live at) the
    /// last major collection; a major collection is due when promotion
    /// would take it past `old_limit`.
    pub(crate) old_words: usize,
    pub(crate) old_limit: usize,
    /// Words live in the old generation after the last major collection.
    pub(crate) old_live_at_major: usize,
}

/// The old generation's size before its first major collection: below a
/// few kilobytes a major collection costs about what a minor one does.
pub const MIN_OLD_LIMIT_WORDS: usize = 1024;

impl Default for HeapMore {
    fn default() -> Self {
        HeapMore {
            young: Vec::new(),
            fragments: Vec::new(),
            fragment_words: 0,
            off_heap: Vec::new(),
            old_off_heap: Vec::new(),
            overflow_words: 0,
            next_chunk_words: INITIAL_HEAP_WORDS,
            live_after_gc: 0,
            area_base: 0,
            collections: 0,
            old: Vec::new(),
            old_fills: Vec::new(),
            old_top: std::ptr::null_mut(),
            old_words: 0,
            old_limit: MIN_OLD_LIMIT_WORDS,
            old_live_at_major: 0,
        }
    }
}

/// One block of a heap as the collector sees it: byte addresses
/// `[start, end)`, the words below `aged_end` aged (a minor collection
/// promotes them), the rest new.
#[derive(Clone, Copy)]
pub(crate) struct Block {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) aged_end: usize,
}

// SAFETY: `hp`, `limit` and `old_top` point into chunks the heap owns
// (`current`, `old`); moving the heap to another thread moves that memory
// with it (invariant 1: only the owner touches it).
unsafe impl Send for Heap {}

impl Default for Heap {
    fn default() -> Self {
        Heap::new()
    }
}

impl Heap {
    pub fn new() -> Heap {
        Heap {
            hp: std::ptr::null_mut(),
            limit: std::ptr::null_mut(),
            current: None,
            more: None,
            gc_due: false,
            major_due: false,
            area_opened: false,
        }
    }

    #[inline]
    pub(crate) fn more(&mut self) -> &mut HeapMore {
        self.more.get_or_insert_with(Default::default)
    }

    /// Allocates `n` words, uninitialised, and returns their address; the
    /// caller writes all of them before the next safe point. Never collects
    /// (invariant 2).
    #[inline]
    pub fn alloc(&mut self, n: usize) -> *mut u64 {
        let p = self.hp;
        if (self.limit as usize).wrapping_sub(p as usize) >= n * 8 {
            // SAFETY: p + n is within the allocation area.
            self.hp = unsafe { p.add(n) };
            return p;
        }
        self.alloc_slow(n)
    }

    /// The aged end of `current` (invariant 8): before the first
    /// allocation area it is the spawn's exact chunk, all older than
    /// anything allocated later.
    fn current_aged_end(&self) -> usize {
        match (&self.current, &self.more) {
            (Some(c), _) if self.hp.is_null() => c.end() as usize,
            (Some(_), Some(m)) => m.area_base,
            (Some(c), None) => c.start() as usize,
            (None, _) => 0,
        }
    }

    #[cold]
    fn alloc_slow(&mut self, n: usize) -> *mut u64 {
        let first = !self.area_opened;
        let aged_end = self.current_aged_end();
        let m = self.more.get_or_insert_with(Default::default);
        let c;
        if first {
            // The first allocation area: not an overflow.
            c = Chunk::new(n.max(m.next_chunk_words));
            m.area_base = c.start() as usize;
        } else {
            // Overflow chunks double: code that allocates a lot between two
            // safe points (a long chain of returns building a list, a BIF
            // building a big result) makes O(log n) chunks, not O(n).
            let size = n.max(m.next_chunk_words).max(m.overflow_words);
            m.overflow_words += size;
            self.gc_due = true;
            c = Chunk::new(size);
        }
        if let Some(old) = self.current.take() {
            m.young.push((old, aged_end));
        }
        let p = c.start();
        if !first {
            // Nothing in an overflow chunk is aged.
            m.area_base = p as usize;
        }
        self.set_area(p, c.end());
        self.current = Some(c);
        // SAFETY: the chunk has size >= n words.
        self.hp = unsafe { p.add(n) };
        p
    }

    /// Allocates exactly `n` words in a chunk of their own, outside any
    /// allocation area: what `spawn` copies a new process's arguments into,
    /// so that a process that then only waits holds just those words.
    pub fn alloc_exact(&mut self, n: usize) -> *mut u64 {
        if self.area_opened {
            return self.alloc(n);
        }
        let c = Chunk::new(n);
        let p = c.start();
        if let Some(old) = self.current.replace(c) {
            let end = old.end() as usize;
            self.more().young.push((old, end));
        }
        p
    }

    /// Makes `[hp, limit)` the allocation area.
    fn set_area(&mut self, hp: *mut u64, limit: *mut u64) {
        self.hp = hp;
        self.limit = limit;
        self.area_opened = true;
    }

    /// The collector's hand-over after a minor collection: `chunks` hold
    /// the young survivors (the last one filled up to `top`), all aged from
    /// now on, and allocation continues in `area` words after them; `live`
    /// young words survived.
    pub(crate) fn install_young(&mut self, mut chunks: Vec<Chunk>, top: *mut u64, area: usize, live: usize) {
        let last = chunks.pop().expect("to-space has a chunk");
        let room = (last.end() as usize - top as usize) / 8;
        let mut young: Vec<(Chunk, usize)> = chunks.into_iter().map(|c| {
            let e = c.end() as usize;
            (c, e)
        }).collect();
        let current = if room >= area / 2 && room > 0 {
            // The rest of the last to-space chunk is the allocation area.
            self.set_area(top, last.end());
            last
        } else {
            let e = top as usize;
            young.push((last, e));
            let c = Chunk::new(area);
            self.set_area(c.start(), c.end());
            c
        };
        self.current = Some(current);
        self.finish_gc(young, area, live);
    }

    /// After a major collection: the young generation is empty; the
    /// allocation area reuses `current` when it has about the right size.
    pub(crate) fn install_after_major(&mut self, area: usize) {
        let reuse = matches!(&self.current, Some(c) if c.len() >= area && c.len() <= 4 * area);
        if !reuse {
            self.current = Some(Chunk::new(area));
        }
        let c = self.current.as_ref().unwrap();
        let (s, e) = (c.start(), c.end());
        self.set_area(s, e);
        self.finish_gc(Vec::new(), area, 0);
    }

    fn finish_gc(&mut self, young: Vec<(Chunk, usize)>, area: usize, live: usize) {
        self.gc_due = false;
        self.major_due = false;
        let area_base = self.hp as usize;
        let m = self.more();
        m.young = young;
        m.area_base = area_base;
        m.fragments.clear();
        m.fragment_words = 0;
        m.overflow_words = 0;
        m.next_chunk_words = area;
        m.live_after_gc = live;
        m.collections += 1;
    }

    /// The young generation's blocks for a collection, with their aged
    /// ends (fragments and overflow chunks are all new).
    pub(crate) fn young_blocks(&self) -> Vec<Block> {
        let mut v = Vec::new();
        if let Some(c) = &self.current {
            v.push(Block { start: c.start() as usize, end: c.end() as usize, aged_end: self.current_aged_end() });
        }
        if let Some(m) = &self.more {
            v.extend(m.young.iter().map(|(c, a)| Block { start: c.start() as usize, end: c.end() as usize, aged_end: *a }));
            v.extend(m.fragments.iter().map(|c| {
                let s = c.as_ptr() as usize;
                Block { start: s, end: s + c.len() * 8, aged_end: s }
            }));
        }
        v
    }

    /// The old generation's blocks.
    pub(crate) fn old_blocks(&self) -> Vec<Block> {
        self.more.as_ref().map_or(Vec::new(), |m| {
            m.old.iter().map(|c| Block { start: c.start() as usize, end: c.end() as usize, aged_end: c.end() as usize }).collect()
        })
    }

    /// Words allocated since the last collection in `current`'s area.
    pub(crate) fn new_words_in_area(&self) -> usize {
        match &self.more {
            Some(m) if !self.hp.is_null() => (self.hp as usize).wrapping_sub(m.area_base) / 8,
            _ => 0,
        }
    }

    /// Registers a boxed object that holds a reference to off-heap data.
    pub(crate) fn add_off_heap(&mut self, t: Term) {
        self.more().off_heap.push(t);
    }

    pub(crate) fn off_heap_mut(&mut self) -> &mut Vec<Term> {
        &mut self.more().off_heap
    }

    /// Asks for a major collection at the next safe point
    /// (`garbage_collect/0`).
    pub fn request_gc(&mut self) {
        self.gc_due = true;
        self.major_due = true;
    }

    /// Words in the old generation and the size past which promotion
    /// makes the next collection a major one (no limit before any).
    pub(crate) fn old_words_and_limit(&self) -> (usize, usize) {
        self.more.as_ref().map_or((0, usize::MAX), |m| (m.old_words, m.old_limit))
    }

    pub(crate) fn major_due(&self) -> bool {
        self.major_due
    }

    /// Whether a major collection now costs at most about eight times
    /// what was promoted since the last one: GC stress forces major
    /// collections only then, so that it stays linear with a large old
    /// generation.
    pub fn major_is_cheap(&self) -> bool {
        self.more.as_ref().is_none_or(|m| (m.old_words - m.old_live_at_major) * 8 >= m.old_live_at_major)
    }

    /// Whether the next safe point should collect: the allocation area
    /// overflowed, attached messages outgrew it, or someone asked.
    #[inline]
    pub fn needs_gc(&self) -> bool {
        self.gc_due
    }

    /// Young words that survived the last collection.
    pub fn live_after_gc(&self) -> usize {
        self.more.as_ref().map_or(0, |m| m.live_after_gc)
    }

    /// Words allocated since the last collection (or since the first
    /// allocation area opened), and attached in messages: exact until an
    /// overflow chunk opens, after which a collection is due anyway.
    pub fn words_since_gc(&self) -> usize {
        match &self.more {
            None => 0,
            Some(m) => m.overflow_words + m.fragment_words + if m.overflow_words > 0 { 0 } else { self.new_words_in_area() },
        }
    }

    /// Words of memory this heap holds (both generations and fragments).
    pub fn size_words(&self) -> usize {
        self.current.as_ref().map_or(0, |c| c.len())
            + self.more.as_ref().map_or(0, |m| {
                m.young.iter().map(|(c, _)| c.len()).sum::<usize>()
                    + m.fragment_words
                    + m.old.iter().map(|c| c.len()).sum::<usize>()
            })
    }

    pub fn collections(&self) -> u64 {
        self.more.as_ref().map_or(0, |m| m.collections)
    }

    /// Makes a message fragment part of this heap.
    pub fn attach(&mut self, mut frag: Fragment) {
        let words = std::mem::take(&mut frag.words);
        if frag.off_heap.is_empty() && words.is_empty() {
            return;
        }
        let m = self.more();
        m.off_heap.append(&mut frag.off_heap);
        if !words.is_empty() {
            m.fragment_words += words.len();
            m.fragments.push(words);
            if m.fragment_words > m.next_chunk_words {
                self.gc_due = true;
            }
        }
    }

    /// Whether `p` points into memory owned by this heap.
    pub fn contains(&self, p: *const u64) -> bool {
        let a = p as usize;
        self.young_blocks().iter().chain(self.old_blocks().iter()).any(|b| a >= b.start && a < b.end)
    }

    // ---- constructors ----

    pub fn tuple(&mut self, elems: &[Term]) -> Term {
        let p = self.alloc(elems.len() + 1);
        // SAFETY: p has room for the header and the elements.
        unsafe {
            *p = header(Subtag::Tuple, elems.len());
            std::ptr::copy_nonoverlapping(elems.as_ptr() as *const u64, p.add(1), elems.len());
        }
        Term::boxed(p)
    }

    /// A tuple of `n` elements all set to `fill`; the caller fills them with
    /// `set_tuple_element` before anyone else sees the tuple.
    pub fn tuple_filled(&mut self, n: usize, fill: Term) -> Term {
        let p = self.alloc(n + 1);
        // SAFETY: p has room for n + 1 words.
        unsafe {
            *p = header(Subtag::Tuple, n);
            for i in 0..n {
                *p.add(1 + i) = fill.0;
            }
        }
        Term::boxed(p)
    }

    #[inline]
    pub fn cons(&mut self, head: Term, tail: Term) -> Term {
        let p = self.alloc(2);
        // SAFETY: two words allocated.
        unsafe {
            *p = head.0;
            *p.add(1) = tail.0;
        }
        Term::cons_ptr(p)
    }

    /// A proper list of `elems`.
    pub fn list(&mut self, elems: &[Term]) -> Term {
        self.list_with_tail(elems, Term::NIL)
    }

    pub fn list_with_tail(&mut self, elems: &[Term], tail: Term) -> Term {
        if elems.is_empty() {
            return tail;
        }
        let p = self.alloc(2 * elems.len());
        // SAFETY: 2 words per element allocated, consecutive.
        unsafe {
            for (i, e) in elems.iter().enumerate() {
                *p.add(2 * i) = e.0;
                let next = if i + 1 < elems.len() { Term::cons_ptr(p.add(2 * i + 2)) } else { tail };
                *p.add(2 * i + 1) = next.0;
            }
        }
        Term::cons_ptr(p)
    }

    pub fn float(&mut self, f: f64) -> Term {
        let p = self.alloc(2);
        // SAFETY: two words allocated.
        unsafe {
            *p = header(Subtag::Float, 1);
            *p.add(1) = f.to_bits();
        }
        Term::boxed(p)
    }

    pub fn reference(&mut self, id: u64) -> Term {
        let p = self.alloc(2);
        // SAFETY: two words allocated.
        unsafe {
            *p = header(Subtag::Ref, 1);
            *p.add(1) = id;
        }
        Term::boxed(p)
    }

    /// `fun M:F/A`
    pub fn export_fun(&mut self, m: Term, f: Term, arity: usize) -> Term {
        self.boxed_words(Subtag::Export, &[m.0, f.0, Term::small(arity as i64).0])
    }

    /// A closure: `code` = module index << 32 | lambda index; `env` its free variables.
    pub fn closure(&mut self, code: u64, env: &[Term]) -> Term {
        let p = self.alloc(2 + env.len());
        // SAFETY: 2 + env.len() words allocated.
        unsafe {
            *p = header(Subtag::Fun, 1 + env.len());
            *p.add(1) = code;
            std::ptr::copy_nonoverlapping(env.as_ptr() as *const u64, p.add(2), env.len());
        }
        Term::boxed(p)
    }

    /// A boxed object with the given raw payload words.
    pub fn boxed_words(&mut self, subtag: Subtag, words: &[u64]) -> Term {
        let p = self.alloc(1 + words.len());
        // SAFETY: 1 + words.len() words allocated.
        unsafe {
            *p = header(subtag, words.len());
            std::ptr::copy_nonoverlapping(words.as_ptr(), p.add(1), words.len());
        }
        Term::boxed(p)
    }
}

/// A self-contained block of terms built outside any process heap: a message
/// on its way to a mailbox. Every pointer in it points into `words` itself,
/// to literals, or to off-heap data listed in `off_heap`.
pub struct Fragment {
    pub words: Box<[u64]>,
    pub off_heap: Vec<Term>,
}

// SAFETY: a fragment is self-contained (see above): moving it to another
// thread moves all of its memory with it; the off-heap objects it references
// are themselves thread-safe (Arc-counted).
unsafe impl Send for Fragment {}

impl Drop for Fragment {
    /// A fragment dropped without being attached (its receiver died)
    /// releases the off-heap data it referenced.
    fn drop(&mut self) {
        for t in self.off_heap.drain(..) {
            crate::offheap::release(t);
        }
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        let Some(m) = self.more.as_mut() else { return };
        for t in m.off_heap.drain(..).chain(m.old_off_heap.drain(..)) {
            crate::offheap::release(t);
        }
    }
}
