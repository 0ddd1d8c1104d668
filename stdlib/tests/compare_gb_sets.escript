#!/usr/bin/env escript
%% Compares stdlib/gb_sets.act (as act_gb_sets) with OTP's gb_sets,
%% including the exact tree shape. Run: escript stdlib/tests/compare_gb_sets.escript
-mode(compile).

main(_) ->
    setup([gb_sets]),
    cmp:run(800, fun() -> walk(rand:uniform(60), gb_sets:empty()) end),
    cmp:summary().

walk(0, _) -> ok;
walk(N, T) ->
    S = fun(F, A) -> cmp:same(gb_sets, F, A) end,
    K = key(),
    L = [key() || _ <- lists:seq(1, rand:uniform(lists:nth(rand:uniform(3), [3, 20, 80])))],
    O = gb_sets:from_list(L),
    [S(F, [T]) || F <- [is_empty, size, balance, to_list, smallest, largest,
                        take_smallest, take_largest, iterator, is_set]],
    [S(F, [K, T]) || F <- [is_member, is_element, insert, add, add_element, delete,
                           delete_any, del_element, iterator_from]],
    [begin
         S(F, [T, O]), S(F, [O, T])
     end || F <- [union, intersection, is_disjoint, difference, subtract, is_subset]],
    S(union, [[T, O, T]]), S(intersection, [[T, O]]), S(union, [[]]),
    S(from_list, [L]), S(from_ordset, [lists:usort(L)]), S(singleton, [K]),
    S(filter, [fun(X) -> erlang:phash2(X, 3) > 0 end, T]),
    S(fold, [fun(X, A) -> [X | A] end, [], T]),
    walk_iter(gb_sets:iterator(T)),
    T1 = case rand:uniform(8) of
             1 -> gb_sets:delete_any(K, T);
             2 -> gb_sets:union(T, O);
             3 -> gb_sets:difference(T, O);
             _ -> gb_sets:add(K, T)
         end,
    walk(N - 1, T1).

walk_iter(I) ->
    cmp:same(gb_sets, next, [I]),
    case gb_sets:next(I) of
        none -> ok;
        {_, I2} -> walk_iter(I2)
    end.

key() ->
    case rand:uniform(10) of
        1 -> float(rand:uniform(100));
        _ -> rand:uniform(100)
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
