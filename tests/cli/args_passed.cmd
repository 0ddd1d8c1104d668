args.act
--flag
-x
b c
check
--
