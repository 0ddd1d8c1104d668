//! BIFs about the system rather than about terms: `system_info/1`,
//! `statistics/1`, calendar time (`date/0`, `time/0`, `localtime/0`,
//! `universaltime/0` and conversions), `unique_integer/0,1`,
//! `function_exported/3`, `os:getenv/1,2`, `os:type/0`, and the
//! `*_to_list` printers for pids, references and funs.

use super::erlang::{arg_atom, arg_list, badarg, mk_atom};
use super::BifDef;
use crate::atom;
use crate::exception::{BifResult, Exception};
use crate::list;
use crate::number;
use crate::process::Process;
use crate::term::{Subtag, Term};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

pub const BIFS: &[BifDef] = &[
    ("erlang", "system_info", 1, system_info),
    ("erlang", "statistics", 1, statistics),
    ("erlang", "date", 0, date),
    ("erlang", "time", 0, time),
    ("erlang", "localtime", 0, localtime),
    ("erlang", "universaltime", 0, universaltime),
    ("erlang", "localtime_to_universaltime", 1, localtime_to_universaltime),
    ("erlang", "localtime_to_universaltime", 2, localtime_to_universaltime),
    ("erlang", "universaltime_to_localtime", 1, universaltime_to_localtime),
    ("erlang", "unique_integer", 0, unique_integer0),
    ("erlang", "unique_integer", 1, unique_integer1),
    ("erlang", "function_exported", 3, function_exported),
    ("erlang", "pid_to_list", 1, pid_to_list),
    ("erlang", "list_to_pid", 1, list_to_pid),
    ("erlang", "ref_to_list", 1, ref_to_list),
    ("erlang", "fun_to_list", 1, fun_to_list),
    ("erlang", "nif_error", 1, nif_error),
    ("erlang", "nif_error", 2, nif_error),
    ("os", "getenv", 1, getenv1),
    ("os", "getenv", 2, getenv2),
    ("os", "getenv", 0, getenv0),
    ("os", "type", 0, os_type),
    ("os", "getpid", 0, os_getpid),
];

fn system_info(p: &mut Process, a: &[Term]) -> BifResult {
    let key = arg_atom(a[0])?;
    Ok(match &*key.name() {
        "otp_release" => list::from_str(&mut p.heap, "25"),
        "version" => list::from_str(&mut p.heap, "13.0"),
        "system_version" => list::from_str(&mut p.heap, "Act (Erlang/OTP 25 compatible)\n"),
        "wordsize" => Term::small(8),
        "machine" => list::from_str(&mut p.heap, "BEAM"),
        "atom_count" => Term::small(atom::count() as i64),
        "atom_limit" => Term::small(atom::MAX_ATOMS as i64),
        "schedulers" | "schedulers_online" | "logical_processors" | "logical_processors_available" => {
            Term::small(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as i64)
        }
        "thread_pool_size" => Term::small(0),
        "smp_support" | "threads" => Term::bool(true),
        "process_limit" => Term::small(1 << 20),
        "port_count" => Term::small(0),
        "debug_compiled" => Term::bool(false),
        _ => return badarg(),
    })
}

fn start() -> &'static std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now)
}

extern "C" {
    /// C's `clock()`: CPU time of the process in CLOCKS_PER_SEC units
    /// (1,000,000 under POSIX).
    fn clock() -> std::os::raw::c_long;
}

fn cpu_ms() -> u64 {
    // SAFETY: clock() has no preconditions.
    let c = unsafe { clock() };
    (c.max(0) as u64) / 1000
}

/// Milliseconds of the last `statistics(wall_clock | runtime)` call, for
/// their "since last call" element (VM-wide, as in OTP).
static LAST_WALL: AtomicU64 = AtomicU64::new(0);
static LAST_RUNTIME: AtomicU64 = AtomicU64::new(0);

fn statistics(p: &mut Process, a: &[Term]) -> BifResult {
    let key = arg_atom(a[0])?;
    let pair = |p: &mut Process, x: u64, y: u64| {
        let (x, y) = (number::make_i64(&mut p.heap, x as i64), number::make_i64(&mut p.heap, y as i64));
        p.heap.tuple(&[x, y])
    };
    Ok(match &*key.name() {
        "wall_clock" => {
            let now = start().elapsed().as_millis() as u64;
            let last = LAST_WALL.swap(now, Ordering::Relaxed);
            pair(p, now, now - last.min(now))
        }
        "runtime" => {
            let now = cpu_ms();
            let last = LAST_RUNTIME.swap(now, Ordering::Relaxed);
            pair(p, now, now - last.min(now))
        }
        "reductions" | "exact_reductions" => {
            let r = p.reductions;
            pair(p, r, r)
        }
        "run_queue" | "total_run_queue_lengths" | "total_active_tasks" => Term::small(0),
        "garbage_collection" => {
            let n = p.heap.collections();
            let gc = number::make_i64(&mut p.heap, n as i64);
            p.heap.tuple(&[gc, Term::small(0), Term::small(0)])
        }
        "io" => {
            let i = p.heap.tuple(&[mk_atom("input"), Term::small(0)]);
            let o = p.heap.tuple(&[mk_atom("output"), Term::small(0)]);
            p.heap.tuple(&[i, o])
        }
        _ => return badarg(),
    })
}

