//! Tuple BIFs: `element/2`, `setelement/3`, `make_tuple/2,3`,
//! `append_element/2`, `tuple_size/1`, `tuple_to_list/1`,
//! `list_to_tuple/1`, `size/1`.

use super::erlang::{arg_list, arg_usize, badarg};
use super::BifDef;
use crate::exception::BifResult;
use crate::process::Process;
use crate::term::Term;

pub const BIFS: &[BifDef] = &[
    ("erlang", "element", 2, element),
    ("erlang", "setelement", 3, setelement),
    ("erlang", "make_tuple", 2, make_tuple2),
    ("erlang", "make_tuple", 3, make_tuple3),
    ("erlang", "append_element", 2, append_element),
    ("erlang", "tuple_size", 1, tuple_size),
    ("erlang", "tuple_to_list", 1, tuple_to_list),
    ("erlang", "list_to_tuple", 1, list_to_tuple),
    ("erlang", "size", 1, size),
    ("erlang", "insert_element", 3, insert_element),
    ("erlang", "delete_element", 2, delete_element),
];

/// The largest tuple we build: BEAM's arity field limit (2^26 - 1,
/// `MAX_ARITY`), above which it raises `system_limit`.
pub const MAX_TUPLE_ARITY: usize = (1 << 26) - 1;

fn element(_p: &mut Process, a: &[Term]) -> BifResult {
    let i = arg_usize(a[0])?;
    match a[1].as_tuple() {
        Some(t) if i >= 1 && i <= t.len() => Ok(t[i - 1]),
        _ => badarg(),
    }
}

fn setelement(p: &mut Process, a: &[Term]) -> BifResult {
    let i = arg_usize(a[0])?;
    match a[1].as_tuple() {
        Some(t) if i >= 1 && i <= t.len() => {
            // Copy straight from the old tuple (allocation never moves it),
            // then overwrite the one element: no intermediate vector.
            let new = p.heap.tuple(t);
            // SAFETY: `new` is the tuple just built, with t.len() elements
            // after its header, not yet seen by anyone else.
            unsafe { *(new.ptr() as *mut u64).add(i) = a[2].0 };
            Ok(new)
        }
        _ => badarg(),
    }
}

fn make_tuple2(p: &mut Process, a: &[Term]) -> BifResult {
    let n = arg_usize(a[0])?;
    if n > MAX_TUPLE_ARITY {
        return badarg();
    }
    Ok(p.heap.tuple_filled(n, a[1]))
}

fn make_tuple3(p: &mut Process, a: &[Term]) -> BifResult {
    let n = arg_usize(a[0])?;
    if n > MAX_TUPLE_ARITY {
        return badarg();
    }
    let mut v = vec![a[1]; n];
    for init in arg_list(a[2])? {
        match init.as_tuple() {
            Some(&[pos, val]) => {
                let i = arg_usize(pos)?;
                if i < 1 || i > n {
                    return badarg();
                }
                v[i - 1] = val;
            }
            _ => return badarg(),
        }
    }
    Ok(p.heap.tuple(&v))
}

fn append_element(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(t) = a[0].as_tuple() else { return badarg() };
    let mut v = t.to_vec();
    v.push(a[1]);
    Ok(p.heap.tuple(&v))
}

fn insert_element(p: &mut Process, a: &[Term]) -> BifResult {
    let i = arg_usize(a[0])?;
    match a[1].as_tuple() {
        Some(t) if i >= 1 && i <= t.len() + 1 => {
            let mut v = t.to_vec();
            v.insert(i - 1, a[2]);
            Ok(p.heap.tuple(&v))
        }
        _ => badarg(),
    }
}

fn delete_element(p: &mut Process, a: &[Term]) -> BifResult {
    let i = arg_usize(a[0])?;
    match a[1].as_tuple() {
        Some(t) if i >= 1 && i <= t.len() => {
            let mut v = t.to_vec();
            v.remove(i - 1);
            Ok(p.heap.tuple(&v))
        }
        _ => badarg(),
    }
}

fn tuple_size(_p: &mut Process, a: &[Term]) -> BifResult {
    match a[0].as_tuple() {
        Some(t) => Ok(Term::small(t.len() as i64)),
        None => badarg(),
    }
}

fn tuple_to_list(p: &mut Process, a: &[Term]) -> BifResult {
    match a[0].as_tuple() {
        Some(t) => {
            let v = t.to_vec();
            Ok(p.heap.list(&v))
        }
        None => badarg(),
    }
}

fn list_to_tuple(p: &mut Process, a: &[Term]) -> BifResult {
    let v = arg_list(a[0])?;
    if v.len() > MAX_TUPLE_ARITY {
        return Err(crate::exception::Exception::system_limit());
    }
    Ok(p.heap.tuple(&v))
}

fn size(_p: &mut Process, a: &[Term]) -> BifResult {
    if let Some(t) = a[0].as_tuple() {
        return Ok(Term::small(t.len() as i64));
    }
    match crate::binary::bits(a[0]) {
        Some(b) => Ok(Term::small((b.bit_len / 8) as i64)),
        None => badarg(),
    }
}
