//! `erlang` BIFs that are not about one data type: list basics, the
//! operators as functions, the process dictionary, raising exceptions,
//! time, `halt`, `self`, `make_ref`, `node`.
//!
//! Type tests live in `types.rs`, tuples in `tuples.rs`, conversions in
//! `convert.rs`, numbers in `numbers.rs`, the external term format in
//! `etf.rs`, hashing in `hash.rs`.

use super::BifDef;
use crate::atom::{self, Atom};
use crate::compare;
use crate::exception::{BifResult, Exception};
use crate::list;
use crate::number;
use crate::opcode::ArithOp;
use crate::process::Process;
use crate::term::Term;
use std::cmp::Ordering;

/// `Err(badarg)`, for brevity in BIF bodies.
#[inline]
pub(crate) fn badarg<T>() -> Result<T, Exception> {
    Err(Exception::badarg())
}

/// An atom argument or badarg.
#[inline]
pub(crate) fn arg_atom(t: Term) -> Result<Atom, Exception> {
    t.as_atom().ok_or_else(Exception::badarg)
}

/// A non-negative small integer argument (an index, a size) or badarg.
#[inline]
pub(crate) fn arg_usize(t: Term) -> Result<usize, Exception> {
    match t.as_small() {
        Some(i) if i >= 0 => Ok(i as usize),
        _ => badarg(),
    }
}

/// A proper list argument or badarg.
#[inline]
pub(crate) fn arg_list(t: Term) -> Result<Vec<Term>, Exception> {
    list::to_vec(t).ok_or_else(Exception::badarg)
}

/// A boolean argument or badarg.
#[inline]
pub(crate) fn arg_bool(t: Term) -> Result<bool, Exception> {
    if t == Term::atom(atom::TRUE) {
        Ok(true)
    } else if t == Term::atom(atom::FALSE) {
        Ok(false)
    } else {
        badarg()
    }
}

pub(crate) fn mk_atom(name: &str) -> Term {
    Term::atom(atom::atom(name))
}

pub const BIFS: &[BifDef] = &[
    ("erlang", "length", 1, length),
    ("erlang", "hd", 1, hd),
    ("erlang", "tl", 1, tl),
    ("erlang", "++", 2, append),
    ("erlang", "--", 2, subtract),
    ("erlang", "not", 1, not),
    ("erlang", "and", 2, and),
    ("erlang", "or", 2, or),
    ("erlang", "xor", 2, xor),
    ("erlang", "+", 2, op_add),
    ("erlang", "-", 2, op_sub),
    ("erlang", "*", 2, op_mul),
    ("erlang", "/", 2, op_fdiv),
    ("erlang", "div", 2, op_div),
    ("erlang", "rem", 2, op_rem),
    ("erlang", "band", 2, op_band),
    ("erlang", "bor", 2, op_bor),
    ("erlang", "bxor", 2, op_bxor),
    ("erlang", "bsl", 2, op_bsl),
    ("erlang", "bsr", 2, op_bsr),
    ("erlang", "bnot", 1, op_bnot),
    ("erlang", "-", 1, op_neg),
    ("erlang", "+", 1, op_plus),
    ("erlang", "==", 2, op_eq),
    ("erlang", "/=", 2, op_ne),
    ("erlang", "=:=", 2, op_eeq),
    ("erlang", "=/=", 2, op_ene),
    ("erlang", "<", 2, op_lt),
    ("erlang", ">", 2, op_gt),
    ("erlang", "=<", 2, op_le),
    ("erlang", ">=", 2, op_ge),
    ("erlang", "put", 2, put),
    ("erlang", "get", 1, get),
    ("erlang", "get", 0, get_all),
    ("erlang", "get_keys", 0, get_keys),
    ("erlang", "get_keys", 1, get_keys_of),
    ("erlang", "erase", 0, erase_all),
    ("erlang", "erase", 1, erase),
    ("erlang", "error", 1, error1),
    ("erlang", "error", 2, error2),
    ("erlang", "error", 3, error2),
    ("erlang", "throw", 1, throw),
    ("erlang", "exit", 1, exit),
    ("erlang", "raise", 3, raise),
    ("erlang", "self", 0, self_),
    ("erlang", "make_ref", 0, make_ref),
    ("erlang", "node", 0, node),
    ("erlang", "node", 1, node),
    ("erlang", "halt", 0, halt0),
    ("erlang", "halt", 1, halt1),
    ("erlang", "halt", 2, halt1),
    ("erlang", "garbage_collect", 0, garbage_collect),
    ("erlang", "garbage_collect", 1, garbage_collect),
    ("erlang", "monotonic_time", 0, monotonic_time0),
    ("erlang", "monotonic_time", 1, monotonic_time1),
    ("erlang", "system_time", 0, system_time0),
    ("erlang", "system_time", 1, system_time1),
    ("os", "system_time", 0, system_time0),
    ("os", "system_time", 1, system_time1),
    ("erlang", "timestamp", 0, timestamp),
    ("os", "timestamp", 0, timestamp),
    ("erlang", "now", 0, timestamp),
    ("erlang", "time_offset", 0, time_offset0),
    ("erlang", "convert_time_unit", 3, convert_time_unit),
];

