//! Terms: tagged 64-bit words, laid out as in BEAM.
//!
//! ```text
//! primary tag (low 2 bits)
//!   00  header     first word of a boxed object; never a term by itself
//!   01  list       pointer to a 2-word cons cell [head, tail]   (addr | 01)
//!   10  boxed      pointer to a header word                    (addr | 10)
//!   11  immediate  the low 4 bits say which:
//!         0011 small integer, value in the upper 60 bits (signed)
//!         0111 atom, atom-table index in the upper 60 bits
//!         1011 pid, process serial number in the upper 60 bits
//!         1111 special: NIL ([]) = 0x0F, NONE (the "no value") = 0x1F
//!
//! header word: size << 8 | subtag << 2 | 00
//!   size = the number of words that follow the header (its arity)
//! ```
//!
//! Heap objects are 8-byte aligned, so a pointer's low 3 bits are free for
//! the tag. A boxed or list term is a raw address into a process heap, a
//! heap fragment, or a module's literal area.
//!
//! **The one validity rule.** A boxed or list term is valid while the memory
//! it points to is alive: for a process-heap term, until that process's next
//! garbage collection (which only happens at a safe point of the interpreter,
//! with every live term among the roots it is handed); for a literal, for as
//! long as its module is loaded (forever, in this VM). Only the process that
//! owns a heap reads it. Every accessor here relies on that rule; that is
//! why they can be safe functions over `unsafe` reads.

use crate::atom::Atom;
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Term(pub u64);

pub const TAG_PRIMARY_MASK: u64 = 0b11;
pub const TAG_HEADER: u64 = 0b00;
pub const TAG_LIST: u64 = 0b01;
pub const TAG_BOXED: u64 = 0b10;
pub const TAG_IMMED: u64 = 0b11;

const TAG_IMMED_MASK: u64 = 0b1111;
const TAG_SMALL: u64 = 0b0011;
const TAG_ATOM: u64 = 0b0111;
const TAG_PID: u64 = 0b1011;

/// Smallest and largest integers stored immediately (60-bit signed).
pub const SMALL_MIN: i64 = -(1 << 59);
pub const SMALL_MAX: i64 = (1 << 59) - 1;

/// The kinds of boxed object, stored in bits 2..8 of its header.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Subtag {
    /// size = arity; the elements follow.
    Tuple = 0,
    /// size = number of 64-bit limbs of the magnitude, least significant first.
    BigPos = 1,
    BigNeg = 2,
    /// size = 1; the f64 bits follow.
    Float = 3,
    /// size = 1; a VM-unique reference number follows.
    Ref = 4,
    /// size = 1 + number of free variables; word 1 = module index << 32 | lambda index.
    Fun = 5,
    /// `fun M:F/A`: size = 3: module atom, function atom, arity (small).
    Export = 6,
    /// A binary whose bytes live on the heap: word 1 = length in bits, then the bytes.
    HeapBin = 7,
    /// A binary whose bytes are off-heap and shared:
    /// word 1 = length in bits, word 2 = `*const RefcBytes` (one strong count held by this object).
    RefcBin = 8,
    /// A slice of another binary: word 1 = offset in bits, word 2 = length in bits,
    /// word 3 = the underlying HeapBin or RefcBin term.
    SubBin = 9,
    /// A map, or a node of a large map's hash trie: word 1 is a raw word
    /// (kind and count or bitmaps), every later word a term (`map/mod.rs`).
    Map = 10,
    /// A binary-match cursor (never visible to programs): word 1 = the
    /// binary being matched, word 2 = current offset in bits, word 3 = end in bits.
    MatchCtx = 11,
    /// A channel (`chan:new/0..2`): size = 1, word 1 = `*const chan::Chan`
    /// from `Arc::into_raw` (one strong count held by this object, like RefcBin).
    Chan = 12,
}

impl Subtag {
    fn from_bits(b: u64) -> Subtag {
        match b {
            0 => Subtag::Tuple,
            1 => Subtag::BigPos,
            2 => Subtag::BigNeg,
            3 => Subtag::Float,
            4 => Subtag::Ref,
            5 => Subtag::Fun,
            6 => Subtag::Export,
            7 => Subtag::HeapBin,
            8 => Subtag::RefcBin,
            9 => Subtag::SubBin,
            10 => Subtag::Map,
            11 => Subtag::MatchCtx,
            12 => Subtag::Chan,
            _ => unreachable!("corrupt header subtag {b}"),
        }
    }
}

