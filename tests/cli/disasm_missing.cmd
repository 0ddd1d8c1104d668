disasm
nonexistent.act
