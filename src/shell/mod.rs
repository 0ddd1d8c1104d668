//! The interactive shell: `act` with no arguments, or `act shell`.
//!
//! Neighbours: `session.rs` owns the VM, whose main process is the Erlang
//! half of the shell (stdlib/shell_server.act); `compile.rs` turns an input
//! into a module that evaluates it against the bindings; `editor.rs` is the
//! rustyline helper (completion, colours, when an input is complete).
//!
//! On a terminal the shell prompts `N> `, edits with rustyline, keeps
//! `~/.act_history`, and colours its input. Otherwise (piped input) it
//! reads expressions until end of input and prints only the results, one
//! per line, and no prompts: `printf 'X = 2.\nX * 21.\n' | act` prints
//! `2` and `42`. (OTP 25's erl prints `Eshell V13.1.5  (abort with ^G)`,
//! `1> 2`, `2> 42`, `3> *** Terminating erlang (nonode@nohost)`, all on
//! stdout, exceptions included; the same results without the banner,
//! prompts and farewell are what a script wants.) Results go to stdout,
//! exceptions and compile errors to stderr; the exit status is 0 at end of
//! input, as erl's, or N after `halt(N)`.
//!
//! Not done: output a process writes while the editor waits for a line
//! shows up when the next input runs, not at once. rustyline's external
//! printer would do it, but with one attached its Unix reader waits in
//! `select` while keys it has already buffered go unread (rustyline 14 and
//! 17), so pasted input stalls.

mod compile;
mod editor;
mod session;

use act::diagnostic;
use act::syntax::{self, ast};
use compile::ShellFunctions;
use session::{Outcome, Session};
use std::io::{BufRead, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};

/// True while an evaluation runs: Ctrl-C then interrupts it (see `on_sigint`).
static EVALUATING: AtomicBool = AtomicBool::new(false);
/// With piped input, Ctrl-C while reading ends the shell.
static INTERACTIVE: AtomicBool = AtomicBool::new(false);

/// SIGINT: interrupt the evaluation (the waiting thread sends the kill),
/// or end a non-interactive shell. Only async-signal-safe calls here.
extern "C" fn on_sigint(_: libc::c_int) {
    if EVALUATING.load(Ordering::SeqCst) {
        session::INTERRUPTED.store(true, Ordering::SeqCst);
    } else if !INTERACTIVE.load(Ordering::SeqCst) {
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(130) };
    }
}

fn install_sigint() {
    // SAFETY: the handler only touches atomics and calls _exit.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as usize;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
    }
}

/// Runs the shell; returns the exit status.
pub fn main() -> i32 {
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    INTERACTIVE.store(interactive, Ordering::SeqCst);
    install_sigint();
    let color_err = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let session = match Session::start(color_err) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("act: {message}");
            return crate::cli::EXIT_USAGE;
        }
    };
    let mut shell = Shell { session, functions: ShellFunctions::default(), count: 1, color: color_err };
    if interactive {
        shell.run_terminal()
    } else {
        shell.run_piped()
    }
}

struct Shell {
    session: Session,
    functions: ShellFunctions,
    /// The number of the next prompt.
    count: u32,
    /// Whether diagnostics (stderr) may use colour.
    color: bool,
}

impl Shell {
    fn run_piped(&mut self) -> i32 {
        let stdin = std::io::stdin();
        let mut input = String::new();
        for line in stdin.lock().lines() {
            let Ok(line) = line else { break };
            input.push_str(&line);
            input.push('\n');
            if syntax::awaits_more_input(&input) {
                continue;
            }
            if let Some(status) = self.handle(&input) {
                return status;
            }
            input.clear();
        }
        if !input.trim().is_empty() {
            if let Some(status) = self.handle(&input) {
                return status;
            }
        }
        self.session.vm.flush();
        crate::cli::EXIT_OK
    }

