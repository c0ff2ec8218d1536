#!/usr/bin/python3
"""Checks of `iommu-inflight analyze -j` output, for tests/standalone/run.sh.

  check.py truth TRUTH.json ANALYSIS.json     the scenario's promises
  check.py drgn ANALYSIS.json DRGN.json       mappings equal drgn's walk
  check.py vtd-drgn ANALYSIS.json DRGN.json   VT-d units, devices, mappings equal vtd_mappings.py's
  check.py variant STOCK.json VARIANT.json FORMAT   a format variant of the same run
  check.py same A.json B.json                 equal after removing target and timing keys

Prints one line per failed promise and exits 1 if any failed.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth_promises import (expected_flush_verdict, capture_fault_errors, unprocessed_event_errors,  # noqa: E402
                            flush_queue_errors, stale_iotlb_fault_errors)
from excluded_fields import without_excluded  # noqa: E402

TIMING = {"target", "time", "timing", "timings", "elapsed", "seconds"}


def load(p):
    with open(p) as f:
        return json.load(f)


def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in TIMING}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o


def keys_differing(want, got):
    """The top-level keys of two reports that differ, timings left out."""
    a, c = strip(want), strip(got)
    return sorted(x for x in set(a) | set(c) if a.get(x) != c.get(x))


def full_bdf(dev):
    return "%04x:%s" % (dev["segment"], dev["bdf"])


def check_truth_vtd(truth, a):
    """The promises of a dump made on the lab's VT-d machine."""
    p = truth["promises"]
    errs = []
    active = p.get("active_intel_iommu")
    if a.get("iommu_active") != active:
        errs.append("iommu_active %s, promised %s" % (a.get("iommu_active"), active))
    units = [i for i in a.get("iommus", []) if i.get("vendor") == "intel"]
    # an inactive machine's units are still listed (with TE clear): the
    # promise counts active ones
    if len(units) != len(a.get("iommus", [])) or (active and len(units) != p["iommus"]):
        errs.append("%d VT-d unit(s) of %d IOMMU(s), promised %d" % (len(units), len(a.get("iommus", [])), p["iommus"]))
    for u in units if not active else []:
        if "TE" in (u.get("gcmd_names") or "").split():
            errs.append("%s: TE commanded on a machine promised without an active VT-d unit" % u.get("name"))
    if active:
        for u in units:
            if (u.get("mode") == "scalable") != bool(p.get("scalable_mode")):
                errs.append("%s: mode %s, promised scalable %s" % (u.get("name"), u.get("mode"), p.get("scalable_mode")))
            state = (u.get("invalidation_queue") or {}).get("state")
            if p.get("qi_verdict") and state != p["qi_verdict"]:
                errs.append("%s: queue state %s, promised %s" % (u.get("name"), state, p["qi_verdict"]))
    devs = {full_bdf(d): d for d in a.get("devices", [])}
    for bdf in p.get("translated_devices", []) if active else []:
        d = devs.get(bdf)
        if not d:
            errs.append("translated device %s: no context entry in the analysis" % bdf)
            continue
        if not d["translation"] or d["class"] != "translated" or not 2 <= d["mode"] <= 5:
            errs.append("%s: class %s, %s levels, promised translated" % (bdf, d["class"], d["mode"]))
        if p.get("first_level") is not None and (d.get("format") == "first-level") != bool(p["first_level"]):
            errs.append("%s: format %s, promised first-level %s" % (bdf, d.get("format"), p["first_level"]))
        if p.get("live_mappings") and not d["mapped_bytes"]:
            errs.append("%s: no live mappings, promised some" % bdf)
    for bdf in p.get("passthrough_devices", []):
        d = devs.get(bdf)
        if not d or d["class"] != "passthrough":
            errs.append("%s: %s, promised pass-through" % (bdf, d and d["class"]))
    try:
        want_v = expected_flush_verdict(p.get("flush"))
    except ValueError as e:
        errs.append(str(e))
        want_v = None
    if want_v and a["flush"]["verdict"] != want_v:
        errs.append("flush verdict %s, promised %s" % (a["flush"]["verdict"], want_v))
    if active and p.get("flush") in ("flush", "flush-stuck", "disable"):
        # the reference flush: found appended after free_head, with the module's record
        for u in units:
            f = u.get("flush") or {}
            if not f.get("appended") or not f.get("module_record_found"):
                errs.append("%s: reference flush appended %s, record found %s (%s)" % (
                    u.get("name"), f.get("appended"), f.get("module_record_found"), f.get("module_record")))
            elif (p["flush"] != "flush-stuck") != ("status write landed" in f["module_record"]) or \
                    (p["flush"] == "disable") != (",disabled;" in f["module_record"]):
                errs.append("%s: module record says %s, promised %s" % (u.get("name"), f["module_record"], p["flush"]))
    elif p.get("flush") == "none":
        errs += ["%s: an appended flush found where none ran" % u.get("name")
                 for u in units if (u.get("flush") or {}).get("appended")]
    ck = a.get("correlation", {}).get("capture_kernel") or {}
    markers = p.get("kdump_markers", [])
    if p.get("capture_kernel") and ck.get("log"):
        pre = any("Translation already enabled" in m for m in markers)
        copied = any("Copied translation tables" in m for m in markers)
        if bool(ck.get("translation_pre_enabled")) != pre:
            errs.append("capture kernel translation_pre_enabled %s, markers say %s" %
                        (ck.get("translation_pre_enabled"), pre))
        if bool(ck.get("translation_tables_copied")) != copied:
            errs.append("capture kernel translation_tables_copied %s, markers say %s" %
                        (ck.get("translation_tables_copied"), copied))
    if p.get("capture_faults"):
        errs += capture_fault_errors(p["capture_faults"], a)
    if p.get("dma_policy") or p.get("flush_queue_pending"):
        errs += flush_queue_errors(p, a)
    hard = [x for x in a.get("problems", []) if x.get("kind") in ("type", "corrupt")]
    if hard:
        errs.append("problems: %s" % hard[:3])
    return errs


