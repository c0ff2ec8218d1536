#!/usr/bin/env bash
# Scale tests on synthetic dumps (tools/synth): the generator writes an ELF
# vmcore for the real Debian 6.1 vmlinux together with what the analysis must
# find (per-domain leaves, extents, tables, bytes; every extent; fault classes),
# and `iommu-inflight analyze` must find exactly that.
#
#   bash tests/scale/run.sh [CLI]        (default build/iommu-inflight)
#   SCALE_VMLINUX=FILE                   the 6.1 vmlinux (default: the lab's)
# Last line: "scale: N passed, N failed"; exit status 1 if any failed.
set -u
here=$(dirname "$(realpath "$0")")
root=$(realpath "$here/../..")
cli=$(realpath "${1:-$root/build/iommu-inflight}")
build=$(dirname "$cli")
synth=$build/synth/iommu-synth
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1${2:+: $2}"; fail=$((fail + 1)); }
finish() { echo "scale: $pass passed, $fail failed"; [ "$fail" = 0 ]; exit $?; }

find_vmlinux() {
    local c
    for c in "${SCALE_VMLINUX:-}" "${IOMMU_LAB_OUT:-$root/tests/dumps/out}/6.1/stock/vmlinux" \
             "${IOMMU_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-inflight/lab}"/vmlinux/6.1*/vmlinux-6.1*; do
        [ -n "$c" ] && [ -f "$c" ] && { readlink -f "$c"; return 0; }
    done
    return 1
}
vml=$(find_vmlinux) || { ko "vmlinux" "no Debian 6.1 vmlinux (make dumps KERNEL=6.1 SCENARIO=stock, or SCALE_VMLINUX=)"; finish; }
if ! make -s -C "$root/tools/synth" BUILD="$build" > "$tmp/make.log" 2>&1; then
    cat "$tmp/make.log"; ko "build tools/synth"; finish
fi

# peak anonymous RSS (kB) of a command, sampled every 10 ms (file-backed
# mappings such as the vmlinux's DWARF are not the analysis's own memory)
peak_anon() {
    local out=$1; shift
    "$@" > "$out" 2>/dev/null &
    local pid=$! max=0 v
    while kill -0 $pid 2>/dev/null; do
        v=$(awk '/^RssAnon:/ { print $2 }' /proc/$pid/status 2>/dev/null)
        [ -n "$v" ] && [ "$v" -gt "$max" ] && max=$v
        sleep 0.01
    done
    wait $pid || return 1
    echo "$max"
}

