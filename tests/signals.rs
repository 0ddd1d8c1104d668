//! Graceful shutdown from outside: SIGTERM and a first Ctrl-C (SIGINT) run
//! `init:stop()`, so the servers `main` started terminate in reverse start
//! order and `act` exits 0; a second Ctrl-C exits at once with 130.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

fn start() -> (std::process::Child, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_act"))
        .arg("tests/signals/graceful.act")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("act runs");
    let mut out = BufReader::new(child.stdout.take().expect("stdout piped"));
    let mut line = String::new();
    out.read_line(&mut line).expect("first line");
    assert_eq!(line, "started\n", "the program must be running before the signal");
    (child, out)
}

fn kill(child: &std::process::Child, sig: i32) {
    // SAFETY: kill(2) on our own child's pid, no memory involved.
    let rc = unsafe { libc::kill(child.id() as i32, sig) };
    assert_eq!(rc, 0);
}

#[test]
fn sigterm_stops_servers_in_reverse_order_and_exits_0() {
    let (mut child, mut out) = start();
    kill(&child, libc::SIGTERM);
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("rest of stdout");
    let status = child.wait().expect("act exits");
    assert_eq!(rest, "terminate b shutdown\nterminate a shutdown\n");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn first_ctrl_c_is_graceful() {
    let (mut child, mut out) = start();
    kill(&child, libc::SIGINT);
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("rest of stdout");
    assert_eq!(rest, "terminate b shutdown\nterminate a shutdown\n");
    assert_eq!(child.wait().expect("act exits").code(), Some(0));
}

#[test]
fn second_ctrl_c_exits_at_once() {
    let (mut child, _out) = start();
    kill(&child, libc::SIGINT);
    kill(&child, libc::SIGINT);
    std::thread::sleep(Duration::from_millis(50));
    let status = child.wait().expect("act exits");
    // Either the second signal ended it (130) or the shutdown had already
    // finished (0); it must not hang or crash.
    assert!(matches!(status.code(), Some(130) | Some(0)), "status {status:?}");
}
