/* The text report: a one-screen summary, and the sections behind options. */
#include <inttypes.h>
#include <stdio.h>

#include "amdvi/efr.h"
#include "report/report.h"
#include "report/vendor_text.h"

static const char *human(uint64_t bytes, char *buf, size_t len)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
	return buf;
}

static void summary_iommus(const struct analysis *a, FILE *out)
{
	fprintf(out, "IOMMU  SEG   BDF      MMIO         EFR       TAIL    HEAD_SW  COMPLETION WAIT                      FLUSH\n");
	for (size_t i = 0; i < a->amd.inv.n_iommus; i++) {
		const struct inv_iommu *io = &a->amd.inv.iommus[i];
		const struct cmd_ring_report *r = &a->amd.rings[i];
		char cw[64], bdf[16] = "-", tail[16] = "-", head[16] = "-";

		if (a->opt.iommu >= 0 && io->index != a->opt.iommu)
			continue;
		if (io->devid_known)
			snprintf(bdf, sizeof(bdf), "%02x:%02x.%x", io->devid >> 8, (io->devid >> 3) & 0x1f, io->devid & 7);
		if (io->sw_ring) {
			snprintf(tail, sizeof(tail), "%#x", io->tail_sw);
			snprintf(head, sizeof(head), "%#x", io->head_sw);
		}
		if (io->sem_kind == CMD_SEM_POINTER && io->sem_known)
			snprintf(cw, sizeof(cw), "%s: sem %#llx, issued %#llx",
				 !r->sem_trusted ? "UNTRUSTED" : r->all_retired ? "all retired" : "PENDING",
				 (unsigned long long)io->sem_value, (unsigned long long)io->sem_issued);
		else if (io->sem_kind == CMD_SEM_EMBEDDED && io->sem_known)
			snprintf(cw, sizeof(cw), "%s (cmd_sem=%llu)", r->all_retired ? "all retired" : "PENDING",
				 (unsigned long long)io->sem_value);
		else
			snprintf(cw, sizeof(cw), "no evidence in RAM");
		fprintf(out, "%-6d %04x  %-8s %#-12llx %#-9llx %-7s %-8s %-36s %s\n", io->index, io->segment,
			bdf, (unsigned long long)io->mmio_phys, (unsigned long long)io->efr, tail, head, cw,
			flush_verdict_name(r->flush.verdict));
		fprintf(out, "       flush evidence: %s\n", r->flush.evidence);
		if (r->flush.appended)
			fprintf(out, "       reference flush module: %s\n", r->flush.record);
		if (r->split.found)
			fprintf(out, "       capture kernel: reused this ring in place; %u of its entries at offsets "
				"0..%#x set aside, %u of the crashed kernel's left\n",
				r->capture_entries, r->split.end - 16, r->crashed_entries);
		if (!r->sem_trusted)
			fprintf(out, "       completion-wait semaphore not trusted: %s\n", r->sem_distrust);
		if (r->not_proven)
			fprintf(out, "       %u of the crashed kernel's ring entries not proven complete (queued after the last retired COMPLETION_WAIT)\n",
				r->not_proven);
	}
	fprintf(out, "       (the hardware head is an MMIO register, not in a dump; HEAD_SW is the kernel's\n"
		     "        last read of it, refreshed only when the ring fills: a lower bound)\n");
}

/* A device's class in the vendor-neutral terms of the summary. */
enum dev_kind { DEV_TRANSLATED, DEV_IDENTITY, DEV_BLOCKED };

static enum dev_kind dev_kind(const struct dev_info *d)
{
	if (d->vendor == IOMMU_VENDOR_INTEL)
		return d->vtd.cls == VTD_DEV_TRANSLATED ? DEV_TRANSLATED :
		       d->vtd.cls == VTD_DEV_PASSTHROUGH ? DEV_IDENTITY : DEV_BLOCKED;
	switch (d->cls) {
	case AMDVI_DTE_TRANSLATED:
	case AMDVI_DTE_GUEST:
		return DEV_TRANSLATED;
	case AMDVI_DTE_PASSTHROUGH:
		return DEV_IDENTITY;
	default:
		return DEV_BLOCKED;
	}
}

