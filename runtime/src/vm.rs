//! The VM-wide state every process shares: the module table (and how to load
//! a module that is not there yet), the process table, timers, the
//! scheduler, reference and pid counters, standard output, and how the
//! program ends.

use crate::atom::{self, Atom};
use crate::signal::{Payload, Signal};
use crate::term::Term;
use crate::module::Module;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Finds and compiles modules on demand. The `act` binary supplies one that
/// looks beside the script and in the embedded stdlib; the runtime never
/// depends on the compiler itself.
pub trait Loader: Send + Sync {
    /// `Ok(None)` when there is no such module.
    fn load(&self, name: &str) -> Result<Option<Module>, String>;

    /// Compiles the source file at `path` (the shell's `c/1`); `Err` holds
    /// the rendered diagnostics. Loaders that cannot compile files refuse.
    fn compile_file(&self, path: &str) -> Result<Module, String> {
        Err(format!("cannot compile {path}: this loader only loads modules by name"))
    }
}

pub struct Vm {
    modules: RwLock<Vec<Arc<Module>>>,
    by_name: RwLock<HashMap<Atom, usize>>,
    loader: Box<dyn Loader>,
    next_ref: AtomicU64,
    next_pid: AtomicU64,
    /// Standard output, written one `io:format` call at a time.
    pub stdout: Mutex<std::io::BufWriter<std::io::Stdout>>,
    /// The exit status requested by `halt/1`, once asked.
    pub halt: Mutex<Option<i32>>,
    pub registry: crate::registry::Registry,
    pub timers: crate::timer::Timers,
    pub scheduler: std::sync::OnceLock<Arc<crate::scheduler::Scheduler>>,
    /// The module every spawned process starts in (`spawn::boot_module`).
    pub boot: std::sync::OnceLock<&'static Module>,
    main_pid: std::sync::OnceLock<u64>,
    /// The value `main` returned, written as `~w` writes it; set when
    /// `main` returns (not when it raises or exits). For embedders such as
    /// the criterion benchmarks (`benches/vm.rs`); the `act` command ignores it.
    main_result: std::sync::OnceLock<String>,
    /// How the program ended, once it has; the thread that started it waits here.
    end: Mutex<Option<ProgramEnd>>,
    end_cv: parking_lot::Condvar,
    finished: std::sync::atomic::AtomicBool,
    /// `init:stop` is shutting the program down: `main` dying of that
    /// shutdown does not end the program; `init:stop`'s own halt does.
    pub stopping: std::sync::atomic::AtomicBool,
    /// The per-process memory ceiling in words (0 = none): every process's
    /// heap plus stack is held to it (`heap_limit.rs`). Set before the
    /// first process starts; processes read it when they are created.
    pub max_process_heap: std::sync::atomic::AtomicUsize,
}

/// The ceiling a new VM starts with: `ACT_MAX_PROCESS_HEAP` or a fraction
/// of memory (`heap_limit::configured_ceiling_words`), read once. A
/// malformed variable is reported by the `act` command before any VM is
/// made; here it falls back to the default.
fn default_ceiling() -> usize {
    static CEILING: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CEILING.get_or_init(|| {
        crate::heap_limit::configured_ceiling_words().unwrap_or_else(|_| crate::heap_limit::default_ceiling_words())
    })
}

/// How a program ended.
pub enum ProgramEnd {
    /// `main` returned.
    Returned,
    /// `halt(N)`.
    Halted(i32),
    /// `main` died of an uncaught exception, or with a non-normal exit reason.
    Uncaught { description: String, trace: Vec<crate::interp::StackEntry> },
    /// No process could ever run again (the report is already printed).
    Deadlock,
    /// A VM bug: a Rust panic in `main`'s time slice, or outside any slice
    /// (`scheduler::guard`). The `act:` line is already printed.
    InternalError { message: String },
}

impl Vm {
    pub fn new(loader: Box<dyn Loader>) -> Arc<Vm> {
        Arc::new(Vm {
            modules: RwLock::new(Vec::new()),
            by_name: RwLock::new(HashMap::new()),
            loader,
            next_ref: AtomicU64::new(1),
            next_pid: AtomicU64::new(80),
            stdout: Mutex::new(std::io::BufWriter::new(std::io::stdout())),
            halt: Mutex::new(None),
            registry: Default::default(),
            timers: Default::default(),
            scheduler: std::sync::OnceLock::new(),
            boot: std::sync::OnceLock::new(),
            main_pid: std::sync::OnceLock::new(),
            main_result: std::sync::OnceLock::new(),
            end: Mutex::new(None),
            end_cv: parking_lot::Condvar::new(),
            finished: std::sync::atomic::AtomicBool::new(false),
            stopping: std::sync::atomic::AtomicBool::new(false),
            max_process_heap: std::sync::atomic::AtomicUsize::new(default_ceiling()),
        })
    }

