#!/usr/bin/env python3
# Generates runtime/src/bif/normalize_tables.rs from Python's unicodedata,
# which must be Unicode 14.0 (the version OTP 25 uses):
#   python3 runtime/tools/gen_normalize_tables.py runtime/src/bif/normalize_tables.rs
import unicodedata, sys
ud = unicodedata
assert ud.unidata_version == '14.0.0'
ccc = []
decomp = []
for cp in range(0x110000):
    c = chr(cp)
    k = ud.combining(c)
    if k:
        ccc.append((cp, k))
    d = ud.decomposition(c)
    if d and not (0xAC00 <= cp <= 0xD7A3):
        parts = d.split()
        compat = parts[0].startswith('<')
        if compat:
            parts = parts[1:]
        decomp.append((cp, compat, [int(x, 16) for x in parts]))
# primary composites: canonical 2-char decompositions that NFC recomposes
comp = []
for cp, compat, parts in decomp:
    if not compat and len(parts) == 2:
        if ud.normalize('NFC', chr(parts[0]) + chr(parts[1])) == chr(cp) and ud.combining(chr(parts[0])) == 0:
            comp.append((parts[0], parts[1], cp))
comp.sort()
out = []
out.append('//! Unicode 14.0 normalization data (the version OTP 25 uses), generated')
out.append('//! from Python\'s `unicodedata` (also 14.0) by')
out.append('//! `runtime/tools/gen_normalize_tables.py`. Do not edit by hand.')
out.append('')
out.append('/// (code point, canonical combining class) for every non-zero class, sorted.')
out.append('pub static CCC: &[(u32, u8)] = &[')
line = '   '
for cp, k in ccc:
    item = ' (0x%X, %d),' % (cp, k)
    if len(line) + len(item) > 130:
        out.append(line); line = '   '
    line += item
out.append(line); out.append('];')
out.append('')
out.append('/// (code point, compatibility?, index into DECOMP_DATA, length): one level of')
out.append('/// decomposition, sorted by code point (Hangul syllables are algorithmic).')
out.append('pub static DECOMP: &[(u32, bool, u16, u8)] = &[')
data = []
line = '   '
for cp, compat, parts in decomp:
    idx = len(data); data.extend(parts)
    item = ' (0x%X, %s, %d, %d),' % (cp, 'true' if compat else 'false', idx, len(parts))
    if len(line) + len(item) > 130:
        out.append(line); line = '   '
    line += item
out.append(line); out.append('];')
assert len(data) < 65536
out.append('')
out.append('pub static DECOMP_DATA: &[u32] = &[')
line = '   '
for x in data:
    item = ' 0x%X,' % x
    if len(line) + len(item) > 130:
        out.append(line); line = '   '
    line += item
out.append(line); out.append('];')
out.append('')
out.append('/// (first, second, composite) for every primary composite, sorted by pair.')
out.append('pub static COMPOSE: &[(u32, u32, u32)] = &[')
line = '   '
for a, b, c in comp:
    item = ' (0x%X, 0x%X, 0x%X),' % (a, b, c)
    if len(line) + len(item) > 130:
        out.append(line); line = '   '
    line += item
out.append(line); out.append('];')
open(sys.argv[1], 'w').write('\n'.join(out) + '\n')
print(len(ccc), len(decomp), len(data), len(comp))
