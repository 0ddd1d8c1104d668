//! A process taking its signals: messages go to the mailbox; links,
//! monitors and exit signals are handled by Erlang's rules.
//!
//! Exit signal rules (Erlang Reference Manual, "Processes", and OTP's
//! `erlang:exit/2` documentation), for a signal with reason R from F:
//! - R = `kill` sent by `exit/2` (not by a dying linked process): the
//!   receiver dies with reason `killed`, trapping or not.
//! - The receiver traps exits: the signal becomes the message
//!   `{'EXIT', F, R}`.
//! - R = `normal`: ignored (unless F is the receiver itself: it dies).
//! - Otherwise the receiver dies with reason R.

use crate::atom;
use crate::process::{Message, Process};
use crate::signal::{Payload, Signal};
use crate::term::Term;

/// Moves every pending signal into the process. Returns the reason the
/// process must die with, when an exit signal killed it.
pub fn take_signals(p: &mut Process) -> Option<Term> {
    let Some(h) = p.handle.as_ref() else { return p.pending_exit };
    h.take_signals(&mut p.signals);
    while let Some(s) = p.signals.pop_front() {
        handle(p, s);
        if p.pending_exit.is_some() {
            // Dying: the rest of the signals are answered by `exit::terminate`.
            break;
        }
    }
    p.pending_exit
}

/// Takes the message at `i` out of the mailbox (a receive accepted it). In
/// a bounded mailbox that makes room: a blocked sender's message moves in
/// and the sender is woken (`signal.rs`, step 7).
///
/// Out of line on purpose: the interpreter loop calls it where it called
/// `Mailbox::remove`; inlining the bound test there changed the loop's code
/// enough to cost 27-31 more instructions per message (callgrind, pingpong
/// and fanin with ACT_SCHEDULERS=1).
#[inline(never)]
pub fn remove_message(p: &mut Process, i: usize) -> Option<Message> {
    let m = p.mailbox.remove(i)?;
    if m.counted && p.bounded_mailbox {
        made_room(p, 1);
    }
    Some(m)
}

/// Drops every message `drop` selects (`demonitor(R, [flush])`).
pub fn drop_messages(p: &mut Process, mut drop: impl FnMut(&Message) -> bool) {
    let mut taken = 0;
    p.mailbox.queue.retain(|m| {
        let d = drop(m);
        taken += (d && m.counted) as usize;
        !d
    });
    p.mailbox.cursor = 0;
    if taken > 0 && p.bounded_mailbox {
        made_room(p, taken);
    }
}

#[cold]
fn made_room(p: &mut Process, n: usize) {
    let Some(h) = p.handle.clone() else { return };
    let mut wake = Vec::new();
    h.message_taken(n, &mut wake);
    wake_senders(p, wake);
}

/// `process_flag(max_queue, N)`: sets the bound of the process's own
/// mailbox (`None`: unbounded) and returns the old one.
pub fn set_max_queue(p: &mut Process, max: Option<usize>) -> Option<usize> {
    // Every process that runs BIFs has its handle (`spawn::install`).
    let Some(h) = p.handle.clone() else { return None };
    let held = p.mailbox.queue.iter().filter(|m| m.counted).count()
        + p.signals.iter().filter(|s| matches!(s, Signal::Message(_))).count();
    let mut wake = Vec::new();
    let old = h.set_bound(max, held, &mut wake);
    p.bounded_mailbox = max.is_some();
    wake_senders(p, wake);
    old
}

/// Wakes senders whose suspended send has ended (their ticket says how).
pub fn wake_senders(p: &Process, pids: Vec<u64>) {
    if pids.is_empty() {
        return;
    }
    for pid in pids {
        p.vm.signal_quiet(pid, Signal::Wake);
    }
}

fn handle(p: &mut Process, s: Signal) {
    match s {
        Signal::Message(m) => {
            p.mailbox.queue.push_back(Message { term: m.term, fragment: Some(m.fragment), counted: true })
        }
        Signal::TimerMessage(m) => {
            p.mailbox.queue.push_back(Message { term: m.term, fragment: Some(m.fragment), counted: false })
        }
        Signal::AliasMessage { alias, message } => {
            if crate::alias::arrived(p, alias) {
                // Not counted: see `bif::process::send_to_alias`.
                p.mailbox.queue.push_back(Message { term: message.term, fragment: Some(message.fragment), counted: false })
            }
        }
        Signal::Exit { from, reason, linked } => exit_signal(p, from, reason, linked),
        Signal::Link { from } => {
            if !p.links.contains(&from) {
                p.links.push(from);
            }
        }
        Signal::Unlink { from } => p.links.retain(|&l| l != from),
        Signal::Monitor { from, reference, name } => p.monitored_by.push((reference, from, name)),
        Signal::Demonitor { reference } => p.monitored_by.retain(|&(r, _, _)| r != reference),
        Signal::Down { reference, message } => {
            let had = p.monitors.iter().position(|&(r, _)| r == reference);
            if let Some(i) = had {
                p.monitors.remove(i);
                crate::alias::monitor_ended(p, reference);
                p.mailbox.queue.push_back(Message { term: message.term, fragment: Some(message.fragment), counted: false });
            }
        }
        Signal::Wake => {}
        Signal::Timeout { seq } => {
            if p.wait_timer == Some(seq) {
                p.timed_out = true;
            }
        }
    }
}

fn exit_signal(p: &mut Process, from: u64, reason: Payload, linked: bool) {
    let Payload { term, fragment } = reason;
    if linked && !p.links.contains(&from) {
        // The link was removed (unlink/1) after the signal was sent.
        return;
    }
    if linked {
        p.links.retain(|&l| l != from);
    }
    let is_kill = term.is_atom_eq(atom::KILL);
    if is_kill && !linked {
        p.pending_exit = Some(Term::atom(atom::KILLED));
        return;
    }
    if p.trap_exit {
        // The message must live in a fragment of its own: queued messages
        // are not GC roots (see `process::Mailbox`).
        let tuple = p.heap.tuple(&[Term::atom(atom::EXIT_UPPER), Term::pid(from), term]);
        let m = Payload::copy_of(tuple);
        drop(fragment);
        p.mailbox.queue.push_back(Message { term: m.term, fragment: Some(m.fragment), counted: false });
        return;
    }
    if term.is_atom_eq(atom::NORMAL) && from != p.pid {
        return;
    }
    p.heap.attach(fragment);
    p.pending_exit = Some(term);
}
