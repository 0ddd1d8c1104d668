#!/usr/bin/env escript
%% Compares stdlib/queue.act (as act_queue) with OTP's queue, including the
%% exact {Rear, Front} representation, over random operation sequences.
%% Run: escript stdlib/tests/compare_queue.escript
-mode(compile).

main(_) ->
    setup([queue]),
    cmp:run(3000, fun() -> walk(rand:uniform(40), queue:new()) end),
    Bad = [a, {a, b}, {[], a}, [], {[1], [2], [3]}],
    [cmp:same(queue, F, [X]) || X <- Bad ++ [{[], []}],
                                F <- [is_queue, is_empty, len, to_list, from_list,
                                      out, out_r, get, get_r, peek, peek_r, drop,
                                      drop_r, reverse, head, tail, daeh, last,
                                      liat, lait, init]],
    [cmp:same(queue, F, [x, X]) || X <- Bad, F <- [in, in_r, member, cons, delete, delete_r]],
    [cmp:same(queue, F, [X, Y]) || X <- Bad, Y <- Bad, F <- [join, split, filter]],
    cmp:summary().

%% Applies random operations to the OTP queue, checking each against ours.
walk(0, _) -> ok;
walk(N, Q) ->
    S = fun(F, A) -> cmp:same(queue, F, A) end,
    X = rand:uniform(6),
    [S(F, [Q]) || F <- [len, to_list, is_empty, out, out_r, peek, peek_r,
                        reverse, get, get_r, drop, drop_r, head, tail, last,
                        liat, init, daeh]],
    S(member, [X, Q]), S(in, [X, Q]), S(in_r, [X, Q]),
    S(split, [rand:uniform(8) - 1, Q]),
    S(join, [Q, Q]), S(join, [queue:from_list([X]), Q]),
    S(filter, [fun(E) -> E > 3 end, Q]),
    S(filter, [fun(E) when E > 4 -> [E, E]; (E) -> E rem 2 =:= 0 end, Q]),
    S(filtermap, [fun(E) when E > 4 -> {true, {E}}; (E) -> E rem 2 =:= 0 end, Q]),
    S(fold, [fun(E, A) -> [E | A] end, [], Q]),
    S(any, [fun(E) -> E > 4 end, Q]), S(all, [fun(E) -> E > 1 end, Q]),
    S(delete, [X, Q]), S(delete_r, [X, Q]),
    S(delete_with, [fun(E) -> E > X end, Q]), S(delete_with_r, [fun(E) -> E > X end, Q]),
    S(from_list, [queue:to_list(Q)]),
    Q1 = case rand:uniform(9) of
             1 -> queue:in(X, Q);
             2 -> queue:in_r(X, Q);
             3 -> element(2, queue:out(Q));
             4 -> element(2, queue:out_r(Q));
             5 -> queue:in(X, queue:in(X + 1, Q));
             6 -> queue:filter(fun(E) -> E =/= X end, Q);
             7 -> queue:delete(X, Q);
             8 -> element(rand:uniform(2), queue:split(rand:uniform(queue:len(Q) + 1) - 1, Q));
             9 -> queue:join(Q, queue:from_list(lists:seq(1, X)))
         end,
    walk(N - 1, Q1).

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
