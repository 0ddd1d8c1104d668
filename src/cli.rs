//! The `act` command: argument parsing, file reading, and turning each
//! outcome into a message and an exit status. All of the command's IO lives
//! here and in `loader.rs`; the compiler it drives is pure.
//!
//! Exit statuses (README.md lists them for users):
//! 0 the program returned (or `check` found nothing wrong);
//! 1 compile errors, or a deadlock (no process can run again before `main`
//! returns); 2 usage errors (bad flags, a file that cannot be read or is not
//! UTF-8, a script without `main/1` or `main/0`); 127 an uncaught exception,
//! as escript; 70 an internal error (a VM bug: a Rust panic in `main`, or
//! in the VM outside any process); N when the program called `halt(N)`.

use crate::loader::{self, FileLoader};
use act::diagnostic;
use act_runtime::atom;
use act_runtime::interp;
use act_runtime::vm::ProgramEnd;
use act_runtime::module::Module;
use act_runtime::opcode::Op;
use act_runtime::vm::Vm;
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub const EXIT_OK: i32 = 0;
pub const EXIT_COMPILE_ERROR: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
/// What escript exits with when `main` raises; kept so scripts and their
/// callers can treat Act and escript alike.
pub const EXIT_UNCAUGHT: i32 = 127;
/// Every process is blocked forever (the deadlock report is on stderr).
pub const EXIT_DEADLOCK: i32 = 1;
/// A VM bug ended the program (`act: internal error ...` on stderr):
/// sysexits' EX_SOFTWARE. Not 127, so that a script can tell a bug in Act
/// from an exception in the program.
pub const EXIT_INTERNAL_ERROR: i32 = 70;

#[derive(Parser, Debug)]
#[command(
    name = "act",
    version,
    about = "Act: an Erlang-compatible actor language and virtual machine",
    long_about = None,
    after_help = "Exit status: 0 ok, 1 compile errors or deadlock, 2 usage errors, \
                  127 uncaught exception, 70 internal error (a bug in Act), N after halt(N).\n\
                  Environment: ACT_SCHEDULERS=N scheduler threads (default: one per core); \
                  ACT_MAX_PROCESS_HEAP=BYTES the most heap and stack one process may use \
                  (k, m, g suffixes; 0 for no ceiling; default: a quarter of memory).",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Scheduler threads (default: one per core; also `+S N` as in erl,
    /// or the environment variable ACT_SCHEDULERS).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    schedulers: Option<u32>,

    /// The most processes alive at once (default 1,048,576; also `+P N` as
    /// in erl): spawning past it raises `system_limit`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=134_217_728))]
    max_processes: Option<u64>,

    /// The program to run: its main/1 gets ARGS as a list of strings
    /// (main/0 is called when there is no main/1).
    #[arg(value_name = "FILE.act")]
    file: Option<PathBuf>,

    /// Arguments for the program; everything after FILE is passed on as is.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, requires = "file")]
    args: Vec<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse and compile each file, reporting every error; run nothing.
    Check {
        #[arg(required = true, value_name = "FILE.act")]
        files: Vec<PathBuf>,
    },
    /// The interactive shell (also what `act` with no arguments starts).
    Shell,
    /// Print each function's bytecode beside its source lines.
    Disasm {
        #[arg(value_name = "FILE.act")]
        file: PathBuf,
    },
}

/// Parses the command line, does what it asks and returns the exit status.
pub fn main() -> i32 {
    let cli = Cli::parse_from(erl_style_flags(std::env::args().collect()));
    if let Err(message) = act_runtime::heap_limit::configured_ceiling_words() {
        eprintln!("act: {message}");
        return EXIT_USAGE;
    }
    if let Some(n) = cli.schedulers {
        let _ = SCHEDULERS.set(n as usize);
    }
    if let Some(n) = cli.max_processes {
        let _ = MAX_PROCESSES.set(n as usize);
    }
    match cli.command {
        Some(Command::Check { files }) => check(&files),
        Some(Command::Disasm { file }) => disasm(&file),
        Some(Command::Shell) => crate::shell::main(),
        None => match cli.file {
            Some(file) => run(&file, &cli.args),
            None => crate::shell::main(),
        },
    }
}

/// Whether diagnostics on stderr may use colour.
fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// An IO error as a person reads it: "No such file or directory", without
/// std's " (os error 2)".
pub fn io_error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Reads a source file, or says why not (usage error, already printed).
fn read_source(path: &Path) -> Result<String, i32> {
    let bytes = std::fs::read(path).map_err(|e| {
        eprintln!("act: cannot read '{}': {}", path.display(), io_error_text(&e));
        EXIT_USAGE
    })?;
    decode(bytes, &path.display().to_string(), color()).map_err(|rendered| {
        eprint!("{rendered}");
        EXIT_USAGE
    })
}

