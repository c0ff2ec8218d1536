/* Read struct amd_iommu, the PCI segments and the device tables from a dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/amdvi/inventory.h"

static bool read_field(const struct target *t, struct problems *pb, uint64_t base, long offset,
		       size_t size, uint64_t *val, const char *what, int index)
{
	enum target_err err;

	if (offset < 0)
		return false;
	err = target_read_uint(t, TARGET_KVADDR, base + (uint64_t)offset, size, val);
	if (err) {
		problem_read(pb, err, TARGET_KVADDR, base + (uint64_t)offset, size,
			     "amd_iommu[%d].%s", index, what);
		return false;
	}
	return true;
}

/* Walks a kernel list_head from `head` and calls fn on each entry address
 * (node - node_offset).  Bounded by `max` and stops on a read error or a
 * loop that does not come back to the head. */
/* Calls fn for each entry of the list at head; the number of entries, and
 * in *head_err (when not NULL) whether the head itself could be read. */
static size_t walk_list(const struct target *t, struct problems *pb, uint64_t head,
			long node_offset, size_t max, const char *what,
			void (*fn)(uint64_t entry, void *arg), void *arg, enum target_err *head_err)
{
	uint64_t node, first;
	size_t n = 0;
	enum target_err err = target_read_u64(t, TARGET_KVADDR, head, &node);

	if (head_err)
		*head_err = err;
	if (err) {
		problem_read(pb, err, TARGET_KVADDR, head, 8, "%s (list head)", what);
		return 0;
	}
	first = node;
	while (node != head) {
		if (n == max) {
			problem_add(pb, PROBLEM_LIMIT, what,
				    "more than %zu entries, or a corrupted list: stopped there", max);
			break;
		}
		if (node == 0) {
			problem_add(pb, PROBLEM_CORRUPT, what, "NULL next pointer after %zu entries", n);
			break;
		}
		fn(node - (uint64_t)node_offset, arg);
		n++;
		err = target_read_u64(t, TARGET_KVADDR, node, &node);
		if (err) {
			problem_read(pb, err, TARGET_KVADDR, node, 8, "%s (entry %zu next)", what, n);
			break;
		}
		if (node == first && n > 0) {
			problem_add(pb, PROBLEM_CORRUPT, what,
				    "list loops back to its first entry without reaching the head");
			break;
		}
	}
	return n;
}

struct collect { uint64_t *addrs; size_t n, max; };

static void collect_addr(uint64_t entry, void *arg)
{
	struct collect *c = arg;

	if (c->n < c->max)
		c->addrs[c->n++] = entry;
}

static void read_completion_wait(const struct target *t, const struct layout *lay,
				 struct inv_iommu *io, struct problems *pb)
{
	const struct layout_amd_iommu *li = &lay->iommu;
	uint64_t v;
	enum target_err err;

	io->sem_kind = lay->cmd_sem;
	switch (lay->cmd_sem) {
	case CMD_SEM_NONE:
		return;
	case CMD_SEM_EMBEDDED:
		/* 4.9..5.10: the store lands inside struct amd_iommu itself. */
		io->sem_addr = io->kaddr + (uint64_t)li->cmd_sem;
		break;
	case CMD_SEM_POINTER:
		if (!read_field(t, pb, io->kaddr, li->cmd_sem, 8, &v, "cmd_sem", io->index))
			return;
		io->sem_addr = v;
		break;
	}
	if (li->cmd_sem_paddr >= 0 &&
	    read_field(t, pb, io->kaddr, li->cmd_sem_paddr, 8, &v, "cmd_sem_paddr", io->index)) {
		io->sem_pa = v;
		io->sem_pa_known = true;
	}
	err = target_read_u64(t, TARGET_KVADDR, io->sem_addr, &io->sem_value);
	if (err)
		problem_read(pb, err, TARGET_KVADDR, io->sem_addr, 8,
			     "amd_iommu[%d] completion-wait semaphore (*cmd_sem)", io->index);
	else
		io->sem_known = true;
	if (li->cmd_sem_val >= 0) {
		size_t size = li->cmd_sem_val_size > 0 && li->cmd_sem_val_size <= 8 ?
			      (size_t)li->cmd_sem_val_size : 8;

		io->sem_issued_known = read_field(t, pb, io->kaddr, li->cmd_sem_val, size,
						  &io->sem_issued, "cmd_sem_val", io->index);
	}
}

