//! The preprocessor (OTP's epp, at the token level): splits the token stream
//! into forms at each form-ending `.`, runs the directives (`-define`,
//! `-undef`, `-ifdef`, `-ifndef`, `-else`, `-endif`) and expands macro uses
//! (`?NAME`, `?NAME(Args)`, `??Arg` inside a macro body) in the other forms.
//!
//! Tokens of a macro body take the span of the use site, so an error inside
//! an expansion points at the `?NAME` that caused it; tokens of an argument
//! keep their own spans.
//!
//! `-if(Cond).` and `-elif(Cond).` evaluate constant conditions (see
//! [`super::condition`]). Not supported, with a diagnostic: `-include` and
//! `-include_lib` (Act compiles one file at a time).

use std::collections::HashMap;

use super::ast::Span;
use super::condition::evaluate_condition;
use super::grammar::ReplExprsParser;
use super::lexer::Token;
use super::nesting::{check_depth, closer_of, is_closer};
use super::parse_error::syntax_error;
use super::token::Tok;
use super::ParseOptions;
use crate::diagnostic::Diagnostic;

/// How many macro expansions may nest before we call it a loop.
/// (epp has no fixed limit; it detects cycles. 100 is far beyond real use.)
const MAX_EXPANSION_DEPTH: usize = 100;

/// How many macro expansions one form may make in all. Depth alone does not
/// bound the work: a body that uses its own macro twice doubles at every
/// level. 100,000 is far beyond real forms and takes milliseconds.
const MAX_EXPANSIONS_PER_FORM: usize = 100_000;

/// The longest `-if`/`-elif` condition, in tokens after expansion.
const MAX_CONDITION_TOKENS: usize = 1000;

/// The `?OTP_RELEASE` Act claims compatibility with.
const OTP_RELEASE: i64 = 26;

struct Macro {
    params: Vec<String>,
    body: Vec<Token>,
}

/// One `-ifdef`/`-ifndef`/`-if` level.
struct Conditional {
    /// Whether the current branch's forms are kept.
    keep: bool,
    /// Whether some branch was kept already (or none ever may be, because
    /// the enclosing branch is skipped): later `-elif`/`-else` are skipped.
    taken: bool,
    seen_else: bool,
    span: Span,
}

pub struct Preprocessor<'a> {
    source: &'a str,
    options: &'a ParseOptions,
    /// Keyed by name and arity; `None` is the no-argument form `?NAME`.
    macros: HashMap<(String, Option<usize>), Macro>,
    module: Option<String>,
    conditionals: Vec<Conditional>,
    line_starts: Vec<usize>,
    /// False for the shell, where a line starting with `-` is an expression.
    directives: bool,
    /// `endif.` or `else.` forms seen in skipped parts (a missing `-`).
    dashless_directives: Vec<Span>,
    /// Expansions the current form may still make; 0 stops expansion.
    expansions_left: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// The current function, for `?FUNCTION_NAME` and `?FUNCTION_ARITY`.
type FunctionContext = Option<(String, usize)>;

impl<'a> Preprocessor<'a> {
    /// A preprocessor for a module (`directives`) or for shell input (none).
    pub fn new(source: &'a str, options: &'a ParseOptions, directives: bool) -> Preprocessor<'a> {
        let line_starts =
            std::iter::once(0).chain(source.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Preprocessor {
            source,
            options,
            macros: HashMap::new(),
            module: None,
            conditionals: Vec::new(),
            line_starts,
            directives,
            dashless_directives: Vec::new(),
            expansions_left: MAX_EXPANSIONS_PER_FORM,
            diagnostics: Vec::new(),
        }
    }

