//! `io_lib_format:fwrite/2` — the engine behind `io:format` and
//! `io_lib:format`: control sequences `~F.P.PadModC` with field width,
//! precision, pad character, the `t` (unicode) and `l` (no string
//! detection) modifiers, and arguments taken from the list in order
//! (`*` takes a width, precision or pad from the arguments too).
//!
//! Output is a `String` of characters. The current column is tracked as
//! OTP's `build_limited/5` does (a newline resets it, a tab moves to the
//! next multiple of 8), because `~p` starts laying out at that column.
//!
//! Anything OTP rejects (wrong argument type, too many or too few
//! arguments, unknown control, `~.1e`...) is a `FormatError`; `io:format`
//! and `io_lib:format` turn it into `error:badarg`.

use super::float::{float_e, float_f, g_form, GForm};
use super::pretty::pretty_full;
use super::write::{self, integer_to_string};
use super::{chars_len, to_char, Ctx, Encoding};
use crate::atom::Atom;
use crate::term::Term;
use std::ops::Range;

/// The format string or its arguments do not fit together (OTP raises
/// `badarg`). The message says why, for debugging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub &'static str);

type R<T> = Result<T, FormatError>;

fn err<T>(why: &'static str) -> R<T> {
    Err(FormatError(why))
}

/// `io_lib:format(Format, Args)` with a format given as characters.
pub fn format(fmt: &[u32], args: &[Term]) -> Result<String, FormatError> {
    format_with(fmt, args, &Ctx::default())
}

/// `format` with a `&str` format, for native callers and tests.
pub fn format_str(fmt: &str, args: &[Term]) -> Result<String, FormatError> {
    let cs: Vec<u32> = fmt.chars().map(|c| c as u32).collect();
    format(&cs, args)
}

/// `format` with a printing context (how to name funs).
pub fn format_with(fmt: &[u32], args: &[Term], ctx: &Ctx) -> Result<String, FormatError> {
    format_nested(fmt, args, ctx).map(|(s, _)| s)
}

/// `format_with`, also saying which stretches of the text OTP's
/// `io_lib:format` returns as nested sublists: the output of each `~p ~P
/// ~w ~W` and of `~s` of a non-atom is one element of the result list,
/// while literal text and the other controls are characters inline
/// (`io_lib:format("x~wy", [ab])` is `[$x, "ab", $y]`). The ranges are in
/// characters, in order. (OTP nests deeper still inside those elements;
/// we give each as a flat list.)
pub fn format_nested(fmt: &[u32], args: &[Term], ctx: &Ctx) -> Result<(String, Vec<Range<usize>>), FormatError> {
    super::with_stack_for(args, || format_args(fmt, args, ctx))
}

fn format_args(fmt: &[u32], args: &[Term], ctx: &Ctx) -> Result<(String, Vec<Range<usize>>), FormatError> {
    let mut b = Builder { out: String::new(), col: 0, nchars: 0, nested: Vec::new(), ctx };
    let mut args = args.iter().copied();
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        i += 1;
        if c != '~' as u32 {
            b.push(to_char(c));
            continue;
        }
        let (spec, next) = parse_spec(fmt, i, &mut args)?;
        i = next;
        b.control(&spec, &mut args)?;
    }
    if args.next().is_some() {
        return err("more arguments than control sequences");
    }
    Ok((b.out, b.nested))
}

/// One parsed control sequence.
#[derive(Debug)]
struct Spec {
    width: Option<i64>,
    left: bool,
    precision: Option<i64>,
    pad: u32,
    encoding: Encoding,
    strings: bool,
    control: u32,
}

/// `field_value/2`: digits, or `*` taking an integer argument.
fn field_value(fmt: &[u32], mut i: usize, args: &mut impl Iterator<Item = Term>) -> R<(Option<i64>, usize)> {
    if fmt.get(i) == Some(&('*' as u32)) {
        let a = args.next().ok_or(FormatError("missing * argument"))?;
        let v = a.as_small().ok_or(FormatError("* argument is not an integer"))?;
        return Ok((Some(v), i + 1));
    }
    let start = i;
    let mut v: i64 = 0;
    while let Some(&c) = fmt.get(i) {
        if !(('0' as u32)..=('9' as u32)).contains(&c) {
            break;
        }
        v = v.saturating_mul(10).saturating_add((c - '0' as u32) as i64);
        i += 1;
    }
    Ok((if i > start { Some(v) } else { None }, i))
}

