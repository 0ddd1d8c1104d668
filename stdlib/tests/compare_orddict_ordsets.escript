#!/usr/bin/env escript
%% Compares stdlib/orddict.act and stdlib/ordsets.act (as act_orddict and
%% act_ordsets) with OTP's. Run: escript stdlib/tests/compare_orddict_ordsets.escript
-mode(compile).

main(_) ->
    setup([orddict, ordsets]),
    D = fun(F, A) -> cmp:same(orddict, F, A) end,
    S = fun(F, A) -> cmp:same(ordsets, F, A) end,
    cmp:run(3000, fun() ->
        Pairs = [{key(), cmp:small_term()} || _ <- lists:seq(1, rand:uniform(10) - 1)],
        Pairs2 = [{key(), rand:uniform(5)} || _ <- lists:seq(1, rand:uniform(10) - 1)],
        D1 = orddict:from_list(Pairs), D2 = orddict:from_list(Pairs2), K = key(),
        D(from_list, [Pairs]),
        [D(F, [Dx]) || Dx <- [D1, D2], F <- [to_list, size, is_empty, fetch_keys]],
        [D(F, [K, Dx]) || Dx <- [D1, D2], F <- [is_key, fetch, find, erase, take]],
        [D(F, [K, v, Dx]) || Dx <- [D1, D2], F <- [store, append]],
        D(append_list, [K, [x, y], D1]), D(update_counter, [K, 3, D2]),
        D(update, [K, fun(V) -> {V} end, D1]), D(update, [K, fun(V) -> {V} end, init, D1]),
        D(fold, [fun(Ky, V, A) -> [{Ky, V} | A] end, [], D1]),
        D(map, [fun(Ky, V) -> {Ky, V} end, D1]),
        D(filter, [fun(Ky, _) -> erlang:phash2(Ky, 2) =:= 0 end, D1]),
        D(merge, [fun(Ky, A, B) -> {Ky, A, B} end, D1, D2]),
        L1 = [key() || _ <- lists:seq(1, rand:uniform(10) - 1)],
        L2 = [key() || _ <- lists:seq(1, rand:uniform(10) - 1)],
        S1 = ordsets:from_list(L1), S2 = ordsets:from_list(L2), S3 = ordsets:from_list(L1 ++ L2),
        S(from_list, [L1]), S(is_set, [L1]), S(is_set, [S1]),
        [S(F, [Sx]) || Sx <- [S1, S2], F <- [size, is_empty, to_list]],
        [S(F, [K, Sx]) || Sx <- [S1, S2], F <- [is_element, add_element, del_element]],
        [S(F, [A, B]) || A <- [S1, S2, S3], B <- [S1, S2, S3],
                         F <- [union, intersection, is_disjoint, subtract, is_subset]],
        S(union, [[S1, S2, S3]]), S(intersection, [[S1, S2, S3]]), S(intersection, [[S1]]),
        S(fold, [fun(E, A) -> [E | A] end, [], S1]),
        S(filter, [fun(E) -> erlang:phash2(E, 2) =:= 0 end, S1])
    end),
    [D(F, [x, X]) || X <- [a, [a], [{1}]], F <- [is_key, find, fetch, erase]],
    [S(F, [X]) || X <- [a, [a | b], {}], F <- [is_set, size, from_list]],
    cmp:summary().

key() -> lists:nth(rand:uniform(7), [1, 2, 3, 1.0, 2.0, a, b]).

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
