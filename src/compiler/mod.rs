//! The compiler: an AST module in, a runtime [`Module`] out, or every
//! diagnostic found. It is pure (no IO): the CLI reads files and prints.
//!
//! The pipeline per module:
//! 1. `module.rs` gathers the module-level facts: name, exports, imports,
//!    records, the function table; it reports duplicate and undefined
//!    definitions.
//! 2. For each function, `func.rs` (the per-function code builder) compiles
//!    its clauses: `pattern.rs` turns patterns into test-and-branch code,
//!    `guard.rs` guards, `expr.rs` expressions, `comprehension.rs` rewrites
//!    list and binary comprehensions into recursive named funs first.
//!    `scope.rs` computes which variables an expression uses (for register
//!    assignment and closures' free variables).
//! 3. Funs are lambda-lifted into extra functions of the same module that
//!    take the call's arguments, then the captured variables.
//!
//! Registers: a clause's variables each get one fixed register (a variable
//! bound in a head argument position simply *is* that argument register);
//! temporaries live above them and are freed in stack order.

mod comprehension;
mod expr;
mod func;
mod guard;
mod module;
mod pattern;
mod scope;

use crate::diagnostic::Diagnostic;
use crate::syntax::ast;
use act_runtime::module::Module;

/// What the compiler needs to know besides the AST.
pub struct Options<'a> {
    /// The file name shown in stack traces and diagnostics.
    pub file_name: String,
    /// The module name to use when the source has no `-module` attribute
    /// (escript style: the file's stem).
    pub module_name: String,
    /// The source text the AST's spans point into (for line numbers).
    pub source: &'a str,
}

/// Compiles a parsed module.
pub fn compile(ast: &ast::Module, opts: &Options) -> Result<Module, Vec<Diagnostic>> {
    module::compile_module(ast, opts)
}
