// SPDX-License-Identifier: GPL-2.0
/*
 * iommu_ref_flush: the reference IOMMU flush on the crash path.  This file
 * is the frame (parameters, trigger, record page) and the AMD-Vi part;
 * ref_flush_vtd.c is the Intel VT-d part: the DRHDs of ACPI DMAR get a
 * global context-cache and IOTLB invalidation and a wait descriptor through
 * the invalidation queue the kernel set up (see that file).
 *
 * In 2010 a patch (Neil Horman, "amd iommu: force flush of iommu prior
 * during shutdown") made iommu_disable() flush every device-table entry and
 * every domain before a kdump boot.  It was never merged; no kernel since
 * flushes (or disables) the AMD IOMMU between panic and the capture kernel.
 * This module does it from outside the driver:
 *
 *   load:  ACPI IVRS -> each IOMMU's MMIO base; ioremap it; read the Device
 *          Table Base (0x00), Command Buffer Base (0x08), Control (0x18) and
 *          EFR (0x30); memremap the device table and the command buffer;
 *          allocate one page for the record (include/amdvi/flush_record.h)
 *          and arm the trigger.  No driver symbol or private state is used.
 *   crash: for each IOMMU, read the hardware head and tail, write the
 *          reference flush (lib/flush.c, the library's own definition) at
 *          the tail, write the tail register (the doorbell), poll the
 *          record until the COMPLETION_WAIT's store lands (bounded), then
 *          optionally clear CMDBUF_EN and IOMMU_EN as the 2010 patch's
 *          iommu_disable() did.  No lock, no sleep, no allocation; anything
 *          unexpected (registers changed, IOMMU off, processor halted, no
 *          room) is recorded and that IOMMU is left alone.
 *
 * Trigger (trigger=auto|notifier|kprobe; see docs/reference-flush.md):
 *   notifier - a panic notifier of the highest priority.  It runs before
 *              the capture kernel only when the kernel command line has
 *              crash_kexec_post_notifiers (panic() then stops the other
 *              CPUs, runs the notifiers, and only then __crash_kexec()).
 *              Never runs for an oops that goes straight to crash_kexec()
 *              (oops_end() with panic_on_oops / in interrupt).
 *   kprobe   - a kprobe at the entry of machine_kexec() that acts only for
 *              the crash image: every crash path ends there, after
 *              machine_crash_shutdown() stopped the other CPUs, just before
 *              the jump to purgatory.  Needs CONFIG_KPROBES.
 *   auto     - both; the first to fire flushes, the other sees it done.
 *
 * Parameters: disable=1 (disable the IOMMU after the flush, as in 2010;
 * on VT-d: clear GCMD.TE),
 * no_doorbell=1 (fault injection: queue the flush, never write the tail),
 * timeout_us (the completion poll per IOMMU, default 100000 = 0.1 s).
 */
#define pr_fmt(fmt) "iommu_ref_flush: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/acpi.h>
#include <linux/io.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/atomic.h>
#include <linux/kexec.h>
#include <linux/kprobes.h>
#include <linux/notifier.h>
/* 5.14's "kernel.h: split out panic and oops helpers" moved
 * panic_notifier_list into its own header; 5.10 declares it in kernel.h. */
#if __has_include(<linux/panic_notifier.h>)
#include <linux/panic_notifier.h>
#endif
#include <linux/timekeeping.h>
#include <linux/mem_encrypt.h>
#include <asm/tsc.h>

#include "ref_flush.h"
#include "amdvi/flush.h"
#include "amdvi/flush_record.h"
#include "amdvi/efr.h"
#include "iif_version.h"

/* MMIO registers (AMD IOMMU spec; drivers/iommu/amd/amd_iommu_types.h) */
#define MMIO_DEVTAB_BASE	0x0000
#define MMIO_CMDBUF_BASE	0x0008
#define MMIO_CONTROL		0x0018
#define MMIO_EFR		0x0030
#define MMIO_CMD_HEAD		0x2000
#define MMIO_CMD_TAIL		0x2008
#define MMIO_STATUS		0x2020
#define MMIO_MAP_LEN		0x4000	/* MMIO_REGION_LENGTH: all of the above */

