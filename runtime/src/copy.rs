//! Deep copy of a term into another heap, a message fragment, or a module's
//! literal area.
//!
//! The copy is flat: a term that appears twice in the source (shared
//! subterm) is copied twice, as in BEAM's `copy_struct` without the
//! sharing-preserving mode. `size_of` counts the same way, so the two agree.
//!
//! Method: measure (`size_of`), allocate one block of exactly that many
//! words, copy the root object into it, then scan the block left to right
//! (Cheney style), copying each object a scanned word points at to the end
//! of the block and redirecting the word. No recursion, so any depth or
//! list length is fine. The scan can tell objects apart because every
//! boxed object starts with a header and a cons cell's first word never
//! looks like one (`heap.rs` invariant 6).
//!
//! Off-heap references (refc binaries) are shared, not copied: the copy
//! takes one more strong count (`offheap::retain`) and is listed in the
//! destination's off-heap list.

use crate::gc::term_words;
use crate::heap::{Fragment, Heap};
use crate::term::{header_size, header_subtag, Subtag, Term, TAG_BOXED, TAG_HEADER, TAG_LIST, TAG_PRIMARY_MASK};

/// Words needed to copy `t` (0 for an immediate).
///
/// Only pointers are pushed on the work stack (immediates cost nothing),
/// and the stack lives in an inline array until it outgrows it: a message
/// such as `{token, K}` is measured without touching the allocator (the
/// `Vec` this used before was 60% of `copy_to_fragment` in the ring
/// benchmark under callgrind: 434 of 674 instructions per message).
pub fn size_of(t: Term) -> usize {
    let mut words = 0;
    let mut stack = WorkStack::new();
    let mut t = t;
    loop {
        match t.0 & TAG_PRIMARY_MASK {
            TAG_LIST => {
                words += 2;
                let h = t.head();
                if !is_immediate(h) {
                    stack.push(h);
                }
                t = t.tail();
                continue;
            }
            TAG_BOXED => {
                let h = t.header();
                words += 1 + header_size(h);
                let (first, count) = term_words(h);
                for k in first..first + count {
                    let e = Term(t.word(k));
                    if !is_immediate(e) {
                        stack.push(e);
                    }
                }
            }
            _ => {}
        }
        match stack.pop() {
            Some(next) => t = next,
            None => return words,
        }
    }
}

/// Terms still to visit: an inline array first, a `Vec` beyond it. The
/// array is left uninitialised: filling 32 slots on every call cost more
/// than measuring a small message (callgrind, ring: 114 -> 50 instructions
/// per `size_of`).
struct WorkStack {
    /// `inline[..len]` are initialised.
    inline: [std::mem::MaybeUninit<Term>; WorkStack::INLINE],
    len: usize,
    spill: Vec<Term>,
}

impl WorkStack {
    /// Deep enough for any message of a few nested tuples and lists
    /// (a list spine costs no depth: its tail is followed, not pushed).
    const INLINE: usize = 32;

    #[inline]
    fn new() -> WorkStack {
        WorkStack { inline: [const { std::mem::MaybeUninit::uninit() }; Self::INLINE], len: 0, spill: Vec::new() }
    }

    #[inline]
    fn push(&mut self, t: Term) {
        if self.len < Self::INLINE {
            self.inline[self.len].write(t);
            self.len += 1;
        } else {
            self.spill.push(t);
        }
    }

    #[inline]
    fn pop(&mut self) -> Option<Term> {
        if let Some(t) = self.spill.pop() {
            return Some(t);
        }
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // SAFETY: slots below `len` were written by `push`.
        Some(unsafe { self.inline[self.len].assume_init() })
    }
}

/// Copies `t` into `heap` (everything, literals included).
pub fn copy_to_heap(heap: &mut Heap, t: Term) -> Term {
    if is_immediate(t) {
        return t;
    }
    let n = size_of(t);
    let p = heap.alloc(n);
    let mut off_heap = Vec::new();
    // SAFETY: p has n words, exactly what the copy of t needs.
    let copy = unsafe { copy_into(p, n, t, &mut off_heap) };
    if !off_heap.is_empty() {
        heap.off_heap_mut().append(&mut off_heap);
    }
    copy
}

/// Copies `t` into a new process's heap, in a chunk of exactly its size
/// (`Heap::alloc_exact`): a spawned process that only waits then holds no
/// allocation area (`idle` benchmark).
pub fn copy_to_new_heap(heap: &mut Heap, t: Term) -> Term {
    if is_immediate(t) {
        return t;
    }
    let n = size_of(t);
    let p = heap.alloc_exact(n);
    let mut off_heap = Vec::new();
    // SAFETY: p has n words, exactly what the copy of t needs.
    let copy = unsafe { copy_into(p, n, t, &mut off_heap) };
    if !off_heap.is_empty() {
        heap.off_heap_mut().append(&mut off_heap);
    }
    copy
}

