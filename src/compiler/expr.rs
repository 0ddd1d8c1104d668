//! Expressions: each compiles to code that leaves its value in a
//! destination register, or, in tail position, returns it (or tail-calls).

use super::func::FnCompiler;
use super::scope;
use crate::syntax::ast::*;
use act_runtime::atom;
use act_runtime::heap::Heap;
use act_runtime::opcode::{ArithOp, BinSize, CmpOp, Label, Op, Reg};
use act_runtime::Term;

/// The constant term an expression denotes, built in `lit`, if it is one.
pub fn const_term(lit: &mut Heap, e: &Expr) -> Option<Term> {
    Some(match e {
        Expr::Integer(i, _) => int_term(lit, *i as i128),
        Expr::BigInteger(s, _) => {
            let v: num_bigint::BigInt = s.parse().ok()?;
            act_runtime::number::make_integer(lit, v)
        }
        Expr::Float(f, _) => lit.float(*f),
        Expr::Atom(a, _) => Term::atom(atom::intern(a)?),
        Expr::Nil(_) => Term::NIL,
        Expr::String(cs, _) => {
            let v: Vec<Term> = cs.iter().map(|&c| Term::small(c as i64)).collect();
            lit.list(&v)
        }
        Expr::Tuple(es, _) => {
            let v = es.iter().map(|e| const_term(lit, e)).collect::<Option<Vec<_>>>()?;
            lit.tuple(&v)
        }
        Expr::Cons(..) => {
            let mut elems = Vec::new();
            let mut t = e;
            while let Expr::Cons(h, tl, _) = t {
                elems.push(const_term(lit, h)?);
                t = tl;
            }
            let tail = const_term(lit, t)?;
            lit.list_with_tail(&elems, tail)
        }
        Expr::Unary(UnaryOp::Neg, x, _) => match &**x {
            Expr::Integer(i, _) => int_term(lit, -(*i as i128)),
            Expr::Float(f, _) => lit.float(-*f),
            Expr::BigInteger(s, _) => {
                let v: num_bigint::BigInt = s.parse().ok()?;
                act_runtime::number::make_integer(lit, -v)
            }
            _ => return None,
        },
        Expr::Unary(UnaryOp::Plus, x, _) => match &**x {
            Expr::Integer(..) | Expr::Float(..) => const_term(lit, x)?,
            _ => return None,
        },
        Expr::Binary(segs, _) if segs.iter().all(|s| s.size.is_none() && s.specs.is_empty() && matches!(s.value, Expr::String(..))) => {
            let mut bytes = Vec::new();
            for s in segs {
                if let Expr::String(cs, _) = &s.value {
                    bytes.extend(cs.iter().map(|&c| c as u8));
                }
            }
            lit.binary(&bytes)
        }
        _ => return None,
    })
}

fn int_term(lit: &mut Heap, i: i128) -> Term {
    act_runtime::number::make_i128(lit, i)
}

fn arith_op(op: BinOp) -> Option<ArithOp> {
    Some(match op {
        BinOp::Add => ArithOp::Add,
        BinOp::Sub => ArithOp::Sub,
        BinOp::Mul => ArithOp::Mul,
        BinOp::FDiv => ArithOp::FDiv,
        BinOp::IDiv => ArithOp::IDiv,
        BinOp::Rem => ArithOp::Rem,
        BinOp::Band => ArithOp::Band,
        BinOp::Bor => ArithOp::Bor,
        BinOp::Bxor => ArithOp::Bxor,
        BinOp::Bsl => ArithOp::Bsl,
        BinOp::Bsr => ArithOp::Bsr,
        _ => return None,
    })
}

pub fn cmp_op(op: BinOp) -> Option<CmpOp> {
    Some(match op {
        BinOp::Eq => CmpOp::Eq,
        BinOp::Ne => CmpOp::Ne,
        BinOp::ExactEq => CmpOp::ExactEq,
        BinOp::ExactNe => CmpOp::ExactNe,
        BinOp::Lt => CmpOp::Lt,
        BinOp::Le => CmpOp::Le,
        BinOp::Gt => CmpOp::Gt,
        BinOp::Ge => CmpOp::Ge,
        _ => return None,
    })
}

impl FnCompiler<'_, '_> {
    /// A constant term for `e`, in the module's literal area.
    pub fn literal(&mut self, e: &Expr) -> Option<Term> {
        const_term(&mut self.m.module.literals, e)
    }

    pub fn load(&mut self, dst: Reg, value: Term) {
        self.emit(Op::LoadConst { dst, value });
    }

    /// The register holding `e`'s value: a variable's own register, or a
    /// temporary it was computed into.
    pub fn operand(&mut self, e: &Expr) -> Reg {
        if let Expr::Var(n, s) = e {
            return self.var_reg(n, *s);
        }
        let t = self.tmp();
        self.expr(e, t, false);
        t
    }

