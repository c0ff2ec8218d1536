#!/usr/bin/python3
"""List the live entries of every DMA domain's flush queue in a vmcore, with
drgn: an implementation independent of the C engine, used to check it.

Usage: flush_queues.py VMLINUX VMCORE  ->  JSON on stdout:
  {"cookies": {"0x...": {"start": n, "finish": n}},
   "entries": [{"cookie", "cpu", "slot", "iova", "bytes", "counter", "flushed"}]}

The domains are found through the IOMMU groups (the PCI devices' groups and
iommu_group_kset -> each group's domains; 5.10 Intel: the struct dmar_domain
around a group's domain and its own iova_domain), not through the AMD
driver's per-device data as the engine does, and every field is read by drgn from the kernel's own types:
the cookie (struct iommu_dma_cookie), its flush queues (per CPU, or 6.7+'s
single queue), head .. tail of each, modulo the queue's size.  An entry is
flushed when its counter is below the cookie's finished-flush count.
"""
import json
import sys

from drgn import FaultError, Program, cast, container_of
from drgn.helpers.linux.cpumask import for_each_possible_cpu
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.percpu import per_cpu_ptr


def member(obj, *names):
    for n in names:
        try:
            return getattr(obj, n)
        except AttributeError:
            continue
    return None


def pci_devs(prog):
    """Every PCI device, from pci_root_buses down the bridges."""
    def walk(bus):
        for pdev in list_for_each_entry("struct pci_dev", bus.devices.address_of_(), "bus_list"):
            yield pdev
        for child in list_for_each_entry("struct pci_bus", bus.children.address_of_(), "node"):
            yield from walk(child)
    for bus in list_for_each_entry("struct pci_bus", prog["pci_root_buses"].address_of_(), "node"):
        yield from walk(bus)


def groups(prog, out):
    """The IOMMU groups, from two lists: iommu_group_kset, and the groups of
    the PCI devices.  A node on a page the dump lacks ends that list's walk
    (out["kset_fault"], out["pci_fault"]); only the PCI walk's end makes the
    result incomplete: the lab's translated devices are all PCI (an ACPI
    device named by an IVHD would be reached through the kset only)."""
    seen = set()
    try:
        for pdev in pci_devs(prog):
            g = pdev.dev.iommu_group
            if g and g.value_() not in seen:
                seen.add(g.value_())
                yield g
    except FaultError as e:
        out["pci_fault"] = out["incomplete"] = str(e)
    kset = prog["iommu_group_kset"]
    try:
        for kobj in list_for_each_entry("struct kobject", kset.list.address_of_(), "entry"):
            g = container_of(kobj, "struct iommu_group", "kobj")
            if g.value_() not in seen:
                seen.add(g.value_())
                yield g
    except FaultError as e:
        out["kset_fault"] = str(e)


def cookie_of(prog, dom):
    """The DMA cookie of an iommu_domain, or None."""
    if not dom:
        return None
    ct = member(dom, "cookie_type")
    if ct is not None and int(ct) != 1:      # 6.15+: IOMMU_COOKIE_DMA_IOVA
        return None
    c = dom.iova_cookie
    if not c:
        return None
    c = cast("struct iommu_dma_cookie *", c)
    t = member(c, "type")
    if t is not None and int(t) != 0:        # <= 6.14: IOMMU_DMA_IOVA_COOKIE
        return None
    if not c.fq_domain:
        return None
    return c


def intel_iovad(prog, dom):
    """5.10's Intel DMA ops (before "iommu/vt-d: Convert intel iommu driver to
    the iommu ops", 5.11) had no cookie: the queue is in the struct
    dmar_domain around the iommu_domain, in its iova_domain.  That
    iova_domain (its queue in use), or None."""
    if not dom:
        return None
    try:
        prog.type("struct dmar_domain").member("iovad")
        intel_ops = prog["intel_iommu_ops"].address_of_().value_()
    except (LookupError, ValueError):
        return None
    if dom.ops.value_() != intel_ops:
        return None     # another driver's domain (an AMD one without a cookie)
    iovad = container_of(dom, "struct dmar_domain", "domain").iovad
    return iovad if iovad.fq else None


def iovad_queues(prog, iovad):
    for cpu in for_each_possible_cpu(prog):
        yield cpu, per_cpu_ptr(iovad.fq, cpu)


def read_domain(out, key, src, granule, qs):
    start, finish = int(src.fq_flush_start_cnt.counter), int(src.fq_flush_finish_cnt.counter)
    out["cookies"][key] = {"start": start, "finish": finish}
    for cpu, fq in qs:
        mm = member(fq, "mod_mask")
        size = int(mm) + 1 if mm is not None else len(fq.entries)
        i, tail = int(fq.head), int(fq.tail)
        while i != tail:
            e = fq.entries[i]
            out["entries"].append({
                "cookie": key, "cpu": cpu, "slot": i,
                "iova": hex(int(e.iova_pfn) * granule), "bytes": hex(int(e.pages) * granule),
                "counter": int(e.counter), "flushed": int(e.counter) < finish})
            i = (i + 1) % size


def queues(prog, c):
    """(cpu or None, struct iova_fq *) of a cookie."""
    src = c.iovad if member(c, "fq_flush_start_cnt") is None else c
    opts = member(c, "options")
    if opts is not None and int(opts.qt) == 1:
        yield None, c.single_fq
        return
    pq = member(src, "percpu_fq", "fq")
    for cpu in for_each_possible_cpu(prog):
        yield cpu, per_cpu_ptr(pq, cpu)


def main():
    prog = Program()
    prog.set_core_dump(sys.argv[2])
    prog.load_debug_info([sys.argv[1]])
    out = {"cookies": {}, "entries": [], "incomplete": None}
    seen = set()
    for g in groups(prog, out):
        for dom in (g.default_domain, g.domain):
            try:
                c = cookie_of(prog, dom)
            except FaultError as e:     # a domain on a page the dump lacks
                out["incomplete"] = str(e)
                continue
            if c is None:
                try:
                    iovad = intel_iovad(prog, dom)
                except FaultError as e:
                    out["incomplete"] = str(e)
                    continue
                if iovad is None or iovad.address_of_().value_() in seen:
                    continue
                key = iovad.address_of_().value_()
                seen.add(key)
                read_domain(out, hex(key), iovad, int(iovad.granule), iovad_queues(prog, iovad))
                continue
            if c.value_() in seen:
                continue
            seen.add(c.value_())
            src = c.iovad if member(c, "fq_flush_start_cnt") is None else c
            read_domain(out, hex(c.value_()), src, int(c.iovad.granule), queues(prog, c))
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
