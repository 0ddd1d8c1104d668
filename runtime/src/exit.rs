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
    /// For a process killed by a VM bug (a panic in its slice): the panic's
    /// message and location, for the `act: internal error` line.
    pub internal_error: Option<String>,
}

/// Makes a process whose time slice panicked fit to die: keeps what its
/// links, monitors and name need, discards the rest, and returns the exit
/// `{internal_error, Message}` (`Message` a binary) for `terminate`.
///
/// What a panic in a slice can leave behind, and why dying is safe:
/// - Locks. The VM's locks are parking_lot's, which do not poison: each
///   guard held by the unwinding frames is released as it drops, so no
///   other thread waits forever. What such a lock protects (the registry,
///   a channel's buffer, the module table, a timer) was only ever changed
///   through safe Rust, so it is memory-safe; at worst the one operation
///   the panic cut short is lost (a value taken from a channel and not yet
///   delivered, a name not yet registered).
/// - The process's own state. Its heap may be mid-collection (objects
///   forwarded, the off-heap list taken) or hold a half-built object, and
///   its registers and frames may point anywhere in it, so none of it is
///   read again. The heap is leaked rather than dropped: dropping releases
///   the off-heap binaries it lists, and a list a collection was rewriting
///   could release one twice. One heap per VM bug is the price.
///   Registers, frames, handlers, the dictionary, binaries under
///   construction and the pending exit reason (a term on that heap) are
///   cleared; mailbox messages own their fragments and are dropped.
/// - Links, monitors, aliases, the wait timer and the signals taken but
///   not handled are plain Rust values, kept so the death is told as any
///   other (a signal the panic cut short is lost with it).
/// - The handle (`signal.rs`) is RUNNING, as for any slice; `terminate`
///   closes the inbox and stores EXITED, so senders from then on answer
///   for the dead process, and the scheduler never queues it again.
pub fn discard_after_panic(p: &mut Process, message: String) -> ExitInfo {
    std::mem::forget(std::mem::replace(&mut p.heap, crate::heap::Heap::new()));
    p.regs.clear();
    p.base = 0;
    p.frames.clear();
    p.handlers.clear();
    p.pdict.clear();
    p.mailbox = Default::default();
    p.bin_builders.clear();
    p.pos = None;
    p.pending_exit = None;
    p.call_first = None;
    let text = p.heap.binary(message.as_bytes());
    let reason = p.heap.tuple(&[Term::atom(atom::atom("internal_error")), text]);
    ExitInfo { reason, exception: None, internal_error: Some(message) }
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
    let is_main = vm.main_pid() == Some(p.pid);
    if let Some((Class::Error, r, trace)) = info.exception {
        if !is_main {
            vm.error_report(p.pid, r, trace);
        }
    }
    if let Some(message) = info.internal_error {
        if !is_main {
            vm.exit_report(p.pid, reason);
        }
        vm.flush();
        eprintln!("act: internal error in <0.{}.0>: {message} (please report)", p.pid);
        if is_main {
            vm.finish(crate::vm::ProgramEnd::InternalError { message });
        }
    } else if is_main {
        vm.main_exited(&info.exception, reason);
    }
    // 3.
    h.state.store(EXITED, Ordering::Release);
    vm.registry.remove(p.pid);
    p.handle = None;
    drop(p);
}
