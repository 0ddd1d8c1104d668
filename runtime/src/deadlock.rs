//! The deadlock report: printed when no process can ever run again while
//! `main` has not returned (Erlang would hang; Go reports the same way).

use crate::vm::Vm;
use std::fmt::Write;

/// `deadlock: all N processes are blocked`, then one line per process:
/// pid, registered name, current function, and where it waits.
pub fn report(vm: &Vm) -> String {
    let handles = vm.registry.handles();
    let mut out = format!("deadlock: all {} processes are blocked\n", handles.len());
    for h in handles {
        let name = vm.registry.name_of(h.pid).map(|a| format!(" ({})", a.name())).unwrap_or_default();
        let body = h.body.lock();
        let place = match body.as_ref().and_then(|p| p.pos) {
            Some(pos) if body.as_ref().is_some_and(|p| p.send_wait().is_some()) => {
                // Suspended in `!` / `erlang:send` on a full bounded mailbox.
                let code = pos.code();
                let to = body.as_ref().and_then(|p| p.send_wait()).map(|w| w.to.pid).unwrap_or_default();
                format!(
                    "in {}:{}/{}, waiting to send to full mailbox of <0.{}.0> at {}:{}",
                    pos.module.name.name(),
                    code.display_name.name(),
                    code.arity,
                    to,
                    pos.module.file,
                    code.line_at(pos.pc)
                )
            }
            Some(pos) if body.as_ref().is_some_and(|p| p.chan_wait().is_some()) => {
                // Blocked in a channel BIF (`bif/chan.rs`), not in a receive.
                let code = pos.code();
                let what = body.as_ref().and_then(|p| p.chan_wait()).map(|w| w.describe()).unwrap_or_default();
                format!("in {}:{}/{}, {} at {}:{}", pos.module.name.name(), code.display_name.name(), code.arity, what, pos.module.file, code.line_at(pos.pc))
            }
            Some(pos) => {
                let code = pos.code();
                let line = code.line_at(pos.pc);
                let waits = crate::interp::receive_description(pos);
                format!(
                    "in {}:{}/{}, waiting in receive at {}:{}{}",
                    pos.module.name.name(),
                    code.display_name.name(),
                    code.arity,
                    pos.module.file,
                    line,
                    waits
                )
            }
            None => "not started".to_string(),
        };
        let _ = writeln!(out, "  <0.{}.0>{} {}", h.pid, name, place);
    }
    out
}
