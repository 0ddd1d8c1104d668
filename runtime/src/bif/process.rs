//! Process BIFs: spawning, sending, links, monitors, exit signals,
//! registered names, process flags and info, timers, `halt`.

use super::BifDef;
use crate::atom::{self, Atom};
use crate::exception::{BifResult, Exception};
use crate::heap_limit::MaxHeapSize;
use crate::process::{Message, Process, SendWait};
use crate::alias::{self as aliases, AliasMode};
use crate::signal::{Payload, Sent, Signal, EXITED, NOTIFIED, RUNNABLE, RUNNING, SEND_PENDING, WAITING};
use crate::spawn::{spawn, Entry, SpawnOpts};
use crate::term::Term;
use crate::timer::{Dest, TimerAction};
use std::sync::atomic::Ordering;
use std::time::Duration;

pub const BIFS: &[BifDef] = &[
    ("erlang", "spawn", 1, spawn1),
    ("erlang", "spawn", 2, spawn2),
    ("erlang", "spawn", 3, spawn3),
    ("erlang", "spawn", 4, spawn4),
    ("erlang", "spawn_link", 1, spawn_link1),
    ("erlang", "spawn_link", 3, spawn_link3),
    ("erlang", "spawn_monitor", 1, spawn_monitor1),
    ("erlang", "spawn_monitor", 3, spawn_monitor3),
    ("erlang", "spawn_opt", 2, spawn_opt2),
    ("erlang", "spawn_opt", 3, spawn_opt3),
    ("erlang", "spawn_opt", 4, spawn_opt4),
    ("erlang", "spawn_opt", 5, spawn_opt5),
    ("erlang", "send", 2, send2),
    ("erlang", "!", 2, send2),
    ("erlang", "send", 3, send3),
    ("erlang", "send_nosuspend", 2, send_nosuspend2),
    ("erlang", "send_nosuspend", 3, send_nosuspend3),
    ("erlang", "link", 1, link),
    ("erlang", "unlink", 1, unlink),
    ("erlang", "monitor", 2, monitor),
    ("erlang", "monitor", 3, monitor3),
    ("erlang", "alias", 0, alias0),
    ("erlang", "alias", 1, alias1),
    ("erlang", "unalias", 1, unalias),
    ("erlang", "demonitor", 1, demonitor1),
    ("erlang", "demonitor", 2, demonitor2),
    ("erlang", "exit", 2, exit2),
    ("erlang", "process_flag", 2, process_flag),
    ("erlang", "register", 2, register),
    ("erlang", "unregister", 1, unregister),
    ("erlang", "whereis", 1, whereis),
    ("erlang", "registered", 0, registered),
    ("erlang", "is_process_alive", 1, is_process_alive),
    ("erlang", "processes", 0, processes),
    ("erlang", "process_info", 1, process_info1),
    ("erlang", "process_info", 2, process_info2),
    ("erlang", "send_after", 3, send_after),
    ("erlang", "start_timer", 3, start_timer),
    ("erlang", "send_after", 4, send_after4),
    ("erlang", "start_timer", 4, start_timer4),
    ("erlang", "cancel_timer", 1, cancel_timer),
    ("erlang", "cancel_timer", 2, cancel_timer2),
    ("erlang", "read_timer", 1, read_timer),
    ("erlang", "read_timer", 2, read_timer2),
    ("erlang", "yield", 0, yield_),
    ("erlang", "group_leader", 0, group_leader),
    ("erlang", "halt", 0, halt0),
    ("erlang", "halt", 1, halt1),
    ("erlang", "halt", 2, halt1),
    ("erlang", "garbage_collect", 0, garbage_collect),
];

fn pid_arg(t: Term) -> Result<u64, Exception> {
    t.as_pid().ok_or_else(Exception::badarg)
}

// ---- spawning ----

fn spawned(p: &mut Process, e: Entry, o: SpawnOpts) -> BifResult {
    let (pid, mref) = spawn(p, e, o)?;
    Ok(match mref {
        Some(r) => {
            let rt = p.heap.reference(r);
            p.heap.tuple(&[Term::pid(pid), rt])
        }
        None => Term::pid(pid),
    })
}

fn spawn1(p: &mut Process, a: &[Term]) -> BifResult {
    spawned(p, Entry::Fun(a[0]), SpawnOpts::default())
}
fn spawn2(p: &mut Process, a: &[Term]) -> BifResult {
    spawned(p, Entry::Fun(a[1]), SpawnOpts::default())
}
fn spawn3(p: &mut Process, a: &[Term]) -> BifResult {
    spawned(p, Entry::Mfa(a[0], a[1], a[2]), SpawnOpts::default())
}
fn spawn4(p: &mut Process, a: &[Term]) -> BifResult {
    spawned(p, Entry::Mfa(a[1], a[2], a[3]), SpawnOpts::default())
}
fn spawn_link1(p: &mut Process, a: &[Term]) -> BifResult {
    spawned(p, Entry::Fun(a[0]), SpawnOpts { link: true, ..Default::default() })
}
fn spawn_link3(p: &mut Process, a: &[Term]) -> BifResult {
    spawned(p, Entry::Mfa(a[0], a[1], a[2]), SpawnOpts { link: true, ..Default::default() })
}
fn spawn_monitor1(p: &mut Process, a: &[Term]) -> BifResult {
    spawned(p, Entry::Fun(a[0]), SpawnOpts { monitor: true, ..Default::default() })
}
fn spawn_monitor3(p: &mut Process, a: &[Term]) -> BifResult {
    spawned(p, Entry::Mfa(a[0], a[1], a[2]), SpawnOpts { monitor: true, ..Default::default() })
}

