/*
 * The JSON report: one object, "schema": "iommu-inflight/1".  Addresses are
 * hex strings, counts are numbers.  docs/json-analysis.md lists every key.
 */
#include "version.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "amdvi/efr.h"
#include "report/json_writer.h"
#include "report/vendor_json.h"
#include "report/report.h"

static void json_ring(struct jw *w, const struct inv_iommu *io, const struct cmd_ring_report *r)
{
	char text[160];

	open_obj(w, "cmd_ring");
	khex(w, "address", io->cmd_buf);
	if (io->sw_ring) {
		kuint(w, "tail", io->tail_sw);
		kuint(w, "head_sw", io->head_sw);
	} else {
		knull(w, "tail");
		knull(w, "head_sw");
	}
	if (io->need_sync_known)
		kbool(w, "need_sync", io->need_sync);
	else
		knull(w, "need_sync");
	kbool(w, "ordered", r->ordered);
	kstr(w, "hardware_head", "not in a dump (MMIO register)");
	open_obj(w, "completion_wait");
	kstr(w, "kind", layout_cmd_sem_name(io->sem_kind));
	if (io->sem_known)
		khex(w, "sem", io->sem_value);
	else
		knull(w, "sem");
	if (io->sem_issued_known)
		khex(w, "expected", io->sem_issued);
	else
		knull(w, "expected");
	kbool(w, "retired", r->all_retired);
	if (r->retired_cw >= 0)
		kuint(w, "retired_offset", r->entries[r->retired_cw].offset);
	else
		knull(w, "retired_offset");
	kuint(w, "not_proven", r->not_proven);
	kstr(w, "summary", r->sem_summary);
	kbool(w, "sem_trusted", r->sem_trusted);
	kstr(w, "sem_distrust", r->sem_trusted ? NULL : r->sem_distrust);
	if (io->sem_pa_known)
		khex(w, "sem_pa", io->sem_pa);
	else
		knull(w, "sem_pa");
	close_obj(w);
	/* 6.18+ kdump: the capture kernel's commands in the reused ring */
	open_obj(w, "capture_kernel");
	kbool(w, "reused_in_place", r->split.found);
	kbool(w, "whole_ring", r->split.whole_ring);
	kbool(w, "same_semaphore", r->split.same_sem);
	kuint(w, "end_offset", r->split.found ? r->split.end : 0);
	kuint(w, "entries", r->capture_entries);
	kuint(w, "crashed_kernel_entries", r->crashed_entries);
	kuint(w, "completion_waits", r->split.cws);
	if (r->split.found) {
		khex(w, "store_pa", r->split.store_pa);
		kstr(w, "evidence", r->split.evidence);
	} else {
		knull(w, "store_pa");
		knull(w, "evidence");
	}
	close_obj(w);
	open_arr(w, "entries");
	for (unsigned i = 0; io->ring_ok && i < CMD_RING_ENTRIES; i++) {
		const struct ring_entry *e = &r->entries[i];

		open_obj(w, NULL);
		kuint(w, "offset", e->offset);
		kuint(w, "age", e->age);
		kstr(w, "state", ring_entry_state_name(e->state));
		kstr(w, "op", e->state == RING_ENTRY_EMPTY ? NULL : amdvi_cmd_name(e->cmd.opcode));
		key(w, "raw");
		fprintf(w->out, "[\"%08x\",\"%08x\",\"%08x\",\"%08x\"]", e->cmd.raw[0], e->cmd.raw[1],
			e->cmd.raw[2], e->cmd.raw[3]);
		if (e->state != RING_ENTRY_EMPTY && amdvi_cmd_format(&e->cmd, text, sizeof(text)) >= 0)
			kstr(w, "text", text);
		close_obj(w);
	}
	close_arr(w);
	close_obj(w);
}

static void json_flush(struct jw *w, const char *k, const struct flush_result *f)
{
	open_obj(w, k);
	kstr(w, "verdict", flush_verdict_name(f->verdict));
	kbool(w, "appended", f->appended);
	kstr(w, "evidence", f->evidence);
	kstr(w, "module_record", f->appended ? f->record : NULL);
	kbool(w, "module_record_found", f->has_record);
	close_obj(w);
}

