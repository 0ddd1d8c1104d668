//! The instruction set, written once.
//!
//! Act's bytecode is register based with Lua-style frames: a function
//! activation owns a window of registers `R[0..frame_size]` on its
//! process's register stack; arguments arrive in `R[0..arity]`, and the
//! callee's `R[0]` is the caller's `R[base]`, where the result lands. A
//! variable lives in one register for the whole clause, temporaries above the
//! variables. (Why not BEAM's x/y registers: the compiler needs no liveness
//! analysis to decide what survives a call, every register of a frame is a
//! GC root, and a call is one window move. Costs: frames are a little larger.)
//!
//! The `opcodes!` table below generates the `Op` enum, each opcode's name and
//! its operand printer for `act disasm`. Each opcode carries its meaning as a
//! one-line register transfer in its doc comment.
//!
//! Labels are indices into the function's own code vector. `fail` labels are
//! where a test jumps when it does not hold.

use crate::term::Term;
use std::fmt;

/// A register index within the current frame.
pub type Reg = u16;
/// An instruction index within the current function. The compiler emits
/// label ids and rewrites them to indices with `Op::map_labels`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct Label(pub u32);

impl Label {
    /// "No label": a `CallBif` outside a guard raises instead of jumping.
    pub const NONE: Label = Label(u32::MAX);
    #[inline]
    pub fn at(self) -> usize {
        self.0 as usize
    }
}

/// The version of this instruction set; bump it when an opcode changes.
pub const FORMAT_VERSION: u32 = 3;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArithOp {
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
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `/=`
    Ne,
    /// `=:=`
    ExactEq,
    /// `=/=`
    ExactNe,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Type tests usable in patterns and guards without a call.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TypeTest {
    Integer,
    Float,
    Number,
    Atom,
    Boolean,
    Tuple,
    List,
    Cons,
    Nil,
    Binary,
    Bitstring,
    Map,
    Pid,
    Reference,
    Function,
}

/// Binary-segment types for construction and matching.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BinType {
    Integer,
    Float,
    Binary,
    Utf8,
    Utf16,
    Utf32,
}

/// Binary segment flags.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct BinFlags {
    pub signed: bool,
    pub little: bool,
}

/// Size of a binary segment: none given (the type's default, or "all the
/// rest" for binaries), a constant, or a register holding an integer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BinSize {
    Default,
    All,
    Const(u64),
    Reg(Reg),
}

macro_rules! opcodes {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident $({ $($field:ident : $ty:ty),* $(,)? })? ;
    )*) => {
        /// One instruction. See each variant's doc for its register transfer.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Op {
            $( $(#[doc = $doc])* $name $({ $($field: $ty),* })?, )*
        }

        impl Op {
            /// The opcode's name as `act disasm` prints it.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Op::$name { .. } => opcode_name(stringify!($name)), )*
                }
            }

            /// Rewrites every label operand with `f`.
            pub fn map_labels(&mut self, f: &mut dyn FnMut(Label) -> Label) {
                match self {
                    $( Op::$name $({ $($field),* })? => {
                        $($( Operand::map_label($field, f); )*)?
                    } )*
                }
            }

            /// Calls `f` with every register operand and its field name.
            /// A `base` operand starts a range (`base .. base + n`) that may
            /// be empty, so it can equal the frame size.
            pub fn visit_regs(&self, f: &mut dyn FnMut(&'static str, Reg)) {
                match self {
                    $( Op::$name $({ $($field),* })? => {
                        $($( Operand::visit_reg($field, &mut |r| f(stringify!($field), r)); )*)?
                    } )*
                }
            }

            /// Writes the operands as `field=value` pairs.
            pub fn fmt_operands(&self, f: &mut dyn fmt::Write) -> fmt::Result {
                match self {
                    $( Op::$name $({ $($field),* })? => {
                        let mut _first = true;
                        $($(
                            if !_first { f.write_str(" ")?; }
                            _first = false;
                            write!(f, "{}=", stringify!($field))?;
                            Operand::fmt_operand($field, f)?;
                        )*)?
                        Ok(())
                    } )*
                }
            }
        }
    };
}