/// `collect_cseq/2` up to the control character (the arguments it takes
/// are read by `Builder::control`).
fn parse_spec(fmt: &[u32], i: usize, args: &mut impl Iterator<Item = Term>) -> R<(Spec, usize)> {
    let minus = fmt.get(i) == Some(&('-' as u32));
    let (w, mut i) = field_value(fmt, if minus { i + 1 } else { i }, args)?;
    let (width, left) = match (w, minus) {
        (None, true) => return err("- without a field width"),
        (None, false) => (None, false),
        (Some(v), m) => {
            let v = if m { -v } else { v };
            (Some(v.abs()), v < 0)
        }
    };
    let mut precision = None;
    if fmt.get(i) == Some(&('.' as u32)) {
        let (p, j) = field_value(fmt, i + 1, args)?;
        precision = p;
        i = j;
    }
    let mut pad = ' ' as u32;
    if fmt.get(i) == Some(&('.' as u32)) {
        match fmt.get(i + 1) {
            Some(&c) if c == '*' as u32 => {
                let a = args.next().ok_or(FormatError("missing pad argument"))?;
                pad = match a.as_small() {
                    Some(c) if (0..=0x10FFFF).contains(&c) => c as u32,
                    _ => return err("pad character is not a character"),
                };
                i += 2;
            }
            Some(&c) => {
                pad = c;
                i += 2;
            }
            None => return err("format ends inside a control sequence"),
        }
    }
    let mut encoding = Encoding::Latin1;
    let mut strings = true;
    loop {
        match fmt.get(i).map(|&c| to_char(c)) {
            Some('t') => encoding = Encoding::Unicode,
            Some('l') => strings = false,
            _ => break,
        }
        i += 1;
    }
    let control = *fmt.get(i).ok_or(FormatError("format ends inside a control sequence"))?;
    // A negative precision (from `.*`) makes OTP fail a guard, or loop
    // forever in `chars/2`, for every control but these.
    if precision.is_some_and(|p| p < 0) && !matches!(to_char(control), 'p' | 'P' | 'n' | 'i') {
        return err("negative precision");
    }
    Ok((Spec { width, left, precision, pad, encoding, strings, control }, i + 1))
}

struct Builder<'c, 'a> {
    out: String,
    /// Column of the next character, 0-based (OTP's `I`).
    col: usize,
    /// Characters in `out`.
    nchars: usize,
    /// See `format_nested`.
    nested: Vec<Range<usize>>,
    ctx: &'c Ctx<'a>,
}

