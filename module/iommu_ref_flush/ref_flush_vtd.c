// SPDX-License-Identifier: GPL-2.0
/*
 * The reference flush for Intel VT-d units (the AMD-Vi one and the shared
 * frame are in ref_flush_main.c).  No kernel since VT-d support began
 * flushes or disables DMA remapping between panic and the capture kernel
 * (native_machine_crash_shutdown() leaves the units translating); this does
 * it from outside the driver, with no driver symbol or private state:
 *
 *   load:  ACPI DMAR -> each DRHD's register base; ioremap it; read CAP,
 *          ECAP, GSTS and IQA (the invalidation queue the kernel set up);
 *          memremap the queue.
 *   crash: read IQH and IQT; at IQT write a global context-cache
 *          invalidation, a global IOTLB invalidation and an invalidation
 *          wait whose status write lands in the unit's record slot
 *          (lib/vtd_flush.c, the analysis's own definition); write IQT (the
 *          doorbell) unless no_doorbell; poll the slot (bounded); then,
 *          with disable=1, clear GCMD.TE and wait for GSTS.TES to follow.
 *          Anything unexpected (queued invalidation off, IQA moved, a queue
 *          error in FSTS, no room) is recorded and the unit left alone.
 */
#define pr_fmt(fmt) "iommu_ref_flush: " fmt

#include <linux/kernel.h>
#include <linux/acpi.h>
#include <linux/io.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/timekeeping.h>
#include <asm/tsc.h>

#include "ref_flush.h"
#include "vtd/flush.h"

/* Registers (VT-d spec 11.4; drivers/iommu/intel/iommu.h DMAR_*_REG) */
#define DMAR_CAP	0x08
#define DMAR_ECAP	0x10
#define DMAR_GCMD	0x18
#define DMAR_GSTS	0x1c
#define DMAR_FSTS	0x34
#define DMAR_IQH	0x80
#define DMAR_IQT	0x88
#define DMAR_IQA	0x90
#define DMAR_MAP_LEN	0x1000

#define GSTS_TES	BIT(31)
#define GSTS_QIES	BIT(26)
/* GCMD from GSTS: the one-shot bits (SRTP, SFL, WBF, SIRTP) must not be
 * written back (spec 11.4.4.1; the kernel's iommu_disable_translation()) */
#define GSTS_PERSISTENT	0x96ffffffU
#define GCMD_TE		BIT(31)
#define FSTS_QUEUE_ERR	(BIT(4) | BIT(5) | BIT(6))	/* IQE, ICE, ITE */
#define ECAP_QI		BIT_ULL(1)
#define ECAP_SMTS	BIT_ULL(43)
#define IQA_BASE	GENMASK_ULL(63, 12)
#define IQA_DW		BIT_ULL(11)
#define IQA_QS		GENMASK_ULL(2, 0)
#define IQ_PTR		GENMASK_ULL(18, 4)	/* IQH/IQT: byte offset */

#define DMAR_HEADER_LEN	48	/* struct acpi_table_dmar */
#define DMAR_TYPE_DRHD	0

struct drhd {
	u16 type;
	u16 length;
	u8 flags;
	u8 size;
	u16 segment;
	u64 address;
} __packed;

struct vtd_ref_unit {
	u64 reg_phys;
	u16 segment;
	u8 drhd_flags;
	void __iomem *reg;
	u64 cap, ecap, iqa;
	u8 *queue;
	u32 queue_len, desc_size;
	u64 rec_pa;
	struct amdvi_flush_record *rec;
};

static struct vtd_ref_unit units[AMDVI_FLUSH_RECORD_MAX_IOMMUS];
static unsigned int n_units, n_armed;

unsigned int vtd_find_units(unsigned int max)
{
	struct acpi_table_header *dmar;
	u32 off;

	if (ACPI_FAILURE(acpi_get_table(ACPI_SIG_DMAR, 0, &dmar)))
		return 0;
	for (off = DMAR_HEADER_LEN; off + 4 <= dmar->length; ) {
		const struct drhd *d = (const struct drhd *)((const u8 *)dmar + off);

		if (d->length < 4 || off + d->length > dmar->length)
			break;
		off += d->length;
		if (d->type != DMAR_TYPE_DRHD || d->length < sizeof(*d))
			continue;	/* RMRR, ATSR, RHSA, ANDD, SATC... */
		if (n_units == max || n_units == ARRAY_SIZE(units)) {
			pr_warn("more DMAR units than record slots; the others are not flushed\n");
			break;
		}
		units[n_units].reg_phys = d->address;
		units[n_units].segment = d->segment;
		units[n_units].drhd_flags = d->flags;
		n_units++;
	}
	acpi_put_table(dmar);
	if (!n_units)
		pr_info("the ACPI DMAR table lists no DRHD\n");
	return n_units;
}

static void release_unit(struct vtd_ref_unit *u)
{
	if (u->queue)
		memunmap(u->queue);
	if (u->reg)
		iounmap(u->reg);
	u->queue = NULL;
	u->reg = NULL;
	u->rec = NULL;
}

