//! A panic in a BIF is a VM bug: bad arguments must come back as
//! exceptions. This test calls every BIF of the term-level modules with
//! every combination of a set of awkward arguments and fails on any panic.

use super::erlang::tests::proc;
use crate::process::Process;
use crate::term::Term;

/// Awkward arguments: each type, empty and improper containers, bounds.
fn samples(p: &mut Process) -> Vec<Term> {
    let h = &mut p.heap;
    let a = |s: &str| Term::atom(crate::atom::atom(s));
    let big = crate::number::make_i128(h, 1 << 100);
    let nbig = crate::number::make_i128(h, -(1 << 70));
    let f = h.float(2.5);
    let nf = h.float(-0.0);
    let bin = h.binary(b"ab,c");
    let bits = h.bitstring(&[0xff], 3);
    let empty_bin = h.binary(b"");
    let s = crate::list::from_str(h, "1.5");
    let deep = h.list(&[s, bin]);
    let imp = h.cons(Term::small(1), Term::small(2));
    let t2 = h.tuple(&[a("k"), Term::small(1)]);
    let pairs = h.list(&[t2]);
    let t0 = h.tuple(&[]);
    let m = h.map_from_pairs(&mut vec![(a("k"), Term::small(1))]);
    let r = h.reference(7);
    let e = h.export_fun(a("erlang"), a("abs"), 1);
    vec![
        Term::small(0),
        Term::small(-1),
        Term::small(3),
        Term::small(300),
        big,
        nbig,
        f,
        nf,
        a("latin1"),
        a("utf8"),
        Term::NIL,
        bin,
        bits,
        empty_bin,
        s,
        deep,
        imp,
        t2,
        pairs,
        t0,
        m,
        r,
        e,
        Term::pid(5),
    ]
}

#[test]
fn no_bif_panics() {
    use super::*;
    let tables: &[&[BifDef]] = &[
        erlang::BIFS,
        convert::BIFS,
        binary::BIFS,
        checksum::BIFS,
        etf::BIFS,
        hash::BIFS,
        lists::BIFS,
        maps::BIFS,
        normalize::BIFS,
        math::BIFS,
        numbers::BIFS,
        system::BIFS,
        tuples::BIFS,
        types::BIFS,
        unicode::BIFS,
    ];
    let mut p = proc();
    let xs = samples(&mut p);
    // Side effects we do not want from a test run.
    let skip = ["halt", "display", "garbage_collect"];
    let mut calls = 0usize;
    for table in tables {
        for &(m, f, arity, fun) in table.iter() {
            if skip.contains(&f) {
                continue;
            }
            let n = xs.len();
            // Arity 4 gets a thinner grid (every third sample) to stay quick.
            let step = if arity >= 4 { 3 } else { 1 };
            let combos = (0..arity).fold(1usize, |acc, _| acc * n.div_ceil(step));
            for k in 0..combos {
                let mut idx = k;
                let args: Vec<Term> = (0..arity)
                    .map(|_| {
                        let i = (idx % n.div_ceil(step)) * step;
                        idx /= n.div_ceil(step);
                        xs[i.min(n - 1)]
                    })
                    .collect();
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fun(&mut p, &args)));
                if r.is_err() {
                    panic!("{m}:{f}/{arity} panicked on {args:?}");
                }
                calls += 1;
            }
            p.pdict.clear();
        }
    }
    assert!(calls > 10_000);
}
