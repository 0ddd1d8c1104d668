//! Guards: `G1; G2` tries each conjunction in turn; a conjunction fails at
//! its first test that is not `true`. An exception inside a guard makes it
//! fail: type tests and comparisons cannot raise, BIF calls jump to the fail
//! label instead of raising, and anything else that could raise
//! (arithmetic, `element/2` inside `andalso`...) runs under a temporary
//! exception handler that jumps to the fail label.

use super::expr::cmp_op;
use super::func::FnCompiler;
use crate::syntax::ast::*;
use act_runtime::opcode::{Label, Op, TypeTest};

/// Guard BIFs that compile to a type test.
fn type_test(name: &str) -> Option<TypeTest> {
    Some(match name {
        "is_integer" => TypeTest::Integer,
        "is_float" => TypeTest::Float,
        "is_number" => TypeTest::Number,
        "is_atom" => TypeTest::Atom,
        "is_boolean" => TypeTest::Boolean,
        "is_tuple" => TypeTest::Tuple,
        "is_list" => TypeTest::List,
        "is_binary" => TypeTest::Binary,
        "is_bitstring" => TypeTest::Bitstring,
        "is_map" => TypeTest::Map,
        "is_pid" => TypeTest::Pid,
        "is_reference" => TypeTest::Reference,
        "is_function" => TypeTest::Function,
        _ => return None,
    })
}

/// Whether evaluating `e` as a guard value might raise.
fn may_raise(e: &Expr) -> bool {
    match e {
        Expr::Var(..) | Expr::Integer(..) | Expr::Float(..) | Expr::Atom(..) | Expr::String(..) | Expr::Nil(_) | Expr::BigInteger(..) => false,
        Expr::Tuple(es, _) => es.iter().any(may_raise),
        Expr::Cons(h, t, _) => may_raise(h) || may_raise(t),
        Expr::Binary2(op, a, b, _) if cmp_op(*op).is_some() => may_raise(a) || may_raise(b),
        Expr::Call { target: CallTarget::Local(n, _), args, .. } if type_test(n).is_some() && args.len() == 1 => may_raise(&args[0]),
        Expr::Call { target: CallTarget::Local(n, _), args, .. } if n == "is_record" => args.iter().any(may_raise),
        _ => true,
    }
}

impl FnCompiler<'_, '_> {
    pub fn guards(&mut self, guards: &[Vec<Expr>], fail: Label) {
        if guards.is_empty() {
            return;
        }
        let saved = self.in_guard;
        self.in_guard = true;
        let ok = self.new_label();
        for (i, conj) in guards.iter().enumerate() {
            let last = i + 1 == guards.len();
            let next = if last { fail } else { self.new_label() };
            for g in conj {
                self.guard_test(g, next);
            }
            if !last {
                self.emit(Op::Jump { target: ok });
                self.place(next);
            }
        }
        self.place(ok);
        self.in_guard = saved;
    }

    /// One guard test: jumps to `fail` unless `g` evaluates to `true`.
    fn guard_test(&mut self, g: &Expr, fail: Label) {
        self.at(g.span());
        let mark = self.mark();
        match g {
            Expr::Atom(a, _) if a == "true" => {}
            Expr::Call { target: CallTarget::Local(n, _), args, .. }
                if args.len() == 1 && type_test(n).is_some() && !may_raise(&args[0]) =>
            {
                let r = self.operand(&args[0]);
                self.emit(Op::TestType { test: type_test(n).unwrap_or(TypeTest::Atom), src: r, fail });
            }
            Expr::Binary2(op, a, b, _) if cmp_op(*op).is_some() && !may_raise(a) && !may_raise(b) => {
                let ra = self.operand(a);
                let rb = self.operand(b);
                self.emit(Op::TestCompare { op: cmp_op(*op).unwrap_or(act_runtime::opcode::CmpOp::Eq), a: ra, b: rb, fail });
            }
            _ if may_raise(g) => {
                // Evaluate under a handler: an exception means "false".
                let handler = self.new_label();
                let done = self.new_label();
                let exc = self.tmps(3);
                let v = self.tmp();
                self.emit(Op::TryBegin { handler, dst: exc });
                self.guard_value(g, v);
                self.emit(Op::TryEnd);
                self.emit(Op::TestTrue { src: v, fail });
                self.emit(Op::Jump { target: done });
                self.place(handler);
                self.emit(Op::Jump { target: fail });
                self.place(done);
            }
            _ => {
                let v = self.tmp();
                self.guard_value(g, v);
                self.emit(Op::TestTrue { src: v, fail });
            }
        }
        self.release(mark);
    }