fn spawn_options(opts: Term) -> Result<SpawnOpts, Exception> {
    let mut o = SpawnOpts::default();
    let mut t = opts;
    while let Some((h, tl)) = t.as_cons() {
        t = tl;
        if h.is_atom_eq(atom::LINK) {
            o.link = true;
        } else if h.is_atom_eq(atom::MONITOR) {
            o.monitor = true;
        } else if let Some([k, v]) = h.as_tuple().filter(|e| e.len() == 2).map(|e| [e[0], e[1]]) {
            match &*k.as_atom().ok_or_else(Exception::badarg)?.name() {
                "max_heap_size" => o.max_heap = Some(MaxHeapSize::from_term(v).ok_or_else(Exception::badarg)?),
                "max_queue" => o.max_queue = max_queue_value(v)?,
                "message_queue_data" | "priority" | "min_heap_size" | "min_bin_vheap_size" | "fullsweep_after" => {}
                "monitor" => o.monitor = true,
                _ => return Err(Exception::badarg()),
            }
        } else {
            return Err(Exception::badarg());
        }
    }
    if !t.is_nil() {
        return Err(Exception::badarg());
    }
    Ok(o)
}

/// `{max_queue, N}` (Act): N a positive integer, or `infinity` (unbounded).
/// A bound of 0 would let no message in at all, so every send to the
/// process would wait forever: refused with `badarg`.
fn max_queue_value(v: Term) -> Result<Option<usize>, Exception> {
    if v.is_atom_eq(atom::INFINITY) {
        return Ok(None);
    }
    match v.as_small() {
        Some(n) if n > 0 => Ok(Some(n as usize)),
        _ => Err(Exception::badarg()),
    }
}

fn max_queue_term(bound: Option<usize>) -> Term {
    match bound {
        Some(n) => Term::small(n as i64),
        None => Term::atom(atom::INFINITY),
    }
}

fn spawn_opt2(p: &mut Process, a: &[Term]) -> BifResult {
    let o = spawn_options(a[1])?;
    spawned(p, Entry::Fun(a[0]), o)
}
fn spawn_opt4(p: &mut Process, a: &[Term]) -> BifResult {
    let o = spawn_options(a[3])?;
    spawned(p, Entry::Mfa(a[0], a[1], a[2]), o)
}
/// `spawn_opt(Node, Fun, Opts)` and `spawn_opt(Node, M, F, A, Opts)`: there
/// is one node, so `Node` only has to be an atom (as `spawn/2,4`).
fn spawn_opt3(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_atom() {
        return Err(Exception::badarg());
    }
    spawn_opt2(p, &a[1..])
}
fn spawn_opt5(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_atom() {
        return Err(Exception::badarg());
    }
    spawn_opt4(p, &a[1..])
}

// ---- sending ----

/// Where a send goes.
enum SendTo {
    Pid(u64),
    /// A reference: an alias, delivered while it is active (`alias.rs`).
    Alias(u64),
    /// Nowhere (an unregistered `{Name, Node}`): the message is dropped.
    Dropped,
}

/// Resolves a send destination: a pid, a registered name, an alias, or
/// `{Name, Node}`.
fn destination(p: &Process, to: Term) -> Result<SendTo, Exception> {
    if let Some(pid) = to.as_pid() {
        return Ok(SendTo::Pid(pid));
    }
    if let Some(name) = to.as_atom() {
        return match p.vm.registry.whereis(name) {
            Some(pid) => Ok(SendTo::Pid(pid)),
            None => Err(Exception::badarg()),
        };
    }
    if to.is_ref() {
        return Ok(SendTo::Alias(to.word(1)));
    }
    // `{Name, Node}`: an unregistered name drops the message (OTP).
    match to.as_tuple().filter(|t| t.len() == 2 && t[0].is_atom() && t[1].is_atom()) {
        Some(t) => Ok(t[0].as_atom().and_then(|n| p.vm.registry.whereis(n)).map_or(SendTo::Dropped, SendTo::Pid)),
        None => Err(Exception::badarg()),
    }
}

/// What a send does when the receiver's mailbox is bounded and full.
#[derive(Clone, Copy, PartialEq)]
enum WhenFull {
    /// Suspend the sender until there is room (`!`, `erlang:send/2`).
    Wait,
    /// Send nothing and say so (`nosuspend`).
    Refuse,
}

/// `Ok(true)`: sent (or dropped, as to a dead process or an inactive
/// alias); `Ok(false)`: refused, the mailbox is full; `Err(wait)`: suspended
/// (see `send_message`).
fn send_to(p: &mut Process, to: SendTo, msg: Term, when_full: WhenFull) -> Result<bool, Exception> {
    match to {
        SendTo::Pid(pid) => send_message(p, pid, msg, when_full),
        SendTo::Alias(id) => {
            send_to_alias(p, id, msg);
            Ok(true)
        }
        SendTo::Dropped => Ok(true),
    }
}

