#!/usr/bin/env bash
# iommu-inflight log on the unmodified lab logs of tests/logs/real (see its
# README): every record type, device, domain and count those runs produced.
set -eu
cli=$1
R=tests/logs/real
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for f in "$R"/*.log "$R"/*.txt; do
    b=$(basename "$f")
    "$cli" log --json -v "$f" > "$out/$b.json" 2> "$out/$b.err" || { cat "$out/$b.err"; exit 1; }
done
python3 - "$out" <<'PY'
import collections, json, os, sys
R = sys.argv[1]
def recs(name):
    p = os.path.join(R, name + ".json")
    err = open(os.path.join(R, name + ".err")).read()
    assert "unparsed" not in err, (name, err[:300])
    return [json.loads(l) for l in open(p)]
def types(rs):
    return collections.Counter(r["type"] for r in rs)
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)

# stock runs: the capture kernel copied the old device table, nothing faulted
for k in ("6.1", "6.12"):
    t = types(recs("debian-%s-qemu-amdvi-kexec-dmesg.log" % k))
    want(t == {"KDUMP_TRANSLATION_PRE_ENABLED": 1, "KDUMP_DEV_TABLE_COPIED": 1},
         "%s stock kexec-dmesg: %s" % (k, dict(t)))
    t = types(recs("debian-%s-qemu-amdvi-vmcore-dmesg.txt" % k))
    want(not t, "%s stock vmcore-dmesg (crashed kernel): %s" % (k, dict(t)))
    t = types(recs("debian-%s-qemu-amdvi-kdump-console.log" % k))
    want(t == {"KDUMP_TRANSLATION_PRE_ENABLED": 1, "KDUMP_DEV_TABLE_COPIED": 1},
         "%s stock console: %s" % (k, dict(t)))

# flush-disable runs: no copy, the e1000 faulting at its old RX ring IOVAs
# ("IOMMU event log overflow" on 6.1, "IOMMU Event log restarting" on 6.12)
for k, n_fault, extra in (("6.1", 20, {"EVENT_LOG_OVERFLOW": 16, "RATELIMIT_SUPPRESSED": 2}),
                          ("6.12", 20, {"EVENT_LOG_OVERFLOW": 20, "RATELIMIT_SUPPRESSED": 2})):
    rs = recs("debian-%s-qemu-amdvi-faults-kexec-dmesg.log" % k)
    t = types(rs)
    want(t == dict({"IO_PAGE_FAULT": n_fault}, **extra), "%s faults: %s" % (k, dict(t)))
    f = [r for r in rs if r["type"] == "IO_PAGE_FAULT"]
    want({(r["segment"], r["bdf"], r["domain"], r["driver"]) for r in f} == {(0, "00:03.0", 3, "pci")},
         "%s faults: devices %s" % (k, {(r["segment"], r["bdf"], r["domain"], r["driver"]) for r in f}))
    flags = collections.Counter(r["flags"] for r in f)
    want(flags == {0: n_fault // 2, 0x20: n_fault // 2}, "%s faults: flags %s (reads, then writes)" % (k, dict(flags)))
    want(all(0xffff0000 <= int(r["address"], 16) < 1 << 32 for r in f), "%s faults: addresses" % k)
    s = sorted(r["suppressed"] for r in rs if r["type"] == "RATELIMIT_SUPPRESSED")
    want(s == [40, 25540], "%s: suppressed %s" % (k, s))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