static unsigned dev_domain(const struct dev_info *d)
{
	return d->vendor == IOMMU_VENDOR_INTEL ? d->vtd.did : d->dte.domid;
}

static unsigned dev_levels(const struct dev_info *d)
{
	return d->vendor == IOMMU_VENDOR_INTEL ? d->vtd.levels : d->dte.mode;
}

static const char *dev_format(const struct dev_info *d)
{
	if (d->vendor == IOMMU_VENDOR_INTEL)
		return d->vtd.first_level ? "first-level" : "second-level";
	return d->cls == AMDVI_DTE_GUEST ? "v2 (GCR3)" : "v1";
}

static void summary_devices(const struct analysis *a, FILE *out)
{
	size_t live = 0, passthrough = 0, blocked = 0, other = 0;
	char m[24], wr[24];

	for (size_t i = 0; i < a->n_devs; i++)
		if (dev_kind(&a->devs[i]) == DEV_TRANSLATED && a->devs[i].extents)
			live++;
	if (a->opt.no_walk) {
		fprintf(out, "\nTranslated devices (page tables not walked: -n):\n");
		for (size_t i = 0; i < a->n_devs; i++) {
			const struct dev_info *d = &a->devs[i];

			if (dev_kind(d) == DEV_TRANSLATED)
				fprintf(out, "  %-15s %-15s domain %#x, %s\n", d->name, d->driver[0] ? d->driver : "-",
					dev_domain(d), dev_format(d));
		}
		return;
	}
	struct analysis_gaps g;

	analysis_gaps(a, &g);
	fprintf(out, "\nDevices that could still DMA at the panic (translated, with live mappings): %s%zu\n",
		g.devices_incomplete || g.domains_incomplete ? "at least " : "", live);
	if (live)
		fprintf(out, "  DEVICE          DRIVER          DOMAIN  MODE  EXTENTS  MAPPED       WRITABLE\n");
	for (size_t i = 0; i < a->n_devs; i++) {
		const struct dev_info *d = &a->devs[i];

		switch (dev_kind(d)) {
		case DEV_TRANSLATED:
			if (!d->extents)
				other++;
			else
				fprintf(out, "  %-15s %-15s %#-7x %-5u %-8llu %-12s %s\n", d->name,
					d->driver[0] ? d->driver : "-", dev_domain(d), dev_levels(d),
					(unsigned long long)d->extents, human(d->mapped_bytes, m, sizeof(m)),
					human(d->writable_bytes, wr, sizeof(wr)));
			break;
		case DEV_IDENTITY:
			passthrough++;
			fprintf(out, "  %-15s %-15s identity (untranslated): may DMA to any address\n", d->name,
				d->driver[0] ? d->driver : "-");
			break;
		case DEV_BLOCKED:
			blocked++;
			break;
		}
	}
	fprintf(out, "  other %s: %zu blocked (no DMA allowed), %zu identity, %zu translated without mappings\n",
		a->amd.inv.n_iommus || !a->vtd.n_units ? "valid DTEs" : "present context entries", blocked, passthrough,
		other);
	if (g.devices_incomplete) {
		if (a->amd.inv.dte_unread)
			fprintf(out, "  AT LEAST: %zu device-table entries could not be read; the devices behind them "
				"are not listed (-p)\n", a->amd.inv.dte_unread);
		else
			fprintf(out, "  AT LEAST: a device table could not be read at all; the devices behind it "
				"are not listed (-p)\n");
	}
	if (g.domains_incomplete)
		fprintf(out, "  AT LEAST: %zu domain(s) have page tables that could not be read; their mappings "
			"are a lower bound (-p)\n", g.domains_incomplete);
	/* Where the dump's DTE is not the crashed kernel's (a 6.18+ capture
	 * kernel rewrites the reused table in place), one line each. */
	size_t checked = 0, rewritten = 0;

	for (size_t i = 0; i < a->n_devs; i++) {
		const struct dev_info *d = &a->devs[i];
		char now[128];

		checked += d->dte_state != DTE_UNVERIFIED;
		if (d->dte_state != DTE_REWRITTEN)
			continue;
		rewritten++;
		if (d->dte_not_valid)	/* no kernel leaves it so: damage, not a capture kernel */
			snprintf(now, sizeof(now), "DTE not valid (V=0): damaged");
		else if (d->dump_cls == AMDVI_DTE_TRANSLATED)
			snprintf(now, sizeof(now), "DTE rewritten by the capture kernel (domain %u, root %#llx)",
				 d->dump_dte.domid, (unsigned long long)d->dump_dte.pt_root);
		else
			snprintf(now, sizeof(now), "DTE rewritten by the capture kernel (%s)",
				 amdvi_dte_class_name(d->dump_cls));
		if (d->sw.translated)
			fprintf(out, "  %s %s: %s; the crashed kernel's "
				"iommu_dev_data says domain %u, root %#llx, %u levels: walked that\n",
				d->driver[0] ? d->driver : "-", d->name, now, d->sw.domid,
				(unsigned long long)d->sw.root, d->sw.mode);
		else
			fprintf(out, "  %s %s: %s; the crashed kernel "
				"had it %s\n", d->driver[0] ? d->driver : "-", d->name, now,
				d->sw.identity ? "identity-mapped" : "detached (no domain)");
	}
	if (checked)
		fprintf(out, "  DTEs checked against the crashed kernel's iommu_dev_data: %zu, %zu rewritten\n",
			checked, rewritten);
}