#define CTRL_IOMMU_EN		BIT_ULL(0)
#define CTRL_EVT_LOG_EN		BIT_ULL(2)
#define CTRL_EVT_INT_EN		BIT_ULL(3)
#define CTRL_CMDBUF_EN		BIT_ULL(12)
#define CTRL_GALOG_EN		BIT_ULL(28)
#define CTRL_GAINT_EN		BIT_ULL(29)
#define STATUS_CMDBUF_RUN	BIT_ULL(4)

#define ADDR_MASK		GENMASK_ULL(51, 12)
#define RING_PTR_MASK		GENMASK(18, 4)	/* head/tail: byte offset bits 18:4 */

#define IVRS_HEADER_LEN		48
#define IVHD_MIN_LEN		24

static bool disable;
module_param(disable, bool, 0444);
MODULE_PARM_DESC(disable, "after the flush, clear CMDBUF_EN and IOMMU_EN as the 2010 patch did (default 0)");
static bool no_doorbell;
module_param(no_doorbell, bool, 0444);
MODULE_PARM_DESC(no_doorbell, "fault injection: queue the flush but never write the tail register (default 0)");
static char *trigger = "auto";
module_param(trigger, charp, 0444);
MODULE_PARM_DESC(trigger, "auto (both, first wins) | notifier (panic notifier; needs crash_kexec_post_notifiers) | kprobe (machine_kexec entry)");
static unsigned int timeout_us = 100000;
module_param(timeout_us, uint, 0444);
MODULE_PARM_DESC(timeout_us, "bound of the completion poll per IOMMU in microseconds (default 100000, at most 900000)");

struct ref_iommu {
	u64 mmio_phys;
	u16 segment, devid;
	void __iomem *mmio;
	u64 devtab_reg, cmdbuf_reg, efr;
	u64 devtab_pa, cmdbuf_pa;
	const u64 (*dte)[4];
	u32 n_dte;
	u8 *cmdbuf;
	u32 cmd_size;
	u64 rec_pa;
	struct amdvi_flush_record *rec;
};

static struct ref_iommu iommus[AMDVI_FLUSH_RECORD_MAX_IOMMUS];
static unsigned int n_iommus, n_vtd;
static unsigned long record_page;
static atomic_t fired = ATOMIC_INIT(0);
static bool notifier_armed, kprobe_armed;

/* ------------------------------------------------------------ crash path */

static u32 ring_free(u32 head, u32 tail, u32 size)
{
	return ((head - tail - 16) & (size - 1)) / 16;
}

static void put_cmd(struct ref_iommu *io, u32 off, const u32 cmd[4])
{
	u32 *slot = (u32 *)(io->cmdbuf + off);

	WRITE_ONCE(slot[0], cmd[0]);
	WRITE_ONCE(slot[1], cmd[1]);
	WRITE_ONCE(slot[2], cmd[2]);
	WRITE_ONCE(slot[3], cmd[3]);
}

/* Bounded wait for the hardware head to leave room; false on timeout. */
static bool wait_room(struct ref_iommu *io, u32 tail, u32 *head, u32 *waited)
{
	while (*waited < timeout_us) {
		*head = readl(io->mmio + MMIO_CMD_HEAD) & RING_PTR_MASK & (io->cmd_size - 1);
		if (ring_free(*head, tail, io->cmd_size))
			return true;
		udelay(1);
		(*waited)++;
	}
	return false;
}

static void disable_iommu(struct ref_iommu *io, struct amdvi_flush_record *rec)
{
	/* the order of 6.1 iommu_disable(): command buffer, event log and its
	 * interrupt, GA log, then translation itself */
	static const u64 bits[] = { CTRL_CMDBUF_EN, CTRL_EVT_INT_EN, CTRL_EVT_LOG_EN,
				    CTRL_GALOG_EN, CTRL_GAINT_EN, CTRL_IOMMU_EN };
	u64 ctrl = readq(io->mmio + MMIO_CONTROL);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		ctrl &= ~bits[i];
		writeq(ctrl, io->mmio + MMIO_CONTROL);
	}
	rec->steps |= AMDVI_FLUSH_STEP_DISABLED;
}

