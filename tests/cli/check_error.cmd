check
args.act
compile_error.act
