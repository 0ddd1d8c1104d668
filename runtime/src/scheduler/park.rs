//! Parking idle workers and waking them, without losing a wake-up.
//!
//! # Protocol
//! Sleeper (a worker that found no work):
//! 1. Under the `sleepers` lock, add itself to the list and publish the new
//!    count in `num_sleeping` (SeqCst).
//! 2. Fence (SeqCst), then look at every queue once more. If work is
//!    there, take itself off the list and go back to work.
//! 3. Otherwise park. It wakes when a notifier took it off the list and
//!    unparked it (or spuriously; it then simply looks for work again).
//!
//! Notifier (anyone who just made work available to other workers):
//! 4. Fence (SeqCst) after publishing the work, then read `num_sleeping`.
//!    If zero, done: every worker is awake and will find the work.
//! 5. Otherwise, under the lock, take one sleeper off the list and unpark it.
//!
//! Why no wake-up is lost: with both fences SeqCst, either the notifier's
//! read (4) sees the sleeper's count (1), and unparks someone, or the
//! sleeper's re-check (2) comes after the notifier's push and sees the work.
//! A `Parker` keeps an unpark that arrives before `park` as a token, so
//! step 5 racing ahead of step 3 is harmless.
//!
//! # Deadlock detection
//! A sleeper that makes the count equal to the number of workers (all idle)
//! while no timer is pending and the program has not ended knows that no
//! process can ever become runnable again (only a running process, a timer,
//! or I/O could wake one, and Act has no I/O waits yet). It reports.

use super::Scheduler;
use crate::sync::{fence, AtomicUsize, Mutex, Ordering, Parker, Unparker};
use crate::vm::Vm;
use std::sync::Arc;

pub struct Idle {
    sleepers: Mutex<Vec<usize>>,
    num_sleeping: AtomicUsize,
    parkers: Vec<Mutex<Option<Parker>>>,
    unparkers: Vec<Unparker>,
}

impl Idle {
    pub fn new(n: usize) -> Idle {
        let parkers: Vec<Parker> = (0..n).map(|_| Parker::new()).collect();
        let unparkers = parkers.iter().map(|p| p.unparker().clone()).collect();
        Idle {
            sleepers: Mutex::new(Vec::with_capacity(n)),
            num_sleeping: AtomicUsize::new(0),
            parkers: parkers.into_iter().map(|p| Mutex::new(Some(p))).collect(),
            unparkers,
        }
    }

    /// Steps 1-3 for worker `index`.
    pub fn sleep(&self, index: usize, vm: &Arc<Vm>, sched: &Scheduler) {
        self.sleep_unless(index, |all_idle| {
            // Timers before queues: a timer that fires pushes its work before it
            // stops counting as pending, so seeing it not pending here means its
            // work is visible to the queue check below.
            let timers_idle = all_idle && !vm.timers.pending();
            if sched.has_work() || vm.is_finished() {
                return true;
            }
            // `all_idle` was true when this worker joined the list; another
            // worker may have been woken since and be running a process
            // that will make work. Decide under the sleepers lock, which a
            // notifier must take to wake anyone: every worker still listed
            // means none is running a process.
            if timers_idle && self.still_all_asleep(|| !sched.has_work() && !vm.timers.pending()) {
                // Every worker is idle and nothing can wake a process.
                vm.report_deadlock();
                return true;
            }
            false
        })
    }

    /// Whether every worker is on the sleepers list and `nothing_to_do`
    /// holds, both checked while holding the list's lock.
    fn still_all_asleep(&self, nothing_to_do: impl FnOnce() -> bool) -> bool {
        let s = self.sleepers.lock();
        s.len() == self.parkers.len() && nothing_to_do()
    }

    /// Steps 1-3 with step 2's look around left to `recheck`, which is told
    /// whether every worker is now on the list and returns true when this
    /// worker must not park. `sleep` is this with the scheduler's queues and
    /// the VM's timers; the loom model (`runtime/tests/loom_park.rs`) calls it
    /// with a queue of its own.
    pub fn sleep_unless(&self, index: usize, recheck: impl FnOnce(bool) -> bool) {
        let all_idle = {
            let mut s = self.sleepers.lock();
            s.push(index);
            self.num_sleeping.store(s.len(), Ordering::SeqCst);
            s.len() == self.parkers.len()
        };
        fence(Ordering::SeqCst);
        if recheck(all_idle) {
            self.remove(index);
            return;
        }
        let parker = self.parkers[index].lock().take();
        if let Some(p) = parker {
            p.park();
            *self.parkers[index].lock() = Some(p);
        }
        self.remove(index);
    }

    fn remove(&self, index: usize) {
        let mut s = self.sleepers.lock();
        if let Some(i) = s.iter().position(|&x| x == index) {
            s.swap_remove(i);
        }
        self.num_sleeping.store(s.len(), Ordering::SeqCst);
    }

    /// Steps 4-5.
    pub fn notify(&self) {
        fence(Ordering::SeqCst);
        if self.num_sleeping.load(Ordering::SeqCst) == 0 {
            return;
        }
        let woken = {
            let mut s = self.sleepers.lock();
            let w = s.pop();
            self.num_sleeping.store(s.len(), Ordering::SeqCst);
            w
        };
        if let Some(i) = woken {
            self.unparkers[i].unpark();
        }
    }

    /// Wakes every worker (program end).
    pub fn notify_all(&self) {
        let all: Vec<usize> = std::mem::take(&mut *self.sleepers.lock());
        self.num_sleeping.store(0, Ordering::SeqCst);
        for i in all {
            self.unparkers[i].unpark();
        }
    }
}
