not_utf8.act
