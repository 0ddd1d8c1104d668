//! Exceptions as the VM raises and catches them: a class (`error`,
//! `throw`, `exit`), a reason term and, for `error/2` and BIF errors, the
//! arguments of the failing call (used to build the stack trace's top entry).

use crate::atom::{self, Atom};
use crate::term::Term;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Class {
    Error,
    Throw,
    Exit,
}

impl Class {
    pub fn atom(self) -> Atom {
        match self {
            Class::Error => atom::ERROR,
            Class::Throw => atom::THROW,
            Class::Exit => atom::EXIT,
        }
    }
    pub fn from_atom(a: Atom) -> Option<Class> {
        match a {
            atom::ERROR => Some(Class::Error),
            atom::THROW => Some(Class::Throw),
            atom::EXIT => Some(Class::Exit),
            _ => None,
        }
    }
}

/// A raised exception on its way to a handler. Its terms live on the
/// raising process's heap (they are roots while it unwinds).
#[derive(Clone, Copy, Debug)]
pub struct Exception {
    pub class: Class,
    pub reason: Term,
    /// The arguments of the BIF or function that failed, when known: the
    /// stack trace shows `m:f(Args)` instead of `m:f/Arity`.
    pub args: Term,
    /// A stack trace given by `erlang:raise/3`, used as is; else NONE and
    /// the trace is built where the exception is raised.
    pub trace: Term,
}

impl Exception {
    pub fn error(reason: Term) -> Exception {
        Exception { class: Class::Error, reason, args: Term::NONE, trace: Term::NONE }
    }
    pub fn throw(reason: Term) -> Exception {
        Exception { class: Class::Throw, reason, args: Term::NONE, trace: Term::NONE }
    }
    pub fn exit(reason: Term) -> Exception {
        Exception { class: Class::Exit, reason, args: Term::NONE, trace: Term::NONE }
    }
    pub fn badarg() -> Exception {
        Exception::error(Term::atom(atom::BADARG))
    }
    pub fn badarith() -> Exception {
        Exception::error(Term::atom(atom::BADARITH))
    }
    /// Not an error: a BIF asks to block. The calling process waits (its
    /// instruction is run again when it is woken), so the BIF must first
    /// have arranged for a wake-up (a `Signal::Wake` from whoever unblocks
    /// it, or a timer), and must keep what it needs to resume in the process.
    pub fn wait() -> Exception {
        Exception { class: Class::Error, reason: Term::NONE, args: Term::NONE, trace: Term::NONE }
    }

    pub fn is_wait(&self) -> bool {
        self.reason.is_none()
    }

    pub fn system_limit() -> Exception {
        Exception::error(Term::atom(atom::SYSTEM_LIMIT))
    }
}

pub type BifResult = Result<Term, Exception>;
