//! Per-process memory limits: `{max_heap_size, Size}` enforced as OTP does,
//! and the VM's own per-process ceiling, so that a process that allocates
//! without bound dies alone (reason `killed`, an error report) instead of
//! taking the VM down with an out-of-memory abort.
//!
//! What counts, in words: the heap's memory (its chunks and the message
//! fragments it took in, `Heap::size_words`) plus the stack's (the capacity
//! of the register stack plus that of the frame stack). OTP counts the
//! heap blocks, in which BEAM's stack lives too; both count memory held,
//! not only memory in use.
//!
//! When it is checked: after every collection (where OTP checks), and
//! whenever the register or frame stack grows its capacity, since a deep
//! recursion that allocates nothing on the heap never collects (in BEAM the
//! stack grows into the heap and makes it collect). Both happen only at
//! function entries, so a process is never stopped in the middle of an
//! instruction.
//!
//! What happens (OTP's `reached_max_heap_size` in `erl_gc.c`): with
//! `error_logger`, an error report on standard error in OTP's words; with
//! `kill`, the process dies with reason `killed`, which its links and
//! monitors see. The VM ceiling always reports and kills. A process is
//! killed by setting `pending_exit` and ending its time slice: the next
//! slice starts with `inbox::take_signals`, which returns that reason
//! before any code runs.

use crate::atom;
use crate::process::{Frame, Process};
use crate::term::Term;

/// `{max_heap_size, Size}` as `process_flag/2`, `spawn_opt` and
/// `process_info/2` see it: `size` in words (0 = no limit), `kill` and
/// `error_logger` as OTP's map form. OTP's defaults: no limit, kill, log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxHeapSize {
    pub words: usize,
    pub kill: bool,
    pub error_logger: bool,
}

impl Default for MaxHeapSize {
    fn default() -> Self {
        MaxHeapSize { words: 0, kill: true, error_logger: true }
    }
}

/// The smallest non-zero `max_heap_size` OTP accepts: a process's minimum
/// heap size (`min_heap_size`, 233 words by default); anything smaller is
/// `badarg` in `process_flag/2` and `spawn_opt`.
pub const MIN_MAX_HEAP_WORDS: usize = 233;

/// The largest small integer: OTP refuses a `size` that is not one.
const MAX_SMALL: i64 = (1 << 59) - 1;

impl MaxHeapSize {
    /// Parses `N` or `#{size => N, kill => Bool, error_logger => Bool}`
    /// (other keys are ignored, as OTP 25 does). `None` means `badarg`.
    pub fn from_term(v: Term) -> Option<MaxHeapSize> {
        let mut m = MaxHeapSize::default();
        let size = if v.is_map() {
            let get = |k: &str| crate::map::map_get(v, Term::atom(atom::atom(k)));
            if let Some(k) = get("kill") {
                m.kill = k.as_bool()?;
            }
            if let Some(l) = get("error_logger") {
                m.error_logger = l.as_bool()?;
            }
            get("size")?
        } else {
            v
        };
        let n = size.as_small().filter(|&n| (0..=MAX_SMALL).contains(&n))? as usize;
        if n != 0 && n < MIN_MAX_HEAP_WORDS {
            return None;
        }
        m.words = n;
        Some(m)
    }

    /// OTP's map form: `#{error_logger => B, kill => B, size => N}`.
    pub fn to_term(self, heap: &mut crate::heap::Heap) -> Term {
        // The keys in term order (atoms order by name).
        let keys = [atom::atom("error_logger"), atom::atom("kill"), atom::atom("size")].map(Term::atom);
        let values = [Term::bool(self.error_logger), Term::bool(self.kill), Term::small(self.words as i64)];
        crate::map::map_from_sorted(heap, &keys, &values)
    }
}

/// Words of memory the process's stack holds: register and frame stacks.
pub fn stack_words(p: &Process) -> usize {
    p.regs.capacity() + p.frames.capacity() * (std::mem::size_of::<Frame>() / 8)
}

/// The heap and stack memory a limit is measured against, in words.
pub fn total_words(p: &Process) -> usize {
    p.heap.size_words() + stack_words(p)
}

/// The limit a process is held to: its own `max_heap_size` when it has one
/// below the VM's ceiling, else the ceiling; 0 when neither applies.
pub fn effective_limit(own: usize, ceiling: usize) -> usize {
    match (own, ceiling) {
        (0, c) => c,
        (o, 0) => o,
        (o, c) => o.min(c),
    }
}

/// Called (rarely) when the process's memory may have passed its limit.
#[cold]
#[inline(never)]
pub fn check(p: &mut Process) {
    let total = total_words(p);
    if total <= p.heap_limit || p.pending_exit.is_some() {
        return;
    }
    let ceiling = p.vm.max_process_heap_words();
    let over_ceiling = ceiling != 0 && total > ceiling;
    let own = p.max_heap();
    let over_own = own.words != 0 && total > own.words;
    // The VM ceiling outranks a process's own log-only limit.
    let (limit, kill, log) = if over_ceiling && !(over_own && own.kill) {
        (ceiling, true, true)
    } else if over_own {
        (own.words, own.kill, own.error_logger)
    } else {
        return;
    };
    if log {
        report(p, limit, total, kill, over_ceiling && limit == ceiling);
    }
    if kill {
        p.pending_exit = Some(Term::atom(atom::KILLED));
        // Ends the time slice at the function entry this check runs in.
        p.budget = 0;
    }
}

