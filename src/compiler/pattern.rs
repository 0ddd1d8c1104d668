//! Patterns: test-and-branch code that matches the term in a register,
//! jumping to `fail` at the first test that does not hold and binding
//! variables (writing their registers) as it goes.

use super::func::FnCompiler;
use crate::syntax::ast::*;
use act_runtime::atom;
use act_runtime::opcode::{BinFlags, BinSize, BinType, CmpOp, Label, Op, Reg, TypeTest};
use act_runtime::Term;

/// A segment's type, default size, unit and flags from its specifiers.
pub fn seg_spec(fc: &mut FnCompiler, s: &BinElement) -> (BinType, BinSize, u32, BinFlags) {
    let mut ty = BinType::Integer;
    let mut is_bits = false;
    let mut unit: Option<u32> = None;
    let mut flags = BinFlags::default();
    for sp in &s.specs {
        match sp {
            BinSpec::Type(t) => match t.as_str() {
                "integer" => ty = BinType::Integer,
                "float" => ty = BinType::Float,
                "binary" | "bytes" => ty = BinType::Binary,
                "bitstring" | "bits" => {
                    ty = BinType::Binary;
                    is_bits = true;
                }
                "utf8" => ty = BinType::Utf8,
                "utf16" => ty = BinType::Utf16,
                "utf32" => ty = BinType::Utf32,
                other => fc.m.error(s.span, format!("unknown binary type '{other}'")),
            },
            BinSpec::Signedness(x) => flags.signed = x == "signed",
            BinSpec::Endianness(x) => flags.little = x == "little" || (x == "native" && cfg!(target_endian = "little")),
            BinSpec::Unit(u) => unit = Some(*u),
        }
    }
    let (default_size, default_unit) = match ty {
        BinType::Integer => (BinSize::Const(8), 1),
        BinType::Float => (BinSize::Const(64), 1),
        BinType::Binary if is_bits => (BinSize::All, 1),
        BinType::Binary => (BinSize::All, 8),
        _ => (BinSize::Default, 1),
    };
    let unit = unit.unwrap_or(if s.size.is_some() && ty == BinType::Binary && !is_bits { 8 } else { default_unit });
    // A default integer/float size is in bits already (unit 1).
    let default_size = match default_size {
        BinSize::Const(n) => BinSize::Const(n / unit.max(1) as u64),
        other => other,
    };
    (ty, default_size, unit, flags)
}