static void flush_one(struct ref_iommu *io, u32 how)
{
	struct amdvi_flush_record *rec = io->rec;
	struct amdvi_flush_input in = {
		.dte = io->dte, .n_dte = io->n_dte, .me_mask = sme_me_mask,
		.efr = io->efr, .store_pa = io->rec_pa, .store_value = rec->value,
	};
	struct amdvi_flush_iter it;
	u32 cmd[4], head, tail, free, waited = 0;
	u64 ctrl;
	bool pending;

	rec->t_start_ns = ktime_get_mono_fast_ns();
	rec->tsc_start = rdtsc();
	rec->steps |= AMDVI_FLUSH_STEP_ENTERED;
	rec->flags |= how;
	ctrl = readq(io->mmio + MMIO_CONTROL);
	rec->control_before = ctrl;
	if (!(ctrl & CTRL_IOMMU_EN) || !(ctrl & CTRL_CMDBUF_EN)) {
		rec->flags |= AMDVI_FLUSH_F_NOT_ENABLED;
		goto out;
	}
	/* The buffers we mapped at load must still be the ones in use. */
	if (readq(io->mmio + MMIO_CMDBUF_BASE) != io->cmdbuf_reg ||
	    readq(io->mmio + MMIO_DEVTAB_BASE) != io->devtab_reg) {
		rec->flags |= AMDVI_FLUSH_F_BAD_REGS;
		goto out;
	}
	if (!(readq(io->mmio + MMIO_STATUS) & STATUS_CMDBUF_RUN))
		rec->flags |= AMDVI_FLUSH_F_HALTED;	/* try anyway; the poll will tell */
	head = readl(io->mmio + MMIO_CMD_HEAD) & RING_PTR_MASK;
	tail = readl(io->mmio + MMIO_CMD_TAIL) & RING_PTR_MASK;
	if (head >= io->cmd_size || tail >= io->cmd_size) {
		rec->flags |= AMDVI_FLUSH_F_BAD_REGS;
		goto out;
	}
	rec->head_before = head;
	rec->tail_before = tail;
	if (head != tail)
		rec->flags |= AMDVI_FLUSH_F_RING_BUSY;
	if (amdvi_flush_iter_init(&it, &in) != AMDVI_OK) {
		rec->flags |= AMDVI_FLUSH_F_BAD_REGS;
		goto out;
	}
	free = ring_free(head, tail, io->cmd_size);
	pending = amdvi_flush_iter_next(&it, cmd);
	while (pending) {
		if (!free) {
			/* A sequence longer than the free ring (no EFR.IA and
			 * many domains): let the hardware consume some. */
			if (no_doorbell) {
				rec->flags |= AMDVI_FLUSH_F_TRUNCATED;
				break;
			}
			wmb();
			writel(tail, io->mmio + MMIO_CMD_TAIL);
			rec->steps |= AMDVI_FLUSH_STEP_DOORBELL;
			if (!wait_room(io, tail, &head, &waited)) {
				rec->flags |= AMDVI_FLUSH_F_TIMEOUT | AMDVI_FLUSH_F_TRUNCATED;
				break;
			}
			free = ring_free(head, tail, io->cmd_size);
		}
		put_cmd(io, tail, cmd);
		tail = (tail + 16) & (io->cmd_size - 1);
		free--;
		rec->n_cmds++;
		pending = amdvi_flush_iter_next(&it, cmd);
	}
	rec->tail_after = tail;
	if (rec->n_cmds)
		rec->steps |= AMDVI_FLUSH_STEP_WRITTEN;
	wmb();
	if (no_doorbell || (rec->flags & AMDVI_FLUSH_F_TIMEOUT))
		goto out;
	writel(tail, io->mmio + MMIO_CMD_TAIL);
	rec->steps |= AMDVI_FLUSH_STEP_DOORBELL;
	while (READ_ONCE(rec->completion) != rec->value && waited < timeout_us) {
		udelay(1);
		waited++;
	}
	if (READ_ONCE(rec->completion) == rec->value)
		rec->steps |= AMDVI_FLUSH_STEP_COMPLETED;
	else
		rec->flags |= AMDVI_FLUSH_F_TIMEOUT;
out:
	rec->wait_us = waited;
	if (disable && !(rec->flags & (AMDVI_FLUSH_F_BAD_REGS)))
		disable_iommu(io, rec);
	rec->control_after = readq(io->mmio + MMIO_CONTROL);
	rec->t_done_ns = ktime_get_mono_fast_ns();
}

