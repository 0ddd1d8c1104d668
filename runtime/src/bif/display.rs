//! `erlang:display/1`: ERTS's own C term printer (`erl_printf_term.c`),
//! which differs from `io_lib`'s: floats as `%e` (`1.500000e+00`), no
//! spaces in maps, strings and Latin-1 atom characters written as raw
//! bytes, atoms quoted by a simpler rule (reserved words unquoted, `@`
//! quoted), binaries as text only when all bytes are printable ASCII, and
//! a `\r\n` line end.
//! Maps over 32 keys are printed as ERTS prints its hash trie (see
//! `hamt_items`), checked against OTP 25.

use super::BifDef;
use crate::atom::Atom;
use crate::binary;
use crate::exception::BifResult;
use crate::map;
use crate::process::Process;
use crate::term::{header_subtag, Subtag, Term};

pub const BIFS: &[BifDef] = &[("erlang", "display", 1, display)];

fn display(p: &mut Process, a: &[Term]) -> BifResult {
    let mut out = Vec::new();
    print_term(&mut out, p, a[0]);
    out.extend_from_slice(b"\r\n");
    p.vm.write_stdout(&out);
    Ok(Term::bool(true))
}

fn is_lower(c: u32) -> bool {
    (b'a' as u32..=b'z' as u32).contains(&c) || ((128 + 95..=255).contains(&c) && c != 247)
}
fn is_upper(c: u32) -> bool {
    (b'A' as u32..=b'Z' as u32).contains(&c) || ((128 + 64..=128 + 94).contains(&c) && c != 247 - 32)
}
fn is_alnum(c: u32) -> bool {
    (b'0' as u32..=b'9' as u32).contains(&c) || is_lower(c) || is_upper(c)
}
fn is_cntrl(c: u32) -> bool {
    c < 32 || c == 127 || (128..160).contains(&c)
}
fn is_space(c: u32) -> bool {
    c == b' ' as u32 || c == b'\n' as u32 || c == b'\t' as u32 || c == b'\r' as u32
}

/// ERTS's `latin1_char`: the Latin-1 value of the UTF-8 sequence at `s[i]`
/// (0 for a 3- or 4-byte sequence, which always needs quotes).
fn latin1_char(s: &[u8], i: usize) -> u32 {
    let c1 = s[i] as u32;
    let c2 = s.get(i + 1).copied().unwrap_or(0) as u32;
    if c1 & 0x80 == 0 {
        c1
    } else if c1 & 0xE0 == 0xC0 {
        (c1 & 0x1F) << 6 | (c2 & 0x3F)
    } else if c1 & 0xC0 == 0x80 {
        b'a' as u32
    } else {
        0
    }
}

