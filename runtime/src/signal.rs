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
//!
//! # Bounded mailboxes (`{max_queue, N}`, `ProcessHandle::send`)
//! A process may bound its mailbox: at most N *counted* messages wait in it
//! (in the inbox or already in the mailbox). Counted are exactly the
//! messages sent with `!`/`erlang:send`; the runtime's own deliveries (exit
//! signals, links, monitors, 'EXIT' and 'DOWN' messages, timer messages)
//! pass freely and take no room. The count (`Bound::fill`) and the senders
//! suspended on a full mailbox (`Bound::blocked`) live under the inbox lock,
//! so a sender decides "full" and enqueues itself in one critical section.
//! 6. A send to a full mailbox hands its message to `blocked` together with
//!    a `SendTicket` (PENDING) and the sender waits (`Exception::wait`). The
//!    message is the receiver's responsibility from then on.
//! 7. When the receiver takes a counted message out of its mailbox
//!    (`message_taken`), the oldest blocked messages move into the inbox
//!    while there is room, their tickets become DELIVERED under the same
//!    lock, and their senders get a `Signal::Wake` afterwards (steps 1-4
//!    then keep that wake-up from being lost: a sender that has not gone to
//!    sleep yet is NOTIFIED and re-queued).
//! 8. Invariant: `blocked` is empty unless `fill >= max`, so a new sender
//!    never overtakes a blocked one, and blocked senders are served FIFO.
//! 9. A receiver that dies (`close`, then `release_blocked`) drops the
//!    blocked messages and wakes their senders with tickets DROPPED: the send
//!    was to a dead process, a no-op. A sender that dies while blocked takes
//!    its message back (`cancel_send`) before it sends its own exit signals,
//!    so a message of its never arrives after its death.
//! A ticket changes state only under the receiver's inbox lock; the sender
//! reads it (Acquire) when it runs again.

use crate::heap::Fragment;
use crate::process::Process;
use crate::sync::{AtomicU8, Mutex, Ordering};
use crate::term::Term;
use std::collections::VecDeque;
use std::sync::Arc;

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
    /// A message sent with `!` or `erlang:send`: counted against a bounded
    /// mailbox.
    Message(Payload),
    /// A message sent to the alias `alias` of the receiver: it reaches the
    /// mailbox only if the alias is still active (`alias::arrived`). Not
    /// counted (see `bif::process::send_to_alias`).
    AliasMessage { alias: u64, message: Payload },
    /// A message a timer delivers (`send_after`, `start_timer`): never
    /// blocked, not counted (the timer thread must never wait on a process).
    TimerMessage(Payload),
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
    /// `None`: unbounded (the default), and nothing is counted. Boxed: the
    /// unbounded inbox stays small.
    bound: Option<Box<Bound>>,
}

/// A bounded mailbox's shared state (steps 6-9).
struct Bound {
    max: usize,
    /// Counted messages in the inbox and the mailbox.
    fill: usize,
    blocked: VecDeque<BlockedSend>,
}

struct BlockedSend {
    from: u64,
    message: Payload,
    ticket: Arc<SendTicket>,
}

pub const SEND_PENDING: u8 = 0;
pub const SEND_DELIVERED: u8 = 1;
pub const SEND_DROPPED: u8 = 2;

/// How a suspended send ended: `SEND_PENDING` while its message waits for
/// room, then `SEND_DELIVERED` or `SEND_DROPPED` (the receiver died).
pub struct SendTicket {
    state: AtomicU8,
}

impl SendTicket {
    pub fn state(&self) -> u8 {
        self.state.load(Ordering::Acquire)
    }
}

