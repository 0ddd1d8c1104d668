//! Loom model of the bounded-mailbox handshake (`signal.rs`, steps 6-9): a
//! sender suspending on a full mailbox while its receiver makes room, dies,
//! or the sender itself dies. Each process is run the way
//! `scheduler::run_task` runs it (RUNNING, take the inbox, then wait with
//! `try_wait` or exit with `close`), through the real `ProcessHandle`.
//!
//! Checked in every interleaving:
//! - no lost wake-up: a sender whose message got in (or was dropped) is
//!   woken and finishes its send; a message never stays blocked while its
//!   receiver waits with room in its mailbox;
//! - every message is received exactly once, in send order (the one that
//!   filled the mailbox first), or dropped because its receiver died or its
//!   sender took it back;
//! - the count of a bounded mailbox ends at zero once it is drained.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p act-runtime --release --test loom_mailbox`
//! (in its own `CARGO_TARGET_DIR`: `--cfg loom` rebuilds every crate).
#![cfg(loom)]

use act_runtime::signal::{Payload, ProcessHandle, Sent, SendTicket, Signal, EXITED, RUNNABLE, RUNNING, SEND_DELIVERED, SEND_DROPPED, SEND_PENDING, WAITING};
use act_runtime::term::Term;
use loom::sync::atomic::AtomicUsize;
use loom::sync::Arc;
use loom::thread;
use std::collections::VecDeque;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};

/// Pid of the receiver; senders are 2, 3, ...
const RECEIVER: u64 = 1;
/// The message that fills the mailbox before the model starts (from pid 9).
const FIRST: i64 = 100;
/// A sender's "exit signal" to the receiver, sent after it died (modelled
/// as a `Timeout` signal carrying this number).
const SENDER_EXIT: u64 = 999;

fn message(n: i64) -> Payload {
    Payload::copy_of(Term::small(n))
}

/// One modelled process: its handle and its entries on the run queue.
struct Proc {
    h: ProcessHandle,
    queued: AtomicUsize,
}

impl Proc {
    /// A fresh process: RUNNABLE and on a run queue (`spawn`).
    fn new(pid: u64) -> Proc {
        Proc { h: ProcessHandle::new(pid), queued: AtomicUsize::new(1) }
    }

    /// `Scheduler::schedule`.
    fn schedule(&self) {
        assert_ne!(self.h.state.load(Acquire), EXITED, "an exited process was queued");
        assert_eq!(self.queued.fetch_add(1, SeqCst), 0, "a process was queued twice");
    }

    /// `vm.signal_quiet(pid, s)`.
    fn signal(&self, s: Signal) {
        if self.h.deliver(s).is_ok() && self.h.wake() {
            self.schedule();
        }
    }

    /// Takes the process off the run queue and marks it RUNNING; false when
    /// it was not queued.
    fn pick(&self) -> bool {
        if self.queued.load(SeqCst) == 0 {
            return false;
        }
        self.queued.fetch_sub(1, SeqCst);
        assert_eq!(self.h.state.load(Acquire), RUNNABLE, "a queued process is RUNNABLE");
        self.h.state.store(RUNNING, Release);
        true
    }

    /// Ends a slice that must wait (`SliceEnd::Wait`).
    fn wait(&self) {
        if !self.h.try_wait() {
            self.schedule();
        }
    }

    /// `exit::terminate`, steps 1 and 3 (with the loom workaround of
    /// `loom_signal.rs::overwrite_state` for the final store).
    fn exit(&self) -> VecDeque<Signal> {
        let late = self.h.close();
        self.h.state.swap(EXITED, Release);
        late
    }
}

/// What a sender is doing.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Step {
    /// Has not sent yet.
    Start,
    /// Suspended on the full mailbox.
    Blocked,
    /// Its send finished (delivered, or dropped with the dead receiver).
    Sent,
    /// Died while blocked (took its message back).
    Died,
}

struct Sender {
    p: Proc,
    step: loom::sync::Mutex<Step>,
    ticket: loom::sync::Mutex<Option<std::sync::Arc<SendTicket>>>,
    value: i64,
    /// Dies instead of waiting once suspended.
    dies_when_blocked: bool,
}

struct World {
    receiver: Proc,
    senders: Vec<Sender>,
    /// The receiver's mailbox (messages as values; a sender's exit signal
    /// as `-SENDER_EXIT`, not counted) and what it took out; touched only
    /// by the thread running the receiver.
    mailbox: loom::sync::Mutex<VecDeque<i64>>,
    received: loom::sync::Mutex<Vec<i64>>,
    /// The receiver dies in its first slice instead of receiving.
    receiver_dies: bool,
}

