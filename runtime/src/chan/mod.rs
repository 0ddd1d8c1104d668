//! Channels: typed, optionally buffered queues shared by any number of
//! processes (`chan:new/0..2`, the BIFs in `bif/chan.rs`).
//!
//! A channel lives off-heap behind an `Arc`; each heap object of subtag
//! `Chan` holds one strong count (like a refc binary, see `offheap.rs`), so
//! a channel term can be sent in messages and stored anywhere. Values wait
//! in the channel as copied fragments (`signal::Payload`) and are attached
//! to the receiver's heap when taken.
//!
//! # Waiting
//! A process that cannot complete an operation registers a *waiter* on every
//! channel its operation names (one for `send`/`recv`, one per case for
//! `select`). All the waiters of one blocked operation share one `Cell`: the
//! first channel event that moves the cell from `Pending` to an outcome wins,
//! and every other waiter of that cell is dead from then on (dropped when a
//! channel meets it, or removed by `Pending`'s cleanup). The process then
//! returns `Exception::wait()`, and its BIF is run again after a
//! `Signal::Wake`; the rerun finds the outcome in the cell (kept in
//! `Extras::chan_wait`), so a value is never sent twice.
//!
//! # Invariants (all under the channel's lock)
//! 1. Receivers wait only while the buffer is empty and no sender waits;
//!    senders wait only while the buffer is full (cap 0: always) and no
//!    receiver waits. So a send first hands its value straight to the oldest
//!    live waiting receiver, and a receive first takes from the buffer and
//!    then refills it from the oldest waiting sender: waiters are served FIFO.
//! 2. A blocking operation checks its cases and registers its waiters while
//!    holding the locks of *all* its channels (taken in channel-id order, so
//!    two selects cannot deadlock), so no event can slip in between "not
//!    ready" and "registered"; and nobody can complete its cell before it is
//!    fully registered.
//! 3. Lock order: channel locks (ascending id), then at most one `Cell` lock.
//!    A process cancelling its own cell (timeout) takes only the cell lock.

use crate::signal::{Payload, ProcessHandle};
use crate::term::{Subtag, Term};
use crate::vm::Vm;
use parking_lot::{Mutex, MutexGuard};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Channel numbers, as printed (`#Chan<N>`); VM-wide, never reused.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The element type of a typed channel (`chan:new(Cap, Type)`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ElemType {
    Any,
    Integer,
    Float,
    Number,
    Atom,
    Boolean,
    Binary,
    List,
    Tuple,
    Map,
    Pid,
    Reference,
    Function,
}

impl ElemType {
    pub const ALL: &'static [(&'static str, ElemType)] = &[
        ("any", ElemType::Any),
        ("integer", ElemType::Integer),
        ("float", ElemType::Float),
        ("number", ElemType::Number),
        ("atom", ElemType::Atom),
        ("boolean", ElemType::Boolean),
        ("binary", ElemType::Binary),
        ("list", ElemType::List),
        ("tuple", ElemType::Tuple),
        ("map", ElemType::Map),
        ("pid", ElemType::Pid),
        ("reference", ElemType::Reference),
        ("function", ElemType::Function),
    ];

    pub fn from_name(name: &str) -> Option<ElemType> {
        ElemType::ALL.iter().find(|(n, _)| *n == name).map(|&(_, t)| t)
    }

    pub fn name(self) -> &'static str {
        ElemType::ALL.iter().find(|(_, t)| *t == self).map(|&(n, _)| n).unwrap_or("any")
    }

    pub fn admits(self, v: Term) -> bool {
        use crate::interp::type_test;
        use crate::opcode::TypeTest as T;
        match self {
            ElemType::Any => true,
            ElemType::Integer => type_test(T::Integer, v),
            ElemType::Float => type_test(T::Float, v),
            ElemType::Number => type_test(T::Number, v),
            ElemType::Atom => type_test(T::Atom, v),
            ElemType::Boolean => type_test(T::Boolean, v),
            ElemType::Binary => type_test(T::Binary, v),
            ElemType::List => type_test(T::List, v),
            ElemType::Tuple => type_test(T::Tuple, v),
            ElemType::Map => type_test(T::Map, v),
            ElemType::Pid => type_test(T::Pid, v),
            ElemType::Reference => type_test(T::Reference, v),
            ElemType::Function => type_test(T::Function, v),
        }
    }
}

