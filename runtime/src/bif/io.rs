//! `io` and `io_lib` BIFs: formatted output through `format/`.
//!
//! OTP routes `io:format` through an I/O server process; we format in the
//! calling process and write the bytes straight to the VM's standard
//! output, one call at a time, which gives the same bytes for a program
//! whose output goes to one device.
//!
//! **The device encoding.** An escript's standard output starts in
//! `latin1` mode: characters up to 255 are written as one byte each and
//! larger ones as the text `\x{20AC}`. After
//! `io:setopts([{encoding, unicode}])` every character is written as
//! UTF-8. The mode is one flag for the whole OS process (`STDOUT_UNICODE`)
//! because standard output is one device for the whole OS process too.
//!
//! Input (`io:get_line`, `io:get_chars`) reads standard input's bytes as
//! Latin-1 characters, as an escript does, and returns `eof` at its end.

use super::BifDef;
use crate::atom::{self, Atom};
use crate::exception::{BifResult, Exception};
use crate::format::{self, fmt, pretty, write, Ctx, Encoding};
use crate::list;
use crate::process::Process;
use crate::term::Term;
use std::io::{BufRead as _, Read as _, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};

pub const BIFS: &[BifDef] = &[
    ("io", "format", 1, io_format_1),
    ("io", "format", 2, io_format_2),
    ("io", "format", 3, io_format_3),
    ("io", "fwrite", 1, io_format_1),
    ("io", "fwrite", 2, io_format_2),
    ("io", "fwrite", 3, io_format_3),
    ("io", "put_chars", 1, io_put_chars_1),
    ("io", "put_chars", 2, io_put_chars_2),
    ("io", "nl", 0, io_nl_0),
    ("io", "nl", 1, io_nl_1),
    ("io", "write", 1, io_write_1),
    ("io", "write", 2, io_write_2),
    ("io", "setopts", 1, io_setopts_1),
    ("io", "setopts", 2, io_setopts_2),
    ("io", "getopts", 0, io_getopts_0),
    ("io", "getopts", 1, io_getopts_1),
    ("io", "printable_range", 0, io_printable_range_0),
    ("io", "get_line", 1, io_get_line_1),
    ("io", "get_line", 2, io_get_line_2),
    ("io", "get_chars", 2, io_get_chars_2),
    ("io", "get_chars", 3, io_get_chars_3),
    ("io", "columns", 0, io_no_terminal_0),
    ("io", "columns", 1, io_no_terminal_1),
    ("io", "rows", 0, io_no_terminal_0),
    ("io", "rows", 1, io_no_terminal_1),
    ("io_lib", "format", 2, io_lib_format_2),
    ("io_lib", "fwrite", 2, io_lib_format_2),
    ("io_lib", "write", 1, io_lib_write_1),
    ("io_lib", "write", 2, io_lib_write_2),
    ("io_lib", "print", 1, io_lib_print_1),
    ("io_lib", "print", 4, io_lib_print_4),
    ("io_lib", "write_atom", 1, io_lib_write_atom_1),
    ("io_lib", "write_string", 1, io_lib_write_string_1),
    ("io_lib", "write_string", 2, io_lib_write_string_2),
    ("io_lib", "write_unicode_string", 1, io_lib_write_string_1),
    ("io_lib", "write_latin1_string", 1, io_lib_write_string_1),
    ("io_lib", "write_string_as_latin1", 1, io_lib_write_string_as_latin1_1),
    ("io_lib", "write_atom_as_latin1", 1, io_lib_write_atom_as_latin1_1),
    ("io_lib", "write_unicode_char", 1, io_lib_write_char_1),
    ("io_lib", "write_latin1_char", 1, io_lib_write_char_1),
    ("io_lib", "write_char_as_latin1", 1, io_lib_write_char_as_latin1_1),
    ("io_lib", "latin1_char_list", 1, io_lib_latin1_char_list_1),
    ("io_lib", "deep_latin1_char_list", 1, io_lib_deep_latin1_char_list_1),
    ("io_lib", "deep_unicode_char_list", 1, io_lib_deep_char_list_1),
    ("io_lib", "chars_length", 1, io_lib_chars_length_1),
    ("io_lib", "format_prompt", 1, io_lib_format_prompt_1),
    ("io_lib", "indentation", 2, io_lib_indentation_2),
    ("io_lib", "write_char", 1, io_lib_write_char_1),
    ("io_lib", "nl", 0, io_lib_nl_0),
    ("io_lib", "printable_list", 1, io_lib_printable_list_1),
    ("io_lib", "printable_latin1_list", 1, io_lib_printable_list_1),
    ("io_lib", "printable_unicode_list", 1, io_lib_printable_unicode_list_1),
    ("io_lib", "char_list", 1, io_lib_char_list_1),
    ("io_lib", "deep_char_list", 1, io_lib_deep_char_list_1),
];