/// A send to an alias: dropped unless the alias is active, both now (the
/// registry knows an owner) and when the owner takes the message.
/// Never counted against a bounded mailbox nor suspended: the replies of
/// `gen_server:call` and friends come this way, and one stuck behind a full
/// mailbox whose owner waits for it would be a certain deadlock.
fn send_to_alias(p: &mut Process, id: u64, msg: Term) {
    let Some(owner) = p.vm.registry.alias_owner(id) else { return };
    let payload = Payload::copy_of(msg);
    if owner == p.pid {
        if aliases::arrived(p, id) {
            p.mailbox.queue.push_back(Message { term: payload.term, fragment: Some(payload.fragment), counted: false });
        }
    } else {
        p.vm.clone().signal_quiet(owner, Signal::AliasMessage { alias: id, message: payload });
    }
}

/// Sends `msg` as `!` does; the message counts against a bounded mailbox
/// (`signal.rs`, "Bounded mailboxes"). `Ok(true)`: sent, or dropped because
/// the receiver is dead; `Ok(false)`: refused, the mailbox is full;
/// `Err(wait)`: suspended, the BIF runs again when woken (`resume_send`).
fn send_message(p: &mut Process, to: u64, msg: Term, when_full: WhenFull) -> Result<bool, Exception> {
    let payload = Payload::copy_of(msg);
    if to == p.pid {
        // Never waits, whatever the bound: see `count_own_message`.
        p.mailbox.queue.push_back(Message { term: payload.term, fragment: Some(payload.fragment), counted: true });
        if p.bounded_mailbox {
            if let Some(h) = &p.handle {
                h.count_own_message();
            }
        }
        return Ok(true);
    }
    let Some(h) = p.vm.registry.get(to) else { return Ok(true) };
    match h.send(p.pid, payload, when_full == WhenFull::Wait) {
        Sent::Delivered => {
            if h.wake() {
                p.vm.sched().schedule(h, true);
            }
            Ok(true)
        }
        Sent::Dead => Ok(true),
        Sent::Full => Ok(false),
        Sent::Suspended(ticket) => {
            p.extras().send_wait = Some(SendWait { to: h, ticket });
            Err(Exception::wait())
        }
    }
}

/// A send suspended on a full mailbox runs again when its process is woken
/// (`Extras::send_wait` is set): `Ok` once the message got in (or its receiver
/// died, dropping it), `Err(wait)` while it still waits.
#[cold]
fn resume_send(p: &mut Process) -> Result<(), Exception> {
    let extras = p.extras();
    match extras.send_wait.take() {
        Some(w) if w.ticket.state() == SEND_PENDING => {
            // Woken for something else (a message, a trapped exit): keep waiting.
            extras.send_wait = Some(w);
            Err(Exception::wait())
        }
        _ => Ok(()),
    }
}

fn send2(p: &mut Process, a: &[Term]) -> BifResult {
    if p.extras.is_some() && p.send_wait().is_some() {
        return resume_send(p).map(|()| a[1]);
    }
    if let Some(pid) = a[0].as_pid() {
        // The common case, without building a `SendTo`.
        send_message(p, pid, a[1], WhenFull::Wait)?;
        return Ok(a[1]);
    }
    let to = destination(p, a[0])?;
    send_to(p, to, a[1], WhenFull::Wait)?;
    Ok(a[1])
}

/// `erlang:send(Dest, Msg, Options)`: `ok`, or with `nosuspend` in the
/// options `nosuspend` when the send would have to wait (nothing is sent).
fn send3(p: &mut Process, a: &[Term]) -> BifResult {
    if p.extras.is_some() && p.send_wait().is_some() {
        return resume_send(p).map(|()| Term::atom(atom::OK));
    }
    let when_full = send_options(a[2])?;
    let to = destination(p, a[0])?;
    if !send_to(p, to, a[1], when_full)? {
        return Ok(Term::atom(atom::atom("nosuspend")));
    }
    Ok(Term::atom(atom::OK))
}

/// `erlang:send_nosuspend(Dest, Msg)`: `true` when sent, `false` when the
/// mailbox was full (nothing is sent).
fn send_nosuspend2(p: &mut Process, a: &[Term]) -> BifResult {
    let to = destination(p, a[0])?;
    Ok(Term::bool(send_to(p, to, a[1], WhenFull::Refuse)?))
}

/// `erlang:send_nosuspend(Dest, Msg, Options)`: options as `send/3`'s
/// (OTP adds `nosuspend` to them and calls `send/3`).
fn send_nosuspend3(p: &mut Process, a: &[Term]) -> BifResult {
    send_options(a[2])?;
    send_nosuspend2(p, a)
}

/// The options of `send/3`: `nosuspend` (refuse instead of waiting) and
/// `noconnect` (accepted, changes nothing: there is one node).
fn send_options(opts: Term) -> Result<WhenFull, Exception> {
    let mut when_full = WhenFull::Wait;
    let mut t = opts;
    while let Some((h, tl)) = t.as_cons() {
        t = tl;
        match h.as_atom().map(|o| o.name()).as_deref() {
            Some("nosuspend") => when_full = WhenFull::Refuse,
            Some("noconnect") => {}
            _ => return Err(Exception::badarg()),
        }
    }
    if !t.is_nil() {
        return Err(Exception::badarg());
    }
    Ok(when_full)
}

