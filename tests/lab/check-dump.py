#!/usr/bin/python3
"""Check one lab dump against its truth.json with drgn (python3-drgn).

    check-dump.py DIR [--vmcore FILE]

Prints one line per check: "ok   <name>: detail" or "FAIL <name>: detail",
and exits 1 if any check failed.  Reads the AMD IOMMU state the way the
engine will: amd_iommu_list (struct amd_iommu) and amd_iommu_pci_seg_list
(device table per PCI segment), then the device-table entries (DTEs) of the
PCI devices the guest listed in sysfs before the panic.
"""
import json
import os
import re
import sys

import drgn
from drgn import FaultError, Object, Program
from drgn.helpers.linux.list import list_for_each_entry

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, (": " + detail) if detail else ""))
    return ok


def bdf_devid(bdf):
    """"0000:BB:DD.F" -> the 16-bit DeviceID (bus << 8 | dev << 3 | fn)."""
    return int(bdf[5:7], 16) << 8 | int(bdf[8:10], 16) << 3 | int(bdf[11])


def dte_fields(raw):
    q0 = int.from_bytes(raw[0:8], "little")
    q1 = int.from_bytes(raw[8:16], "little")
    return {
        "v": q0 & 1, "tv": (q0 >> 1) & 1, "mode": (q0 >> 9) & 7,
        "root": q0 & 0x000FFFFFFFFFF000, "ir": (q0 >> 61) & 1, "iw": (q0 >> 62) & 1,
        "domain": q1 & 0xFFFF,
    }


def count_mappings(prog, root, mode, limit=200000):
    """Present leaf PTEs of an AMD v1 I/O page table (level `mode` at `root`)."""
    count = 0
    stack = [(root, mode)]
    seen = 0
    while stack:
        table, level = stack.pop()
        seen += 1
        if seen > 20000:
            break
        data = prog.read(table, 4096, True)
        for i in range(512):
            pte = int.from_bytes(data[i * 8:i * 8 + 8], "little")
            if not pte & 1:
                continue
            nxt = (pte >> 9) & 7
            addr = pte & 0x000FFFFFFFFFF000
            if level == 1 or nxt == 0 or nxt == 7:
                count += 1
                if count >= limit:
                    return count
            else:
                stack.append((addr, nxt))
    return count


def translate(prog, root, mode, iova):
    """The physical address an AMD v1 I/O page table (level `mode` at `root`)
    gives `iova`, or None when a level on the way is not present."""
    table, level = root, mode
    for _ in range(6):
        shift = 12 + 9 * (level - 1)
        pte = int.from_bytes(prog.read(table + ((iova >> shift) & 0x1FF) * 8, 8, True), "little")
        if not pte & 1:
            return None
        nxt, addr = (pte >> 9) & 7, pte & 0x000FFFFFFFFFF000
        if level == 1 or nxt == 0:
            return addr | (iova & ((1 << shift) - 1))
        if nxt == 7:  # a larger page, its size encoded in the address bits
            size = 1 << 12
            while (addr >> (size.bit_length() - 1)) & 1:
                size <<= 1
            size <<= 1
            return (addr & ~(size - 1)) | (iova & (size - 1))
        table, level = addr, nxt
    return None


# IO_PAGE_FAULT as the capture kernel prints it: "pci 0000:00:03.0: AMD-Vi: Event
# logged [IO_PAGE_FAULT domain=... address=...]" or "[IO_PAGE_FAULT device=00:03.0 ...]".
IOPF = re.compile(r"(?:(\w{4}:\w{2}:\w{2}\.\w): )?(?:AMD-Vi: )?Event logged \[IO_PAGE_FAULT"
                  r"(?: device=(?:(\w{4}):)?(\w{2}:\w{2}\.\w))? domain=0x(\w+) address=0x(\w+)")


def software_domains(prog, head):
    """devid -> the crashed kernel's {domain, root (PA), mode} from
    iommu_dev_data.domain, for every layout the lab's kernels have."""
    from drgn.helpers.linux.llist import llist_for_each_entry
    from drgn.helpers.linux.mm import virt_to_phys
    out = {}
    try:
        entries = list(llist_for_each_entry("struct iommu_dev_data", head.first, "dev_data_list"))
    except (LookupError, FaultError):
        return out
    for dd in entries:
        try:
            pd = dd.domain
            if not pd.value_():
                continue
            t = pd.type_.type
            if t.has_member("amdv1"):          # 6.18+: generic page table
                top = pd.amdv1.amdpt.common.top_of_table.value_()
                va, mode = top & ~7, (top & 7) + 1
            elif t.has_member("iop"):          # 5.11 .. 6.17: amd_io_pgtable
                va, mode = pd.iop.root.value_(), pd.iop.mode.value_()
            else:                           # 5.10: atomic64 pt_root = root | mode
                v = pd.pt_root.counter.value_()
                va, mode = v & ~7, v & 7
            root = virt_to_phys(Object(prog, "unsigned long", va)).value_() if va and mode else 0
            out[dd.devid.value_()] = {"domain": pd.id.value_(), "root": root, "mode": mode if root else 0}
        except (LookupError, FaultError, AttributeError):
            continue
    return out


