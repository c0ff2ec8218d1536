#!/usr/bin/env python3
"""Seed corpora of the fuzz targets, from what is in git (docs/fuzzing.md).

    python3 fuzz/seeds.py OUT_DIR [CC]

writes OUT_DIR/<target>/<name> for every target of fuzz/*.c:

  klog_line      every AMD-Vi-looking line of tests/logs/{real,samples} and
                 of the fixtures' logs
  klog_stream    those logs, whole when small, and in windows of 80 lines
  amdvi_*        entries taken from the memory of the replay fixtures (DTEs,
                 commands, page-table entries, command rings) and EFRs from
                 the logs, laid out as each target reads its input
  flattened      makedumpfile -F streams made here
  dump_reader    a small ELF vmcore and a small kdump-compressed one made
                 here, each also flattened; and, when the lab's dumps are
                 around (tests/dumps/out), the first 64 KiB of each
  dump_vmlinux   fuzz/seed/tiny-vmlinux.c compiled with CC (default cc)
  analysis_replay  option bytes for each fixture, and a few patches

The output is the same for the same tree: no randomness, no clock.
"""
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CANDIDATE = re.compile(rb"AMD|=0x|Event logged|device=|suppressed|ivhd|iommu", re.I)


class Corpus:
    def __init__(self, out, target):
        self.dir = os.path.join(out, target)
        os.makedirs(self.dir, exist_ok=True)
        self.n = 0

    def add(self, data, name=None):
        if not name:
            name = hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)
        self.n += 1


def rel(*p):
    return os.path.join(ROOT, *p)


def log_files():
    out = []
    for d in ("tests/logs/real", "tests/logs/samples"):
        for n in sorted(os.listdir(rel(d))):
            if n != "README":
                out.append(rel(d, n))
    fx = rel("tests/dumps/fixtures")
    out += [os.path.join(fx, n) for n in sorted(os.listdir(fx)) if n.endswith((".log", ".txt"))]
    return out


def fixtures():
    fx = rel("tests/dumps/fixtures")
    return [os.path.join(fx, n) for n in sorted(os.listdir(fx)) if n.endswith(".fixture")]


def fixture_memory(path):
    """(space, addr, bytes) of every `mem` line."""
    out = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 5 and w[0] == "mem":
                out.append((w[1], int(w[2], 16), bytes.fromhex(w[4])))
    return out


def u8(v): return struct.pack("<B", v & 0xff)
def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


# ---- the log parser ------------------------------------------------------

def klog(out):
    line_c, stream_c = Corpus(out, "klog_line"), Corpus(out, "klog_stream")
    seen = set()
    for path in log_files():
        data = open(path, "rb").read()
        lines = data.split(b"\n")
        for ln in lines:
            if CANDIDATE.search(ln) and ln not in seen:
                seen.add(ln)
                line_c.add(ln)
        if len(data) <= 16384:
            stream_c.add(data)
        for i in range(0, len(lines), 80):
            chunk = lines[i:i + 80]
            if any(CANDIDATE.search(ln) for ln in chunk):
                stream_c.add(b"\n".join(chunk) + b"\n")
    return line_c.n + stream_c.n


# ---- hardware formats ----------------------------------------------------

QEMU_EFR = 0x29d3
C_BIT = 1 << 47


def words(mem, size):
    for space, addr, b in mem:
        for off in range(0, len(b) - size + 1, size):
            if (addr + off) % size == 0:
                yield space, b[off:off + size]


