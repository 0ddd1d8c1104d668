//! `io_lib_pretty:print/2` — the `~p` and `~P` printer — ported function
//! by function from OTP 25 so that line breaks land exactly where OTP puts
//! them. The OTP function each Rust function mirrors is named in its doc.
//!
//! The algorithm has two passes. `print_length` turns the term into an
//! *intermediate form* (`If`): every node knows the length it would take
//! printed flat on one line. Then `pp` walks it with the current column and
//! breaks a node across lines only when its flat form does not fit before
//! `line_length`. Before that, `cind` tries the layout with tagged tuples'
//! elements at a fixed indentation (-1 = "after the tag", then 4) and
//! gives up on a choice (`NoGood`) when a line would overflow.
//!
//! What we leave out: the `chars_limit` option (`io:format` never passes
//! it, so OTP's `intermediate/6`/`expand` path is unused), record printing
//! (no record definitions exist at run time, as in an escript), and the
//! `line_max_chars` option (`M` is always the term's flat length).
//! Integers are i64 because OTP's columns are unbounded integers and the
//! comparisons mix in negative sentinels (an indent of -1).
//!
//! The layout functions recurse once per nesting level, as OTP's do; the
//! callers in `fmt.rs` and `bif/io.rs` run very deep terms on a big stack
//! (`format::with_stack_for`). Long lists and maps are walked in loops.
//! `mod.rs`'s `otp_pretty_cases` test compares this file with OTP on
//! random terms.

use super::write::{self, write_string, StringMode};
use super::{chars_len, is_printable_latin1, map_pairs, printable_latin1_list, Ctx, Encoding};
use crate::term::Term;

/// One node of the intermediate form: its shape and its flat length in
/// characters. (OTP's node also counts its `...` and carries a closure to
/// expand them; both serve only `chars_limit`, which we leave out.)
struct If {
    kind: Kind,
    len: i64,
}

enum Kind {
    /// Text with nothing to lay out (numbers, atoms, strings, printable
    /// binaries, `{...}`). In OTP its first element is a char list, so
    /// `is_list(element(1, E))` holds: only leaves may share a line after
    /// a broken sibling.
    Leaf(String),
    /// A non-printable binary, as `io_lib:write_binary` lays it out.
    Bin(Vec<BinPiece>),
    List(Seq),
    /// `true` when tagged: an atom first and at least two elements.
    Tuple(bool, Seq),
    Map(Seq),
    MapPair(Box<If>, Box<If>),
}

/// A sequence of elements and what ends it: nothing, `...` (depth ran
/// out) or an improper list's tail.
struct Seq {
    elems: Vec<If>,
    end: End,
}

enum End {
    Nil,
    Dots,
    Tail(Box<If>),
}

/// `io_lib:write_binary/3`'s body, in order: numbers and `...` as `Str`,
/// separated by `Comma`; a trailing bit segment as `Str(value), Colon, Str(bits)`.
#[derive(Clone)]
enum BinPiece {
    Str(String),
    Comma,
    Colon,
}

impl If {
    fn leaf(s: String) -> If {
        let len = chars_len(&s) as i64;
        If { kind: Kind::Leaf(s), len }
    }
    fn is_leaf(&self) -> bool {
        matches!(self.kind, Kind::Leaf(_))
    }
}

/// The rest of a sequence after some elements: (remaining elements, end).
#[derive(Clone, Copy)]
struct Rest<'a> {
    elems: &'a [If],
    end: &'a End,
}

