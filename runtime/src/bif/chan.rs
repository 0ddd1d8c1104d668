//! The `chan` module: channel BIFs over `crate::chan`.
//!
//! Every operation that may block (send, recv, select, with or without a
//! timeout) is one engine, `operate`, over a list of cases: `send` and
//! `recv` are selects of one case. A blocked operation keeps its
//! `chan::Pending` in `Process::extras` and returns `Exception::wait()`;
//! when the BIF runs again (after a `Signal::Wake` or its timer's
//! `Signal::Timeout`) it reads the outcome from there instead of starting
//! over, so a value is sent at most once.

use super::BifDef;
use crate::atom;
use crate::chan::{self, Cell, Chan, ElemType, Outcome, Pending, Refused, Taken, Wakes};
use crate::exception::{BifResult, Exception};
use crate::process::Process;
use crate::signal::Payload;
use crate::term::Term;
use std::time::Duration;

pub const BIFS: &[BifDef] = &[
    ("chan", "new", 0, new0),
    ("chan", "new", 1, new1),
    ("chan", "new", 2, new2),
    ("chan", "send", 2, send2),
    ("chan", "send", 3, send3),
    ("chan", "recv", 1, recv1),
    ("chan", "recv", 2, recv2),
    ("chan", "try_send", 2, try_send),
    ("chan", "try_recv", 1, try_recv),
    ("chan", "close", 1, close),
    ("chan", "len", 1, len),
    ("chan", "cap", 1, cap),
    ("chan", "is_chan", 1, is_chan),
    ("chan", "select", 1, select1),
    ("chan", "select", 2, select2),
    ("chan", "$checked", 1, checked),
];

fn chan_arg<'a>(t: Term) -> Result<&'a Chan, Exception> {
    chan::of_term(t).ok_or_else(Exception::badarg)
}

fn new_chan(p: &mut Process, cap: Term, ty: Term) -> BifResult {
    let cap = cap.as_small().filter(|&n| n >= 0).ok_or_else(Exception::badarg)? as usize;
    let c = if ty.is_function() && super::types::fun_arity(p, ty) == Some(1) {
        Chan::with_pred(cap, ElemType::Any, Some(Payload::copy_of(ty)))
    } else {
        let ty = ty.as_atom().and_then(|a| ElemType::from_name(&a.name())).ok_or_else(Exception::badarg)?;
        Chan::new(cap, ty)
    };
    Ok(p.heap.chan(c))
}

fn new0(p: &mut Process, _a: &[Term]) -> BifResult {
    new_chan(p, Term::small(0), Term::atom(atom::atom("any")))
}
fn new1(p: &mut Process, a: &[Term]) -> BifResult {
    new_chan(p, a[0], Term::atom(atom::atom("any")))
}
fn new2(p: &mut Process, a: &[Term]) -> BifResult {
    new_chan(p, a[0], a[1])
}

/// How long an operation may wait.
#[derive(Clone, Copy, PartialEq)]
enum Timeout {
    Never,
    Ms(u64),
}

fn timeout_arg(t: Term) -> Result<Timeout, Exception> {
    if t.is_atom_eq(atom::INFINITY) {
        return Ok(Timeout::Never);
    }
    match t.as_small() {
        Some(n) if n >= 0 => Ok(Timeout::Ms(n as u64)),
        _ => Err(Exception::badarg()),
    }
}

/// One case of an operation. The channel is borrowed from the argument
/// term (alive in a register for the whole BIF call); only an operation
/// that blocks takes strong references, for its `Pending`.
struct Case<'a> {
    chan_term: Term,
    chan: &'a Chan,
    /// The value, for a send case.
    send: Option<Term>,
}

enum Done {
    Sent(usize),
    Received(usize, Term),
    Closed(usize),
    Timeout,
}