    /// The forms of the file, each with its terminating `.` (the last one may
    /// lack it), directives removed and macros expanded.
    pub fn run(mut self, tokens: Vec<Token>) -> (Vec<Vec<Token>>, Vec<Diagnostic>) {
        let mut forms = Vec::new();
        let mut rest = &tokens[..];
        while !rest.is_empty() {
            let end = rest.iter().position(|t| t.tok == Tok::Dot).map_or(rest.len(), |i| i + 1);
            let (form, tail) = rest.split_at(end);
            rest = tail;
            if self.directive(form) {
                continue;
            }
            if self.conditionals.iter().any(|c| !c.keep) {
                // `endif.` without its `-` hides in the skipped part.
                if let [Token { tok: Tok::Atom(a), span }, Token { tok: Tok::Dot, .. }] = form {
                    if matches!(a.as_str(), "endif" | "else") {
                        self.dashless_directives.push(*span);
                    }
                }
                continue;
            }
            let context = function_context(form);
            self.expansions_left = MAX_EXPANSIONS_PER_FORM;
            let mut expanded = Vec::with_capacity(form.len());
            self.expand(form, &mut expanded, 0, &context);
            if let Some(name) = module_attribute(&expanded) {
                self.module = Some(name);
            }
            // A form can vanish when its only tokens were bad macro uses,
            // already reported; a form whose expansion was cut short is
            // dropped, as parsing its remains would only add noise.
            if !expanded.is_empty() && self.expansions_left > 0 {
                forms.push(expanded);
            }
        }
        for open in std::mem::take(&mut self.conditionals) {
            let mut d = Diagnostic::error(open.span, "this conditional has no matching `-endif`")
                .with_label("opened here")
                .with_note("add `-endif.` where the conditional part ends");
            if let Some(dashless) = self.dashless_directives.iter().find(|s| s.start > open.span.start) {
                d = d.with_secondary(*dashless, "is this meant to be a directive? it needs a `-`");
            }
            self.diagnostics.push(d);
        }
        (forms, self.diagnostics)
    }

    /// Runs `form` if it is a directive; false if it is an ordinary form.
    fn directive(&mut self, form: &[Token]) -> bool {
        if !self.directives {
            return false;
        }
        let name = match (form.first().map(|t| &t.tok), form.get(1).map(|t| &t.tok)) {
            (Some(Tok::Minus), Some(Tok::Atom(name))) => name.as_str(),
            (Some(Tok::Minus), Some(Tok::If)) => "if",
            (Some(Tok::Minus), Some(Tok::Else)) => "else",
            _ => return false,
        };
        let span = form[0].span.to(form[form.len() - 1].span);
        let keeping = self.conditionals.iter().all(|c| c.keep);
        match name {
            "ifdef" | "ifndef" => {
                let defined = match self.directive_name(form, name) {
                    Some(macro_name) => self.is_defined(&macro_name),
                    None => false,
                };
                let keep = keeping && defined == (name == "ifdef");
                self.conditionals.push(Conditional { keep, taken: keep || !keeping, seen_else: false, span });
            }
            "if" => {
                let keep = keeping && self.condition(form, span);
                self.conditionals.push(Conditional { keep, taken: keep || !keeping, seen_else: false, span });
            }
            "elif" => {
                let parent_keeps = self.parent_keeps();
                let Some(c) = self.conditionals.last() else {
                    self.diagnostics.push(
                        Diagnostic::error(span, "`-elif` without `-if`").with_label("nothing to continue"),
                    );
                    return true;
                };
                if c.seen_else {
                    self.diagnostics.push(Diagnostic::error(span, "`-elif` after `-else`").with_label("misplaced"));
                }
                let keep = parent_keeps && !c.taken && self.condition(form, span);
                let c = self.conditionals.last_mut().unwrap();
                c.keep = keep;
                c.taken |= keep;
            }
            "else" => {
                let parent_keeps = self.parent_keeps();
                match self.conditionals.last_mut() {
                    Some(c) if !c.seen_else => {
                        c.keep = parent_keeps && !c.taken;
                        c.taken = true;
                        c.seen_else = true;
                    }
                    Some(_) => self.diagnostics.push(
                        Diagnostic::error(span, "a second `-else` in the same conditional").with_label("duplicate `-else`"),
                    ),
                    None => self.diagnostics.push(
                        Diagnostic::error(span, "`-else` without `-if`, `-ifdef` or `-ifndef`")
                            .with_label("nothing to continue"),
                    ),
                }
            }
            "endif" => {
                if self.conditionals.pop().is_none() {
                    self.diagnostics.push(
                        Diagnostic::error(span, "`-endif` without `-if`, `-ifdef` or `-ifndef`").with_label("nothing to end"),
                    );
                }
            }
            "define" | "undef" | "include" | "include_lib" if !keeping => {}
            "define" => self.define(form, span),
            "undef" => {
                if let Some(macro_name) = self.directive_name(form, name) {
                    self.macros.retain(|(n, _), _| *n != macro_name);
                }
            }
            "include" | "include_lib" => self.diagnostics.push(
                Diagnostic::error(span, format!("`-{}` is not supported", name))
                    .with_label("Act compiles one file at a time")
                    .with_note("copy the definitions you need into this file"),
            ),
            _ => return false,
        }
        true
    }

