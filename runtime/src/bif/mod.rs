//! Native functions (BIFs): the registry and the calling convention.
//!
//! A BIF is `fn(&mut Process, &[Term]) -> BifResult`. It may allocate on the
//! process heap freely (allocation never collects, see `heap.rs`), must not
//! keep terms anywhere but its return value, and reports errors as
//! `Exception`s (`Exception::badarg()` ...). Each file in this folder holds
//! one domain and exports a `BIFS` table; `REGISTRY` gathers them. The
//! compiler turns calls to a registered `{M, F, A}` into `CallBif`.

pub mod binary;
pub mod chan;
pub mod checksum;
pub mod code;
pub mod convert;
pub mod display;
pub mod erlang;
pub mod etf;
pub mod floatfmt;
pub mod hash;
mod inflate;
pub mod lists;
pub mod logger;
pub mod maps;
pub mod normalize;
#[cfg(test)]
mod robustness;
mod normalize_tables;
pub mod math;
pub mod io;
pub mod numbers;
pub mod process;
pub mod shell;
pub mod tuples;
pub mod system;
pub mod types;
pub mod unicode;

use crate::atom::{self, Atom};
use crate::exception::BifResult;
use crate::process::Process;
use crate::term::Term;
use std::collections::HashMap;
use std::sync::OnceLock;

pub type BifFn = fn(&mut Process, &[Term]) -> BifResult;

/// A BIF table entry: module, function name, arity, implementation.
pub type BifDef = (&'static str, &'static str, u32, BifFn);

pub struct Bif {
    pub module: Atom,
    pub name: Atom,
    pub arity: u32,
    pub f: BifFn,
}

pub struct Registry {
    pub bifs: Vec<Bif>,
    index: HashMap<(Atom, Atom, u32), u32>,
}

/// Every BIF table, in one place.
fn tables() -> Vec<&'static [BifDef]> {
    // `process` first: its `halt` (which ends the program) wins over any other.
    vec![process::BIFS, code::BIFS, logger::BIFS, erlang::BIFS, convert::BIFS, binary::BIFS, checksum::BIFS, display::BIFS, etf::BIFS, hash::BIFS, lists::BIFS, maps::BIFS, normalize::BIFS, math::BIFS, io::BIFS, numbers::BIFS, system::BIFS, tuples::BIFS, types::BIFS, unicode::BIFS, shell::BIFS, chan::BIFS]
}

pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut r = Registry { bifs: Vec::new(), index: HashMap::new() };
        for table in tables() {
            for &(m, f, a, fun) in table {
                let key = (atom::atom(m), atom::atom(f), a);
                if r.index.contains_key(&key) {
                    continue;
                }
                r.index.insert(key, r.bifs.len() as u32);
                r.bifs.push(Bif { module: key.0, name: key.1, arity: a, f: fun });
            }
        }
        r
    })
}

/// The index of BIF `m:f/a`, if there is one.
pub fn lookup(m: Atom, f: Atom, a: u32) -> Option<u32> {
    registry().index.get(&(m, f, a)).copied()
}

/// Whether any BIF lives in module `m` (such modules need no source file).
pub fn module_has_bifs(m: Atom) -> bool {
    registry().bifs.iter().any(|b| b.module == m)
}

pub fn get(i: u32) -> &'static Bif {
    &registry().bifs[i as usize]
}
