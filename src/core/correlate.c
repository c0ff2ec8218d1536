/*
 * Correlate the kernel logs with the dump: every fault the capture kernel
 * (or the crashed kernel) logged is held against the device table and the
 * I/O page tables the crashed kernel left behind.
 *
 * A 4.13+ capture kernel copies the old device table and reserves the old
 * domain IDs (kernel-internals §5c/§7), so a fault whose domain is the
 * device's domain in the dump is DMA through the crashed kernel's tables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/passes.h"

const char *corr_class_name(enum corr_class c)
{
	switch (c) {
	case CORR_OLD_MAPPING:		return "old-mapping";
	case CORR_IOVA_NOT_MAPPED:	return "iova-not-mapped";
	case CORR_NO_TRANSLATION:	return "no-translation";
	case CORR_NEW_DOMAIN:		return "new-domain";
	case CORR_DEVICE_UNKNOWN:	return "device-unknown";
	case CORR_UNRESOLVED:		return "unresolved";
	case CORR_STALE_IOTLB:		return "stale-iotlb";
	case CORR_NOT_A_FAULT:		return "not-a-fault";
	}
	return "?";
}

struct log_ctx {
	struct analysis *a;
	const char *source;
	bool capture;
};

/* The device's DTE in the dump, looked up in the whole inventory (not only
 * the devices the options selected). */
static bool old_dte(const struct analysis *a, uint16_t seg_id, uint16_t devid, struct amdvi_dte *d)
{
	const struct inv_segment *seg = inventory_segment(&a->amd.inv, seg_id);

	if (!seg || devid >= seg->n_dte || !seg->dte_ok[devid])
		return false;
	return amdvi_dte_decode(seg->dte[devid], a->amd.inv.sme_me_mask, d) == 0 && d->v;
}

/* A DMAR fault: the device's context (and PASID) entry in the dump names
 * its old domain (unit, domain ID); the capture kernel copied those
 * entries, still pointing at the old page tables, until a driver attaches
 * (intel-vtd.md §4).  DMAR lines carry no domain, and a segment only from
 * 7.x on. */
static void classify_dmar(struct analysis *a, struct corr_info *c)
{
	const struct klog_record *r = &c->rec;
	uint16_t seg = (r->has & KLOG_HAS_SEGMENT) ? r->segment : 0;
	uint16_t devid = klog_record_devid(r);
	const struct dev_info *di = NULL;

	for (size_t i = 0; i < a->n_devs && !di; i++)
		if (a->devs[i].vendor == IOMMU_VENDOR_INTEL && a->devs[i].segment == seg && a->devs[i].devid == devid)
			di = &a->devs[i];
	if (!di) {
		c->cls = CORR_DEVICE_UNKNOWN;
		return;
	}
	c->old_domain = di->vtd.did;
	c->has_old_domain = di->vtd.cls == VTD_DEV_TRANSLATED;
	if (di->vtd.cls != VTD_DEV_TRANSLATED) {
		c->cls = CORR_NO_TRANSLATION;
		return;
	}
	c->cls = CORR_IOVA_NOT_MAPPED;
	if ((r->has & KLOG_HAS_ADDRESS) && analysis_find_unit_domain(a, di->vtd.unit, di->vtd.did)) {
		c->pending = true;
		c->segment = seg;
		c->unit_key = di->vtd.unit + 1;
	}
}

static void classify(struct analysis *a, struct corr_info *c)
{
	const struct klog_record *r = &c->rec;
	uint16_t seg = (r->has & KLOG_HAS_SEGMENT) ? r->segment : 0;
	uint16_t devid = (uint16_t)(r->bus << 8 | r->dev << 3 | r->fn);
	struct amdvi_dte d;

	if (!old_dte(a, seg, devid, &d)) {
		c->cls = CORR_DEVICE_UNKNOWN;
		return;
	}
	c->old_domain = d.domid;
	c->has_old_domain = true;
	if (amdvi_dte_classify(&d) != AMDVI_DTE_TRANSLATED && amdvi_dte_classify(&d) != AMDVI_DTE_GUEST) {
		c->cls = CORR_NO_TRANSLATION;
		return;
	}
	/* The IOVA is looked up in the device's own old domain, the one its
	 * DTE names in the dump: the DMA still in flight was set up by the
	 * crashed kernel for that device.  A logged domain other than that one
	 * is the capture kernel's own: after a 4.13+ capture kernel copied the
	 * DTEs, the ID it gave the device on attach (it reserves the old IDs);
	 * after one that built fresh tables (translation was off, or <= 4.12),
	 * any ID, which may even equal another device's old one by chance (the
	 * lab's flush-disable run gives the e1000 domain 3 in both kernels). */
	if ((r->has & KLOG_HAS_DOMAIN) && (uint16_t)r->domain != d.domid)
		c->new_domain = true;
	/* The IOVA is looked up while the walk streams that domain's extents
	 * (correlate_extent); until then the class is what a miss means. */
	c->cls = c->new_domain ? CORR_NEW_DOMAIN : CORR_IOVA_NOT_MAPPED;
	if ((r->has & KLOG_HAS_ADDRESS) && analysis_find_domain(a, seg, d.domid)) {
		c->pending = true;
		c->segment = seg;
	}
}

