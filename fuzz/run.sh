#!/usr/bin/env bash
# Runs the fuzz targets built by fuzz/build.sh (docs/fuzzing.md).
#
#   bash fuzz/run.sh BUILD_DIR smoke [TARGET...]   make fuzz-smoke (in make check)
#   bash fuzz/run.sh BUILD_DIR fuzz  [TARGET...]   make fuzz
#
# smoke: every input of fuzz/regressions/TARGET/ once, then FUZZ_SMOKE_TIME
#   seconds (default 3) of fuzzing from the seeds, with a fixed random seed
#   and a throw-away corpus; a target passes when nothing crashes.  Last
#   line: "fuzz-smoke: N passed, N failed".
# fuzz: FUZZ_RUNS executions in all (default 10^7), split between the
#   targets by the weights below (a slow target gets fewer), each run from
#   its seeds, its regressions and the corpus it kept from earlier runs
#   (BUILD/fuzz/corpus/TARGET).  Prints executions, coverage (libFuzzer's
#   cov: edges and ft: features), corpus size, speed and crashes per target:
#   a figure, like make bench; only a crash fails it.  Crashing inputs are
#   written to BUILD/fuzz/crashes/TARGET/: each one becomes a regression
#   input (fuzz/regressions/TARGET/NAME) once understood.
#
# FUZZ_TARGETS="a b" (or arguments) runs only those targets.
set -u
root=$(realpath "$(dirname "$0")/..")
build=${1:?usage: run.sh BUILD_DIR smoke|fuzz [TARGET...]}
mode=${2:?usage: run.sh BUILD_DIR smoke|fuzz [TARGET...]}
shift 2
case $build in /*) ;; *) build=$root/$build ;; esac
out=$build/fuzz
cd "$root"

# Share of FUZZ_RUNS per target, in parts of the sum.  Set from the speeds
# measured on this 2-core machine so that no target takes much more than a
# few minutes of a 10^7 run (docs/fuzzing.md has the figures).
weight() {
    case $1 in
        amdvi_ring) echo 10 ;;
        amdvi_*|x86_64_kvtop) echo 100 ;;
        klog_line) echo 100 ;;
        flattened|dump_vmlinux) echo 4 ;;
        klog_stream|dump_reader) echo 2 ;;
        analysis_replay) echo 1 ;;
        *) echo 10 ;;
    esac
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && [ -n "${FUZZ_TARGETS:-}" ] && read -r -a targets <<<"$FUZZ_TARGETS"
if [ ${#targets[@]} -eq 0 ]; then
    for src in fuzz/*.c; do targets+=("$(basename "$src" .c)"); done
fi
for t in "${targets[@]}"; do
    [ -x "$out/$t" ] || { echo "fuzz: $out/$t not built (make fuzz-build)" >&2; exit 1; }
done

# The sanitizers' settings: a report is fatal (libFuzzer keeps the input);
# an allocation too big to be made returns NULL, as glibc's malloc does (a
# damaged dump may ask libkdumpfile for petabytes: it must fail cleanly,
# and so must our code); the dump readers need the slow unwinder for the
# suppressions of libkdumpfile's own leaks (fuzz/lsan.supp).
env_of() {
    local asan="detect_leaks=1:allocator_may_return_null=1"
    case $1 in
        dump_*) echo "ASAN_OPTIONS=$asan:fast_unwind_on_malloc=0" \
                     "LSAN_OPTIONS=suppressions=$root/fuzz/lsan.supp:print_suppressions=0" ;;
        *) echo "ASAN_OPTIONS=$asan" ;;
    esac
}

# libFuzzer options of one target.  The analysis is slow (under 200 runs a
# second here): it starts from inputs of any length at once, so that inputs
# of several patches are tried early, instead of letting them grow slowly.
# A line is cut at KLOG_LINE_MAX (16 KiB): longer ones (a seed has 120 KB)
# only slow klog_line down.
opts_of() {
    case $1 in
        analysis_replay) echo "-len_control=0 -max_len=2048" ;;
        klog_line) echo "-max_len=20000" ;;
    esac
}

# The last statistics line of a libFuzzer log: "#N ... cov: C ft: F corp: K/..."
stats() {
    grep -aE '^#[0-9]+' "$1" | tail -1 |
        sed -nE 's/^#([0-9]+).*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+).*/\1 \2 \3 \4/p'
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

run_target() {	# run_target LOG TARGET ARGS...: libFuzzer's status
    local log=$1 t=$2
    shift 2
    # shellcheck disable=SC2046
    env IIF_SRCDIR="$root" UBSAN_OPTIONS=print_stacktrace=1 $(env_of "$t") \
        "$out/$t" -timeout="${FUZZ_TIMEOUT:-25}" -rss_limit_mb=2048 $(opts_of "$t") \
        -artifact_prefix="$out/crashes/$t/" "$@" >"$log" 2>&1
}

