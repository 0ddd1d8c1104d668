//! Timers: `receive ... after`, `erlang:send_after/3`, `start_timer/3`.
//!
//! One thread serves every timer from a binary heap ordered by deadline
//! (not a thread per timer). A timer's id is a reference number, so the
//! reference `send_after` returns names its timer directly. Cancelling
//! removes the action; its heap entry is skipped when it comes up.

use crate::signal::{Payload, Signal};
use crate::vm::Vm;
use parking_lot::{Condvar, Mutex};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

pub enum Dest {
    Pid(u64),
    Name(crate::atom::Atom),
}

pub enum TimerAction {
    /// Wake `pid` from the receive it waits in (wait number `seq`).
    Timeout { pid: u64, seq: u64 },
    /// Deliver a message.
    Send { to: Dest, msg: Payload },
}

#[derive(Default)]
struct State {
    queue: BinaryHeap<Reverse<(Instant, u64)>>,
    actions: HashMap<u64, (Instant, TimerAction)>,
    started: bool,
}

#[derive(Default)]
pub struct Timers {
    state: Mutex<State>,
    cv: Condvar,
    /// Timers taken off the queue whose action is still being delivered:
    /// counted as pending, so an idle VM is not mistaken for deadlocked
    /// while a timeout is on its way.
    firing: std::sync::atomic::AtomicUsize,
}

impl Timers {
    /// Starts timer `id` to run `action` after `after`.
    pub fn start(&self, vm: &Arc<Vm>, id: u64, after: Duration, action: TimerAction) {
        let deadline = Instant::now() + after;
        let mut s = self.state.lock();
        if !s.started {
            s.started = true;
            let weak = Arc::downgrade(vm);
            std::thread::Builder::new()
                .name("act-timer".into())
                .spawn(move || {
                    let w = weak.clone();
                    crate::scheduler::guard::guard_thread(move || w.upgrade(), "the timer thread", || timer_thread(weak))
                })
                .expect("cannot start the timer thread");
        }
        s.queue.push(Reverse((deadline, id)));
        s.actions.insert(id, (deadline, action));
        drop(s);
        self.cv.notify_one();
    }

    /// Cancels timer `id`; returns the milliseconds it had left.
    pub fn cancel(&self, id: u64) -> Option<u64> {
        let (deadline, _) = self.state.lock().actions.remove(&id)?;
        Some(deadline.saturating_duration_since(Instant::now()).as_millis() as u64)
    }

    /// Milliseconds left on timer `id`.
    pub fn read(&self, id: u64) -> Option<u64> {
        let s = self.state.lock();
        let (deadline, _) = s.actions.get(&id)?;
        Some(deadline.saturating_duration_since(Instant::now()).as_millis() as u64)
    }

    /// Whether any timer is still due to fire (deadlock detection).
    pub fn pending(&self) -> bool {
        !self.state.lock().actions.is_empty() || self.firing.load(std::sync::atomic::Ordering::SeqCst) > 0
    }
}

fn timer_thread(vm: Weak<Vm>) {
    loop {
        let Some(vm) = vm.upgrade() else { return };
        let due: Vec<TimerAction> = {
            let timers = &vm.timers;
            let mut s = timers.state.lock();
            loop {
                let now = Instant::now();
                match s.queue.peek() {
                    Some(&Reverse((d, _))) if d <= now => break,
                    Some(&Reverse((d, _))) => {
                        timers.cv.wait_until(&mut s, d);
                    }
                    None => {
                        timers.cv.wait_for(&mut s, Duration::from_millis(100));
                        if s.queue.is_empty() {
                            // Let go of the VM now and then so it can be dropped.
                            break;
                        }
                    }
                }
            }
            let now = Instant::now();
            let mut due = Vec::new();
            while let Some(&Reverse((d, id))) = s.queue.peek() {
                if d > now {
                    break;
                }
                s.queue.pop();
                if let Some((_, a)) = s.actions.remove(&id) {
                    due.push(a);
                }
            }
            timers.firing.fetch_add(due.len(), std::sync::atomic::Ordering::SeqCst);
            due
        };
        let n = due.len();
        for a in due {
            match a {
                TimerAction::Timeout { pid, seq } => {
                    vm.signal(pid, Signal::Timeout { seq });
                }
                TimerAction::Send { to, msg } => {
                    let pid = match to {
                        Dest::Pid(p) => Some(p),
                        Dest::Name(n) => vm.registry.whereis(n),
                    };
                    if let Some(pid) = pid {
                        vm.signal(pid, Signal::TimerMessage(msg));
                    }
                }
            }
        }
        vm.timers.firing.fetch_sub(n, std::sync::atomic::Ordering::SeqCst);
        if n > 0 {
            // A worker that went idle while this timer counted as firing did
            // not check for deadlock; wake one to look again.
            if let Some(s) = vm.scheduler.get() {
                s.idle.notify();
            }
        }
    }
}