impl<'a> Rest<'a> {
    fn of(s: &'a Seq) -> Rest<'a> {
        Rest { elems: &s.elems, end: &s.end }
    }
    fn split(self) -> Option<(&'a If, Rest<'a>)> {
        let (first, rest) = self.elems.split_first()?;
        Some((first, Rest { elems: rest, end: self.end }))
    }
}

/// `last_depth/2`: 0 when more elements follow, else one more level of
/// closing brackets to leave room for.
fn last_depth(rest: Rest, ld: i64) -> i64 {
    if rest.elems.is_empty() {
        ld + 1
    } else {
        0
    }
}

/// `~p` with OTP's defaults: `io_lib_pretty:print(T, [{column, Column},
/// {line_length, LineLength}, {depth, Depth}, {encoding, E}])`. `column`
/// is 1-based (the column the first character lands in); `depth` `None`
/// is unlimited.
pub fn pretty(t: Term, column: usize, line_length: usize, depth: Option<usize>, unicode: bool) -> String {
    let enc = if unicode { Encoding::Unicode } else { Encoding::Latin1 };
    pretty_full(t, column, line_length, depth, true, &Ctx::default().with_encoding(enc))
}

/// `pretty` with every option: `strings` false is the `l` modifier
/// (`~lp`: lists of characters print as lists); `ctx` names funs and sets
/// the encoding.
pub fn pretty_full(
    t: Term,
    column: usize,
    line_length: usize,
    depth: Option<usize>,
    strings: bool,
    ctx: &Ctx,
) -> String {
    let d: i64 = depth.map(|d| d as i64).unwrap_or(-1);
    let col = (column as i64).max(1);
    let ll = line_length as i64;
    if d == 0 {
        return "...".to_string();
    }
    if let Some(a) = t.as_atom() {
        let mut s = String::new();
        write::write_atom(&mut s, a, ctx.encoding);
        return s;
    }
    if !(t.is_tuple() || t.is_list() || t.is_map() || t.is_bitstring()) {
        let mut s = String::new();
        write::write_with(&mut s, t, None, &Ctx { encoding: Encoding::Latin1, ..*ctx });
        return s;
    }
    let p = Printer { ctx, strings };
    let iff = p.print_length(t, d);
    let m = iff.len;
    let mut out = String::new();
    if ll == 0 || (iff.len < ll - col && iff.len <= m) {
        write_if(&mut out, &iff);
        return out;
    }
    let tind = [-1i64, 4].into_iter().find(|&i| cind(&iff, col, ll, m, i, 0, 0).is_ok()).unwrap_or(1);
    pp(&mut out, &iff, col, ll, m, tind, col - 1, 0, 0);
    out
}

struct Printer<'c, 'a> {
    ctx: &'c Ctx<'a>,
    /// Whether to look for printable strings and binaries (OTP's `Str`).
    strings: bool,
}

impl Printer<'_, '_> {
    /// `print_length/6` (with `T` = -1: no chars limit).
    fn print_length(&self, t: Term, d: i64) -> If {
        if t.is_nil() {
            return If::leaf("[]".into());
        }
        if let Some(a) = t.as_atom() {
            let mut s = String::new();
            write::write_atom(&mut s, a, self.ctx.encoding);
            return If::leaf(s);
        }
        if t.is_cons() {
            if self.strings && d != 1 {
                if let Some(cs) = printable_latin1_list(t) {
                    let mut s = String::new();
                    write_string(&mut s, &cs, '"', StringMode::Unicode);
                    return If::leaf(s);
                }
            }
            let seq = self.print_length_seq_list(t, d);
            let len = list_length(&seq, 2);
            return If { kind: Kind::List(seq), len };
        }
        if let Some(elems) = t.as_tuple() {
            if elems.is_empty() {
                return If::leaf("{}".into());
            }
            if d == 1 {
                return If::leaf("{...}".into());
            }
            let mut seq = Seq { elems: Vec::new(), end: End::Nil };
            let mut dd = d;
            for &e in elems {
                if dd == 1 {
                    seq.end = End::Dots;
                    break;
                }
                seq.elems.push(self.print_length(e, dd - 1));
                dd -= 1;
            }
            let tagged = elems[0].is_atom() && elems.len() > 1;
            let len = list_length(&seq, 2);
            return If { kind: Kind::Tuple(tagged, seq), len };
        }
        if t.is_map() {
            let pairs = map_pairs(t);
            if pairs.is_empty() {
                return If::leaf("#{}".into());
            }
            if d == 1 {
                return If::leaf("#{...}".into());
            }
            let mut seq = Seq { elems: Vec::new(), end: End::Nil };
            let mut dd = d;
            for &(k, v) in &pairs {
                if dd == 1 {
                    seq.end = End::Dots;
                    break;
                }
                let k = self.print_length(k, d - 1);
                let v = self.print_length(v, d - 1);
                let len = k.len + 4 + v.len;
                seq.elems.push(If { kind: Kind::MapPair(Box::new(k), Box::new(v)), len });
                dd -= 1;
            }
            let len = list_length(&seq, 3);
            return If { kind: Kind::Map(seq), len };
        }
        if t.is_bitstring() {
            return self.print_length_bin(t, d);
        }
        let mut s = String::new();
        write::write_with(&mut s, t, None, &Ctx { encoding: Encoding::Latin1, ..*self.ctx });
        If::leaf(s)
    }

