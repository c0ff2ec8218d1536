#!/usr/bin/env python3
"""Turn what the primary guest recorded from sysfs (DIR/facts) plus the
scenario's promises into DIR/truth.json (schema: docs/lab.md)."""
import argparse
import json
import os
import re
import sys

SCHEMA = "iommu-inflight-lab-truth/1"
# Fixed PCI slots the lab gives to its devices (make-dumps.sh PCI_ADDR_*).
ROLE_BDF = {"e1000": "0000:00:03.0", "virtio-blk": "0000:00:04.0",
            "nvme": "0000:00:05.0", "out-disk": "0000:00:06.0",
            "spare": "0000:00:07.0"}   # QEMU edu, no driver: the big scenario's module domain
FORMATS = {"kdump": "kdump-compressed", "flattened": "kdump-flattened",
           "elf": "elf-filtered", "raw": "qemu-elf"}


def rd(path, default=None):
    try:
        with open(path, errors="replace") as f:
            return f.read().strip()
    except OSError:
        return default


def devid(bdf):
    m = re.match(r"([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$", bdf)
    bus, dev, fn = int(m.group(2), 16), int(m.group(3), 16), int(m.group(4))
    return (bus << 8) | (dev << 3) | fn


def words(s):
    return [w for w in (s or "").split() if w]


def parse_status(path):
    out = {}
    for line in (rd(path, "") or "").splitlines():
        parts = line.split()
        if not parts:
            continue
        key = parts[0] if parts[0] != "format" else "format " + parts[1]
        out[key] = {k: int(x) if x.lstrip("-").isdigit() else x
                    for k, x in (p.split("=", 1) for p in parts if "=" in p)}
    return out


def counters(text):
    """diskstats sectors read and net rx/tx packets, by device."""
    disk, net = {}, {}
    for line in (text or "").splitlines():
        f = line.split()
        if len(f) >= 14 and f[0].isdigit():
            disk[f[2]] = {"reads": int(f[3]), "sectors_read": int(f[5])}
        elif ":" in line and len(f) >= 11 and not f[0].startswith(("Inter", "face")):
            name, rest = line.split(":", 1)
            r = rest.split()
            if len(r) >= 10 and r[0].isdigit():
                net[name.strip()] = {"rx_packets": int(r[1]), "tx_packets": int(r[9])}
    return {"disk": disk, "net": net}


def mapped_promise(text):
    """PROMISE_MAPPED="ROLE:PAGES_4K:PAGES_2M ..." (big scenario) -> {bdf: {...}}: the
    device's domain maps exactly that many 4 KiB and 2 MiB leaf pages (and so
    exactly that many bytes) at the panic."""
    out = {}
    for w in words(text):
        role, p4k, p2m = w.split(":")
        out[ROLE_BDF[role]] = {"leaves_4k": int(p4k), "leaves_2m": int(p2m),
                               "bytes": int(p4k) * 4096 + int(p2m) * 2097152}
    return out


# --- Intel VT-d -------------------------------------------------------------

def vtd_unit(attrs):
    """The VT-d unit as the guest's sysfs showed it (intel-iommu/{address,cap,
    ecap,version,domains_*}) with the capability bits the lab's checks use
    decoded (VT-d spec 11.4.2-3; Linux intel/iommu.h cap_*/ecap_*)."""
    cap = int(attrs.get("cap") or "0", 16)
    ecap = int(attrs.get("ecap") or "0", 16)
    sagaw = (cap >> 8) & 0x1f
    return {
        "address": int(attrs.get("address") or "0", 16), "cap": cap, "ecap": ecap,
        "version": attrs.get("version"),
        "domains_supported": int(attrs["domains_supported"]) if attrs.get("domains_supported") else None,
        "domains_used": int(attrs["domains_used"]) if attrs.get("domains_used") else None,
        "mgaw": ((cap >> 16) & 0x3f) + 1,
        "sagaw_levels": [lvl for bit, lvl in ((1, 3), (2, 4), (3, 5)) if sagaw >> bit & 1],
        "caching_mode": bool(cap >> 7 & 1),
        "fault_records": ((cap >> 40) & 0xff) + 1,
        "qi": bool(ecap >> 1 & 1), "device_tlb": bool(ecap >> 2 & 1), "ir": bool(ecap >> 3 & 1),
        "pass_through": bool(ecap >> 6 & 1),
        "scalable_mode": bool(ecap >> 43 & 1),            # SMTS
        "second_level": bool(ecap >> 46 & 1),             # SLTS (meaningful with SMTS)
        "first_level": bool(ecap >> 47 & 1),              # FLTS
    }


