//! A Rust panic in a process's time slice (a VM bug) kills that process
//! alone, with reason `{internal_error, Message}`; the VM runs on
//! (`runtime/src/scheduler/guard.rs`). Before, the scheduler thread died
//! and the VM hung.
//!
//! The panic comes from the one piece of Rust the embedder supplies and a
//! process runs inside its slice: the `Loader`. Calling a module that is
//! not loaded makes the process ask the loader for it, and this loader
//! panics for the module `boom`, so no test-only code is needed in the VM.

use act::compiler::{self, Options};
use act::syntax::{self, ParseOptions};
use act_runtime::module::Module;
use act_runtime::vm::{Loader, ProgramEnd, Vm};

struct PanickingLoader;

impl Loader for PanickingLoader {
    fn load(&self, name: &str) -> Result<Option<Module>, String> {
        if name == "boom" {
            panic!("the loader broke on {name}");
        }
        Ok(None)
    }
}

/// Runs `source`'s `main/0` on `schedulers` threads with the panicking
/// loader; returns how the program ended and what main returned.
fn run(source: &str, schedulers: usize) -> (ProgramEnd, Option<String>) {
    let parse = ParseOptions { file_name: "t.act".into(), module_name: "t".into() };
    let opts = Options { file_name: "t.act".into(), module_name: "t".into(), source };
    let module = syntax::parse_module_with(source, &parse)
        .and_then(|ast| compiler::compile(&ast, &opts))
        .unwrap_or_else(|_| panic!("the test program does not compile"));
    let vm = Vm::new(Box::new(PanickingLoader));
    let name = module.name;
    vm.add_module(module);
    let end = act_runtime::interp::run_main(&vm, name, &[], schedulers).expect("main starts");
    (end, vm.main_result().map(str::to_owned))
}

#[test]
fn a_panicking_process_dies_alone_and_its_link_and_monitor_fire() {
    // The linked process traps exits; the monitor's 'DOWN' carries the same
    // reason; a process spawned afterwards still runs (the VM goes on), and
    // main returns normally.
    let src = r#"
main() ->
    process_flag(trap_exit, true),
    Pid = spawn_link(fun() -> boom:go() end),
    Ref = monitor(process, Pid),
    Exit = receive {'EXIT', Pid, {internal_error, M1}} when is_binary(M1) -> M1 end,
    Down = receive {'DOWN', Ref, process, Pid, {internal_error, M2}} -> M2 end,
    Me = self(),
    spawn(fun() -> Me ! {alive, 6 * 7} end),
    After = receive {alive, N} -> N end,
    {Exit =:= Down, is_process_alive(Pid), After, binary:part(Exit, 0, 24) =:= <<"the loader broke on boom">>}.
"#;
    for schedulers in [1, 2] {
        let (end, result) = run(src, schedulers);
        assert!(matches!(end, ProgramEnd::Returned), "schedulers={schedulers}");
        assert_eq!(result.as_deref(), Some("{true,false,42,true}"));
    }
}

#[test]
fn a_panic_in_main_ends_the_program_with_an_internal_error() {
    let (end, _) = run("main() -> boom:go().", 1);
    match end {
        ProgramEnd::InternalError { message } => {
            assert!(message.starts_with("the loader broke on boom, at "), "{message}");
            assert!(message.contains("internal_error.rs:"), "{message}");
        }
        _ => panic!("main's panic did not end the program with an internal error"),
    }
}
