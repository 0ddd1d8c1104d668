"""Random Erlang expressions, one per line, for differential testing
against erl_parse. Regenerate the expectations with:

    python3 gen.py SEED COUNT > /tmp/in.txt
    escript shape.escript < /tmp/in.txt > /tmp/out.txt
    paste /tmp/in.txt /tmp/out.txt | grep -v '?remote' > erl_parse.tsv

Lines where erl_parse accepts a bare `m:f` (a `remote`, which erl_lint
rejects later) are dropped: Act rejects them in the parser already.
Many generated lines are invalid on purpose: ERROR must agree too.
"""
import random, sys
random.seed(int(sys.argv[1])); N = int(sys.argv[2])
BIN = ['+','-','*','/','div','rem','band','bor','bxor','bsl','bsr','and','or','xor','andalso','orelse',
       '==','/=','=<','<','>=','>','=:=','=/=','++','--','=','!']
UN = ['-','+','not','bnot']
def leaf():
    return random.choice(['a','b','X','Y','_','1','2','42','"s"','$c','[]','{}'])
def e(d):
    if d <= 0: return leaf()
    r = random.random()
    if r < 0.35: return e(d-1) + ' ' + random.choice(BIN) + ' ' + e(d-1)
    if r < 0.45: return random.choice(UN) + ' ' + e(d-1)
    if r < 0.50: return 'catch ' + e(d-1)
    if r < 0.58: return '(' + e(d-1) + ')'
    if r < 0.63: return 'f(' + ', '.join(e(d-1) for _ in range(random.randint(0,2))) + ')'
    if r < 0.67: return random.choice(['m','M','a']) + ':' + random.choice(['f','F']) + '(' + e(d-1) + ')'
    if r < 0.71: return '{' + ', '.join(e(d-1) for _ in range(random.randint(1,3))) + '}'
    if r < 0.75: return '[' + ', '.join(e(d-1) for _ in range(random.randint(1,2))) + random.choice(['', ' | ' + e(d-1)]) + ']'
    if r < 0.79: return random.choice(['X', '#r{}', '(' + e(d-1) + ')', 'f()']) + '#r.a'
    if r < 0.83: return random.choice(['', 'X', 'R#r.b']) + '#r{a = ' + e(d-1) + '}'
    if r < 0.87: return random.choice(['', 'M', '#{}']) + '#{' + e(d-1) + random.choice([' => ', ' := ']) + e(d-1) + '}'
    if r < 0.90: return 'begin ' + e(d-1) + ', ' + e(d-1) + ' end'
    if r < 0.93: return random.choice(['fun f/1', 'fun m:f/2', 'fun M:F/A', 'F(' + e(d-1) + ')'])
    if r < 0.935: return '<<' + ', '.join(random.choice([leaf(), '(' + e(d-1) + ')', '-1']) + random.choice(['', ':8', ':X', ':(' + e(d-1) + ')']) + random.choice(['', '/binary', '/little-signed-integer', '/unit:8', '/utf8', '/float-big', '/bits']) for _ in range(random.randint(1,3))) + '>>'
    if r < 0.94: return '[' + e(d-1) + ' || ' + random.choice(['X <- ' + e(d-1), '<<X>> <= ' + e(d-1), e(d-1)]) + random.choice(['', ', ' + e(d-1)]) + ']'
    if r < 0.945: return '<< ' + random.choice(['<<X>>', 'X', '(' + e(d-1) + ')']) + ' || ' + random.choice(['X <- ' + e(d-1), '<<X>> <= ' + e(d-1)]) + ' >>'
    if r < 0.95: return 'case ' + e(d-1) + ' of ' + '; '.join(e(d-1) + random.choice(['', ' when ' + e(d-1), ' when a, b; c']) + ' -> ' + e(d-1) for _ in range(random.randint(1,2))) + ' end'
    if r < 0.953: return 'if ' + e(d-1) + ' -> ' + e(d-1) + '; true -> ' + e(d-1) + ' end'
    if r < 0.956: return 'receive ' + random.choice(['X -> ' + e(d-1), 'X -> a after ' + e(d-1) + ' -> b', 'after 1 -> ' + e(d-1)]) + ' end'
    if r < 0.96: return random.choice(['fun(X) -> ' + e(d-1) + ' end', 'fun F(0) -> 1; F(X) -> ' + e(d-1) + ' end', 'fun() -> a end',
        'try ' + e(d-1) + ' of X -> X catch ' + random.choice(['E', 'error:E', 'C:E:S', 'C:E:S when ' + e(d-1), 'throw:{a, X}']) + ' -> ' + e(d-1) + random.choice(['', ' after ' + e(d-1)]) + ' end',
        'try ' + e(d-1) + ' after ok end'])
    if r < 0.965: return e(d-1) + ' ' + e(d-1)  # usually invalid
    return e(d-1) + random.choice([' :', ' #', ' ->', ' ,', ' catch', ' |']) + ' ' + e(d-1)  # often invalid
for _ in range(N):
    print(e(random.randint(1, 4)) + '.')
