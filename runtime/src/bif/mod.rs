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

/// Charges `units` of work done by a BIF to the calling process, at
/// `per_reduction` units per reduction (the rates, taken from OTP, are
/// listed with `scheduler::SLICE_REDUCTIONS`). A BIF call by itself costs
/// nothing; this makes one that walked a long list or a large binary use
/// up the time slice, so the process yields at its next function entry
/// instead of running thousands more such calls.
#[inline]
pub fn charge(p: &mut Process, units: usize, per_reduction: usize) {
    let r = (units / per_reduction) as i64;
    if r > 0 {
        p.budget -= r;
        p.reductions += r as u64;
    }
}

/// Work rates for `charge`, each OTP 25's own for the same BIF.
pub mod rate {
    /// `length/1`: `erts_trapping_length_1` walks 16 cells per reduction.
    pub const LENGTH: usize = 16;
    /// `lists:member/2`, `keyfind/3` and friends: `10 * CONTEXT_REDS`
    /// elements per time slice (erl_bif_lists.c).
    pub const SEARCH: usize = 10;
    /// `lists:reverse/2` (and list copies: `++`, `lists:append/2`):
    /// `CONTEXT_REDS * 40` cells per time slice.
    pub const COPY_CELLS: usize = 40;
    /// `binary_to_list/1`: `ERTS_B2L_BYTES_PER_REDUCTION` (erl_binary.c).
    pub const BINARY_TO_LIST: usize = 256;
    /// `list_to_binary/1`, `iolist_to_binary/1`, `iolist_size/1`:
    /// `ERTS_IOLIST_TO_BUF_BYTES_PER_RED` = 8 * 32 bytes. Also used for
    /// `term_to_binary` and `binary_to_term`, per byte of the encoding
    /// (OTP counts 32 terms per reduction there; bytes are what we have).
    pub const IOLIST_BYTES: usize = 256;
}
