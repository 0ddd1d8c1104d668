chan_deadlock.act