static void run_flush(u32 how)
{
	unsigned int i;

	struct ref_flush_opts o = { .disable = disable, .no_doorbell = no_doorbell, .timeout_us = timeout_us };

	if (atomic_xchg(&fired, 1))
		return;
	for (i = 0; i < n_iommus; i++)
		flush_one(&iommus[i], how);
	vtd_flush_units(how, &o);
	/* after the work: printk may be slow on a serial console */
	for (i = 0; i < n_iommus; i++) {
		const struct amdvi_flush_record *r = iommus[i].rec;

		pr_emerg("IOMMU %u at %#llx: %u commands at tail %#x, %s%s%s after %u us (steps %#x flags %#x)\n",
			 i, iommus[i].mmio_phys, r->n_cmds, r->tail_before,
			 (r->steps & AMDVI_FLUSH_STEP_COMPLETED) ? "completed" :
			 (r->flags & AMDVI_FLUSH_F_NO_DOORBELL) ? "queued without doorbell" : "NOT completed",
			 (r->steps & AMDVI_FLUSH_STEP_DISABLED) ? ", IOMMU disabled" : "",
			 (r->flags & AMDVI_FLUSH_F_NOT_ENABLED) ? ", IOMMU was not enabled" : "",
			 r->wait_us, r->steps, r->flags);
	}
	vtd_report_units();
}

static int panic_cb(struct notifier_block *nb, unsigned long action, void *data)
{
	run_flush(AMDVI_FLUSH_F_BY_NOTIFIER);
	return NOTIFY_DONE;
}

static struct notifier_block panic_nb = {
	.notifier_call = panic_cb,
	.priority = INT_MAX,
};

static int kexec_pre(struct kprobe *p, struct pt_regs *regs)
{
	const struct kimage *image = (const struct kimage *)regs->di;	/* machine_kexec(image) */

	if (image && image->type == KEXEC_TYPE_CRASH)
		run_flush(AMDVI_FLUSH_F_BY_KPROBE);
	return 0;
}

static struct kprobe kexec_kp = {
	.symbol_name = "machine_kexec",
	.pre_handler = kexec_pre,
};

/* ------------------------------------------------------------ load */

struct ivhd {
	u8 type;
	u8 flags;
	u16 length;
	u16 devid;
	u16 cap_ptr;
	u64 mmio_phys;
	u16 pci_seg;
	u16 info;
	u32 efr_attr;
} __packed;

static void unmap_one(struct ref_iommu *io)
{
	if (io->cmdbuf)
		memunmap(io->cmdbuf);
	if (io->dte)
		memunmap((void *)io->dte);
	if (io->mmio)
		iounmap(io->mmio);
	memset(io, 0, sizeof(*io));
}

/* Map one IOMMU's registers and buffers; 0, or a reason in *why. */
static int map_one(struct ref_iommu *io, const char **why)
{
	u64 ctrl, dt_len;
	u32 entries;

	io->mmio = ioremap(io->mmio_phys, MMIO_MAP_LEN);
	if (!io->mmio) {
		*why = "cannot map its MMIO registers";
		return -ENOMEM;
	}
	ctrl = readq(io->mmio + MMIO_CONTROL);
	io->devtab_reg = readq(io->mmio + MMIO_DEVTAB_BASE);
	io->cmdbuf_reg = readq(io->mmio + MMIO_CMDBUF_BASE);
	io->efr = readq(io->mmio + MMIO_EFR);
	if (!(ctrl & CTRL_IOMMU_EN) || !(ctrl & CTRL_CMDBUF_EN)) {
		*why = "translation or its command buffer is not enabled (amd_iommu=off, or the driver did not start it)";
		return -ENODEV;
	}
	io->devtab_pa = __sme_clr(io->devtab_reg) & ADDR_MASK;
	dt_len = ((io->devtab_reg & 0x1ff) + 1) * PAGE_SIZE;
	io->n_dte = min_t(u64, dt_len / 32, AMDVI_FLUSH_MAX_DTE);
	io->cmdbuf_pa = __sme_clr(io->cmdbuf_reg) & ADDR_MASK;
	entries = 1U << ((io->cmdbuf_reg >> 56) & 0xf);
	if (!io->devtab_pa || !io->cmdbuf_pa || entries < 256 || entries > 32768) {
		*why = "device-table or command-buffer register does not make sense";
		return -ENODEV;
	}
	io->cmd_size = entries * 16;
	io->dte = memremap(io->devtab_pa, dt_len, MEMREMAP_WB);
	io->cmdbuf = memremap(io->cmdbuf_pa, io->cmd_size, MEMREMAP_WB);
	if (!io->dte || !io->cmdbuf) {
		*why = "cannot map its device table or command buffer";
		return -ENOMEM;
	}
	return 0;
}