check() {	# check NAME JSON EXPECT [EXTENTS_JSONL [STREAMED_JSONL]]
    python3 - "$@" <<'PY'
import json, sys
name, jpath, epath = sys.argv[1:4]
ext = sys.argv[4] if len(sys.argv) > 4 else ""
streamed = sys.argv[5] if len(sys.argv) > 5 else ""
j = json.load(open(jpath))
e = dict(l.strip().split("=", 1) for l in open(epath) if "=" in l)
errs = []
def eq(what, got, want):
    if str(got) != str(want):
        errs.append(f"{what}: got {got}, want {want}")
# the AMD-Vi part; an Intel DMAR unit of the same machine (--vtd) is checked below
amd = lambda xs: [x for x in xs if x.get("vendor", "amd") != "intel"]
vtd = {"iommus": [x for x in j["iommus"] if x.get("vendor") == "intel"],
       "devices": [x for x in j["devices"] if x.get("vendor") == "intel"],
       "domains": [x for x in j["domains"] if x.get("vendor") == "intel"],
       "mappings": [x for x in j["mappings"] if x.get("vendor") == "intel"]}
for k in ("iommus", "devices", "domains", "mappings"):
    j[k] = amd(j[k])
if "vtd.units" in e:
    eq("VT-d units", [u["name"] for u in vtd["iommus"]], ["dmar0"])
    eq("VT-d unit flush verdict", [u["flush"]["verdict"] for u in vtd["iommus"]], ["none"])
    got = [(d["name"], d["class"], d["domain"], d["mode"], d["mapped_bytes"]) for d in vtd["devices"]]
    eq("VT-d devices", got, [(e["vtd.device"], "translated", int(e["vtd.domain"]), int(e["vtd.mode"]),
                              int(e["vtd.mapped_bytes"]))])
    eq("VT-d domains", [(d["domain"], d["format"], d["mode"], d["extents"], d["mapped_bytes"]) for d in vtd["domains"]],
       [(int(e["vtd.domain"]), e["vtd.format"], int(e["vtd.mode"]), int(e["vtd.extents"]), int(e["vtd.mapped_bytes"]))])
    eq("VT-d unit mode", [u["mode"] for u in vtd["iommus"]],
       ["scalable" if e["vtd.format"] == "first-level" else "legacy"])
    eq("VT-d mappings", [(m["domain"], m["iommu"], m["iova"], m["phys"], int(m["size"], 16)) for m in vtd["mappings"]],
       [(int(e["vtd.domain"]), 0, e["vtd.iova"], e["vtd.phys"], int(e["vtd.mapped_bytes"]))])
    eq("vendors of the machine", sorted({i.get("vendor") for i in amd(j["iommus"]) + vtd["iommus"]}), ["amd", "intel"])
    eq("iommu_active", j.get("iommu_active"), True)
elif any(vtd.values()):
    errs.append("VT-d objects in an AMD-only image: %s" % {k: len(v) for k, v in vtd.items()})
eq("iommus", len(j["iommus"]), e["iommus"])
eq("segments", len({i["segment"] for i in j["iommus"]}), e["segments"])
eq("domains", len(j["domains"]), e["domains"])
for d in j["domains"]:
    k = f"domain.{d['domain']}."
    eq(k + "segment", d["segment"], e[k + "segment"])
    eq(k + "pt_root", int(d["pt_root"], 16), int(e[k + "root"], 16))
    eq(k + "mode", d["mode"], e[k + "mode"])
    eq(k + "walked", d["walked"], True)
    for f in ("extents", "tables", "mapped_bytes", "writable_bytes"):
        eq(k + f, d[f], e[k + f])
    eq(k + "unreadable_tables", d["unreadable_tables"], e.get(k + "unreadable_tables", 0))
    eq(k + "bad_entries", d["bad_entries"], e.get(k + "bad_entries", 0))
ndev = sum(int(v) for k, v in e.items() if k.startswith("segment.") and k.endswith(".devices"))
eq("devices", len(j["devices"]), ndev)
# the generator gives every attached device an iommu_dev_data and a protection
# domain that agree with its DTE: named from it, the DTE the crashed kernel's
for dv in j["devices"]:
    if dv.get("domain") is not None and dv.get("class", dv.get("mode")) != "blocked":
        eq(f"device {dv['name']} name_source", dv.get("name_source"), "dev_data")
        eq(f"device {dv['name']} dte_state", dv.get("dte_state"), "crashed")
        eq(f"device {dv['name']} driver", dv.get("driver"), "synth")
key = lambda m: (m["segment"], m["domain"], int(m["iova"], 16))
keys = ("segment", "domain", "pasid", "iova", "phys", "size", "read", "write")
if ext:
    want = sorted((json.loads(l) for l in open(ext)), key=key)
    if streamed:
        got = [json.loads(l) for l in open(streamed)]
        eq("mappings kept with --mappings-jsonl", len(j["mappings"]), 0)
        # walk order: per domain, ascending IOVA
        for a, b in zip(got, got[1:]):
            if (a["segment"], a["domain"]) == (b["segment"], b["domain"]) and int(b["iova"], 16) <= int(a["iova"], 16):
                errs.append(f"streamed extents out of IOVA order at {b}")
                break
        got = sorted(got, key=key)
    else:
        got = sorted(({k: m.get(k) for k in keys} for m in j["mappings"]), key=key)
    eq("number of extents", len(got), len(want))
    if got != want:
        bad = next((a, b) for a, b in zip(got, want) if a != b) if len(got) == len(want) else None
        errs.append(f"extents differ from the generator's (first: {bad})")
if "faults" in e:
    c = j["correlation"]["counts"]
    for cls in ("old-mapping", "iova-not-mapped", "device-unknown"):
        eq("faults " + cls, c[cls], e["faults." + cls])
    for f in j["correlation"]["faults"]:
        if f["class"] != "old-mapping":
            continue
        x, a = f["extent"], int(f["address"], 16)
        lo, size, phys = int(x["iova"], 16), int(x["size"], 16), int(x["phys"], 16)
        if not (lo <= a < lo + size) or int(f.get("phys", hex(phys + a - lo)), 16) != phys + a - lo:
            errs.append(f"fault at {f['address']} resolved to a wrong extent {x}")
            break
for m in errs[:8]:
    print("   ", m)
sys.exit(1 if errs else 0)
PY
}

