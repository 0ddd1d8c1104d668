//! Loom model of a process's scheduling state and inbox (`signal.rs`, steps
//! 1-5 of its module doc): senders `deliver` + `wake` while a scheduler
//! thread runs the process the way `scheduler::run_task` does (RUNNING,
//! take the inbox, then yield, wait with `try_wait`, or exit with `close`).
//!
//! Checked in every interleaving:
//! - no lost wake-up: once every thread is done, a process with signals in
//!   its inbox is RUNNABLE and on the run queue, never WAITING;
//! - a process is never on the run queue twice (`schedule` asserts it);
//! - every signal is received exactly once, in its sender's order, or, once
//!   the process has exited, refused — never left in a closed inbox;
//! - an exited process is never queued again.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p act-runtime --release --test loom_signal`.
//! The larger models are bounded to 3 preemptions so a run takes minutes
//! (`LOOM_MAX_PREEMPTIONS=N` changes the bound). Explored without a bound
//! once (2 cores, 2026-11): wait_two_senders 4,354,174 interleavings,
//! wait_then_exit 2,987,135, exit_while_senders_deliver 142,667, all
//! passing; yield_then_wait did not finish in 25 minutes.
#![cfg(loom)]

use act_runtime::signal::{ProcessHandle, Signal, EXITED, RUNNABLE, RUNNING, WAITING};
use loom::sync::atomic::AtomicUsize;
use loom::sync::Arc;
use loom::thread;
use std::collections::VecDeque;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};

/// Interleavings explored by the models of this file (printed by each test).
static ITERATIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How a slice of the modelled process ends.
#[derive(Clone, Copy, PartialEq)]
enum End {
    /// Its budget ran out (`SliceEnd::Yield`).
    Yield,
    /// Its receive found nothing (`SliceEnd::Wait`).
    Wait,
    /// It died (`SliceEnd::Exit`, then `exit::terminate`).
    Exit,
}

/// One process, the run queue's view of it, and what it received.
struct World {
    h: ProcessHandle,
    /// Entries for this process on the run queue (0 or 1).
    queued: AtomicUsize,
    /// Signals received, as (sender, seq); only the thread running the
    /// process touches it (the process body's lock in the real VM).
    received: loom::sync::Mutex<Vec<(u64, u64)>>,
    /// Signals refused by the closed inbox.
    refused: AtomicUsize,
}

impl World {
    fn new() -> World {
        // A fresh process is RUNNABLE and on a run queue (`spawn`).
        World {
            h: ProcessHandle::new(1),
            queued: AtomicUsize::new(1),
            received: loom::sync::Mutex::new(Vec::new()),
            refused: AtomicUsize::new(0),
        }
    }

    /// `Scheduler::schedule`: the queue must not already hold the process.
    fn schedule(&self) {
        assert_ne!(self.h.state.load(Acquire), EXITED, "an exited process was queued");
        assert_eq!(self.queued.fetch_add(1, SeqCst), 0, "a process was queued twice");
    }

    /// A sender: `vm.signal` (deliver, then wake; schedule if told to).
    fn send(&self, from: u64, seq: u64) {
        match self.h.deliver(Signal::Timeout { seq: from * 1000 + seq }) {
            Ok(()) => {
                if self.h.wake() {
                    self.schedule();
                }
            }
            Err(_) => {
                self.refused.fetch_add(1, SeqCst);
            }
        }
    }

    fn record(&self, signals: VecDeque<Signal>) {
        let mut r = self.received.lock().unwrap();
        for s in signals {
            match s {
                Signal::Timeout { seq } => r.push((seq / 1000, seq % 1000)),
                _ => unreachable!(),
            }
        }
    }

    /// Pops the process off the run queue and runs one slice of it, the way
    /// `run_task` does; `end` picks how the slice ends. False when the
    /// queue was empty.
    fn run_slice(&self, end: impl FnOnce(bool) -> End) -> bool {
        if self.queued.load(SeqCst) == 0 {
            return false;
        }
        self.queued.fetch_sub(1, SeqCst);
        assert_eq!(self.h.state.load(Acquire), RUNNABLE, "a queued process is RUNNABLE");
        self.h.state.store(RUNNING, Release);
        let mut signals = VecDeque::new();
        self.h.take_signals(&mut signals);
        let got_some = !signals.is_empty();
        self.record(signals);
        match end(got_some) {
            End::Yield => {
                overwrite_state(&self.h, RUNNABLE);
                self.schedule();
            }
            End::Wait => {
                if !self.h.try_wait() {
                    self.schedule();
                }
            }
            End::Exit => {
                // `exit::terminate`: close (late signals are still seen by
                // the dying process), then EXITED.
                let late = self.h.close();
                self.record(late);
                overwrite_state(&self.h, EXITED);
            }
        }
        true
    }

    /// Once every thread is done: the no-lost-wake-up invariant.
    fn check_quiescent(&self) {
        let state = self.h.state.load(Acquire);
        let queued = self.queued.load(SeqCst);
        match state {
            WAITING => {
                assert_eq!(queued, 0);
                assert!(!self.h.has_signals(), "lost wake-up: WAITING with signals in the inbox");
            }
            RUNNABLE => assert_eq!(queued, 1, "RUNNABLE but not on the run queue"),
            EXITED => {
                assert_eq!(queued, 0);
                assert!(!self.h.has_signals(), "a signal was left in a closed inbox");
            }
            s => panic!("no thread runs the process, yet its state is {s}"),
        }
    }

