//! Module-level compilation: gathers names, exports, imports and records,
//! checks them, compiles every function and lifted fun, and assembles the
//! runtime `Module`.

use super::func::FnCompiler;
use super::Options;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{self, Expr, Form, Span};
use act_runtime::atom;
use act_runtime::module::{FunctionCode, Module};
use std::collections::HashMap;

/// A record definition: field names in order with their defaults.
pub struct RecordDef {
    pub fields: Vec<(String, Option<Expr>)>,
}

/// Everything the function compilers share while building one module.
pub struct ModCtx<'a> {
    pub module: Module,
    pub name: String,
    /// (name, arity) -> function index, for named functions.
    pub functions: HashMap<(String, u32), u32>,
    /// (name, arity) -> module, from `-import`.
    pub imports: HashMap<(String, u32), String>,
    pub records: HashMap<String, RecordDef>,
    pub diags: Vec<Diagnostic>,
    /// Byte offset of each line start, for span -> line.
    line_starts: Vec<u32>,
    /// Counter for lifted funs' names (`-f/1-fun-N-`).
    pub fun_counter: u32,
    pub fresh: super::comprehension::Fresh,
    pub source: &'a str,
}

impl ModCtx<'_> {
    pub fn line_of(&self, span: Span) -> u32 {
        match self.line_starts.binary_search(&span.start) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    pub fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(span, msg));
    }

    /// Reserves a function slot (filled in by `fill_function`).
    pub fn reserve_function(&mut self, name: &str, arity: u32) -> u32 {
        let a = atom::atom(name);
        self.module.functions.push(FunctionCode {
            name: a,
            arity,
            frame_size: arity,
            code: Vec::new(),
            lines: Vec::new(),
            receives: Vec::new(),
            display_name: a,
        });
        (self.module.functions.len() - 1) as u32
    }
}

pub fn compile_module(ast: &ast::Module, opts: &Options) -> Result<Module, Vec<Diagnostic>> {
    let mut name = None;
    for f in &ast.forms {
        if let Form::Module { name: n, .. } = f {
            name = Some(n.clone());
            break;
        }
    }
    let has_module_attr = name.is_some();
    let name = name.unwrap_or_else(|| opts.module_name.clone());
    let mut line_starts = vec![0u32];
    for (i, b) in opts.source.bytes().enumerate() {
        if b == b'\n' {
            line_starts.push(i as u32 + 1);
        }
    }
    let mut cx = ModCtx {
        module: Module::new(atom::atom(&name), opts.file_name.clone()),
        name: name.clone(),
        functions: HashMap::new(),
        imports: HashMap::new(),
        records: HashMap::new(),
        diags: Vec::new(),
        line_starts,
        fun_counter: 0,
        fresh: super::comprehension::Fresh(0),
        source: opts.source,
    };

    // Pass 1: the function table, records, imports.
    let mut defs: Vec<&ast::Function> = Vec::new();
    let mut def_spans: HashMap<(String, u32), Span> = HashMap::new();
    for f in &ast.forms {
        match f {
            Form::Function(func) => {
                let key = (func.name.clone(), func.arity);
                if let Some(prev) = def_spans.get(&key) {
                    let prev = *prev;
                    cx.diags.push(
                        Diagnostic::error(func.span, format!("function {}/{} is already defined", func.name, func.arity))
                            .with_secondary(prev, "first defined here"),
                    );
                    continue;
                }
                def_spans.insert(key.clone(), func.span);
                let i = cx.reserve_function(&func.name, func.arity);
                cx.functions.insert(key, i);
                defs.push(func);
            }
            Form::Record { name: rn, fields, span } => {
                if cx.records.contains_key(rn) {
                    cx.error(*span, format!("record {rn} is already defined"));
                    continue;
                }
                let mut seen: Vec<&str> = Vec::new();
                let mut out = Vec::new();
                for fd in fields {
                    if seen.contains(&fd.name.as_str()) {
                        cx.error(fd.span, format!("field {} already defined in record {rn}", fd.name));
                        continue;
                    }
                    seen.push(&fd.name);
                    out.push((fd.name.clone(), fd.default.clone()));
                }
                cx.records.insert(rn.clone(), RecordDef { fields: out });
            }
            Form::Import { module, funs, .. } => {
                for (f, a, _) in funs {
                    cx.imports.insert((f.clone(), *a), module.clone());
                }
            }
            Form::Attribute { name: an, value, .. } => {
                if let Some(v) = value {
                    if let Some(t) = super::expr::const_term(&mut cx.module.literals, v) {
                        let key = act_runtime::Term::atom(atom::atom(an));
                        let lit = cx.module.literals.tuple(&[key, t]);
                        cx.module.attributes.push(lit);
                    }
                }
            }
            _ => {}
        }
    }

    // Every module has module_info/0,1 (exported), as erlc adds them.
    let mut synthetic = Vec::new();
    for arity in [0u32, 1] {
        let key = ("module_info".to_string(), arity);
        if cx.functions.contains_key(&key) {
            continue;
        }
        let s = Span::default();
        let mut args = vec![Expr::Atom(name.clone(), s)];
        let mut params = Vec::new();
        if arity == 1 {
            params.push(Expr::Var("Key".into(), s));
            args.push(Expr::Var("Key".into(), s));
        }
        let call = Expr::Call {
            target: ast::CallTarget::Remote(Box::new(Expr::Atom("erlang".into(), s)), Box::new(Expr::Atom("get_module_info".into(), s))),
            args,
            span: s,
        };
        let f = ast::Function {
            name: "module_info".into(),
            arity,
            clauses: vec![ast::Clause { patterns: params, guards: vec![], body: vec![call], span: s }],
            span: s,
        };
        let i = cx.reserve_function("module_info", arity);
        cx.functions.insert(key, i);
        cx.module.exports.insert((atom::atom("module_info"), arity), i);
        synthetic.push(f);
    }

    // Exports.
    for f in &ast.forms {
        if let Form::Export { funs, .. } = f {
            for (fname, arity, span) in funs {
                match cx.functions.get(&(fname.clone(), *arity)) {
                    Some(&i) => {
                        cx.module.exports.insert((atom::atom(fname), *arity), i);
                    }
                    None => cx.error(*span, format!("function {fname}/{arity} undefined")),
                }
            }
        }
    }
    if !has_module_attr {
        // An escript without `-module` exports its entry point, as escript does.
        for arity in [0, 1] {
            if let Some(&i) = cx.functions.get(&("main".to_string(), arity)) {
                cx.module.exports.insert((atom::MAIN, arity), i);
            }
        }
    }
    for (&(ref n, a), &i) in &cx.functions {
        cx.module.locals.insert((atom::atom(n), a), i);
    }

    // Pass 2: code.
    for func in defs.into_iter().chain(synthetic.iter()) {
        let index = cx.functions[&(func.name.clone(), func.arity)];
        let code = FnCompiler::compile_function(&mut cx, func);
        fill(&mut cx, index, code);
    }

    if cx.diags.is_empty() {
        Ok(cx.module)
    } else {
        Err(cx.diags)
    }
}

/// Stores a compiled function into its reserved slot.
pub fn fill(cx: &mut ModCtx, index: u32, code: FunctionCode) {
    cx.module.functions[index as usize] = code;
}