impl FnCompiler<'_, '_> {
    /// Matches R[r] against `p`.
    pub fn pattern(&mut self, p: &Expr, r: Reg, fail: Label) {
        if let Some(t) = self.pattern_literal(p) {
            self.emit(Op::TestConst { src: r, value: t, fail });
            return;
        }
        match p {
            Expr::Wildcard(_) => {}
            Expr::Var(n, _) => self.bind_var(n, r, fail),
            Expr::Tuple(es, _) => {
                self.emit(Op::TestTuple { src: r, arity: es.len() as u32, fail });
                for (i, e) in es.iter().enumerate() {
                    self.sub_pattern(e, fail, |d| Op::GetElement { dst: d, src: r, idx: i as u32 });
                }
            }
            Expr::Cons(h, t, _) => {
                self.emit(Op::TestType { test: TypeTest::Cons, src: r, fail });
                let mark = self.mark();
                let hd = self.direct_target(h);
                let tl = self.direct_target(t);
                self.emit(Op::GetList { hd, tl, src: r });
                self.finish_sub(h, hd, fail);
                self.finish_sub(t, tl, fail);
                self.release_keep_vars(mark);
            }
            Expr::Match(a, b, _) => {
                self.pattern(a, r, fail);
                self.pattern(b, r, fail);
            }
            Expr::Map(assocs, _) => {
                self.emit(Op::TestType { test: TypeTest::Map, src: r, fail });
                for a in assocs {
                    let mark = self.mark();
                    let key = self.pattern_key(&a.key);
                    let v = self.tmp();
                    self.emit(Op::MapGet { dst: v, map: r, key, fail });
                    self.pattern(&a.value, v, fail);
                    self.release_keep_vars(mark);
                }
            }
            Expr::Record { name, fields, span } => {
                let Some(def) = self.m.records.get(name).map(|d| d.fields.iter().map(|f| f.0.clone()).collect::<Vec<_>>()) else {
                    self.m.error(*span, format!("record {name} undefined"));
                    return;
                };
                self.emit(Op::TestTuple { src: r, arity: def.len() as u32 + 1, fail });
                let tag = self.tmp();
                self.emit(Op::GetElement { dst: tag, src: r, idx: 0 });
                self.emit(Op::TestConst { src: tag, value: Term::atom(atom::atom(name)), fail });
                for f in fields {
                    if f.name == "_" {
                        // `_ = P` matches every field not named.
                        for (i, fname) in def.iter().enumerate() {
                            if !fields.iter().any(|g| g.name == *fname) {
                                self.sub_pattern(&f.value, fail, |d| Op::GetElement { dst: d, src: r, idx: i as u32 + 1 });
                            }
                        }
                        continue;
                    }
                    match def.iter().position(|x| *x == f.name) {
                        Some(i) => self.sub_pattern(&f.value, fail, |d| Op::GetElement { dst: d, src: r, idx: i as u32 + 1 }),
                        None => self.m.error(f.span, format!("field {} undefined in record {name}", f.name)),
                    }
                }
            }
            Expr::Binary(segs, _) => self.binary_pattern(segs, r, fail),
            Expr::Binary2(BinOp::Append, pre, rest, s) => {
                // "prefix" ++ Rest
                match &**pre {
                    Expr::String(cs, _) => {
                        let mut e = (**rest).clone();
                        for &c in cs.iter().rev() {
                            e = Expr::Cons(Box::new(Expr::Integer(c as i64, *s)), Box::new(e), *s);
                        }
                        self.pattern(&e, r, fail);
                    }
                    Expr::Nil(_) => self.pattern(rest, r, fail),
                    Expr::Cons(..) => {
                        let mut elems = Vec::new();
                        let mut t = &**pre;
                        while let Expr::Cons(h, tl, _) = t {
                            elems.push((**h).clone());
                            t = tl;
                        }
                        let mut e = (**rest).clone();
                        for x in elems.into_iter().rev() {
                            e = Expr::Cons(Box::new(x), Box::new(e), *s);
                        }
                        self.pattern(&e, r, fail);
                    }
                    _ => self.m.error(*s, "illegal pattern"),
                }
            }
            Expr::RecordIndex { name, field, span } => {
                let idx = self.record_field_index(name, field, *span).unwrap_or(0);
                self.emit(Op::TestConst { src: r, value: Term::small(idx as i64), fail });
            }
            other => self.m.error(other.span(), "illegal pattern"),
        }
    }

    /// A pattern that is a constant (including arithmetic on constants).
    fn pattern_literal(&mut self, p: &Expr) -> Option<Term> {
        match p {
            Expr::Binary(..) => None,
            Expr::Binary2(op, a, b, _) if !matches!(op, BinOp::Append | BinOp::Subtract) => {
                let (x, y) = (self.pattern_literal(a)?, self.pattern_literal(b)?);
                let aop = match op {
                    BinOp::Add => act_runtime::opcode::ArithOp::Add,
                    BinOp::Sub => act_runtime::opcode::ArithOp::Sub,
                    BinOp::Mul => act_runtime::opcode::ArithOp::Mul,
                    BinOp::IDiv => act_runtime::opcode::ArithOp::IDiv,
                    BinOp::Rem => act_runtime::opcode::ArithOp::Rem,
                    BinOp::Band => act_runtime::opcode::ArithOp::Band,
                    BinOp::Bor => act_runtime::opcode::ArithOp::Bor,
                    BinOp::Bsl => act_runtime::opcode::ArithOp::Bsl,
                    BinOp::Bsr => act_runtime::opcode::ArithOp::Bsr,
                    _ => return None,
                };
                act_runtime::number::arith(&mut self.m.module.literals, aop, x, y).ok()
            }
            _ => self.literal(p),
        }
    }

    fn bind_var(&mut self, n: &str, r: Reg, fail: Label) {
        if self.scope.bound.contains(n) {
            let v = self.vars[n];
            self.emit(Op::TestCompare { op: CmpOp::ExactEq, a: r, b: v, fail });
        } else {
            if let Some(what) = self.scope.unsafe_.get(n) {
                let what = *what;
                let span = Span::default();
                self.m.error(span, format!("variable '{n}' unsafe in '{what}'"));
            }
            let v = self.var_slot(n);
            if v != r {
                self.emit(Op::Move { dst: v, src: r });
            }
            self.scope.bound.insert(n.to_string());
        }
    }