/* The log lines the parser could not use; -v lists the first ones. */
static void summary_log_lines(const struct analysis *a, bool verbose, FILE *out)
{
	size_t total = a->log_unparsed + a->log_unrecognised;

	if (!total)
		return;
	fprintf(out, "Log lines not understood: %zu unparsed, %zu unrecognised AMD-Vi line(s)%s\n", a->log_unparsed,
		a->log_unrecognised, verbose ? ":" : " (-v lists them)");
	if (!verbose)
		return;
	for (size_t i = 0; i < a->n_log_odd; i++) {
		const struct log_odd_line *o = &a->log_odd[i];

		if (o->reason)
			fprintf(out, "  %s:%llu: unparsed (%s): %s\n", o->file ? o->file : "?", (unsigned long long)o->line,
				o->reason, o->text);
		else
			fprintf(out, "  %s:%llu: unrecognised: %s\n", o->file ? o->file : "?", (unsigned long long)o->line,
				o->text);
	}
	if (total > a->n_log_odd)
		fprintf(out, "  ... and %zu more\n", total - a->n_log_odd);
}

/* Lazy mode: what the flush queues hold (the IOTLB itself is hardware
 * state, not in a dump; the queue says what it may still hold). */
static const char *fq_unchecked_why(const struct analysis *a)
{
	return a->vtd.n_units ? "no struct device or IOMMU group found for it, or its domain has neither a "
				"dma-iommu cookie nor (5.10) a dmar_domain.iovad" : "no iommu_dev_data view";
}

static void summary_flush_queues(const struct analysis *a, FILE *out)
{
	size_t pending = 0, flushed = 0, doms = 0, incomplete = 0;

	if (a->fq_state == FQ_UNKNOWN) {
		fprintf(out, "\nFlush queues (lazy mode): unknown (this kernel's debug info has no dma-iommu types)\n");
		return;
	}
	if (a->fq_state == FQ_NONE) {
		fprintf(out, "\nFlush queues (lazy mode): none%s; the DMA API's policy is %s%s\n",
			a->fq_unchecked ? " found" : "", fq_policy_name(a->fq_policy),
			a->fq_policy == FQ_POLICY_STRICT ? ": every unmap was invalidated before it returned" : "");
		if (a->fq_unchecked)
			fprintf(out, "  %zu translated device(s) could not be checked (%s, -p)\n", a->fq_unchecked,
				fq_unchecked_why(a));
		return;
	}
	for (size_t i = 0; i < a->n_fq_doms; i++) {
		pending += a->fq_doms[i].n_pending;
		flushed += a->fq_doms[i].n_entries - a->fq_doms[i].n_pending;
		doms += a->fq_doms[i].n_pending > 0;
		incomplete += a->fq_doms[i].incomplete;
	}
	fprintf(out, "\nFlush queues (lazy mode, %zu DMA domain(s)): %s%zu IOVA range(s) unmapped but NOT yet "
		"invalidated at the panic, in %zu domain(s): a device may still reach them through its IOTLB "
		"(hardware state, not in a dump); %zu queued and already invalidated (-f)\n",
		a->n_fq_doms, incomplete || a->fq_unchecked ? "at least " : "", pending, doms, flushed);
	if (a->fq_unchecked)
		fprintf(out, "  %zu translated device(s) could not be checked (%s, -p)\n", a->fq_unchecked,
			fq_unchecked_why(a));
}