TRACE = re.compile(r"^(?:\d+@[\d.]+:)?(vtd_\w+) (.*)$")


def vtd_trace(path):
    """QEMU's own record of the VT-d unit (make-dumps.sh VTD_TRACE_EVENTS,
    qemu-trace.log.gz), cut in two eras: "crashed" up to the capture
    kernel's first act on the unit (it disables queued invalidation, which
    the crashed kernel never does, or it writes a new root pointer), and
    "capture" after.  Per era: the root-table pointer last written and its
    SMT bit, translation enable (the last change seen), the invalidation
    queue's base, the last invalidation-wait status write (address, data),
    the context entries QEMU cached (last per device), the IOTLB: fills per
    device (count, domain IDs) and the entries still valid at the end of the
    era (filled, not invalidated since: QEMU replays its own invalidations
    here; newest first, at most 256 per device), and the faults QEMU
    recorded (the first 64; faults_total counts them all)."""
    import gzip
    if not os.path.exists(path):
        return None
    eras = {n: {"root_table": None, "scalable": None, "translation_enabled": None, "qi_ring": None,
                "last_wait_write": None, "contexts": {}, "iotlb_fills": {}, "faults": []}
            for n in ("crashed", "capture")}
    name = "crashed"
    era = eras[name]
    seen_root = False
    fills = {"crashed": {}, "capture": {}}
    live = {}                      # (did, page) -> (sid, pte), insertion order = fill order

    def bdf(sid):
        return "0000:%02x:%02x.%d" % (sid >> 8, (sid >> 3) & 0x1f, sid & 7)

    def close(n):
        for sid, d in fills[n].items():
            eras[n]["iotlb_fills"][bdf(sid)] = {"count": d["count"], "domains": sorted(d["domains"]),
                                                "live": []}
        per = {}
        for (did, page), (sid, pte) in live.items():
            per.setdefault(sid, []).append({"iova": page, "pte": pte, "did": did})
        for sid, entries in per.items():
            f = eras[n]["iotlb_fills"].setdefault(bdf(sid), {"count": 0, "domains": [], "live": []})
            f["live_count"] = len(entries)
            f["live"] = entries[::-1][:256]
        faults = eras[n]["faults"]
        eras[n]["faults_total"] = len(faults)
        eras[n]["faults"] = faults[:64]

    with gzip.open(path, "rt", errors="replace") as f:
        for line in f:
            m = TRACE.match(line.strip())
            if not m:
                continue
            ev, rest = m.groups()
            if name == "crashed" and ((ev == "vtd_inv_qi_enable" and rest.endswith("enabled 0"))
                                      or (ev == "vtd_reg_dmar_root" and seen_root)):
                close(name)
                name, era = "capture", eras["capture"]
            if ev == "vtd_reg_dmar_root":
                mm = re.search(r"addr 0x([0-9a-f]+) scalable (\d)", rest)
                era["root_table"], era["scalable"] = int(mm.group(1), 16), mm.group(2) == "1"
                seen_root = True
            elif ev == "vtd_dmar_enable":
                era["translation_enabled"] = rest.endswith("1")
            elif ev == "vtd_inv_qi_setup":
                mm = re.search(r"addr 0x([0-9a-f]+) size (\d+)", rest)
                era["qi_ring"] = int(mm.group(1), 16)
            elif ev == "vtd_inv_desc_wait_sw":
                mm = re.search(r"addr 0x([0-9a-f]+) data 0x([0-9a-f]+)", rest)
                era["last_wait_write"] = {"address": int(mm.group(1), 16), "data": int(mm.group(2), 16)}
            elif ev == "vtd_iotlb_cc_update":
                mm = re.search(r"bus 0x([0-9a-f]+) devfn 0x([0-9a-f]+) high 0x([0-9a-f]+) low 0x([0-9a-f]+)", rest)
                bus, devfn, hi, lo = (int(x, 16) for x in mm.groups())
                era["contexts"][bdf(bus << 8 | devfn)] = {"hi": hi, "lo": lo}
            elif ev == "vtd_iotlb_page_update":
                mm = re.search(r"sid 0x([0-9a-f]+) iova 0x([0-9a-f]+) slpte 0x([0-9a-f]+) domain 0x([0-9a-f]+)", rest)
                sid, iova, pte, did = (int(x, 16) for x in mm.groups())
                d = fills[name].setdefault(sid, {"count": 0, "domains": set()})
                d["count"] += 1
                d["domains"].add(did)
                key = (did, iova & ~0xfff)
                live.pop(key, None)
                live[key] = (sid, pte)
            elif ev in ("vtd_iotlb_reset", "vtd_inv_desc_iotlb_global"):
                live.clear()
            elif ev == "vtd_inv_desc_iotlb_domain":
                did = int(re.search(r"domain 0x([0-9a-f]+)", rest).group(1), 16)
                for key in [k for k in live if k[0] == did]:
                    del live[key]
            elif ev == "vtd_inv_desc_iotlb_pages":
                mm = re.search(r"domain 0x([0-9a-f]+) addr 0x([0-9a-f]+) mask 0x([0-9a-f]+)", rest)
                did, addr, mask = (int(x, 16) for x in mm.groups())
                lo, hi = addr & ~((0x1000 << mask) - 1), (addr & ~((0x1000 << mask) - 1)) + (0x1000 << mask)
                for key in [k for k in live if k[0] == did and lo <= k[1] < hi]:
                    del live[key]
            elif ev == "vtd_dmar_fault":
                mm = re.search(r"sid 0x([0-9a-f]+) fault (\d+) addr 0x([0-9a-f]+) write (\d)", rest)
                if mm:
                    sid, reason, addr, w = mm.groups()
                    era["faults"].append({"bdf": bdf(int(sid, 16)), "reason": int(reason),
                                          "address": int(addr, 16), "write": w == "1"})
    close(name)
    return {"source": "QEMU intel-iommu trace (qemu-trace.log.gz)", **eras}


