args.act
