#!/usr/bin/env escript
%% Generates pretty_cases.etf: random terms printed by Erlang/OTP 25's
%% io_lib:format under many control sequences. The Rust test
%% `format::tests::otp_cases` decodes the file and compares byte for byte.
%% Run: escript gen_cases.escript N Seed > pretty_cases.etf
main([N, Seed]) ->
    rand:seed(exsss, {list_to_integer(Seed), 7, 11}),
    Cases = [gen_case() || _ <- lists:seq(1, list_to_integer(N))],
    io:setopts([{encoding, latin1}]),
    ok = file:write_file("/dev/stdout", term_to_binary(Cases)).

gen_case() ->
    T = term(rand:uniform(6)),
    {Fmt, Args} = case rand:uniform(18) of
        1 -> {"~p", [T]};
        2 -> {"~w", [T]};
        3 -> {"prefix text: ~p", [T]};
        4 -> {"~P", [T, rand:uniform(8)]};
        5 -> {"~W", [T, rand:uniform(8)]};
        6 -> {"~tp", [T]};
        7 -> {"~lp", [T]};
        8 -> {"~40p", [T]};
        9 -> {"~p~n~p", [T, term(3)]};
        10 -> {"{~p, ~p}", [T, term(3)]};
        11 -> {"~tw", [T]};
        12 -> {"~.20p", [T]};
        13 -> {"\t~p", [T]};
        14 -> {"~P", [binary(), rand:uniform(12)]};
        15 -> {"~P", [wide(), rand:uniform(10)]};
        16 -> {"~p", [wide()]};
        17 -> {"~tp", [wide()]};
        _ -> {"~p", [T]}
    end,
    Out = unicode:characters_to_binary(lists:flatten(io_lib:format(Fmt, Args))),
    {list_to_binary(Fmt), Args, Out}.

term(0) -> leaf();
term(D) ->
    case rand:uniform(12) of
        1 -> leaf();
        2 -> leaf();
        3 -> list_to_tuple([term(D - 1) || _ <- lists:seq(1, rand:uniform(6) - 1)]);
        4 -> list_to_tuple([atom() | [term(D - 1) || _ <- lists:seq(1, rand:uniform(5))]]);
        5 -> [term(D - 1) || _ <- lists:seq(1, rand:uniform(8))];
        6 -> lists:seq(1, rand:uniform(40));
        7 -> string();
        8 -> maps:from_list([{key(), term(D - 1)} || _ <- lists:seq(1, rand:uniform(6))]);
        9 -> [string() || _ <- lists:seq(1, rand:uniform(6))];
        10 -> [term(D - 1) | term(0)];
        11 -> binary();
        _ -> {atom(), [term(D - 1) || _ <- lists:seq(1, rand:uniform(4))]}
    end.

wide() ->
    case rand:uniform(4) of
        1 -> list_to_tuple([very_long_atom_name_here_to_force_indent | [term(3) || _ <- lists:seq(1, 8)]]);
        2 -> [{atom(), term(3)} || _ <- lists:seq(1, 10)];
        3 -> maps:from_list([{term(1), term(3)} || _ <- lists:seq(1, 8)]);
        _ -> [term(2) | term(2)]
    end.

key() ->
    case rand:uniform(3) of
        1 -> atom();
        2 -> rand:uniform(100);
        _ -> string()
    end.

leaf() ->
    case rand:uniform(10) of
        1 -> rand:uniform(1000) - 500;
        2 -> rand:uniform(1 bsl 70) * (1 bsl rand:uniform(40));
        3 -> (rand:uniform() - 0.5) * math:pow(10, rand:uniform(40) - 20);
        4 -> atom();
        5 -> [];
        6 -> {};
        7 -> string();
        8 -> binary();
        9 -> #{};
        _ -> float(rand:uniform(100))
    end.

atom() ->
    lists:nth(rand:uniform(14), [ok, error, a, very_long_atom_name_here, 'Quoted', 'with space', 'case',
                                 '', 'é', list_to_atom([26085, 26412]), undefined, x, 'a@b', true]).

string() ->
    case rand:uniform(6) of
        1 -> "";
        2 -> "hello world";
        3 -> lists:duplicate(rand:uniform(50), $x);
        4 -> "tab\there\nnewline \"q\" back\\slash";
        5 -> [233, 97, 255, 160];
        _ -> [rand:uniform(300) || _ <- lists:seq(1, rand:uniform(10))]
    end.

binary() ->
    case rand:uniform(8) of
        1 -> <<"abc">>;
        2 -> list_to_binary(lists:duplicate(rand:uniform(60), $y));
        3 -> list_to_binary([rand:uniform(256) - 1 || _ <- lists:seq(1, rand:uniform(40))]);
        4 -> <<"héllo"/utf8>>;
        5 -> <<1:3>>;
        6 -> <<(list_to_binary(lists:duplicate(30, $z)))/binary, 0, 1, 2>>;
        7 -> <<"h\xc3\xa9llo w\xc3\xb6rld, a longer utf8 binary", (rand:uniform(255))>>;
        _ -> <<"line\nbreak">>
    end.