static int find_iommus(void)
{
	struct acpi_table_header *ivrs;
	acpi_status st;
	u32 off;
	int rc = 0;

	st = acpi_get_table(ACPI_SIG_IVRS, 0, &ivrs);
	if (ACPI_FAILURE(st))
		return 0;	/* no AMD IOMMU: perhaps VT-d units (ref_flush_vtd.c) */
	for (off = IVRS_HEADER_LEN; off + 4 <= ivrs->length; ) {
		const struct ivhd *h = (const struct ivhd *)((const u8 *)ivrs + off);
		unsigned int i;

		if (h->length < 4 || off + h->length > ivrs->length)
			break;
		off += h->length;
		if ((h->type != 0x10 && h->type != 0x11 && h->type != 0x40) || h->length < IVHD_MIN_LEN)
			continue;	/* IVMD, or an unknown block */
		for (i = 0; i < n_iommus; i++)	/* types 10h/11h/40h describe the same unit */
			if (iommus[i].mmio_phys == h->mmio_phys && iommus[i].segment == h->pci_seg)
				break;
		if (i < n_iommus)
			continue;
		if (n_iommus == AMDVI_FLUSH_RECORD_MAX_IOMMUS) {
			pr_warn("more than %u IOMMUs in IVRS; the others are not flushed\n", n_iommus);
			break;
		}
		iommus[n_iommus].mmio_phys = h->mmio_phys;
		iommus[n_iommus].segment = h->pci_seg;
		iommus[n_iommus].devid = h->devid;
		n_iommus++;
	}
	acpi_put_table(ivrs);
	if (!n_iommus)
		pr_info("the ACPI IVRS table describes no IOMMU\n");
	return rc;
}

static void cleanup(void)
{
	unsigned int i;

	if (kprobe_armed)
		unregister_kprobe(&kexec_kp);
	if (notifier_armed)
		atomic_notifier_chain_unregister(&panic_notifier_list, &panic_nb);
	kprobe_armed = notifier_armed = false;
	for (i = 0; i < n_iommus; i++)
		unmap_one(&iommus[i]);
	n_iommus = 0;
	vtd_release_units();
	n_vtd = 0;
	if (record_page)
		free_page(record_page);
	record_page = 0;
}

