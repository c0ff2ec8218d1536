#!/usr/bin/env bash
# The crash command's own work against crash's start-up, on the lab's 6.1
# dumps: crash -s VMLINUX VMCORE with only `quit` (start-up), and the command's
# own time as `iommu_inflight -v` reports it (crash's log, analysis, report).
# Target (issue: crash> iommu_inflight): the command's work under 5% of start-up.
#
#   bash bench/crash-overhead.sh [BUILD_DIR]     BENCH_DUMPS="6.1/stock" narrows it
set -u
root=$(realpath "$(dirname "$(realpath "$0")")/..")
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
out=${IOMMU_LAB_OUT:-$root/tests/dumps/out}
dumps=${BENCH_DUMPS:-"6.1/stock 6.1/nvme 6.1/passthrough"}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0

echo "== crash start-up vs the iommu_inflight command's own work"
printf '%-16s %12s %12s %8s\n' dump "crash start" "command" "share"
for dump in $dumps; do
    d=$out/$dump
    if [ ! -f "$d/vmcore" ]; then
        echo "crash-overhead: $d/vmcore missing (make dumps)" >&2; status=1; continue
    fi
    printf 'quit\n' > "$tmp/quit"
    s=$(date +%s.%N)
    crash -s "$d/vmlinux" "$d/vmcore" -i "$tmp/quit" > /dev/null 2>&1
    e=$(date +%s.%N)
    start=$(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')
    printf 'extend %s\niommu_inflight -v -k %s\nquit\n' "$build/iommu_inflight.so" "$d/kexec-dmesg.log" > "$tmp/cmds"
    line=$(crash -s "$d/vmlinux" "$d/vmcore" -i "$tmp/cmds" 2>&1 | grep '^time: crash log')
    # time: crash log 0.061 s (N bytes), analysis 0.053 s, report 0.000 s
    cmd=$(echo "$line" | awk '{print $4 + $9 + $12}')
    if [ -z "$cmd" ]; then
        echo "crash-overhead: no timing line from iommu_inflight -v on $dump" >&2; status=1; continue
    fi
    printf '%-16s %10.2f s %10.3f s %7.1f%%\n' "$dump" "$start" "$cmd" "$(awk -v c="$cmd" -v s="$start" 'BEGIN { print 100 * c / s }')"
done
exit $status
