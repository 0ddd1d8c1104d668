compile_error.act