static void summary_rest(const struct analysis *a, bool verbose, FILE *out)
{
	struct analysis_gaps g;

	analysis_gaps(a, &g);
	if (a->amd.inv.iommu_active) {	/* VT-d has no event log in RAM: its faults are MMIO registers */
		fprintf(out, "\nUnprocessed event-log and PPR-log entries (written after the crashed kernel last looked): %zu",
			a->amd.n_events);
		if (g.event_logs_unread)
			fprintf(out, ", and UNKNOWN for %zu IOMMU(s) whose event log could not be read (-p)",
				g.event_logs_unread);
		fputc('\n', out);
	}
	summary_flush_queues(a, out);
	if (a->opt.capture_log && !a->capture_log_read) {
		fprintf(out, "\nCapture kernel log %s: could not be read (see problems, -p)\n", a->opt.capture_log);
	} else if (a->opt.capture_log) {
		fprintf(out, "\nCapture kernel log %s:\n  %s%s%s%s%s%s%s\n", a->opt.capture_log,
			!a->kdump_pre_enabled && !a->kdump_dt_copied && !a->kdump_dt_copy_failed && !a->kdump_reuse &&
			!a->kdump_vtd_tables_copied && !a->kdump_vtd_copy_failed ?
			"no kdump markers (translation was off at the capture kernel's boot, or a kernel before 4.13)" : "",
			a->kdump_pre_enabled ? "translation was pre-enabled; " : "",
			!a->kdump_dt_copied ? "" : a->kdump_dt_reused ? "old device table reused; " : "old device table copied; ",
			a->kdump_dt_copy_failed ? "device table copy FAILED; " : "",
			a->kdump_vtd_tables_copied ? "old translation tables copied (context entries still point at the old page tables); " : "",
			a->kdump_vtd_copy_failed ? "translation table copy FAILED; " : "",
			a->kdump_reuse ? "old tables and buffers REUSED in place (6.18+): the dump's ring, event log and DTEs are partly the capture kernel's (set aside above)" : "");
	}
	if (a->n_corr) {
		fprintf(out, "Logged faults: %zu (%zu in the capture kernel):", a->n_corr, a->capture_faults);
		for (int c = CORR_OLD_MAPPING; c < CORR_NOT_A_FAULT; c++)
			if (a->corr_counts[c])
				fprintf(out, " %zu %s", a->corr_counts[c], corr_class_name((enum corr_class)c));
		fprintf(out, "\n");
	} else if (a->opt.capture_log || a->opt.crashed_log || a->opt.crashed_log_fp) {
		fprintf(out, "Logged faults: none\n");
	}
	summary_log_lines(a, verbose, out);
	if (a->pb.n)
		fprintf(out, "\nProblems: %zu (%zu reads hit pages excluded from the dump); -p lists them\n",
			a->pb.n + a->pb.dropped, a->pb.excluded_reads);
}