/// "GetTupleElement" -> "get_tuple_element", computed once per name.
fn opcode_name(camel: &'static str) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<&'static str, &'static str>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Default::default).lock().unwrap();
    names.entry(camel).or_insert_with(|| {
        let mut s = String::new();
        for (i, c) in camel.chars().enumerate() {
            if c.is_uppercase() {
                if i > 0 {
                    s.push('_');
                }
                s.extend(c.to_lowercase());
            } else {
                s.push(c);
            }
        }
        Box::leak(s.into_boxed_str())
    })
}

/// How an operand prints in the disassembly.
pub trait Operand {
    fn fmt_operand(&self, f: &mut dyn fmt::Write) -> fmt::Result;
    /// Labels override this to be rewritten by `Op::map_labels`.
    fn map_label(&mut self, _f: &mut dyn FnMut(Label) -> Label) {}
    /// Registers override this to be seen by `Op::visit_regs`.
    fn visit_reg(&self, _f: &mut dyn FnMut(Reg)) {}
}
impl Operand for Label {
    fn fmt_operand(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        if *self == Label::NONE {
            f.write_str("-")
        } else {
            write!(f, "L{}", self.0)
        }
    }
    fn map_label(&mut self, f: &mut dyn FnMut(Label) -> Label) {
        if *self != Label::NONE {
            *self = f(*self);
        }
    }
}
macro_rules! debug_operand {
    ($($t:ty),*) => {$(
        impl Operand for $t {
            fn fmt_operand(&self, f: &mut dyn fmt::Write) -> fmt::Result { write!(f, "{:?}", self) }
        }
    )*};
}
debug_operand!(u32, u64, i64, bool, ArithOp, CmpOp, TypeTest, BinType, BinFlags, Term);
// `Reg` is the only operand type that is a `u16`.
impl Operand for u16 {
    fn fmt_operand(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        write!(f, "{:?}", self)
    }
    fn visit_reg(&self, f: &mut dyn FnMut(Reg)) {
        f(*self)
    }
}
impl Operand for BinSize {
    fn fmt_operand(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        write!(f, "{:?}", self)
    }
    fn visit_reg(&self, f: &mut dyn FnMut(Reg)) {
        if let BinSize::Reg(r) = self {
            f(*r)
        }
    }
}

