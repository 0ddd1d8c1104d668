+S
0
spawn_limit.act