static void section_ring(const struct analysis *a, FILE *out)
{
	char text[160];

	for (size_t i = 0; i < a->amd.inv.n_iommus; i++) {
		const struct cmd_ring_report *r = &a->amd.rings[i];

		if (a->opt.iommu >= 0 && a->amd.inv.iommus[i].index != a->opt.iommu)
			continue;
		fprintf(out, "\nCommand ring of IOMMU %d (%s, newest first from the software tail %#x): %s\n",
			a->amd.inv.iommus[i].index, r->ordered ? "ordered" : "order unknown", r->tail, r->sem_summary);
		fprintf(out, "  AGE  OFFSET  STATE       RAW                                  COMMAND\n");
		for (unsigned k = 0; k < CMD_RING_ENTRIES; k++) {
			const struct ring_entry *e = &r->entries[k];

			if (e->state == RING_ENTRY_EMPTY)
				continue;
			if (amdvi_cmd_format(&e->cmd, text, sizeof(text)) < 0)
				text[0] = '\0';
			fprintf(out, "  %-4u %#-7x %-11s %08x %08x %08x %08x  %s\n", e->age, e->offset,
				ring_entry_state_name(e->state), e->cmd.raw[0], e->cmd.raw[1], e->cmd.raw[2],
				e->cmd.raw[3], text);
		}
	}
}

static void section_devtab(const struct analysis *a, FILE *out)
{
	char text[256];

	size_t n_vtd = 0;

	for (size_t i = 0; i < a->n_devs; i++)
		n_vtd += a->devs[i].vendor == IOMMU_VENDOR_INTEL;
	if (n_vtd) {
		/* VT-d: the root -> context (-> PASID) entries of each device */
		fprintf(out, "\nContext entries (present):\n");
		for (size_t i = 0; i < a->n_devs; i++) {
			const struct dev_info *d = &a->devs[i];

			if (d->vendor != IOMMU_VENDOR_INTEL)
				continue;
			text_vtd_context(d, text, sizeof(text));
			fprintf(out, "  %-14s %-12s %-12s %s\n", d->name, d->driver[0] ? d->driver : "-",
				vtd_dev_class_name(d->vtd.cls), text);
		}
	}
	if (n_vtd && n_vtd == a->n_devs)
		return;
	fprintf(out, "\nDevice table (valid entries):\n");
	for (size_t i = 0; i < a->n_devs; i++) {
		const struct dev_info *d = &a->devs[i];

		if (d->vendor == IOMMU_VENDOR_INTEL)
			continue;
		if (amdvi_dte_format(&d->dte, text, sizeof(text)) < 0)
			text[0] = '\0';
		fprintf(out, "  %-14s %-12s %-12s %s\n", d->name, d->driver[0] ? d->driver : "-",
			amdvi_dte_class_name(d->cls), text);
	}
}

static void print_extent(const struct iopt_extent *e, FILE *out)
{
	if (e->v2)
		fprintf(out, "  %-6u ", e->pasid);
	else
		fprintf(out, "  -      ");
	fprintf(out, "%#-20llx %#-20llx %#-11llx %c%c\n", (unsigned long long)e->iova,
		(unsigned long long)e->pa, (unsigned long long)e->size,
		e->read ? 'r' : '-', e->write ? 'w' : '-');
}

/* Per domain: the devices that use it, then where they could still DMA,
 * the extents they may write to (IW) first. */
static void section_mappings(const struct analysis *a, FILE *out)
{
	for (size_t i = 0; i < a->n_doms; i++) {
		const struct domain_info *d = &a->doms[i];

		if (d->vendor == IOMMU_VENDOR_INTEL)
			fprintf(out, "\nDomain %#x (segment %u, %s, %s root %#llx, %u levels): %llu extents in %llu tables\n",
				d->domid, d->segment,
				d->unit >= 0 && (size_t)d->unit < a->vtd.n_units ? a->vtd.units[d->unit].name : "?",
				d->first_level ? "first-level" : "second-level", (unsigned long long)d->root, d->mode,
				(unsigned long long)d->stats.extents, (unsigned long long)d->stats.tables);
		else if (d->v2)
			fprintf(out, "\nDomain %#x (segment %u, v2 tables through GCR3 table %#llx, GLX %u, %u levels): "
				"%llu extents in %llu tables\n", d->domid, d->segment, (unsigned long long)d->root,
				d->mode, d->v2_levels, (unsigned long long)d->stats.extents,
				(unsigned long long)d->stats.tables);
		else
			fprintf(out, "\nDomain %#x (segment %u, root %#llx, %u levels): %llu extents in %llu tables\n",
				d->domid, d->segment, (unsigned long long)d->root, d->mode,
				(unsigned long long)d->stats.extents, (unsigned long long)d->stats.tables);
		fprintf(out, "  devices:");
		for (size_t k = 0; k < a->n_devs; k++)
			if (analysis_dev_uses_domain(&a->devs[k], d))
				fprintf(out, " %s%s%s%s", a->devs[k].name, a->devs[k].driver[0] ? " (" : "",
					a->devs[k].driver, a->devs[k].driver[0] ? ")" : "");
		fprintf(out, "\n  PASID  IOVA                 PHYS                 SIZE        PERM\n");
		for (int writable = 1; writable >= 0; writable--)
			for (size_t k = 0; k < d->n_extents; k++)
				if (a->extents[d->first_extent + k].write == (writable == 1))
					print_extent(&a->extents[d->first_extent + k], out);
	}
	if (a->extents_dropped)
		fprintf(out, "\n(%zu more extents were counted but not listed)\n", a->extents_dropped);
}