def check_truth(truth, a):
    p = truth["promises"]
    if p.get("vendor") == "intel":
        return check_truth_vtd(truth, a)
    errs = []
    if a.get("iommu_active") != p["active_amd_iommu"]:
        errs.append("iommu_active %s, promised %s" % (a.get("iommu_active"), p["active_amd_iommu"]))
    n = len(a.get("iommus", []))
    want = p["iommus"] if p["active_amd_iommu"] else 0
    if n != want:
        errs.append("%d IOMMU(s), promised %d" % (n, want))
    vendor = p.get("vendor", "amd")
    wrong = [i.get("vendor") for i in a.get("iommus", []) if i.get("vendor") != vendor]
    if wrong:
        errs.append("IOMMU vendor %s, promised %s" % (wrong, vendor))
    devs = {full_bdf(d): d for d in a.get("devices", [])}
    domains = []
    for bdf in p.get("translated_devices", []):
        d = devs.get(bdf)
        if not d:
            errs.append("translated device %s: no valid DTE in the analysis" % bdf)
            continue
        if not d["translation"] or d["class"] != "translated" or not 1 <= d["mode"] <= 6:
            errs.append("%s: class %s mode %s, promised translated" % (bdf, d["class"], d["mode"]))
        domains.append(d["domain"])
        if p.get("live_mappings") and not d["mapped_bytes"]:
            errs.append("%s: no live mappings, promised some" % bdf)
    if len(set(domains)) != len(domains):
        errs.append("translated devices share a domain: %s" % domains)
    # the big scenario's promise: exactly what the guest module mapped (it
    # never maps neighbouring pages contiguously, so leaves = extents)
    doms = {(x["segment"], x["domain"]): x for x in a.get("domains", [])}
    for bdf, want in (p.get("mapped") or {}).items():
        d = devs.get(bdf)
        if not d:
            errs.append("mapped device %s: no valid DTE in the analysis" % bdf)
            continue
        if d["mapped_bytes"] != want["bytes"]:
            errs.append("%s: %d bytes mapped, promised %d" % (bdf, d["mapped_bytes"], want["bytes"]))
        dom = doms.get((d["segment"], d["domain"]))
        if not dom or dom["extents"] != want["leaves_4k"] + want["leaves_2m"]:
            errs.append("%s: %s extents, promised %d" % (bdf, dom and dom["extents"],
                                                          want["leaves_4k"] + want["leaves_2m"]))
    for bdf in p.get("identity_devices", []):
        d = devs.get(bdf)
        if not d:
            errs.append("identity device %s: no valid DTE in the analysis" % bdf)
        elif d["mode"] != 0 or d["class"] != "passthrough":
            errs.append("%s: class %s mode %s, promised identity (mode 0)" % (bdf, d["class"], d["mode"]))
    try:
        want_v = expected_flush_verdict(p.get("flush"))
    except ValueError as e:
        errs.append(str(e))
        want_v = None
    capture = truth.get("capture_kernel") or {}
    reused = bool(capture.get("reuses_in_place"))
    if reused and want_v == "none":
        # 6.18+: the capture kernel wrote over the crashed kernel's ring.
        # "none" if its newest entries survive, else "unknown", and then
        # the ring must show the capture kernel's entries set aside.
        rings = [io["cmd_ring"] for io in a.get("iommus", [])]
        if a["flush"]["verdict"] == "unknown" and not all(r["capture_kernel"]["reused_in_place"] for r in rings):
            errs.append("flush verdict unknown on a reused ring, but no capture-kernel entries found")
        want_v = a["flush"]["verdict"] if a["flush"]["verdict"] in ("none", "unknown") else want_v
    if p["active_amd_iommu"] and want_v and a["flush"]["verdict"] != want_v:
        errs.append("flush verdict %s, promised %s (%s)" % (a["flush"]["verdict"], want_v, p.get("flush")))
    ck = a.get("correlation", {}).get("capture_kernel") or {}
    markers = p.get("kdump_markers", [])
    if p.get("capture_kernel") and ck.get("log"):
        pre = any("Translation is already enabled" in m for m in markers)
        # "Reused DEV table" (6.18+) counts as copied too (docs/json-analysis.md)
        copied = any("Copied DEV table" in m or "Reused DEV table" in m for m in markers)
        if bool(ck.get("dev_table_reused")) != any("Reused DEV table" in m for m in markers):
            errs.append("capture kernel dev_table_reused %s, markers say otherwise" % ck.get("dev_table_reused"))
        if bool(ck.get("translation_pre_enabled")) != pre:
            errs.append("capture kernel translation_pre_enabled %s, markers say %s" %
                        (ck.get("translation_pre_enabled"), pre))
        if bool(ck.get("dev_table_copied")) != copied:
            errs.append("capture kernel dev_table_copied %s, markers say %s" % (ck.get("dev_table_copied"), copied))
    if p.get("capture_faults"):
        errs += capture_fault_errors(p["capture_faults"], a)
    if p.get("unprocessed_events"):
        errs += unprocessed_event_errors(p["unprocessed_events"], a)
    if p.get("dma_policy") or p.get("flush_queue_pending"):
        errs += flush_queue_errors(p, a)
    if p.get("stale_iotlb_faults"):
        errs += stale_iotlb_fault_errors(p["stale_iotlb_faults"], a)
    # The capture kernel reuses the rings alone when the crashed kernel had
    # disabled the IOMMU (7.x flush-disable: DEV table fresh, command and
    # event buffers reused); truth.json lists the buffers it reused.
    rings_reused = reused or bool(capture.get("reused_buffers"))
    hard = [x for x in a.get("problems", []) if x.get("kind") in ("type", "corrupt")
            and not (rings_reused and x.get("what") == "capture kernel")]
    if hard:
        errs.append("problems: %s" % hard[:3])
    return errs


