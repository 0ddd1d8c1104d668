//! Stress tests: the Act programs in `tests/stress/`, each run by the built
//! `act` binary with 1, 2 and 8 scheduler threads (`ACT_SCHEDULERS`). A
//! program checks its own invariants and prints exactly `ok`; anything else
//! on standard output, a non-zero exit status, or running past the time
//! limit fails the test.
//!
//! Sizes are picked so the whole file takes well under a minute on a
//! 2-core machine. `ACT_STRESS_FULL=1` runs the full sizes instead (16 x
//! 1,000,000 messages, 20 s of chaos per scheduler count), which take
//! minutes. Each run's wall time is printed (`cargo test --test stress --
//! --nocapture` shows them).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Scheduler counts every program runs with: one thread (preemption is the
/// only fairness), as many as this machine's cores (2 on CI), and more
/// threads than cores (workers parking and being woken all the time).
const SCHEDULERS: &[usize] = &[1, 2, 8];

/// Per-run time limit: a normal run takes a few seconds; this leaves room
/// for a loaded machine while a hang still fails instead of stalling CI.
/// `ACT_TEST_TIMEOUT=SECONDS` overrides it.
fn time_limit() -> Duration {
    let secs = std::env::var("ACT_TEST_TIMEOUT").ok().and_then(|s| s.parse().ok());
    Duration::from_secs(secs.unwrap_or(if full() { 900 } else { 120 }))
}

fn full() -> bool {
    std::env::var("ACT_STRESS_FULL").is_ok_and(|v| v == "1")
}

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    timed_out: bool,
    took: Duration,
}

fn run(program: &str, args: &[&str], schedulers: usize) -> Run {
    let root = env!("CARGO_MANIFEST_DIR");
    let path = format!("{root}/tests/stress/{program}.act");
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_act"))
        .arg(&path)
        .args(args)
        .env("ACT_SCHEDULERS", schedulers.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start act");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let limit = time_limit();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("cannot wait for act") {
            break status;
        }
        if start.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("cannot wait for act");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = start.elapsed();
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    Run { status: status.code(), stdout, stderr, timed_out, took }
}

/// Runs `program` once per scheduler count; all runs must print `ok`.
fn check(program: &str, args: &[&str]) {
    let mut failures = Vec::new();
    for &n in SCHEDULERS {
        let r = run(program, args, n);
        eprintln!("stress {program} {args:?} ACT_SCHEDULERS={n}: {:.2} s", r.took.as_secs_f64());
        if r.timed_out || r.status != Some(0) || r.stdout != "ok\n" {
            let tail: String = {
                let lines: Vec<&str> = r.stderr.lines().collect();
                lines[lines.len().saturating_sub(20)..].join("\n")
            };
            failures.push(format!(
                "{program} {args:?} with ACT_SCHEDULERS={n}: {}, exit status {:?} after {:.2} s\n\
                 --- stdout ---\n{}\n--- stderr (last 20 lines) ---\n{tail}",
                if r.timed_out { "timed out" } else { "failed" },
                r.status,
                r.took.as_secs_f64(),
                r.stdout.chars().take(2000).collect::<String>(),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// 16 senders x 100,000 messages (x 1,000,000 with `ACT_STRESS_FULL=1`) to
/// one receiver: none lost, each sender's order kept.
#[test]
fn fanin_order() {
    check("fanin_order", &[if full() { "1000000" } else { "100000" }]);
}

/// 100,000 processes in a tree of links, killed from the root, twice: all
/// of them gone afterwards.
#[test]
fn link_tree_kill() {
    check("link_tree_kill", &["100000"]);
}

/// Infinite loops do not stop a ping-pong pair; a flood of runnable
/// processes does not starve a woken one.
#[test]
fn fairness() {
    check("fairness", &["1000"]);
}

/// Random spawns, links, monitors, exits, kills and message storms for a
/// bounded time: every monitor fires exactly once, nothing is left.
#[test]
fn chaos() {
    check("chaos", &[if full() { "20" } else { "5" }]);
}

/// 8 senders and 8 receivers on one buffered channel, 1,000,000 values in
/// all: none lost or duplicated, each sender's values taken in order.
#[test]
fn chan_mpmc() {
    check("chan_mpmc", &["1000000"]);
}

/// 8 senders x 100,000 messages into a `{max_queue, 10}` mailbox: senders
/// suspend and are woken one message at a time; none lost, each sender's
/// order kept, the queue never past 10.
#[test]
fn bounded_fanin() {
    check("bounded_fanin", &[if full() { "1000000" } else { "100000" }]);
}

/// Receivers with small bounded mailboxes killed (and senders killed) while
/// senders are suspended on them: every sender is released and finishes.
#[test]
fn bounded_death() {
    check("bounded_death", &["2000"]);
}
