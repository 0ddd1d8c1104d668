//! The Act virtual machine: terms and heaps, the interpreter, processes and
//! their scheduler, and the native functions. It never depends on the
//! compiler: the compiler builds [`module::Module`]s through this crate's API.

pub mod atom;
pub mod bif;
pub mod binary;
pub mod bitbuilder;
pub mod compare;
pub mod copy;
pub mod exception;
pub mod format;
pub mod gc;
pub mod heap;
pub mod list;
pub mod map;
pub mod module;
pub mod number;
pub mod offheap;
pub mod opcode;
pub mod process;
pub mod term;
pub mod vm;

pub use term::Term;
