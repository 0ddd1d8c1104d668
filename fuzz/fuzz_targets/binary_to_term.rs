//! Arbitrary bytes through `erlang:binary_to_term/1,2`: a term or badarg,
//! never a panic. With a term, it is re-encoded and decoded again and must
//! come back exactly equal.
#![no_main]

use act_runtime::module::Module;
use act_runtime::process::Process;
use act_runtime::vm::{Loader, Vm};
use act_runtime::{atom, bif, compare, Term};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

struct NoLoader;
impl Loader for NoLoader {
    fn load(&self, _name: &str) -> Result<Option<Module>, String> {
        Ok(None)
    }
}

thread_local! {
    static PROC: RefCell<Process> = RefCell::new({
        let vm = Vm::new(Box::new(NoLoader));
        let pid = vm.make_pid();
        Process::new(vm, pid)
    });
}

fn call(p: &mut Process, f: &str, args: &[Term]) -> Result<Term, Term> {
    let i = bif::lookup(atom::atom("erlang"), atom::atom(f), args.len() as u32).unwrap();
    (bif::get(i).f)(p, args).map_err(|e| e.reason)
}

fuzz_target!(|data: &[u8]| {
    PROC.with(|p| {
        let p = &mut *p.borrow_mut();
        p.regs.clear();
        p.collect();
        let bin = p.heap.binary(data);
        // `safe` first: it must not create atoms, so it is the one a server
        // would use on untrusted input.
        let safe = Term::atom(atom::atom("safe"));
        let opts = p.heap.list(&[safe]);
        let _ = call(p, "binary_to_term", &[bin, opts]);
        match call(p, "binary_to_term", &[bin]) {
            Ok(t) => {
                let again = call(p, "term_to_binary", &[t]).expect("a decoded term encodes");
                let back = call(p, "binary_to_term", &[again]).expect("an encoded term decodes");
                assert!(compare::eq_exact(t, back), "re-encoding changed the term");
            }
            // system_limit only once the atom table is full (after very many runs).
            Err(reason) => assert!(reason.is_atom_eq(atom::BADARG) || reason.is_atom_eq(atom::SYSTEM_LIMIT), "not badarg"),
        }
    });
});
