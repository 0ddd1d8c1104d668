#!/usr/bin/env escript
%% Generates controls_cases.etf: random control sequences (field width,
%% precision, pad, modifiers) with fitting and unfitting arguments, printed
%% by Erlang/OTP 25's io_lib:format. Output `error` means OTP raised.
%% Run: escript gen_controls.escript N Seed > controls_cases.etf
main([N, Seed]) ->
    rand:seed(exsss, {list_to_integer(Seed), 3, 5}),
    Cases = [gen_case() || _ <- lists:seq(1, list_to_integer(N))],
    ok = file:write_file("/dev/stdout", term_to_binary(Cases)).

pick(L) -> lists:nth(rand:uniform(length(L)), L).

gen_case() ->
    C = pick("seefgbBxX#+cwpWPi~nsffeg"),
    {W, WA} = pick([{"", []}, {"", []}, {integer_to_list(rand:uniform(20)), []},
                    {"-" ++ integer_to_list(rand:uniform(20)), []}, {"*", [rand:uniform(30) - 10]}]),
    {P, PA} = pick([{"", []}, {"", []}, {"." ++ integer_to_list(rand:uniform(21) - 1), []},
                    {".*", [rand:uniform(20)]}]),
    {Pad, PadA} = case P of
                      "" -> pick([{"", []}, {"", []}, {"..0", []}, {"..*", [$#]}, {"...", []}]);
                      _ -> pick([{"", []}, {"", []}, {".0", []}, {".*", [$-]}, {".x", []}])
                  end,
    Mod = pick(["", "", "t", "l"]),
    Args = WA ++ PA ++ PadA ++ args(C),
    Fmt = "<~" ++ W ++ P ++ Pad ++ Mod ++ [C] ++ ">",
    Out = try unicode:characters_to_binary(lists:flatten(io_lib:format(Fmt, Args)))
          catch _:_ -> error end,
    {list_to_binary(Fmt), Args, Out}.

args(C) when C =:= $e; C =:= $f; C =:= $g ->
    [pick([float_arg(), float_arg(), float_arg(), 42])];
args(C) when C =:= $b; C =:= $B; C =:= $#; C =:= $+ -> [int_arg()];
args(C) when C =:= $x; C =:= $X -> [int_arg(), pick(["0x", '#', "", [$a, "b"]])];
args($c) -> [pick([$a, $Z, 233, 8364, 300, $\n])];
args($s) -> [pick(["hello", "", <<"bin">>, atom, ['io', "x"], ["i", [$o | <<"li">>], "st"], [233, 8364],
                   <<"h\xc3\xa9llo">>, "a long string of characters here", 42, [-1]])];
args(C) when C =:= $w; C =:= $p -> [term()];
args(C) when C =:= $W; C =:= $P -> [term(), rand:uniform(6) - 1];
args($i) -> [anything];
args(_) -> [].

float_arg() ->
    pick([0.0, -0.0, 1.0, 0.5, 2.5, 0.05, 0.15, 3.14159265, -2.718281828, 1.0e10, 1.0e-10, 123456.789,
          9.9999, 0.099999, 1.0e100, 5.0e-324, 1.7976931348623157e308, 999999.5, 0.000123456]).

int_arg() ->
    pick([0, 1, -1, 42, -42, 255, 1295, 1 bsl 64, -(1 bsl 70), 123456789, 7]).

term() ->
    pick([abc, 'Quoted Atom', "string", [1, 2, 3], {a, b, "c"}, <<"bin">>, 3.5, -17, #{k => v},
          lists:seq(1, 30), {tag, lists:seq(1, 25)}, [a | b], <<1:3>>]).
