//! Which variables an expression mentions.
//!
//! `vars_of` collects every variable name in the order first seen, without
//! entering nested funs or comprehensions (those are separate functions and
//! their own variables are not the clause's). `all_vars_of` enters them too:
//! a superset of what a fun must capture.

use crate::syntax::ast::*;

/// Collects the variables of `e` at this function level, in first-seen order.
pub fn vars_of(e: &Expr, out: &mut Vec<String>) {
    walk(e, out, false)
}

/// Collects every variable of `e`, including inside nested funs and comprehensions.
pub fn all_vars_of(e: &Expr, out: &mut Vec<String>) {
    walk(e, out, true)
}

fn push(out: &mut Vec<String>, n: &str) {
    if !out.iter().any(|v| v == n) {
        out.push(n.to_string());
    }
}

fn walk_clause(c: &Clause, out: &mut Vec<String>, deep: bool) {
    for p in &c.patterns {
        walk(p, out, deep);
    }
    for g in &c.guards {
        for e in g {
            walk(e, out, deep);
        }
    }
    for e in &c.body {
        walk(e, out, deep);
    }
}

fn walk(e: &Expr, out: &mut Vec<String>, deep: bool) {
    use Expr::*;
    match e {
        Var(n, _) => push(out, n),
        Integer(..) | BigInteger(..) | Float(..) | Atom(..) | String(..) | Wildcard(_) | Nil(_) | Error(_)
        | RecordIndex { .. } | FunRef { .. } => {}
        Tuple(es, _) | Block(es, _) => es.iter().for_each(|e| walk(e, out, deep)),
        Cons(h, t, _) => {
            // Long lists: iterate along the tail instead of recursing.
            walk(h, out, deep);
            let mut t = &**t;
            while let Cons(h2, t2, _) = t {
                walk(h2, out, deep);
                t = t2;
            }
            walk(t, out, deep);
        }
        Binary(segs, _) => {
            for s in segs {
                walk(&s.value, out, deep);
                if let Some(sz) = &s.size {
                    walk(sz, out, deep);
                }
            }
        }
        Map(assocs, _) => assocs.iter().for_each(|a| {
            walk(&a.key, out, deep);
            walk(&a.value, out, deep)
        }),
        MapUpdate(m, assocs, _) => {
            walk(m, out, deep);
            assocs.iter().for_each(|a| {
                walk(&a.key, out, deep);
                walk(&a.value, out, deep)
            })
        }
        Record { fields, .. } => fields.iter().for_each(|f| walk(&f.value, out, deep)),
        RecordUpdate { expr, fields, .. } => {
            walk(expr, out, deep);
            fields.iter().for_each(|f| walk(&f.value, out, deep))
        }
        RecordAccess { expr, .. } => walk(expr, out, deep),
        Match(a, b, _) | Binary2(_, a, b, _) | AndAlso(a, b, _) | OrElse(a, b, _) | Send(a, b, _) => {
            walk(a, out, deep);
            walk(b, out, deep)
        }
        Unary(_, a, _) | Catch(a, _) => walk(a, out, deep),
        Call { target, args, .. } => {
            match target {
                CallTarget::Local(..) => {}
                CallTarget::Remote(m, f) => {
                    walk(m, out, deep);
                    walk(f, out, deep)
                }
                CallTarget::Fun(f) => walk(f, out, deep),
            }
            args.iter().for_each(|a| walk(a, out, deep))
        }
        Fun { clauses, name, .. } => {
            if deep {
                if let Some(n) = name {
                    push(out, n);
                }
                clauses.iter().for_each(|c| walk_clause(c, out, deep))
            }
        }
        FunRemote { module, name, arity, .. } => {
            walk(module, out, deep);
            walk(name, out, deep);
            walk(arity, out, deep)
        }
        Case(s, clauses, _) => {
            walk(s, out, deep);
            clauses.iter().for_each(|c| walk_clause(c, out, deep))
        }
        If(clauses, _) => clauses.iter().for_each(|c| walk_clause(c, out, deep)),
        Receive { clauses, after, .. } => {
            clauses.iter().for_each(|c| walk_clause(c, out, deep));
            if let Some(a) = after {
                walk(&a.timeout, out, deep);
                a.body.iter().for_each(|e| walk(e, out, deep))
            }
        }
        Try { body, of_clauses, catch_clauses, after, .. } => {
            body.iter().for_each(|e| walk(e, out, deep));
            of_clauses.iter().for_each(|c| walk_clause(c, out, deep));
            for c in catch_clauses {
                if let Some(cl) = &c.class {
                    walk(cl, out, deep);
                }
                walk(&c.reason, out, deep);
                if let Some((s, _)) = &c.stack {
                    push(out, s);
                }
                c.guards.iter().flatten().for_each(|e| walk(e, out, deep));
                c.body.iter().for_each(|e| walk(e, out, deep));
            }
            after.iter().for_each(|e| walk(e, out, deep));
        }
        ListComp(e, qs, _) | BinComp(e, qs, _) => {
            if deep {
                walk(e, out, deep);
                for q in qs {
                    match q {
                        Qualifier::Generator(p, l, _) | Qualifier::BitGenerator(p, l, _) => {
                            walk(p, out, deep);
                            walk(l, out, deep)
                        }
                        Qualifier::Filter(f) => walk(f, out, deep),
                    }
                }
            } else {
                // The generator expressions are evaluated at this level only
                // for the first generator; the rest live in the lifted fun.
                // Capturing is handled by the rewrite, so nothing here.
            }
        }
    }
}

/// How many times each variable occurs in `e` (at this function level).
pub fn count_vars(e: &Expr, counts: &mut std::collections::HashMap<String, usize>) {
    let mut all = Vec::new();
    occurrences(e, &mut all);
    for v in all {
        *counts.entry(v).or_insert(0) += 1;
    }
}

/// Every occurrence of a variable in a pattern, repeats included.
fn occurrences(e: &Expr, out: &mut Vec<String>) {
    use Expr::*;
    match e {
        Var(n, _) => out.push(n.clone()),
        Tuple(es, _) => es.iter().for_each(|e| occurrences(e, out)),
        Cons(h, t, _) | Match(h, t, _) | Binary2(_, h, t, _) => {
            occurrences(h, out);
            occurrences(t, out)
        }
        Map(assocs, _) => assocs.iter().for_each(|a| {
            occurrences(&a.key, out);
            occurrences(&a.value, out)
        }),
        Record { fields, .. } => fields.iter().for_each(|f| occurrences(&f.value, out)),
        Binary(segs, _) => segs.iter().for_each(|s| {
            occurrences(&s.value, out);
            if let Some(sz) = &s.size {
                occurrences(sz, out)
            }
        }),
        _ => {
            let mut v = Vec::new();
            vars_of(e, &mut v);
            out.extend(v);
        }
    }
}
