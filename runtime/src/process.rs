//! A process: its heap, register stack, call frames, exception handlers,
//! process dictionary and mailbox. Everything a process owns is reached only
//! by the thread currently running it.

use crate::heap::{Fragment, Heap};
use crate::module::Module;
use crate::term::Term;
use crate::vm::Vm;
use std::collections::VecDeque;
use std::sync::Arc;

/// A return address: where execution continues when the callee returns.
#[derive(Clone, Copy)]
pub struct Frame {
    pub module: &'static Module,
    pub func: u32,
    /// The instruction after the call.
    pub pc: u32,
    /// The caller's register window base.
    pub base: u32,
}

/// An active `try` or `catch`.
#[derive(Clone, Copy, Debug)]
pub struct Handler {
    /// Frame depth (`frames.len()`) when the handler was pushed.
    pub depth: u32,
    pub pc: u32,
    /// Register base of the frame that owns the handler.
    pub base: u32,
    /// Absolute register index where class, reason, trace go.
    pub dst: u32,
}

/// A message waiting in the mailbox, with the memory it lives in.
pub struct Message {
    pub term: Term,
    /// The fragment holding the message's memory; `None` when it needs no
    /// memory (an immediate).
    pub fragment: Option<Fragment>,
}

#[derive(Default)]
pub struct Mailbox {
    pub queue: VecDeque<Message>,
    /// Index of the message the current receive looks at next.
    pub cursor: usize,
    /// Where a receive after `RecvMark` starts (the queue length at the mark).
    pub mark: Option<usize>,
}

pub struct Process {
    pub pid: u64,
    pub heap: Heap,
    /// The register stack: the current frame is `regs[base..]`. Its length
    /// is always exactly the top of the current frame, and every slot holds
    /// a valid term (fresh slots are `[]`), so all of it is a GC root.
    pub regs: Vec<Term>,
    pub base: usize,
    pub frames: Vec<Frame>,
    pub handlers: Vec<Handler>,
    /// The process dictionary as alternating key, value terms.
    pub pdict: Vec<Term>,
    pub mailbox: Mailbox,
    /// Terms native code wants kept across a safe point (exception state,
    /// the binary being built...).
    pub scratch: Vec<Term>,
    /// Bits of binaries under construction (BsInit .. BsFinish), innermost last.
    pub bin_builders: Vec<crate::bitbuilder::BitBuilder>,
    pub reductions: u64,
    pub vm: Arc<Vm>,
}

impl Process {
    pub fn new(vm: Arc<Vm>, pid: u64) -> Process {
        Process {
            pid,
            heap: Heap::new(),
            regs: Vec::new(),
            base: 0,
            frames: Vec::new(),
            handlers: Vec::new(),
            pdict: Vec::new(),
            mailbox: Mailbox::default(),
            scratch: Vec::new(),
            bin_builders: Vec::new(),
            reductions: 0,
            vm,
        }
    }

    /// Collects the heap now, with every root the process has.
    pub fn collect(&mut self) {
        let Process { heap, regs, pdict, scratch, .. } = self;
        crate::gc::collect(heap, &mut [regs.as_mut_slice(), pdict.as_mut_slice(), scratch.as_mut_slice()]);
    }

    /// Collects when the heap asks for it (or always, under GC stress).
    #[inline]
    pub fn maybe_collect(&mut self) {
        if self.heap.needs_gc() || crate::gc::stress_enabled() {
            self.collect();
        }
    }
}
