//! The abstract syntax tree: what the parser produces and the compiler reads.
//!
//! It mirrors Erlang's abstract format (`erl_parse`) closely enough that a
//! reader of OTP's documentation recognises every node, but it is typed Rust:
//! each node carries the byte [`Span`] of the source it came from, so every
//! later diagnostic can point at the exact text.
//!
//! Macros (`-define`, `?NAME`) and conditional compilation (`-ifdef`...) are
//! expanded by the parser's preprocessing step before this tree is built, so
//! no macro node appears here. Records are kept as records: the compiler
//! expands them, because it needs the record table for its errors.

use std::fmt;

/// A byte range `start..end` in the source file (logos spans are bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end as u32 }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// One parsed source file.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// The forms in source order, attributes and functions mixed.
    pub forms: Vec<Form>,
}

#[derive(Debug, Clone)]
pub enum Form {
    /// `-module(name).`
    Module { name: String, span: Span },
    /// `-export([f/1, ...]).`
    Export { funs: Vec<(String, u32, Span)>, span: Span },
    /// `-import(mod, [f/1, ...]).`
    Import { module: String, funs: Vec<(String, u32, Span)>, span: Span },
    /// `-record(name, {field = Default :: Type, ...}).`
    Record { name: String, fields: Vec<RecordFieldDef>, span: Span },
    /// Any other attribute (`-spec`, `-type`, `-behaviour`, `-compile`,
    /// `-mode`, `-callback`, `-export_type`, user attributes): kept for
    /// tools; the compiler ignores most of them. `value` is the attribute's
    /// argument as an expression when it parses as one (`-behaviour(gen_server)`),
    /// `None` for type-language attributes (`-spec`, `-type`), which are kept
    /// as their source span only.
    Attribute { name: String, value: Option<Expr>, span: Span },
    /// A named function: one or more clauses with the same name and arity.
    Function(Function),
}

