//! Erlang's term order and its two equalities.
//!
//! ```text
//! number < atom < reference < fun < port < pid < tuple < map < [] < list < bitstring
//! ```
//!
//! Numbers compare by value, exactly (a float is never rounded to meet an
//! integer or the other way round). `compare` is the order of `<` and `==`;
//! `compare_exact` is the order of `=:=` and of map keys ("map-key order"):
//! the same, except that every integer sorts before every float
//! (`2 < 1.0` there), as OTP's `maps:keys(#{2 => a, 1.0 => b})` shows.
//!
//! Containers are compared with an explicit work stack, never by recursion,
//! so a million-element list or a deeply nested term cannot overflow the
//! Rust stack.

use crate::binary;
use crate::map;
use crate::number;
use crate::term::{header_subtag, Subtag, Term};
use num_bigint::BigInt;
use num_traits::FromPrimitive;
use std::cmp::Ordering;

/// Term order (`<`, `==`).
pub fn compare(a: Term, b: Term) -> Ordering {
    compare_impl(a, b, false, false)
}

/// The exact order (`=:=`, map keys): as `compare`, but all integers sort
/// before all floats.
pub fn compare_exact(a: Term, b: Term) -> Ordering {
    compare_impl(a, b, true, false)
}

/// `a == b`
pub fn eq(a: Term, b: Term) -> bool {
    a == b || compare_impl(a, b, false, true) == Ordering::Equal
}

/// `a =:= b`
#[inline]
pub fn eq_exact(a: Term, b: Term) -> bool {
    // Identical words are the same term. Two different immediates never are
    // (each value has one representation); boxed or list terms may still be.
    if a == b {
        return true;
    }
    if !(a.is_boxed() || a.is_cons()) || !(b.is_boxed() || b.is_cons()) {
        return false;
    }
    compare_impl(a, b, true, true) == Ordering::Equal
}

/// The type classes, in term order.
#[derive(PartialEq, Eq, PartialOrd, Ord, Clone, Copy, Debug)]
enum Class {
    Number,
    Atom,
    Reference,
    Fun,
    #[allow(dead_code)]
    Port,
    Pid,
    Tuple,
    Map,
    Nil,
    List,
    Bitstring,
}

fn class(t: Term) -> Class {
    if t.is_small() {
        return Class::Number;
    }
    if t.is_atom() {
        return Class::Atom;
    }
    if t.is_pid() {
        return Class::Pid;
    }
    if t.is_nil() {
        return Class::Nil;
    }
    if t.is_cons() {
        return Class::List;
    }
    debug_assert!(t.is_boxed(), "compare: not a term: {:#x}", t.0);
    match header_subtag(t.header()) {
        Subtag::Tuple => Class::Tuple,
        Subtag::BigPos | Subtag::BigNeg | Subtag::Float => Class::Number,
        Subtag::Ref => Class::Reference,
        Subtag::Fun | Subtag::Export => Class::Fun,
        Subtag::HeapBin | Subtag::RefcBin | Subtag::SubBin | Subtag::MatchCtx => Class::Bitstring,
        Subtag::Map => Class::Map,
        // Channels sort where ports would (between funs and pids), by number.
        Subtag::Chan => Class::Port,
    }
}

/// `eq_only`: the caller only asks whether the result is `Equal` (any
/// other ordering may then be reported for unequal terms).
fn compare_impl(a: Term, b: Term, exact: bool, eq_only: bool) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        return x.cmp(&y);
    }
    // Pending pairs: (a, b, exact). Map keys are always compared exactly.
    let mut stack: Vec<(Term, Term, bool)> = Vec::new();
    let (mut a, mut b, mut exact) = (a, b, exact);
    loop {
        let o = compare_one(a, b, exact, eq_only, &mut stack);
        if o != Ordering::Equal {
            return o;
        }
        match stack.pop() {
            Some((x, y, e)) => {
                a = x;
                b = y;
                exact = e;
            }
            None => return Ordering::Equal,
        }
    }
}