// ---- lists ----

fn length(p: &mut Process, a: &[Term]) -> BifResult {
    match list::length(a[0]) {
        Some(n) => {
            super::charge(p, n, super::rate::LENGTH);
            Ok(Term::small(n as i64))
        }
        None => badarg(),
    }
}

fn hd(_p: &mut Process, a: &[Term]) -> BifResult {
    a[0].as_cons().map(|c| c.0).ok_or_else(Exception::badarg)
}

fn tl(_p: &mut Process, a: &[Term]) -> BifResult {
    a[0].as_cons().map(|c| c.1).ok_or_else(Exception::badarg)
}

/// `A ++ B`: copies `A` (which must be a proper list) onto `B`.
pub fn append_lists(p: &mut Process, a: Term, b: Term) -> BifResult {
    if a.is_nil() {
        return Ok(b);
    }
    let v = arg_list(a)?;
    super::charge(p, v.len(), super::rate::COPY_CELLS);
    Ok(p.heap.list_with_tail(&v, b))
}

fn append(p: &mut Process, a: &[Term]) -> BifResult {
    append_lists(p, a[0], a[1])
}

/// `A -- B`: removes from `A` the first occurrence of each element of `B`.
/// Sorts `B` once, so O((|A| + |B|) log |B|).
pub fn subtract_lists(p: &mut Process, a: Term, b: Term) -> BifResult {
    let va = arg_list(a)?;
    let vb = arg_list(b)?;
    super::charge(p, va.len() + vb.len(), super::rate::SEARCH);
    if vb.is_empty() || va.is_empty() {
        return Ok(a);
    }
    // Multiset of B, sorted by exact order; `used` counts removals per slot.
    let mut sorted = vb;
    sorted.sort_by(|x, y| compare::compare_exact(*x, *y));
    let mut used = vec![false; sorted.len()];
    let mut out = Vec::with_capacity(va.len());
    for &x in &va {
        // First sorted index whose term is >= x.
        let start = sorted.partition_point(|y| compare::compare_exact(*y, x) == Ordering::Less);
        let mut removed = false;
        let mut i = start;
        while i < sorted.len() && compare::compare_exact(sorted[i], x) == Ordering::Equal {
            if !used[i] {
                used[i] = true;
                removed = true;
                break;
            }
            i += 1;
        }
        if !removed {
            out.push(x);
        }
    }
    Ok(p.heap.list(&out))
}

fn subtract(p: &mut Process, a: &[Term]) -> BifResult {
    subtract_lists(p, a[0], a[1])
}

// ---- boolean operators ----

fn not(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(!arg_bool(a[0])?))
}
fn and(_p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = (arg_bool(a[0])?, arg_bool(a[1])?);
    Ok(Term::bool(x && y))
}
fn or(_p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = (arg_bool(a[0])?, arg_bool(a[1])?);
    Ok(Term::bool(x || y))
}
fn xor(_p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = (arg_bool(a[0])?, arg_bool(a[1])?);
    Ok(Term::bool(x ^ y))
}

