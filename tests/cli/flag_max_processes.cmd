+P
50
spawn_limit.act
