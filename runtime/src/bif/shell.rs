//! The bridge between the interactive shell (`act` with no arguments, whose
//! line editor lives in the `act` crate) and the Erlang half of the shell
//! (`stdlib/shell_server.act`, `stdlib/shell_default.act`).
//!
//! Rust talks to Erlang by sending ordinary messages to the shell server
//! process (`Vm::signal`). Erlang talks back through the BIFs here, which
//! turn terms into text on the calling process and post a [`ShellEvent`] on
//! a channel the line editor reads. No BIF here blocks: a scheduler thread
//! never waits for a person.
//!
//! Compiling a file (`c/1`) needs the compiler, which the runtime never
//! depends on; it goes through `Loader::compile_file`.

use super::BifDef;
use crate::atom;
use crate::exception::{BifResult, Class, Exception};
use crate::process::Process;
use crate::term::Term;
use parking_lot::Mutex;
use std::sync::mpsc::{channel, Receiver, Sender};

pub const BIFS: &[BifDef] = &[
    ("$act_shell", "ready", 0, ready),
    ("$act_shell", "result", 2, result),
    ("$act_shell", "exception", 3, exception),
    ("$act_shell", "notice", 2, notice),
    ("$act_shell", "compile_file", 1, compile_file),
    ("$act_shell", "reload", 1, reload),
];

/// What the Erlang half of the shell tells the line editor.
#[derive(Debug)]
pub enum ShellEvent {
    /// The shell server runs; messages may be sent to `pid`.
    Ready { pid: u64 },
    /// An evaluation finished: the value printed with `~p`, and the names of
    /// the variables bound afterwards.
    Value { text: String, bound: Vec<String> },
    /// An evaluation raised (or its process was killed): the `** exception
    /// ...` text, stack lines included, and the line of the input (1-based)
    /// where it was raised, when that is known.
    Exception { text: String, input_line: Option<u32> },
    /// Something the shell says unasked (a linked process killed the idle evaluator).
    Notice { text: String },
    /// The VM has stopped (posted by whoever waits for `run_main`).
    Ended { status: i32 },
}

/// The channel's sending end. One shell per OS process, so one global
/// (set by [`connect`]); BIFs called with no shell attached do nothing.
static EVENTS: Mutex<Option<Sender<ShellEvent>>> = parking_lot::const_mutex(None);

/// Attaches a shell: events from now on go to the returned receiver. The
/// sender is for the owner's own events (`Ended`).
pub fn connect() -> (Sender<ShellEvent>, Receiver<ShellEvent>) {
    let (tx, rx) = channel();
    *EVENTS.lock() = Some(tx.clone());
    (tx, rx)
}

fn post(e: ShellEvent) {
    if let Some(tx) = EVENTS.lock().as_ref() {
        let _ = tx.send(e);
    }
}

/// `'$act_shell':ready()`: called once by the shell server when it starts.
fn ready(p: &mut Process, _: &[Term]) -> BifResult {
    post(ShellEvent::Ready { pid: p.pid });
    Ok(Term::atom(atom::OK))
}

/// `'$act_shell':result(Value, BoundNames)`.
fn result(_: &mut Process, a: &[Term]) -> BifResult {
    // The shell prints a result after its prompt, as `io_lib_pretty` is
    // called by OTP's shell: column 1, line length 80.
    let text = crate::format::pretty::pretty(a[0], 1, 80, None, true);
    let bound = crate::list::to_vec(a[1])
        .ok_or_else(Exception::badarg)?
        .into_iter()
        .filter_map(|t| t.as_atom().map(|n| n.name().to_string()))
        .collect();
    post(ShellEvent::Value { text, bound });
    Ok(Term::atom(atom::OK))
}

/// `'$act_shell':exception(Class, Reason, Stacktrace)`: OTP's shell line,
/// `** exception error: ...`, then where it happened, leaving out the
/// frames of the shell's own code.
fn exception(_: &mut Process, a: &[Term]) -> BifResult {
    let class = class_of(a[0])?;
    let mut text = format!("** {}", crate::interp::describe_exception(class, a[1]));
    let mut first = true;
    let mut input_line = None;
    for entry in crate::interp::trace_entries(a[2]) {
        if input_line.is_none() && entry.module.starts_with("$shell_") && !entry.module.starts_with("$shell_fns") && entry.line > 0 {
            input_line = Some(entry.line);
        }
        if entry.module.starts_with("$shell") || entry.module.starts_with("shell_") || entry.module.starts_with("$act") {
            continue;
        }
        let lead = if first { "     in function  " } else { "     in call from " };
        first = false;
        let place = if entry.file.is_empty() || entry.line == 0 {
            String::new()
        } else {
            format!(" ({}, line {})", entry.file, entry.line)
        };
        text.push_str(&format!("\n{lead}{}:{}/{}{place}", entry.module, entry.function, entry.arity));
    }
    post(ShellEvent::Exception { text, input_line });
    Ok(Term::atom(atom::OK))
}

/// `'$act_shell':notice(Class, Reason)`: an exception nobody asked about.
fn notice(_: &mut Process, a: &[Term]) -> BifResult {
    let class = class_of(a[0])?;
    post(ShellEvent::Notice { text: format!("** {}", crate::interp::describe_exception(class, a[1])) });
    Ok(Term::atom(atom::OK))
}

fn class_of(t: Term) -> Result<Class, Exception> {
    match t.as_atom().map(|c| c.name()) {
        Some(c) if &*c == "error" => Ok(Class::Error),
        Some(c) if &*c == "throw" => Ok(Class::Throw),
        Some(c) if &*c == "exit" => Ok(Class::Exit),
        _ => Err(Exception::badarg()),
    }
}

/// `'$act_shell':compile_file(Path)`: `{ok, Module}`, or `error` after the
/// diagnostics are printed on stderr (as `c:c/1` prints them).
fn compile_file(p: &mut Process, a: &[Term]) -> BifResult {
    let path = crate::list::chardata_to_string(a[0])
        .or_else(|| a[0].as_atom().map(|n| n.name().to_string()))
        .ok_or_else(Exception::badarg)?;
    match p.vm.loader().compile_file(&path) {
        Ok(m) => {
            let name = m.name;
            p.vm.add_module(m);
            Ok(p.heap.tuple(&[Term::atom(atom::OK), Term::atom(name)]))
        }
        Err(message) => {
            p.vm.flush();
            eprint!("{message}");
            if !message.ends_with('\n') {
                eprintln!();
            }
            Ok(Term::atom(atom::ERROR))
        }
    }
}

/// `'$act_shell':reload(Module)`: loads the module's current source again
/// (`l/1`); the new version gets a new slot, so running code is unaffected.
fn reload(p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().ok_or_else(Exception::badarg)?;
    match p.vm.loader().load(&name.name()) {
        Ok(Some(m)) => {
            p.vm.add_module(m);
            Ok(p.heap.tuple(&[Term::atom(atom::atom("module")), Term::atom(name)]))
        }
        Ok(None) => Ok(p.heap.tuple(&[Term::atom(atom::ERROR), Term::atom(atom::atom("nofile"))])),
        Err(message) => {
            p.vm.flush();
            eprintln!("{message}");
            Ok(p.heap.tuple(&[Term::atom(atom::ERROR), Term::atom(atom::atom("badfile"))]))
        }
    }
}
