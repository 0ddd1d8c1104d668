//! Loom model of parking idle workers (`scheduler/park.rs`, steps 1-5):
//! workers that find no work call the real `Idle::sleep_unless` (steps 1-3)
//! with a model run queue in place of the scheduler's deques, while other
//! threads push work and call the real `Idle::notify` (steps 4-5).
//!
//! The run queue is a counter published with Release and read with Acquire,
//! no stronger than crossbeam-deque's `push`/`is_empty`, so what keeps a
//! wake-up from being lost is the protocol's own SeqCst fences.
//!
//! Checked in every interleaving: all work is taken and every worker ends.
//! A lost wake-up leaves a worker parked for ever, which loom reports as a
//! deadlock (the main thread's `join` never returns).
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p act-runtime --release --test loom_park`.
//! The two-worker models are bounded to 3 preemptions (about 30 s);
//! `LOOM_MAX_PREEMPTIONS=4` took two_workers_two_pushes through 3,867,814
//! interleavings, passing. Removing either SeqCst fence of the protocol
//! (step 2 or step 4) makes one_worker_one_push fail with a deadlock.
#![cfg(loom)]

use act_runtime::scheduler::park::Idle;
use loom::sync::atomic::{AtomicBool, AtomicUsize};
use loom::sync::Arc;
use loom::thread;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};

static ITERATIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

struct World {
    idle: Idle,
    /// Work pushed and not yet taken.
    queue: AtomicUsize,
    /// Work taken, by anyone.
    taken: AtomicUsize,
    /// The whole program's work count; when it is all taken the program
    /// ends (`vm.finish`: `finished`, then `notify_all`).
    total: usize,
    finished: AtomicBool,
    /// 1 when the first worker to take work must make one more piece (a
    /// running process waking another), else 0.
    spawns: AtomicUsize,
}

impl World {
    fn new(workers: usize, total: usize, spawns: usize) -> World {
        World {
            idle: Idle::new(workers),
            queue: AtomicUsize::new(0),
            taken: AtomicUsize::new(0),
            total,
            finished: AtomicBool::new(false),
            spawns: AtomicUsize::new(spawns),
        }
    }

    /// Makes work available, then step 4-5 (`Scheduler::schedule`).
    fn push(&self) {
        self.queue.fetch_add(1, Release);
        self.idle.notify();
    }

    fn try_take(&self) -> bool {
        let mut n = self.queue.load(Acquire);
        while n > 0 {
            match self.queue.compare_exchange(n, n - 1, Acquire, Acquire) {
                Ok(_) => return true,
                Err(m) => n = m,
            }
        }
        false
    }

    /// `worker_main`: take work until the program ends; park when there is none.
    fn worker(&self, index: usize) {
        loop {
            if self.finished.load(Acquire) {
                return;
            }
            if self.try_take() {
                if self.spawns.compare_exchange(1, 0, Relaxed, Relaxed).is_ok() {
                    self.push();
                }
                if self.taken.fetch_add(1, SeqCst) + 1 == self.total {
                    self.finished.store(true, Release);
                    self.idle.notify_all();
                    return;
                }
                continue;
            }
            self.idle.sleep_unless(index, |_| self.queue.load(Acquire) > 0 || self.finished.load(Acquire));
        }
    }
}

/// Explores every interleaving of `f`, or, with `preemptions`, those with
/// at most that many preemptions (loom's bound; `LOOM_MAX_PREEMPTIONS`
/// overrides it, e.g. to go exhaustive on a fast machine).
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

/// One worker goes to sleep while another thread pushes one piece of work
/// (the timer thread or the main thread using the injector).
#[test]
fn one_worker_one_push() {
    model("one_worker_one_push", None, || {
        let w = Arc::new(World::new(1, 1, 0));
        let w1 = w.clone();
        let worker = thread::spawn(move || w1.worker(0));
        w.push();
        worker.join().unwrap();
        assert_eq!(w.taken.load(SeqCst), 1);
    });
}

/// Two workers, two pushes from outside: each push must reach a worker
/// even when the two notifies race two sleepers (and leave stale tokens).
#[test]
fn two_workers_two_pushes() {
    model("two_workers_two_pushes", Some(3), || {
        let w = Arc::new(World::new(2, 2, 0));
        let ws: Vec<_> = (0..2)
            .map(|i| {
                let w = w.clone();
                thread::spawn(move || w.worker(i))
            })
            .collect();
        w.push();
        w.push();
        for t in ws {
            t.join().unwrap();
        }
        assert_eq!(w.taken.load(SeqCst), 2);
        assert_eq!(w.queue.load(SeqCst), 0);
    });
}

/// Two workers; the only outside push starts a process which makes a
/// second piece of work (a running process waking another), which the
/// other worker — possibly asleep by then — or the same one must take.
#[test]
fn worker_makes_work_for_a_sleeper() {
    model("worker_makes_work_for_a_sleeper", Some(3), || {
        let w = Arc::new(World::new(2, 2, 1));
        let ws: Vec<_> = (0..2)
            .map(|i| {
                let w = w.clone();
                thread::spawn(move || w.worker(i))
            })
            .collect();
        w.push();
        for t in ws {
            t.join().unwrap();
        }
        assert_eq!(w.taken.load(SeqCst), 2);
    });
}
