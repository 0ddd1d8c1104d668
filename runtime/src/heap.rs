//! A process's private heap: bump allocation into chunks, collected by
//! `gc.rs` at the interpreter's safe points.
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
    /// Whether the heap has had an allocation area (its first allocation
    /// that did not fit opened one without asking for a collection).
    area_opened: bool,
}

/// The parts of a heap a waiting process does not need.
pub(crate) struct HeapMore {
    /// Chunks in use other than `current`.
    pub(crate) chunks: Vec<Chunk>,
    /// Message fragments taken from the mailbox: part of the heap until the
    /// next collection copies their live parts out.
    pub(crate) fragments: Vec<Box<[u64]>>,
    pub(crate) fragment_words: usize,
    /// Boxed objects holding a reference to off-heap data (RefcBin, Chan).
    pub(crate) off_heap: Vec<Term>,
    /// Words in chunks opened since the last collection because the
    /// allocation area was full.
    pub(crate) overflow_words: usize,
    /// Size of the allocation area to give the next fresh chunk.
    pub(crate) next_chunk_words: usize,
    /// Total words live after the last collection.
    pub(crate) live_after_gc: usize,
    /// Where the allocation area started when it was given (after the
    /// last collection, or the first area): `hp` minus this is what was
    /// allocated since, when no overflow chunk was opened.
    pub(crate) area_base: usize,
    pub(crate) collections: u64,
}

impl Default for HeapMore {
    fn default() -> Self {
        HeapMore {
            chunks: Vec::new(),
            fragments: Vec::new(),
            fragment_words: 0,
            off_heap: Vec::new(),
            overflow_words: 0,
            next_chunk_words: INITIAL_HEAP_WORDS,
            live_after_gc: 0,
            area_base: 0,
            collections: 0,
        }
    }
}

// SAFETY: `hp` and `limit` point into `current`, which the heap owns;
// moving the heap to another thread moves that memory with it (invariant
// 1: only the owner touches it).
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

    #[cold]
    fn alloc_slow(&mut self, n: usize) -> *mut u64 {
        let first = !self.area_opened;
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
            m.chunks.push(old);
        }
        let p = c.start();
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
            self.more().chunks.push(old);
        }
        p
    }

    /// Makes `[hp, limit)` the allocation area.
    fn set_area(&mut self, hp: *mut u64, limit: *mut u64) {
        self.hp = hp;
        self.limit = limit;
        self.area_opened = true;
    }

    /// The collector's hand-over: `chunks` hold the survivors (the last one
    /// filled up to `top`), and allocation continues in `area` words after
    /// them; `live` words survived.
    pub(crate) fn install_after_gc(&mut self, mut chunks: Vec<Chunk>, top: *mut u64, area: usize, live: usize) {
        let last = chunks.pop().expect("to-space has a chunk");
        let room = (last.end() as usize - top as usize) / 8;
        let current = if room >= area / 2 {
            // The rest of the last to-space chunk is the allocation area.
            self.set_area(top, last.end());
            last
        } else {
            chunks.push(last);
            let c = Chunk::new(area);
            self.set_area(c.start(), c.end());
            c
        };
        self.current = Some(current);
        self.gc_due = false;
        let area_base = self.hp as usize;
        let m = self.more();
        m.area_base = area_base;
        m.chunks = chunks;
        m.fragments.clear();
        m.fragment_words = 0;
        m.overflow_words = 0;
        m.next_chunk_words = area;
        m.live_after_gc = live;
        m.collections += 1;
    }

    /// Every block of from-space for a collection: (start, end) byte
    /// addresses of the chunks and fragments.
    pub(crate) fn blocks(&self) -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = self.current.iter().map(|c| (c.start() as usize, c.end() as usize)).collect();
        if let Some(m) = &self.more {
            v.extend(m.chunks.iter().map(|c| (c.start() as usize, c.end() as usize)));
            v.extend(m.fragments.iter().map(|c| (c.as_ptr() as usize, c.as_ptr() as usize + c.len() * 8)));
        }
        v
    }

    /// Registers a boxed object that holds a reference to off-heap data.
    pub(crate) fn add_off_heap(&mut self, t: Term) {
        self.more().off_heap.push(t);
    }

    pub(crate) fn off_heap_mut(&mut self) -> &mut Vec<Term> {
        &mut self.more().off_heap
    }

    /// Takes the off-heap list (the collector rebuilds it).
    pub(crate) fn take_off_heap(&mut self) -> Vec<Term> {
        self.more.as_mut().map(|m| std::mem::take(&mut m.off_heap)).unwrap_or_default()
    }

    /// Asks for a collection at the next safe point (`garbage_collect/0`).
    pub fn request_gc(&mut self) {
        self.gc_due = true;
    }

    /// Whether the next safe point should collect: the allocation area
    /// overflowed, attached messages outgrew it, or someone asked.
    #[inline]
    pub fn needs_gc(&self) -> bool {
        self.gc_due
    }


    /// Total words live after the last collection.
    pub fn live_after_gc(&self) -> usize {
        self.more.as_ref().map_or(0, |m| m.live_after_gc)
    }

    /// Words allocated since the last collection (or since the first
    /// allocation area opened), and attached in messages: exact until an
    /// overflow chunk opens, after which a collection is due anyway.
    pub fn words_since_gc(&self) -> usize {
        match &self.more {
            None => 0,
            Some(m) => {
                let in_area = if self.hp.is_null() { 0 } else { (self.hp as usize).wrapping_sub(m.area_base) / 8 };
                m.overflow_words + m.fragment_words + if m.overflow_words > 0 { 0 } else { in_area }
            }
        }
    }

    /// Words of memory this heap holds (chunks and fragments).
    pub fn size_words(&self) -> usize {
        self.current.as_ref().map_or(0, |c| c.len())
            + self.more.as_ref().map_or(0, |m| m.chunks.iter().map(|c| c.len()).sum::<usize>() + m.fragment_words)
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
        self.blocks().iter().any(|&(s, e)| a >= s && a < e)
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
        for t in self.take_off_heap() {
            crate::offheap::release(t);
        }
    }
}