    /// Whether the branch enclosing the innermost conditional is kept.
    fn parent_keeps(&self) -> bool {
        let n = self.conditionals.len();
        self.conditionals[..n.saturating_sub(1)].iter().all(|c| c.keep)
    }

    /// Evaluates the condition of `-if(Cond).` or `-elif(Cond).`; an
    /// error is reported and counts as false.
    fn condition(&mut self, form: &[Token], span: Span) -> bool {
        let n = form.len();
        if n < 6 || form[2].tok != Tok::LParen || form[n - 1].tok != Tok::Dot || form[n - 2].tok != Tok::RParen {
            self.diagnostics.push(
                Diagnostic::error(span, "malformed conditional").with_label("expected `-if(Condition).`"),
            );
            return false;
        }
        // `defined(NAME)` is answered before NAME could be expanded.
        let raw = &form[3..n - 2];
        let mut rewritten = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            let toks: Vec<&Tok> = raw[i..(i + 4).min(raw.len())].iter().map(|t| &t.tok).collect();
            if let [Tok::Atom(d), Tok::LParen, Tok::Atom(m) | Tok::Var(m), Tok::RParen] = toks.as_slice() {
                if d == "defined" {
                    let answer = if self.is_defined(m) { "true" } else { "false" };
                    rewritten.push(Token { tok: Tok::Atom(answer.into()), span: raw[i].span.to(raw[i + 3].span) });
                    i += 4;
                    continue;
                }
            }
            rewritten.push(raw[i].clone());
            i += 1;
        }
        let mut expanded = Vec::new();
        self.expand(&rewritten, &mut expanded, 0, &None);
        expanded.push(form[n - 1].clone());
        if let Some(d) = check_depth(&expanded) {
            self.diagnostics.push(d);
            return false;
        }
        // The evaluator recurses over the condition; real conditions are a
        // handful of tokens.
        if expanded.len() > MAX_CONDITION_TOKENS {
            self.diagnostics.push(
                Diagnostic::error(span, "this condition is too long")
                    .with_label(format!("more than {} tokens after macro expansion", MAX_CONDITION_TOKENS)),
            );
            return false;
        }
        let input = expanded.iter().map(|t| Ok((t.span.start as usize, t.tok.clone(), t.span.end as usize)));
        match ReplExprsParser::new().parse(input) {
            Ok(exprs) if exprs.len() == 1 => match evaluate_condition(&exprs[0]) {
                Ok(b) => b,
                Err(d) => {
                    self.diagnostics.push(d);
                    false
                }
            },
            Ok(exprs) => {
                let extra = exprs[1].span();
                self.diagnostics.push(
                    Diagnostic::error(extra, "a condition is a single expression").with_label("unexpected `,` before this"),
                );
                false
            }
            Err(e) => {
                self.diagnostics.push(syntax_error(e, &expanded, self.source));
                false
            }
        }
    }

    /// The `NAME` of `-ifdef(NAME).`, `-ifndef(NAME).` or `-undef(NAME).`.
    fn directive_name(&mut self, form: &[Token], directive: &str) -> Option<String> {
        let toks: Vec<&Tok> = form.iter().map(|t| &t.tok).collect();
        match toks.as_slice() {
            [_, _, Tok::LParen, Tok::Atom(n) | Tok::Var(n), Tok::RParen, Tok::Dot] => Some(n.clone()),
            _ => {
                let span = form[0].span.to(form[form.len() - 1].span);
                self.diagnostics.push(
                    Diagnostic::error(span, format!("malformed `-{}`", directive))
                        .with_label(format!("expected `-{}(NAME).`", directive)),
                );
                None
            }
        }
    }

    fn is_defined(&self, name: &str) -> bool {
        self.macros.keys().any(|(n, _)| n == name)
            || matches!(name, "MODULE" | "MODULE_STRING" | "FILE" | "LINE" | "MACHINE" | "OTP_RELEASE")
            || (name.starts_with("FUNCTION_"))
    }

    /// `-define(NAME, Body).`, `-define(NAME(P1, ..., Pn), Body).`, `-define(NAME).`
    fn define(&mut self, form: &[Token], span: Span) {
        let malformed = |message: &str| {
            Diagnostic::error(span, format!("malformed `-define`: {}", message))
                .with_label("here")
                .with_note("the forms are `-define(NAME, Body).` and `-define(NAME(Arg, ...), Body).`")
        };
        let toks: Vec<&Tok> = form.iter().map(|t| &t.tok).collect();
        let n = toks.len();
        if n < 5 || *toks[2] != Tok::LParen || toks[n - 1] != &Tok::Dot || toks[n - 2] != &Tok::RParen {
            return self.diagnostics.push(malformed("expected `-define(NAME, Body).`"));
        }
        let name = match toks[3] {
            Tok::Atom(name) | Tok::Var(name) => name.clone(),
            _ => return self.diagnostics.push(malformed("the macro name must be an atom or a variable")),
        };
        let mut i = 4;
        let mut params = None;
        if *toks[i] == Tok::LParen {
            let mut names = Vec::new();
            i += 1;
            loop {
                match toks.get(i) {
                    Some(Tok::RParen) if names.is_empty() => break,
                    Some(Tok::Var(v)) => names.push(v.clone()),
                    _ => return self.diagnostics.push(malformed("macro arguments must be variables")),
                }
                i += 1;
                match toks.get(i) {
                    Some(Tok::Comma) => i += 1,
                    Some(Tok::RParen) => break,
                    _ => return self.diagnostics.push(malformed("expected `,` or `)` in the argument list")),
                }
            }
            i += 1;
            params = Some(names);
        }
        let body = match toks.get(i) {
            Some(Tok::Comma) => form[i + 1..n - 2].to_vec(),
            Some(Tok::RParen) if i == n - 2 => Vec::new(),
            _ => return self.diagnostics.push(malformed("expected `,` before the macro body")),
        };
        let key = (name.clone(), params.as_ref().map(|p| p.len()));
        if self.macros.contains_key(&key)
            || matches!(name.as_str(), "MODULE" | "MODULE_STRING" | "FILE" | "LINE" | "MACHINE" | "FUNCTION_NAME" | "FUNCTION_ARITY")
        {
            return self.diagnostics.push(
                Diagnostic::error(form[3].span, format!("macro `{}` is already defined", name))
                    .with_label("redefined here")
                    .with_note(format!("use `-undef({}).` first if the redefinition is intended", name)),
            );
        }
        self.macros.insert(key, Macro { params: params.unwrap_or_default(), body });
    }

    /// Copies `tokens` to `out`, expanding macro uses.
    fn expand(&mut self, tokens: &[Token], out: &mut Vec<Token>, depth: usize, context: &FunctionContext) {
        let mut i = 0;
        while i < tokens.len() {
            if tokens[i].tok != Tok::Question {
                out.push(tokens[i].clone());
                i += 1;
                continue;
            }
            let question = tokens[i].span;
            let name = match tokens.get(i + 1).map(|t| &t.tok) {
                Some(Tok::Atom(n) | Tok::Var(n)) => n.clone(),
                _ => {
                    self.diagnostics.push(
                        Diagnostic::error(question, "`?` must be followed by a macro name")
                            .with_label("expected a macro name after `?`"),
                    );
                    i += 1;
                    continue;
                }
            };
            let name_end = tokens[i + 1].span;
            let use_span = question.to(name_end);
            if self.expansions_left == 0 {
                return;
            }
            self.expansions_left -= 1;
            if depth >= MAX_EXPANSION_DEPTH || self.expansions_left == 0 {
                let why = if depth >= MAX_EXPANSION_DEPTH {
                    format!("macro expansion stopped after {} nested expansions", MAX_EXPANSION_DEPTH)
                } else {
                    format!("macro expansion stopped after {} expansions in one form", MAX_EXPANSIONS_PER_FORM)
                };
                self.diagnostics.push(
                    Diagnostic::error(use_span, format!("macro `{}` expands into itself", name))
                        .with_label("expansion never ends")
                        .with_note(why),
                );
                // One report per form; stop expanding it.
                self.expansions_left = 0;
                return;
            }
            // `?NAME(Args)` if a macro of that arity exists.
            if tokens.get(i + 2).is_some_and(|t| t.tok == Tok::LParen) {
                if let Some((args, after)) = macro_arguments(tokens, i + 2) {
                    if self.macros.contains_key(&(name.clone(), Some(args.len()))) {
                        let call_span = question.to(tokens[after - 1].span);
                        let body = self.substitute(&name, &args, call_span);
                        self.expand(&body, out, depth + 1, context);
                        i = after;
                        continue;
                    }
                } else if self.macros.keys().any(|(n, a)| *n == name && a.is_some()) {
                    self.diagnostics.push(
                        Diagnostic::error(use_span, format!("the arguments of macro `{}` are not closed", name))
                            .with_label("`(` without a matching `)` before the end of the form"),
                    );
                    return;
                }
            }
            if let Some(m) = self.macros.get(&(name.clone(), None)) {
                let body: Vec<Token> = m.body.iter().map(|t| Token { tok: t.tok.clone(), span: use_span }).collect();
                self.expand(&body, out, depth + 1, context);
                i += 2;
                continue;
            }
            if let Some(tok) = self.predefined(&name, use_span, context) {
                out.push(Token { tok, span: use_span });
                i += 2;
                continue;
            }
            // Skip the arguments of a bad use too, and stand an atom in for
            // it, so that the parser does not add errors of its own.
            let after = match tokens.get(i + 2) {
                Some(t) if t.tok == Tok::LParen => macro_arguments(tokens, i + 2).map_or(i + 2, |(_, after)| after),
                _ => i + 2,
            };
            let arities: Vec<usize> =
                self.macros.keys().filter(|(n, _)| *n == name).filter_map(|(_, a)| *a).collect();
            let diagnostic = if arities.is_empty() {
                Diagnostic::error(use_span, format!("undefined macro `{}`", name))
                    .with_label("no `-define` for this macro")
            } else {
                let given = if tokens.get(i + 2).is_some_and(|t| t.tok == Tok::LParen) {
                    macro_arguments(tokens, i + 2).map_or(0, |(a, _)| a.len())
                } else {
                    0
                };
                Diagnostic::error(use_span, format!("macro `{}` used with {} argument(s)", name, given))
                    .with_label(format!("`{}` is defined with {} argument(s)", name, join_numbers(&arities)))
            };
            self.diagnostics.push(diagnostic);
            out.push(Token { tok: Tok::Atom("undefined".into()), span: use_span });
            i = after;
        }
    }

    /// The body of macro `name/args.len()` with parameters replaced by the
    /// argument tokens and `??Param` by the argument's source text.
    fn substitute(&self, name: &str, args: &[&[Token]], call_span: Span) -> Vec<Token> {
        let m = &self.macros[&(name.to_string(), Some(args.len()))];
        let param_index = |tok: &Tok| match tok {
            Tok::Var(v) => m.params.iter().position(|p| p == v),
            _ => None,
        };
        let mut body = Vec::new();
        let mut j = 0;
        while j < m.body.len() {
            let tok = &m.body[j].tok;
            if *tok == Tok::QuestionQuestion {
                if let Some(k) = m.body.get(j + 1).and_then(|t| param_index(&t.tok)) {
                    // epp writes the argument's tokens separated by spaces.
                    let text = args[k]
                        .iter()
                        .map(|t| self.source.get(t.span.range()).unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join(" ");
                    body.push(Token { tok: Tok::String(text.chars().map(|c| c as u32).collect()), span: call_span });
                    j += 2;
                    continue;
                }
            }
            match param_index(tok) {
                Some(k) => body.extend(args[k].iter().cloned()),
                None => body.push(Token { tok: tok.clone(), span: call_span }),
            }
            j += 1;
        }
        body
    }

    fn predefined(&mut self, name: &str, span: Span, context: &FunctionContext) -> Option<Tok> {
        let string = |s: &str| Tok::String(s.chars().map(|c| c as u32).collect());
        Some(match name {
            "MODULE" | "MODULE_STRING" => {
                let default = Some(self.options.module_name.clone()).filter(|m| !m.is_empty());
                let module = self.module.clone().or(default);
                let Some(module) = module else {
                    self.diagnostics.push(
                        Diagnostic::error(span, format!("`?{}` is used, but this file has no `-module`", name))
                            .with_label("the module name is unknown here")
                            .with_note("add `-module(name).` at the top of the file"),
                    );
                    return Some(Tok::Atom("undefined".into()));
                };
                if name == "MODULE" {
                    Tok::Atom(module)
                } else {
                    string(&module)
                }
            }
            "FILE" => string(&self.options.file_name),
            "LINE" => {
                let line = self.line_starts.partition_point(|&s| s <= span.start as usize);
                Tok::Integer(line as i64)
            }
            "MACHINE" => Tok::Atom("BEAM".into()),
            "OTP_RELEASE" => Tok::Integer(OTP_RELEASE),
            "FUNCTION_NAME" | "FUNCTION_ARITY" => match context {
                Some((f, arity)) => {
                    if name == "FUNCTION_NAME" {
                        Tok::Atom(f.clone())
                    } else {
                        Tok::Integer(*arity as i64)
                    }
                }
                None => {
                    self.diagnostics.push(
                        Diagnostic::error(span, format!("`?{}` is used outside a function", name))
                            .with_label("no enclosing function"),
                    );
                    return Some(Tok::Atom("undefined".into()));
                }
            },
            _ => return None,
        })
    }
}