impl Builder<'_, '_> {
    fn push(&mut self, c: char) {
        self.out.push(c);
        self.nchars += 1;
        self.col = match c {
            '\n' => 0,
            '\t' => (self.col + 8) / 8 * 8,
            _ => self.col + 1,
        };
    }

    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push(c);
        }
    }

    fn control(&mut self, spec: &Spec, args: &mut impl Iterator<Item = Term>) -> R<()> {
        let mut nested = matches!(to_char(spec.control), 'w' | 'W' | 'p' | 'P' | 's');
        let mut arg = || args.next().ok_or(FormatError("too few arguments"));
        let ctx = Ctx { encoding: spec.encoding, ..*self.ctx };
        let s = match to_char(spec.control) {
            'w' => {
                let a = arg()?;
                let mut s = String::new();
                write::write_with(&mut s, a, None, &ctx);
                term(s, spec, spec.precision)
            }
            'W' => {
                let a = arg()?;
                let d = depth_arg(arg()?)?;
                let mut s = String::new();
                write::write_with(&mut s, a, d, &ctx);
                term(s, spec, spec.precision)
            }
            'p' => {
                let a = arg()?;
                self.print(a, None, spec, &ctx)?
            }
            'P' => {
                let a = arg()?;
                let d = depth_arg(arg()?)?;
                self.print(a, d, spec, &ctx)?
            }
            's' => {
                let a = arg()?;
                // OTP formats `~s` of an atom as a "small" control: inline.
                nested = !a.is_atom();
                let chars = string_arg(a, spec.encoding)?;
                string(&chars, spec)?
            }
            'e' | 'f' | 'g' => {
                let f = arg()?.as_float().ok_or(FormatError("~e/~f/~g of a non-float"))?;
                let p = spec.precision.unwrap_or(6);
                let s = match to_char(spec.control) {
                    'e' if p >= 2 => float_e(f, p as usize),
                    'f' if p >= 1 => float_f(f, p as usize),
                    'g' if p >= 1 => match g_form(f, p as usize) {
                        GForm::F(p) => float_f(f, p),
                        GForm::E(p) => float_e(f, p),
                    },
                    _ => return err("float precision too small"),
                };
                match spec.width {
                    None => s,
                    Some(w) => term(s, spec, Some(w)),
                }
            }
            c @ ('b' | 'B') => {
                let a = arg()?;
                let base = base(spec)?;
                let digits = integer_digits(a, base, c == 'b')?;
                term(digits, &Spec { precision: None, ..*spec }, None)
            }
            c @ ('x' | 'X') => {
                let a = arg()?;
                let prefix = prefix_arg(arg()?)?;
                let base = base(spec)?;
                prefixed(a, base, &prefix, c == 'x', spec)?
            }
            c @ ('#' | '+') => {
                let a = arg()?;
                let base = base(spec)?;
                prefixed(a, base, &format!("{base}#"), c == '+', spec)?
            }
            'c' => {
                let a = arg()?.as_small().ok_or(FormatError("~c of a non-integer"))?;
                let c = if spec.encoding == Encoding::Unicode {
                    if a < 0 {
                        return err("~tc of a negative integer");
                    }
                    a as u32
                } else {
                    (a & 255) as u32
                };
                char_field(c, spec)?
            }
            '~' => char_field('~' as u32, spec)?,
            'n' => match (spec.width, spec.left) {
                (None, _) => "\n".to_string(),
                (Some(w), false) => "\n".repeat(w as usize),
                (Some(_), true) => return err("~-Nn"),
            },
            'i' => {
                arg()?;
                String::new()
            }
            _ => return err("unknown control character"),
        };
        let start = self.nchars;
        self.push_str(&s);
        if nested {
            self.nested.push(start..self.nchars);
        }
        Ok(())
    }

    /// `io_lib_format:print/10`: `~p` / `~P`. The field width is the line
    /// length and the precision the starting column.
    fn print(&self, t: Term, depth: Option<usize>, spec: &Spec, ctx: &Ctx) -> R<String> {
        if spec.left {
            return err("~-p");
        }
        // 80 columns: io_lib_format:print/10's default line length.
        let line_length = spec.width.unwrap_or(80) as usize;
        let column = match spec.precision {
            Some(p) => p.max(0) as usize,
            None => self.col + 1,
        };
        Ok(pretty_full(t, column, line_length, depth, spec.strings, ctx))
    }
}

/// The depth argument of `~W`/`~P`: negative means unlimited.
fn depth_arg(t: Term) -> R<Option<usize>> {
    let d = t.as_small().ok_or(FormatError("depth is not an integer"))?;
    Ok(if d < 0 { None } else { Some(d as usize) })
}

fn base(spec: &Spec) -> R<u32> {
    match spec.precision {
        None => Ok(10),
        Some(b) if (2..=36).contains(&b) => Ok(b as u32),
        _ => err("base out of range"),
    }
}

fn integer_digits(a: Term, base: u32, lowercase: bool) -> R<String> {
    let s = integer_to_string(a, base).ok_or(FormatError("not an integer"))?;
    Ok(if lowercase { s.to_lowercase() } else { s })
}

/// `prefixed_integer/7`: sign, prefix, digits.
fn prefixed(a: Term, base: u32, prefix: &str, lowercase: bool, spec: &Spec) -> R<String> {
    let digits = integer_digits(a, base, lowercase)?;
    let s = match digits.strip_prefix('-') {
        Some(d) => format!("-{prefix}{d}"),
        None => format!("{prefix}{digits}"),
    };
    Ok(term(s, &Spec { precision: None, ..*spec }, None))
}

/// The prefix of `~x`/`~X`: an atom or a deep character list.
fn prefix_arg(t: Term) -> R<String> {
    if let Some(a) = t.as_atom() {
        return Ok(a.name().to_string());
    }
    let mut cs = Vec::new();
    if !deep_chars(t, &mut cs, false) {
        return err("~x prefix is not a character list");
    }
    Ok(cs.into_iter().map(to_char).collect())
}