int vtd_arm_unit(unsigned int i, struct amdvi_flush_record *rec, u64 rec_pa, unsigned int n_slots,
		 unsigned int slot, const struct ref_flush_opts *o)
{
	struct vtd_ref_unit *u = &units[i];
	const char *why = NULL;
	u32 gsts;

	u->reg = ioremap(u->reg_phys, DMAR_MAP_LEN);
	if (!u->reg) {
		why = "cannot map its registers";
		goto fail;
	}
	u->cap = readq(u->reg + DMAR_CAP);
	u->ecap = readq(u->reg + DMAR_ECAP);
	gsts = readl(u->reg + DMAR_GSTS);
	u->iqa = readq(u->reg + DMAR_IQA);
	if (!(u->ecap & ECAP_QI) || !(gsts & GSTS_QIES)) {
		why = "queued invalidation is not enabled (intel_iommu=off, or the driver did not start the queue)";
		goto fail;
	}
	/* Linux uses 256-bit descriptors exactly when ECAP.SMTS is set (qi_shift()
	 * and dmar_enable_qi() in every era, whether or not scalable mode is
	 * on), and sets IQA.DW then; QEMU 7.2's intel-iommu does not read DW
	 * back, so ECAP decides as well. */
	u->desc_size = ((u->iqa & IQA_DW) || (u->ecap & ECAP_SMTS)) ? 32 : 16;
	u->queue_len = 4096U << (u->iqa & IQA_QS);
	if (!(u->iqa & IQA_BASE) || u->queue_len / u->desc_size < 8) {
		why = "its IQA register does not make sense";
		goto fail;
	}
	u->queue = memremap(u->iqa & IQA_BASE, u->queue_len, MEMREMAP_WB);
	if (!u->queue) {
		why = "cannot map its invalidation queue";
		goto fail;
	}
	u->rec = rec;
	u->rec_pa = rec_pa;
	rec->completion = AMDVI_FLUSH_RECORD_PENDING;
	rec->magic = AMDVI_FLUSH_RECORD_MAGIC;
	rec->version = AMDVI_FLUSH_RECORD_VERSION;
	rec->n_iommus = n_slots;
	rec->index = slot;
	rec->value = VTD_FLUSH_RECORD_VALUE(slot);
	rec->mmio_base = u->reg_phys;
	rec->segment = u->segment;
	rec->devid = u->drhd_flags;
	rec->efr = u->ecap;
	rec->cmdbuf_pa = u->iqa;
	rec->flags = AMDVI_FLUSH_F_VTD | (o->disable ? AMDVI_FLUSH_F_DISABLE : 0) |
		     (o->no_doorbell ? AMDVI_FLUSH_F_NO_DOORBELL : 0);
	rec->steps = AMDVI_FLUSH_STEP_ARMED;
	n_armed++;
	pr_info("DMAR unit %u at %#llx (segment %u): CAP %#llx ECAP %#llx, invalidation queue %#llx (%u x %u bytes); flush now %u descriptors; record at PA %#llx\n",
		i, u->reg_phys, u->segment, u->cap, u->ecap, u->iqa & IQA_BASE, u->queue_len / u->desc_size,
		u->desc_size, VTD_FLUSH_N_DESC, (unsigned long long)rec_pa);
	return 0;
fail:
	pr_err("DMAR unit at %#llx (segment %u): %s; this unit is not flushed\n", u->reg_phys, u->segment, why);
	release_unit(u);
	return -ENODEV;
}

static void put_desc(struct vtd_ref_unit *u, u32 off, const u64 qw[2])
{
	u64 *slot = (u64 *)(u->queue + off);

	WRITE_ONCE(slot[0], qw[0]);
	WRITE_ONCE(slot[1], qw[1]);
	if (u->desc_size == 32) {
		WRITE_ONCE(slot[2], 0);
		WRITE_ONCE(slot[3], 0);
	}
}

/* Its own bound, whatever the completion poll used up. */
static void disable_translation(struct vtd_ref_unit *u, struct amdvi_flush_record *rec,
				const struct ref_flush_opts *o, u32 *waited)
{
	u32 gsts = readl(u->reg + DMAR_GSTS), te_waited = 0;

	if (!(gsts & GSTS_TES))
		return;
	writel((gsts & GSTS_PERSISTENT) & ~GCMD_TE, u->reg + DMAR_GCMD);
	while ((readl(u->reg + DMAR_GSTS) & GSTS_TES) && te_waited < o->timeout_us) {
		udelay(1);
		te_waited++;
	}
	*waited += te_waited;
	if (!(readl(u->reg + DMAR_GSTS) & GSTS_TES))
		rec->steps |= AMDVI_FLUSH_STEP_DISABLED;
	else
		rec->flags |= AMDVI_FLUSH_F_TIMEOUT;
}

static u64 status_regs(struct vtd_ref_unit *u)
{
	return readl(u->reg + DMAR_GSTS) | (u64)readl(u->reg + DMAR_FSTS) << 32;
}

