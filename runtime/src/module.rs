//! Loaded code: a module's functions, lambdas, imports and literals, and the
//! builder the compiler uses to make one (the runtime never depends on the
//! compiler: the compiler speaks this API).

use crate::atom::Atom;
use crate::heap::Heap;
use crate::opcode::Op;
use crate::term::Term;
use std::collections::HashMap;

/// One function's code.
pub struct FunctionCode {
    pub name: Atom,
    pub arity: u32,
    /// Registers the frame needs (at least `arity`).
    pub frame_size: u32,
    pub code: Vec<Op>,
    /// (first instruction index, source line), sorted by index.
    pub lines: Vec<(u32, u32)>,
    /// For each `RecvWait` instruction: the patterns its receive waits
    /// for, as source text (for the deadlock report).
    pub receives: Vec<(u32, String)>,
    /// For a lifted lambda: the name shown in stack traces
    /// (`'-main/1-fun-0-'`), else the function's own name.
    pub display_name: Atom,
}

impl FunctionCode {
    /// The source line of instruction `pc`.
    pub fn line_at(&self, pc: u32) -> u32 {
        match self.lines.binary_search_by_key(&pc, |&(i, _)| i) {
            Ok(i) => self.lines[i].1,
            Err(0) => self.lines.first().map(|l| l.1).unwrap_or(0),
            Err(i) => self.lines[i - 1].1,
        }
    }
}

/// A `fun` defined in this module: the lifted function that implements it
/// and how many free variables it captures. The lifted function takes the
/// call's arguments first, then the free variables.
#[derive(Clone, Debug)]
pub struct Lambda {
    pub func: u32,
    pub arity: u32,
    pub num_free: u32,
    /// A named fun (`fun Loop(X) -> ... Loop(Y) ... end`): the fun itself
    /// is passed after the free variables.
    pub named: bool,
    /// Unique index within the module (`#Fun<m.Index.Uniq>` printing).
    pub index: u32,
    pub uniq: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Import {
    pub module: Atom,
    pub function: Atom,
    pub arity: u32,
}

/// A loaded module. Immutable once loaded; shared by every process.
pub struct Module {
    pub name: Atom,
    /// Position in the VM's module table (set when added).
    pub index: u32,
    /// The file it came from, as given to the compiler (for stack traces).
    pub file: String,
    pub functions: Vec<FunctionCode>,
    /// Exported (name, arity) -> function index.
    pub exports: HashMap<(Atom, u32), u32>,
    /// Every function by (name, arity), exported or not.
    pub locals: HashMap<(Atom, u32), u32>,
    pub lambdas: Vec<Lambda>,
    pub imports: Vec<Import>,
    /// The literal area: the memory behind every boxed `LoadConst` /
    /// `TestConst` term of this module. Never collected; freed with the module.
    pub literals: Heap,
    /// Module attributes (`-behaviour`, `-vsn`, ...) as {Name, Value} terms in `literals`.
    pub attributes: Vec<Term>,
    /// Where each import resolved to, filled on first call.
    pub resolved: Vec<std::sync::OnceLock<Target>>,
}

/// What a remote call goes to.
#[derive(Clone, Copy)]
pub enum Target {
    Bif(u32),
    Code(&'static Module, u32),
}

// SAFETY: a Module is immutable after loading; its literal heap is only
// read (never allocated into or collected) once the module is built, so
// sharing it between scheduler threads is sound.
unsafe impl Send for Module {}
unsafe impl Sync for Module {}

impl Module {
    pub fn new(name: Atom, file: String) -> Module {
        Module {
            name,
            index: 0,
            file,
            functions: Vec::new(),
            exports: HashMap::new(),
            locals: HashMap::new(),
            lambdas: Vec::new(),
            imports: Vec::new(),
            literals: Heap::new(),
            attributes: Vec::new(),
            resolved: Vec::new(),
        }
    }

    pub fn function(&self, name: Atom, arity: u32) -> Option<u32> {
        self.locals.get(&(name, arity)).copied()
    }

    pub fn exported(&self, name: Atom, arity: u32) -> Option<u32> {
        self.exports.get(&(name, arity)).copied()
    }

    /// Adds (or finds) an import and returns its index.
    pub fn import(&mut self, module: Atom, function: Atom, arity: u32) -> u32 {
        let imp = Import { module, function, arity };
        if let Some(i) = self.imports.iter().position(|i| *i == imp) {
            return i as u32;
        }
        self.imports.push(imp);
        self.resolved.push(std::sync::OnceLock::new());
        (self.imports.len() - 1) as u32
    }
}
