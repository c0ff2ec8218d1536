#!/usr/bin/python3
"""List the I/O page-table mappings of every translated DTE in a vmcore, with
drgn: an implementation independent of the C engine, used to check its walk.

Usage: iopt_mappings.py VMLINUX VMCORE  ->  JSON on stdout:
  {"domains": {"<seg>:<domid>": {"root": "0x..", "mode": n}},
   "mappings": [{"segment", "domain", "iova", "phys", "size", "read", "write"}]}

It reads the device tables through the kernel's own lists
(amd_iommu_pci_seg_list, or amd_iommu_dev_table before 5.19), and walks each
v1 table one 8-byte entry at a time, per the AMD IOMMU spec's rules, written
from the spec and not from the C code: present bit 0, next level 11:9, address
51:12, IR 61, IW 62; next level 7 = a large page whose size is encoded by
the lowest zero bit of the address field; next level 0 above the last level =
a page of that level's size.
"""
import json
import sys

import drgn
from drgn import Program, cast


def device_tables(prog):
    """Yields (segment, list of 4-tuples of u64) per device table."""
    try:
        head = prog["amd_iommu_pci_seg_list"]
    except KeyError:
        head = None
    # 5.10 has a stub struct amd_iommu_pci_seg (list, id): the table is global
    if head is not None and not prog.type("struct amd_iommu_pci_seg").has_member("dev_table"):
        head = None
    if head is not None:
        from drgn.helpers.linux.list import list_for_each_entry
        for seg in list_for_each_entry("struct amd_iommu_pci_seg", head.address_of_(), "list"):
            n = int(seg.last_bdf) + 1
            base = int(seg.dev_table)
            raw = prog.read(base, n * 32)
            yield int(seg.id), [tuple(int.from_bytes(raw[i * 32 + k * 8:i * 32 + k * 8 + 8], "little")
                                      for k in range(4)) for i in range(n)]
    else:
        n = int(prog["amd_iommu_last_bdf"]) + 1
        base = int(prog["amd_iommu_dev_table"])
        raw = prog.read(base, n * 32)
        yield 0, [tuple(int.from_bytes(raw[i * 32 + k * 8:i * 32 + k * 8 + 8], "little")
                        for k in range(4)) for i in range(n)]


ADDR = ((1 << 52) - 1) & ~0xfff


def leaves(prog, table, level, base, me_mask, out, seen):
    """level: 1-based level of this table (1 = 4 KiB pages)."""
    if table in seen:
        return
    seen.add(table)
    raw = prog.read(table, 4096, True)
    step = 1 << (12 + 9 * (level - 1))
    i = 0
    while i < 512:
        pte = int.from_bytes(raw[i * 8:i * 8 + 8], "little")
        iova = base + i * step
        i += 1
        if not pte & 1:
            continue
        nl = (pte >> 9) & 7
        pa = (pte & ~me_mask) & ADDR
        r, w = bool(pte >> 61 & 1), bool(pte >> 62 & 1)
        if nl == 7:
            bits = (pte | 0xfff)
            zero = 0
            while bits >> zero & 1:
                zero += 1
            size = 1 << (zero + 1)
            pa &= ~(size - 1)
            page_iova = iova & ~(size - 1)
            if page_iova != iova:      # a replica of a page already listed
                continue
            out.append((page_iova, pa, size, r, w))
        elif nl == 0 or level == 1:
            out.append((iova, pa, step, r, w))
        else:
            if nl != level - 1:
                continue               # skipped levels: not followed
            leaves(prog, pa, level - 1, iova, me_mask, out, seen)


def crashed_view(prog):
    """(segment, devid) -> (domid, root PA, mode) from the crashed kernel's own
    iommu_dev_data.domain: the answer where a 6.18+ capture kernel rewrote
    the DTE in place.  Layouts: 6.18+ generic page table (top_of_table =
    table VA | 0-based top level), 5.11-6.17 iop {root, mode}, 5.10 atomic
    pt_root (VA | mode)."""
    from drgn.helpers.linux.list import list_for_each_entry
    from drgn.helpers.linux.llist import llist_for_each_entry
    from drgn.helpers.linux.mm import virt_to_phys
    heads = []
    try:
        seg_t = prog.type("struct amd_iommu_pci_seg")
        if seg_t.has_member("dev_data_list"):
            for seg in list_for_each_entry("struct amd_iommu_pci_seg",
                                           prog["amd_iommu_pci_seg_list"].address_of_(), "list"):
                heads.append((int(seg.id), seg.dev_data_list))
    except LookupError:
        pass
    if not heads:
        try:
            heads.append((0, prog["dev_data_list"]))
        except KeyError:
            return {}
    out = {}
    for segid, head in heads:
        for dd in llist_for_each_entry("struct iommu_dev_data", head.first, "dev_data_list"):
            try:
                pd = dd.domain
                if not pd:
                    continue
                t = pd.type_.type
                if t.has_member("amdv1"):
                    top = int(pd.amdv1.amdpt.common.top_of_table)
                    va, mode = top & ~7, (top & 7) + 1
                elif t.has_member("iop"):
                    va, mode = int(pd.iop.root), int(pd.iop.mode)
                else:
                    v = int(pd.pt_root.counter)
                    va, mode = v & ~7, v & 7
                if not va or not 1 <= mode <= 6:
                    continue
                root = int(virt_to_phys(drgn.Object(prog, "unsigned long", va)))
                out[(segid, int(dd.devid))] = (int(pd.id), root, mode)
            except (LookupError, drgn.FaultError, AttributeError):
                continue
    return out


def main():
    prog = Program()
    prog.set_core_dump(sys.argv[2])
    prog.load_debug_info([sys.argv[1]])
    try:
        me_mask = int(prog["sme_me_mask"])
    except KeyError:
        me_mask = 0
    domains, mappings = {}, []
    view = crashed_view(prog)
    for seg, dtes in device_tables(prog):
        for devid, (d0, d1, _d2, _d3) in enumerate(dtes):
            mode = (d0 >> 9) & 7
            if not (d0 & 1 and d0 & 2) or mode == 0 or mode == 7 or d0 >> 55 & 1:
                if (seg, devid) not in view or not d0 & 1 or d0 >> 55 & 1:
                    continue
            domid = d1 & 0xffff
            root = (d0 & ~me_mask) & ADDR
            if (seg, devid) in view:
                domid, root, mode = view[(seg, devid)]
            key = "%d:%d" % (seg, domid)
            if key in domains:
                continue
            domains[key] = {"root": hex(root), "mode": mode}
            out = []
            leaves(prog, root, mode, 0, me_mask, out, set())
            out.sort()
            cur = None
            for entry in out + [(None,) * 5]:
                iova, pa, size, r, w = entry
                if cur and iova is not None and cur[0] + cur[2] == iova and \
                        cur[1] + cur[2] == pa and (cur[3], cur[4]) == (r, w):
                    cur[2] += size
                    continue
                if cur:
                    mappings.append({"segment": seg, "domain": domid, "iova": hex(cur[0]),
                                     "phys": hex(cur[1]), "size": hex(cur[2]),
                                     "read": cur[3], "write": cur[4]})
                cur = [iova, pa, size, r, w] if iova is not None else None
    result = mappings
    json.dump({"domains": domains, "mappings": result}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
