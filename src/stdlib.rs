//! The standard library modules written in Act (`stdlib/*.act`), embedded in
//! the binary at build time so `act` runs from anywhere. `build.rs` generates
//! the table from the directory; adding a module needs no code change here.

include!(concat!(env!("OUT_DIR"), "/stdlib_table.rs"));

/// The embedded source of stdlib module `name`, if there is one.
pub fn source(name: &str) -> Option<&'static str> {
    MODULES
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .map(|i| MODULES[i].1)
}

/// The path a stdlib module is reported under in diagnostics and stack traces.
pub fn file_name(name: &str) -> String {
    format!("stdlib/{name}.act")
}
