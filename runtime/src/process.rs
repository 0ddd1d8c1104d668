//! A process: its heap, register stack, call frames, exception handlers,
//! process dictionary and mailbox. Everything a process owns is reached only
//! by the thread currently running it.

use crate::heap::{Fragment, Heap};
use crate::module::Module;
use crate::term::Term;
use crate::vm::Vm;
use std::collections::VecDeque;
use std::sync::Arc;

/// A return address: where execution continues when the callee returns.
#[derive(Clone, Copy)]
pub struct Frame {
    pub module: &'static Module,
    pub func: u32,
    /// The instruction after the call.
    pub pc: u32,
    /// The caller's register window base.
    pub base: u32,
    /// The absolute register index the result goes to.
    pub dst: u32,
}

/// An active `try` or `catch`.
#[derive(Clone, Copy, Debug)]
pub struct Handler {
    /// Frame depth (`frames.len()`) when the handler was pushed.
    pub depth: u32,
    pub pc: u32,
    /// Register base of the frame that owns the handler.
    pub base: u32,
    /// Absolute register index where class, reason, trace go.
    pub dst: u32,
}

/// A message waiting in the mailbox, with the memory it lives in.
pub struct Message {
    pub term: Term,
    /// The fragment holding the message's memory; `None` when it needs no
    /// memory (an immediate).
    pub fragment: Option<Fragment>,
    /// Sent with `!`/`erlang:send`, so it takes room in a bounded mailbox
    /// (see `signal.rs`, "Bounded mailboxes"); runtime deliveries ('EXIT',
    /// 'DOWN', timer messages) do not.
    pub counted: bool,
}

/// The most fresh-value marks a process keeps; older ones are forgotten
/// (their receives then scan from the start: slower, still correct).
pub const MAX_RECEIVE_MARKS: usize = 8;

#[derive(Default)]
pub struct Mailbox {
    pub queue: VecDeque<Message>,
    /// Index of the message the current receive looks at next.
    pub cursor: usize,
    /// The queue length when `RecvMark` last ran (just before a call that
    /// creates a fresh reference or pid).
    pub mark_pos: Option<usize>,
    /// Fresh references and pids with the queue position at their creation:
    /// no message before that position can contain them, so a receive
    /// that requires one starts there (OTP's receive marker optimisation).
    pub marks: Vec<(u64, usize)>,
}

pub struct Process {
    pub pid: u64,
    pub heap: Heap,
    /// The register stack: the current frame is `regs[base..base +
    /// frame_size]`. Its length is at least the top of the current frame
    /// (slots above are left by returned frames: `interp::calls::enter`
    /// cuts them at each collection), and every slot holds a valid term
    /// (fresh slots are `[]`), so all of it is a GC root.
    pub regs: Vec<Term>,
    pub base: usize,
    pub frames: Vec<Frame>,
    pub handlers: Vec<Handler>,
    /// The process dictionary as alternating key, value terms.
    pub pdict: Vec<Term>,
    pub mailbox: Mailbox,
    /// Bits of binaries under construction (BsInit .. BsFinish), innermost last.
    pub bin_builders: Vec<crate::bitbuilder::BitBuilder>,
    pub reductions: u64,
    pub vm: Arc<Vm>,