static void on_record(const struct klog_record *rec, void *arg)
{
	struct log_ctx *lc = arg;
	struct analysis *a = lc->a;
	struct corr_info *c;

	if (lc->capture) {
		switch (rec->type) {
		case KLOG_KDUMP_TRANSLATION_PRE_ENABLED:
			a->kdump_pre_enabled = true;
			break;
		case KLOG_KDUMP_DEV_TABLE_COPIED:
			a->kdump_dt_copied = true;
			if (rec->notes & KLOG_NOTE_REUSE)	/* 6.18+: used in place, not copied */
				a->kdump_dt_reused = true;
			break;
		case KLOG_KDUMP_DEV_TABLE_COPY_FAILED:
			a->kdump_dt_copy_failed = true;
			break;
		case KLOG_KDUMP_BUFFER_REUSED:
			a->kdump_reuse = true;
			if (!strncmp(rec->detail, "command", 7))
				a->kdump_cmd_reused = true;
			else if (!strncmp(rec->detail, "event", 5))
				a->kdump_evt_reused = true;
			else if (!strncmp(rec->detail, "CWB", 3))
				a->kdump_cwb_reused = true;
			break;
		default:
			break;
		}
		if (rec->notes & KLOG_NOTE_REUSE)
			a->kdump_reuse = true;
	}
	if (lc->capture) {
		switch (rec->type) {
		case KLOG_DMAR_KDUMP_PRE_ENABLED:
			a->kdump_pre_enabled = true;
			break;
		case KLOG_DMAR_KDUMP_TABLES_COPIED:
			a->kdump_vtd_tables_copied = true;
			break;
		case KLOG_DMAR_KDUMP_TABLES_COPY_FAILED:
		case KLOG_DMAR_CONTEXT_COPY_FAILED:
			a->kdump_vtd_copy_failed = true;
			break;
		default:
			break;
		}
	}
	if ((!klog_type_is_fault(rec->type) && rec->type != KLOG_DMAR_FAULT) || !(rec->has & KLOG_HAS_BDF))
		return;
	c = realloc(a->corr, (a->n_corr + 1) * sizeof(*c));
	if (!c)
		return;
	a->corr = c;
	c = &a->corr[a->n_corr++];
	memset(c, 0, sizeof(*c));
	c->rec = *rec;
	c->rec.file = lc->source;	/* the parser's pointer does not outlive the file */
	c->source = lc->capture ? "capture" : "crashed";
	if (rec->type == KLOG_DMAR_FAULT)
		classify_dmar(a, c);
	else
		classify(a, c);
	if (lc->capture)
		a->capture_faults++;
}

/* A line the parser could not use: counted, and the first ones kept. */
static void keep_odd(struct analysis *a, const char *file, uint64_t line, const char *reason, const char *text,
		     size_t len)
{
	struct log_odd_line *o;

	if (a->n_log_odd >= LOG_ODD_MAX)
		return;
	if (!a->log_odd && !(a->log_odd = calloc(LOG_ODD_MAX, sizeof(*a->log_odd))))
		return;
	o = &a->log_odd[a->n_log_odd++];
	o->file = file;
	o->line = line;
	o->reason = reason;
	if (len >= sizeof(o->text))
		len = sizeof(o->text) - 1;
	memcpy(o->text, text, len);
	o->text[len] = '\0';
}

static void on_unparsed(const char *file, uint64_t line, const char *reason, const char *text, size_t len,
			void *arg)
{
	struct log_ctx *lc = arg;

	(void)file;
	lc->a->log_unparsed++;
	keep_odd(lc->a, lc->source, line, reason, text, len);
}

static void on_unrecognised(const struct klog_record *rec, void *arg)
{
	struct log_ctx *lc = arg;

	lc->a->log_unrecognised++;
	keep_odd(lc->a, lc->source, rec->line, NULL, rec->text, rec->text_len);
}

static void parse_stream(struct analysis *a, FILE *f, const char *name, bool capture)
{
	struct log_ctx lc = { .a = a, .source = name, .capture = capture };
	struct klog_parser_ops ops = { .record = on_record, .unparsed = on_unparsed };
	struct klog_parser *p = klog_parser_new(&ops, &lc);

	if (!p)
		return;
	klog_parser_on_unrecognised(p, on_unrecognised);
	klog_parser_set_file(p, name);
	klog_parser_feed_file(p, f);
	klog_parser_flush(p);
	klog_parser_free(p);
}

