//! Criterion micro-benchmarks of VM internals (`cargo bench`; one of them:
//! `cargo bench --bench vm -- spawn`).
//!
//! Each benchmark is a small Act program in `benches/programs/` whose
//! `main([N])` runs N iterations of one operation and returns
//! `{Nanoseconds, Check}`: the program reads `erlang:monotonic_time` just
//! around the loop, so the time criterion is given leaves out compiling,
//! starting the VM and any setup (building the 1 MiB list, filling the
//! mailbox). `Check` is compared with what N iterations must give, so a
//! benchmark that stopped doing its work fails instead of getting faster.
//!
//! Every run is a fresh VM with ONE scheduler thread: the numbers are the
//! VM's own costs (dispatch, copying, queueing, process switches), without
//! wake-ups across cores, which depend on the machine and its load.
//!
//! Times are per iteration (criterion's `Elements(1)` throughput gives
//! iterations per second); see each program for what one iteration is.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::time::Duration;

/// One benchmark: its name, its program and the check value N iterations give.
struct Bench {
    name: &'static str,
    source: &'static str,
    check: fn(u64) -> u64,
}

const BENCHES: &[Bench] = &[
    Bench { name: "loop", source: include_str!("programs/loop.act"), check: |n| n },
    Bench { name: "call_return", source: include_str!("programs/call.act"), check: |n| n * (n + 1) / 2 + n },
    Bench { name: "send_receive_self", source: include_str!("programs/send_self.act"), check: |n| n * (n + 1) / 2 },
    Bench { name: "pingpong_round_trip", source: include_str!("programs/pingpong.act"), check: |n| n * (n + 1) / 2 },
    Bench { name: "spawn_exit", source: include_str!("programs/spawn.act"), check: |n| n },
    Bench { name: "gc_1mib_live", source: include_str!("programs/gc.act"), check: |_| 65536 },
    Bench { name: "selective_receive_10k_queue", source: include_str!("programs/selective.act"), check: |n| n },
];

/// Runs `bench` for `iters` iterations on a fresh VM and returns the time
/// the program measured. Panics (failing the benchmark run) when the
/// program does not return `{Ns, Check}` with the expected check.
fn run(bench: &Bench, iters: u64) -> Duration {
    let result = act::embed::run(bench.source, bench.name, &[iters.to_string()], 1)
        .unwrap_or_else(|e| panic!("benchmark {}: {e}", bench.name));
    let parsed = result
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .and_then(|r| r.split_once(','))
        .and_then(|(ns, check)| Some((ns.parse::<u64>().ok()?, check.parse::<u64>().ok()?)));
    let Some((ns, check)) = parsed else {
        panic!("benchmark {}: main returned {result}, not {{Ns,Check}}", bench.name)
    };
    let want = (bench.check)(iters);
    assert_eq!(check, want, "benchmark {}: wrong check value for {iters} iterations", bench.name);
    Duration::from_nanos(ns)
}

fn vm(c: &mut Criterion) {
    let mut group = c.benchmark_group("vm");
    // Short enough that the whole suite takes about a minute; criterion's
    // confidence intervals say when that was too short for a noisy machine.
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(30);
    group.throughput(Throughput::Elements(1));
    for bench in BENCHES {
        group.bench_function(BenchmarkId::from_parameter(bench.name), |b| b.iter_custom(|iters| run(bench, iters)));
    }
    group.finish();
}

criterion_group!(benches, vm);
criterion_main!(benches);
