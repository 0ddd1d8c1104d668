//! Printing terms exactly as Erlang/OTP 25 does.
//!
//! Each file mirrors one OTP module, so that a difference from OTP can be
//! traced to the Erlang function it came from:
//!
//! * `write.rs`  — `io_lib:write/1,2` (`~w`, `~W`): atoms and their quoting,
//!   string escapes, integers, binaries, funs, pids, depth limits.
//! * `float.rs`  — `float_to_list(F, [short])` (what `~w`/`~p` print) and
//!   `io_lib_format`'s `~e ~f ~g` digit rounding.
//! * `pretty.rs` — `io_lib_pretty:print/2` (`~p`, `~P`): the line breaking
//!   and indentation algorithm, string and printable-binary detection.
//! * `fmt.rs`    — `io_lib_format:fwrite/2`: the control-sequence engine
//!   (`~-10.3.0f`, `~*w`, ...), with column tracking for `~p`.
//!
//! Everything here produces Rust `String`s of *characters* (Erlang's char
//! lists); turning characters into bytes for a device is the caller's job
//! (`bif/io.rs` does it according to the device's encoding).
//!
//! Term reading follows `term.rs`'s validity rule: every function here only
//! reads terms, never allocates, and finishes before the caller's next safe
//! point.

pub mod float;
pub mod fmt;
pub mod pretty;
pub mod write;

use crate::term::{Subtag, Term};

pub use fmt::{format, FormatError};
pub use pretty::pretty;
pub use write::write_term;

/// Which of OTP's two printing modes is in effect: `latin1` for `~p`/`~w`/`~s`,
/// `unicode` for the `t` modifier (`~tp`, `~ts`). It decides how characters
/// above 255 inside atoms are written (`\x{...}` escapes vs. the characters
/// themselves), and how `~s` reads its argument.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Encoding {
    #[default]
    Latin1,
    Unicode,
}

/// Names a closure for printing: given a `Fun` term's code word (module index
/// << 32 | lambda index, see `term.rs`), returns (module name, lambda index,
/// uniq) for `#Fun<Module.Index.Uniq>`. The module table lives in the VM, so
/// the BIF layer supplies this.
pub type FunNamer<'a> = &'a dyn Fn(u64) -> (String, u32, u32);

/// What a printer needs to know beyond the term itself.
#[derive(Clone, Copy, Default)]
pub struct Ctx<'a> {
    pub encoding: Encoding,
    pub fun_namer: Option<FunNamer<'a>>,
}

impl<'a> Ctx<'a> {
    pub fn with_encoding(self, encoding: Encoding) -> Ctx<'a> {
        Ctx { encoding, ..self }
    }
}

// ---- small term-reading helpers shared by the printers ----

/// The elements of a proper list, or `None` for an improper one (or a non-list).
pub(crate) fn proper_list(t: Term) -> Option<Vec<Term>> {
    let mut v = Vec::new();
    let mut t = t;
    while let Some((h, tl)) = t.as_cons() {
        v.push(h);
        t = tl;
    }
    if t.is_nil() {
        Some(v)
    } else {
        None
    }
}

/// The keys and values of a map, in stored order (`term.rs`: word 1 = n,
/// then n keys, then n values). This is `maps:iterator` order for OTP's
/// small (flat) maps: key term order.
pub(crate) fn map_pairs(t: Term) -> Vec<(Term, Term)> {
    debug_assert!(t.is_subtag(Subtag::Map));
    let w = t.payload();
    let n = w[0] as usize;
    (0..n).map(|i| (Term(w[1 + i]), Term(w[1 + n + i]))).collect()
}

/// Whether `c` passes `io_lib:printable_latin1_list/1`'s test for one element.
#[inline]
pub(crate) fn is_printable_latin1(c: i64) -> bool {
    matches!(c, 32..=126 | 160..=255 | 8..=13 | 27)
}

/// `io_lib:printable_latin1_list/1` (which is `io_lib:printable_list/1`
/// under the default `+pc latin1` printable range). Returns the characters
/// when the list is printable.
pub(crate) fn printable_latin1_list(t: Term) -> Option<Vec<u32>> {
    let mut v = Vec::new();
    let mut t = t;
    while let Some((h, tl)) = t.as_cons() {
        match h.as_small() {
            Some(c) if is_printable_latin1(c) => v.push(c as u32),
            _ => return None,
        }
        t = tl;
    }
    if t.is_nil() {
        Some(v)
    } else {
        None
    }
}

/// A code point as a Rust `char`; surrogates (which cannot be `char`s)
/// become U+FFFD.
#[inline]
pub(crate) fn to_char(c: u32) -> char {
    char::from_u32(c).unwrap_or('\u{FFFD}')
}

/// Number of characters in a string (OTP's `io_lib:chars_length`).
#[inline]
pub(crate) fn chars_len(s: &str) -> usize {
    s.chars().count()
}
