//! List helpers shared by BIFs and the formatter: reading proper lists,
//! iolists and character data, and building lists from Rust data. All
//! walk list tails in loops, never by recursion.

use crate::binary;
use crate::heap::Heap;
use crate::term::Term;

/// The elements of a proper list; `None` for an improper list or a non-list.
pub fn to_vec(t: Term) -> Option<Vec<Term>> {
    let mut v = Vec::new();
    let mut t = t;
    while let Some((h, tl)) = t.as_cons() {
        v.push(h);
        t = tl;
    }
    if t.is_nil() {
        Some(v)
    } else {
        None
    }
}

/// The length of a proper list; `None` when improper.
pub fn length(t: Term) -> Option<usize> {
    let mut n = 0;
    let mut t = t;
    while t.is_cons() {
        n += 1;
        t = t.tail();
    }
    if t.is_nil() {
        Some(n)
    } else {
        None
    }
}

/// The bytes of an iolist (bytes 0..=255, binaries and nested iolists, a
/// binary allowed as any tail) or of a binary; `None` if it is not one.
pub fn iolist_to_bytes(t: Term) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    if append_iolist(&mut out, t) {
        Some(out)
    } else {
        None
    }
}

/// Appends the bytes of iolist (or binary) `t` to `out`; false if `t` is
/// not an iolist.
pub fn append_iolist(out: &mut Vec<u8>, t: Term) -> bool {
    // Pending tails to continue with after a nested list.
    let mut stack: Vec<Term> = vec![t];
    while let Some(mut t) = stack.pop() {
        loop {
            if let Some((h, tl)) = t.as_cons() {
                if let Some(b) = h.as_small() {
                    if !(0..=255).contains(&b) {
                        return false;
                    }
                    out.push(b as u8);
                } else if h.is_cons() || h.is_nil() {
                    stack.push(tl);
                    t = h;
                    continue;
                } else if h.is_bitstring() {
                    match binary::bytes(h) {
                        Some(b) => out.extend_from_slice(&b),
                        None => return false,
                    }
                } else {
                    return false;
                }
                t = tl;
            } else if t.is_nil() {
                break;
            } else if t.is_bitstring() {
                match binary::bytes(t) {
                    Some(b) => out.extend_from_slice(&b),
                    None => return false,
                }
                break;
            } else {
                return false;
            }
        }
    }
    true
}

/// The size in bytes of an iolist, without building it.
pub fn iolist_size(t: Term) -> Option<usize> {
    let mut n = 0usize;
    let mut stack: Vec<Term> = vec![t];
    while let Some(mut t) = stack.pop() {
        loop {
            if let Some((h, tl)) = t.as_cons() {
                if let Some(b) = h.as_small() {
                    if !(0..=255).contains(&b) {
                        return None;
                    }
                    n += 1;
                } else if h.is_cons() || h.is_nil() {
                    stack.push(tl);
                    t = h;
                    continue;
                } else if let Some(b) = binary::bits(h) {
                    if !b.is_binary() {
                        return None;
                    }
                    n += b.byte_len();
                } else {
                    return None;
                }
                t = tl;
            } else if t.is_nil() {
                break;
            } else if let Some(b) = binary::bits(t) {
                if !b.is_binary() {
                    return None;
                }
                n += b.byte_len();
                break;
            } else {
                return None;
            }
        }
    }
    Some(n)
}

/// The code points of unicode chardata: a possibly deep list of code
/// points and UTF-8 binaries (a binary also allowed as a tail). `None` when
/// it is not chardata or a binary is not valid UTF-8.
pub fn chardata_to_chars(t: Term) -> Option<Vec<char>> {
    let mut out = Vec::new();
    let mut stack: Vec<Term> = vec![t];
    let push_bin = |out: &mut Vec<char>, b: Term| -> bool {
        match binary::bytes(b) {
            Some(bytes) => match std::str::from_utf8(&bytes) {
                Ok(s) => {
                    out.extend(s.chars());
                    true
                }
                Err(_) => false,
            },
            None => false,
        }
    };
    while let Some(mut t) = stack.pop() {
        loop {
            if let Some((h, tl)) = t.as_cons() {
                if let Some(c) = h.as_small() {
                    out.push(char::from_u32(u32::try_from(c).ok()?)?);
                } else if h.is_list() {
                    stack.push(tl);
                    t = h;
                    continue;
                } else if h.is_bitstring() {
                    if !push_bin(&mut out, h) {
                        return None;
                    }
                } else {
                    return None;
                }
                t = tl;
            } else if t.is_nil() {
                break;
            } else if t.is_bitstring() {
                if !push_bin(&mut out, t) {
                    return None;
                }
                break;
            } else {
                return None;
            }
        }
    }
    Some(out)
}

/// Unicode chardata as a `String` (see `chardata_to_chars`).
pub fn chardata_to_string(t: Term) -> Option<String> {
    chardata_to_chars(t).map(|v| v.into_iter().collect())
}

/// A flat, proper list of code points as a `String`; `None` otherwise.
pub fn string_of(t: Term) -> Option<String> {
    let mut s = String::new();
    let mut t = t;
    while let Some((h, tl)) = t.as_cons() {
        let c = h.as_small()?;
        s.push(char::from_u32(u32::try_from(c).ok()?)?);
        t = tl;
    }
    if t.is_nil() {
        Some(s)
    } else {
        None
    }
}

/// A list of the bytes in `b` (a "string" of Latin-1 characters).
pub fn from_bytes_list(heap: &mut Heap, b: &[u8]) -> Term {
    let v: Vec<Term> = b.iter().map(|&x| Term::small(x as i64)).collect();
    heap.list(&v)
}

/// A list of the code points of `s`.
pub fn from_str(heap: &mut Heap, s: &str) -> Term {
    let v: Vec<Term> = s.chars().map(|c| Term::small(c as i64)).collect();
    heap.list(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iolists() {
        let mut h = Heap::new();
        let b = h.binary(b"cd");
        let inner = h.list(&[Term::small(b'b' as i64), b]);
        let l = h.list_with_tail(&[Term::small(b'a' as i64), inner, Term::NIL], b);
        assert_eq!(iolist_to_bytes(l).unwrap(), b"abcdcd");
        assert_eq!(iolist_size(l), Some(6));
        let bad = h.list(&[Term::small(256)]);
        assert!(iolist_to_bytes(bad).is_none());
        assert!(iolist_size(bad).is_none());
        let s = from_str(&mut h, "héllo");
        assert_eq!(chardata_to_string(s).unwrap(), "héllo");
        assert_eq!(string_of(s).unwrap(), "héllo");
        assert_eq!(length(s), Some(5));
        let imp = h.cons(Term::small(1), Term::small(2));
        assert!(to_vec(imp).is_none());
        assert_eq!(length(imp), None);
    }
}
