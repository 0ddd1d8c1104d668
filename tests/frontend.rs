//! The front end's data tests (see STYLE.md, "Tests are data"):
//!
//! - every `tests/parse/*.act` must parse;
//! - every `tests/errors/NAME.act` must fail, and the rendered diagnostics
//!   (no colour) must equal `tests/errors/NAME.stderr`. `ACT_BLESS=1`
//!   rewrites the `.stderr` files from the current output: read them after.
//! - random bytes and random token soup never panic;
//! - deep input gives "nesting too deep", not a stack overflow.
//!
//! `ACT_PARSE=path cargo test --test frontend show_file -- --nocapture`
//! prints the tree (or the diagnostics) for one file.

use std::path::{Path, PathBuf};

use act::diagnostic::render;
use act::syntax::{parse_exprs, parse_module, parse_module_with, ParseOptions};

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {}", dir.display(), e))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

fn options_for(path: &Path) -> ParseOptions {
    ParseOptions {
        file_name: path.file_name().unwrap().to_string_lossy().into_owned(),
        module_name: path.file_stem().unwrap().to_string_lossy().into_owned(),
    }
}

#[test]
fn valid_files_parse() {
    let mut failures = String::new();
    let all = files("tests/parse", "act");
    assert!(!all.is_empty());
    for path in all {
        let source = std::fs::read_to_string(&path).unwrap();
        let options = options_for(&path);
        if let Err(diagnostics) = parse_module_with(&source, &options) {
            failures.push_str(&render(&diagnostics, &options.file_name, &source, false));
        }
    }
    assert!(failures.is_empty(), "valid files failed to parse:\n{}", failures);
}

#[test]
fn invalid_files_report_expected_diagnostics() {
    let bless = std::env::var_os("ACT_BLESS").is_some();
    let mut failures = Vec::new();
    let all = files("tests/errors", "act");
    assert!(!all.is_empty());
    for path in all {
        let source = std::fs::read_to_string(&path).unwrap();
        let options = options_for(&path);
        let actual = match parse_module_with(&source, &options) {
            Ok(_) => "(parsed without errors)\n".to_string(),
            Err(diagnostics) => render(&diagnostics, &options.file_name, &source, false),
        };
        let expected_path = path.with_extension("stderr");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("--- {}\nexpected:\n{}\nactual:\n{}", path.display(), expected, actual));
        }
    }
    assert!(failures.is_empty(), "{}\n(ACT_BLESS=1 rewrites the .stderr files)", failures.join("\n"));
}

#[test]
fn show_file() {
    let Some(path) = std::env::var_os("ACT_PARSE") else { return };
    let path = PathBuf::from(path);
    let source = std::fs::read_to_string(&path).unwrap();
    let options = options_for(&path);
    match parse_module_with(&source, &options) {
        Ok(module) => println!("{:#?}", module),
        Err(diagnostics) => print!("{}", render(&diagnostics, &options.file_name, &source, false)),
    }
}

#[test]
fn shell_expressions() {
    let exprs = parse_exprs("X = 1, Y = X + 2.").unwrap();
    assert_eq!(exprs.len(), 2);
    let exprs = parse_exprs("A = 1. B = 2.").unwrap();
    assert_eq!(exprs.len(), 2);
    assert!(parse_exprs("X = .").is_err());
    assert!(parse_exprs("").unwrap().is_empty());
}

#[test]
fn empty_and_comment_only_files_have_no_forms() {
    for source in ["", "   \n", "% just a comment\n", "#!/usr/bin/env escript\n"] {
        assert!(parse_module(source).unwrap().forms.is_empty(), "{:?}", source);
    }
}

