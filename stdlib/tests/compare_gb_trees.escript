#!/usr/bin/env escript
%% Compares stdlib/gb_trees.act (as act_gb_trees) with OTP's gb_trees,
%% including the exact tree shape, over random operation sequences.
%% Run: escript stdlib/tests/compare_gb_trees.escript
-mode(compile).

main(_) ->
    setup([gb_trees]),
    cmp:run(1500, fun() -> walk(rand:uniform(60), gb_trees:empty()) end),
    cmp:run(200, fun() ->
        L = lists:ukeysort(1, [{rand:uniform(100), x} || _ <- lists:seq(1, rand:uniform(50))]),
        cmp:same(gb_trees, from_orddict, [L])
    end),
    cmp:summary().

walk(0, _) -> ok;
walk(N, T) ->
    S = fun(F, A) -> cmp:same(gb_trees, F, A) end,
    K = key(),
    [S(F, [T]) || F <- [is_empty, size, balance, keys, values, to_list, smallest,
                        largest, take_smallest, take_largest, iterator]],
    [S(F, [K, T]) || F <- [lookup, get, is_defined, delete, delete_any, take,
                           take_any, iterator_from]],
    S(insert, [K, v, T]), S(enter, [K, v, T]), S(update, [K, v, T]),
    S(map, [fun(Ky, V) -> {Ky, V} end, T]),
    walk_iter(gb_trees:iterator(T)),
    walk_iter(gb_trees:iterator_from(K, T)),
    T1 = case rand:uniform(6) of
             1 -> gb_trees:delete_any(K, T);
             2 -> gb_trees:balance(T);
             _ -> gb_trees:enter(K, N, T)
         end,
    walk(N - 1, T1).

walk_iter(I) ->
    cmp:same(gb_trees, next, [I]),
    case gb_trees:next(I) of
        none -> ok;
        {_, _, I2} -> walk_iter(I2)
    end.

key() ->
    case rand:uniform(10) of
        1 -> float(rand:uniform(40));
        _ -> rand:uniform(40)
    end.

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
