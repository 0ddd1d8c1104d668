//! Arbitrary bytes through the front end: parse, then compile. Both must
//! return diagnostics for bad input, never panic. Non-UTF-8 input is
//! decoded lossily (the CLI refuses it before parsing; the lossy text still
//! exercises the lexer with U+FFFD).
#![no_main]

use act::compiler::{self, Options};
use act::syntax::{self, ParseOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let parse = ParseOptions { file_name: "fuzz.act".to_owned(), module_name: "fuzz".to_owned() };
    if let Ok(ast) = syntax::parse_module_with(&source, &parse) {
        let opts = Options { file_name: "fuzz.act".to_owned(), module_name: "fuzz".to_owned(), source: &source };
        let _ = compiler::compile(&ast, &opts);
    }
});
