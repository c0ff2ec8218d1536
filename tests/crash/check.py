#!/usr/bin/env python3
"""Checks what tests/crash/run.sh got from crash against each scenario's truth.json.

Input: the work folder of run.sh (<scenario>.out with IIF_BEGIN/IIF_END blocks,
<scenario>.status) and the lab's output folder (<scenario>/truth.json).
Prints one line per check, a timing table, and `crash: N passed, N failed` last.
Exits 1 on any failure.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth_promises import (expected_flush_verdict, capture_fault_errors, unprocessed_event_errors,  # noqa: E402
                            flush_queue_errors, stale_iotlb_fault_errors)
from excluded_fields import without_excluded  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from session_blocks import blocks, parse_json_block  # noqa: E402

# The JSON keys fixed by the issue (include/report/report.h, docs/json-analysis.md).
TOP_KEYS = ["schema", "iommus", "devices", "mappings", "flush", "events", "correlation", "problems"]
IOMMU_KEYS = ["index", "segment", "bdf", "mmio_phys", "cmd_ring"]
RING_KEYS = ["tail", "head_sw", "need_sync", "completion_wait", "entries"]
CW_KEYS = ["sem", "expected", "retired"]
DEVICE_KEYS = ["segment", "bdf", "devid", "iommu", "translation", "mode", "pt_root", "domain",
               "ir", "iw", "driver"]
MAPPING_KEYS = ["domain", "iova", "phys", "size", "read", "write"]
FLUSH_KEYS = ["verdict", "evidence"]
# Fields that may differ between two readings of the same memory (none today;
# kept so that a timing or path field added later does not break the format
# comparison).
VOLATILE_KEYS = {"target", "timing", "elapsed", "seconds", "dumpfile"}


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, scenario, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"  ok    {scenario}: {name}")
        else:
            self.failed += 1
            print(f"  FAIL  {scenario}: {name}" + (f": {detail}" if detail else ""))
        return ok


def missing_keys(obj, keys):
    return [k for k in keys if k not in obj]


def is_hex(v):
    return isinstance(v, str) and re.fullmatch(r"0x[0-9a-f]+", v) is not None


def bdf_key(segment, bdf):
    """('0000', '00:03.0') from a JSON device or a truth 'SSSS:BB:DD.F'."""
    return f"{int(segment):04x}:{bdf.lower()}"


def check_schema(r, s, j):
    miss = missing_keys(j, TOP_KEYS)
    r.check(s, "top-level JSON keys " + ",".join(TOP_KEYS), not miss, f"missing {miss}")
    r.check(s, "schema is iommu-inflight/1", j.get("schema") == "iommu-inflight/1", repr(j.get("schema")))
    bad = []
    for io in j.get("iommus", []):
        bad += [f"iommus[].{k}" for k in missing_keys(io, IOMMU_KEYS)]
        ring = io.get("cmd_ring", {})
        bad += [f"cmd_ring.{k}" for k in missing_keys(ring, RING_KEYS)]
        bad += [f"completion_wait.{k}" for k in missing_keys(ring.get("completion_wait", {}), CW_KEYS)]
    for d in j.get("devices", [])[:1]:
        bad += [f"devices[].{k}" for k in missing_keys(d, DEVICE_KEYS)]
    for m in j.get("mappings", [])[:1]:
        bad += [f"mappings[].{k}" for k in missing_keys(m, MAPPING_KEYS)]
        bad += [f"mappings[].{k} not a hex string" for k in ("iova", "phys")
                if k in m and not is_hex(m[k])]
    bad += [f"flush.{k}" for k in missing_keys(j.get("flush", {}), FLUSH_KEYS)]
    r.check(s, "nested JSON keys (iommus, cmd_ring, completion_wait, devices, mappings, flush)",
            not bad, ", ".join(sorted(set(bad))))


def check_scenario_vtd(r, s, truth, j, b):
    """A dump of the lab's VT-d machine: the standalone suite's promises
    (tests/standalone/check.py) on crash's JSON, and the text's first line."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "standalone"))
    from check import check_truth_vtd  # noqa: E402
    for k in ("schema", "iommus", "devices", "mappings", "flush", "correlation", "problems"):
        r.check(s, f"top-level key {k}", k in j)
    errs = check_truth_vtd(truth, j)
    r.check(s, "VT-d promises (units, queue state, devices, flush verdict, capture faults)", not errs,
            "; ".join(errs[:4]))
    text = b.get("text", "")
    want = "Intel VT-d state" if truth["promises"].get("active_intel_iommu") else "no active Intel VT-d IOMMU"
    r.check(s, f"text report starts with '{want}'", want in text.splitlines()[0] if text else False, repr(text[:120]))