    fn run_terminal(&mut self) -> i32 {
        use rustyline::config::Config;
        use rustyline::error::ReadlineError;
        use rustyline::history::FileHistory;
        let color = std::env::var_os("NO_COLOR").is_none();
        let config = Config::builder().auto_add_history(true).max_history_size(1000).unwrap_or_default().completion_type(rustyline::CompletionType::List).build();
        let mut rl: rustyline::Editor<editor::ShellHelper, FileHistory> = match rustyline::Editor::with_config(config) {
            Ok(rl) => rl,
            Err(e) => {
                eprintln!("act: cannot start the line editor: {e}");
                return self.run_piped();
            }
        };
        rl.set_helper(Some(editor::ShellHelper {
            vm: self.session.vm.clone(),
            bound: Vec::new(),
            local_functions: Vec::new(),
            color,
        }));
        rl.bind_sequence(
            rustyline::KeyEvent(rustyline::KeyCode::Enter, rustyline::Modifiers::NONE),
            rustyline::EventHandler::Conditional(Box::new(editor::EnterHandler)),
        );
        let history = std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".act_history"));
        if let Some(h) = &history {
            let _ = rl.load_history(h);
        }
        println!("Act shell (type help(). for commands, q(). or Ctrl-D to quit)");
        let status = loop {
            if let Some(status) = self.session.poll_idle() {
                break status;
            }
            for notice in std::mem::take(&mut self.session.notices) {
                eprintln!("{notice}");
            }
            if let Some(h) = rl.helper_mut() {
                h.bound = self.session.bound.clone();
                h.local_functions = self.functions.names().map(|(n, a)| (n.to_string(), a)).collect();
            }
            match rl.readline(&format!("{}> ", self.count)) {
                Ok(line) => {
                    if let Some(h) = &history {
                        let _ = rl.append_history(h);
                    }
                    if let Some(status) = self.handle(&editor::strip_padding(&line)) {
                        break status;
                    }
                }
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => break crate::cli::EXIT_OK,
                Err(e) => {
                    eprintln!("act: {e}");
                    break crate::cli::EXIT_USAGE;
                }
            }
        };
        self.session.vm.flush();
        status
    }

    /// Evaluates one complete input; `Some(status)` when the shell must exit.
    /// Evaluates each `.`-terminated input in `text` in turn, as erl does
    /// with `X = 1. Y = 2.` on one line; `Some(status)` when the shell must exit.
    fn handle(&mut self, text: &str) -> Option<i32> {
        for input in split_inputs(text) {
            if let Some(status) = self.handle_one(input) {
                return Some(status);
            }
        }
        None
    }

    fn handle_one(&mut self, text: &str) -> Option<i32> {
        let exprs = match syntax::parse_exprs(text) {
            Ok(exprs) if exprs.is_empty() => return None,
            Ok(exprs) => exprs,
            Err(diags) => {
                self.count += 1;
                if let Some(functions) = function_definitions(text) {
                    match self.functions.define(&functions, text, self.color) {
                        Ok((module, _)) => {
                            self.session.add_module(module);
                            println!("ok");
                        }
                        Err(rendered) => eprint!("{rendered}"),
                    }
                } else {
                    eprint!("{}", diagnostic::render(&diags, "shell", text, self.color));
                }
                return None;
            }
        };
        let n = self.count;
        self.count += 1;
        let outcome = match compile::forget_command(&exprs, &self.functions) {
            // erl: f(X) for an unbound X is fine too.
            Some(what) => self.session.forget(what),
            None => {
                let name = self.session.next_module_name();
                match compile::compile_input(&name, &exprs, text, &self.session.bound, &self.functions) {
                    Ok(compiled) => self.session.eval(compiled.module, n, text),
                    Err(diags) => {
                        eprint!("{}", diagnostic::render(&diags, "shell", text, self.color));
                        return None;
                    }
                }
            }
        };
        match outcome {
            Outcome::Value(v) => println!("{v}"),
            Outcome::Exception(e, line) => {
                eprintln!("{e}");
                if let Some(view) = line.and_then(|l| raised_at(text, l, self.color)) {
                    eprint!("{view}");
                }
            }
            Outcome::Ended(status) => return Some(status),
        }
        None
    }
}

/// `text` cut after each form-ending `.`; the last piece keeps what follows
/// (blanks, or an incomplete input the parser will report).
fn split_inputs(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for t in act::syntax::lexer::lex(text).tokens {
        if t.tok == act::syntax::token::Tok::Dot {
            let end = t.span.end as usize;
            pieces.push(&text[start..end]);
            start = end;
        }
    }
    if pieces.is_empty() || !text[start..].trim().is_empty() {
        pieces.push(&text[start..]);
    }
    pieces
}

/// For an input of several lines, a source view of the line an exception
/// was raised at (for one line the `** exception` text says it all).
fn raised_at(text: &str, line: u32, color: bool) -> Option<String> {
    let lines: Vec<&str> = text.trim_end().split('\n').collect();
    if lines.len() < 2 || line == 0 || line as usize > lines.len() {
        return None;
    }
    let start: usize = lines[..line as usize - 1].iter().map(|l| l.len() + 1).sum();
    let this = lines[line as usize - 1];
    let indent = this.len() - this.trim_start().len();
    let span = ast::Span::new(start + indent, start + this.trim_end().len());
    let d = diagnostic::Diagnostic {
        message: "the exception was raised here".into(),
        span,
        label: format!("line {line}"),
        secondary: Vec::new(),
        notes: Vec::new(),
    };
    Some(diagnostic::render(&[d], "shell", text, color))
}

/// The functions `text` defines, when it is nothing but function definitions.
fn function_definitions(text: &str) -> Option<Vec<ast::Function>> {
    let options = syntax::ParseOptions { file_name: "shell".into(), module_name: "shell".into() };
    let module = syntax::parse_module_with(text, &options).ok()?;
    let mut out = Vec::new();
    for form in module.forms {
        match form {
            ast::Form::Function(f) => out.push(f),
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}