    /// Computes `e` into `dst`; in tail position returns it.
    pub fn expr(&mut self, e: &Expr, dst: Reg, tail: bool) {
        self.at(e.span());
        if let Some(t) = self.literal_if_simple(e) {
            self.load(dst, t);
            return self.finish_value(dst, tail);
        }
        match e {
            Expr::Var(n, s) => {
                let r = self.var_reg(n, *s);
                if r != dst {
                    self.emit(Op::Move { dst, src: r });
                }
                self.finish_value(dst, tail)
            }
            Expr::Wildcard(s) => {
                self.m.error(*s, "variable '_' is unbound");
            }
            Expr::Tuple(es, _) => {
                let mark = self.mark();
                let base = self.tmps(es.len() as u32);
                for (i, x) in es.iter().enumerate() {
                    self.expr(x, base + i as Reg, false);
                }
                self.emit(Op::MakeTuple { dst, base, n: es.len() as u32 });
                self.release(mark);
                self.finish_value(dst, tail)
            }
            Expr::Cons(..) => {
                let mut elems = Vec::new();
                let mut t = e;
                while let Expr::Cons(h, tl, _) = t {
                    elems.push(&**h);
                    t = tl;
                }
                let mark = self.mark();
                let base = self.tmps(elems.len() as u32 + 1);
                for (i, x) in elems.iter().enumerate() {
                    self.expr(x, base + i as Reg, false);
                }
                let tail_reg = base + elems.len() as Reg;
                self.expr(t, tail_reg, false);
                for i in (0..elems.len()).rev() {
                    let d = if i == 0 { dst } else { tail_reg };
                    self.emit(Op::MakeCons { dst: d, hd: base + i as Reg, tl: tail_reg });
                }
                self.release(mark);
                self.finish_value(dst, tail)
            }
            Expr::Binary(segs, _) => {
                self.binary(segs, dst);
                self.finish_value(dst, tail)
            }
            Expr::Map(assocs, s) => {
                for a in assocs {
                    if a.exact {
                        self.m.error(a.span, "only association operators '=>' are allowed in map construction");
                    }
                }
                let _ = s;
                let mark = self.mark();
                let base = self.tmps(2 * assocs.len() as u32);
                for (i, a) in assocs.iter().enumerate() {
                    self.expr(&a.key, base + 2 * i as Reg, false);
                    self.expr(&a.value, base + 2 * i as Reg + 1, false);
                }
                self.emit(Op::MakeMap { dst, base, n: assocs.len() as u32 });
                self.release(mark);
                self.finish_value(dst, tail)
            }
            Expr::MapUpdate(m, assocs, _) => {
                let mark = self.mark();
                let src = self.operand(m);
                let mut cur = src;
                // Consecutive runs of the same operator become one MapPut.
                let mut i = 0;
                while i < assocs.len() {
                    let exact = assocs[i].exact;
                    let mut j = i;
                    while j < assocs.len() && assocs[j].exact == exact {
                        j += 1;
                    }
                    let inner = self.mark();
                    let base = self.tmps(2 * (j - i) as u32);
                    for (k, a) in assocs[i..j].iter().enumerate() {
                        self.expr(&a.key, base + 2 * k as Reg, false);
                        self.expr(&a.value, base + 2 * k as Reg + 1, false);
                    }
                    self.at(e.span());
                    self.emit(Op::MapPut { dst, src: cur, base, n: (j - i) as u32, exact });
                    self.release(inner);
                    cur = dst;
                    i = j;
                }
                if assocs.is_empty() {
                    // `M#{}` still checks that M is a map.
                    let base = self.tmp();
                    self.emit(Op::MapPut { dst, src, base, n: 0, exact: false });
                }
                self.release(mark);
                self.finish_value(dst, tail)
            }
            Expr::Record { name, fields, span } => {
                self.record_new(name, fields, *span, dst);
                self.finish_value(dst, tail)
            }
            Expr::RecordUpdate { expr, name, fields, span } => {
                self.record_update(expr, name, fields, *span, dst);
                self.finish_value(dst, tail)
            }
            Expr::RecordAccess { expr, name, field, span } => {
                self.record_access(expr, name, field, *span, dst);
                self.finish_value(dst, tail)
            }
            Expr::RecordIndex { name, field, span } => {
                let idx = self.record_field_index(name, field, *span).unwrap_or(0);
                self.load(dst, Term::small(idx as i64 + 1));
                self.finish_value(dst, tail)
            }
            Expr::Match(p, v, _) => {
                self.match_expr(p, v, dst);
                self.finish_value(dst, tail)
            }
            Expr::Unary(op, x, s) => {
                let mark = self.mark();
                let r = self.operand(x);
                self.at(*s);
                match op {
                    UnaryOp::Neg => self.emit(Op::Negate { dst, src: r, neg: true }),
                    UnaryOp::Plus => self.emit(Op::Negate { dst, src: r, neg: false }),
                    UnaryOp::Bnot => self.emit(Op::Bnot { dst, src: r }),
                    UnaryOp::Not => self.call_bif_regs("erlang", "not", &[r], dst, *s),
                }
                self.release(mark);
                self.finish_value(dst, tail)
            }
            Expr::Binary2(op @ (BinOp::Add | BinOp::Sub), a, b, s) if small_literal(b).is_some() => {
                let mark = self.mark();
                let ra = self.operand(a);
                self.at(*s);
                let aop = arith_op(*op).expect("+ and - are arithmetic");
                let imm = small_literal(b).expect("checked by the guard");
                self.emit(Op::ArithImm { op: aop, dst, a: ra, imm });
                self.release(mark);
                self.finish_value(dst, tail)
            }
            Expr::Binary2(op, a, b, s) => {
                let mark = self.mark();
                let ra = self.operand(a);
                let rb = self.operand(b);
                self.at(*s);
                if let Some(aop) = arith_op(*op) {
                    self.emit(Op::Arith { op: aop, dst, a: ra, b: rb });
                } else if let Some(cop) = cmp_op(*op) {
                    self.emit(Op::Compare { op: cop, dst, a: ra, b: rb });
                } else {
                    let name = match op {
                        BinOp::And => "and",
                        BinOp::Or => "or",
                        BinOp::Xor => "xor",
                        BinOp::Append => "++",
                        BinOp::Subtract => "--",
                        _ => unreachable!("arith and comparison handled above"),
                    };
                    self.call_bif_regs("erlang", name, &[ra, rb], dst, *s);
                }
                self.release(mark);
                self.finish_value(dst, tail)
            }
            Expr::AndAlso(a, b, _) | Expr::OrElse(a, b, _) => {
                let is_and = matches!(e, Expr::AndAlso(..));
                self.expr(a, dst, false);
                let done = self.new_label();
                let bad = self.new_label();
                let ok = self.new_label();
                // Short-circuit on false (andalso) / true (orelse); raise
                // {badarg, A} when A is not a boolean.
                if is_and {
                    self.emit(Op::JumpIfFalse { src: dst, target: done });
                    self.emit(Op::JumpIfTrue { src: dst, target: ok });
                } else {
                    self.emit(Op::JumpIfTrue { src: dst, target: done });
                    self.emit(Op::JumpIfFalse { src: dst, target: ok });
                }
                self.place(bad);
                self.emit(Op::RaiseMatchError { kind: Term::atom(atom::BADARG), src: dst });
                self.place(ok);
                let before = self.scope.clone();
                self.expr(b, dst, tail && !self.no_tail && false);
                // Variables bound in the right operand are not safe after it.
                let after = std::mem::replace(&mut self.scope, before.clone());
                self.join(&before, vec![after, before.clone()], if is_and { "andalso" } else { "orelse" });
                self.place(done);
                self.finish_value(dst, tail)
            }
            Expr::Send(to, msg, s) => {
                let mark = self.mark();
                let base = self.tmps(2);
                self.expr(to, base, false);
                self.expr(msg, base + 1, false);
                self.at(*s);
                self.call_bif_at("erlang", "send", base, 2, dst, *s);
                self.release(mark);
                self.finish_value(dst, tail)
            }
            Expr::Call { target, args, span } => self.call(target, args, *span, dst, tail),
            Expr::Fun { name, clauses, span } => {
                self.make_fun(name.as_deref(), clauses, *span, dst);
                self.finish_value(dst, tail)
            }
            Expr::FunRef { name, arity, span } => {
                match self.m.functions.get(&(name.clone(), *arity)).copied() {
                    Some(func) => {
                        let li = self.lambda_for_local(func, *arity);
                        let base = self.tmp();
                        self.emit(Op::MakeFun { dst, lambda: li, base, n: 0 });
                        self.release(base as u32);
                    }
                    None if is_auto_imported(name, *arity) => {
                        // `fun is_atom/1`: the BIF, as `fun erlang:is_atom/1`.
                        let t = self.m.module.literals.export_fun(
                            Term::atom(atom::ERLANG),
                            Term::atom(atom::atom(name)),
                            *arity as usize,
                        );
                        self.load(dst, t);
                    }
                    None => self.m.error(*span, format!("function {name}/{arity} undefined")),
                }
                self.finish_value(dst, tail)
            }
            Expr::FunRemote { module, name, arity, span } => {
                if let (Some(m), Some(f), Expr::Integer(a, _)) = (atom_of(module), atom_of(name), &**arity) {
                    let mt = Term::atom(atom::atom(m));
                    let ft = Term::atom(atom::atom(f));
                    let t = self.m.module.literals.export_fun(mt, ft, *a as usize);
                    self.load(dst, t);
                } else {
                    let mark = self.mark();
                    let rm = self.operand(module);
                    let rf = self.operand(name);
                    let ra = self.operand(arity);
                    self.at(*span);
                    self.emit(Op::MakeExport { dst, m: rm, f: rf, a: ra });
                    self.release(mark);
                }
                self.finish_value(dst, tail)
            }
            Expr::Block(body, _) => self.body(body, dst, tail),
            Expr::Case(subject, clauses, s) => {
                let mark = self.mark();
                let r = self.operand(subject);
                self.case(r, clauses, dst, tail, *s);
                self.release(mark);
            }
            Expr::If(clauses, s) => self.if_expr(clauses, dst, tail, *s),
            Expr::Receive { clauses, after, span } => self.receive(clauses, after.as_deref(), dst, tail, *span),
            Expr::Try { body, of_clauses, catch_clauses, after, span } => {
                self.try_expr(body, of_clauses, catch_clauses, after, dst, *span);
                self.finish_value(dst, tail)
            }
            Expr::Catch(x, s) => {
                self.catch_expr(x, dst, *s);
                self.finish_value(dst, tail)
            }
            Expr::ListComp(x, qs, s) => {
                let rewritten = super::comprehension::list_comp(x, qs, *s, &mut self.m.fresh);
                self.expr(&rewritten, dst, tail)
            }
            Expr::BinComp(x, qs, s) => {
                let rewritten = super::comprehension::bin_comp(x, qs, *s, &mut self.m.fresh);
                self.expr(&rewritten, dst, tail)
            }
            Expr::Integer(..) | Expr::BigInteger(..) | Expr::Float(..) | Expr::Atom(..) | Expr::String(..) | Expr::Nil(_) => {
                unreachable!("constants are handled by literal_if_simple")
            }
            Expr::Error(s) => self.m.error(*s, "syntax error"),
        }
    }

