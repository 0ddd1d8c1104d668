check
ce_unsafe.act
