//! The token set of the language (Erlang's, keyword for keyword), shared by
//! the lexer, the preprocessor and the grammar.
//!
//! `Dot` and `Period` are both written `.`: `Dot` ends a form (a `.` followed
//! by white space, a `%` comment or the end of the file, as in erl_scan),
//! `Period` is the record-field `.` of `R#rec.field`. The lexer only produces
//! `Period`; [`crate::syntax::lexer`] promotes the form-ending ones to `Dot`.

use logos::Logos;
use std::fmt;

use super::lexer::{lex_bare_atom, lex_char, lex_number, lex_quoted_atom, lex_string, LexError};

#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\r\n\f\v\x{A0}]+")]
#[logos(skip r"%[^\n]*")]
pub enum Tok {
    #[regex(r"[a-zß-öø-ÿ][a-zA-Z0-9_@ß-öø-ÿÀ-ÖØ-Þ]*", lex_bare_atom)]
    #[token("'", lex_quoted_atom)]
    Atom(String),
    #[regex(r"[A-Z_À-ÖØ-Þ][a-zA-Z0-9_@ß-öø-ÿÀ-ÖØ-Þ]*", |lex| lex.slice().to_string())]
    Var(String),
    /// Never produced: the lexer rules for number literals (`42`, `16#ff`,
    /// `1.5e3`, `$c`) hang off this unit variant because a logos callback can
    /// only choose between variants (`Integer`, `BigInteger`, `Float`) from a
    /// unit one. The callback scans the fraction and base parts by hand:
    /// logos mis-spans `1.` when a float regex fails after the `.`.
    #[regex(r"[0-9](_?[0-9])*", lex_number)]
    #[token("$", lex_char)]
    NumberLiteral,
    /// Integers and `$c` character literals that fit in an i64.
    Integer(i64),
    /// An integer literal beyond i64, as decimal digits.
    BigInteger(String),
    Float(f64),
    /// A string literal after escape processing, as code points. Adjacent
    /// literals stay separate tokens; the grammar concatenates them.
    #[token("\"", lex_string)]
    String(Vec<u32>),

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("<<")]
    LtLt,
    #[token(">>")]
    GtGt,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token("::")]
    ColonColon,
    #[token(":=")]
    ColonEq,
    /// The `.` of `R#rec.field` (see the module comment).
    #[token(".")]
    Period,
    /// The `.` that ends a form.
    Dot,
    #[token("..")]
    DotDot,
    #[token("...")]
    DotDotDot,
    #[token("->")]
    Arrow,
    #[token("<-")]
    LeftArrow,
    #[token("<=")]
    DoubleLeftArrow,
    #[token("=>")]
    FatArrow,
    #[token("|")]
    Pipe,
    #[token("||")]
    PipePipe,
    #[token("#")]
    Hash,
    #[token("?")]
    Question,
    #[token("??")]
    QuestionQuestion,
    #[token("!")]
    Bang,
    #[token("=")]
    Match,
    #[token("==")]
    EqEq,
    #[token("/=")]
    SlashEq,
    #[token("=:=")]
    ExactEq,
    #[token("=/=")]
    ExactNe,
    #[token("<")]
    Lt,
    #[token("=<")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("++")]
    PlusPlus,
    #[token("--")]
    MinusMinus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,

    #[token("after")]
    After,
    #[token("and")]
    And,
    #[token("andalso")]
    Andalso,
    #[token("band")]
    Band,
    #[token("begin")]
    Begin,
    #[token("bnot")]
    Bnot,
    #[token("bor")]
    Bor,
    #[token("bsl")]
    Bsl,
    #[token("bsr")]
    Bsr,
    #[token("bxor")]
    Bxor,
    #[token("case")]
    Case,
    #[token("catch")]
    Catch,
    #[token("cond")]
    Cond,
    #[token("div")]
    Div,
    #[token("end")]
    End,
    #[token("fun")]
    Fun,
    #[token("if")]
    If,
    #[token("let")]
    Let,
    #[token("not")]
    Not,
    #[token("of")]
    Of,
    #[token("or")]
    Or,
    #[token("orelse")]
    Orelse,
    #[token("receive")]
    Receive,
    #[token("rem")]
    Rem,
    #[token("try")]
    Try,
    #[token("when")]
    When,
    #[token("xor")]
    Xor,
    #[token("maybe")]
    Maybe,
    #[token("else")]
    Else,
}

impl Tok {
    /// The reserved word's text, if this token is one.
    pub fn keyword(&self) -> Option<&'static str> {
        use Tok::*;
        Some(match self {
            After => "after",
            And => "and",
            Andalso => "andalso",
            Band => "band",
            Begin => "begin",
            Bnot => "bnot",
            Bor => "bor",
            Bsl => "bsl",
            Bsr => "bsr",
            Bxor => "bxor",
            Case => "case",
            Catch => "catch",
            Cond => "cond",
            Div => "div",
            End => "end",
            Fun => "fun",
            If => "if",
            Let => "let",
            Not => "not",
            Of => "of",
            Or => "or",
            Orelse => "orelse",
            Receive => "receive",
            Rem => "rem",
            Try => "try",
            When => "when",
            Xor => "xor",
            Maybe => "maybe",
            Else => "else",
            _ => return None,
        })
    }

    /// The punctuation's text, if this token is punctuation.
    pub fn punctuation(&self) -> Option<&'static str> {
        use Tok::*;
        Some(match self {
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            LtLt => "<<",
            GtGt => ">>",
            Comma => ",",
            Semi => ";",
            Colon => ":",
            ColonColon => "::",
            ColonEq => ":=",
            Period | Dot => ".",
            DotDot => "..",
            DotDotDot => "...",
            Arrow => "->",
            LeftArrow => "<-",
            DoubleLeftArrow => "<=",
            FatArrow => "=>",
            Pipe => "|",
            PipePipe => "||",
            Hash => "#",
            Question => "?",
            QuestionQuestion => "??",
            Bang => "!",
            Match => "=",
            EqEq => "==",
            SlashEq => "/=",
            ExactEq => "=:=",
            ExactNe => "=/=",
            Lt => "<",
            Le => "=<",
            Gt => ">",
            Ge => ">=",
            Plus => "+",
            Minus => "-",
            PlusPlus => "++",
            MinusMinus => "--",
            Star => "*",
            Slash => "/",
            _ => return None,
        })
    }
}

/// How a token is named in a message: "`case`", "atom `foo`", "the end of the form".
impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Atom(a) => write!(f, "atom `{}`", a),
            Tok::Var(v) => write!(f, "variable `{}`", v),
            Tok::Integer(i) => write!(f, "integer `{}`", i),
            Tok::BigInteger(i) => write!(f, "integer `{}`", i),
            Tok::Float(x) => write!(f, "float `{:?}`", x),
            Tok::String(codes) => {
                let text: String = codes.iter().take(20).map(|&c| char::from_u32(c).unwrap_or('?')).collect();
                let more = if codes.len() > 20 { "..." } else { "" };
                write!(f, "string {:?}{}", text, more)
            }
            Tok::Dot => write!(f, "`.` (end of form)"),
            other => match other.keyword().or_else(|| other.punctuation()) {
                Some(text) => write!(f, "`{}`", text),
                None => write!(f, "{:?}", other),
            },
        }
    }
}