// ---- arithmetic and comparison operators as functions ----

macro_rules! arith_bif {
    ($($name:ident => $op:ident,)*) => {
        $(fn $name(p: &mut Process, a: &[Term]) -> BifResult {
            number::arith(&mut p.heap, ArithOp::$op, a[0], a[1])
        })*
    };
}
arith_bif! {
    op_add => Add, op_sub => Sub, op_mul => Mul, op_fdiv => FDiv, op_div => IDiv,
    op_rem => Rem, op_band => Band, op_bor => Bor, op_bxor => Bxor, op_bsl => Bsl, op_bsr => Bsr,
}

fn op_bnot(p: &mut Process, a: &[Term]) -> BifResult {
    number::bnot(&mut p.heap, a[0])
}
fn op_neg(p: &mut Process, a: &[Term]) -> BifResult {
    number::negate(&mut p.heap, a[0])
}
fn op_plus(_p: &mut Process, a: &[Term]) -> BifResult {
    if a[0].is_number() {
        Ok(a[0])
    } else {
        Err(Exception::badarith())
    }
}
fn op_eq(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compare::eq(a[0], a[1])))
}
fn op_ne(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(!compare::eq(a[0], a[1])))
}
fn op_eeq(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compare::eq_exact(a[0], a[1])))
}
fn op_ene(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(!compare::eq_exact(a[0], a[1])))
}
fn op_lt(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compare::compare(a[0], a[1]) == Ordering::Less))
}
fn op_gt(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compare::compare(a[0], a[1]) == Ordering::Greater))
}
fn op_le(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compare::compare(a[0], a[1]) != Ordering::Greater))
}
fn op_ge(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compare::compare(a[0], a[1]) != Ordering::Less))
}

// ---- process dictionary (p.pdict: alternating key, value; insertion order) ----

fn pdict_find(p: &Process, k: Term) -> Option<usize> {
    (0..p.pdict.len() / 2).find(|&i| compare::eq_exact(p.pdict[2 * i], k))
}

fn put(p: &mut Process, a: &[Term]) -> BifResult {
    match pdict_find(p, a[0]) {
        Some(i) => {
            let old = p.pdict[2 * i + 1];
            p.pdict[2 * i + 1] = a[1];
            Ok(old)
        }
        None => {
            p.pdict.push(a[0]);
            p.pdict.push(a[1]);
            Ok(Term::atom(atom::UNDEFINED))
        }
    }
}

fn get(p: &mut Process, a: &[Term]) -> BifResult {
    Ok(pdict_find(p, a[0]).map(|i| p.pdict[2 * i + 1]).unwrap_or(Term::atom(atom::UNDEFINED)))
}

fn pdict_pairs(p: &mut Process) -> Term {
    let pairs: Vec<(Term, Term)> = p.pdict.chunks(2).map(|c| (c[0], c[1])).collect();
    let tuples: Vec<Term> = pairs.iter().map(|&(k, v)| p.heap.tuple(&[k, v])).collect();
    p.heap.list(&tuples)
}

fn get_all(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(pdict_pairs(p))
}

fn get_keys(p: &mut Process, _a: &[Term]) -> BifResult {
    let keys: Vec<Term> = p.pdict.chunks(2).map(|c| c[0]).collect();
    Ok(p.heap.list(&keys))
}

fn get_keys_of(p: &mut Process, a: &[Term]) -> BifResult {
    let keys: Vec<Term> = p.pdict.chunks(2).filter(|c| compare::eq_exact(c[1], a[0])).map(|c| c[0]).collect();
    Ok(p.heap.list(&keys))
}

fn erase_all(p: &mut Process, _a: &[Term]) -> BifResult {
    let l = pdict_pairs(p);
    p.pdict.clear();
    Ok(l)
}

fn erase(p: &mut Process, a: &[Term]) -> BifResult {
    match pdict_find(p, a[0]) {
        Some(i) => {
            let old = p.pdict[2 * i + 1];
            p.pdict.drain(2 * i..2 * i + 2);
            Ok(old)
        }
        None => Ok(Term::atom(atom::UNDEFINED)),
    }
}

