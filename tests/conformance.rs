//! The conformance suite: one test per `tests/conformance/**/*.act`.
//!
//! Each program runs under the built `act` binary with its own directory as
//! the working directory (so it may load sibling modules and read files
//! beside it), no standard input, and a time limit. Its standard output must
//! equal `NAME.out` byte for byte, and its exit status must equal
//! `NAME.status` (0 when there is no such file). The expected files come
//! from real Erlang/OTP (`../shared/tools/expect-from-erlang`) wherever the
//! program is plain Erlang, so the suite never needs Erlang to run.
//!
//! A file containing a line starting with `%% helper` is a module other
//! programs load, not a program: it is only compiled (`act check`).
//! Any other `.act` without a `.out` fails; nothing is skipped silently.
//!
//! The programs in `examples/` run here too and must exit with status 0, and
//! `tests/disasm/NAME.act` must disassemble to exactly `NAME.disasm`, and
//! the command's exit statuses and messages are checked from `tests/cli/`.
//!
//! `ACT_GC_STRESS` (and every other variable) passes through to the binary,
//! so `ACT_GC_STRESS=1 cargo test --test conformance` reruns the suite with
//! a collection at every safe point.

use datatest_stable::Utf8Path;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Per-program time limit. Normally a program takes well under a second
/// and the slowest a few seconds on a 2-core machine; 60 s leaves room for a
/// loaded CI machine while a hung program still fails the run instead of
/// stalling it. Under `ACT_GC_STRESS=1` safe points collect far more often
/// (an early, every-call version made `programs/fannkuch` take over a
/// minute), so the limit is five times larger, still well inside CI's 20
/// minutes.
/// `ACT_TEST_TIMEOUT=SECONDS` overrides both.
fn time_limit() -> Duration {
    let from_env = std::env::var("ACT_TEST_TIMEOUT").ok().and_then(|s| s.parse().ok());
    let stress = std::env::var("ACT_GC_STRESS").is_ok_and(|v| v == "1");
    Duration::from_secs(from_env.unwrap_or(if stress { 300 } else { 60 }))
}

/// How often a running program is polled for exit.
const POLL: Duration = Duration::from_millis(5);

/// A failed check. datatest-stable prints a test's error with `{:?}`, which
/// for a plain `String` would escape every newline of the diff; this prints
/// the text as it is.
struct Failure(String);

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

fn conformance(path: &Utf8Path, source: String) -> datatest_stable::Result<()> {
    check_program(path, &source).map_err(|message| Failure(message).into())
}

fn check_program(path: &Utf8Path, source: &str) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Utf8Path::new("."));
    let file = path.file_name().ok_or("test path has no file name")?;
    let run_act = |args: &[&str]| run_act(dir, args).map_err(|e| format!("{path}: cannot run act: {e}"));
    if source.lines().any(|l| l.starts_with("%% helper")) {
        let run = run_act(&["check", file])?;
        if run.status != Some(0) {
            return Err(format!("helper module {path} does not compile:\n{}", run.stderr));
        }
        return Ok(());
    }

    let out_path = path.with_extension("out");
    let expected_out = std::fs::read(&out_path).map_err(|e| {
        format!("{out_path}: {e} (generate it with ../shared/tools/expect-from-erlang {path})")
    })?;
    let status_path = path.with_extension("status");
    let expected_status: i32 = match std::fs::read_to_string(&status_path) {
        Ok(text) => text.trim().parse().map_err(|e| format!("{status_path}: {e}"))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(format!("{status_path}: {e}")),
    };

    let run = run_act(&[file])?;
    let stderr_note = if run.stderr.is_empty() {
        String::new()
    } else {
        format!("\n--- stderr ---\n{}", run.stderr)
    };
    if run.timed_out {
        return Err(format!("{path}: killed after {:?}{stderr_note}", time_limit()));
    }
    // Output first: when both differ, the output diff says more than the status.
    if run.stdout != expected_out {
        let diff = stdout_diff(&run.stdout, &expected_out);
        return Err(format!("{path}: stdout differs from {out_path}\n{diff}{stderr_note}"));
    }
    match run.status {
        Some(status) if status == expected_status => Ok(()),
        Some(status) => {
            Err(format!("{path}: exit status {status}, expected {expected_status}{stderr_note}"))
        }
        None => Err(format!("{path}: killed by a signal{stderr_note}")),
    }
}

/// A readable diff of the output against the expectation (snapbox's), for
/// outputs already known to differ. The comparison itself is exact bytes:
/// snapbox's own would normalise newlines and honour `...` wildcards.
fn stdout_diff(actual: &[u8], expected: &[u8]) -> String {
    use snapbox::{assert::Action, report::Palette, Assert, Data};
    let data = |bytes: &[u8]| match std::str::from_utf8(bytes) {
        Ok(text) => Data::text(text).raw(),
        Err(_) => Data::binary(bytes.to_vec()).raw(),
    };
    let assert = Assert::new().action(Action::Verify).palette(Palette::plain());
    match assert.try_eq(Some(&"stdout"), data(actual), data(expected)) {
        Err(diff) => diff.to_string(),
        Ok(()) => format!(
            "(they differ only in line endings or bytes a diff does not show)\n\
             expected: {:?}\nactual:   {:?}\n",
            String::from_utf8_lossy(expected),
            String::from_utf8_lossy(actual)
        ),
    }
}