/// What became of a message given to `ProcessHandle::send`.
pub enum Sent {
    /// In the inbox.
    Delivered,
    /// The receiver has exited; the message is dropped.
    Dead,
    /// The mailbox is full and the sender may not wait (`nosuspend`): the
    /// message is dropped, not sent. (Not handed back: `Sent` then fits in
    /// two registers, which the common `Delivered` pays for otherwise.)
    Full,
    /// The mailbox is full: the message waits with the receiver; the sender
    /// must wait until the ticket is no longer `SEND_PENDING`.
    Suspended(Arc<SendTicket>),
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
            inbox: Mutex::new(Inbox { queue: VecDeque::new(), closed: false, bound: None }),
            state: AtomicU8::new(RUNNABLE),
            body: parking_lot::Mutex::new(None),
        }
    }

    /// Puts `s` in the inbox. `Err(s)`: the process has exited.
    /// The caller then calls `wake` (step 1).
    pub fn deliver(&self, s: Signal) -> Result<(), Signal> {
        debug_assert!(!matches!(s, Signal::Message(_)), "messages go through `send`, which counts them");
        let mut inbox = self.inbox.lock();
        if inbox.closed {
            return Err(s);
        }
        inbox.queue.push_back(s);
        Ok(())
    }

    /// Sends a message counted against the bound (steps 6 and 8); `suspend`:
    /// whether the sender may wait. The caller calls `wake` after
    /// `Delivered` (step 1).
    pub fn send(&self, from: u64, message: Payload, suspend: bool) -> Sent {
        let mut inbox = self.inbox.lock();
        if inbox.closed {
            return Sent::Dead;
        }
        let Inbox { queue, bound, .. } = &mut *inbox;
        if let Some(b) = bound {
            if b.fill >= b.max {
                if !suspend {
                    return Sent::Full;
                }
                let ticket = Arc::new(SendTicket { state: AtomicU8::new(SEND_PENDING) });
                b.blocked.push_back(BlockedSend { from, message, ticket: ticket.clone() });
                return Sent::Suspended(ticket);
            }
            b.fill += 1;
        }
        queue.push_back(Signal::Message(message));
        Sent::Delivered
    }

    /// A process sent a message to itself, straight into its mailbox: it
    /// counts, but never waits (a process is the only one that can make
    /// room in its mailbox, so waiting would be a certain deadlock).
    pub fn count_own_message(&self) {
        if let Some(b) = self.inbox.lock().bound.as_mut() {
            b.fill += 1;
        }
    }

    /// Step 7: the receiver took `n` counted messages out of its mailbox.
    /// Moves blocked messages in while there is room; their senders, to be
    /// woken by the caller, are added to `wake`.
    pub fn message_taken(&self, n: usize, wake: &mut Vec<u64>) {
        let mut inbox = self.inbox.lock();
        let Inbox { queue, bound, .. } = &mut *inbox;
        if let Some(b) = bound {
            b.fill = b.fill.saturating_sub(n);
            admit_blocked(b, queue, wake);
        }
    }

    /// Sets the bound (`None`: unbounded). `outside_inbox`: the counted
    /// messages the receiver already holds (mailbox, taken signals); those
    /// still in the inbox are counted here. Senders whose messages now fit
    /// (all of them when unbounded) are added to `wake`. Returns the old bound.
    pub fn set_bound(&self, max: Option<usize>, outside_inbox: usize, wake: &mut Vec<u64>) -> Option<usize> {
        let mut inbox = self.inbox.lock();
        let Inbox { queue, bound, .. } = &mut *inbox;
        let old = bound.as_ref().map(|b| b.max);
        match (max, bound.as_mut()) {
            (Some(max), Some(b)) => {
                b.max = max;
                admit_blocked(b, queue, wake);
            }
            (Some(max), None) => {
                let in_inbox = queue.iter().filter(|s| matches!(s, Signal::Message(_))).count();
                *bound = Some(Box::new(Bound { max, fill: outside_inbox + in_inbox, blocked: VecDeque::new() }));
            }
            (None, Some(b)) => {
                for s in b.blocked.drain(..) {
                    s.ticket.state.store(SEND_DELIVERED, Ordering::Release);
                    queue.push_back(Signal::Message(s.message));
                    wake.push(s.from);
                }
                *bound = None;
            }
            (None, None) => {}
        }
        old
    }

    /// `(fill, blocked senders)` of a bounded mailbox (for the loom models
    /// and the stress tests, which check the count ends at what is left).
    pub fn bound_fill(&self) -> Option<(usize, usize)> {
        self.inbox.lock().bound.as_ref().map(|b| (b.fill, b.blocked.len()))
    }

    /// The bound, if any (`process_info(Pid, max_queue)`).
    pub fn max_queue(&self) -> Option<usize> {
        self.inbox.lock().bound.as_ref().map(|b| b.max)
    }

    /// Step 9, the sender's side: it died while blocked on this mailbox.
    /// Takes its message back unless it was already delivered or dropped.
    pub fn cancel_send(&self, ticket: &Arc<SendTicket>) {
        let mut inbox = self.inbox.lock();
        if let Some(b) = inbox.bound.as_mut() {
            if let Some(i) = b.blocked.iter().position(|s| Arc::ptr_eq(&s.ticket, ticket)) {
                b.blocked.remove(i);
            }
        }
    }

    /// Step 9, the receiver's side, after `close`: drops every blocked
    /// message and returns their senders, to be woken.
    pub fn release_blocked(&self) -> Vec<u64> {
        let mut inbox = self.inbox.lock();
        let Some(b) = inbox.bound.as_mut() else { return Vec::new() };
        b.blocked
            .drain(..)
            .map(|s| {
                s.ticket.state.store(SEND_DROPPED, Ordering::Release);
                s.from
            })
            .collect()
    }

    /// Takes every signal waiting in the inbox. (`inline`: the compiler did
    /// not inline it into `inbox::take_signals`; with it, pingpong runs about
    /// 4% fewer instructions, callgrind with ACT_SCHEDULERS=1.)
    #[inline]
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

