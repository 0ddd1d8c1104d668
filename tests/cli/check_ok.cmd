check
args.act
main0.act
no_main.act
