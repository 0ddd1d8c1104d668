//! The `act` package: the compiler (pure: text in, bytecode or diagnostics
//! out), the command-line interface and the shell. The VM lives in the
//! `act-runtime` crate, which never depends on this one. `embed` runs a
//! program in-process and returns what its `main` returned (benchmarks).
pub mod compiler;
pub mod diagnostic;
pub mod syntax;
pub mod embed;
