//! A process's death: telling its links and monitors, leaving the process
//! table, the error report, and ending the program when it was `main`.
//!
//! Order (each step relies on the one before):
//! 1. Close the inbox: from now on senders get their signal back and answer
//!    for the dead process themselves (`noproc`). Links and monitors that
//!    arrived before the close are honoured with the real reason, except
//!    behind an exit signal that killed the process: signals from one
//!    sender keep their order, so a monitor sent after `exit(P, kill)`
//!    must find P dead, and is answered with `noproc` as OTP does.
//!    Senders blocked on this process's full mailbox are released (their
//!    sends become no-ops); if this process was itself blocked sending, it
//!    takes its message back first.
//! 2. Drop the registered name, then send an exit signal to every linked
//!    process, a `'DOWN'` message to every monitoring process: one that
//!    hears of the death finds the name free.
//! 3. Drop the table entry; free the heap.

use crate::atom;
use crate::exception::Class;
use crate::process::Process;
use crate::signal::{Payload, ProcessHandle, Signal, EXITED};
use crate::term::Term;
use crate::vm::Vm;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// How a process ended.
pub struct ExitInfo {
    /// The exit reason, on the dying process's heap.
    pub reason: Term,
    /// For an uncaught exception: its class, reason and stack trace (the
    /// error report and the program's own exit message need them).
    pub exception: Option<(Class, Term, Term)>,
}

pub fn terminate(vm: &Arc<Vm>, h: &Arc<ProcessHandle>, mut p: Box<Process>, info: ExitInfo) {
    let reason = info.reason;
    if let Some(t) = p.wait_timer.take() {
        vm.timers.cancel(t);
    }
    crate::alias::drop_all(&mut p);
    // Blocked sending to a full mailbox: take the message back before the
    // exit signals of step 2 go out, so it never arrives after them.
    if let Some(w) = p.extras.as_mut().and_then(|e| e.send_wait.take()) {
        w.to.cancel_send(&w.ticket);
    }
    // 1. Signals taken from the inbox but not handled (those behind the
    // exit signal that killed it, see `inbox::take_signals`) count as late
    // too: dropping them lost links and monitors (no 'EXIT', no 'DOWN').
    let mut late = std::mem::take(&mut p.signals);
    late.extend(h.close());
    // Senders blocked on this full mailbox: their sends become no-ops, as
    // to any dead process (`signal.rs`, step 9).
    for pid in h.release_blocked() {
        vm.signal_quiet(pid, Signal::Wake);
    }
    // `pending_exit` is set only by an exit signal (`inbox::exit_signal`,
    // or `exit/2` to oneself): everything still queued came after it.
    let killed_by_signal = p.pending_exit.is_some();
    for s in late {
        match s {
            Signal::Link { .. } | Signal::Monitor { .. } if killed_by_signal => vm.answer_for_dead(p.pid, s),
            Signal::Link { from } => {
                if !p.links.contains(&from) {
                    p.links.push(from)
                }
            }
            Signal::Unlink { from } => p.links.retain(|&l| l != from),
            Signal::Monitor { from, reference, name } => p.monitored_by.push((reference, from, name)),
            Signal::Demonitor { reference } => p.monitored_by.retain(|&(r, _, _)| r != reference),
            _ => {}
        }
    }
    // 2. The name goes first, as in BEAM (`erts_do_exit_process`): whoever
    // learns of the death from the signals below, a supervisor above all,
    // may at once register the name again for a replacement.
    if let Some(name) = vm.registry.name_of(p.pid) {
        vm.registry.unregister(name);
    }
    for &l in &p.links {
        vm.signal(l, Signal::Exit { from: p.pid, reason: Payload::copy_of(reason), linked: true });
    }
    let watchers = std::mem::take(&mut p.monitored_by);
    for (r, watcher, name) in watchers {
        let rt = p.heap.reference(r);
        let who = match name {
            Some(n) => p.heap.tuple(&[Term::atom(n), Term::atom(atom::atom("nonode@nohost"))]),
            None => Term::pid(p.pid),
        };
        let down = p.heap.tuple(&[Term::atom(atom::DOWN), rt, Term::atom(atom::PROCESS), who, reason]);
        vm.signal(watcher, Signal::Down { reference: r, message: Payload::copy_of(down) });
    }
    // Monitors this process held: tell the targets to forget them.
    for &(r, target) in &p.monitors {
        vm.signal_quiet(target, Signal::Demonitor { reference: r });
    }
    // The error report (OTP: the emulator logs uncaught `error` exceptions).
    if let Some((Class::Error, r, trace)) = info.exception {
        if vm.main_pid() != Some(p.pid) {
            vm.error_report(p.pid, r, trace);
        }
    }
    let is_main = vm.main_pid() == Some(p.pid);
    if is_main {
        vm.main_exited(&info.exception, reason);
    }
    // 3.
    h.state.store(EXITED, Ordering::Release);
    vm.registry.remove(p.pid);
    p.handle = None;
    drop(p);
}
