#!/usr/bin/env bash
# iommu-inflight log: the text table, the summary, -v and several files.
set -eu
cli=$1
S=tests/logs/samples
out=$("$cli" log "$S/dmesg-6.1-era-e.log")
grep -q '^FILE:LINE' <<<"$out"
grep -Eq '^dmesg-6.1-era-e.log:9 +2.000001 +IO_PAGE_FAULT +- +0000:01:00.0 +nvme +0x000d' <<<"$out"
grep -Eq 'IO_PAGE_FAULT +4$' <<<"$out"
grep -Eq '^ +0000:01:00.0 +nvme +8$' <<<"$out"
grep -Eq '^ +0x000d +4$' <<<"$out"
grep -q 'lines 9-35: 10 faults, first 2.000001, last 2.003001' <<<"$out"
grep -q 'Messages suppressed by ratelimit: 37' <<<"$out"
grep -q 'unparsed AMD-Vi-looking lines: 4 (use -v to list them)' <<<"$out"
grep -q 'kdump: translation was pre-enabled' <<<"$out"
# without -v the unparsed lines are only counted
! grep -q 'BOGUS_EVENT' <<<"$out"

# -v lists them with file:line and the reason
out=$("$cli" log -v "$S/dmesg-6.1-era-e.log")
grep -q '^Unparsed AMD-Vi-looking lines (4):' <<<"$out"
grep -q 'dmesg-6.1-era-e.log:44: unknown event type' <<<"$out"
grep -q 'BOGUS_EVENT' <<<"$out"
grep -q 'dmesg-6.1-era-e.log:45: DTE dump line without its' <<<"$out"

# --json -v: records on stdout stay pure JSON, unparsed lines go to stderr
err=$(mktemp); trap 'rm -f "$err"' EXIT
"$cli" log --json -v "$S/dmesg-6.1-era-e.log" 2>"$err" | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]'
grep -q 'dmesg-6.1-era-e.log:44: unparsed' "$err"

# several files: records of each, summary over all
out=$("$cli" log "$S/dmesg-era-c-split.log" "$S/vmcore-dmesg-rhel7-era-b.txt")
grep -q '^dmesg-era-c-split.log:2 ' <<<"$out"
grep -q '^vmcore-dmesg-rhel7-era-b.txt:4 ' <<<"$out"
grep -q 'AMD-Vi records:      20' <<<"$out"

# 7.x: the Control Register and the command-buffer dump, one row each
out=$("$cli" log -v "$S/dmesg-7.3-kdump-timeout.log")
grep -Eq '^dmesg-7.3-kdump-timeout.log:7 +1.000007 +CONTROL_REGISTER +ivhd0 .* 0xc22000003f48d \(after line 6\)$' <<<"$out"
grep -Eq '^dmesg-7.3-kdump-timeout.log:13 +1.000013 +COMMAND_BUFFER_DUMP +0000:00:02.0 .* head=3 tail=5, 2 pending, 512 of 512 slots; at head: INVALIDATE_IOMMU_PAGES domain=3 addr=all pde \(after line 12\)$' <<<"$out"
grep -q 'unparsed AMD-Vi-looking lines: 0' <<<"$out"
grep -q 'old device table reused' <<<"$out"

# a file without AMD-Vi lines
out=$("$cli" log /dev/null)
grep -q 'No AMD IOMMU records found.' <<<"$out"

# --help and usage errors
"$cli" log --help | grep -q 'usage: iommu-inflight log'
set +e
"$cli" log >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || { echo "no file: rc=$rc"; exit 1; }
"$cli" log --bogus x >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || { echo "bad option: rc=$rc"; exit 1; }
echo ok
