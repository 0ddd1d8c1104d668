//! Creating processes: the boot code every process starts in, copying the
//! entry fun or arguments into the new heap, links and monitors made at
//! spawn time, and handing the process to the scheduler.

use crate::atom;
use crate::exception::Exception;
use crate::interp::Pos;
use crate::module::{FunctionCode, Module};
use crate::opcode::Op;
use crate::process::Process;
use crate::signal::ProcessHandle;
use crate::term::Term;
use crate::vm::Vm;
use std::sync::Arc;

/// What a new process runs.
pub enum Entry {
    /// A fun of arity 0.
    Fun(Term),
    /// `apply(M, F, Args)`.
    Mfa(Term, Term, Term),
}

#[derive(Default, Clone, Copy)]
pub struct SpawnOpts {
    pub link: bool,
    pub monitor: bool,
    pub max_heap: Option<crate::heap_limit::MaxHeapSize>,
    /// `{max_queue, N}`: the mailbox bound (`None`: unbounded).
    pub max_queue: Option<usize>,
}

/// Function indices in the boot module.
const APPLY_FUN: u32 = 0;
const APPLY_MFA: u32 = 1;
const HIBERNATE: u32 = 2;

/// The boot module `'$act_boot'`: `apply_fun/1` calls its argument,
/// `apply_mfa/3` applies M:F to Args. Every spawned process starts in one.
/// Built once per VM and kept in `Vm::boot`: finding it by name interned
/// the atom and looked the module up on every spawn (callgrind, spawn
/// benchmark: 557 of 2,410 instructions per spawn).
pub fn boot_module(vm: &Vm) -> &'static Module {
    vm.boot.get_or_init(|| build_boot_module(vm))
}

fn build_boot_module(vm: &Vm) -> &'static Module {
    let name = atom::atom("$act_boot");
    if let Some(i) = vm.module_index(name) {
        return vm.module_ref(i);
    }
    let mut m = Module::new(name, "act_boot".into());
    let f = |n: &str, arity: u32, frame: u32, code: Vec<Op>| FunctionCode {
        name: atom::atom(n),
        arity,
        frame_size: frame,
        code,
        lines: vec![],
        receives: vec![],
        display_name: atom::atom(n),
    };
    m.functions.push(f("apply_fun", 1, 2, vec![Op::Move { dst: 1, src: 0 }, Op::TailCallFun { base: 1, arity: 0 }]));
    m.functions.push(f("apply_mfa", 3, 3, vec![Op::ApplyList { base: 0 }, Op::Return { src: 0 }]));
    // hibernate(M, F, A): wait for a message (without taking it), then
    // apply. R3 receives the peeked message, R4 is the infinite timeout.
    use crate::opcode::Label;
    m.functions.push(f(
        "hibernate",
        3,
        5,
        vec![
            Op::LoadConst { dst: 4, value: Term::NONE },
            Op::RecvPeek { dst: 3, wait: Label(3) },
            Op::Jump { target: Label(4) },
            Op::RecvWait { timeout: 4, retry: Label(1) },
            Op::ApplyList { base: 0 },
            Op::Return { src: 0 },
        ],
    ));
    m.exports.insert((atom::atom("hibernate"), 3), HIBERNATE);
    let i = vm.add_module(m);
    vm.module_ref(i)
}

/// Spawns a process running `entry` on behalf of `parent`; returns its pid
/// and, with `opts.monitor`, the monitor's reference number.
pub fn spawn(parent: &mut Process, entry: Entry, opts: SpawnOpts) -> Result<(u64, Option<u64>), Exception> {
    let vm = parent.vm.clone();
    let boot = boot_module(&vm);
    let pid = vm.make_pid();
    let mut child = Box::new(Process::new(vm.clone(), pid));
    let pos = match entry {
        Entry::Fun(f) => {
            if !f.is_function() || crate::bif::types::fun_arity(parent, f) != Some(0) {
                return Err(Exception::badarg());
            }
            child.regs = vec![crate::copy::copy_to_new_heap(&mut child.heap, f), Term::NIL];
            child.initial_call = (atom::ERLANG, atom::APPLY, 2);
            Pos { module: boot, func: APPLY_FUN, pc: 0 }
        }
        Entry::Mfa(m, f, args) => {
            let (Some(ma), Some(fa)) = (m.as_atom(), f.as_atom()) else {
                return Err(Exception::badarg());
            };
            let n = proper_len(args).ok_or_else(Exception::badarg)?;
            let a = crate::copy::copy_to_new_heap(&mut child.heap, args);
            child.regs = vec![m, f, a];
            child.initial_call = (ma, fa, n as u32);
            Pos { module: boot, func: APPLY_MFA, pc: 0 }
        }
    };
    child.pos = Some(pos);
    if let Some(m) = opts.max_heap {
        child.set_max_heap(m);
    }
    child.bounded_mailbox = opts.max_queue.is_some();
    if opts.link {
        child.links.push(parent.pid);
        parent.links.push(pid);
    }
    let mut mref = None;
    if opts.monitor {
        let r = vm.make_ref_id();
        child.monitored_by.push((r, parent.pid, None));
        parent.monitors.push((r, pid));
        mref = Some(r);
    }
    if install_bounded(&vm, child, opts.max_queue).is_err() {
        if opts.link {
            parent.links.retain(|&l| l != pid);
        }
        if let Some(r) = mref {
            parent.monitors.retain(|&(x, _)| x != r);
        }
        return Err(Exception::system_limit());
    }
    Ok((pid, mref))
}

/// Makes a fully built process live: gives it its handle, enters it in the
/// process table and queues it. `Err` when the process limit is reached.
pub fn install(vm: &Arc<Vm>, p: Box<Process>) -> Result<u64, ()> {
    install_bounded(vm, p, None)
}

/// `install` with a mailbox bound (`{max_queue, N}`), set before anyone
/// knows the pid: no message, no blocked sender yet.
fn install_bounded(vm: &Arc<Vm>, mut p: Box<Process>, max_queue: Option<usize>) -> Result<u64, ()> {
    let pid = p.pid;
    let h = Arc::new(ProcessHandle::new(pid));
    if max_queue.is_some() {
        h.set_bound(max_queue, 0, &mut Vec::new());
    }
    p.handle = Some(h.clone());
    *h.body.lock() = Some(p);
    if !vm.registry.insert(h.clone()) {
        h.body.lock().take().map(|mut p| p.handle = None);
        return Err(());
    }
    vm.sched().schedule(h, false);
    Ok(pid)
}

fn proper_len(mut t: Term) -> Option<usize> {
    let mut n = 0;
    while let Some((_, tl)) = t.as_cons() {
        n += 1;
        t = tl;
    }
    t.is_nil().then_some(n)
}

/// Starts a process that calls `m:f()` on behalf of the VM itself (no
/// parent): how a signal from outside (SIGTERM, Ctrl-C) runs `init:stop()`.
pub fn spawn_call(vm: &Arc<Vm>, m: crate::atom::Atom, f: crate::atom::Atom) -> Result<u64, ()> {
    if vm.scheduler.get().is_none() {
        return Err(());
    }
    let boot = boot_module(vm);
    let pid = vm.make_pid();
    let mut p = Box::new(Process::new(vm.clone(), pid));
    p.regs = vec![Term::atom(m), Term::atom(f), Term::NIL];
    p.initial_call = (m, f, 0);
    p.pos = Some(Pos { module: boot, func: APPLY_MFA, pc: 0 });
    install(vm, p)
}
