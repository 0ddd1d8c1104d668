#!/usr/bin/env bash
# run_compare.sh: runs every compare_*.escript (our modules against real
# Erlang/OTP) and prints each one's last line: "N checks, M mismatches".
# Mismatches left are the known differences listed in ../README.md.
here=$(cd "$(dirname "$0")" && pwd)
for f in "$here"/compare_*.escript; do
  printf '%-36s %s\n' "$(basename "$f")" "$(escript "$f" 2>&1 | tail -1)"
done