def check_scenario(r, s, truth, j, b):
    prom = truth["promises"]
    if prom.get("vendor") == "intel":
        return check_scenario_vtd(r, s, truth, j, b)
    check_schema(r, s, j)

    r.check(s, f"{prom['iommus']} IOMMU(s)", len(j.get("iommus", [])) == prom["iommus"],
            f"got {len(j.get('iommus', []))}")
    try:
        want = expected_flush_verdict(prom["flush"])
    except ValueError as e:
        r.check(s, "flush promise understood", False, str(e))
    else:
        r.check(s, f"flush verdict {want} (promise {prom['flush']})",
                j.get("flush", {}).get("verdict") == want, f"got {j.get('flush')}")

    if not prom["active_amd_iommu"]:
        r.check(s, "no IOMMU in the JSON, iommu_active false",
                j.get("iommus") == [] and j.get("iommu_active") is False,
                f"iommus={j.get('iommus')!r} iommu_active={j.get('iommu_active')!r}")
        lines = [l for l in b.get("text", "").splitlines() if l.strip()]
        r.check(s, "text report is one line saying there is no active AMD IOMMU",
                len(lines) == 1 and "no active AMD IOMMU" in lines[0], repr(lines[:3]))
        return

    text = b.get("text", "")
    r.check(s, "text summary printed", text.startswith("AMD IOMMU state"), repr(text[:120]))

    devs = {bdf_key(d["segment"], d["bdf"]): d for d in j.get("devices", [])}
    behind = [p["bdf"] for p in truth["guest"]["pci"] if p.get("iommu")]
    absent = [x for x in behind if x not in devs]
    invalid = [x for x in behind if x in devs and "dte" in devs[x] and not int(devs[x]["dte"][0], 16) & 1]
    r.check(s, f"{len(behind)} devices behind the IOMMU have valid DTEs",
            not absent and not invalid, f"absent {absent}, DTE V=0 {invalid}")

    mapped = {}
    for m in j.get("mappings", []):
        mapped.setdefault((m.get("segment", 0), m["domain"]), []).append(m)
    domains = []
    for x in prom["translated_devices"]:
        d = devs.get(x)
        if not d:
            r.check(s, f"{x} translated", False, "not in devices")
            continue
        ok = d["translation"] is True and 1 <= d["mode"] <= 6 and d["domain"] != 0 and \
            is_hex(d["pt_root"]) and int(d["pt_root"], 16) != 0
        r.check(s, f"{x} ({d.get('driver')}) translated: mode {d['mode']}, domain {d['domain']}, root {d['pt_root']}",
                ok, json.dumps({k: d[k] for k in DEVICE_KEYS if k in d}))
        domains.append(d["domain"])
        if prom["live_mappings"]:
            n = len(mapped.get((d["segment"], d["domain"]), []))
            r.check(s, f"{x} has live mappings in domain {d['domain']} ({n} extents)", n > 0)
    if len(domains) > 1:
        r.check(s, "translated devices are in distinct domains", len(set(domains)) == len(domains),
                f"domains {domains}")

    # the big scenario's promise: exactly what the guest module mapped
    for x, want in (prom.get("mapped") or {}).items():
        d = devs.get(x)
        if not d:
            r.check(s, f"{x} mapped as promised", False, "not in devices")
            continue
        ms = mapped.get((d["segment"], d["domain"]), [])
        n4k = sum(1 for m in ms if int(m["size"], 16) == 0x1000)
        n2m = sum(1 for m in ms if int(m["size"], 16) == 0x200000)
        r.check(s, f"{x}: {want['leaves_4k']} 4 KiB and {want['leaves_2m']} 2 MiB extents, {want['bytes']} bytes",
                n4k == want["leaves_4k"] and n2m == want["leaves_2m"] and d["mapped_bytes"] == want["bytes"],
                f"got {n4k} 4 KiB, {n2m} 2 MiB, {d['mapped_bytes']} bytes")

    for x in prom["identity_devices"]:
        d = devs.get(x)
        ok = d is not None and d["mode"] == 0 and not (d["translation"] and d["mode"])
        r.check(s, f"{x} identity (mode 0)", ok, json.dumps(d) if d else "not in devices")
    if prom["identity_devices"]:
        dma = [x for x in prom["dma_devices"] if x in devs and devs[x]["mode"] != 0]
        r.check(s, "no DMA device is translated", not dma, f"translated: {dma}")

    if prom.get("unprocessed_events"):
        errs = unprocessed_event_errors(prom["unprocessed_events"], j)
        r.check(s, "unprocessed event-log entries: %s" % ", ".join(
                    "%s %s %#x" % (e["type"], e["bdf"], e["address"]) for e in prom["unprocessed_events"]),
                not errs, "; ".join(errs[:4]))

    if prom.get("dma_policy") or prom.get("flush_queue_pending"):
        errs = flush_queue_errors(prom, j)
        r.check(s, "lazy mode: policy %s, flush-queue ranges pending at the panic as the guest's module saw them" %
                prom.get("dma_policy"), not errs, "; ".join(errs[:4]))
    if prom.get("stale_iotlb_faults"):
        errs = stale_iotlb_fault_errors(prom["stale_iotlb_faults"], j)
        r.check(s, "capture-kernel IO_PAGE_FAULT at a range still pending in a flush queue classed stale-iotlb (-k)",
                not errs, "; ".join(errs[:4]))

    if prom.get("capture_faults"):
        errs = capture_fault_errors(prom["capture_faults"], j)
        r.check(s, "capture-kernel IO_PAGE_FAULTs of %s tied to old mappings (-k)" % " ".join(prom["capture_faults"]),
                not errs, "; ".join(errs[:4]))

    markers = " ".join(prom.get("kdump_markers", []))
    cap = j.get("correlation", {}).get("capture_kernel", {})
    if "Copied DEV table" in markers:
        r.check(s, "capture-kernel log (-k): translation pre-enabled and device table copied",
                cap.get("translation_pre_enabled") is True and cap.get("dev_table_copied") is True,
                json.dumps(cap))


