//! The interpreter loop: runs one process's bytecode until it returns from
//! its first function, raises past its last handler, or must wait.
//!
//! Dispatch arms stay thin: they decode operands, call a function named by
//! domain (`number::arith`, `calls::enter`, `bits::get`...) and store the
//! result. The hot small-integer cases of `Arith` and `TestCompare` are
//! inlined here because `fib` spends most of its time in them.
//!
//! Safe points (where the heap may be collected) are function entries: every
//! call and tail call checks `heap.needs_gc()`. Nothing but registers and
//! the process dictionary may hold heap terms across one.
//!
//! Reductions: one per call, tail call and fun call, and one per message
//! examined by a receive, as in BEAM. The budget per time slice lives with
//! the scheduler; this sequential loop only counts.

mod bits;
mod calls;
mod raise;
pub mod verify;

use crate::atom;
use crate::exception::{Class, Exception};
use crate::module::{FunctionCode, Module};
use crate::opcode::{ArithOp, CmpOp, Label, Op, TypeTest};
use crate::process::{Frame, Handler, Mailbox, Process, MAX_RECEIVE_MARKS};
use crate::term::Term;
use crate::exit::ExitInfo;
use crate::vm::{ProgramEnd, Vm};
use std::sync::Arc;

pub use raise::{describe_exception, trace_entries, StackEntry};

/// Where execution is: module, function, instruction.
#[derive(Clone, Copy)]
pub struct Pos {
    pub module: &'static Module,
    pub func: u32,
    pub pc: u32,
}

impl Pos {
    #[inline]
    pub fn code(&self) -> &'static FunctionCode {
        &self.module.functions[self.func as usize]
    }
}

/// How a time slice ended.
pub enum SliceEnd {
    /// The budget ran out; run again later.
    Yield,
    /// Blocked in a receive; run again when a signal arrives.
    Wait,
    /// The process is done.
    Exit(ExitInfo),
}

/// What `execute` stopped for.
enum Flow {
    Returned,
    Raised(Raised),
    Wait,
    Yield,
    Killed(Term),
}

/// Runs `module:main/1` (or `main/0`) with `args` as a list of strings in a
/// fresh process on `schedulers` scheduler threads, and waits for the
/// program to end.
pub fn run_main(vm: &Arc<Vm>, module: atom::Atom, args: &[String], schedulers: usize) -> Result<ProgramEnd, String> {
    let (mi, _) = vm.module(module)?.ok_or_else(|| format!("module {} not found", module.name()))?;
    let m = vm.module_ref(mi);
    let main = atom::MAIN;
    let (func, arity) = match m.function(main, 1) {
        Some(f) => (f, 1),
        None => match m.function(main, 0) {
            Some(f) => (f, 0),
            None => return Err(format!("{} has no function main/1", m.file)),
        },
    };
    crate::spawn::boot_module(vm);
    let sched = crate::scheduler::Scheduler::new(schedulers);
    let _ = vm.scheduler.set(sched.clone());
    let pid = vm.make_pid();
    let mut p = Box::new(Process::new(vm.clone(), pid));
    if arity == 1 {
        let strs: Vec<Term> = args
            .iter()
            .map(|a| {
                let chars: Vec<Term> = a.chars().map(|c| Term::small(c as i64)).collect();
                p.heap.list(&chars)
            })
            .collect();
        let list = p.heap.list(&strs);
        p.regs.push(list);
    }
    p.initial_call = (m.name, main, arity);
    let pos = Pos { module: m, func, pc: 0 };
    p.regs.resize(pos.code().frame_size.max(arity) as usize, Term::NIL);
    p.pos = Some(pos);
    vm.set_main_pid(pid);
    crate::spawn::install(vm, p).map_err(|_| "cannot create the main process".to_string())?;
    crate::scheduler::Scheduler::start_threads(&sched, vm);
    let end = vm.wait_end();
    vm.flush();
    Ok(end)
}