static void json_iommus(struct jw *w, const struct analysis *a)
{
	char buf[160];

	open_arr(w, "iommus");
	for (size_t i = 0; i < a->amd.inv.n_iommus; i++) {
		const struct inv_iommu *io = &a->amd.inv.iommus[i];

		if (a->opt.iommu >= 0 && io->index != a->opt.iommu)
			continue;
		open_obj(w, NULL);
		kstr(w, "vendor", iommu_vendor_name(IOMMU_VENDOR_AMD));
		kint(w, "index", io->index);
		kuint(w, "segment", io->segment);
		if (io->devid_known) {
			bdf_str(buf, sizeof(buf), io->devid);
			kstr(w, "bdf", buf);
		} else {
			knull(w, "bdf");
		}
		khex(w, "mmio_phys", io->mmio_phys);
		if (io->efr_known) {
			khex(w, "efr", io->efr);
			amdvi_efr_kernel_names(io->efr, buf, sizeof(buf));
			kstr(w, "efr_names", buf);
		} else {
			knull(w, "efr");
		}
		if (io->flags_known)
			kbool(w, "translation_pre_enabled", io->flags & 1);
		else
			knull(w, "translation_pre_enabled");
		khex(w, "evt_buf", io->evt_buf);
		json_ring(w, io, &a->amd.rings[i]);
		json_flush(w, "flush", &a->amd.rings[i].flush);
		close_obj(w);
	}
	json_vtd_units(w, a);
	close_arr(w);
}

static void json_devices(struct jw *w, const struct analysis *a)
{
	char bdf[16];

	open_arr(w, "devices");
	for (size_t i = 0; i < a->n_devs; i++) {
		const struct dev_info *d = &a->devs[i];

		open_obj(w, NULL);
		if (d->vendor == IOMMU_VENDOR_INTEL) {
			json_vtd_device(w, a, d);
			close_obj(w);
			continue;
		}
		kuint(w, "segment", d->segment);
		bdf_str(bdf, sizeof(bdf), d->devid);
		kstr(w, "bdf", bdf);
		kuint(w, "devid", d->devid);
		kint(w, "iommu", d->iommu);
		kstr(w, "name", d->name);
		kstr(w, "name_source", dev_name_source_name(d->name_source));
		kbool(w, "translation", d->dte.tv && d->dte.mode != 0);
		kstr(w, "class", amdvi_dte_class_name(d->cls));
		kuint(w, "mode", d->dte.mode);
		khex(w, "pt_root", d->dte.pt_root);
		kuint(w, "domain", d->dte.domid);
		kbool(w, "ir", d->dte.ir);
		kbool(w, "iw", d->dte.iw);
		kstr(w, "driver", d->driver[0] ? d->driver : NULL);
		kuint(w, "mapped_bytes", d->mapped_bytes);
		kuint(w, "writable_bytes", d->writable_bytes);
		key(w, "dte");
		fprintf(w->out, "[\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\"]",
			d->dte.raw[0], d->dte.raw[1], d->dte.raw[2], d->dte.raw[3]);
		/* whose answer this is: the DTE's, or the crashed kernel's
		 * iommu_dev_data where the dump's DTE was rewritten */
		kstr(w, "source", d->from_dev_data ? "dev_data" : "dte");
		kstr(w, "dte_state", dte_state_name(d->dte_state));
		if (d->sw.read) {
			open_obj(w, "crashed_kernel");
			kbool(w, "attached", d->sw.attached);
			kbool(w, "identity", d->sw.identity);
			kbool(w, "v2", d->sw.v2);
			if (d->sw.translated || d->sw.v2)
				kuint(w, "domain", d->sw.domid);
			else
				knull(w, "domain");
			if (d->sw.translated) {
				khex(w, "pt_root", d->sw.root);
				kuint(w, "mode", d->sw.mode);
			} else {
				knull(w, "pt_root");
				knull(w, "mode");
			}
			close_obj(w);
		} else {
			knull(w, "crashed_kernel");
		}
		if (d->from_dev_data) {
			open_obj(w, "dte_in_dump");
			kstr(w, "class", amdvi_dte_class_name(d->dump_cls));
			kuint(w, "domain", d->dump_dte.domid);
			khex(w, "pt_root", d->dump_dte.pt_root);
			kuint(w, "mode", d->dump_dte.mode);
			close_obj(w);
		}
		close_obj(w);
	}
	close_arr(w);
}