static void parse_file(struct analysis *a, const char *path, bool capture)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		problem_add(&a->pb, PROBLEM_READ, path, "cannot open the %s kernel's log: %s",
			    capture ? "capture" : "crashed", strerror(errno));
		return;
	}
	if (capture)
		a->capture_log_read = true;
	parse_stream(a, f, path, capture);
	fclose(f);
}

static const struct analysis *sort_ctx;

static int lookup_cmp(const void *x, const void *y)
{
	const struct corr_info *p = &sort_ctx->corr[*(const size_t *)x];
	const struct corr_info *q = &sort_ctx->corr[*(const size_t *)y];

	if (p->unit_key != q->unit_key)
		return p->unit_key < q->unit_key ? -1 : 1;
	if (p->segment != q->segment)
		return p->segment < q->segment ? -1 : 1;
	if (p->old_domain != q->old_domain)
		return p->old_domain < q->old_domain ? -1 : 1;
	if (p->rec.address != q->rec.address)
		return p->rec.address < q->rec.address ? -1 : 1;
	return 0;
}

/* Pending IOVA lookups sorted by (unit, segment, domain, address): the walk then
 * resolves them in one merge pass, O(N log N + M) for N faults, M extents. */
static void build_lookups(struct analysis *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n_corr; i++)
		n += a->corr[i].pending;
	if (!n)
		return;
	a->lookups = malloc(n * sizeof(*a->lookups));
	if (!a->lookups)
		return;
	for (size_t i = 0; i < a->n_corr; i++)
		if (a->corr[i].pending)
			a->lookups[a->n_lookups++] = i;
	sort_ctx = a;
	qsort(a->lookups, a->n_lookups, sizeof(*a->lookups), lookup_cmp);
	sort_ctx = NULL;
}

void correlate_domain_start(struct analysis *a, int unit_key, uint16_t segment, uint16_t domid)
{
	size_t lo = 0, hi = a->n_lookups;

	a->lookup_unit_key = unit_key;
	while (lo < hi) {	/* first lookup at or after (unit, segment, domid) */
		size_t mid = lo + (hi - lo) / 2;
		const struct corr_info *c = &a->corr[a->lookups[mid]];

		if (c->unit_key < unit_key ||
		    (c->unit_key == unit_key &&
		     (c->segment < segment || (c->segment == segment && c->old_domain < domid))))
			lo = mid + 1;
		else
			hi = mid;
	}
	a->lookup_cursor = lo;
}

/* Extents of one domain arrive in ascending IOVA order (v2: PASID 0's). */
void correlate_extent(struct analysis *a, uint16_t segment, const struct iopt_extent *e)
{
	if (e->v2 && e->pasid != 0)
		return;	/* the DMA API uses PASID 0 (IOMMU_NO_PASID) */
	while (a->lookup_cursor < a->n_lookups) {
		struct corr_info *c = &a->corr[a->lookups[a->lookup_cursor]];

		if (c->unit_key != a->lookup_unit_key || c->segment != segment || c->old_domain != e->domain ||
		    c->rec.address >= e->iova + e->size)
			return;
		a->lookup_cursor++;
		if (c->rec.address < e->iova)
			continue;	/* fell between extents: not mapped */
		c->cls = CORR_OLD_MAPPING;
		c->has_extent = true;
		c->extent = *e;
		c->phys = e->pa + (c->rec.address - e->iova);
	}
}

void correlate_finish(struct analysis *a)
{
	for (size_t i = 0; i < a->n_corr; i++) {
		struct corr_info *c = &a->corr[i];

		if (c->pending && c->cls != CORR_OLD_MAPPING && a->opt.no_walk)
			c->cls = CORR_UNRESOLVED;
		/* unmapped, but the unmap's invalidation was still queued */
		if ((c->cls == CORR_IOVA_NOT_MAPPED || c->cls == CORR_NEW_DOMAIN) && c->has_old_domain &&
		    (c->fq = fq_pending_at(a, c->unit_key, c->segment, c->old_domain, c->rec.address)))
			c->cls = CORR_STALE_IOTLB;
		a->corr_counts[c->cls]++;
	}
	free(a->lookups);
	a->lookups = NULL;
	a->n_lookups = 0;
}

void pass_logs(struct analysis *a)
{
	if (a->opt.capture_log)
		parse_file(a, a->opt.capture_log, true);
	if (a->opt.crashed_log)
		parse_file(a, a->opt.crashed_log, false);
	else if (a->opt.crashed_log_fp)
		parse_stream(a, a->opt.crashed_log_fp,
			     a->opt.crashed_log_name ? a->opt.crashed_log_name : "crashed kernel log", false);
	build_lookups(a);
	if (a->kdump_reuse) {
		problem_add(&a->pb, PROBLEM_CORRUPT, "capture kernel",
			    "reused the old tables in place (6.18+): ring, event log and some DTEs are partly "
			    "its own, set aside where the dump tells them apart");
		a->pb.corrupt--;	/* how the dump was made, not damage: no gap */
	}
}