/// Builds a header word.
#[inline]
pub const fn header(subtag: Subtag, size: usize) -> u64 {
    ((size as u64) << 8) | ((subtag as u64) << 2)
}
#[inline]
pub fn header_size(h: u64) -> usize {
    (h >> 8) as usize
}
#[inline]
pub fn header_subtag(h: u64) -> Subtag {
    Subtag::from_bits((h >> 2) & 0x3f)
}

impl Term {
    pub const NIL: Term = Term(0x0F);
    /// "No value": marks an empty register, a missing map value, a failed
    /// lookup. Never visible to programs.
    pub const NONE: Term = Term(0x1F);

    #[inline]
    pub const fn small(i: i64) -> Term {
        debug_assert!(i >= SMALL_MIN && i <= SMALL_MAX);
        Term(((i as u64) << 4) | TAG_SMALL)
    }
    #[inline]
    pub fn small_checked(i: i64) -> Option<Term> {
        if (SMALL_MIN..=SMALL_MAX).contains(&i) {
            Some(Term::small(i))
        } else {
            None
        }
    }
    #[inline]
    pub const fn atom(a: Atom) -> Term {
        Term(((a.0 as u64) << 4) | TAG_ATOM)
    }
    #[inline]
    pub const fn pid(serial: u64) -> Term {
        Term((serial << 4) | TAG_PID)
    }
    #[inline]
    pub fn bool(b: bool) -> Term {
        Term::atom(if b { crate::atom::TRUE } else { crate::atom::FALSE })
    }
    /// `true`/`false` as a Rust bool; `None` for any other term.
    pub fn as_bool(self) -> Option<bool> {
        if self.is_atom_eq(crate::atom::TRUE) {
            Some(true)
        } else if self.is_atom_eq(crate::atom::FALSE) {
            Some(false)
        } else {
            None
        }
    }
    #[inline]
    pub fn boxed(ptr: *const u64) -> Term {
        debug_assert!(ptr as u64 & 7 == 0);
        Term(ptr as u64 | TAG_BOXED)
    }
    #[inline]
    pub fn cons_ptr(ptr: *const u64) -> Term {
        debug_assert!(ptr as u64 & 7 == 0);
        Term(ptr as u64 | TAG_LIST)
    }

    #[inline]
    pub fn primary(self) -> u64 {
        self.0 & TAG_PRIMARY_MASK
    }
    #[inline]
    pub fn is_small(self) -> bool {
        self.0 & TAG_IMMED_MASK == TAG_SMALL
    }
    #[inline]
    pub fn is_atom(self) -> bool {
        self.0 & TAG_IMMED_MASK == TAG_ATOM
    }
    #[inline]
    pub fn is_pid(self) -> bool {
        self.0 & TAG_IMMED_MASK == TAG_PID
    }
    #[inline]
    pub fn is_nil(self) -> bool {
        self == Term::NIL
    }
    #[inline]
    pub fn is_none(self) -> bool {
        self == Term::NONE
    }
    #[inline]
    pub fn is_cons(self) -> bool {
        self.primary() == TAG_LIST
    }
    /// A list in Erlang's `is_list` sense: `[]` or a cons cell.
    #[inline]
    pub fn is_list(self) -> bool {
        self.is_cons() || self.is_nil()
    }
    #[inline]
    pub fn is_boxed(self) -> bool {
        self.primary() == TAG_BOXED
    }
    /// Pointer to the object (boxed: its header; list: its head word).
    #[inline]
    pub fn ptr(self) -> *const u64 {
        (self.0 & !TAG_PRIMARY_MASK) as *const u64
    }
    #[inline]
    pub fn as_small(self) -> Option<i64> {
        if self.is_small() {
            Some((self.0 as i64) >> 4)
        } else {
            None
        }
    }
    /// The small integer value; the caller has checked `is_small`.
    #[inline]
    pub fn small_value(self) -> i64 {
        debug_assert!(self.is_small());
        (self.0 as i64) >> 4
    }
    #[inline]
    pub fn as_atom(self) -> Option<Atom> {
        if self.is_atom() {
            Some(Atom((self.0 >> 4) as u32))
        } else {
            None
        }
    }
    #[inline]
    pub fn as_pid(self) -> Option<u64> {
        if self.is_pid() {
            Some(self.0 >> 4)
        } else {
            None
        }
    }
    #[inline]
    pub fn is_atom_eq(self, a: Atom) -> bool {
        self == Term::atom(a)
    }

