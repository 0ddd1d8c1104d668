//! The `lists` functions OTP implements natively: `reverse/1,2`,
//! `keyfind/3`, `keymember/3`, `keysearch/3`, `member/2`, `append/2`.

use super::erlang::{append_lists, arg_usize, badarg};
use super::BifDef;
use crate::compare;
use crate::exception::BifResult;
use crate::process::Process;
use crate::term::Term;

pub const BIFS: &[BifDef] = &[
    ("lists", "reverse", 1, reverse1),
    ("lists", "reverse", 2, reverse2),
    ("lists", "keyfind", 3, keyfind),
    ("lists", "keymember", 3, keymember),
    ("lists", "keysearch", 3, keysearch),
    ("lists", "member", 2, member),
    ("lists", "append", 2, append),
];

/// `lists:reverse(L, Tail)`: badarg when `L` is not a proper list.
pub fn reverse_onto(p: &mut Process, l: Term, tail: Term) -> BifResult {
    let mut v = Vec::new();
    let mut t = l;
    while let Some((h, tl)) = t.as_cons() {
        v.push(h);
        t = tl;
    }
    if !t.is_nil() {
        return badarg();
    }
    super::charge(p, v.len(), super::rate::COPY_CELLS);
    // One allocation for the whole result.
    v.reverse();
    Ok(p.heap.list_with_tail(&v, tail))
}

/// OTP's `lists:reverse/1` is Erlang code whose clauses take `[]`, `[_]`
/// and lists of two or more: anything else is a `function_clause`, an
/// improper tail further on a badarg from `reverse/2`.
fn reverse1(p: &mut Process, a: &[Term]) -> BifResult {
    let l = a[0];
    let clause = match l.as_cons() {
        None => l.is_nil(),
        Some((_, tl)) => tl.is_list(),
    };
    if !clause {
        return Err(crate::exception::Exception::error(Term::atom(crate::atom::FUNCTION_CLAUSE)));
    }
    reverse_onto(p, l, Term::NIL)
}
fn reverse2(p: &mut Process, a: &[Term]) -> BifResult {
    reverse_onto(p, a[0], a[1])
}

/// The first tuple in `list` whose `n`th element is `==` to `key`.
/// `Err` when `list` is improper (OTP: badarg) or `n` is not >= 1.
fn keyfind_impl(p: &mut Process, key: Term, n: Term, list: Term) -> Result<Option<Term>, crate::exception::Exception> {
    let n = arg_usize(n)?;
    if n == 0 {
        return badarg();
    }
    let mut t = list;
    let mut walked = 0;
    while let Some((h, tl)) = t.as_cons() {
        walked += 1;
        if let Some(e) = h.as_tuple() {
            if e.len() >= n && compare::eq(e[n - 1], key) {
                super::charge(p, walked, super::rate::SEARCH);
                return Ok(Some(h));
            }
        }
        t = tl;
    }
    super::charge(p, walked, super::rate::SEARCH);
    if t.is_nil() {
        Ok(None)
    } else {
        badarg()
    }
}

fn keyfind(p: &mut Process, a: &[Term]) -> BifResult {
    Ok(keyfind_impl(p, a[0], a[1], a[2])?.unwrap_or(Term::bool(false)))
}
fn keymember(p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(keyfind_impl(p, a[0], a[1], a[2])?.is_some()))
}
fn keysearch(p: &mut Process, a: &[Term]) -> BifResult {
    match keyfind_impl(p, a[0], a[1], a[2])? {
        Some(t) => {
            let value = super::erlang::mk_atom("value");
            Ok(p.heap.tuple(&[value, t]))
        }
        None => Ok(Term::bool(false)),
    }
}

/// `lists:member/2` matches (`=:=`).
fn member(p: &mut Process, a: &[Term]) -> BifResult {
    let mut t = a[1];
    let mut walked = 0;
    while let Some((h, tl)) = t.as_cons() {
        walked += 1;
        if compare::eq_exact(h, a[0]) {
            super::charge(p, walked, super::rate::SEARCH);
            return Ok(Term::bool(true));
        }
        t = tl;
    }
    super::charge(p, walked, super::rate::SEARCH);
    if t.is_nil() {
        Ok(Term::bool(false))
    } else {
        badarg()
    }
}

fn append(p: &mut Process, a: &[Term]) -> BifResult {
    append_lists(p, a[0], a[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::erlang::tests::proc;

    #[test]
    fn keyfind_uses_equality_member_uses_matching() {
        let mut p = proc();
        let f = p.heap.float(1.0);
        let t = p.heap.tuple(&[f, Term::NIL]);
        let l = p.heap.list(&[Term::small(7), t]);
        assert_eq!(keyfind(&mut p, &[Term::small(1), Term::small(1), l]).unwrap(), t);
        let l2 = p.heap.list(&[f]);
        assert_eq!(member(&mut p, &[Term::small(1), l2]).unwrap(), Term::bool(false));
        let r = reverse2(&mut p, &[l, Term::small(9)]).unwrap();
        assert_eq!(r.head(), t);
        let imp = p.heap.cons(Term::small(1), Term::small(2));
        assert!(reverse1(&mut p, &[imp]).is_err());
    }
}
