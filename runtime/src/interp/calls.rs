//! Calls and returns: frame pushes, register-window moves, resolving
//! remote calls, funs and `apply`.

use super::{frame_of, Pos};
use crate::atom::{self, Atom};
use crate::exception::Exception;
use crate::module::{FunctionCode, Module, Target};
use crate::process::Process;
use crate::term::{Subtag, Term};

/// What the interpreter does after a call instruction.
pub(crate) enum Next {
    /// A BIF ran; continue with the next instruction.
    Continue,
    /// Code was entered: jump to this position.
    Enter(Pos),
    /// A BIF ran in tail position: return its value (in R[base]) now.
    Return,
}

/// Saves the caller's position and where the result goes (`R[dst]`), and
/// moves the register window up to `base`.
#[inline]
pub(crate) fn push_frame(p: &mut Process, ret: Pos, base: u16, dst: u16) {
    if p.frames.len() == p.frames.capacity() {
        grow_frames(p);
    }
    p.frames.push(frame_of(ret, p.base, p.base + dst as usize));
    p.base += base as usize;
}

/// Sizes the register window for `callee` (its arguments are already in
/// place) and passes a safe point.
///
/// The register stack always reaches the top of every active frame (its
/// base plus its function's `frame_size`): windows are only ever extended
/// here, a return leaves the slots above the caller's window as they are
/// (valid terms, overwritten before they are read), so a return needs no
/// resizing at all. Before this, every call and return set the length to
/// exactly the new top, NIL-filling the new slots: fib(30) 724M -> 639M
/// instructions (callgrind) without it.
///
/// At a function entry exactly `R[..base + arity]` is live: the callers'
/// registers below and the arguments (a caller's registers at or above the
/// call's `base` are dead: the callee's window covers them). A collection
/// cuts the stack there first, so dead slots keep nothing alive, then
/// extends it again to the highest frame top.
#[inline(always)]
pub(crate) fn enter(p: &mut Process, callee: &FunctionCode, arity: u32) {
    p.reductions += 1;
    p.budget -= 1;
    if p.heap.needs_gc() || p.gc_stress {
        collect_at_entry(p, p.base + arity as usize);
    }
    set_window_top(p, p.base + callee.frame_size.max(arity) as usize);
}

#[cold]
#[inline(never)]
fn collect_at_entry(p: &mut Process, live_top: usize) {
    // Only a collection cuts (and walks the frames, O(depth) like the
    // collection itself): under GC stress this runs at every entry.
    if !p.wants_collection() {
        return;
    }
    p.regs.truncate(live_top);
    p.collect();
    // Every frame's window, and its result register (`call_first` puts
    // one just above the caller's window), stay inside the stack.
    let top = p
        .frames
        .iter()
        .map(|f| (f.base as usize + f.module.functions[f.func as usize].frame_size as usize).max(f.dst as usize + 1))
        .max()
        .unwrap_or(0);
    set_window_top(p, top);
}

/// Makes the register stack reach at least `top`, filling new slots with
/// `[]`; never shrinks it (see `enter`).
#[inline(always)]
pub(crate) fn set_window_top(p: &mut Process, top: usize) {
    let len = p.regs.len();
    if top > len {
        grow_window(p, len, top);
    }
}

#[inline(never)]
fn grow_window(p: &mut Process, len: usize, top: usize) {
    if top > p.regs.capacity() {
        grow_registers(p, top);
    }
    // SAFETY: the capacity is at least `top`; slots `len..top` are written
    // before `set_len` makes them visible, and `Term` is `Copy`.
    unsafe {
        let slots = p.regs.as_mut_ptr();
        for i in len..top {
            slots.add(i).write(Term::NIL);
        }
        p.regs.set_len(top);
    }
}

/// The stacks grow by doubling; each growth is where a deep recursion's
/// memory is checked against the process's limit (`heap_limit.rs`).
#[cold]
#[inline(never)]
fn grow_registers(p: &mut Process, top: usize) {
    let len = p.regs.len();
    p.regs.reserve(top - len);
    p.check_heap_limit();
}

#[cold]
#[inline(never)]
fn grow_frames(p: &mut Process) {
    p.frames.reserve(1);
    p.check_heap_limit();
}