    /// `print_length_list1/6`: the elements of a (possibly improper) list.
    fn print_length_seq_list(&self, t: Term, d: i64) -> Seq {
        let mut seq = Seq { elems: Vec::new(), end: End::Nil };
        let mut t = t;
        let mut d = d;
        loop {
            if t.is_nil() {
                break;
            }
            if d == 1 {
                seq.end = End::Dots;
                break;
            }
            match t.as_cons() {
                Some((h, tl)) => {
                    seq.elems.push(self.print_length(h, d - 1));
                    t = tl;
                    d -= 1;
                }
                None => {
                    seq.end = End::Tail(Box::new(self.print_length(t, d - 1)));
                    break;
                }
            }
        }
        seq
    }

    /// The bitstring clauses of `print_length/6`.
    fn print_length_bin(&self, t: Term, d: i64) -> If {
        let b = crate::binary::bits(t).expect("a bitstring");
        if b.bit_len == 0 {
            return If::leaf("<<>>".into());
        }
        if d == 1 {
            return If::leaf("<<...>>".into());
        }
        if self.strings && b.is_binary() {
            let bytes = b.to_bytes();
            if let Some(p) = printable_bin(&bytes, d - 1, self.ctx.encoding) {
                let mut s = String::new();
                write_string(&mut s, &p.chars, '"', StringMode::Unicode);
                let text = match (p.latin1, p.prefix) {
                    (true, false) => format!("<<{s}>>"),
                    (false, false) => format!("<<{s}/utf8>>"),
                    (true, true) => format!("<<{s}...>>"),
                    (false, true) => format!("<<{s}/utf8...>>"),
                };
                return If::leaf(text);
            }
        }
        // io_lib:write_binary(Bin, D, -1), kept in pieces for pp_binary.
        let mut s = String::new();
        write::write_bitstring(&mut s, t, if d < 0 { None } else { Some(d as usize) });
        let body = &s[2..s.len() - 2];
        let mut pieces = Vec::new();
        for (i, item) in body.split(',').enumerate() {
            if i > 0 {
                pieces.push(BinPiece::Comma);
            }
            match item.split_once(':') {
                Some((v, bits)) => {
                    pieces.push(BinPiece::Str(v.into()));
                    pieces.push(BinPiece::Colon);
                    pieces.push(BinPiece::Str(bits.into()));
                }
                None => pieces.push(BinPiece::Str(item.into())),
            }
        }
        If { len: s.len() as i64, kind: Kind::Bin(pieces) }
    }
}

/// What `printable_bin0/4` found: the characters to show, whether they are
/// the bytes themselves (else UTF-8 decoded: `/utf8`), and whether they are
/// only a prefix (`...` follows).
struct PrintableBin {
    chars: Vec<u32>,
    latin1: bool,
    prefix: bool,
}

/// `printable_bin0/4` with `T` = -1. `d` is the depth left (negative: none).
fn printable_bin(bin: &[u8], d: i64, enc: Encoding) -> Option<PrintableBin> {
    let len = if d >= 0 { (4 * d as usize).min(bin.len()) } else { bin.len() };
    if len == 0 {
        return None;
    }
    if enc == Encoding::Unicode {
        if let Some(r) = printable_bin_unicode(bin, len, d) {
            return r;
        }
    }
    // The latin1 clause of printable_bin/4: the first N bytes, then the rest
    // up to Len; NC counts the bytes from the first unprintable one on.
    let printable_prefix = bin[..len].iter().take_while(|&&c| is_printable_latin1(c as i64)).count();
    let n = len.min(20);
    let whole = |k: usize| bin[..k].iter().map(|&c| c as u32).collect::<Vec<_>>();
    if printable_prefix >= n {
        if n == bin.len() {
            return Some(PrintableBin { chars: whole(n), latin1: true, prefix: false });
        }
        if n == len {
            return Some(PrintableBin { chars: whole(n), latin1: true, prefix: true });
        }
        if printable_prefix == len && bin.len() == len {
            return Some(PrintableBin { chars: whole(len), latin1: true, prefix: false });
        }
        // Len - NC = number of printable bytes before the first bad one.
        if d > 0 && printable_prefix as i64 >= d {
            return Some(PrintableBin { chars: whole(printable_prefix), latin1: true, prefix: true });
        }
        return None;
    }
    if d > 0 && printable_prefix as i64 >= d {
        return Some(PrintableBin { chars: whole(printable_prefix), latin1: true, prefix: true });
    }
    None
}

/// The unicode clause of `printable_bin/4`; `None` when the bytes are not
/// valid UTF-8 for the first `len` characters (OTP then falls back to the
/// latin1 clause), `Some(None)` when it decides "not printable".
fn printable_bin_unicode(bin: &[u8], len: usize, d: i64) -> Option<Option<PrintableBin>> {
    // valid_utf8(Bin, Len): the first Len characters (or all) decode.
    let valid_prefix = match std::str::from_utf8(bin) {
        Ok(s) => s,
        Err(e) => {
            let s = std::str::from_utf8(&bin[..e.valid_up_to()]).unwrap();
            if s.chars().count() < len {
                return None;
            }
            s
        }
    };
    // printable_unicode/4 under the latin1 printable range.
    let mut chars = Vec::new();
    let mut used = 0usize;
    for c in valid_prefix.chars().take(len) {
        let cp = c as u32;
        let printable = is_printable_latin1(cp as i64);
        if !printable {
            break;
        }
        chars.push(cp);
        used += c.len_utf8();
    }
    let nc = len - chars.len();
    if used == bin.len() {
        let latin1 = bin.len() == chars.len();
        return Some(Some(PrintableBin { chars, latin1, prefix: false }));
    }
    if d > 0 && (len - nc) as i64 >= d {
        let latin1 = used == chars.len();
        return Some(Some(PrintableBin { chars, latin1, prefix: true }));
    }
    Some(None)
}

/// `list_length/3`: a sequence's flat length with `acc` for its brackets.
fn list_length(seq: &Seq, acc: i64) -> i64 {
    let mut len = acc;
    for (i, e) in seq.elems.iter().enumerate() {
        len += e.len + if i > 0 { 1 } else { 0 };
    }
    let sep = if seq.elems.is_empty() { 0 } else { 1 };
    match &seq.end {
        End::Nil => len,
        End::Dots => len + sep + 3,
        End::Tail(t) => len + sep + t.len,
    }
}

// ---- flat writing: write/1 and friends ----

fn write_if(out: &mut String, e: &If) {
    match &e.kind {
        Kind::Leaf(s) => out.push_str(s),
        Kind::Bin(pieces) => {
            out.push_str("<<");
            write_bin_pieces(out, pieces);
            out.push_str(">>");
        }
        Kind::List(seq) => {
            out.push('[');
            write_seq(out, seq, '|');
            out.push(']');
        }
        Kind::Tuple(_, seq) => {
            out.push('{');
            write_seq(out, seq, ',');
            out.push('}');
        }
        Kind::Map(seq) => {
            out.push_str("#{");
            write_seq(out, seq, ',');
            out.push('}');
        }
        Kind::MapPair(k, v) => {
            write_if(out, k);
            out.push_str(" => ");
            write_if(out, v);
        }
    }
}

fn write_bin_pieces(out: &mut String, pieces: &[BinPiece]) {
    for p in pieces {
        match p {
            BinPiece::Str(s) => out.push_str(s),
            BinPiece::Comma => out.push(','),
            BinPiece::Colon => out.push(':'),
        }
    }
}

/// `write_list/2` + `write_tail/2`.
fn write_seq(out: &mut String, seq: &Seq, sep: char) {
    for (i, e) in seq.elems.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_if(out, e);
    }
    let lead = |out: &mut String, c: char| {
        if !seq.elems.is_empty() {
            out.push(c);
        }
    };
    match &seq.end {
        End::Nil => {}
        End::Dots => {
            lead(out, sep);
            out.push_str("...");
        }
        End::Tail(t) => {
            lead(out, sep);
            write_if(out, t);
        }
    }
}