/// A message the runtime puts in a process's own mailbox on its behalf (an
/// 'EXIT' of its own making): never counted, as exit signals are not.
fn notify_self(p: &mut Process, msg: Term) {
    let m = Payload::copy_of(msg);
    p.mailbox.queue.push_back(Message { term: m.term, fragment: Some(m.fragment), counted: false });
}

// ---- links, monitors, exits ----

fn alive(p: &Process, pid: u64) -> bool {
    pid == p.pid || p.vm.registry.get(pid).map(|h| h.state.load(Ordering::Acquire) != EXITED).unwrap_or(false)
}

fn link(p: &mut Process, a: &[Term]) -> BifResult {
    let pid = pid_arg(a[0])?;
    if pid == p.pid || p.links.contains(&pid) {
        return Ok(Term::atom(atom::TRUE));
    }
    let delivered = match p.vm.registry.get(pid) {
        Some(h) => match h.deliver(Signal::Link { from: p.pid }) {
            Ok(()) => {
                if h.wake() {
                    p.vm.sched().schedule(h, true);
                }
                true
            }
            Err(_) => false,
        },
        None => false,
    };
    if delivered {
        p.links.push(pid);
        return Ok(Term::atom(atom::TRUE));
    }
    if p.trap_exit {
        let msg = p.heap.tuple(&[Term::atom(atom::EXIT_UPPER), Term::pid(pid), Term::atom(atom::NOPROC)]);
        notify_self(p, msg);
        Ok(Term::atom(atom::TRUE))
    } else {
        Err(Exception::error(Term::atom(atom::NOPROC)))
    }
}

fn unlink(p: &mut Process, a: &[Term]) -> BifResult {
    let pid = pid_arg(a[0])?;
    if p.links.contains(&pid) {
        p.links.retain(|&l| l != pid);
        p.vm.clone().signal_quiet(pid, Signal::Unlink { from: p.pid });
    }
    Ok(Term::atom(atom::TRUE))
}

fn monitor(p: &mut Process, a: &[Term]) -> BifResult {
    monitor_with(p, a, None)
}

/// `monitor(process, P, Options)`: `{alias, Mode}` makes the monitor's
/// reference an alias too (`alias.rs`), the last one given winning as in OTP.
fn monitor3(p: &mut Process, a: &[Term]) -> BifResult {
    let mut alias = None;
    let mut t = a[2];
    while let Some((h, tl)) = t.as_cons() {
        t = tl;
        let Some(e) = h.as_tuple().filter(|e| e.len() == 2 && e[0].is_atom_eq(atom::atom("alias"))) else {
            return Err(Exception::badarg());
        };
        alias = Some(match &*e[1].as_atom().ok_or_else(Exception::badarg)?.name() {
            "explicit_unalias" => AliasMode::ExplicitUnalias,
            "demonitor" => AliasMode::Demonitor,
            "reply_demonitor" => AliasMode::ReplyDemonitor,
            _ => return Err(Exception::badarg()),
        });
    }
    if !t.is_nil() {
        return Err(Exception::badarg());
    }
    monitor_with(p, a, alias)
}

fn monitor_with(p: &mut Process, a: &[Term], alias: Option<AliasMode>) -> BifResult {
    if !a[0].is_atom_eq(atom::PROCESS) {
        return Err(Exception::badarg());
    }
    let r = p.vm.make_ref_id();
    let rt = p.heap.reference(r);
    if let Some(mode) = alias {
        if !(a[1].is_pid() || a[1].is_atom() || a[1].is_tuple()) {
            return Err(Exception::badarg());
        }
        aliases::activate(p, r, mode);
    }
    let mut by_name = None;
    let target = if let Some(pid) = a[1].as_pid() {
        Some(pid)
    } else if let Some(name) = a[1].as_atom().or_else(|| a[1].as_tuple().filter(|t| t.len() == 2).and_then(|t| t[0].as_atom())) {
        by_name = Some(name);
        match p.vm.registry.whereis(name) {
            Some(pid) => Some(pid),
            None => {
                // OTP: 'DOWN' with {Name, Node} and noproc.
                let node = Term::atom(atom::atom("nonode@nohost"));
                let who = p.heap.tuple(&[Term::atom(name), node]);
                let down = p.heap.tuple(&[Term::atom(atom::DOWN), rt, Term::atom(atom::PROCESS), who, Term::atom(atom::NOPROC)]);
                let m = Payload::copy_of(down);
                p.mailbox.queue.push_back(Message { term: m.term, fragment: Some(m.fragment), counted: false });
                aliases::monitor_ended(p, r);
                return Ok(rt);
            }
        }
    } else {
        if alias.is_some() {
            aliases::deactivate(p, r);
        }
        return Err(Exception::badarg());
    };
    let pid = target.unwrap_or(0);
    if pid == p.pid {
        return Ok(rt);
    }
    p.monitors.push((r, pid));
    p.vm.clone().signal(pid, Signal::Monitor { from: p.pid, reference: r, name: by_name });
    Ok(rt)
}