/* A log buffer of `size` bytes at kernel address `addr`; NULL when unreadable
 * (the failure becomes a problem naming `what`). */
static uint8_t *read_log(const struct target *t, struct problems *pb, uint64_t addr, size_t size,
			 int index, const char *what)
{
	uint8_t *buf = malloc(size);
	enum target_err err;

	if (!buf)
		return NULL;
	err = target_read(t, TARGET_KVADDR, addr, buf, size);
	if (err) {
		problem_read(pb, err, TARGET_KVADDR, addr, size, "amd_iommu[%d].%s", index, what);
		free(buf);
		return NULL;
	}
	return buf;
}

static void read_iommu(const struct target *t, const struct layout *lay, uint64_t kaddr,
		       struct inv_iommu *io, struct problems *pb, int fallback_index)
{
	const struct layout_amd_iommu *li = &lay->iommu;
	uint64_t v;
	enum target_err err;

	memset(io, 0, sizeof(*io));
	io->kaddr = kaddr;
	io->index = fallback_index;
	if (read_field(t, pb, kaddr, li->index, 4, &v, "index", fallback_index))
		io->index = (int)(int32_t)v;
	if (read_field(t, pb, kaddr, li->mmio_phys, 8, &v, "mmio_phys", io->index))
		io->mmio_phys = v;
	io->efr_known = read_field(t, pb, kaddr, li->features, 8, &io->efr, "features", io->index);
	if (read_field(t, pb, kaddr, li->flags, 4, &v, "flags", io->index)) {
		io->flags = (uint32_t)v;
		io->flags_known = true;
	}
	if (li->devid >= 0 && read_field(t, pb, kaddr, li->devid, 2, &v, "devid", io->index)) {
		io->devid = (uint16_t)v;
		io->devid_known = true;
	}
	if (li->pci_seg >= 0) {
		if (li->pci_seg_is_pointer) {
			if (read_field(t, pb, kaddr, li->pci_seg, 8, &v, "pci_seg", io->index)) {
				io->segment_kaddr = v;
				if (lay->seg.id >= 0 &&
				    read_field(t, pb, v, lay->seg.id, 2, &v, "pci_seg->id", io->index))
					io->segment = (uint16_t)v;
			}
		} else if (read_field(t, pb, kaddr, li->pci_seg, 2, &v, "pci_seg", io->index)) {
			io->segment = (uint16_t)v;
		}
	}
	read_field(t, pb, kaddr, li->cmd_buf, 8, &io->cmd_buf, "cmd_buf", io->index);
	read_field(t, pb, kaddr, li->evt_buf, 8, &io->evt_buf, "evt_buf", io->index);
	read_field(t, pb, kaddr, li->ppr_log, 8, &io->ppr_log, "ppr_log", io->index);
	if (li->cmd_buf_head >= 0 && li->cmd_buf_tail >= 0) {
		uint64_t h, tl;

		if (read_field(t, pb, kaddr, li->cmd_buf_head, 4, &h, "cmd_buf_head", io->index) &&
		    read_field(t, pb, kaddr, li->cmd_buf_tail, 4, &tl, "cmd_buf_tail", io->index)) {
			io->head_sw = (uint32_t)h;
			io->tail_sw = (uint32_t)tl;
			io->sw_ring = true;
		}
	}
	if (li->need_sync >= 0) {
		size_t size = li->need_sync_size > 0 && li->need_sync_size <= 8 ? (size_t)li->need_sync_size : 1;

		if (read_field(t, pb, kaddr, li->need_sync, size, &v, "need_sync", io->index)) {
			io->need_sync = v != 0;
			io->need_sync_known = true;
		}
	}
	read_completion_wait(t, lay, io, pb);