// ---- exceptions ----

fn error1(_p: &mut Process, a: &[Term]) -> BifResult {
    Err(Exception::error(a[0]))
}
fn error2(_p: &mut Process, a: &[Term]) -> BifResult {
    if !a[1].is_list() && !a[1].is_atom() {
        // error(R, none) is allowed in OTP; a non-list is otherwise badarg.
        return badarg();
    }
    let mut e = Exception::error(a[0]);
    if a[1].is_list() {
        e.args = a[1];
    }
    Err(e)
}
fn throw(_p: &mut Process, a: &[Term]) -> BifResult {
    Err(Exception::throw(a[0]))
}
fn exit(_p: &mut Process, a: &[Term]) -> BifResult {
    Err(Exception::exit(a[0]))
}

/// `erlang:raise(Class, Reason, Stacktrace)`. Gap: the given stack trace
/// is not installed; the exception carries the raising call's own trace.
fn raise(_p: &mut Process, a: &[Term]) -> BifResult {
    let class = arg_atom(a[0]).ok().and_then(crate::exception::Class::from_atom);
    match class {
        Some(c) if a[2].is_list() => Err(Exception { class: c, reason: a[1], args: Term::NONE, trace: a[2] }),
        _ => badarg(),
    }
}

// ---- identity ----

fn self_(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(Term::pid(p.pid))
}
fn make_ref(p: &mut Process, _a: &[Term]) -> BifResult {
    let id = p.vm.make_ref_id();
    Ok(p.heap.reference(id))
}
fn node(_p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(mk_atom("nonode@nohost"))
}

/// The reason of the exit exception `halt` raises; the interpreter stops
/// the VM when it sees it (the status is already in `vm.halt`).
pub const HALT_REASON: &str = "$act_halt";

fn do_halt(p: &mut Process, code: i32) -> BifResult {
    *p.vm.halt.lock() = Some(code);
    Err(Exception::exit(mk_atom(HALT_REASON)))
}
fn halt0(p: &mut Process, _a: &[Term]) -> BifResult {
    do_halt(p, 0)
}
fn halt1(p: &mut Process, a: &[Term]) -> BifResult {
    if let Some(i) = a[0].as_small() {
        if i >= 0 {
            return do_halt(p, (i & 0xff) as i32);
        }
        return badarg();
    }
    if a[0] == mk_atom("abort") {
        return do_halt(p, 134);
    }
    // halt("message"): OTP prints the string as a crash dump slogan; status 1.
    if a[0].is_list() {
        if let Some(s) = list::chardata_to_string(a[0]) {
            eprintln!("{s}");
            return do_halt(p, 1);
        }
    }
    badarg()
}

/// BIFs never collect (see `bif/mod.rs`); collection happens at the next
/// safe point anyway.
fn garbage_collect(_p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(Term::bool(true))
}

// ---- time ----
// The native time unit is the nanosecond (as on Linux OTP builds:
// `erlang:convert_time_unit(1, second, native)` = 1000000000).

fn epoch() -> &'static std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now)
}

/// Nanoseconds since an arbitrary fixed point (monotonic). OTP's monotonic
/// time is negative at start on 64-bit (it starts near -2^59 ns... no:
/// ERTS_MONOTONIC_BEGIN); we start from a large negative offset too so that
/// programs do not rely on its sign.
pub(crate) fn monotonic_ns() -> i64 {
    const OFFSET: i64 = -576_460_751_000_000_000;
    OFFSET + epoch().elapsed().as_nanos() as i64
}

fn system_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// Units per second of a time unit term (`second`, `native`, an integer...).
fn unit_per_second(t: Term) -> Result<i64, Exception> {
    if let Some(i) = t.as_small() {
        if i > 0 {
            return Ok(i);
        }
        return badarg();
    }
    let a = arg_atom(t)?;
    Ok(match a {
        atom::SECOND => 1,
        atom::MILLISECOND => 1_000,
        atom::MICROSECOND => 1_000_000,
        atom::NANOSECOND | atom::NATIVE => 1_000_000_000,
        _ => match &*a.name() {
            "seconds" => 1,
            "milli_seconds" => 1_000,
            "micro_seconds" => 1_000_000,
            "nano_seconds" | "perf_counter" => 1_000_000_000,
            _ => return badarg(),
        },
    })
}

