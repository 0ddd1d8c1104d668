//! Inputs the fuzzers in `fuzz/` once crashed on (or that are worth keeping
//! as seeds), replayed on every `cargo test`: each `*.act` file in
//! `tests/fuzz_regressions/` goes through parse + compile (target
//! `parse_compile`), each `*.etf` file through `binary_to_term` (target
//! `binary_to_term`). Any result is fine except a panic; a decoded term
//! must also survive re-encoding.

use act::compiler::{self, Options};
use act::syntax::{self, ParseOptions};
use act_runtime::module::Module;
use act_runtime::process::Process;
use act_runtime::vm::{Loader, Vm};
use act_runtime::{atom, bif, compare, Term};
use std::path::PathBuf;

fn inputs(ext: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

#[test]
fn parse_compile_inputs() {
    let files = inputs("act");
    assert!(!files.is_empty());
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let source = String::from_utf8_lossy(&bytes);
        let parse = ParseOptions { file_name: "fuzz.act".to_owned(), module_name: "fuzz".to_owned() };
        if let Ok(ast) = syntax::parse_module_with(&source, &parse) {
            let opts = Options { file_name: "fuzz.act".to_owned(), module_name: "fuzz".to_owned(), source: &source };
            let _ = compiler::compile(&ast, &opts);
        }
        eprintln!("ok: {}", path.display());
    }
}

struct NoLoader;
impl Loader for NoLoader {
    fn load(&self, _name: &str) -> Result<Option<Module>, String> {
        Ok(None)
    }
}

fn call(p: &mut Process, f: &str, args: &[Term]) -> Result<Term, Term> {
    let i = bif::lookup(atom::atom("erlang"), atom::atom(f), args.len() as u32).unwrap();
    (bif::get(i).f)(p, args).map_err(|e| e.reason)
}

#[test]
fn binary_to_term_inputs() {
    let files = inputs("etf");
    assert!(!files.is_empty());
    let vm = Vm::new(Box::new(NoLoader));
    let mut p = Process::new(vm.clone(), vm.make_pid());
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let bin = p.heap.binary(&bytes);
        match call(&mut p, "binary_to_term", &[bin]) {
            Ok(t) => {
                let again = call(&mut p, "term_to_binary", &[t]).expect("a decoded term encodes");
                let back = call(&mut p, "binary_to_term", &[again]).expect("an encoded term decodes");
                assert!(compare::eq_exact(t, back), "{}: re-encoding changed the term", path.display());
            }
            Err(reason) => assert!(reason.is_atom_eq(atom::BADARG), "{}: not badarg", path.display()),
        }
        eprintln!("ok: {}", path.display());
    }
}
