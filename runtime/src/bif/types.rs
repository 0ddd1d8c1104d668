//! Type-test BIFs (`is_atom/1` ...), callable as functions as well as in
//! guards.

use super::erlang::{arg_atom, badarg, mk_atom};
use super::BifDef;
use crate::atom;
use crate::exception::BifResult;
use crate::process::Process;
use crate::term::{Subtag, Term};

pub const BIFS: &[BifDef] = &[
    ("erlang", "is_atom", 1, is_atom),
    ("erlang", "is_binary", 1, is_binary),
    ("erlang", "is_bitstring", 1, is_bitstring),
    ("erlang", "is_boolean", 1, is_boolean),
    ("erlang", "is_float", 1, is_float),
    ("erlang", "is_function", 1, is_function),
    ("erlang", "is_function", 2, is_function2),
    ("erlang", "is_integer", 1, is_integer),
    ("erlang", "is_list", 1, is_list),
    ("erlang", "is_map", 1, is_map),
    ("erlang", "is_number", 1, is_number),
    ("erlang", "is_pid", 1, is_pid),
    ("erlang", "is_port", 1, is_port),
    ("erlang", "is_reference", 1, is_reference),
    ("erlang", "is_tuple", 1, is_tuple),
    ("erlang", "is_record", 2, is_record2),
    ("erlang", "is_record", 3, is_record3),
    ("erlang", "fun_info", 1, fun_info1),
    ("erlang", "fun_info", 2, fun_info2),
    ("erlang", "is_builtin", 3, is_builtin),
];

macro_rules! simple_test {
    ($($name:ident => |$t:ident| $e:expr,)*) => {
        $(fn $name(_p: &mut Process, a: &[Term]) -> BifResult {
            let $t = a[0];
            Ok(Term::bool($e))
        })*
    };
}

simple_test! {
    is_atom => |t| t.is_atom(),
    is_binary => |t| crate::binary::bits(t).map(|b| b.is_binary()).unwrap_or(false),
    is_bitstring => |t| t.is_bitstring(),
    is_boolean => |t| t == Term::atom(atom::TRUE) || t == Term::atom(atom::FALSE),
    is_float => |t| t.is_float(),
    is_function => |t| t.is_function(),
    is_integer => |t| t.is_integer(),
    is_list => |t| t.is_list(),
    is_map => |t| t.is_map(),
    is_number => |t| t.is_number(),
    is_pid => |t| t.is_pid(),
    is_port => |_t| false,
    is_reference => |t| t.is_ref(),
    is_tuple => |t| t.is_tuple(),
}

/// The arity of a fun term (`None` if `t` is not a fun).
pub fn fun_arity(p: &Process, t: Term) -> Option<u32> {
    match t.subtag()? {
        Subtag::Export => Some(Term(t.word(3)).as_small()? as u32),
        Subtag::Fun => {
            let code = t.word(1);
            let m = p.vm.module_at((code >> 32) as usize);
            m.lambdas.get((code & 0xffff_ffff) as usize).map(|l| l.arity)
        }
        _ => None,
    }
}

fn is_function2(p: &mut Process, a: &[Term]) -> BifResult {
    // Any non-negative integer is a valid arity to ask about.
    if !a[1].is_integer() || crate::compare::compare(a[1], Term::small(0)) == std::cmp::Ordering::Less {
        return badarg();
    }
    Ok(Term::bool(a[1].as_small().is_some_and(|n| fun_arity(p, a[0]) == Some(n as u32))))
}

fn is_record2(_p: &mut Process, a: &[Term]) -> BifResult {
    if !a[1].is_atom() {
        return badarg();
    }
    Ok(Term::bool(a[0].as_tuple().map(|t| !t.is_empty() && t[0] == a[1]).unwrap_or(false)))
}

fn is_record3(_p: &mut Process, a: &[Term]) -> BifResult {
    let Some(n) = a[2].as_small() else { return badarg() };
    if !a[1].is_atom() {
        return badarg();
    }
    Ok(Term::bool(a[0].as_tuple().map(|t| t.len() as i64 == n && n > 0 && t[0] == a[1]).unwrap_or(false)))
}

/// `erlang:fun_info(F, Item)`'s value (without the `{Item, _}` wrapper).
fn fun_item(p: &mut Process, f: Term, item: &str) -> Option<Term> {
    match f.subtag()? {
        Subtag::Export => Some(match item {
            "module" => Term(f.word(1)),
            "name" => Term(f.word(2)),
            "arity" => Term(f.word(3)),
            "type" => mk_atom("external"),
            "env" => Term::NIL,
            "pid" | "index" | "new_index" | "uniq" | "new_uniq" => Term::atom(atom::UNDEFINED),
            _ => return None,
        }),
        Subtag::Fun => {
            let code = f.word(1);
            let m = p.vm.module_at((code >> 32) as usize);
            let l = m.lambdas.get((code & 0xffff_ffff) as usize)?.clone();
            Some(match item {
                "module" => Term::atom(m.name),
                "name" => Term::atom(m.functions.get(l.func as usize)?.display_name),
                "arity" => Term::small(l.arity as i64),
                "type" => mk_atom("local"),
                "env" => {
                    let env: Vec<Term> = f.payload()[1..].iter().map(|&w| Term(w)).collect();
                    p.heap.list(&env)
                }
                "pid" => Term::pid(p.pid),
                "index" | "new_index" => Term::small(l.index as i64),
                "uniq" | "new_uniq" => Term::small(l.uniq as i64),
                _ => return None,
            })
        }
        _ => None,
    }
}

fn fun_info2(p: &mut Process, a: &[Term]) -> BifResult {
    let item = arg_atom(a[1])?;
    if !a[0].is_function() {
        return badarg();
    }
    match fun_item(p, a[0], &item.name()) {
        Some(v) => Ok(p.heap.tuple(&[a[1], v])),
        None => badarg(),
    }
}

fn fun_info1(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_function() {
        return badarg();
    }
    let items: &[&str] = if a[0].is_subtag(Subtag::Export) {
        &["module", "name", "arity", "env", "type"]
    } else {
        &["pid", "module", "new_index", "new_uniq", "index", "uniq", "name", "arity", "env", "type"]
    };
    let mut out = Vec::new();
    for it in items {
        let v = fun_item(p, a[0], it).ok_or_else(crate::exception::Exception::badarg)?;
        out.push(p.heap.tuple(&[mk_atom(it), v]));
    }
    Ok(p.heap.list(&out))
}

fn is_builtin(_p: &mut Process, a: &[Term]) -> BifResult {
    let (m, f) = (arg_atom(a[0])?, arg_atom(a[1])?);
    let Some(n) = a[2].as_small().filter(|&n| n >= 0) else { return badarg() };
    Ok(Term::bool(super::lookup(m, f, n as u32).is_some()))
}
