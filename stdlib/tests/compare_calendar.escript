#!/usr/bin/env escript
%% Compares stdlib/calendar.act (as act_calendar) with OTP's calendar.
%% Run: escript stdlib/tests/compare_calendar.escript
-mode(compile).

main(_) ->
    setup([calendar]),
    S = fun(F, A) -> cmp:same(calendar, F, A) end,
    cmp:run(20000, fun() ->
        Days = rand:uniform(800000) - 1,
        S(gregorian_days_to_date, [Days]),
        Date = calendar:gregorian_days_to_date(Days),
        S(date_to_gregorian_days, [Date]), S(day_of_the_week, [Date]),
        S(iso_week_number, [Date]), S(valid_date, [Date]),
        Secs = rand:uniform(80000000000) - 1,
        S(gregorian_seconds_to_datetime, [Secs]),
        DT = calendar:gregorian_seconds_to_datetime(Secs),
        S(datetime_to_gregorian_seconds, [DT]),
        DT2 = calendar:gregorian_seconds_to_datetime(rand:uniform(80000000000) - 1),
        S(time_difference, [DT, DT2]),
        S(seconds_to_daystime, [Secs - 40000000000]),
        S(seconds_to_time, [rand:uniform(90000) - 1]),
        S(now_to_universal_time, [{rand:uniform(2000), rand:uniform(999999), 5}]),
        S(now_to_datetime, [{rand:uniform(2000), rand:uniform(999999), 5}]),
        S(now_to_local_time, [{rand:uniform(2000), rand:uniform(999999), 5}]),
        Y = rand:uniform(3000) - 100, M = rand:uniform(14) - 1, D = rand:uniform(33) - 1,
        S(valid_date, [Y, M, D]), S(is_leap_year, [Y]),
        S(last_day_of_the_month, [Y, M]), S(date_to_gregorian_days, [Y, M, D]),
        S(day_of_the_week, [Y, M, D]),
        T = rand:uniform(4000000000) - 1,
        [S(system_time_to_universal_time, [T * Mul, U]) || {Mul, U} <- [{1, second}, {1000, millisecond}, {1000000, microsecond}]],
        S(system_time_to_local_time, [T, second]),
        [S(system_time_to_rfc3339, [T * Mul + rand:uniform(Mul) - 1, Opts])
         || {Mul, U} <- [{1, second}, {1000, millisecond}, {1000000, microsecond}, {1000000000, nanosecond}],
            Opts <- [[{unit, U}], [{unit, U}, {offset, "Z"}], [{unit, U}, {offset, "-02:30"}],
                     [{unit, U}, {offset, 3600 * Mul}], [{unit, U}, {time_designator, $\s}]]],
        Str = calendar:system_time_to_rfc3339(T, [{offset, "+05:00"}]),
        S(rfc3339_to_system_time, [Str]),
        S(rfc3339_to_system_time, [calendar:system_time_to_rfc3339(T * 1000 + 7, [{unit, millisecond}]), [{unit, millisecond}]]),
        S(local_time_to_universal_time, [DT]), S(local_time_to_universal_time_dst, [DT]),
        S(universal_time_to_local_time, [DT])
    end),
    [S(F, [X]) || X <- [-1, a, {2023, 2, 30}, {0, 1, 1}], F <- [gregorian_days_to_date, date_to_gregorian_days, valid_date, iso_week_number]],
    S(time_to_seconds, [{1, 2, 3}]), S(time_to_seconds, [{a, 2, 3}]),
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