    fn literal_if_simple(&mut self, e: &Expr) -> Option<Term> {
        match e {
            Expr::Integer(..) | Expr::BigInteger(..) | Expr::Float(..) | Expr::Atom(..) | Expr::String(..) | Expr::Nil(_) => self.literal(e),
            Expr::Tuple(..) | Expr::Cons(..) | Expr::Unary(..) | Expr::Binary(..) => self.literal(e),
            _ => None,
        }
    }

    /// `P = E`
    fn match_expr(&mut self, p: &Expr, v: &Expr, dst: Reg) {
        if makes_fresh_value(v) {
            // Remember the mailbox length before the fresh value exists;
            // a later receive that requires it can skip what came before.
            self.emit(Op::RecvMark);
            let before: Vec<String> = self.scope.bound.iter().cloned().collect();
            self.match_expr_plain(p, v, dst);
            let mut vs = Vec::new();
            super::scope::vars_of(p, &mut vs);
            for name in vs {
                if !before.contains(&name) && self.scope.bound.contains(&name) {
                    let r = self.vars[&name];
                    self.emit(Op::RecvMarkBind { src: r });
                    self.fresh_vars.insert(name);
                }
            }
            return;
        }
        self.match_expr_plain(p, v, dst)
    }

    fn match_expr_plain(&mut self, p: &Expr, v: &Expr, dst: Reg) {
        if let Expr::Var(n, _) = p {
            if !self.scope.bound.contains(n) && !self.scope.unsafe_.contains_key(n) {
                let r = self.var_slot(n);
                self.expr(v, r, false);
                self.scope.bound.insert(n.clone());
                if r != dst {
                    self.emit(Op::Move { dst, src: r });
                }
                return;
            }
        }
        self.expr(v, dst, false);
        let fail = self.new_label();
        let ok = self.new_label();
        self.pattern(p, dst, fail);
        self.emit(Op::Jump { target: ok });
        self.place(fail);
        self.at(p.span());
        self.emit(Op::RaiseMatchError { kind: Term::atom(atom::BADMATCH), src: dst });
        self.place(ok);
    }