/// Runs one time slice of `p`.
pub fn run_slice(p: &mut Process) -> SliceEnd {
    if let Some(reason) = crate::inbox::take_signals(p) {
        return SliceEnd::Exit(ExitInfo { reason, exception: None, internal_error: None });
    }
    let Some(pos) = p.pos.take() else {
        return SliceEnd::Exit(ExitInfo { reason: Term::atom(atom::NORMAL), exception: None, internal_error: None });
    };
    match execute(p, pos) {
        Flow::Returned => {
            // `return_to_caller` left the value in the window's first
            // register; kept for embedders (`Vm::main_result`). Once per
            // program, so writing it out costs nothing measurable.
            if p.vm.main_pid() == Some(p.pid) {
                let mut text = String::new();
                crate::format::write_term(&mut text, p.regs[p.base], None);
                p.vm.set_main_result(text);
            }
            SliceEnd::Exit(ExitInfo { reason: Term::atom(atom::NORMAL), exception: None, internal_error: None })
        }
        Flow::Raised(r) => {
            let reason = match r.exc.class {
                Class::Exit => r.exc.reason,
                Class::Error => p.heap.tuple(&[r.exc.reason, r.trace]),
                Class::Throw => {
                    let nocatch = p.heap.tuple(&[Term::atom(atom::NOCATCH), r.exc.reason]);
                    p.heap.tuple(&[nocatch, r.trace])
                }
            };
            SliceEnd::Exit(ExitInfo { reason, exception: Some((r.exc.class, r.exc.reason, r.trace)), internal_error: None })
        }
        Flow::Wait => SliceEnd::Wait,
        Flow::Yield => SliceEnd::Yield,
        Flow::Killed(reason) => SliceEnd::Exit(ExitInfo { reason, exception: None, internal_error: None }),
    }
}

/// An exception with the stack trace term built when it was raised.
pub(crate) struct Raised {
    pub exc: Exception,
    pub trace: Term,
}

/// The current frame's registers, `R[0]` first.
#[inline(always)]
fn frame_ptr(p: &mut Process) -> *mut Term {
    // SAFETY: `p.base <= p.regs.len()` (the window of the running function
    // lies inside the register stack), so the offset stays in the buffer.
    unsafe { p.regs.as_mut_ptr().add(p.base) }
}