/// Whether standard output is in `unicode` mode (see the module doc).
static STDOUT_UNICODE: AtomicBool = AtomicBool::new(false);

/// Where output goes.
#[derive(Clone, Copy)]
enum Device {
    Stdout,
    Stderr,
}

/// An I/O device argument: `standard_io`, `user`, a pid (taken to be the
/// group leader), or `standard_error`.
fn device(t: Term) -> Result<Device, Exception> {
    if t.is_pid() {
        return Ok(Device::Stdout);
    }
    match t.as_atom().map(|a| a.name()) {
        Some(n) if &*n == "standard_io" || &*n == "user" => Ok(Device::Stdout),
        Some(n) if &*n == "standard_error" => Ok(Device::Stderr),
        _ => Err(Exception::badarg()),
    }
}

/// Characters as the device's bytes (see the module doc).
pub fn encode_for_device(chars: &str, unicode: bool) -> Vec<u8> {
    if unicode {
        return chars.as_bytes().to_vec();
    }
    let mut out = Vec::with_capacity(chars.len());
    for c in chars.chars() {
        let c = c as u32;
        if c <= 255 {
            out.push(c as u8);
        } else {
            out.extend_from_slice(format!("\\x{{{c:X}}}").as_bytes());
        }
    }
    out
}

fn emit(p: &Process, dev: Device, chars: &str) {
    let bytes = encode_for_device(chars, STDOUT_UNICODE.load(Ordering::Relaxed));
    match dev {
        Device::Stdout => p.vm.write_stdout(&bytes),
        Device::Stderr => {
            p.vm.flush();
            let _ = std::io::stderr().write_all(&bytes);
        }
    }
}

/// The format argument as characters: a string, a binary (its bytes as
/// Latin-1 characters) or an atom. Nested lists and binaries inside a
/// string are literal text in OTP, so their `~` are doubled here.
fn format_chars(t: Term) -> Result<Vec<u32>, Exception> {
    if let Some(a) = t.as_atom() {
        return Ok(a.name().chars().map(|c| c as u32).collect());
    }
    if t.is_bitstring() {
        let b = crate::binary::bytes(t).ok_or_else(Exception::badarg)?;
        return Ok(b.iter().map(|&b| b as u32).collect());
    }
    let mut out = Vec::new();
    let mut t = t;
    while let Some((h, tl)) = t.as_cons() {
        if let Some(c) = h.as_small().filter(|c| (0..=0x10FFFF).contains(c)) {
            out.push(c as u32);
        } else {
            let s = list::chardata_to_string(h).ok_or_else(Exception::badarg)?;
            for c in s.chars() {
                if c == '~' {
                    out.push('~' as u32);
                }
                out.push(c as u32);
            }
        }
        t = tl;
    }
    if !t.is_nil() {
        return Err(Exception::badarg());
    }
    Ok(out)
}

/// Runs `f` with a printing context for process `p`: closures are named
/// `#Fun<Module.Index.Uniq>` from the VM's module table.
pub(crate) fn with_ctx<R>(p: &Process, enc: Encoding, f: impl FnOnce(&Ctx) -> R) -> R {
    let vm = p.vm.clone();
    let namer = move |code: u64| {
        let m = vm.module_at((code >> 32) as usize);
        let l = m.lambdas.get(code as u32 as usize);
        (m.name.name().to_string(), l.map_or(code as u32, |l| l.index), l.map_or(0, |l| l.uniq))
    };
    let ctx = Ctx { encoding: enc, fun_namer: Some(&namer) };
    f(&ctx)
}

/// `io_lib:format(Fmt, Args)` as a Rust string, or badarg.
fn format_term(p: &Process, fmt: Term, args: Term) -> Result<String, Exception> {
    let fmt = format_chars(fmt)?;
    let args = list::to_vec(args).ok_or_else(Exception::badarg)?;
    with_ctx(p, Encoding::Latin1, |ctx| fmt::format_with(&fmt, &args, ctx)).map_err(|_| Exception::badarg())
}

