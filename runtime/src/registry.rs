//! The process table (pid -> handle) and registered names.
//!
//! Pids are allocated from one counter and never reused while the VM runs.
//! The table is sharded by pid so that senders on different schedulers
//! rarely contend for the same lock; a lookup holds a shard's read lock only
//! long enough to clone the handle's `Arc`.

use crate::atom::Atom;
use crate::signal::ProcessHandle;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Shards of the pid table: a power of two comfortably above the number of
/// scheduler threads we expect (16), so that two schedulers rarely share one.
const SHARDS: usize = 64;

/// The default limit on live processes (`+P`), as BEAM's.
pub const DEFAULT_MAX_PROCESSES: usize = 1_048_576;

/// Hashes a pid with one multiplication (Fibonacci hashing). Pids are
/// distinct counter values, never chosen by a user, so the DoS resistance
/// of the default SipHash buys nothing, and SipHash was 219 instructions of
/// every send (callgrind, ring benchmark) where this costs a handful.
#[derive(Default, Clone, Copy)]
pub struct PidHasher(u64);

impl std::hash::Hasher for PidHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        // The high bits pick hashbrown's control byte, the low bits the
        // bucket: the multiply spreads a counter's low bits into both.
        self.0 = (n ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(26);
    }
}

type PidMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<PidHasher>>;

pub struct Registry {
    shards: Vec<RwLock<PidMap<Arc<ProcessHandle>>>>,
    names: Mutex<HashMap<Atom, u64>>,
    /// Active aliases (reference number -> owner pid); see `alias.rs`.
    aliases: Mutex<PidMap<u64>>,
    live: AtomicUsize,
    pub max_processes: AtomicUsize,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            shards: (0..SHARDS).map(|_| RwLock::new(PidMap::default())).collect(),
            names: Mutex::new(HashMap::new()),
            aliases: Mutex::new(PidMap::default()),
            live: AtomicUsize::new(0),
            max_processes: AtomicUsize::new(DEFAULT_MAX_PROCESSES),
        }
    }
}

impl Registry {
    fn shard(&self, pid: u64) -> &RwLock<PidMap<Arc<ProcessHandle>>> {
        &self.shards[pid as usize % SHARDS]
    }

    /// Adds a process; `false` when the process limit is reached.
    pub fn insert(&self, h: Arc<ProcessHandle>) -> bool {
        let n = self.live.fetch_add(1, Ordering::AcqRel);
        if n >= self.max_processes.load(Ordering::Relaxed) {
            self.live.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        self.shard(h.pid).write().insert(h.pid, h);
        true
    }

    pub fn remove(&self, pid: u64) {
        if self.shard(pid).write().remove(&pid).is_some() {
            self.live.fetch_sub(1, Ordering::AcqRel);
        }
    }

    pub fn get(&self, pid: u64) -> Option<Arc<ProcessHandle>> {
        self.shard(pid).read().get(&pid).cloned()
    }

    pub fn live(&self) -> usize {
        self.live.load(Ordering::Acquire)
    }

    /// Every live pid, in pid order.
    pub fn pids(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self.shards.iter().flat_map(|s| s.read().keys().copied().collect::<Vec<_>>()).collect();
        v.sort_unstable();
        v
    }

    pub fn handles(&self) -> Vec<Arc<ProcessHandle>> {
        let mut v: Vec<Arc<ProcessHandle>> =
            self.shards.iter().flat_map(|s| s.read().values().cloned().collect::<Vec<_>>()).collect();
        v.sort_unstable_by_key(|h| h.pid);
        v
    }

    // ---- aliases ----

    pub fn add_alias(&self, id: u64, owner: u64) {
        self.aliases.lock().insert(id, owner);
    }

    pub fn remove_alias(&self, id: u64) {
        self.aliases.lock().remove(&id);
    }

    /// The process alias `id` delivers to, while it is active.
    pub fn alias_owner(&self, id: u64) -> Option<u64> {
        self.aliases.lock().get(&id).copied()
    }

    // ---- names ----

    /// `register/2`: false when the name is taken.
    pub fn register(&self, name: Atom, pid: u64) -> bool {
        let mut names = self.names.lock();
        if names.contains_key(&name) {
            return false;
        }
        names.insert(name, pid);
        true
    }

    pub fn unregister(&self, name: Atom) -> Option<u64> {
        self.names.lock().remove(&name)
    }

    pub fn whereis(&self, name: Atom) -> Option<u64> {
        self.names.lock().get(&name).copied()
    }

    pub fn registered(&self) -> Vec<Atom> {
        let mut v: Vec<Atom> = self.names.lock().keys().copied().collect();
        v.sort_by_key(|a| a.name());
        v
    }

    /// The name `pid` is registered under.
    pub fn name_of(&self, pid: u64) -> Option<Atom> {
        self.names.lock().iter().find(|(_, &p)| p == pid).map(|(&a, _)| a)
    }
}
