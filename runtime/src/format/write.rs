//! `io_lib:write/1,2` — the `~w` and `~W` printer — and the pieces every
//! printer shares: atom quoting (`io_lib:write_atom`), string escapes
//! (`io_lib:write_string`), integers, binaries (`io_lib:write_binary`),
//! pids, references and funs.

use super::{map_pairs, to_char, Ctx, Encoding};
use crate::atom::Atom;
use crate::term::{Subtag, Term};

/// `erl_scan:reserved_word/1` in OTP 25 (no features enabled): atoms with
/// these names are quoted.
const RESERVED_WORDS: &[&str] = &[
    "after", "begin", "case", "try", "cond", "catch", "andalso", "orelse", "end", "fun", "if", "let", "of", "receive",
    "when", "bnot", "not", "div", "rem", "band", "and", "bor", "bxor", "bsl", "bsr", "or", "xor",
];

/// `io_lib:quote_atom/2`: whether the atom must be written in quotes.
pub fn atom_needs_quotes(name: &str) -> bool {
    if RESERVED_WORDS.contains(&name) {
        return true;
    }
    let mut cs = name.chars();
    match cs.next() {
        Some(c) if c.is_ascii_lowercase() || (('\u{DF}'..='\u{FF}').contains(&c) && c != '\u{F7}') => {}
        _ => return true,
    }
    !cs.all(|c| {
        c.is_ascii_alphanumeric()
            || c == '_'
            || c == '@'
            || (('\u{DF}'..='\u{FF}').contains(&c) && c != '\u{F7}')
            || (('\u{C0}'..='\u{DE}').contains(&c) && c != '\u{D7}')
    })
}

/// How `write_string` treats characters from 160 up (OTP's `string_char/4`
/// first argument).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StringMode {
    /// `unicode_as_unicode`: every character from 160 up as itself.
    Unicode,
    /// `unicode_as_latin1`: 160..=255 as themselves, above as `\x{HEX}`.
    Latin1,
}

impl From<Encoding> for StringMode {
    fn from(e: Encoding) -> StringMode {
        match e {
            Encoding::Latin1 => StringMode::Latin1,
            Encoding::Unicode => StringMode::Unicode,
        }
    }
}

/// `io_lib:string_char/4`: one character of a quoted string or atom.
/// `quote` is the quote character to escape, if any (`write_char` has none).
pub fn string_char(out: &mut String, mode: StringMode, c: u32, quote: Option<char>) {
    if let Some(q) = quote.filter(|&q| q as u32 == c) {
        out.push('\\');
        out.push(q);
        return;
    }
    match c {
        0x5C => out.push_str("\\\\"),
        0x20..=0x7E => out.push(c as u8 as char),
        160..=255 => out.push(to_char(c)),
        256.. if mode == StringMode::Unicode => out.push(to_char(c)),
        256.. => {
            out.push_str("\\x{");
            out.push_str(&format!("{c:X}"));
            out.push('}');
        }
        0x0A => out.push_str("\\n"),
        0x0D => out.push_str("\\r"),
        0x09 => out.push_str("\\t"),
        0x0B => out.push_str("\\v"),
        0x08 => out.push_str("\\b"),
        0x0C => out.push_str("\\f"),
        0x1B => out.push_str("\\e"),
        0x7F => out.push_str("\\d"),
        _ => {
            out.push('\\');
            out.push((b'0' + (c >> 6) as u8) as char);
            out.push((b'0' + ((c >> 3) & 7) as u8) as char);
            out.push((b'0' + (c & 7) as u8) as char);
        }
    }
}

/// `io_lib:write_string/2`: `chars` in `quote`s, escaped.
pub fn write_string(out: &mut String, chars: &[u32], quote: char, mode: StringMode) {
    out.push(quote);
    for &c in chars {
        string_char(out, mode, c, Some(quote));
    }
    out.push(quote);
}