#[derive(Debug, Clone)]
pub struct RecordFieldDef {
    pub name: String,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub name: String,
    pub arity: u32,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

/// A clause of a function, `fun`, `case`, `receive`, `try`...
/// For a function or fun, `patterns` holds the arguments; for `case`,
/// `receive`, `try ... of` exactly one pattern; for `catch` clauses one
/// pattern that is a [`Expr::CatchPattern`]-shaped tuple, see [`CatchClause`].
/// `guards` is a disjunction (`;`) of conjunctions (`,`); empty = no guard.
#[derive(Debug, Clone)]
pub struct Clause {
    pub patterns: Vec<Expr>,
    pub guards: Vec<Vec<Expr>>,
    pub body: Vec<Expr>,
    pub span: Span,
}

/// A clause of `try ... catch`: `Class:Reason:Stack when Guard -> Body`.
/// `class` is `None` when omitted (meaning `throw`); `stack` is the optional
/// stack-trace variable.
#[derive(Debug, Clone)]
pub struct CatchClause {
    pub class: Option<Expr>,
    pub reason: Expr,
    pub stack: Option<(String, Span)>,
    pub guards: Vec<Vec<Expr>>,
    pub body: Vec<Expr>,
    pub span: Span,
}

/// The expression tree. Patterns are expressions too (as in erl_parse);
/// the compiler rejects expressions that are illegal in a pattern.
#[derive(Debug, Clone)]
pub enum Expr {
    /// `42`, `16#FF`, `$a`, `1_000` — arbitrary precision as text is not
    /// needed: integers above i64 keep their exact value in `BigInt`'s
    /// decimal form.
    Integer(i64, Span),
    /// An integer literal that does not fit in i64, as its decimal digits
    /// (with a leading `-` never present: negation is a unary op).
    BigInteger(String, Span),
    Float(f64, Span),
    Atom(String, Span),
    /// A string literal after escape processing and adjacent-literal
    /// concatenation, as Unicode code points.
    String(Vec<u32>, Span),
    /// A character literal `$c` is an [`Expr::Integer`]; this is not used for it.
    Var(String, Span),
    /// `_`
    Wildcard(Span),
    Tuple(Vec<Expr>, Span),
    /// `[]`
    Nil(Span),
    /// `[H | T]`; `[a, b, c]` is nested Cons ending in Nil.
    Cons(Box<Expr>, Box<Expr>, Span),
    /// `<<Seg, ...>>`
    Binary(Vec<BinElement>, Span),
    /// `#{K => V, ...}` (construction; in a pattern every assoc is `:=`).
    Map(Vec<MapAssoc>, Span),
    /// `Expr#{K => V, K := V}`
    MapUpdate(Box<Expr>, Vec<MapAssoc>, Span),
    /// `#name{field = Expr, _ = Expr}`
    Record { name: String, fields: Vec<RecordField>, span: Span },
    /// `Expr#name{field = Expr}`
    RecordUpdate { expr: Box<Expr>, name: String, fields: Vec<RecordField>, span: Span },
    /// `Expr#name.field`
    RecordAccess { expr: Box<Expr>, name: String, field: String, span: Span },
    /// `#name.field` (the field's 1-based tuple index)
    RecordIndex { name: String, field: String, span: Span },
    /// `Pattern = Expr` (also a pattern alias `P1 = P2` inside patterns)
    Match(Box<Expr>, Box<Expr>, Span),
    /// `Op Expr`: `-`, `+`, `not`, `bnot`
    Unary(UnaryOp, Box<Expr>, Span),
    /// `L Op R` for every binary operator except `andalso`, `orelse`, `!`,
    /// which have their own nodes.
    Binary2(BinOp, Box<Expr>, Box<Expr>, Span),
    AndAlso(Box<Expr>, Box<Expr>, Span),
    OrElse(Box<Expr>, Box<Expr>, Span),
    /// `Pid ! Msg`
    Send(Box<Expr>, Box<Expr>, Span),
    /// `f(Args)`, `M:F(Args)`, `Fun(Args)`, `(expr)(Args)`.
    Call { target: CallTarget, args: Vec<Expr>, span: Span },
    /// `fun (..) -> .. ; (..) -> .. end`, and the named form
    /// `fun Name(..) -> .. end` with `name = Some(Name)`.
    Fun { name: Option<String>, clauses: Vec<Clause>, span: Span },
    /// `fun f/1`
    FunRef { name: String, arity: u32, span: Span },
    /// `fun M:F/A` where each part may be a variable or literal expression.
    FunRemote { module: Box<Expr>, name: Box<Expr>, arity: Box<Expr>, span: Span },
    /// `begin Body end`
    Block(Vec<Expr>, Span),
    Case(Box<Expr>, Vec<Clause>, Span),
    /// `if Guards -> Body; ... end`: each clause has no patterns.
    If(Vec<Clause>, Span),
    /// `receive Clauses after Timeout -> Body end`; either part may be absent.
    Receive { clauses: Vec<Clause>, after: Option<Box<After>>, span: Span },
    Try {
        body: Vec<Expr>,
        of_clauses: Vec<Clause>,
        catch_clauses: Vec<CatchClause>,
        after: Vec<Expr>,
        span: Span,
    },
    /// `catch Expr`
    Catch(Box<Expr>, Span),
    /// `[Expr || Qualifiers]`
    ListComp(Box<Expr>, Vec<Qualifier>, Span),
    /// `<< Expr || Qualifiers >>` (Expr is a bitstring expression)
    BinComp(Box<Expr>, Vec<Qualifier>, Span),
    /// `maybe ... end` is not supported (OTP 25 needs a feature flag).
    /// Placeholder for a construct the parser recovered from after an
    /// error; the compiler never sees it because parsing failed.
    Error(Span),
}

#[derive(Debug, Clone)]
pub struct After {
    pub timeout: Expr,
    pub body: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum CallTarget {
    /// `name(...)`: a local function, an imported function, or an
    /// auto-imported BIF; the compiler decides which.
    Local(String, Span),
    /// `M:F(...)` where M and F are arbitrary (usually atom or variable) expressions.
    Remote(Box<Expr>, Box<Expr>),
    /// `Expr(...)` where Expr evaluates to a fun (a variable, a
    /// parenthesised expression, a fun expression).
    Fun(Box<Expr>),
}

#[derive(Debug, Clone)]
pub struct MapAssoc {
    pub key: Expr,
    pub value: Expr,
    /// `true` for `:=` (must exist), `false` for `=>`.
    pub exact: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RecordField {
    /// The field name, or `_` for the `_ = Default` catch-all.
    pub name: String,
    pub value: Expr,
    pub span: Span,
}

/// One segment of a binary: `Value:Size/TypeSpecifiers`.
#[derive(Debug, Clone)]
pub struct BinElement {
    pub value: Expr,
    pub size: Option<Expr>,
    /// Type specifiers in source order, e.g. `little-signed-integer-unit:8`.
    pub specs: Vec<BinSpec>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinSpec {
    /// `integer float binary bytes bitstring bits utf8 utf16 utf32`
    Type(String),
    /// `signed unsigned`
    Signedness(String),
    /// `big little native`
    Endianness(String),
    /// `unit:N`
    Unit(u32),
}

#[derive(Debug, Clone)]
pub enum Qualifier {
    /// `Pattern <- ListExpr`
    Generator(Expr, Expr, Span),
    /// `Pattern <= BinaryExpr`
    BitGenerator(Expr, Expr, Span),
    /// A filter: any expression (a guard or a boolean expression).
    Filter(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
    Bnot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    // arithmetic
    Add,
    Sub,
    Mul,
    FDiv,
    IDiv,
    Rem,
    Band,
    Bor,
    Bxor,
    Bsl,
    Bsr,
    // boolean (strict)
    And,
    Or,
    Xor,
    // list
    Append,
    Subtract,
    // comparison
    Eq,
    Ne,
    ExactEq,
    ExactNe,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinOp {
    /// The operator as written in Erlang source (`=<`, `=:=`, `div`...).
    pub fn as_str(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            FDiv => "/",
            IDiv => "div",
            Rem => "rem",
            Band => "band",
            Bor => "bor",
            Bxor => "bxor",
            Bsl => "bsl",
            Bsr => "bsr",
            And => "and",
            Or => "or",
            Xor => "xor",
            Append => "++",
            Subtract => "--",
            Eq => "==",
            Ne => "/=",
            ExactEq => "=:=",
            ExactNe => "=/=",
            Lt => "<",
            Le => "=<",
            Gt => ">",
            Ge => ">=",
        }
    }
}

impl UnaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Plus => "+",
            UnaryOp::Not => "not",
            UnaryOp::Bnot => "bnot",
        }
    }
}

impl Expr {
    pub fn span(&self) -> Span {
        use Expr::*;
        match self {
            Integer(_, s) | BigInteger(_, s) | Float(_, s) | Atom(_, s) | String(_, s) | Var(_, s)
            | Wildcard(s) | Tuple(_, s) | Nil(s) | Cons(_, _, s) | Binary(_, s) | Map(_, s)
            | MapUpdate(_, _, s) | Match(_, _, s) | Unary(_, _, s) | Binary2(_, _, _, s)
            | AndAlso(_, _, s) | OrElse(_, _, s) | Send(_, _, s) | Block(_, s) | Case(_, _, s)
            | If(_, s) | Catch(_, s) | ListComp(_, _, s) | BinComp(_, _, s) | Error(s) => *s,
            Record { span, .. }
            | RecordUpdate { span, .. }
            | RecordAccess { span, .. }
            | RecordIndex { span, .. }
            | Call { span, .. }
            | Fun { span, .. }
            | FunRef { span, .. }
            | FunRemote { span, .. }
            | Receive { span, .. }
            | Try { span, .. } => *span,
        }
    }
}

impl Form {
    pub fn span(&self) -> Span {
        match self {
            Form::Module { span, .. }
            | Form::Export { span, .. }
            | Form::Import { span, .. }
            | Form::Record { span, .. }
            | Form::Attribute { span, .. } => *span,
            Form::Function(f) => f.span,
        }
    }
}