static void json_domains_and_mappings(struct jw *w, const struct analysis *a)
{
	open_arr(w, "domains");
	for (size_t i = 0; i < a->n_doms; i++) {
		const struct domain_info *d = &a->doms[i];

		open_obj(w, NULL);
		kuint(w, "segment", d->segment);
		kuint(w, "domain", d->domid);
		if (d->vendor == IOMMU_VENDOR_INTEL) {
			kstr(w, "vendor", iommu_vendor_name(d->vendor));
			kint(w, "iommu", d->unit);
			kstr(w, "format", d->first_level ? "first-level" : "second-level");
		} else {
			kstr(w, "format", d->v2 ? "v2" : "v1");
		}
		khex(w, "pt_root", d->root);		/* v2: the GCR3 table */
		kuint(w, "mode", d->mode);		/* v2: GLX */
		if (d->v2)
			kuint(w, "v2_levels", d->v2_levels);
		kuint(w, "devices", d->n_devices);
		kbool(w, "walked", d->walked);
		kuint(w, "tables", d->stats.tables);
		kuint(w, "extents", d->stats.extents);
		kuint(w, "mapped_bytes", d->stats.mapped_bytes);
		kuint(w, "writable_bytes", d->stats.writable_bytes);
		kuint(w, "bad_entries", d->stats.bad_entries);
		kuint(w, "unreadable_tables", d->stats.unreadable_tables);
		close_obj(w);
	}
	close_arr(w);
	open_arr(w, "mappings");
	for (size_t i = 0; i < a->n_doms; i++) {
		const struct domain_info *d = &a->doms[i];

		for (size_t k = 0; k < d->n_extents; k++) {
			const struct iopt_extent *e = &a->extents[d->first_extent + k];

			open_obj(w, NULL);
			kuint(w, "segment", e->segment);
			kuint(w, "domain", e->domain);
			if (e->v2)
				kuint(w, "pasid", e->pasid);
			else
				knull(w, "pasid");
			khex(w, "iova", e->iova);
			khex(w, "phys", e->pa);
			khex(w, "size", e->size);
			kbool(w, "read", e->read);
			kbool(w, "write", e->write);
			if (d->vendor == IOMMU_VENDOR_INTEL) {
				/* VT-d domain IDs are per unit: say whose (AMD-Vi
				 * entries keep their keys as they were) */
				kstr(w, "vendor", iommu_vendor_name(d->vendor));
				kint(w, "iommu", d->unit);
			}
			close_obj(w);
		}
	}
	close_arr(w);
	kuint(w, "mappings_dropped", a->extents_dropped);
}

static void json_events(struct jw *w, const struct analysis *a)
{
	char buf[160];

	open_arr(w, "events");
	for (size_t i = 0; i < a->amd.n_events; i++) {
		const struct event_info *e = &a->amd.events[i];

		open_obj(w, NULL);
		kint(w, "iommu", e->iommu);
		kstr(w, "log", e->ppr ? "ppr" : "event");
		kuint(w, "offset", e->offset);
		kstr(w, "owner", event_owner_name(e->owner));
		kstr(w, "owner_why", e->owner_why);
		kstr(w, "type", e->ppr ? (e->ev.code == 1 ? "PPR_REQUEST" : "PPR_UNKNOWN") : amdvi_event_name(e->ev.code));
		kuint(w, "devid", e->ev.devid);
		bdf_str(buf, sizeof(buf), e->ev.devid);
		kstr(w, "bdf", buf);
		if (e->ppr) {
			knull(w, "domain");
			kuint(w, "pasid", e->ev.ppr_pasid);
			kuint(w, "tag", e->ev.tag);
		} else {
			kuint(w, "domain", e->ev.pasid_or_domid & 0xffff);
		}
		khex(w, "address", e->ev.address);
		kuint(w, "flags", e->ev.flags);
		amdvi_event_flags_str(e->ev.flags, buf, sizeof(buf));
		kstr(w, "flags_names", buf);
		close_obj(w);
	}
	close_arr(w);
}