    // ---- scheduling and signals ----
    /// Where to continue when next scheduled (`None` before the first run).
    pub pos: Option<crate::interp::Pos>,
    /// Reductions left in the current time slice.
    pub budget: i64,
    /// The shared half of this process (inbox, state). Set at spawn.
    pub handle: Option<Arc<crate::signal::ProcessHandle>>,
    /// Signals taken from the inbox, not yet handled.
    pub signals: VecDeque<crate::signal::Signal>,
    pub links: Vec<u64>,
    /// Monitors this process holds: (reference number, monitored pid).
    pub monitors: Vec<(u64, u64)>,
    /// Monitors on this process: (reference number, watching pid, the
    /// registered name it was monitored by, if any).
    pub monitored_by: Vec<(u64, u64, Option<crate::atom::Atom>)>,
    /// `process_flag(priority, P)`: kept and reported; scheduling ignores it.
    pub priority: crate::atom::Atom,
    pub trap_exit: bool,
    /// The timer of the receive this process waits in, if it has one.
    pub wait_timer: Option<u64>,
    pub timed_out: bool,
    /// The reason an exit signal decided this process dies with.
    pub pending_exit: Option<Term>,
    /// `{M, F, Arity}` this process started in (process_info).
    pub initial_call: (crate::atom::Atom, crate::atom::Atom, u32),
    /// The limit enforced, in words: the lower of `max_heap.words` and the
    /// VM's per-process ceiling; 0 = none. Set by `set_max_heap`.
    pub heap_limit: usize,
    /// What most processes never use (channel state, aliases, a
    /// `max_heap_size` flag, a send suspended on a full mailbox), created on
    /// first use and kept: a process that uses none of it pays 8 bytes
    /// (`Process` stays in its allocation size class, see the test at the
    /// end).
    pub extras: Option<Box<Extras>>,
    /// Set by a BIF that must run Act code before it can finish (a typed
    /// channel's predicate), together with returning `Exception::wait()`:
    /// the interpreter calls `M:F(Arg)` on top of the current frame at once,
    /// then runs the BIF's instruction again (`interp::calls::call_first`).
    /// `Arg` is a fresh term that is in a register before any safe point.
    /// Boxed: it is rarely set, and inline it would take `Process` out of
    /// its allocation size class (see the test at the end).
    pub call_first: Option<Box<(crate::atom::Atom, crate::atom::Atom, Term)>>,
    /// `gc::stress_enabled()`, read once at spawn: every call checks it, and
    /// the field is a plain load where the `OnceLock` is an atomic load and
    /// a branch (fib(30): 1.6M checks).
    pub gc_stress: bool,
    /// The inbox has a `{max_queue, N}` bound (`ProcessHandle::set_bound`):
    /// a copy kept here so that taking a message from an unbounded mailbox
    /// costs one test, no lock. (A bool, where the process's other flags
    /// leave room: `Process` keeps its size.)
    pub bounded_mailbox: bool,
}

/// The rarely used parts of a process (`Process::extras`).
#[derive(Default)]
pub struct Extras {
    /// The channel operation this process is blocked in (`bif/chan.rs`).
    pub chan_wait: Option<crate::chan::Pending>,
    /// The cell of the last finished channel wait, reused by the next one
    /// when nobody else holds it (`chan::Cell::for_process`).
    pub chan_cell: Option<Arc<crate::chan::Cell>>,
    /// The verdict of the predicates `chan:'$check'/1` ran for a send (index
    /// of the first refused value, or -1), taken by the send's rerun.
    pub chan_checked: Option<i64>,
    /// Active aliases and how each ends (`alias.rs`).
    pub aliases: Vec<(u64, crate::alias::AliasMode)>,
    /// `{max_heap_size, Size}` as the program set it (`heap_limit.rs`).
    pub max_heap: crate::heap_limit::MaxHeapSize,
    /// The full mailbox this process is blocked sending to (`bif/process.rs`).
    pub send_wait: Option<SendWait>,
}

/// A send suspended on a full mailbox: the receiver and the ticket that
/// says when the message got in (`signal::SendTicket`).
pub struct SendWait {
    pub to: Arc<crate::signal::ProcessHandle>,
    pub ticket: Arc<crate::signal::SendTicket>,
}

impl Mailbox {
    /// The key a mark is stored under: a reference's number or a pid's.
    pub fn mark_key(t: Term) -> Option<u64> {
        if t.is_ref() {
            Some(t.word(1) << 1)
        } else {
            t.as_pid().map(|p| (p << 1) | 1)
        }
    }

    /// Removes the message at `i`, keeping marks pointing at the same messages.
    pub fn remove(&mut self, i: usize) -> Option<Message> {
        // Most receives take the oldest message.
        let m = if i == 0 { self.queue.pop_front()? } else { self.queue.remove(i)? };
        for (_, pos) in self.marks.iter_mut() {
            if *pos > i {
                *pos -= 1;
            }
        }
        Some(m)
    }
}

impl Process {
    pub fn new(vm: Arc<Vm>, pid: u64) -> Process {
        let heap_limit = vm.max_process_heap_words();
        Process {
            pid,
            heap: Heap::new(),
            regs: Vec::new(),
            base: 0,
            frames: Vec::new(),
            handlers: Vec::new(),
            pdict: Vec::new(),
            mailbox: Mailbox::default(),
            bin_builders: Vec::new(),
            reductions: 0,
            vm,
            pos: None,
            budget: 0,
            handle: None,
            signals: VecDeque::new(),
            links: Vec::new(),
            monitors: Vec::new(),
            monitored_by: Vec::new(),
            trap_exit: false,
            wait_timer: None,
            timed_out: false,
            pending_exit: None,
            initial_call: (crate::atom::ERLANG, crate::atom::APPLY, 2),
            heap_limit,
            extras: None,
            bounded_mailbox: false,
            call_first: None,
            priority: crate::atom::NORMAL,
            gc_stress: crate::gc::stress_enabled(),
        }
    }

