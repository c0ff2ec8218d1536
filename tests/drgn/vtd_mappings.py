#!/usr/bin/python3
"""The Intel VT-d state of a vmcore, read with drgn: the sibling of
iopt_mappings.py (AMD), an implementation independent of the C engine, used
to check it and checked itself against the lab's truth.json (check-dump.py).

Usage: vtd_mappings.py VMLINUX VMCORE  ->  JSON on stdout:
  {"units": [{"name", "seq_id", "reg_phys", "cap", "ecap", "gcmd", "agaw",
              "msagaw", "sm" (scalable mode in use), "root_table" (PA),
              "translation_enabled" (the gcmd shadow's TE bit),
              "qi": {"ring", "desc_size", "free_head", "free_tail", "free_cnt",
                     "last_wait": {...}, "pending": [...], "verdict"},
              "devices": [{"bdf", "mode" (legacy|scalable), "tt" | "pasids",
                           "did", "aw", "levels", "translation"
                           (translated|passthrough|...), "first_level",
                           "pgd", "context": [qwords], "extents", "leaves"}]}],
   "software": {"<bdf>": {"driver", "group_type", "did", "first_level", ...}},
   "extents": [{"unit", "device", "pasid", "did", "iova", "pa", "size", "r", "w"}]}

Everything comes from RAM: the units from the kernel's dmar_drhd_units list
(struct dmar_drhd_unit -> struct intel_iommu), the tables from
intel_iommu.root_entry on, walked one entry at a time by the VT-d
specification's layouts (written from the spec, not from the engine):

  root entry (128 bits, 256 per table): legacy: P bit 0, context-table
    pointer 63:12; scalable mode (the root table pointer's SMT bit; Linux:
    intel_iommu_sm && ECAP.SMTS): lower (devfn 0-127) and upper (128-255)
    context-table pointers, each with its own present bit 0;
  legacy context entry (128 bits): P 0, FPD 1, TT 3:2 (0 translated, 1 also
    device-TLB, 2 pass-through), second-level table pointer 63:12; high
    word: AW 2:0 (levels = AW + 2), DID 23:8;
  scalable-mode context entry (256 bits, 128 per table): P 0, FPD 1, DTE 2,
    PASIDE 3, PRE 4, PDTS 11:9 (2^(PDTS+7) PASIDs), PASID directory 63:12;
    RID_PASID (the PASID of requests without one) 19:0 of the 2nd qword;
  PASID directory entry (64 bits): P 0, PASID table 63:12, one per 64 PASIDs;
  PASID table entry (512 bits): P 0, FPD 1, AW 4:2, PGTT 8:6 (1 first-level,
    2 second-level, 3 nested, 4 pass-through), SL pointer 63:12; DID 15:0
    of the 2nd qword; FLPM 3:2 (0 4-level, 1 5-level) and FL pointer 63:12
    of the 3rd;
  second-level entries: R 0, W 1, PS 7 (a 2 MiB / 1 GiB page at level 2/3),
    address 51:12; present = R or W;
  first-level entries: P 0, R/W 1, PS 7, address 51:12, XD 63 (6.1 sets it
    on every entry; it is outside the address mask).

Struct members are probed (has_member), never guessed from a version.  The
invalidation queue's verdict follows qi_submit_sync(): each batch ends with
a wait descriptor (type 5, status write, status data QI_DONE=2) whose
status address is the physical address of desc_status[slot]; the last one
is at (free_head - 1) mod 256, and its desc_status says what became of it:
0 FREE or 2 DONE -> completed, 1 IN_USE -> queued-not-completed,
3 ABORT -> aborted.
"""
import json
import sys

import drgn
from drgn import FaultError, Object, Program
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.mm import virt_to_phys

QI_LENGTH = 256                      # intel/iommu.h
QI_STATUS = {0: "free", 1: "in-use", 2: "done", 3: "abort"}
QI_TYPES = {1: "context-cache", 2: "iotlb", 3: "device-tlb", 4: "iec", 5: "wait",
            6: "pasid-iotlb", 7: "pasid-cache", 8: "pasid-device-tlb"}