/// Step 7 (and a raised bound): moves the oldest blocked messages into the
/// inbox while the mailbox has room.
fn admit_blocked(b: &mut Bound, queue: &mut VecDeque<Signal>, wake: &mut Vec<u64>) {
    while b.fill < b.max {
        let Some(s) = b.blocked.pop_front() else { break };
        s.ticket.state.store(SEND_DELIVERED, Ordering::Release);
        queue.push_back(Signal::Message(s.message));
        b.fill += 1;
        wake.push(s.from);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    //! The bounded-mailbox bookkeeping on one thread (the interleavings are
    //! `tests/loom_mailbox.rs`'s job).
    use super::*;

    fn msg(n: i64) -> Payload {
        Payload::copy_of(Term::small(n))
    }

    fn bounded(max: usize) -> ProcessHandle {
        let h = ProcessHandle::new(1);
        assert_eq!(h.set_bound(Some(max), 0, &mut Vec::new()), None);
        h
    }

    fn inbox_values(h: &ProcessHandle) -> Vec<i64> {
        let mut q = VecDeque::new();
        h.take_signals(&mut q);
        q.into_iter()
            .map(|s| match s {
                Signal::Message(m) => m.term.as_small().unwrap(),
                _ => panic!("not a message"),
            })
            .collect()
    }

    #[test]
    fn full_mailbox_suspends_then_admits_in_fifo_order() {
        let h = bounded(1);
        assert!(matches!(h.send(10, msg(0), true), Sent::Delivered));
        let tickets: Vec<_> = [11, 12, 13]
            .iter()
            .map(|&from| match h.send(from, msg(from as i64), true) {
                Sent::Suspended(t) => t,
                _ => panic!("a send to a full mailbox suspends"),
            })
            .collect();
        assert_eq!(h.bound_fill(), Some((1, 3)));
        assert_eq!(inbox_values(&h), vec![0]);
        for (i, from) in [11, 12, 13].iter().enumerate() {
            let mut wake = Vec::new();
            h.message_taken(1, &mut wake);
            assert_eq!(wake, vec![*from], "one sender per message taken, oldest first");
            assert_eq!(tickets[i].state(), SEND_DELIVERED);
            assert_eq!(inbox_values(&h), vec![*from as i64]);
        }
        let mut wake = Vec::new();
        h.message_taken(1, &mut wake);
        assert!(wake.is_empty());
        assert_eq!(h.bound_fill(), Some((0, 0)));
    }

    #[test]
    fn nosuspend_refuses_and_sends_nothing() {
        let h = bounded(1);
        assert!(matches!(h.send(10, msg(1), false), Sent::Delivered));
        assert!(matches!(h.send(10, msg(2), false), Sent::Full));
        assert_eq!(h.bound_fill(), Some((1, 0)));
        assert_eq!(inbox_values(&h), vec![1]);
    }

    #[test]
    fn own_messages_count_but_never_wait() {
        let h = bounded(1);
        h.count_own_message();
        h.count_own_message();
        assert_eq!(h.bound_fill(), Some((2, 0)));
        let Sent::Suspended(t) = h.send(10, msg(1), true) else { panic!("full") };
        let mut wake = Vec::new();
        h.message_taken(1, &mut wake);
        assert!(wake.is_empty(), "still at the bound: nobody gets in");
        h.message_taken(1, &mut wake);
        assert_eq!(wake, vec![10]);
        assert_eq!(t.state(), SEND_DELIVERED);
    }

    #[test]
    fn raising_the_bound_admits_and_infinity_releases_all() {
        let h = bounded(1);
        assert!(matches!(h.send(10, msg(0), true), Sent::Delivered));
        let t: Vec<_> = (11..15)
            .map(|f| match h.send(f, msg(f as i64), true) {
                Sent::Suspended(t) => t,
                _ => panic!("full"),
            })
            .collect();
        let mut wake = Vec::new();
        assert_eq!(h.set_bound(Some(3), 0, &mut wake), Some(1));
        assert_eq!(wake, vec![11, 12]);
        assert_eq!(h.bound_fill(), Some((3, 2)));
        wake.clear();
        assert_eq!(h.set_bound(None, 0, &mut wake), Some(3));
        assert_eq!(wake, vec![13, 14]);
        assert!(t.iter().all(|t| t.state() == SEND_DELIVERED));
        assert_eq!(h.bound_fill(), None);
        assert_eq!(inbox_values(&h), vec![0, 11, 12, 13, 14]);
        // Unbounded again: nothing is counted, nothing waits.
        assert!(matches!(h.send(10, msg(5), true), Sent::Delivered));
    }

    #[test]
    fn a_new_bound_counts_what_is_already_there() {
        let h = ProcessHandle::new(1);
        assert!(matches!(h.send(10, msg(0), true), Sent::Delivered));
        assert!(h.deliver(Signal::Wake).is_ok());
        assert_eq!(h.set_bound(Some(2), 1, &mut Vec::new()), None);
        assert_eq!(h.bound_fill(), Some((2, 0)), "one held by the process, one in the inbox");
        assert!(matches!(h.send(10, msg(1), true), Sent::Suspended(_)));
    }

    #[test]
    fn cancel_and_death() {
        let h = bounded(1);
        assert!(matches!(h.send(10, msg(0), true), Sent::Delivered));
        let Sent::Suspended(a) = h.send(11, msg(1), true) else { panic!("full") };
        let Sent::Suspended(b) = h.send(12, msg(2), true) else { panic!("full") };
        let Sent::Suspended(c) = h.send(13, msg(3), true) else { panic!("full") };
        // Sender 12 dies while blocked: its message is gone.
        h.cancel_send(&b);
        assert_eq!(b.state(), SEND_PENDING);
        assert_eq!(h.bound_fill(), Some((1, 2)));
        // The receiver dies: the others are released, their messages dropped.
        h.close();
        assert!(matches!(h.send(14, msg(4), true), Sent::Dead));
        assert_eq!(h.release_blocked(), vec![11, 13]);
        assert_eq!(a.state(), SEND_DROPPED);
        assert_eq!(c.state(), SEND_DROPPED);
    }
}