    // ---- calls ----

    /// Calls BIF `m:f` on the given registers (copied into consecutive temps).
    pub fn call_bif_regs(&mut self, m: &str, f: &str, regs: &[Reg], dst: Reg, span: Span) {
        let mark = self.mark();
        let base = self.tmps(regs.len() as u32);
        for (i, r) in regs.iter().enumerate() {
            self.emit(Op::Move { dst: base + i as Reg, src: *r });
        }
        self.call_bif_at(m, f, base, regs.len() as u32, dst, span);
        self.release(mark);
    }

    /// Calls BIF `m:f/arity` with its arguments already in R[base..].
    pub fn call_bif_at(&mut self, m: &str, f: &str, base: Reg, arity: u32, dst: Reg, span: Span) {
        match act_runtime::bif::lookup(atom::atom(m), atom::atom(f), arity) {
            Some(bif) => self.emit(Op::CallBif { bif, dst, base, arity, fail: Label::NONE }),
            None => {
                // Not native (yet): a remote call resolves it at run time.
                let import = self.m.module.import(atom::atom(m), atom::atom(f), arity);
                self.emit(Op::CallExt { import, base, arity });
                if base != dst {
                    self.emit(Op::Move { dst, src: base });
                }
                let _ = span;
            }
        }
    }

    fn call(&mut self, target: &CallTarget, args: &[Expr], span: Span, dst: Reg, tail: bool) {
        let arity = args.len() as u32;
        match target {
            CallTarget::Local(name, nspan) if name == "record_info" && arity == 2 => {
                let (Some(what), Some(rec)) = (atom_of(&args[0]), atom_of(&args[1])) else {
                    return self.m.error(*nspan, "illegal record_info: both arguments must be atoms");
                };
                let Some(def) = self.m.records.get(rec).map(|d| d.fields.iter().map(|f| f.0.clone()).collect::<Vec<_>>()) else {
                    return self.m.error(args[1].span(), format!("record {rec} undefined"));
                };
                let value = match what {
                    "size" => Term::small(def.len() as i64 + 1),
                    "fields" => {
                        let names: Vec<Term> = def.iter().map(|f| Term::atom(atom::atom(f))).collect();
                        self.m.module.literals.list(&names)
                    }
                    _ => return self.m.error(args[0].span(), "illegal record_info: expected `fields` or `size`"),
                };
                self.load(dst, value);
                self.finish_value(dst, tail)
            }
            CallTarget::Local(name, _) if name == "is_record" && arity == 2 && self.record_size(&args[1]).is_some() => {
                let size = self.record_size(&args[1]).unwrap_or(0);
                let mut args3 = args.to_vec();
                args3.push(Expr::Integer(size as i64, span));
                self.remote_call("erlang", "is_record", &args3, span, dst, tail)
            }
            CallTarget::Local(name, nspan) => {
                if let Some(func) = self.m.functions.get(&(name.clone(), arity)).copied() {
                    let base = self.args_into_temps(args);
                    self.at(span);
                    if self.can_tail(tail) {
                        self.emit(Op::TailCall { func, base, arity });
                    } else {
                        self.emit(Op::Call { func, base, arity, dst });
                        self.finish_value(dst, tail);
                    }
                    self.release(base as u32);
                } else if let Some(m) = self.m.imports.get(&(name.clone(), arity)).cloned() {
                    self.remote_call(&m, name, args, span, dst, tail);
                } else if name == "apply" && (arity == 2 || arity == 3) {
                    let base = self.args_into_temps(args);
                    self.at(span);
                    if arity == 3 {
                        self.emit(Op::ApplyList { base });
                    } else {
                        self.emit(Op::ApplyFunList { base });
                    }
                    self.move_result(base, dst, tail);
                    self.release(base as u32);
                } else if is_auto_imported(name, arity) {
                    self.remote_call("erlang", name, args, span, dst, tail);
                } else {
                    self.m.error(*nspan, format!("function {name}/{arity} undefined"));
                }
            }
            CallTarget::Remote(m, f) => match (atom_of(m), atom_of(f)) {
                (Some(m), Some(f)) => self.remote_call(&m.to_string(), &f.to_string(), args, span, dst, tail),
                _ => {
                    let base = self.tmps(arity + 2);
                    self.expr(m, base, false);
                    self.expr(f, base + 1, false);
                    for (i, a) in args.iter().enumerate() {
                        self.expr(a, base + 2 + i as Reg, false);
                    }
                    self.at(span);
                    if self.can_tail(tail) {
                        self.emit(Op::TailApply { base, arity });
                    } else {
                        self.emit(Op::Apply { base, arity });
                        self.move_result(base, dst, tail);
                    }
                    self.release(base as u32);
                }
            },
            CallTarget::Fun(f) => {
                let base = self.tmps(arity + 1);
                for (i, a) in args.iter().enumerate() {
                    self.expr(a, base + i as Reg, false);
                }
                self.expr(f, base + arity as Reg, false);
                self.at(span);
                if self.can_tail(tail) {
                    self.emit(Op::TailCallFun { base, arity });
                } else {
                    self.emit(Op::CallFun { base, arity });
                    self.move_result(base, dst, tail);
                }
                self.release(base as u32);
            }
        }
    }