/// The main loop: runs until the process returns from its first function,
/// raises past its last handler, must wait, or has used its budget.
///
/// Registers and instructions are read without bounds checks. What makes
/// that sound:
/// - `fp` points at `R[0]` of the running function, and the register stack
///   holds at least `frame_size` registers from there: `calls::enter`,
///   `calls::return_to_caller` and `raise::unwind_with_trace` size the
///   window so, and the prologue below sizes a process's first window.
/// - The verifier (`verify.rs`) proved every register operand
///   `< frame_size`, every label inside the code, and that no instruction
///   falls off the end; a return address is the instruction after a call,
///   which therefore exists.
/// - `fp` is recomputed whenever `p.regs` may have moved or `p.base`
///   changed: after every call, return and unwind (`reload!`), and after
///   every arm that does not end in an explicit `continue` (the line after
///   the `match`). Arms that `continue` touch only registers and the heap.
fn execute(p: &mut Process, mut pos: Pos) -> Flow {
    let mut code: &'static [Op] = &pos.code().code;
    let mut pc = pos.pc as usize;
    let first_top = p.base + pos.code().frame_size as usize;
    if p.regs.len() < first_top {
        p.regs.resize(first_top, Term::NIL);
    }
    let mut fp = frame_ptr(p);
    // R[r] of the current frame, read and written unchecked: see above.
    macro_rules! get {
        ($r:expr) => {{
            let r = $r as usize;
            debug_assert!(p.base + r < p.regs.len());
            // SAFETY: `r < frame_size` (verified at load) and the window
            // holds `frame_size` registers from `fp` (see `execute`).
            unsafe { *fp.add(r) }
        }};
    }
    macro_rules! set {
        ($r:expr, $v:expr) => {{
            let v: Term = $v;
            let r = $r as usize;
            debug_assert!(p.base + r < p.regs.len());
            // SAFETY: as for `get!`.
            unsafe { *fp.add(r) = v }
        }};
    }
    loop {
        // Borrow the instruction and copy out only the operands the arm
        // binds: `let op = code[pc]` copied all 32 bytes of every `Op`
        // first (fib(30) under callgrind: 440M of 1,359M instructions).
        debug_assert!(pc < code.len());
        // SAFETY: `pc` is 0, a verified label, a return address or the
        // successor of an instruction that falls through: all `< code.len()`.
        let op: &Op = unsafe { code.get_unchecked(pc) };
        pc += 1;
        // After `pos` or the register window changed: reload code, pc and fp.
        macro_rules! reload {
            () => {{
                code = &pos.code().code;
                pc = pos.pc as usize;
                fp = frame_ptr(p);
            }};
        }
        // `fail!(e)` raises `e` from the current instruction: unwinds to the
        // innermost handler or returns it to the caller of `execute`.
        macro_rules! fail {
            ($e:expr) => {{
                let exc: Exception = $e;
                pos.pc = (pc - 1) as u32;
                if exc.is_wait() {
                    if let Some(call) = p.call_first.take() {
                        // A BIF asked for Act code to run first (see
                        // `calls::call_first`); an undefined callee raises.
                        match calls::call_first(p, pos, *call) {
                            Ok(new) => {
                                pos = new;
                                reload!();
                                continue;
                            }
                            Err(e) => match raise::unwind(p, &mut pos, e) {
                                Ok(()) => {
                                    reload!();
                                    continue;
                                }
                                Err(r) => return Flow::Raised(r),
                            },
                        }
                    }
                    // A BIF reached through a remote call or apply blocked:
                    // the call instruction runs again when woken.
                    p.pos = Some(pos);
                    return Flow::Wait;
                }
                match raise::unwind(p, &mut pos, exc) {
                    Ok(()) => {
                        reload!();
                        continue;
                    }
                    Err(r) => return Flow::Raised(r),
                }
            }};
        }
        macro_rules! try_ {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => fail!(e),
                }
            };
        }
        // After a call changes `pos`: function entries are where a used-up
        // budget ends the slice.
        macro_rules! jump_to_pos {
            () => {{
                if p.budget <= 0 {
                    p.pos = Some(pos);
                    return Flow::Yield;
                }
                reload!();
                continue;
            }};
        }
        // What a call instruction does next: continue after a BIF, enter
        // the called code, or (a BIF in tail position) return its value.
        macro_rules! follow {
            ($next:expr, $base:expr) => {
                match $next {
                    calls::Next::Continue => {}
                    calls::Next::Enter(new) => {
                        pos = new;
                        jump_to_pos!();
                    }
                    calls::Next::Return => {
                        let v = p.regs[p.base + $base as usize];
                        match calls::return_to_caller(p, &mut pos, v) {
                            Some(()) => jump_to_pos!(),
                            None => return Flow::Returned,
                        }
                    }
                }
            };
        }
        match *op {
            Op::Move { dst, src } => {
                set!(dst, get!(src));
                continue;
            }
            Op::LoadConst { dst, value } => {
                set!(dst, value);
                continue;
            }

            Op::Arith { op, dst, a, b } => {
                let (x, y) = (get!(a), get!(b));
                if let Some(r) = small_add_sub(op, x, y.as_small()) {
                    set!(dst, r);
                    continue;
                }
                let r = try_!(crate::number::arith(&mut p.heap, op, x, y));
                set!(dst, r);
                continue;
            }
            Op::ArithImm { op, dst, a, imm } => {
                let x = get!(a);
                if let Some(r) = small_add_sub(op, x, Some(imm)) {
                    set!(dst, r);
                    continue;
                }
                let r = try_!(crate::number::arith(&mut p.heap, op, x, Term::small(imm)));
                set!(dst, r);
                continue;
            }
            Op::Negate { dst, src, neg } => {
                let x = get!(src);
                let r = if neg {
                    try_!(crate::number::negate(&mut p.heap, x))
                } else if x.is_number() {
                    x
                } else {
                    fail!(Exception::badarith())
                };
                set!(dst, r);
            }
            Op::Bnot { dst, src } => {
                let r = try_!(crate::number::bnot(&mut p.heap, get!(src)));
                set!(dst, r);
            }
            Op::Compare { op, dst, a, b } => {
                set!(dst, Term::bool(compare(op, get!(a), get!(b))));
                continue;
            }
            Op::TestCompare { op, a, b, fail } => {
                if !compare(op, get!(a), get!(b)) {
                    pc = fail.at();
                }
                continue;
            }
            Op::TestType { test, src, fail } => {
                if !type_test(test, get!(src)) {
                    pc = fail.at();
                }
                continue;
            }
            Op::TestTuple { src, arity, fail } => {
                let t = get!(src);
                if !(t.is_tuple() && crate::term::header_size(t.header()) == arity as usize) {
                    pc = fail.at();
                }
                continue;
            }
            Op::TestConst { src, value, fail } => {
                if !matches_literal(get!(src), value) {
                    pc = fail.at();
                }
                continue;
            }
            Op::TestImm { src, value, fail } => {
                if get!(src) != value {
                    pc = fail.at();
                }
                continue;
            }
            Op::TestTrue { src, fail } => {
                if !get!(src).is_atom_eq(atom::TRUE) {
                    pc = fail.at();
                }
                continue;
            }
            Op::GetElement { dst, src, idx } => {
                set!(dst, Term(get!(src).word(1 + idx as usize)));
                continue;
            }
            Op::GetList { hd, tl, src } => {
                let t = get!(src);
                set!(hd, t.head());
                set!(tl, t.tail());
                continue;
            }
            Op::MapGet { dst, map, key, fail } => {
                let m = get!(map);
                match if m.is_map() { crate::map::map_get(m, get!(key)) } else { None } {
                    Some(v) => set!(dst, v),
                    None => pc = fail.at(),
                }
            }

            Op::Jump { target } => {
                pc = target.at();
                continue;
            }
            Op::JumpIfTrue { src, target } => {
                if get!(src).is_atom_eq(atom::TRUE) {
                    pc = target.at();
                }
                continue;
            }
            Op::JumpIfFalse { src, target } => {
                if get!(src).is_atom_eq(atom::FALSE) {
                    pc = target.at();
                }
                continue;
            }

            Op::MakeTuple { dst, base, n } => {
                let s = p.base + base as usize;
                let t = p.heap.tuple(&p.regs[s..s + n as usize]);
                set!(dst, t);
            }
            Op::MakeCons { dst, hd, tl } => {
                let t = p.heap.cons(get!(hd), get!(tl));
                set!(dst, t);
            }
            Op::MakeFun { dst, lambda, base, n } => {
                let s = p.base + base as usize;
                let code_word = ((pos.module.index as u64) << 32) | lambda as u64;
                let t = p.heap.closure(code_word, &p.regs[s..s + n as usize]);
                set!(dst, t);
            }
            Op::MakeExport { dst, m, f, a } => {
                let (mt, ft, at) = (get!(m), get!(f), get!(a));
                match (mt.is_atom(), ft.is_atom(), at.as_small()) {
                    (true, true, Some(n)) if (0..=255).contains(&n) => {
                        let t = p.heap.export_fun(mt, ft, n as usize);
                        set!(dst, t);
                    }
                    _ => fail!(Exception::badarg()),
                }
            }
            Op::MakeMap { dst, base, n } => {
                let s = p.base + base as usize;
                let mut pairs: Vec<(Term, Term)> =
                    (0..n as usize).map(|i| (p.regs[s + 2 * i], p.regs[s + 2 * i + 1])).collect();
                let t = p.heap.map_from_pairs(&mut pairs);
                set!(dst, t);
            }
            Op::MapPut { dst, src, base, n, exact } => {
                let m = get!(src);
                if !m.is_map() {
                    let r = p.heap.tuple(&[Term::atom(atom::BADMAP), m]);
                    fail!(Exception::error(r));
                }
                let s = p.base + base as usize;
                let pairs: Vec<(Term, Term)> =
                    (0..n as usize).map(|i| (p.regs[s + 2 * i], p.regs[s + 2 * i + 1])).collect();
                match crate::map::map_put_many(&mut p.heap, m, &pairs, exact) {
                    Ok(t) => set!(dst, t),
                    Err(k) => {
                        let r = p.heap.tuple(&[Term::atom(atom::BADKEY), k]);
                        fail!(Exception::error(r));
                    }
                }
            }

            // Local calls look the callee up once for its frame size and
            // code (was three `functions[func]` lookups per call).
            Op::Call { func, base, arity, dst } => {
                let callee = &pos.module.functions[func as usize];
                pos.pc = pc as u32;
                calls::push_frame(p, pos, base, dst);
                calls::enter(p, callee, arity);
                pos = Pos { module: pos.module, func, pc: 0 };
                if p.budget <= 0 {
                    p.pos = Some(pos);
                    return Flow::Yield;
                }
                code = &callee.code;
                pc = 0;
                fp = frame_ptr(p);
                continue;
            }
            Op::TailCall { func, base, arity } => {
                let callee = &pos.module.functions[func as usize];
                calls::shift_args(p, base, arity);
                calls::enter(p, callee, arity);
                pos = Pos { module: pos.module, func, pc: 0 };
                if p.budget <= 0 {
                    p.pos = Some(pos);
                    return Flow::Yield;
                }
                code = &callee.code;
                pc = 0;
                fp = frame_ptr(p);
                continue;
            }
            Op::CallExt { import, base, arity } => {
                pos.pc = pc as u32;
                let target = try_!(calls::resolve_import(p, pos.module, import, base, arity));
                follow!(try_!(calls::call_target(p, pos, target, base, arity, false)), base);
            }
            Op::TailCallExt { import, base, arity } => {
                pos.pc = pc as u32;
                let target = try_!(calls::resolve_import(p, pos.module, import, base, arity));
                follow!(try_!(calls::call_target(p, pos, target, base, arity, true)), base);
            }
            Op::CallFun { base, arity } | Op::TailCallFun { base, arity } => {
                let tail = matches!(op, Op::TailCallFun { .. });
                pos.pc = pc as u32;
                let f = get!(base as usize + arity as usize);
                follow!(try_!(calls::call_fun(p, pos, f, base, arity, tail)), base);
            }
            Op::Apply { base, arity } | Op::TailApply { base, arity } => {
                let tail = matches!(op, Op::TailApply { .. });
                pos.pc = pc as u32;
                let (m, f) = (get!(base), get!(base as usize + 1));
                let s = p.base + base as usize;
                p.regs.copy_within(s + 2..s + 2 + arity as usize, s);
                let r = calls::call_mfa(p, pos, m, f, base, arity, tail);
                if matches!(&r, Err(e) if e.is_wait()) {
                    // A BIF that waits runs this instruction again: put its
                    // operands back as they were.
                    p.regs.copy_within(s..s + arity as usize, s + 2);
                    (p.regs[s], p.regs[s + 1]) = (m, f);
                }
                follow!(try_!(r), base);
            }
            Op::ApplyList { base } => {
                pos.pc = pc as u32;
                let (m, f, args) = (get!(base), get!(base as usize + 1), get!(base as usize + 2));
                let arity = try_!(calls::spread_args(p, base, args));
                let r = calls::call_mfa(p, pos, m, f, base, arity, false);
                if matches!(&r, Err(e) if e.is_wait()) {
                    let s = p.base + base as usize;
                    (p.regs[s], p.regs[s + 1], p.regs[s + 2]) = (m, f, args);
                }
                follow!(try_!(r), base);
            }
            Op::ApplyFunList { base } => {
                pos.pc = pc as u32;
                let (f, args) = (get!(base), get!(base as usize + 1));
                let arity = try_!(calls::spread_args(p, base, args));
                let fslot = p.base + base as usize + arity as usize;
                if p.regs.len() <= fslot {
                    p.regs.resize(fslot + 1, Term::NIL);
                }
                p.regs[fslot] = f;
                let r = calls::call_fun(p, pos, f, base, arity, false);
                if matches!(&r, Err(e) if e.is_wait()) {
                    let s = p.base + base as usize;
                    (p.regs[s], p.regs[s + 1]) = (f, args);
                }
                follow!(try_!(r), base);
            }
            Op::CallBif { bif, dst, base, arity, fail } => {
                let s = p.base + base as usize;
                let mut args = [Term::NIL; 8];
                let n = arity as usize;
                let argv: Vec<Term>;
                let args: &[Term] = if n <= 8 {
                    args[..n].copy_from_slice(&p.regs[s..s + n]);
                    &args[..n]
                } else {
                    argv = p.regs[s..s + n].to_vec();
                    &argv
                };
                match (crate::bif::get(bif).f)(p, args) {
                    Ok(v) => {
                        fp = frame_ptr(p);
                        set!(dst, v)
                    }
                    Err(e) if e.is_wait() => {
                        // Blocked (or asked for Act code to run first): run
                        // this instruction again when woken.
                        pos.pc = (pc - 1) as u32;
                        if let Some(call) = p.call_first.take() {
                            pos = try_!(calls::call_first(p, pos, *call));
                            jump_to_pos!();
                        }
                        p.pos = Some(pos);
                        return Flow::Wait;
                    }
                    Err(_) if fail != Label::NONE => pc = fail.at(),
                    Err(mut e) => {
                        let b = crate::bif::get(bif);
                        if e.args.is_none() && e.class == Class::Error && !raise::is_explicit_raise(b.module, b.name) {
                            e.args = p.heap.list(args);
                        }
                        pos.pc = (pc - 1) as u32;
                        match raise::unwind_from_bif(p, &mut pos, e, b.module, b.name) {
                            Ok(()) => jump_to_pos!(),
                            Err(r) => return Flow::Raised(r),
                        }
                    }
                }
            }
            // No budget check: the budget is spent at function entries.
            Op::Return { src } => {
                let v = get!(src);
                match calls::return_to_caller(p, &mut pos, v) {
                    Some(()) => {
                        reload!();
                        continue;
                    }
                    None => return Flow::Returned,
                }
            }
            Op::ReturnConst { value } => match calls::return_to_caller(p, &mut pos, value) {
                Some(()) => {
                    reload!();
                    continue;
                }
                None => return Flow::Returned,
            },

            Op::TryBegin { handler, dst } => {
                p.handlers.push(Handler {
                    depth: p.frames.len() as u32,
                    pc: handler.0,
                    base: p.base as u32,
                    dst: (p.base + dst as usize) as u32,
                });
            }
            Op::TryEnd => {
                p.handlers.pop();
            }
            Op::Reraise { class, reason, trace } => {
                let c = get!(class).as_atom().and_then(Class::from_atom).unwrap_or(Class::Error);
                let exc = Exception { class: c, reason: get!(reason), args: Term::NONE, trace: Term::NONE };
                let tr = get!(trace);
                pos.pc = (pc - 1) as u32;
                match raise::unwind_with_trace(p, &mut pos, exc, tr) {
                    Ok(()) => jump_to_pos!(),
                    Err(r) => return Flow::Raised(r),
                }
            }
            Op::RaiseMatchError { kind, src } => {
                let v = get!(src);
                let reason = if v.is_none() { kind } else { p.heap.tuple(&[kind, v]) };
                fail!(Exception::error(reason));
            }
            Op::RaiseFunctionClause { arity } => {
                let args = p.heap.list(&p.regs[p.base..p.base + arity as usize].to_vec());
                let mut e = Exception::error(Term::atom(atom::FUNCTION_CLAUSE));
                e.args = args;
                fail!(e);
            }

            Op::RecvPeek { dst, wait } => {
                let mb = &p.mailbox;
                if mb.cursor < mb.queue.len() {
                    let t = mb.queue[mb.cursor].term;
                    set!(dst, t);
                } else {
                    pc = wait.at();
                }
            }
            Op::RecvNext { loop_ } => {
                p.mailbox.cursor += 1;
                p.reductions += 1;
                pc = loop_.at();
            }
            Op::RecvAccept => {
                if let Some(t) = p.wait_timer.take() {
                    p.vm.timers.cancel(t);
                    p.timed_out = false;
                }
                let c = p.mailbox.cursor;
                if let Some(m) = crate::inbox::remove_message(p, c) {
                    if let Some(frag) = m.fragment {
                        p.heap.attach(frag);
                    }
                }
                p.mailbox.cursor = 0;
            }
            Op::RecvWait { timeout, retry } => {
                let t = get!(timeout);
                match receive_wait(p, t) {
                    Ok(Wait::Retry) => pc = retry.at(),
                    Ok(Wait::TimedOut) => {
                        p.mailbox.cursor = 0;
                    }
                    Ok(Wait::Block) => {
                        // Resume at this RecvWait, which looks again.
                        pos.pc = (pc - 1) as u32;
                        p.pos = Some(pos);
                        return Flow::Wait;
                    }
                    Ok(Wait::Die(reason)) => return Flow::Killed(reason),
                    Err(e) => fail!(e),
                }
            }
            Op::RecvMark => {
                p.mailbox.mark_pos = Some(p.mailbox.queue.len());
            }
            Op::RecvMarkBind { src } => {
                if let (Some(key), Some(pos)) = (Mailbox::mark_key(get!(src)), p.mailbox.mark_pos) {
                    let marks = &mut p.mailbox.marks;
                    if marks.len() >= MAX_RECEIVE_MARKS {
                        marks.remove(0);
                    }
                    marks.push((key, pos));
                }
            }
            Op::RecvFromMark { src } => {
                if let Some(key) = Mailbox::mark_key(get!(src)) {
                    if let Some(&(_, pos)) = p.mailbox.marks.iter().rev().find(|(k, _)| *k == key) {
                        p.mailbox.cursor = pos.min(p.mailbox.queue.len());
                    }
                }
            }

            Op::BsStartMatch { dst, src, fail } => match bits::start_match(p, get!(src)) {
                Some(ctx) => {
                    fp = frame_ptr(p);
                    set!(dst, ctx)
                }
                None => pc = fail.at(),
            },
            Op::BsGet { dst, ctx, ty, size, unit, flags, fail } => {
                match try_!(bits::get(p, get!(ctx), ty, size, unit, flags)) {
                    Some(v) => {
                        fp = frame_ptr(p);
                        set!(dst, v)
                    }
                    None => pc = fail.at(),
                }
            }
            Op::BsSkip { ctx, size, unit, fail } => {
                if !try_!(bits::skip(p, get!(ctx), size, unit)) {
                    pc = fail.at();
                }
            }
            Op::BsTestTail { ctx, fail } => {
                if !bits::at_end(get!(ctx)) {
                    pc = fail.at();
                }
            }
            Op::BsInit => p.bin_builders.push(Default::default()),
            Op::BsPut { src, ty, size, unit, flags } => {
                try_!(bits::put(p, get!(src), ty, size, unit, flags));
            }
            Op::BsFinish { dst } => {
                let b = p.bin_builders.pop().unwrap_or_default();
                let t = p.heap.bitstring(&b.bytes, b.bits);
                set!(dst, t);
            }
        }
        // Every arm that did not `continue` may have run native code with
        // the process in hand: the register stack may have moved.
        fp = frame_ptr(p);
    }
}