static void json_fq_entry(struct jw *w, const char *k, const struct fq_entry_info *e)
{
	open_obj(w, k);
	if (e->cpu >= 0)
		kint(w, "cpu", e->cpu);
	else
		knull(w, "cpu");
	kuint(w, "slot", e->slot);
	khex(w, "iova", e->iova);
	khex(w, "bytes", e->bytes);
	kuint(w, "counter", e->counter);
	kstr(w, "state", e->flushed ? "flushed" : "pending");
	kuint(w, "freelist_pages", e->freelist_pages);
	open_arr(w, "freelist");
	for (size_t i = 0; i < e->freelist_pages && i < FQ_FREELIST_KEEP; i++) {
		open_obj(w, NULL);
		khex(w, "pa", e->freelist_pa[i]);
		kuint(w, "present_entries", e->freelist_present[i]);
		close_obj(w);
	}
	close_arr(w);
	close_obj(w);
}

/* Lazy mode's flush queues: per DMA domain, the IOVA ranges unmapped but
 * queued for a batched IOTLB flush. */
static void json_flush_queues(struct jw *w, const struct analysis *a)
{
	open_obj(w, "flush_queues");
	kstr(w, "state", fq_state_name(a->fq_state));
	kstr(w, "policy", fq_policy_name(a->fq_policy));
	kuint(w, "unchecked_devices", a->fq_unchecked);
	if (a->jiffies)
		kuint(w, "jiffies", a->jiffies);
	else
		knull(w, "jiffies");
	if (a->hz)
		kuint(w, "hz", a->hz);
	else
		knull(w, "hz");
	open_arr(w, "domains");
	for (size_t i = 0; i < a->n_fq_doms; i++) {
		const struct fq_domain_info *d = &a->fq_doms[i];

		open_obj(w, NULL);
		kuint(w, "segment", d->segment);
		kuint(w, "domain", d->domid);
		kstr(w, "device", d->device);
		kuint(w, "devices", d->n_devices);
		khex(w, "cookie", d->cookie);
		kuint(w, "flushes_started", d->start_cnt);
		kuint(w, "flushes_finished", d->finish_cnt);
		kbool(w, "timer_armed", d->timer_on);
		kuint(w, "timer_expires", d->timer_expires);
		kuint(w, "timeout_ms", d->timeout_ms);
		if (d->unmapped_since)
			kuint(w, "unmapped_since", d->unmapped_since);
		else
			knull(w, "unmapped_since");
		kstr(w, "queue_kind", d->single ? "single" : "per-cpu");
		kuint(w, "queue_size", d->size);
		kuint(w, "queues", d->queues);
		khex(w, "granule", d->granule);
		kuint(w, "pending", d->n_pending);
		kbool(w, "complete", !d->incomplete);
		open_arr(w, "entries");
		for (size_t k = d->first_entry; k < d->first_entry + d->n_entries; k++)
			json_fq_entry(w, NULL, &a->fq_entries[k]);
		close_arr(w);
		close_obj(w);
	}
	close_arr(w);
	close_obj(w);
}

