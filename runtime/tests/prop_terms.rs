//! Property tests of the term layer: the term order is a total order, the
//! external term format round-trips, a collection keeps every reachable
//! term, and message copying keeps a term intact.
//!
//! Random terms are described by [`Shape`] (a plain Rust tree proptest can
//! generate and shrink) and built on a heap with the runtime's own
//! constructors. Leaves are drawn from small pools near the interesting
//! edges (small/bignum boundary, 0.0 vs -0.0, integers equal to floats) so
//! that equal and nearly-equal pairs actually occur.

use act_runtime::atom;
use act_runtime::bif;
use act_runtime::compare;
use act_runtime::copy;
use act_runtime::heap::Heap;
use act_runtime::module::Module;
use act_runtime::number;
use act_runtime::process::Process;
use act_runtime::term::{SMALL_MAX, SMALL_MIN};
use act_runtime::vm::{Loader, Vm};
use act_runtime::Term;
use num_bigint::BigInt;
use proptest::prelude::*;
use std::cmp::Ordering;

#[derive(Clone, Debug)]
enum Shape {
    Int(i128),
    Big(Vec<u32>, bool),
    Float(f64),
    Atom(&'static str),
    Bin(Vec<u8>),
    /// A sub-binary of the given bytes: (bytes, offset, len) in bytes.
    SubBin(Vec<u8>, usize, usize),
    Tuple(Vec<Shape>),
    List(Vec<Shape>),
    /// An improper list: elements, then a non-list tail.
    Improper(Vec<Shape>, Box<Shape>),
    Map(Vec<(Shape, Shape)>),
}

const ATOMS: &[&str] = &["a", "b", "ok", "error", "true", "false", "nil", "\u{e9}t\u{e9}", ""];

fn leaf() -> impl Strategy<Value = Shape> {
    let edge_ints = prop_oneof![
        (-4i128..4),
        Just(SMALL_MAX as i128),
        Just(SMALL_MAX as i128 + 1),
        Just(SMALL_MIN as i128),
        Just(SMALL_MIN as i128 - 1),
        Just(i64::MAX as i128),
        Just(i64::MIN as i128),
        Just(1i128 << 64),
        Just(-(1i128 << 64)),
        any::<i64>().prop_map(|i| i as i128),
    ];
    let floats = prop_oneof![
        Just(0.0f64),
        Just(-0.0f64),
        Just(1.0),
        Just(-1.0),
        Just(2.5),
        Just(SMALL_MAX as f64),
        Just((1u128 << 64) as f64),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
    ];
    prop_oneof![
        3 => edge_ints.prop_map(Shape::Int),
        1 => (proptest::collection::vec(any::<u32>(), 1..6), any::<bool>()).prop_map(|(d, n)| Shape::Big(d, n)),
        2 => floats.prop_map(Shape::Float),
        2 => proptest::sample::select(ATOMS).prop_map(Shape::Atom),
        1 => proptest::collection::vec(any::<u8>(), 0..100).prop_map(Shape::Bin),
        1 => (proptest::collection::vec(any::<u8>(), 1..100), any::<usize>(), any::<usize>()).prop_map(|(b, o, l)| {
            let o = o % b.len();
            let l = l % (b.len() - o + 1);
            Shape::SubBin(b, o, l)
        }),
    ]
}

fn shape() -> impl Strategy<Value = Shape> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Shape::Tuple),
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Shape::List),
            (proptest::collection::vec(inner.clone(), 1..4), inner.clone())
                .prop_filter("non-list tail", |(_, t)| !matches!(t, Shape::List(_) | Shape::Improper(..)))
                .prop_map(|(e, t)| Shape::Improper(e, Box::new(t))),
            proptest::collection::vec((inner.clone(), inner), 0..5).prop_map(Shape::Map),
        ]
    })
}

fn build(h: &mut Heap, s: &Shape) -> Term {
    match s {
        Shape::Int(i) => number::make_i128(h, *i),
        Shape::Big(digits, neg) => {
            let mut v = BigInt::from_slice(num_bigint::Sign::Plus, digits);
            if *neg {
                v = -v;
            }
            number::make_integer(h, v)
        }
        Shape::Float(f) => h.float(*f),
        Shape::Atom(a) => Term::atom(atom::atom(a)),
        Shape::Bin(b) => h.binary(b),
        Shape::SubBin(b, o, l) => {
            let whole = h.binary(b);
            h.sub_binary(whole, *o as u64 * 8, *l as u64 * 8)
        }
        Shape::Tuple(es) => {
            let ts: Vec<Term> = es.iter().map(|e| build(h, e)).collect();
            h.tuple(&ts)
        }
        Shape::List(es) => {
            let ts: Vec<Term> = es.iter().map(|e| build(h, e)).collect();
            h.list(&ts)
        }
        Shape::Improper(es, tail) => {
            let ts: Vec<Term> = es.iter().map(|e| build(h, e)).collect();
            let t = build(h, tail);
            h.list_with_tail(&ts, t)
        }
        Shape::Map(kvs) => {
            let mut pairs: Vec<(Term, Term)> = kvs.iter().map(|(k, v)| (build(h, k), build(h, v))).collect();
            h.map_from_pairs(&mut pairs)
        }
    }
}