# DMA-remapping faults as the kernel logs them (intel/dmar.c dmar_fault_do_one):
#   5.14+: "DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x3c000 [fault reason 0x06] ..."
#          "DMAR: [DMA Write PASID 0x1] Request device [...] ..."
#   5.10:  "DMAR: [DMA Read] Request device [00:03.0] PASID ffffffff fault addr 3c000 [fault reason 06] ..."
DMAR_FAULT = re.compile(r"DMAR: \[DMA (Read|Write)(?: (NO_PASID|PASID 0x[0-9a-f]+))?\] Request device "
                        r"\[([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])\](?: PASID ([0-9a-f]+))? fault addr "
                        r"(?:0x)?([0-9a-f]+) \[fault reason (?:0x)?([0-9a-f]+)\] ?(.*)$")


def dmar_faults(text):
    out = []
    for line in (text or "").splitlines():
        m = DMAR_FAULT.search(line)
        if not m:
            continue
        kind, pasid, bus, dev, fn, old_pasid, addr, reason, why = m.groups()
        # 5.10 prints the reason in decimal (%02d), later kernels in hex
        out.append({"bdf": "0000:%s:%s.%s" % (bus, dev, fn), "write": kind == "Write",
                    "address": int(addr, 16),
                    "reason": int(reason, 16) if "0x" in line.split("fault reason", 1)[1][:4] else int(reason),
                    "reason_text": why.strip()})
    return out


PENDING_LINE = re.compile(r"lazy_unmap: pending (\S+) iova=(0x[0-9a-f]+) pages=(\d+) unmapped_jiffies=(\d+)")
SUMMARY_LINE = re.compile(r"lazy_unmap: summary mode=(\w+) pending=(\d+) unmaps=(\d+) "
                          r"invalidations=(\d+) rounds=(\d+) dma_reads=(\d+) log_complete=(\d) "
                          r"missed=(\d+) hz=(\d+)")