/// Compares the outer layer of `a` and `b`; pushes the pairs of subterms
/// that still need comparing (first-to-compare pushed last).
fn compare_one(a: Term, b: Term, exact: bool, eq_only: bool, stack: &mut Vec<(Term, Term, bool)>) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let ca = class(a);
    let cb = class(b);
    if ca != cb {
        return ca.cmp(&cb);
    }
    match ca {
        Class::Number => compare_numbers(a, b, exact),
        Class::Atom => {
            let (x, y) = (a.as_atom().unwrap(), b.as_atom().unwrap());
            // UTF-8 byte order is code-point order.
            x.name().as_bytes().cmp(y.name().as_bytes())
        }
        Class::Reference => a.word(1).cmp(&b.word(1)),
        Class::Pid => a.as_pid().cmp(&b.as_pid()),
        Class::Port => crate::chan::id_of(a).cmp(&crate::chan::id_of(b)),
        Class::Nil => Ordering::Equal,
        Class::Fun => compare_funs(a, b, exact, stack),
        Class::Tuple => {
            let (x, y) = (a.as_tuple().unwrap(), b.as_tuple().unwrap());
            if x.len() != y.len() {
                return x.len().cmp(&y.len());
            }
            for i in (0..x.len()).rev() {
                stack.push((x[i], y[i], exact));
            }
            Ordering::Equal
        }
        Class::Map => {
            let (na, nb) = (map::map_size(a), map::map_size(b));
            if na != nb {
                return na.cmp(&nb);
            }
            // Keys in map-key order, then values in that order. Maps of
            // one size have one representation; a flat map is already in
            // key order, a trie is sorted here (O(n log n)) unless only
            // equality is asked: then its iteration order, a function of
            // the key set, pairs equal maps' entries just as well.
            let (pa, pb) = if eq_only { (map::pairs(a), map::pairs(b)) } else { (map::sorted_pairs(a), map::sorted_pairs(b)) };
            // Values after keys: push values first (compared last).
            for i in (0..na).rev() {
                stack.push((pa[i].1, pb[i].1, exact));
            }
            for i in (0..na).rev() {
                stack.push((pa[i].0, pb[i].0, true));
            }
            Ordering::Equal
        }
        Class::List => {
            stack.push((a.tail(), b.tail(), exact));
            stack.push((a.head(), b.head(), exact));
            Ordering::Equal
        }
        Class::Bitstring => compare_bits(a, b),
    }
}

fn compare_funs(a: Term, b: Term, exact: bool, stack: &mut Vec<(Term, Term, bool)>) -> Ordering {
    let (ta, tb) = (header_subtag(a.header()), header_subtag(b.header()));
    match (ta, tb) {
        // Any consistent order will do: local funs before exports.
        (Subtag::Fun, Subtag::Export) => Ordering::Less,
        (Subtag::Export, Subtag::Fun) => Ordering::Greater,
        (Subtag::Export, _) => {
            // module, name, arity
            for i in (1..=3).rev() {
                stack.push((Term(a.word(i)), Term(b.word(i)), exact));
            }
            Ordering::Equal
        }
        _ => {
            let (pa, pb) = (a.payload(), b.payload());
            let o = pa[0].cmp(&pb[0]).then(pa.len().cmp(&pb.len()));
            if o != Ordering::Equal {
                return o;
            }
            for i in (1..pa.len()).rev() {
                stack.push((Term(pa[i]), Term(pb[i]), exact));
            }
            Ordering::Equal
        }
    }
}

fn compare_bits(a: Term, b: Term) -> Ordering {
    let (x, y) = (binary::bits(a).unwrap(), binary::bits(b).unwrap());
    let n = x.bit_len.min(y.bit_len);
    if x.bit_offset % 8 == 0 && y.bit_offset % 8 == 0 {
        let whole = (n / 8) as usize;
        let (sx, sy) = ((x.bit_offset / 8) as usize, (y.bit_offset / 8) as usize);
        let o = x.bytes[sx..sx + whole].cmp(&y.bytes[sy..sy + whole]);
        if o != Ordering::Equal {
            return o;
        }
        for i in (whole as u64 * 8)..n {
            let o = x.bit(i).cmp(&y.bit(i));
            if o != Ordering::Equal {
                return o;
            }
        }
    } else {
        for i in 0..n {
            let o = x.bit(i).cmp(&y.bit(i));
            if o != Ordering::Equal {
                return o;
            }
        }
    }
    x.bit_len.cmp(&y.bit_len)
}

