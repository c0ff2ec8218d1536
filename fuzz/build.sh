#!/usr/bin/env bash
# Builds the fuzz targets and their seed corpora (docs/fuzzing.md).
#
#   bash fuzz/build.sh [BUILD_DIR]        (make fuzz-build; BUILD_DIR: build)
#
# Every .c under src/ but the CLI is compiled with clang, AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer's coverage into BUILD/fuzz/obj/
# (the gcc build in BUILD/obj is left alone); each fuzz/NAME.c is linked
# with them into BUILD/fuzz/NAME; fuzz/seeds.py then writes the seed corpora
# into BUILD/fuzz/seeds/NAME/.  Only what is older than its sources is
# rebuilt.  FUZZ_CC=clang-14 picks another clang.
set -euo pipefail
root=$(realpath "$(dirname "$0")/..")
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
out=$build/fuzz
cc=${FUZZ_CC:-clang}
cd "$root"

command -v "$cc" >/dev/null || { echo "fuzz: $cc not found (make fuzz-deps installs it)" >&2; exit 1; }
warn="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
dump_cflags=$(pkg-config --cflags libkdumpfile libdw 2>/dev/null || true)
dump_libs=$(pkg-config --libs libkdumpfile libaddrxlat libdw 2>/dev/null || echo -lkdumpfile -laddrxlat -ldw -lelf)
cflags="-std=gnu11 $warn -Iinclude -O1 -g $san $dump_cflags"

# The newest header: an object older than it is rebuilt.
newest_hdr=$(find include -name '*.h' -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2)

stale() {	# stale TARGET SOURCES...: true when TARGET is missing or older than one of them
    local t=$1; shift
    [ -e "$t" ] || return 0
    for s in "$@"; do [ "$s" -nt "$t" ] && return 0; done
    return 1
}

mkdir -p "$out/obj"
todo=()
objs=()
for src in $(find src -name '*.c' -not -path 'src/cli/*' | sort); do
    obj=$out/obj/${src%.c}.o
    objs+=("$obj")
    stale "$obj" "$src" "$newest_hdr" && todo+=("$src")
done
if [ ${#todo[@]} -gt 0 ]; then
    echo "fuzz: compiling ${#todo[@]} library sources with $cc and the sanitizers"
    # two at a time: the machine has two cores
    printf '%s\n' "${todo[@]}" | xargs -P 2 -I{} sh -c \
        'mkdir -p "$(dirname "$1/obj/$2")" && '"$cc"' '"$cflags"' -fsanitize=fuzzer-no-link -c "$2" -o "$1/obj/${2%.c}.o"' \
        sh "$out" {}
fi

for src in fuzz/*.c; do
    name=$(basename "$src" .c)
    bin=$out/$name
    if stale "$bin" "$src" fuzz/fuzz.h "${objs[@]}"; then
        echo "fuzz: linking $name"
        # shellcheck disable=SC2086
        $cc $cflags -fsanitize=fuzzer -o "$bin" "$src" "${objs[@]}" $dump_libs -lm
    fi
done

python3 fuzz/seeds.py "$out/seeds" "${CC:-cc}"