/// Runs (or resumes) a channel operation over `cases`.
fn operate(p: &mut Process, cases: &[Case], timeout: Timeout) -> Result<Done, Exception> {
    if let Some(mut pending) = p.extras.as_mut().and_then(|c| c.chan_wait.take()) {
        let timed_out = p.timed_out;
        return match pending.cell.take(timed_out) {
            Outcome::Pending if !timed_out => {
                // Woken for something else (a message): keep waiting.
                p.extras().chan_wait = Some(pending);
                Err(Exception::wait())
            }
            o => {
                pending.settled = pending.first.is_some() && pending.rest.is_empty() && !matches!(o, Outcome::Pending | Outcome::Cancelled);
                p.extras().chan_cell = Some(pending.cell.clone());
                drop(pending);
                stop_timer(p);
                Ok(resolve(p, o))
            }
        };
    }
    let mut by_fun = false;
    for c in cases {
        if let Some(v) = c.send {
            if c.chan.ty != ElemType::Any && !c.chan.ty.admits(v) {
                return Err(badtype(p, Term::atom(atom::atom(c.chan.ty.name())), v));
            }
            by_fun |= c.chan.pred.is_some();
        }
    }
    if by_fun {
        check_predicates(p, cases)?;
    }
    match cases {
        [one] => operate_one(p, one, timeout),
        _ => operate_many(p, cases, timeout),
    }
}

/// A send or receive (or a select of one case): one lock, no allocation
/// unless it blocks. The value is copied before the lock is taken, so the
/// lock is held only for queue operations.
fn operate_one(p: &mut Process, case: &Case, timeout: Timeout) -> Result<Done, Exception> {
    let chan = case.chan;
    let me = p.pid;
    let mut wakes = Wakes::default();
    let value = case.send.map(Payload::copy_of);
    let mut g = chan.lock();
    let (done, value) = match value {
        Some(v) => match g.try_send(chan.cap, me, v, &mut wakes) {
            Ok(()) => (Some(Done::Sent(0)), None),
            Err(Refused::Closed(_)) => (Some(Done::Closed(0)), None),
            Err(Refused::Full(v)) => (None, Some(v)),
        },
        None => match g.try_recv(me, &mut wakes) {
            Taken::Value(v) => {
                drop(g);
                wakes.wake(&p.vm);
                attach(p, v.fragment);
                return Ok(Done::Received(0, v.term));
            }
            Taken::Closed => (Some(Done::Closed(0)), None),
            Taken::Empty => (None, None),
        },
    };
    if let Some(d) = done {
        drop(g);
        wakes.wake(&p.vm);
        return Ok(d);
    }
    if timeout == Timeout::Ms(0) {
        drop(g);
        wakes.wake(&p.vm);
        return Ok(Done::Timeout);
    }
    let cell = Cell::for_process(&mut p.extras.get_or_insert_with(Default::default).chan_cell, me, p.handle.as_ref());
    match value {
        Some(v) => g.wait_send(&cell, 0, v),
        None => g.wait_recv(&cell, 0),
    }
    drop(g);
    wakes.wake(&p.vm);
    let arc = chan::arc_of_term(case.chan_term).expect("a channel term");
    block(p, Pending { cell, first: Some((arc, case.send.is_some())), rest: Vec::new(), settled: false }, timeout)
}