/// Collects a deep list of characters (and, with `binaries`, binaries as
/// bytes) into `out`; false when something else is in it.
fn deep_chars(t: Term, out: &mut Vec<u32>, binaries: bool) -> bool {
    let mut t = t;
    loop {
        if t.is_nil() {
            return true;
        }
        let Some((h, tl)) = t.as_cons() else {
            return false;
        };
        if let Some(c) = h.as_small() {
            if !(0..=0x10FFFF).contains(&c) {
                return false;
            }
            out.push(c as u32);
        } else if h.is_list() {
            if !deep_chars(h, out, binaries) {
                return false;
            }
        } else if binaries && h.is_bitstring() {
            match crate::binary::bytes(h) {
                Some(b) => out.extend(b.iter().map(|&b| b as u32)),
                None => return false,
            }
        } else {
            return false;
        }
        t = tl;
    }
}

/// The characters `~s`/`~ts` prints for its argument:
/// `iolist_to_chars/1` (latin1: characters up to 255, binaries as bytes)
/// or `cdata_to_chars/1` (unicode: any characters, binaries decoded as
/// UTF-8 when they are valid UTF-8).
fn string_arg(t: Term, enc: Encoding) -> R<Vec<u32>> {
    if let Some(a) = t.as_atom() {
        let cs: Vec<u32> = atom_chars(a);
        if enc == Encoding::Latin1 && cs.iter().any(|&c| c > 255) {
            return err("~s of an atom with characters above 255");
        }
        return Ok(cs);
    }
    let mut out = Vec::new();
    if !collect_chardata(t, enc, &mut out) {
        return err("~s of something that is not chardata");
    }
    Ok(out)
}

fn atom_chars(a: Atom) -> Vec<u32> {
    a.name().chars().map(|c| c as u32).collect()
}

fn collect_chardata(t: Term, enc: Encoding, out: &mut Vec<u32>) -> bool {
    if t.is_bitstring() {
        let Some(b) = crate::binary::bytes(t) else { return false };
        match (enc, std::str::from_utf8(&b)) {
            (Encoding::Unicode, Ok(s)) => out.extend(s.chars().map(|c| c as u32)),
            _ => out.extend(b.iter().map(|&b| b as u32)),
        }
        return true;
    }
    let mut t = t;
    loop {
        if t.is_nil() {
            return true;
        }
        let Some((h, tl)) = t.as_cons() else {
            // An iolist may end in a binary tail: [$a | <<"bc">>].
            return t.is_bitstring() && collect_chardata(t, enc, out);
        };
        if let Some(c) = h.as_small() {
            let max = if enc == Encoding::Latin1 { 255 } else { 0x10FFFF };
            if !(0..=max).contains(&c) {
                return false;
            }
            out.push(c as u32);
        } else if !collect_chardata(h, enc, out) {
            return false;
        }
        t = tl;
    }
}

fn pad_chars(pad: u32, n: usize) -> String {
    std::iter::repeat_n(to_char(pad), n).collect()
}

/// `adjust/3`.
fn adjust(data: String, pad: String, left: bool) -> String {
    if left {
        data + &pad
    } else {
        pad + &data
    }
}

/// `term/5`: fits `s` into the field, or fills the field with `*` when it
/// does not fit. `precision` is OTP's P argument of `term/5` (callers pass
/// the field width for floats and `none` for integers).
fn term(s: String, spec: &Spec, precision: Option<i64>) -> String {
    let f = match (spec.width, precision) {
        (None, None) => return s,
        (None, Some(p)) => p,
        (Some(f), _) => f,
    };
    let l = chars_len(&s) as i64;
    let p = l.min(match precision {
        None => f,
        Some(p0) => p0.min(f),
    });
    if l > p {
        adjust(pad_chars('*' as u32, p as usize), pad_chars(spec.pad, (f - p) as usize), spec.left)
    } else {
        adjust(s, pad_chars(spec.pad, (f - l) as usize), spec.left)
    }
}

