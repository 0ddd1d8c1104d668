check
compile_error.act
nonexistent.act