pub struct Chan {
    pub id: u64,
    /// Buffer capacity; 0 = rendezvous (a send completes only when a
    /// receiver has taken the value).
    pub cap: usize,
    pub ty: ElemType,
    /// `chan:new(Cap, Fun)`: the 1-arity predicate every sent value must
    /// pass (`ty` is then `Any`), kept as a copied fragment. It is Act code,
    /// so the BIFs cannot run it: a send asks the interpreter to run
    /// `chan:'$check'/1` in the sending process first (`bif/chan.rs`). The
    /// mutex only makes the fragment shareable; it is read, never changed.
    pub pred: Option<Mutex<Payload>>,
    state: Mutex<State>,
}

#[derive(Default)]
pub struct State {
    buf: VecDeque<Payload>,
    closed: bool,
    senders: VecDeque<SendWaiter>,
    receivers: VecDeque<RecvWaiter>,
}

struct SendWaiter {
    cell: Arc<Cell>,
    case: usize,
    value: Payload,
}

struct RecvWaiter {
    cell: Arc<Cell>,
    case: usize,
}

/// How a blocked operation ended; `usize` is the index of the case that
/// completed (0 for plain send/recv).
pub enum Outcome {
    Pending,
    Sent(usize),
    Received(usize, Payload),
    Closed(usize),
    /// Given up by its owner (timeout, or the process died).
    Cancelled,
}

/// The shared fate of one blocked operation (see the module doc).
pub struct Cell {
    pub pid: u64,
    /// The blocked process, woken directly (`Wakes::wake`); `None` only in
    /// unit tests, which have no processes.
    handle: Option<Arc<ProcessHandle>>,
    outcome: Mutex<Outcome>,
}

impl Cell {
    pub fn new(pid: u64, handle: Option<Arc<ProcessHandle>>) -> Arc<Cell> {
        Arc::new(Cell { pid, handle, outcome: Mutex::new(Outcome::Pending) })
    }

    /// A pending cell for process `p`'s next blocking operation: the one
    /// its last operation used when nothing else holds it any more (the
    /// peer that completed it has dropped its waiter and its wake), else a
    /// new one. `Arc::get_mut` proves nobody else can see the reuse.
    /// Saves an allocation and a free per blocking operation (chan_pingpong
    /// under callgrind: ~250 instructions per round trip).
    pub fn for_process(spare: &mut Option<Arc<Cell>>, pid: u64, handle: Option<&Arc<ProcessHandle>>) -> Arc<Cell> {
        if let Some(mut c) = spare.take() {
            if let Some(cell) = Arc::get_mut(&mut c) {
                *cell.outcome.get_mut() = Outcome::Pending;
                return c;
            }
        }
        Cell::new(pid, handle.cloned())
    }

    /// Moves a pending cell to `o`; gives `o` back when the cell is
    /// already decided.
    fn complete(&self, o: Outcome) -> Result<(), Outcome> {
        let mut g = self.outcome.lock();
        if matches!(*g, Outcome::Pending) {
            *g = o;
            Ok(())
        } else {
            Err(o)
        }
    }

    fn is_pending(&self) -> bool {
        matches!(*self.outcome.lock(), Outcome::Pending)
    }

    /// Takes the outcome, leaving `Cancelled` (so a late completion fails).
    /// `cancel`: a still pending cell is cancelled and reported `Pending`;
    /// otherwise a pending cell stays pending.
    pub fn take(&self, cancel: bool) -> Outcome {
        let mut g = self.outcome.lock();
        if matches!(*g, Outcome::Pending) && !cancel {
            return Outcome::Pending;
        }
        std::mem::replace(&mut *g, Outcome::Cancelled)
    }
}

/// Why a non-blocking send did not happen.
pub enum Refused {
    Full(Payload),
    Closed(Payload),
}

pub enum Taken {
    Value(Payload),
    Empty,
    Closed,
}

/// The blocked operations completed under a channel lock, whose processes
/// are woken once the locks are released. A send or receive completes at
/// most one peer, so the first needs no allocation; `close` may wake many.
/// `rest` is an `Option` so that dropping the usual empty `Wakes` is a
/// test, not a call to `Vec`'s drop (~20 instructions per operation on
/// chan_buffered, callgrind).
#[derive(Default)]
pub struct Wakes {
    first: Option<Arc<Cell>>,
    rest: Option<Vec<Arc<Cell>>>,
}

impl Wakes {
    fn push(&mut self, c: Arc<Cell>) {
        match self.first {
            None => self.first = Some(c),
            Some(_) => self.rest.get_or_insert_with(Vec::new).push(c),
        }
    }

