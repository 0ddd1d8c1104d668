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

// ---- deep terms ----

/// Nesting depth from which printing moves to a helper thread with a big
/// stack (`with_stack_for`). The printers recurse once per nesting level,
/// as OTP's do; a scheduler thread's 8 MiB stack overflows somewhere
/// between 1,000 and 10,000 levels in a debug build, so 500 keeps a wide
/// margin while sparing ordinary terms the thread hop.
const DEEP_NESTING: usize = 500;

/// The helper thread's stack: address space reserved, not memory used
/// (pages are touched only as deep as the recursion goes). A gigabyte
/// covers about a million levels in a debug build.
const DEEP_STACK_BYTES: usize = 1 << 30;

/// Whether `t` nests containers more than `limit` deep (a list's elements
/// are one level below it, its tail at the same level).
pub(crate) fn nests_deeper_than(t: Term, limit: usize) -> bool {
    let container = |t: Term| t.is_cons() || t.is_tuple() || t.is_map();
    let mut stack = vec![(t, 0usize)];
    while let Some((t, d)) = stack.pop() {
        if d > limit {
            return true;
        }
        if t.is_cons() {
            let mut l = t;
            while let Some((h, tl)) = l.as_cons() {
                if container(h) {
                    stack.push((h, d + 1));
                }
                l = tl;
            }
            if container(l) {
                stack.push((l, d + 1));
            }
        } else if let Some(es) = t.as_tuple() {
            stack.extend(es.iter().filter(|&&e| container(e)).map(|&e| (e, d + 1)));
        } else if t.is_map() {
            for (k, v) in map_pairs(t) {
                stack.extend([k, v].into_iter().filter(|&e| container(e)).map(|e| (e, d + 1)));
            }
        }
    }
    false
}

/// Moves a value to another thread although its type is not `Send`.
struct AssertSend<T>(T);

// SAFETY: used only by `with_stack_for`, whose calling thread waits for
// the helper thread to finish: the value is never used by two threads at
// once, and what it borrows (terms on the caller's heap, the printing
// context) outlives the helper thread.
unsafe impl<T> Send for AssertSend<T> {}

impl<T> AssertSend<T> {
    fn into_inner(self) -> T {
        self.0
    }
}