static int __init ref_flush_init(void)
{
	bool want_notifier = !strcmp(trigger, "auto") || !strcmp(trigger, "notifier");
	bool want_kprobe = !strcmp(trigger, "auto") || !strcmp(trigger, "kprobe");
	unsigned int i, ok = 0;
	int rc;

	if (!want_notifier && !want_kprobe) {
		pr_err("trigger=%s: use auto, notifier or kprobe\n", trigger);
		return -EINVAL;
	}
	if (timeout_us > 900000)
		timeout_us = 900000;
	rc = find_iommus();
	if (rc)
		return rc;
	n_vtd = vtd_find_units(AMDVI_FLUSH_RECORD_MAX_IOMMUS - n_iommus);
	if (!n_iommus && !n_vtd) {
		pr_err("no ACPI IVRS table (AMD-Vi) and no DMAR unit (VT-d): this machine has no IOMMU the module knows; nothing to flush\n");
		return -ENODEV;
	}
	record_page = get_zeroed_page(GFP_KERNEL);
	if (!record_page) {
		n_iommus = 0;
		return -ENOMEM;
	}
	for (i = 0; i < n_iommus; i++) {
		struct ref_iommu *io = &iommus[i];
		struct amdvi_flush_record *rec;
		const char *why = NULL;

		rc = map_one(io, &why);
		if (rc) {
			pr_err("IOMMU at %#llx (segment %u, %02x:%02x.%u): %s\n", io->mmio_phys, io->segment,
			       io->devid >> 8, (io->devid >> 3) & 0x1f, io->devid & 7, why);
			cleanup();
			return rc;
		}
		rec = (struct amdvi_flush_record *)(record_page + i * AMDVI_FLUSH_RECORD_SLOT_SIZE);
		io->rec = rec;
		io->rec_pa = virt_to_phys(rec);
		rec->completion = AMDVI_FLUSH_RECORD_PENDING;
		rec->magic = AMDVI_FLUSH_RECORD_MAGIC;
		rec->version = AMDVI_FLUSH_RECORD_VERSION;
		rec->n_iommus = n_iommus + n_vtd;
		rec->index = i;
		rec->value = AMDVI_FLUSH_RECORD_VALUE(i);
		rec->mmio_base = io->mmio_phys;
		rec->segment = io->segment;
		rec->devid = io->devid;
		rec->efr = io->efr;
		rec->cmdbuf_pa = io->cmdbuf_pa;
		rec->flags = (disable ? AMDVI_FLUSH_F_DISABLE : 0) |
			     (no_doorbell ? AMDVI_FLUSH_F_NO_DOORBELL : 0) |
			     ((io->efr & AMDVI_EFR_IA) ? AMDVI_FLUSH_F_IA : 0);
		rec->steps = AMDVI_FLUSH_STEP_ARMED;
		ok++;
		pr_info("IOMMU %u at %#llx (segment %u, %02x:%02x.%u): device table %#llx (%u entries), command buffer %#llx (%u bytes), EFR %#llx%s; flush now %ld commands; record at PA %#llx\n",
			i, io->mmio_phys, io->segment, io->devid >> 8, (io->devid >> 3) & 0x1f, io->devid & 7,
			io->devtab_pa, io->n_dte, io->cmdbuf_pa, io->cmd_size, io->efr,
			(io->efr & AMDVI_EFR_IA) ? " (IA)" : "",
			amdvi_flush_count(&(struct amdvi_flush_input){ .dte = io->dte, .n_dte = io->n_dte,
				.efr = io->efr, .store_pa = io->rec_pa }),
			(unsigned long long)io->rec_pa);
	}
	for (i = 0; i < n_vtd; i++) {
		struct ref_flush_opts o = { .disable = disable, .no_doorbell = no_doorbell, .timeout_us = timeout_us };
		unsigned int slot = n_iommus + i;
		unsigned long va = record_page + slot * AMDVI_FLUSH_RECORD_SLOT_SIZE;

		/* A DRHD whose queue does not run (a unit the kernel ignored,
		 * e.g. the graphics one with intel_iommu=igfx_off) is left out
		 * with its reason: the others are still flushed.  With no unit
		 * of either vendor left, loading fails with that reason. */
		rc = vtd_arm_unit(i, (struct amdvi_flush_record *)va, virt_to_phys((void *)va),
				  n_iommus + n_vtd, slot, &o);
		if (!rc)
			ok++;
	}
	if (!ok) {
		cleanup();
		return rc ? rc : -ENODEV;
	}
	if (want_kprobe) {
		rc = register_kprobe(&kexec_kp);
		if (rc)
			pr_warn("cannot probe machine_kexec (%d)%s\n", rc,
				want_notifier ? "; only the panic notifier is armed" : "");
		else
			kprobe_armed = true;
	}
	if (want_notifier) {
		atomic_notifier_chain_register(&panic_notifier_list, &panic_nb);
		notifier_armed = true;
	}
	if (!kprobe_armed && !notifier_armed) {
		pr_err("no trigger could be armed\n");
		cleanup();
		return rc ? rc : -EINVAL;
	}
	pr_info("version %s armed for %u IOMMU(s) (%u AMD-Vi, %u VT-d): trigger %s%s%s, disable=%d no_doorbell=%d timeout_us=%u\n",
		IIF_VERSION, ok, n_iommus, n_vtd, notifier_armed ? "panic-notifier" : "", notifier_armed && kprobe_armed ? "+" : "",
		kprobe_armed ? "machine_kexec-kprobe" : "", disable, no_doorbell, timeout_us);
	if (notifier_armed && !kprobe_armed)
		pr_info("the panic notifier runs before the capture kernel only with crash_kexec_post_notifiers on the command line\n");
	return 0;
}

static void __exit ref_flush_exit(void)
{
	cleanup();
	pr_info("unloaded\n");
}

module_init(ref_flush_init);
module_exit(ref_flush_exit);
MODULE_LICENSE("GPL");
/* iommu-inflight's version: the DKMS package's, and what the lab checks it loaded */
MODULE_VERSION(IIF_VERSION);
MODULE_DESCRIPTION("Reference AMD-Vi and VT-d IOMMU flush on the crash path, with a record for the dump analysis");