/// `io_lib:write_atom/1` (`Encoding::Unicode`) or
/// `io_lib:write_atom_as_latin1/1` (`Encoding::Latin1`).
pub fn write_atom(out: &mut String, a: Atom, enc: Encoding) {
    write_atom_name(out, &a.name(), enc)
}

pub fn write_atom_name(out: &mut String, name: &str, enc: Encoding) {
    if atom_needs_quotes(name) {
        let chars: Vec<u32> = name.chars().map(|c| c as u32).collect();
        write_string(out, &chars, '\'', enc.into());
    } else {
        out.push_str(name);
    }
}

/// An integer term in `base` (2..=36), upper-case digits as
/// `integer_to_list/2` writes them.
pub fn integer_to_string(t: Term, base: u32) -> Option<String> {
    if let Some(i) = t.as_small() {
        if base == 10 {
            return Some(i.to_string());
        }
        let big = num_bigint::BigInt::from(i);
        return Some(big.to_str_radix(base).to_uppercase());
    }
    let big = crate::number::int_to_big(t)?;
    Some(big.to_str_radix(base).to_uppercase())
}

/// `io_lib:write_binary/2` for a bitstring: `<<1,2,3>>`, `<<1,2:3>>`, with
/// `...` once the depth runs out (each byte takes one level).
pub fn write_bitstring(out: &mut String, t: Term, depth: Option<usize>) {
    let b = crate::binary::bits(t).expect("a bitstring");
    out.push_str("<<");
    let nbytes = (b.bit_len / 8) as usize;
    let rest_bits = b.bit_len % 8;
    let bytes = b.to_bytes();
    let mut d = depth.map(|d| d as i64).unwrap_or(-1);
    let mut i = 0;
    loop {
        let remaining_bits = (nbytes - i) as u64 * 8 + rest_bits;
        if remaining_bits == 0 {
            break;
        }
        if d == 1 {
            out.push_str("...");
            break;
        }
        if remaining_bits >= 8 {
            out.push_str(&bytes[i].to_string());
            i += 1;
            d -= 1;
            if (nbytes - i) as u64 * 8 + rest_bits > 0 {
                out.push(',');
            }
        } else {
            let v = bytes[i] >> (8 - rest_bits);
            out.push_str(&format!("{v}:{rest_bits}"));
            break;
        }
    }
    out.push_str(">>");
}

/// `erlang:fun_to_list/1`: `#Fun<m.Index.Uniq>` or `fun m:f/A`.
pub fn write_fun(out: &mut String, t: Term, ctx: &Ctx) {
    match t.subtag() {
        Some(Subtag::Export) => {
            out.push_str("fun ");
            write_atom(out, Term(t.word(1)).as_atom().expect("module atom"), Encoding::Latin1);
            out.push(':');
            write_atom(out, Term(t.word(2)).as_atom().expect("function atom"), Encoding::Latin1);
            out.push('/');
            out.push_str(&Term(t.word(3)).small_value().to_string());
        }
        _ => {
            let code = t.word(1);
            let (m, index, uniq) = match ctx.fun_namer {
                Some(f) => f(code),
                None => ("?".to_string(), code as u32, 0),
            };
            out.push_str("#Fun<");
            out.push_str(&m);
            out.push_str(&format!(".{index}.{uniq}>"));
        }
    }
}

/// `~w` of a term with no depth limit (`io_lib:write/1`).
pub fn write_term(out: &mut String, t: Term, depth: Option<usize>) {
    write_with(out, t, depth, &Ctx::default())
}

/// `io_lib:write(T, [{depth, D}, {encoding, E}])`: `depth` `None` is
/// unlimited (OTP's -1); `Some(0)` prints `...`.
pub fn write_with(out: &mut String, t: Term, depth: Option<usize>, ctx: &Ctx) {
    write1(out, t, depth.map(|d| d as i64).unwrap_or(-1), ctx)
}