def fq_pending_promise(roles, run_dir):
    """PROMISE_FQ_PENDING="ROLE ..." (lazy scenario): the IOVA ranges that
    tests/lab/modules/lazy_unmap unmapped and saw no IOTLB invalidation cover
    before its panic, from the lines it printed then (the crashed kernel's log
    as makedumpfile extracted it, else the serial console).  {bdf: {"mode",
    "ranges": [{"iova", "pages", "unmapped_jiffies"}], "unmaps",
    "invalidations", "dma_reads", "hz" (the kernel's HZ, as the module was
    built)}}.  A missing or inconsistent report is an
    error: the run did not do what the scenario says."""
    if not roles:
        return None
    text = ""
    for name in ("vmcore-dmesg.txt", "console.log"):
        text = rd(os.path.join(run_dir, name), "") or ""
        if SUMMARY_LINE.search(text):
            break
    summary = SUMMARY_LINE.search(text)
    if not summary:
        sys.exit("facts2json: PROMISE_FQ_PENDING, but no 'lazy_unmap: summary' line in "
                 "vmcore-dmesg.txt or console.log of " + run_dir)
    mode, npending, unmaps, inval, _rounds, reads, complete, missed, hz = summary.groups()
    ranges = {}
    for bdf, iova, pages, jif in PENDING_LINE.findall(text):
        ranges.setdefault(bdf, []).append({"iova": int(iova, 16), "pages": int(pages),
                                           "unmapped_jiffies": int(jif)})
    got = sum(len(r) for r in ranges.values())
    if got != int(npending) or complete != "1" or mode != "lazy" or not got or missed != "0":
        sys.exit("facts2json: lazy_unmap reported mode=%s, %s pending (%d lines read), log_complete=%s, "
                 "kprobe missed=%s: the scenario needs lazy mode, every invalidation counted and a "
                 "complete, nonempty list" % (mode, npending, got, complete, missed))
    out = {}
    for role in roles:
        bdf = ROLE_BDF[role]
        out[bdf] = {"mode": mode, "ranges": ranges.get(bdf, []), "unmaps": int(unmaps),
                    "invalidations": int(inval), "dma_reads": int(reads), "hz": int(hz)}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump-level", default="31")
    for a in ("dir", "scenario", "run-scenario", "kernel", "release", "vmlinux", "package-version"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--set", action="append", default=[])
    a = ap.parse_args()
    v = dict(s.split("=", 1) for s in a.set)
    facts = os.path.join(a.dir, "facts")

    pci = []
    pdir = os.path.join(facts, "pci")
    roles = {bdf: r for r, bdf in ROLE_BDF.items()}
    for bdf in sorted(os.listdir(pdir)):
        d = os.path.join(pdir, bdf)
        grp = rd(os.path.join(d, "iommu_group"))
        pci.append({
            "bdf": bdf, "devid": devid(bdf), "role": roles.get(bdf),
            "vendor": rd(os.path.join(d, "vendor")), "device": rd(os.path.join(d, "device")),
            "class": rd(os.path.join(d, "class")), "driver": rd(os.path.join(d, "driver")),
            "iommu": rd(os.path.join(d, "iommu")),
            "iommu_group": int(grp) if grp is not None else None,
            "group_type": rd(os.path.join(facts, "groups", grp, "type")) if grp is not None else None,
        })
    iommus = []
    idir = os.path.join(facts, "iommu")
    for name in sorted(os.listdir(idir)) if os.path.isdir(idir) else []:
        d = os.path.join(idir, name)
        attrs = {f: rd(os.path.join(d, f)) for f in sorted(os.listdir(d)) if f not in ("devices", "class")}
        cls = rd(os.path.join(d, "class")) or "amd-iommu"   # runs before the class file: AMD only
        entry = {"name": name}
        if cls == "intel-iommu":
            entry["class"] = cls
            entry["intel_iommu_attrs"] = attrs
            entry["vtd"] = vtd_unit(attrs)
        else:
            entry["amd_iommu_attrs"] = attrs
        entry["devices"] = words(rd(os.path.join(d, "devices"), ""))
        iommus.append(entry)

    before = counters(rd(os.path.join(facts, "load_before"), ""))
    at = counters(rd(os.path.join(facts, "load_at_panic"), ""))

    def delta(kind, key):
        return {n: at[kind][n][key] - before[kind].get(n, {}).get(key, 0)
                for n in at[kind] if n in before[kind]}

    devices = words(v.get("DEVICES"))
    fmt = v.get("FORMAT", "kdump")
    markers = [m.strip() for m in (v.get("PROMISE_MARKERS") or "").split("|") if m.strip()]
    iommu = v.get("IOMMU") or "amd"
    vendor = v.get("PROMISE_VENDOR") or {"amd": "amd", "intel": "intel", "intel-sm": "intel"}.get(iommu, "none")
    active = v.get("PROMISE_ACTIVE", "1") == "1"
    promises = {
        "vendor": vendor,                 # the IOMMU the analysis must find: amd | intel | none
        "active_amd_iommu": active and vendor == "amd",
        "iommus": int(v.get("PROMISE_IOMMUS") or 0),
        "translated_devices": [ROLE_BDF[r] for r in words(v.get("PROMISE_TRANSLATED"))],
        "identity_devices": [ROLE_BDF[r] for r in dict.fromkeys(words(v.get("PROMISE_IDENTITY")) +
                                                                 words(v.get("PROMISE_PASSTHROUGH")))],
        "live_mappings": v.get("PROMISE_LIVE_MAPPINGS", "1") == "1",
        "dma_load_at_panic": v.get("LOAD") == "dma",
        "dma_devices": [ROLE_BDF[r] for r in devices if r != "spare"],   # spare does no DMA
        "flush": v.get("PROMISE_FLUSH") or "none",
        # devices whose DMA the capture kernel logs as IO_PAGE_FAULT, each tied to an old mapping
        "capture_faults": [ROLE_BDF[r] for r in words(v.get("PROMISE_CAPTURE_FAULTS"))],
        # entries the crashed kernel left unprocessed in its event log (PROMISE_EVENTS,
        # "ROLE:TYPE:ADDRESS ...")
        "unprocessed_events": [{"bdf": ROLE_BDF[w.split(":")[0]], "type": w.split(":")[1],
                                "address": int(w.split(":")[2], 16)}
                               for w in words(v.get("PROMISE_EVENTS"))],
        # the module must refuse to load, printing this (PROMISE_MODULE_REFUSAL)
        "module_refusal": v.get("PROMISE_MODULE_REFUSAL") or None,
        "capture_kernel": fmt != "raw",
        "kdump_markers": markers,
        "panic_message": "Kernel panic - not syncing: " + (v.get("PROMISE_PANIC") or "sysrq triggered crash"),
        # the DMA API's default TLB invalidation policy (PROMISE_POLICY: lazy, strict), or null
        "dma_policy": v.get("PROMISE_POLICY") or None,
    }
    if vendor == "intel":
        # VT-d (IOMMU=intel|intel-sm): what the drgn walker (tests/drgn/vtd_mappings.py)
        # and, later, the engine must find
        sm = v.get("PROMISE_SM")
        fl = v.get("PROMISE_FIRST_LEVEL")
        promises.update({
            "active_intel_iommu": active,
            # scalable mode in use (root table SMT, scalable-mode context and PASID entries)
            "scalable_mode": None if sm in (None, "") else sm == "1",
            # DMA domains on first-level tables (SM only); null: not promised
            "first_level": None if fl in (None, "") else fl == "1",
            # hardware pass-through: legacy context TT=2, or PASID entry PGTT=4
            "passthrough_devices": [ROLE_BDF[r] for r in words(v.get("PROMISE_PASSTHROUGH"))],
            # the last invalidation-wait descriptor's status (completed | queued-not-completed | aborted)
            "qi_verdict": v.get("PROMISE_QI") or None,
        })
    pending = fq_pending_promise(words(v.get("PROMISE_FQ_PENDING")), a.dir)
    if pending:
        # ranges left pending in a flush queue at the panic, by device (lazy scenario)
        promises["flush_queue_pending"] = pending
    stale = words(v.get("PROMISE_STALE_FAULTS"))
    if stale:
        # the capture kernel's module read the first pending range again
        # (guest-init.sh, CAPTURE_MODULE_ARGS "@pending"): its IO_PAGE_FAULT
        # must be classed stale-iotlb, tied to that queue entry
        cm = parse_status(os.path.join(a.dir, "capture.status")).get("capture-module") or {}
        if cm.get("rc") != 0:
            sys.exit("facts2json: PROMISE_STALE_FAULTS, but the capture kernel's module did not run: %s" % cm)
        promises["stale_iotlb_faults"] = {}
        for role in stale:
            ranges = ((pending or {}).get(ROLE_BDF[role]) or {}).get("ranges") or []
            first = next((r for r in PENDING_LINE.findall(rd(os.path.join(a.dir, "vmcore-dmesg.txt"), "") or "")
                          if r[0] == ROLE_BDF[role]), None)
            if not ranges or not first:
                sys.exit("facts2json: PROMISE_STALE_FAULTS %s without a pending range" % role)
            iova = int(first[1], 16)
            promises["stale_iotlb_faults"][ROLE_BDF[role]] = {"iova": iova, "pages": int(first[2])}
    mapped = mapped_promise(v.get("PROMISE_MAPPED"))
    if mapped:
        promises["mapped"] = mapped
    # What the capture kernel did with the old tables, in its own words
    # (kexec-dmesg.log): 6.18+ reuses them in place, older kernels copy.
    klog = rd(os.path.join(a.dir, "kexec-dmesg.log")) or ""
    capture_kernel = {
        "reuses_in_place": "Reused DEV table from previous kernel." in klog,
        "copied_dev_table": "Copied DEV table from previous kernel." in klog,
        "reused_buffers": sorted(set(re.findall(r"Re-using (\w+) buffers? from the previous kernel", klog))),
    }
    if vendor == "intel":
        capture_kernel.update({
            "copied_translation_tables": "Copied translation tables from previous kernel for" in klog,
            "copied_ir_table": "Copied IR table for" in klog,
            # DMA-remapping faults the capture kernel logged, parsed
            "dmar_faults": dmar_faults(klog)[:256],
            "dmar_faults_total": len(dmar_faults(klog)),
        })
    truth = {
        "schema": SCHEMA,
        "scenario": a.scenario,
        "run": a.run_scenario,
        "description": v.get("DESCRIPTION", ""),
        "kernel": {"series": a.kernel, "release": a.release,
                   "package": "linux-image-" + a.release, "package_version": a.package_version,
                   "vmlinux": a.vmlinux},
        "dump": {"format": FORMATS.get(fmt, fmt),
                 "makedumpfile_dump_level": None if fmt == "raw" else int(a.dump_level or 31),
                 "files": {k: k for k in ("vmcore", "vmcore-dmesg.txt", "kexec-dmesg.log",
                                          "console.log")
                           if os.path.exists(os.path.join(a.dir, k))} | {"vmlinux": a.vmlinux}},
        "guest": {
            "release": rd(os.path.join(facts, "uname_r")),
            "cmdline": rd(os.path.join(facts, "cmdline")),
            "pci": pci,
            "iommus": iommus,
            "iommu_class_present": os.path.isdir(idir) and bool(os.listdir(idir)),
            "load_delta_last_second": {"disk_sectors_read": delta("disk", "sectors_read"),
                                       "net_rx_packets": delta("net", "rx_packets"),
                                       "net_tx_packets": delta("net", "tx_packets")},
            "module": v.get("MODULE") or None,
            "module_args": v.get("MODULE_ARGS") or "",
            # what insmod and the module printed when it refused to load (MODULE_EXPECT=fail)
            "module_refusal": rd(os.path.join(facts, "module_refusal")),
            "net": v.get("NET") or "user",
            "cmdline_extra": v.get("CMDLINE_EXTRA") or "",
            "iommu_props": v.get("IOMMU_PROPS") or "",
            "panic": v.get("PANIC") or "sysrq",
            "memory_mib": int(v.get("GUEST_MEM") or 768),
        },
        "capture_kernel": capture_kernel,
        "capture": {"status": parse_status(os.path.join(a.dir, "capture.status")),
                    "makedumpfile": next((l.split(":", 1)[1].strip() for l in
                                          (rd(os.path.join(a.dir, "capture.status"), "") or "").splitlines()
                                          if l.startswith("makedumpfile:")), None),
                    "cmdline": rd(os.path.join(a.dir, "capture.cmdline"))},
        "promises": promises,
    }
    if vendor == "intel":
        units = [i["vtd"] | {"name": i["name"]} for i in iommus if "vtd" in i]
        sm_hw = bool(units) and all(u["scalable_mode"] for u in units)
        truth["iommu"] = {"vendor": "intel", "qemu_device": v.get("IOMMU"),
                          "qemu_props": v.get("IOMMU_PROPS") or ""}
        # what the guest's own facts say (sysfs before the panic, its command line)
        cmdline = truth["guest"]["cmdline"] or ""
        truth["vtd"] = {
            "units": units,
            "sm_supported_by_hw": sm_hw,
            # QEMU 7.2 has no FLTS: scalable mode then uses second-level tables
            "first_level_supported": bool(units) and all(u["first_level"] for u in units),
            "group_types": sorted({p["group_type"] for p in pci if p.get("group_type")}),
            "cmdline_iommu": [w for w in cmdline.split() if w.startswith(("intel_iommu=", "iommu=", "iommu."))],
            "debugfs": sorted(os.listdir(os.path.join(facts, "debugfs"))) if os.path.isdir(os.path.join(facts, "debugfs")) else None,
        }
        truth["vtd_hw"] = vtd_trace(os.path.join(a.dir, "qemu-trace.log.gz"))
    json.dump(truth, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