# ---- 1. a small image: 2 IOMMUs, 2 segments, 3 domains, ~10^5 PTEs mixed 4K/2M
gen=(--vmlinux "$vml" -q --iommus 2 --segments 2 --devids 65536 --devices 3
     --domain 60000:4k:64 --domain 2000:2m:8 --domain 40000:mix:100)
if "$synth" "${gen[@]}" -o "$tmp/small.vmcore" --expect "$tmp/small.expect" --extents "$tmp/small.ext" \
        --faults 3000 --fault-log "$tmp/small.log" 2> "$tmp/err"; then
    ok "generate small image"
else
    ko "generate small image" "$(cat "$tmp/err")"; finish
fi
a=("$cli" analyze -q --vmlinux "$vml" --vmcore "$tmp/small.vmcore" -l /dev/null)
if "${a[@]}" -j -k "$tmp/small.log" > "$tmp/small.json" 2> "$tmp/err" &&
        check small "$tmp/small.json" "$tmp/small.expect" "$tmp/small.ext"; then
    ok "small image: IOMMUs, segments, devices, domains, every extent, fault classes"
else
    ko "small image" "$(head -3 "$tmp/err")"
fi
if python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["problems"]; sys.exit(len(p) != 0)' "$tmp/small.json"; then
    ok "small image: no problems"
else
    ko "small image: no problems"
fi

# ---- 2. streaming: --mappings-jsonl gives the same extents, keeps none
if "${a[@]}" -j -k "$tmp/small.log" --mappings-jsonl "$tmp/small.stream" > "$tmp/small-s.json" 2> "$tmp/err" &&
        check stream "$tmp/small-s.json" "$tmp/small.expect" "$tmp/small.ext" "$tmp/small.stream"; then
    ok "--mappings-jsonl: every extent streamed in walk order with its segment, none kept"
else
    ko "--mappings-jsonl" "$(head -3 "$tmp/err")"
fi
want=$(awk -F= '$1 == "total.extents" { print $2 }' "$tmp/small.expect")
got=$("${a[@]}" -m --stream 2> /dev/null | grep -Ec '^  [0-9]+ +[0-9]+ +(-|[0-9]+) +(0x[0-9a-f]+|0) +0x[0-9a-f]+ +0x[0-9a-f]+ +[r-][w-]$')
[ "$got" = "$want" ] && ok "-m --stream: $got table rows" || ko "-m --stream" "$got rows, want $want"

# ---- 3. corrupted: an absent table, an excluded table, a cycle, a bad next level
# Tables that could not be read make the analysis incomplete: exit 3
# (CLI_EXIT_INCOMPLETE), never 0, and the JSON still comes out whole.
rc=0
"$synth" "${gen[@]}" --corrupt 0 -o "$tmp/bad.vmcore" --expect "$tmp/bad.expect" --extents "$tmp/bad.ext" 2> "$tmp/err" &&
    { "$cli" analyze -q -j --vmlinux "$vml" --vmcore "$tmp/bad.vmcore" -l /dev/null > "$tmp/bad.json" 2> "$tmp/err" || rc=$?; }
if [ "$rc" = 3 ] && check corrupt "$tmp/bad.json" "$tmp/bad.expect" "$tmp/bad.ext"; then
    ok "corrupted image: exit 3 (incomplete), the rest of every table walked"
else
    ko "corrupted image" "exit $rc, want 3; $(head -3 "$tmp/err")"
fi
if python3 - "$tmp/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["problems"]
text = [json.dumps(x) for x in p]
want = ["invalid address", "excluded", "reached a second time", "next level does not follow"]
miss = [w for w in want if not any(w in t for t in text)]
if miss or len(p) != 4:
    print("    problems:", text, "missing:", miss)
    sys.exit(1)
if d.get("complete") is not False or not d.get("gaps"):
    print("    complete:", d.get("complete"), "gaps:", d.get("gaps"))
    sys.exit(1)
PY
then ok "corrupted image: absent, excluded, cycle and bad next level reported, nothing else; complete false with gaps"
else ko "corrupted image problems"; fi

# ---- 4. a machine with both vendors: the AMD-Vi image plus an Intel DMAR unit
# whose device uses domain ID 1 too; both are reported whole, each as alone.
# The generator gives the VT-d device no struct device (no PCI bus list):
# its flush queue cannot be looked for, so exit 3 with exactly that gap.
rc=0
"$synth" "${gen[@]}" --vtd 1000 -o "$tmp/mixed.vmcore" --expect "$tmp/mixed.expect" --extents "$tmp/mixed.ext" 2> "$tmp/err" &&
    { "$cli" analyze -q -j --vmlinux "$vml" --vmcore "$tmp/mixed.vmcore" -l /dev/null > "$tmp/mixed.json" 2> "$tmp/err" || rc=$?; }