	if (io->cmd_buf) {
		err = target_read(t, TARGET_KVADDR, io->cmd_buf, io->ring, sizeof(io->ring));
		if (err)
			problem_read(pb, err, TARGET_KVADDR, io->cmd_buf, sizeof(io->ring),
				     "amd_iommu[%d].cmd_buf (command ring)", io->index);
		else
			io->ring_ok = true;
	}
	if (io->evt_buf) {
		uint64_t sym, size = INV_EVT_LOG_SIZE;

		/* 6.12 sizes the event log at run time (8 KiB, or 512 KiB with
		 * the SNP erratum workaround): amd_iommu_evtlog_size. */
		if (target_symbol(t, "amd_iommu_evtlog_size", &sym) == TARGET_OK &&
		    target_read_uint(t, TARGET_KVADDR, sym, 4, &v) == TARGET_OK &&
		    v >= 4096 && v <= (1u << 20) && (v & 15) == 0)
			size = v;
		io->evt_log = read_log(t, pb, io->evt_buf, size, io->index, "evt_buf (event log)");
		if (io->evt_log)
			io->evt_size = size;
	}
	if (io->ppr_log) {
		io->ppr = read_log(t, pb, io->ppr_log, INV_PPR_LOG_SIZE, io->index, "ppr_log (PPR log)");
		if (io->ppr)
			io->ppr_size = INV_PPR_LOG_SIZE;
	}
}

/* Reads one device table of n entries; entries on unreadable pages are
 * marked and counted, the rest kept. */
/* Reads the segment's device table; returns how many entries could not be read. */
static size_t read_devtab(const struct target *t, struct inv_segment *seg, struct problems *pb)
{
	size_t unread = 0;
	size_t n = (size_t)seg->last_bdf + 1;
	size_t bytes = n * 32;

	seg->dte = calloc(n, sizeof(*seg->dte));
	seg->dte_ok = calloc(n, sizeof(bool));
	if (!seg->dte || !seg->dte_ok) {
		problem_add(pb, PROBLEM_LIMIT, "device table", "out of memory for %zu entries", n);
		return n;
	}
	seg->n_dte = n;
	/* page by page, so an excluded page loses only its 128 entries */
	for (size_t off = 0; off < bytes; off += 4096) {
		size_t len = bytes - off < 4096 ? bytes - off : 4096;
		enum target_err err = target_read(t, TARGET_KVADDR, seg->dev_table + off,
						  (uint8_t *)seg->dte + off, len);

		if (err) {
			problem_read(pb, err, TARGET_KVADDR, seg->dev_table + off, len,
				     "segment %u device table, devids 0x%04zx-0x%04zx",
				     seg->id, off / 32, (off + len) / 32 - 1);
			unread += len / 32;
			continue;
		}
		for (size_t i = off / 32; i < (off + len) / 32; i++)
			seg->dte_ok[i] = true;
	}
	return unread;
}

/*
 * The kernel sizes the device table for last_bdf when it allocates it
 * (dev_table_size = tbl_size(DEV_TABLE_ENTRY_SIZE, last_bdf)): a last_bdf
 * beyond that size is damage, and reading up to it would decode whatever
 * memory follows the table as DTEs.  Only the allocated entries are read.
 */
static void bound_last_bdf(struct inv_segment *seg, uint64_t size, struct problems *pb)
{
	char what[48];

	snprintf(what, sizeof(what), "segment %u last_bdf", seg->id);
	if (size < 4096 || size > 0x10000ull * 32 || size % 4096) {
		problem_add(pb, PROBLEM_CORRUPT, what,
			    "dev_table_size %#llx is not a device table's size: last_bdf %#x not checked",
			    (unsigned long long)size, seg->last_bdf);
		return;
	}
	if (((uint64_t)seg->last_bdf + 1) * 32 <= size)
		return;
	problem_add(pb, PROBLEM_CORRUPT, what,
		    "last_bdf %#x lies beyond the device table (%#llx bytes, devids up to %#llx): "
		    "only those are read", seg->last_bdf, (unsigned long long)size,
		    (unsigned long long)(size / 32 - 1));
	seg->last_bdf = (uint16_t)(size / 32 - 1);
}

static void read_segments(const struct target *t, const struct layout *lay,
			  struct inventory *inv, struct problems *pb)
{
	uint64_t head, v;

