#!/usr/bin/env escript
%% Compares stdlib/string.act (built as act_string) with OTP's string on
%% random strings given as flat lists, binaries and mixed chardata.
%% Run: escript stdlib/tests/compare_string.escript
-mode(compile).

-define(ALPHABET, "aabAB  \t\r\n,,.e+-0123456789xéÉßσΣςжЖÿ"
        "\x{301}\x{308}\x{200D}\x{1F600}\x{2764}\x{1F1E6}\x{1F1E7}\x{AC00}\x{1100}\x{1161}\x{11A8}\x{600}\x{903}\x{FE0F}").

main(_) ->
    setup([string]),
    cmp:run(3000, fun() ->
        Cps = rand_str(12), P = rand_str(2), Cs = rand_str(3),
        Bin = unicode:characters_to_binary(Cps),
        Mixed = mixed(Cps),
        N = rand:uniform(8) - 1, N2 = rand:uniform(8) - 1,
        Inputs = [{Cps, fun id/1}, {Bin, fun id/1}],
        [begin
             S = fun(F, A) -> cmp:same(string, F, A, Norm) end,
             [S(F, [In]) || F <- [length, is_empty, lowercase, uppercase,
                                  casefold, titlecase, trim, reverse, chomp,
                                  next_grapheme, next_codepoint, to_integer,
                                  to_float, to_graphemes]],
             [S(trim, [In, D]) || D <- [leading, trailing, both]],
             [S(trim, [In, D, C]) || D <- [leading, trailing, both],
                                     C <- [Cs, [[$\r, $\n] | Cs]]],
             [S(pad, [In, N * 2]), S(pad, [In, N * 2, leading]),
              S(pad, [In, N * 2, both]), S(pad, [In, N * 2, both, $*])],
             S(slice, [In, N]), S(slice, [In, N, N2]), S(slice, [In, N, infinity]),
             [S(find, [In, Pat, D]) || D <- [leading, trailing],
                                      Pat <- [P, lists:sublist(Cps, N + 1, 2), []]],
             [S(split, [In, Pat, D]) || D <- [leading, trailing, all],
                                       Pat <- [P, lists:sublist(Cps, N + 1, 1), ","]],
             [S(replace, [In, Pat, "XY", D]) || D <- [leading, trailing, all],
                                               Pat <- [P, ","]],
             S(lexemes, [In, Cs]), S(lexemes, [In, [[$\r, $\n] | Cs]]),
             S(nth_lexeme, [In, N + 1, Cs]),
             [S(take, [In, C, Comp, D]) || C <- [Cs, " a"], Comp <- [true, false],
                                          D <- [leading, trailing]],
             S(prefix, [In, lists:sublist(Cps, N)]), S(prefix, [In, P]),
             S(equal, [In, Cps]), S(equal, [In, P]),
             S(equal, [In, string:uppercase(Cps), true])
         end || {In, Norm} <- Inputs],
        %% Mixed chardata: compared after flattening, since OTP keeps deep shapes.
        M = fun(F, A, Norm) -> cmp:same(string, F, A, Norm) end,
        Flat = fun(R) -> unicode:characters_to_list(R) end,
        [M(F, [Mixed], Flat) || F <- [lowercase, uppercase, casefold, titlecase,
                                      trim, chomp]],
        M(length, [Mixed], fun id/1),
        M(slice, [Mixed, N, N2], Flat),
        M(find, [Mixed, P], fun(nomatch) -> nomatch; (R) -> Flat(R) end),
        M(split, [Mixed, ","], fun(L) -> [Flat(X) || X <- L] end),
        M(lexemes, [Mixed, Cs], fun(L) -> [Flat(X) || X <- L] end),
        M(take, [Mixed, Cs], fun({A, B}) -> {Flat(A), Flat(B)} end),
        M(to_integer, [Mixed], fun({A, B}) when is_list(B); is_binary(B) -> {A, Flat(B)}; (E) -> E end),
        M(equal, [Mixed, Bin], fun id/1),
        %% Old API on flat lists.
        S0 = fun(F, A) -> cmp:same(string, F, A) end,
        C1 = hd(Cs ++ " "),
        [S0(F, [Cps]) || F <- [len, words, strip, to_lower, to_upper]],
        [S0(F, [Cps, P]) || F <- [concat, str, rstr, span, cspan, tokens]],
        [S0(F, [Cps, lists:sublist(Cps, N + 1, 2)]) || F <- [str, rstr]],
        [S0(F, [Cps, C1]) || F <- [chr, rchr, words]],
        [S0(F, [Cps, N]) || F <- [substr, sub_string, sub_word, left, right, centre, copies]],
        [S0(F, [Cps, N, C1]) || F <- [sub_word, left, right, centre]],
        [S0(F, [Cps, N, N2]) || F <- [substr, sub_string]],
        [S0(strip, [Cps, D, C1]) || D <- [left, right, both]],
        S0(chars, [C1, N]), S0(chars, [C1, N, Cps]),
        S0(join, [[Cps, P, Cs], ", "]), S0(join, [[], ", "]),
        S0(to_lower, [C1]), S0(to_upper, [C1])
    end),
    %% Case mapping over whole blocks.
    Blocks = [lists:seq(0, 16#24F), lists:seq(16#370, 16#3FF), lists:seq(16#400, 16#4FF)],
    [cmp:same(string, F, [[C]]) || B <- Blocks, C <- B,
                                   F <- [uppercase, lowercase, casefold, titlecase]],
    Bad = [a, 1, [a], <<255>>, {}, -1],
    [cmp:same(string, F, [X]) || X <- Bad,
                                 F <- [length, trim, uppercase, to_integer, to_float,
                                       reverse, next_grapheme, is_empty]],
    cmp:summary().

id(X) -> X.

rand_str(Max) ->
    A = ?ALPHABET,
    [lists:nth(rand:uniform(length(A)), A) || _ <- lists:seq(1, rand:uniform(Max + 1) - 1)].

%% The same characters as a deep mix of lists and binaries.
mixed([]) -> [];
mixed(Cps) ->
    {A, B} = lists:split(rand:uniform(length(Cps)) - 1, Cps),
    [A, unicode:characters_to_binary(B)].

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