/// `io_lib:write1/3`; `d` < 0 means unlimited.
fn write1(out: &mut String, t: Term, d: i64, ctx: &Ctx) {
    if d == 0 {
        out.push_str("...");
        return;
    }
    if let Some(s) = write_leaf(t, ctx) {
        out.push_str(&s);
        return;
    }
    if t.is_cons() {
        if d == 1 {
            out.push_str("[...]");
            return;
        }
        out.push('[');
        write1(out, t.head(), d - 1, ctx);
        // write_tail/3
        let mut tail = t.tail();
        let mut d = d - 1;
        loop {
            if tail.is_nil() {
                break;
            }
            if d == 1 {
                out.push_str("|...");
                break;
            }
            if let Some((h, tl)) = tail.as_cons() {
                out.push(',');
                write1(out, h, d - 1, ctx);
                tail = tl;
                d -= 1;
            } else {
                out.push('|');
                write1(out, tail, d - 1, ctx);
                break;
            }
        }
        out.push(']');
        return;
    }
    if let Some(elems) = t.as_tuple() {
        if elems.is_empty() {
            out.push_str("{}");
            return;
        }
        if d == 1 {
            out.push_str("{...}");
            return;
        }
        out.push('{');
        write1(out, elems[0], d - 1, ctx);
        let mut d = d - 1;
        for &e in &elems[1..] {
            if d == 1 {
                out.push_str(",...");
                break;
            }
            out.push(',');
            write1(out, e, d - 1, ctx);
            d -= 1;
        }
        out.push('}');
        return;
    }
    if t.is_map() {
        let pairs = map_pairs(t);
        if d == 1 || pairs.is_empty() {
            out.push_str("#{}");
            return;
        }
        let d0 = d - 1;
        out.push_str("#{");
        // write_map_body/4 checks the depth before looking for a next pair,
        // so a depth that runs out prints ",..." even after the last one.
        let mut dd = d0;
        for (i, &(k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push(',');
                dd -= 1;
            }
            write1(out, k, d0, ctx);
            out.push_str(" => ");
            write1(out, v, d0, ctx);
            if dd == 1 {
                out.push_str(",...");
                break;
            }
        }
        out.push('}');
        return;
    }
    if t.is_bitstring() {
        write_bitstring(out, t, if d < 0 { None } else { Some(d as usize) });
        return;
    }
    out.push_str(&format!("{t:?}"));
}

