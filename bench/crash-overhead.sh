#!/usr/bin/env bash
# The crash command's own work against crash's start-up, per crash version:
# bookworm's 8.0.2 (this host), trixie's 8.0.6 and sid's 9.0.x (the lab's
# chroots, tests/crash/crashes.sh), each with the extension built against its
# own defs.h.  Start-up is `crash -s VMLINUX VMCORE` running only `quit`; the
# command's own time is what `iommu_inflight -v -k LOG` reports (crash's log,
# analysis, report).  Each dump is opened in full mode, or with --minimal
# when full mode stops (as tests/crash/matrix.sh measures); a crash that
# opens it in neither is shown as such.  Target: the command under 5% of
# start-up.
#
#   bash bench/crash-overhead.sh [BUILD_DIR]
#   BENCH_DUMPS="6.1/stock 7.x/stock" IIF_CRASH_SUITES="sid" narrow it
set -u
root=$(realpath "$(dirname "$(realpath "$0")")/..")
# shellcheck source=tests/lab/lib.sh
. "$root/tests/lab/lib.sh"
# shellcheck source=tests/crash/crashes.sh
. "$root/tests/crash/crashes.sh"
out=$LAB_OUT
dumps=${BENCH_DUMPS:-"5.10/stock 6.1/stock 6.1/nvme 6.12/elf 6.12/stock 7.x/stock"}
tmp=$(mktemp -d /tmp/iif-crash-overhead.XXXXXX); trap 'rm -rf "$tmp"' EXIT
status=0

secs() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# run SUITE DUMP MODE NAME CMDS: crash's output in $tmp/NAME.out, its time on stdout
run() {
    local suite=$1 d=$out/$2 mode=$3 name=$4 cmds=$5 s e opts=()
    [ "$mode" = minimal ] && opts=(--minimal)
    s=$(secs)
    CRASH_EXTRA_BINDS="$d" timeout 600 bash -c '. "$0/tests/lab/lib.sh"; . "$0/tests/crash/crashes.sh"; crash_session "$@"' \
        "$root" "$suite" "$tmp/ext-$suite" "$cmds" "$(readlink -f "$d/vmlinux")" "$d/vmcore" "${opts[@]}" \
        > "$tmp/$name.out" 2>&1 < /dev/null
    e=$(secs)
    elapsed "$s" "$e"
}

echo "== crash start-up vs the iommu_inflight command's own work, per crash version"
printf '%-14s %-16s %-9s %12s %12s %8s\n' crash dump mode "crash start" "command" "share"
IFS=', ' read -r -a suites <<< "$(crash_suites)"
for suite in "${suites[@]}"; do
    if ! crash_prepare "$suite" "$tmp/ext-$suite" > "$tmp/ext-$suite.log" 2>&1; then
        echo "crash-overhead: building the extension for $suite's crash failed:" >&2
        tail -n 20 "$tmp/ext-$suite.log" >&2; status=1; continue
    fi
    version=$(sed 's/^crash //' "$tmp/ext-$suite/version")
    for dump in $dumps; do
        d=$out/$dump
        if [ ! -f "$d/vmcore" ]; then
            echo "crash-overhead: $d/vmcore missing (make dumps KERNEL=${dump%/*} SCENARIO=${dump#*/})" >&2
            status=1; continue
        fi
        printf 'extend @HOST@%s/iommu_inflight.so\niommu_inflight -v -k @HOST@%s/kexec-dmesg.log\nquit\n' \
            "$tmp/ext-$suite" "$d" > "$tmp/cmds"
        printf 'quit\n' > "$tmp/quit"
        line=
        for mode in full minimal; do
            run "$suite" "$dump" "$mode" cmd "$tmp/cmds" > /dev/null
            # time: crash log 0.061 s (N bytes), analysis 0.053 s, report 0.000 s
            line=$(grep -m1 '^time: crash log' "$tmp/cmd.out") && break
        done
        if [ -z "$line" ]; then
            printf '%-14s %-16s %-9s %12s\n' "$version" "$dump" "-" "does not open it"
            continue
        fi
        start=$(run "$suite" "$dump" "$mode" quit "$tmp/quit")
        cmd=$(echo "$line" | awk '{print $4 + $9 + $12}')
        printf '%-14s %-16s %-9s %10.2f s %10.3f s %7.1f%%\n' "$version" "$dump" "$mode" "$start" "$cmd" \
            "$(awk -v c="$cmd" -v s="$start" 'BEGIN { print 100 * c / s }')"
    done
done
exit $status