def hw(out):
    mem = [m for fx in fixtures() for m in fixture_memory(fx)]
    total = 0

    # DTEs: 32-byte entries with V set, as the device table holds them
    c = Corpus(out, "amdvi_dte")
    dtes = []
    for _, e in words(mem, 32):
        d0 = struct.unpack_from("<Q", e)[0]
        if d0 & 1 and e not in dtes and len(dtes) < 48:
            dtes.append(e)
    dtes += [u64(0x3) + bytes(24), u64(0x6000000001ec4603) + u64(3) + bytes(16),
             u64(0x6000000000000001) + bytes(24),
             u64(0x6000000001ee4603) + u64(7) + u64(0x2000000001f00013) + bytes(8),
             u64(0x00a0000000000003 | 1 << 55) + u64(0x12345 << 16 | 9) + bytes(16)]
    for i, e in enumerate(dtes):
        c.add(e + u64(C_BIT if i % 3 == 0 else 0) + u8(i * 7))
    total += c.n

    # commands: entries with a known opcode, from the rings in the fixtures
    c = Corpus(out, "amdvi_command")
    cmds = []
    for _, e in words(mem, 16):
        op = struct.unpack_from("<I", e, 4)[0] >> 28
        if 1 <= op <= 8 and e not in cmds and len(cmds) < 64:
            cmds.append(e)
    for i, e in enumerate(cmds):
        built = u8(i) + u8(i * 3) + u16(0x18 + i) + u16(3 + i) + u32(0x12345) + \
            u64(0xffe58000 + 0x1000 * i) + u64(0x1000 << (i % 20))
        c.add(e + u8(i * 5) + built)
    total += c.n

    # events: the kinds the kernel prints, built as in tests/unit
    c = Corpus(out, "amdvi_event")
    for code in range(16):
        w = [0x00a0, code << 28 | 0x070 << 16 | 0x000d, 0x0245a0c0, 0]
        c.add(struct.pack("<4I", *w) + u8(code * 9) + u8(code) + u8(code) + u16(0x18) +
              u16(0x70) + u16(0x2a) + u32(0x12345) + u64(0xdead000))
    total += c.n

    # page-table entries: present words of the fixtures' physical memory
    c = Corpus(out, "amdvi_pgtable")
    ptes = []
    for space, w in words(mem, 8):
        v = struct.unpack("<Q", w)[0]
        if space == "pa" and v & 1 and v not in ptes and len(ptes) < 64:
            ptes.append(v)
    ptes += [0x6000000002a59403, 0x6000000002a58203, 0x7000000002b37001,
             0x60000000401ff001 | 7 << 9, 0x8000000012345067, 0x00000000000ff0e3]
    for i, v in enumerate(ptes):
        c.add(u64(v) + u8(i % 6) + u64(0xffe59000 << (i % 4)) + u64(C_BIT if i % 2 else 0) +
              u64(0x2000 << (i % 40)))
    total += c.n

    # EFRs: the logs' "Extended features (0x..., 0x...)"
    c = Corpus(out, "amdvi_efr")
    efrs = {(QEMU_EFR, 0)}
    for path in log_files():
        for m in re.finditer(rb"Extended features \((0x[0-9a-f]+)(?:, (0x[0-9a-f]+))?\)",
                             open(path, "rb").read()):
            efrs.add((int(m.group(1), 16), int(m.group(2) or b"0", 16)))
    for i, (e1, e2) in enumerate(sorted(efrs)):
        c.add(u64(e1) + u64(e2) + u8(20 + i))
    total += c.n

    # ring arithmetic: usable and broken sizes, tails and offsets
    c = Corpus(out, "amdvi_ring")
    for sel, size, tail, off, mx in ((0x03, 0, 0x20, 0x10, 512), (0x83, 0, 0x1ff0, 0, 16),
                                     (0x00, 8192, 0x20, 0x30, 0), (0x00, 8192, 0x21, 0x30, 8),
                                     (0x05, 0, 0x7ff0, 0x7fe0, 4), (0x00, 6000, 16, 16, 1)):
        c.add(u8(sel) + u32(size) + u32(tail) + u32(off) + u16(mx) + u32(size) + bytes(64))
    total += c.n

    # the command-processor model: the fixtures' command rings (8 KiB)
    c = Corpus(out, "amdvi_cmd_model")
    for space, addr, b in mem:
        if len(b) < 4096:
            continue
        ents = [b[i:i + 16] for i in range(0, len(b) - 15, 16)]
        ops = [struct.unpack_from("<I", e, 4)[0] >> 28 for e in ents if any(e)]
        if ops and sum(1 <= o <= 8 for o in ops) * 2 > len(ops):
            ring = (b + bytes(8192))[:8192]
            used = len(ops) * 16
            c.add(u8(0x05) + u64(QEMU_EFR) + u16(0) + u16(used) + u8(0) + ring)
            c.add(u8(0x01) + u64(QEMU_EFR & ~(1 << 6)) + u16(used - 64) + u16(used) + u8(3) + ring)
    # and one built: invalidations then a completion wait
    ring = b"".join(struct.pack("<4I", 0x18, 2 << 28, 0, 0) for _ in range(3))
    ring += struct.pack("<4I", 0x11be000 | 1, 1 << 28, 2, 0)
    c.add(u8(0x04) + u64(QEMU_EFR) + u16(0) + u16(len(ring)) + u8(0) + ring)
    total += c.n

    # the reference flush: the lab guest's device table, with and without IA
    c = Corpus(out, "amdvi_flush")
    table = [[0x3, 0, 0, 0] for _ in range(64)]
    table[0x18] = [0x6000000001ec4603, 3, 0, 0]
    table[0x20] = [0x6000000001ed4603, 4, 0, 0]
    table[0x28] = [0x6000000001ec4603, 3, 0, 0]
    table[0x30] = [0x6000000001ee4603, 7, 0x2000000001f00013, 0]
    table[0x3f] = [0, 9, 0, 0]
    raw = b"".join(struct.pack("<4Q", *e) for e in table)
    for efr, me, n in ((QEMU_EFR, 0, 64), (QEMU_EFR & ~(1 << 6), 47, 64), (QEMU_EFR, 51, 0x31),
                       (0, 0, 0)):
        c.add(u64(efr) + u8(me) + u64(0x3a5e000) + u64(0x464c5553484f4b00) + u8(n) + raw)
    total += c.n
    total += kvtop(out)
    return total


