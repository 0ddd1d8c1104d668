#!/usr/bin/env bash
# run_smoke.sh [ACT]
# Runs the smoke/*.act programs with the act binary (default: target/release/act
# of this checkout) and diffs their stdout with the OTP 25 expectations beside
# them (stdout only, as for the conformance tests). Regenerate an expectation with ../../shared/tools/expect-from-erlang.
set -u
here=$(cd "$(dirname "$0")" && pwd)
act=${1:-$here/../../target/release/act}
fail=0
for f in "$here"/smoke/*.act; do
  out=$(cd "$here/smoke" && "$act" "$(basename "$f")" 2>/dev/null)
  if diff <(echo "$out") "${f%.act}.out" > /tmp/smoke_diff.$$; then
    echo "ok   $(basename "$f")"
  else
    fail=1; echo "FAIL $(basename "$f")"; sed 's/^/     /' /tmp/smoke_diff.$$ | head -20
  fi
done
rm -f /tmp/smoke_diff.$$
exit $fail