/// `string/6`: `~s` with field width and precision.
fn string(chars: &[u32], spec: &Spec) -> R<String> {
    let s: String = chars.iter().map(|&c| to_char(c)).collect();
    let n = chars.len() as i64;
    Ok(match (spec.width, spec.precision) {
        (None, None) => s,
        (Some(f), None) => string_field(chars, f, spec.left, n, spec.pad),
        (None, Some(p)) => string_field(chars, p, true, n, spec.pad),
        (Some(f), Some(p)) if f >= p => {
            if f > p {
                let body = if n > p {
                    chars[..p as usize].iter().map(|&c| to_char(c)).collect()
                } else if n < p {
                    s + &pad_chars(spec.pad, (p - n) as usize)
                } else {
                    s
                };
                adjust(body, pad_chars(spec.pad, (f - p) as usize), spec.left)
            } else {
                string_field(chars, f, spec.left, n, spec.pad)
            }
        }
        _ => return err("~s precision larger than the field"),
    })
}

/// `string_field/6`.
fn string_field(chars: &[u32], f: i64, left: bool, n: i64, pad: u32) -> String {
    if n > f {
        chars[..f as usize].iter().map(|&c| to_char(c)).collect()
    } else {
        let s: String = chars.iter().map(|&c| to_char(c)).collect();
        if n < f {
            adjust(s, pad_chars(pad, (f - n) as usize), left)
        } else {
            s
        }
    }
}

/// `char/5`: `~c` and `~~`: the width is a repeat count.
fn char_field(c: u32, spec: &Spec) -> R<String> {
    Ok(match (spec.width, spec.precision) {
        (None, None) => to_char(c).to_string(),
        (Some(f), None) => pad_chars(c, f as usize),
        (None, Some(p)) => pad_chars(c, p as usize),
        (Some(f), Some(p)) if f >= p => {
            adjust(pad_chars(c, p as usize), pad_chars(spec.pad, (f - p) as usize), spec.left)
        }
        _ => return err("~c precision larger than the field"),
    })
}

#[cfg(test)]
#[allow(clippy::approx_constant)] // 3.14159 etc. are the conformance tests' literals, not π
mod tests {
    use super::*;
    use crate::atom::atom;
    use crate::heap::Heap;

    fn a(n: &str) -> Term {
        Term::atom(atom(n))
    }
    fn s(h: &mut Heap, text: &str) -> Term {
        let v: Vec<Term> = text.chars().map(|c| Term::small(c as i64)).collect();
        h.list(&v)
    }
    fn f(fmt: &str, args: &[Term]) -> String {
        format_str(fmt, args).unwrap_or_else(|e| panic!("{fmt}: {e:?}"))
    }

    /// Expected strings from `io:format` on Erlang/OTP 25 (the
    /// `io_format_*` conformance tests).
    #[test]
    fn controls_match_otp() {
        let mut h = Heap::new();
        let x = h.float(3.14159265);
        assert_eq!(f("[~f] [~e] [~g]", &[x, x, x]), "[3.141593] [3.14159e+0] [3.14159]");
        assert_eq!(f("[~10.2f] [~-10.2f] [~10.2.0f]", &[x, x, x]), "[      3.14] [3.14      ] [0000003.14]");
        let y = h.float(3.14159);
        assert_eq!(f("~8.3.0f", &[y]), "0003.142");
        let z = h.float(2.25);
        assert_eq!(f("~5.1f|", &[z]), "  2.3|");
        assert!(format_str("~f", &[Term::small(5)]).is_err());
        let n = Term::small;
        assert_eq!(f("[~b] [~B]", &[n(42), n(42)]), "[42] [42]");
        assert_eq!(f("[~.2B] [~.16B] [~.16b] [~.36B]", &[n(10), n(255), n(255), n(1295)]), "[1010] [FF] [ff] [ZZ]");
        assert_eq!(f("[~8.2.0B]", &[n(5)]), "[00000101]");
        assert_eq!(f("[~-8B] [~8B]", &[n(-42), n(-42)]), "[-42     ] [     -42]");
        let p = s(&mut h, "0x");
        assert_eq!(f("[~.16x] [~.16X]", &[n(255), p, n(255), p]), "[0xff] [0xFF]");
        let hash = s(&mut h, "#");
        assert_eq!(f("[~.16X]", &[n(-255), hash]), "[-#FF]");
        assert_eq!(f("[~.16#] [~.2#] [~#]", &[n(255), n(5), n(10)]), "[16#FF] [2#101] [10#10]");
        assert_eq!(f("[~.16+] [~.2+] [~+]", &[n(255), n(5), n(10)]), "[16#ff] [2#101] [10#10]");
        assert_eq!(f("[~5b]", &[n(123456)]), "[*****]");
        assert_eq!(f("~c~c~c", &[n(97), n(98), n(99)]), "abc");
        assert_eq!(f("[~5c] [~-5c]", &[n(120), n(121)]), "[xxxxx] [yyyyy]");
        assert_eq!(f("[~i]", &[a("ignored")]), "[]");
        assert_eq!(f("tilde: ~~ a~nb", &[]), "tilde: ~ a\nb");
        assert_eq!(f("[~10w] [~-10w]", &[a("abc"), a("abc")]), "[       abc] [abc       ]");
        let ab = h.tuple(&[a("a"), a("b")]);
        assert_eq!(f("[~10p]", &[ab]), "[{a,b}]");
        assert_eq!(f("[~3w]", &[a("toolongatom")]), "[***]");
        assert_eq!(f("[~10.*w]", &[n(46), a("x")]), "[         x]");
    }

