//! The `act` command. Everything it does is in `cli.rs`; this file only sets
//! the allocator and turns the status `cli::main` returns into the exit code.

mod cli;
mod loader;
mod shell;
mod stdlib;

use mimalloc::MiMalloc;

/// mimalloc: the VM allocates many small, short-lived blocks (heaps,
/// messages, binaries) from several scheduler threads, the case it is built for.
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() {
    let status = cli::main();
    // `exit` skips destructors; `cli::main` has flushed what matters.
    std::process::exit(status);
}
