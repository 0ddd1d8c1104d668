//! Raising exceptions: building the stack trace term, unwinding to the
//! innermost handler, and describing an uncaught exception.
//!
//! The stack trace is a list of `{Module, Function, ArityOrArgs, Location}`
//! with `Location = [{file, File}, {line, Line}]`, innermost first, at most
//! `TRACE_DEPTH` entries (OTP's default `backtrace_depth`).

use super::{Pos, Raised};
use crate::atom::{self, Atom};
use crate::exception::{Class, Exception};
use crate::process::Process;
use crate::term::Term;

/// OTP's default `erlang:system_flag(backtrace_depth, 8)`.
const TRACE_DEPTH: usize = 8;

/// One stack-trace entry, for printing an uncaught exception.
#[derive(Clone, Debug)]
pub struct StackEntry {
    pub module: String,
    pub function: String,
    pub arity: u32,
    /// The call's arguments, printed, when the trace has them.
    pub args: Option<String>,
    pub file: String,
    pub line: u32,
}

fn location(p: &mut Process, file: &str, line: u32) -> Term {
    let chars: Vec<Term> = file.chars().map(|c| Term::small(c as i64)).collect();
    let f = p.heap.list(&chars);
    let fe = p.heap.tuple(&[Term::atom(atom::FILE), f]);
    let le = p.heap.tuple(&[Term::atom(atom::LINE), Term::small(line as i64)]);
    p.heap.list(&[fe, le])
}

fn entry(p: &mut Process, pos: Pos, args: Term) -> Term {
    let code = pos.code();
    let line = code.line_at(pos.pc);
    let loc = location(p, &pos.module.file, line);
    let a = if args.is_none() { Term::small(code.arity as i64) } else { args };
    p.heap.tuple(&[Term::atom(pos.module.name), Term::atom(code.display_name), a, loc])
}

/// The stack trace at `pos`, with `top` (already built) first if given.
fn build_trace(p: &mut Process, pos: Pos, top: Option<Term>, args: Term) -> Term {
    let mut entries = Vec::new();
    if let Some(t) = top {
        entries.push(t);
    }
    entries.push(entry(p, pos, if top.is_some() { Term::NONE } else { args }));
    let frames: Vec<_> = p.frames.iter().rev().take(TRACE_DEPTH).copied().collect();
    for f in frames {
        if entries.len() >= TRACE_DEPTH {
            break;
        }
        let fp = Pos { module: f.module, func: f.func, pc: f.pc.saturating_sub(1) };
        entries.push(entry(p, fp, Term::NONE));
    }
    p.heap.list(&entries)
}

/// Raises `exc` at `pos` (an instruction of Erlang code).
pub(crate) fn unwind(p: &mut Process, pos: &mut Pos, exc: Exception) -> Result<(), Raised> {
    if !exc.trace.is_none() {
        return unwind_with_trace(p, pos, exc, exc.trace);
    }
    // `undef` carries {M, F, Args}: the call that found nothing is the top frame.
    if let Some(mfa) = exc.args.as_tuple().filter(|t| t.len() == 3 && exc.reason.is_atom_eq(atom::UNDEF)) {
        let (m, f, a) = (mfa[0], mfa[1], mfa[2]);
        let loc = p.heap.list(&[]);
        let top = p.heap.tuple(&[m, f, a, loc]);
        let trace = build_trace(p, *pos, Some(top), Term::NONE);
        return unwind_with_trace(p, pos, exc, trace);
    }
    let trace = build_trace(p, *pos, None, exc.args);
    unwind_with_trace(p, pos, exc, trace)
}

/// Raises `exc` from BIF `m:f` called at `pos`.
pub(crate) fn unwind_from_bif(p: &mut Process, pos: &mut Pos, exc: Exception, m: Atom, f: Atom) -> Result<(), Raised> {
    if !exc.trace.is_none() || exc.reason.is_atom_eq(atom::UNDEF) {
        return unwind(p, pos, exc);
    }
    let trace = if is_explicit_raise(m, f) {
        // error/2,3: the caller is the top frame, with the given arguments.
        build_trace(p, *pos, None, exc.args)
    } else if matches!(exc.class, Class::Error) && !exc.args.is_none() {
        let loc = p.heap.list(&[]);
        let top = p.heap.tuple(&[Term::atom(m), Term::atom(f), exc.args, loc]);
        build_trace(p, *pos, Some(top), Term::NONE)
    } else {
        build_trace(p, *pos, None, Term::NONE)
    };
    unwind_with_trace(p, pos, exc, trace)
}

/// `error/1`, `throw/1`, `exit/1` raise on behalf of the caller: the trace
/// starts at the calling function, not at the BIF.
pub(crate) fn is_explicit_raise(m: Atom, f: Atom) -> bool {
    m == atom::ERLANG && matches!(&*f.name(), "error" | "throw" | "exit" | "raise")
}