fn demonitor_ref(p: &mut Process, r: Term, flush: bool) -> Result<bool, Exception> {
    if !r.is_ref() {
        return Err(Exception::badarg());
    }
    let id = r.word(1);
    // A 'DOWN' already on its way ends the monitor: take pending signals
    // first so `[info]` reports whether the monitor was still active.
    if let Some(reason) = crate::inbox::take_signals(p) {
        p.pending_exit = Some(reason);
        p.budget = 0;
    }
    let found = p.monitors.iter().position(|&(x, _)| x == id);
    if let Some(i) = found {
        let (_, target) = p.monitors.remove(i);
        p.vm.clone().signal_quiet(target, Signal::Demonitor { reference: id });
        aliases::monitor_ended(p, id);
    }
    if flush {
        // Drop 'DOWN' messages for this monitor.
        crate::inbox::drop_messages(p, |m| {
            m.term.as_tuple().map(|t| t.len() == 5 && t[0].is_atom_eq(atom::DOWN) && t[1].is_ref() && t[1].word(1) == id).unwrap_or(false)
        });
    }
    Ok(found.is_some())
}

fn alias0(p: &mut Process, _a: &[Term]) -> BifResult {
    make_alias(p, AliasMode::ExplicitUnalias)
}

/// `alias(Options)`: `[explicit_unalias]` (the default) or `[reply]`.
fn alias1(p: &mut Process, a: &[Term]) -> BifResult {
    let mut mode = AliasMode::ExplicitUnalias;
    let mut t = a[0];
    while let Some((h, tl)) = t.as_cons() {
        t = tl;
        match &*h.as_atom().ok_or_else(Exception::badarg)?.name() {
            "explicit_unalias" => mode = AliasMode::ExplicitUnalias,
            "reply" => mode = AliasMode::Reply,
            _ => return Err(Exception::badarg()),
        }
    }
    if !t.is_nil() {
        return Err(Exception::badarg());
    }
    make_alias(p, mode)
}

fn make_alias(p: &mut Process, mode: AliasMode) -> BifResult {
    let r = p.vm.make_ref_id();
    aliases::activate(p, r, mode);
    Ok(p.heap.reference(r))
}

fn unalias(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_ref() {
        return Err(Exception::badarg());
    }
    Ok(Term::bool(aliases::deactivate(p, a[0].word(1))))
}

fn demonitor1(p: &mut Process, a: &[Term]) -> BifResult {
    demonitor_ref(p, a[0], false)?;
    Ok(Term::atom(atom::TRUE))
}

fn demonitor2(p: &mut Process, a: &[Term]) -> BifResult {
    let mut flush = false;
    let mut info = false;
    let mut t = a[1];
    while let Some((h, tl)) = t.as_cons() {
        t = tl;
        match &*h.as_atom().ok_or_else(Exception::badarg)?.name() {
            "flush" => flush = true,
            "info" => info = true,
            _ => return Err(Exception::badarg()),
        }
    }
    let found = demonitor_ref(p, a[0], flush)?;
    Ok(Term::bool(!info || found))
}

fn exit2(p: &mut Process, a: &[Term]) -> BifResult {
    let pid = pid_arg(a[0])?;
    let reason = a[1];
    if pid == p.pid {
        // A signal to oneself takes effect now (before the next instruction
        // that could notice it, the slice ends).
        let is_kill = reason.is_atom_eq(atom::KILL);
        if is_kill {
            p.pending_exit = Some(Term::atom(atom::KILLED));
        } else if p.trap_exit {
            let msg = p.heap.tuple(&[Term::atom(atom::EXIT_UPPER), Term::pid(p.pid), reason]);
            notify_self(p, msg);
        } else {
            p.pending_exit = Some(reason);
        }
        if p.pending_exit.is_some() {
            p.budget = 0;
        }
        return Ok(Term::atom(atom::TRUE));
    }
    p.vm.clone().signal_quiet(pid, Signal::Exit { from: p.pid, reason: Payload::copy_of(reason), linked: false });
    Ok(Term::atom(atom::TRUE))
}

fn process_flag(p: &mut Process, a: &[Term]) -> BifResult {
    let flag = a[0].as_atom().ok_or_else(Exception::badarg)?;
    match &*flag.name() {
        "trap_exit" => {
            let v = a[1].as_bool().ok_or_else(Exception::badarg)?;
            let old = p.trap_exit;
            p.trap_exit = v;
            Ok(Term::bool(old))
        }
        "max_heap_size" => {
            let new = MaxHeapSize::from_term(a[1]).ok_or_else(Exception::badarg)?;
            let old = p.max_heap();
            // Checked from the next collection or stack growth on, as OTP
            // checks it at its next collection.
            p.set_max_heap(new);
            Ok(old.to_term(&mut p.heap))
        }
        "priority" => {
            let v = a[1].as_atom().filter(|v| matches!(&*v.name(), "low" | "normal" | "high" | "max")).ok_or_else(Exception::badarg)?;
            let old = p.priority;
            p.priority = v;
            Ok(Term::atom(old))
        }
        "message_queue_data" => Ok(Term::atom(atom::atom("on_heap"))),
        "max_queue" => {
            let max = max_queue_value(a[1])?;
            Ok(max_queue_term(crate::inbox::set_max_queue(p, max)))
        }
        _ => Err(Exception::badarg()),
    }
}

