check
ce_record_undef.act