static void json_correlation(struct jw *w, const struct analysis *a)
{
	char bdf[16];

	open_obj(w, "correlation");
	open_obj(w, "capture_kernel");
	kstr(w, "log", a->opt.capture_log);
	kbool(w, "translation_pre_enabled", a->kdump_pre_enabled);
	kbool(w, "dev_table_copied", a->kdump_dt_copied);
	/* only when true, so that the JSON of every dump whose capture kernel
	 * copied the table (4.13-6.17) stays as it was */
	if (a->kdump_dt_reused)
		kbool(w, "dev_table_reused", true);
	kbool(w, "dev_table_copy_failed", a->kdump_dt_copy_failed);
	kbool(w, "reused_in_place", a->kdump_reuse);
	/* VT-d capture kernels: only on a machine with DMAR units */
	if (a->vtd.n_units) {
		kbool(w, "translation_tables_copied", a->kdump_vtd_tables_copied);
		kbool(w, "translation_tables_copy_failed", a->kdump_vtd_copy_failed);
	}
	kuint(w, "faults", a->capture_faults);
	close_obj(w);
	open_obj(w, "log_lines");
	kuint(w, "unparsed", a->log_unparsed);
	kuint(w, "unrecognised", a->log_unrecognised);
	close_obj(w);
	open_obj(w, "counts");
	for (int c = CORR_OLD_MAPPING; c < CORR_NOT_A_FAULT; c++)
		kuint(w, corr_class_name((enum corr_class)c), a->corr_counts[c]);
	close_obj(w);
	open_arr(w, "faults");
	for (size_t i = 0; i < a->n_corr; i++) {
		const struct corr_info *c = &a->corr[i];
		const struct klog_record *r = &c->rec;

		open_obj(w, NULL);
		kstr(w, "source", c->source);
		kstr(w, "file", r->file);
		kuint(w, "line", r->line);
		kstr(w, "type", klog_type_name(r->type));
		if (r->vendor == KLOG_VENDOR_INTEL) {
			kstr(w, "vendor", "intel");
			kstr(w, "access", r->access == KLOG_ACCESS_WRITE ? "write" : "read");
			if (r->has & KLOG_HAS_REASON)
				kuint(w, "reason", r->reason);
			else
				knull(w, "reason");
		}
		if (r->has & KLOG_HAS_SEGMENT)
			kuint(w, "segment", r->segment);
		else
			knull(w, "segment");
		snprintf(bdf, sizeof(bdf), "%02x:%02x.%x", r->bus, r->dev, r->fn);
		kstr(w, "bdf", bdf);
		if (r->has & KLOG_HAS_DOMAIN)
			kuint(w, "domain", r->domain);
		else
			knull(w, "domain");
		if (r->has & KLOG_HAS_ADDRESS)
			khex(w, "address", r->address);
		else
			knull(w, "address");
		kstr(w, "class", corr_class_name(c->cls));
		if (c->has_old_domain)
			kuint(w, "old_domain", c->old_domain);
		else
			knull(w, "old_domain");
		kbool(w, "new_domain", c->new_domain);
		if (c->has_extent) {
			open_obj(w, "extent");
			khex(w, "iova", c->extent.iova);
			khex(w, "phys", c->extent.pa);
			khex(w, "size", c->extent.size);
			kbool(w, "read", c->extent.read);
			kbool(w, "write", c->extent.write);
			close_obj(w);
			khex(w, "phys", c->phys);
		} else {
			knull(w, "extent");
			knull(w, "phys");
		}
		if (c->fq)
			json_fq_entry(w, "flush_queue_entry", c->fq);
		close_obj(w);
	}
	close_arr(w);
	close_obj(w);
}

static void json_problems(struct jw *w, const struct analysis *a)
{
	open_arr(w, "problems");
	for (size_t i = 0; i < a->pb.n; i++) {
		const struct problem *p = &a->pb.list[i];

		open_obj(w, NULL);
		kstr(w, "kind", problem_kind_name(p->kind));
		kstr(w, "what", p->what);
		kstr(w, "why", p->why);
		if (p->kind == PROBLEM_READ && p->len) {
			kstr(w, "space", p->space == TARGET_PHYSADDR ? "physical" : "kernel-virtual");
			khex(w, "address", p->addr);
			kuint(w, "length", p->len);
		}
		close_obj(w);
	}
	close_arr(w);
	kuint(w, "problems_dropped", a->pb.dropped);
	kuint(w, "excluded_reads", a->pb.excluded_reads);
}

/* "complete", and what was not: the input's damage ("input") and the
 * answers that are unknown or lower bounds ("gaps"), only when there are. */