ADDR = ((1 << 52) - 1) & ~0xfff
PGTT = {1: "first-level", 2: "second-level", 3: "nested", 4: "pass-through"}
TT = {0: "translated", 1: "translated+device-tlb", 2: "passthrough", 3: "reserved"}
DOMAIN_TYPES = {0: "blocked", 1: "unmanaged", 3: "DMA", 4: "identity", 11: "DMA-FQ"}


def q(raw, i):
    return int.from_bytes(raw[i * 8:i * 8 + 8], "little")


def has(obj_or_type, name):
    t = obj_or_type if isinstance(obj_or_type, drgn.Type) else obj_or_type.type_
    while t.kind == drgn.TypeKind.POINTER:
        t = t.type
    try:
        return t.has_member(name)
    except (TypeError, ValueError):
        return False


def pa(prog, ptr):
    return int(virt_to_phys(Object(prog, "unsigned long", int(ptr))))


def bdf_name(seg, bus, devfn):
    return "%04x:%02x:%02x.%d" % (seg, bus, devfn >> 3, devfn & 7)


# ---------------------------------------------------------------- page tables

def walk(prog, table, level, base, first_level, out, seen, budget):
    """Leaves of one table at `level` (1 = 4 KiB entries) into out as
    (iova, pa, size, r, w).  `seen` guards against loops; budget[0] caps the
    tables read."""
    if table in seen or budget[0] <= 0:
        return
    seen.add(table)
    budget[0] -= 1
    raw = prog.read(table, 4096, True)
    step = 1 << (12 + 9 * (level - 1))
    for i in range(512):
        pte = q(raw, i)
        present = pte & 1 if first_level else pte & 3
        if not present:
            continue
        iova = base + i * step
        addr = pte & ADDR
        if first_level:
            r, w = True, bool(pte & 2)
        else:
            r, w = bool(pte & 1), bool(pte & 2)
        if level == 1 or (pte >> 7 & 1 and level in (2, 3)):
            out.append((iova, addr & ~(step - 1), step, r, w))
        else:
            walk(prog, addr, level - 1, iova, first_level, out, seen, budget)


def extents_of(leaves):
    """Merge leaves contiguous in IOVA and PA with the same permissions."""
    merged, cur = [], None
    for iova, addr, size, r, w in sorted(leaves):
        if cur and cur[0] + cur[2] == iova and cur[1] + cur[2] == addr and (cur[3], cur[4]) == (r, w):
            cur[2] += size
            continue
        if cur:
            merged.append(tuple(cur))
        cur = [iova, addr, size, r, w]
    if cur:
        merged.append(tuple(cur))
    return merged


def leaf_counts(leaves):
    c = {"4k": 0, "2m": 0, "1g": 0}
    for _, _, size, _, _ in leaves:
        c[{1 << 12: "4k", 1 << 21: "2m", 1 << 30: "1g"}[size]] += 1
    return c


# ---------------------------------------------------------------- invalidation queue