/// The text of a term that has no inner structure to lay out (numbers,
/// atoms, pids, references, funs, `[]`), as `io_lib:write` prints it;
/// `None` for lists, tuples, maps and bitstrings.
pub fn write_leaf(t: Term, ctx: &Ctx) -> Option<String> {
    if let Some(i) = t.as_small() {
        return Some(i.to_string());
    }
    if let Some(a) = t.as_atom() {
        let mut s = String::new();
        write_atom(&mut s, a, ctx.encoding);
        return Some(s);
    }
    if let Some(p) = t.as_pid() {
        return Some(format!("<0.{p}.0>"));
    }
    if t.is_nil() {
        return Some("[]".to_string());
    }
    match t.subtag()? {
        Subtag::Float => Some(super::float::float_shortest(t.as_float().unwrap())),
        Subtag::BigPos | Subtag::BigNeg => integer_to_string(t, 10),
        Subtag::Ref => Some(format!("#Ref<0.0.0.{}>", t.word(1))),
        Subtag::Chan => Some(format!("#Chan<{}>", crate::chan::id_of(t))),
        Subtag::Fun | Subtag::Export => {
            let mut s = String::new();
            write_fun(&mut s, t, ctx);
            Some(s)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom::atom;
    use crate::heap::Heap;

    fn w(t: Term) -> String {
        let mut s = String::new();
        write_term(&mut s, t, None);
        s
    }
    fn wd(t: Term, d: usize) -> String {
        let mut s = String::new();
        write_term(&mut s, t, Some(d));
        s
    }
    fn a(n: &str) -> Term {
        Term::atom(atom(n))
    }
    fn chars(h: &mut Heap, s: &str) -> Term {
        let v: Vec<Term> = s.chars().map(|c| Term::small(c as i64)).collect();
        h.list(&v)
    }

    /// Expected strings from `io:format("~w", [T])` on Erlang/OTP 25.
    #[test]
    fn write_matches_otp() {
        let mut h = Heap::new();
        assert_eq!(w(a("[]")), "'[]'");
        assert_eq!(w(a("")), "''");
        assert_eq!(w(a("case")), "'case'");
        assert_eq!(w(a("A")), "'A'");
        assert_eq!(w(a("aB@1_")), "aB@1_");
        assert_eq!(w(a("maybe")), "maybe");
        assert_eq!(w(a("hello world")), "'hello world'");
        assert_eq!(w(a("é")), "é");
        assert_eq!(w(a("日本")), "'\\x{65E5}\\x{672C}'");
        assert_eq!(w(a("a'b\n")), "'a\\'b\\n'");
        let s = chars(&mut h, "hi");
        assert_eq!(w(s), "[104,105]");
        let b = h.binary(b"abc");
        assert_eq!(w(b), "<<97,98,99>>");
        let b = h.bitstring(&[0x20], 3);
        assert_eq!(w(b), "<<1:3>>");
        let b = h.bitstring(&[1, 2, 0x30], 20);
        assert_eq!(w(b), "<<1,2,3:4>>");
        let b = h.binary(b"");
        assert_eq!(w(b), "<<>>");
        let l = h.list_with_tail(&[a("a")], a("b"));
        assert_eq!(w(l), "[a|b]");
        let t = h.tuple(&[]);
        assert_eq!(w(t), "{}");
        let f = h.float(0.1);
        let t = h.tuple(&[Term::small(1), f, Term::small(-5), Term::NIL, t]);
        assert_eq!(w(t), "{1,0.1,-5,[],{}}");
        let e = h.export_fun(a("erlang"), a("abs"), 1);
        assert_eq!(w(e), "fun erlang:abs/1");
        assert_eq!(w(Term::pid(80)), "<0.80.0>");
        let big = h.boxed_words(Subtag::BigPos, &[0, 1]);
        assert_eq!(w(big), "18446744073709551616");
        let big = h.boxed_words(Subtag::BigNeg, &[0, 1]);
        assert_eq!(w(big), "-18446744073709551616");
        let m = h.boxed_words(Subtag::Map, &[2, a("a").0, a("b").0, Term::small(1).0, Term::small(2).0]);
        assert_eq!(w(m), "#{a => 1,b => 2}");
    }

    /// `~W` / `~P`-style depth limits (`io_format_P_W` conformance test).
    #[test]
    fn write_depth_matches_otp() {
        let mut h = Heap::new();
        let l = h.list(&(1..=6).map(Term::small).collect::<Vec<_>>());
        let e = h.tuple(&[a("e")]);
        let d = h.tuple(&[a("d"), e]);
        let c = h.tuple(&[a("c"), d]);
        let bb = h.tuple(&[a("b"), c]);
        let s = chars(&mut h, "string");
        let bin = h.binary(b"binary");
        let t = h.tuple(&[a("a"), l, bb, s, bin]);
        assert_eq!(wd(t, 1), "{...}");
        assert_eq!(wd(t, 3), "{a,[...],...}");
        assert_eq!(wd(t, 5), "{a,[1,2|...],{b,...},[...],...}");
        let seq = h.list(&(1..=20).map(Term::small).collect::<Vec<_>>());
        assert_eq!(wd(seq, 5), "[1,2,3,4|...]");
        let m = h.boxed_words(
            Subtag::Map,
            &[3, a("a").0, a("b").0, a("c").0, Term::small(1).0, Term::small(2).0, Term::small(3).0],
        );
        assert_eq!(wd(m, 3), "#{a => 1,b => 2,...}");
        let b = h.binary(&[1, 2, 3, 4, 5]);
        assert_eq!(wd(b, 3), "<<1,2,...>>");
    }
}