def strip_volatile(v):
    if isinstance(v, dict):
        return {k: strip_volatile(x) for k, x in v.items() if k not in VOLATILE_KEYS}
    if isinstance(v, list):
        return [strip_volatile(x) for x in v]
    return v


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in one"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} entries"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def check_variant(r, s, truth, j, base, jb):
    """A format variant of another scenario's run: the same memory, read from
    another file format.  Same run: same answers.  Own run: same structure."""
    same_run = truth.get("run") == base
    if same_run:
        # names on pages one file kept and the other excluded (the engine
        # reports each such read) are the only thing set aside
        devs, devs_b = without_excluded(j, jb)
        for key, x, y in (("devices", devs, devs_b), ("mappings", j.get("mappings"), jb.get("mappings")),
                          ("iommus", j.get("iommus"), jb.get("iommus")), ("flush", j.get("flush"), jb.get("flush"))):
            d = first_difference(strip_volatile(x), strip_volatile(y), key)
            r.check(s, f"{key} identical to {base}'s (same run, {truth['dump']['format']})", d is None, d)
    else:
        def shape(x):
            return sorted((bdf_key(d["segment"], d["bdf"]), d.get("class"), d["mode"])
                          for d in x.get("devices", []))
        d = first_difference(shape(j), shape(jb), "devices(bdf,class,mode)")
        r.check(s, f"device classes and modes as in {base}'s (own run, {truth['dump']['format']})",
                d is None, d)


