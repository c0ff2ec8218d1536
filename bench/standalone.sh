#!/usr/bin/env bash
# End-to-end wall time on the same lab dump, side by side in one run:
#   - iommu-inflight analyze -j            (libkdumpfile + libdw, this repository)
#   - crash 8.0.2 + the extension: iommu_inflight -j   (6.1 only: crash cannot open 6.12)
#   - drgn: tests/drgn/iopt_mappings.py    (reads the device tables, walks the same I/O page tables)
# Each command runs BENCH_RUNS times (default 3) after one warm-up run, page cache
# warm; the median is printed.  Every process starts from nothing (vmlinux opened,
# dump opened, symbols and types loaded), as a fleet's triage job would.
#
#   bash bench/standalone.sh [BUILD_DIR]     BENCH_DUMPS="6.1/stock 6.12/stock" narrows it
set -u
here=$(dirname "$(realpath "$0")")
root=$(realpath "$here/..")
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
cli=$build/iommu-inflight
ext=$build/iommu_inflight.so
out=${IOMMU_LAB_OUT:-$root/tests/dumps/out}
runs=${BENCH_RUNS:-3}
dumps=${BENCH_DUMPS:-"6.1/stock 6.1/flattened 6.12/stock 6.12/flattened"}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# median wall seconds of "$@" over $runs runs (after one warm-up); "-" if it fails
timeit() {
    local t=() i s e
    "$@" > "$tmp/out" 2> "$tmp/err" || { echo "-"; return 1; }
    for ((i = 0; i < runs; i++)); do
        s=$(date +%s.%N)
        "$@" > /dev/null 2>&1 || { echo "-"; return 1; }
        e=$(date +%s.%N)
        t+=("$(echo "$e - $s" | bc)")
    done
    printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p" | awk '{ printf "%.3f\n", $1 }'
}

ratio() { [ "$1" = - ] || [ "$2" = - ] && { echo "-"; return; }; echo "scale=1; $2 / $1" | bc; }

printf '%-16s %-12s %10s %10s %10s %9s %9s\n' dump format analyze crash+ext drgn crash/x drgn/x
status=0
for dd in $dumps; do
    d=$out/$dd
    if [ ! -f "$d/vmcore" ] || [ ! -e "$d/vmlinux" ]; then
        echo "bench standalone: no dump in $d" >&2; status=1; continue
    fi
    vml=$(readlink -f "$d/vmlinux")
    fmt=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dump"]["format"])' "$d/truth.json" 2>/dev/null || echo "?")
    klog=(); [ -f "$d/kexec-dmesg.log" ] && klog=(-k "$d/kexec-dmesg.log")

    ta=$(timeit "$cli" analyze -q -j --vmlinux "$vml" --vmcore "$d/vmcore" "${klog[@]}") || status=1

    tc=-
    if [ "${dd%%/*}" = 6.1 ] && [ -f "$ext" ]; then
        printf 'extend %s\niommu_inflight -j %s > /dev/null\nexit\n' "$ext" "${klog[*]}" > "$tmp/cmds"
        tc=$(timeit crash -s "$vml" "$d/vmcore" -i "$tmp/cmds")
    fi

    td=-
    if [ "$fmt" != kdump-flattened ]; then
        td=$(timeit /usr/bin/python3 "$root/tests/drgn/iopt_mappings.py" "$vml" "$d/vmcore")
    else
        # drgn (libkdumpfile 0.5.1) cannot read a flattened dump: makedumpfile -R first, as one must
        cat > "$tmp/drgn-flat.sh" <<EOF
set -e
makedumpfile -R "$tmp/re.vmcore" < "$d/vmcore" > /dev/null
/usr/bin/python3 "$root/tests/drgn/iopt_mappings.py" "$vml" "$tmp/re.vmcore"
rm -f "$tmp/re.vmcore"
EOF
        td=$(timeit bash "$tmp/drgn-flat.sh")
    fi
    printf '%-16s %-12s %9ss %9ss %9ss %8sx %8sx\n' "$dd" "${fmt#kdump-}" "$ta" "$tc" "$td" \
        "$(ratio "$ta" "$tc")" "$(ratio "$ta" "$td")"
done
echo "(median of $runs warm runs each; crash+ext: crash -s VMLINUX VMCORE with 'extend; iommu_inflight -j';"
echo " drgn: /usr/bin/python3 tests/drgn/iopt_mappings.py; x: how many times slower than analyze)"
exit $status