fn ok() -> BifResult {
    Ok(Term::atom(atom::OK))
}

fn io_format_1(p: &mut Process, a: &[Term]) -> BifResult {
    let s = format_term(p, a[0], Term::NIL)?;
    emit(p, Device::Stdout, &s);
    ok()
}

fn io_format_2(p: &mut Process, a: &[Term]) -> BifResult {
    let s = format_term(p, a[0], a[1])?;
    emit(p, Device::Stdout, &s);
    ok()
}

fn io_format_3(p: &mut Process, a: &[Term]) -> BifResult {
    let dev = device(a[0])?;
    let s = format_term(p, a[1], a[2])?;
    emit(p, dev, &s);
    ok()
}

fn io_put_chars_1(p: &mut Process, a: &[Term]) -> BifResult {
    let s = list::chardata_to_string(a[0]).ok_or_else(Exception::badarg)?;
    emit(p, Device::Stdout, &s);
    ok()
}

fn io_put_chars_2(p: &mut Process, a: &[Term]) -> BifResult {
    let dev = device(a[0])?;
    let s = list::chardata_to_string(a[1]).ok_or_else(Exception::badarg)?;
    emit(p, dev, &s);
    ok()
}

fn io_nl_0(p: &mut Process, _a: &[Term]) -> BifResult {
    emit(p, Device::Stdout, "\n");
    ok()
}

fn io_nl_1(p: &mut Process, a: &[Term]) -> BifResult {
    let dev = device(a[0])?;
    emit(p, dev, "\n");
    ok()
}

fn write_string(p: &Process, t: Term, depth: Option<usize>) -> String {
    with_ctx(p, Encoding::Latin1, |ctx| {
        format::with_stack_for(&[t], || {
            let mut s = String::new();
            write::write_with(&mut s, t, depth, ctx);
            s
        })
    })
}

fn io_write_1(p: &mut Process, a: &[Term]) -> BifResult {
    let s = write_string(p, a[0], None);
    emit(p, Device::Stdout, &s);
    ok()
}

fn io_write_2(p: &mut Process, a: &[Term]) -> BifResult {
    let dev = device(a[0])?;
    let s = write_string(p, a[1], None);
    emit(p, dev, &s);
    ok()
}

/// `io:setopts/1,2`: only `{encoding, latin1 | unicode | utf8}` has an
/// effect; `binary`/`list` options are accepted and ignored.
fn setopts(opts: Term) -> BifResult {
    let opts = list::to_vec(opts).ok_or_else(Exception::badarg)?;
    for o in opts {
        let Some([k, v]) = o.as_tuple().and_then(|t| <[Term; 2]>::try_from(t).ok()) else {
            if o.is_atom() {
                continue;
            }
            return Err(Exception::badarg());
        };
        if k.is_atom_eq(atom::atom("encoding")) {
            match v.as_atom() {
                Some(atom::LATIN1) => STDOUT_UNICODE.store(false, Ordering::Relaxed),
                Some(atom::UNICODE) | Some(atom::UTF8) => STDOUT_UNICODE.store(true, Ordering::Relaxed),
                _ => return Err(Exception::badarg()),
            }
        }
    }
    ok()
}

fn io_setopts_1(_p: &mut Process, a: &[Term]) -> BifResult {
    setopts(a[0])
}

fn io_setopts_2(_p: &mut Process, a: &[Term]) -> BifResult {
    device(a[0])?;
    setopts(a[1])
}

/// `[{binary,false},{encoding,latin1}]`, as an escript's standard output reports.
fn getopts(p: &mut Process) -> BifResult {
    let enc = if STDOUT_UNICODE.load(Ordering::Relaxed) { atom::UNICODE } else { atom::LATIN1 };
    let b = p.heap.tuple(&[Term::atom(atom::atom("binary")), Term::bool(false)]);
    let e = p.heap.tuple(&[Term::atom(atom::atom("encoding")), Term::atom(enc)]);
    Ok(p.heap.list(&[b, e]))
}

fn io_getopts_0(p: &mut Process, _a: &[Term]) -> BifResult {
    getopts(p)
}

fn io_getopts_1(p: &mut Process, a: &[Term]) -> BifResult {
    device(a[0])?;
    getopts(p)
}

