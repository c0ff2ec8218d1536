#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail).  `make bench` runs `bash bench/run.sh build`.
#
#   bash bench/run.sh [BUILD_DIR]
#
# 1. Every bench/*.c is compiled with the project's flags into BUILD/bench/NAME,
#    linked with BUILD/libiommu-inflight.a, and run without arguments.
# 2. Every other bench/*.sh script (not this one) is run with BUILD_DIR as $1.
# To add a benchmark, drop a .c (a main() printing its figures) or a .sh next
# to this file; nothing here needs to change.  BENCH_ONLY=name runs just one.
set -u
here=$(dirname "$(realpath "$0")")
root=$(realpath "$here/..")
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
lib=$build/libiommu-inflight.a
cc=${CC:-cc}
cflags="-std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -O2 -g -I$root/include"
status=0

if [ ! -f "$lib" ]; then
    echo "bench: $lib not found; run make first" >&2
    exit 1
fi
mkdir -p "$build/bench"

# --- section 1: C benchmarks ------------------------------------------------
for src in "$here"/*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    [ -n "${BENCH_ONLY:-}" ] && [ "$BENCH_ONLY" != "$name" ] && continue
    echo "== bench $name"
    if ! $cc $cflags -o "$build/bench/$name" "$src" "$lib" -lm; then
        echo "bench: $name did not compile" >&2
        status=1
        continue
    fi
    (cd "$root" && "$build/bench/$name") || { echo "bench: $name failed" >&2; status=1; }
done

# --- section 2: script benchmarks ------------------------------------------
for script in "$here"/*.sh; do
    [ -e "$script" ] || continue
    [ "$(basename "$script")" = run.sh ] && continue
    name=$(basename "$script" .sh)
    [ -n "${BENCH_ONLY:-}" ] && [ "$BENCH_ONLY" != "$name" ] && continue
    echo "== bench $name"
    (cd "$root" && bash "$script" "$build") || { echo "bench: $name failed" >&2; status=1; }
done

exit $status