static void section_events(const struct analysis *a, FILE *out)
{
	char text[200];

	fprintf(out, "\nUnprocessed event-log entries: %zu\n", a->amd.n_events);
	for (size_t i = 0; i < a->amd.n_events; i++) {
		const struct event_info *e = &a->amd.events[i];

		if (e->ppr)
			snprintf(text, sizeof(text), "PPR %s devid %02x:%02x.%x pasid %#x tag %#x address %#llx flags %#x",
				 e->ev.code == 1 ? "PPR_REQUEST" : "UNKNOWN", e->ev.devid >> 8, (e->ev.devid >> 3) & 0x1f,
				 e->ev.devid & 7, e->ev.ppr_pasid, e->ev.tag, (unsigned long long)e->ev.address, e->ev.flags);
		else if (amdvi_event_format(&e->ev, text, sizeof(text)) < 0)
			text[0] = '\0';
		fprintf(out, "  iommu %d %s offset %#06x  %s", e->iommu, e->ppr ? "ppr" : "evt", e->offset, text);
		if (e->owner != EVENT_CRASHED)
			fprintf(out, "  [%s kernel's: %s]", e->owner == EVENT_CAPTURE ? "capture" : "either",
				e->owner_why);
		fputc('\n', out);
	}
}

static void section_correlation(const struct analysis *a, FILE *out)
{
	fprintf(out, "\nLogged faults held against the dump: %zu\n", a->n_corr);
	for (size_t i = 0; i < a->n_corr; i++) {
		const struct corr_info *c = &a->corr[i];
		const struct klog_record *r = &c->rec;

		fprintf(out, "  %s:%llu %s %02x:%02x.%x", r->file ? r->file : "?", (unsigned long long)r->line,
			klog_type_name(r->type), r->bus, r->dev, r->fn);
		if (r->has & KLOG_HAS_DOMAIN)
			fprintf(out, " domain=%#x", r->domain);
		if (r->has & KLOG_HAS_ADDRESS)
			fprintf(out, " address=%#llx", (unsigned long long)r->address);
		fprintf(out, " -> %s", corr_class_name(c->cls));
		if (c->has_extent)
			fprintf(out, ": old mapping IOVA %#llx+%#llx -> PA %#llx (%c%c), page %#llx",
				(unsigned long long)c->extent.iova, (unsigned long long)c->extent.size,
				(unsigned long long)c->extent.pa, c->extent.read ? 'r' : '-',
				c->extent.write ? 'w' : '-', (unsigned long long)(c->phys & ~0xfffull));
		else if (c->has_old_domain)
			fprintf(out, " (old domain %#x)", c->old_domain);
		if (c->fq) {
			char sz[32];

			fprintf(out, ": DMA to a range unmapped lazily, its IOTLB invalidation still pending at "
				"the panic (until the IOTLB was flushed, DMA through a stale IOTLB entry); flush-queue "
				"entry IOVA %#llx+%s (CPU %d slot %u, queued at flush #%llu)",
				(unsigned long long)c->fq->iova, human(c->fq->bytes, sz, sizeof(sz)), c->fq->cpu,
				c->fq->slot, (unsigned long long)c->fq->counter);
		}
		fputc('\n', out);
	}
}