/// The `+pc` printable range; only `latin1` (the default) is supported.
fn io_printable_range_0(_p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(Term::atom(atom::LATIN1))
}

// ---- input ----

/// `io_lib:format_prompt/1`: `{format, Fmt, Args}`, or text printed with
/// `~s`, or any other term with `~p`; a prompt that fails to format is `???`.
fn prompt_text(p: &Process, prompt: Term) -> String {
    let formatted = match prompt.as_tuple() {
        Some([tag, fmt, args]) if tag.is_atom_eq(atom::atom("format")) => format_term(p, *fmt, *args),
        _ => {
            let control = if prompt.is_list() || prompt.is_atom() || prompt.is_bitstring() { "~s" } else { "~p" };
            let fmt: Vec<u32> = control.chars().map(|c| c as u32).collect();
            with_ctx(p, Encoding::Latin1, |ctx| fmt::format_with(&fmt, &[prompt], ctx)).map_err(|_| Exception::badarg())
        }
    };
    formatted.unwrap_or_else(|_| "???".to_string())
}

/// Bytes as a list of Latin-1 characters, or `eof` when there are none.
fn input_term(p: &mut Process, bytes: &[u8]) -> Term {
    if bytes.is_empty() {
        Term::atom(atom::atom("eof"))
    } else {
        list::from_bytes_list(&mut p.heap, bytes)
    }
}

fn get_line(p: &mut Process, dev: Term, prompt: Term) -> BifResult {
    device(dev)?;
    let text = prompt_text(p, prompt);
    emit(p, Device::Stdout, &text);
    p.vm.flush();
    let mut line = Vec::new();
    let _ = std::io::stdin().lock().read_until(b'\n', &mut line);
    Ok(input_term(p, &line))
}

fn io_get_line_1(p: &mut Process, a: &[Term]) -> BifResult {
    get_line(p, Term::atom(atom::atom("standard_io")), a[0])
}

fn io_get_line_2(p: &mut Process, a: &[Term]) -> BifResult {
    get_line(p, a[0], a[1])
}

fn get_chars(p: &mut Process, dev: Term, prompt: Term, count: Term) -> BifResult {
    device(dev)?;
    let n = count.as_small().filter(|&n| n >= 0).ok_or_else(Exception::badarg)? as u64;
    let text = prompt_text(p, prompt);
    emit(p, Device::Stdout, &text);
    p.vm.flush();
    let mut buf = Vec::new();
    let _ = std::io::stdin().lock().take(n).read_to_end(&mut buf);
    Ok(input_term(p, &buf))
}

fn io_get_chars_2(p: &mut Process, a: &[Term]) -> BifResult {
    get_chars(p, Term::atom(atom::atom("standard_io")), a[0], a[1])
}

fn io_get_chars_3(p: &mut Process, a: &[Term]) -> BifResult {
    get_chars(p, a[0], a[1], a[2])
}

/// `io:columns/0,1`, `io:rows/0,1`: `{error, enotsup}`, as under escript
/// (standard output is not a terminal OTP drives).
fn io_no_terminal_0(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(p.heap.tuple(&[Term::atom(atom::ERROR), Term::atom(atom::atom("enotsup"))]))
}

fn io_no_terminal_1(p: &mut Process, a: &[Term]) -> BifResult {
    device(a[0])?;
    io_no_terminal_0(p, a)
}

/// A character list term (OTP returns deep lists; a flat one prints the same).
fn chars_term(p: &mut Process, s: &str) -> Term {
    list::from_str(&mut p.heap, s)
}

/// `io_lib:format/2`: a list of characters in which the output of each
/// `~p ~w ~s`-like control is a sublist, as in OTP (see
/// `fmt::format_nested`), so `length/1` of the result and `~p` of it agree.
fn io_lib_format_2(p: &mut Process, a: &[Term]) -> BifResult {
    let fmt = format_chars(a[0])?;
    let args = list::to_vec(a[1]).ok_or_else(Exception::badarg)?;
    let (s, nested) =
        with_ctx(p, Encoding::Latin1, |ctx| fmt::format_nested(&fmt, &args, ctx)).map_err(|_| Exception::badarg())?;
    let chars: Vec<Term> = s.chars().map(|c| Term::small(c as i64)).collect();
    let mut elems = Vec::with_capacity(chars.len());
    let mut i = 0;
    for r in nested {
        elems.extend_from_slice(&chars[i..r.start]);
        let sub = p.heap.list(&chars[r.clone()]);
        elems.push(sub);
        i = r.end;
    }
    elems.extend_from_slice(&chars[i..]);
    Ok(p.heap.list(&elems))
}