enum Wait {
    /// New messages arrived: match them.
    Retry,
    /// The `after` timeout passed: run the `after` branch.
    TimedOut,
    /// Nothing to do: end the slice until a signal arrives.
    Block,
    /// An exit signal killed the process.
    Die(Term),
}

/// A receive found no matching message: take new signals, then decide.
fn receive_wait(p: &mut Process, timeout: Term) -> Result<Wait, Exception> {
    if p.mailbox.cursor < p.mailbox.queue.len() {
        return Ok(Wait::Retry);
    }
    if let Some(reason) = crate::inbox::take_signals(p) {
        return Ok(Wait::Die(reason));
    }
    if p.mailbox.cursor < p.mailbox.queue.len() {
        return Ok(Wait::Retry);
    }
    if p.timed_out {
        p.timed_out = false;
        p.wait_timer = None;
        return Ok(Wait::TimedOut);
    }
    if timeout.is_none() || timeout.is_atom_eq(atom::INFINITY) {
        return Ok(Wait::Block);
    }
    match timeout.as_small() {
        Some(0) => Ok(Wait::TimedOut),
        Some(ms) if ms > 0 => {
            if p.wait_timer.is_none() {
                let id = p.vm.make_ref_id();
                p.wait_timer = Some(id);
                let action = crate::timer::TimerAction::Timeout { pid: p.pid, seq: id };
                let vm = p.vm.clone();
                vm.timers.start(&vm, id, std::time::Duration::from_millis(ms as u64), action);
            }
            Ok(Wait::Block)
        }
        _ if timeout.is_bignum() && !crate::number::int_to_big(timeout).map(|b| b.sign() == num_bigint::Sign::Minus).unwrap_or(true) => {
            Ok(Wait::Block)
        }
        _ => {
            Err(Exception::error(Term::atom(atom::atom("timeout_value"))))
        }
    }
}

