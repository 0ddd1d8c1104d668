#!/usr/bin/env bash
# build.sh OUTDIR MOD...
# Compiles stdlib/MOD.act under real Erlang/OTP as module act_MOD (only the
# -module line is renamed; calls to other modules still reach OTP's), so the
# compare_*.escript scripts can check our module against OTP's own.
set -eu
out=$1; shift
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
erlc -o "$out" "$here/tests/cmp.erl"
for m in "$@"; do
  sed "s/^-module($m)\./-module(act_$m)./" "$here/$m.act" > "$out/act_$m.erl"
  erlc -o "$out" "$out/act_$m.erl"
done
