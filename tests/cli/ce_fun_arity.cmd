check
ce_fun_arity.act
