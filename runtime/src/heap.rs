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
//! 5. Every object is 8-byte aligned and starts with a header word, except
//!    cons cells (2 words, no header); a cons cell's first word is a term and
//!    so never has the header tag `00`. This is what lets a linear scan tell
//!    objects apart.

use crate::term::{header, Subtag, Term};

/// Words in the first chunk of a fresh process heap. BEAM uses 233 words;
/// we start smaller so that an idle process costs well under 1 KB (target
/// of the `idle` benchmark), and grow after the first collection.
pub const INITIAL_HEAP_WORDS: usize = 64;

/// The smallest allocation area given after a collection: enough that a
/// process with almost nothing live does not collect every few allocations.
pub const MIN_ALLOC_AREA_WORDS: usize = 256;

pub struct Heap {
    /// Memory in use; the last chunk is the one being bump-allocated.
    pub(crate) chunks: Vec<Box<[u64]>>,
    /// Words used in the last chunk.
    pub(crate) top: usize,
    /// Message fragments taken from the mailbox: part of the heap until the
    /// next collection copies their live parts out.
    pub(crate) fragments: Vec<Box<[u64]>>,
    /// Boxed objects holding a reference to off-heap data (RefcBin).
    pub(crate) off_heap: Vec<Term>,
    /// Words allocated since the last collection beyond the first chunk;
    /// a collection is due when this is non-zero (see `needs_gc`).
    pub(crate) overflow_words: usize,
    /// Size of the allocation area to give the next fresh chunk.
    pub(crate) next_chunk_words: usize,
    /// Total words live after the last collection (for `process_info`).
    pub live_after_gc: usize,
    pub(crate) collections: u64,
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new()
    }
}

impl Heap {
    pub fn new() -> Heap {
        Heap {
            chunks: Vec::new(),
            top: 0,
            fragments: Vec::new(),
            off_heap: Vec::new(),
            overflow_words: 0,
            next_chunk_words: INITIAL_HEAP_WORDS,
            live_after_gc: 0,
            collections: 0,
        }
    }

    /// Allocates `n` words, uninitialised (zero), and returns their address.
    /// Never collects (invariant 2).
    #[inline]
    pub fn alloc(&mut self, n: usize) -> *mut u64 {
        if let Some(last) = self.chunks.last_mut() {
            if self.top + n <= last.len() {
                // SAFETY: top + n is within the chunk.
                let p = unsafe { last.as_mut_ptr().add(self.top) };
                self.top += n;
                return p;
            }
        }
        self.alloc_slow(n)
    }

    #[cold]
    fn alloc_slow(&mut self, n: usize) -> *mut u64 {
        // Overflow chunks double: code that allocates a lot between two
        // safe points (a long chain of returns building a list, a BIF
        // building a big result) makes O(log n) chunks, not O(n).
        let size = n.max(self.next_chunk_words).max(self.overflow_words);
        if !self.chunks.is_empty() {
            self.overflow_words += size;
        }
        self.chunks.push(vec![0u64; size].into_boxed_slice());
        self.top = n;
        self.chunks.last_mut().unwrap().as_mut_ptr()
    }

    /// Asks for a collection at the next safe point (`garbage_collect/0`).
    pub fn request_gc(&mut self) {
        self.overflow_words = self.overflow_words.max(1);
    }

    /// Whether the next safe point should collect.
    #[inline]
    pub fn needs_gc(&self) -> bool {
        self.overflow_words > 0 || !self.fragments.is_empty() && self.fragment_words() > self.next_chunk_words
    }

    fn fragment_words(&self) -> usize {
        self.fragments.iter().map(|f| f.len()).sum()
    }

    /// Words allocated since the last collection (approximately: the
    /// memory in use minus what the collection left live).
    pub fn words_since_gc(&self) -> usize {
        let n = self.chunks.len();
        let used: usize = self.chunks.iter().take(n.saturating_sub(1)).map(|c| c.len()).sum::<usize>() + self.top;
        used.saturating_sub(self.live_after_gc) + self.fragment_words()
    }

    /// Words of memory this heap holds (chunks and fragments).
    pub fn size_words(&self) -> usize {
        self.chunks.iter().map(|c| c.len()).sum::<usize>() + self.fragment_words()
    }

    pub fn collections(&self) -> u64 {
        self.collections
    }

    /// Makes a message fragment part of this heap.
    pub fn attach(&mut self, mut frag: Fragment) {
        self.off_heap.append(&mut frag.off_heap);
        let words = std::mem::take(&mut frag.words);
        if !words.is_empty() {
            self.fragments.push(words);
        }
    }

    /// Whether `p` points into memory owned by this heap.
    pub fn contains(&self, p: *const u64) -> bool {
        let a = p as usize;
        self.chunks.iter().chain(self.fragments.iter()).any(|c| {
            let s = c.as_ptr() as usize;
            a >= s && a < s + c.len() * 8
        })
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
        for t in self.off_heap.drain(..) {
            crate::offheap::release(t);
        }
    }
}