def qi_state(prog, iommu, sm_hw):
    qi = iommu.qi
    if not qi:
        return None
    shift = 4 + (1 if sm_hw else 0)          # qi_shift(): 256-bit descriptors when ECAP.SMTS
    size = 1 << shift
    ring_va = int(qi.desc)
    status_va = int(qi.desc_status)
    head, tail, cnt = int(qi.free_head), int(qi.free_tail), int(qi.free_cnt)
    out = {"ring": hex(pa(prog, ring_va)), "desc_size": size, "free_head": head, "free_tail": tail,
           "free_cnt": cnt, "status_array": hex(pa(prog, status_va))}
    ring = prog.read(ring_va, QI_LENGTH * size)
    status = [int.from_bytes(b, "little", signed=True)
              for b in (lambda r: [r[i * 4:i * 4 + 4] for i in range(QI_LENGTH)])(prog.read(status_va, QI_LENGTH * 4))]

    def desc(i):
        return [q(ring, i * size // 8 + k) for k in range(size // 8)]

    w = (head - 1) % QI_LENGTH
    d = desc(w)
    want_addr = pa(prog, status_va) + 4 * w
    is_wait = d[0] & 0xf == 5
    last = {"slot": w, "qw0": hex(d[0]), "qw1": hex(d[1]), "type": QI_TYPES.get(d[0] & 0xf, d[0] & 0xf),
            "status_write": bool(d[0] >> 5 & 1), "status_data": d[0] >> 32,
            "status_addr_is_slot": d[1] == want_addr, "desc_status": status[w],
            "desc_status_name": QI_STATUS.get(status[w], "unknown")}
    out["last_wait"] = last
    if head == 0 and tail == 0 and cnt == QI_LENGTH and not any(d):
        out["verdict"] = "never-used"
    elif not (is_wait and last["status_write"] and last["status_data"] == 2 and last["status_addr_is_slot"]):
        out["verdict"] = "no-wait-descriptor"   # not qi_submit_sync()'s layout
    else:
        out["verdict"] = {0: "completed", 2: "completed", 1: "queued-not-completed",
                          3: "aborted"}.get(status[w], "unknown")
    # Slots not yet reclaimed, free_tail up to free_head, with their status.
    pend = []
    i = tail
    while i != head and len(pend) < QI_LENGTH:
        if status[i]:
            dd = desc(i)
            pend.append({"slot": i, "type": QI_TYPES.get(dd[0] & 0xf, dd[0] & 0xf), "status": QI_STATUS.get(status[i], status[i]),
                         "qw0": hex(dd[0]), "qw1": hex(dd[1])})
        i = (i + 1) % QI_LENGTH
    out["pending"] = pend
    # the batch that the last wait closed: back to the previous wait descriptor
    batch = []
    i = (w - 1) % QI_LENGTH
    while i != w and len(batch) < 32:
        dd = desc(i)
        if dd[0] & 0xf in (0, 5):
            break
        batch.append({"slot": i, "type": QI_TYPES.get(dd[0] & 0xf, dd[0] & 0xf), "qw0": hex(dd[0]), "qw1": hex(dd[1])})
        i = (i - 1) % QI_LENGTH
    out["last_batch"] = batch[::-1]
    return out


# ---------------------------------------------------------------- root -> context -> PASID

def translate_device(prog, table, levels, fl, cache, budget):
    key = (table, levels, fl)
    if key not in cache:
        leaves = []
        walk(prog, table, levels, 0, fl, leaves, set(), budget)
        cache[key] = leaves
    return cache[key]


def legacy_devices(prog, seg, root_raw, cache, budget):
    devs = []
    for bus in range(256):
        lo = q(root_raw, bus * 2)
        if not lo & 1:
            continue
        ctx = prog.read(lo & ADDR, 4096, True)
        for devfn in range(256):
            c0, c1 = q(ctx, devfn * 2), q(ctx, devfn * 2 + 1)
            if not c0 & 1:
                continue
            tt, aw, did = (c0 >> 2) & 3, c1 & 7, (c1 >> 8) & 0xffff
            d = {"bdf": bdf_name(seg, bus, devfn), "mode": "legacy", "context": [hex(c0), hex(c1)],
                 "fpd": bool(c0 & 2), "tt": tt, "translation": TT[tt], "did": did, "aw": aw,
                 "levels": aw + 2, "first_level": False, "pgd": None}
            if tt in (0, 1):
                d["pgd"] = hex(c0 & ADDR)
                d["_leaves"] = translate_device(prog, c0 & ADDR, aw + 2, False, cache, budget)
            devs.append(d)
    return devs


def pasid_entries(prog, dirptr, pdts, limit=64):
    """Present PASID table entries under a PASID directory: (pasid, 8 qwords)."""
    n_dir = 1 << (pdts + 7) >> 6          # directory entries (64 PASIDs each)
    n_dir = min(n_dir, 1 << 14)
    out = []
    raw_dir = prog.read(dirptr, n_dir * 8, True)
    for di in range(n_dir):
        de = q(raw_dir, di)
        if not de & 1:
            continue
        tab = prog.read(de & ADDR, 64 * 64, True)
        for ti in range(64):
            e = [q(tab, ti * 8 + k) for k in range(8)]
            if e[0] & 1:
                out.append((di * 64 + ti, e))
                if len(out) >= limit:
                    return out
    return out


def sm_devices(prog, seg, root_raw, cache, budget):
    devs = []
    for bus in range(256):
        for half in (0, 1):                 # lower: devfn 0-127, upper: 128-255
            ptr = q(root_raw, bus * 2 + half)
            if not ptr & 1:
                continue
            ctx = prog.read(ptr & ADDR, 4096, True)
            for idx in range(128):
                devfn = half * 128 + idx
                c = [q(ctx, idx * 4 + k) for k in range(4)]
                if not c[0] & 1:
                    continue
                pdts = (c[0] >> 9) & 7
                d = {"bdf": bdf_name(seg, bus, devfn), "mode": "scalable",
                     "context": [hex(x) for x in c], "fpd": bool(c[0] & 2), "dte": bool(c[0] >> 2 & 1),
                     "pasid_enable": bool(c[0] >> 3 & 1), "rid_pasid": c[1] & 0xfffff,
                     "pasid_dir": hex(c[0] & ADDR), "pdts": pdts, "pasids": []}
                for pasid, e in pasid_entries(prog, c[0] & ADDR, pdts):
                    pgtt, aw = (e[0] >> 6) & 7, (e[0] >> 2) & 7
                    p = {"pasid": pasid, "entry": [hex(x) for x in e[:4]], "pgtt": pgtt,
                         "translation": PGTT.get(pgtt, "reserved"), "did": e[1] & 0xffff, "aw": aw}
                    if pgtt == 2 or pgtt == 3:
                        p.update(levels=aw + 2, first_level=False, pgd=hex(e[0] & ADDR))
                        p["_leaves"] = translate_device(prog, e[0] & ADDR, aw + 2, False, cache, budget)
                    elif pgtt == 1:
                        levels = 5 if (e[2] >> 2) & 3 == 1 else 4
                        p.update(levels=levels, first_level=True, pgd=hex(e[2] & ADDR))
                        p["_leaves"] = translate_device(prog, e[2] & ADDR, levels, True, cache, budget)
                    d["pasids"].append(p)
                # the entry requests without a PASID use (RID_PASID), for the summary
                main = next((p for p in d["pasids"] if p["pasid"] == d["rid_pasid"]), None)
                if main:
                    d.update(did=main["did"], aw=main["aw"], pgtt=main["pgtt"],
                             translation={1: "translated", 2: "translated", 3: "translated",
                                          4: "passthrough"}.get(main["pgtt"], "reserved"),
                             levels=main.get("levels"), first_level=main.get("first_level", False),
                             pgd=main.get("pgd"))
                else:
                    d.update(did=None, aw=None, pgtt=None, translation="no-rid-pasid-entry",
                             levels=None, first_level=False, pgd=None)
                devs.append(d)
    return devs


# ---------------------------------------------------------------- the kernel's own view

def pci_devices(prog):
    """Every struct pci_dev, from pci_root_buses down through child buses."""
    def bus_devs(bus):
        for dev in list_for_each_entry("struct pci_dev", bus.devices.address_of_(), "bus_list"):
            yield dev
        for child in list_for_each_entry("struct pci_bus", bus.children.address_of_(), "node"):
            yield from bus_devs(child)
    for bus in list_for_each_entry("struct pci_bus", prog["pci_root_buses"].address_of_(), "node"):
        yield from bus_devs(bus)


def software_view(prog, seq_ids):
    """bdf -> what the crashed kernel's software thought: the IOMMU group and
    the types of its default and current domains, the current domain as a
    dmar_domain (its page-table root, level count, first-level flag and its
    domain ID on each unit, from iommu_array), the bound driver, and the
    device_domain_info (dev->iommu->priv) when it is in the dump.  Reads
    that fail are recorded per field ("errors"): bookworm's makedumpfile
    1.7.2 at -d 31 drops some slab pages of 6.10+ kernels (their page_type
    slab marker), so a 6.12 dump may lack dev_iommu or device_domain_info
    objects while the tables, all page-allocator pages, are there."""
    from drgn.helpers.linux.xarray import xa_load
    out = {}

    def note(e, what, ex):
        e.setdefault("errors", {})[what] = "%s: %s" % (type(ex).__name__, ex)

    for pdev in pci_devices(prog):
        dev = pdev.dev
        seg = int(pdev.bus.domain_nr) if has(pdev.bus, "domain_nr") else 0
        bdf = bdf_name(seg, int(pdev.bus.number), int(pdev.devfn))
        e = {"driver": None}
        out[bdf] = e
        try:
            e["driver"] = dev.driver.name.string_().decode() if dev.driver else None
        except FaultError as ex:
            note(e, "driver", ex)
        dom = None
        try:
            grp = dev.iommu_group
            if grp:
                e["group_id"] = int(grp.id)
                for which in ("default_domain", "domain"):
                    d = getattr(grp, which)
                    if d:
                        e["group_" + which] = DOMAIN_TYPES.get(int(d.type), int(d.type))
                # a paging domain (DMA, DMA-FQ, unmanaged) is a dmar_domain around it
                if grp.domain and int(grp.domain.type) & 1:
                    dom = drgn.container_of(grp.domain, "struct dmar_domain", "domain")
        except FaultError as ex:
            note(e, "group", ex)
        if dom is not None:
            try:
                if has(dom, "pgd"):                 # up to 6.x: the driver's own page table
                    if has(dom, "use_first_level"):
                        e["first_level"] = bool(dom.use_first_level)
                    elif has(dom, "flags"):
                        e["first_level"] = bool(int(dom.flags) & 2)     # DOMAIN_FLAG_USE_FIRST_LEVEL
                    e["pgd"] = hex(pa(prog, dom.pgd)) if int(dom.pgd) else None
                    e["levels"] = int(dom.agaw) + 2
                elif has(dom, "sspt"):              # 7.x: generic page table (first- or second-stage arm)
                    # both arms are a struct pt_iommu followed by the format's pt_common,
                    # whose top_of_table is the top table's VA | its 0-based level
                    top = int(dom.sspt.vtdss_pt.common.top_of_table)
                    e["pgd"] = hex(pa(prog, top & ~7)) if top & ~7 else None
                    e["levels"] = (top & 7) + 1
                    try:
                        e["first_level"] = int(dom.domain.ops) == int(prog["intel_fs_paging_domain_ops"].address_of_())
                    except KeyError:
                        pass
                dids = {}
                for sid in seq_ids:
                    if has(dom, "iommu_array"):        # 6.0+: an xarray of iommu_domain_info
                        di = xa_load(dom.iommu_array.address_of_(), sid)
                        if di:
                            dids[sid] = int(Object(prog, "struct iommu_domain_info *", int(di)).did)
                    elif has(dom, "iommu_did") and int(dom.iommu_refcnt[sid]):   # 5.x: arrays by seq_id
                        dids[sid] = int(dom.iommu_did[sid])
                e["dids"] = dids
            except (FaultError, AttributeError) as ex:
                note(e, "dmar_domain", ex)
        try:
            if dev.iommu:
                info = Object(prog, "struct device_domain_info *", int(dev.iommu.priv))
                if info:
                    e["info_unit"] = info.iommu.name.string_().decode() if info.iommu else None
                    if has(info, "domain_attached"):
                        e["domain_attached"] = bool(info.domain_attached)
                    e["info_has_domain"] = bool(info.domain)
        except (FaultError, AttributeError) as ex:
            note(e, "device_domain_info", ex)
    return out


# ---------------------------------------------------------------- all of it

def read_state(prog, budget_tables=200000):
    try:
        sm_flag = bool(int(prog["intel_iommu_sm"]))
    except KeyError:
        sm_flag = False
    state = {"intel_iommu_enabled": None, "intel_iommu_sm": sm_flag, "units": [], "extents": []}
    try:
        state["intel_iommu_enabled"] = bool(int(prog["intel_iommu_enabled"]))
    except KeyError:
        pass
    cache, budget = {}, [budget_tables]
    for drhd in list_for_each_entry("struct dmar_drhd_unit", prog["dmar_drhd_units"].address_of_(), "list"):
        it = drhd.iommu
        if not it:
            continue
        seg = int(drhd.segment)
        cap, ecap = int(it.cap), int(it.ecap)
        sm_hw = bool(ecap >> 43 & 1)
        u = {"name": it.name.string_().decode(), "seq_id": int(it.seq_id), "segment": seg,
             "reg_phys": hex(int(it.reg_phys)), "cap": hex(cap), "ecap": hex(ecap), "gcmd": hex(int(it.gcmd)),
             "translation_enabled": bool(int(it.gcmd) >> 31 & 1), "qi_enabled": bool(int(it.gcmd) >> 26 & 1),
             "ir_enabled": bool(int(it.gcmd) >> 25 & 1), "agaw": int(it.agaw), "msagaw": int(it.msagaw),
             "ignored": bool(drhd.ignored), "include_all": bool(drhd.include_all),
             "sm": sm_flag and sm_hw, "root_table": None, "qi": None, "devices": []}
        try:
            u["qi"] = qi_state(prog, it, sm_hw)
        except FaultError as e:
            u["qi"] = {"error": str(e)}
        if it.root_entry:
            root = pa(prog, it.root_entry)
            u["root_table"] = hex(root)
            raw = prog.read(root, 4096, True)
            devs = (sm_devices if u["sm"] else legacy_devices)(prog, seg, raw, cache, budget)
            for d in devs:
                sources = [d] if d["mode"] == "legacy" else d["pasids"]
                total = []
                for src in sources:
                    leaves = src.pop("_leaves", None)
                    if leaves is None:
                        continue
                    ext = extents_of(leaves)
                    src["extents"], src["leaves"] = len(ext), leaf_counts(leaves)
                    src["mapped_bytes"] = sum(x[2] for x in leaves)
                    total += ext
                    for iova, addr, size, r, w in ext:
                        state["extents"].append({"unit": u["name"], "device": d["bdf"],
                                                 "pasid": src.get("pasid"), "did": src["did"],
                                                 "iova": hex(iova), "pa": hex(addr), "size": hex(size),
                                                 "r": r, "w": w})
                if d["mode"] == "scalable":
                    main = next((p for p in d["pasids"] if p["pasid"] == d["rid_pasid"]), {})
                    d["extents"], d["leaves"] = main.get("extents", 0), main.get("leaves")
            u["devices"] = devs
        state["units"].append(u)
    state["tables_read"] = budget_tables - budget[0]
    state["truncated"] = budget[0] <= 0
    try:
        state["software"] = software_view(prog, [u["seq_id"] for u in state["units"]])
    except (LookupError, FaultError, AttributeError) as e:
        state["software"] = {"error": "%s: %s" % (type(e).__name__, e)}
    return state


def translate(prog, dev, iova):
    """The PA the device's (RID_PASID) tables give iova, or None."""
    if not dev.get("pgd"):
        return None
    table, level, fl = int(dev["pgd"], 16), dev["levels"], dev.get("first_level", False)
    while True:
        shift = 12 + 9 * (level - 1)
        pte = int.from_bytes(prog.read(table + ((iova >> shift) & 0x1ff) * 8, 8, True), "little")
        if not (pte & 1 if fl else pte & 3):
            return None
        if level == 1 or (pte >> 7 & 1 and level in (2, 3)):
            return (pte & ADDR & ~((1 << shift) - 1)) | (iova & ((1 << shift) - 1))
        table, level = pte & ADDR, level - 1


def open_dump(vmlinux, vmcore):
    prog = Program()
    prog.set_core_dump(vmcore)
    prog.load_debug_info([vmlinux])
    return prog


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: vtd_mappings.py VMLINUX VMCORE")
    prog = open_dump(sys.argv[1], sys.argv[2])
    json.dump(read_state(prog), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
