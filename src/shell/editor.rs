//! The line editor's helper (rustyline): when an input is complete, tab
//! completion, syntax colouring and matching-bracket highlighting. Only
//! used on a terminal; piped input never gets here.

use act::syntax::lexer;
use act::syntax::token::Tok;
use act_runtime::atom;
use act_runtime::vm::Vm;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Cmd, ConditionalEventHandler, Context, Event, EventContext, Helper, RepeatCount};
use std::borrow::Cow;
use std::sync::Arc;

/// Continuation lines: Enter in an incomplete input starts a new line with
/// [`PAD`] (blanks, harmless to the parser), and the highlighter draws it as
/// [`CONTINUATION`], which has the same width, so rustyline's cursor
/// arithmetic (done on the unhighlighted text) stays right. rustyline has
/// no continuation prompt of its own. [`strip_padding`] removes the pads
/// before the input is evaluated.
pub const PAD: &str = "   ";
const CONTINUATION: &str = ".. ";

/// The input as typed: each line after the first loses the pad it starts with.
pub fn strip_padding(text: &str) -> String {
    text.replace(&format!("\n{PAD}"), "\n")
}

/// Enter: a new, padded line while the input is incomplete; otherwise the
/// default (accept, after the validator agrees).
pub struct EnterHandler;

impl ConditionalEventHandler for EnterHandler {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        if ctx.pos() == ctx.line().len() && act::syntax::awaits_more_input(ctx.line()) {
            Some(Cmd::Insert(1, format!("\n{PAD}")))
        } else {
            None
        }
    }
}

pub struct ShellHelper {
    pub vm: Arc<Vm>,
    /// Variables bound now (refreshed before each prompt).
    pub bound: Vec<String>,
    /// Functions defined in the shell, as `name/arity`.
    pub local_functions: Vec<(String, u32)>,
    pub color: bool,
}

impl Helper for ShellHelper {}

impl Hinter for ShellHelper {
    type Hint = String;
}

impl Validator for ShellHelper {
    /// Enter submits only a complete input (ends with a form-ending `.`
    /// outside any string); otherwise it starts a new line of the same input.
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if act::syntax::awaits_more_input(ctx.input()) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_alphanumeric() || c == '_' || c == '@' || c == ':')
            .last()
            .map_or(pos, |(i, _)| i);
        let word = &line[start..pos];
        let mut out: Vec<Pair> = Vec::new();
        if let Some((module, prefix)) = word.split_once(':') {
            for (f, a) in self.exports(module) {
                if f.starts_with(prefix) {
                    out.push(Pair { display: format!("{f}/{a}"), replacement: format!("{module}:{f}(") });
                }
            }
        } else if word.starts_with(|c: char| c.is_uppercase() || c == '_') {
            for v in &self.bound {
                if v.starts_with(word) {
                    out.push(Pair { display: v.clone(), replacement: v.clone() });
                }
            }
        } else {
            for m in self.modules() {
                if m.starts_with(word) {
                    out.push(Pair { display: m.clone(), replacement: format!("{m}:") });
                }
            }
            let commands = super::compile::COMMANDS.iter().map(|&(n, a)| (n.to_string(), a));
            for (f, a) in commands.chain(self.local_functions.iter().cloned()) {
                if f.starts_with(word) {
                    let paren = if a == 0 { "()" } else { "(" };
                    out.push(Pair { display: format!("{f}/{a}"), replacement: format!("{f}{paren}") });
                }
            }
        }
        out.sort_by(|a, b| a.display.cmp(&b.display));
        out.dedup_by(|a, b| a.display == b.display);
        Ok((start, out))
    }
}