def check_flush_queue_text(r, s, truth, b):
    """`iommu_inflight -f`: the flush-queue section, and in the lazy scenario a
    PENDING line for every range the guest's module left pending."""
    text = b.get("flushq", "")
    prom = truth["promises"]
    active = prom.get("active_intel_iommu") if prom.get("vendor") == "intel" else prom["active_amd_iommu"]
    if not active:
        what = "Intel VT-d" if prom.get("vendor") == "intel" else "AMD"
        r.check(s, f"iommu_inflight -f: no active {what} IOMMU, said so",
                f"no active {what} IOMMU" in text, repr(text[:200]))
        return
    r.check(s, "iommu_inflight -f prints the flush-queue section",
            "Flush queues (lazy mode)" in text, repr(text[:200]))
    for bdf, want in sorted((truth["promises"].get("flush_queue_pending") or {}).items()):
        # the rows of that device's domain only: from its "  domain 0x.. (BDF" line
        # to the next domain line
        block = re.search(r"^  domain 0x[0-9a-f]+ \(%s[ )].*?(?=^  domain |^  PENDING:|\Z)" % re.escape(bdf),
                          text, re.M | re.S)
        rows = {int(m.group(1), 16) for m in re.finditer(r"^\s+\S+\s+\d+\s+(0x[0-9a-f]+)\s.*\bPENDING\b",
                                                         block.group(0) if block else "", re.M)}
        missing = [rg["iova"] for rg in want["ranges"] if rg["iova"] not in rows]
        r.check(s, "iommu_inflight -f: a PENDING row for each of the %d ranges %s left pending" %
                (len(want["ranges"]), bdf), not missing, "missing %s" % [hex(x) for x in missing[:4]])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--loaded", help="the extension file crash must have loaded")
    ap.add_argument("scenarios", nargs="+")
    a = ap.parse_args()

    r = Results()
    got = {}
    timings = []
    for s in a.scenarios:
        status_path = os.path.join(a.work, s + ".status")
        status = open(status_path).read().strip() if os.path.exists(status_path) else "no status"
        print(f"== {s}")
        if status.startswith("missing") or status == "no status":
            r.check(s, "dump present", False, status)
            continue
        try:
            truth = json.load(open(os.path.join(a.out, s, "truth.json")))
        except (OSError, ValueError) as e:
            r.check(s, "truth.json readable", False, f"{e} (was the dump rebuilt during the run?)")
            continue
        out = open(os.path.join(a.work, s + ".out"), errors="replace").read()
        b = blocks(out)
        rc = int(status.split()[1])
        r.check(s, "crash ran every command and exited (IIF_DONE)",
                "IIF_DONE" in out and rc == 0, f"{status}; tail: {out[-300:]!r}")
        if a.loaded:
            m = re.search(r"^(\S*iommu_inflight\.so): shared object loaded", out, re.M)
            r.check(s, "crash loaded the installed extension", bool(m) and m.group(1) == a.loaded,
                    f"{m.group(1) if m else 'nothing loaded'}; want {a.loaded}")
        try:
            j = parse_json_block(b["json"])
        except (KeyError, ValueError) as e:
            r.check(s, "iommu_inflight -j printed one JSON object", False, str(e))
            continue
        r.check(s, "iommu_inflight -j printed one JSON object", True)
        got[s] = (truth, j)
        check_scenario(r, s, truth, j, b)
        r.check(s, "a bad option prints the usage and crash goes on",
                "Usage:" in b.get("badopt", "") and "IIF_DONE" in out, repr(b.get("badopt", "")[:200]))
        m = re.search(r"time: crash log ([\d.]+) s .*analysis ([\d.]+) s, report ([\d.]+) s", b.get("verbose", ""))
        timings.append((s, float(status.split()[3]), m.groups() if m else None))

        check_flush_queue_text(r, s, truth, b)
        check_probe(r, s, truth, b)
        if s == "elf":
            check_flattened_elf(r, s, a.work, j, b)
        if s == "stock":
            check_record(r, s, a.work, b)
            check_minimal(r, s, a.work, j)
            check_zero_excluded(r, s, a.work, j, b)

    for s, (truth, j) in got.items():
        base = truth.get("run")
        if truth["dump"]["format"] == "qemu-elf":
            base = "stock"		# the raw scenario is the stock guest in its own run
        if base and base != s:
            if base in got:
                check_variant(r, s, truth, j, base, got[base][1])
            else:
                r.check(s, f"compared with {base}", False, f"{base} was not run or failed")

    print("\ntimes (wall seconds per crash session: load + every command; the first command's own times, cold, from -v)")
    for s, wall, t in timings:
        own = f"log {t[0]} s, analysis {t[1]} s, report {t[2]} s" if t else "n/a"
        print(f"  {s:12s} crash session {wall:6.1f} s   iommu_inflight -v: {own}")
    print(f"crash: {r.passed} passed, {r.failed} failed")
    return 1 if r.failed else 0