static void section_problems(const struct analysis *a, FILE *out)
{
	fprintf(out, "\nProblems: %zu\n", a->pb.n);
	for (size_t i = 0; i < a->pb.n; i++) {
		const struct problem *p = &a->pb.list[i];

		if (p->kind == PROBLEM_READ && p->len)
			fprintf(out, "  %-7s %s: %s (%s %#llx, %llu bytes)\n", problem_kind_name(p->kind), p->what,
				p->why, p->space == TARGET_PHYSADDR ? "PA" : "VA", (unsigned long long)p->addr,
				(unsigned long long)p->len);
		else
			fprintf(out, "  %-7s %s: %s\n", problem_kind_name(p->kind), p->what, p->why);
	}
	if (a->pb.dropped)
		fprintf(out, "  ... and %zu more\n", a->pb.dropped);
}

static void section_flush_queues(const struct analysis *a, FILE *out)
{
	char sz[32];

	fprintf(out, "\nFlush queues (lazy mode): IOVA ranges unmapped from the page table, their IOTLB "
		"invalidation deferred to a batched flush; policy %s\n", fq_policy_name(a->fq_policy));
	if (a->fq_state != FQ_FOUND) {
		fprintf(out, "  %s\n", a->fq_state == FQ_NONE ? "no DMA domain had a flush queue" :
			"unknown: no dma-iommu types in this kernel's debug info");
		return;
	}
	for (size_t i = 0; i < a->n_fq_doms; i++) {
		const struct fq_domain_info *d = &a->fq_doms[i];

		fprintf(out, "  domain %#x (%s%s): flushes started %llu, finished %llu; %s queue%s of %u; timer %s",
			d->domid, d->device, d->n_devices > 1 ? " and others" : "",
			(unsigned long long)d->start_cnt, (unsigned long long)d->finish_cnt,
			d->single ? "one" : "per-CPU", d->single ? "" : "s", d->size,
			d->timer_on ? "armed" : "idle");
		if (d->timer_on && a->jiffies && (int64_t)(d->timer_expires - a->jiffies) > 0)
			fprintf(out, ", flush due %lld jiffies after the panic",
				(long long)(d->timer_expires - a->jiffies));
		else if (d->timer_on && a->jiffies)
			fprintf(out, ", flush due at jiffies %llu: not run by the panic (jiffies %llu)",
				(unsigned long long)d->timer_expires, (unsigned long long)a->jiffies);
		fprintf(out, "%s\n", d->incomplete ? "; NOT ALL READ (-p)" : "");
		if (d->unmapped_since && a->jiffies >= d->unmapped_since)
			fprintf(out, "    its PENDING ranges were unmapped at jiffies %llu or later (the timer, %u ms, "
				"was armed as the first of them was queued; one tick of slack): less than %llu ms "
				"before the panic\n",
				(unsigned long long)d->unmapped_since, d->timeout_ms,
				(unsigned long long)((a->jiffies - d->unmapped_since + 1) * 1000 / a->hz));
		if (!d->n_entries)
			continue;
		fprintf(out, "    CPU  SLOT  IOVA                 SIZE        QUEUED AT FLUSH  STATE        FREELIST\n");
		for (size_t k = d->first_entry; k < d->first_entry + d->n_entries; k++) {
			const struct fq_entry_info *e = &a->fq_entries[k];
			char cpu[12] = "-", fl[64] = "-";

			if (e->cpu >= 0)
				snprintf(cpu, sizeof(cpu), "%d", e->cpu);
			if (e->freelist_pages)
				snprintf(fl, sizeof(fl), "%llu table page(s), first at PA %#llx (%u present)",
					 (unsigned long long)e->freelist_pages, (unsigned long long)e->freelist_pa[0],
					 e->freelist_present[0]);
			fprintf(out, "    %-4s %-5u %#-20llx %-11s #%-15llu %-12s %s\n", cpu, e->slot,
				(unsigned long long)e->iova, human(e->bytes, sz, sizeof(sz)),
				(unsigned long long)e->counter, e->flushed ? "invalidated" : "PENDING", fl);
		}
	}
	fprintf(out, "  PENDING: unmapped after flush #N started and not invalidated at the panic; the "
		"driver may have handed the pages back already.\n");
}