show_failure() {	# show_failure LOG
    grep -aE 'ERROR|property failed|SUMMARY|Test unit written|^#[0-9]+ +(pulse|NEW|DONE)' "$1" |
        grep -av 'INFO' | tail -8 | sed 's/^/    /'
}

mkdir -p "$out/logs"
case $mode in
smoke)
    passed=0 failed=0
    for t in "${targets[@]}"; do
        mkdir -p "$out/crashes/$t"
        regs=()
        if [ -d "fuzz/regressions/$t" ]; then
            for f in fuzz/regressions/"$t"/*; do [ -f "$f" ] && regs+=("$f"); done
        fi
        ok=1
        if [ ${#regs[@]} -gt 0 ] && ! run_target "$out/logs/$t.regressions" "$t" "${regs[@]}"; then
            echo "fuzz-smoke: $t: a regression input fails again"
            show_failure "$out/logs/$t.regressions"
            ok=0
        fi
        tmp=$(mktemp -d "$out/logs/corpus.XXXXXX")
        t0=$(now)
        dirs=("$tmp" "$out/seeds/$t")
        [ -d "fuzz/regressions/$t" ] && dirs+=("fuzz/regressions/$t")
        run_target "$out/logs/$t.smoke" "$t" -seed=1 -max_total_time="${FUZZ_SMOKE_TIME:-3}" "${dirs[@]}"
        rc=$?
        if grep -aq 'run interrupted' "$out/logs/$t.smoke"; then
            echo "fuzz-smoke: $t interrupted (SIGINT or SIGTERM): stopping" >&2
            exit 130
        fi
        if [ $rc -eq 0 ]; then
            read -r n cov ft corp <<<"$(stats "$out/logs/$t.smoke")"
            printf 'fuzz-smoke: %-16s %2d regression inputs, %7s runs in %4.1f s, cov %s ft %s\n' \
                "$t" ${#regs[@]} "${n:-?}" "$(since "$t0")" "${cov:-?}" "${ft:-?}"
        else
            echo "fuzz-smoke: $t: crashed (log: $out/logs/$t.smoke)"
            show_failure "$out/logs/$t.smoke"
            ok=0
        fi
        rm -rf "$tmp"
        if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    done
    echo "fuzz-smoke: $passed passed, $failed failed"
    [ $failed -eq 0 ]
    ;;
fuzz)
    total=${FUZZ_RUNS:-10000000}
    sum=0
    for t in "${targets[@]}"; do sum=$((sum + $(weight "$t"))); done
    echo "== fuzz: $total executions over ${#targets[@]} targets, ASan+UBSan, libFuzzer ($out)"
    printf '%-16s %11s %6s %7s %7s %8s %8s %8s\n' target executions cov ft corpus exec/s time crashes
    status=0 all=0 crashes=0
    t_all=$(now)
    for t in "${targets[@]}"; do
        runs=$((total * $(weight "$t") / sum))
        mkdir -p "$out/corpus/$t" "$out/crashes/$t"
        before=$(ls "$out/crashes/$t" | wc -l)
        dirs=("$out/corpus/$t" "$out/seeds/$t")
        [ -d "fuzz/regressions/$t" ] && dirs+=("fuzz/regressions/$t")
        t0=$(now)
        run_target "$out/logs/$t.fuzz" "$t" -runs="$runs" "${dirs[@]}"
        rc=$?
        if grep -aq 'run interrupted' "$out/logs/$t.fuzz"; then
            echo "fuzz: $t interrupted (SIGINT or SIGTERM): stopping" >&2
            exit 130
        fi
        secs=$(since "$t0")
        read -r n cov ft corp <<<"$(stats "$out/logs/$t.fuzz")"
        new=$(($(ls "$out/crashes/$t" | wc -l) - before))
        [ $rc -ne 0 ] && [ $new -eq 0 ] && new=1
        printf '%-16s %11s %6s %7s %7s %8.0f %6.0f s %8s\n' "$t" "${n:-?}" "${cov:-?}" "${ft:-?}" \
            "${corp:-?}" "$(awk -v n="${n:-0}" -v s="$secs" 'BEGIN { print n / (s + 0.001) }')" "$secs" "$new"
        all=$((all + ${n:-0}))
        if [ $rc -ne 0 ]; then
            status=1
            crashes=$((crashes + new))
            show_failure "$out/logs/$t.fuzz"
        fi
    done
    printf 'fuzz: %s executions in %.0f s, %s crashes (inputs in %s/crashes/)\n' \
        "$all" "$(since "$t_all")" "$crashes" "$out"
    exit $status
    ;;
*)
    echo "usage: run.sh BUILD_DIR smoke|fuzz [TARGET...]" >&2
    exit 2
    ;;
esac