fn spaces(out: &mut String, n: i64) {
    for _ in 0..n.max(0) {
        out.push(' ');
    }
}

// ---- pp: laying out across lines ----

/// Whether `e` fits flat at column `col` with `ld` closing brackets after it.
fn fits(e: &If, col: i64, ll: i64, m: i64, ld: i64, w: i64) -> bool {
    e.len < ll - col - ld && e.len + w + ld <= m
}

/// `pp/8`. `ind` is the indentation (in spaces) of continuation lines.
#[allow(clippy::too_many_arguments)]
fn pp(out: &mut String, e: &If, col: i64, ll: i64, m: i64, tind: i64, ind: i64, ld: i64, w: i64) {
    if fits(e, col, ll, m, ld, w) {
        write_if(out, e);
        return;
    }
    match &e.kind {
        Kind::List(seq) => {
            out.push('[');
            pp_list(out, Rest::of(seq), col + 1, ll, m, tind, ind + 1, ld, '|', w + 1);
            out.push(']');
        }
        Kind::Tuple(true, seq) => {
            out.push('{');
            pp_tag_tuple(out, Rest::of(seq), col, ll, m, tind, ind, ld, w + 1);
            out.push('}');
        }
        Kind::Tuple(false, seq) => {
            out.push('{');
            pp_list(out, Rest::of(seq), col + 1, ll, m, tind, ind + 1, ld, ',', w + 1);
            out.push('}');
        }
        Kind::Map(seq) => {
            out.push_str("#{");
            pp_map(out, Rest::of(seq), col + 2, ll, m, tind, ind + 2, ld, w + 1);
            out.push('}');
        }
        Kind::Bin(pieces) => pp_binary(out, pieces, col + 2, ll, m, ind + 2, ld, w),
        Kind::Leaf(s) => out.push_str(s),
        Kind::MapPair(..) => write_if(out, e),
    }
}

