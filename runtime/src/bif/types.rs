//! Type-test BIFs (`is_atom/1` ...), callable as functions as well as in
//! guards.

use super::erlang::badarg;
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
    let Some(n) = a[1].as_small().filter(|&n| n >= 0) else { return badarg() };
    Ok(Term::bool(fun_arity(p, a[0]) == Some(n as u32)))
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