/// The arguments of a macro use whose `(` is at `tokens[open]`: the token
/// slices between top-level commas, and the index just past the `)`.
fn macro_arguments(tokens: &[Token], open: usize) -> Option<(Vec<&[Token]>, usize)> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = open + 1;
    for i in open + 1..tokens.len() {
        if closer_of(tokens, i).is_some() {
            depth += 1;
        } else if is_closer(&tokens[i].tok) {
            if depth == 0 {
                if tokens[i].tok != Tok::RParen {
                    return None;
                }
                if i > start || !args.is_empty() {
                    args.push(&tokens[start..i]);
                }
                return Some((args, i + 1));
            }
            depth -= 1;
        } else if depth == 0 && tokens[i].tok == Tok::Comma {
            args.push(&tokens[start..i]);
            start = i + 1;
        } else if tokens[i].tok == Tok::Dot {
            return None;
        }
    }
    None
}

/// `name` and arity of a form that starts like a function clause `name(`.
fn function_context(form: &[Token]) -> FunctionContext {
    let Some(Tok::Atom(name)) = form.first().map(|t| &t.tok) else { return None };
    if form.get(1)?.tok != Tok::LParen {
        return None;
    }
    let (args, _) = macro_arguments(form, 1)?;
    Some((name.clone(), args.len()))
}

/// The name in `-module(name).`.
fn module_attribute(form: &[Token]) -> Option<String> {
    let toks: Vec<&Tok> = form.iter().take(6).map(|t| &t.tok).collect();
    match toks.as_slice() {
        [Tok::Minus, Tok::Atom(m), Tok::LParen, Tok::Atom(name), Tok::RParen, ..] if m == "module" => {
            Some(name.clone())
        }
        _ => None,
    }
}

fn join_numbers(ns: &[usize]) -> String {
    let mut ns = ns.to_vec();
    ns.sort();
    ns.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" or ")
}
