#!/usr/bin/python3
"""drgn-dmesg.py VMCORE VMLINUX: print the crashed kernel's log byte for byte
as makedumpfile --dump-dmesg (1.7.2) does, for dumps makedumpfile cannot read,
such as QEMU's dump-guest-memory with paging (more than 65535 program headers).

The lockless ring buffer (5.10+) is read here rather than through drgn's
get_dmesg(): that one writes a multi-line record's further lines without
makedumpfile's indent and unprintable bytes raw, and drgn 0.0.22's
get_printk_records() (Debian bookworm) tests for a data-less record after
skipping the block's id word, so data-less records come out as empty lines,
and takes a wrapped block's text from offset 0 without skipping the id.  The
rules (the same as src/dump/dmesg.c and src/dump/dmesg_text.c):
  - committed or finalized descriptors whose state_var holds their id, from
    tail_id to head_id;
  - begin and next modulo the ring size: equal is data-less, nothing printed;
    begin > next is a wrapped block, its text at 0; the id word is skipped;
    text_len is cut to the block;
  - "[%5d.%06d] " then the text, a '\\n' in it written as a newline and the
    prefix's width of spaces; printable ASCII and \\t \\v \\f \\r raw, other
    bytes "\\x%02x", bytes >= 0x80 "\\xffffff%02x" (makedumpfile's signed
    char on x86); caller_id and dev_info are not printed.
"""
import sys

from drgn import Program


def escape(text, indent):
    out = bytearray()
    for b in text:
        if b == 0x0A:
            out += b"\n" + b" " * indent
        elif 0x20 <= b <= 0x7E or 0x09 <= b <= 0x0D:
            out.append(b)
        elif b < 0x80:
            out += b"\\x%02x" % b
        else:
            out += b"\\xffffff%02x" % b
    return bytes(out)


def lockless_dmesg(prog):
    prb = prog["prb"]
    ulong = prog.type("unsigned long").size
    id_mask = (1 << (8 * ulong - 2)) - 1
    dr, tr = prb.desc_ring, prb.text_data_ring
    ndesc = 1 << dr.count_bits.value_()
    size = 1 << tr.size_bits.value_()
    descs, infos = dr.descs, dr.infos
    data = prog.read(tr.data.value_(), size)
    out = bytearray()

    def record(rid):
        desc = descs[rid % ndesc]
        sv = desc.state_var.counter.value_() & ((1 << (8 * ulong)) - 1)  # an s64 in the DWARF
        if sv & id_mask != rid or (sv >> (8 * ulong - 2)) not in (1, 2):
            return
        begin = desc.text_blk_lpos.begin.value_() % size
        nxt = desc.text_blk_lpos.next.value_() % size
        if begin == nxt:
            return
        if begin > nxt:
            begin = 0
        begin += ulong
        info = infos[rid % ndesc]
        text_len = info.text_len.value_()
        if nxt >= begin and nxt - begin < text_len:
            text_len = nxt - begin
        ts = info.ts_nsec.value_()
        prefix = b"[%5d.%06d] " % (ts // 1000000000, ts % 1000000000 // 1000)
        out.extend(prefix + escape(data[begin:begin + text_len], len(prefix)) + b"\n")

    head = dr.head_id.counter.value_() & id_mask
    rid = dr.tail_id.counter.value_() & id_mask
    for _ in range(ndesc + 1):
        record(rid)
        if rid == head:
            break
        rid = (rid + 1) & id_mask
    return bytes(out)


def main():
    prog = Program()
    prog.set_core_dump(sys.argv[1])
    prog.load_debug_info([sys.argv[2]])
    try:
        prog["prb"]
    except KeyError:
        sys.exit("drgn-dmesg.py: no 'prb': not a lockless printk ring buffer (before 5.10)")
    sys.stdout.buffer.write(lockless_dmesg(prog))


if __name__ == "__main__":
    main()