    fn remote_call(&mut self, m: &str, f: &str, args: &[Expr], span: Span, dst: Reg, tail: bool) {
        let arity = args.len() as u32;
        if m == "erlang" && f == "apply" && (arity == 2 || arity == 3) {
            let local = CallTarget::Local("apply".into(), span);
            return self.call(&local, args, span, dst, tail);
        }
        if m == "erlang" && f == "hibernate" && arity == 3 && !self.no_tail {
            // hibernate never returns: the process continues in M:F(A) once
            // a message arrives, with its stack discarded (a tail call).
            let base = self.args_into_temps(args);
            self.at(span);
            let import = self.m.module.import(atom::atom("$act_boot"), atom::atom("hibernate"), 3);
            self.emit(Op::TailCallExt { import, base, arity });
            self.release(base as u32);
            return;
        }
        let base = self.args_into_temps(args);
        self.at(span);
        let (ma, fa) = (atom::atom(m), atom::atom(f));
        if let Some(bif) = act_runtime::bif::lookup(ma, fa, arity) {
            self.emit(Op::CallBif { bif, dst, base, arity, fail: Label::NONE });
            self.release(base as u32);
            return self.finish_value(dst, tail);
        }
        let import = self.m.module.import(ma, fa, arity);
        if self.can_tail(tail) {
            self.emit(Op::TailCallExt { import, base, arity });
        } else {
            self.emit(Op::CallExt { import, base, arity });
            self.move_result(base, dst, tail);
        }
        self.release(base as u32);
    }

    fn move_result(&mut self, base: Reg, dst: Reg, tail: bool) {
        if base != dst {
            self.emit(Op::Move { dst, src: base });
        }
        self.finish_value(dst, tail);
    }

    /// Evaluates `args` into consecutive fresh temporaries; returns the first.
    fn args_into_temps(&mut self, args: &[Expr]) -> Reg {
        let base = self.tmps(args.len().max(1) as u32);
        for (i, a) in args.iter().enumerate() {
            self.expr(a, base + i as Reg, false);
        }
        base
    }

    // ---- funs ----

    fn make_fun(&mut self, name: Option<&str>, clauses: &[Clause], span: Span, dst: Reg) {
        // Captured variables: those the fun mentions that are bound here.
        let mut used = Vec::new();
        for c in clauses {
            for p in &c.patterns {
                scope::all_vars_of(p, &mut used);
            }
            for g in c.guards.iter().flatten() {
                scope::all_vars_of(g, &mut used);
            }
            for e in &c.body {
                scope::all_vars_of(e, &mut used);
            }
        }
        let free: Vec<String> = used
            .into_iter()
            .filter(|v| self.scope.bound.contains(v) && Some(v.as_str()) != name)
            .collect();
        let li = self.compile_lambda(clauses, &free, name, span);
        let mark = self.mark();
        let base = self.tmps(free.len().max(1) as u32);
        for (i, v) in free.iter().enumerate() {
            let r = self.vars[v];
            self.emit(Op::Move { dst: base + i as Reg, src: r });
        }
        self.at(span);
        self.emit(Op::MakeFun { dst, lambda: li, base, n: free.len() as u32 });
        self.release(mark);
    }

    // ---- branches ----

    /// `case R of Clauses end`
    pub fn case(&mut self, r: Reg, clauses: &[Clause], dst: Reg, tail: bool, span: Span) {
        let done = self.new_label();
        let before = self.scope.clone();
        let mut scopes = Vec::new();
        for c in clauses {
            self.scope = before.clone();
            let next = self.new_label();
            self.at(c.span);
            self.pattern(&c.patterns[0], r, next);
            self.guards(&c.guards, next);
            self.body(&c.body, dst, tail);
            if !tail {
                self.emit(Op::Jump { target: done });
            }
            scopes.push(std::mem::take(&mut self.scope));
            self.place(next);
        }
        self.at(span);
        self.emit(Op::RaiseMatchError { kind: Term::atom(atom::CASE_CLAUSE), src: r });
        self.place(done);
        self.join(&before, scopes, "case");
    }

    fn if_expr(&mut self, clauses: &[Clause], dst: Reg, tail: bool, span: Span) {
        let done = self.new_label();
        let before = self.scope.clone();
        let mut scopes = Vec::new();
        for c in clauses {
            self.scope = before.clone();
            let next = self.new_label();
            self.at(c.span);
            self.guards(&c.guards, next);
            self.body(&c.body, dst, tail);
            if !tail {
                self.emit(Op::Jump { target: done });
            }
            scopes.push(std::mem::take(&mut self.scope));
            self.place(next);
        }
        self.at(span);
        let none = self.tmp();
        self.load(none, Term::NONE);
        self.emit(Op::RaiseMatchError { kind: Term::atom(atom::IF_CLAUSE), src: none });
        self.place(done);
        self.join(&before, scopes, "if");
    }

