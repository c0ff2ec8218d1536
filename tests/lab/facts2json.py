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
        attrs = {f: rd(os.path.join(d, f)) for f in sorted(os.listdir(d)) if f != "devices"}
        iommus.append({"name": name, "amd_iommu_attrs": attrs,
                       "devices": words(rd(os.path.join(d, "devices"), ""))})

    before = counters(rd(os.path.join(facts, "load_before"), ""))
    at = counters(rd(os.path.join(facts, "load_at_panic"), ""))

    def delta(kind, key):
        return {n: at[kind][n][key] - before[kind].get(n, {}).get(key, 0)
                for n in at[kind] if n in before[kind]}

    devices = words(v.get("DEVICES"))
    fmt = v.get("FORMAT", "kdump")
    markers = [m.strip() for m in (v.get("PROMISE_MARKERS") or "").split("|") if m.strip()]
    promises = {
        "active_amd_iommu": v.get("PROMISE_ACTIVE", "1") == "1",
        "iommus": int(v.get("PROMISE_IOMMUS") or 0),
        "translated_devices": [ROLE_BDF[r] for r in words(v.get("PROMISE_TRANSLATED"))],
        "identity_devices": [ROLE_BDF[r] for r in words(v.get("PROMISE_IDENTITY"))],
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
    json.dump(truth, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