impl World {
    /// A receiver with `{max_queue, 1}` holding one message already, and
    /// senders that each try to send one more (so they must suspend unless
    /// the receiver made room first).
    fn new(senders: &[(u64, bool)], receiver_dies: bool) -> Arc<World> {
        let receiver = Proc::new(RECEIVER);
        receiver.h.set_bound(Some(1), 0, &mut Vec::new());
        assert!(matches!(receiver.h.send(9, message(FIRST), true), Sent::Delivered));
        let senders = senders
            .iter()
            .map(|&(pid, dies)| Sender {
                p: Proc::new(pid),
                step: loom::sync::Mutex::new(Step::Start),
                ticket: loom::sync::Mutex::new(None),
                value: pid as i64,
                dies_when_blocked: dies,
            })
            .collect();
        Arc::new(World {
            receiver,
            senders,
            mailbox: loom::sync::Mutex::new(VecDeque::new()),
            received: loom::sync::Mutex::new(Vec::new()),
            receiver_dies,
        })
    }

    /// One slice of sender `i`, as `bif/process.rs` runs `!`: the first
    /// time it sends; later (woken) it reads its ticket (`resume_send`).
    fn run_sender(&self, i: usize) -> bool {
        let s = &self.senders[i];
        if !s.p.pick() {
            return false;
        }
        let mut signals = VecDeque::new();
        s.p.h.take_signals(&mut signals);
        let mut step = s.step.lock().unwrap();
        match *step {
            Step::Start => match self.receiver.h.send(s.p.h.pid, message(s.value), true) {
                Sent::Delivered => {
                    if self.receiver.h.wake() {
                        self.receiver.schedule();
                    }
                    *step = Step::Sent;
                }
                Sent::Dead => *step = Step::Sent,
                Sent::Full => unreachable!("a suspending send is never refused"),
                Sent::Suspended(t) => {
                    *s.ticket.lock().unwrap() = Some(t);
                    *step = Step::Blocked;
                }
            },
            Step::Blocked => {
                let t = s.ticket.lock().unwrap().clone().expect("a blocked sender has a ticket");
                if t.state() != SEND_PENDING {
                    *step = Step::Sent;
                }
            }
            Step::Sent | Step::Died => unreachable!("a finished sender is not queued"),
        }
        match *step {
            Step::Blocked if s.dies_when_blocked => {
                // Killed while blocked: `exit::terminate` takes the message
                // back, then sends its exit signals.
                let t = s.ticket.lock().unwrap().clone().expect("ticket");
                self.receiver.h.cancel_send(&t);
                *step = Step::Died;
                drop(step);
                s.p.exit();
                self.receiver.signal(Signal::Timeout { seq: SENDER_EXIT });
            }
            Step::Blocked => {
                drop(step);
                s.p.wait();
            }
            _ => {
                drop(step);
                s.p.exit();
            }
        }
        true
    }

    /// One slice of the receiver: take the inbox, then receive every
    /// message (each `RecvAccept` makes room: `message_taken`, then wake the
    /// senders admitted), and take the inbox again before waiting, as
    /// `receive_wait` does (an admitted message is in the inbox, put there
    /// by the receiver itself, with no wake-up); or die at once if
    /// `receiver_dies`.
    fn run_receiver(&self) -> bool {
        if !self.receiver.pick() {
            return false;
        }
        loop {
            let mut signals = VecDeque::new();
            self.receiver.h.take_signals(&mut signals);
            let mut mailbox = self.mailbox.lock().unwrap();
            let mut received = self.received.lock().unwrap();
            for s in signals {
                match s {
                    Signal::Message(m) => mailbox.push_back(m.term.as_small().expect("small")),
                    // A trapped exit signal: an uncounted 'EXIT' message.
                    Signal::Timeout { seq } => mailbox.push_back(-(seq as i64)),
                    Signal::Wake => {}
                    _ => unreachable!(),
                }
            }
            if self.receiver_dies {
                drop((mailbox, received));
                drop(self.receiver.exit());
                // `exit::terminate`: release the senders blocked on it.
                for pid in self.receiver.h.release_blocked() {
                    self.sender(pid).p.signal(Signal::Wake);
                }
                return true;
            }
            if mailbox.is_empty() {
                break;
            }
            while let Some(v) = mailbox.pop_front() {
                received.push(v);
                if v < 0 {
                    continue;
                }
                let mut wake = Vec::new();
                self.receiver.h.message_taken(1, &mut wake);
                for pid in wake {
                    self.sender(pid).p.signal(Signal::Wake);
                }
            }
        }
        self.receiver.wait();
        true
    }

    fn sender(&self, pid: u64) -> &Sender {
        self.senders.iter().find(|s| s.p.h.pid == pid).expect("a known sender")
    }

