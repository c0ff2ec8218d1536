#!/usr/bin/env bash
# iommu-inflight log on a damaged syslog file (issue 14): every line with a
# syslog prefix, split events, two boots, a clock stepping back, markers
# without the tag, ratelimit summaries of any function or device, and
# AMD-Vi lines the parser does not know.
set -eu
cli=$1
F=tests/logs/samples/syslog-two-boots.log
err=$(mktemp); trap 'rm -f "$err"' EXIT

# without -v: records only, exactly as documented
"$cli" log --json "$F" | python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
got = [(r["line"], r["type"]) for r in recs]
want = [(2, "KDUMP_TRANSLATION_PRE_ENABLED"), (3, "KDUMP_DEV_TABLE_COPIED"), (6, "ILLEGAL_DEV_TABLE_ENTRY"),
        (7, "RATELIMIT_SUPPRESSED"), (9, "IO_PAGE_FAULT"), (10, "RATELIMIT_SUPPRESSED"), (11, "IO_PAGE_FAULT"),
        (15, "RATELIMIT_SUPPRESSED"), (16, "COMPLETION_WAIT_TIMEOUT"), (21, "IO_PAGE_FAULT"), (22, "IO_PAGE_FAULT"),
        (24, "RATELIMIT_SUPPRESSED")]
assert got == want, got
r = {x["line"]: x for x in recs}
assert r[6]["head_line"] == 5 and r[6]["iommu"] == "ivhd0" and r[6]["time"] == 12.300001, r[6]
assert r[6]["wall_time"] == "Nov 24 02:50:01", r[6]
assert r[7]["function"] == "some_helper" and r[7]["suppressed"] == 12 and r[7]["event_line"] == 8, r[7]
assert r[9]["head_line"] == 8, r[9]
assert (r[10]["driver"], r[10]["segment"], r[10]["bdf"], r[10]["event_line"]) == ("nvme", 0, "01:00.0", 11), r[10]
assert "function" not in r[10], r[10]
assert r[15]["function"] == "__iommu_queue_command_sync" and "event_line" not in r[15], r[15]
assert r[21]["head_line"] == 20 and r[21]["level"] == 3 and r[21]["time"] == 1.000001, r[21]
assert r[22]["head_line"] == 23, r[22]
assert r[24]["iommu"] == "ivhd1" and r[24]["suppressed"] == 7, r[24]
'

# -v: the unrecognised lines come as records in line order, the head of
# boot 1 that lost its tail is unparsed on stderr
"$cli" log --json -v "$F" 2>"$err" | python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
u = [(r["line"], r["text"], r["iommu"]) for r in recs if r["type"] == "UNRECOGNISED"]
assert u == [(14, "AMD-Vi: Something new we do not know", None), (25, "iommu ivhd0: AMD-Vi: weird", "ivhd0")], u
lines = [r["line"] for r in recs]
assert lines == sorted(lines), lines
'
grep -q "syslog-two-boots.log:17: unparsed (incomplete event" "$err"

out=$("$cli" log "$F")
grep -q 'unparsed AMD-Vi-looking lines: 1 (use -v to list them)' <<<"$out"
grep -q 'unrecognised AMD-Vi lines: 2 (use -v to list them)' <<<"$out"
grep -q 'other AMD-Vi lines (init, info): 1' <<<"$out"
grep -q 'log restarts (a new boot, or the clock going back): 1' <<<"$out"
grep -Eq '^ +nvme 0000:01:00.0 +9$' <<<"$out"
grep -Eq '^syslog-two-boots.log:7 .* 12 suppressed in some_helper \(before line 8\)$' <<<"$out"
! grep -q 'Something new' <<<"$out"

out=$("$cli" log -v "$F")
grep -q '^Unrecognised AMD-Vi lines (2):' <<<"$out"
grep -q 'syslog-two-boots.log:14: AMD-Vi: Something new we do not know' <<<"$out"
grep -q 'syslog-two-boots.log:25: iommu ivhd0: AMD-Vi: weird' <<<"$out"
echo ok