def capture_faults(path):
    """{bdf "0000:BB:DD.F": [address, ...]} from a capture kernel's log."""
    out = {}
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return out
    for m in IOPF.finditer(text):
        bdf = m.group(1) or "%s:%s" % (m.group(2) or "0000", m.group(3))
        out.setdefault(bdf, []).append(int(m.group(5), 16))
    return out


# ------------------------------------------------------------------ Intel VT-d

RECORD_MAGIC = b"IIFLUSH1"          # include/amdvi/flush_record.h AMDVI_FLUSH_RECORD_MAGIC
VTD_RECORD_VALUE = 0x56544400       # VTD_FLUSH_RECORD_VALUE(0), the wait's status data


def vtd_flush_checks(prog, truth):
    """The VT-d reference flush (module/iommu_ref_flush, ref_flush_vtd.c),
    read with drgn alone: at each unit's free_head the three descriptors
    (global context-cache, global IOTLB, wait with status write), the wait's
    address holding the module's record; and QEMU's own trace of the unit:
    its last status write before the capture kernel is the module's
    (flush) or the kernel's own (flush-stuck: IQT was never written)."""
    want = truth["promises"].get("flush")
    hw = (truth.get("vtd_hw") or {}).get("crashed") or {}
    for drhd in list_for_each_entry("struct dmar_drhd_unit", prog["dmar_drhd_units"].address_of_(), "list"):
        it = drhd.iommu
        name = it.name.string_().decode()
        qi = it.qi
        size = 32 if int(it.ecap) >> 43 & 1 else 16      # qi_shift(): 256-bit descriptors with ECAP.SMTS
        head = int(qi.free_head)
        base = qi.desc.value_()
        qws = []
        for k in range(3):
            raw = prog.read(base + ((head + k) % 256) * size, 16)
            qws.append((int.from_bytes(raw[:8], "little"), int.from_bytes(raw[8:], "little")))
        (cc, _), (iotlb, _), (wait0, wait1) = qws
        check("%s: global context-cache and IOTLB invalidation at free_head %d" % (name, head),
              cc == 0x11 and iotlb & ~0xc0 == 0x12, "qw0 %#x, %#x" % (cc, iotlb))
        addr, data = wait1 & ~3, wait0 >> 32
        ok_wait = wait0 & 0xf == 5 and wait0 & 0x20 and data & ~0xff == VTD_RECORD_VALUE
        check("%s: then a wait with status write of the module's value" % name, ok_wait,
              "qw %#x %#x" % (wait0, wait1))
        if not ok_wait:
            continue
        rec = prog.read(addr, 16, True)
        check("%s: the wait's address %#x holds the module's record" % (name, addr), rec[8:16] == RECORD_MAGIC,
              "bytes %s" % rec.hex())
        landed = int.from_bytes(rec[:4], "little") == data
        lw = hw.get("last_wait_write") or {}
        qemu_did = lw.get("address") == addr and lw.get("data") == data
        if want in ("flush", "disable"):
            check("%s: the status write landed (record word = %#x)" % (name, data), landed, rec[:8].hex())
            check("%s: QEMU's last status write before the capture kernel is the module's" % name, qemu_did,
                  "trace: %s" % lw)
        if want == "disable":
            steps = int.from_bytes(prog.read(addr + 48, 4, True), "little")    # record.steps
            check("%s: the record says translation was disabled (steps %#x)" % (name, steps), steps & 0x20,
                  "steps %#x" % steps)
            check("%s: QEMU saw translation disabled before the capture kernel" % name,
                  hw.get("translation_enabled") is False, "trace: translation_enabled %s" % hw.get("translation_enabled"))
        elif want == "flush-stuck":
            check("%s: the status write never landed" % name, not landed, rec[:8].hex())
            check("%s: QEMU never executed the module's wait (IQT not written)" % name,
                  lw and not qemu_did, "trace: %s" % lw)