# The fields the drgn walker gives (v1 tables only: the engine's "pasid" is null there).
DRGN_KEYS = ("segment", "domain", "iova", "phys", "size", "read", "write")


def check_drgn(a, dr):
    key = lambda m: (m["segment"], m["domain"], int(m["iova"], 16))
    v2 = [m for m in a.get("mappings", []) if m.get("pasid") is not None]
    if v2:
        return ["the lab has no v2 tables, yet the engine reports %d v2 extents" % len(v2)]
    mine = sorted(({k: m[k] for k in DRGN_KEYS} for m in a.get("mappings", [])), key=key)
    theirs = sorted(dr.get("mappings", []), key=key)
    if mine == theirs:
        return []
    errs = ["mappings differ from drgn's: %d vs %d extents" % (len(mine), len(theirs))]
    for x, y in zip(mine, theirs):
        if x != y:
            errs.append("first difference: engine %s, drgn %s" % (x, y))
            break
    return errs


def check_vtd_drgn(a, dr):
    """The VT-d units, devices and mappings equal tests/drgn/vtd_mappings.py's."""
    errs = []
    units = {i["name"]: i for i in a.get("iommus", []) if i.get("vendor") == "intel"}
    for u in dr.get("units", []):
        mine = units.get(u["name"])
        if not mine:
            errs.append("drgn's unit %s is not in the analysis" % u["name"])
            continue
        if int(mine.get("cap", "0"), 16) != int(u["cap"], 16) or int(mine.get("ecap", "0"), 16) != int(u["ecap"], 16):
            errs.append("%s: cap/ecap %s/%s, drgn %s/%s" % (u["name"], mine.get("cap"), mine.get("ecap"), u["cap"], u["ecap"]))
        if (mine.get("mode") == "scalable") != bool(u["sm"]):
            errs.append("%s: mode %s, drgn sm %s" % (u["name"], mine.get("mode"), u["sm"]))
        q, dq = mine.get("invalidation_queue") or {}, u.get("qi") or {}
        if dq.get("free_head") is not None and q.get("read") and (q.get("free_head"), q.get("free_tail"), q.get("state")) != (
                dq["free_head"], dq["free_tail"], dq["verdict"]):
            errs.append("%s: queue %s/%s %s, drgn %s/%s %s" % (u["name"], q.get("free_head"), q.get("free_tail"),
                                                             q.get("state"), dq["free_head"], dq["free_tail"], dq["verdict"]))
        devs = {full_bdf(d): d for d in a.get("devices", []) if d.get("vendor") == "intel" and d["iommu"] == mine["index"]}
        for dd in u.get("devices", []):
            d = devs.get(dd["bdf"])
            if not d:
                errs.append("%s: drgn's device %s is not in the analysis" % (u["name"], dd["bdf"]))
                continue
            want = {"translated": "translated", "pass-through": "passthrough", "passthrough": "passthrough"}.get(
                dd["translation"], dd["translation"])
            if d["class"] != want:
                errs.append("%s: class %s, drgn %s" % (dd["bdf"], d["class"], dd["translation"]))
            elif want == "translated" and (d["domain"], d["mode"], int(d["pt_root"], 16), d["mapped_bytes"]) != (
                    dd["did"], dd["levels"], int(dd["pgd"], 16),
                    dd.get("mapped_bytes", sum(x.get("mapped_bytes", 0) for x in dd.get("pasids", [])[:1]))):
                errs.append("%s: domain %s, %s levels, root %s, %s bytes; drgn %s, %s, %s, %s" % (
                    dd["bdf"], d["domain"], d["mode"], d["pt_root"], d["mapped_bytes"],
                    dd["did"], dd["levels"], dd["pgd"], dd.get("mapped_bytes")))
        if len(devs) != len(u.get("devices", [])):
            errs.append("%s: %d devices, drgn %d" % (u["name"], len(devs), len(u.get("devices", []))))
    # the mappings, page by page (the two walkers merge extents differently)
    def pages(items):
        out = set()
        for did, iova, pa, size, r, w in items:
            for off in range(0, size, 4096):
                out.add((did, iova + off, pa + off, r, w))
        return out
    mine = pages((m["domain"], int(m["iova"], 16), int(m["phys"], 16), int(m["size"], 16), m["read"], m["write"])
                 for m in a.get("mappings", []))
    seen, theirs_items = set(), []
    for e in dr.get("extents", []):
        k = (e["did"], e["iova"], e["pa"], e["size"])	# devices sharing a domain repeat its extents
        if k not in seen:
            seen.add(k)
            theirs_items.append((e["did"], int(e["iova"], 16), int(e["pa"], 16), int(e["size"], 16), e["r"], e["w"]))
    theirs = pages(theirs_items)
    if mine != theirs:
        errs.append("mappings differ from drgn's: %d vs %d pages; first only-engine %s, only-drgn %s" % (
            len(mine), len(theirs), sorted(mine - theirs)[:1], sorted(theirs - mine)[:1]))
    return errs


