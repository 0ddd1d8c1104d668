//! Running an Act program inside another Rust program and getting back what
//! its `main` returned. The criterion benchmarks (`benches/vm.rs`) use it to
//! run small programs on a fresh VM in the benchmark's own process.
//!
//! The program is one self-contained module: the VM gets a loader that finds
//! no other module, so only the program's own functions and the BIFs
//! (`erlang:*` and the other native modules) can be called; the stdlib
//! modules written in Act (`lists`, `io`, `timer`...) belong to the `act`
//! command, not to this library.

use crate::compiler::{self, Options};
use crate::diagnostic;
use crate::syntax::{self, ParseOptions};
use act_runtime::module::Module;
use act_runtime::vm::{Loader, ProgramEnd, Vm};

/// A loader that finds nothing beyond the modules added up front.
struct NoModules;

impl Loader for NoModules {
    fn load(&self, _name: &str) -> Result<Option<Module>, String> {
        Ok(None)
    }
}

/// Compiles `source` as module `name` (unless it says `-module`), runs its
/// `main/1` with `args` as a list of strings (or `main/0`) on `schedulers`
/// scheduler threads, waits for the program to end and returns what `main`
/// returned, written as `~w` writes it (`{1,ok}`, `[1,2]`, `<<97>>`).
///
/// `Err` holds the rendered compile diagnostics, or says how the program
/// ended instead of returning: an uncaught exception, `halt/1`, a deadlock.
/// Each call makes a new VM whose threads end with the program; processes
/// still alive when `main` returns are not waited for.
pub fn run(source: &str, name: &str, args: &[String], schedulers: usize) -> Result<String, String> {
    let file_name = format!("{name}.act");
    let parse = ParseOptions { file_name: file_name.clone(), module_name: name.to_owned() };
    let opts = Options { file_name: file_name.clone(), module_name: name.to_owned(), source };
    let module = syntax::parse_module_with(source, &parse)
        .and_then(|ast| compiler::compile(&ast, &opts))
        .map_err(|diags| diagnostic::render(&diags, &file_name, source, false))?;
    let vm = Vm::new(Box::new(NoModules));
    let module_name = module.name;
    vm.add_module(module);
    let end = act_runtime::interp::run_main(&vm, module_name, args, schedulers)?;
    match end {
        ProgramEnd::Returned => vm
            .main_result()
            .map(str::to_owned)
            .ok_or_else(|| "main returned, but its value was not recorded".to_owned()),
        ProgramEnd::Halted(status) => Err(format!("the program called halt({status})")),
        ProgramEnd::Uncaught { description, .. } => Err(description),
        ProgramEnd::Deadlock => Err("deadlock: no process can run again".to_owned()),
        ProgramEnd::InternalError { message } => Err(format!("internal error: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use super::run;

    #[test]
    fn returns_what_main_returned() {
        let src = "main([A]) -> {ok, list_to_integer(A) + 1, [x, <<\"b\">>]}.";
        assert_eq!(run(src, "t", &["41".to_owned()], 1), Ok("{ok,42,[x,<<98>>]}".to_owned()));
    }

    #[test]
    fn main_0_and_a_value_from_another_process() {
        let src = "main() -> P = self(), spawn(fun() -> P ! {r, 6 * 7} end), receive {r, X} -> X end.";
        assert_eq!(run(src, "t", &[], 2), Ok("42".to_owned()));
    }

    #[test]
    fn compile_errors_and_exceptions_are_errors() {
        let err = run("main(_) -> X.", "t", &[], 1).unwrap_err();
        assert!(err.contains("unbound"), "{err}");
        let err = run("main(_) -> 1 + a.", "t", &[], 1).unwrap_err();
        assert!(err.contains("arithmetic expression"), "{err}");
        let err = run("main(_) -> lists:seq(1, 3).", "t", &[], 1).unwrap_err();
        assert!(err.contains("undef"), "{err}");
    }
}