/// Compares two numbers by value; under `exact` (map-key order) every
/// integer is less than every float, whatever their values.
pub fn compare_numbers(a: Term, b: Term, exact: bool) -> Ordering {
    match (a.as_float(), b.as_float()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (None, None) => compare_ints(a, b),
        // Map-key order: every integer before every float.
        (Some(_), None) if exact => Ordering::Greater,
        (None, Some(_)) if exact => Ordering::Less,
        (Some(x), None) => compare_int_float(b, x).reverse(),
        (None, Some(y)) => compare_int_float(a, y),
    }
}

/// Integer against integer, smalls or bignums, without allocating.
fn compare_ints(a: Term, b: Term) -> Ordering {
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        return x.cmp(&y);
    }
    // Sign first: a bignum is outside the small range.
    let sign = |t: Term| -> i32 {
        if let Some(i) = t.as_small() {
            // Smalls lie strictly between the negative and positive bignums.
            let _ = i;
            0
        } else if header_subtag(t.header()) == Subtag::BigNeg {
            -1
        } else {
            1
        }
    };
    let (sa, sb) = (sign(a), sign(b));
    if sa != sb {
        return sa.cmp(&sb);
    }
    // Both bignums of the same sign: compare magnitudes.
    let (la, lb) = (a.payload(), b.payload());
    let mag = la.len().cmp(&lb.len()).then_with(|| la.iter().rev().cmp(lb.iter().rev()));
    if sa < 0 {
        mag.reverse()
    } else {
        mag
    }
}