/// Bytes to text; invalid UTF-8 is a diagnostic pointing at the first bad byte.
pub fn decode(bytes: Vec<u8>, file_name: &str, color: bool) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let bad = act::syntax::decode_source(e.as_bytes()).expect_err("from_utf8 failed, so must this");
        diagnostic::render(&[bad.diagnostic], file_name, &bad.lossy, color)
    })
}

/// The module name a file gets when it has no `-module` attribute.
fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Reads and compiles one file; on failure prints why and returns the status.
fn compile_file(path: &Path) -> Result<Module, i32> {
    let source = read_source(path)?;
    let file_name = path.display().to_string();
    loader::compile_source(&source, &file_name, &stem(path), color()).map_err(|rendered| {
        eprint!("{rendered}");
        if !rendered.ends_with('\n') {
            eprintln!();
        }
        EXIT_COMPILE_ERROR
    })
}

fn check(files: &[PathBuf]) -> i32 {
    let mut status = EXIT_OK;
    for file in files {
        if let Err(code) = compile_file(file) {
            // A usage error (unreadable file) outranks a compile error.
            status = status.max(code);
        }
    }
    status
}

fn run(file: &Path, args: &[String]) -> i32 {
    let module = match compile_file(file) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let has_main = [1, 0].iter().any(|&arity| module.function(atom::atom("main"), arity).is_some());
    if !has_main {
        eprintln!("act: {} has no function main/1 (or main/0) to run", file.display());
        return EXIT_USAGE;
    }
    // Modules the program calls are looked for beside it, then in the stdlib.
    let dir = file.parent().unwrap_or(Path::new(""));
    let vm = Vm::new(Box::new(FileLoader::new(dir, color())));
    let name = module.name;
    vm.add_module(module);
    if let Some(&n) = MAX_PROCESSES.get() {
        vm.registry.max_processes.store(n, std::sync::atomic::Ordering::Relaxed);
    }
    graceful_shutdown_on_signals(&vm);
    let end = match interp::run_main(&vm, name, args, schedulers()) {
        Ok(end) => end,
        Err(message) => {
            vm.flush();
            eprintln!("act: {message}");
            return EXIT_USAGE;
        }
    };
    // Everything the program printed goes out before any message of ours.
    vm.flush();
    match end {
        ProgramEnd::Returned => EXIT_OK,
        ProgramEnd::Halted(status) => status,
        ProgramEnd::Uncaught { description, trace } => {
            eprintln!("act: {description}");
            for (i, entry) in trace.iter().enumerate() {
                eprintln!("{}", trace_line(i, entry));
            }
            EXIT_UNCAUGHT
        }
        ProgramEnd::Deadlock => EXIT_DEADLOCK,
        ProgramEnd::InternalError { .. } => EXIT_INTERNAL_ERROR,
    }
}

/// SIGTERM and a first Ctrl-C stop the program gracefully: a process runs
/// `init:stop()` (top supervisors and servers terminate in reverse start
/// order, their `terminate/2` callbacks run, then the program exits 0). A
/// second Ctrl-C exits at once with status 130 (128 + SIGINT), as a shell
/// expects of an interrupted program.
fn graceful_shutdown_on_signals(vm: &std::sync::Arc<Vm>) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else { return };
    let vm = vm.clone();
    std::thread::Builder::new()
        .name("act-signals".into())
        .spawn(move || {
            let mut stopping = false;
            for sig in signals.forever() {
                if stopping {
                    if sig == SIGINT {
                        vm.flush();
                        std::process::exit(130);
                    }
                    continue;
                }
                stopping = true;
                let stop = act_runtime::spawn::spawn_call(&vm, atom::atom("init"), atom::atom("stop"));
                if stop.is_err() {
                    vm.flush();
                    std::process::exit(if sig == SIGINT { 130 } else { 143 });
                }
            }
        })
        .ok();
}

/// Scheduler threads: `ACT_SCHEDULERS`, else one per core.
/// `act +S 4 +P 1000 prog.act` as erl spells them: rewritten to the long
/// flags before clap parses (only before the program file; its own
/// arguments are passed on untouched).
fn erl_style_flags(args: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut it = args.into_iter();
    out.extend(it.next());
    while let Some(a) = it.next() {
        match a.as_str() {
            "+S" => out.push("--schedulers".into()),
            "+P" => out.push("--max-processes".into()),
            _ => {
                let is_flag = a.starts_with('-');
                out.push(a);
                if !is_flag {
                    break;
                }
                continue;
            }
        }
        out.extend(it.next());
    }
    out.extend(it);
    out
}