def check_fq(a, dr):
    """The flush-queue entries equal drgn's (tests/drgn/flush_queues.py),
    which finds the domains through the IOMMU groups instead."""
    fq = a.get("flush_queues") or {}
    # drgn's walk of the groups may stop on a page the dump lacks: then only
    # the cookies it reached are compared
    partial = dr.get("incomplete")
    mine = sorted((d["cookie"], -1 if e["cpu"] is None else e["cpu"], e["slot"], e["iova"], e["bytes"],
                   e["counter"], e["state"] == "flushed")
                  for d in fq.get("domains", []) for e in d["entries"]
                  if not partial or d["cookie"] in dr["cookies"])
    theirs = sorted((e["cookie"], -1 if e["cpu"] is None else e["cpu"], e["slot"], e["iova"], e["bytes"],
                     e["counter"], e["flushed"]) for e in dr["entries"])
    errs = []
    cookies = {d["cookie"]: d for d in fq.get("domains", [])}
    for c, v in dr["cookies"].items():
        d = cookies.get(c)
        if d is None:
            errs.append("drgn found the DMA cookie %s with a flush queue; the engine did not" % c)
        elif (d["flushes_started"], d["flushes_finished"]) != (v["start"], v["finish"]):
            errs.append("cookie %s: flushes %s/%s, drgn %s/%s" % (c, d["flushes_started"], d["flushes_finished"],
                                                                 v["start"], v["finish"]))
    if mine != theirs:
        errs.append("flush-queue entries differ from drgn's: %d vs %d" % (len(mine), len(theirs)))
    if dr["cookies"] and fq.get("state") != "found":
        errs.append("flush_queues.state %r with %d cookies in drgn" % (fq.get("state"), len(dr["cookies"])))
    return errs