    pub fn pids(&self) -> Vec<u64> {
        self.first.iter().chain(self.rest.iter().flatten()).map(|c| c.pid).collect()
    }

    /// Wakes each process: its cell already holds the outcome, so a state
    /// change is all it needs (`ProcessHandle::wake`, steps 2-3; no inbox
    /// signal: a process that is still running sees NOTIFIED and runs
    /// again). A woken process goes to this worker's runnext slot, so a
    /// rendezvous pair keeps handing the core to each other. Measured on
    /// chan_pingpong (callgrind, 1 scheduler): the registry lookup and
    /// the inbox signal of `Vm::signal_quiet` were ~700 of the ~8,800
    /// instructions per round trip.
    #[inline]
    pub fn wake(self, vm: &Arc<Vm>) {
        // Most operations wake nobody (a buffered send or receive with no
        // peer waiting): return before building any iterator.
        let Some(first) = self.first else { return };
        wake_one(vm, first);
        if let Some(rest) = self.rest {
            for c in rest {
                wake_one(vm, c);
            }
        }
    }
}

fn wake_one(vm: &Arc<Vm>, c: Arc<Cell>) {
    match &c.handle {
        Some(h) => {
            if h.wake() {
                vm.sched().schedule(h.clone(), true);
            }
        }
        None => vm.signal_quiet(c.pid, crate::signal::Signal::Wake),
    }
}

impl Chan {
    pub fn new(cap: usize, ty: ElemType) -> Arc<Chan> {
        Chan::with_pred(cap, ty, None)
    }

    pub fn with_pred(cap: usize, ty: ElemType, pred: Option<Payload>) -> Arc<Chan> {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Arc::new(Chan { id, cap, ty, pred: pred.map(Mutex::new), state: Mutex::new(State::default()) })
    }

    /// The predicate of a channel typed by a fun, copied onto `heap`.
    pub fn pred_on(&self, heap: &mut crate::heap::Heap) -> Option<Term> {
        self.pred.as_ref().map(|m| crate::copy::copy_to_heap(heap, m.lock().term))
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock()
    }
}

/// Removes waiter `i`, which is nearly always the oldest: `VecDeque::remove`
/// shifts elements even at index 0 (measured: ~40 instructions per take
/// on chan_pingpong), `pop_front` does not.
fn take_at<T>(q: &mut VecDeque<T>, i: usize) -> T {
    if i == 0 { q.pop_front() } else { q.remove(i) }.expect("index checked")
}

impl State {
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// A send that does not wait (invariant 1). `me`: the sender, whose own
    /// waiters (a select sending and receiving on one channel) are skipped.
    pub fn try_send(&mut self, cap: usize, me: u64, v: Payload, wakes: &mut Wakes) -> Result<(), Refused> {
        if self.closed {
            return Err(Refused::Closed(v));
        }
        let mut v = v;
        let mut i = 0;
        while i < self.receivers.len() {
            if self.receivers[i].cell.pid == me {
                i += 1;
                continue;
            }
            let r = take_at(&mut self.receivers, i);
            match r.cell.complete(Outcome::Received(r.case, v)) {
                Ok(()) => {
                    wakes.push(r.cell);
                    return Ok(());
                }
                // A dead waiter: drop it and try the next.
                Err(Outcome::Received(_, back)) => v = back,
                Err(_) => unreachable!("complete gives back what it was given"),
            }
        }
        if self.buf.len() < cap {
            self.buf.push_back(v);
            return Ok(());
        }
        Err(Refused::Full(v))
    }

    /// Takes the oldest live waiting sender's value, completing its cell.
    fn take_sender(&mut self, me: u64, wakes: &mut Wakes) -> Option<Payload> {
        let mut i = 0;
        while i < self.senders.len() {
            if self.senders[i].cell.pid == me {
                i += 1;
                continue;
            }
            let s = take_at(&mut self.senders, i);
            if s.cell.complete(Outcome::Sent(s.case)).is_ok() {
                wakes.push(s.cell);
                return Some(s.value);
            }
        }
        None
    }

    /// A receive that does not wait (invariant 1).
    pub fn try_recv(&mut self, me: u64, wakes: &mut Wakes) -> Taken {
        if let Some(v) = self.buf.pop_front() {
            if let Some(w) = self.take_sender(me, wakes) {
                self.buf.push_back(w);
            }
            return Taken::Value(v);
        }
        if let Some(w) = self.take_sender(me, wakes) {
            return Taken::Value(w);
        }
        if self.closed {
            Taken::Closed
        } else {
            Taken::Empty
        }
    }

