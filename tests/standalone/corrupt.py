#!/usr/bin/python3
"""Damages a copy of a real kdump-compressed lab dump in one named place.

  corrupt.py CASE PROBE VMLINUX VMCORE INTACT.json OUT

CASE is one of CASES below.  PROBE is build/synth/dump-probe: it finds where
the kernel structure sits (symbols, member offsets, virtual to physical) in
the intact dump; this script then writes OUT, a copy of VMCORE in which:

  - a patched page is stored again, uncompressed, at the end of the file and
    its page descriptor points there (the other pages stay as they were);
  - an excluded page loses its bit in the stored-pages bitmap and its page
    descriptor, as if makedumpfile had filtered it out;
  - a zeroed page is a patch of 4096 zero bytes.

Prints one line: what was damaged, where (virtual and physical address).
Exits 3 when CASE does not apply to this kernel (a structure it lacks),
1 on any other failure.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

PAGE = 4096
# A kernel address no x86_64 kernel maps (LIST_POISON1 of a 64-bit kernel).
WILD_VA = 0xdead000000000100
# A physical address far beyond any lab guest's RAM, page aligned.
WILD_PA = 0x3fff_ffff_f000


class NotApplicable(Exception):
    pass


class Probe:
    def __init__(self, probe, vmlinux, vmcore):
        self.p = subprocess.Popen([probe, vmlinux, vmcore], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

    def ask(self, q):
        self.p.stdin.write(q + "\n")
        self.p.stdin.flush()
        a = self.p.stdout.readline().strip()
        if not a:
            raise RuntimeError("dump-probe stopped on %r" % q)
        return a

    def must(self, q):
        a = self.ask(q)
        if a.startswith("ERR"):
            raise RuntimeError("%s: %s" % (q, a))
        return a

    def sym(self, name):
        a = self.ask("sym " + name)
        return None if a.startswith("ERR") else int(a, 16)

    def member(self, s, m):
        a = self.ask("member %s %s" % (s, m))
        if a.startswith("ERR"):
            return None
        off, size, _ = a.split()
        return int(off), int(size)

    def vtop(self, va):
        return int(self.must("vtop %#x" % va), 16)

    def u64(self, va):
        return int.from_bytes(bytes.fromhex(self.must("rd %#x 8" % va)), "little")

    def phys(self, pa, n):
        return bytes.fromhex(self.must("rdp %#x %d" % (pa, n)))

    def close(self):
        self.p.stdin.close()
        self.p.wait()


class KdumpFile:
    """The page descriptors of a kdump-compressed file (makedumpfile -c)."""

    def __init__(self, path):
        self.f = open(path, "r+b")
        h = self.f.read(PAGE)
        if h[:8] != b"KDUMP   ":
            raise RuntimeError("%s: not a kdump-compressed dump" % path)
        self.block, sub, self.bitmap_blocks = struct.unpack_from("<iiI", h, 428)
        bitmap_len = self.bitmap_blocks * self.block // 2
        self.bitmap2_off = (1 + sub) * self.block + bitmap_len
        self.f.seek(self.bitmap2_off)
        self.bitmap2 = bytearray(self.f.read(bitmap_len))
        self.desc_off = (1 + sub + self.bitmap_blocks) * self.block

    def stored(self, pfn):
        return self.bitmap2[pfn >> 3] >> (pfn & 7) & 1

    def index(self, pfn):
        """The page's position among the stored pages (its descriptor)."""
        if not self.stored(pfn):
            raise RuntimeError("page %#x is not stored in the dump" % pfn)
        before = int.from_bytes(self.bitmap2[:pfn >> 3], "little").bit_count()
        return before + (self.bitmap2[pfn >> 3] & ((1 << (pfn & 7)) - 1)).bit_count()

    def desc(self, i):
        self.f.seek(self.desc_off + 24 * i)
        return struct.unpack("<qIIQ", self.f.read(24))

    def page(self, pfn):
        off, size, flags, _ = self.desc(self.index(pfn))
        self.f.seek(off)
        data = self.f.read(size)
        if flags & 1:
            return zlib.decompress(data)
        if flags == 0 and size == self.block:
            return data
        raise RuntimeError("page %#x: compression flags %#x (only zlib and raw here)" % (pfn, flags))

    def write_page(self, pfn, data):
        assert len(data) == self.block
        i = self.index(pfn)
        _, _, _, pflags = self.desc(i)
        self.f.seek(0, os.SEEK_END)
        end = self.f.tell()
        self.f.write(data)
        self.f.seek(self.desc_off + 24 * i)
        self.f.write(struct.pack("<qIIQ", end, self.block, 0, pflags))

    def patch(self, pa, data):
        pfn, off = pa // self.block, pa % self.block
        if off + len(data) > self.block:
            raise RuntimeError("patch at %#x crosses a page" % pa)
        page = bytearray(self.page(pfn))
        page[off:off + len(data)] = data
        self.write_page(pfn, bytes(page))

    def exclude(self, pfn):
        i = self.index(pfn)
        total = int.from_bytes(self.bitmap2, "little").bit_count()
        self.f.seek(self.desc_off + 24 * (i + 1))
        rest = self.f.read(24 * (total - i - 1))
        self.f.seek(self.desc_off + 24 * i)
        self.f.write(rest + bytes(24))
        self.bitmap2[pfn >> 3] &= ~(1 << (pfn & 7)) & 0xff
        self.f.seek(self.bitmap2_off + (pfn >> 3))
        self.f.write(bytes([self.bitmap2[pfn >> 3]]))

    def close(self):
        self.f.close()