    /// A guard expression's value; calls must be guard BIFs.
    fn guard_value(&mut self, g: &Expr, dst: act_runtime::opcode::Reg) {
        self.check_guard_expr(g);
        let saved = self.no_tail;
        self.no_tail = true;
        self.expr(g, dst, false);
        self.no_tail = saved;
    }

    /// Reports calls and constructs not allowed in guards.
    fn check_guard_expr(&mut self, g: &Expr) {
        match g {
            Expr::Call { target, args, span } => {
                let ok = match target {
                    CallTarget::Local(n, _) => {
                        (is_guard_bif(n, args.len()) || n == "record_info") && !self.m.functions.contains_key(&(n.clone(), args.len() as u32))
                    }
                    CallTarget::Remote(m, f) => matches!((&**m, &**f), (Expr::Atom(m, _), Expr::Atom(f, _)) if m == "erlang" && is_guard_bif(f, args.len())),
                    CallTarget::Fun(_) => false,
                };
                if !ok {
                    self.m.error(*span, "illegal guard expression: only guard BIFs may be called in a guard");
                }
                args.iter().for_each(|a| self.check_guard_expr(a));
            }
            Expr::Match(_, _, s) | Expr::Send(_, _, s) | Expr::Case(_, _, s) | Expr::If(_, s) | Expr::Catch(_, s)
            | Expr::Block(_, s) | Expr::ListComp(_, _, s) | Expr::BinComp(_, _, s) => {
                self.m.error(*s, "illegal guard expression")
            }
            Expr::Fun { span, .. } | Expr::Receive { span, .. } | Expr::Try { span, .. } => {
                self.m.error(*span, "illegal guard expression")
            }
            Expr::Tuple(es, _) => es.iter().for_each(|e| self.check_guard_expr(e)),
            Expr::Cons(h, t, _) | Expr::Binary2(_, h, t, _) | Expr::AndAlso(h, t, _) | Expr::OrElse(h, t, _) => {
                self.check_guard_expr(h);
                self.check_guard_expr(t)
            }
            Expr::Unary(_, x, _) => self.check_guard_expr(x),
            _ => {}
        }
    }
}

/// The BIFs allowed in guards (Erlang Reference Manual, "Guard Sequences").
pub fn is_guard_bif(name: &str, arity: usize) -> bool {
    type_test(name).is_some() && arity == 1
        || matches!(
            (name, arity),
            ("abs", 1) | ("bit_size", 1) | ("byte_size", 1) | ("ceil", 1) | ("element", 2) | ("float", 1) | ("floor", 1)
                | ("hd", 1) | ("is_map_key", 2) | ("length", 1) | ("map_get", 2) | ("map_size", 1) | ("node", 0)
                | ("node", 1) | ("round", 1) | ("self", 0) | ("size", 1) | ("tl", 1) | ("trunc", 1) | ("tuple_size", 1)
                | ("is_function", 2) | ("is_record", 2) | ("is_record", 3) | ("binary_part", 2) | ("binary_part", 3)
                | ("max", 2) | ("min", 2) | ("not", 1) | ("and", 2) | ("or", 2) | ("xor", 2) | ("is_port", 1)
        )
}
