//! The bytecode verifier: checks, once when a module is added to the VM,
//! the facts the interpreter relies on to index registers and code without
//! bounds checks (`execute`'s `SAFETY` comments point here).
//!
//! For every function:
//! 1. its code is not empty and `frame_size >= arity`;
//! 2. every register operand is `< frame_size`, and so are the registers a
//!    call-like instruction reads above its `base` by name (`CallFun`'s
//!    fun, `Apply`'s module and function); a `base` alone may equal
//!    `frame_size` (an empty range: `MakeMap` of no pairs). Ranges are read
//!    through checked slices;
//! 3. every label is an index into the function's code;
//! 4. every instruction that can fall through has a next instruction, so
//!    `pc` never runs off the end;
//! 5. every local call, lambda, export and local-table entry names a
//!    function of the module.
//!
//! Code comes from Act's own compiler (or the hand-written boot module), so
//! a failure is a bug in it, reported with the function and instruction.

use crate::module::{FunctionCode, Module};
use crate::opcode::{Label, Op};

/// Checks every function of `m`; `Err` names the first bad instruction.
pub fn check(m: &Module) -> Result<(), String> {
    let n = m.functions.len();
    let mut targets = m.lambdas.iter().map(|l| l.func).chain(m.exports.values().copied()).chain(m.locals.values().copied());
    if let Some(f) = targets.find(|&f| f as usize >= n) {
        return Err(format!("{}: a lambda or export names function {f} of {n}", m.name.name()));
    }
    for f in &m.functions {
        check_function(f, m.functions.len()).map_err(|e| format!("{}:{}/{}: {e}", m.name.name(), f.name.name(), f.arity))?;
    }
    Ok(())
}

fn check_function(f: &FunctionCode, functions: usize) -> Result<(), String> {
    let n = f.code.len();
    if n == 0 {
        return Err("no code".into());
    }
    if f.frame_size < f.arity {
        return Err(format!("frame of {} registers for {} arguments", f.frame_size, f.arity));
    }
    let frame = f.frame_size as usize;
    for (pc, op) in f.code.iter().enumerate() {
        let mut bad = None;
        op.visit_regs(&mut |field, r| {
            // A range start may be the frame size when the range is empty.
            let limit = if field == "base" { frame + 1 } else { frame };
            if r as usize >= limit {
                bad = Some(r as usize);
            }
        });
        // Registers read above `base` without a named operand.
        let implied = match *op {
            Op::CallFun { base, arity } | Op::TailCallFun { base, arity } => Some(base as usize + arity as usize),
            Op::Apply { base, .. } | Op::TailApply { base, .. } | Op::ApplyFunList { base } => Some(base as usize + 1),
            Op::ApplyList { base } => Some(base as usize + 2),
            Op::TryBegin { dst, .. } => Some(dst as usize + 2),
            _ => None,
        };
        if let Some(r) = implied.filter(|&r| r >= frame) {
            bad = Some(r);
        }
        if let Some(r) = bad {
            return Err(format!("instruction {pc} ({op}) uses R[{r}] of a {frame}-register frame"));
        }
        let mut label_ok = true;
        let mut copy = *op;
        copy.map_labels(&mut |l: Label| {
            if l.at() >= n {
                label_ok = false;
            }
            l
        });
        if !label_ok {
            return Err(format!("instruction {pc} ({op}) jumps outside the function's {n} instructions"));
        }
        if op.falls_through() && pc + 1 >= n {
            return Err(format!("the last instruction ({op}) falls through"));
        }
        if let Op::Call { func, .. } | Op::TailCall { func, .. } = *op {
            if func as usize >= functions {
                return Err(format!("instruction {pc} calls function {func} of {functions}"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom;
    use crate::term::Term;

    fn func(frame_size: u32, code: Vec<Op>) -> Module {
        let mut m = Module::new(atom::atom("verify_test"), "verify_test".into());
        m.functions.push(FunctionCode {
            name: atom::atom("f"),
            arity: 1,
            frame_size,
            code,
            lines: vec![],
            receives: vec![],
            display_name: atom::atom("f"),
        });
        m
    }

    #[test]
    fn accepts_well_formed_code() {
        let m = func(2, vec![Op::TestImm { src: 0, value: Term::small(0), fail: Label(2) }, Op::Return { src: 0 }, Op::Move { dst: 1, src: 0 }, Op::Return { src: 1 }]);
        assert_eq!(check(&m), Ok(()));
    }

    #[test]
    fn rejects_register_outside_frame() {
        let m = func(2, vec![Op::Move { dst: 2, src: 0 }, Op::Return { src: 0 }]);
        assert!(check(&m).unwrap_err().contains("R[2]"));
    }

    #[test]
    fn accepts_empty_range_at_frame_top() {
        let m = func(2, vec![Op::MakeMap { dst: 1, base: 2, n: 0 }, Op::Return { src: 1 }]);
        assert_eq!(check(&m), Ok(()));
    }

    #[test]
    fn rejects_implied_register_outside_frame() {
        let m = func(2, vec![Op::CallFun { base: 1, arity: 1 }, Op::Return { src: 0 }]);
        assert!(check(&m).unwrap_err().contains("R[2]"));
    }

    #[test]
    fn rejects_label_outside_code() {
        let m = func(1, vec![Op::Jump { target: Label(5) }]);
        assert!(check(&m).unwrap_err().contains("jumps outside"));
    }

    #[test]
    fn rejects_falling_off_the_end() {
        let m = func(1, vec![Op::Move { dst: 0, src: 0 }]);
        assert!(check(&m).unwrap_err().contains("falls through"));
    }

    #[test]
    fn rejects_empty_code_and_small_frame() {
        assert!(check(&func(1, vec![])).is_err());
        assert!(check(&func(0, vec![Op::Return { src: 0 }])).is_err());
    }

    #[test]
    fn rejects_call_to_missing_function() {
        let m = func(1, vec![Op::Call { func: 7, base: 0, arity: 1, dst: 0 }, Op::Return { src: 0 }]);
        assert!(check(&m).unwrap_err().contains("function 7"));
    }
}
