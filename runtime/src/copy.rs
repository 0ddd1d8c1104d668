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
//! looks like one (`heap.rs` invariant 5).
//!
//! Off-heap references (refc binaries) are shared, not copied: the copy
//! takes one more strong count (`offheap::retain`) and is listed in the
//! destination's off-heap list.

use crate::gc::term_words;
use crate::heap::{Fragment, Heap};
use crate::term::{header_size, header_subtag, Subtag, Term, TAG_BOXED, TAG_HEADER, TAG_LIST, TAG_PRIMARY_MASK};

/// Words needed to copy `t` (0 for an immediate).
pub fn size_of(t: Term) -> usize {
    let mut words = 0;
    let mut stack = vec![t];
    while let Some(mut t) = stack.pop() {
        loop {
            match t.0 & TAG_PRIMARY_MASK {
                TAG_LIST => {
                    words += 2;
                    stack.push(t.head());
                    t = t.tail();
                }
                TAG_BOXED => {
                    let h = t.header();
                    words += 1 + header_size(h);
                    let (first, count) = term_words(h);
                    for k in first..first + count {
                        stack.push(Term(t.word(k)));
                    }
                    break;
                }
                _ => break,
            }
        }
    }
    words
}

/// Copies `t` into `heap` (everything, literals included).
pub fn copy_to_heap(heap: &mut Heap, t: Term) -> Term {
    if is_immediate(t) {
        return t;
    }
    let n = size_of(t);
    let p = heap.alloc(n);
    // SAFETY: p has n words, exactly what the copy of t needs.
    unsafe { copy_into(p, n, t, &mut heap.off_heap) }
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
        assert_eq!(h2.off_heap.len(), 2); // refc and the refc under sub
        let (c2, frag) = copy_to_fragment(t);
        assert!(eq_exact(t, c2));
        assert_eq!(frag.words.len(), size_of(t));
        drop(h);
        // The copies stand alone once the source is gone.
        assert!(eq_exact(c, c2));
        let mut h3 = Heap::new();
        h3.attach(frag);
        assert!(h3.contains(c2.ptr()));
        assert_eq!(h3.off_heap.len(), 2);
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