fn io_lib_write_1(p: &mut Process, a: &[Term]) -> BifResult {
    let s = write_string(p, a[0], None);
    Ok(chars_term(p, &s))
}

/// `io_lib:write(Term, Depth)`; an options list is read for `{depth, D}`.
fn io_lib_write_2(p: &mut Process, a: &[Term]) -> BifResult {
    let depth = if let Some(d) = a[1].as_small() {
        d
    } else {
        let opts = list::to_vec(a[1]).ok_or_else(Exception::badarg)?;
        let mut d = -1;
        for o in opts {
            if let Some([k, v]) = o.as_tuple().and_then(|t| <[Term; 2]>::try_from(t).ok()) {
                if k.is_atom_eq(atom::atom("depth")) {
                    d = v.as_small().ok_or_else(Exception::badarg)?;
                }
            }
        }
        d
    };
    let s = write_string(p, a[0], if depth < 0 { None } else { Some(depth as usize) });
    Ok(chars_term(p, &s))
}

fn io_lib_print_1(p: &mut Process, a: &[Term]) -> BifResult {
    let s = with_ctx(p, Encoding::Latin1, |ctx| {
        format::with_stack_for(&[a[0]], || pretty::pretty_full(a[0], 1, 80, None, true, ctx))
    });
    Ok(chars_term(p, &s))
}

/// `io_lib:print(Term, Column, LineLength, Depth)`.
fn io_lib_print_4(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(col), Some(ll), Some(d)) = (a[1].as_small(), a[2].as_small(), a[3].as_small()) else {
        return Err(Exception::badarg());
    };
    let depth = if d < 0 { None } else { Some(d as usize) };
    let s = with_ctx(p, Encoding::Latin1, |ctx| {
        format::with_stack_for(&[a[0]], || {
            pretty::pretty_full(a[0], col.max(1) as usize, ll.max(0) as usize, depth, true, ctx)
        })
    });
    Ok(chars_term(p, &s))
}

fn io_lib_write_atom_1(p: &mut Process, a: &[Term]) -> BifResult {
    write_atom_as(p, a[0], Encoding::Unicode)
}

/// `io_lib:write_atom_as_latin1/1`: characters above 255 as `\x{...}`.
fn io_lib_write_atom_as_latin1_1(p: &mut Process, a: &[Term]) -> BifResult {
    write_atom_as(p, a[0], Encoding::Latin1)
}

fn write_atom_as(p: &mut Process, t: Term, enc: Encoding) -> BifResult {
    let at: Atom = t.as_atom().ok_or_else(Exception::badarg)?;
    let mut s = String::new();
    write::write_atom(&mut s, at, enc);
    Ok(chars_term(p, &s))
}

/// `io_lib:write_string/1,2` and friends: the string in quotes, escaped.
fn quoted(p: &mut Process, t: Term, quote: char, mode: write::StringMode) -> BifResult {
    let cs = list::string_of(t).ok_or_else(Exception::badarg)?;
    let chars: Vec<u32> = cs.chars().map(|c| c as u32).collect();
    let mut s = String::new();
    write::write_string(&mut s, &chars, quote, mode);
    Ok(chars_term(p, &s))
}

fn io_lib_write_string_1(p: &mut Process, a: &[Term]) -> BifResult {
    quoted(p, a[0], '"', write::StringMode::Unicode)
}

fn io_lib_write_string_2(p: &mut Process, a: &[Term]) -> BifResult {
    let q = a[1].as_small().and_then(|q| char::from_u32(u32::try_from(q).ok()?)).ok_or_else(Exception::badarg)?;
    quoted(p, a[0], q, write::StringMode::Unicode)
}

fn io_lib_write_string_as_latin1_1(p: &mut Process, a: &[Term]) -> BifResult {
    quoted(p, a[0], '"', write::StringMode::Latin1)
}

/// `io_lib:write_char/1`: `$a`, `$\n`, and `$\s` for space.
fn io_lib_write_char_1(p: &mut Process, a: &[Term]) -> BifResult {
    write_char(p, a[0], write::StringMode::Unicode)
}

