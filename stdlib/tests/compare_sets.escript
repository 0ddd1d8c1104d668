#!/usr/bin/env escript
%% Compares stdlib/sets.act (as act_sets) with OTP's sets, including the
%% exact version 1 hash-table layout, over random operation sequences.
%% Run: escript stdlib/tests/compare_sets.escript
-mode(compile).

main(_) ->
    setup([sets]),
    cmp:run(300, fun() -> walk(rand:uniform(150), sets:new(), sets:new([{version, 2}])) end),
    S = fun(F, A) -> cmp:same(sets, F, A) end,
    S(new, []), S(new, [[{version, 1}]]), S(new, [[{version, 2}]]), S(new, [[]]),
    [S(F, [X]) || X <- [a, {set, 1}, #{}], F <- [is_set]],
    cmp:summary().

walk(0, _, _) -> ok;
walk(N, S1, S2) ->
    S = fun(F, A) -> cmp:same(sets, F, A) end,
    E = elem(),
    L = [elem() || _ <- lists:seq(1, rand:uniform(30))],
    Other1 = sets:from_list(L), Other2 = sets:from_list(L, [{version, 2}]),
    Sorted = fun(X) when is_list(X) -> lists:sort(X); (X) -> X end,
    [begin
         [S(F, [Set]) || F <- [size, is_empty, to_list, is_set]],
         [S(F, [E, Set]) || F <- [is_element, add_element, del_element]],
         [begin
              S(union, [Set, O]), S(union, [O, Set]),
              S(intersection, [Set, O]), S(intersection, [O, Set]),
              S(subtract, [Set, O]), S(subtract, [O, Set]),
              S(is_subset, [Set, O]), S(is_subset, [O, Set]),
              S(is_disjoint, [Set, O]),
              S(union, [[Set, O, Set]]), S(intersection, [[Set, O, O]])
          end || O <- [Other1, Other2]],
         S(fold, [fun(X, A) -> [X | A] end, [], Set]),
         S(filter, [fun(X) -> erlang:phash2(X, 3) > 0 end, Set]),
         S(filter, [fun(X) -> erlang:phash2(X, 5) =:= 0 end, Set])
     end || Set <- [S1, S2]],
    S(from_list, [L]), S(from_list, [L, [{version, 2}]]),
    cmp:same(sets, to_list, [S1], Sorted),
    {A1, A2} = case rand:uniform(5) of
                   1 -> {sets:del_element(E, S1), sets:del_element(E, S2)};
                   2 -> F = fun(X) -> erlang:phash2(X, 4) > 0 end,
                        {sets:filter(F, S1), sets:filter(F, S2)};
                   _ -> {sets:add_element(E, S1), sets:add_element(E, S2)}
               end,
    walk(N - 1, A1, A2).

elem() ->
    case rand:uniform(6) of
        1 -> float(rand:uniform(200));
        2 -> {rand:uniform(50)};
        _ -> rand:uniform(300)
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
