../conformance/mailbox/deadlock_cycle.act
