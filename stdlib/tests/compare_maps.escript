#!/usr/bin/env escript
%% Compares stdlib/maps.act (built as act_maps) with OTP's maps.
%% Run: escript stdlib/tests/compare_maps.escript
-mode(compile).

main(_) ->
    setup([maps]),
    S = fun(F, A) -> cmp:same(maps, F, A) end,
    cmp:run(1500, fun() ->
        M1 = rand_map(), M2 = rand_map(),
        Big = maps:from_list([{I, I * 2} || I <- lists:seq(1, rand:uniform(80))]),
        Ks = cmp:rand_list(6),
        [begin
             S(filter, [fun(K, V) -> erlang:phash2({K, V}, 2) =:= 0 end, M]),
             S(filtermap, [fun(K, V) -> case erlang:phash2({K, V}, 3) of
                                            0 -> false; 1 -> true;
                                            2 -> {true, {V}} end end, M]),
             S(fold, [fun(K, V, A) -> [{K, V} | A] end, [], M]),
             S(map, [fun(K, V) -> {K, V} end, M]),
             S(foreach, [fun(K, V) -> put(x, {K, V}) end, M]),
             S(with, [Ks, M]), S(without, [Ks, M]),
             S(with, [maps:keys(M), M]),
             S(update_with, [hd(Ks ++ [a]), fun(V) -> {V} end, M]),
             S(update_with, [hd(Ks ++ [a]), fun(V) -> {V} end, init, M]),
             S(intersect, [M, M2]), S(intersect, [M2, M]),
             S(intersect_with, [fun(K, A, B) -> {K, A, B} end, M, M2]),
             S(merge_with, [fun(K, A, B) -> {K, A, B} end, M, M2]),
             S(merge_with, [fun(K, A, B) -> {K, A, B} end, M2, M]),
             S(iterator, [M]),
             It = act_maps:iterator(M),
             S(fold, [fun(K, V, A) -> [{K, V} | A] end, [], It]),
             S(map, [fun(K, V) -> {K, V} end, It]),
             S(filter, [fun(K, V) -> erlang:phash2({K, V}, 2) =:= 0 end, It]),
             walk_same(M)
         end || M <- [M1, Big]],
        S(from_keys, [Ks, v]),
        L = cmp:rand_list(15),
        S(groups_from_list, [fun(X) -> erlang:phash2(X, 4) end, L]),
        S(groups_from_list, [fun(X) -> erlang:phash2(X, 4) end, fun(X) -> {X} end, L])
    end),
    F1 = fun(_) -> ok end, F2 = fun(_, _) -> ok end, F3 = fun(_, _, _) -> ok end,
    Bad = [a, [], [a | b], 1.5, #{}, #{a => 1}, [0 | #{}], {a, b, none}, none, F1, F2, F3],
    [S(F, [X, Y]) || X <- Bad, Y <- Bad,
                     F <- [filter, filtermap, map, foreach, with, without,
                           from_keys, groups_from_list, intersect]],
    [S(F, [X, Y, Z]) || X <- Bad, Y <- Bad, Z <- Bad,
                        F <- [fold, intersect_with, merge_with, update_with,
                              groups_from_list]],
    [S(update_with, [a, X, Y, Z]) || X <- Bad, Y <- Bad, Z <- Bad],
    [S(F, [X]) || X <- Bad, F <- [iterator, next]],
    cmp:summary().

%% Walk an iterator step by step in both implementations.
walk_same(M) ->
    A = walk(act_maps, act_maps:iterator(M)),
    B = walk(maps, maps:iterator(M)),
    case A =:= B of
        true -> ok;
        false -> io:format("MISMATCH walk ~p~n ~p~n ~p~n", [M, A, B]), halt(1)
    end.

walk(Mod, I) ->
    case Mod:next(I) of
        none -> [];
        {K, V, I2} -> [{K, V} | walk(Mod, I2)]
    end.

rand_map() ->
    maps:from_list([{cmp:small_term(), cmp:small_term()} || _ <- cmp:rand_list(8)]).

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
