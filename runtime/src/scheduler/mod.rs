//! The scheduler: one OS thread per core running processes in time slices.
//!
//! Each worker has a local FIFO run queue (crossbeam-deque `Worker`), a
//! `runnext` slot, and steals from the others; a global `Injector` takes
//! work from threads that are not workers (the timer thread, the thread
//! that starts the program).
//!
//! # Finding work (`Worker::next`), in order
//! 1. Every `GLOBAL_QUEUE_INTERVAL`-th pick, the injector first, so work
//!    from outside cannot starve behind two processes that keep waking each
//!    other (Go's `schedtick % 61`).
//! 2. The `runnext` slot: a process woken by the process that ran last
//!    (typically the receiver of a message it just sent). It inherits the
//!    rest of the waker's time slice, so a ping-pong pair shares one slice
//!    and cannot starve the local queue: when the slice is used up the pair
//!    goes to the back of the queue.
//! 3. The local queue, 4. a batch from the injector, 5. a batch stolen from
//!    another worker.
//!
//! # Parking and waking (see `park.rs` for the numbered protocol)
//! A worker that finds nothing parks; whoever makes work available that
//! another worker could take (local queue, injector) calls `notify`, which
//! unparks one sleeper. When every worker is asleep, no timer is pending,
//! and the program has not ended, no process can ever run again: the last
//! worker to fall asleep reports the deadlock.
//!
//! # Panics (VM bugs)
//! A panic in one process's slice kills that process alone; one anywhere
//! else on a worker ends the VM with an internal error (`guard.rs`).

pub mod guard;
pub mod park;

use crate::interp::{self, SliceEnd};
use crate::signal::{ProcessHandle, RUNNABLE, RUNNING};
use crate::vm::Vm;
use crossbeam_deque::{Injector, Steal, Stealer, Worker};
use std::cell::RefCell;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Reductions in one time slice: BEAM's `CONTEXT_REDS` (erl_vm.h), the
/// value it has used since OTP 19.2. A process runs until its budget is
/// spent; the interpreter checks it at function entries, so a slice ends
/// at the first call or return after the budget reaches zero.
///
/// What uses the budget:
/// - entering code: a call, tail call, fun call or `apply` (one each);
///   a BIF call by itself costs nothing (each message a receive skips is
///   counted in `Process::reductions` but does not use the budget);
/// - BIFs that walk data whose size the caller chooses pay for the walk
///   (`bif::charge`, rates from OTP 25 in `bif::rate`):
///   `length/1` 1 per 16 cells; `lists:member/2`, `keyfind/3`,
///   `keymember/3`, `keysearch/3` and `--` 1 per 10 elements;
///   `lists:reverse/1,2`, `lists:append/2` and `++` 1 per 40 cells copied;
///   `binary_to_list/1,3` and `bitstring_to_list/1` 1 per 256 bytes;
///   `list_to_binary/1`, `iolist_to_binary/1`, `iolist_size/1`,
///   `term_to_binary/1,2` and `binary_to_term/1,2` 1 per 256 bytes.
///   Such a BIF still runs to completion (OTP would trap and resume it
///   in the next slice): one call on a 10 MB binary holds the scheduler
///   for its own duration, but it then yields, where it used to cost
///   nothing and a loop could make thousands of such calls per slice.
/// Not charged beyond the call: atoms and small fixed-size data, copying
/// a message on send, garbage collection.
pub const SLICE_REDUCTIONS: i64 = 4000;

/// How often the injector is checked before the local queue (Go: 61, a
/// prime picked so it does not line up with other periodic work).
const GLOBAL_QUEUE_INTERVAL: u64 = 61;

pub type Task = Arc<ProcessHandle>;

pub struct Scheduler {
    injector: Injector<Task>,
    stealers: Vec<Stealer<Task>>,
    pub idle: park::Idle,
    pub threads: usize,
    /// The workers' local queues until their threads take them.
    workers: parking_lot::Mutex<Vec<Worker<Task>>>,
}

struct Local {
    index: usize,
    queue: Worker<Task>,
    runnext: Option<Task>,
    /// Budget the next runnext pick inherits.
    inherited: i64,
    ticks: u64,
    sched: Arc<Scheduler>,
}

thread_local! {
    static LOCAL: RefCell<Option<Local>> = const { RefCell::new(None) };
}

impl Scheduler {
    /// A scheduler for `n` worker threads (started by `start_threads`, once
    /// the first process is queued: workers that find nothing to do at all
    /// would report a deadlock).
    pub fn new(n: usize) -> Arc<Scheduler> {
        let n = n.max(1);
        let workers: Vec<Worker<Task>> = (0..n).map(|_| Worker::new_fifo()).collect();
        Arc::new(Scheduler {
            injector: Injector::new(),
            stealers: workers.iter().map(|w| w.stealer()).collect(),
            idle: park::Idle::new(n),
            threads: n,
            workers: parking_lot::Mutex::new(workers),
        })
    }

    pub fn start_threads(sched: &Arc<Scheduler>, vm: &Arc<Vm>) {
        guard::install_hook();
        let workers = std::mem::take(&mut *sched.workers.lock());
        for (index, queue) in workers.into_iter().enumerate() {
            let vm = vm.clone();
            let s = sched.clone();
            let name = format!("act-sched-{index}");
            std::thread::Builder::new()
                .name(name.clone())
                .stack_size(8 << 20)
                .spawn(move || {
                    let v = vm.clone();
                    guard::guard_thread(|| Some(v), &format!("scheduler thread {name}"), || worker_main(vm, s, index, queue))
                })
                .expect("cannot start a scheduler thread");
        }
    }