    /// Where a sub-term extracted for pattern `p` should go: straight into an
    /// unbound variable's register, else a temporary.
    fn direct_target(&mut self, p: &Expr) -> Reg {
        if let Expr::Var(n, _) = p {
            if !self.scope.bound.contains(n) {
                return self.var_slot(n);
            }
        }
        self.tmp()
    }

    /// Completes a sub-pattern whose term was loaded into `reg` by `direct_target`.
    fn finish_sub(&mut self, p: &Expr, reg: Reg, fail: Label) {
        match p {
            Expr::Var(n, _) if !self.scope.bound.contains(n) && self.vars.get(n) == Some(&reg) => {
                self.scope.bound.insert(n.to_string());
            }
            Expr::Wildcard(_) => {}
            _ => self.pattern(p, reg, fail),
        }
    }

    /// Extracts a sub-term with `load` (given a destination) and matches it.
    fn sub_pattern(&mut self, p: &Expr, fail: Label, load: impl FnOnce(Reg) -> Op) {
        if matches!(p, Expr::Wildcard(_)) {
            return;
        }
        let mark = self.mark();
        let d = self.direct_target(p);
        self.emit(load(d));
        self.finish_sub(p, d, fail);
        self.release_keep_vars(mark);
    }

    /// Releases temporaries, but never below a variable register allocated
    /// meanwhile (variables discovered late get registers from the temp area).
    fn release_keep_vars(&mut self, mark: u32) {
        let highest_var = self.vars.values().map(|&r| r as u32 + 1).max().unwrap_or(0);
        self.release(mark.max(highest_var).min(self.next_reg));
    }

    /// A map pattern key: a literal or a bound variable.
    fn pattern_key(&mut self, k: &Expr) -> Reg {
        if let Some(t) = self.literal(k) {
            let r = self.tmp();
            self.emit(Op::LoadConst { dst: r, value: t });
            return r;
        }
        match k {
            Expr::Var(n, s) => self.var_reg(n, *s),
            other => {
                self.m.error(other.span(), "illegal map key in pattern");
                self.tmp()
            }
        }
    }

    fn binary_pattern(&mut self, segs: &[BinElement], r: Reg, fail: Label) {
        let mark = self.mark();
        let ctx = self.tmp();
        self.emit(Op::BsStartMatch { dst: ctx, src: r, fail });
        for s in segs {
            let (ty, default_size, unit, flags) = seg_spec(self, s);
            let size = match &s.size {
                None => default_size,
                Some(Expr::Integer(n, _)) => BinSize::Const(*n as u64),
                Some(Expr::Var(n, sp)) => BinSize::Reg(self.var_reg(n, *sp)),
                Some(e) => {
                    if let Some(t) = self.pattern_literal(e) {
                        match t.as_small() {
                            Some(n) if n >= 0 => BinSize::Const(n as u64),
                            _ => {
                                self.m.error(e.span(), "illegal bit size");
                                BinSize::Const(0)
                            }
                        }
                    } else {
                        let sr = self.tmp();
                        let saved = self.in_guard;
                        self.in_guard = true;
                        self.expr(e, sr, false);
                        self.in_guard = saved;
                        BinSize::Reg(sr)
                    }
                }
            };
            if let Expr::String(cs, _) = &s.value {
                for &c in cs {
                    let v = self.tmp();
                    self.emit(Op::BsGet { dst: v, ctx, ty, size, unit, flags, fail });
                    self.emit(Op::TestConst { src: v, value: Term::small(c as i64), fail });
                }
                continue;
            }
            if matches!(s.value, Expr::Wildcard(_)) && ty != BinType::Utf8 && ty != BinType::Utf16 && ty != BinType::Utf32 && ty != BinType::Float {
                self.emit(Op::BsSkip { ctx, size, unit, fail });
                continue;
            }
            let d = self.direct_target(&s.value);
            self.emit(Op::BsGet { dst: d, ctx, ty, size, unit, flags, fail });
            self.finish_sub(&s.value, d, fail);
        }
        self.emit(Op::BsTestTail { ctx, fail });
        self.release_keep_vars(mark);
    }
}