if [ "$rc" = 3 ] && check mixed "$tmp/mixed.json" "$tmp/mixed.expect" "$tmp/mixed.ext" &&
        python3 -c 'import json,sys; g={k: v for k, v in json.load(open(sys.argv[1]))["gaps"].items() if v}; print("    gaps:", g); sys.exit(g != {"flush_queues_incomplete": 1})' "$tmp/mixed.json"; then
    ok "AMD-Vi + VT-d image: both vendors' units, devices, domains and extents, AMD-Vi's as without the unit"
else
    ko "AMD-Vi + VT-d image" "exit $rc, want 3; $(head -3 "$tmp/err")"
fi
# the walk's other VT-d formats end to end (no lab machine has them: QEMU 7.2
# offers neither first-level translation nor a 57-bit address width)
for v in "--vtd-levels 3" "--vtd-levels 5" "--vtd-first-level" "--vtd-first-level --vtd-levels 5"; do
    rc=0
    # shellcheck disable=SC2086
    "$synth" --vmlinux "$vml" -q --iommus 1 --segments 1 --devices 1 --domain 300:4k --vtd 700 $v \
            -o "$tmp/v.vmcore" --expect "$tmp/v.expect" --extents "$tmp/v.ext" 2> "$tmp/err" &&
        { "$cli" analyze -q -j --vmlinux "$vml" --vmcore "$tmp/v.vmcore" -l /dev/null > "$tmp/v.json" 2> "$tmp/err" || rc=$?; }
    if [ "$rc" = 3 ] && check "vtd $v" "$tmp/v.json" "$tmp/v.expect" "$tmp/v.ext"; then
        ok "VT-d $v: the device's table walked in that format, every page found"
    else
        ko "VT-d $v" "exit $rc, want 3; $(head -3 "$tmp/err")"
    fi
done
"$cli" analyze -q -a --vmlinux "$vml" --vmcore "$tmp/mixed.vmcore" -l /dev/null > "$tmp/mixed.txt" 2> /dev/null
if grep -q '^AMD IOMMU state left in RAM' "$tmp/mixed.txt" && grep -q '^Intel VT-d state left in RAM: 1 DMAR\|^Intel VT-d state left in RAM by the crashed kernel: 1 DMAR' "$tmp/mixed.txt" &&
        grep -q '^Domain 0x1 (segment 0, dmar0, second-level' "$tmp/mixed.txt" &&
        grep -q '^Context entries (present):' "$tmp/mixed.txt" && grep -q '^Device table (valid entries):' "$tmp/mixed.txt"; then
    ok "AMD-Vi + VT-d image, text: both vendors' sections, the VT-d domain named by its unit"
else
    ko "AMD-Vi + VT-d image, text" "$(grep -E '^(AMD|Intel|Domain|Context|Device table)' "$tmp/mixed.txt" | head -8 | tr '\n' '|')"
fi

# ---- 5. memory does not grow with the number of streamed extents
"$synth" --vmlinux "$vml" -q --iommus 1 --segments 1 --domain 20000:4k:1 -o "$tmp/m1.vmcore" 2>/dev/null
"$synth" --vmlinux "$vml" -q --iommus 1 --segments 1 --domain 2000000:4k:1 -o "$tmp/m2.vmcore" 2>/dev/null
m1=$(peak_anon "$tmp/m1.out" "$cli" analyze -q -j --vmlinux "$vml" --vmcore "$tmp/m1.vmcore" -l /dev/null --mappings-jsonl /dev/null)
m2=$(peak_anon "$tmp/m2.out" "$cli" analyze -q -j --vmlinux "$vml" --vmcore "$tmp/m2.vmcore" -l /dev/null --mappings-jsonl /dev/null)
if [ -n "$m1" ] && [ -n "$m2" ] && [ $((m2 - m1)) -lt 16384 ]; then
    ok "streamed 2*10^4 vs 2*10^6 extents: peak anonymous RSS $m1 kB vs $m2 kB"
else
    ko "memory with streamed extents" "peak anonymous RSS ${m1:-?} kB (2*10^4 extents) vs ${m2:-?} kB (2*10^6)"
fi
finish
