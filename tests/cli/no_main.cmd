no_main.act
