//! Turning what the shell reads into code the VM can run. Each input
//! becomes a throwaway module `'$shell_N'` with one function:
//!
//! ```erlang
//! eval(ActShellBindings) ->
//!     #{'X' := X, 'Y' := Y} = ActShellBindings,   % every bound variable
//!     ActShellValue = begin <the input> end,
//!     {ActShellValue, ActShellBindings#{'X' => X, 'Z' => Z}}.  % every variable bound now
//! ```
//!
//! so a bound variable is already bound inside the input (`X = 6.` after
//! `X = 5.` is a `badmatch`, as in erl). Which of the input's variables are
//! bound at its end is the compiler's business (`case` branches, funs): the
//! result map first names every variable the input mentions, and each one
//! the compiler calls unbound or unsafe *there* is dropped and the module
//! compiled again. The wrapper's nodes all carry an empty span at the end of
//! the input, which is how its errors are told from the user's.
//!
//! Functions defined in the shell (`add(A, B) -> A + B.`) live in a module
//! of their own, `'$shell_fns_K'`, rebuilt from their source text whenever
//! one is added; every input imports them, and `shell_default`'s commands.

use act::compiler::{self, Options};
use act::diagnostic::Diagnostic;
use act::syntax::ast::{self, CallTarget, Clause, Expr, Form, MapAssoc, Span};
use act::syntax::token::Tok;
use act_runtime::module::Module;

/// The commands `shell_default` exports (stdlib/shell_default.act), imported
/// into every input unless a shell function of the same name hides one.
pub const COMMANDS: &[(&str, u32)] = &[
    ("help", 0),
    ("b", 0),
    ("v", 1),
    ("h", 0),
    ("c", 1),
    ("l", 1),
    ("i", 0),
    ("flush", 0),
    ("regs", 0),
    ("q", 0),
];

const BINDINGS: &str = "ActShellBindings";
const VALUE: &str = "ActShellValue";

/// Functions defined at the prompt, by name and arity, with their source.
#[derive(Default)]
pub struct ShellFunctions {
    defs: Vec<(String, u32, String)>,
    /// The module holding the current versions, once there is one.
    pub module: Option<String>,
    generation: u32,
}

impl ShellFunctions {
    pub fn names(&self) -> impl Iterator<Item = (&str, u32)> {
        self.defs.iter().map(|(n, a, _)| (n.as_str(), *a))
    }

    /// Adds (or replaces) the functions `source` defines and compiles the
    /// new module. On failure nothing changes and the rendered diagnostics
    /// are returned.
    pub fn define(&mut self, functions: &[ast::Function], source: &str, color: bool) -> Result<(Module, Vec<String>), String> {
        let mut defs = self.defs.clone();
        let mut added = Vec::new();
        for f in functions {
            let text = source[f.span.start as usize..f.span.end as usize].trim_end_matches('.').to_string();
            defs.retain(|(n, a, _)| !(n == &f.name && *a == f.arity));
            defs.push((f.name.clone(), f.arity, text));
            added.push(format!("{}/{}", f.name, f.arity));
        }
        let name = format!("$shell_fns_{}", self.generation + 1);
        let exports: Vec<String> = defs.iter().map(|(n, a, _)| format!("'{n}'/{a}")).collect();
        let mut text = format!("-module('{name}').\n-export([{}]).\n", exports.join(", "));
        // Shell functions may use the shell's commands too (`b()`, `flush()`...).
        let commands: Vec<String> = COMMANDS
            .iter()
            .filter(|&&(n, a)| !defs.iter().any(|(dn, da, _)| dn == n && *da == a))
            .map(|(n, a)| format!("{n}/{a}"))
            .collect();
        text.push_str(&format!("-import(shell_default, [{}]).\n", commands.join(", ")));
        for (_, _, body) in &defs {
            text.push_str(body);
            text.push_str(".\n");
        }
        let module = crate::loader::compile_source(&text, "shell", &name, color)?;
        self.defs = defs;
        self.generation += 1;
        self.module = Some(name);
        Ok((module, added))
    }
}

/// What an input compiled into.
pub struct Compiled {
    pub module: Module,
}