    /// Makes a runnable process available: on a worker thread into its
    /// local queue (or its runnext slot when `hot`), elsewhere into the injector.
    pub fn schedule(self: &Arc<Scheduler>, t: Task, hot: bool) {
        let mut task = Some(t);
        let notify = LOCAL.with(|l| {
            let mut l = l.borrow_mut();
            let local = l.as_mut().filter(|local| Arc::ptr_eq(&local.sched, self))?;
            let t = task.take()?;
            if hot {
                match local.runnext.replace(t) {
                    Some(old) => local.queue.push(old),
                    None => return Some(false),
                }
            } else {
                local.queue.push(t);
            }
            Some(true)
        });
        if let Some(t) = task {
            self.injector.push(t);
            self.idle.notify();
        } else if notify == Some(true) {
            self.idle.notify();
        }
    }

    /// Whether any queue visibly holds work (used before parking).
    pub fn has_work(&self) -> bool {
        !self.injector.is_empty() || self.stealers.iter().any(|s| !s.is_empty())
    }
}

fn worker_main(vm: Arc<Vm>, sched: Arc<Scheduler>, index: usize, queue: Worker<Task>) {
    LOCAL.with(|l| {
        *l.borrow_mut() = Some(Local { index, queue, runnext: None, inherited: 0, ticks: 0, sched: sched.clone() })
    });
    loop {
        if vm.is_finished() {
            return;
        }
        match next_task(&sched) {
            Some((t, budget)) => run_task(&vm, &sched, t, budget),
            None => {
                // Nothing to run: let what the program printed out before
                // sleeping (a program waiting on a timer shows its output).
                vm.flush();
                sched.idle.sleep(index, &vm, &sched)
            }
        }
    }
}

/// Picks the next process and the budget it runs with.
fn next_task(sched: &Scheduler) -> Option<(Task, i64)> {
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        let local = l.as_mut()?;
        local.ticks += 1;
        if local.ticks % GLOBAL_QUEUE_INTERVAL == 0 {
            if let Steal::Success(t) = sched.injector.steal_batch_and_pop(&local.queue) {
                return Some((t, SLICE_REDUCTIONS));
            }
        }
        if let Some(t) = local.runnext.take() {
            if local.inherited > 0 {
                return Some((t, local.inherited));
            }
            local.queue.push(t);
        }
        if let Some(t) = local.queue.pop() {
            return Some((t, SLICE_REDUCTIONS));
        }
        loop {
            match sched.injector.steal_batch_and_pop(&local.queue) {
                Steal::Success(t) => return Some((t, SLICE_REDUCTIONS)),
                Steal::Retry => continue,
                Steal::Empty => break,
            }
        }
        let n = sched.stealers.len();
        for k in 1..n {
            let victim = &sched.stealers[(local.index + k) % n];
            loop {
                match victim.steal_batch_and_pop(&local.queue) {
                    Steal::Success(t) => return Some((t, SLICE_REDUCTIONS)),
                    Steal::Retry => continue,
                    Steal::Empty => break,
                }
            }
        }
        None
    })
}

fn run_task(vm: &Arc<Vm>, sched: &Arc<Scheduler>, t: Task, budget: i64) {
    t.state.store(RUNNING, Ordering::Release);
    let mut body = t.body.lock();
    let Some(p) = body.as_mut() else {
        return;
    };
    p.budget = budget;
    // A panic in the slice is a VM bug that kills this process alone
    // (`exit::discard_after_panic` says what it may leave behind). The
    // boundary costs about 42 instructions a slice, unwinding tables aside
    // (callgrind, threadring 503 x 100,000 passes, 1 scheduler: `catch`
    // minus `run_slice` inclusive, 4.2M of 270M instructions, 1.6%; a slice
    // there handles one message, the worst case).
    let end = match guard::catch(|| interp::run_slice(p)) {
        Ok(end) => end,
        Err(message) => SliceEnd::Exit(crate::exit::discard_after_panic(p, message)),
    };
    let left = p.budget.max(0);
    match end {
        SliceEnd::Yield => {
            drop(body);
            t.state.store(RUNNABLE, Ordering::Release);
            // The slice is used up: the runnext chain ends here too. A lone
            // process that yields simply runs again here: waking another
            // worker to steal it would only move it between cores.
            let others = LOCAL.with(|l| {
                let mut l = l.borrow_mut();
                let local = l.as_mut()?;
                local.inherited = 0;
                if let Some(r) = local.runnext.take() {
                    local.queue.push(r);
                }
                let others = !local.queue.is_empty();
                local.queue.push(t.clone());
                Some(others)
            });
            if others != Some(false) {
                sched.idle.notify();
            }
        }
        SliceEnd::Wait => {
            drop(body);
            LOCAL.with(|l| {
                if let Some(local) = l.borrow_mut().as_mut() {
                    local.inherited = left;
                }
            });
            if !t.try_wait() {
                sched.schedule(t.clone(), false);
            }
        }
        SliceEnd::Exit(reason) => {
            let p = body.take().expect("process body present");
            drop(body);
            crate::exit::terminate(vm, &t, p, reason);
        }
    }
}