/// Integer `i` against float `f`, exactly.
fn compare_int_float(i: Term, f: f64) -> Ordering {
    if let Some(x) = i.as_small() {
        // |x| < 2^59: exact in f64 when below 2^53.
        if x.unsigned_abs() < (1 << 53) {
            return (x as f64).partial_cmp(&f).unwrap_or(Ordering::Equal);
        }
        if f >= 9.3e18 {
            return Ordering::Less;
        }
        if f <= -9.3e18 {
            return Ordering::Greater;
        }
        let fl = f.floor();
        let fi = fl as i64; // exact: |fl| < 2^63
        return x.cmp(&fi).then(if f > fl { Ordering::Less } else { Ordering::Equal });
    }
    let Some(big) = number::int_to_big(i) else { return Ordering::Equal };
    let fl = f.floor();
    let fb: BigInt = BigInt::from_f64(fl).expect("finite float");
    big.cmp(&fb).then(if f > fl { Ordering::Less } else { Ordering::Equal })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom;
    use crate::heap::Heap;
    use std::cmp::Ordering::*;

    #[test]
    fn order_across_types() {
        let mut h = Heap::new();
        let terms = [
            Term::small(-5),
            h.float(1.5),
            Term::small(2),
            Term::atom(atom::atom("abc")),
            Term::atom(atom::atom("abd")),
            h.reference(1),
            h.export_fun(Term::atom(atom::ERLANG), Term::atom(atom::OK), 1),
            Term::pid(3),
            h.tuple(&[Term::small(9), Term::small(9)]),
            h.tuple(&[Term::small(1), Term::small(1), Term::small(1)]),
            h.map_from_pairs(&mut vec![]),
            Term::NIL,
            h.list(&[Term::small(1)]),
            h.list(&[Term::small(1), Term::small(2)]),
            h.list(&[Term::small(2)]),
            h.binary(b""),
            h.binary(b"a"),
            h.binary(b"b"),
            h.bitstring(&[0x80], 1),
        ];
        for i in 0..terms.len() {
            for j in 0..terms.len() {
                assert_eq!(compare(terms[i], terms[j]), i.cmp(&j), "{i} vs {j}: {:?} {:?}", terms[i], terms[j]);
            }
        }
    }

    #[test]
    fn numbers() {
        let mut h = Heap::new();
        let two60 = number::make_i128(&mut h, 1 << 60);
        let f60 = h.float(1.152921504606847e18);
        assert_eq!(compare(two60, f60), Equal);
        assert!(eq(two60, f60));
        assert!(!eq_exact(two60, f60));
        assert_eq!(compare_exact(two60, f60), Less);
        let one_f = h.float(1.0);
        assert_eq!(compare_exact(Term::small(1), one_f), Less);
        let half = h.float(0.5);
        assert_eq!(compare_exact(Term::small(2), half), Less); // map-key order
        assert_eq!(compare(Term::small(2), half), Greater);
        assert_eq!(compare_exact(one_f, Term::small(1)), Greater);
        assert_eq!(compare(Term::small(1), one_f), Equal);
        // 2^60 + 1 > 2^60 as float
        let p = number::make_i128(&mut h, (1 << 60) + 1);
        assert_eq!(compare(p, f60), Greater);
        let big = number::make_i128(&mut h, 1 << 100);
        let nbig = number::make_i128(&mut h, -(1 << 100));
        assert_eq!(compare(big, Term::small(5)), Greater);
        assert_eq!(compare(nbig, Term::small(-5)), Less);
        assert_eq!(compare(nbig, big), Less);
        let bf = h.float(1.5e30);
        assert_eq!(compare(big, bf), Less);
        let small_big = number::make_i128(&mut h, 3 << 59);
        assert_eq!(compare(small_big, h.float(1.0e300)), Less);
        let x = Term::small(576460752303423487);
        let fx = h.float(576460752303423487.0);
        assert_eq!(compare(x, fx), Less); // the float rounds to 2^59
        let mz = h.float(-0.0);
        let z = h.float(0.0);
        assert!(eq_exact(mz, z)); // OTP 25: 0.0 =:= -0.0
        let h1 = h.float(0.5);
        assert_eq!(compare(Term::small(0), h1), Less);
        let hm = h.float(-0.5);
        assert_eq!(compare(Term::small(0), hm), Greater);
        assert_eq!(compare(Term::small(-1), hm), Less);
    }

    #[test]
    fn containers() {
        let mut h = Heap::new();
        let one_f = h.float(1.0);
        let a = h.tuple(&[Term::small(1), Term::NIL]);
        let b = h.tuple(&[one_f, Term::NIL]);
        assert!(eq(a, b));
        assert!(!eq_exact(a, b));
        let m1 = h.map_from_pairs(&mut vec![(Term::small(1), Term::small(1))]);
        let m2 = h.map_from_pairs(&mut vec![(one_f, Term::small(1))]);
        let m3 = h.map_from_pairs(&mut vec![(Term::small(1), one_f)]);
        assert!(!eq(m1, m2)); // keys compare exactly
        assert!(eq(m1, m3));
        assert!(!eq_exact(m1, m3));
        assert_eq!(compare(m1, m2), Less);
        // improper tails
        let i1 = h.cons(Term::small(1), Term::small(2));
        let i2 = h.cons(Term::small(1), Term::small(3));
        assert_eq!(compare(i1, i2), Less);
        let l = h.list(&[Term::small(1), Term::small(2)]);
        assert_eq!(compare(i1, l), Less); // 2 < [2]
    }

    #[test]
    fn long_lists() {
        let mut h = Heap::new();
        let v: Vec<Term> = (0..1_000_000).map(Term::small).collect();
        let a = h.list(&v);
        let b = h.list(&v);
        assert!(eq_exact(a, b));
        let mut deep = Term::NIL;
        let mut deep2 = Term::NIL;
        for _ in 0..200_000 {
            deep = h.tuple(&[deep]);
            deep2 = h.tuple(&[deep2]);
        }
        assert_eq!(compare(deep, deep2), Equal);
    }
}