/// Runs `f`, on a helper thread with a `DEEP_STACK_BYTES` stack when one
/// of `terms` nests deeper than `DEEP_NESTING`, so that printing a deeply
/// nested term cannot overflow the caller's stack.
pub fn with_stack_for<R: Send>(terms: &[Term], f: impl FnOnce() -> R) -> R {
    if !terms.iter().any(|&t| nests_deeper_than(t, DEEP_NESTING)) {
        return f();
    }
    let job = AssertSend(f);
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("act-deep-print".into())
            .stack_size(DEEP_STACK_BYTES)
            .spawn_scoped(s, move || (job.into_inner())())
            .expect("spawn the deep-printing thread")
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

// ---- small term-reading helpers shared by the printers ----

/// The keys and values of a map in iteration order, the order in which
/// OTP 25's `io_lib` and `io_lib_pretty` print a map (they walk it with
/// `maps:next/1`): key order up to 32 keys, trie order above.
pub(crate) fn map_pairs(t: Term) -> Vec<(Term, Term)> {
    debug_assert!(t.is_subtag(Subtag::Map));
    crate::map::pairs(t)
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

#[cfg(test)]
mod tests {
    //! Differential test against Erlang/OTP 25: `testdata/gen_cases.escript`
    //! prints random terms with `io_lib:format` and stores
    //! `[{Format, Args, Output}]` as external term format; we decode the
    //! terms onto a heap, print them, and compare. Set `ACT_FORMAT_CASES`
    //! to a larger file made by the same script to test more.
    use super::*;
    use crate::atom;
    use crate::heap::Heap;

    struct Decoder<'a> {
        b: &'a [u8],
        i: usize,
    }

    impl Decoder<'_> {
        fn u8(&mut self) -> u8 {
            self.i += 1;
            self.b[self.i - 1]
        }
        fn bytes(&mut self, n: usize) -> &[u8] {
            self.i += n;
            &self.b[self.i - n..self.i]
        }
        fn u16(&mut self) -> usize {
            u16::from_be_bytes(self.bytes(2).try_into().unwrap()) as usize
        }
        fn u32(&mut self) -> usize {
            u32::from_be_bytes(self.bytes(4).try_into().unwrap()) as usize
        }
        fn term(&mut self, h: &mut Heap) -> Term {
            match self.u8() {
                97 => Term::small(self.u8() as i64),
                98 => Term::small(self.u32() as u32 as i32 as i64),
                t @ (110 | 111) => {
                    let n = if t == 110 { self.u8() as usize } else { self.u32() };
                    let neg = self.u8() == 1;
                    let mag = num_bigint::BigUint::from_bytes_le(self.bytes(n));
                    let sign = if neg { num_bigint::Sign::Minus } else { num_bigint::Sign::Plus };
                    crate::number::make_integer(h, num_bigint::BigInt::from_biguint(sign, mag))
                }
                70 => {
                    let f = f64::from_be_bytes(self.bytes(8).try_into().unwrap());
                    h.float(f)
                }
                t @ (100 | 118 | 119) => {
                    let n = if t == 119 { self.u8() as usize } else { self.u16() };
                    let raw = self.bytes(n);
                    let name: String = if t == 100 {
                        raw.iter().map(|&b| b as char).collect()
                    } else {
                        String::from_utf8(raw.to_vec()).unwrap()
                    };
                    Term::atom(atom::atom(&name))
                }
                t @ (104 | 105) => {
                    let n = if t == 104 { self.u8() as usize } else { self.u32() };
                    let es: Vec<Term> = (0..n).map(|_| self.term(h)).collect();
                    h.tuple(&es)
                }
                106 => Term::NIL,
                107 => {
                    let n = self.u16();
                    let es: Vec<Term> = self.bytes(n).to_vec().into_iter().map(|b| Term::small(b as i64)).collect();
                    h.list(&es)
                }
                108 => {
                    let n = self.u32();
                    let es: Vec<Term> = (0..n).map(|_| self.term(h)).collect();
                    let tail = self.term(h);
                    h.list_with_tail(&es, tail)
                }
                109 => {
                    let n = self.u32();
                    let data = self.bytes(n).to_vec();
                    h.binary(&data)
                }
                77 => {
                    let n = self.u32();
                    let bits = self.u8() as u64;
                    let data = self.bytes(n).to_vec();
                    h.bitstring(&data, (n as u64 - 1) * 8 + bits)
                }
                116 => {
                    let n = self.u32();
                    let mut pairs = Vec::new();
                    for _ in 0..n {
                        let k = self.term(h);
                        let v = self.term(h);
                        pairs.push((k, v));
                    }
                    h.map_from_pairs(&mut pairs)
                }
                t => panic!("unsupported external term tag {t}"),
            }
        }
    }

    /// Runs every `{Format, Args, Output}` case of an ETF fixture; an
    /// `Output` of `error` means OTP raised.
    fn run_cases(data: &[u8]) {
        let mut h = Heap::new();
        let mut d = Decoder { b: data, i: 1 };
        let cases = crate::list::to_vec(d.term(&mut h)).unwrap();
        assert!(cases.len() >= 100, "only {} cases", cases.len());
        let mut failures = Vec::new();
        for case in &cases {
            let c = case.as_tuple().unwrap();
            let fmt: Vec<u32> = crate::binary::bytes(c[0]).unwrap().iter().map(|&b| b as u32).collect();
            let args = crate::list::to_vec(c[1]).unwrap();
            let want = match crate::binary::bytes(c[2]) {
                Some(b) => Ok(String::from_utf8(b.to_vec()).unwrap()),
                None => Err(()),
            };
            let got = format(&fmt, &args);
            let same = match (&want, &got) {
                (Ok(w), Ok(g)) => w == g,
                (Err(()), Err(_)) => true,
                _ => false,
            };
            if !same {
                let fmt: String = fmt.iter().map(|&c| to_char(c)).collect();
                failures.push(format!(
                    "format {fmt:?} args {args:?}\n--- want\n{}\n--- got\n{}\n",
                    want.unwrap_or_else(|()| "error".into()),
                    got.unwrap_or_else(|e| format!("{e:?}"))
                ));
            }
        }
        if !failures.is_empty() {
            let n = failures.len();
            let shown: Vec<String> = failures.into_iter().take(4).collect();
            panic!("{n} of {} cases differ from OTP; first ones:\n{}", cases.len(), shown.join("\n"));
        }
    }

    /// A term nested far deeper than a thread's stack allows a recursive
    /// printer to go (test threads have 2 MiB) prints through the
    /// big-stack helper thread. Expected sizes from OTP 25.
    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut h = Heap::new();
        let mut t = Term::atom(atom::atom("nil"));
        for i in 1..=20_000 {
            t = h.tuple(&[Term::small(i), t]);
        }
        let w = format(&"~w".chars().map(|c| c as u32).collect::<Vec<_>>(), &[t]).unwrap();
        assert_eq!(w.len(), 148_897);
        // ~p output grows with the square of the depth: stay smaller.
        let mut t = Term::atom(atom::atom("nil"));
        for i in 1..=3_000 {
            t = h.tuple(&[Term::small(i), t]);
        }
        let p = format(&"~p".chars().map(|c| c as u32).collect::<Vec<_>>(), &[t]).unwrap();
        assert!(p.starts_with("{3000,\n {2999,\n  {2998,"));
        assert_eq!(p.len(), 4_524_396);
    }

    /// Random terms under `~p ~w ~P ~W ~tp ~lp`, at various columns.
    #[test]
    fn otp_pretty_cases() {
        match std::env::var("ACT_FORMAT_CASES") {
            Ok(path) => run_cases(&std::fs::read(path).unwrap()),
            Err(_) => run_cases(include_bytes!("testdata/pretty_cases.etf")),
        }
    }

    /// Random control sequences with widths, precisions, pads, modifiers.
    #[test]
    fn otp_control_cases() {
        match std::env::var("ACT_FORMAT_CONTROL_CASES") {
            Ok(path) => run_cases(&std::fs::read(path).unwrap()),
            Err(_) => run_cases(include_bytes!("testdata/controls_cases.etf")),
        }
    }
}
