//! The VM-wide state every process shares: the module table (and how to load
//! a module that is not there yet), reference and pid counters, and standard
//! output.

use crate::atom::Atom;
use crate::module::Module;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Finds and compiles modules on demand. The `act` binary supplies one that
/// looks beside the script and in the embedded stdlib; the runtime never
/// depends on the compiler itself.
pub trait Loader: Send + Sync {
    /// `Ok(None)` when there is no such module.
    fn load(&self, name: &str) -> Result<Option<Module>, String>;
}

pub struct Vm {
    modules: RwLock<Vec<Arc<Module>>>,
    by_name: RwLock<HashMap<Atom, usize>>,
    loader: Box<dyn Loader>,
    next_ref: AtomicU64,
    next_pid: AtomicU64,
    /// Standard output, written one `io:format` call at a time.
    pub stdout: Mutex<std::io::BufWriter<std::io::Stdout>>,
    /// The exit status requested by `halt/1`, once asked.
    pub halt: Mutex<Option<i32>>,
}

impl Vm {
    pub fn new(loader: Box<dyn Loader>) -> Arc<Vm> {
        Arc::new(Vm {
            modules: RwLock::new(Vec::new()),
            by_name: RwLock::new(HashMap::new()),
            loader,
            next_ref: AtomicU64::new(1),
            next_pid: AtomicU64::new(80),
            stdout: Mutex::new(std::io::BufWriter::new(std::io::stdout())),
            halt: Mutex::new(None),
        })
    }

    /// Installs a module (replacing an older version by name) and returns its index.
    pub fn add_module(&self, mut m: Module) -> usize {
        let name = m.name;
        let mut mods = self.modules.write();
        m.index = mods.len() as u32;
        mods.push(Arc::new(m));
        let i = mods.len() - 1;
        self.by_name.write().insert(name, i);
        i
    }

    pub fn module_at(&self, i: usize) -> Arc<Module> {
        self.modules.read()[i].clone()
    }

    /// A module by table index, for as long as the program runs.
    pub fn module_ref(&self, i: usize) -> &'static Module {
        let arc = self.modules.read()[i].clone();
        // SAFETY: the module table never removes a module (a reloaded
        // module gets a new slot), and the VM outlives every process that
        // runs code, so the Arc in the table keeps this module alive for as
        // long as any reference handed out here is used.
        unsafe { &*Arc::as_ptr(&arc) }
    }

    pub fn module_index(&self, name: Atom) -> Option<usize> {
        self.by_name.read().get(&name).copied()
    }

    /// The module named `name`, loading it if needed. `Ok(None)`: no such module.
    pub fn module(&self, name: Atom) -> Result<Option<(usize, Arc<Module>)>, String> {
        if let Some(i) = self.module_index(name) {
            return Ok(Some((i, self.module_at(i))));
        }
        match self.loader.load(&name.name())? {
            Some(m) => {
                // Another process may have loaded it meanwhile: keep the first.
                if let Some(i) = self.module_index(name) {
                    return Ok(Some((i, self.module_at(i))));
                }
                let i = self.add_module(m);
                Ok(Some((i, self.module_at(i))))
            }
            None => Ok(None),
        }
    }

    pub fn is_loaded(&self, name: Atom) -> bool {
        self.module_index(name).is_some()
    }

    pub fn make_ref_id(&self) -> u64 {
        self.next_ref.fetch_add(1, Ordering::Relaxed)
    }

    pub fn make_pid(&self) -> u64 {
        self.next_pid.fetch_add(1, Ordering::Relaxed)
    }

    /// Writes `bytes` to standard output as one piece.
    pub fn write_stdout(&self, bytes: &[u8]) {
        let mut out = self.stdout.lock();
        let _ = out.write_all(bytes);
    }

    pub fn flush(&self) {
        let _ = self.stdout.lock().flush();
    }
}
