//! The native half of `logger` (the Erlang half is `stdlib/logger.act`):
//! the primary level, and writing a report the way OTP's default handler
//! does — on standard error for Act, since standard output is the program's.

use super::BifDef;
use crate::atom;
use crate::exception::{BifResult, Exception};
use crate::process::Process;
use crate::term::Term;
use std::sync::atomic::{AtomicI64, Ordering};

pub const BIFS: &[BifDef] = &[
    ("$act_logger", "emit", 2, emit),
    ("$act_logger", "level", 0, level),
    ("$act_logger", "set_level", 1, set_level),
];

/// Severity numbers as syslog (and OTP's logger) use them; `none` = -1 and
/// `all` = 7 bound the range.
const LEVELS: &[(&str, i64)] = &[
    ("none", -1),
    ("emergency", 0),
    ("alert", 1),
    ("critical", 2),
    ("error", 3),
    ("warning", 4),
    ("notice", 5),
    ("info", 6),
    ("debug", 7),
    ("all", 7),
];

/// OTP's default primary level is `notice`.
static PRIMARY: AtomicI64 = AtomicI64::new(5);

fn severity(t: Term) -> Option<i64> {
    let a = t.as_atom()?;
    let name = a.name();
    LEVELS.iter().find(|(n, _)| **n == *name).map(|&(_, s)| s)
}

fn level(_p: &mut Process, _a: &[Term]) -> BifResult {
    let s = PRIMARY.load(Ordering::Relaxed);
    let name = LEVELS.iter().find(|&&(n, v)| v == s && n != "all").map(|(n, _)| *n).unwrap_or("notice");
    Ok(Term::atom(atom::atom(name)))
}

fn set_level(_p: &mut Process, a: &[Term]) -> BifResult {
    let s = severity(a[0]).ok_or_else(Exception::badarg)?;
    PRIMARY.store(s, Ordering::Relaxed);
    Ok(Term::atom(atom::OK))
}

/// `emit(Level, Text)`: prints the report when `Level` passes the primary level.
fn emit(p: &mut Process, a: &[Term]) -> BifResult {
    let s = severity(a[0]).ok_or_else(Exception::badarg)?;
    if s > PRIMARY.load(Ordering::Relaxed) || s < 0 {
        return Ok(Term::atom(atom::OK));
    }
    let text = crate::list::chardata_to_string(a[1]).ok_or_else(Exception::badarg)?;
    let label = a[0].as_atom().map(|l| l.name().to_uppercase()).unwrap_or_default();
    p.vm.flush();
    eprintln!("={label} REPORT==== {} ===\n{}", crate::clock::report_time(), text.trim_end_matches('\n'));
    Ok(Term::atom(atom::OK))
}
