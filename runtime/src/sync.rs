//! The synchronisation primitives of the two scheduling protocols — a
//! process's state and inbox (`signal.rs`) and parking idle workers
//! (`scheduler/park.rs`) — gathered in one place so that the loom model
//! checks (`runtime/tests/loom_*.rs`, run with `RUSTFLAGS="--cfg loom"`) can
//! swap them for loom's instrumented versions.
//!
//! Without `cfg(loom)` these are plain re-exports of the types the protocols
//! used before (parking_lot's `Mutex`, std's atomics and `fence`, crossbeam's
//! `Parker`): the normal build is the same code, not a wrapper around it.
//!
//! Under `cfg(loom)` they keep the same API (a `lock` that cannot fail, a
//! `Parker` that keeps one unpark as a token) on top of loom, and may only be
//! used inside `loom::model`. Everything else in the crate keeps its own
//! primitives: only what a model exercises goes through here.

#[cfg(not(loom))]
pub use crossbeam_utils::sync::{Parker, Unparker};
#[cfg(not(loom))]
pub use parking_lot::{Mutex, MutexGuard};
#[cfg(not(loom))]
pub use std::sync::atomic::{fence, AtomicU8, AtomicUsize, Ordering};

#[cfg(loom)]
pub use self::model::*;

#[cfg(loom)]
mod model {
    pub use loom::sync::atomic::{fence, AtomicU8, AtomicUsize, Ordering};
    pub use loom::sync::MutexGuard;
    use loom::sync::{Arc, Condvar};

    /// parking_lot's API over loom's mutex (no poisoning to handle).
    #[derive(Debug)]
    pub struct Mutex<T>(loom::sync::Mutex<T>);

    impl<T> Mutex<T> {
        pub fn new(value: T) -> Mutex<T> {
            Mutex(loom::sync::Mutex::new(value))
        }

        pub fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock().unwrap()
        }

        pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            self.0.try_lock().ok()
        }
    }

    struct Token {
        available: loom::sync::Mutex<bool>,
        cv: Condvar,
    }

    /// crossbeam's `Parker`: `park` blocks until a token is available and
    /// consumes it; an `unpark` before the `park` leaves the token, so the
    /// `park` returns at once. Several unparks leave one token.
    pub struct Parker {
        unparker: Unparker,
    }

    #[derive(Clone)]
    pub struct Unparker {
        token: Arc<Token>,
    }

    impl Default for Parker {
        fn default() -> Parker {
            Parker::new()
        }
    }

    impl Parker {
        pub fn new() -> Parker {
            let token = Arc::new(Token { available: loom::sync::Mutex::new(false), cv: Condvar::new() });
            Parker { unparker: Unparker { token } }
        }

        pub fn park(&self) {
            let t = &self.unparker.token;
            let mut available = t.available.lock().unwrap();
            while !*available {
                available = t.cv.wait(available).unwrap();
            }
            *available = false;
        }

        pub fn unparker(&self) -> &Unparker {
            &self.unparker
        }
    }

    impl Unparker {
        pub fn unpark(&self) {
            let t = &self.token;
            *t.available.lock().unwrap() = true;
            t.cv.notify_one();
        }
    }
}
