//! The front end: source text to [`ast::Module`].
pub mod ast;

mod actions;
mod escape;
pub mod lexer;
mod number;
pub mod token;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, unused)]
    grammar,
    "/act.rs"
);