# ---- where things are ------------------------------------------------------

def first_iommu(pr):
    head = pr.sym("amd_iommu_list")
    if head is None:
        raise NotApplicable("no amd_iommu_list")
    return head, pr.u64(head) - pr.member("amd_iommu", "list")[0]


def field(pr, base, s, m):
    mem = pr.member(s, m)
    if mem is None:
        raise NotApplicable("struct %s has no member %s" % (s, m))
    return base + mem[0], mem[1]


def device_table(pr):
    """(address of the pointer to the device table, address of last_bdf, its size)"""
    _, iommu = first_iommu(pr)
    if pr.sym("amd_iommu_pci_seg_list") is not None and pr.member("amd_iommu_pci_seg", "dev_table"):
        # 5.19 moved the device table into struct amd_iommu_pci_seg
        seg = pr.u64(field(pr, iommu, "amd_iommu", "pci_seg")[0])
        ptr = field(pr, seg, "amd_iommu_pci_seg", "dev_table")[0]
        last, size = field(pr, seg, "amd_iommu_pci_seg", "last_bdf")
        return ptr, last, size
    ptr, last = pr.sym("amd_iommu_dev_table"), pr.sym("amd_iommu_last_bdf")
    if ptr is None or last is None:
        raise NotApplicable("no amd_iommu_dev_table/amd_iommu_last_bdf")
    return ptr, last, 2


def live_table(pr, intact):
    """(device, physical address of its top table, index and value of a present entry)"""
    for d in intact.get("devices", []):
        if d.get("mapped_bytes") and d.get("mode", 0) >= 2 and d.get("pt_root", "0x0") != "0x0":
            root = int(d["pt_root"], 16)
            table = pr.phys(root, PAGE)
            for i in range(512):
                e = int.from_bytes(table[8 * i:8 * i + 8], "little")
                if e & 1 and (e >> 9) & 7:
                    return d, root, i, e
    raise NotApplicable("no device with a live multi-level page table")


# ---- the cases -------------------------------------------------------------

def u64le(v):
    return v.to_bytes(8, "little")


def c_iommu_list_wild(pr, kd, intact):
    head, _ = first_iommu(pr)
    kd.patch(pr.vtop(head), u64le(WILD_VA))
    return "amd_iommu_list.next at %#x set to %#x" % (head, WILD_VA)