/// `pp_tag_tuple/8`: `{tag,` then the other elements aligned after the tag
/// or, when the tag is wider than `tind`, on the next lines at `tind`.
#[allow(clippy::too_many_arguments)]
fn pp_tag_tuple(out: &mut String, l: Rest, col: i64, ll: i64, m: i64, tind: i64, ind: i64, ld: i64, w: i64) {
    let Some((tag, rest)) = l.split() else {
        out.push_str("...");
        return;
    };
    let tlen = tag.len;
    let tag_ind = tlen + 2;
    let tcol = col + tag_ind;
    write_if(out, tag);
    if tind > 0 && tag_ind > tind {
        let col1 = col + tind;
        pp_tail(out, rest, col1, tcol, ll, m, tind, ind + tind, ld, ',', w + tlen);
    } else {
        out.push(',');
        pp_list(out, rest, tcol, ll, m, tind, ind + tag_ind, ld, ',', w + tlen + 1);
    }
}

/// `pp_map/8`.
#[allow(clippy::too_many_arguments)]
fn pp_map(out: &mut String, l: Rest, col: i64, ll: i64, m: i64, tind: i64, ind: i64, ld: i64, w: i64) {
    let Some((p, ps)) = l.split() else {
        if matches!(l.end, End::Dots) {
            out.push_str("...");
        }
        return;
    };
    let pw = pp_pair(out, p, col, ll, m, tind, ind, last_depth(ps, ld), w);
    pp_pairs_tail(out, ps, col, col + pw, ll, m, tind, ind, ld, pw);
}

