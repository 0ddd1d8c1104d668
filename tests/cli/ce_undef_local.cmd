check
ce_undef_local.act
