#!/usr/bin/env bash
# iommu-inflight log: standard input, missing files, hostile bytes.
set -u
cli=$1
S=tests/logs/samples
fail() { echo "FAIL: $*"; exit 1; }

# "-" reads standard input
out=$("$cli" log --json - < "$S/vmcore-dmesg-rhel7-era-b.txt") || fail "stdin rc"
n=$(printf '%s\n' "$out" | grep -c '"type"')
[ "$n" -eq 13 ] || fail "stdin records: $n"
printf '%s\n' "$out" | head -1 | grep -q '"file":"<stdin>","line":4,"type":"IO_PAGE_FAULT"' || fail "stdin first record"

# stdin mixed with files
out=$(printf '[ 1.0] AMD-Vi: Command buffer timeout\n' | "$cli" log --json "$S/kdump-6.18-reuse.log" -) || fail "mixed rc"
printf '%s\n' "$out" | grep -q '"file":"<stdin>","line":1,"type":"COMMAND_BUFFER_TIMEOUT"' || fail "mixed stdin"

# a missing file: clear error naming it, non-zero exit, the other files still processed
err=$(mktemp); trap 'rm -f "$err"' EXIT
out=$("$cli" log --json "$S/dmesg-era-c-split.log" /nonexistent/kexec-dmesg.log "$S/kdump-6.18-reuse.log" 2>"$err")
rc=$?
[ "$rc" -ne 0 ] || fail "missing file: rc 0"
grep -q "/nonexistent/kexec-dmesg.log" "$err" || fail "error does not name the file: $(cat "$err")"
grep -qi "no such file" "$err" || fail "error does not say why: $(cat "$err")"
printf '%s\n' "$out" | grep -q 'dmesg-era-c-split.log' || fail "first file lost"
printf '%s\n' "$out" | grep -q 'kdump-6.18-reuse.log' || fail "file after the missing one lost"

# a directory is an error too, and does not stop the run
"$cli" log --json "$S" "$S/kdump-6.18-reuse.log" >/dev/null 2>"$err"
[ $? -ne 0 ] || fail "directory: rc 0"
grep -q "$S" "$err" || fail "directory not named"

# line noise: NUL bytes, invalid UTF-8, ANSI escapes, CR, a 120 KB line, binary garbage
out=$("$cli" log --json -v "$S/serial-console-noise.log" 2>"$err") || fail "noise rc"
printf '%s\n' "$out" | python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
lines = [r["line"] for r in recs]
assert lines == [1, 3, 4, 6, 10], lines
assert recs[-1]["address"] == "0x2463000", recs[-1]
assert recs[2]["time"] == 20.000003, recs[2]
' || fail "noise records"
grep -q 'serial-console-noise.log:2: unparsed' "$err" || fail "noise: truncated line not reported"

# random binary input never crashes
head -c 300000 /dev/urandom > "$err.bin"
"$cli" log -v "$err.bin" >/dev/null 2>&1; rc=$?
rm -f "$err.bin"
[ "$rc" -eq 0 ] || fail "binary input rc=$rc"
echo ok