static void flush_unit(struct vtd_ref_unit *u, u32 how, const struct ref_flush_opts *o)
{
	struct amdvi_flush_record *rec = u->rec;
	struct vtd_flush_input in = { .cap = u->cap, .store_pa = u->rec_pa, .store_value = (u32)rec->value };
	u64 desc[VTD_FLUSH_N_DESC][2];
	u32 head, tail, used, waited = 0;
	unsigned int k;

	rec->t_start_ns = ktime_get_mono_fast_ns();
	rec->tsc_start = rdtsc();
	rec->steps |= AMDVI_FLUSH_STEP_ENTERED;
	rec->flags |= how;
	rec->control_before = status_regs(u);
	if (!(rec->control_before & GSTS_QIES)) {
		rec->flags |= AMDVI_FLUSH_F_NOT_ENABLED;
		goto out;
	}
	if (readq(u->reg + DMAR_IQA) != u->iqa) {
		rec->flags |= AMDVI_FLUSH_F_BAD_REGS;	/* not the queue mapped at load */
		goto out;
	}
	if ((rec->control_before >> 32) & FSTS_QUEUE_ERR)
		rec->flags |= AMDVI_FLUSH_F_FAULTED;	/* the queue is halted: try anyway, the poll tells */
	head = readq(u->reg + DMAR_IQH) & IQ_PTR;
	tail = readq(u->reg + DMAR_IQT) & IQ_PTR;
	if (head >= u->queue_len || tail >= u->queue_len || (tail & (u->desc_size - 1))) {
		rec->flags |= AMDVI_FLUSH_F_BAD_REGS;
		goto out;
	}
	rec->head_before = head;
	rec->tail_before = tail;
	if (head != tail)
		rec->flags |= AMDVI_FLUSH_F_RING_BUSY;
	used = ((tail - head) & (u->queue_len - 1)) / u->desc_size;
	if (u->queue_len / u->desc_size - 1 - used < VTD_FLUSH_N_DESC) {
		rec->flags |= AMDVI_FLUSH_F_TRUNCATED;	/* no room; never overwrite pending work */
		goto out;
	}
	if (vtd_flush_build(&in, desc) != VTD_OK) {
		rec->flags |= AMDVI_FLUSH_F_BAD_REGS;
		goto out;
	}
	for (k = 0; k < VTD_FLUSH_N_DESC; k++) {
		put_desc(u, tail, desc[k]);
		tail = (tail + u->desc_size) & (u->queue_len - 1);
		rec->n_cmds++;
	}
	rec->tail_after = tail;
	rec->steps |= AMDVI_FLUSH_STEP_WRITTEN;
	wmb();
	if (o->no_doorbell)
		goto out;
	writel(tail, u->reg + DMAR_IQT);	/* as the kernel's qi_submit_sync() */
	rec->steps |= AMDVI_FLUSH_STEP_DOORBELL;
	while ((u32)READ_ONCE(rec->completion) != (u32)rec->value && waited < o->timeout_us) {
		udelay(1);
		waited++;
	}
	if ((u32)READ_ONCE(rec->completion) == (u32)rec->value)
		rec->steps |= AMDVI_FLUSH_STEP_COMPLETED;
	else
		rec->flags |= AMDVI_FLUSH_F_TIMEOUT;
out:
	if (o->disable && !(rec->flags & AMDVI_FLUSH_F_BAD_REGS))
		disable_translation(u, rec, o, &waited);
	rec->wait_us = waited;
	rec->control_after = status_regs(u);
	if ((rec->control_after >> 32) & FSTS_QUEUE_ERR)
		rec->flags |= AMDVI_FLUSH_F_FAULTED;
	rec->t_done_ns = ktime_get_mono_fast_ns();
}

void vtd_flush_units(u32 how, const struct ref_flush_opts *o)
{
	unsigned int i;

	for (i = 0; i < n_units; i++)
		if (units[i].rec)
			flush_unit(&units[i], how, o);
}

void vtd_report_units(void)
{
	unsigned int i;

	for (i = 0; i < n_units; i++) {
		const struct amdvi_flush_record *r = units[i].rec;

		if (!r)
			continue;
		pr_emerg("DMAR unit %u at %#llx: %u descriptors at IQT %#x, %s%s%s after %u us (steps %#x flags %#x, GSTS %#llx FSTS %#llx)\n",
			 i, units[i].reg_phys, r->n_cmds, r->tail_before,
			 (r->steps & AMDVI_FLUSH_STEP_COMPLETED) ? "completed" :
			 (r->flags & AMDVI_FLUSH_F_NO_DOORBELL) ? "queued without doorbell" : "NOT completed",
			 (r->steps & AMDVI_FLUSH_STEP_DISABLED) ? ", translation disabled" : "",
			 (r->flags & AMDVI_FLUSH_F_NOT_ENABLED) ? ", queued invalidation was not enabled" : "",
			 r->wait_us, r->steps, r->flags, r->control_after & 0xffffffffULL, r->control_after >> 32);
	}
}

void vtd_release_units(void)
{
	unsigned int i;

	for (i = 0; i < n_units; i++)
		release_unit(&units[i]);
	memset(units, 0, sizeof(units));
	n_units = n_armed = 0;
}
