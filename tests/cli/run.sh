#!/usr/bin/env bash
# Runs every tests/cli/test-*.sh against the built CLI and prints a
# "N passed, N failed" closing line.  Each test script gets the CLI path as $1
# and exits non-zero on failure.
set -u
cli=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
pass=0 fail=0
for t in "$here"/test-*.sh; do
    [ -e "$t" ] || continue
    name=$(basename "$t" .sh)
    if out=$(cd "$here/../.." && bash "$t" "$cli" 2>&1); then
        pass=$((pass + 1)); echo "PASS $name"
    else
        fail=$((fail + 1)); echo "FAIL $name"; printf '%s\n' "$out" | sed 's/^/    /'
    fi
done
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