def check_record(r, s, work, b):
    fixture = os.path.join(work, s + ".fixture")
    rec = b.get("record", "")
    ok = os.path.exists(fixture) and os.path.getsize(fixture) > 0
    r.check(s, "-R wrote a fixture", ok, fixture)
    if not ok:
        return
    head = open(fixture).readline().strip()
    r.check(s, "fixture header iommu-inflight-replay 1", head == "iommu-inflight-replay 1", head)
    text = open(fixture).read()
    err_path = os.path.join(work, s + ".err")
    err = open(err_path, errors="replace").read() if os.path.exists(err_path) else ""
    m = re.search(r"fixture \S+: (\d+) records, (\d+) bytes", err)
    records = sum(1 for l in text.splitlines()[1:] if l and not l.startswith("#"))
    r.check(s, "-R says how many records and bytes it wrote",
            m is not None and int(m.group(1)) == records and int(m.group(2)) == os.path.getsize(fixture),
            f"said {m.groups() if m else None}, file has {records} records, {os.path.getsize(fixture)} bytes")
    r.check(s, "fixture meta source crash and the kernel release",
            re.search(r"^meta source crash", text, re.M) is not None and
            re.search(r"^meta release \S+", text, re.M) is not None)
    try:
        jc = parse_json_block(rec)
    except ValueError as e:
        r.check(s, "-R run printed its JSON", False, str(e))
        return
    rc_path = os.path.join(work, s + ".replay.rc")
    rc = open(rc_path).read().strip() if os.path.exists(rc_path) else "not run"
    if rc != "0":
        err = open(os.path.join(work, s + ".replay.err")).read()[:300] if rc != "not run" else ""
        r.check(s, "iommu-inflight replay of the fixture", False, f"rc {rc} {err}")
        return
    jr = parse_json_block(open(os.path.join(work, s + ".replay.json")).read())
    d = first_difference(strip_volatile(jc), strip_volatile(jr))
    r.check(s, "replaying the fixture gives the same JSON as crash", d is None, d)


SCAN_RE = re.compile(r"scan: pfns=(\d+) ok=(\d+) excluded=(\d+) invalid=(\d+) io=(\d+) "
                     r"first_excluded=(0x[0-9a-f]+|0)")


def check_probe(r, s, truth, b):
    """The crash target itself (tests/crash/probe.c): excluded pages are told
    apart from pages that are not in the dump, crash's longjmps are caught."""
    body = b.get("probe", "")
    m = SCAN_RE.search(body)
    if not r.check(s, "probe: physical scan of every page frame through the crash target",
                   m is not None, repr(body[:300])):
        return
    pfns, ok, excl, inval, io = (int(x) for x in m.groups()[:5])
    filtered = truth["dump"].get("makedumpfile_dump_level") is not None
    fmt = truth["dump"]["format"]
    if filtered:
        r.check(s, f"probe: makedumpfile -d {truth['dump']['makedumpfile_dump_level']} dump: "
                f"{excl} of {pfns} pages excluded, {inval} not in the dump, {io} read errors",
                excl > 0 and ok > 0 and io == 0)
        said = re.search(r"crash readmem of \S+: (read|failed), value (\S+)", body)
        if fmt == "elf-filtered":
            # crash zero-fills an ELF PT_LOAD past p_filesz: only the target knows
            r.check(s, "probe: crash reads the first excluded page as zeros, the target says excluded",
                    said is not None and said.groups() == ("read", "0"), repr(said and said.groups()))
        else:
            r.check(s, "probe: crash itself says 'page excluded' for the first excluded page",
                    said is not None and said.group(1) == "failed" and "page excluded" in body,
                    repr(body[:400]))
    else:
        r.check(s, f"probe: unfiltered dump ({fmt}): no page excluded ({ok} read, {inval} not in the dump)",
                excl == 0 and ok > 0 and io == 0)
    r.check(s, "probe: error(FATAL) and a FAULT_ON_ERROR read inside the guard come back",
            "guard: fatal caught, fault caught, IN_FOREACH restored" in body, repr(body[-300:]))
    r.check(s, "probe: kernel virtual address 0 is 'invalid address'",
            re.search(r"read kv (0x)?0 8: invalid address", body) is not None, repr(body[-200:]))


