//! The shell's VM: started on its own thread running `shell_server:main/0`
//! (stdlib/shell_server.act), spoken to with messages to that process and
//! heard through `act_runtime::bif::shell`'s event channel.
//!
//! The line editor is the only user of a `Session`; it holds no terms: the
//! bindings and the result history live in the server process, and every
//! answer arrives as text.

use super::compile::Forget;
use crate::loader::{self, FileLoader};
use act_runtime::atom;
use act_runtime::bif::shell::{self, ShellEvent};
use act_runtime::heap::Heap;
use act_runtime::module::Module;
use act_runtime::signal::{Payload, Signal};
use act_runtime::term::Term;
use act_runtime::vm::{Loader, ProgramEnd, Vm};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

/// Set by the SIGINT handler while an evaluation runs (see `mod.rs`).
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// How often a waiting shell looks at `INTERRUPTED` and pushes the VM's
/// buffered output to the terminal: short enough to feel immediate.
const POLL: Duration = Duration::from_millis(20);

/// What an evaluation came to.
pub enum Outcome {
    Value(String),
    /// The `** exception` text, and the input line it was raised at.
    Exception(String, Option<u32>),
    /// The VM stopped (`halt/0,1`, `q()`): the shell exits with this status.
    Ended(i32),
}

pub struct Session {
    pub vm: Arc<Vm>,
    events: Receiver<ShellEvent>,
    server: u64,
    /// The variables bound now, as the server last reported them.
    pub bound: Vec<String>,
    /// Notices that arrived while no evaluation ran (printed before the next prompt).
    pub notices: Vec<String>,
    next_module: u32,
}

/// The shell's loader: modules beside the working directory, then the
/// stdlib, and files compiled on request (`c/1`).
struct ShellLoader {
    files: FileLoader,
    color: bool,
}

impl Loader for ShellLoader {
    fn load(&self, name: &str) -> Result<Option<Module>, String> {
        self.files.load(name)
    }

    fn compile_file(&self, path: &str) -> Result<Module, String> {
        let p = Path::new(path);
        let bytes = std::fs::read(p).map_err(|e| format!("act: cannot read '{path}': {}\n", crate::cli::io_error_text(&e)))?;
        let source = crate::cli::decode(bytes, path, self.color)?;
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        loader::compile_source(&source, path, &stem, self.color)
    }
}

impl Session {
    /// Starts the VM and waits until the server is ready.
    pub fn start(color: bool) -> Result<Session, String> {
        let vm = Vm::new(Box::new(ShellLoader { files: FileLoader::new(Path::new("."), color), color }));
        let (tx, events) = shell::connect();
        let runner = vm.clone();
        std::thread::Builder::new()
            .name("act-shell-vm".into())
            .spawn(move || {
                let status = match act_runtime::interp::run_main(&runner, atom::atom("shell_server"), &[], crate::cli::schedulers()) {
                    Ok(ProgramEnd::Halted(n)) => n,
                    Ok(ProgramEnd::Returned) => 0,
                    Ok(ProgramEnd::Uncaught { description, .. }) => {
                        eprintln!("act: the shell stopped: {description}");
                        crate::cli::EXIT_UNCAUGHT
                    }
                    Ok(ProgramEnd::Deadlock) => crate::cli::EXIT_DEADLOCK,
                    Ok(ProgramEnd::InternalError { .. }) => crate::cli::EXIT_INTERNAL_ERROR,
                    Err(message) => {
                        eprintln!("act: {message}");
                        crate::cli::EXIT_USAGE
                    }
                };
                let _ = tx.send(ShellEvent::Ended { status });
            })
            .map_err(|e| format!("cannot start the VM thread: {e}"))?;
        let server = match events.recv() {
            Ok(ShellEvent::Ready { pid }) => pid,
            Ok(ShellEvent::Ended { .. }) | Err(_) => return Err("the shell server did not start".into()),
            Ok(other) => return Err(format!("unexpected shell event {other:?}")),
        };
        Ok(Session { vm, events, server, bound: Vec::new(), notices: Vec::new(), next_module: 1 })
    }

    /// The name for the next input's module.
    pub fn next_module_name(&mut self) -> String {
        let n = self.next_module;
        self.next_module += 1;
        format!("$shell_{n}")
    }

    /// Runs module `name` (already compiled from input number `n`, `text`).
    pub fn eval(&mut self, module: Module, n: u32, text: &str) -> Outcome {
        let name = module.name;
        self.vm.add_module(module);
        self.send(|h| {
            // h() shows the input as erl does: without the final `.`.
            let chars: Vec<Term> = text.trim().trim_end_matches('.').trim_end().chars().map(|c| Term::small(c as i64)).collect();
            let text = h.list(&chars);
            h.tuple(&[Term::atom(atom::atom("$shell_eval")), Term::atom(name), Term::small(n as i64), text])
        });
        self.wait()
    }

    pub fn forget(&mut self, what: Forget) -> Outcome {
        self.send(|h| {
            let arg = match &what {
                Forget::All => Term::atom(atom::atom("all")),
                Forget::Variable(v) => h.list(&[Term::atom(atom::atom(v))]),
            };
            h.tuple(&[Term::atom(atom::atom("$shell_forget")), arg])
        });
        self.wait()
    }

    pub fn add_module(&self, module: Module) {
        self.vm.add_module(module);
    }

    /// Sends the server the term `build` makes.
    fn send(&self, build: impl FnOnce(&mut Heap) -> Term) {
        let mut heap = Heap::new();
        let term = build(&mut heap);
        self.vm.signal(self.server, Signal::Message(Payload::copy_of(term)));
    }

    /// Waits for the answer, passing Ctrl-C on as `'$shell_interrupt'` and
    /// the program's output on to the terminal meanwhile.
    fn wait(&mut self) -> Outcome {
        INTERRUPTED.store(false, Ordering::SeqCst);
        super::EVALUATING.store(true, Ordering::SeqCst);
        let outcome = loop {
            match self.events.recv_timeout(POLL) {
                Ok(ShellEvent::Value { text, bound }) => {
                    self.bound = bound;
                    break Outcome::Value(text);
                }
                Ok(ShellEvent::Exception { text, input_line }) => break Outcome::Exception(text, input_line),
                Ok(ShellEvent::Notice { text }) => {
                    self.vm.flush();
                    eprintln!("{text}");
                }
                Ok(ShellEvent::Ended { status }) => break Outcome::Ended(status),
                Ok(ShellEvent::Ready { .. }) => {}
                Err(RecvTimeoutError::Timeout) => {
                    self.vm.flush();
                    if INTERRUPTED.swap(false, Ordering::SeqCst) {
                        self.send(|_| Term::atom(atom::atom("$shell_interrupt")));
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break Outcome::Ended(0),
            }
        };
        super::EVALUATING.store(false, Ordering::SeqCst);
        self.vm.flush();
        outcome
    }

    /// Collects what arrived while idle: notices to print, or the VM's end.
    pub fn poll_idle(&mut self) -> Option<i32> {
        self.vm.flush();
        while let Ok(e) = self.events.try_recv() {
            match e {
                ShellEvent::Notice { text } => self.notices.push(text),
                ShellEvent::Ended { status } => return Some(status),
                _ => {}
            }
        }
        None
    }
}