// ---- calendar time ----

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z.rem_euclid(146097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since 1970-01-01 of a civil date (`days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn unix_seconds() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

#[repr(C)]
struct Tm {
    tm_sec: i32,
    tm_min: i32,
    tm_hour: i32,
    tm_mday: i32,
    tm_mon: i32,
    tm_year: i32,
    tm_wday: i32,
    tm_yday: i32,
    tm_isdst: i32,
    tm_gmtoff: std::os::raw::c_long,
    tm_zone: *const std::os::raw::c_char,
}

extern "C" {
    fn localtime_r(t: *const i64, out: *mut Tm) -> *mut Tm;
}

/// The local time zone's offset from UTC at `secs`, in seconds (glibc's
/// `tm_gmtoff`; 0 when the C library cannot tell).
fn utc_offset(secs: i64) -> i64 {
    let mut tm = Tm {
        tm_sec: 0,
        tm_min: 0,
        tm_hour: 0,
        tm_mday: 0,
        tm_mon: 0,
        tm_year: 0,
        tm_wday: 0,
        tm_yday: 0,
        tm_isdst: 0,
        tm_gmtoff: 0,
        tm_zone: std::ptr::null(),
    };
    // SAFETY: both pointers are valid for the call; localtime_r writes only `tm`.
    let r = unsafe { localtime_r(&secs, &mut tm) };
    if r.is_null() {
        0
    } else {
        tm.tm_gmtoff as i64
    }
}

fn datetime_term(p: &mut Process, secs: i64) -> Term {
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    let (y, m, d) = civil_from_days(days);
    let date = p.heap.tuple(&[Term::small(y), Term::small(m), Term::small(d)]);
    let time = p.heap.tuple(&[Term::small(rem / 3600), Term::small(rem / 60 % 60), Term::small(rem % 60)]);
    p.heap.tuple(&[date, time])
}

/// Seconds since the epoch of `{{Y, M, D}, {H, Mi, S}}`; badarg if malformed.
fn datetime_secs(t: Term) -> Result<i64, Exception> {
    let field = |t: Term| t.as_small().ok_or_else(Exception::badarg);
    let Some(&[date, time]) = t.as_tuple() else { return badarg() };
    let (Some(&[y, m, d]), Some(&[h, mi, s])) = (date.as_tuple(), time.as_tuple()) else { return badarg() };
    let (y, m, d, h, mi, s) = (field(y)?, field(m)?, field(d)?, field(h)?, field(mi)?, field(s)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..60).contains(&s) {
        return badarg();
    }
    Ok(days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s)
}

fn universaltime(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(datetime_term(p, unix_seconds()))
}
fn localtime(p: &mut Process, _a: &[Term]) -> BifResult {
    let s = unix_seconds();
    Ok(datetime_term(p, s + utc_offset(s)))
}
fn date(p: &mut Process, a: &[Term]) -> BifResult {
    let dt = localtime(p, a)?;
    Ok(dt.as_tuple().unwrap()[0])
}
fn time(p: &mut Process, a: &[Term]) -> BifResult {
    let dt = localtime(p, a)?;
    Ok(dt.as_tuple().unwrap()[1])
}
fn localtime_to_universaltime(p: &mut Process, a: &[Term]) -> BifResult {
    let s = datetime_secs(a[0])?;
    Ok(datetime_term(p, s - utc_offset(s)))
}
fn universaltime_to_localtime(p: &mut Process, a: &[Term]) -> BifResult {
    let s = datetime_secs(a[0])?;
    Ok(datetime_term(p, s + utc_offset(s)))
}

// ---- unique integers ----

/// OTP's unique integers start near the bottom of the small range unless
/// `positive` is asked for; programs may only rely on uniqueness (and on
/// order with `monotonic`), which one shared counter gives.
static UNIQUE: AtomicI64 = AtomicI64::new(0);

fn unique_integer0(p: &mut Process, _a: &[Term]) -> BifResult {
    let n = UNIQUE.fetch_add(1, Ordering::Relaxed);
    Ok(number::make_i64(&mut p.heap, crate::term::SMALL_MIN + 32 + n))
}
fn unique_integer1(p: &mut Process, a: &[Term]) -> BifResult {
    let mut positive = false;
    for o in arg_list(a[0])? {
        match &*arg_atom(o)?.name() {
            "positive" => positive = true,
            "monotonic" => {}
            _ => return badarg(),
        }
    }
    let n = UNIQUE.fetch_add(1, Ordering::Relaxed);
    let v = if positive { n + 1 } else { crate::term::SMALL_MIN + 32 + n };
    Ok(number::make_i64(&mut p.heap, v))
}

fn function_exported(p: &mut Process, a: &[Term]) -> BifResult {
    let (m, f) = (arg_atom(a[0])?, arg_atom(a[1])?);
    let Some(n) = a[2].as_small().filter(|&n| n >= 0) else { return badarg() };
    if super::lookup(m, f, n as u32).is_some() {
        return Ok(Term::bool(true));
    }
    // OTP answers false for a module not loaded yet; its boot has loaded
    // the standard library, so we load the module (from beside the script
    // or the stdlib) to answer as it would.
    let exported = match p.vm.module(m) {
        Ok(Some((_, module))) => module.exports.contains_key(&(f, n as u32)),
        _ => false,
    };
    Ok(Term::bool(exported))
}

// ---- printers ----

fn pid_to_list(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(serial) = a[0].as_pid() else { return badarg() };
    Ok(list::from_str(&mut p.heap, &format!("<0.{serial}.0>")))
}

fn list_to_pid(_p: &mut Process, a: &[Term]) -> BifResult {
    let Some(s) = list::string_of(a[0]) else { return badarg() };
    let parts: Option<Vec<u64>> = s
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .and_then(|s| s.split('.').map(|x| x.parse().ok()).collect::<Option<Vec<u64>>>());
    match parts.as_deref() {
        Some(&[0, n, 0]) => Ok(Term::pid(n)),
        _ => badarg(),
    }
}

fn ref_to_list(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_ref() {
        return badarg();
    }
    let id = a[0].word(1);
    let s = format!("#Ref<0.{}.{}.{}>", id >> 50, (id >> 18) & 0xffff_ffff, id & 0x3ffff);
    Ok(list::from_str(&mut p.heap, &s))
}

fn fun_to_list(p: &mut Process, a: &[Term]) -> BifResult {
    let f = a[0];
    let s = match f.subtag() {
        Some(Subtag::Export) => {
            let name = |w: u64| Term(w).as_atom().map(|a| a.name().to_string()).unwrap_or_default();
            let mut s = String::from("fun ");
            crate::format::write::write_atom_name(&mut s, &name(f.word(1)), Default::default());
            s.push(':');
            crate::format::write::write_atom_name(&mut s, &name(f.word(2)), Default::default());
            s.push_str(&format!("/{}", Term(f.word(3)).as_small().unwrap_or(0)));
            s
        }
        Some(Subtag::Fun) => {
            let mut s = String::new();
            crate::format::write::write_term(&mut s, f, None);
            s
        }
        _ => return badarg(),
    };
    Ok(list::from_str(&mut p.heap, &s))
}

fn nif_error(_p: &mut Process, a: &[Term]) -> BifResult {
    Err(Exception::error(a[0]))
}

// ---- os ----

fn getenv0(p: &mut Process, _a: &[Term]) -> BifResult {
    let vars: Vec<String> = std::env::vars().map(|(k, v)| format!("{k}={v}")).collect();
    let terms: Vec<Term> = vars.iter().map(|s| list::from_str(&mut p.heap, s)).collect();
    Ok(p.heap.list(&terms))
}
fn getenv1(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(name) = list::chardata_to_string(a[0]) else { return badarg() };
    match std::env::var(&name) {
        Ok(v) => Ok(list::from_str(&mut p.heap, &v)),
        Err(_) => Ok(Term::bool(false)),
    }
}
fn getenv2(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(name) = list::chardata_to_string(a[0]) else { return badarg() };
    match std::env::var(&name) {
        Ok(v) => Ok(list::from_str(&mut p.heap, &v)),
        Err(_) => Ok(a[1]),
    }
}
fn os_type(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(p.heap.tuple(&[mk_atom("unix"), mk_atom("linux")]))
}
fn os_getpid(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(list::from_str(&mut p.heap, &std::process::id().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_arithmetic() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11016), (2000, 2, 29));
        assert_eq!(days_from_civil(2000, 2, 29), 11016);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for d in [-800000, -1, 0, 59, 60, 365, 10957, 20000, 2932896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }
}
