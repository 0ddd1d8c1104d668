#!/usr/bin/env escript
%% Compares stdlib/dict.act (as act_dict) with OTP's dict, including the
%% exact hash-table layout, over random operation sequences.
%% Run: escript stdlib/tests/compare_dict.escript
-mode(compile).

main(_) ->
    setup([dict]),
    cmp:run(300, fun() -> walk(rand:uniform(150), dict:new()) end),
    cmp:summary().

walk(0, _) -> ok;
walk(N, D) ->
    S = fun(F, A) -> cmp:same(dict, F, A) end,
    K = key(),
    L = [{key(), rand:uniform(9)} || _ <- lists:seq(1, rand:uniform(30))],
    Other = dict:from_list(L),
    [S(F, [D]) || F <- [to_list, size, is_empty, fetch_keys]],
    [S(F, [K, D]) || F <- [is_key, fetch, find, erase, take]],
    [S(F, [K, 5, D]) || F <- [store, append, update_counter]],
    S(append_list, [K, [a, b], D]),
    S(update, [K, fun(V) -> {V} end, D]), S(update, [K, fun(V) -> {V} end, init, D]),
    S(fold, [fun(Ky, V, A) -> [{Ky, V} | A] end, [], D]),
    S(map, [fun(Ky, V) -> {Ky, V} end, D]),
    S(filter, [fun(Ky, _) -> erlang:phash2(Ky, 3) > 0 end, D]),
    S(filter, [fun(Ky, _) -> erlang:phash2(Ky, 6) =:= 0 end, D]),
    S(merge, [fun(Ky, A, B) -> {Ky, A, B} end, D, Other]),
    S(merge, [fun(Ky, A, B) -> {Ky, A, B} end, Other, D]),
    S(from_list, [L]),
    D1 = case rand:uniform(6) of
             1 -> dict:erase(K, D);
             2 -> dict:filter(fun(Ky, _) -> erlang:phash2(Ky, 4) > 0 end, D);
             3 -> dict:update_counter(K, 1, dict:erase(K, D));
             _ -> dict:store(K, N, D)
         end,
    walk(N - 1, D1).

key() ->
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
