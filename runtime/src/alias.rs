//! Process aliases (OTP 24+): a reference that other processes may send to,
//! delivering to the process that made it only while the alias is active.
//!
//! Who knows what:
//! - The owner keeps its active aliases and how each ends (`Process::aliases`,
//!   an `AliasMode`). That list is the truth: a message that arrives for an
//!   alias no longer in it is dropped when the owner takes its signals
//!   (`arrived`), so a reply already in flight when the owner gave up
//!   waiting cannot leak into its mailbox.
//! - The registry maps each active alias to its owner (`Registry::aliases`),
//!   so that a sender can find the owner from the reference alone. An entry
//!   is removed when the owner deactivates the alias or dies; a send that
//!   finds none drops the message, as OTP does.
//!
//! How an alias ends, by mode:
//! - `ExplicitUnalias` (`alias/0`, `alias([explicit_unalias])`,
//!   `monitor(process, P, [{alias, explicit_unalias}])`): only `unalias/1`.
//! - `Reply` (`alias([reply])`): also the first message received through it.
//! - `Demonitor`: also when its monitor ends (`demonitor/1,2`, or the
//!   `'DOWN'` message arriving).
//! - `ReplyDemonitor`: as `Demonitor`, and also the first message received
//!   through it, which removes the monitor as well.

use crate::process::Process;
use crate::signal::Signal;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AliasMode {
    ExplicitUnalias,
    Reply,
    Demonitor,
    ReplyDemonitor,
}

/// Makes `id` an active alias of `p`.
pub fn activate(p: &mut Process, id: u64, mode: AliasMode) {
    p.extras().aliases.push((id, mode));
    p.vm.registry.add_alias(id, p.pid);
}

/// `unalias/1`: true when `id` was an active alias of `p`.
pub fn deactivate(p: &mut Process, id: u64) -> bool {
    match p.aliases().iter().position(|&(a, _)| a == id) {
        Some(i) => {
            p.extras().aliases.swap_remove(i);
            p.vm.registry.remove_alias(id);
            true
        }
        None => false,
    }
}

/// The monitor `reference` of `p` ended (demonitor, or its `'DOWN'`):
/// an alias that lives as long as the monitor ends with it.
pub fn monitor_ended(p: &mut Process, reference: u64) {
    if p.aliases().iter().any(|&(a, m)| a == reference && matches!(m, AliasMode::Demonitor | AliasMode::ReplyDemonitor)) {
        deactivate(p, reference);
    }
}

/// A message sent to alias `id` reached `p`: whether it goes in the
/// mailbox. A reply alias ends here, and with it the monitor of a
/// `reply_demonitor` one.
pub fn arrived(p: &mut Process, id: u64) -> bool {
    let Some(&(_, mode)) = p.aliases().iter().find(|&&(a, _)| a == id) else { return false };
    match mode {
        AliasMode::ExplicitUnalias | AliasMode::Demonitor => {}
        AliasMode::Reply => {
            deactivate(p, id);
        }
        AliasMode::ReplyDemonitor => {
            deactivate(p, id);
            if let Some(i) = p.monitors.iter().position(|&(r, _)| r == id) {
                let (_, target) = p.monitors.remove(i);
                p.vm.clone().signal_quiet(target, Signal::Demonitor { reference: id });
            }
        }
    }
    true
}

/// A dying process's aliases leave the registry.
pub fn drop_all(p: &mut Process) {
    for (id, _) in p.extras.as_mut().map(|e| std::mem::take(&mut e.aliases)).unwrap_or_default() {
        p.vm.registry.remove_alias(id);
    }
}