    pub fn wait_send(&mut self, cell: &Arc<Cell>, case: usize, value: Payload) {
        self.senders.push_back(SendWaiter { cell: cell.clone(), case, value });
    }

    pub fn wait_recv(&mut self, cell: &Arc<Cell>, case: usize) {
        self.receivers.push_back(RecvWaiter { cell: cell.clone(), case });
    }

    /// Removes every waiter of `cell` (and any other dead waiter met).
    pub fn forget(&mut self, cell: &Arc<Cell>) {
        self.senders.retain(|w| !Arc::ptr_eq(&w.cell, cell) && w.cell.is_pending());
        self.receivers.retain(|w| !Arc::ptr_eq(&w.cell, cell) && w.cell.is_pending());
    }

    /// `chan:close/1`. False when already closed. Waiting receivers get
    /// `closed` (the buffer is empty when they wait); waiting senders get
    /// `error(closed)`: their values are never delivered.
    pub fn close(&mut self, wakes: &mut Wakes) -> bool {
        if self.closed {
            return false;
        }
        self.closed = true;
        for r in self.receivers.drain(..) {
            if r.cell.complete(Outcome::Closed(r.case)).is_ok() {
                wakes.push(r.cell);
            }
        }
        for s in self.senders.drain(..) {
            if s.cell.complete(Outcome::Closed(s.case)).is_ok() {
                wakes.push(s.cell);
            }
        }
        true
    }

    /// What waits here, for the deadlock report: (senders, receivers) alive.
    pub fn waiting(&self) -> (usize, usize) {
        (self.senders.iter().filter(|w| w.cell.is_pending()).count(), self.receivers.iter().filter(|w| w.cell.is_pending()).count())
    }
}


// ---- terms ----

/// The channel a `Chan` term points to, if `t` is one. The reference
/// borrows the count held by the heap object (valid as long as `t` is).
pub fn of_term<'a>(t: Term) -> Option<&'a Chan> {
    if t.is_subtag(Subtag::Chan) {
        // SAFETY: word 1 of a Chan object came from Arc::into_raw and the
        // object holds a strong count for as long as it is alive.
        Some(unsafe { &*(t.word(1) as *const Chan) })
    } else {
        None
    }
}

/// A new strong reference to the channel behind `t`.
pub fn arc_of_term(t: Term) -> Option<Arc<Chan>> {
    if t.is_subtag(Subtag::Chan) {
        let p = t.word(1) as *const Chan;
        // SAFETY: as in `of_term`; the increment gives the new Arc its own count.
        unsafe {
            Arc::increment_strong_count(p);
            Some(Arc::from_raw(p))
        }
    } else {
        None
    }
}

/// The channel number of a `Chan` term (printing, ordering, hashing).
pub fn id_of(t: Term) -> u64 {
    of_term(t).map(|c| c.id).unwrap_or(0)
}

impl crate::heap::Heap {
    /// A term for `c` (takes one strong count, listed in the off-heap list).
    pub fn chan(&mut self, c: Arc<Chan>) -> Term {
        let raw = Arc::into_raw(c) as u64;
        let t = self.boxed_words(Subtag::Chan, &[raw]);
        self.add_off_heap(t);
        t
    }
}

/// A blocked channel operation of a process (`Extras::chan_wait`): its
/// cell and the channels it has waiters on. Dropping it (the operation
/// ended, or the process died) cancels the cell and removes the waiters,
/// unless `settled`.
pub struct Pending {
    pub cell: Arc<Cell>,
    /// Per case: the channel and whether the case sends; a plain send or
    /// receive has only `first` (no allocation), `select([])` none at all.
    pub first: Option<(Arc<Chan>, bool)>,
    pub rest: Vec<(Arc<Chan>, bool)>,
    /// A peer completed this single-case operation, and in doing so took
    /// its only waiter off the channel (`try_send`, `take_sender` and
    /// `close` remove the waiter they complete): nothing is left to clean
    /// up. A select's other cases still have waiters, so it is never set
    /// for more than one case.
    pub settled: bool,
}