/// Copies `t` into a fresh, self-contained fragment (a message).
pub fn copy_to_fragment(t: Term) -> (Term, Fragment) {
    let mut off_heap = Vec::new();
    if is_immediate(t) {
        return (t, Fragment { words: Box::new([]), off_heap });
    }
    let n = size_of(t);
    let mut words = vec![0u64; n].into_boxed_slice();
    // SAFETY: words has n words; the box's memory does not move when the
    // box does, so the pointers into it stay valid inside the fragment.
    let copy = unsafe { copy_into(words.as_mut_ptr(), n, t, &mut off_heap) };
    (copy, Fragment { words, off_heap })
}

/// Copies `t` into a module's literal area (a heap that is never collected).
pub fn copy_literal(literals: &mut Heap, t: Term) -> Term {
    copy_to_heap(literals, t)
}

#[inline]
fn is_immediate(t: Term) -> bool {
    !matches!(t.0 & TAG_PRIMARY_MASK, TAG_LIST | TAG_BOXED)
}

/// Copies one object (shallow) to `dst + *top` and returns its new term.
///
/// # Safety
/// `dst` has room for the object at `*top`; `t` is a valid list or boxed term.
unsafe fn shallow(dst: *mut u64, top: &mut usize, t: Term, off_heap: &mut Vec<Term>) -> Term {
    match t.0 & TAG_PRIMARY_MASK {
        TAG_LIST => {
            let q = dst.add(*top);
            *q = t.head().0;
            *q.add(1) = t.tail().0;
            *top += 2;
            Term::cons_ptr(q)
        }
        TAG_BOXED => {
            let h = t.header();
            let n = 1 + header_size(h);
            let q = dst.add(*top);
            std::ptr::copy_nonoverlapping(t.ptr(), q, n);
            *top += n;
            let new = Term::boxed(q);
            if matches!(header_subtag(h), Subtag::RefcBin | Subtag::Chan) {
                crate::offheap::retain(new);
                off_heap.push(new);
            }
            new
        }
        _ => t,
    }
}

/// # Safety
/// `dst` has `n` = `size_of(t)` writable words.
unsafe fn copy_into(dst: *mut u64, n: usize, t: Term, off_heap: &mut Vec<Term>) -> Term {
    let mut top = 0;
    let root = shallow(dst, &mut top, t, off_heap);
    let mut scan = 0;
    while scan < top {
        let w = *dst.add(scan);
        if w & TAG_PRIMARY_MASK == TAG_HEADER {
            let size = header_size(w);
            let (first, count) = term_words(w);
            for k in first..first + count {
                let slot = dst.add(scan + k);
                *slot = shallow(dst, &mut top, Term(*slot), off_heap).0;
            }
            scan += 1 + size;
        } else {
            for k in 0..2 {
                let slot = dst.add(scan + k);
                *slot = shallow(dst, &mut top, Term(*slot), off_heap).0;
            }
            scan += 2;
        }
    }
    debug_assert_eq!(top, n, "copy: size_of disagrees with the copy");
    root
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::eq_exact;

    #[test]
    fn copies_everything() {
        let mut h = Heap::new();
        let big = crate::number::make_i128(&mut h, 1 << 100);
        let f = h.float(2.5);
        let bin = h.binary(b"hello");
        let refc = h.binary(&[7u8; 200]);
        let sub = h.sub_binary(refc, 8, 16);
        let m = h.map_from_pairs(&mut vec![(Term::small(1), big), (f, bin)]);
        let fun = h.closure(42, &[f, Term::small(3)]);
        let l = h.list(&[Term::small(1), big, f, bin, refc, sub, m, fun]);
        let imp = h.cons(l, Term::small(5));
        let t = h.tuple(&[imp, Term::NIL, Term::pid(3)]);

        let mut h2 = Heap::new();
        let c = copy_to_heap(&mut h2, t);
        assert!(eq_exact(t, c));
        assert!(h2.contains(c.ptr()));
        assert_eq!(h2.off_heap_mut().len(), 2); // refc and the refc under sub
        let (c2, frag) = copy_to_fragment(t);
        assert!(eq_exact(t, c2));
        assert_eq!(frag.words.len(), size_of(t));
        drop(h);
        // The copies stand alone once the source is gone.
        assert!(eq_exact(c, c2));
        let mut h3 = Heap::new();
        h3.attach(frag);
        assert!(h3.contains(c2.ptr()));
        assert_eq!(h3.off_heap_mut().len(), 2);
    }

    #[test]
    fn long_list() {
        let mut h = Heap::new();
        let v: Vec<Term> = (0..1_000_000).map(Term::small).collect();
        let l = h.list(&v);
        let (c, f) = copy_to_fragment(l);
        assert_eq!(f.words.len(), 2_000_000);
        assert!(eq_exact(l, c));
        let i = copy_to_heap(&mut h, Term::small(1));
        assert_eq!(i, Term::small(1));
    }
}