    /// Every signal seen once (received or refused), each sender's in order.
    fn check_received(&self, senders: u64, per_sender: u64) {
        let r = self.received.lock().unwrap();
        assert_eq!(r.len() + self.refused.load(SeqCst), (senders * per_sender) as usize);
        for from in 0..senders {
            let mine: Vec<u64> = r.iter().filter(|&&(f, _)| f == from).map(|&(_, s)| s).collect();
            let expected: Vec<u64> = (0..mine.len() as u64).collect();
            assert_eq!(mine, expected, "sender {from}'s signals out of order or duplicated");
        }
    }
}

/// Explores every interleaving of `f`, or, with `preemptions`, those with
/// at most that many preemptions (loom's bound; `LOOM_MAX_PREEMPTIONS`
/// overrides it, e.g. to go exhaustive on a fast machine).
/// The plain `state.store(..., Release)` of `run_task` (yield) and
/// `exit::terminate` (EXITED), which can race a sender's `wake` CAS
/// (RUNNING -> NOTIFIED).
///
/// Written here as a `swap` because loom 0.7 orders a plain store against a
/// concurrent read-modify-write wrongly: it lets the store fall between the
/// RMW's read and its write, so a later load can return the RMW's value
/// (NOTIFIED after EXITED) — an outcome C++/Rust atomics forbid, since an
/// RMW reads the value just before it in the location's modification order
/// (tokio-rs/loom#254, #389; fix pending in loom PR #391). A `swap` puts
/// the same value at the same place in the modification order; what it adds
/// (a read, and continuing a release sequence) gives the waker nothing it
/// relies on: `wake` only acts on WAITING and RUNNING, which neither value is.
fn overwrite_state(h: &ProcessHandle, value: u8) {
    h.state.swap(value, Release);
}

fn model(name: &str, preemptions: Option<usize>, f: impl Fn() + Sync + Send + 'static) {
    ITERATIONS.store(0, Relaxed);
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = preemptions;
    }
    let bound = builder.preemption_bound;
    builder.check(move || {
        ITERATIONS.fetch_add(1, Relaxed);
        f()
    });
    let bound = bound.map_or("unbounded".to_string(), |b| format!("at most {b} preemptions"));
    println!("{name}: {} interleavings ({bound})", ITERATIONS.load(Relaxed));
}

/// `senders` threads send `per_sender` signals each while the scheduler
/// thread runs the process until the run queue is empty, every slice ending
/// with `end`; then the main thread checks and runs what is left.
fn senders_vs_scheduler(senders: u64, per_sender: u64, end: fn(slice: usize, got_some: bool) -> End) {
    let w = Arc::new(World::new());
    let threads: Vec<_> = (0..senders)
        .map(|from| {
            let w = w.clone();
            thread::spawn(move || {
                for seq in 0..per_sender {
                    w.send(from, seq);
                }
            })
        })
        .collect();
    let mut slice = 0;
    while w.run_slice(|got| end(slice, got)) {
        slice += 1;
    }
    for t in threads {
        t.join().unwrap();
    }
    w.check_quiescent();
    // Drain: the scheduler (here the main thread) runs whatever is queued.
    while w.run_slice(|got| end(slice, got)) {
        slice += 1;
        w.check_quiescent();
    }
    let st = w.h.state.load(Acquire);
    assert!(st == WAITING || st == EXITED);
    w.check_received(senders, per_sender);
}

/// Two senders, one signal each; the process waits after every slice.
#[test]
fn wait_two_senders() {
    model("wait_two_senders", Some(3), || senders_vs_scheduler(2, 1, |_, _| End::Wait));
}

/// One sender with two signals: per-sender order across several wake-ups.
#[test]
fn wait_one_sender_two_signals() {
    model("wait_one_sender_two_signals", None, || senders_vs_scheduler(1, 2, |_, _| End::Wait));
}

/// The first slice runs out of budget (yield, NOTIFIED overwritten by
/// RUNNABLE), later ones wait.
#[test]
fn yield_then_wait() {
    model("yield_then_wait", Some(3), || {
        senders_vs_scheduler(2, 1, |slice, _| if slice == 0 { End::Yield } else { End::Wait })
    });
}

/// The process dies in its first slice: a sender either got in before the
/// close (and its signal is seen by the dying process) or is refused.
#[test]
fn exit_while_senders_deliver() {
    model("exit_while_senders_deliver", None, || senders_vs_scheduler(2, 1, |_, _| End::Exit));
}

/// The process waits first and dies in the slice after it is woken: a
/// WAITING -> RUNNABLE -> RUNNING -> EXITED path racing a second sender.
#[test]
fn wait_then_exit() {
    model("wait_then_exit", Some(3), || {
        senders_vs_scheduler(2, 1, |slice, _| if slice == 0 { End::Wait } else { End::Exit })
    });
}

/// Two senders, two signals each (bigger: bound preemptions with
/// `LOOM_MAX_PREEMPTIONS` if it takes too long).
#[test]
fn wait_two_senders_two_signals() {
    model("wait_two_senders_two_signals", Some(3), || senders_vs_scheduler(2, 2, |_, _| End::Wait));
}
