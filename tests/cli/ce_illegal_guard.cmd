check
ce_illegal_guard.act