fn pair_is_flat(p: &If) -> bool {
    match &p.kind {
        Kind::MapPair(k, v) => k.is_leaf() && v.is_leaf(),
        _ => false,
    }
}

/// Whether the next element may go on the current line (`pp_tail/10`'s
/// and friends' guard, kept in OTP's form).
#[allow(clippy::int_plus_one)]
fn tail_fits(elen: i64, ld1: i64, col: i64, ll: i64, m: i64, w: i64) -> bool {
    if ld1 == 0 {
        elen + 1 < ll - col && w + elen + 1 <= m
    } else {
        elen < ll - col - ld1 && w + elen + ld1 <= m
    }
}

/// `pp_pairs_tail/9` (its tail recursion as a loop: maps can be long).
#[allow(clippy::too_many_arguments)]
fn pp_pairs_tail(
    out: &mut String,
    l: Rest,
    col0: i64,
    col: i64,
    ll: i64,
    m: i64,
    tind: i64,
    ind: i64,
    ld: i64,
    w: i64,
) {
    let (mut l, mut col, mut w) = (l, col, w);
    while let Some((p, ps)) = l.split() {
        let ld1 = last_depth(ps, ld);
        let elen = 1 + p.len;
        if tail_fits(elen, ld1, col, ll, m, w) && pair_is_flat(p) {
            out.push(',');
            write_if(out, p);
            col += elen;
            w += elen;
        } else {
            out.push_str(",\n");
            spaces(out, ind);
            let pw = pp_pair(out, p, col0, ll, m, tind, ind, ld1, 0);
            col = col0 + pw;
            w = pw;
        }
        l = ps;
    }
    if matches!(l.end, End::Dots) {
        out.push_str(",...");
    }
}

/// `pp_pair/8`: writes the pair and returns the width it took (`ll` when
/// the next pair must start a new line).
#[allow(clippy::too_many_arguments)]
fn pp_pair(out: &mut String, p: &If, col: i64, ll: i64, m: i64, tind: i64, ind: i64, ld: i64, w: i64) -> i64 {
    if fits(p, col, ll, m, ld, w) {
        write_if(out, p);
        return if pair_is_flat(p) { p.len } else { ll };
    }
    let Kind::MapPair(k, v) = &p.kind else { unreachable!("map elements are pairs") };
    let i = map_value_indent(tind);
    pp(out, k, col, ll, m, tind, ind, ld, w);
    out.push_str(" =>\n");
    spaces(out, ind + i);
    pp(out, v, col + i, ll, m, tind, ind + i, ld, 0);
    ll
}

fn map_value_indent(tind: i64) -> i64 {
    if tind > 0 {
        tind
    } else {
        4
    }
}

/// `pp_list/9`.
#[allow(clippy::too_many_arguments)]
fn pp_list(out: &mut String, l: Rest, col0: i64, ll: i64, m: i64, tind: i64, ind: i64, ld: i64, s: char, w: i64) {
    let Some((e, es)) = l.split() else {
        out.push_str("...");
        return;
    };
    let we = pp_element(out, e, col0, ll, m, tind, ind, last_depth(es, ld), w);
    pp_tail(out, es, col0, col0 + we, ll, m, tind, ind, ld, s, w + we);
}

/// `pp_tail/10` (its tail recursion as a loop: lists can be long).
#[allow(clippy::too_many_arguments)]
fn pp_tail(
    out: &mut String,
    l: Rest,
    col0: i64,
    col: i64,
    ll: i64,
    m: i64,
    tind: i64,
    ind: i64,
    ld: i64,
    s: char,
    w: i64,
) {
    let (mut l, mut col, mut w) = (l, col, w);
    while let Some((e, es)) = l.split() {
        let ld1 = last_depth(es, ld);
        let elen = 1 + e.len;
        if tail_fits(elen, ld1, col, ll, m, w) && e.is_leaf() {
            out.push(',');
            write_if(out, e);
            col += elen;
            w += elen;
        } else {
            out.push_str(",\n");
            spaces(out, ind);
            let we = pp_element(out, e, col0, ll, m, tind, ind, ld1, 0);
            col = col0 + we;
            w = we;
        }
        l = es;
    }
    match l.end {
        End::Nil => {}
        End::Dots => {
            out.push(s);
            out.push_str("...");
        }
        End::Tail(e) => {
            if e.len + 1 < ll - col - (ld + 1) && e.len + 1 + w + (ld + 1) <= m && e.is_leaf() {
                out.push(s);
                write_if(out, e);
            } else {
                out.push(s);
                out.push('\n');
                spaces(out, ind);
                pp(out, e, col0, ll, m, tind, ind, ld + 1, 0);
            }
        }
    }
}

