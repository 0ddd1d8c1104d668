//! The Act virtual machine: terms and heaps, the interpreter, processes and
//! their scheduler, and the native functions. It never depends on the
//! compiler: the compiler builds [`module::Module`]s through this crate's API.

pub mod alias;
pub mod atom;
pub mod bif;
pub mod binary;
pub mod bitbuilder;
pub mod chan;
pub mod clock;
pub mod compare;
pub mod copy;
pub mod deadlock;
pub mod exception;
pub mod exit;
pub mod format;
pub mod gc;
pub mod heap;
pub mod heap_limit;
pub mod inbox;
pub mod interp;
pub mod list;
pub mod map;
pub mod module;
pub mod number;
pub mod offheap;
pub mod opcode;
pub mod process;
pub mod registry;
pub mod scheduler;
pub mod signal;
pub mod spawn;
pub mod sync;
pub mod term;
pub mod timer;
pub mod vm;

pub use term::Term;