	if (lay->devtab == DEVTAB_PER_SEGMENT) {
		uint64_t addrs[INV_MAX_SEGMENTS];
		struct collect c = { addrs, 0, INV_MAX_SEGMENTS };

		if (target_symbol(t, "amd_iommu_pci_seg_list", &head) != TARGET_OK)
			return;
		enum target_err head_err;

		walk_list(t, pb, head, lay->seg.list, INV_MAX_SEGMENTS, "amd_iommu_pci_seg_list",
			  collect_addr, &c, &head_err);
		if (head_err)
			inv->devtab_incomplete = true;	/* no segment, so no DTE, is known */
		inv->segs = calloc(c.n ? c.n : 1, sizeof(*inv->segs));
		if (!inv->segs)
			return;
		for (size_t i = 0; i < c.n; i++) {
			struct inv_segment *seg = &inv->segs[inv->n_segs];
			char what[64];

			uint64_t id, last_bdf;

			seg->kaddr = addrs[i];
			snprintf(what, sizeof(what), "amd_iommu_pci_seg@%#llx", (unsigned long long)addrs[i]);
			if (target_read_uint(t, TARGET_KVADDR, addrs[i] + lay->seg.id, 2, &id) ||
			    target_read_uint(t, TARGET_KVADDR, addrs[i] + lay->seg.last_bdf, 2, &last_bdf) ||
			    target_read_u64(t, TARGET_KVADDR, addrs[i] + lay->seg.dev_table, &seg->dev_table)) {
				problem_add(pb, PROBLEM_READ, what, "could not read id/last_bdf/dev_table");
				inv->devtab_incomplete = true;
				continue;
			}
			seg->id = (uint16_t)id;
			seg->last_bdf = (uint16_t)last_bdf;
			if (lay->seg.dev_table_size >= 0 &&
			    target_read_uint(t, TARGET_KVADDR, addrs[i] + lay->seg.dev_table_size, 4, &v) == TARGET_OK)
				bound_last_bdf(seg, v, pb);
			if (lay->seg.dev_data_list >= 0)
				target_read_u64(t, TARGET_KVADDR, addrs[i] + lay->seg.dev_data_list,
						&seg->dev_data_list);
			inv->n_segs++;
		}
	} else if (lay->devtab == DEVTAB_GLOBAL) {
		uint64_t sym;
		struct inv_segment *seg;

		inv->segs = calloc(1, sizeof(*inv->segs));
		if (!inv->segs)
			return;
		seg = &inv->segs[0];
		if (target_symbol(t, "amd_iommu_dev_table", &sym) ||
		    target_read_u64(t, TARGET_KVADDR, sym, &seg->dev_table)) {
			problem_add(pb, PROBLEM_READ, "amd_iommu_dev_table", "could not read the pointer");
			inv->devtab_incomplete = true;
			return;
		}
		if (target_symbol(t, "amd_iommu_last_bdf", &sym) ||
		    target_read_uint(t, TARGET_KVADDR, sym, 2, &v)) {
			problem_add(pb, PROBLEM_READ, "amd_iommu_last_bdf", "could not read it; assuming 0xffff");
			v = 0xffff;
		}
		seg->last_bdf = (uint16_t)v;
		/* the global (static) dev_table_size of amd_iommu_init.c */
		if (target_symbol(t, "dev_table_size", &sym) == TARGET_OK &&
		    target_read_uint(t, TARGET_KVADDR, sym, 4, &v) == TARGET_OK)
			bound_last_bdf(seg, v, pb);
		/* the global dev_data_list (an llist_head) for device names */
		if (target_symbol(t, "dev_data_list", &sym) == TARGET_OK)
			target_read_u64(t, TARGET_KVADDR, sym, &seg->dev_data_list);
		inv->n_segs = 1;
	}
	for (size_t i = 0; i < inv->n_segs; i++)
		if (inv->segs[i].dev_table)
			inv->dte_unread += read_devtab(t, &inv->segs[i], pb);
	if (inv->dte_unread)
		inv->devtab_incomplete = true;
}

void inventory_read(const struct target *t, const struct layout *lay,
		    struct inventory *inv, struct problems *pb)
{
	uint64_t head, sym;
	uint64_t addrs[INV_MAX_IOMMUS];
	struct collect c = { addrs, 0, INV_MAX_IOMMUS };

	memset(inv, 0, sizeof(*inv));
	inv->driver_present = lay->have_driver;
	if (!lay->have_driver) {
		snprintf(inv->inactive_reason, sizeof(inv->inactive_reason),
			 "the kernel has no AMD IOMMU driver (no struct amd_iommu in its types)");
		return;
	}
	/* sme_me_mask: the SME C-bit set in physical addresses the IOMMU sees. */
	if (target_symbol(t, "sme_me_mask", &sym) == TARGET_OK)
		target_read_u64(t, TARGET_KVADDR, sym, &inv->sme_me_mask);