impl ShellHelper {
    /// Modules a name may complete to: the stdlib, modules with BIFs, and
    /// `*.act` files in the working directory.
    fn modules(&self) -> Vec<String> {
        let mut names: Vec<String> = crate::stdlib::MODULES
            .iter()
            .map(|(n, _)| n.to_string())
            .filter(|n| !n.starts_with("shell_"))
            .collect();
        for b in &act_runtime::bif::registry().bifs {
            let m = b.module.name().to_string();
            if !m.starts_with('$') {
                names.push(m);
            }
        }
        if let Ok(dir) = std::fs::read_dir(".") {
            for e in dir.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(stem) = name.strip_suffix(".act") {
                    names.push(stem.to_string());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// A module's exported functions and BIFs, loading the module if needed.
    fn exports(&self, module: &str) -> Vec<(String, u32)> {
        let name = atom::atom(module);
        let mut fs: Vec<(String, u32)> = act_runtime::bif::registry()
            .bifs
            .iter()
            .filter(|b| b.module == name)
            .map(|b| (b.name.name().to_string(), b.arity))
            .collect();
        if let Ok(Some((_, m))) = self.vm.module(name) {
            fs.extend(m.exports.keys().map(|(f, a)| (f.name().to_string(), *a)));
        }
        fs.sort();
        fs.dedup();
        fs
    }
}

/// ANSI colours for the token classes (standard 16-colour codes, so the
/// terminal's theme decides the actual shade).
const ATOM: &str = "\x1b[36m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[33m";
const VARIABLE: &str = "\x1b[34m";
const KEYWORD: &str = "\x1b[35m";
const BRACKET_MATCH: &str = "\x1b[1;7m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        let pad = format!("\n{PAD}");
        if !self.color || line.is_empty() {
            if line.contains(&pad) {
                return Cow::Owned(line.replace(&pad, &format!("\n{CONTINUATION}")));
            }
            return Cow::Borrowed(line);
        }
        let tokens = lexer::lex(line).tokens;
        let matching = matching_brackets(line, &tokens, pos);
        let mut out = String::with_capacity(line.len() * 2);
        let mut at = 0;
        for (i, t) in tokens.iter().enumerate() {
            let (s, e) = (t.span.start as usize, t.span.end as usize);
            if s < at || e > line.len() {
                continue;
            }
            out.push_str(&line[at..s]);
            let text = &line[s..e];
            let style = if matching.contains(&i) {
                Some(BRACKET_MATCH)
            } else {
                match &t.tok {
                    Tok::Atom(_) => Some(ATOM),
                    Tok::String(_) => Some(STRING),
                    Tok::Integer(_) | Tok::BigInteger(_) | Tok::Float(_) => Some(NUMBER),
                    Tok::Var(_) => Some(VARIABLE),
                    _ if text.chars().all(|c| c.is_ascii_alphabetic()) => Some(KEYWORD),
                    _ => None,
                }
            };
            match style {
                Some(code) => {
                    out.push_str(code);
                    out.push_str(text);
                    out.push_str(RESET);
                }
                None => out.push_str(text),
            }
            at = e;
        }
        out.push_str(&line[at..]);
        Cow::Owned(out.replace(&pad, &format!("\n{DIM}{CONTINUATION}{RESET}")))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _forced: bool) -> bool {
        // Colours depend on the whole line and brackets on the cursor:
        // redraw on every change (inputs are short). Without colour the
        // continuation lines still need drawing.
        true
    }
}

fn opens(t: &Tok) -> bool {
    matches!(t, Tok::LParen | Tok::LBracket | Tok::LBrace | Tok::LtLt)
}

fn closes(t: &Tok) -> bool {
    matches!(t, Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::GtGt)
}

/// The token indices of the bracket at (or just before) the cursor and its
/// partner, if both are there.
fn matching_brackets(_line: &str, tokens: &[lexer::Token], pos: usize) -> Vec<usize> {
    let at = tokens
        .iter()
        .position(|t| t.span.start as usize == pos && (opens(&t.tok) || closes(&t.tok)))
        .or_else(|| tokens.iter().position(|t| t.span.end as usize == pos && (opens(&t.tok) || closes(&t.tok))));
    let Some(i) = at else { return vec![] };
    let mut depth = 0i32;
    if opens(&tokens[i].tok) {
        for (j, t) in tokens.iter().enumerate().skip(i) {
            depth += if opens(&t.tok) { 1 } else if closes(&t.tok) { -1 } else { 0 };
            if depth == 0 {
                return vec![i, j];
            }
        }
    } else {
        for j in (0..=i).rev() {
            let t = &tokens[j].tok;
            depth += if closes(t) { 1 } else if opens(t) { -1 } else { 0 };
            if depth == 0 {
                return vec![j, i];
            }
        }
    }
    vec![]
}
