//! List and binary comprehensions, rewritten into named funs before code
//! generation, so they need no opcodes of their own.
//!
//! `[E || P <- L, Rest]` becomes
//! ```erlang
//! (fun Lc([P | T]) -> <Rest>(Lc(T));   % Rest builds on the tail
//!      Lc([_ | T]) -> Lc(T);
//!      Lc([]) -> []
//!  end)(L)
//! ```
//! A nested generator receives the outer tail as a thunk `fun() -> ... end`
//! it calls when done, so side effects keep their left-to-right order.
//! Filters become `case F of true -> <Rest>; _ -> Tail end` (a guard-test
//! filter that raises would, in OTP, count as false; here it raises — a
//! known difference for filters like `X > 1` on non-numbers, which do not
//! raise anyway). Binary generators use `<<P, T/bitstring>>` patterns and
//! stop at the first element that does not match, as OTP does.
//! A binary comprehension is the list comprehension of its bitstrings,
//! joined with `erlang:list_to_bitstring/1`.

use crate::syntax::ast::*;

/// A source of fresh names for the rewrite.
pub struct Fresh(pub u32);

impl Fresh {
    fn var(&mut self, what: &str) -> String {
        self.0 += 1;
        format!("_@{what}{}", self.0)
    }
}

fn var(n: &str, s: Span) -> Expr {
    Expr::Var(n.to_string(), s)
}

fn call_var(f: &str, args: Vec<Expr>, s: Span) -> Expr {
    Expr::Call { target: CallTarget::Fun(Box::new(var(f, s))), args, span: s }
}

/// Rewrites `[E || Qs]` into plain expressions.
pub fn list_comp(e: &Expr, qs: &[Qualifier], span: Span, fresh: &mut Fresh) -> Expr {
    rest(e, qs, Expr::Nil(span), span, fresh)
}

/// Rewrites `<< E || Qs >>`.
pub fn bin_comp(e: &Expr, qs: &[Qualifier], span: Span, fresh: &mut Fresh) -> Expr {
    let list = list_comp(e, qs, span, fresh);
    Expr::Call {
        target: CallTarget::Remote(
            Box::new(Expr::Atom("erlang".into(), span)),
            Box::new(Expr::Atom("list_to_bitstring".into(), span)),
        ),
        args: vec![list],
        span,
    }
}

/// The list of results of `E` under qualifiers `qs`, consed onto `tail`.
fn rest(e: &Expr, qs: &[Qualifier], tail: Expr, span: Span, fresh: &mut Fresh) -> Expr {
    let Some((q, more)) = qs.split_first() else {
        return Expr::Cons(Box::new(e.clone()), Box::new(tail), span);
    };
    match q {
        Qualifier::Filter(f) => {
            let yes = rest(e, more, tail.clone(), span, fresh);
            Expr::Case(
                Box::new(f.clone()),
                vec![
                    Clause { patterns: vec![Expr::Atom("true".into(), span)], guards: vec![], body: vec![yes], span },
                    Clause { patterns: vec![Expr::Wildcard(span)], guards: vec![], body: vec![tail], span },
                ],
                span,
            )
        }
        Qualifier::Generator(p, l, gspan) | Qualifier::BitGenerator(p, l, gspan) => {
            let is_bits = matches!(q, Qualifier::BitGenerator(..));
            let lc = fresh.var("Lc");
            let t = fresh.var("T");
            let k = fresh.var("K");
            let s = *gspan;
            // The tail this generator ends with: the outer tail, through a
            // thunk unless it is the empty list.
            let (end, thunk) = match &tail {
                Expr::Nil(_) => (Expr::Nil(s), None),
                _ => (call_var(&k, vec![], s), Some(tail.clone())),
            };
            let mut extra: Vec<Expr> = Vec::new();
            if thunk.is_some() {
                extra.push(var(&k, s));
            }
            let recur = |t: &str| {
                let mut args = vec![var(t, s)];
                args.extend(extra.iter().cloned());
                call_var(&lc, args, s)
            };
            let body = rest(e, more, recur(&t), span, fresh);
            let (matching, skipping, empty) = if is_bits {
                let seg = |v: Expr| BinElement { value: v, size: None, specs: vec![BinSpec::Type("bitstring".into())], span: s };
                let head = match p {
                    Expr::Binary(segs, _) => segs.clone(),
                    other => vec![BinElement { value: other.clone(), size: None, specs: vec![], span: s }],
                };
                let mut segs = head;
                segs.push(seg(var(&t, s)));
                (Expr::Binary(segs, s), None, Expr::Wildcard(s))
            } else {
                (
                    Expr::Cons(Box::new(p.clone()), Box::new(var(&t, s)), s),
                    Some(Expr::Cons(Box::new(Expr::Wildcard(s)), Box::new(var(&t, s)), s)),
                    Expr::Nil(s),
                )
            };
            let params = |first: Expr| {
                let mut v = vec![first];
                if thunk.is_some() {
                    v.push(var(&k, s));
                }
                v
            };
            let mut clauses = vec![Clause { patterns: params(matching), guards: vec![], body: vec![body], span: s }];
            if let Some(sk) = skipping {
                clauses.push(Clause { patterns: params(sk), guards: vec![], body: vec![recur(&t)], span: s });
            }
            clauses.push(Clause { patterns: params(empty), guards: vec![], body: vec![end], span: s });
            let fun = Expr::Fun { name: Some(lc.clone()), clauses, span: s };
            let mut args = vec![l.clone()];
            if let Some(th) = thunk {
                args.push(Expr::Fun {
                    name: None,
                    clauses: vec![Clause { patterns: vec![], guards: vec![], body: vec![th], span: s }],
                    span: s,
                });
            }
            Expr::Call { target: CallTarget::Fun(Box::new(fun)), args, span }
        }
    }
}
