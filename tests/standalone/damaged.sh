#!/usr/bin/env bash
# Damaged dumps made from the lab's real ones: each cut short at several
# points (1% to the last byte), in every format the lab makes (kdump-
# compressed, flattened, ELF) and on every kernel series.  For each cut,
# `iommu-inflight analyze` must say the dump is damaged and how, exit 3 (or
# exit 1 naming the cut when nothing could be opened), and give no verdict
# that the intact dump contradicts (tests/standalone/damaged_check.py).  Then
# the same cuts as one --batch: a status per line, the worst as exit status.
#
#   tests/standalone/damaged.sh [CLI]     DAMAGED_DUMPS="6.1/stock" narrows it
# Ends with "damaged: N passed, N failed"; a missing dump is a failure.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CLI=${1:-$REPO/build/iommu-inflight}
OUT=${IOMMU_LAB_OUT:-$REPO/tests/dumps/out}
DUMPS=${DAMAGED_DUMPS:-"5.10/stock 6.1/stock 6.1/flattened 6.1/elf 6.12/stock 6.12-deb13/stock 7.x/stock"}
CUTS=${DAMAGED_CUTS:-"1 5 25 50 75 90 99 last"}
EXT=${IIF_CRASH_EXT:-$REPO/build/iommu_inflight.so}
# where the crash command (this host's crash 8.0.2) is run on the cut dump too
CRASH_DUMP=6.1/stock CRASH_CUTS="90 last"

. "$HERE/common.sh"
tmp=$(mktemp -d /tmp/iif-damaged.XXXXXX); trap 'rm -rf "$tmp"' EXIT

# crash_leg VMLINUX CUT BASE INTACT LABEL: the crash command on the cut dump
crash_leg() {
    local vml=$1 cut=$2 base=$3 ref=$4 label=$5
    if ! crash_session "$vml" "$cut" "$base"; then
        bad "$label: crash did not open it in either mode: $CRASH_FAILURE"; return
    fi
    if out=$(/usr/bin/python3 "$HERE/damaged_check.py" --crash "$ref" "$base"); then
        ok "$label: crash 8.0.2 [$CRASH_MODE]: $out"
    else
        bad "$label: crash 8.0.2 [$CRASH_MODE]"; echo "$out" | sed 's/^/       /'
    fi
}
: > "$tmp/batch.list"; nbatch=0
for t in $DUMPS; do
    d=$OUT/$t
    echo "== $t"
    if [ ! -f "$d/vmcore" ] || [ ! -e "$d/vmlinux" ]; then
        bad "$t: no dump in $d (make dumps KERNEL=${t%/*} SCENARIO=${t#*/})"; continue
    fi
    vml=$(readlink -f "$d/vmlinux")
    ref=$tmp/${t//\//_}.intact.json
    "$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$d/vmcore" > "$ref" 2> "$tmp/err"
    rc=$?
    if [ "$rc" = 0 ]; then ok "$t: the intact dump: exit 0"
    else bad "$t: the intact dump: exit $rc: $(head -c 300 "$tmp/err")"; continue; fi
    size=$(stat -c %s "$d/vmcore")
    for c in $CUTS; do
        if [ "$c" = last ]; then n=$((size - 1)); else n=$((size * c / 100)); fi
        cut=$tmp/${t//\//_}.$c.vmcore
        head -c "$n" "$d/vmcore" > "$cut"
        base=$tmp/${t//\//_}.$c
        "$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$cut" > "$base.json" 2> "$base.err"
        echo $? > "$base.rc"
        "$CLI" analyze -q --vmlinux "$vml" --vmcore "$cut" > "$base.txt" 2> /dev/null
        label="$t cut to $c$([ "$c" = last ] && echo " byte but one" || echo %) ($n of $size bytes)"
        if out=$(/usr/bin/python3 "$HERE/damaged_check.py" "$ref" "$base"); then
            ok "$label: $out"
        else
            bad "$label"; echo "$out" | sed 's/^/       /'
        fi
        if [ "$t" = "$CRASH_DUMP" ] && [[ " $CRASH_CUTS " == *" $c "* ]]; then
            crash_leg "$vml" "$cut" "$base.crash" "$ref" "$label"
        fi
        # the batch keeps the copies of two cuts per dump
        if [ "$c" = 50 ] || [ "$c" = last ]; then
            echo "$cut $vml" >> "$tmp/batch.list"; nbatch=$((nbatch + 1))
        else
            rm -f "$cut"
        fi
    done
done

if [ "$nbatch" -gt 0 ]; then
    "$CLI" analyze -q --batch "$tmp/batch.list" > "$tmp/batch.out" 2> /dev/null
    rc=$?
    if out=$(/usr/bin/python3 "$HERE/damaged_check.py" --batch "$tmp/batch.out" "$nbatch" "$rc"); then
        ok "batch of $nbatch cut dumps: $out"
    else
        bad "batch of $nbatch cut dumps"; echo "$out" | sed 's/^/       /'
    fi
fi
echo "damaged: $pass passed, $fail failed"
[ "$fail" = 0 ]