    /// The header word of a boxed term.
    #[inline]
    pub fn header(self) -> u64 {
        debug_assert!(self.is_boxed());
        // SAFETY: a boxed term points at a live header (the validity rule above).
        unsafe { *self.ptr() }
    }
    #[inline]
    pub fn subtag(self) -> Option<Subtag> {
        if self.is_boxed() {
            Some(header_subtag(self.header()))
        } else {
            None
        }
    }
    #[inline]
    pub fn is_subtag(self, s: Subtag) -> bool {
        self.is_boxed() && (self.header() >> 2) & 0x3f == s as u64
    }
    /// Word `i` (1-based, after the header) of a boxed object.
    #[inline]
    pub fn word(self, i: usize) -> u64 {
        debug_assert!(self.is_boxed() && i <= header_size(self.header()));
        // SAFETY: i is within the object's size (checked in debug builds),
        // and the object is live (the validity rule).
        unsafe { *self.ptr().add(i) }
    }
    /// The words after the header of a boxed object.
    #[inline]
    pub fn payload<'a>(self) -> &'a [u64] {
        let n = header_size(self.header());
        // SAFETY: the header says n words follow; the object is live for as
        // long as the caller uses the slice (the validity rule).
        unsafe { std::slice::from_raw_parts(self.ptr().add(1), n) }
    }

    // ---- lists ----
    #[inline]
    pub fn head(self) -> Term {
        debug_assert!(self.is_cons());
        // SAFETY: a list term points at a live 2-word cons cell.
        unsafe { Term(*self.ptr()) }
    }
    #[inline]
    pub fn tail(self) -> Term {
        debug_assert!(self.is_cons());
        // SAFETY: as in `head`.
        unsafe { Term(*self.ptr().add(1)) }
    }
    #[inline]
    pub fn as_cons(self) -> Option<(Term, Term)> {
        if self.is_cons() {
            Some((self.head(), self.tail()))
        } else {
            None
        }
    }

    // ---- tuples ----
    #[inline]
    pub fn is_tuple(self) -> bool {
        self.is_subtag(Subtag::Tuple)
    }
    /// The elements of a tuple as a slice of terms.
    #[inline]
    pub fn as_tuple<'a>(self) -> Option<&'a [Term]> {
        if self.is_tuple() {
            let p = self.payload();
            // SAFETY: Term is repr(transparent) over u64.
            Some(unsafe { std::slice::from_raw_parts(p.as_ptr() as *const Term, p.len()) })
        } else {
            None
        }
    }

    // ---- numbers ----
    #[inline]
    pub fn is_float(self) -> bool {
        self.is_subtag(Subtag::Float)
    }
    #[inline]
    pub fn as_float(self) -> Option<f64> {
        if self.is_float() {
            Some(f64::from_bits(self.word(1)))
        } else {
            None
        }
    }
    #[inline]
    pub fn is_bignum(self) -> bool {
        self.is_boxed() && matches!(header_subtag(self.header()), Subtag::BigPos | Subtag::BigNeg)
    }
    #[inline]
    pub fn is_integer(self) -> bool {
        self.is_small() || self.is_bignum()
    }
    #[inline]
    pub fn is_number(self) -> bool {
        self.is_integer() || self.is_float()
    }

    // ---- others ----
    #[inline]
    pub fn is_map(self) -> bool {
        self.is_subtag(Subtag::Map)
    }
    #[inline]
    pub fn is_ref(self) -> bool {
        self.is_subtag(Subtag::Ref)
    }
    #[inline]
    pub fn is_function(self) -> bool {
        self.is_boxed() && matches!(header_subtag(self.header()), Subtag::Fun | Subtag::Export)
    }
    /// A bitstring of any length (`is_bitstring`).
    #[inline]
    pub fn is_bitstring(self) -> bool {
        self.is_boxed()
            && matches!(header_subtag(self.header()), Subtag::HeapBin | Subtag::RefcBin | Subtag::SubBin)
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.as_small() {
            write!(f, "{i}")
        } else if let Some(a) = self.as_atom() {
            write!(f, "'{}'", a.name())
        } else if let Some(p) = self.as_pid() {
            write!(f, "<0.{p}.0>")
        } else if self.is_nil() {
            write!(f, "[]")
        } else if self.is_none() {
            write!(f, "NONE")
        } else if self.is_cons() {
            write!(f, "[{:?}|{:?}]", self.head(), self.tail())
        } else if let Some(t) = self.as_tuple() {
            write!(f, "{{")?;
            for (i, e) in t.iter().enumerate() {
                if i > 0 {
                    write!(f, ",")?;
                }
                write!(f, "{e:?}")?;
            }
            write!(f, "}}")
        } else if self.is_boxed() {
            write!(f, "#Boxed<{:?}@{:#x}>", header_subtag(self.header()), self.0)
        } else {
            write!(f, "#Raw<{:#x}>", self.0)
        }
    }
}