    /// Runs queued processes until none is left (the main thread, after the
    /// model's threads are done).
    fn drain(&self) {
        loop {
            let mut ran = self.run_receiver();
            for i in 0..self.senders.len() {
                ran |= self.run_sender(i);
            }
            if !ran {
                break;
            }
        }
    }

    /// Once nothing is queued: every send has ended, nothing is lost or
    /// duplicated, order is kept, the count is back to zero.
    fn check(&self) {
        let received = self.received.lock().unwrap().clone();
        let messages: Vec<i64> = received.iter().copied().filter(|&v| v > 0).collect();
        for s in &self.senders {
            let step = *s.step.lock().unwrap();
            let ticket = s.ticket.lock().unwrap().clone().map(|t| t.state());
            assert!(step == Step::Sent || step == Step::Died, "lost wake-up: sender {} ended {step:?}", s.p.h.pid);
            let got = messages.iter().filter(|&&v| v == s.value).count();
            match (step, ticket) {
                (Step::Died, Some(SEND_DELIVERED)) => {
                    // Admitted before it died: the message precedes its exit signal.
                    assert_eq!(got, 1);
                    let at = received.iter().position(|&v| v == s.value).unwrap();
                    let exit = received.iter().position(|&v| v == -(SENDER_EXIT as i64)).unwrap();
                    assert!(at < exit, "a dead sender's message arrived after its exit signal");
                }
                (Step::Died, _) => assert_eq!(got, 0, "a message taken back was still received"),
                (_, Some(SEND_DROPPED)) => assert_eq!(got, 0),
                _ if self.receiver_dies => assert!(got <= 1),
                _ => assert_eq!(
                    got,
                    1,
                    "sender {}'s message lost or duplicated: received {received:?}, ticket {ticket:?}, fill {:?}",
                    s.p.h.pid,
                    self.receiver.h.bound_fill()
                ),
            }
        }
        if self.receiver_dies {
            assert_eq!(self.receiver.h.state.load(Acquire), EXITED);
            assert!(messages.is_empty() || messages[0] == FIRST);
            return;
        }
        assert_eq!(messages.first(), Some(&FIRST), "the message that filled the mailbox comes first");
        assert_eq!(self.receiver.h.state.load(Acquire), WAITING);
        assert!(!self.receiver.h.has_signals());
        assert_eq!(self.receiver.h.bound_fill(), Some((0, 0)), "a drained mailbox counts zero and holds no blocked sender");
    }
}

/// Explores every interleaving of `f` (or those with at most `preemptions`
/// preemptions; `LOOM_MAX_PREEMPTIONS` overrides it) and prints how many.
fn model(name: &str, preemptions: Option<usize>, f: impl Fn() + Sync + Send + 'static) {
    // Counted per model (tests run in parallel threads).
    let iterations = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = preemptions;
    }
    let bound = builder.preemption_bound;
    let count = iterations.clone();
    builder.check(move || {
        count.fetch_add(1, Relaxed);
        f()
    });
    let bound = bound.map_or("unbounded".to_string(), |b| format!("at most {b} preemptions"));
    println!("{name}: {} interleavings ({bound})", iterations.load(Relaxed));
}

/// Each sender runs on its own thread, the receiver on another; then the
/// main thread runs whatever is still queued and checks.
fn run(senders: &[(u64, bool)], receiver_dies: bool) {
    let w = World::new(senders, receiver_dies);
    let threads: Vec<_> = (0..senders.len())
        .map(|i| {
            let w = w.clone();
            thread::spawn(move || while w.run_sender(i) {})
        })
        .collect();
    while w.run_receiver() {}
    for t in threads {
        t.join().unwrap();
    }
    w.drain();
    w.check();
}

/// The handshake itself: the receiver drains the full mailbox at the moment
/// the sender suspends on it. Either the send finds room, or it suspends
/// and is admitted and woken — never left asleep with its message in.
#[test]
fn drain_while_sender_suspends() {
    model("drain_while_sender_suspends", None, || run(&[(2, false)], false));
}

/// Two senders suspend on one slot: both are admitted, one at a time.
#[test]
fn two_senders_one_slot() {
    model("two_senders_one_slot", Some(3), || run(&[(2, false), (3, false)], false));
}

/// The receiver dies while the sender suspends: the send ends (a no-op).
#[test]
fn receiver_dies_while_sender_suspends() {
    model("receiver_dies_while_sender_suspends", None, || run(&[(2, false)], true));
}

/// The sender dies while blocked, racing the receiver that admits it: its
/// message is either taken back or arrives before its exit signal.
#[test]
fn sender_dies_while_receiver_drains() {
    model("sender_dies_while_receiver_drains", None, || run(&[(2, true)], false));
}
