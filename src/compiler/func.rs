//! The per-function code builder: instruction emission, labels, register
//! allocation and variable scopes; compiles a function's (or lifted fun's)
//! clauses. Expressions, patterns and guards are in their own files as
//! further `impl FnCompiler` blocks.
//!
//! Variable scoping follows Erlang: a variable is bound from its first
//! binding to the end of the clause. Branches (`case`, `if`, `receive`)
//! each start from the bindings before them; afterwards a variable is
//! bound when every branch bound it, and *unsafe* (an error to use) when
//! only some did.

use super::module::ModCtx;
use super::scope;
use crate::syntax::ast::{self, Clause, Expr, Span};
use act_runtime::atom;
use act_runtime::module::{FunctionCode, Lambda};
use act_runtime::opcode::{Label, Op, Reg};
use std::collections::{HashMap, HashSet};

/// What the variables look like at a point of the code.
#[derive(Clone, Default)]
pub struct Scope {
    pub bound: HashSet<String>,
    /// Variables bound in some branches only, with the construct that made
    /// them unsafe (`case`, `if`, `receive`, `try`, `catch`).
    pub unsafe_: HashMap<String, &'static str>,
}

pub struct FnCompiler<'c, 'a> {
    pub m: &'c mut ModCtx<'a>,
    pub code: Vec<Op>,
    lines: Vec<(u32, u32)>,
    /// Label id -> instruction index (u32::MAX until placed).
    labels: Vec<u32>,
    /// The register of each variable of the current clause.
    pub vars: HashMap<String, Reg>,
    pub scope: Scope,
    /// Next free temporary register; registers below are variables or live temps.
    pub next_reg: u32,
    max_reg: u32,
    pub fname: String,
    pub arity: u32,
    cur_line: u32,
    /// Set inside `try`/`catch` bodies: no tail calls there (the handler
    /// must be popped after the call returns).
    pub no_tail: bool,
    /// Inside a guard: calls to non-guard functions are errors.
    pub in_guard: bool,
    /// (RecvWait instruction index, the patterns it waits for).
    pub receives: Vec<(u32, String)>,
    /// Variables bound to a fresh reference or pid with a receive mark
    /// (see `Op::RecvMarkBind`).
    pub fresh_vars: HashSet<String>,
}

impl<'c, 'a> FnCompiler<'c, 'a> {
    fn new(m: &'c mut ModCtx<'a>, fname: &str, arity: u32) -> Self {
        FnCompiler {
            m,
            code: Vec::new(),
            lines: Vec::new(),
            labels: Vec::new(),
            vars: HashMap::new(),
            scope: Scope::default(),
            next_reg: 0,
            max_reg: 0,
            fname: fname.to_string(),
            arity,
            cur_line: 0,
            no_tail: false,
            in_guard: false,
            receives: Vec::new(),
            fresh_vars: HashSet::new(),
        }
    }

    // ---- emission ----

    pub fn emit(&mut self, op: Op) {
        let op = match op {
            // An immediate literal is equal only to the same word.
            Op::TestConst { src, value, fail } if !(value.is_boxed() || value.is_cons()) => Op::TestImm { src, value, fail },
            // `LoadConst R, V; Return R` returns V in one instruction. A
            // jump to the `Return` itself still finds one.
            Op::Return { src } => {
                let here = self.code.len() as u32;
                if let Some(last) = self.code.last_mut() {
                    if let Op::LoadConst { dst, value } = *last {
                        if dst == src {
                            *last = Op::ReturnConst { value };
                            if !self.labels.contains(&here) {
                                return;
                            }
                        }
                    }
                }
                op
            }
            op => op,
        };
        self.code.push(op);
    }

    /// Records that the following instructions come from `span`'s line.
    pub fn at(&mut self, span: Span) {
        let line = self.m.line_of(span);
        if line != self.cur_line {
            self.cur_line = line;
            self.lines.push((self.code.len() as u32, line));
        }
    }

    pub fn new_label(&mut self) -> Label {
        self.labels.push(u32::MAX);
        Label(self.labels.len() as u32 - 1)
    }

    pub fn place(&mut self, l: Label) {
        self.labels[l.0 as usize] = self.code.len() as u32;
    }

    // ---- registers ----

    pub fn tmp(&mut self) -> Reg {
        let r = self.next_reg;
        self.next_reg += 1;
        self.max_reg = self.max_reg.max(self.next_reg);
        self.reg_checked(r)
    }

