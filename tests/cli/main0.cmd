main0.act