    /// Collects the heap now, with every root the process has: a minor
    /// collection unless a major one is due. Under GC stress every fourth
    /// collection is major (when that keeps the cost linear, see
    /// `Heap::major_is_cheap`), so that both kinds run all the time.
    pub fn collect(&mut self) {
        let major = self.gc_stress && self.heap.collections() % 4 == 3 && self.heap.major_is_cheap();
        let Process { heap, regs, pdict, pending_exit, .. } = self;
        let mut extra: Vec<Term> = pending_exit.iter().copied().collect();
        crate::gc::collect(heap, &mut [regs.as_mut_slice(), pdict.as_mut_slice(), extra.as_mut_slice()], major);
        if let Some(r) = pending_exit.as_mut() {
            *r = extra[0];
        }
        self.check_heap_limit();
    }

    /// The rarely used parts, created on first use.
    pub fn extras(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Default::default)
    }

    /// The full mailbox this process is blocked sending to, if any.
    #[inline]
    pub fn send_wait(&self) -> Option<&SendWait> {
        self.extras.as_ref().and_then(|e| e.send_wait.as_ref())
    }

    /// Whether the process is blocked in a channel operation.
    pub fn chan_wait(&self) -> Option<&crate::chan::Pending> {
        self.extras.as_ref().and_then(|c| c.chan_wait.as_ref())
    }

    /// Active aliases and how each ends (`alias.rs`).
    pub fn aliases(&self) -> &[(u64, crate::alias::AliasMode)] {
        self.extras.as_ref().map_or(&[], |e| &e.aliases)
    }

    /// `{max_heap_size, Size}` as the program set it (`heap_limit.rs`).
    pub fn max_heap(&self) -> crate::heap_limit::MaxHeapSize {
        self.extras.as_ref().map_or_else(Default::default, |e| e.max_heap)
    }

    /// Sets `{max_heap_size, Size}` and the limit it makes.
    pub fn set_max_heap(&mut self, m: crate::heap_limit::MaxHeapSize) {
        if self.extras.is_some() || m != Default::default() {
            self.extras().max_heap = m;
        }
        self.heap_limit = crate::heap_limit::effective_limit(m.words, self.vm.max_process_heap_words());
    }

    /// Kills or reports the process when its heap and stack have grown past
    /// its limit (`heap_limit.rs`). Runs after each collection and each
    /// growth of the stacks' capacity.
    #[inline]
    pub fn check_heap_limit(&mut self) {
        if self.heap_limit != 0 {
            crate::heap_limit::check(self);
        }
    }

    /// Collects when the heap asks for it. Under GC stress
    /// (`ACT_GC_STRESS=1`) also whenever anything was allocated since the
    /// last collection, as long as that is at least an eighth of what a
    /// minor collection costs (young live data plus roots): small heaps collect at
    /// nearly every safe point, while a program with a large live set or a
    /// deep stack stays linear instead of quadratic.
    #[inline]
    pub fn maybe_collect(&mut self) {
        if self.wants_collection() {
            self.collect();
        }
    }

    /// Whether `maybe_collect` would collect now.
    #[inline]
    pub fn wants_collection(&self) -> bool {
        if self.heap.needs_gc() {
            return true;
        }
        if !self.gc_stress {
            return false;
        }
        let since = self.heap.words_since_gc();
        let cost = self.heap.live_after_gc() + self.regs.len() + self.pdict.len();
        since > 0 && since * 8 >= cost
    }
}

#[cfg(test)]
mod tests {
    /// A process waiting in `receive` costs its `Process` box, its handle
    /// and a few words of heap (`idle` benchmark: target at most 1 KB per
    /// process). The box is allocated in mimalloc's 512-byte size class;
    /// one more field moves it to the 640-byte class, 25% more per idle
    /// process, so grow it only on purpose.
    #[test]
    fn process_fits_its_size_class() {
        assert!(std::mem::size_of::<super::Process>() <= 512, "Process is {} bytes", std::mem::size_of::<super::Process>());
    }
}
