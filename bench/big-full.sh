#!/usr/bin/env bash
# The full-size big lab scenario (tests/dumps/scenarios/big-full.conf: a guest
# module maps 5*10^7 4 KiB and 2*10^5 2 MiB pages for one device in a 16 GiB
# guest), built on demand for both kernels, then `iommu-inflight analyze` on
# it: the summary, and every mapping streamed as JSON lines.
#
#   bash bench/big-full.sh [BUILD_DIR]      BENCH_BIG_KERNELS="6.1" narrows it
set -u
root=$(realpath "$(dirname "$(realpath "$0")")/..")
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
cli=$build/iommu-inflight
out=${IOMMU_LAB_OUT:-$root/tests/dumps/out}
kernels=${BENCH_BIG_KERNELS:-"6.1 6.12"}
status=0

echo "== big-full lab scenario: building (if needed) for $kernels"
# big-full is left out of make check by KERNELS="${IOMMU_LAB_BENCH_KERNELS:-}"
export IOMMU_LAB_BENCH_KERNELS="$kernels"
IOMMU_LAB_TIMEOUT=${IOMMU_LAB_TIMEOUT:-900} bash "$root/tests/lab/make-dumps.sh" --scenario big-full || {
    echo "big-full: the lab could not build the scenario" >&2; exit 1; }

printf '%-8s %-34s %8s %10s %s\n' kernel run "wall s" "peak MB" result
for k in $kernels; do
    d=$out/$k/big-full
    [ -f "$d/vmcore" ] || { echo "big-full: $d/vmcore missing" >&2; status=1; continue; }
    t=$( { /usr/bin/time -f "%e %M" "$cli" analyze -q -j --vmlinux "$d/vmlinux" --vmcore "$d/vmcore" > /tmp/big-full.json; } 2>&1 | tail -1)
    sum=$(/usr/bin/python3 -c "
import json; a=json.load(open('/tmp/big-full.json')); d=[x for x in a['devices'] if x['bdf']=='00:07.0'][0]
print('00:07.0 %d bytes mapped, %d extents' % (d['mapped_bytes'], [x for x in a['domains'] if x['domain']==d['domain']][0]['extents']))" 2>&1)
    printf '%-8s %-34s %8s %10s %s\n' "$k" "analyze -j (summary + 10^6 listed)" "${t% *}" "$(( ${t#* } / 1024 ))" "$sum"
    t=$( { /usr/bin/time -f "%e %M" "$cli" analyze -q -j --mappings-jsonl /dev/null --vmlinux "$d/vmlinux" --vmcore "$d/vmcore" > /dev/null; } 2>&1 | tail -1)
    printf '%-8s %-34s %8s %10s %s\n' "$k" "analyze --mappings-jsonl /dev/null" "${t% *}" "$(( ${t#* } / 1024 ))" "every extent streamed"
done
rm -f /tmp/big-full.json
exit $status
