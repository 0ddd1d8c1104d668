#!/usr/bin/env escript
%% Compares stdlib/base64.act (as act_base64) with OTP's base64 on random
%% data and on malformed input whose OTP error is a plain badarg or
%% function_clause. Run: escript stdlib/tests/compare_base64.escript
-mode(compile).

main(_) ->
    setup([base64]),
    S = fun(F, A) -> cmp:same(base64, F, A) end,
    cmp:run(5000, fun() ->
        Bin = crypto_bytes(rand:uniform(40) - 1),
        S(encode, [Bin]), S(encode, [binary_to_list(Bin)]), S(encode_to_string, [Bin]),
        E = base64:encode(Bin),
        [S(F, [X]) || X <- [E, binary_to_list(E), spaced(E)],
                      F <- [decode, decode_to_string, mime_decode, mime_decode_to_string]],
        S(mime_decode, [noisy(E)])
    end),
    [S(F, [X]) || X <- [<<"Zm9v YmFy">>, <<"Zm9vYg">>, <<"Zm9vYg==">>, <<"Zm9v!mFy">>,
                        "Zm9v\nYmFy", <<"Zm9vYh==">>, <<"Z">>, <<"Zm9v=YmFy">>,
                        <<"YW Jj\tZA= =">>, "YWJjZA=\n=", <<"Zm9vYg=">>],
                  F <- [decode, mime_decode]],
    S(encode, [[256]]), S(encode, [a]),
    cmp:summary().

crypto_bytes(N) -> list_to_binary([rand:uniform(256) - 1 || _ <- lists:seq(1, N)]).

spaced(B) -> << <<C, (case rand:uniform(5) of 1 -> <<" ">>; 2 -> <<"\n">>; _ -> <<>> end)/binary>> || <<C>> <= B >>.

%% Noise inside the data; the padding stays at the end.
noisy(B) ->
    Data = << <<C, (case rand:uniform(5) of 1 -> <<"!">>; 2 -> <<"*">>; _ -> <<>> end)/binary>>
              || <<C>> <= B, C =/= $= >>,
    Pads = << <<C>> || <<C>> <= B, C =:= $= >>,
    <<Data/binary, Pads/binary>>.

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