// ---- names ----

fn register(p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().filter(|&n| n != atom::UNDEFINED).ok_or_else(Exception::badarg)?;
    let pid = pid_arg(a[1])?;
    if !alive(p, pid) || p.vm.registry.name_of(pid).is_some() || !p.vm.registry.register(name, pid) {
        return Err(Exception::badarg());
    }
    Ok(Term::atom(atom::TRUE))
}

fn unregister(p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().ok_or_else(Exception::badarg)?;
    p.vm.registry.unregister(name).ok_or_else(Exception::badarg)?;
    Ok(Term::atom(atom::TRUE))
}

fn whereis(p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().ok_or_else(Exception::badarg)?;
    Ok(p.vm.registry.whereis(name).map(Term::pid).unwrap_or(Term::atom(atom::UNDEFINED)))
}

fn registered(p: &mut Process, _a: &[Term]) -> BifResult {
    let names: Vec<Term> = p.vm.registry.registered().into_iter().map(Term::atom).collect();
    Ok(p.heap.list(&names))
}

fn is_process_alive(p: &mut Process, a: &[Term]) -> BifResult {
    let pid = pid_arg(a[0])?;
    Ok(Term::bool(alive(p, pid)))
}

fn processes(p: &mut Process, _a: &[Term]) -> BifResult {
    let pids: Vec<Term> = p.vm.registry.pids().into_iter().map(Term::pid).collect();
    Ok(p.heap.list(&pids))
}

// ---- process_info ----

const INFO_ITEMS: &[&str] = &[
    "current_function",
    "initial_call",
    "status",
    "message_queue_len",
    "links",
    "dictionary",
    "trap_exit",
    "error_handler",
    "priority",
    "group_leader",
    "total_heap_size",
    "heap_size",
    "stack_size",
    "reductions",
    "garbage_collection",
    "suspending",
];

fn process_info1(p: &mut Process, a: &[Term]) -> BifResult {
    let items: Vec<Term> = INFO_ITEMS.iter().map(|n| Term::atom(atom::atom(n))).collect();
    let list = p.heap.list(&items);
    info_list(p, a[0], list, true)
}

fn process_info2(p: &mut Process, a: &[Term]) -> BifResult {
    if a[1].is_atom() {
        let one = p.heap.list(&[a[1]]);
        let r = info_list(p, a[0], one, false)?;
        return Ok(match r.as_cons() {
            Some((h, _)) => h,
            None => r,
        });
    }
    info_list(p, a[0], a[1], false)
}

/// The `{Item, Value}` list for `pid`, or `undefined` when it is dead.
fn info_list(p: &mut Process, pid_t: Term, items: Term, _all: bool) -> BifResult {
    let pid = pid_arg(pid_t)?;
    let mut names = Vec::new();
    let mut t = items;
    while let Some((h, tl)) = t.as_cons() {
        names.push(h.as_atom().ok_or_else(Exception::badarg)?);
        t = tl;
    }
    if !t.is_nil() {
        return Err(Exception::badarg());
    }
    let mut out = Vec::new();
    if pid == p.pid {
        // As for another process below: the signals that came in before the
        // call are handled first, so `message_queue_len` and `messages`
        // count the messages already sent to it (OTP does the same). An exit
        // signal among them ends the slice, and the process dies.
        if let Some(reason) = crate::inbox::take_signals(p) {
            p.pending_exit = Some(reason);
            p.budget = 0;
        }
        let snap = Snapshot::of(p, true);
        for n in names {
            out.push(info_item(p, &snap, n)?);
        }
        return Ok(p.heap.list(&out));
    }
    let Some(h) = p.vm.registry.get(pid) else { return Ok(Term::atom(atom::UNDEFINED)) };
    let status = h.state.load(Ordering::Acquire);
    // The other process is usually waiting; if it is running, wait a little
    // for its slice to end (never forever: two processes asking about each
    // other must not deadlock).
    let mut body = None;
    for _ in 0..200 {
        if let Some(b) = h.body.try_lock() {
            body = Some(b);
            break;
        }
        std::thread::sleep(Duration::from_micros(50));
    }
    let Some(mut body) = body else { return Ok(Term::atom(atom::UNDEFINED)) };
    let Some(other) = body.as_mut() else { return Ok(Term::atom(atom::UNDEFINED)) };
    // OTP orders process_info after the signals the caller sent before it:
    // move the target's pending signals in first (it is not running: we
    // hold its lock). An exit signal among them must still take effect, so
    // the target is woken to die.
    if crate::inbox::take_signals(other).is_some() && h.wake() {
        let h2 = h.clone();
        p.vm.sched().schedule(h2, false);
    }
    let _ = status;
    let snap = Snapshot::of(other, false);
    let mut vals = Vec::new();
    for n in names {
        // Terms of the other process are copied into ours before its lock
        // is released (the snapshot still points into its heap).
        vals.push(info_item(p, &snap, n)?);
    }
    drop(body);
    Ok(p.heap.list(&vals))
}

