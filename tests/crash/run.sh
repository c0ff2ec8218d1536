#!/usr/bin/env bash
# The crash extension on the lab's real 6.1 dumps.
#
#   tests/crash/run.sh                  every 6.1 scenario of tests/dumps/scenarios/
#   tests/crash/run.sh stock nvme       only these
#
# For each scenario it runs Debian's crash 8.0.2 on tests/dumps/out/6.1/<scenario>/
# (`crash -s vmlinux vmcore -i cmds`), loads the extension as `make install`
# puts it (by its bare name, CRASH_EXTENSIONS naming the staged folder) and runs
# `iommu_inflight -j -k kexec-dmesg.log` (and the text summary, a bad option,
# and on stock a fixture recording), each between `!echo IIF_BEGIN/IIF_END`
# markers because crash's exit status says nothing about its commands (stderr,
# unbuffered, goes to its own file so that it cannot land inside a block).  Then
# tests/crash/check.py holds the JSON against the scenario's truth.json.
#
# A scenario whose dump is missing is a FAILURE, never a skip: build it with
# `make dumps KERNEL=6.1 SCENARIO=<name>`.  (crash 8.0.2 cannot open the 6.12
# dumps, so only 6.1 is tested here; see docs/lab.md.)
#
# Environment: IOMMU_LAB_OUT, IOMMU_LAB_SCENARIOS (as the lab), IIF_CRASH_EXT
# (the .so), IIF_CRASH_TIMEOUT (seconds per crash run, default 600),
# IIF_CRASH_JOBS (crash runs at a time, default 2), IIF_CRASH_KEEP=1 keeps the
# work folder.  Prints `crash: N passed, N failed` last; exits 1 on failure.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=6.1
OUT=${IOMMU_LAB_OUT:-$ROOT/tests/dumps/out}/$KERNEL
SCEN_DIR=${IOMMU_LAB_SCENARIOS:-$ROOT/tests/dumps/scenarios}
EXT=${IIF_CRASH_EXT:-$ROOT/build/iommu_inflight.so}
CLI=${IIF_CLI:-$ROOT/build/iommu-inflight}
TIMEOUT=${IIF_CRASH_TIMEOUT:-600}
JOBS=${IIF_CRASH_JOBS:-2}

die() { echo "crash-tests: $*" >&2; echo "crash: 0 passed, 1 failed"; exit 1; }

command -v crash >/dev/null || die "crash is not installed (apt-get install crash)"
command -v python3 >/dev/null || die "python3 is not installed"
if [ ! -f "$EXT" ] || [ ! -f "$CLI" ]; then
	make -C "$ROOT" -s all >/dev/null || die "make failed: cannot build $EXT"
fi
[ -f "$EXT" ] || die "$EXT: not built"
EXT=$(cd "$(dirname "$EXT")" && pwd)/$(basename "$EXT")