def vtd_checks(prog, truth, d):
    """The VT-d state as tests/drgn/vtd_mappings.py reads it from the dump,
    against what the guest saw (sysfs before the panic, its logs) and what
    QEMU's intel-iommu itself did (truth.json "vtd_hw", from its trace)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "drgn"))
    import vtd_mappings
    prom = truth["promises"]
    guest = truth["guest"]
    hw = (truth.get("vtd_hw") or {}).get("crashed") or {}
    try:
        st = vtd_mappings.read_state(prog)
    except Exception as e:  # noqa: BLE001 - a walker that cannot read the dump is a failure
        check("drgn VT-d walker reads the dump", False, "%s: %s" % (type(e).__name__, e))
        return
    units = st["units"]
    if not prom.get("active_intel_iommu", True):
        # intel_iommu=off: the DRHD units are parsed (dmar_drhd_units), translation never enabled
        check("intel_iommu_enabled is 0 (VT-d off)", st["intel_iommu_enabled"] is False,
              "intel_iommu_enabled %s" % st["intel_iommu_enabled"])
        check("no unit has translation enabled (gcmd.TE)", not any(u["translation_enabled"] for u in units),
              ", ".join("%s gcmd %s" % (u["name"], u["gcmd"]) for u in units) or "no units")
        check("guest sysfs shows no IOMMU", not guest.get("iommu_class_present", False))
        if hw:
            check("QEMU saw no root table and no translation enable", not hw.get("root_table") and
                  not hw.get("translation_enabled"), "root %s, TE %s" % (hw.get("root_table"), hw.get("translation_enabled")))
        return
    check("drgn VT-d walker reads the dump", True, "%d unit(s), %d extents, %d tables read%s" % (
        len(units), len(st["extents"]), st["tables_read"], ", TRUNCATED" if st["truncated"] else ""))
    check("number of DMAR units as promised", len(units) == prom.get("iommus"),
          "%d, promised %s" % (len(units), prom.get("iommus")))
    check("intel_iommu_enabled", st["intel_iommu_enabled"] is True)
    sysfs = {i["name"]: i for i in guest.get("iommus") or [] if i.get("class") == "intel-iommu"}
    devs = {}
    for u in units:
        name = u["name"]
        g = (sysfs.get(name) or {}).get("vtd")
        if check("%s is in the guest's sysfs" % name, g is not None, ", ".join(sorted(sysfs)) or "none"):
            check("%s register base, cap and ecap = sysfs" % name,
                  (int(u["reg_phys"], 16), int(u["cap"], 16), int(u["ecap"], 16)) == (g["address"], g["cap"], g["ecap"]),
                  "dump %s %s %s, sysfs %#x %#x %#x" % (u["reg_phys"], u["cap"], u["ecap"], g["address"], g["cap"], g["ecap"]))
        check("%s translation and queued invalidation enabled (gcmd shadow)" % name,
              u["translation_enabled"] and u["qi_enabled"], "gcmd %s" % u["gcmd"])
        if prom.get("scalable_mode") is not None:
            check("%s scalable mode %s as promised" % (name, "on" if prom["scalable_mode"] else "off"),
                  u["sm"] == prom["scalable_mode"], "intel_iommu_sm %s, ECAP.SMTS %d" % (
                      st["intel_iommu_sm"], int(u["ecap"], 16) >> 43 & 1))
        if hw.get("root_table") is not None:
            check("%s root table and its SMT bit = what QEMU was given" % name,
                  (int(u["root_table"], 16), u["sm"]) == (hw["root_table"], hw["scalable"]),
                  "dump %s sm=%s, QEMU %#x scalable=%s" % (u["root_table"], u["sm"], hw["root_table"], hw["scalable"]))
        qi = u["qi"] or {}
        if prom.get("qi_verdict"):
            lw = qi.get("last_wait") or {}
            check("%s invalidation queue verdict %s" % (name, prom["qi_verdict"]),
                  qi.get("verdict") == prom["qi_verdict"],
                  "%s: head %s tail %s free %s, last wait slot %s status %s, %d pending" % (
                      qi.get("verdict"), qi.get("free_head"), qi.get("free_tail"), qi.get("free_cnt"),
                      lw.get("slot"), lw.get("desc_status_name"), len(qi.get("pending") or [])))
        for dv in u["devices"]:
            devs[dv["bdf"]] = dv

    # Every PCI function the guest listed behind a unit has a present context entry.
    behind = [p for p in guest.get("pci", []) if p.get("iommu") in sysfs]
    missing = [p["bdf"] for p in behind if p["bdf"] not in devs]
    check("every device behind a unit in sysfs has a context entry", not missing and behind,
          "%d devices%s" % (len(behind), (", missing: " + " ".join(missing)) if missing else ""))
    pci = {p["bdf"]: p for p in guest.get("pci", [])}
    dids = {}
    for bdf in prom.get("translated_devices", []):
        dv = devs.get(bdf)
        if not check("%s translated (context %s)" % (bdf, (dv or {}).get("mode")),
                     dv is not None and dv["translation"] == "translated" and dv.get("pgd")
                     and dv.get("levels") in (3, 4, 5) and dv.get("did"),
                     "%s" % ({k: dv.get(k) for k in ("translation", "tt", "pgtt", "did", "aw", "levels", "pgd")}
                             if dv else "no context entry")):
            continue
        dids[bdf] = dv["did"]
        gt = (pci.get(bdf) or {}).get("group_type")
        check("%s sysfs group type is a DMA domain" % bdf, gt in ("DMA", "DMA-FQ"), str(gt))
        if prom.get("first_level") is not None:
            check("%s on %s tables as promised" % (bdf, "first-level" if prom["first_level"] else "second-level"),
                  dv["first_level"] == prom["first_level"], "pgtt %s" % dv.get("pgtt"))
        if prom.get("live_mappings"):
            check("%s has live mappings" % bdf, dv.get("extents", 0) > 0,
                  "%s extents, leaves %s" % (dv.get("extents"), dv.get("leaves")))
    for bdf in prom.get("identity_devices", []):
        dv = devs.get(bdf)
        check("%s in pass-through (context TT=2 / PASID PGTT=4)" % bdf,
              dv is not None and dv["translation"] == "passthrough",
              "%s" % ({k: dv.get(k) for k in ("translation", "tt", "pgtt", "did")} if dv else "no context entry"))
        gt = (pci.get(bdf) or {}).get("group_type")
        check("%s sysfs group type is identity" % bdf, gt == "identity", str(gt))
    if len(prom.get("translated_devices", [])) > 1:
        ids = [dids.get(b) for b in prom["translated_devices"]]
        check("translated devices each in their own domain", None not in ids and len(set(ids)) == len(ids),
              "domain IDs %s" % ids)

    # QEMU's view: the context entries it cached and the IOTLB entries it
    # filled while the crashed kernel ran (truth.json vtd_hw.crashed).
    for bdf, ce in sorted((hw.get("contexts") or {}).items()):
        dv = devs.get(bdf)
        got = [int(x, 16) for x in dv["context"][:2]] if dv else None
        check("%s context entry = the one QEMU cached" % bdf, got == [ce["lo"], ce["hi"]],
              "dump %s, QEMU lo %#x hi %#x" % (dv and dv["context"][:2], ce["lo"], ce["hi"]))
    for bdf, f in sorted((hw.get("iotlb_fills") or {}).items()):
        dv = devs.get(bdf)
        if not f.get("count"):
            continue
        if not dv or not dv.get("pgd"):
            check("%s QEMU filled IOTLB entries for a translated device" % bdf, False, "no page table in the dump")
            continue
        check("%s every IOTLB fill QEMU made carries the context's domain ID" % bdf,
              f["domains"] == [dv["did"]], "QEMU %s, context %s" % (f["domains"], dv["did"]))
        # The entries QEMU still held at the end (filled, no invalidation since):
        # one whose PTE is still present must translate the same (an IOVA is
        # mapped again only after an invalidation); one whose PTE is gone is
        # stale, the unmap's invalidation still pending (lazy mode).
        agree, differ, stale = 0, [], 0
        for e in f.get("live") or []:
            got = vtd_mappings.translate(prog, dv, e["iova"])
            if got is None:
                stale += 1
            elif got & ~0xfff == e["pte"] & vtd_mappings.ADDR & ~0xfff:
                agree += 1
            else:
                differ.append("%#x: dump %#x, QEMU %#x" % (e["iova"], got, e["pte"] & vtd_mappings.ADDR))
        check("%s the IOTLB entries QEMU held at the panic translate as the dump's tables do" % bdf,
              not differ and (agree > 0 or not f.get("live")),
              "%d agree, %d stale (unmapped, not yet invalidated), of %d checked (%d held, %d fills in all)%s" % (
                  agree, stale, len(f.get("live") or []), f.get("live_count", 0), f["count"],
                  ("; differ: " + ", ".join(differ[:3])) if differ else ""))
    # QEMU's invalidation queue and its last completion write
    for u in units:
        qi = u["qi"] or {}
        if hw.get("qi_ring") is not None and qi.get("ring"):
            check("%s invalidation queue = the ring QEMU was given" % u["name"],
                  int(qi["ring"], 16) == hw["qi_ring"], "dump %s, QEMU %#x" % (qi["ring"], hw["qi_ring"]))
        lw, ww = qi.get("last_wait") or {}, hw.get("last_wait_write")
        # (after a reference flush that ran, QEMU's last write is the module's:
        # vtd_flush_checks)
        if ww and lw and prom.get("qi_verdict") == "completed" and prom.get("flush") not in ("flush", "disable"):
            want = int(qi["status_array"], 16) + 4 * lw["slot"]
            check("%s QEMU's last status write completed the last wait descriptor" % u["name"],
                  (ww["address"], ww["data"]) == (want, 2),
                  "QEMU wrote %#x to %#x; slot %d's status is at %#x" % (ww["data"], ww["address"], lw["slot"], want))

    # The crashed kernel's software view, where the dump has it.
    sw = st.get("software") or {}
    unread = sorted(b for b, e in sw.items() if isinstance(e, dict) and e.get("errors"))
    for bdf in prom.get("translated_devices", []):
        e, dv = sw.get(bdf) or {}, devs.get(bdf) or {}
        if e.get("pgd"):
            check("%s the group's dmar_domain pgd = the context's table" % bdf, e["pgd"] == dv.get("pgd"),
                  "software %s, tables %s" % (e["pgd"], dv.get("pgd")))
        if e.get("levels") and dv.get("levels"):
            check("%s the dmar_domain's level count = the context's" % bdf, e["levels"] == dv["levels"],
                  "software %s, tables %s" % (e["levels"], dv["levels"]))
        if e.get("first_level") is not None and dv:
            check("%s the dmar_domain's first-level flag = the tables'" % bdf,
                  e["first_level"] == dv.get("first_level"),
                  "software %s, tables %s" % (e["first_level"], dv.get("first_level")))
        if e.get("dids"):
            check("%s the dmar_domain's domain ID = the context's" % bdf, dv.get("did") in e["dids"].values(),
                  "software %s, tables %s" % (e["dids"], dv.get("did")))
        if "group_domain" in e:
            check("%s the group's domain type = sysfs" % bdf,
                  e["group_domain"] == (pci.get(bdf) or {}).get("group_type"),
                  "dump %s, sysfs %s" % (e["group_domain"], (pci.get(bdf) or {}).get("group_type")))
    if unread:
        print("note software view partly outside the dump (%s): %s" % (
            ", ".join(unread), "; ".join(sorted({v for b in unread for v in sw[b]["errors"].values()}))[:300]))

    # Faults the capture kernel logged for devices still DMAing with the
    # crashed kernel's IOVAs: each address is mapped in the device's old tables.
    logged = (truth.get("capture_kernel") or {}).get("dmar_faults") or []
    hw_cap = ((truth.get("vtd_hw") or {}).get("capture") or {}).get("faults") or []
    for bdf in prom.get("capture_faults", []):
        mine = [f for f in logged if f["bdf"] == bdf]
        check("capture kernel logged DMAR faults for %s" % bdf, len(mine) > 0,
              "%d line(s) in kexec-dmesg.log (%d in all); first: %s" % (
                  len(mine), (truth.get("capture_kernel") or {}).get("dmar_faults_total", 0),
                  mine[0] if mine else None))
        dv = devs.get(bdf)
        if not check("%s translated in the dump (its old domain)" % bdf, bool(dv and dv.get("pgd")),
                     str(dv and dv.get("translation"))):
            continue
        if mine:
            hits = [f["address"] for f in mine if vtd_mappings.translate(prog, dv, f["address"]) is not None]
            check("%s every faulting address mapped in its old domain" % bdf,
                  len(hits) == len(mine), "%d of %d addresses (first %#x), domain ID %s" % (
                      len(hits), len(mine), mine[0]["address"], dv["did"]))
        # Before its faults, the device's DMA went through the copied context
        # to the crashed kernel's tables: QEMU filled IOTLB entries with the
        # old domain ID during the capture boot.
        cap_fills = (((truth.get("vtd_hw") or {}).get("capture") or {}).get("iotlb_fills") or {}).get(bdf) or {}
        if (truth.get("vtd_hw") or {}).get("capture"):
            check("%s DMA translated through its old domain during the capture boot" % bdf,
                  dv["did"] in (cap_fills.get("domains") or []),
                  "capture-era IOTLB fills: %d, domain IDs %s; old domain ID %s" % (
                      cap_fills.get("count", 0), cap_fills.get("domains"), dv["did"]))
        hwm = [f for f in hw_cap if f["bdf"] == bdf]
        if hw_cap or (truth.get("vtd_hw") or {}).get("capture"):
            # the unit records the first fault (its one recording register), so the
            # first line logged is QEMU's first fault for the device (vtd_hw keeps 64)
            check("%s QEMU recorded the first fault the capture kernel logged" % bdf,
                  bool(hwm) and bool(mine) and (mine[0]["address"] & ~0xfff, mine[0]["write"]) ==
                  (hwm[0]["address"] & ~0xfff, hwm[0]["write"]),
                  "QEMU: %d fault(s), first %s; logged first %s" % (
                      ((truth.get("vtd_hw") or {}).get("capture") or {}).get("faults_total", 0),
                      hwm[0] if hwm else None, mine[0] if mine else None))


def main():
    d = sys.argv[1]
    vmcore = os.path.join(d, "vmcore")
    if len(sys.argv) > 3 and sys.argv[2] == "--vmcore":
        vmcore = sys.argv[3]
    truth = json.load(open(os.path.join(d, "truth.json")))
    vmlinux = truth["kernel"]["vmlinux"]
    prom = truth["promises"]

    prog = Program()
    try:
        prog.set_core_dump(vmcore)
        prog.load_debug_info([vmlinux])
    except Exception as e:  # noqa: BLE001 - report any failure to open as a check
        check("drgn opens the vmcore", False, "%s: %s" % (type(e).__name__, e))
        return 1
    release = None
    try:
        release = prog["init_uts_ns"].name.release.string_().decode()
    except (LookupError, FaultError):
        pass
    check("drgn opens the vmcore", True, os.path.basename(vmcore))
    want = truth["guest"].get("release") or truth["kernel"].get("release")
    check("kernel release matches the guest's uname -r", release == want, "%s vs %s" % (release, want))

    # The guest's own counters over the last second before the panic.
    load = truth["guest"].get("load_delta_last_second") or {}
    disk = sum((load.get("disk_sectors_read") or {}).get(b, 0) for b in ("vda", "nvme0n1"))
    net = sum(v for k, v in (load.get("net_rx_packets") or {}).items() if k != "lo")
    if prom.get("dma_load_at_panic"):
        check("guest did disk and network DMA in its last second", disk > 0 and net > 0,
              "%d sectors read, %d packets received" % (disk, net))
    elif load:
        # Not a matter of chance: without LOAD=dma nothing opens the DMA disk
        # (vda) or the NVMe disk (the facts go to the separate output disk),
        # so 0 sectors is exact; the NIC may still receive a frame or two that
        # QEMU's user network sends on its own, hence a tolerance, not 0.
        check("guest was idle in its last second", disk == 0 and net < 5,
              "%d sectors read, %d packets received" % (disk, net))

    if prom.get("module_refusal"):
        mod = truth["guest"].get("module") or "?"
        said = (truth["guest"].get("module_refusal") or "").splitlines()
        insmod = [l for l in said if l.startswith("insmod: ")]          # guest-init's prefix
        kernel = [l for l in said if (mod + ": ") in l and not l.startswith("insmod: ")]
        check("insmod of %s failed" % mod, any("can't insert" in l for l in insmod), " | ".join(insmod))
        check("%s said %r in the kernel log" % (mod, prom["module_refusal"]),
              any(prom["module_refusal"] in l for l in kernel), " | ".join(kernel)[:300])

    # The reference flush is built from the tree its DKMS package installs
    # (tests/lab/lib.sh module_tree): the module the crashed kernel ran must
    # carry this tree's version (MODULE_VERSION, from include/version.h).
    if truth["guest"].get("module") == "iommu_ref_flush" and not prom.get("module_refusal"):
        want_ver = re.search(r'#define IIF_VERSION\s+"([^"]+)"', open(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "..", "include", "version.h")).read()).group(1)
        got = None
        try:
            for m in list_for_each_entry("struct module", prog["modules"].address_of_(), "list"):
                if m.name.string_().decode() == "iommu_ref_flush":
                    got = m.version.string_().decode() if m.version else "(no version)"
        except (LookupError, FaultError) as e:
            got = "(module list unreadable: %s)" % e
        check("the crashed kernel ran iommu_ref_flush version %s (the DKMS tree's)" % want_ver,
              got == want_ver, "loaded: %s" % got)

    if prom.get("vendor") == "intel":
        # An Intel VT-d machine: the AMD checks below cannot apply; one holds.
        iommus = list(list_for_each_entry("struct amd_iommu", prog["amd_iommu_list"].address_of_(), "list"))
        check("amd_iommu_list is empty (a VT-d machine)", len(iommus) == 0, "%d AMD IOMMU(s)" % len(iommus))
        vtd_checks(prog, truth, d)
        if truth["guest"].get("module") == "iommu_ref_flush" and not prom.get("module_refusal"):
            vtd_flush_checks(prog, truth)
        return 0 if all(results) else 1

    iommus = list(list_for_each_entry("struct amd_iommu", prog["amd_iommu_list"].address_of_(), "list"))
    if prom.get("active_amd_iommu", True):
        check("amd_iommu_list is non-empty", len(iommus) > 0, "%d IOMMU(s)" % len(iommus))
        check("number of IOMMUs as promised", len(iommus) == prom.get("iommus", len(iommus)),
              "%d, promised %s" % (len(iommus), prom.get("iommus", "(nothing)")))
    else:
        check("amd_iommu_list is empty (no active AMD IOMMU)", len(iommus) == 0,
              "%d IOMMU(s)" % len(iommus))
        check("guest sysfs shows no AMD IOMMU", not truth["guest"].get("iommu_class_present", False))
        return 0 if all(results) else 1

    for it in iommus:
        check("IOMMU %s has a command buffer and device table" % hex(it.mmio_phys.value_()),
              it.cmd_buf.value_() != 0, "cmd_buf %s" % hex(it.cmd_buf.value_()))
    # sysfs amd-iommu/{cap,features} as the guest read them vs the dump. 6.1 keeps the EFR
    # in struct amd_iommu and shows "features2:features"; later kernels (6.12) keep it in
    # the global amd_iommu_efr (the struct members stay 0) and show "efr:efr2".
    sys_iommus = truth["guest"].get("iommus") or []
    if len(sys_iommus) == 1 and len(iommus) == 1:
        attrs = sys_iommus[0].get("amd_iommu_attrs") or {}
        it = iommus[0]
        if attrs.get("cap"):
            check("IOMMU capability header matches sysfs", it.cap.value_() == int(attrs["cap"], 16),
                  "dump %#x, sysfs %s" % (it.cap.value_(), attrs["cap"]))
        if attrs.get("features"):
            fields = attrs["features"].split(":")
            # (6.1 also has an amd_iommu_efr global, but it holds the IVHD's EFR copy, 0 here)
            if it.features.value_() != 0:
                efr, want = it.features.value_(), int(fields[-1], 16)
            else:
                efr, want = prog["amd_iommu_efr"].value_(), int(fields[0], 16)
            check("IOMMU extended features match sysfs", efr == want and efr != 0,
                  "dump %#x, sysfs %s" % (efr, attrs["features"]))

    # Lazy mode needs an IOMMU without NpCache (capability bit 26; the lab's
    # QEMU with npcache=off): with it, 6.0+ logs "Using strict mode due to
    # virtualization" and every DMA domain is strict.
    if prom.get("dma_policy") == "lazy":
        for it in iommus:
            check("IOMMU %s capability header without NpCache (bit 26)" % hex(it.mmio_phys.value_()),
                  not it.cap.value_() & (1 << 26), "cap %#x" % it.cap.value_())
        log = open(os.path.join(d, "vmcore-dmesg.txt"), errors="replace").read()
        check("the crashed kernel did not fall back to strict mode",
              "Using strict mode due to virtualization" not in log and "iommu.strict=1" not in log)

    # Entries left in the event buffer (struct amd_iommu.evt_buf, 512 x 16 bytes
    # in 6.1 and 6.12; the driver zeroes each entry it has processed).
    for want in prom.get("unprocessed_events", []):
        wdev = bdf_devid(want["bdf"])
        code = {"IO_PAGE_FAULT": 2}[want["type"]]
        found = []
        for it in iommus:
            buf = prog.read(it.evt_buf.value_(), 8192)   # a kernel virtual address
            for off in range(0, 8192, 16):
                q0 = int.from_bytes(buf[off:off + 8], "little")
                addr = int.from_bytes(buf[off + 8:off + 16], "little")
                if q0 >> 60 == code and q0 & 0xFFFF == wdev and addr == want["address"]:
                    found.append((off, (q0 >> 32) & 0xFFFF, (q0 >> 48) & 0xFFF))
        check("event buffer holds %s of %s at %#x" % (want["type"], want["bdf"], want["address"]),
              len(found) > 0, "entries (offset, domain, flags): %s" % found[:3])

    # The pages the analysis lives on must be in the dump: a makedumpfile that
    # does not know the kernel's page flags drops them at -d 31 (bookworm's
    # 1.7.2 on a 7.3 capture).
    for it in iommus:
        for what, addr in (("command ring (cmd_buf)", it.cmd_buf.value_()),
                           ("event log (evt_buf)", it.evt_buf.value_())):
            try:
                prog.read(addr, 8192)
                check("IOMMU %s %s in the dump" % (hex(it.mmio_phys.value_()), what), True, hex(addr))
            except FaultError as e:
                check("IOMMU %s %s in the dump" % (hex(it.mmio_phys.value_()), what), False, str(e))

    # Device table: per PCI segment since 5.19; 5.10 has a stub
    # amd_iommu_pci_seg (list, id) and the global amd_iommu_dev_table.
    seg_type = prog.type("struct amd_iommu_pci_seg") if "amd_iommu_pci_seg_list" in prog else None
    if seg_type is not None and any(m.name == "dev_table" for m in seg_type.members if m.name):
        segs = list(list_for_each_entry("struct amd_iommu_pci_seg",
                                        prog["amd_iommu_pci_seg_list"].address_of_(), "list"))
        check("amd_iommu_pci_seg_list has segment 0", any(s.id.value_() == 0 for s in segs),
              "%d segment(s)" % len(segs))
        seg = [s for s in segs if s.id.value_() == 0][0]
        dev_table = seg.dev_table.value_()
        last_bdf = seg.last_bdf.value_()
        dev_data_head = seg.dev_data_list.address_of_()
    else:
        dev_table = prog["amd_iommu_dev_table"].value_()
        last_bdf = prog["amd_iommu_last_bdf"].value_()
        dev_data_head = prog["dev_data_list"].address_of_()
    dte_size = prog.type("struct dev_table_entry").size
    try:
        prog.read(dev_table, (last_bdf + 1) * dte_size)
        check("device table in the dump", True, "%d entries at %#x" % (last_bdf + 1, dev_table))
    except FaultError as e:
        check("device table in the dump", False, str(e))

    # The crashed kernel's own view (iommu_dev_data.domain): on a 6.18+
    # capture the DTEs may be the capture kernel's.
    sw = software_domains(prog, dev_data_head)
    reused = truth.get("capture_kernel", {}).get("reuses_in_place", False)
    domains = {}
    rewritten = []
    for p in truth["guest"].get("pci", []):
        if not p.get("iommu"):
            continue  # the IOMMU itself and devices outside its scope
        devid = p["devid"] if "devid" in p else bdf_devid(p["bdf"])
        if not check("devid %#06x (%s) within last_bdf %#x" % (devid, p["bdf"], last_bdf),
                     devid <= last_bdf):
            continue
        try:
            raw = prog.read(dev_table + devid * dte_size, 32)
        except FaultError as e:
            check("DTE of %s readable" % p["bdf"], False, str(e))
            continue
        f = dte_fields(raw)
        check("DTE of %s (%s) is valid" % (p["bdf"], p.get("driver") or "no driver"), f["v"] == 1,
              "V=%d TV=%d mode=%d domain=%d" % (f["v"], f["tv"], f["mode"], f["domain"]))
        s_ = sw.get(devid)
        if reused and s_ and s_["mode"]:
            if s_["domain"] != f["domain"] or s_["root"] != f["root"]:
                rewritten.append(p["bdf"])
            f = dict(f, tv=1, mode=s_["mode"], root=s_["root"], domain=s_["domain"])
        if p["bdf"] in prom.get("translated_devices", []):
            check("%s translated (TV=1, mode 1-6, page table root)" % p["bdf"],
                  f["tv"] == 1 and 1 <= f["mode"] <= 6 and f["root"] != 0,
                  "TV=%d mode=%d root=%#x" % (f["tv"], f["mode"], f["root"]))
            domains[p["bdf"]] = f["domain"]
            if prom.get("live_mappings") and f["root"] and 1 <= f["mode"] <= 6:
                try:
                    n = count_mappings(prog, f["root"], f["mode"])
                    check("%s has live mappings" % p["bdf"], n > 0, "%d present leaf PTEs" % n)
                except FaultError as e:
                    check("%s page table readable" % p["bdf"], False, str(e))
        if p["bdf"] in prom.get("identity_devices", []):
            check("%s in identity mode (mode 0)" % p["bdf"], f["mode"] == 0,
                  "TV=%d mode=%d" % (f["tv"], f["mode"]))
        want = "identity" if p["bdf"] in prom.get("identity_devices", []) else None
        if want and p.get("group_type"):
            check("%s sysfs group type is identity" % p["bdf"], p["group_type"] == "identity",
                  p["group_type"])
    # Faults the capture kernel logged for devices still DMAing with the crashed
    # kernel's IOVAs: each such address must be mapped in the device's old table.
    dtes = {}
    for p in truth["guest"].get("pci", []):
        if p["bdf"] in prom.get("capture_faults", []):
            dtes[p["bdf"]] = dte_fields(prog.read(dev_table + bdf_devid(p["bdf"]) * dte_size, 32))
    logged = capture_faults(os.path.join(d, "kexec-dmesg.log")) if prom.get("capture_faults") else {}
    for bdf in prom.get("capture_faults", []):
        addrs = logged.get(bdf, [])
        check("capture kernel logged IO_PAGE_FAULT for %s" % bdf, len(addrs) > 0,
              "%d line(s) in kexec-dmesg.log" % len(addrs))
        f = dtes.get(bdf)
        if not check("%s translated in the dump (its old domain)" % bdf,
                     f is not None and 1 <= f["mode"] <= 6, "DTE %s" % f):
            continue
        if not addrs:
            continue
        hits = [a for a in addrs if translate(prog, f["root"], f["mode"], a) is not None]
        check("%s: every faulting IOVA mapped in its old domain %d" % (bdf, f["domain"]),
              len(hits) == len(addrs), "%d of %d addresses (first %#x)" % (len(hits), len(addrs), addrs[0]))
    if reused:
        check("the capture kernel's rewrites of DTEs, against the crashed kernel's iommu_dev_data",
              True, "rewritten: %s" % (", ".join(rewritten) or "none"))
    if len(prom.get("translated_devices", [])) > 1:
        ids = [domains.get(b) for b in prom.get("translated_devices", [])]
        check("translated devices each in their own domain", None not in ids and len(set(ids)) == len(ids),
              "domains %s" % ids)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
