#!/usr/bin/env bash
# The standalone reader (`iommu-inflight analyze`) on every lab dump of both kernels.
#
#   tests/standalone/run.sh [CLI]        (default build/iommu-inflight)
#   KERNEL=6.12 SCENARIO=stock tests/standalone/run.sh     narrows it
#
# For each scenario folder (tests/dumps/out/<kernel>/<scenario>, IOMMU_LAB_OUT moves it):
#   1. the JSON keeps truth.json's promises (IOMMUs, translated/identity devices in
#      their own domains with live mappings, flush verdict, capture-kernel markers);
#   2. the crashed kernel's log read from the dump equals vmcore-dmesg.txt;
#   3. the mappings equal the independent drgn walker's (tests/drgn/iopt_mappings.py), and the
#      flush queues drgn's reader (tests/drgn/flush_queues.py, through the IOMMU groups);
#   4. format variants of one run (truth.json "run" names another scenario) agree with it;
#   5. 6.1: the JSON equals the crash extension's (crash 8.0.2 + build/iommu_inflight.so,
#      same -k/-l), after removing the target and timing keys;
#   6. a wrong vmlinux (the other kernel's) is refused, naming both releases.
# A missing dump, vmlinux, drgn or crash extension is a failure, never a skip.
# Ends with "standalone: N passed, N failed"; exit status 1 on any failure.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CLI=${1:-$REPO/build/iommu-inflight}
OUT=${IOMMU_LAB_OUT:-$REPO/tests/dumps/out}
SCEN_DIR=${IOMMU_LAB_SCENARIOS:-$REPO/tests/dumps/scenarios}
EXT=${IIF_CRASH_EXT:-$REPO/build/iommu_inflight.so}
PY_DRGN=/usr/bin/python3
CHECK="/usr/bin/python3 $HERE/check.py"

pass=0; fail=0
ok()   { pass=$((pass + 1)); printf '  ok   %s\n' "$*"; }
bad()  { fail=$((fail + 1)); printf '  FAIL %s\n' "$*"; }

