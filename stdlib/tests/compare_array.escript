#!/usr/bin/env escript
%% Compares stdlib/array.act (as act_array) with OTP's array, including the
%% exact tree representation. Run: escript stdlib/tests/compare_array.escript
-mode(compile).

main(_) ->
    setup([array]),
    S = fun(F, A) -> cmp:same(array, F, A) end,
    Opts = [[], fixed, {fixed, false}, {default, 0}, 5, {size, 12}, [{size, 120}, {fixed, false}],
            [{default, x}, 30], [bad], -1, [{default, 0} | fixed]],
    [S(new, [O]) || O <- Opts],
    [S(new, [N, O]) || N <- [0, 3, 10, 11, 101, -1, a], O <- Opts],
    cmp:run(400, fun() -> walk(rand:uniform(40), start()) end),
    cmp:run(500, fun() ->
        L = [rand:uniform(3) || _ <- lists:seq(1, rand:uniform(lists:nth(rand:uniform(3), [12, 130, 1200])) - 1)],
        S(from_list, [L]), S(from_list, [L, 2]),
        Od = orddict(), S(from_orddict, [Od]), S(from_orddict, [Od, 1])
    end),
    S(from_list, [[a | b]]), S(from_list, [a]),
    S(from_orddict, [[{2, a}, {1, b}]]), S(from_orddict, [[foo]]), S(from_orddict, [x]),
    cmp:summary().

orddict() ->
    Gap = lists:nth(rand:uniform(4), [3, 12, 40, 400]),
    {L, _} = lists:mapfoldl(fun(_, I) -> I2 = I + rand:uniform(Gap), {{I2, I2 rem 3}, I2} end,
                            -1, lists:seq(1, rand:uniform(8) - 1)),
    L.

start() ->
    case rand:uniform(4) of
        1 -> array:new();
        2 -> array:new(rand:uniform(30), {default, 0});
        3 -> array:from_list(lists:seq(1, rand:uniform(50)));
        4 -> array:new({default, 0})
    end.

walk(0, _) -> ok;
walk(N, A) ->
    S = fun(F, Args) -> cmp:same(array, F, Args) end,
    I = idx(),
    %% OTP itself can build trees whose node capacities disagree with their
    %% children (resize down, then grow); its readers then disagree with
    %% each other, and ours are only checked on well-formed trees.
    Readers = case consistent(A) of
                  true -> [to_list, sparse_to_list, to_orddict, sparse_to_orddict,
                           sparse_size, resize];
                  false -> []
              end,
    [S(F, [A]) || F <- [size, default, is_fix, fix, relax, is_array | Readers]],
    [S(F, [I, A]) || F <- [get, reset, resize]],
    S(set, [I, v, A]), S(set, [I, 0, A]),
    S(map, [fun(Ix, V) -> {Ix, V} end, A]), S(sparse_map, [fun(Ix, V) -> {Ix, V} end, A]),
    [S(F, [fun(Ix, V, Acc) -> [{Ix, V} | Acc] end, [], A])
     || F <- [foldl, foldr, sparse_foldl, sparse_foldr], Readers =/= []],
    A1 = case rand:uniform(10) of
             1 -> try array:resize(I, A) catch _:_ -> A end;
             2 -> try array:reset(I, A) catch _:_ -> A end;
             3 -> array:relax(A);
             4 -> array:map(fun(_, V) -> V end, A);
             5 -> array:sparse_map(fun(_, V) -> V end, A);
             _ -> try array:set(I, N, A) catch _:_ -> A end
         end,
    walk(N - 1, A1).

consistent({array, _, _, _, E}) -> consistent_tree(E, capacity(E)).

capacity({_, _, _, _, _, _, _, _, _, _, S}) -> S * 10;
capacity(E) when is_integer(E) -> E;
capacity(_) -> 10.

consistent_tree(E, Cap) when is_integer(E) -> E =:= Cap;
consistent_tree({_, _, _, _, _, _, _, _, _, _, S} = E, Cap) ->
    S * 10 =:= Cap andalso
        lists:all(fun(K) -> consistent_tree(element(K, E), S) end, lists:seq(1, 10));
consistent_tree(E, Cap) -> tuple_size(E) =:= 10 andalso Cap =:= 10.

idx() ->
    case rand:uniform(6) of
        1 -> rand:uniform(2000) - 1;
        2 -> rand:uniform(200) - 1;
        3 -> -1;
        _ -> rand:uniform(40) - 1
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
