fn main() {
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .emit_rerun_directives(true)
        .process()
        .expect("lalrpop failed to process grammar/");
    embed_stdlib();
}

/// Writes `$OUT_DIR/stdlib_table.rs`: one `(module name, source)` entry per
/// `stdlib/*.act`, each source pulled in with `include_str!`, so adding a
/// stdlib module is adding a file. `src/stdlib.rs` includes the table.
fn embed_stdlib() {
    use std::fmt::Write as _;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib");
    // Cargo scans a directory named here recursively, so a new file reruns us.
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut modules: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "act"))
                .filter_map(|p| Some((p.file_stem()?.to_str()?.to_owned(), p)))
                .collect()
        })
        .unwrap_or_default();
    // Sorted, so the table is binary-searchable and the build reproducible.
    modules.sort();
    let mut table = String::from("pub static MODULES: &[(&str, &str)] = &[\n");
    for (name, path) in &modules {
        writeln!(table, "    ({name:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    table.push_str("];\n");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("stdlib_table.rs");
    std::fs::write(out, table).expect("cannot write stdlib_table.rs");
}