# The scenarios that promise a 6.1 dump (KERNELS defaults to both kernels).
scenarios=()
if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	for conf in "$SCEN_DIR"/*.conf; do
		name=$(basename "$conf" .conf)
		kernels=$(KERNELS="6.1 6.12"; . "$conf" >/dev/null 2>&1; echo "$KERNELS")
		case " $kernels " in *" $KERNEL "*) scenarios+=("$name") ;; esac
	done
fi
[ ${#scenarios[@]} -gt 0 ] || die "no scenario in $SCEN_DIR"

WORK=$(mktemp -d /tmp/iif-crash-tests.XXXXXX)
if [ "${IIF_CRASH_KEEP:-0}" = 1 ]; then
	echo "crash-tests: work folder $WORK (kept)"
else
	trap 'rm -rf "$WORK"' EXIT
fi

# The extension as `make install` lays it out (a staging root), loaded by
# its bare name: crash looks in $CRASH_EXTENSIONS before its own folders.
# IIF_CRASH_EXT=FILE loads that file by its path instead.
LOADED=$EXT
if [ -z "${IIF_CRASH_EXT:-}" ]; then
	make -C "$ROOT" -s install DESTDIR="$WORK/installed" PREFIX=/usr CRASHEXTDIR= > "$WORK/install.log" 2>&1 ||
		die "make install into $WORK/installed failed: $(tail -n 5 "$WORK/install.log")"
	export CRASH_EXTENSIONS=$WORK/installed/usr/lib/crash/extensions
	LOADED=$CRASH_EXTENSIONS/iommu_inflight.so
	EXT=iommu_inflight.so
fi

# tests/crash/probe.c: a test-only extension that drives the crash target
# directly (excluded / invalid pages, caught longjmps).
PROBE=$WORK/probe.so
${CC:-cc} -std=gnu11 -O2 -g -Wall -Wno-unused-parameter -Wno-sign-compare -fPIC -shared \
	-DX86_64 -I/usr/include/crash -I"$ROOT/include" -I"$ROOT/extensions" \
	-Wl,-Bsymbolic -Wl,--exclude-libs,ALL -o "$PROBE" \
	"$ROOT/tests/crash/probe.c" "$ROOT/extensions/crash_target.c" "$ROOT/build/libiommu-inflight.a" \
	|| die "cannot build tests/crash/probe.c"

# One crash session per scenario.  Its command file, output and status go to
# $WORK/<scenario>.{cmds,out,status}.
run_scenario() {
	local s=$1 dir=$OUT/$1 cmds=$WORK/$1.cmds k="" t0 t1 rc
	local missing=""

	for f in vmcore vmlinux truth.json; do
		[ -e "$dir/$f" ] || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		echo "missing $dir:$missing (make dumps KERNEL=$KERNEL SCENARIO=$s)" > "$WORK/$s.status"
		return
	fi
	[ -f "$dir/kexec-dmesg.log" ] && k="-k $dir/kexec-dmesg.log"
	{
		echo "extend $EXT"
		echo "!echo IIF_BEGIN verbose"
		echo "iommu_inflight -v $k"
		echo "!echo IIF_END verbose"
		echo "!echo IIF_BEGIN json"
		echo "iommu_inflight -j $k"
		echo "!echo IIF_END json"
		echo "!echo IIF_BEGIN text"
		echo "iommu_inflight $k"
		echo "!echo IIF_END text"
		echo "!echo IIF_BEGIN badopt"
		echo "iommu_inflight -Z"
		echo "!echo IIF_END badopt"
		echo "!echo IIF_BEGIN flushq"
		echo "iommu_inflight -f"
		echo "!echo IIF_END flushq"
		echo "extend $PROBE"
		echo "!echo IIF_BEGIN probe"
		echo "iif_probe scan"
		echo "iif_probe guard"
		echo "iif_probe read kv 0 8"
		echo "!echo IIF_END probe"
		if [ "$s" = stock ]; then
			echo "!echo IIF_BEGIN record"
			echo "iommu_inflight -j $k -l $dir/vmcore-dmesg.txt -R $WORK/$s.fixture"
			echo "!echo IIF_END record"
		fi
		echo "!echo IIF_DONE"
		echo "exit"
	} > "$cmds"
	t0=$(date +%s.%N)
	timeout "$TIMEOUT" crash -s "$dir/vmlinux" "$dir/vmcore" -i "$cmds" > "$WORK/$s.out" 2> "$WORK/$s.err" < /dev/null
	rc=$?
	t1=$(date +%s.%N)
	echo "rc $rc seconds $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")" > "$WORK/$s.status"
	if [ "$s" = stock ]; then
		# the same command under `crash --minimal` (retrace-server's fallback)
		printf '%s\n' "extend $EXT" "!echo IIF_BEGIN json" "iommu_inflight -j $k" \
			"!echo IIF_END json" "!echo IIF_DONE" "exit" > "$WORK/$s.minimal.cmds"
		timeout "$TIMEOUT" crash --minimal -s "$dir/vmlinux" "$dir/vmcore" \
			-i "$WORK/$s.minimal.cmds" > "$WORK/$s.minimal.out" 2> "$WORK/$s.minimal.err" < /dev/null
		# and under --zero_excluded: crash reads excluded pages as zeros,
		# the target must still call them excluded
		printf '%s\n' "extend $EXT" "extend $PROBE" "!echo IIF_BEGIN json" "iommu_inflight -j $k" \
			"!echo IIF_END json" "!echo IIF_BEGIN probe" "iif_probe scan" "!echo IIF_END probe" \
			"!echo IIF_DONE" "exit" > "$WORK/$s.zero.cmds"
		timeout "$TIMEOUT" crash --zero_excluded -s "$dir/vmlinux" "$dir/vmcore" \
			-i "$WORK/$s.zero.cmds" > "$WORK/$s.zero.out" 2> "$WORK/$s.zero.err" < /dev/null
	fi
	if [ "$s" = elf ]; then
		# the same ELF dump flattened (makedumpfile -F -E, as saved over
		# ssh): crash reads it through its flattened table, and the target
		# must still find the PT_LOAD tails that mark excluded pages
		makedumpfile -F -E -d 31 "$dir/vmcore" > "$WORK/$s.flat.vmcore" 2> "$WORK/$s.flat.mdf" ||
			echo "makedumpfile -F -E failed: $(tail -n 3 "$WORK/$s.flat.mdf")" > "$WORK/$s.flat.out"
		printf '%s\n' "extend $EXT" "extend $PROBE" "!echo IIF_BEGIN verbose" "iommu_inflight -v $k" \
			"!echo IIF_END verbose" "!echo IIF_BEGIN json" "iommu_inflight -j $k" "!echo IIF_END json" \
			"!echo IIF_BEGIN probe" "iif_probe scan" "!echo IIF_END probe" "!echo IIF_DONE" "exit" \
			> "$WORK/$s.flat.cmds"
		[ -s "$WORK/$s.flat.vmcore" ] && timeout "$TIMEOUT" crash -s "$dir/vmlinux" "$WORK/$s.flat.vmcore" \
			-i "$WORK/$s.flat.cmds" > "$WORK/$s.flat.out" 2> "$WORK/$s.flat.err" < /dev/null
		rm -f "$WORK/$s.flat.vmcore"
	fi
	if [ "$s" = stock ] && [ -f "$WORK/$s.fixture" ] && [ -x "$CLI" ]; then
		"$CLI" replay -j $k -l "$dir/vmcore-dmesg.txt" "$WORK/$s.fixture" \
			> "$WORK/$s.replay.json" 2> "$WORK/$s.replay.err"
		echo "$?" > "$WORK/$s.replay.rc"
	fi
}

echo "crash-tests: $(crash --version 2>/dev/null | grep -m1 "^crash"), ${#scenarios[@]} scenario(s), $JOBS at a time"
running=0
for s in "${scenarios[@]}"; do
	run_scenario "$s" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

python3 "$ROOT/tests/crash/check.py" --work "$WORK" --out "$OUT" --loaded "$LOADED" "${scenarios[@]}"