#[inline]
fn compare(op: CmpOp, a: Term, b: Term) -> bool {
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        return match op {
            CmpOp::Eq | CmpOp::ExactEq => x == y,
            CmpOp::Ne | CmpOp::ExactNe => x != y,
            CmpOp::Lt => x < y,
            CmpOp::Le => x <= y,
            CmpOp::Gt => x > y,
            CmpOp::Ge => x >= y,
        };
    }
    use std::cmp::Ordering::*;
    match op {
        CmpOp::Eq => crate::compare::eq(a, b),
        CmpOp::Ne => !crate::compare::eq(a, b),
        CmpOp::ExactEq => crate::compare::eq_exact(a, b),
        CmpOp::ExactNe => !crate::compare::eq_exact(a, b),
        CmpOp::Lt => crate::compare::compare(a, b) == Less,
        CmpOp::Le => crate::compare::compare(a, b) != Greater,
        CmpOp::Gt => crate::compare::compare(a, b) == Greater,
        CmpOp::Ge => crate::compare::compare(a, b) != Less,
    }
}

/// `TestConst`: is `t` exactly the literal `lit`? Tuple literals (`{nil,
/// nil}` in binary-trees style code) are compared element by element here
/// first, so a mismatch on an immediate element costs a few loads:
/// `compare::eq_exact` walks in term order with a heap-allocated stack, and
/// was 19% of alloc.act's profile.
#[inline]
fn matches_literal(t: Term, lit: Term) -> bool {
    if t == lit {
        return true;
    }
    if !(lit.is_boxed() || lit.is_cons()) {
        return false;
    }
    if lit.is_tuple() {
        if !t.is_tuple() || t.header() != lit.header() {
            return false;
        }
        let n = crate::term::header_size(lit.header());
        return (1..=n).all(|i| {
            let (x, y) = (t.word(i), lit.word(i));
            x == y || crate::compare::eq_exact(Term(x), Term(y))
        });
    }
    crate::compare::eq_exact(t, lit)
}

