#!/usr/bin/env escript
%% Compares stdlib/filename.act (as act_filename) with OTP's filename on
%% random names built from "/", ".", letters, atoms and binaries.
%% Run: escript stdlib/tests/compare_filename.escript
-mode(compile).

main(_) ->
    setup([filename]),
    S = fun(F, A) -> cmp:same(filename, F, A) end,
    cmp:run(5000, fun() ->
        N1 = name(), N2 = name(), E = ext(),
        [S(F, [N]) || N <- [N1, N2], F <- [basename, dirname, extension, rootname, split,
                                            pathtype, nativename, flatten]],
        S(join, [N1, N2]), S(join, [[N1, N2, name()]]), S(join, [[N1]]),
        S(basename, [N1, E]), S(rootname, [N1, E]),
        S(absname, [N1, "/abs/base"]), S(absname_join, ["/abs", N1])
    end),
    [S(F, [X]) || X <- ["", <<>>, "/", <<"/">>, "//", ".", "..", "a.", ".a", "é/ü.x", <<"é/ü.x"/utf8>>],
                  F <- [basename, dirname, extension, rootname, split, nativename]],
    S(join, [[]]), S(join, ["é", <<"b">>]), S(basename, ["é.x", <<".x">>]),
    cmp:summary().

name() ->
    case rand:uniform(6) of
        1 -> list_to_binary(plain());
        2 -> [plain(), list_to_atom(plain()), [plain()]];
        3 -> list_to_atom(plain());
        _ -> plain()
    end.

plain() -> [lists:nth(rand:uniform(6), "/./abc") || _ <- lists:seq(1, rand:uniform(9) - 1)].

ext() ->
    case rand:uniform(4) of
        1 -> list_to_binary("." ++ plain());
        _ -> "." ++ [lists:nth(rand:uniform(3), "abc") || _ <- lists:seq(1, rand:uniform(2))]
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