struct Run {
    stdout: Vec<u8>,
    stderr: String,
    /// `None` when a signal ended it.
    status: Option<i32>,
    timed_out: bool,
}

/// Runs `act ARGS` in `dir` and collects everything, killing it at the limit.
fn run_act(dir: &Utf8Path, args: &[&str]) -> std::io::Result<Run> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_act"))
        .args(args)
        .current_dir(if dir.as_str().is_empty() { Utf8Path::new(".") } else { dir })
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Pipes are drained on their own threads so a chatty program never
    // blocks on a full pipe while we wait for it.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let start = Instant::now();
    let limit = time_limit();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(POLL);
    };
    Ok(Run {
        stdout: stdout.join().unwrap_or_default(),
        stderr: String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned(),
        status: status.code(),
        timed_out,
    })
}

/// Each example must run to completion with status 0 (its output is for
/// people and is not pinned; the conformance suite pins behaviour).
fn example(path: &Utf8Path) -> datatest_stable::Result<()> {
    let dir = path.parent().unwrap_or(Utf8Path::new("."));
    let file = path.file_name().unwrap_or(path.as_str());
    let run = run_act(dir, &[file]).map_err(|e| Failure(format!("{path}: cannot run act: {e}")))?;
    match run.status {
        Some(0) if !run.timed_out => Ok(()),
        _ => Err(Failure(format!(
            "{path}: exit status {:?}{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            run.status,
            if run.timed_out { " (timed out)" } else { "" },
            String::from_utf8_lossy(&run.stdout),
            run.stderr
        ))
        .into()),
    }
}

/// Golden disassembly (STYLE.md: code generation changes must be visible):
/// `act disasm NAME.act` must print exactly `NAME.disasm`. After a deliberate
/// change to the compiler or the listing, `ACT_BLESS=1` rewrites the files
/// from the current output; read the diff before committing it.
fn disasm(path: &Utf8Path) -> datatest_stable::Result<()> {
    let dir = path.parent().unwrap_or(Utf8Path::new("."));
    let file = path.file_name().unwrap_or(path.as_str());
    let fail = |message: String| -> datatest_stable::Result<()> { Err(Failure(message).into()) };
    let run = run_act(dir, &["disasm", file]).map_err(|e| Failure(format!("{path}: cannot run act: {e}")))?;
    if run.status != Some(0) {
        return fail(format!("{path}: act disasm exited with {:?}\n{}", run.status, run.stderr));
    }
    let expected_path = path.with_extension("disasm");
    if std::env::var_os("ACT_BLESS").is_some() {
        std::fs::write(&expected_path, &run.stdout).map_err(|e| Failure(format!("{expected_path}: {e}")))?;
        return Ok(());
    }
    let expected = std::fs::read(&expected_path).map_err(|e| {
        Failure(format!("{expected_path}: {e} (create it with ACT_BLESS=1 cargo test --test conformance -- disasm)"))
    })?;
    if run.stdout != expected {
        let diff = stdout_diff(&run.stdout, &expected);
        return fail(format!(
            "{path}: disassembly differs from {expected_path}\n{diff}\n\
             If the change is intended: ACT_BLESS=1 cargo test --test conformance -- disasm"
        ));
    }
    Ok(())
}

/// The command's own contract (`tests/cli/`): `NAME.cmd` holds the
/// arguments, one per line (an empty file: no arguments), run in that
/// directory. The exit status must equal `NAME.status` (0 when absent), and
/// every non-empty line of `NAME.stdout` / `NAME.stderr` must occur in that
/// output: messages are pinned by their words, not by the layout of a
/// rendered diagnostic, which the front end's own tests pin.
fn cli(path: &Utf8Path, cmd: String) -> datatest_stable::Result<()> {
    let dir = path.parent().unwrap_or(Utf8Path::new("."));
    let args: Vec<&str> = cmd.lines().collect();
    let run = run_act(dir, &args).map_err(|e| Failure(format!("{path}: cannot run act: {e}")))?;
    let stdout = String::from_utf8_lossy(&run.stdout);
    let mut problems = Vec::new();
    let status_path = path.with_extension("status");
    let expected_status: i32 = match std::fs::read_to_string(&status_path) {
        Ok(text) => text.trim().parse().map_err(|e| Failure(format!("{status_path}: {e}")))?,
        Err(_) => 0,
    };
    if run.timed_out || run.status != Some(expected_status) {
        problems.push(format!("exit status {:?}, expected {expected_status}", run.status));
    }
    for (ext, actual) in [("stdout", &*stdout), ("stderr", &*run.stderr)] {
        let Ok(wanted) = std::fs::read_to_string(path.with_extension(ext)) else { continue };
        for line in wanted.lines().filter(|l| !l.trim().is_empty()) {
            if !actual.contains(line) {
                problems.push(format!("{ext} lacks {line:?}"));
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure(format!(
        "{path}: act {args:?}\n{}\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        problems.join("\n"),
        run.stderr
    ))
    .into())
}

datatest_stable::harness!(
    conformance, "tests/conformance", r"^.*\.act$",
    cli, "tests/cli", r"^.*\.cmd$",
    example, "examples", r"^.*\.act$",
    disasm, "tests/disasm", r"^.*\.act$",
);