pub fn type_test(test: TypeTest, t: Term) -> bool {
    match test {
        TypeTest::Integer => t.is_integer(),
        TypeTest::Float => t.is_float(),
        TypeTest::Number => t.is_number(),
        TypeTest::Atom => t.is_atom(),
        TypeTest::Boolean => t.is_atom_eq(atom::TRUE) || t.is_atom_eq(atom::FALSE),
        TypeTest::Tuple => t.is_tuple(),
        TypeTest::List => t.is_list(),
        TypeTest::Cons => t.is_cons(),
        TypeTest::Nil => t.is_nil(),
        TypeTest::Binary => crate::binary::bits(t).map(|b| b.is_binary()).unwrap_or(false),
        TypeTest::Bitstring => t.is_bitstring(),
        TypeTest::Map => t.is_map(),
        TypeTest::Pid => t.is_pid(),
        TypeTest::Reference => t.is_ref(),
        TypeTest::Function => t.is_function(),
    }
}

/// Pushes the current position as a return address (used by calls).
pub(crate) fn frame_of(pos: Pos, base: usize, dst: usize) -> Frame {
    Frame { module: pos.module, func: pos.func, pc: pos.pc, base: base as u32, dst: dst as u32 }
}

/// ` for {ok, X} | stop`: what the receive at `pos` waits for, if known.
pub fn receive_description(pos: Pos) -> String {
    pos.code()
        .receives
        .iter()
        .find(|(pc, _)| *pc == pos.pc)
        .map(|(_, text)| format!(" for {text}"))
        .unwrap_or_default()
}

/// The fast path of `Arith` and `ArithImm`: `+` or `-` of two small
/// integers whose result is still small; `None` sends the caller to
/// `number::arith` (other operators, bignums, floats, bad operands).
#[inline(always)]
fn small_add_sub(op: ArithOp, x: Term, y: Option<i64>) -> Option<Term> {
    let (i, j) = (x.as_small()?, y?);
    match op {
        ArithOp::Add => Term::small_checked(i + j),
        ArithOp::Sub => Term::small_checked(i - j),
        _ => None,
    }
}
