check
ce_export_undef.act