static void json_completeness(struct jw *w, const struct analysis *a)
{
	struct analysis_gaps g;
	const struct dump_integrity *di = a->opt.integrity;
	bool complete = analysis_gaps(a, &g);

	kbool(w, "complete", complete);
	if (g.input_damaged) {
		open_obj(w, "input");
		kbool(w, "damaged", true);
		kstr(w, "format", di->format);
		kbool(w, "truncated", di->truncated);
		kbool(w, "headers_cut", di->headers_cut);
		kbool(w, "marked_incomplete", di->incomplete_flag);
		kuint(w, "file_size", di->file_size);
		if (di->needed_size)
			kuint(w, "expected_size", di->needed_size);
		if (di->units_total || di->units_missing) {
			kstr(w, "unit", !strcmp(di->format, "elf") ? "bytes" : "pages");
			kuint(w, "stored", di->units_total);
			kuint(w, "missing", di->units_missing);
		}
		kstr(w, "summary", di->summary);
		close_obj(w);
	}
	if (complete)
		return;
	open_obj(w, "gaps");
	kbool(w, "input_damaged", g.input_damaged);
	kbool(w, "presence_unknown", g.presence_unknown);
	kuint(w, "rings_unread", g.rings_unread);
	kbool(w, "devices_incomplete", g.devices_incomplete);
	kuint(w, "device_table_entries_unread", a->amd.inv.dte_unread);
	kuint(w, "domains_incomplete", g.domains_incomplete);
	kuint(w, "event_logs_unread", g.event_logs_unread);
	kuint(w, "rings_unordered", g.rings_unordered);
	kuint(w, "flush_queues_incomplete", g.flush_queues_incomplete);
	kuint(w, "inconsistencies", g.inconsistencies);
	close_obj(w);
}

void report_json(const struct analysis *a, FILE *out)
{
	struct jw w = { .out = out, .first = true };

	open_obj(&w, NULL);
	kstr(&w, "schema", IIF_JSON_SCHEMA);
	kstr(&w, "target", a->target_name);
	kbool(&w, "driver_present", a->amd.inv.driver_present || a->vtd.driver_present);
	if (!analysis_iommu_active(a) && analysis_presence_unknown(a))
		knull(&w, "iommu_active");	/* not read: neither true nor false */
	else
		kbool(&w, "iommu_active", analysis_iommu_active(a));
	kstr(&w, "iommu_presence", analysis_iommu_active(a) ? "active" : analysis_presence_unknown(a) ? "unknown" : "none");
	kstr(&w, "inactive_reason", analysis_iommu_active(a) ? NULL : analysis_inactive_reason(a));
	json_completeness(&w, a);
	open_obj(&w, "layout");
	kstr(&w, "cmd_sem", layout_cmd_sem_name(a->amd.lay.cmd_sem));
	kstr(&w, "device_tables", layout_devtab_name(a->amd.lay.devtab));
	kbool(&w, "cmd_sem_val_atomic", a->amd.lay.cmd_sem_val_atomic);
	kstr(&w, "page_table_root", layout_pd_root_name(a->amd.lay.pdom.kind));
	close_obj(&w);
	json_iommus(&w, a);
	open_obj(&w, "flush");
	kstr(&w, "verdict", flush_verdict_name(a->flush));
	open_arr(&w, "evidence");
	for (size_t i = 0; i < a->amd.inv.n_iommus; i++) {
		char line[1100];

		snprintf(line, sizeof(line), "ivhd%d: %s: %s", a->amd.inv.iommus[i].index,
			 flush_verdict_name(a->amd.rings[i].flush.verdict), a->amd.rings[i].flush.evidence);
		sep(&w);
		jstr_raw(out, line);
	}
	json_vtd_flush_evidence(&w, a);
	if (!analysis_iommu_active(a)) {
		sep(&w);
		jstr_raw(out, analysis_inactive_reason(a));
	}
	close_arr(&w);
	close_obj(&w);
	json_devices(&w, a);
	json_domains_and_mappings(&w, a);
	json_events(&w, a);
	json_flush_queues(&w, a);
	json_correlation(&w, a);
	json_problems(&w, a);
	close_obj(&w);
	fputc('\n', out);
}
