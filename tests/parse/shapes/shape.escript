#!/usr/bin/env escript
%% Reads Erlang expressions (one `Exprs.` per line) and prints erl_parse's
%% tree of each in the compact text of tests/frontend.rs `shape`, or ERROR.
%% Used to generate tests/parse/shapes/erl_parse.tsv (see gen.py).
main(_) -> loop().
loop() ->
    case io:get_line("") of
        eof -> ok;
        Line ->
            Out = case erl_scan:string(Line) of
                {ok, T, _} -> case erl_parse:parse_exprs(T) of
                    {ok, Es} -> lists:join(" ", [s(E) || E <- Es]);
                    _ -> "ERROR" end;
                _ -> "ERROR" end,
            io:format("~ts~n", [Out]),
            loop()
    end.
s({integer,_,I}) -> integer_to_list(I);
s({float,_,F}) -> float_to_list(F, [short]);
s({atom,_,A}) -> atom_to_list(A);
s({var,_,'_'}) -> "_";
s({var,_,V}) -> atom_to_list(V);
s({string,_,S}) -> io_lib:format("~p", [S]);
s({char,_,C}) -> integer_to_list(C);
s({nil,_}) -> "[]";
s({cons,_,H,T}) -> ["[", s(H), " | ", s(T), "]"];
s({tuple,_,Es}) -> ["{", lists:join(" ", [s(E) || E <- Es]), "}"];
s({match,_,A,B}) -> ["(= ", s(A), " ", s(B), ")"];
s({op,_,Op,A,B}) -> ["(", atom_to_list(Op), " ", s(A), " ", s(B), ")"];
s({op,_,Op,A}) -> ["(", atom_to_list(Op), " ", s(A), ")"];
s({'catch',_,A}) -> ["(catch ", s(A), ")"];
s({call,_,{remote,_,M,F},As}) -> ["(call ", s(M), ":", s(F), [[" ", s(A)] || A <- As], ")"];
s({call,_,{atom,_,F},As}) -> ["(call ", atom_to_list(F), [[" ", s(A)] || A <- As], ")"];
s({call,_,F,As}) -> ["(call <", s(F), ">", [[" ", s(A)] || A <- As], ")"];
s({record,_,N,Fs}) -> ["#", atom_to_list(N), "{", fields(Fs), "}"];
s({record,_,E,N,Fs}) -> [s(E), "#", atom_to_list(N), "{", fields(Fs), "}"];
s({record_field,_,E,N,F}) -> [s(E), "#", atom_to_list(N), ".", s(F)];
s({record_index,_,N,F}) -> ["#", atom_to_list(N), ".", s(F)];
s({map,_,As}) -> ["#{", assocs(As), "}"];
s({map,_,M,As}) -> [s(M), "#{", assocs(As), "}"];
s({block,_,Es}) -> ["(begin", [[" ", s(E)] || E <- Es], ")"];
s({'fun',_,{function,F,A}}) -> ["(fun ", atom_to_list(F), "/", integer_to_list(A), ")"];
s({'fun',_,{function,M,F,A}}) -> ["(fun ", s(M), ":", s(F), "/", s(A), ")"];
s({bin,_,Es}) -> ["<<", lists:join(", ", [seg(E) || E <- Es]), ">>"];
s({lc,_,E,Qs}) -> ["(lc ", s(E), " || ", quals(Qs), ")"];
s({bc,_,E,Qs}) -> ["(lc ", s(E), " || ", quals(Qs), ")"];
s({'case',_,E,Cs}) -> ["(case ", s(E), [[" ", cl(C)] || C <- Cs], ")"];
s({'if',_,Cs}) -> ["(if", [[" ", cl(C)] || C <- Cs], ")"];
s({'receive',_,Cs}) -> ["(receive", [[" ", cl(C)] || C <- Cs], ")"];
s({'receive',_,Cs,T,B}) -> ["(receive", [[" ", cl(C)] || C <- Cs], " after ", s(T), " ->", [[" ", s(X)] || X <- B], ")"];
s({'fun',_,{clauses,Cs}}) -> ["(fun", [[" ", cl(C)] || C <- Cs], ")"];
s({named_fun,_,N,Cs}) -> ["(fun ", atom_to_list(N), [[" ", cl(C)] || C <- Cs], ")"];
s({'try',_,B,Of,Ca,Af}) -> ["(try", [[" ", s(X)] || X <- B], " of", [[" ", cl(C)] || C <- Of], " catch", [[" ", cl(C)] || C <- Ca], " after", [[" ", s(X)] || X <- Af], ")"];
s(Other) -> io_lib:format("?~p", [element(1, Other)]).
cl({clause,_,Ps,Gs,B}) -> ["(", lists:join(" ", [s(P) || P <- Ps]), " when [", lists:join(" ; ", [lists:join(" ", [s(G) || G <- Gu]) || Gu <- Gs]), "] ->", [[" ", s(X)] || X <- B], ")"].
quals(Qs) -> lists:join(", ", [q(Q) || Q <- Qs]).
q({generate,_,P,E}) -> [s(P), " <- ", s(E)];
q({b_generate,_,P,E}) -> [s(P), " <= ", s(E)];
q(F) -> s(F).
seg({bin_element,_,V,Sz,Ts}) -> [s(V), case Sz of default -> ""; _ -> [":", s(Sz)] end,
    case Ts of default -> ""; _ -> ["/", lists:join("-", [case T of {unit,U} -> "unit:" ++ integer_to_list(U); _ -> atom_to_list(T) end || T <- Ts])] end].
fields(Fs) -> lists:join(", ", [[s(F), " = ", s(V)] || {record_field,_,F,V} <- Fs]).
assocs(As) -> lists:join(", ", [[s(K), case T of map_field_assoc -> " => "; _ -> " := " end, s(V)] || {T,_,K,V} <- As]).