def kvtop(out):
    """x86_64_kvtop: walks of 4 and 5 levels to a 4 KiB, 2 MiB and 1 GiB page,
    entries answered by (address / 8) mod the entry count, as the target does."""
    c = Corpus(out, "x86_64_kvtop")
    for levels in (4, 5):
        for leaf in (1, 2, 3):
            for cbit in (0, 0x80 | 15):         # none, bit 47
                va = 0xffffffffc0123456 if levels == 4 else 0xff11000012345678
                me = 1 << (32 + cbit % 20) if cbit else 0
                ent = [0] * 64
                table = 0x1000
                for level in range(levels, leaf - 1, -1):
                    idx = (va >> (12 + 9 * (level - 1))) & 511
                    slot = (table // 8 + idx) % 64
                    if level == leaf:
                        ent[slot] = 0x2340000000 | 0x63 | (0x80 if leaf > 1 else 0) | me
                    else:
                        table = 0x1000 * (levels - level + 2)
                        ent[slot] = table | 0x63 | me
                c.add(u64(0x1000) + u8(levels == 5) + u8(cbit) + u64(va) + u64(0) +
                      b"".join(u64(e) for e in ent))
    return c.n


# ---- dumps ---------------------------------------------------------------

PAGE = 4096
RELEASE = b"6.1.0-fuzz-amd64"


def vmcoreinfo():
    lines = [b"OSRELEASE=" + RELEASE, b"BUILD-ID=0123456789abcdef0123456789abcdef01234567",
             b"PAGESIZE=4096", b"KERNELOFFSET=1e000000",
             b"SYMBOL(init_top_pgt)=ffffffff8240a000", b"SYMBOL(_stext)=ffffffff81000000",
             b"NUMBER(phys_base)=0", b"NUMBER(pgtable_l5_enabled)=0", b"NUMBER(sme_mask)=0",
             b"NUMBER(MAX_PHYSMEM_BITS)=46", b"SYMBOL(mem_map)=0", b"CRASHTIME=1795000000"]
    return b"\n".join(lines) + b"\n"


def note(name, ntype, desc):
    name += b"\0"
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack("<3I", len(name), len(desc), ntype) + pad(name) + pad(desc)


def pages(n):
    """n pages of recognisable bytes."""
    return b"".join(bytes((p * 16 + i) & 0xff for i in range(PAGE)) for p in range(n))


def elf_vmcore():
    """An ELF64 core: a VMCOREINFO note and 4 pages of RAM at PA 0x1000,
    mapped in the direct map."""
    notes = note(b"VMCOREINFO", 0, vmcoreinfo())
    nph = 2
    ph_off = 64
    note_off = ph_off + nph * 56
    data_off = (note_off + len(notes) + PAGE - 1) // PAGE * PAGE
    ram = pages(4)
    eh = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 4, 62, 1, 0,
                     ph_off, 0, 0, 64, 56, nph, 64, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 4, 0, note_off, 0, 0, len(notes), len(notes), 0)
    ph += struct.pack("<IIQQQQQQ", 1, 7, data_off, 0xffff888000001000, 0x1000, len(ram),
                      len(ram), PAGE)
    img = eh + ph + notes
    return img + bytes(data_off - len(img)) + ram