    /// Random control sequences and arguments never panic (they may be
    /// errors): a deterministic fuzz over the parser and every control.
    #[test]
    fn random_formats_never_panic() {
        let mut h = Heap::new();
        let st = s(&mut h, "str");
        let bin = h.binary(b"bin");
        let fl = h.float(-2.5);
        let tup = h.tuple(&[a("x"), st]);
        let pool =
            [Term::small(-3), Term::small(0), Term::small(7), Term::small(300), a("atom"), st, bin, fl, tup, Term::NIL];
        let pieces = [
            "~", "-", "*", ".", "0", "3", "12", "t", "l", "w", "p", "W", "P", "s", "e", "f", "g", "b", "B", "x", "X",
            "#", "+", "c", "i", "n", "~", "a", "\n",
        ];
        let mut seed: u64 = 0x2545F4914F6CDD1D;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..20_000 {
            let fmt: String = (0..1 + next(8)).map(|_| pieces[next(pieces.len())]).collect();
            let args: Vec<Term> = (0..next(5)).map(|_| pool[next(pool.len())]).collect();
            let _ = format_str(&fmt, &args);
        }
    }

    #[test]
    fn strings_match_otp() {
        let mut h = Heap::new();
        let hello = s(&mut h, "hello");
        assert_eq!(f("[~s]", &[hello]), "[hello]");
        let b = h.binary(b"binary");
        assert_eq!(f("[~s]", &[b]), "[binary]");
        assert_eq!(f("[~s]", &[a("atom")]), "[atom]");
        let io = s(&mut h, "io");
        let is = h.binary(b"is");
        let t = s(&mut h, "t");
        let inner = h.list(&[is, t]);
        let l = h.list(&[io, Term::small('l' as i64), inner]);
        assert_eq!(f("[~s]", &[l]), "[iolist]");
        let right = s(&mut h, "right");
        assert_eq!(f("[~10s]", &[right]), "[     right]");
        let left = s(&mut h, "left");
        assert_eq!(f("[~-10s]", &[left]), "[left      ]");
        let tr = s(&mut h, "truncate");
        assert_eq!(f("[~.3s]", &[tr]), "[tru]");
        assert_eq!(f("[~10.3s]", &[tr]), "[       tru]");
        assert_eq!(f("[~-10.3.*s]", &[Term::small('*' as i64), tr]), "[tru*******]");
        let dots = s(&mut h, "dots");
        assert_eq!(f("[~10...s]", &[dots]), "[......dots]");
        let star = s(&mut h, "star");
        assert_eq!(f("[~*s]", &[Term::small(8), star]), "[    star]");
        let tl = s(&mut h, "toolong");
        assert_eq!(f("[~3s]", &[tl]), "[too]");
        let wide = h.list(&[Term::small(233), Term::small(8364)]);
        assert!(format_str("~s", &[wide]).is_err());
        assert_eq!(f("~ts", &[wide]), "é€");
        // Argument count mismatches.
        assert!(format_str("~w", &[]).is_err());
        assert!(format_str("x", &[Term::small(1)]).is_err());
        assert!(format_str("~d", &[a("a")]).is_err());
    }
}