/// Moves the arguments `R[base..base+arity]` down to `R[0..arity]` (tail calls).
#[inline]
pub(crate) fn shift_args(p: &mut Process, base: u16, arity: u32) {
    if base != 0 {
        // A plain forward loop (the destination is below the source):
        // `copy_within` called `memmove`, a library call per tail call.
        let (s, d) = (p.base + base as usize, p.base);
        let args = &mut p.regs[d..s + arity as usize];
        for i in 0..arity as usize {
            args[i] = args[i + base as usize];
        }
    }
}

/// Returns `v` to the caller. `None`: there is no caller (the process's
/// first function returned).
#[inline(always)]
pub(crate) fn return_to_caller(p: &mut Process, pos: &mut Pos, v: Term) -> Option<()> {
    let Some(f) = p.frames.pop() else {
        // The first function returned: its value stays in register 0 too
        // (`Vm::main_result` reads it).
        p.regs[p.base] = v;
        return None;
    };
    *pos = Pos { module: f.module, func: f.func, pc: f.pc };
    p.base = f.base as usize;
    debug_assert!((f.dst as usize) < p.regs.len());
    // SAFETY: `f.dst` is a register of the caller's window (a verified
    // operand) or, for `call_first`, the slot just above it, and the
    // register stack reaches past both for every active frame (see `enter`).
    unsafe { *p.regs.as_mut_ptr().add(f.dst as usize) = v };
    Some(())
}

pub(crate) fn undef(p: &mut Process, m: Term, f: Term, args: &[Term]) -> Exception {
    let mut e = Exception::error(Term::atom(atom::UNDEF));
    let a = p.heap.list(args);
    e.args = p.heap.tuple(&[m, f, a]);
    e
}

/// Finds `m:f/a`: a BIF, or an exported function of a loaded (or loadable) module.
pub(crate) fn resolve(p: &mut Process, m: Atom, f: Atom, arity: u32) -> Option<Target> {
    if let Some(b) = crate::bif::lookup(m, f, arity) {
        return Some(Target::Bif(b));
    }
    match p.vm.module(m) {
        Ok(Some((i, _))) => {
            let module = p.vm.module_ref(i);
            module.exported(f, arity).map(|fi| Target::Code(module, fi))
        }
        Ok(None) => None,
        Err(msg) => {
            eprintln!("{msg}");
            None
        }
    }
}

pub(crate) fn resolve_import(p: &mut Process, module: &'static Module, import: u32, base: u16, arity: u32) -> Result<Target, Exception> {
    let slot = &module.resolved[import as usize];
    if let Some(t) = slot.get() {
        return Ok(*t);
    }
    let imp = module.imports[import as usize].clone();
    match resolve(p, imp.module, imp.function, imp.arity) {
        Some(t) => {
            let _ = slot.set(t);
            Ok(t)
        }
        None => {
            let s = p.base + base as usize;
            let args = p.regs[s..s + arity as usize].to_vec();
            Err(undef(p, Term::atom(imp.module), Term::atom(imp.function), &args))
        }
    }
}

/// Calls a resolved target with the arguments in `R[base..base+arity]`.
pub(crate) fn call_target(p: &mut Process, pos: Pos, target: Target, base: u16, arity: u32, tail: bool) -> Result<Next, Exception> {
    match target {
        Target::Bif(b) => {
            let s = p.base + base as usize;
            let args: Vec<Term> = p.regs[s..s + arity as usize].to_vec();
            let v = (crate::bif::get(b).f)(p, &args)?;
            p.regs[s] = v;
            Ok(if tail { Next::Return } else { Next::Continue })
        }
        Target::Code(m, f) => {
            if tail {
                shift_args(p, base, arity);
            } else {
                push_frame(p, pos, base, base);
            }
            let new = Pos { module: m, func: f, pc: 0 };
            enter(p, new.code(), arity);
            Ok(Next::Enter(new))
        }
    }
}