/// `pp_element/8`: writes `e` and returns its width (`ll` when broken).
#[allow(clippy::too_many_arguments)]
fn pp_element(out: &mut String, e: &If, col: i64, ll: i64, m: i64, tind: i64, ind: i64, ld: i64, w: i64) -> i64 {
    if fits(e, col, ll, m, ld, w) && e.is_leaf() {
        write_if(out, e);
        e.len
    } else {
        pp(out, e, col, ll, m, tind, ind, ld, w);
        ll
    }
}

/// `pp_binary/7` and `/4`: a binary's bytes filled into lines.
#[allow(clippy::too_many_arguments)]
fn pp_binary(out: &mut String, pieces: &[BinPiece], col: i64, ll: i64, m: i64, ind: i64, ld: i64, w: i64) {
    let n0 = 8.max((ll - col).min(m - 4 - w) - ld);
    out.push_str("<<");
    let mut n = n0;
    let mut rest = pieces;
    loop {
        match rest {
            [BinPiece::Str(bs), BinPiece::Comma, tail @ ..] => {
                let len = bs.len() as i64 + 1;
                if n - len < 0 {
                    out.push('\n');
                    spaces(out, ind);
                    out.push_str(bs);
                    out.push(',');
                    n = n0 - len;
                } else {
                    out.push_str(bs);
                    out.push(',');
                    n -= len;
                }
                rest = tail;
            }
            [BinPiece::Str(b1), BinPiece::Colon, BinPiece::Str(b2)] if (b1.len() + b2.len() + 1) as i64 > n => {
                out.push('\n');
                spaces(out, ind);
                write_bin_pieces(out, rest);
                break;
            }
            _ => {
                let size: i64 = rest
                    .iter()
                    .map(|p| match p {
                        BinPiece::Str(s) => s.len() as i64,
                        _ => 1,
                    })
                    .sum();
                if size > n {
                    out.push('\n');
                    spaces(out, ind);
                }
                write_bin_pieces(out, rest);
                break;
            }
        }
    }
    out.push_str(">>");
}

// ---- cind: can tagged tuples use indentation `ind`? ----

/// `throw(no_good)` in OTP.
struct NoGood;

type Cind = Result<i64, NoGood>;

/// `cind/7`.
fn cind(e: &If, col: i64, ll: i64, m: i64, ind: i64, ld: i64, w: i64) -> Cind {
    if fits(e, col, ll, m, ld, w) {
        return Ok(ind);
    }
    match &e.kind {
        Kind::List(seq) | Kind::Tuple(false, seq) => cind_list(Rest::of(seq), col + 1, ll, m, ind, ld, w + 1),
        Kind::Tuple(true, seq) => cind_tag_tuple(Rest::of(seq), col, ll, m, ind, ld, w + 1),
        Kind::Map(seq) => cind_map(Rest::of(seq), col + 2, ll, m, ind, ld, w + 2),
        _ => Ok(ind),
    }
}

/// `cind_tag_tuple/7`.
fn cind_tag_tuple(l: Rest, col: i64, ll: i64, m: i64, ind: i64, ld: i64, w: i64) -> Cind {
    let Some((tag, rest)) = l.split() else { return Ok(ind) };
    let tlen = tag.len;
    let tag_ind = tlen + 2;
    let tcol = col + tag_ind;
    if ind > 0 && tag_ind > ind {
        let col1 = col + ind;
        if m + col1 <= ll || col1 <= ll / 2 {
            cind_tail(rest, col1, tcol, ll, m, ind, ld, w + tlen)
        } else {
            Err(NoGood)
        }
    } else if m + tcol < ll || tcol < ll / 2 {
        cind_list(rest, tcol, ll, m, ind, ld, w + tlen + 1)
    } else {
        Err(NoGood)
    }
}