    /// The per-process memory ceiling in words; 0 = none.
    pub fn max_process_heap_words(&self) -> usize {
        self.max_process_heap.load(Ordering::Relaxed)
    }

    /// Installs a module (replacing an older version by name) and returns its index.
    pub fn add_module(&self, mut m: Module) -> usize {
        // The interpreter indexes registers and code unchecked on the
        // strength of this check; code that fails it is a compiler bug.
        if let Err(e) = crate::interp::verify::check(&m) {
            panic!("internal error: bytecode fails verification: {e}");
        }
        let name = m.name;
        let mut mods = self.modules.write();
        m.index = mods.len() as u32;
        mods.push(Arc::new(m));
        let i = mods.len() - 1;
        self.by_name.write().insert(name, i);
        i
    }

    /// The loader the VM was made with (the shell's `c/1` and `l/1` use it directly).
    pub fn loader(&self) -> &dyn Loader {
        &*self.loader
    }

    pub fn module_at(&self, i: usize) -> Arc<Module> {
        self.modules.read()[i].clone()
    }

    /// A module by table index, for as long as the program runs.
    pub fn module_ref(&self, i: usize) -> &'static Module {
        let arc = self.modules.read()[i].clone();
        // SAFETY: the module table never removes a module (a reloaded
        // module gets a new slot), and the VM outlives every process that
        // runs code, so the Arc in the table keeps this module alive for as
        // long as any reference handed out here is used.
        unsafe { &*Arc::as_ptr(&arc) }
    }

    pub fn module_index(&self, name: Atom) -> Option<usize> {
        self.by_name.read().get(&name).copied()
    }

    /// The module named `name`, loading it if needed. `Ok(None)`: no such module.
    pub fn module(&self, name: Atom) -> Result<Option<(usize, Arc<Module>)>, String> {
        if let Some(i) = self.module_index(name) {
            return Ok(Some((i, self.module_at(i))));
        }
        match self.loader.load(&name.name())? {
            Some(m) => {
                // Another process may have loaded it meanwhile: keep the first.
                if let Some(i) = self.module_index(name) {
                    return Ok(Some((i, self.module_at(i))));
                }
                let i = self.add_module(m);
                Ok(Some((i, self.module_at(i))))
            }
            None => Ok(None),
        }
    }

    pub fn is_loaded(&self, name: Atom) -> bool {
        self.module_index(name).is_some()
    }

    pub fn make_ref_id(&self) -> u64 {
        self.next_ref.fetch_add(1, Ordering::Relaxed)
    }

    pub fn make_pid(&self) -> u64 {
        self.next_pid.fetch_add(1, Ordering::Relaxed)
    }

    /// Writes `bytes` to standard output as one piece. Nothing is written
    /// once the program has ended (a `halt` in one process stops the output
    /// of all).
    pub fn write_stdout(&self, bytes: &[u8]) {
        let mut out = self.stdout.lock();
        if self.is_finished() {
            return;
        }
        let _ = out.write_all(bytes);
    }

    // ---- processes ----

    /// Delivers a signal to `pid` and wakes it. Signals to a dead process
    /// are answered here for it (a link or monitor gets `noproc`).
    pub fn signal(self: &Arc<Self>, pid: u64, s: Signal) {
        match self.registry.get(pid) {
            Some(h) => match h.deliver(s) {
                Ok(()) => {
                    if h.wake() {
                        self.sched().schedule(h, true);
                    }
                }
                Err(s) => self.answer_for_dead(pid, s),
            },
            None => self.answer_for_dead(pid, s),
        }
    }

    /// Like `signal`, but a dead target needs no answer.
    pub fn signal_quiet(self: &Arc<Self>, pid: u64, s: Signal) {
        if let Some(h) = self.registry.get(pid) {
            if h.deliver(s).is_ok() && h.wake() {
                self.sched().schedule(h, true);
            }
        }
    }

    pub(crate) fn answer_for_dead(self: &Arc<Self>, pid: u64, s: Signal) {
        match s {
            Signal::Link { from } => {
                let reason = Payload::copy_of(Term::atom(atom::NOPROC));
                self.signal_quiet(from, Signal::Exit { from: pid, reason, linked: true });
            }
            Signal::Monitor { from, reference, name } => {
                let mut h = crate::heap::Heap::new();
                let r = h.reference(reference);
                let who = match name {
                    Some(n) => h.tuple(&[Term::atom(n), Term::atom(atom::atom("nonode@nohost"))]),
                    None => Term::pid(pid),
                };
                let down = h.tuple(&[Term::atom(atom::DOWN), r, Term::atom(atom::PROCESS), who, Term::atom(atom::NOPROC)]);
                self.signal_quiet(from, Signal::Down { reference, message: Payload::copy_of(down) });
            }
            _ => {}
        }
    }

    pub fn sched(&self) -> &Arc<crate::scheduler::Scheduler> {
        self.scheduler.get().expect("scheduler started")
    }

    pub fn main_pid(&self) -> Option<u64> {
        self.main_pid.get().copied()
    }

    pub fn set_main_pid(&self, pid: u64) {
        let _ = self.main_pid.set(pid);
    }

    /// What `main` returned, written as `~w` writes it (`None` until it
    /// has returned, or when it raised or exited instead).
    pub fn main_result(&self) -> Option<&str> {
        self.main_result.get().map(|s| s.as_str())
    }

    /// Records `main`'s return value (`interp::run_slice`, as main returns,
    /// before its heap is freed).
    pub fn set_main_result(&self, text: String) {
        let _ = self.main_result.set(text);
    }

    // ---- the end of the program ----

    pub fn is_finished(&self) -> bool {
        self.finished.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Ends the program (first end wins) and wakes the thread waiting for it.
    pub fn finish(&self, end: ProgramEnd) {
        let mut e = self.end.lock();
        if e.is_some() {
            return;
        }
        self.flush();
        *e = Some(end);
        self.finished.store(true, std::sync::atomic::Ordering::Release);
        self.end_cv.notify_all();
        if let Some(s) = self.scheduler.get() {
            s.idle.notify_all();
        }
    }

    /// Blocks until the program ends.
    pub fn wait_end(&self) -> ProgramEnd {
        let mut e = self.end.lock();
        loop {
            if let Some(end) = e.take() {
                return end;
            }
            self.end_cv.wait(&mut e);
        }
    }

    /// `halt(Status)`: ends the program; the calling thread never returns
    /// to run more Erlang code.
    pub fn halt_program(&self, status: i32) -> ! {
        *self.halt.lock() = Some(status);
        self.finish(ProgramEnd::Halted(status));
        loop {
            std::thread::park();
        }
    }

    pub fn main_exited(&self, exception: &Option<(crate::exception::Class, Term, Term)>, reason: Term) {
        if self.stopping.load(std::sync::atomic::Ordering::Acquire) && exception.is_none() {
            // Killed by the orderly shutdown under way: init:stop halts.
            return;
        }
        match exception {
            Some((class, r, trace)) => {
                let mut description = crate::interp::describe_exception(*class, *r);
                let trace = crate::interp::trace_entries(*trace);
                // escript names the missing function: `undefined function m:f/0`.
                if r.is_atom_eq(atom::UNDEF) {
                    if let Some(top) = trace.first() {
                        description = format!("{description} {}:{}/{}", top.module, top.function, top.arity);
                    }
                }
                self.finish(ProgramEnd::Uncaught { description, trace });
            }
            None if reason.is_atom_eq(atom::NORMAL) => self.finish(ProgramEnd::Returned),
            None => {
                let description = crate::interp::describe_exception(crate::exception::Class::Exit, reason);
                self.finish(ProgramEnd::Uncaught { description, trace: Vec::new() });
            }
        }
    }

    /// OTP's error report for a process that died of an uncaught error.
    pub fn error_report(&self, pid: u64, reason: Term, trace: Term) {
        let mut h = crate::heap::Heap::new();
        let pair = h.tuple(&[reason, trace]);
        self.exit_report(pid, pair);
    }

    /// The same report for a process that died with exit value `value`.
    pub fn exit_report(&self, pid: u64, value: Term) {
        let text = crate::format::pretty::pretty(value, 0, 80, None, true);
        self.flush();
        eprintln!("=ERROR REPORT==== {} ===\nError in process <0.{pid}.0> with exit value:\n{text}\n", crate::clock::report_time());
    }

    /// Prints the deadlock report and ends the program.
    pub fn report_deadlock(&self) {
        if self.is_finished() {
            return;
        }
        let report = crate::deadlock::report(self);
        self.flush();
        eprint!("{report}");
        self.finish(ProgramEnd::Deadlock);
    }

    pub fn flush(&self) {
        let _ = self.stdout.lock().flush();
    }
}