struct NoLoader;
impl Loader for NoLoader {
    fn load(&self, _name: &str) -> Result<Option<Module>, String> {
        Ok(None)
    }
}

fn process() -> Process {
    let vm = Vm::new(Box::new(NoLoader));
    let pid = vm.make_pid();
    Process::new(vm, pid)
}

fn call_bif(p: &mut Process, m: &str, f: &str, args: &[Term]) -> Result<Term, Term> {
    let i = bif::lookup(atom::atom(m), atom::atom(f), args.len() as u32).expect("BIF exists");
    (bif::get(i).f)(p, args).map_err(|e| e.reason)
}

fn config() -> ProptestConfig {
    // Small case counts: these run in every `cargo test --release`; set
    // PROPTEST_CASES for a longer soak.
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    /// compare(a, b) is the reverse of compare(b, a), and equal to itself.
    #[test]
    fn order_is_antisymmetric(a in shape(), b in shape()) {
        let mut h = Heap::new();
        let (ta, tb) = (build(&mut h, &a), build(&mut h, &b));
        prop_assert_eq!(compare::compare(ta, tb), compare::compare(tb, ta).reverse());
        prop_assert_eq!(compare::compare_exact(ta, tb), compare::compare_exact(tb, ta).reverse());
        prop_assert_eq!(compare::compare(ta, ta), Ordering::Equal);
        prop_assert_eq!(compare::compare_exact(ta, ta), Ordering::Equal);
        // Exact equality implies arithmetic equality.
        if compare::eq_exact(ta, tb) {
            prop_assert!(compare::eq(ta, tb));
        }
    }

    /// Sorting by the order and then checking every pair catches any
    /// intransitive triple among the terms.
    #[test]
    fn order_is_transitive(shapes in proptest::collection::vec(shape(), 3..12)) {
        let mut h = Heap::new();
        let mut ts: Vec<Term> = shapes.iter().map(|s| build(&mut h, s)).collect();
        for cmp in [compare::compare as fn(Term, Term) -> Ordering, compare::compare_exact] {
            ts.sort_by(|&x, &y| cmp(x, y));
            for i in 0..ts.len() {
                for j in i + 1..ts.len() {
                    prop_assert_ne!(cmp(ts[i], ts[j]), Ordering::Greater, "pair {} {}", i, j);
                }
            }
        }
    }

    /// binary_to_term(term_to_binary(T)) =:= T, for every minor version.
    #[test]
    fn etf_round_trips(s in shape(), minor in 0i64..3) {
        let mut p = process();
        let t = build(&mut p.heap, &s);
        let opts = {
            let mv = Term::atom(atom::atom("minor_version"));
            let o = p.heap.tuple(&[mv, Term::small(minor)]);
            p.heap.list(&[o])
        };
        let bin = call_bif(&mut p, "erlang", "term_to_binary", &[t, opts]).expect("encodes");
        let back = call_bif(&mut p, "erlang", "binary_to_term", &[bin]).expect("decodes");
        prop_assert!(compare::eq_exact(t, back));
        let size = call_bif(&mut p, "erlang", "external_size", &[t]).expect("sizes");
        let plain = call_bif(&mut p, "erlang", "term_to_binary", &[t]).expect("encodes");
        prop_assert_eq!(size.as_small(), Some(act_runtime::binary::bytes(plain).unwrap().len() as i64));
    }

    /// binary_to_term on arbitrary bytes returns a term or badarg, never panics.
    #[test]
    fn etf_decode_arbitrary_bytes(mut bytes in proptest::collection::vec(any::<u8>(), 0..64), versioned in any::<bool>()) {
        if versioned {
            bytes.insert(0, 131);
        }
        let mut p = process();
        let b = p.heap.binary(&bytes);
        if let Err(reason) = call_bif(&mut p, "erlang", "binary_to_term", &[b]) {
            prop_assert!(reason.is_atom_eq(atom::BADARG));
        }
    }

    /// A collection keeps every term reachable from the roots, equal to a
    /// copy taken before it (in a heap the collector never sees). Garbage
    /// between the roots makes the collector move things.
    #[test]
    fn gc_preserves_reachable_terms(shapes in proptest::collection::vec((shape(), shape()), 1..8), rounds in 1usize..4) {
        let mut p = process();
        let mut reference = Heap::new();
        let mut copies = Vec::new();
        for (keep, garbage) in &shapes {
            let t = build(&mut p.heap, keep);
            let _ = build(&mut p.heap, garbage);
            copies.push(copy::copy_to_heap(&mut reference, t));
            p.regs.push(t);
            // Share the kept term from a later root too.
            let shared = p.heap.tuple(&[t, t]);
            p.regs.push(shared);
        }
        for _ in 0..rounds {
            p.collect();
            for (i, c) in copies.iter().enumerate() {
                prop_assert!(compare::eq_exact(p.regs[2 * i], *c));
                let pair = p.regs[2 * i + 1].as_tuple().expect("tuple survives");
                prop_assert!(compare::eq_exact(pair[0], *c) && compare::eq_exact(pair[1], *c));
            }
            // More garbage before the next round.
            let _ = build(&mut p.heap, &shapes[0].1);
        }
    }

    /// A message copy (a fragment) equals the original, also after the
    /// fragment is attached to a heap and that heap is collected.
    #[test]
    fn message_copy_preserves_term(s in shape()) {
        let mut sender = Heap::new();
        let t = build(&mut sender, &s);
        let (copy, frag) = copy::copy_to_fragment(t);
        prop_assert!(compare::eq_exact(t, copy));
        prop_assert_eq!(copy::size_of(t), copy::size_of(copy));
        let mut p = process();
        p.heap.attach(frag);
        p.regs.push(copy);
        p.collect();
        prop_assert!(compare::eq_exact(t, p.regs[0]));
    }
}