/// A select over several cases.
fn operate_many(p: &mut Process, cases: &[Case], timeout: Timeout) -> Result<Done, Exception> {
    let mut values: Vec<Option<Payload>> = cases.iter().map(|c| c.send.map(Payload::copy_of)).collect();
    // Invariant 2 of `chan`: lock every channel (ascending id, each once).
    let mut order: Vec<usize> = (0..cases.len()).collect();
    order.sort_by_key(|&i| cases[i].chan.id);
    order.dedup_by_key(|i| cases[*i].chan.id);
    let mut guards: Vec<(u64, parking_lot::MutexGuard<'_, chan::State>)> =
        order.iter().map(|&i| (cases[i].chan.id, cases[i].chan.lock())).collect();
    // Try the cases in a uniformly random order: the first ready one in
    // that order is a uniform choice among the ready ones.
    let mut try_order: Vec<usize> = (0..cases.len()).collect();
    for i in (1..try_order.len()).rev() {
        try_order.swap(i, chan::random(i + 1));
    }
    let me = p.pid;
    let mut wakes = Wakes::default();
    let mut done = None;
    for &i in &try_order {
        let c = &cases[i];
        let k = slot(&guards, c.chan.id);
        let g = &mut guards[k].1;
        if let Some(v) = values[i].take() {
            match g.try_send(c.chan.cap, me, v, &mut wakes) {
                Ok(()) => done = Some(Done::Sent(i)),
                Err(Refused::Full(v)) => values[i] = Some(v),
                Err(Refused::Closed(_)) => done = Some(Done::Closed(i)),
            }
        } else {
            match g.try_recv(me, &mut wakes) {
                Taken::Value(v) => {
                    attach(p, v.fragment);
                    done = Some(Done::Received(i, v.term));
                }
                Taken::Closed => done = Some(Done::Closed(i)),
                Taken::Empty => {}
            }
        }
        if done.is_some() {
            break;
        }
    }
    if done.is_none() && timeout == Timeout::Ms(0) {
        done = Some(Done::Timeout);
    }
    if let Some(d) = done {
        drop(guards);
        wakes.wake(&p.vm);
        return Ok(d);
    }
    // Nothing ready: wait on every case.
    let cell = Cell::for_process(&mut p.extras.get_or_insert_with(Default::default).chan_cell, me, p.handle.as_ref());
    for (i, c) in cases.iter().enumerate() {
        let k = slot(&guards, c.chan.id);
        let g = &mut guards[k].1;
        match values[i].take() {
            Some(v) => g.wait_send(&cell, i, v),
            None => g.wait_recv(&cell, i),
        }
    }
    drop(guards);
    wakes.wake(&p.vm);
    let mut held = cases.iter().map(|c| (chan::arc_of_term(c.chan_term).expect("a channel term"), c.send.is_some()));
    let first = held.next();
    block(p, Pending { cell, first, rest: held.collect(), settled: false }, timeout)
}

/// Makes a received value's memory part of the heap. An immediate (a
/// small integer, an atom) has an empty fragment: skipping it saves the
/// call (~60 instructions per value on chan_buffered, callgrind).
#[inline]
fn attach(p: &mut Process, f: crate::heap::Fragment) {
    if !(f.words.is_empty() && f.off_heap.is_empty()) {
        p.heap.attach(f);
    }
}

/// The operation's waiters are registered: keep its `Pending` and wait.
fn block(p: &mut Process, pending: Pending, timeout: Timeout) -> Result<Done, Exception> {
    p.extras().chan_wait = Some(pending);
    if let Timeout::Ms(ms) = timeout {
        // As `receive ... after`: the timer's Signal::Timeout sets `timed_out`.
        p.timed_out = false;
        let id = p.vm.make_ref_id();
        p.wait_timer = Some(id);
        let vm = p.vm.clone();
        vm.timers.start(&vm, id, Duration::from_millis(ms), crate::timer::TimerAction::Timeout { pid: p.pid, seq: id });
    }
    Err(Exception::wait())
}

fn badtype(p: &mut Process, ty: Term, v: Term) -> Exception {
    Exception::error(p.heap.tuple(&[Term::atom(atom::atom("badtype")), ty, v]))
}

/// The predicates of channels typed by a fun, for the values `cases` send
/// on them. A BIF cannot run Act code, so the first run hands the list
/// `[{Pred, V}]` to `chan:'$check'/1` (stdlib/chan.act), which the
/// interpreter runs in this process before running the BIF again
/// (`Process::call_first`); `'$check'` leaves its verdict in
/// `Extras::chan_checked`, and the rerun finds it here. The alternative,
/// `chan:send` as an Act wrapper around a BIF, would cost every send on
/// every channel a call and a type lookup; this costs only typed sends.
fn check_predicates(p: &mut Process, cases: &[Case]) -> Result<(), Exception> {
    let typed: Vec<&Case> = cases.iter().filter(|c| c.send.is_some() && c.chan.pred.is_some()).collect();
    match p.extras.as_mut().and_then(|c| c.chan_checked.take()) {
        Some(-1) => Ok(()),
        Some(i) if (0..typed.len() as i64).contains(&i) => {
            let c = typed[i as usize];
            let f = c.chan.pred_on(&mut p.heap).expect("typed by a fun");
            Err(badtype(p, f, c.send.expect("a send case")))
        }
        _ => {
            let pairs: Vec<Term> = typed
                .iter()
                .map(|c| {
                    let f = c.chan.pred_on(&mut p.heap).expect("typed by a fun");
                    p.heap.tuple(&[f, c.send.expect("a send case")])
                })
                .collect();
            let list = p.heap.list(&pairs);
            p.call_first = Some(Box::new((atom::atom("chan"), atom::atom("$check"), list)));
            Err(Exception::wait())
        }
    }
}

/// `chan:'$checked'(N)`: what `chan:'$check'/1` found (the index of the
/// first refused value, or -1), for the send that asked.
fn checked(p: &mut Process, a: &[Term]) -> BifResult {
    p.extras().chan_checked = Some(a[0].as_small().ok_or_else(Exception::badarg)?);
    Ok(Term::atom(atom::OK))
}

/// Which of the held locks is channel `id`'s.
fn slot<G>(guards: &[(u64, G)], id: u64) -> usize {
    guards.iter().position(|(g, _)| *g == id).expect("every channel is locked")
}

fn stop_timer(p: &mut Process) {
    if let Some(t) = p.wait_timer.take() {
        p.vm.timers.cancel(t);
    }
    p.timed_out = false;
}

fn resolve(p: &mut Process, o: Outcome) -> Done {
    match o {
        Outcome::Sent(i) => Done::Sent(i),
        Outcome::Received(i, v) => {
            attach(p, v.fragment);
            Done::Received(i, v.term)
        }
        Outcome::Closed(i) => Done::Closed(i),
        Outcome::Pending | Outcome::Cancelled => Done::Timeout,
    }
}

fn one<'a>(chan_term: Term, send: Option<Term>) -> Result<[Case<'a>; 1], Exception> {
    Ok([Case { chan_term, chan: chan_arg(chan_term)?, send }])
}

