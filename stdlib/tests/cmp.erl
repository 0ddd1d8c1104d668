%% Helpers shared by the compare_*.escript scripts: call a function in OTP's
%% module and in our act_ copy with the same arguments and report any
%% difference in result or exception (class and reason; stack traces differ).
-module(cmp).
-export([same/3, same/4, run/2, summary/0, term/1, int_list/2, rand_list/1,
         small_term/0]).

%% same(Mod, Fun, Args): compare Mod:Fun(Args) with act_Mod:Fun(Args).
same(Mod, F, Args) -> same(Mod, F, Args, fun(X) -> X end).

%% Norm is applied to both results before comparing (e.g. to sort a map-
%% ordered list when order is not specified).
same(Mod, F, Args, Norm) ->
    Act = list_to_atom("act_" ++ atom_to_list(Mod)),
    R1 = call(Mod, F, Args, Norm),
    R2 = call(Act, F, Args, Norm),
    count(total),
    case R1 =:= R2 of
        true -> ok;
        false ->
            count(failed),
            case get({shown, F}) of
                N when is_integer(N), N >= 3 -> ok;
                N ->
                    put({shown, F}, case N of undefined -> 1; _ -> N + 1 end),
                    io:format("MISMATCH ~p:~p~n  args: ~P~n  otp:  ~P~n  act:  ~P~n",
                              [Mod, F, Args, 30, R1, 30, R2, 30])
            end
    end.

call(M, F, Args, Norm) ->
    try Norm(apply(M, F, Args)) of V -> {ok, V}
    catch C:R -> {C, R}
    end.

count(K) -> put({count, K}, case get({count, K}) of undefined -> 1; N -> N + 1 end).

run(N, Fun) -> [Fun() || _ <- lists:seq(1, N)], ok.

summary() ->
    T = case get({count, total}) of undefined -> 0; X -> X end,
    F = case get({count, failed}) of undefined -> 0; Y -> Y end,
    io:format("~p checks, ~p mismatches~n", [T, F]),
    case F of 0 -> halt(0); _ -> halt(1) end.

int_list(Len, Max) -> [rand:uniform(Max) - 1 || _ <- lists:seq(1, Len)].

rand_list(MaxLen) -> [small_term() || _ <- lists:seq(1, rand:uniform(MaxLen + 1) - 1)].

%% Small terms with many collisions, including 1 vs 1.0 style ties.
small_term() ->
    case rand:uniform(8) of
        1 -> rand:uniform(5);
        2 -> float(rand:uniform(5));
        3 -> lists:nth(rand:uniform(3), [a, b, c]);
        4 -> {rand:uniform(3), lists:nth(rand:uniform(3), [x, y, z])};
        5 -> [rand:uniform(3)];
        6 -> rand:uniform(4) - 2;
        7 -> <<(rand:uniform(3))>>;
        8 -> {rand:uniform(2), rand:uniform(2), float(rand:uniform(2))}
    end.

term(0) -> small_term();
term(D) ->
    case rand:uniform(4) of
        1 -> [term(D - 1) || _ <- lists:seq(1, rand:uniform(3) - 1)];
        2 -> list_to_tuple([term(D - 1) || _ <- lists:seq(1, rand:uniform(3) - 1)]);
        _ -> small_term()
    end.
