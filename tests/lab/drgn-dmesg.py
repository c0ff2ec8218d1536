#!/usr/bin/python3
"""drgn-dmesg.py VMCORE VMLINUX: print the crashed kernel's log (like
makedumpfile --dump-dmesg) for dumps makedumpfile cannot read, such as QEMU's
dump-guest-memory with paging (more than 65535 program headers)."""
import sys

from drgn import Program
from drgn.helpers.linux.printk import get_dmesg

prog = Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
sys.stdout.buffer.write(get_dmesg(prog))
