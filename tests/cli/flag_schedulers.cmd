--schedulers
1
spawn_limit.act