fn closed_error() -> Exception {
    Exception::error(Term::atom(atom::atom("closed")))
}

fn sent(d: Done) -> BifResult {
    match d {
        Done::Sent(_) => Ok(Term::atom(atom::OK)),
        Done::Closed(_) => Err(closed_error()),
        _ => Ok(Term::atom(atom::TIMEOUT)),
    }
}

fn received(p: &mut Process, d: Done) -> BifResult {
    Ok(match d {
        Done::Received(_, v) => p.heap.tuple(&[Term::atom(atom::OK), v]),
        Done::Closed(_) => Term::atom(atom::atom("closed")),
        _ => Term::atom(atom::TIMEOUT),
    })
}

fn send2(p: &mut Process, a: &[Term]) -> BifResult {
    let cases = one(a[0], Some(a[1]))?;
    sent(operate(p, &cases, Timeout::Never)?)
}
fn send3(p: &mut Process, a: &[Term]) -> BifResult {
    let cases = one(a[0], Some(a[1]))?;
    let t = timeout_arg(a[2])?;
    sent(operate(p, &cases, t)?)
}
fn recv1(p: &mut Process, a: &[Term]) -> BifResult {
    let cases = one(a[0], None)?;
    let d = operate(p, &cases, Timeout::Never)?;
    received(p, d)
}
fn recv2(p: &mut Process, a: &[Term]) -> BifResult {
    let cases = one(a[0], None)?;
    let t = timeout_arg(a[1])?;
    let d = operate(p, &cases, t)?;
    received(p, d)
}
fn try_send(p: &mut Process, a: &[Term]) -> BifResult {
    let cases = one(a[0], Some(a[1]))?;
    Ok(Term::atom(match operate(p, &cases, Timeout::Ms(0))? {
        Done::Sent(_) => atom::OK,
        Done::Closed(_) => atom::atom("closed"),
        _ => atom::atom("full"),
    }))
}
fn try_recv(p: &mut Process, a: &[Term]) -> BifResult {
    let cases = one(a[0], None)?;
    match operate(p, &cases, Timeout::Ms(0))? {
        Done::Timeout => Ok(Term::atom(atom::atom("empty"))),
        d => received(p, d),
    }
}

