//! The `maps` functions OTP implements natively.

use super::erlang::{arg_list, badarg};
use super::BifDef;
use crate::atom;
use crate::exception::{BifResult, Exception};
use crate::map;
use crate::process::Process;
use crate::term::Term;

pub const BIFS: &[BifDef] = &[
    ("maps", "get", 2, get2),
    ("maps", "get", 3, get3),
    ("maps", "find", 2, find),
    ("maps", "put", 3, put),
    ("maps", "remove", 2, remove),
    ("maps", "is_key", 2, is_key),
    ("maps", "keys", 1, keys),
    ("maps", "values", 1, values),
    ("maps", "to_list", 1, to_list),
    ("maps", "from_list", 1, from_list),
    ("maps", "from_keys", 2, from_keys),
    ("maps", "size", 1, size),
    ("erlang", "map_size", 1, size),
    ("maps", "merge", 2, merge),
    ("maps", "update", 3, update),
    ("maps", "new", 0, new),
    ("maps", "take", 2, take),
    ("erlang", "map_get", 2, get2),
    ("erlang", "is_map_key", 2, is_key),
];

/// `error({badmap, M})` unless `m` is a map.
fn arg_map(p: &mut Process, m: Term) -> Result<Term, Exception> {
    if m.is_map() {
        Ok(m)
    } else {
        let r = p.heap.tuple(&[Term::atom(atom::BADMAP), m]);
        Err(Exception::error(r))
    }
}

fn badkey(p: &mut Process, k: Term) -> Exception {
    let r = p.heap.tuple(&[Term::atom(atom::BADKEY), k]);
    Exception::error(r)
}

fn get2(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[1])?;
    map::map_get(m, a[0]).ok_or_else(|| badkey(p, a[0]))
}
fn get3(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[1])?;
    Ok(map::map_get(m, a[0]).unwrap_or(a[2]))
}
fn find(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[1])?;
    match map::map_get(m, a[0]) {
        Some(v) => Ok(p.heap.tuple(&[Term::atom(atom::OK), v])),
        None => Ok(super::erlang::mk_atom("error")),
    }
}
fn put(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[2])?;
    Ok(map::map_put(&mut p.heap, m, a[0], a[1]))
}
fn remove(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[1])?;
    Ok(map::map_remove(&mut p.heap, m, a[0]))
}
fn is_key(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[1])?;
    Ok(Term::bool(map::map_get(m, a[0]).is_some()))
}
// keys/values/to_list list a large map in OTP's order (`map::listing`).
fn keys(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[0])?;
    let v: Vec<Term> = map::listing(m).into_iter().map(|(k, _)| k).collect();
    Ok(p.heap.list(&v))
}
fn values(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[0])?;
    let v: Vec<Term> = map::listing(m).into_iter().map(|(_, v)| v).collect();
    Ok(p.heap.list(&v))
}
fn to_list(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[0])?;
    let pairs: Vec<Term> = map::listing(m).into_iter().map(|(k, v)| p.heap.tuple(&[k, v])).collect();
    Ok(p.heap.list(&pairs))
}
fn from_list(p: &mut Process, a: &[Term]) -> BifResult {
    let mut pairs = Vec::new();
    for e in arg_list(a[0])? {
        match e.as_tuple() {
            Some(&[k, v]) => pairs.push((k, v)),
            _ => return badarg(),
        }
    }
    Ok(p.heap.map_from_pairs(&mut pairs))
}
fn from_keys(p: &mut Process, a: &[Term]) -> BifResult {
    let mut pairs: Vec<(Term, Term)> = arg_list(a[0])?.into_iter().map(|k| (k, a[1])).collect();
    Ok(p.heap.map_from_pairs(&mut pairs))
}
fn size(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[0])?;
    Ok(Term::small(map::map_size(m) as i64))
}
fn merge(p: &mut Process, a: &[Term]) -> BifResult {
    let m1 = arg_map(p, a[0])?;
    let m2 = arg_map(p, a[1])?;
    Ok(map::map_merge(&mut p.heap, m1, m2))
}
fn update(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[2])?;
    map::map_update(&mut p.heap, m, a[0], a[1]).ok_or_else(|| badkey(p, a[0]))
}
fn new(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(p.heap.empty_map())
}
fn take(p: &mut Process, a: &[Term]) -> BifResult {
    let m = arg_map(p, a[1])?;
    match map::map_get(m, a[0]) {
        Some(v) => {
            let rest = map::map_remove(&mut p.heap, m, a[0]);
            Ok(p.heap.tuple(&[v, rest]))
        }
        None => Ok(super::erlang::mk_atom("error")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::erlang::tests::proc;

    #[test]
    fn errors_and_merge() {
        let mut p = proc();
        let a = |s: &str| Term::atom(atom::atom(s));
        let m1 = p.heap.map_from_pairs(&mut vec![(a("a"), Term::small(1)), (a("b"), Term::small(2))]);
        let m2 = p.heap.map_from_pairs(&mut vec![(a("b"), Term::small(3)), (a("c"), Term::small(4))]);
        let m = merge(&mut p, &[m1, m2]).unwrap();
        assert_eq!(map::listing(m).into_iter().map(|(_, v)| v).collect::<Vec<_>>(), &[Term::small(1), Term::small(3), Term::small(4)]);
        let e = get2(&mut p, &[a("z"), m]).unwrap_err();
        assert_eq!(e.reason.as_tuple().unwrap(), &[Term::atom(atom::BADKEY), a("z")]);
        let e = get2(&mut p, &[a("z"), Term::NIL]).unwrap_err();
        assert_eq!(e.reason.as_tuple().unwrap(), &[Term::atom(atom::BADMAP), Term::NIL]);
        let t = take(&mut p, &[a("a"), m]).unwrap();
        assert_eq!(map::map_size(t.as_tuple().unwrap()[1]), 2);
    }
}
