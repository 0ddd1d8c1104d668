//! Finding, parsing and compiling modules for the VM. The runtime asks for a
//! module by name the first time code calls into it ([`Loader::load`]); we
//! look for `NAME.act` beside the script first, so a program can be split
//! into files (and may shadow a stdlib module), then in the stdlib embedded
//! in the binary (`src/stdlib.rs`).

use crate::stdlib;
use act::compiler::{self, Options};
use act::diagnostic::{self, Diagnostic};
use act::syntax::{self, ParseOptions};
use act_runtime::module::Module;
use act_runtime::vm::Loader;
use std::path::{Path, PathBuf};

/// Parses and compiles one source text. `file_name` is what diagnostics and
/// stack traces call it; `stem` is the module name when there is no
/// `-module` attribute (escript style).
pub fn compile_source(source: &str, file_name: &str, stem: &str, color: bool) -> Result<Module, String> {
    compile_diagnostics(source, file_name, stem)
        .map_err(|diags| diagnostic::render(&diags, file_name, source, color))
}

/// As [`compile_source`], with the diagnostics left unrendered.
pub fn compile_diagnostics(source: &str, file_name: &str, stem: &str) -> Result<Module, Vec<Diagnostic>> {
    let parse = ParseOptions { file_name: file_name.to_owned(), module_name: stem.to_owned() };
    let ast = syntax::parse_module_with(source, &parse)?;
    let opts = Options { file_name: file_name.to_owned(), module_name: stem.to_owned(), source };
    compiler::compile(&ast, &opts)
}

/// The loader the `act` command gives the VM.
pub struct FileLoader {
    /// The directory of the script being run; searched before the stdlib.
    script_dir: PathBuf,
    /// Whether rendered diagnostics may use colour (stderr is a terminal).
    color: bool,
}

impl FileLoader {
    pub fn new(script_dir: &Path, color: bool) -> FileLoader {
        FileLoader { script_dir: script_dir.to_owned(), color }
    }

    fn compile(&self, name: &str, source: &str, file_name: &str) -> Result<Option<Module>, String> {
        let module = compile_source(source, file_name, name, self.color)?;
        let found = module.name.name();
        if &*found != name {
            return Err(format!("{file_name}: the module is named '{found}', but was loaded as '{name}'"));
        }
        Ok(Some(module))
    }
}

impl Loader for FileLoader {
    fn load(&self, name: &str) -> Result<Option<Module>, String> {
        // A module name is an atom and may hold anything; only a plain file
        // name may reach the file system.
        let plain = !name.is_empty() && !name.contains(['/', '\\', '\0']) && name != "." && name != "..";
        if plain {
            let path = self.script_dir.join(format!("{name}.act"));
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let file_name = path.display().to_string();
                    let source = crate::cli::decode(bytes, &file_name, self.color)?;
                    return self.compile(name, &source, &file_name);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot read '{}': {}", path.display(), crate::cli::io_error_text(&e))),
            }
        }
        match stdlib::source(name) {
            Some(source) => self.compile(name, source, &stdlib::file_name(name)),
            None => Ok(None),
        }
    }
}
