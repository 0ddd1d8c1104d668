//! Code BIFs: what a module exports (`module_info`), whether a function
//! exists, loading on request.

use super::BifDef;
use crate::atom;
use crate::exception::{BifResult, Exception};
use crate::process::Process;
use crate::term::Term;

pub const BIFS: &[BifDef] = &[
    ("erlang", "get_module_info", 1, get_module_info1),
    ("erlang", "get_module_info", 2, get_module_info2),
    ("erlang", "function_exported", 3, function_exported),
    ("erlang", "module_loaded", 1, module_loaded),
    ("code", "ensure_loaded", 1, ensure_loaded),
    ("code", "is_loaded", 1, is_loaded),
    ("$act_init", "stopping", 0, stopping),
];

/// `init:stop` announces itself: `main` dying in the shutdown that follows
/// no longer ends the program before the shutdown's own `halt`.
fn stopping(p: &mut Process, _a: &[Term]) -> BifResult {
    p.vm.stopping.store(true, std::sync::atomic::Ordering::Release);
    Ok(Term::atom(atom::OK))
}

const KEYS: &[&str] = &["module", "exports", "attributes", "compile", "md5"];

fn get_module_info1(p: &mut Process, a: &[Term]) -> BifResult {
    let mut pairs = Vec::new();
    for k in KEYS {
        let key = Term::atom(atom::atom(k));
        let v = get_module_info2(p, &[a[0], key])?;
        pairs.push(p.heap.tuple(&[key, v]));
    }
    Ok(p.heap.list(&pairs))
}

fn get_module_info2(p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().ok_or_else(Exception::badarg)?;
    let key = a[1].as_atom().ok_or_else(Exception::badarg)?;
    let Some(i) = p.vm.module_index(name) else { return Err(Exception::badarg()) };
    let m = p.vm.module_ref(i);
    Ok(match &*key.name() {
        "module" => Term::atom(m.name),
        "exports" | "functions" => {
            let mut fs: Vec<(String, u32)> = if &*key.name() == "exports" {
                m.exports.keys().map(|(f, a)| (f.name().to_string(), *a)).collect()
            } else {
                m.locals.keys().map(|(f, a)| (f.name().to_string(), *a)).collect()
            };
            fs.sort();
            let mut items = Vec::new();
            for (f, ar) in fs {
                items.push(p.heap.tuple(&[Term::atom(atom::atom(&f)), Term::small(ar as i64)]));
            }
            p.heap.list(&items)
        }
        "attributes" => {
            // Attributes with the same name are gathered: -vsn(1) -> {vsn, [1]}.
            let mut items = Vec::new();
            for &t in &m.attributes {
                if let Some(kv) = t.as_tuple() {
                    let v = crate::copy::copy_to_heap(&mut p.heap, kv[1]);
                    let v = if v.is_list() { v } else { p.heap.list(&[v]) };
                    items.push(p.heap.tuple(&[kv[0], v]));
                }
            }
            p.heap.list(&items)
        }
        "compile" => Term::NIL,
        "md5" => p.heap.binary(&[0u8; 16]),
        "native" => Term::atom(atom::FALSE),
        _ => return Err(Exception::badarg()),
    })
}

fn function_exported(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(m), Some(f), Some(ar)) = (a[0].as_atom(), a[1].as_atom(), a[2].as_small()) else {
        return Err(Exception::badarg());
    };
    let ar = u32::try_from(ar).map_err(|_| Exception::badarg())?;
    let exported = match p.vm.module_index(m) {
        Some(i) => p.vm.module_ref(i).exported(f, ar).is_some(),
        None => false,
    };
    Ok(Term::bool(exported || crate::bif::lookup(m, f, ar).is_some()))
}

fn module_loaded(p: &mut Process, a: &[Term]) -> BifResult {
    let m = a[0].as_atom().ok_or_else(Exception::badarg)?;
    Ok(Term::bool(p.vm.is_loaded(m)))
}

fn ensure_loaded(p: &mut Process, a: &[Term]) -> BifResult {
    let m = a[0].as_atom().ok_or_else(Exception::badarg)?;
    Ok(match p.vm.module(m) {
        Ok(Some(_)) => p.heap.tuple(&[Term::atom(atom::atom("module")), Term::atom(m)]),
        _ => p.heap.tuple(&[Term::atom(atom::ERROR), Term::atom(atom::atom("nofile"))]),
    })
}

fn is_loaded(p: &mut Process, a: &[Term]) -> BifResult {
    let m = a[0].as_atom().ok_or_else(Exception::badarg)?;
    Ok(if p.vm.is_loaded(m) {
        let path = crate::list::from_str(&mut p.heap, "loaded");
        p.heap.tuple(&[Term::atom(atom::FILE), path])
    } else {
        Term::atom(atom::FALSE)
    })
}