fn close(p: &mut Process, a: &[Term]) -> BifResult {
    let c = chan_arg(a[0])?;
    let mut wakes = Wakes::default();
    let first = c.lock().close(&mut wakes);
    wakes.wake(&p.vm);
    if first {
        Ok(Term::atom(atom::OK))
    } else {
        Err(closed_error())
    }
}

fn len(_p: &mut Process, a: &[Term]) -> BifResult {
    let c = chan::of_term(a[0]).ok_or_else(Exception::badarg)?;
    Ok(Term::small(c.lock().len() as i64))
}
fn cap(_p: &mut Process, a: &[Term]) -> BifResult {
    let c = chan::of_term(a[0]).ok_or_else(Exception::badarg)?;
    Ok(Term::small(c.cap as i64))
}
fn is_chan(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(chan::of_term(a[0]).is_some()))
}

/// `[{recv, C} | {send, C, V}]`.
fn select_cases<'a>(list: Term) -> Result<Vec<Case<'a>>, Exception> {
    let mut cases = Vec::new();
    let mut t = list;
    while let Some((h, tl)) = t.as_cons() {
        t = tl;
        let e = h.as_tuple().ok_or_else(Exception::badarg)?;
        match e {
            [k, c] if k.is_atom_eq(atom::atom("recv")) => cases.push(Case { chan_term: *c, chan: chan_arg(*c)?, send: None }),
            [k, c, v] if k.is_atom_eq(atom::atom("send")) => cases.push(Case { chan_term: *c, chan: chan_arg(*c)?, send: Some(*v) }),
            _ => return Err(Exception::badarg()),
        }
    }
    if !t.is_nil() {
        return Err(Exception::badarg());
    }
    Ok(cases)
}

fn selected(p: &mut Process, cases: &[Case], d: Done) -> BifResult {
    let recv = Term::atom(atom::atom("recv"));
    Ok(match d {
        Done::Sent(i) => p.heap.tuple(&[Term::atom(atom::atom("sent")), cases[i].chan_term]),
        Done::Received(i, v) => {
            let ok = p.heap.tuple(&[Term::atom(atom::OK), v]);
            p.heap.tuple(&[recv, cases[i].chan_term, ok])
        }
        Done::Closed(i) if cases[i].send.is_some() => return Err(closed_error()),
        Done::Closed(i) => p.heap.tuple(&[recv, cases[i].chan_term, Term::atom(atom::atom("closed"))]),
        Done::Timeout => Term::atom(atom::TIMEOUT),
    })
}

fn select1(p: &mut Process, a: &[Term]) -> BifResult {
    let cases = select_cases(a[0])?;
    let d = operate(p, &cases, Timeout::Never)?;
    selected(p, &cases, d)
}
fn select2(p: &mut Process, a: &[Term]) -> BifResult {
    let cases = select_cases(a[0])?;
    let t = timeout_arg(a[1])?;
    let d = operate(p, &cases, t)?;
    selected(p, &cases, d)
}