fn io_lib_write_char_as_latin1_1(p: &mut Process, a: &[Term]) -> BifResult {
    write_char(p, a[0], write::StringMode::Latin1)
}

fn write_char(p: &mut Process, t: Term, mode: write::StringMode) -> BifResult {
    let c = t.as_small().filter(|&c| c >= 0).ok_or_else(Exception::badarg)? as u32;
    let mut s = String::from("$");
    if c == ' ' as u32 {
        s.push_str("\\s");
    } else {
        // No quote character to escape: OTP passes -1, which no character equals.
        write::string_char(&mut s, mode, c, None);
    }
    Ok(chars_term(p, &s))
}

fn io_lib_latin1_char_list_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(
        list::to_vec(a[0]).is_some_and(|v| v.iter().all(|c| c.as_small().is_some_and(|c| (0..=255).contains(&c)))),
    ))
}

fn deep_latin1(t: Term) -> bool {
    let mut t = t;
    while let Some((h, tl)) = t.as_cons() {
        let ok = if h.is_list() { deep_latin1(h) } else { h.as_small().is_some_and(|c| (0..=255).contains(&c)) };
        if !ok {
            return false;
        }
        t = tl;
    }
    t.is_nil()
}

fn io_lib_deep_latin1_char_list_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(deep_latin1(a[0])))
}

/// `io_lib:chars_length/1`: the characters of chardata (a binary counts
/// its bytes, as `iolist_size` does).
fn io_lib_chars_length_1(_p: &mut Process, a: &[Term]) -> BifResult {
    if let Some(n) = list::iolist_size(a[0]) {
        return Ok(Term::small(n as i64));
    }
    let cs = list::chardata_to_chars(a[0]).ok_or_else(Exception::badarg)?;
    Ok(Term::small(cs.len() as i64))
}

fn io_lib_format_prompt_1(p: &mut Process, a: &[Term]) -> BifResult {
    let s = prompt_text(p, a[0]);
    Ok(chars_term(p, &s))
}

/// `io_lib:indentation(String, StartColumn)`: the column after `String`.
fn io_lib_indentation_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let mut col = a[1].as_small().ok_or_else(Exception::badarg)?;
    let cs = list::chardata_to_chars(a[0]).ok_or_else(Exception::badarg)?;
    for c in cs {
        col = match c {
            '\n' => 0,
            '\t' => (col + 8) / 8 * 8,
            _ => col + 1,
        };
    }
    Ok(Term::small(col))
}

fn io_lib_nl_0(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(chars_term(p, "\n"))
}

fn io_lib_printable_list_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(format::printable_latin1_list(a[0]).is_some()))
}

/// A Unicode scalar value that `io_lib:char_list/1` accepts.
fn is_unicode_char(c: i64) -> bool {
    (0..0xD800).contains(&c) || (0xE000..0xFFFE).contains(&c) || (0x10000..=0x10FFFF).contains(&c)
}

fn io_lib_printable_unicode_list_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let mut t = a[0];
    while let Some((h, tl)) = t.as_cons() {
        let ok = match h.as_small() {
            Some(c) => (32..=126).contains(&c) || (c >= 160 && is_unicode_char(c)) || matches!(c, 8..=13 | 27),
            None => false,
        };
        if !ok {
            return Ok(Term::bool(false));
        }
        t = tl;
    }
    Ok(Term::bool(t.is_nil()))
}

fn io_lib_char_list_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let mut t = a[0];
    while let Some((h, tl)) = t.as_cons() {
        if !h.as_small().is_some_and(is_unicode_char) {
            return Ok(Term::bool(false));
        }
        t = tl;
    }
    Ok(Term::bool(t.is_nil()))
}

fn deep_char_list(t: Term) -> bool {
    let mut t = t;
    while let Some((h, tl)) = t.as_cons() {
        let ok = if h.is_list() { deep_char_list(h) } else { h.as_small().is_some_and(is_unicode_char) };
        if !ok {
            return false;
        }
        t = tl;
    }
    t.is_nil()
}

fn io_lib_deep_char_list_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(deep_char_list(a[0])))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes an escript writes to a latin1 standard output (OTP 25).
    #[test]
    fn latin1_device_escapes_wide_chars() {
        assert_eq!(encode_for_device("é€日", false), b"\xe9\\x{20AC}\\x{65E5}");
        assert_eq!(encode_for_device("é€", true), "é€".as_bytes());
    }
}
