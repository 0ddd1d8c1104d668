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
    use act::syntax::awaits_more_input;
    for (line, more) in [("1 + 2", true), ("1 + 2.", false), ("\"abc", true), ("f(\n", true), ("", false), ("x. % c", false)] {
        assert_eq!(awaits_more_input(line), more, "{:?}", line);
    }
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
        let condition = format!("-if({}true{}).\n-endif.\n", "(".repeat(n), ")".repeat(n));
        assert!(parse_module(&condition).unwrap_err()[0].message.contains("too deep"));
        let condition = format!("-if(true{}).\n-endif.\n", " andalso true".repeat(n * 2));
        assert!(parse_module(&condition).unwrap_err()[0].message.contains("too deeply"));
        let condition = format!("-if(true{}).\n-endif.\n", " andalso true".repeat(n / 2));
        assert!(parse_module(&condition).unwrap_err()[0].message.contains("too long"));
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
    assert_eq!(diagnostics.len(), 1, "a run of stray characters is one error");
    let _ = render(&diagnostics, "garbage.act", &garbage, false);
    let many_errors = "f() -> ).\n".repeat(100_000);
    let diagnostics = parse_module(&many_errors).unwrap_err();
    assert!(diagnostics.len() <= 51);
    let long_form = format!("f() -> a{} -> b.", ", a".repeat(200_000));
    let started = std::time::Instant::now();
    let diagnostics = parse_module(&long_form).unwrap_err();
    let _ = render(&diagnostics, "long.act", &long_form, false);
    assert!(started.elapsed().as_secs() < 5, "error reporting is not quadratic");
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
        // Regression: a self-doubling macro once exhausted memory.
        "-define(D(A), {?D(A), ?D(A)})", "?D(1)", "-if(true)", "-elif(false)", "-else", "maybe", "else", "\"\"\"\n",
        "~s", "\"abc", "'ab", "$", "16#", "1_", "\\",
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

use act::syntax::ast::{CallTarget, Expr};

