//! The front end: source text to [`ast::Module`].
pub mod ast;