def check_variant(stock, var, fmt):
    if fmt == "kdump-flattened":
        # the very same file once reassembled: everything equal
        return [] if strip(stock) == strip(var) else ["JSON differs from stock's"]
    errs = []
    if stock["flush"]["verdict"] != var["flush"]["verdict"]:
        errs.append("flush verdict %s, stock %s" % (var["flush"]["verdict"], stock["flush"]["verdict"]))
    # names on pages one file kept and the other excluded (the engine reports
    # each such read) are the only thing set aside
    devs_s, devs_v = without_excluded(stock, var)
    pick = lambda devs: sorted((full_bdf(d), d["class"], d["domain"], d["mapped_bytes"], d["driver"])
                               for d in devs)
    if pick(devs_s) != pick(devs_v):
        errs.append("devices differ from stock's")
    if stock["mappings"] != var["mappings"]:
        errs.append("mappings differ from stock's (%d vs %d)" % (len(var["mappings"]), len(stock["mappings"])))
    if [i["cmd_ring"]["entries"] for i in stock["iommus"]] != [i["cmd_ring"]["entries"] for i in var["iommus"]]:
        errs.append("command rings differ from stock's")
    return errs


def main():
    what = sys.argv[1]
    if what == "truth":
        errs = check_truth(load(sys.argv[2]), load(sys.argv[3]))
    elif what == "drgn":
        errs = check_drgn(load(sys.argv[2]), load(sys.argv[3]))
    elif what == "vtd-drgn":
        errs = check_vtd_drgn(load(sys.argv[2]), load(sys.argv[3]))
    elif what == "fq":
        errs = check_fq(load(sys.argv[2]), load(sys.argv[3]))
    elif what == "variant":
        errs = check_variant(load(sys.argv[2]), load(sys.argv[3]), sys.argv[4])
    elif what == "same":
        a, b = strip(load(sys.argv[2])), strip(load(sys.argv[3]))
        errs = []
        if a != b:
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    errs.append("key %s differs" % k)
    else:
        sys.exit("check.py: unknown check " + what)
    for e in errs:
        print("      " + e)
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