fn print_atom(out: &mut Vec<u8>, a: Atom) {
    let name = a.name();
    let s = name.as_bytes();
    if s.is_empty() {
        out.extend_from_slice(b"''");
        return;
    }
    let need_quote = !is_lower(latin1_char(s, 0))
        || (1..s.len()).any(|i| {
            let lc = latin1_char(s, i);
            !is_alnum(lc) && lc != b'_' as u32
        });
    if need_quote {
        out.push(b'\'');
    }
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        match c {
            b'\'' => out.extend_from_slice(b"\\'"),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0b => out.extend_from_slice(b"\\v"),
            c if c < b' ' => out.extend_from_slice(format!("\\{c:03o}").as_bytes()),
            c if c >= 0x80 => {
                let n = if c & 0xE0 == 0xC0 {
                    2
                } else if c & 0xF0 == 0xE0 {
                    3
                } else {
                    4
                };
                if c == 0xC2 && s.get(i + 1).map(|&x| x < 0xA0).unwrap_or(false) {
                    out.extend_from_slice(format!("\\{:03o}", s[i + 1]).as_bytes());
                    i += 2;
                    continue;
                }
                out.extend_from_slice(&s[i..(i + n).min(s.len())]);
                i += n;
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    if need_quote {
        out.push(b'\'');
    }
}

/// ERTS's `is_printable_string`: a non-empty flat list of bytes that are
/// printable Latin-1 or whitespace.
fn printable_string(t: Term) -> bool {
    let mut t = t;
    let mut n = 0;
    while let Some((h, tl)) = t.as_cons() {
        match h.as_small() {
            Some(c @ 0..=255) if !is_cntrl(c as u32) || is_space(c as u32) => {}
            _ => return false,
        }
        n += 1;
        t = tl;
    }
    t.is_nil() && n > 0
}

enum Item {
    Term(Term),
    Text(&'static str),
    Owned(String),
}

fn print_term(out: &mut Vec<u8>, p: &mut Process, t: Term) {
    let mut stack = vec![Item::Term(t)];
    while let Some(item) = stack.pop() {
        let t = match item {
            Item::Text(s) => {
                out.extend_from_slice(s.as_bytes());
                continue;
            }
            Item::Owned(s) => {
                out.extend_from_slice(s.as_bytes());
                continue;
            }
            Item::Term(t) => t,
        };
        if let Some(i) = t.as_small() {
            out.extend_from_slice(i.to_string().as_bytes());
        } else if let Some(a) = t.as_atom() {
            print_atom(out, a);
        } else if t.is_nil() {
            out.extend_from_slice(b"[]");
        } else if let Some(serial) = t.as_pid() {
            out.extend_from_slice(format!("<0.{serial}.0>").as_bytes());
        } else if t.is_cons() {
            if printable_string(t) {
                out.push(b'"');
                let mut l = t;
                while let Some((h, tl)) = l.as_cons() {
                    let c = h.as_small().unwrap() as u8;
                    match c {
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'"' => out.extend_from_slice(b"\\\""),
                        c => out.push(c),
                    }
                    l = tl;
                }
                out.push(b'"');
            } else {
                out.push(b'[');
                // Elements in order, then the tail: pushed in reverse.
                let mut elems = Vec::new();
                let mut l = t;
                while let Some((h, tl)) = l.as_cons() {
                    elems.push(h);
                    l = tl;
                }
                stack.push(Item::Text("]"));
                if !l.is_nil() {
                    stack.push(Item::Term(l));
                    stack.push(Item::Text("|"));
                }
                for (i, e) in elems.iter().enumerate().rev() {
                    stack.push(Item::Term(*e));
                    if i > 0 {
                        stack.push(Item::Text(","));
                    }
                }
            }
        } else if t.is_boxed() {
            match header_subtag(t.header()) {
                Subtag::Tuple => {
                    let e = t.as_tuple().unwrap();
                    out.push(b'{');
                    stack.push(Item::Text("}"));
                    for (i, x) in e.iter().enumerate().rev() {
                        stack.push(Item::Term(*x));
                        if i > 0 {
                            stack.push(Item::Text(","));
                        }
                    }
                }
                Subtag::Map if map::map_size(t) > map::SMALL_MAP_LIMIT => {
                    let mut items = Vec::new();
                    hamt_items(p, t, &mut items);
                    stack.extend(items.into_iter().rev());
                }
                Subtag::Map => {
                    let pairs = map::pairs(t);
                    out.extend_from_slice(b"#{");
                    stack.push(Item::Text("}"));
                    for (i, &(k, v)) in pairs.iter().enumerate().rev() {
                        stack.push(Item::Term(v));
                        stack.push(Item::Text("=>"));
                        stack.push(Item::Term(k));
                        if i > 0 {
                            stack.push(Item::Text(","));
                        }
                    }
                }
                Subtag::BigPos | Subtag::BigNeg => {
                    out.extend_from_slice(crate::number::int_to_big(t).unwrap().to_string().as_bytes());
                }
                Subtag::Float => {
                    out.extend_from_slice(super::floatfmt::scientific(t.as_float().unwrap(), 6).as_bytes());
                }
                Subtag::Chan => out.extend_from_slice(format!("#Chan<{}>", crate::chan::id_of(t)).as_bytes()),
                Subtag::Ref => {
                    let id = t.word(1);
                    out.extend_from_slice(format!("#Ref<0.{}.{}.{}>", id >> 50, (id >> 18) & 0xffff_ffff, id & 0x3ffff).as_bytes());
                }
                Subtag::Export => {
                    out.extend_from_slice(b"fun ");
                    print_atom(out, Term(t.word(1)).as_atom().unwrap());
                    out.push(b':');
                    print_atom(out, Term(t.word(2)).as_atom().unwrap());
                    out.extend_from_slice(format!("/{}", Term(t.word(3)).as_small().unwrap_or(0)).as_bytes());
                }
                Subtag::Fun => {
                    let code = t.word(1);
                    let m = p.vm.module_at((code >> 32) as usize);
                    let (index, uniq) = m.lambdas.get((code & 0xffff_ffff) as usize).map(|l| (l.index, l.uniq)).unwrap_or((0, 0));
                    out.extend_from_slice(b"#Fun<");
                    out.extend_from_slice(m.name.name().as_bytes());
                    out.extend_from_slice(format!(".{index}.{uniq}>").as_bytes());
                }
                Subtag::HeapBin | Subtag::RefcBin | Subtag::SubBin => print_bits(out, t),
                Subtag::MatchCtx => out.extend_from_slice(b"#MatchState"),
            }
        }
    }
}

/// A large map as ERTS prints it: its hash trie, `#<Bitmap>{...}` at the
/// head and `<Bitmap>{...}` below (bitmaps in hex, a bit per occupied
/// 4-bit hash digit), each entry a `[Key|Value]` cell, slot by slot: the
/// trie of `map/hamt.rs`, which has ERTS's shape.
fn hamt_items(p: &mut Process, m: Term, items: &mut Vec<Item>) {
    // (node, is head) still to open, and where its items go: built depth
    // first into `items` with an explicit stack of pending slots.
    enum Todo {
        Open(Term, bool),
        Slot(map::Slot),
        Text(&'static str),
    }
    let mut todo = vec![Todo::Open(m, true)];
    while let Some(x) = todo.pop() {
        match x {
            Todo::Text(s) => items.push(Item::Text(s)),
            Todo::Slot(map::Slot::Leaf(k, v)) => {
                // Allocation never collects, so the cell stays valid.
                let cell = p.heap.cons(k, v);
                items.push(Item::Term(cell));
            }
            Todo::Slot(map::Slot::Node(t)) => todo.push(Todo::Open(t, false)),
            Todo::Open(t, head) => {
                let (bitmap, slots) = map::trie_slots(t);
                items.push(Item::Owned(format!("{}<{:x}>{{", if head { "#" } else { "" }, bitmap)));
                todo.push(Todo::Text("}"));
                for (i, s) in slots.into_iter().enumerate().rev() {
                    todo.push(Todo::Slot(s));
                    if i > 0 {
                        todo.push(Todo::Text(","));
                    }
                }
            }
        }
    }
}

fn print_bits(out: &mut Vec<u8>, t: Term) {
    let b = binary::bits(t).unwrap();
    let bytes = b.to_bytes();
    let n = (b.bit_len / 8) as usize;
    let rest = (b.bit_len % 8) as u32;
    if rest == 0 && n > 0 && bytes[..n].iter().all(|&c| (b' '..127).contains(&c)) {
        out.extend_from_slice(b"<<\"");
        for &c in &bytes[..n] {
            if c == b'"' {
                out.push(b'\\');
            }
            out.push(c);
        }
        out.extend_from_slice(b"\">>");
        return;
    }
    out.extend_from_slice(b"<<");
    let mut parts: Vec<String> = bytes[..n].iter().map(|c| c.to_string()).collect();
    if rest > 0 {
        parts.push(format!("{}:{}", bytes[n] >> (8 - rest), rest));
    }
    out.extend_from_slice(parts.join(",").as_bytes());
    out.extend_from_slice(b">>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::erlang::tests::proc;

    #[test]
    fn erts_printer() {
        let mut p = proc();
        let show = |p: &mut Process, t: Term| {
            let mut out = Vec::new();
            print_term(&mut out, p, t);
            out
        };
        let a = |s: &str| Term::atom(crate::atom::atom(s));
        let f = p.heap.float(1.5);
        assert_eq!(show(&mut p, f), b"1.500000e+00");
        let s = crate::list::from_str(&mut p.heap, "tab\t\"q\"\u{e9}");
        assert_eq!(show(&mut p, s), b"\"tab\t\\\"q\\\"\xe9\"");
        let l = p.heap.list_with_tail(&[Term::small(1), Term::small(2)], a("c"));
        assert_eq!(show(&mut p, l), b"[1,2|c]");
        let m = p.heap.map_from_pairs(&mut vec![(a("a"), Term::small(1))]);
        assert_eq!(show(&mut p, m), b"#{a=>1}");
        let b = p.heap.bitstring(&[1, 2, 0x30], 20);
        assert_eq!(show(&mut p, b), b"<<1,2,3:4>>");
        let b = p.heap.binary(b"a\"b");
        assert_eq!(show(&mut p, b), b"<<\"a\\\"b\">>");
        for (name, want) in [("case", "case"), ("a@b", "'a@b'"), ("A", "'A'"), ("", "''"), ("hello world", "'hello world'")] {
            assert_eq!(show(&mut p, a(name)), want.as_bytes());
        }
    }
}
