#!/usr/bin/env python3
# Differential test of the term-level BIFs against real Erlang/OTP.
#
# Writes f.act and f.erl into the current directory: the same ~3300 calls
# (random arguments from an awkward pool, fixed seed), each printing
# {ok, Result} or {Class, Reason}. Then:
#   erlc f.erl && erl -noshell -run f main x -s init stop > f.otp
#   act f.act > f.act.out && diff f.otp f.act.out
# Any difference is a bug (or a documented gap).
import random
random.seed(11)
pool = ['0','1','-1','3','255','256','-300','1152921504606846976','-1267650600228229401496703205376','2.5','-0.0','1.0e300','abc',"'Zz'",'true','false','[]','[1,2,3]','"abc"','[1|2]','[a,b|c]','<<>>','<<"hello">>','<<1:3>>','<<255,0>>','{}','{a,1}','{1,2,3}','#{}','#{a => 1}','#{1 => 2, 1.0 => 3}','[{a,1},{b,2}]','[<<"x">>,"y"|<<"z">>]','latin1','utf8','[global]','{1,2}','[short]','[{decimals,2}]','16','36']
bifs = {
 'erlang': [('abs',1),('min',2),('max',2),('round',1),('trunc',1),('floor',1),('ceil',1),('float',1),('element',2),('setelement',3),('append_element',2),('tuple_size',1),('tuple_to_list',1),('list_to_tuple',1),('size',1),('length',1),('hd',1),('tl',1),('atom_to_list',1),('atom_to_binary',1),('atom_to_binary',2),('binary_to_atom',2),('integer_to_list',1),('integer_to_list',2),('integer_to_binary',2),('list_to_integer',1),('list_to_integer',2),('binary_to_integer',1),('float_to_list',1),('float_to_list',2),('float_to_binary',2),('list_to_float',1),('binary_to_float',1),('binary_to_list',1),('binary_to_list',3),('list_to_binary',1),('iolist_to_binary',1),('iolist_size',1),('bitstring_to_list',1),('list_to_bitstring',1),('byte_size',1),('bit_size',1),('split_binary',2),('term_to_binary',1),('phash2',1),('phash2',2),('phash',2),('++',2),('--',2),('not',1),('and',2),('or',2),('xor',2),('+',2),('-',2),('*',2),('/',2),('div',2),('rem',2),('band',2),('bor',2),('bxor',2),('bsl',2),('bsr',2),('bnot',1),('-',1),('==',2),('=:=',2),('<',2),('>=',2),('is_integer',1),('is_list',1),('is_function',2),('make_tuple',2),('make_tuple',3),('insert_element',3),('delete_element',2),('crc32',1),('adler32',1),('md5',1),('convert_time_unit',3),('external_size',1),('binary_part',3)],
 'lists': [('reverse',1),('reverse',2),('keyfind',3),('keymember',3),('keysearch',3),('member',2),('append',2)],
 'maps': [('get',2),('get',3),('find',2),('put',3),('remove',2),('is_key',2),('keys',1),('values',1),('to_list',1),('from_list',1),('size',1),('merge',2),('update',3),('take',2)],
 'math': [('sin',1),('log',1),('pow',2),('sqrt',1),('atan2',2),('fmod',2),('exp',1)],
 'binary': [('split',2),('split',3),('match',2),('matches',2),('replace',3),('part',3),('copy',2),('first',1),('last',1),('at',2),('bin_to_list',1),('encode_unsigned',1),('decode_unsigned',1),('longest_common_prefix',1),('encode_hex',1),('decode_hex',1)],
 'unicode': [('characters_to_list',1),('characters_to_binary',1),('characters_to_list',2),('characters_to_binary',3),('characters_to_nfd_list',1)],
}
lines=[]
for m, fs in bifs.items():
    for f, a in fs:
        for _ in range(25):
            args=[random.choice(pool) for _ in range(a)]
            fq = "'%s'" % f if not f[0].isalpha() or f in ('not','and','or','xor','div','rem','band','bor','bxor','bsl','bsr','bnot') else f
            lines.append('    io:format("~w~n", [t(fun() -> %s:%s(%s) end)]),' % (m, fq, ', '.join(args)))
hdr='t(F) -> try {ok, F()} catch C:R -> {C, R} end.\nmain(_) ->\n'
body='\n'.join(lines)+'\n    ok.\n'
open('f.act','w').write(hdr+body)
open('f.erl','w').write('-module(f).\n-export([main/1]).\n-compile(nowarn_deprecated_function).\n'+hdr+body)
print(len(lines))
