uses_sibling.act
