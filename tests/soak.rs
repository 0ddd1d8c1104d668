//! Soak test: `tests/soak/soak.act` runs rounds of random spawns, links,
//! monitors, exits, kills and message storms for a bounded time and checks
//! its own invariants (messages to processes that stay alive arrive exactly
//! once and in per-sender order, monitors fire exactly once, no process is
//! left); this test runs it and checks from outside that the VM's memory
//! returns to its level after the first round.
//!
//! `ACT_SOAK_SECONDS` sets the run time (default 60, what CI runs; 5 is
//! enough for a local check), `ACT_SOAK_SEED` the seed every random choice
//! derives from (default 1; a failure prints the seed, and rerunning with it
//! replays each process's choices, though not the interleaving), and
//! `ACT_SOAK_SCHEDULERS` the scheduler threads (default 4: more threads
//! than CI's 2 cores, so processes migrate and workers park and wake all
//! the time).
//!
//! Memory: the program stops at three checkpoints, after a first warm-up
//! round, half way and at the end (every round's processes gone, nothing
//! running), and this test reads the process's resident set (`VmRSS` in
//! `/proc/PID/status`) at each. The end may exceed the warm level by
//! `RSS_TOLERANCE_BYTES` and the half-way level by `RSS_GROWTH_BYTES`: the allocator keeps some freed pages cached (mimalloc
//! returns them to the OS after a delay, in whole segments), and queues and
//! tables sized by the busiest moment keep their capacity. A leak of one
//! process heap (about 2 KB) per process spawned, or of one message per
//! message sent, would exceed it many times over (a 60 s run spawns
//! hundreds of thousands of processes and sends millions of messages).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How far the resident set may end above its warm level (module doc).
/// Measured on the 2-core machine, 60 s, seed 1: 56 MB warm, 86 MB at the
/// end; 10 s and 30 s runs end at the same +24..30 MB: the allocator's
/// caches fill during the first seconds and then stay.
const RSS_TOLERANCE_BYTES: u64 = 48 << 20;

/// How far the resident set may grow over the second half of the run: a
/// leak grows without end; caches that are already full do not.
const RSS_GROWTH_BYTES: u64 = 16 << 20;

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// The resident set of process `pid`, in bytes.
fn rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status readable");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS line");
    let kb: u64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("VmRSS in kB");
    kb * 1024
}

#[test]
fn soak() {
    let seconds = env_u64("ACT_SOAK_SECONDS", 60);
    let seed = env_u64("ACT_SOAK_SEED", 1);
    let schedulers = env_u64("ACT_SOAK_SCHEDULERS", 4);
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/soak/soak.act");
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_act"))
        .args([program, &seconds.to_string(), &seed.to_string()])
        .env("ACT_SCHEDULERS", schedulers.to_string())
        // mimalloc returns freed pages to the OS only after a delay (and
        // keeps segments cached per thread); with the default delay a busier
        // run (more rounds on a quieter machine: 5,202 rounds measured
        // 51.9 -> 101.6 MB) ends above the tolerance although nothing leaks.
        // Purging at once (measured: 30 s, 49.5 MB warm -> 38.9 MB at the
        // end) makes the resident set show what the VM still holds.
        .env("MIMALLOC_PURGE_DELAY", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("act runs");
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    // A hang detector, not a benchmark: the rounds stop at the deadline,
    // then the end waits at most 30 s for stragglers.
    let limit = Duration::from_secs(seconds + 180);
    let watchdog = std::thread::spawn(move || {
        let t = Instant::now();
        while t.elapsed() < limit {
            std::thread::sleep(Duration::from_millis(200));
            if std::fs::metadata(format!("/proc/{pid}")).is_err() {
                return false;
            }
        }
        // This thread does not own the `Child`: stop it by pid.
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        true
    });
    let mut rss = Vec::new();
    let mut lines = Vec::new();
    for line in stdout.lines() {
        let line = line.expect("stdout is text");
        if let Some(name) = line.strip_prefix("checkpoint ") {
            // Let the allocator's delayed purge run before measuring.
            std::thread::sleep(Duration::from_millis(300));
            rss.push((name.to_string(), rss_bytes(pid)));
            let _ = stdin.write_all(b"\n");
            let _ = stdin.flush();
        } else {
            lines.push(line);
        }
    }
    let status = child.wait().expect("act ends");
    let timed_out = watchdog.join().unwrap();
    let stderr = err_reader.join().unwrap();
    let took = start.elapsed();
    let mb = |b: u64| b as f64 / (1 << 20) as f64;
    eprintln!(
        "soak: {seconds} s asked, {:.1} s taken, seed {seed}, {schedulers} schedulers, {}; rss {}",
        took.as_secs_f64(),
        lines.join(" | "),
        rss.iter().map(|(n, b)| format!("{n} {:.1} MB", mb(*b))).collect::<Vec<_>>().join(", ")
    );
    let tail: String = stderr.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
    assert!(!timed_out, "soak (seed {seed}) still running after {limit:?}\nstderr:\n{tail}");
    assert!(
        status.success() && lines.len() == 1 && lines[0].starts_with("ok "),
        "soak (seed {seed}): exit status {:?}\nstdout:\n{}\nstderr:\n{tail}",
        status.code(),
        lines.join("\n")
    );
    let [(_, warm), (_, half), (_, end)] = rss.as_slice() else { panic!("expected three checkpoints, got {rss:?}") };
    assert!(
        *end <= warm + RSS_TOLERANCE_BYTES,
        "soak (seed {seed}): resident set grew from {:.1} MB after the first round to {:.1} MB at the end",
        mb(*warm),
        mb(*end)
    );
    assert!(
        *end <= half + RSS_GROWTH_BYTES,
        "soak (seed {seed}): resident set grew from {:.1} MB half way to {:.1} MB at the end",
        mb(*half),
        mb(*end)
    );
}
