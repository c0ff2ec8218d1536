#!/usr/bin/env bash
# `make install` as a support engineer's machine gets it, in each crash a user
# runs: bookworm's 8.0.2, trixie's 8.0.6 and sid's 9.0.x, each in a fresh
# system of its suite (a throw-away copy of the lab's chroot of that suite,
# CHROOT_SCRATCH in tests/lab/chroot.sh; bookworm's too, not this host).
#
#   tests/crash/install.sh          IIF_CRASH_SUITES="sid" narrows it
#
# In each suite, from this tree:
#   1. `make install` (default PREFIX) builds the tool and the extension
#      against that suite's /usr/include/crash/defs.h and installs them;
#   2. that suite's crash, on a lab dump it opens in full mode, loads the
#      extension by its bare name (`extend iommu_inflight.so`, crash's own
#      search), `help iommu_inflight` is complete, and the report equals
#      `iommu-inflight analyze -j` with the same logs and keeps truth.json's
#      promises;
#   3. the other suites' builds are refused by this crash's extension loader
#      with the version check's message (built for another crash), the
#      session going on;
#   4. `make uninstall` leaves no file of the install behind.
# Ends with "crash-install: N passed, N failed"; a missing dump fails.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
. "$REPO/tests/lab/lib.sh"
# shellcheck source=tests/crash/crashes.sh
. "$HERE/crashes.sh"
DUMP=${IIF_INSTALL_DUMP:-6.1/stock}
CLI=${IIF_CLI:-$REPO/build/iommu-inflight}
d=$LAB_OUT/$DUMP
IFS=', ' read -r -a suites <<< "$(crash_suites)"

die() { echo "crash-install: $*" >&2; echo "crash-install: 0 passed, 1 failed"; exit 1; }
[ -f "$d/vmcore" ] && [ -f "$d/truth.json" ] || die "the dump $d is missing (make dumps KERNEL=${DUMP%/*} SCENARIO=${DUMP#*/})"
[ -x "$CLI" ] || make -C "$REPO" -s all > /dev/null || die "make failed"
vml=$(readlink -f "$d/vmlinux")

WORK=$(mktemp -d /tmp/iif-crash-install.XXXXXX)
cleanup() {
    # the scratch copies' upper layers hold root-owned build trees; the
    # overlay itself ended with chroot_run's mount namespace
    rm -rf "$WORK"
    for r in "${roots[@]:-}"; do [ -n "$r" ] && rm -rf "${r:?}/.lab-work/install."*; done
}
roots=()
if [ "${IIF_CRASH_KEEP:-0}" = 1 ]; then echo "crash-install: work folder $WORK (kept)"
else trap cleanup EXIT; fi
mkdir -p "$WORK/so"

"$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$d/vmcore" -k "$d/kexec-dmesg.log" \
    -l "$d/vmcore-dmesg.txt" > "$WORK/analyze.json" 2> "$WORK/analyze.err"

# session SUITE ROOT WORK NAME SCRIPT: SCRIPT run by /bin/sh in the suite's
# scratch copy, in WORK/src, with the dump's folders and $WORK/so shown
# read-only; output in $WORK/SUITE.NAME.out
in_scratch() {
    local suite=$1 root=$2 w=$3 name=$4 script=$5
    CHROOT_SCRATCH=$WORK/scratch-$suite CHROOT_BINDS="$(dirname "$vml") $d $WORK/so" \
        chroot_run "$root" "$w" /bin/sh -c "cd ${w#"$root"}/src && $script" \
        > "$WORK/$suite.$name.out" 2>&1 < /dev/null
}

for suite in "${suites[@]}"; do
    # bookworm's too: crash_root would give the host, not a fresh system
    root=$(lab_chroot "$suite") || { echo "no $suite chroot" > "$WORK/$suite.install.out"; continue; }
    root=$root/root
    roots+=("$root")
    w=$(mktemp -d "$root/.lab-work/install.XXXXXX") || die "cannot make a folder in $root/.lab-work"
    echo "$w" > "$WORK/$suite.work"
    mkdir -p "$w/tmp"
    # shellcheck disable=SC2046
    (cd "$REPO" && tar -cf - $(crash_ext_sources)) |
        (mkdir -p "$w/src" && tar -C "$w/src" -xf -) || die "cannot copy the sources into $w"
    hv=$(chroot_host_path "$root" "$w" "$vml"); hd=$(chroot_host_path "$root" "$w" "$d")
    crash_report_cmds "$hd" > "$w/installed.cmds"
    echo "crash-install: $suite: make install, then its crash on $DUMP"
    in_scratch "$suite" "$root" "$w" install \
        "make -s install > install.log 2>&1 || { tail -n 30 install.log; exit 1; }
         echo IIF_INSTALLED
         ls -l /usr/local/bin/iommu-inflight /usr/local/lib/crash/extensions/iommu_inflight.so \
               /usr/lib/crash/extensions/iommu_inflight.so
         crash --version | grep -m1 '^crash' | sed 's/^/IIF_VERSION /'
         crash -s $hv $hd/vmcore -i ${w#"$root"}/installed.cmds"
    cp "$WORK/scratch-$suite/upper/usr/local/lib/crash/extensions/iommu_inflight.so" \
        "$WORK/so/$suite.so" 2> /dev/null
done

for suite in "${suites[@]}"; do
    [ -f "$WORK/$suite.work" ] || continue
    w=$(cat "$WORK/$suite.work"); root=${w%/.lab-work/*}
    hv=$(chroot_host_path "$root" "$w" "$vml"); hd=$(chroot_host_path "$root" "$w" "$d")
    {
        for other in "${suites[@]}"; do
            [ "$other" = "$suite" ] && continue
            echo "!echo IIF_BEGIN foreign_$other"
            echo "extend $(chroot_host_path "$root" "$w" "$WORK/so")/$other.so"
            echo "!echo IIF_END foreign_$other"
        done
        echo "!echo IIF_DONE"
        echo "exit"
    } > "$w/foreign.cmds"
    echo "crash-install: $suite: the other crashes' builds, then make uninstall"
    in_scratch "$suite" "$root" "$w" uninstall \
        "crash -s $hv $hd/vmcore -i ${w#"$root"}/foreign.cmds
         make -s uninstall > uninstall.log 2>&1 || { cat uninstall.log; exit 1; }
         echo IIF_UNINSTALLED"
    # what the install left in the fresh system: the scratch layer's files
    # outside the job's own folder
    if [ -d "$WORK/scratch-$suite/upper/usr" ]; then
        (cd "$WORK/scratch-$suite/upper" &&
            find . -path ./.lab-work -prune -o -path ./proc -prune -o \( -type f -o -type l \) -print) \
            > "$WORK/$suite.left"
    else
        echo "(no scratch layer with the install in it: $WORK/scratch-$suite/upper/usr)" > "$WORK/$suite.left"
    fi
done

python3 "$HERE/install_check.py" --work "$WORK" --truth "$d/truth.json" --dump "$DUMP" "${suites[@]}"