IFS=', ' read -r -a kernels <<< "${KERNEL:-5.10 6.1 6.12 6.12-deb13 7.x}"
if [ -n "${SCENARIO:-}" ]; then IFS=', ' read -r -a scens <<< "$SCENARIO"
else scens=(); for f in "$SCEN_DIR"/*.conf; do scens+=("$(basename "$f" .conf)"); done; fi

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
[ -x "$CLI" ] || { bad "no $CLI (make first)"; echo "standalone: $pass passed, $fail failed"; exit 1; }

for k in "${kernels[@]}"; do
    for s in "${scens[@]}"; do
        ks=$( (KERNELS="6.1 6.12"; . "$SCEN_DIR/$s.conf"; echo "$KERNELS") )
        [[ " $ks " == *" $k "* ]] || continue
        d=$OUT/$k/$s; t="$k/$s"
        echo "== $t"
        if [ ! -f "$d/vmcore" ] || [ ! -f "$d/truth.json" ] || [ ! -e "$d/vmlinux" ]; then
            bad "$t: no dump (vmcore, truth.json, vmlinux) in $d"; continue
        fi
        vml=$(readlink -f "$d/vmlinux")
        klog=(); [ -f "$d/kexec-dmesg.log" ] && klog=(-k "$d/kexec-dmesg.log")
        j=$tmp/${k}_$s.json
        "$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$d/vmcore" "${klog[@]}" > "$j" 2> "$tmp/err"; rc=$?
        if [ $rc = 0 ]; then
            ok "$t: analyze -j ($(wc -c < "$j") bytes)"
        else
            bad "$t: analyze failed: $(head -c 300 "$tmp/err")"; continue
        fi
        if out=$($CHECK truth "$d/truth.json" "$j"); then ok "$t: truth.json promises"
        else bad "$t: truth.json promises"; echo "$out"; fi

        if "$CLI" analyze -q --dmesg --vmlinux "$vml" --vmcore "$d/vmcore" > "$tmp/dmesg" 2> "$tmp/err" &&
           cmp -s "$tmp/dmesg" "$d/vmcore-dmesg.txt"; then
            ok "$t: log from the dump = vmcore-dmesg.txt ($(wc -l < "$tmp/dmesg") lines)"
        else
            bad "$t: log from the dump differs from vmcore-dmesg.txt: $(diff "$tmp/dmesg" "$d/vmcore-dmesg.txt" | head -3 | tr '\n' ' ') $(head -c 200 "$tmp/err")"
        fi

        fmt=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dump"]["format"])' "$d/truth.json")
        vendor=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["promises"].get("vendor", "amd"))' "$d/truth.json")
        if [ "$vendor" = intel ]; then
            # VT-d: units, devices and every mapped page against the VT-d walker
            if "$PY_DRGN" "$REPO/tests/drgn/vtd_mappings.py" "$vml" "$d/vmcore" > "$tmp/drgn.json" 2> "$tmp/err"; then
                if out=$($CHECK vtd-drgn "$j" "$tmp/drgn.json"); then
                    ok "$t: VT-d units, devices and mappings = drgn's ($(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["mappings"]))' "$j") extents)"
                else bad "$t: VT-d vs drgn"; echo "$out"; fi
            else
                bad "$t: drgn VT-d walker failed: $(tail -c 300 "$tmp/err")"
            fi
        elif [ "$fmt" = kdump-flattened ]; then
            : # drgn (libkdumpfile 0.5.1) cannot read it; check 4 compares it with its run instead
        elif "$PY_DRGN" "$REPO/tests/drgn/iopt_mappings.py" "$vml" "$d/vmcore" > "$tmp/drgn.json" 2> "$tmp/err"; then
            if out=$($CHECK drgn "$j" "$tmp/drgn.json"); then
                ok "$t: mappings = drgn's ($(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["mappings"]))' "$j") extents)"
            else bad "$t: mappings vs drgn"; echo "$out"; fi
        else
            bad "$t: drgn walker failed: $(tail -c 300 "$tmp/err")"
        fi
        if [ "$fmt" != kdump-flattened ]; then
            if "$PY_DRGN" "$REPO/tests/drgn/flush_queues.py" "$vml" "$d/vmcore" > "$tmp/drgn-fq.json" 2> "$tmp/err"; then
                if out=$($CHECK fq "$j" "$tmp/drgn-fq.json"); then
                    ok "$t: flush queues = drgn's ($(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["cookies"]), "cookies,", len(d["entries"]), "entries")' "$tmp/drgn-fq.json"))"
                else bad "$t: flush queues vs drgn"; echo "$out"; fi
            else
                bad "$t: drgn flush-queue reader failed: $(tail -c 300 "$tmp/err")"
            fi
        fi

        run=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("run",""))' "$d/truth.json")
        if [ -n "$run" ] && [ "$run" != "$s" ]; then
            base=$OUT/$k/$run
            if [ ! -f "$base/vmcore" ]; then
                bad "$t: its run '$run' has no dump to compare with"
            elif "$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$base/vmcore" "${klog[@]}" > "$tmp/base.json" 2> "$tmp/err"; then
                if out=$($CHECK variant "$tmp/base.json" "$j" "$fmt"); then ok "$t: agrees with $run ($fmt)"
                else bad "$t: differs from $run"; echo "$out"; fi
            else
                bad "$t: analyze of $run failed: $(head -c 200 "$tmp/err")"
            fi
        fi

        if [ "$k" = 6.1 ]; then
            if [ ! -f "$EXT" ]; then
                bad "$t: no crash extension $EXT to compare with (make)"
            else
                llog=(); [ -f "$d/vmcore-dmesg.txt" ] && llog=(-l "$d/vmcore-dmesg.txt")
                "$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$d/vmcore" "${klog[@]}" "${llog[@]}" > "$tmp/sa.json" 2>/dev/null
                printf 'extend %s\niommu_inflight -j %s %s > %s\nexit\n' "$EXT" "${klog[*]}" "${llog[*]}" "$tmp/crash.json" > "$tmp/crash.cmds"
                if timeout 300 crash -s "$vml" "$d/vmcore" -i "$tmp/crash.cmds" > "$tmp/crash.out" 2>&1 < /dev/null &&
                   [ -s "$tmp/crash.json" ]; then
                    if out=$($CHECK same "$tmp/crash.json" "$tmp/sa.json"); then ok "$t: JSON = the crash extension's"
                    else bad "$t: JSON differs from the crash extension's"; echo "$out"; fi
                else
                    bad "$t: crash with the extension failed: $(tail -c 300 "$tmp/crash.out")"
                fi
            fi
        fi
    done
done

# a vmlinux of the other kernel is refused, with both versions named
a=$OUT/6.1/stock; b=$OUT/6.12/stock
if [ -f "$a/vmcore" ] && [ -e "$b/vmlinux" ]; then
    if "$CLI" analyze -q -j --vmlinux "$b/vmlinux" --vmcore "$a/vmcore" > /dev/null 2> "$tmp/err"; then
        bad "mismatched vmlinux accepted"
    elif grep -q '6.12' "$tmp/err" && grep -q '6.1.0' "$tmp/err"; then
        ok "mismatched vmlinux refused: $(head -c 200 "$tmp/err")"
    else
        bad "mismatched vmlinux refused without naming both: $(head -c 200 "$tmp/err")"
    fi
else
    bad "mismatch test: needs 6.1/stock and 6.12/stock"
fi

# --vmlinux given as the -dbg .deb: 6.x's layout (usr/lib/debug/boot/vmlinux-REL
# is the file) and 7.x's (it is a symlink to ../lib/modules/REL/vmlinux), built
# here around the 6.1 vmlinux; the JSON must equal the one from the vmlinux.
a=$OUT/6.1/stock
if [ -f "$a/vmcore" ] && [ -e "$a/vmlinux" ]; then
    vml=$(readlink -f "$a/vmlinux"); rel=${vml##*/vmlinux-}
    "$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$a/vmcore" > "$tmp/deb-ref.json" 2>/dev/null
    for layout in file symlink; do
        st=$tmp/deb-$layout; rm -rf "$st"; mkdir -p "$st/DEBIAN" "$st/usr/lib/debug/boot"
        printf 'Package: linux-image-%s-dbg\nVersion: 1\nArchitecture: amd64\nMaintainer: lab <lab@localhost>\nDescription: test\n' \
            "$rel" > "$st/DEBIAN/control"
        if [ "$layout" = file ]; then
            ln "$vml" "$st/usr/lib/debug/boot/vmlinux-$rel" 2>/dev/null || cp "$vml" "$st/usr/lib/debug/boot/vmlinux-$rel"
        else
            mkdir -p "$st/usr/lib/debug/lib/modules/$rel"
            ln "$vml" "$st/usr/lib/debug/lib/modules/$rel/vmlinux" 2>/dev/null || cp "$vml" "$st/usr/lib/debug/lib/modules/$rel/vmlinux"
            ln -s "../lib/modules/$rel/vmlinux" "$st/usr/lib/debug/boot/vmlinux-$rel"
        fi
        dpkg-deb -Znone --root-owner-group --build "$st" "$tmp/dbg-$layout.deb" > /dev/null 2>&1; rm -rf "$st"
        if "$CLI" analyze -q -j --vmlinux "$tmp/dbg-$layout.deb" --vmcore "$a/vmcore" > "$tmp/deb.json" 2> "$tmp/err" &&
           cmp -s "$tmp/deb.json" "$tmp/deb-ref.json"; then
            ok "-dbg .deb with the vmlinux as a $layout (the $( [ $layout = file ] && echo 5.10-6.x || echo 7.x ) layout): same JSON"
        else
            bad "-dbg .deb with the vmlinux as a $layout: $(head -c 300 "$tmp/err")"
        fi
        rm -f "$tmp/dbg-$layout.deb"
    done
else
    bad ".deb test: needs 6.1/stock"
fi

# batch: every dump of the run, plus a bad one, one JSON line each
list=$tmp/batch.list; n=0
for k in "${kernels[@]}"; do for s in "${scens[@]}"; do
    [ -f "$OUT/$k/$s/vmcore" ] && { echo "$OUT/$k/$s/vmcore $(readlink -f "$OUT/$k/$s/vmlinux")" >> "$list"; n=$((n + 1)); }
done; done
echo "/nonexistent/vmcore" >> "$list"; n=$((n + 1))
"$CLI" analyze -q --batch "$list" > "$tmp/batch.out" 2> "$tmp/batch.err"; rc=$?
lines=$(wc -l < "$tmp/batch.out")
errs=$(grep -c '"error"' "$tmp/batch.out")
if [ "$rc" = 1 ] && [ "$lines" = "$n" ] && [ "$errs" = 1 ] &&
   /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/batch.out"; then
    ok "batch: $n dumps, $n JSON lines, the bad one reported, exit 1"
else
    bad "batch: rc $rc, $lines lines for $n dumps, $errs errors"
fi

echo "standalone: $pass passed, $fail failed"
[ "$fail" = 0 ]