/// Converts `v` from `from` to `to` units per second, rounding toward
/// negative infinity as OTP does.
fn convert(v: i64, from: i64, to: i64) -> i64 {
    let x = v as i128 * to as i128;
    x.div_euclid(from as i128) as i64
}

fn monotonic_time0(_p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(Term::small(monotonic_ns()))
}
fn monotonic_time1(p: &mut Process, a: &[Term]) -> BifResult {
    let u = unit_per_second(a[0])?;
    Ok(number::make_i64(&mut p.heap, convert(monotonic_ns(), 1_000_000_000, u)))
}
fn system_time0(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(number::make_i64(&mut p.heap, system_ns()))
}
fn system_time1(p: &mut Process, a: &[Term]) -> BifResult {
    let u = unit_per_second(a[0])?;
    Ok(number::make_i64(&mut p.heap, convert(system_ns(), 1_000_000_000, u)))
}
fn time_offset0(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(number::make_i64(&mut p.heap, system_ns() - monotonic_ns()))
}
fn timestamp(p: &mut Process, _a: &[Term]) -> BifResult {
    let us = system_ns() / 1000;
    let (mega, rest) = (us / 1_000_000_000_000, us % 1_000_000_000_000);
    let (sec, micro) = (rest / 1_000_000, rest % 1_000_000);
    Ok(p.heap.tuple(&[Term::small(mega), Term::small(sec), Term::small(micro)]))
}
fn convert_time_unit(p: &mut Process, a: &[Term]) -> BifResult {
    let from = unit_per_second(a[1])?;
    let to = unit_per_second(a[2])?;
    let Some(v) = number::int_to_big(a[0]) else { return badarg() };
    let x = v * num_bigint::BigInt::from(to);
    let r = num_integer::Integer::div_floor(&x, &num_bigint::BigInt::from(from));
    Ok(number::make_integer(&mut p.heap, r))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::vm::{Loader, Vm};

    struct NoLoader;
    impl Loader for NoLoader {
        fn load(&self, _name: &str) -> Result<Option<crate::module::Module>, String> {
            Ok(None)
        }
    }

    /// A process to run BIFs in, for tests.
    pub(crate) fn proc() -> Process {
        Process::new(Vm::new(Box::new(NoLoader)), 1)
    }

    #[test]
    fn list_ops() {
        let mut p = proc();
        let s = Term::small;
        let a = p.heap.list(&[s(1), s(2), s(1), s(3), s(1)]);
        let b = p.heap.list(&[s(1), s(3), s(1), s(9)]);
        let r = subtract(&mut p, &[a, b]).unwrap();
        assert_eq!(list::to_vec(r).unwrap(), vec![s(2), s(1)]);
        let r = append(&mut p, &[a, s(7)]).unwrap();
        assert_eq!(list::length(r), None);
        assert!(length(&mut p, &[s(1)]).is_err());
    }

    #[test]
    fn pdict() {
        let mut p = proc();
        let k = mk_atom("k");
        assert_eq!(put(&mut p, &[k, Term::small(1)]).unwrap(), Term::atom(atom::UNDEFINED));
        assert_eq!(put(&mut p, &[k, Term::small(2)]).unwrap(), Term::small(1));
        assert_eq!(get(&mut p, &[k]).unwrap(), Term::small(2));
        assert_eq!(erase(&mut p, &[k]).unwrap(), Term::small(2));
        assert_eq!(get(&mut p, &[k]).unwrap(), Term::atom(atom::UNDEFINED));
    }

    #[test]
    fn time_units() {
        assert_eq!(convert(-1, 1_000_000_000, 1), -1);
        assert_eq!(convert(1_500_000_000, 1_000_000_000, 1), 1);
    }
}