/// What `process_info` reports about a process, read before building terms.
struct Snapshot {
    me: bool,
    pid: u64,
    messages: Vec<Term>,
    max_queue: Option<usize>,
    links: Vec<u64>,
    monitors: Vec<(u64, u64)>,
    monitored_by: Vec<(u64, u64, Option<Atom>)>,
    state: Option<u8>,
    priority: Atom,
    heap_words: usize,
    stack_words: usize,
    reductions: u64,
    trap_exit: bool,
    pdict: Vec<Term>,
    initial_call: (Atom, Atom, u32),
    pos: Option<crate::interp::Pos>,
    max_heap: MaxHeapSize,
}

impl Snapshot {
    fn of(q: &Process, me: bool) -> Snapshot {
        Snapshot {
            me,
            pid: q.pid,
            messages: q.mailbox.queue.iter().map(|m| m.term).collect(),
            max_queue: q.handle.as_ref().and_then(|h| h.max_queue()),
            links: q.links.clone(),
            monitors: q.monitors.clone(),
            monitored_by: q.monitored_by.clone(),
            priority: q.priority,
            state: q.handle.as_ref().map(|h| h.state.load(Ordering::Acquire)),
            heap_words: q.heap.size_words(),
            stack_words: q.regs.len(),
            reductions: q.reductions,
            trap_exit: q.trap_exit,
            pdict: q.pdict.clone(),
            initial_call: q.initial_call,
            pos: q.pos,
            max_heap: q.max_heap(),
        }
    }
}

/// One `{Item, Value}` pair about the process `q` describes, built on `p`'s heap.
fn info_item(p: &mut Process, q: &Snapshot, item: Atom) -> BifResult {
    let key = Term::atom(item);
    let me = q.me;
    let copy = |p: &mut Process, t: Term| if me { t } else { crate::copy::copy_to_heap(&mut p.heap, t) };
    let value = match &*item.name() {
        "message_queue_len" => Term::small(q.messages.len() as i64),
        "max_queue" => max_queue_term(q.max_queue),
        "messages" => {
            let mut copied = Vec::new();
            for &m in &q.messages {
                // Queued messages live in fragments: always copy.
                copied.push(crate::copy::copy_to_heap(&mut p.heap, m));
            }
            p.heap.list(&copied)
        }
        "links" => {
            let mut l: Vec<Term> = q.links.iter().map(|&x| Term::pid(x)).collect();
            l.sort_by_key(|t| t.as_pid());
            p.heap.list(&l)
        }
        "monitors" => {
            let mut l = Vec::new();
            for &(_, pid) in &q.monitors {
                l.push(p.heap.tuple(&[Term::atom(atom::PROCESS), Term::pid(pid)]));
            }
            p.heap.list(&l)
        }
        "monitored_by" => {
            let l: Vec<Term> = q.monitored_by.iter().map(|&(_, x, _)| Term::pid(x)).collect();
            p.heap.list(&l)
        }
        "status" => {
            let s = if me {
                "running"
            } else {
                match q.state {
                    Some(RUNNING) | Some(NOTIFIED) => "running",
                    Some(RUNNABLE) => "runnable",
                    Some(WAITING) => "waiting",
                    _ => "exiting",
                }
            };
            Term::atom(atom::atom(s))
        }
        "registered_name" => match p.vm.registry.name_of(q.pid) {
            Some(n) => Term::atom(n),
            None => return Ok(Term::NIL),
        },
        "heap_size" | "total_heap_size" => Term::small(q.heap_words as i64),
        "stack_size" => Term::small(q.stack_words as i64),
        "memory" => Term::small((q.heap_words * 8 + q.stack_words * 8 + std::mem::size_of::<Process>()) as i64),
        "reductions" => Term::small(q.reductions as i64),
        "trap_exit" => Term::bool(q.trap_exit),
        "priority" => Term::atom(q.priority),
        "error_handler" => Term::atom(atom::atom("error_handler")),
        "group_leader" => Term::pid(GROUP_LEADER),
        "suspending" | "garbage_collection" => Term::NIL,
        "dictionary" => {
            let mut pairs = Vec::new();
            for kv in q.pdict.chunks(2) {
                let (k, v) = (copy(p, kv[0]), copy(p, kv[1]));
                pairs.push(p.heap.tuple(&[k, v]));
            }
            p.heap.list(&pairs)
        }
        "initial_call" => {
            let (m, f, a) = q.initial_call;
            p.heap.tuple(&[Term::atom(m), Term::atom(f), Term::small(a as i64)])
        }
        "current_function" => match q.pos {
            Some(pos) if !me => {
                let c = pos.code();
                p.heap.tuple(&[Term::atom(pos.module.name), Term::atom(c.display_name), Term::small(c.arity as i64)])
            }
            _ => {
                let (m, f, a) = q.initial_call;
                p.heap.tuple(&[Term::atom(m), Term::atom(f), Term::small(a as i64)])
            }
        },
        "max_heap_size" => q.max_heap.to_term(&mut p.heap),
        _ => return Err(Exception::badarg()),
    };
    Ok(p.heap.tuple(&[key, value]))
}

// ---- timers ----

fn timer_dest(t: Term) -> Result<Dest, Exception> {
    if let Some(pid) = t.as_pid() {
        Ok(Dest::Pid(pid))
    } else if let Some(a) = t.as_atom() {
        Ok(Dest::Name(a))
    } else {
        Err(Exception::badarg())
    }
}

