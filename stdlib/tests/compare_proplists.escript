#!/usr/bin/env escript
%% Compares stdlib/proplists.act (as act_proplists) with OTP's proplists.
%% Run: escript stdlib/tests/compare_proplists.escript
-mode(compile).

main(_) ->
    setup([proplists]),
    S = fun(F, A) -> cmp:same(proplists, F, A) end,
    cmp:run(3000, fun() ->
        L = plist(8), K = key(), K2 = key(),
        [S(F, [L]) || F <- [unfold, compact, get_keys, to_map]],
        [S(F, [K, L]) || F <- [lookup, lookup_all, is_defined, get_value,
                               get_all_values, append_values, get_bool, delete]],
        S(get_value, [K, L, def]), S(property, [K, v]), S(property, [K, true]),
        S(property, [{K, true}]), S(property, [{K, v}]),
        As = [{key(), key()} || _ <- lists:seq(1, 3)],
        S(substitute_aliases, [As, L]), S(substitute_negations, [As, L]),
        Es = [{prop(), plist(2)} || _ <- lists:seq(1, 3)],
        S(expand, [Es, L]),
        St = [{aliases, As}, {negations, [{K, K2}]}, {expand, Es}],
        S(normalize, [L, St]), S(normalize, [L, lists:reverse(St)]),
        S(to_map, [L, St]),
        S(split, [L, [K, K2, key()]]),
        S(from_map, [proplists:to_map(L)])
    end),
    cmp:summary().

key() -> lists:nth(rand:uniform(5), [a, b, c, "s", 1]).
prop() ->
    case rand:uniform(5) of
        1 -> key();
        2 -> {key(), true};
        3 -> {key(), false};
        4 -> {key(), rand:uniform(3)};
        5 -> {key(), [x]}
    end.
plist(N) ->
    [case rand:uniform(7) of
         6 -> {key(), 1, 2};
         7 -> lists:nth(rand:uniform(3), [{}, 42, [l]]);
         _ -> prop()
     end || _ <- lists:seq(1, rand:uniform(N + 1) - 1)].

setup(Mods) ->
    Here = filename:dirname(escript:script_name()),
    Out = "/tmp/act_stdlib_compare",
    Cmd = Here ++ "/build.sh " ++ Out ++ " " ++
          lists:join(" ", [atom_to_list(M) || M <- Mods]) ++ " 2>&1; echo rc=$?",
    R = os:cmd(Cmd),
    case lists:suffix("rc=0\n", R) of
        true -> ok;
        false -> io:format("build failed:~n~s", [R]), halt(2)
    end,
    code:add_patha(Out).
