#!/usr/bin/env bash
# The extension in every crash a support engineer runs, on every lab dump
# that crash can open: bookworm's 8.0.2 (this host), trixie's 8.0.6 and
# sid's 9.0.x (the lab's chroots of those suites, tests/crash/crashes.sh).
#
#   tests/crash/matrix.sh                     every suite, kernel and scenario
#   IIF_CRASH_SUITES="sid" KERNEL=7.x SCENARIO=stock tests/crash/matrix.sh
#
# For each crash the extension is built against that crash's own defs.h,
# inside its chroot, from this tree.  Each dump is opened in full mode; when
# crash stops while starting, again with --minimal.  Which mode worked (and
# why full mode did not) is measured here and printed as a table at the end.
# In the mode that opened it, the report (`iommu_inflight -j -k -l`) must
# keep truth.json's promises, equal the drgn walker's mappings and equal
# `iommu-inflight analyze -j` with the same logs; `help iommu_inflight` must
# be complete and a bad option must leave the session running.
#
# Expected to open (a failure otherwise): 8.0.2 on 6.1; 8.0.6 and 9.0.x on
# 5.10, 6.1, 6.12 (both builds) and 7.x.  A crash that opens none of a
# kernel's dumps outside that promise is measured, not failed.  bookworm's
# 8.0.2 on 6.1 is tested in depth by tests/crash/run.sh, so here it runs on
# the other kernels.  A missing dump is a failure, never a skip.
# Ends with "crash-matrix: N passed, N failed"; exit 1 on failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
. "$REPO/tests/lab/lib.sh"
# shellcheck source=tests/crash/crashes.sh
. "$HERE/crashes.sh"
OUT=$LAB_OUT
CLI=${IIF_CLI:-$REPO/build/iommu-inflight}
TIMEOUT=${IIF_CRASH_TIMEOUT:-600}
JOBS=${IIF_CRASH_JOBS:-2}
IFS=', ' read -r -a kernels <<< "${KERNEL:-5.10 6.1 6.12 6.12-deb13 7.x}"
IFS=', ' read -r -a suites <<< "$(crash_suites)"
if [ -n "${SCENARIO:-}" ]; then IFS=', ' read -r -a scens <<< "$SCENARIO"
else scens=(); for f in "$SCEN_DIR"/*.conf; do scens+=("$(basename "$f" .conf)"); done; fi

die() { echo "crash-matrix: $*" >&2; echo "crash-matrix: 0 passed, 1 failed"; exit 1; }
[ -x "$CLI" ] || make -C "$REPO" -s all > /dev/null || die "make failed"

WORK=$(mktemp -d /tmp/iif-crash-matrix.XXXXXX)
if [ "${IIF_CRASH_KEEP:-0}" = 1 ]; then echo "crash-matrix: work folder $WORK (kept)"
else trap 'rm -rf "$WORK"' EXIT; fi

# the extension for each crash
for suite in "${suites[@]}"; do
    if ! crash_prepare "$suite" "$WORK/ext-$suite" > "$WORK/ext-$suite.log" 2>&1; then
        cat "$WORK/ext-$suite.log" >&2
        echo "build $suite: FAIL" >> "$WORK/builds"
    else
        echo "crash-matrix: $suite: $(cat "$WORK/ext-$suite/version"), extension built against its defs.h"
    fi
done

# the dumps, and for each the reference answers: analyze -j, the drgn walk
dumps=(); vtd_left=()
for k in "${kernels[@]}"; do
    for s in "${scens[@]}"; do
        ks=$( (KERNELS="6.1 6.12"; . "$SCEN_DIR/$s.conf"; echo "$KERNELS") )
        [[ " $ks " == *" $k "* ]] || continue
        # CI time: of the VT-d machine's dumps only IIF_MATRIX_VTD's go through
        # every crash (the others: tests/standalone, and 6.1's tests/crash/run.sh)
        if [[ $s == vtd-* ]] && [[ " ${IIF_MATRIX_VTD-vtd-fault} " != *" $s "* ]] && [ -z "${SCENARIO:-}" ]; then
            vtd_left+=("$k/$s"); continue
        fi
        dumps+=("$k/$s")
    done
done
[ ${#dumps[@]} -gt 0 ] || die "no scenario for kernels ${kernels[*]}"
[ ${#vtd_left[@]} -gt 0 ] && echo "crash-matrix: VT-d dumps not in the matrix (IIF_MATRIX_VTD=\"${IIF_MATRIX_VTD-vtd-fault}\"; checked by tests/standalone): ${vtd_left[*]}"

reference() {           # reference K/S: $WORK/ref/K_S.{analyze,drgn}.json
    local t=$1 d=$OUT/$1 r=$WORK/ref/${1//\//_} vml fmt
    [ -f "$d/vmcore" ] && [ -e "$d/vmlinux" ] && [ -f "$d/truth.json" ] || return 0
    vml=$(readlink -f "$d/vmlinux")
    "$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$d/vmcore" -k "$d/kexec-dmesg.log" \
        -l "$d/vmcore-dmesg.txt" > "$r.analyze.json" 2> "$r.analyze.err"
    fmt=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dump"]["format"])' "$d/truth.json")
    # drgn (libkdumpfile) cannot read the flattened format: that dump's
    # answer is held against analyze's, whose agreement with the same run
    # in the plain format tests/standalone/run.sh checks
    [ "$fmt" = kdump-flattened ] && return 0
    local walker=iopt_mappings.py
    grep -q '"vendor": "intel"' "$d/truth.json" && walker=vtd_mappings.py
    /usr/bin/python3 "$REPO/tests/drgn/$walker" "$vml" "$d/vmcore" > "$r.drgn.json" 2> "$r.drgn.err"
}

session() {             # session SUITE K/S MODE -> $WORK/run/SUITE_K_S.MODE.out
    local suite=$1 t=$2 mode=$3 d=$OUT/$2 e=$WORK/ext-$1 base cmds vml opts=()
    base=$WORK/run/${suite}_${t//\//_}.$mode
    cmds=$base.cmds
    [ "$mode" = minimal ] && opts=(--minimal)
    {
        echo "extend iommu_inflight.so"     # installed: crash_prepare's installed/, CRASH_EXTENSIONS
        echo "!echo IIF_BEGIN json"
        echo "iommu_inflight -j -k @HOST@$d/kexec-dmesg.log -l @HOST@$d/vmcore-dmesg.txt"
        echo "!echo IIF_END json"
        echo "!echo IIF_BEGIN help"
        echo "help iommu_inflight"
        echo "!echo IIF_END help"
        echo "!echo IIF_BEGIN badopt"
        echo "iommu_inflight -Z"
        echo "!echo IIF_END badopt"
        echo "!echo IIF_DONE"
        echo "exit"
    } > "$cmds"
    vml=$(readlink -f "$d/vmlinux")
    CRASH_EXTRA_BINDS="$d" timeout "$TIMEOUT" bash -c '. "$0/tests/lab/lib.sh"; . "$0/tests/crash/crashes.sh"; crash_session "$@"' \
        "$REPO" "$suite" "$e" "$cmds" "$vml" "$d/vmcore" "${opts[@]}" > "$base.out" 2> "$base.err"
    echo $? > "$base.rc"
}

one() {                 # one SUITE K/S: full mode, then --minimal if full did not open it
    local suite=$1 t=$2 base
    base=$WORK/run/${suite}_${t//\//_}
    [ -f "$OUT/$t/vmcore" ] || return 0
    session "$suite" "$t" full
    grep -q '^IIF_DONE' "$base.full.out" || session "$suite" "$t" minimal
}

mkdir -p "$WORK/ref" "$WORK/run"
jobs_=()
for t in "${dumps[@]}"; do jobs_+=("ref $t"); done
for suite in "${suites[@]}"; do
    [ -f "$WORK/ext-$suite/iommu_inflight.so" ] || continue
    for t in "${dumps[@]}"; do
        [ "$suite" = bookworm ] && [ "${t%%/*}" = 6.1 ] && continue   # tests/crash/run.sh
        jobs_+=("one $suite $t")
    done
done
echo "crash-matrix: ${#dumps[@]} dump(s), ${#suites[@]} crash version(s), ${#jobs_[@]} job(s), $JOBS at a time"
t0=$(date +%s)
running=0
for j in "${jobs_[@]}"; do
    set -- $j
    if [ "$1" = ref ]; then reference "$2" & else one "$2" "$3" & fi
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait
echo "crash-matrix: sessions done in $(( $(date +%s) - t0 )) s"

python3 "$HERE/matrix_check.py" --work "$WORK" --out "$OUT" --suites "${suites[*]}" "${dumps[@]}"
