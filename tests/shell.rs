//! The interactive shell (`act` with no arguments), driven the way a person
//! uses it: in a pseudo-terminal (expectrl), keys in, screen text out; and
//! with piped input, as scripts use it. Every wait is for expected output
//! with a time limit, never a sleep.

use expectrl::session::Session;
use expectrl::Eof;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const ACT: &str = env!("CARGO_BIN_EXE_act");

/// How long one expected piece of output may take (a debug build, a busy
/// machine running the other tests in parallel).
const WAIT: Duration = Duration::from_secs(10);

/// A fresh directory (working directory and HOME) for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shell").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

type Pty = Session;

/// `act` in a pseudo-terminal, in `dir` with HOME=`dir`, colours off.
fn shell(dir: &Path) -> Pty {
    shell_with(dir, true)
}

fn shell_with(dir: &Path, no_color: bool) -> Pty {
    let mut cmd = Command::new(ACT);
    cmd.current_dir(dir).env("HOME", dir).env("TERM", "xterm").env("ACT_SCHEDULERS", "2");
    if no_color {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    let mut session = Session::spawn(cmd).expect("spawn act in a pty");
    session.set_expect_timeout(Some(WAIT));
    session
}

/// Types `line` and Enter.
fn enter(s: &mut Pty, line: &str) {
    s.send(format!("{line}\r")).unwrap();
}

fn expect(s: &mut Pty, text: &str) {
    if let Err(e) = s.expect(text) {
        panic!("waiting for {text:?}: {e}");
    }
}

fn quit(mut s: Pty) {
    s.send([4u8]).unwrap(); // Ctrl-D on an empty line
    s.expect(Eof).expect("the shell exits on Ctrl-D");
    let status = s.get_process().wait().unwrap();
    assert!(matches!(status, expectrl::WaitStatus::Exited(_, 0)), "exit status {status:?}");
}

#[test]
fn prompts_bindings_and_badmatch() {
    let dir = scratch("bindings");
    let mut s = shell(&dir);
    expect(&mut s, "1> ");
    enter(&mut s, "X = 5.");
    expect(&mut s, "\r\n5\r\n");
    expect(&mut s, "2> ");
    enter(&mut s, "X + 1.");
    expect(&mut s, "\r\n6\r\n");
    expect(&mut s, "3> ");
    enter(&mut s, "X = 6.");
    expect(&mut s, "** exception error: no match of right hand side value 6");
    expect(&mut s, "4> ");
    // The evaluator was replaced; the bindings were not.
    enter(&mut s, "X * 2.");
    expect(&mut s, "\r\n10\r\n");
    expect(&mut s, "5> ");
    quit(s);
}

#[test]
fn multi_line_input() {
    let dir = scratch("multiline");
    let mut s = shell(&dir);
    expect(&mut s, "1> ");
    enter(&mut s, "L = [1,");
    expect(&mut s, "\r\n.. "); // the continuation prompt
    enter(&mut s, "2, 3],");
    enter(&mut s, "lists:sum(L).");
    expect(&mut s, "\r\n6\r\n");
    expect(&mut s, "2> ");
    quit(s);
}

#[test]
fn error_then_working_expression_and_forget() {
    let dir = scratch("forget");
    let mut s = shell(&dir);
    expect(&mut s, "1> ");
    enter(&mut s, "A = 1, B = 2.");
    expect(&mut s, "\r\n2\r\n");
    expect(&mut s, "2> ");
    enter(&mut s, "atom_to_list(42).");
    expect(&mut s, "** exception error: bad argument");
    expect(&mut s, "3> ");
    enter(&mut s, "f(A).");
    expect(&mut s, "\r\nok\r\n");
    expect(&mut s, "4> ");
    enter(&mut s, "A = 7, A + B.");
    expect(&mut s, "\r\n9\r\n");
    expect(&mut s, "5> ");
    enter(&mut s, "f().");
    expect(&mut s, "\r\nok\r\n");
    expect(&mut s, "6> ");
    enter(&mut s, "B = 3.");
    expect(&mut s, "\r\n3\r\n");
    expect(&mut s, "7> ");
    quit(s);
}

#[test]
fn c_loads_a_module_and_flush_empties_the_mailbox() {
    let dir = scratch("cload");
    std::fs::write(dir.join("greet.act"), "-module(greet).\n-export([hi/1]).\nhi(N) -> {hello, N}.\n").unwrap();
    let mut s = shell(&dir);
    expect(&mut s, "1> ");
    enter(&mut s, "c(\"greet.act\").");
    expect(&mut s, "\r\n{ok,greet}\r\n");
    expect(&mut s, "2> ");
    enter(&mut s, "greet:hi(7).");
    expect(&mut s, "\r\n{hello,7}\r\n");
    expect(&mut s, "3> ");
    enter(&mut s, "self() ! one, self() ! {two, 2}, flush().");
    expect(&mut s, "Shell got one\r\nShell got {two,2}\r\nok\r\n");
    expect(&mut s, "4> ");
    quit(s);
}

#[test]
fn ctrl_c_interrupts_an_evaluation() {
    let dir = scratch("ctrlc");
    let mut s = shell(&dir);
    expect(&mut s, "1> ");
    enter(&mut s, "Y = 3.");
    expect(&mut s, "2> ");
    // The message shows the evaluation has started (the echo of the input
    // does not contain it), so the Ctrl-C reaches the evaluation, not the editor.
    enter(&mut s, "io:format(\"wait~s~n\", [\"ing\"]), receive after infinity -> ok end.");
    expect(&mut s, "waiting");
    s.send([3u8]).unwrap();
    expect(&mut s, "** exception exit: killed");
    expect(&mut s, "3> ");
    enter(&mut s, "Y + 1.");
    expect(&mut s, "\r\n4\r\n");
    expect(&mut s, "4> ");
    quit(s);
}

#[test]
fn history_survives_a_restart() {
    let dir = scratch("history");
    let mut s = shell(&dir);
    expect(&mut s, "1> ");
    enter(&mut s, "[N * 2 ||");
    enter(&mut s, "N <- [20, 1]].");
    expect(&mut s, "\r\n[40,2]\r\n");
    expect(&mut s, "2> ");
    quit(s);
    let mut s = shell(&dir);
    expect(&mut s, "1> ");
    s.send("\x1b[A").unwrap(); // Up: the two-line entry comes back whole
    s.send("\r").unwrap();
    expect(&mut s, "\r\n[40,2]\r\n");
    expect(&mut s, "2> ");
    quit(s);
}

#[test]
fn tab_completes_module_functions() {
    let dir = scratch("completion");
    let mut s = shell(&dir);
    expect(&mut s, "1> ");
    s.send("lists:rev\t").unwrap();
    s.send("[1, 2]).\r").unwrap();
    expect(&mut s, "\r\n[2,1]\r\n");
    expect(&mut s, "2> ");
    quit(s);
}

#[test]
fn input_is_coloured_on_a_terminal() {
    let dir = scratch("colour");
    let mut s = shell_with(&dir, false);
    expect(&mut s, "1> ");
    s.send("X = {ok, \"s\", 4").unwrap();
    // Variable blue, atom cyan, string green, number yellow.
    expect(&mut s, "\x1b[34mX\x1b[0m = {\x1b[36mok\x1b[0m, \x1b[32m\"s\"\x1b[0m, \x1b[33m4\x1b[0m");
    s.send("}").unwrap();
    // The cursor is just after `}`: both braces are marked.
    expect(&mut s, "\x1b[1;7m{\x1b[0m");
    s.send(".\r").unwrap();
    expect(&mut s, "\r\n{ok,\"s\",4}\r\n");
    expect(&mut s, "2> ");
    quit(s);
}

#[test]
fn halt_ends_the_shell_with_its_status() {
    let dir = scratch("halt");
    let mut s = shell(&dir);
    expect(&mut s, "1> ");
    enter(&mut s, "halt(3).");
    s.expect(Eof).unwrap();
    let status = s.get_process().wait().unwrap();
    assert!(matches!(status, expectrl::WaitStatus::Exited(_, 3)), "exit status {status:?}");
}

#[test]
fn shell_functions() {
    let dir = scratch("functions");
    let mut s = shell(&dir);
    expect(&mut s, "1> ");
    enter(&mut s, "add(A, B) -> A + B.");
    expect(&mut s, "\r\nok\r\n");
    expect(&mut s, "2> ");
    enter(&mut s, "add(2, 40).");
    expect(&mut s, "\r\n42\r\n");
    expect(&mut s, "3> ");
    quit(s);
}

// ---- piped input ----

struct Piped {
    stdout: String,
    stderr: String,
    status: Option<i32>,
}

fn piped(input: &str) -> Piped {
    piped_with(input, &[])
}

/// Runs the shell on `input` in a fresh directory holding `files`.
fn piped_with(input: &str, files: &[(&str, &str)]) -> Piped {
    use std::io::Write;
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = scratch(&format!("piped{}", RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst)));
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let mut child = Command::new(ACT)
        .current_dir(&dir)
        .env("HOME", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Piped {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code(),
    }
}

#[test]
fn piped_input_prints_results_only() {
    let run = piped("X = 2.\nX * 21.\n");
    assert_eq!(run.stdout, "2\n42\n");
    assert_eq!(run.stderr, "");
    assert_eq!(run.status, Some(0));
}

#[test]
fn piped_errors_go_to_stderr_and_evaluation_goes_on() {
    let run = piped("X = 1.\nX = 2.\nY = X + \n 1.\nfoo(.\nY.\n");
    assert_eq!(run.stdout, "1\n2\n2\n");
    assert!(run.stderr.contains("** exception error: no match of right hand side value 2"), "{}", run.stderr);
    assert!(run.stderr.contains("syntax error") || run.stderr.contains("Error"), "{}", run.stderr);
    assert_eq!(run.status, Some(0));
}

#[test]
fn piped_halt_sets_the_status() {
    let run = piped("io:format(\"bye~n\"), halt(4).\n5.\n");
    assert_eq!(run.stdout, "bye\n");
    assert_eq!(run.status, Some(4));
}

#[test]
fn piped_processes_and_messages() {
    let run = piped(
        "P = self(), spawn(fun() -> P ! {done, 6 * 7} end), receive {done, N} -> N after 5000 -> timeout end.\n\
         receive _ -> got after 0 -> empty end.\n\
         v(1) + 1.\n",
    );
    assert_eq!(run.stdout, "42\nempty\n43\n");
    assert_eq!(run.status, Some(0));
}

#[test]
fn piped_several_inputs_on_one_line() {
    let run = piped("X = 1. Y = X + 1.\nadd(A, B) -> A + B. add(X, Y).\n% a comment\n\nv(1).\n");
    assert_eq!(run.stdout, "1\n2\nok\n3\n1\n");
    assert_eq!(run.status, Some(0));
}

#[test]
fn piped_commands() {
    let counter = "-module(counter).\n-export([n/0]).\nn() -> 1.\n";
    let run = piped_with(
        "c(counter).\ncounter:n().\nl(counter).\nl(no_such_module).\nregister(me, self()).\ni().\nregs().\nb().\n",
        &[("counter.act", counter)],
    );
    let expected_start = "{ok,counter}\n1\n{module,counter}\n{error,nofile}\ntrue\n";
    assert!(run.stdout.starts_with(expected_start), "{}", run.stdout);
    assert!(run.stdout.contains("shell_server:main/0"), "i() lists the shell server:\n{}", run.stdout);
    assert!(run.stdout.contains("erlang:apply/2 (me)"), "i() names registered processes:\n{}", run.stdout);
    assert!(run.stdout.contains("\nme "), "regs() lists me:\n{}", run.stdout);
    assert_eq!(run.status, Some(0));
}

#[test]
fn piped_compile_errors_are_reported_and_the_shell_goes_on() {
    let run = piped_with("c(\"broken.act\").\nQ + 1.\n7.\n", &[("broken.act", "-module(broken).\nf( -> 1.\n")]);
    assert_eq!(run.stdout, "error\n7\n");
    assert!(run.stderr.contains("variable 'Q' is unbound"), "{}", run.stderr);
    assert!(run.stderr.contains("broken.act"), "{}", run.stderr);
}

#[test]
fn piped_shell_functions_see_commands_and_hide_them() {
    let run = piped("drain() -> flush().\nself() ! x, drain().\nb() -> mine.\nb().\n");
    assert_eq!(run.stdout, "ok\nShell got x\nok\nok\nmine\n");
}