/// A compact, span-free rendering of a tree: the same text that
/// tests/parse/shapes/shape.escript prints for erl_parse's tree.
fn shape(e: &Expr) -> std::string::String {
    use Expr::*;
    let l = |es: &[Expr]| es.iter().map(shape).collect::<Vec<_>>().join(" ");
    match e {
        Integer(i, _) => i.to_string(),
        BigInteger(b, _) => b.clone(),
        Float(x, _) => format!("{:?}", x),
        Atom(a, _) => a.clone(),
        Var(v, _) => v.clone(),
        Wildcard(_) => "_".into(),
        String(cs, _) => format!("{:?}", cs.iter().map(|&c| char::from_u32(c).unwrap()).collect::<std::string::String>()),
        Nil(_) => "[]".into(),
        Cons(h, t, _) => format!("[{} | {}]", shape(h), shape(t)),
        Tuple(es, _) => format!("{{{}}}", l(es)),
        Match(a, b, _) => format!("(= {} {})", shape(a), shape(b)),
        Send(a, b, _) => format!("(! {} {})", shape(a), shape(b)),
        AndAlso(a, b, _) => format!("(andalso {} {})", shape(a), shape(b)),
        OrElse(a, b, _) => format!("(orelse {} {})", shape(a), shape(b)),
        Binary2(op, a, b, _) => format!("({} {} {})", op.as_str(), shape(a), shape(b)),
        Unary(op, a, _) => format!("({} {})", op.as_str(), shape(a)),
        Catch(a, _) => format!("(catch {})", shape(a)),
        Call { target, args, .. } => {
            let t = match target {
                CallTarget::Local(n, _) => n.clone(),
                CallTarget::Remote(m, f) => format!("{}:{}", shape(m), shape(f)),
                CallTarget::Fun(f) => format!("<{}>", shape(f)),
            };
            format!("(call {}{})", t, args.iter().map(|a| format!(" {}", shape(a))).collect::<std::string::String>())
        }
        Record { name, fields, .. } => format!("#{}{{{}}}", name, fields.iter().map(|f| format!("{} = {}", f.name, shape(&f.value))).collect::<Vec<_>>().join(", ")),
        RecordUpdate { expr, name, fields, .. } => format!("{}#{}{{{}}}", shape(expr), name, fields.iter().map(|f| format!("{} = {}", f.name, shape(&f.value))).collect::<Vec<_>>().join(", ")),
        RecordAccess { expr, name, field, .. } => format!("{}#{}.{}", shape(expr), name, field),
        RecordIndex { name, field, .. } => format!("#{}.{}", name, field),
        Map(a, _) => format!("#{{{}}}", a.iter().map(|x| format!("{} {} {}", shape(&x.key), if x.exact { ":=" } else { "=>" }, shape(&x.value))).collect::<Vec<_>>().join(", ")),
        MapUpdate(m, a, _) => format!("{}#{{{}}}", shape(m), a.iter().map(|x| format!("{} {} {}", shape(&x.key), if x.exact { ":=" } else { "=>" }, shape(&x.value))).collect::<Vec<_>>().join(", ")),
        Block(es, _) => format!("(begin{})", es.iter().map(|a| format!(" {}", shape(a))).collect::<std::string::String>()),
        FunRef { name, arity, .. } => format!("(fun {}/{})", name, arity),
        FunRemote { module, name, arity, .. } => format!("(fun {}:{}/{})", shape(module), shape(name), shape(arity)),
        Binary(segs, _) => format!("<<{}>>", segs.iter().map(|g| {
            let size = g.size.as_ref().map(|e| format!(":{}", shape(e))).unwrap_or_default();
            let specs: Vec<std::string::String> = g.specs.iter().map(|sp| match sp {
                act::syntax::ast::BinSpec::Type(t) | act::syntax::ast::BinSpec::Signedness(t) | act::syntax::ast::BinSpec::Endianness(t) => t.clone(),
                act::syntax::ast::BinSpec::Unit(u) => format!("unit:{}", u),
            }).collect();
            format!("{}{}{}", shape(&g.value), size, if specs.is_empty() { std::string::String::new() } else { format!("/{}", specs.join("-")) })
        }).collect::<Vec<_>>().join(", ")),
        ListComp(e, qs, _) | BinComp(e, qs, _) => format!("(lc {} || {})", shape(e), qs.iter().map(|q| match q {
            act::syntax::ast::Qualifier::Generator(p, e, _) => format!("{} <- {}", shape(p), shape(e)),
            act::syntax::ast::Qualifier::BitGenerator(p, e, _) => format!("{} <= {}", shape(p), shape(e)),
            act::syntax::ast::Qualifier::Filter(f) => shape(f),
        }).collect::<Vec<_>>().join(", ")),
        Case(e, cs, _) => format!("(case {}{})", shape(e), cs.iter().map(|c| format!(" {}", clause_shape(c))).collect::<std::string::String>()),
        If(cs, _) => format!("(if{})", cs.iter().map(|c| format!(" {}", clause_shape(c))).collect::<std::string::String>()),
        Receive { clauses, after, .. } => format!("(receive{}{})", clauses.iter().map(|c| format!(" {}", clause_shape(c))).collect::<std::string::String>(),
            after.as_ref().map(|a| format!(" after {} ->{}", shape(&a.timeout), a.body.iter().map(|x| format!(" {}", shape(x))).collect::<std::string::String>())).unwrap_or_default()),
        Fun { name, clauses, .. } => format!("(fun{}{})", name.as_ref().map(|n| format!(" {}", n)).unwrap_or_default(), clauses.iter().map(|c| format!(" {}", clause_shape(c))).collect::<std::string::String>()),
        Try { body, of_clauses, catch_clauses, after, .. } => format!("(try{} of{} catch{} after{})",
            body.iter().map(|x| format!(" {}", shape(x))).collect::<std::string::String>(),
            of_clauses.iter().map(|c| format!(" {}", clause_shape(c))).collect::<std::string::String>(),
            catch_clauses.iter().map(|c| {
                let class = c.class.as_ref().map(shape).unwrap_or("throw".into());
                let stack = c.stack.as_ref().map(|v| v.0.clone()).unwrap_or("_".into());
                format!(" ({{{} {} {}}} when [{}] ->{})", class, shape(&c.reason), stack,
                    c.guards.iter().map(|g| g.iter().map(shape).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join(" ; "),
                    c.body.iter().map(|x| format!(" {}", shape(x))).collect::<std::string::String>())
            }).collect::<std::string::String>(),
            after.iter().map(|x| format!(" {}", shape(x))).collect::<std::string::String>()),
        other => format!("?{:?}", std::mem::discriminant(other)),
    }
}
fn clause_shape(c: &act::syntax::ast::Clause) -> std::string::String {
    format!("({} when [{}] ->{})", c.patterns.iter().map(shape).collect::<Vec<_>>().join(" "),
        c.guards.iter().map(|g| g.iter().map(shape).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join(" ; "),
        c.body.iter().map(|x| format!(" {}", shape(x))).collect::<std::string::String>())
}
/// Source expressions and the tree each must parse to: precedence,
/// associativity, literals and every construct's shape.
const SHAPES: &[(&str, &str)] = &[
    ("1 + 2 * 3", "(+ 1 (* 2 3))"),
    ("1 - 2 - 3", "(- (- 1 2) 3)"),
    ("A ++ B ++ C", "(++ A (++ B C))"),
    ("A -- B ++ C", "(-- A (++ B C))"),
    ("X = Y = 1", "(= X (= Y 1))"),
    ("P ! Q ! m", "(! P (! Q m))"),
    ("a orelse b andalso c", "(orelse a (andalso b c))"),
    ("a andalso b andalso c", "(andalso a (andalso b c))"),
    ("A == 1 andalso not B", "(andalso (== A 1) (not B))"),
    ("- A * B", "(* (- A) B)"),
    ("- - 1", "(- (- 1))"),
    ("bnot 1 band 2 bor 3", "(bor (band (bnot 1) 2) 3)"),
    ("1 + 2 < 3 * 4", "(< (+ 1 2) (* 3 4))"),
    ("A div B rem C", "(rem (div A B) C)"),
    ("catch X = 1", "(catch (= X 1))"),
    ("X = catch 1", "(= X (catch 1))"),
    ("1 + catch 2 * 3", "(+ 1 (catch (* 2 3)))"),
    ("- catch 1", "(- (catch 1))"),
    ("a andalso catch b orelse c", "(andalso a (catch (orelse b c)))"),
    ("X = catch a, b", "(= X (catch a)) b"),
    ("f(catch a)", "(call f (catch a))"),
    ("a or b and c", "(or a (and b c))"),
    ("f(1, 2)", "(call f 1 2)"),
    ("m:f()", "(call m:f)"),
    ("M:F(x)", "(call M:F x)"),
    ("F(x)", "(call <F> x)"),
    ("(fun g/1)(x)", "(call <(fun g/1)> x)"),
    ("fun m:f/2", "(fun m:f/2)"),
    ("fun M:F/A", "(fun M:F/A)"),
    ("[1, 2 | T]", "[1 | [2 | T]]"),
    ("[a]", "[a | []]"),
    ("{}", "{}"),
    ("{a, {b}}", "{a {b}}"),
    ("\"ab\" \"cd\"", "\"abcd\""),
    ("$a + $\\n", "(+ 97 10)"),
    ("16#ff + 2#11", "(+ 255 3)"),
    ("99999999999999999999", "99999999999999999999"),
    ("1.5e3", "1500.0"),
    ("<<X:8/little-signed, B/binary, \"s\", (N+1):4/unit:8>>", "<<X:8/little-signed, B/binary, \"s\", (+ N 1):4/unit:8>>"),
    ("<<-1:8>>", "<<(- 1):8>>"),
    ("#{a => 1, b := 2}", "#{a => 1, b := 2}"),
    ("M#{a => 1}#{b => 2}", "M#{a => 1}#{b => 2}"),
    ("#r{a = 1, _ = 2}", "#r{a = 1, _ = 2}"),
    ("R#r.a#s.b", "R#r.a#s.b"),
    ("R#r{a = 1}#r.a", "R#r{a = 1}#r.a"),
    ("#r.f", "#r.f"),
    ("[X || X <- L, X > 1]", "(lc X || X <- L, (> X 1))"),
    ("<< <<X>> || <<X>> <= B >>", "(lc <<X>> || <<X>> <= B)"),
    ("case X of 1 -> a; _ when X > 1, X < 5; X == 0 -> b end", "(case X (1 when [] -> a) (_ when [(> X 1) (< X 5) ; (== X 0)] -> b))"),
    ("if X -> a; true -> b end", "(if ( when [X] -> a) ( when [true] -> b))"),
    ("receive after 10 -> t end", "(receive after 10 -> t)"),
    ("receive M -> M after T -> t end", "(receive (M when [] -> M) after T -> t)"),
    ("try f() of X -> X catch E -> E; error:R:S when R -> R after ok end", "(try (call f) of (X when [] -> X) catch ({throw E _} when [] -> E) ({error R S} when [R] -> R) after ok)"),
    ("fun F(0) -> 1; F(N) -> N end", "(fun F (0 when [] -> 1) (N when [] -> N))"),
    ("fun () -> ok end", "(fun ( when [] -> ok))"),
    ("begin a, b end", "(begin a b)"),
    // Regression: the shell once took a leading `- if` for the `-if` directive.
    ("- if true -> 1 end", "(- (if ( when [true] -> 1)))"),
];

#[test]
fn expressions_have_the_right_shape() {
    let mut failures = Vec::new();
    for (source, want) in SHAPES {
        match parse_exprs(&format!("{}.", source)) {
            Ok(exprs) => {
                let got = exprs.iter().map(shape).collect::<Vec<_>>().join(" ");
                if got != *want {
                    failures.push(format!("{}\n   want {}\n    got {}", source, want, got));
                }
            }
            Err(d) => failures.push(format!("{}\n   {}", source, render(&d, "shape", &format!("{}.", source), false))),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn macros_expand_like_epp() {
    let source = "-module(m).\n-define(S(E), ??E).\nf() -> {?S(1 + foo(x)), ?LINE, ?FUNCTION_NAME, ?FUNCTION_ARITY, ?MODULE_STRING}.\n";
    let module = parse_module(source).unwrap();
    let act::syntax::ast::Form::Function(f) = &module.forms[1] else { panic!() };
    assert_eq!(shape(&f.clauses[0].body[0]), "{\"1 + foo ( x )\" 3 f 0 \"m\"}");
    // Without -module and without a default, ?MODULE is an error.
    let errors = parse_module("f() -> ?MODULE.").unwrap_err();
    assert!(errors[0].message.contains("no `-module`"), "{:?}", errors);
    // Recursive macros stop, even ones that double at every level.
    let errors = parse_module("-define(A, ?B).\n-define(B, ?A).\nf() -> ?A.").unwrap_err();
    assert!(errors[0].message.contains("expands into itself"), "{:?}", errors);
    let doubling = "-define(F(A), {?F(A), ?F(A)}).\nf() -> ?F(1).";
    let errors = parse_module(doubling).unwrap_err();
    assert_eq!(errors.len(), 1, "{:?}", errors);
}

/// Every node's span lies inside its parent's, and inside the file: the
/// compiler's diagnostics point into the source through these spans.
#[test]
fn spans_nest() {
    use act::syntax::ast::{CallTarget, Expr, Form, Qualifier, Span};
    fn check(e: &Expr, parent: Span, path: &str, failures: &mut Vec<String>) {
        let s = e.span();
        if s.start < parent.start || s.end > parent.end || s.start > s.end {
            failures.push(format!("{}: {:?} not inside {:?}: {}", path, s, parent, shape(e)));
        }
        let mut kids: Vec<&Expr> = Vec::new();
        match e {
            Expr::Tuple(es, _) | Expr::Block(es, _) => kids.extend(es),
            Expr::Cons(h, t, _) => kids.extend([&**h, &**t]),
            Expr::Binary(segs, _) => {
                for seg in segs {
                    kids.push(&seg.value);
                    kids.extend(seg.size.as_ref());
                }
            }
            Expr::Map(assocs, _) => assocs.iter().for_each(|a| kids.extend([&a.key, &a.value])),
            Expr::MapUpdate(m, assocs, _) => {
                kids.push(m);
                assocs.iter().for_each(|a| kids.extend([&a.key, &a.value]));
            }
            Expr::Record { fields, .. } => kids.extend(fields.iter().map(|f| &f.value)),
            Expr::RecordUpdate { expr, fields, .. } => {
                kids.push(expr);
                kids.extend(fields.iter().map(|f| &f.value));
            }
            Expr::RecordAccess { expr, .. } => kids.push(expr),
            Expr::Match(a, b, _) | Expr::Binary2(_, a, b, _) | Expr::AndAlso(a, b, _) | Expr::OrElse(a, b, _)
            | Expr::Send(a, b, _) => kids.extend([&**a, &**b]),
            Expr::Unary(_, a, _) | Expr::Catch(a, _) => kids.push(a),
            Expr::Call { target, args, .. } => {
                match target {
                    CallTarget::Remote(m, f) => kids.extend([&**m, &**f]),
                    CallTarget::Fun(f) => kids.push(f),
                    CallTarget::Local(..) => {}
                }
                kids.extend(args);
            }
            Expr::Fun { clauses, .. } | Expr::If(clauses, _) => {
                clauses.iter().for_each(|c| kids.extend(c.patterns.iter().chain(c.guards.iter().flatten()).chain(&c.body)))
            }
            Expr::Case(x, clauses, _) => {
                kids.push(x);
                clauses.iter().for_each(|c| kids.extend(c.patterns.iter().chain(c.guards.iter().flatten()).chain(&c.body)))
            }
            Expr::Receive { clauses, after, .. } => {
                clauses.iter().for_each(|c| kids.extend(c.patterns.iter().chain(c.guards.iter().flatten()).chain(&c.body)));
                if let Some(a) = after {
                    kids.push(&a.timeout);
                    kids.extend(&a.body);
                }
            }
            Expr::Try { body, of_clauses, catch_clauses, after, .. } => {
                kids.extend(body);
                of_clauses.iter().for_each(|c| kids.extend(c.patterns.iter().chain(c.guards.iter().flatten()).chain(&c.body)));
                catch_clauses.iter().for_each(|c| {
                    kids.extend(c.class.iter().chain([&c.reason]).chain(c.guards.iter().flatten()).chain(&c.body))
                });
                kids.extend(after);
            }
            Expr::ListComp(x, qs, _) | Expr::BinComp(x, qs, _) => {
                kids.push(x);
                for q in qs {
                    match q {
                        Qualifier::Generator(p, e, _) | Qualifier::BitGenerator(p, e, _) => kids.extend([p, e]),
                        Qualifier::Filter(f) => kids.push(f),
                    }
                }
            }
            Expr::FunRemote { module, name, arity, .. } => kids.extend([&**module, &**name, &**arity]),
            _ => {}
        }
        for k in kids {
            check(k, s, path, failures);
        }
    }
    let mut failures = Vec::new();
    for path in files("tests/parse", "act") {
        let source = std::fs::read_to_string(&path).unwrap();
        let file = Span::new(0, source.len());
        let module = parse_module_with(&source, &options_for(&path)).unwrap();
        for form in &module.forms {
            let name = format!("{}", path.file_name().unwrap().to_string_lossy());
            if form.span().end > file.end {
                failures.push(format!("{}: form {:?} outside the file", name, form.span()));
            }
            if let Form::Function(f) = form {
                for c in &f.clauses {
                    for e in c.patterns.iter().chain(c.guards.iter().flatten()).chain(&c.body) {
                        check(e, f.span, &name, &mut failures);
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Differential test against OTP's erl_parse: tests/parse/shapes/erl_parse.tsv
/// holds random expressions (gen.py) and the tree erl_parse built for each
/// (shape.escript), or ERROR. Act must agree on every line, errors included.
#[test]
fn agrees_with_erl_parse() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/shapes/erl_parse.tsv");
    let table = std::fs::read_to_string(path).unwrap();
    let mut failures = Vec::new();
    for line in table.lines() {
        let (source, want) = line.split_once('\t').unwrap();
        let got = match parse_exprs(source) {
            Ok(exprs) => exprs.iter().map(shape).collect::<Vec<_>>().join(" "),
            Err(_) => "ERROR".to_string(),
        };
        if got != want {
            failures.push(format!("{}\n   erl_parse {}\n         act {}", source, want, got));
        }
    }
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), table.lines().count(), failures.join("\n"));
}
