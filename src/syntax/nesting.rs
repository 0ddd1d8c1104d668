//! Which tokens open and close nested constructs, and the depth guard.
//!
//! The same bracket knowledge serves three places: the preprocessor splits
//! macro arguments at top-level commas, the depth guard refuses absurdly
//! deep input before the parser sees it, and the error reporter names the
//! construct that was left open ("this `case` has no matching `end`").

use super::ast::Span;
use super::lexer::Token;
use super::token::Tok;
use crate::diagnostic::Diagnostic;

/// Brackets and keyword blocks nested deeper than this are refused. The
/// grammar's parser keeps its stack on the heap, but the tree it builds is
/// walked (and dropped) recursively by every later pass; 1000 levels is far
/// beyond hand-written code and far below the 2 MiB stack of a test thread.
pub const MAX_NESTING: usize = 1000;

/// The tree depth the guard allows when counting list elements and operator
/// chains as well as brackets (`[1, 2, ...]` is a right-nested cons chain,
/// `a + b + ...` a left-nested operator chain). Picked so that the deepest
/// allowed tree is dropped comfortably on a 2 MiB thread in a debug build
/// (measured by tests/frontend.rs `deep_but_allowed_trees_drop_safely`).
pub const MAX_TREE_DEPTH: usize = 10_000;

/// The token that closes the construct opened at `tokens[i]`, if it opens one.
/// `fun` opens a block only when clauses follow (`fun (` or `fun Name (`);
/// `fun f/1` and `fun m:f/1` are plain expressions.
pub fn closer_of(tokens: &[Token], i: usize) -> Option<Tok> {
    Some(match tokens[i].tok {
        Tok::LParen => Tok::RParen,
        Tok::LBracket => Tok::RBracket,
        Tok::LBrace => Tok::RBrace,
        Tok::LtLt => Tok::GtGt,
        Tok::Begin | Tok::Case | Tok::If | Tok::Receive | Tok::Try | Tok::Maybe => Tok::End,
        Tok::Fun => {
            let next = tokens.get(i + 1).map(|t| &t.tok);
            let after = tokens.get(i + 2).map(|t| &t.tok);
            match (next, after) {
                (Some(Tok::LParen), _) | (Some(Tok::Var(_)), Some(Tok::LParen)) => Tok::End,
                _ => return None,
            }
        }
        _ => return None,
    })
}

pub fn is_closer(tok: &Tok) -> bool {
    matches!(tok, Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::GtGt | Tok::End)
}

/// The constructs still open just before `tokens[upto]`, outermost first,
/// as (index of the opener, expected closer). A closer that does not match
/// the innermost opener closes nothing (the error reporter explains it).
pub fn open_at(tokens: &[Token], upto: usize) -> Vec<(usize, Tok)> {
    let mut stack: Vec<(usize, Tok)> = Vec::new();
    for i in 0..upto.min(tokens.len()) {
        if let Some(closer) = closer_of(tokens, i) {
            stack.push((i, closer));
        } else if is_closer(&tokens[i].tok) && stack.last().is_some_and(|(_, c)| *c == tokens[i].tok) {
            stack.pop();
        }
    }
    stack
}

fn is_operator(tok: &Tok) -> bool {
    use Tok::*;
    matches!(
        tok,
        Plus | Minus | Star | Slash | PlusPlus | MinusMinus | Div | Rem | Band | Bor | Bxor | Bsl | Bsr | And
            | Or | Xor | Andalso | Orelse | EqEq | SlashEq | Le | Lt | Ge | Gt | ExactEq | ExactNe | Match
            | Bang | Not | Bnot | Catch | Hash
    )
}

/// Refuses a form nested deeper than [`MAX_NESTING`] brackets or, counting
/// list elements and operator chains, deeper than [`MAX_TREE_DEPTH`].
pub fn check_depth(form: &[Token]) -> Option<Diagnostic> {
    // One frame per open construct: its opener's span, whether it is a list
    // (whose commas nest), and the chain length seen so far inside it.
    struct Frame {
        span: Span,
        closer: Tok,
        links: usize,
    }
    let mut frames: Vec<Frame> = vec![Frame { span: Span::default(), closer: Tok::Dot, links: 0 }];
    let mut depth_sum = 1usize;
    for (i, token) in form.iter().enumerate() {
        if let Some(closer) = closer_of(form, i) {
            frames.push(Frame { span: token.span, closer, links: 0 });
            depth_sum += 1;
            if frames.len() - 1 > MAX_NESTING {
                return Some(
                    Diagnostic::error(token.span, "nesting too deep")
                        .with_label(format!("more than {} brackets or blocks are open here", MAX_NESTING))
                        .with_note("split the expression into smaller functions"),
                );
            }
        } else if is_closer(&token.tok) {
            if frames.len() > 1 && frames.last().is_some_and(|f| f.closer == token.tok) {
                let frame = frames.pop().unwrap();
                depth_sum -= 1 + frame.links;
            }
        } else {
            let frame = frames.last_mut().unwrap();
            let is_list = frame.closer == Tok::RBracket;
            let grows = is_operator(&token.tok) || (is_list && token.tok == Tok::Comma);
            let resets = !is_list && matches!(token.tok, Tok::Comma | Tok::Semi | Tok::Arrow);
            if grows {
                frame.links += 1;
                depth_sum += 1;
            } else if resets {
                depth_sum -= frame.links;
                frame.links = 0;
            }
            if depth_sum > MAX_TREE_DEPTH {
                let opener = frames.last().unwrap().span;
                let at = if opener == Span::default() { token.span } else { opener };
                return Some(
                    Diagnostic::error(at, "expression nested too deeply")
                        .with_label(format!(
                            "this expression nests more than {} levels (long list literals and operator chains count)",
                            MAX_TREE_DEPTH
                        ))
                        .with_note("build long lists at run time, or split the expression"),
                );
            }
        }
    }
    None
}
