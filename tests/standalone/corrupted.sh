#!/usr/bin/env bash
# Dumps damaged inside: a copy of a real lab dump (kdump-compressed) with one
# kernel structure made wrong, excluded or zeroed (tests/standalone/corrupt.py):
# the IOMMU list, the struct amd_iommu's page, the device table (its page
# excluded or zeroed, its pointer wild, last_bdf beyond it), the command
# ring's pointer and software tail, and an I/O page-table entry pointing wild
# or back into its own table, or at a table excluded from the dump, and (in
# lazy mode: the 5.10 guests) the head of a flush queue.  For
# each, `iommu-inflight analyze` must exit 3, name the damage among its
# problems and give no verdict the intact dump contradicts
# (corrupted_check.py); on 6.1 the crash command (this host's crash) is run
# on some of them too.  Last, a vmlinux of another build is refused.
#
#   tests/standalone/corrupted.sh [CLI]    CORRUPTED_DUMPS="6.1/stock" narrows it
# Ends with "corrupted: N passed, N failed"; a missing dump is a failure, and
# so is a case that applies to no kernel series at all.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CLI=${1:-$REPO/build/iommu-inflight}
PROBE=${IIF_DUMP_PROBE:-$REPO/build/synth/dump-probe}
OUT=${IOMMU_LAB_OUT:-$REPO/tests/dumps/out}
DUMPS=${CORRUPTED_DUMPS:-"5.10/stock 6.1/stock 6.12/stock 6.12-deb13/stock 7.x/stock"}
CASES="iommu-list-wild iommu-page-excluded iommu-page-zeroed devtab-excluded devtab-zeroed
       devtab-pointer-wild last-bdf-out-of-range cmd-buf-wild cmd-tail-wild pte-wild pte-cycle
       pt-page-excluded fq-head-wild"
EXT=${IIF_CRASH_EXT:-$REPO/build/iommu_inflight.so}
CRASH_DUMP=6.1/stock CRASH_CASES="iommu-list-wild devtab-zeroed pte-cycle"

. "$HERE/common.sh"
tmp=$(mktemp -d /tmp/iif-corrupted.XXXXXX); trap 'rm -rf "$tmp"' EXIT
[ -x "$PROBE" ] || { bad "no $PROBE (make synth)"; echo "corrupted: $pass passed, $fail failed"; exit 1; }
declare -A applied

for t in $DUMPS; do
    d=$OUT/$t
    echo "== $t"
    if [ ! -f "$d/vmcore" ] || [ ! -e "$d/vmlinux" ]; then
        bad "$t: no dump in $d (make dumps KERNEL=${t%/*} SCENARIO=${t#*/})"; continue
    fi
    vml=$(readlink -f "$d/vmlinux")
    ref=$tmp/intact.json
    "$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$d/vmcore" > "$ref" 2> "$tmp/err"
    rc=$?
    [ "$rc" = 0 ] || { bad "$t: the intact dump: exit $rc: $(head -c 300 "$tmp/err")"; continue; }
    for c in $CASES; do
        base=$tmp/$c
        what=$(/usr/bin/python3 "$HERE/corrupt.py" "$c" "$PROBE" "$vml" "$d/vmcore" "$ref" "$base.vmcore" 2>&1)
        rc=$?
        if [ "$rc" = 3 ]; then
            echo "  --   $t $c: $what"; continue
        elif [ "$rc" != 0 ]; then
            bad "$t $c: the damaged copy could not be made: $(echo "$what" | tail -n 1)"; continue
        fi
        applied[$c]=1
        "$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$base.vmcore" > "$base.json" 2> "$base.err"
        echo $? > "$base.rc"
        "$CLI" analyze -q --vmlinux "$vml" --vmcore "$base.vmcore" > "$base.txt" 2> /dev/null
        if out=$(/usr/bin/python3 "$HERE/corrupted_check.py" "$c" "$ref" "$base"); then
            ok "$t $c ($what): $out"
        else
            bad "$t $c ($what)"; echo "$out" | sed 's/^/       /'
        fi
        if [ "$t" = "$CRASH_DUMP" ] && [[ " $CRASH_CASES " == *" $c "* ]]; then
            if ! crash_session "$vml" "$base.vmcore" "$base.crash"; then
                bad "$t $c: crash did not get through it in either mode: $CRASH_FAILURE"
            elif out=$(/usr/bin/python3 "$HERE/corrupted_check.py" --crash "$c" "$ref" "$base.crash"); then
                ok "$t $c: crash 8.0.2 [$CRASH_MODE]: $out"
            else
                bad "$t $c: crash 8.0.2 [$CRASH_MODE]"; echo "$out" | sed 's/^/       /'
            fi
        fi
        rm -f "$base.vmcore"
    done
done
for c in $CASES; do
    [ -n "${applied[$c]:-}" ] || bad "$c applies to none of $DUMPS"
done

# A vmlinux from another build: refused at open, naming both releases.
a=$OUT/6.1/stock b=$OUT/6.12/stock
if [ -f "$a/vmcore" ] && [ -e "$b/vmlinux" ]; then
    "$CLI" analyze -q -j --vmlinux "$(readlink -f "$b/vmlinux")" --vmcore "$a/vmcore" > /dev/null 2> "$tmp/err"
    rc=$?
    if [ "$rc" = 1 ] && grep -q "6\.1\." "$tmp/err" && grep -q "6\.12\." "$tmp/err"; then
        ok "6.1 dump with the 6.12 vmlinux: exit 1, $(head -c 150 "$tmp/err")"
    else
        bad "6.1 dump with the 6.12 vmlinux: exit $rc: $(head -c 300 "$tmp/err")"
    fi
else
    bad "no 6.1/stock dump or 6.12/stock vmlinux for the wrong-vmlinux case"
fi
echo "corrupted: $pass passed, $fail failed"
[ "$fail" = 0 ]