/// Runs `f` on a thread with the stack of a test thread (2 MiB), so that a
/// recursion problem shows up here rather than only in debug builds.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap();
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    on_small_stack(|| {
        let n = 10_000;
        let cases = [
            format!("f() -> {}1{}.", "(".repeat(n), ")".repeat(n)),
            format!("f() -> {}1{}.", "[".repeat(n), "]".repeat(n)),
            format!("f(X) -> {} 1 {}.", "case X of _ -> ".repeat(n), " end".repeat(n)),
            format!("f() -> {}1.", "- ".repeat(n * 2)),
            format!("f() -> 1{}.", " + 1".repeat(n * 2)),
            format!("f() -> [{}].", vec!["1"; n * 2].join(",")),
            format!("f() -> {}", "(".repeat(n)),
        ];
        for source in cases {
            let diagnostics = parse_module(&source).unwrap_err();
            let message = &diagnostics[0].message;
            assert!(message.contains("too deep") || message.contains("too deeply"), "{}", message);
            let _ = render(&diagnostics, "deep.act", &source, false);
        }
        let exprs_case = format!("{}1{}.", "(".repeat(n), ")".repeat(n));
        assert!(parse_exprs(&exprs_case).is_err());
    });
}

#[test]
fn deep_but_allowed_trees_drop_safely() {
    on_small_stack(|| {
        let list = format!("f() -> [{}].", vec!["1"; 9_000].join(","));
        assert!(parse_module(&list).is_ok());
        let chain = format!("f() -> 1{}.", " + 1".repeat(9_000));
        assert!(parse_module(&chain).is_ok());
        let parens = format!("f() -> {}1{}.", "(".repeat(900), ")".repeat(900));
        assert!(parse_module(&parens).is_ok());
    });
}

#[test]
fn a_one_megabyte_line_is_fine() {
    let string = format!("f() -> \"{}\".", "a".repeat(1 << 20));
    assert!(parse_module(&string).is_ok());
    let atoms = format!("f() -> {{{}}}.", vec!["abc"; 250_000].join(","));
    assert!(parse_module(&atoms).is_ok());
    let garbage = "@".repeat(1 << 20);
    let diagnostics = parse_module(&garbage).unwrap_err();
    let _ = render(&diagnostics[..10], "garbage.act", &garbage, false);
}

#[test]
fn invalid_utf8_points_at_the_first_bad_byte() {
    let bytes = b"f() -> \"caf\xe9\".\n";
    let error = act::syntax::decode_source(bytes).unwrap_err();
    assert_eq!(error.diagnostic.span.start, 11);
    let text = render(&[error.diagnostic], "bad.act", &error.lossy, false);
    assert!(text.contains("not valid UTF-8"), "{}", text);
}

/// xorshift64*: a fixed-seed generator, so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9E3779B97F4A7C15);
    for _ in 0..3_000 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let source = String::from_utf8_lossy(&bytes);
        if let Err(d) = parse_module(&source) {
            let _ = render(&d, "fuzz.act", &source, false);
        }
        let _ = parse_exprs(&source);
    }
}

#[test]
fn random_token_soup_never_panics() {
    const PIECES: &[&str] = &[
        "foo", "X", "_", "1", "2.5", "$a", "\"s\"", "'q'", "(", ")", "[", "]", "{", "}", "<<", ">>", ",", ";", ":",
        "::", ".", ". ", "->", "<-", "<=", "=>", ":=", "|", "||", "#", "?", "??", "!", "=", "==", "=:=", "<", "+",
        "-", "*", "/", "++", "after", "begin", "case", "catch", "end", "fun", "if", "of", "receive", "try", "when",
        "div", "not", "andalso", "-module(m)", "-define(M, 1)", "-define(F(A), A)", "?M", "?F(1)", "-ifdef(M)",
        "-endif", "-record(r, {a = 1 :: integer()})", "#r{a = 1}", "-spec f() -> ok", "\n", "%c\n", "f() -> ok",
    ];
    let mut rng = Rng(0xDEADBEEFCAFEF00D);
    for _ in 0..5_000 {
        let n = rng.below(40);
        let source: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect::<Vec<_>>().join(" ");
        if let Err(d) = parse_module(&source) {
            let _ = render(&d, "soup.act", &source, false);
        }
        let _ = parse_exprs(&source);
    }
}