/// One step of the map model test.
#[derive(Clone, Debug)]
enum MapOp {
    Put(usize, i64),
    Update(usize, i64),
    Remove(usize),
    Collect,
}

/// Distinct keys of several types; pool index `i` always builds the same
/// key. Integers and the equal floats (`3` and `3.0`) are different keys.
const MAP_KEY_POOL: usize = 240;

fn pool_key(h: &mut Heap, i: usize) -> Term {
    let n = (i / 6) as i64;
    match i % 6 {
        0 => Term::small(n),
        1 => h.float(n as f64),
        2 => h.binary(format!("k{n}").as_bytes()),
        3 => {
            let b = h.binary(&[n as u8]);
            h.tuple(&[Term::small(n), b])
        }
        4 => Term::atom(atom::atom(&format!("key{n}"))),
        _ => number::make_i128(h, (1i128 << 70) + n as i128),
    }
}

fn map_op() -> impl Strategy<Value = MapOp> {
    prop_oneof![
        6 => (0..MAP_KEY_POOL, any::<i64>()).prop_map(|(k, v)| MapOp::Put(k, v % 1000)),
        2 => (0..MAP_KEY_POOL, any::<i64>()).prop_map(|(k, v)| MapOp::Update(k, v % 1000)),
        3 => (0..MAP_KEY_POOL).prop_map(MapOp::Remove),
        1 => Just(MapOp::Collect),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Maps under random puts, updates and removes (crossing the 32-key
    /// line between flat maps and hash tries both ways, and collections
    /// moving them) agree with a `BTreeMap` model: same size and lookups,
    /// the representation OTP would use, and the same walk order as the
    /// same map built in one go (the trie's shape depends only on its keys).
    #[test]
    fn map_matches_btreemap_model(ops in proptest::collection::vec(map_op(), 1..400)) {
        use act_runtime::map;
        use std::collections::BTreeMap;
        let mut p = process();
        let mut model: BTreeMap<usize, i64> = BTreeMap::new();
        let empty = p.heap.empty_map();
        p.regs.push(empty);
        for (step, op) in ops.iter().enumerate() {
            let m = p.regs[0];
            let m2 = match *op {
                MapOp::Put(k, v) => {
                    let key = pool_key(&mut p.heap, k);
                    model.insert(k, v);
                    map::map_put(&mut p.heap, m, key, Term::small(v))
                }
                MapOp::Update(k, v) => {
                    let key = pool_key(&mut p.heap, k);
                    let r = map::map_update(&mut p.heap, m, key, Term::small(v));
                    prop_assert_eq!(r.is_some(), model.contains_key(&k));
                    if r.is_some() {
                        model.insert(k, v);
                    }
                    r.unwrap_or(m)
                }
                MapOp::Remove(k) => {
                    let key = pool_key(&mut p.heap, k);
                    model.remove(&k);
                    map::map_remove(&mut p.heap, m, key)
                }
                MapOp::Collect => {
                    p.collect();
                    p.regs[0]
                }
            };
            p.regs[0] = m2;
            prop_assert_eq!(map::map_size(m2), model.len());
            prop_assert_eq!(map::is_flat(m2), model.len() <= map::SMALL_MAP_LIMIT);
            if step % 16 == 0 || step + 1 == ops.len() {
                for k in 0..MAP_KEY_POOL {
                    let key = pool_key(&mut p.heap, k);
                    let got = map::map_get(m2, key).map(|t| t.as_small().unwrap());
                    prop_assert_eq!(got, model.get(&k).copied(), "key {}", k);
                }
                let mut pairs = Vec::new();
                for (&k, &v) in &model {
                    let key = pool_key(&mut p.heap, k);
                    pairs.push((key, Term::small(v)));
                }
                let rebuilt = p.heap.map_from_pairs(&mut pairs);
                prop_assert!(compare::eq_exact(m2, rebuilt));
                prop_assert_eq!(compare::compare(m2, rebuilt), Ordering::Equal);
                let (a, b) = (map::pairs(m2), map::pairs(rebuilt));
                prop_assert_eq!(a.len(), b.len());
                for (x, y) in a.iter().zip(&b) {
                    prop_assert!(compare::eq_exact(x.0, y.0) && x.1 == y.1);
                }
            }
        }
    }
}
