//! Data that lives outside every process heap and is shared by reference
//! count: the bytes of large binaries (over `REFC_BIN_MIN_BYTES`) and
//! channels. A heap object that points at such data owns one strong count;
//! the heap lists that object in `Heap::off_heap` so the count is released
//! when a collection finds the object dead or the heap is dropped.

use crate::heap::Heap;
use crate::term::{Subtag, Term};
use std::sync::Arc;

/// Binaries longer than this many bytes are stored off-heap and shared
/// between processes instead of copied (BEAM's `ERL_ONHEAP_BIN_LIMIT`, 64).
pub const REFC_BIN_MIN_BYTES: usize = 64;

/// The shared bytes of a refc binary.
pub type RefcBytes = Vec<u8>;

/// Drops the strong count held by the off-heap object `t`.
pub fn release(t: Term) {
    match t.subtag() {
        Some(Subtag::RefcBin) => {
            // SAFETY: word 2 of a RefcBin came from Arc::into_raw and this
            // object owns one count of it (module doc), released exactly once
            // because the object is dead (or its heap is being dropped).
            unsafe { drop(Arc::from_raw(t.word(2) as *const RefcBytes)) }
        }
        Some(Subtag::Chan) => {
            // SAFETY: as for RefcBin; word 1 of a Chan came from Arc::into_raw.
            unsafe { drop(Arc::from_raw(t.word(1) as *const crate::chan::Chan)) }
        }
        _ => {}
    }
}

/// Adds one strong count to the data behind the off-heap object `t`; used
/// when a term is copied to another heap or fragment.
pub fn retain(t: Term) {
    match t.subtag() {
        Some(Subtag::RefcBin) => {
            // SAFETY: the pointer came from Arc::into_raw and is alive (the
            // object `t` holds a count).
            unsafe { Arc::increment_strong_count(t.word(2) as *const RefcBytes) }
        }
        Some(Subtag::Chan) => {
            // SAFETY: as for RefcBin.
            unsafe { Arc::increment_strong_count(t.word(1) as *const crate::chan::Chan) }
        }
        _ => {}
    }
}

impl Heap {
    /// A refc binary over `bytes` (all of them, `bits` = 8 * len unless a
    /// bitstring). Registers the object in the off-heap list.
    pub fn refc_binary(&mut self, bytes: Arc<RefcBytes>, bits: u64) -> Term {
        let raw = Arc::into_raw(bytes) as u64;
        let t = self.boxed_words(Subtag::RefcBin, &[bits, raw]);
        self.add_off_heap(t);
        t
    }
}