impl Pending {
    /// `send on #Chan<3>` / `receive on #Chan<3>` / a select's list.
    pub fn cases(&self) -> impl Iterator<Item = &(Arc<Chan>, bool)> {
        self.first.iter().chain(self.rest.iter())
    }

    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .cases()
            .map(|(c, send)| format!("{} on #Chan<{}>", if *send { "send" } else { "receive" }, c.id))
            .collect();
        if parts.is_empty() {
            "waiting in select with no cases".to_string()
        } else if parts.len() == 1 {
            format!("waiting to {}", parts[0])
        } else {
            format!("waiting in select to {}", parts.join(" or "))
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let _ = self.cell.complete(Outcome::Cancelled);
        let mut seen: Vec<u64> = Vec::new();
        for (c, _) in self.cases() {
            if !seen.contains(&c.id) {
                seen.push(c.id);
                c.lock().forget(&self.cell);
            }
        }
    }
}

/// A cheap per-thread random number (select's choice among ready cases):
/// xorshift64*, seeded from the thread's address and the clock.
pub fn random(bound: usize) -> usize {
    use std::cell::Cell as C;
    thread_local! {
        static STATE: C<u64> = C::new({
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1);
            let x = 0u8;
            (t ^ (&x as *const u8 as u64).rotate_left(32)) | 1
        });
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound as u64) as usize
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(n: i64) -> Payload {
        Payload::copy_of(Term::small(n))
    }

    fn value(t: Taken) -> Option<i64> {
        match t {
            Taken::Value(p) => p.term.as_small(),
            _ => None,
        }
    }

    #[test]
    fn buffered_fifo_then_waiting_senders_in_order() {
        let c = Chan::new(2, ElemType::Any);
        let mut s = c.lock();
        let mut wakes = Wakes::default();
        assert!(s.try_send(c.cap, 1, val(1), &mut wakes).is_ok());
        assert!(s.try_send(c.cap, 1, val(2), &mut wakes).is_ok());
        assert!(matches!(s.try_send(c.cap, 1, val(3), &mut wakes), Err(Refused::Full(_))));
        let (a, b) = (Cell::new(10, None), Cell::new(11, None));
        s.wait_send(&a, 0, val(3));
        s.wait_send(&b, 0, val(4));
        let got: Vec<_> = (0..4).map(|_| value(s.try_recv(99, &mut wakes))).collect();
        assert_eq!(got, vec![Some(1), Some(2), Some(3), Some(4)]);
        assert_eq!(wakes.pids(), vec![10, 11]);
        assert!(matches!(a.take(false), Outcome::Sent(0)));
        assert!(matches!(s.try_recv(99, &mut wakes), Taken::Empty));
    }

    #[test]
    fn a_cancelled_receiver_is_never_handed_a_value() {
        let c = Chan::new(0, ElemType::Any);
        let mut s = c.lock();
        let mut wakes = Wakes::default();
        let (gone, live) = (Cell::new(10, None), Cell::new(11, None));
        s.wait_recv(&gone, 0);
        s.wait_recv(&live, 0);
        assert!(matches!(gone.take(true), Outcome::Pending)); // timed out
        assert!(s.try_send(0, 1, val(7), &mut wakes).is_ok());
        assert_eq!(wakes.pids(), vec![11]);
        assert!(matches!(live.take(false), Outcome::Received(0, p) if p.term == Term::small(7)));
        // Rendezvous with nobody waiting: the sender must wait.
        assert!(matches!(s.try_send(0, 1, val(8), &mut wakes), Err(Refused::Full(_))));
    }

    #[test]
    fn close_wakes_receivers_and_fails_senders() {
        let c = Chan::new(0, ElemType::Any);
        let mut wakes = Wakes::default();
        let (r, w) = (Cell::new(10, None), Cell::new(11, None));
        c.lock().wait_recv(&r, 0);
        let d = Chan::new(0, ElemType::Any);
        d.lock().wait_send(&w, 1, val(1));
        assert!(c.lock().close(&mut wakes));
        assert!(d.lock().close(&mut wakes));
        assert!(!c.lock().close(&mut wakes));
        assert!(matches!(r.take(false), Outcome::Closed(0)));
        assert!(matches!(w.take(false), Outcome::Closed(1)));
        assert!(matches!(c.lock().try_recv(1, &mut wakes), Taken::Closed));
        assert!(matches!(c.lock().try_send(0, 1, val(2), &mut wakes), Err(Refused::Closed(_))));
    }

    #[test]
    fn a_select_does_not_meet_itself() {
        let c = Chan::new(0, ElemType::Any);
        let mut s = c.lock();
        let mut wakes = Wakes::default();
        let me = Cell::new(5, None);
        s.wait_recv(&me, 0);
        assert!(matches!(s.try_send(0, 5, val(1), &mut wakes), Err(Refused::Full(_))));
        assert!(me.is_pending());
    }
}