fn timer_ms(t: Term) -> Result<u64, Exception> {
    match t.as_small() {
        Some(n) if n >= 0 => Ok(n as u64),
        _ => Err(Exception::badarg()),
    }
}

fn start(p: &mut Process, time: Term, dest: Term, msg: Term, wrap: bool) -> BifResult {
    let ms = timer_ms(time)?;
    let to = timer_dest(dest)?;
    let id = p.vm.make_ref_id();
    let rt = p.heap.reference(id);
    let m = if wrap { p.heap.tuple(&[Term::atom(atom::TIMEOUT), rt, msg]) } else { msg };
    let vm = p.vm.clone();
    vm.timers.start(&vm, id, Duration::from_millis(ms), TimerAction::Send { to, msg: Payload::copy_of(m) });
    Ok(rt)
}

fn send_after(p: &mut Process, a: &[Term]) -> BifResult {
    start(p, a[0], a[1], a[2], false)
}
fn start_timer(p: &mut Process, a: &[Term]) -> BifResult {
    start(p, a[0], a[1], a[2], true)
}
/// `[{abs, true}]` makes the time an absolute monotonic time in ms.
fn timer_time(a: &[Term]) -> Result<Term, Exception> {
    let mut abs = false;
    let mut t = a[3];
    while let Some((h, tl)) = t.as_cons() {
        t = tl;
        match h.as_tuple().filter(|e| e.len() == 2 && e[0].is_atom_eq(atom::atom("abs"))) {
            Some(e) => abs = e[1].is_atom_eq(atom::TRUE),
            None => return Err(Exception::badarg()),
        }
    }
    if !abs {
        return Ok(a[0]);
    }
    let at = a[0].as_small().ok_or_else(Exception::badarg)?;
    let now_ms = super::erlang::monotonic_ns().div_euclid(1_000_000);
    Ok(Term::small((at - now_ms).max(0)))
}

fn send_after4(p: &mut Process, a: &[Term]) -> BifResult {
    let t = timer_time(a)?;
    start(p, t, a[1], a[2], false)
}
fn start_timer4(p: &mut Process, a: &[Term]) -> BifResult {
    let t = timer_time(a)?;
    start(p, t, a[1], a[2], true)
}

fn timer_id(t: Term) -> Result<u64, Exception> {
    if t.is_ref() {
        Ok(t.word(1))
    } else {
        Err(Exception::badarg())
    }
}

fn cancel_timer(p: &mut Process, a: &[Term]) -> BifResult {
    let id = timer_id(a[0])?;
    Ok(match p.vm.timers.cancel(id) {
        Some(ms) => Term::small(ms as i64),
        None => Term::atom(atom::FALSE),
    })
}
fn cancel_timer2(p: &mut Process, a: &[Term]) -> BifResult {
    let r = cancel_timer(p, a)?;
    // {async, true} would send a message instead; {info, false} returns ok.
    let mut info = true;
    let mut t = a[1];
    while let Some((h, tl)) = t.as_cons() {
        t = tl;
        if let Some(e) = h.as_tuple().filter(|e| e.len() == 2) {
            if e[0].is_atom_eq(atom::atom("info")) {
                info = e[1].is_atom_eq(atom::TRUE);
            }
        }
    }
    Ok(if info { r } else { Term::atom(atom::OK) })
}
fn read_timer(p: &mut Process, a: &[Term]) -> BifResult {
    let id = timer_id(a[0])?;
    Ok(match p.vm.timers.read(id) {
        Some(ms) => Term::small(ms as i64),
        None => Term::atom(atom::FALSE),
    })
}
fn read_timer2(p: &mut Process, a: &[Term]) -> BifResult {
    read_timer(p, &a[..1])
}

// ---- misc ----

fn yield_(p: &mut Process, _a: &[Term]) -> BifResult {
    p.budget = 0;
    Ok(Term::atom(atom::TRUE))
}

/// The pid `group_leader/0` reports: Act has one output for all processes.
const GROUP_LEADER: u64 = 64;

fn group_leader(_p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(Term::pid(GROUP_LEADER))
}

fn halt_status(t: Term) -> Result<i32, Exception> {
    if let Some(n) = t.as_small() {
        if n >= 0 {
            return Ok((n & 0xff) as i32);
        }
    }
    if t.is_atom_eq(atom::atom("abort")) {
        return Ok(134);
    }
    if t.is_list() {
        // halt("message"): print it on stderr and exit 1.
        if let Some(s) = crate::list::chardata_to_string(t) {
            eprintln!("{s}");
        }
        return Ok(1);
    }
    Err(Exception::badarg())
}

fn halt0(p: &mut Process, _a: &[Term]) -> BifResult {
    p.vm.halt_program(0)
}
fn halt1(p: &mut Process, a: &[Term]) -> BifResult {
    let status = halt_status(a[0])?;
    p.vm.halt_program(status)
}

fn garbage_collect(p: &mut Process, _a: &[Term]) -> BifResult {
    // BIFs must not collect (their caller may hold terms); ask for a
    // collection at the next safe point instead.
    p.heap.request_gc();
    Ok(Term::atom(atom::TRUE))
}
