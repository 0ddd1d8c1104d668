#!/usr/bin/env escript
%% Finds function heads where an argument is a bare variable that an
%% earlier argument binds inside a larger pattern, as in f({X, _}, X).
%% The act compiler of late 2026 did not compare such an argument with the
%% earlier binding, so stdlib writes these heads with a guard instead.
%% Run: escript stdlib/tests/check_head_patterns.escript stdlib/*.act
main(Files) ->
    [check(F) || F <- Files].
check(File) ->
    {ok, Forms} = epp_dodger:quick_parse_file(File),
    [report(File, Name, Line, V)
     || {function, _, Name, _, Clauses} <- Forms,
        {clause, Line, Args, _, _} <- Clauses,
        V <- bad(Args)].
bad(Args) -> bad(Args, [], []).
bad([{var, _, V} = _ | Rest], NestedSeen, Acc) when V =/= '_' ->
    Acc1 = case lists:member(V, NestedSeen) of true -> [V | Acc]; false -> Acc end,
    bad(Rest, NestedSeen, Acc1);
bad([Arg | Rest], NestedSeen, Acc) -> bad(Rest, vars(Arg) ++ NestedSeen, Acc);
bad([], _, Acc) -> Acc.
vars({var, _, '_'}) -> [];
vars({var, _, V}) -> [V];
vars(T) when is_tuple(T) -> lists:append([vars(E) || E <- tuple_to_list(T)]);
vars(L) when is_list(L) -> lists:append([vars(E) || E <- L]);
vars(_) -> [].
report(File, Name, Line, V) -> io:format("~s:~p ~p: ~p~n", [File, Line, Name, V]).