/// Unwinds to the innermost handler, giving it class, reason and `trace`.
pub(crate) fn unwind_with_trace(p: &mut Process, pos: &mut Pos, exc: Exception, trace: Term) -> Result<(), Raised> {
    let Some(h) = p.handlers.pop() else {
        return Err(Raised { exc, trace });
    };
    while p.frames.len() > h.depth as usize {
        let f = p.frames.pop().expect("frame depth checked");
        *pos = Pos { module: f.module, func: f.func, pc: f.pc };
        p.base = f.base as usize;
    }
    p.base = h.base as usize;
    // Grow only: every active frame's window stays in the stack (see
    // `calls::enter`).
    let size = pos.code().frame_size as usize;
    super::calls::set_window_top(p, p.base + size);
    let d = h.dst as usize;
    p.regs[d] = Term::atom(exc.class.atom());
    p.regs[d + 1] = exc.reason;
    p.regs[d + 2] = trace;
    pos.pc = h.pc;
    Ok(())
}

/// Reads a stack-trace term back into entries (for printing).
pub fn trace_entries(trace: Term) -> Vec<StackEntry> {
    let mut out = Vec::new();
    let mut t = trace;
    while let Some((e, rest)) = t.as_cons() {
        t = rest;
        let Some(el) = e.as_tuple() else { continue };
        if el.len() != 4 {
            continue;
        }
        let module = el[0].as_atom().map(|a| a.name().to_string()).unwrap_or_default();
        let function = el[1].as_atom().map(|a| a.name().to_string()).unwrap_or_default();
        let (arity, args) = match el[2].as_small() {
            Some(n) => (n as u32, None),
            None => (list_vec(el[2]).map(|v| v.len() as u32).unwrap_or(0), Some(crate::format::pretty::pretty(el[2], 0, 80, None, true))),
        };
        let mut file = String::new();
        let mut line = 0;
        let mut l = el[3];
        while let Some((kv, r)) = l.as_cons() {
            l = r;
            if let Some([k, v]) = kv.as_tuple().map(|s| [s[0], s[1]]) {
                if k.is_atom_eq(atom::FILE) {
                    file = list_vec(v)
                        .map(|cs| cs.iter().filter_map(|c| c.as_small()).filter_map(|c| char::from_u32(c as u32)).collect())
                        .unwrap_or_default();
                } else if k.is_atom_eq(atom::LINE) {
                    line = v.as_small().unwrap_or(0) as u32;
                }
            }
        }
        out.push(StackEntry { module, function, arity, args, file, line });
    }
    out
}

/// The escript-style description of an uncaught exception, e.g.
/// `exception error: no match of right hand side value 3`.
pub fn describe_exception(class: Class, reason: Term) -> String {
    let p = |t: Term| crate::format::pretty::pretty(t, 0, 80, None, true);
    let class_word = match class {
        Class::Error => "error",
        Class::Throw => "throw",
        Class::Exit => "exit",
    };
    if class != Class::Error {
        return format!("exception {class_word}: {}", p(reason));
    }
    let text = if let Some(a) = reason.as_atom() {
        match &*a.name() {
            "badarg" => "bad argument".to_string(),
            "badarith" => "an error occurred when evaluating an arithmetic expression".to_string(),
            "function_clause" => "no function clause matching".to_string(),
            "if_clause" => "no true branch found when evaluating an if expression".to_string(),
            "undef" => "undefined function".to_string(),
            "system_limit" => "a system limit has been reached".to_string(),
            _ => p(reason),
        }
    } else if let Some(t) = reason.as_tuple() {
        match (t.len(), t[0].as_atom().map(|a| a.name())) {
            (2, Some(n)) if &*n == "badmatch" => format!("no match of right hand side value {}", p(t[1])),
            (2, Some(n)) if &*n == "case_clause" => format!("no case clause matching {}", p(t[1])),
            (2, Some(n)) if &*n == "try_clause" => format!("no try clause matching {}", p(t[1])),
            (2, Some(n)) if &*n == "badfun" => format!("bad function {}", p(t[1])),
            (2, Some(n)) if &*n == "badkey" => format!("bad key {}", p(t[1])),
            (2, Some(n)) if &*n == "badmap" => format!("bad map {}", p(t[1])),
            (2, Some(n)) if &*n == "badrecord" => format!("bad record {}", p(t[1])),
            _ => p(reason),
        }
    } else {
        p(reason)
    };
    format!("exception error: {text}")
}

fn list_vec(mut t: Term) -> Option<Vec<Term>> {
    let mut v = Vec::new();
    while let Some((h, tl)) = t.as_cons() {
        v.push(h);
        t = tl;
    }
    t.is_nil().then_some(v)
}