def kdump_compressed():
    """A kdump-compressed (diskdump) file, header version 6: 16 page frames,
    pages 1-4 stored (1 and 3 zlib-compressed), page 2 in RAM but excluded."""
    max_mapnr = 16
    uts = b"".join(s.ljust(65, b"\0") for s in
                   (b"Linux", b"fuzz", RELEASE, b"#1 SMP", b"x86_64", b"(none)"))
    info = vmcoreinfo()
    bitmap_blocks = 2                       # one block per bitmap
    sub_off, bmp_off = PAGE, 2 * PAGE
    desc_off = bmp_off + bitmap_blocks * PAGE
    stored = [1, 3, 4]
    data_off = desc_off + len(stored) * 24
    notes = note(b"VMCOREINFO", 0, info)     # version 4+ readers take the notes
    info_off = data_off
    note_off = info_off + len(info)
    data_off = note_off + len(notes)
    hdr = b"KDUMP   " + struct.pack("<i", 6) + uts
    hdr += bytes(-len(hdr) % 8) + struct.pack("<qq", 1795000000, 0)
    hdr += struct.pack("<IiiIIIIIIi", 0, PAGE, 1, bitmap_blocks, max_mapnr, 0, 0, 0, 0, 1)
    sub = struct.pack("<QiiQQqQqQqQQQQ", 0, 31, 0, 0, max_mapnr, info_off, len(info),
                      note_off, len(notes), 0, 0, 0, max_mapnr, max_mapnr)
    ram_map = bytes([0b00011110, 0]) + bytes(PAGE - 2)        # pages 1-4 are RAM
    dump_map = bytes([sum(1 << p for p in stored), 0]) + bytes(PAGE - 2)
    descs, blobs = b"", b""
    for i, pfn in enumerate(stored):
        raw = pages(5)[pfn * PAGE:(pfn + 1) * PAGE]
        blob, flags = (zlib.compress(raw), 1) if i != 2 else (raw, 0)
        descs += struct.pack("<qIIQ", data_off + len(blobs), len(blob), flags, 0)
        blobs += blob
    img = hdr + bytes(sub_off - len(hdr)) + sub
    img += bytes(bmp_off - len(img)) + ram_map + dump_map
    img += descs + info + notes + blobs
    return img


def flatten(img, chunk, reverse=False):
    """makedumpfile -F: the header, then (offset, size) records, then the end."""
    hdr = b"makedumpfile".ljust(16, b"\0") + struct.pack(">qq", 1, 1)
    out = hdr + bytes(PAGE - len(hdr))
    recs = [(o, img[o:o + chunk]) for o in range(0, len(img), chunk)]
    for off, b in (reversed(recs) if reverse else recs):
        out += struct.pack(">qq", off, len(b)) + b
    return out + struct.pack(">qq", -1, -1)


def dumps(out, cc):
    total = 0
    c = Corpus(out, "flattened")
    small = b"KDUMP   " + bytes(range(256)) * 4
    c.add(flatten(small, 100))
    c.add(flatten(small, 300, reverse=True))
    c.add(flatten(small, 4096))
    c.add(flatten(b"", 1))
    c.add(flatten(small, 100)[:-16])                       # no end marker
    c.add(flatten(small, 100)[:4096 + 16 + 50])            # cut inside a record
    total += c.n

    c = Corpus(out, "dump_reader")
    for name, img in (("elf", elf_vmcore()), ("kdump", kdump_compressed())):
        c.add(img, name)
        c.add(flatten(img, 4096), name + "-flattened")
    lab = rel("tests/dumps/out")
    if os.path.isdir(lab):
        for dirpath, _, files in sorted(os.walk(lab)):
            for f in sorted(files):
                if f.startswith(("vmcore", "dump")):
                    with open(os.path.join(dirpath, f), "rb") as fh:
                        c.add(fh.read(65536))
    total += c.n

    c = Corpus(out, "dump_vmlinux")
    with tempfile.TemporaryDirectory() as tmp:
        elf = os.path.join(tmp, "tiny-vmlinux")
        subprocess.run([cc, "-g", "-O0", "-nostdlib", "-static", "-Wl,--build-id=sha1",
                        "-fno-asynchronous-unwind-tables", "-o", elf,
                        rel("fuzz/seed/tiny-vmlinux.c")], check=True)
        c.add(open(elf, "rb").read(), "tiny-vmlinux")
    total += c.n
    return total


# ---- the whole analysis --------------------------------------------------

def analysis(out):
    c = Corpus(out, "analysis_replay")
    for fx in range(3):
        for opts in (0x00, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xc8):
            c.add(bytes([opts | fx]))
    # a few patches: zeroes and ones over the first records, a failed read
    for fx in range(3):
        for rec in range(0, 48, 4):
            c.add(bytes([fx]) + u8(7) + u16(rec) + u16(0) + bytes(8))
            c.add(bytes([fx | 0x40]) + u8(15) + u16(rec) + u16(8) + b"\xff" * 16)
        c.add(bytes([fx]) + u8(0x80) + u16(20) + u8(0xc0) + u16(30))
    return c.n


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: seeds.py OUT_DIR [CC]")
    out = sys.argv[1]
    cc = sys.argv[2] if len(sys.argv) > 2 else "cc"
    shutil.rmtree(out, ignore_errors=True)
    n = klog(out) + hw(out) + dumps(out, cc) + analysis(out)
    print("fuzz: %d seed inputs in %s" % (n, out))


if __name__ == "__main__":
    main()