opcodes! {
    /// R[dst] := R[src]
    Move { dst: Reg, src: Reg };
    /// R[dst] := value (an immediate or a literal in the module's literal area)
    LoadConst { dst: Reg, value: Term };

    /// R[dst] := R[a] op R[b]; raises badarith
    Arith { op: ArithOp, dst: Reg, a: Reg, b: Reg };
    /// R[dst] := R[a] op imm (`N - 1`, `Acc + 1`: saves the LoadConst of
    /// the literal, two of fib's twelve instructions per call)
    ArithImm { op: ArithOp, dst: Reg, a: Reg, imm: i64 };
    /// R[dst] := -R[src] (unary minus); `neg` false means unary plus (a number check)
    Negate { dst: Reg, src: Reg, neg: bool };
    /// R[dst] := bnot R[src]
    Bnot { dst: Reg, src: Reg };
    /// R[dst] := (R[a] op R[b]) as a boolean atom
    Compare { op: CmpOp, dst: Reg, a: Reg, b: Reg };
    /// if not (R[a] op R[b]) goto fail
    TestCompare { op: CmpOp, a: Reg, b: Reg, fail: Label };
    /// if not type(R[src]) goto fail
    TestType { test: TypeTest, src: Reg, fail: Label };
    /// if R[src] is not a tuple of `arity` elements goto fail
    TestTuple { src: Reg, arity: u32, fail: Label };
    /// if R[src] =/= value goto fail
    TestConst { src: Reg, value: Term, fail: Label };
    /// if R[src] =/= value goto fail, for an immediate `value` (small
    /// integer, atom, `[]`): one word compare. The compiler's `emit` turns
    /// such a `TestConst` into this; fib's `fib(0)`/`fib(1)` clause tests
    /// went from ~6.5 to ~3 instructions each (callgrind).
    TestImm { src: Reg, value: Term, fail: Label };
    /// if R[src] =/= true goto fail  (guards; a non-boolean fails)
    TestTrue { src: Reg, fail: Label };
    /// R[dst] := element idx (0-based) of the tuple R[src] (type already tested)
    GetElement { dst: Reg, src: Reg, idx: u32 };
    /// R[hd] := head of R[src]; R[tl] := tail of R[src] (a cons, tested)
    GetList { hd: Reg, tl: Reg, src: Reg };
    /// R[dst] := value of key R[key] in map R[map]; if absent goto fail
    MapGet { dst: Reg, map: Reg, key: Reg, fail: Label };

    /// goto target
    Jump { target: Label };
    /// if R[src] == true goto target; if false fall through; else badarg... (`andalso`)
    JumpIfTrue { src: Reg, target: Label };
    /// if R[src] == false goto target
    JumpIfFalse { src: Reg, target: Label };

    /// R[dst] := {R[base], ..., R[base + n - 1]}
    MakeTuple { dst: Reg, base: Reg, n: u32 };
    /// R[dst] := [R[hd] | R[tl]]
    MakeCons { dst: Reg, hd: Reg, tl: Reg };
    /// R[dst] := closure of lambda `lambda` over R[base .. base + n]
    MakeFun { dst: Reg, lambda: u32, base: Reg, n: u32 };
    /// R[dst] := `fun M:F/A` from R[m], R[f], R[a]
    MakeExport { dst: Reg, m: Reg, f: Reg, a: Reg };
    /// R[dst] := R[src] updated/extended with the pairs R[base..base+2n]
    /// (src = NONE register means a fresh map); `exact` = `:=` pairs (badkey if missing)
    MapPut { dst: Reg, src: Reg, base: Reg, n: u32, exact: bool };
    /// R[dst] := #{} with the pairs R[base .. base + 2n]
    MakeMap { dst: Reg, base: Reg, n: u32 };

    /// R[dst] := func(R[base .. base + arity]), a local function. The
    /// callee's frame starts at R[base]; its result is stored straight into
    /// R[dst] (the return address remembers where), which saved fib the
    /// `move` after each of its two calls. A safe point (may collect).
    Call { func: u32, base: Reg, arity: u32, dst: Reg };
    /// Tail call: arguments R[base..base+arity] become R[0..arity] of a
    /// frame replacing this one.
    TailCall { func: u32, base: Reg, arity: u32 };
    /// Call import `import` (module:function/arity, resolved on first use).
    CallExt { import: u32, base: Reg, arity: u32 };
    TailCallExt { import: u32, base: Reg, arity: u32 };
    /// Call the fun R[base + arity] with arguments R[base .. base + arity].
    CallFun { base: Reg, arity: u32 };
    TailCallFun { base: Reg, arity: u32 };
    /// Call R[base]:R[base+1] with the arguments R[base+2 ..]; result in R[base].
    Apply { base: Reg, arity: u32 };
    TailApply { base: Reg, arity: u32 };
    /// Call R[base]:R[base+1] with the argument list R[base+2] (`apply/3`);
    /// result in R[base].
    ApplyList { base: Reg };
    /// Call the fun R[base] with the argument list R[base+1] (`apply/2`).
    ApplyFunList { base: Reg };
    /// R[dst] := native function `bif`(R[base .. base + arity]);
    /// on an exception: goto fail when fail != 0 (guards), else raise.
    CallBif { bif: u32, dst: Reg, base: Reg, arity: u32, fail: Label };
    /// Return R[src] to the caller.
    Return { src: Reg };
    /// Return `value` to the caller: what the compiler's `emit` makes of
    /// `LoadConst R, V; Return R` (a clause body that is a literal, such as
    /// fib's `fib(0) -> 0`). One dispatch instead of two: fib(30) ... (callgrind).
    ReturnConst { value: Term };

    /// Push an exception handler at `handler`; on an exception R[dst],
    /// R[dst+1], R[dst+2] := class, reason, stack trace.
    TryBegin { handler: Label, dst: Reg };
    /// Pop the innermost exception handler (the protected code finished).
    TryEnd;
    /// Raise class R[class] with reason R[reason] and stack trace R[trace]
    /// (the rethrow at the end of a `try` whose catch clauses all failed).
    Reraise { class: Reg, reason: Reg, trace: Reg };
    /// Raise error `{kind, R[src]}`: kind is badmatch, case_clause, try_clause
    /// (or just `kind` for if_clause / function_clause when src is NONE reg).
    RaiseMatchError { kind: Term, src: Reg };
    /// Raise function_clause for the current function with its arguments R[0..arity].
    RaiseFunctionClause { arity: u32 };

    /// R[dst] := the message at the receive cursor; if none goto wait
    RecvPeek { dst: Reg, wait: Label };
    /// Move the receive cursor to the next message; goto loop_
    RecvNext { loop_: Label };
    /// Remove the message at the cursor from the mailbox; reset the cursor.
    RecvAccept;
    /// Block until a new message arrives (then goto retry), or until the
    /// timeout R[timeout] ms passes (then fall through, cursor reset).
    /// `timeout` register NONE-valued means infinity.
    RecvWait { timeout: Reg, retry: Label };
    /// Remember the current mailbox length (just before a call that makes a
    /// fresh reference or pid: `make_ref`, `monitor`, `spawn_monitor`...).
    RecvMark;
    /// Bind the length remembered by RecvMark to the fresh value in R[src].
    RecvMarkBind { src: Reg };
    /// Start the receive at the position bound to R[src], if any: messages
    /// before it cannot contain that fresh value.
    RecvFromMark { src: Reg };

    /// R[dst] := a match context over the bitstring R[src]; not one: goto fail
    BsStartMatch { dst: Reg, src: Reg, fail: Label };
    /// R[dst] := next segment of the match context R[ctx]; no match: goto fail
    BsGet { dst: Reg, ctx: Reg, ty: BinType, size: BinSize, unit: u32, flags: BinFlags, fail: Label };
    /// Skip a segment (`_:Size`).
    BsSkip { ctx: Reg, size: BinSize, unit: u32, fail: Label };
    /// if the context R[ctx] is not at its end goto fail
    BsTestTail { ctx: Reg, fail: Label };
    /// Binary construction: start building in a fresh buffer.
    BsInit;
    /// Append segment R[src] to the buffer being built; badarg on a bad value.
    BsPut { src: Reg, ty: BinType, size: BinSize, unit: u32, flags: BinFlags };
    /// R[dst] := the bitstring built since BsInit.
    BsFinish { dst: Reg };

}

impl Op {
    /// Whether execution may continue at the next instruction (a call
    /// returns there; a test falls through when it holds). The bytecode
    /// verifier requires a next instruction after every such one.
    pub fn falls_through(&self) -> bool {
        !matches!(
            self,
            Op::Jump { .. }
                | Op::Return { .. }
                | Op::ReturnConst { .. }
                | Op::TailCall { .. }
                | Op::TailCallExt { .. }
                | Op::TailCallFun { .. }
                | Op::TailApply { .. }
                | Op::Reraise { .. }
                | Op::RaiseMatchError { .. }
                | Op::RaiseFunctionClause { .. }
                | Op::RecvNext { .. }
        )
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<20}", self.name())?;
        let mut s = String::new();
        self.fmt_operands(&mut s)?;
        f.write_str(&s)
    }
}