/// A BIF returned `Exception::wait()` with `p.call_first` set: calls
/// `M:F(Arg)` (Act code) in a new frame above the current window, which
/// returns to `rerun`, the BIF's own instruction, so the BIF runs again
/// with its arguments where they were. The callee's value is dropped: it
/// reports to the BIF through the process (`chan:'$check'/1` sets
/// `chan_checked`). This is how a BIF runs Act code in the calling process
/// without a nested interpreter.
pub(crate) fn call_first(p: &mut Process, rerun: Pos, (m, f, arg): (Atom, Atom, Term)) -> Result<Pos, Exception> {
    let Some(Target::Code(module, func)) = resolve(p, m, f, 1) else {
        return Err(undef(p, Term::atom(m), Term::atom(f), &[arg]));
    };
    // Everything at or above `regs.len()` is free (the window invariant of
    // `Process::regs`), so the callee's R[0] is the first slot past it. A
    // window wider than a register operand can name (only `apply` with a
    // huge argument list makes one) cannot hold a frame offset.
    let above = u16::try_from(p.regs.len() - p.base).map_err(|_| Exception::system_limit())?;
    // The value returned goes to the callee's own R[0] (dropped).
    push_frame(p, rerun, above, above);
    p.regs.push(arg);
    let new = Pos { module, func, pc: 0 };
    enter(p, new.code(), 1);
    Ok(new)
}

/// Calls `m:f` with the arguments in `R[base..base+arity]`.
pub(crate) fn call_mfa(p: &mut Process, pos: Pos, m: Term, f: Term, base: u16, arity: u32, tail: bool) -> Result<Next, Exception> {
    let (Some(ma), Some(fa)) = (m.as_atom(), f.as_atom()) else {
        return Err(Exception::badarg());
    };
    match resolve(p, ma, fa, arity) {
        Some(t) => call_target(p, pos, t, base, arity, tail),
        None => {
            let s = p.base + base as usize;
            let args = p.regs[s..s + arity as usize].to_vec();
            Err(undef(p, m, f, &args))
        }
    }
}

/// Calls the fun `f` with the arguments in `R[base..base+arity]`.
pub(crate) fn call_fun(p: &mut Process, pos: Pos, f: Term, base: u16, arity: u32, tail: bool) -> Result<Next, Exception> {
    match f.subtag() {
        Some(Subtag::Fun) => {
            let code = f.word(1);
            let module = p.vm.module_ref((code >> 32) as usize);
            let lambda = &module.lambdas[(code & 0xffff_ffff) as usize];
            if lambda.arity != arity {
                let s = p.base + base as usize;
                let args = p.heap.list(&p.regs[s..s + arity as usize].to_vec());
                let inner = p.heap.tuple(&[f, args]);
                return Err(Exception::error(p.heap.tuple(&[Term::atom(atom::BADARITY), inner])));
            }
            let env = &f.payload()[1..];
            let s = p.base + base as usize + arity as usize;
            let extra = env.len() + lambda.named as usize;
            if p.regs.len() < s + extra {
                p.regs.resize(s + extra, Term::NIL);
            }
            for (i, w) in env.iter().enumerate() {
                p.regs[s + i] = Term(*w);
            }
            if lambda.named {
                p.regs[s + env.len()] = f;
            }
            let total = arity + lambda.num_free + lambda.named as u32;
            call_target(p, pos, Target::Code(module, lambda.func), base, total, tail)
        }
        Some(Subtag::Export) => {
            let (m, fname, a) = (Term(f.word(1)), Term(f.word(2)), Term(f.word(3)));
            if a.as_small() != Some(arity as i64) {
                let s = p.base + base as usize;
                let args = p.heap.list(&p.regs[s..s + arity as usize].to_vec());
                let inner = p.heap.tuple(&[f, args]);
                return Err(Exception::error(p.heap.tuple(&[Term::atom(atom::BADARITY), inner])));
            }
            call_mfa(p, pos, m, fname, base, arity, tail)
        }
        _ => Err(Exception::error(p.heap.tuple(&[Term::atom(atom::BADFUN), f]))),
    }
}

/// Writes the elements of the list `args` into `R[base..]`; returns how many.
pub(crate) fn spread_args(p: &mut Process, base: u16, args: Term) -> Result<u32, Exception> {
    let mut v = Vec::new();
    let mut t = args;
    while let Some((h, tl)) = t.as_cons() {
        v.push(h);
        t = tl;
    }
    if !t.is_nil() {
        return Err(Exception::badarg());
    }
    let s = p.base + base as usize;
    if p.regs.len() < s + v.len() + 1 {
        p.regs.resize(s + v.len() + 1, Term::NIL);
    }
    p.regs[s..s + v.len()].copy_from_slice(&v);
    Ok(v.len() as u32)
}