    fn receive(&mut self, clauses: &[Clause], after: Option<&After>, dst: Reg, tail: bool, span: Span) {
        let done = self.new_label();
        let mark = self.mark();
        let timeout = self.tmp();
        match after {
            Some(a) => self.expr(&a.timeout, timeout, false),
            None => self.load(timeout, Term::NONE),
        }
        let msg = self.tmp();
        let lp = self.new_label();
        let wait = self.new_label();
        let before = self.scope.clone();
        let mut scopes = Vec::new();
        // A receive whose every clause requires the same fresh reference
        // (or pid) starts at the mark taken when it was made.
        let fresh = self.fresh_vars.iter().find(|v| {
            self.scope.bound.contains(*v)
                && !clauses.is_empty()
                && clauses.iter().all(|c| {
                    let mut vs = Vec::new();
                    super::scope::vars_of(&c.patterns[0], &mut vs);
                    vs.contains(v)
                })
        });
        if let Some(v) = fresh.cloned() {
            let r = self.vars[&v];
            self.emit(Op::RecvFromMark { src: r });
        }
        self.place(lp);
        self.at(span);
        self.emit(Op::RecvPeek { dst: msg, wait });
        for c in clauses {
            self.scope = before.clone();
            let next = self.new_label();
            self.at(c.span);
            self.pattern(&c.patterns[0], msg, next);
            self.guards(&c.guards, next);
            self.emit(Op::RecvAccept);
            self.body(&c.body, dst, tail);
            if !tail {
                self.emit(Op::Jump { target: done });
            }
            scopes.push(std::mem::take(&mut self.scope));
            self.place(next);
        }
        self.emit(Op::RecvNext { loop_: lp });
        self.place(wait);
        let text: Vec<String> = clauses
            .iter()
            .filter_map(|c| c.patterns.first())
            .map(|p| self.m.source.get(p.span().range()).unwrap_or("_").split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        self.receives.push((self.code.len() as u32, if text.is_empty() { "a timeout".into() } else { text.join(" | ") }));
        self.emit(Op::RecvWait { timeout, retry: lp });
        self.scope = before.clone();
        match after {
            Some(a) => {
                self.body(&a.body, dst, tail);
                scopes.push(std::mem::take(&mut self.scope));
            }
            None => {}
        }
        self.place(done);
        self.release(mark);
        self.join(&before, scopes, "receive");
    }

    fn try_expr(&mut self, body: &[Expr], ofs: &[Clause], catches: &[CatchClause], after: &[Expr], dst: Reg, span: Span) {
        let saved_no_tail = self.no_tail;
        let before = self.scope.clone();
        let mark = self.mark();
        // With `after`: an outer handler runs it on the way out of an exception.
        let after_handler = if after.is_empty() { None } else { Some((self.new_label(), self.tmps(3))) };
        if let Some((h, regs)) = after_handler {
            self.emit(Op::TryBegin { handler: h, dst: regs });
        }
        let handler = self.new_label();
        let exc = self.tmps(3);
        let done = self.new_label();
        self.no_tail = true;
        self.emit(Op::TryBegin { handler, dst: exc });
        let value = self.tmp();
        self.body(body, value, false);
        self.emit(Op::TryEnd);
        // `of` clauses run outside the protection of this try.
        if ofs.is_empty() {
            self.emit(Op::Move { dst, src: value });
        } else {
            let body_scope = self.scope.clone();
            for c in ofs {
                self.scope = body_scope.clone();
                let next = self.new_label();
                self.at(c.span);
                self.pattern(&c.patterns[0], value, next);
                self.guards(&c.guards, next);
                self.body(&c.body, dst, false);
                self.emit(Op::Jump { target: done });
                self.place(next);
            }
            self.emit(Op::RaiseMatchError { kind: Term::atom(atom::TRY_CLAUSE), src: value });
        }
        self.emit(Op::Jump { target: done });
        // The handler: class, reason, trace in exc..exc+2.
        self.place(handler);
        for c in catches {
            self.scope = before.clone();
            let next = self.new_label();
            self.at(c.span);
            match &c.class {
                Some(cl) => self.pattern(cl, exc, next),
                None => {
                    let throw = Term::atom(atom::THROW);
                    self.emit(Op::TestConst { src: exc, value: throw, fail: next });
                }
            }
            self.pattern(&c.reason, exc + 1, next);
            if let Some((st, _)) = &c.stack {
                let r = self.var_slot(st);
                self.emit(Op::Move { dst: r, src: exc + 2 });
                self.scope.bound.insert(st.clone());
            }
            self.guards(&c.guards, next);
            self.body(&c.body, dst, false);
            self.emit(Op::Jump { target: done });
            self.place(next);
        }
        self.emit(Op::Reraise { class: exc, reason: exc + 1, trace: exc + 2 });
        self.place(done);
        if let Some((h, regs)) = after_handler {
            self.emit(Op::TryEnd);
            self.scope = before.clone();
            let t = self.tmp();
            self.body(after, t, false);
            let end = self.new_label();
            self.emit(Op::Jump { target: end });
            self.place(h);
            self.scope = before.clone();
            self.body(after, t, false);
            self.emit(Op::Reraise { class: regs, reason: regs + 1, trace: regs + 2 });
            self.place(end);
        }
        self.no_tail = saved_no_tail;
        self.release(mark);
        let _ = span;
        // Nothing bound inside a try is safe after it.
        let inside = std::mem::take(&mut self.scope);
        self.join(&before, vec![inside, before.clone()], "try");
    }

    fn catch_expr(&mut self, x: &Expr, dst: Reg, span: Span) {
        let saved_no_tail = self.no_tail;
        let before = self.scope.clone();
        let mark = self.mark();
        let handler = self.new_label();
        let exc = self.tmps(3);
        let done = self.new_label();
        self.no_tail = true;
        self.emit(Op::TryBegin { handler, dst: exc });
        self.expr(x, dst, false);
        self.emit(Op::TryEnd);
        self.emit(Op::Jump { target: done });
        self.place(handler);
        self.at(span);
        // throw -> Reason; exit -> {'EXIT', Reason}; error -> {'EXIT', {Reason, Trace}}
        let not_throw = self.new_label();
        let not_exit = self.new_label();
        self.emit(Op::TestConst { src: exc, value: Term::atom(atom::THROW), fail: not_throw });
        self.emit(Op::Move { dst, src: exc + 1 });
        self.emit(Op::Jump { target: done });
        self.place(not_throw);
        let tag = self.tmp();
        self.load(tag, Term::atom(atom::EXIT_UPPER));
        self.emit(Op::TestConst { src: exc, value: Term::atom(atom::EXIT), fail: not_exit });
        let pair = self.tmps(2);
        self.emit(Op::Move { dst: pair, src: tag });
        self.emit(Op::Move { dst: pair + 1, src: exc + 1 });
        self.emit(Op::MakeTuple { dst, base: pair, n: 2 });
        self.emit(Op::Jump { target: done });
        self.place(not_exit);
        self.emit(Op::MakeTuple { dst: pair + 1, base: exc + 1, n: 2 });
        self.emit(Op::Move { dst: pair, src: tag });
        self.emit(Op::MakeTuple { dst, base: pair, n: 2 });
        self.place(done);
        self.no_tail = saved_no_tail;
        self.release(mark);
        let inside = std::mem::take(&mut self.scope);
        self.join(&before, vec![inside, before.clone()], "catch");
    }

    // ---- records ----

    /// The tuple size of the record named by the atom expression `e`.
    fn record_size(&self, e: &Expr) -> Option<usize> {
        let name = atom_of(e)?;
        self.m.records.get(name).map(|d| d.fields.len() + 1)
    }

    fn record_def(&mut self, name: &str, span: Span) -> Option<Vec<(String, Option<Expr>)>> {
        match self.m.records.get(name) {
            Some(d) => Some(d.fields.clone()),
            None => {
                self.m.error(span, format!("record {name} undefined"));
                None
            }
        }
    }

    pub fn record_field_index(&mut self, name: &str, field: &str, span: Span) -> Option<usize> {
        let def = self.record_def(name, span)?;
        match def.iter().position(|(f, _)| f == field) {
            Some(i) => Some(i + 1),
            None => {
                self.m.error(span, format!("field {field} undefined in record {name}"));
                None
            }
        }
    }

    fn record_new(&mut self, name: &str, fields: &[RecordField], span: Span, dst: Reg) {
        let Some(def) = self.record_def(name, span) else { return };
        for f in fields {
            if f.name != "_" && !def.iter().any(|(n, _)| *n == f.name) {
                self.m.error(f.span, format!("field {} undefined in record {name}", f.name));
            }
        }
        let default_all = fields.iter().find(|f| f.name == "_").map(|f| f.value.clone());
        let mark = self.mark();
        let base = self.tmps(def.len() as u32 + 1);
        self.load(base, Term::atom(atom::atom(name)));
        for (i, (fname, default)) in def.iter().enumerate() {
            let r = base + 1 + i as Reg;
            if let Some(f) = fields.iter().find(|f| f.name == *fname) {
                self.expr(&f.value.clone(), r, false);
            } else if let Some(d) = &default_all {
                self.expr(d, r, false);
            } else if let Some(d) = default {
                self.expr(d, r, false);
            } else {
                self.load(r, Term::atom(atom::UNDEFINED));
            }
        }
        self.at(span);
        self.emit(Op::MakeTuple { dst, base, n: def.len() as u32 + 1 });
        self.release(mark);
    }

    /// Tests that R[r] is a `name` record, else raises {badrecord, R[r]}.
    fn record_check(&mut self, r: Reg, name: &str, size: usize, span: Span) {
        let bad = self.new_label();
        let ok = self.new_label();
        self.at(span);
        self.emit(Op::TestTuple { src: r, arity: size as u32, fail: bad });
        let tag = self.tmp();
        self.emit(Op::GetElement { dst: tag, src: r, idx: 0 });
        self.emit(Op::TestConst { src: tag, value: Term::atom(atom::atom(name)), fail: bad });
        self.emit(Op::Jump { target: ok });
        self.place(bad);
        self.emit(Op::RaiseMatchError { kind: Term::atom(atom::BADRECORD), src: r });
        self.place(ok);
    }

    fn record_access(&mut self, e: &Expr, name: &str, field: &str, span: Span, dst: Reg) {
        let Some(def) = self.record_def(name, span) else { return };
        let Some(idx) = self.record_field_index(name, field, span) else { return };
        let mark = self.mark();
        let r = self.operand(e);
        self.record_check(r, name, def.len() + 1, span);
        self.emit(Op::GetElement { dst, src: r, idx: idx as u32 });
        self.release(mark);
    }

    fn record_update(&mut self, e: &Expr, name: &str, fields: &[RecordField], span: Span, dst: Reg) {
        let Some(def) = self.record_def(name, span) else { return };
        for f in fields {
            if !def.iter().any(|(n, _)| *n == f.name) {
                self.m.error(f.span, format!("field {} undefined in record {name}", f.name));
            }
        }
        let mark = self.mark();
        let r = self.operand(e);
        let base = self.tmps(def.len() as u32 + 1);
        for (i, (fname, _)) in def.iter().enumerate() {
            if let Some(f) = fields.iter().find(|f| f.name == *fname) {
                self.expr(&f.value.clone(), base + 1 + i as Reg, false);
            }
        }
        self.record_check(r, name, def.len() + 1, span);
        self.emit(Op::GetElement { dst: base, src: r, idx: 0 });
        for (i, (fname, _)) in def.iter().enumerate() {
            if !fields.iter().any(|f| f.name == *fname) {
                self.emit(Op::GetElement { dst: base + 1 + i as Reg, src: r, idx: i as u32 + 1 });
            }
        }
        self.emit(Op::MakeTuple { dst, base, n: def.len() as u32 + 1 });
        self.release(mark);
    }

    // ---- binaries ----

    fn binary(&mut self, segs: &[BinElement], dst: Reg) {
        let mark = self.mark();
        let mut planned = Vec::new();
        for s in segs {
            let spec = super::pattern::seg_spec(self, s);
            if let Expr::String(cs, _) = &s.value {
                // "abc" in a binary: one segment per character.
                for &c in cs {
                    let r = self.tmp();
                    self.load(r, Term::small(c as i64));
                    planned.push((r, spec.0, spec.1, spec.2, spec.3));
                }
                continue;
            }
            let r = self.tmp();
            self.expr(&s.value, r, false);
            let size = match &s.size {
                None => spec.1,
                Some(Expr::Integer(n, _)) => BinSize::Const(*n as u64),
                Some(Expr::Atom(a, _)) if a == "all" => BinSize::All,
                Some(e) => {
                    let sr = self.tmp();
                    self.expr(e, sr, false);
                    BinSize::Reg(sr)
                }
            };
            planned.push((r, spec.0, size, spec.2, spec.3));
        }
        self.emit(Op::BsInit);
        for (src, ty, size, unit, flags) in planned {
            self.emit(Op::BsPut { src, ty, size, unit, flags });
        }
        self.emit(Op::BsFinish { dst });
        self.release(mark);
    }
}

/// Whether `e` is a call that returns a fresh reference or pid (or a tuple
/// holding one): `make_ref()`, `monitor(...)`, `alias(...)`, `spawn_monitor(...)`, `spawn*`.
fn makes_fresh_value(e: &Expr) -> bool {
    let Expr::Call { target, .. } = e else { return false };
    let name = match target {
        CallTarget::Local(n, _) => n.as_str(),
        CallTarget::Remote(m, f) if atom_of(m) == Some("erlang") => match atom_of(f) {
            Some(f) => f,
            None => return false,
        },
        _ => return false,
    };
    matches!(name, "make_ref" | "monitor" | "alias" | "spawn_monitor" | "spawn" | "spawn_link" | "spawn_opt")
}

pub fn atom_of(e: &Expr) -> Option<&str> {
    match e {
        Expr::Atom(a, _) => Some(a),
        _ => None,
    }
}

/// Functions callable without a module prefix (OTP's auto-imported BIFs).
pub fn is_auto_imported(name: &str, arity: u32) -> bool {
    matches!(
        (name, arity),
        ("abs", 1) | ("apply", 2) | ("apply", 3) | ("atom_to_binary", 1) | ("atom_to_binary", 2) | ("atom_to_list", 1)
            | ("binary_part", 2) | ("binary_part", 3) | ("binary_to_atom", 1) | ("binary_to_atom", 2)
            | ("binary_to_existing_atom", 1) | ("binary_to_existing_atom", 2) | ("binary_to_float", 1)
            | ("binary_to_integer", 1) | ("binary_to_integer", 2) | ("binary_to_list", 1) | ("binary_to_list", 3)
            | ("binary_to_term", 1) | ("binary_to_term", 2) | ("bit_size", 1) | ("bitstring_to_list", 1)
            | ("byte_size", 1) | ("ceil", 1) | ("demonitor", 1) | ("demonitor", 2) | ("element", 2) | ("erase", 0)
            | ("erase", 1) | ("error", 1) | ("error", 2) | ("error", 3) | ("exit", 1) | ("exit", 2) | ("float", 1)
            | ("float_to_binary", 1) | ("float_to_binary", 2) | ("float_to_list", 1) | ("float_to_list", 2)
            | ("floor", 1) | ("garbage_collect", 0) | ("get", 0) | ("get", 1) | ("get_keys", 0) | ("get_keys", 1)
            | ("group_leader", 0) | ("halt", 0) | ("halt", 1) | ("halt", 2) | ("hd", 1) | ("integer_to_binary", 1)
            | ("integer_to_binary", 2) | ("integer_to_list", 1) | ("integer_to_list", 2) | ("iolist_size", 1)
            | ("iolist_to_binary", 1) | ("is_alive", 0) | ("is_atom", 1) | ("is_binary", 1) | ("is_bitstring", 1)
            | ("is_boolean", 1) | ("is_float", 1) | ("is_function", 1) | ("is_function", 2) | ("is_integer", 1)
            | ("is_list", 1) | ("is_map", 1) | ("is_map_key", 2) | ("is_number", 1) | ("is_pid", 1) | ("is_port", 1)
            | ("is_process_alive", 1) | ("is_record", 2) | ("is_record", 3) | ("is_reference", 1) | ("is_tuple", 1)
            | ("length", 1) | ("link", 1) | ("list_to_atom", 1) | ("list_to_binary", 1) | ("list_to_bitstring", 1)
            | ("list_to_existing_atom", 1) | ("list_to_float", 1) | ("list_to_integer", 1) | ("list_to_integer", 2)
            | ("list_to_pid", 1) | ("list_to_tuple", 1) | ("make_ref", 0) | ("map_get", 2) | ("map_size", 1)
            | ("max", 2) | ("min", 2) | ("monitor", 2) | ("monitor", 3) | ("node", 0) | ("node", 1) | ("nodes", 0)
            | ("now", 0) | ("open_port", 2) | ("pid_to_list", 1) | ("process_flag", 2) | ("process_flag", 3)
            | ("process_info", 1) | ("process_info", 2) | ("processes", 0) | ("put", 2) | ("ref_to_list", 1)
            | ("register", 2) | ("registered", 0) | ("round", 1) | ("self", 0) | ("setelement", 3) | ("size", 1)
            | ("spawn", 1) | ("spawn", 2) | ("spawn", 3) | ("spawn", 4) | ("spawn_link", 1) | ("spawn_link", 2)
            | ("spawn_link", 3) | ("spawn_link", 4) | ("spawn_monitor", 1) | ("spawn_monitor", 3) | ("spawn_opt", 2)
            | ("spawn_opt", 3) | ("spawn_opt", 4) | ("spawn_opt", 5) | ("split_binary", 2) | ("statistics", 1)
            | ("term_to_binary", 1) | ("term_to_binary", 2) | ("throw", 1) | ("time", 0) | ("tl", 1) | ("trunc", 1)
            | ("tuple_size", 1) | ("tuple_to_list", 1) | ("unlink", 1) | ("unregister", 1) | ("whereis", 1)
            | ("date", 0) | ("integer_to_list", 3) | ("send", 2) | ("is_function", 3) | ("hibernate", 3)
            | ("alias", 0) | ("alias", 1) | ("unalias", 1)
    )
}

/// The value of an integer literal small enough for `ArithImm` (a small
/// integer term, with room for the result's overflow check).
fn small_literal(e: &Expr) -> Option<i64> {
    match e {
        Expr::Integer(v, _) if (-(1i64 << 40)..(1i64 << 40)).contains(v) => Some(*v),
        _ => None,
    }
}