def c_iommu_page_excluded(pr, kd, intact):
    _, iommu = first_iommu(pr)
    pa = pr.vtop(iommu)
    kd.exclude(pa // PAGE)
    return "page of struct amd_iommu at %#x (pa %#x) excluded" % (iommu, pa)


def c_iommu_page_zeroed(pr, kd, intact):
    _, iommu = first_iommu(pr)
    pa = pr.vtop(iommu) & ~(PAGE - 1)
    kd.patch(pa, bytes(PAGE))
    return "page of struct amd_iommu at %#x (pa %#x) zeroed" % (iommu, pa)


def c_devtab_excluded(pr, kd, intact):
    ptr, _, _ = device_table(pr)
    pa = pr.vtop(pr.u64(ptr))
    kd.exclude(pa // PAGE)
    return "first page of the device table (pa %#x) excluded" % pa


def c_devtab_zeroed(pr, kd, intact):
    ptr, _, _ = device_table(pr)
    pa = pr.vtop(pr.u64(ptr))
    kd.patch(pa, bytes(PAGE))
    return "first page of the device table (pa %#x) zeroed" % pa


def c_devtab_pointer_wild(pr, kd, intact):
    ptr, _, _ = device_table(pr)
    kd.patch(pr.vtop(ptr), u64le(WILD_VA))
    return "device-table pointer at %#x set to %#x" % (ptr, WILD_VA)


def c_last_bdf_out_of_range(pr, kd, intact):
    _, last, size = device_table(pr)
    kd.patch(pr.vtop(last), (0xffff).to_bytes(size, "little"))
    return "last_bdf at %#x set to 0xffff" % last


def c_cmd_buf_wild(pr, kd, intact):
    _, iommu = first_iommu(pr)
    at, _ = field(pr, iommu, "amd_iommu", "cmd_buf")
    kd.patch(pr.vtop(at), u64le(WILD_VA))
    return "amd_iommu.cmd_buf at %#x set to %#x" % (at, WILD_VA)


def c_cmd_tail_wild(pr, kd, intact):
    _, iommu = first_iommu(pr)
    at, size = field(pr, iommu, "amd_iommu", "cmd_buf_tail")
    kd.patch(pr.vtop(at), (0x7ffffff0).to_bytes(size, "little")[:size])
    return "amd_iommu.cmd_buf_tail at %#x set to 0x7ffffff0" % at


def c_pte_wild(pr, kd, intact):
    d, root, i, e = live_table(pr, intact)
    v = (e & ~0x000f_ffff_ffff_f000) | WILD_PA
    kd.patch(root + 8 * i, u64le(v))
    return "device %s: entry %d of its top table (pa %#x) points to pa %#x" % (d["bdf"], i, root, WILD_PA)


def c_pte_cycle(pr, kd, intact):
    d, root, i, e = live_table(pr, intact)
    v = (e & ~0x000f_ffff_ffff_f000) | root
    kd.patch(root + 8 * i, u64le(v))
    return "device %s: entry %d of its top table (pa %#x) points back to that table" % (d["bdf"], i, root)


def c_pt_page_excluded(pr, kd, intact):
    d, root, i, e = live_table(pr, intact)
    nxt = e & 0x000f_ffff_ffff_f000
    kd.exclude(nxt // PAGE)
    return "device %s: the table under entry %d of its top table (pa %#x) excluded" % (d["bdf"], i, nxt)


def c_fq_head_wild(pr, kd, intact):
    """The head of CPU 0's flush queue of a domain with pending entries."""
    doms = [d for d in (intact.get("flush_queues") or {}).get("domains", []) if d["pending"]]
    if not doms:
        raise NotApplicable("no flush queue with pending entries (strict mode)")
    cookie = int(doms[0]["cookie"], 16)
    fq = pr.member("iommu_dma_cookie", "percpu_fq") or pr.member("iommu_dma_cookie", "fq")
    if fq:
        fq = fq[0]
    else:                                   # 5.10: in the cookie's struct iova_domain
        fq = pr.member("iommu_dma_cookie", "iovad")[0] + pr.member("iova_domain", "fq")[0]
    cpu0 = pr.u64(pr.sym("__per_cpu_offset"))
    head = pr.u64(cookie + fq) + cpu0 + pr.member("iova_fq", "head")[0]
    kd.patch(pr.vtop(head), (0xfffffff0).to_bytes(4, "little"))
    return "domain %s: the head of CPU 0's flush queue at %#x set to 0xfffffff0" % (doms[0]["domain"], head)


CASES = {name[2:].replace("_", "-"): fn for name, fn in globals().items() if name.startswith("c_")}


def main():
    if len(sys.argv) != 7 or sys.argv[1] not in CASES:
        sys.exit("usage: corrupt.py CASE PROBE VMLINUX VMCORE INTACT.json OUT\ncases: " + " ".join(CASES))
    case, probe, vmlinux, vmcore, intact, out = sys.argv[1:]
    pr = Probe(probe, vmlinux, vmcore)
    shutil.copyfile(vmcore, out)
    kd = KdumpFile(out)
    try:
        print(CASES[case](pr, kd, json.load(open(intact))))
    except NotApplicable as e:
        print("not applicable: %s" % e)
        sys.exit(3)
    finally:
        kd.close()
        pr.close()


if __name__ == "__main__":
    main()
