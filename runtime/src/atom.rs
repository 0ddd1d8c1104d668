//! The global atom table: every atom name interned once, named by a dense
//! index. Atoms are never freed (as in BEAM), so the table is append-only and
//! an index stays valid for the life of the VM.
//!
//! The atoms the VM itself needs (`true`, `badarg`, `'EXIT'`...) are
//! pre-interned in a fixed order by the `well_known!` table below, so each has
//! a compile-time constant index: `atom::TRUE` needs no lookup.

use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// An interned atom: an index into the atom table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Atom(pub u32);

/// The most atoms a VM may hold, as in BEAM's default (`+t 1048576`).
/// Creating one more raises `system_limit`.
pub const MAX_ATOMS: usize = 1_048_576;

struct Table {
    names: Vec<Arc<str>>,
    index: HashMap<Arc<str>, u32>,
}

fn table() -> &'static RwLock<Table> {
    static TABLE: OnceLock<RwLock<Table>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Table { names: Vec::new(), index: HashMap::new() };
        for name in WELL_KNOWN {
            let name: Arc<str> = Arc::from(*name);
            t.index.insert(name.clone(), t.names.len() as u32);
            t.names.push(name);
        }
        RwLock::new(t)
    })
}

/// Returns the atom named `name`, creating it; `None` when the table is full.
pub fn intern(name: &str) -> Option<Atom> {
    if let Some(&i) = table().read().index.get(name) {
        return Some(Atom(i));
    }
    let mut t = table().write();
    if let Some(&i) = t.index.get(name) {
        return Some(Atom(i));
    }
    if t.names.len() >= MAX_ATOMS {
        return None;
    }
    let name: Arc<str> = Arc::from(name);
    let i = t.names.len() as u32;
    t.index.insert(name.clone(), i);
    t.names.push(name);
    Some(Atom(i))
}

/// The atom named `name` if it already exists (`list_to_existing_atom`).
pub fn existing(name: &str) -> Option<Atom> {
    table().read().index.get(name).map(|&i| Atom(i))
}

/// Interns a name the VM or compiler knows to be small in number (function
/// names, module names from source). Panics only when the atom table is
/// full, which compile-time names cannot reach before user atoms do.
pub fn atom(name: &str) -> Atom {
    intern(name).expect("atom table full")
}

impl Atom {
    pub fn name(self) -> Arc<str> {
        table().read().names[self.0 as usize].clone()
    }
}

pub fn count() -> usize {
    table().read().names.len()
}

macro_rules! well_known {
    ($($id:ident = $name:literal,)*) => {
        const WELL_KNOWN: &[&str] = &[$($name),*];
        well_known!(@consts 0u32, $($id,)*);
    };
    (@consts $n:expr, $id:ident, $($rest:ident,)*) => {
        pub const $id: Atom = Atom($n);
        well_known!(@consts $n + 1u32, $($rest,)*);
    };
    (@consts $n:expr,) => {};
}

well_known! {
    FALSE = "false",
    TRUE = "true",
    OK = "ok",
    ERROR = "error",
    THROW = "throw",
    EXIT = "exit",
    UNDEFINED = "undefined",
    NIL_ATOM = "nil",
    NORMAL = "normal",
    KILL = "kill",
    KILLED = "killed",
    SHUTDOWN = "shutdown",
    NOPROC = "noproc",
    BADARG = "badarg",
    BADARITH = "badarith",
    BADMATCH = "badmatch",
    FUNCTION_CLAUSE = "function_clause",
    CASE_CLAUSE = "case_clause",
    IF_CLAUSE = "if_clause",
    TRY_CLAUSE = "try_clause",
    UNDEF = "undef",
    BADFUN = "badfun",
    BADARITY = "badarity",
    BADKEY = "badkey",
    BADMAP = "badmap",
    BADRECORD = "badrecord",
    SYSTEM_LIMIT = "system_limit",
    NOCATCH = "nocatch",
    EXIT_UPPER = "EXIT",
    DOWN = "DOWN",
    PROCESS = "process",
    ERLANG = "erlang",
    INFINITY = "infinity",
    TIMEOUT = "timeout",
    FILE = "file",
    LINE = "line",
    ERROR_INFO = "error_info",
    MAIN = "main",
    LATIN1 = "latin1",
    UNICODE = "unicode",
    UTF8 = "utf8",
    DECIMALS = "decimals",
    SCIENTIFIC = "scientific",
    COMPACT = "compact",
    SECOND = "second",
    MILLISECOND = "millisecond",
    MICROSECOND = "microsecond",
    NANOSECOND = "nanosecond",
    NATIVE = "native",
    TRAP_EXIT = "trap_exit",
    UNDEFINED_FUNCTION = "undefined_function",
    LINK = "link",
    MONITOR = "monitor",
    NOCONNECTION = "noconnection",
    APPLY = "apply",
    ENOENT = "enoent",
}