def variant_output(work, s, suffix):
    """A second crash session on scenario s (tests/crash/run.sh writes
    $WORK/<s>.<suffix>.out): its text and its blocks."""
    path = os.path.join(work, s + "." + suffix + ".out")
    out = open(path, errors="replace").read() if os.path.exists(path) else ""
    return out, blocks(out)


def check_same_scan_and_json(r, s, label, scan_check, json_check, j, b, bv, need_excluded=False):
    """The variant session's probe scan and JSON (bv) are the plain session's (b, j)."""
    m0, mv = SCAN_RE.search(b.get("probe", "")), SCAN_RE.search(bv.get("probe", ""))
    r.check(s, scan_check,
            m0 is not None and mv is not None and m0.groups() == mv.groups() and
            (not need_excluded or int(mv.group(3)) > 0),
            f"{m0 and m0.groups()} vs {mv and mv.groups()}")
    try:
        jv = parse_json_block(bv["json"])
    except (KeyError, ValueError) as e:
        r.check(s, label + ": iommu_inflight -j printed one JSON object", False, str(e))
        return
    d = first_difference(strip_volatile(jv), strip_volatile(j))
    r.check(s, json_check, d is None, d)


def check_flattened_elf(r, s, work, j, b):
    """The ELF dump flattened with makedumpfile -F -E (tests/crash/run.sh):
    the target reads its program headers through crash's flattened table."""
    out, bf = variant_output(work, s, "flat")
    r.check(s, "flattened ELF: crash opened it and ran every command", "IIF_DONE" in out, out[-300:])
    r.check(s, "flattened ELF: excluded pages detected by the PT_LOAD tails",
            "dump: ELF (flattened)" in bf.get("verbose", "") and
            "detected by ELF PT_LOAD tails" in bf.get("verbose", ""),
            repr([l for l in bf.get("verbose", "").splitlines() if "dump:" in l]))
    check_same_scan_and_json(r, s, "flattened ELF",
                             "flattened ELF: the target finds the same excluded pages as in the plain ELF",
                             "flattened ELF gives the same JSON as the plain ELF", j, b, bf, need_excluded=True)


def check_zero_excluded(r, s, work, j, b):
    _, bz = variant_output(work, s, "zero")
    check_same_scan_and_json(r, s, "crash --zero_excluded",
                             "crash --zero_excluded: the target still finds the same excluded pages",
                             "crash --zero_excluded gives the same JSON", j, b, bz)


def check_minimal(r, s, work, j):
    """Under crash --minimal the answer is the same: module and vmalloc
    memory are read through the kernel's own page tables there (crash's
    translation covers only the direct map and the kernel image)."""
    out, b = variant_output(work, s, "minimal")
    try:
        jm = parse_json_block(b["json"])
    except (KeyError, ValueError) as e:
        r.check(s, "crash --minimal: iommu_inflight -j printed one JSON object", False,
                f"{e}; tail: {out[-300:]!r}")
        return
    d = first_difference(strip_volatile(jm), strip_volatile(j))
    r.check(s, "crash --minimal gives the same JSON, driver names included", d is None, d)
    drivers = sorted(x.get("driver") for x in jm.get("devices", []) if x.get("driver"))
    r.check(s, "crash --minimal: drivers built as modules are named (module memory read)",
            any(x in ("e1000", "virtio-pci") for x in drivers), drivers)


if __name__ == "__main__":
    sys.exit(main())