/// `cind_map/7`.
fn cind_map(l: Rest, col: i64, ll: i64, m: i64, ind: i64, ld: i64, w: i64) -> Cind {
    let Some((p, ps)) = l.split() else { return Ok(ind) };
    let pw = cind_pair(p, col, ll, m, ind, last_depth(ps, ld), w)?;
    cind_pairs_tail(ps, col, col + pw, ll, m, ind, ld, w + pw)
}

/// `cind_pairs_tail/8` (as a loop).
#[allow(clippy::too_many_arguments)]
fn cind_pairs_tail(l: Rest, col0: i64, col: i64, ll: i64, m: i64, ind: i64, ld: i64, w: i64) -> Cind {
    let (mut l, mut col, mut w) = (l, col, w);
    while let Some((p, ps)) = l.split() {
        let ld1 = last_depth(ps, ld);
        let elen = 1 + p.len;
        if tail_fits(elen, ld1, col, ll, m, w) && pair_is_flat(p) {
            col += elen;
            w += elen;
        } else {
            let pw = cind_pair(p, col0, ll, m, ind, ld1, 0)?;
            col = col0 + pw;
            w = pw;
        }
        l = ps;
    }
    Ok(ind)
}

/// `cind_pair/7`.
fn cind_pair(p: &If, col: i64, ll: i64, m: i64, ind: i64, ld: i64, w: i64) -> Cind {
    if fits(p, col, ll, m, ld, w) {
        return Ok(if pair_is_flat(p) { p.len } else { ll });
    }
    let Kind::MapPair(k, v) = &p.kind else { unreachable!("map elements are pairs") };
    cind(k, col, ll, m, ind, ld, w)?;
    let i = map_value_indent(ind);
    cind(v, col + i, ll, m, ind, ld, 0)?;
    Ok(ll)
}

/// `cind_list/7`.
fn cind_list(l: Rest, col0: i64, ll: i64, m: i64, ind: i64, ld: i64, w: i64) -> Cind {
    let Some((e, es)) = l.split() else { return Ok(ind) };
    let we = cind_element(e, col0, ll, m, ind, last_depth(es, ld), w)?;
    cind_tail(es, col0, col0 + we, ll, m, ind, ld, w + we)
}

/// `cind_tail/8` (as a loop).
#[allow(clippy::too_many_arguments)]
fn cind_tail(l: Rest, col0: i64, col: i64, ll: i64, m: i64, ind: i64, ld: i64, w: i64) -> Cind {
    let (mut l, mut col, mut w) = (l, col, w);
    while let Some((e, es)) = l.split() {
        let ld1 = last_depth(es, ld);
        let elen = 1 + e.len;
        if tail_fits(elen, ld1, col, ll, m, w) && e.is_leaf() {
            col += elen;
            w += elen;
        } else {
            let we = cind_element(e, col0, ll, m, ind, ld1, 0)?;
            col = col0 + we;
            w = we;
        }
        l = es;
    }
    match l.end {
        End::Nil | End::Dots => Ok(ind),
        End::Tail(e) => {
            if e.len + 1 < ll - col - (ld + 1) && e.len + 1 + w + (ld + 1) <= m && e.is_leaf() {
                Ok(ind)
            } else {
                cind(e, col, ll, m, ind, ld + 1, 0)
            }
        }
    }
}

/// `cind_element/7`.
fn cind_element(e: &If, col: i64, ll: i64, m: i64, ind: i64, ld: i64, w: i64) -> Cind {
    if fits(e, col, ll, m, ld, w) && e.is_leaf() {
        return Ok(e.len);
    }
    cind(e, col, ll, m, ind, ld, w)?;
    Ok(ll)
}