    /// `n` consecutive temporaries; returns the first.
    pub fn tmps(&mut self, n: u32) -> Reg {
        let r = self.next_reg;
        self.next_reg += n;
        self.max_reg = self.max_reg.max(self.next_reg);
        self.reg_checked(r)
    }

    fn reg_checked(&mut self, r: u32) -> Reg {
        if r > Reg::MAX as u32 - 16 {
            // Reported once per function by `finish`.
            return Reg::MAX - 16;
        }
        r as Reg
    }

    pub fn mark(&self) -> u32 {
        self.next_reg
    }

    pub fn release(&mut self, mark: u32) {
        self.next_reg = mark;
    }

    // ---- functions ----

    /// Compiles a named function.
    pub fn compile_function(m: &'c mut ModCtx<'a>, f: &ast::Function) -> FunctionCode {
        let mut fc = FnCompiler::new(m, &f.name, f.arity);
        fc.at(f.span);
        fc.clauses(&f.clauses, &[], None, f.span);
        fc.finish(&f.name, f.arity, atom::atom(&f.name), f.span)
    }

    /// Lifts a fun into a new function of the module; returns its lambda index.
    /// `free` are the captured variables (passed after the arguments), `name`
    /// the fun's own name for a named fun (passed last).
    pub fn compile_lambda(&mut self, clauses: &[Clause], free: &[String], name: Option<&str>, span: Span) -> u32 {
        let arity = clauses.first().map(|c| c.patterns.len()).unwrap_or(0) as u32;
        let n = self.m.fun_counter;
        self.m.fun_counter += 1;
        let display = format!("-{}/{}-fun-{}-", self.fname, self.arity, n);
        let total = arity + free.len() as u32 + name.is_some() as u32;
        let index = self.m.reserve_function(&display, total);
        let code = {
            let mut fc = FnCompiler::new(&mut *self.m, &self.fname.clone(), self.arity);
            fc.at(span);
            fc.clauses(clauses, free, name, span);
            let mut code = fc.finish(&display, total, atom::atom(&display), span);
            code.arity = total;
            code
        };
        super::module::fill(self.m, index, code);
        let li = self.m.module.lambdas.len() as u32;
        self.m.module.lambdas.push(Lambda {
            func: index,
            arity,
            num_free: free.len() as u32,
            named: name.is_some(),
            index: li,
            uniq: fun_uniq(&self.m.name, li),
        });
        li
    }

    /// A lambda over an existing local function (`fun f/2`).
    pub fn lambda_for_local(&mut self, func: u32, arity: u32) -> u32 {
        let li = self.m.module.lambdas.len() as u32;
        self.m.module.lambdas.push(Lambda {
            func,
            arity,
            num_free: 0,
            named: false,
            index: li,
            uniq: fun_uniq(&self.m.name, li),
        });
        li
    }

    fn finish(mut self, _name: &str, arity: u32, display: atom::Atom, span: Span) -> FunctionCode {
        if self.max_reg > Reg::MAX as u32 - 16 {
            self.m.error(span, "function too large: it needs more than 65,000 registers");
        }
        let labels = self.labels;
        for op in &mut self.code {
            op.map_labels(&mut |l| Label(labels[l.0 as usize]));
        }
        FunctionCode {
            name: display,
            arity,
            frame_size: self.max_reg.max(arity),
            code: self.code,
            lines: self.lines,
            receives: self.receives,
            display_name: display,
        }
    }

