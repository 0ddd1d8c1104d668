//! Signals between processes, and the shared half of a process that other
//! threads may touch: its inbox and its scheduling state.
//!
//! Everything one process tells another travels as a `Signal` through the
//! receiver's inbox, in one FIFO per receiver, so signals from one sender
//! arrive in the order sent (Erlang's only ordering guarantee). The
//! receiver moves them out of the inbox itself, at the start of a time
//! slice and when a receive runs out of messages; only it ever touches its
//! heap or mailbox.
//!
//! # The scheduling state (`ProcessHandle::state`)
//! ```text
//!   WAITING --wake--> RUNNABLE --picked--> RUNNING --done/yield/wait-->
//!   RUNNING --wake--> NOTIFIED   (running, and a signal arrived meanwhile)
//! ```
//! 1. A sender pushes its signal into the inbox, then calls `wake`.
//! 2. `wake` moves WAITING to RUNNABLE and then (only the thread that won
//!    that transition) puts the process on a run queue: a process is on at
//!    most one run queue at a time.
//! 3. `wake` on a RUNNING process marks it NOTIFIED; it does not queue it.
//! 4. A scheduler that finds its process must wait tries RUNNING -> WAITING.
//!    If that fails the state was NOTIFIED: a signal came in after the
//!    process last looked, so it goes back on a run queue instead. This is
//!    what keeps a wake-up from being lost between "inbox empty" and "asleep".
//! 5. EXITED is final; signals to an exited process are refused (`deliver`
//!    returns them) under the inbox lock, so the sender can answer for the
//!    dead process (`noproc`).

use crate::heap::Fragment;
use crate::process::Process;
use crate::sync::{AtomicU8, Mutex, Ordering};
use crate::term::Term;
use std::collections::VecDeque;

pub const WAITING: u8 = 0;
pub const RUNNABLE: u8 = 1;
pub const RUNNING: u8 = 2;
pub const NOTIFIED: u8 = 3;
pub const EXITED: u8 = 4;

/// A term with the fragment that holds its memory.
pub struct Payload {
    pub term: Term,
    pub fragment: Fragment,
}

// SAFETY: the term points only into its own fragment (or literals, or
// off-heap data that is Arc-counted); it moves with the fragment.
unsafe impl Send for Payload {}

impl Payload {
    pub fn copy_of(t: Term) -> Payload {
        let (term, fragment) = crate::copy::copy_to_fragment(t);
        Payload { term, fragment }
    }
}

pub enum Signal {
    Message(Payload),
    /// A message sent to the alias `alias` of the receiver: it reaches the
    /// mailbox only if the alias is still active (`alias::arrived`).
    AliasMessage { alias: u64, message: Payload },
    /// An exit signal. `linked`: sent because a linked process died
    /// (else sent by `exit/2`, where `kill` is untrappable).
    Exit { from: u64, reason: Payload, linked: bool },
    Link { from: u64 },
    Unlink { from: u64 },
    /// `from` monitors the receiver with reference number `reference`;
    /// `name`: monitored by registered name (the 'DOWN' then says `{Name, Node}`).
    Monitor { from: u64, reference: u64, name: Option<crate::atom::Atom> },
    /// A monitored process died: the receiver gets the 'DOWN' message and
    /// forgets the monitor.
    Down { reference: u64, message: Payload },
    Demonitor { reference: u64 },
    /// The timer of a `receive ... after` fired; `seq` tells which wait.
    Timeout { seq: u64 },
    /// Run again: whatever a blocked BIF waited for may have happened
    /// (see `Exception::wait`).
    Wake,
}

struct Inbox {
    queue: VecDeque<Signal>,
    closed: bool,
}

pub struct ProcessHandle {
    pub pid: u64,
    inbox: Mutex<Inbox>,
    pub state: AtomicU8,
    /// The process itself: locked by the scheduler that runs it (state
    /// RUNNING), and by the deadlock report when every scheduler is idle.
    pub body: parking_lot::Mutex<Option<Box<Process>>>,
}

impl ProcessHandle {
    pub fn new(pid: u64) -> ProcessHandle {
        ProcessHandle {
            pid,
            inbox: Mutex::new(Inbox { queue: VecDeque::new(), closed: false }),
            state: AtomicU8::new(RUNNABLE),
            body: parking_lot::Mutex::new(None),
        }
    }

    /// Puts `s` in the inbox. `Err(s)`: the process has exited.
    /// The caller then calls `wake` (step 1).
    pub fn deliver(&self, s: Signal) -> Result<(), Signal> {
        let mut inbox = self.inbox.lock();
        if inbox.closed {
            return Err(s);
        }
        inbox.queue.push_back(s);
        Ok(())
    }

    /// Takes every signal waiting in the inbox.
    pub fn take_signals(&self, into: &mut VecDeque<Signal>) {
        let mut inbox = self.inbox.lock();
        if into.is_empty() {
            std::mem::swap(into, &mut inbox.queue);
        } else {
            into.extend(inbox.queue.drain(..));
        }
    }

    /// Refuses further signals and returns those still waiting (step 5).
    pub fn close(&self) -> VecDeque<Signal> {
        let mut inbox = self.inbox.lock();
        inbox.closed = true;
        std::mem::take(&mut inbox.queue)
    }

    pub fn has_signals(&self) -> bool {
        !self.inbox.lock().queue.is_empty()
    }

    /// Step 2/3: returns true when the caller must put the process on a run queue.
    pub fn wake(&self) -> bool {
        let mut s = self.state.load(Ordering::Acquire);
        loop {
            let next = match s {
                WAITING => RUNNABLE,
                RUNNING => NOTIFIED,
                _ => return false,
            };
            match self.state.compare_exchange_weak(s, next, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return next == RUNNABLE,
                Err(actual) => s = actual,
            }
        }
    }

    /// Step 4: tries to go to sleep; false when a signal came in (NOTIFIED),
    /// in which case the state is RUNNABLE again and the caller re-queues.
    pub fn try_wait(&self) -> bool {
        match self.state.compare_exchange(RUNNING, WAITING, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => true,
            Err(_) => {
                self.state.store(RUNNABLE, Ordering::Release);
                false
            }
        }
    }
}