/// Compiles `exprs` (parsed from `source`) into module `name`, with
/// `bound` the variables bound before it.
pub fn compile_input(
    name: &str,
    exprs: &[Expr],
    source: &str,
    bound: &[String],
    functions: &ShellFunctions,
) -> Result<Compiled, Vec<Diagnostic>> {
    let wrapper = Span::new(source.len(), source.len());
    let mut exported = variables_in(source);
    for b in bound {
        if !exported.contains(b) {
            exported.push(b.clone());
        }
    }
    loop {
        let ast = wrap(name, exprs, bound, &exported, functions, wrapper);
        let opts = Options { file_name: "shell".into(), module_name: name.into(), source };
        match compiler::compile(&ast, &opts) {
            Ok(module) => return Ok(Compiled { module }),
            Err(diags) => {
                let (ours, theirs): (Vec<Diagnostic>, Vec<Diagnostic>) =
                    diags.into_iter().partition(|d| d.span.start == wrapper.start && d.span.end == wrapper.end);
                if !theirs.is_empty() {
                    return Err(theirs);
                }
                let drop: Vec<String> = ours.iter().filter_map(|d| quoted_variable(&d.message)).collect();
                let before = exported.len();
                exported.retain(|v| !drop.contains(v));
                if exported.len() == before {
                    // An error in the wrapper that is not about a variable: a bug.
                    return Err(ours);
                }
            }
        }
    }
}

/// `X` from "variable 'X' is unbound" / "variable 'X' unsafe in 'case'".
fn quoted_variable(message: &str) -> Option<String> {
    let rest = message.strip_prefix("variable '")?;
    Some(rest[..rest.find('\'')?].to_string())
}

/// Every variable name the input mentions, in order of first appearance.
pub fn variables_in(source: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for t in act::syntax::lexer::lex(source).tokens {
        if let Tok::Var(v) = t.tok {
            if v != "_" && !names.contains(&v) {
                names.push(v);
            }
        }
    }
    names
}

fn wrap(name: &str, exprs: &[Expr], bound: &[String], exported: &[String], functions: &ShellFunctions, s: Span) -> ast::Module {
    let var = |n: &str| Expr::Var(n.to_string(), s);
    let assoc = |n: &str, exact: bool| MapAssoc { key: Expr::Atom(n.to_string(), s), value: var(n), exact, span: s };
    let mut body = Vec::new();
    if !bound.is_empty() {
        let pattern = Expr::Map(bound.iter().map(|b| assoc(b, true)).collect(), s);
        body.push(Expr::Match(Box::new(pattern), Box::new(var(BINDINGS)), s));
    }
    body.push(Expr::Match(Box::new(var(VALUE)), Box::new(Expr::Block(exprs.to_vec(), s)), s));
    let new_bindings = if exported.is_empty() {
        var(BINDINGS)
    } else {
        Expr::MapUpdate(Box::new(var(BINDINGS)), exported.iter().map(|v| assoc(v, false)).collect(), s)
    };
    body.push(Expr::Tuple(vec![var(VALUE), new_bindings], s));
    let clause = Clause { patterns: vec![var(BINDINGS)], guards: vec![], body, span: s };
    let mut forms = vec![
        Form::Module { name: name.to_string(), span: s },
        Form::Export { funs: vec![("eval".into(), 1, s)], span: s },
    ];
    let own: Vec<(&str, u32)> = functions.names().collect();
    let commands = COMMANDS.iter().filter(|c| !own.contains(c)).map(|&(n, a)| (n.to_string(), a, s)).collect();
    forms.push(Form::Import { module: "shell_default".into(), funs: commands, span: s });
    if let Some(m) = &functions.module {
        forms.push(Form::Import { module: m.clone(), funs: own.iter().map(|&(n, a)| (n.to_string(), a, s)).collect(), span: s });
    }
    forms.push(Form::Function(ast::Function { name: "eval".into(), arity: 1, clauses: vec![clause], span: s }));
    ast::Module { forms }
}

/// A shell command that changes the bindings and so is done by the line
/// editor, not compiled: `f()` or `f(X)`.
pub enum Forget {
    All,
    Variable(String),
}

/// Whether the whole input is `f().` or `f(Var).`.
pub fn forget_command(exprs: &[Expr], functions: &ShellFunctions) -> Option<Forget> {
    let [Expr::Call { target: CallTarget::Local(f, _), args, .. }] = exprs else { return None };
    if f != "f" || functions.names().any(|(n, a)| n == "f" && a as usize == args.len()) {
        return None;
    }
    match args.as_slice() {
        [] => Some(Forget::All),
        [Expr::Var(v, _)] => Some(Forget::Variable(v.clone())),
        _ => None,
    }
}