    /// Compiles function clauses over arguments R[0..arity], with captured
    /// variables `free` in the registers after them and the fun's own name last.
    fn clauses(&mut self, clauses: &[Clause], free: &[String], name: Option<&str>, span: Span) {
        let arity = clauses.first().map(|c| c.patterns.len()).unwrap_or(0) as u32;
        for c in clauses {
            if c.patterns.len() as u32 != arity {
                self.m.error(c.span, "clauses of a fun have different numbers of arguments");
                return;
            }
        }
        for c in clauses {
            self.vars.clear();
            self.fresh_vars.clear();
            self.scope = Scope::default();
            let fail = self.new_label();
            // Variables that are the whole of an argument pattern live in
            // that argument's register.
            let mut regs_used = arity;
            let mut head_vars = Vec::new();
            for p in &c.patterns {
                scope::vars_of(p, &mut head_vars);
            }
            for (i, f) in free.iter().enumerate() {
                if !head_vars.contains(f) {
                    self.vars.insert(f.clone(), (arity + i as u32) as Reg);
                    self.scope.bound.insert(f.clone());
                }
            }
            regs_used += free.len() as u32;
            if let Some(n) = name {
                if !head_vars.iter().any(|v| v == n) {
                    self.vars.insert(n.to_string(), regs_used as Reg);
                    self.scope.bound.insert(n.to_string());
                }
                regs_used += 1;
            }
            // Only a variable that occurs once in the whole head may live in
            // its argument register: a repeated one is written by its first
            // occurrence and compared at the others.
            let mut counts = HashMap::new();
            for p in &c.patterns {
                scope::count_vars(p, &mut counts);
            }
            let mut aliased = HashSet::new();
            for (i, p) in c.patterns.iter().enumerate() {
                if let Expr::Var(v, _) = p {
                    if counts.get(v) == Some(&1) && !self.vars.contains_key(v) && aliased.insert(v.clone()) {
                        self.vars.insert(v.clone(), i as Reg);
                    }
                }
            }
            let mut all = head_vars;
            for g in c.guards.iter().flatten() {
                scope::vars_of(g, &mut all);
            }
            for e in &c.body {
                scope::vars_of(e, &mut all);
            }
            for v in all {
                if !self.vars.contains_key(&v) {
                    self.vars.insert(v, regs_used as Reg);
                    regs_used += 1;
                }
            }
            self.next_reg = regs_used;
            self.max_reg = self.max_reg.max(regs_used);
            self.at(c.span);
            for (i, p) in c.patterns.iter().enumerate() {
                self.pattern(p, i as Reg, fail);
            }
            self.guards(&c.guards, fail);
            let dst = self.tmp();
            self.body(&c.body, dst, true);
            self.place(fail);
        }
        let _ = span;
        self.emit(Op::RaiseFunctionClause { arity });
    }

    /// Compiles a body: every expression for effect but the last, whose
    /// value goes to `dst` (and is returned when `tail`).
    pub fn body(&mut self, body: &[Expr], dst: Reg, tail: bool) {
        let Some((last, init)) = body.split_last() else {
            self.emit(Op::LoadConst { dst, value: act_runtime::Term::atom(atom::OK) });
            return;
        };
        for e in init {
            let mark = self.mark();
            let t = self.tmp();
            self.expr(e, t, false);
            self.release(mark);
        }
        self.expr(last, dst, tail);
    }

    /// After a value is in `dst`: return it when in tail position.
    pub fn finish_value(&mut self, dst: Reg, tail: bool) {
        if tail {
            self.emit(Op::Return { src: dst });
        }
    }

    /// Whether tail calls may be emitted here.
    pub fn can_tail(&self, tail: bool) -> bool {
        tail && !self.no_tail
    }

    /// The register of a bound variable, reporting unbound/unsafe uses.
    pub fn var_reg(&mut self, name: &str, span: Span) -> Reg {
        if !self.scope.bound.contains(name) {
            if let Some(what) = self.scope.unsafe_.get(name) {
                self.m.error(span, format!("variable '{name}' unsafe in '{what}'"));
            } else {
                self.m.error(span, format!("variable '{name}' is unbound"));
            }
        }
        *self.vars.get(name).unwrap_or(&0)
    }

    /// The register assigned to a variable (bound or about to be).
    pub fn var_slot(&mut self, name: &str) -> Reg {
        if let Some(&r) = self.vars.get(name) {
            return r;
        }
        let r = self.tmp();
        self.vars.insert(name.to_string(), r);
        r
    }

    /// Joins the scopes at the end of branches: bound in all = bound; in
    /// some = unsafe.
    pub fn join(&mut self, before: &Scope, branches: Vec<Scope>, what: &'static str) {
        let mut out = before.clone();
        if branches.is_empty() {
            self.scope = out;
            return;
        }
        let mut union: HashSet<String> = HashSet::new();
        for b in &branches {
            union.extend(b.bound.iter().cloned());
            for (k, v) in &b.unsafe_ {
                out.unsafe_.insert(k.clone(), v);
            }
        }
        for v in union {
            if before.bound.contains(&v) {
                continue;
            }
            if branches.iter().all(|b| b.bound.contains(&v)) {
                out.bound.insert(v.clone());
                out.unsafe_.remove(&v);
            } else {
                out.unsafe_.insert(v, what);
            }
        }
        self.scope = out;
    }
}

/// A stable per-fun number for `#Fun<m.I.U>` printing.
fn fun_uniq(module: &str, index: u32) -> u32 {
    let mut h: u32 = 2166136261;
    for b in module.bytes().chain(index.to_le_bytes()) {
        h = (h ^ b as u32).wrapping_mul(16777619);
    }
    h % 134217728
}