static SCHEDULERS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
static MAX_PROCESSES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

pub(crate) fn schedulers() -> usize {
    if let Some(&n) = SCHEDULERS.get() {
        return n;
    }
    std::env::var("ACT_SCHEDULERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

/// One line of an uncaught exception's stack trace, as escript prints it:
/// `  in function  m:f/1 (m.act, line 3)`, then `  in call from ...`.
fn trace_line(depth: usize, entry: &interp::StackEntry) -> String {
    let lead = if depth == 0 { "in function " } else { "in call from" };
    let place = if entry.file.is_empty() {
        String::new()
    } else if entry.line == 0 {
        format!(" ({})", entry.file)
    } else {
        format!(" ({}, line {})", entry.file, entry.line)
    };
    format!("  {lead} {}:{}/{}{place}", entry.module, entry.function, entry.arity)
}

fn disasm(file: &Path) -> i32 {
    let module = match compile_file(file) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let mut out = String::new();
    write_disasm(&module, &mut out).expect("writing to a String cannot fail");
    print!("{out}");
    EXIT_OK
}

/// The listing `act disasm` prints: per function a header, then one
/// instruction per line with its index and, where it changes, its source line.
pub fn write_disasm(module: &Module, out: &mut String) -> std::fmt::Result {
    use std::fmt::Write;
    writeln!(out, "module {} ({})", module.name.name(), module.file)?;
    for (index, func) in module.functions.iter().enumerate() {
        let exported = module.exports.values().any(|&i| i as usize == index);
        writeln!(out)?;
        write!(out, "{}/{}", func.name.name(), func.arity)?;
        if func.display_name != func.name {
            write!(out, " ({})", func.display_name.name())?;
        }
        writeln!(
            out,
            "  [{} registers{}]",
            func.frame_size,
            if exported { ", exported" } else { "" }
        )?;
        let mut lines = func.lines.iter().peekable();
        for (pc, op) in func.code.iter().enumerate() {
            let mut line = None;
            while let Some(&&(start, l)) = lines.peek() {
                if start as usize > pc {
                    break;
                }
                line = Some(l);
                lines.next();
            }
            match line {
                Some(l) => write!(out, "{l:>6} ")?,
                None => write!(out, "{:>6} ", "")?,
            }
            let mut operands = String::new();
            op.fmt_operands(&mut operands)?;
            // A BIF's registry index changes whenever a BIF is added; its
            // name does not, and keeps golden listings (tests/disasm) stable.
            if let Op::CallBif { bif, .. } = *op {
                let b = act_runtime::bif::get(bif);
                let name = format!("bif={}:{}/{}", b.module.name(), b.name.name(), b.arity);
                operands = operands.replacen(&format!("bif={bif}"), &name, 1);
            }
            let text = format!("{:<20} {operands}", op.name());
            match callee(module, op) {
                Some(note) => writeln!(out, "{pc:>5}  {text}  ; {note}")?,
                None => writeln!(out, "{pc:>5}  {}", text.trim_end())?,
            }
        }
    }
    if !module.imports.is_empty() {
        writeln!(out)?;
        writeln!(out, "imports:")?;
        for (i, imp) in module.imports.iter().enumerate() {
            writeln!(out, "{i:>6}  {}:{}/{}", imp.module.name(), imp.function.name(), imp.arity)?;
        }
    }
    Ok(())
}

/// What a call instruction calls, by name, so a listing reads without the
/// function and import tables at hand.
fn callee(module: &Module, op: &Op) -> Option<String> {
    let local = |func: u32| {
        let f = module.functions.get(func as usize)?;
        Some(format!("{}/{}", f.display_name.name(), f.arity))
    };
    let import = |i: u32| {
        let imp = module.imports.get(i as usize)?;
        Some(format!("{}:{}/{}", imp.module.name(), imp.function.name(), imp.arity))
    };
    match *op {
        Op::Call { func, .. } | Op::TailCall { func, .. } => local(func),
        Op::CallExt { import: i, .. } | Op::TailCallExt { import: i, .. } => import(i),
        Op::MakeFun { lambda, .. } => local(module.lambdas.get(lambda as usize)?.func),
        _ => None,
    }
}
