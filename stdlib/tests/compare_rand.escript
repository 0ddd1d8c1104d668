#!/usr/bin/env escript
%% Compares stdlib/rand.act (as act_rand) with OTP's rand: seeded sequences
%% of the exsss algorithm must be identical.
%% Run: escript stdlib/tests/compare_rand.escript
-mode(compile).

main(_) ->
    setup([rand]),
    Export = fun({X, State}) -> {X, rand:export_seed_s(State)} end,
    cmp:run(3000, fun() ->
        Seed = case rand:uniform(3) of
                   1 -> rand:uniform(1 bsl 70) - (1 bsl 69);
                   2 -> {rand:uniform(1 bsl 40), -rand:uniform(100), rand:uniform(7)};
                   3 -> [rand:uniform(1 bsl 60), rand:uniform(5) - 1]
               end,
        S0 = rand:seed_s(exsss, Seed),
        A0 = act_rand:seed_s(exsss, Seed),
        %% Each implementation draws from its own state; results and the
        %% exported next states must agree.
        Same = fun(Name, F) ->
                       R1 = (catch Export(F(rand, S0))),
                       R2 = (catch Export(F(act_rand, A0))),
                       check(Name, R1, R2)
               end,
        check(seed, rand:export_seed_s(S0), act_rand:export_seed_s(A0)),
        Same(uniform_s, fun(M, S) -> M:uniform_s(S) end),
        Same(uniform_real_s, fun(M, S) -> M:uniform_real_s(S) end),
        [Same({uniform_s, N}, fun(M, S) -> M:uniform_s(N, S) end)
         || N <- [1, 2, 6, 1000, 1 bsl 57, (1 bsl 58) - 3, 1 bsl 58, (1 bsl 60) + 5, 1 bsl 64, 10 bsl 90]],
        Same(jump, fun(M, S) -> {x, M:jump(S)} end),
        Same(normal_s, fun(M, S) -> M:normal_s(S) end),
        Same(normal_s3, fun(M, S) -> M:normal_s(5, 2.5, S) end),
        Same(normal_many, fun(M, S) -> lists:foldl(fun(_, {Acc, St}) -> {X, St1} = M:normal_s(St), {[X | Acc], St1} end, {[], S}, lists:seq(1, 50)) end),
        [Same({bytes_s, N}, fun(M, S) -> M:bytes_s(N, S) end) || N <- [0, 1, 6, 7, 8, 13, 14, 15, 29, 30]],
        %% A walk of many draws through our own states.
        walk(S0, A0, 20)
    end),
    %% The process-dictionary API, each in a fresh process.
    Run = fun(M) -> Self = self(),
                    spawn(fun() -> M:seed(exsss, {1, 2, 3}),
                                   Self ! {M, [M:uniform() || _ <- lists:seq(1, 5)] ++
                                              [M:uniform(100) || _ <- lists:seq(1, 5)] ++
                                              [M:export_seed()]} end),
                    receive {M, R} -> R end end,
    case Run(rand) =:= Run(act_rand) of
        true -> ok;
        false -> io:format("MISMATCH process dictionary API~n  ~p~n  ~p~n", [Run(rand), Run(act_rand)]), halt(1)
    end,
    io:format("~p checks, 0 mismatches~n", [get(checks)]).

check(Name, R1, R2) ->
    put(checks, case get(checks) of undefined -> 1; C -> C + 1 end),
    case R1 =:= R2 of
        true -> ok;
        false -> io:format("MISMATCH ~p~n  otp: ~p~n  act: ~p~n", [Name, R1, R2]), halt(1)
    end.

walk(_, _, 0) -> ok;
walk(Otp, Act, N) ->
    {X1, Otp1} = rand:uniform_s(1000, Otp),
    {X2, Act1} = act_rand:uniform_s(1000, Act),
    {F1, Otp2} = rand:uniform_s(Otp1),
    {F2, Act2} = act_rand:uniform_s(Act1),
    case {X1, F1, rand:export_seed_s(Otp2)} =:= {X2, F2, act_rand:export_seed_s(Act2)} of
        true -> walk(Otp2, Act2, N - 1);
        false -> io:format("MISMATCH walk~n"), halt(1)
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
