#!/usr/bin/env escript
%% Compares stdlib/timer.act (as act_timer) with OTP's timer.
%% Run: escript stdlib/tests/compare_timer.escript
-mode(compile).

main(_) ->
    setup([timer]),
    S = fun(F, A) -> cmp:same(timer, F, A) end,
    [S(F, [X]) || X <- [0, 1, 7, 2.5, -3], F <- [seconds, minutes, hours]],
    S(hms, [1, 2, 3]), S(hms, [0, 0, 1.5]),
    S(now_diff, [{1, 2, 3}, {0, 5, 7}]), S(now_diff, [{0, 0, 0}, {1, 1, 1}]),
    S(sleep, [0]), S(sleep, [5]), S(sleep, [a]),
    Drop = fun({T, V}) when is_integer(T), T >= 0 -> V end,
    cmp:same(timer, tc, [fun() -> lists:seq(1, 1000) end], Drop),
    cmp:same(timer, tc, [fun lists:seq/2, [1, 10]], Drop),
    cmp:same(timer, tc, [lists, seq, [1, 10]], Drop),
    cmp:same(timer, tc, [lists, seq, [a]], Drop),
    {T, ok} = act_timer:tc(timer, sleep, [20]),
    true = T >= 20000,
    cmp:summary().

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
