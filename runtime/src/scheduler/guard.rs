//! Catching Rust panics (VM bugs) on the VM's own threads, so that a bug
//! never hangs the VM.
//!
//! Two boundaries:
//! - **One process's time slice** (`scheduler::run_task`): a panic there
//!   kills that process alone, with reason `{internal_error, Message}`
//!   (`exit::discard_after_panic`, then the ordinary `exit::terminate`:
//!   its links and monitors fire, the error report and a line
//!   `act: internal error in <0.N.0>: MESSAGE (please report)` go to
//!   standard error), and the VM runs on. A panic in `main`'s slice ends
//!   the program with `ProgramEnd::InternalError` (exit status 70).
//! - **A whole VM thread** (`guard_thread`: scheduler workers, the timer
//!   thread): a panic outside any slice hit the VM's own bookkeeping (run
//!   queues, parking, a process's death, timers), whose state no process
//!   owns, so nothing can be discarded to recover. The VM ends at once with
//!   `ProgramEnd::InternalError` and a line `act: internal error in THREAD:
//!   MESSAGE (please report)`; the `act` command exits with status 70
//!   (EX_SOFTWARE). Before this boundary existed the thread died alone and
//!   the other workers waited forever for the processes it held.
//!
//! The panic hook: on a thread inside one of these boundaries it records
//! the panic's message and location for the boundary to report, instead of
//! printing Rust's "thread ... panicked at" text (the `act:` line carries
//! both). With `RUST_BACKTRACE` set it still prints the backtrace. Panics on
//! any other thread go to the hook that was installed before ours.

use crate::vm::{ProgramEnd, Vm};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Once};

thread_local! {
    /// How many boundaries this thread is inside (slices nest in workers).
    static GUARDED: Cell<u32> = const { Cell::new(0) };
    /// What the hook recorded for the panic now unwinding on this thread.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook once per OS process (the scheduler does it
/// before starting its threads).
pub fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) == 0 {
                return previous(info);
            }
            let mut text = payload_text(info.payload());
            if let Some(at) = info.location() {
                text = format!("{text}, at {}:{}:{}", at.file(), at.line(), at.column());
            }
            let trace = std::backtrace::Backtrace::capture();
            if trace.status() == std::backtrace::BacktraceStatus::Captured {
                eprintln!("act: backtrace of the internal error below:\n{trace}");
            }
            CAUGHT.with(|c| *c.borrow_mut() = Some(text));
        }));
    });
}

/// Runs `f`; a panic inside it comes back as `Err(message)` with the
/// message and location the hook recorded.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    GUARDED.with(|g| g.set(g.get() + 1));
    // AssertUnwindSafe: what a panic leaves behind is the caller's to
    // discard or to stop using; each boundary says which (module doc).
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get() - 1));
    result.map_err(|payload| {
        let recorded = CAUGHT.with(|c| c.borrow_mut().take());
        // A panic re-raised from a helper thread (`format::with_stack_for`)
        // was recorded there, not here: its payload still has the message.
        recorded.unwrap_or_else(|| payload_text(payload.as_ref()))
    })
}

/// Runs the body of VM thread `who`; a panic in it ends the program (see
/// the module doc). `vm` is `None` when the VM is already gone.
pub fn guard_thread(vm: impl FnOnce() -> Option<Arc<Vm>>, who: &str, body: impl FnOnce()) {
    install_hook();
    if let Err(message) = catch(body) {
        if let Some(vm) = vm() {
            vm.flush();
            eprintln!("act: internal error in {who}: {message} (please report)");
            vm.finish(ProgramEnd::InternalError { message });
        }
    }
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::module::Module;
    use crate::vm::Loader;

    struct NoLoader;
    impl Loader for NoLoader {
        fn load(&self, _: &str) -> Result<Option<Module>, String> {
            Ok(None)
        }
    }

    #[test]
    fn a_panic_outside_a_slice_ends_the_vm_with_an_internal_error() {
        install_hook();
        let vm = Vm::new(Box::new(NoLoader));
        let v = vm.clone();
        let t = std::thread::spawn(move || {
            guard_thread(|| Some(v.clone()), "a test thread", || panic!("bookkeeping broke"));
        });
        t.join().expect("the guard caught the panic");
        match vm.wait_end() {
            ProgramEnd::InternalError { message } => {
                assert!(message.starts_with("bookkeeping broke, at "), "{message}");
                assert!(message.contains("guard.rs:"), "{message}");
            }
            _ => panic!("the VM did not end with an internal error"),
        }
    }

    #[test]
    fn catch_returns_the_value_when_nothing_panics() {
        assert_eq!(catch(|| 6 * 7), Ok(42));
        assert_eq!(GUARDED.with(Cell::get), 0);
    }
}