void report_text(const struct analysis *a, unsigned sections, bool verbose, FILE *out)
{
	if (dump_integrity_damaged(a->opt.integrity))
		fprintf(out, "iommu_inflight: DAMAGED DUMP: %s.\n  Reads of what is missing fail and are listed "
			"under problems (-p); the answers that needed them are given as unknown or as lower "
			"bounds.\n\n", a->opt.integrity->summary);
	if (a->pb.corrupt)
		fprintf(out, "iommu_inflight: INCONSISTENT DUMP: %zu finding(s) read fine but cannot be right "
			"(listed under problems, -p); the answers they touch are set aside or given as unknown.\n\n",
			a->pb.corrupt);
	if (!analysis_iommu_active(a)) {
		const char *what = a->vtd.n_units ? "Intel VT-d" : "AMD";

		if (analysis_presence_unknown(a))
			fprintf(out, "iommu_inflight: whether this dump had an active %s IOMMU is unknown: %s\n",
				what, analysis_inactive_reason(a));
		else
			fprintf(out, "iommu_inflight: no active %s IOMMU in this dump: %s\n", what,
				analysis_inactive_reason(a));
		if (verbose || (sections & REPORT_PROBLEMS))
			section_problems(a, out);
		return;
	}
	if (sections & REPORT_SUMMARY) {
		if (a->amd.inv.iommu_active) {
			fprintf(out, "AMD IOMMU state left in RAM by the crashed kernel: %zu IOMMU(s), flush verdict: %s\n\n",
				a->amd.inv.n_iommus, flush_verdict_name(a->flush));
			summary_iommus(a, out);
		}
		if (a->vtd.n_units) {
			fprintf(out, "%sIntel VT-d state left in RAM by the crashed kernel: %zu DMAR unit(s), flush verdict: %s\n\n",
				a->amd.inv.iommu_active ? "\n" : "", a->vtd.n_units, flush_verdict_name(a->flush));
			text_vtd_units(a, out);
		}
		summary_devices(a, out);
		summary_rest(a, verbose, out);
	}
	if (sections & REPORT_RING) {
		section_ring(a, out);
		text_vtd_queue(a, out);
	}
	if (sections & REPORT_DEVTAB)
		section_devtab(a, out);
	if (sections & REPORT_MAPPINGS)
		section_mappings(a, out);
	if (sections & REPORT_EVENTS)
		section_events(a, out);
	if (sections & REPORT_FLUSH_QUEUES)
		section_flush_queues(a, out);
	if (sections & REPORT_CORRELATION)
		section_correlation(a, out);
	if ((sections & REPORT_PROBLEMS) || (verbose && a->pb.n))
		section_problems(a, out);
}

int report_selection_notes(const struct analysis *a, char *buf, size_t len)
{
	int n = 0;
	size_t used = 0;
	bool found = false;

	if (len)
		buf[0] = '\0';
	if (!analysis_iommu_active(a) || !len)
		return 0;
	if (a->opt.iommu >= 0) {
		for (size_t i = 0; i < a->amd.inv.n_iommus; i++)
			found |= a->amd.inv.iommus[i].index == a->opt.iommu;
		for (size_t i = 0; i < a->vtd.n_units; i++)
			found |= a->vtd.units[i].index == a->opt.iommu;
		if (!found) {
			used += (size_t)snprintf(buf + used, len - used, "no IOMMU with index %d in this dump (%zu IOMMU(s))\n",
						 a->opt.iommu, a->amd.inv.n_iommus);
			n++;
		}
	}
	if (a->opt.devid >= 0 && a->n_devs == 0 && used < len) {
		char seg[16] = "";

		if (a->opt.segment >= 0)
			snprintf(seg, sizeof(seg), "%04x:", a->opt.segment);
		snprintf(buf + used, len - used, "no valid device-table entry for %s%02x:%02x.%x%s\n", seg,
			 a->opt.devid >> 8, (a->opt.devid >> 3) & 0x1f, a->opt.devid & 7,
			 a->opt.iommu >= 0 ? " behind that IOMMU" : "");
		n++;
	}
	return n;
}
