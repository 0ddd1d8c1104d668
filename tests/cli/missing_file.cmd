nonexistent.act
