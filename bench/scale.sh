#!/usr/bin/env bash
# Scale benchmark on synthetic dumps (tools/synth, ELF vmcores for the real
# Debian 6.1 vmlinux, read by the standalone reader):
#   1. the largest image: a 10^8-PTE VFIO-like domain (4 KiB pages, 800 MB of
#      tables), a 10^6 x 2 MiB domain, a mixed one, 4 IOMMUs, 2 segments of
#      64K devids: summary time, JSON-lines streaming time, peak RSS
#      (/usr/bin/time) and peak anonymous RSS (sampled)
#   2. the walk against merely reading the same table pages through the same
#      reader, side by side (tools/synth/walk_vs_read.c)
#   3. correlation: N faults against M extents, N/M = 10^4/10^5 and 10^5/10^6
#
#   bash bench/scale.sh [BUILD_DIR]    SCALE_PTES=1e8 (size of the big domain)  SCALE_DIR=/tmp
set -u
here=$(dirname "$(realpath "$0")")
root=$(realpath "$here/..")
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
cli=$build/iommu-inflight
synth=$build/synth/iommu-synth
ptes=${SCALE_PTES:-1e8}
tmp=$(mktemp -d "${SCALE_DIR:-${TMPDIR:-/tmp}}/iommu-scale.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
vml=
for c in "${SCALE_VMLINUX:-}" "${IOMMU_LAB_OUT:-$root/tests/dumps/out}/6.1/stock/vmlinux" \
         "${IOMMU_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-inflight/lab}"/vmlinux/6.1*/vmlinux-6.1*; do
    [ -n "$c" ] && [ -f "$c" ] && { vml=$(readlink -f "$c"); break; }
done
[ -n "$vml" ] || { echo "bench scale: no Debian 6.1 vmlinux (make dumps KERNEL=6.1 SCENARIO=stock)" >&2; exit 1; }
make -s -C "$root/tools/synth" BUILD="$build" || { echo "bench scale: tools/synth did not build" >&2; exit 1; }
status=0

# run CMD...: sets T (wall s), RSS (peak kB, /usr/bin/time), ANON (peak anonymous kB, sampled)
run() {
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" > "$tmp/out" 2> "$tmp/err" &
    local pid=$! max=0 v p
    while kill -0 $pid 2>/dev/null; do
        p=$(pgrep -P $pid | head -1)
        v=$([ -n "$p" ] && awk '/^RssAnon:/ { print $2 }' /proc/$p/status 2>/dev/null)
        [ -n "$v" ] && [ "$v" -gt "$max" ] && max=$v
        sleep 0.02
    done
    wait $pid || { echo "bench scale: failed: $* ($(head -2 "$tmp/err"))" >&2; status=1; }
    read -r T RSS < "$tmp/time"
    ANON=$max
}
mb() { echo "scale=1; $1 / 1024" | bc; }

echo "-- 1. largest image: domain of $ptes 4 KiB PTEs + 10^6 x 2 MiB + 10^5 mixed; 4 IOMMUs, 2 segments x 64K devids"
s=$(date +%s.%N)
"$synth" -q --vmlinux "$vml" -o "$tmp/big.vmcore" --iommus 4 --segments 2 --devids 65536 --devices 4 \
    --domain "$ptes:4k:512" --domain 1e6:2m:64 --domain 1e5:mix:16 --domain 1000 --expect "$tmp/big.expect" ||
    { echo "bench scale: generator failed" >&2; exit 1; }
e=$(date +%s.%N)
size=$(stat -c %s "$tmp/big.vmcore"); used=$(du -k "$tmp/big.vmcore" | cut -f1)
printf 'generated in %.1f s: %d MB file (%d MB on disk), %s tables, %s leaf PTEs, %s extents\n' \
    "$(echo "$e - $s" | bc)" $((size >> 20)) $((used >> 10)) \
    "$(awk -F= '$1=="total.tables"{print $2}' "$tmp/big.expect")" \
    "$(awk -F= '$1=="total.leaves"{print $2}' "$tmp/big.expect")" \
    "$(awk -F= '$1=="total.extents"{print $2}' "$tmp/big.expect")"
cat "$tmp/big.vmcore" > /dev/null
"$synth" -q --vmlinux "$vml" -o "$tmp/tiny.vmcore" --iommus 4 --segments 2 --domain 1000 2>/dev/null
a=(analyze -q --vmlinux "$vml" -l /dev/null)
printf '%-44s %8s %12s %14s\n' "run" "wall s" "peak RSS MB" "peak anon MB"
run "$cli" "${a[@]}" --vmcore "$tmp/tiny.vmcore"
printf '%-44s %8s %12s %14s\n' "tiny image, summary (baseline)" "$T" "$(mb "$RSS")" "$(mb "$ANON")"
base_rss=$RSS
run "$cli" "${a[@]}" --vmcore "$tmp/big.vmcore"; sum_t=$T
printf '%-44s %8s %12s %14s\n' "largest image, summary (text, no mappings)" "$T" "$(mb "$RSS")" "$(mb "$ANON")"
run "$cli" "${a[@]}" --vmcore "$tmp/big.vmcore" -j --mappings-jsonl "$tmp/big.jsonl"
str_anon=$ANON str_rss=$RSS
printf '%-44s %8s %12s %14s   (%s lines)\n' "largest image, -j --mappings-jsonl FILE" "$T" "$(mb "$RSS")" "$(mb "$ANON")" \
    "$(wc -l < "$tmp/big.jsonl")"
rm -f "$tmp/big.jsonl"
run "$cli" "${a[@]}" --vmcore "$tmp/big.vmcore" -m --stream
printf '%-44s %8s %12s %14s\n' "largest image, -m --stream (text table)" "$T" "$(mb "$RSS")" "$(mb "$ANON")"
echo "targets: streamed anonymous memory < 64 MB: $([ "$str_anon" -lt 65536 ] && echo met || echo NOT met);" \
     "peak RSS < 64 MB: $([ "$str_rss" -lt 65536 ] && echo met || echo "NOT met ($(mb "$base_rss") MB already for the tiny image: the vmlinux's DWARF and, with libkdumpfile's default mmap policy, the dump pages read)");" \
     "summary in seconds: ${sum_t} s"

echo
echo "-- 2. walk vs reading the same table pages through the same reader (best of 3 after a warm-up)"
"$build/synth/walk-vs-read" "$vml" "$tmp/big.vmcore" 3 || status=1
rm -f "$tmp/big.vmcore"

echo
echo "-- 3. correlation of N faults against M extents (capture log with known answers; -j with and without it)"
printf '%-10s %-10s %10s %10s %12s %14s %s\n' N M "no log s" "with log s" "per fault us" "classes" ""
for nm in "1e4 1e5" "1e5 1e6"; do
    set -- $(printf '%.0f %.0f' $nm)
    "$synth" -q --vmlinux "$vml" -o "$tmp/c.vmcore" --iommus 1 --segments 1 --domain "$2:4k:1" \
        --faults "$1" --fault-log "$tmp/c.log" --expect "$tmp/c.expect"
    run "$cli" "${a[@]}" -j --vmcore "$tmp/c.vmcore"; t0=$T
    run "$cli" "${a[@]}" -j --vmcore "$tmp/c.vmcore" -k "$tmp/c.log"; t1=$T
    classes=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["correlation"]["counts"]; print("%d/%d/%d" % (c["old-mapping"], c["iova-not-mapped"], c["device-unknown"]))' "$tmp/out")
    want=$(awk -F= '/^faults\./ { printf "%s%s", s, $2; s="/" }' "$tmp/c.expect")
    printf '%-10s %-10s %10s %10s %12.2f %14s %s\n' "$1" "$2" "$t0" "$t1" \
        "$(echo "($t1 - $t0) * 1000000 / $1" | bc -l)" "$classes" "$([ "$classes" = "$want" ] && echo "as generated" || echo "WRONG (want $want)")"
    [ "$classes" = "$want" ] || status=1
done
echo "(classes: old-mapping/iova-not-mapped/device-unknown; the walk resolves the sorted lookups in one merge pass)"
exit $status
