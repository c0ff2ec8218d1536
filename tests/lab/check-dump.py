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
