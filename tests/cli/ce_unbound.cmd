check
ce_unbound.act