/// OTP 25's error report for a process past its maximum heap size, printed
/// as the logger prints it to standard error (`erl_gc.c`,
/// `reached_max_heap_size`; the column widths are the logger's). Act has no
/// old generation and no virtual binary heap: those `GC Info` entries are 0;
/// message fragments taken in are part of `heap_block_size`, so `mbuf_size`
/// is 0 too.
fn report(p: &Process, limit: usize, total: usize, kill: bool, vm_ceiling: bool) {
    let mut h = crate::heap::Heap::new();
    let heap_words = p.heap.size_words();
    let since = p.heap.words_since_gc();
    let info: Vec<(&str, usize)> = vec![
        ("old_heap_block_size", 0),
        ("heap_block_size", heap_words),
        ("mbuf_size", 0),
        ("recent_size", p.heap.live_after_gc()),
        ("stack_size", p.regs.len() + p.frames.len() * (std::mem::size_of::<Frame>() / 8)),
        ("old_heap_size", 0),
        ("heap_size", p.heap.live_after_gc() + since),
        ("bin_vheap_size", 0),
        ("bin_vheap_block_size", 0),
        ("bin_old_vheap_size", 0),
        ("bin_old_vheap_block_size", 0),
    ];
    let items: Vec<Term> =
        info.iter().map(|&(k, v)| h.tuple(&[Term::atom(atom::atom(k)), Term::small(v as i64)])).collect();
    let list = h.list(&items);
    // "     GC Info:            " is 25 characters: `~p` continues at column 26.
    let gc_info = crate::format::pretty::pretty(list, 26, 80, None, true);
    let bool_text = |b: bool| if b { "true" } else { "false" };
    let mut text = format!(
        "=ERROR REPORT==== {} ===\n     Process:            <0.{}.0> \n     Context:            maximum heap size reached\n     Max Heap Size:      {limit}\n     Total Heap Size:    {total}\n     Kill:               {}\n     Error Logger:       {}\n     Message Queue Len:  {}\n     GC Info:            {gc_info}\n",
        crate::clock::report_time(),
        p.pid,
        bool_text(kill),
        bool_text(true),
        p.mailbox.queue.len(),
    );
    if vm_ceiling {
        text.push_str("     Limit:              the VM's per-process ceiling (ACT_MAX_PROCESS_HEAP)\n");
    }
    p.vm.flush();
    eprintln!("{text}");
}

/// The ceiling every process gets unless `ACT_MAX_PROCESS_HEAP` says
/// otherwise: a quarter of the memory this machine (or its cgroup) has, in
/// words. A quarter, because a process at the ceiling may transiently need
/// about twice that (a copying collection holds from-space and to-space at
/// once; a growing stack is copied into a block twice its size), which
/// still leaves half the memory to every other process. 0 (no ceiling) when
/// the memory size cannot be read.
pub fn default_ceiling_words() -> usize {
    physical_memory_bytes().map(|b| (b / 4 / 8) as usize).unwrap_or(0)
}

/// The ceiling: `ACT_MAX_PROCESS_HEAP` (bytes, with an optional `k`, `m`
/// or `g` suffix for KiB, MiB, GiB; `0` for none) or the default. `Err`
/// holds a message for a malformed value.
pub fn configured_ceiling_words() -> Result<usize, String> {
    match std::env::var("ACT_MAX_PROCESS_HEAP") {
        Ok(v) => parse_bytes(&v)
            .map(|b| b.div_ceil(8) as usize)
            .ok_or_else(|| format!("ACT_MAX_PROCESS_HEAP={v:?}: expected a number of bytes, optionally with a k, m or g suffix (0: no ceiling)")),
        Err(_) => Ok(default_ceiling_words()),
    }
}

/// `"512m"` to 536,870,912; `None` for anything else than digits and an
/// optional binary-unit suffix, or a value that overflows.
pub fn parse_bytes(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&s[..i], c.to_ascii_lowercase()),
        _ => (s, 'b'),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    let shift = match unit {
        'b' => 0,
        'k' => 10,
        'm' => 20,
        'g' => 30,
        _ => return None,
    };
    n.checked_mul(1u64 << shift)
}

/// Physical memory, or the cgroup's memory limit when that is lower.
fn physical_memory_bytes() -> Option<u64> {
    let total = std::fs::read_to_string("/proc/meminfo").ok().and_then(|s| {
        let line = s.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    });
    // cgroup v2, then v1; "max" or an absurd v1 value means no limit.
    let cgroup = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
        .iter()
        .find_map(|f| std::fs::read_to_string(f).ok()?.trim().parse::<u64>().ok());
    match (total, cgroup) {
        (Some(t), Some(c)) => Some(t.min(c)),
        (t, c) => t.or(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_bytes("0"), Some(0));
        assert_eq!(parse_bytes("4096"), Some(4096));
        assert_eq!(parse_bytes("64k"), Some(64 << 10));
        assert_eq!(parse_bytes("512M"), Some(512 << 20));
        assert_eq!(parse_bytes(" 2g "), Some(2 << 30));
        for bad in ["", "k", "-1", "1.5g", "12t", "1 g", "99999999999999999999", "17179869184g"] {
            assert_eq!(parse_bytes(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn limit_is_the_lower_of_own_and_ceiling() {
        assert_eq!(effective_limit(0, 0), 0);
        assert_eq!(effective_limit(1000, 0), 1000);
        assert_eq!(effective_limit(0, 5000), 5000);
        assert_eq!(effective_limit(1000, 5000), 1000);
        assert_eq!(effective_limit(9000, 5000), 5000);
    }

    #[test]
    fn default_ceiling_is_a_quarter_of_memory() {
        // This machine's memory is readable (Linux): the default is set
        // and at most a quarter of what /proc/meminfo reports.
        let words = default_ceiling_words();
        let total = physical_memory_bytes().expect("memory size readable on Linux");
        assert!(words > 0 && words as u64 * 8 <= total / 4 + 8, "{words} words for {total} bytes");
    }
}