	/* The direct map's base turns the semaphore's kernel address into the
	 * physical address its COMPLETION_WAITs store to (before 7.x kept it). */
	if (target_symbol(t, "page_offset_base", &sym) == TARGET_OK &&
	    target_read_u64(t, TARGET_KVADDR, sym, &inv->page_offset_base) == TARGET_OK)
		inv->page_offset_known = true;
	/* amd_iommu_snp_en (6.3+): with SNP a 7.x capture kernel reuses the
	 * old completion-wait semaphore page too. */
	if (target_symbol(t, "amd_iommu_snp_en", &sym) == TARGET_OK) {
		uint64_t v = 0;

		if (target_read_uint(t, TARGET_KVADDR, sym, 1, &v) == TARGET_OK) {
			inv->snp_enabled = v != 0;
			inv->snp_known = true;
		}
	}

	if (target_symbol(t, "amd_iommu_list", &head) != TARGET_OK) {
		/* the driver's types are there, so its list should be: a
		 * vmlinux that does not go with the dump, or stripped symbols */
		snprintf(inv->inactive_reason, sizeof(inv->inactive_reason),
			 "the driver's types are in the vmlinux but its symbol amd_iommu_list is not");
		inv->presence_unknown = true;
		problem_add(pb, PROBLEM_TYPE, "amd_iommu_list", "symbol not found");
		return;
	}
	enum target_err head_err;

	walk_list(t, pb, head, lay->iommu.list, INV_MAX_IOMMUS, "amd_iommu_list", collect_addr, &c, &head_err);
	if (head_err) {
		/* "no IOMMU" only from a list that was read and found empty */
		snprintf(inv->inactive_reason, sizeof(inv->inactive_reason),
			 "the list of AMD IOMMUs (amd_iommu_list at %#llx) could not be read: %s",
			 (unsigned long long)head, target_err_name(head_err));
		inv->presence_unknown = true;
		return;
	}
	if (c.n == 0) {
		snprintf(inv->inactive_reason, sizeof(inv->inactive_reason),
			 "amd_iommu_list is empty: no AMD IOMMU was initialised (amd_iommu=off, no IVRS table, or not AMD hardware)");
		return;
	}
	inv->iommus = calloc(c.n, sizeof(*inv->iommus));
	if (!inv->iommus) {
		problem_add(pb, PROBLEM_LIMIT, "amd_iommu_list", "out of memory");
		return;
	}
	/* Since "iommu/amd: Introduce global variable for storing common EFR
	 * and EFR2" (6.6-ish; in Debian's 6.1 too) the EFR the driver acts on
	 * is the global amd_iommu_efr; iommu->features may hold only the
	 * IVHD's copy, 0 on QEMU's type-10 IVHD. */
	uint64_t global_efr = 0;
	bool have_global_efr = target_symbol(t, "amd_iommu_efr", &sym) == TARGET_OK &&
			       target_read_u64(t, TARGET_KVADDR, sym, &global_efr) == TARGET_OK;

	for (size_t i = 0; i < c.n; i++) {
		struct inv_iommu *io = &inv->iommus[i];

		read_iommu(t, lay, addrs[i], io, pb, (int)i);
		/* kmalloc'ed or page-allocator memory: in the direct map */
		if (!io->sem_pa_known && io->sem_addr && inv->page_offset_known &&
		    io->sem_addr >= inv->page_offset_base && io->sem_addr - inv->page_offset_base < (1ull << 46)) {
			io->sem_pa = io->sem_addr - inv->page_offset_base;
			io->sem_pa_known = true;
		}
		if (have_global_efr && global_efr && (!inv->iommus[i].efr_known || !inv->iommus[i].efr)) {
			inv->iommus[i].efr = global_efr;
			inv->iommus[i].efr_known = true;
		}
	}
	inv->n_iommus = c.n;
	inv->iommu_active = true;
	read_segments(t, lay, inv, pb);
}

void inventory_free(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n_iommus; i++) {
		free(inv->iommus[i].evt_log);
		free(inv->iommus[i].ppr);
	}
	for (size_t i = 0; i < inv->n_segs; i++) {
		free(inv->segs[i].dte);
		free(inv->segs[i].dte_ok);
	}
	free(inv->iommus);
	free(inv->segs);
	memset(inv, 0, sizeof(*inv));
}

const struct inv_segment *inventory_segment(const struct inventory *inv, uint16_t id)
{
	for (size_t i = 0; i < inv->n_segs; i++)
		if (inv->segs[i].id == id)
			return &inv->segs[i];
	return NULL;
}
