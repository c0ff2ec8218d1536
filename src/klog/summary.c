/*
 * Summary statistics over records: counts per type, device, domain and
 * IOMMU, ratelimit suppression, and fault storms (runs of faults whose
 * consecutive timestamps are at most KLOG_STORM_GAP seconds apart).  AMD-Vi
 * and Intel VT-d records are counted together by type, device and IOMMU
 * (ivhdN, dmarN); the lines about VT-d appear only when a log had some.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "klog/klog.h"

#define TABLE_CAP 4096	/* distinct keys kept; the rest go to "other" */
#define MAX_STORMS 256
#define MAX_NAMES 64

struct keycount {
	uint64_t key;		/* devices: 1<<40 | has_seg<<32 | seg<<16 | bdf; domains: 1<<40 | domain */
	uint64_t count;
	char driver[32];
};

struct table {
	struct keycount *slots;	/* open addressing, TABLE_CAP*2 slots */
	size_t used;
	uint64_t other;
};

struct namecount {
	char name[48];
	uint64_t count;
};

struct storm {
	const char *file;
	uint64_t first_line, last_line;
	char first_time[48], last_time[48];
	double first_sec, last_sec;
	double min_sec, max_sec;	/* the span: a clock may step back a little */
	int clock;		/* 0 none, 1 mono, 2 wall */
	uint64_t faults, suppressed;
};

struct klog_summary {
	uint64_t by_type[KLOG_NTYPES];
	uint64_t records, unparsed, lines, bytes, other_amdvi, unrecognised, truncated, restarts;
	/* Intel VT-d's share: records counted as they are added, the rest
	 * from the parser's statistics */
	uint64_t records_dmar, unparsed_dmar, other_dmar, unrecognised_dmar;
	struct table devices, domains;
	struct namecount iommus[MAX_NAMES];
	size_t niommus;
	uint64_t iommus_other;
	struct namecount funcs[MAX_NAMES];
	size_t nfuncs;
	uint64_t suppressed_total;
	struct storm storms[MAX_STORMS];
	size_t nstorms;
	uint64_t storms_dropped;
	bool in_storm;
	bool reuse_seen;
};

struct klog_summary *klog_summary_new(void)
{
	struct klog_summary *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->devices.slots = calloc(TABLE_CAP * 2, sizeof(struct keycount));
	s->domains.slots = calloc(TABLE_CAP * 2, sizeof(struct keycount));
	if (!s->devices.slots || !s->domains.slots) {
		klog_summary_free(s);
		return NULL;
	}
	return s;
}

void klog_summary_free(struct klog_summary *s)
{
	if (!s)
		return;
	free(s->devices.slots);
	free(s->domains.slots);
	free(s);
}

static struct keycount *table_add(struct table *t, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	size_t i = (size_t)(h >> 40) % (TABLE_CAP * 2);
	for (;;) {
		struct keycount *k = &t->slots[i];
		if (k->key == key) {
			k->count++;
			return k;
		}
		if (!k->key) {
			if (t->used >= TABLE_CAP) {
				t->other++;
				return NULL;
			}
			t->used++;
			k->key = key;
			k->count = 1;
			return k;
		}
		i = (i + 1) % (TABLE_CAP * 2);
	}
}

static void name_add(struct namecount *arr, size_t *n, uint64_t *other, const char *name, uint64_t by)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(arr[i].name, name)) {
			arr[i].count += by;
			return;
		}
	if (*n >= MAX_NAMES) {
		if (other)
			*other += by;
		return;
	}
	snprintf(arr[*n].name, sizeof(arr[*n].name), "%s", name);
	arr[*n].count = by;
	(*n)++;
}

/* The record's time on a clock we can subtract: 1 = monotonic, 2 = wall. */
static int record_clock(const struct klog_record *r, double *sec)
{
	if (r->time.has_mono) {
		*sec = r->time.mono;
		return 1;
	}
	if (r->time.has_wall && r->time.wall_sec_ok) {
		*sec = r->time.wall_sec;
		return 2;
	}
	return 0;
}

static void time_text(const struct klog_record *r, char *buf, size_t size)
{
	klog_record_time(r, buf, size);
}

static void storm_add(struct klog_summary *s, const struct klog_record *r)
{
	double sec = 0;
	int clock = record_clock(r, &sec);
	struct storm *cur = s->in_storm && s->nstorms ? &s->storms[s->nstorms - 1] : NULL;

	if (cur) {
		bool same_file = cur->file == r->file || (cur->file && r->file && !strcmp(cur->file, r->file));
		bool near = true;
		if (clock && clock == cur->clock && (sec - cur->last_sec > KLOG_STORM_GAP || sec < cur->last_sec - 1))
			near = false;
		if (!same_file || !near)
			cur = NULL;
	}
	if (!cur) {
		if (s->nstorms >= MAX_STORMS) {
			/* keep the list bounded: fold into the last one */
			s->storms_dropped++;
			cur = &s->storms[MAX_STORMS - 1];
		} else {
			cur = &s->storms[s->nstorms++];
			memset(cur, 0, sizeof(*cur));
			cur->file = r->file;
			cur->first_line = r->line;
			time_text(r, cur->first_time, sizeof(cur->first_time));
			cur->first_sec = sec;
			cur->min_sec = cur->max_sec = sec;
			cur->clock = clock;
		}
	}
	s->in_storm = true;
	cur->faults++;
	cur->last_line = r->line;
	time_text(r, cur->last_time, sizeof(cur->last_time));
	if (clock && !cur->clock) {
		cur->clock = clock;
		cur->first_sec = cur->min_sec = cur->max_sec = sec;
	}
	if (clock && clock == cur->clock) {
		cur->last_sec = sec;
		if (sec < cur->min_sec)
			cur->min_sec = sec;
		if (sec > cur->max_sec)
			cur->max_sec = sec;
	}
}

/* What a ratelimit summary names: its function, else the IOMMU or the
 * device of its prefix. */
static const char *suppressed_name(const struct klog_record *r, char *buf, size_t size)
{
	char dev[32];

	if (r->has & KLOG_HAS_FUNCTION)
		return r->function;
	if (r->has & KLOG_HAS_IOMMU)
		return r->iommu;
	if (r->has & KLOG_HAS_BDF) {
		snprintf(buf, size, "%s %s", (r->has & KLOG_HAS_DRIVER) ? r->driver : "-",
			 klog_record_device(r, dev, sizeof(dev)));
		return buf;
	}
	return r->vendor == KLOG_VENDOR_INTEL ? "(DMAR)" : "(AMD-Vi)";
}

void klog_summary_add(struct klog_summary *s, const struct klog_record *r)
{
	char name[48];

	if ((unsigned)r->type < KLOG_NTYPES)
		s->by_type[r->type]++;
	s->records++;
	if (r->vendor == KLOG_VENDOR_INTEL)
		s->records_dmar++;
	if (r->has & KLOG_HAS_BDF) {
		uint64_t key = (1ull << 40) | ((uint64_t)!!(r->has & KLOG_HAS_SEGMENT) << 32) |
			       ((uint64_t)r->segment << 16) | ((uint64_t)r->bus << 8) | ((uint64_t)r->dev << 3) | r->fn;
		struct keycount *k = table_add(&s->devices, key);
		if (k && !k->driver[0] && (r->has & KLOG_HAS_DRIVER))
			snprintf(k->driver, sizeof(k->driver), "%s", r->driver);
	}
	if (r->has & KLOG_HAS_DOMAIN)
		table_add(&s->domains, (1ull << 40) | r->domain);
	if (r->has & KLOG_HAS_IOMMU)
		name_add(s->iommus, &s->niommus, &s->iommus_other, r->iommu, 1);
	if (r->type == KLOG_RATELIMIT_SUPPRESSED) {
		s->suppressed_total += r->suppressed;
		name_add(s->funcs, &s->nfuncs, NULL, suppressed_name(r, name, sizeof(name)), r->suppressed);
		if (s->in_storm && s->nstorms)
			s->storms[s->nstorms - 1].suppressed += r->suppressed;
	}
	if (r->notes & KLOG_NOTE_REUSE)
		s->reuse_seen = true;
	if (klog_type_is_fault(r->type) || klog_type_is_dmar_fault(r->type))
		storm_add(s, r);
}

void klog_summary_add_unparsed(struct klog_summary *s)
{
	s->unparsed++;
}

void klog_summary_add_stats(struct klog_summary *s, const struct klog_parser_stats *st)
{
	s->lines += st->lines;
	s->bytes += st->bytes;
	s->other_amdvi += st->other_amdvi;
	s->unrecognised += st->unrecognised;
	s->truncated += st->truncated;
	s->restarts += st->restarts;
	s->unparsed_dmar += st->unparsed_dmar;
	s->other_dmar += st->other_dmar;
	s->unrecognised_dmar += st->unrecognised_dmar;
	s->in_storm = false;	/* storms never span files */
}

uint64_t klog_summary_count(const struct klog_summary *s, enum klog_type t)
{
	return (unsigned)t < KLOG_NTYPES ? s->by_type[t] : 0;
}

static int cmp_count(const void *a, const void *b)
{
	const struct keycount *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->key < y->key ? -1 : x->key > y->key;
}

static int cmp_name(const void *a, const void *b)
{
	const struct namecount *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

static size_t sorted(const struct table *t, struct keycount *out)
{
	size_t n = 0;
	for (size_t i = 0; i < TABLE_CAP * 2; i++)
		if (t->slots[i].key)
			out[n++] = t->slots[i];
	qsort(out, n, sizeof(*out), cmp_count);
	return n;
}

#define TOP 20

void klog_summary_print(const struct klog_summary *s, FILE *out)
{
	fprintf(out, "\nSummary\n");
	fprintf(out, "  lines read:          %" PRIu64 " (%" PRIu64 " bytes)\n", s->lines, s->bytes);
	/* the unparsed count comes from the callback, VT-d's share from the
	 * statistics: never below zero when a caller mixes them */
	uint64_t unparsed_dmar = s->unparsed_dmar < s->unparsed ? s->unparsed_dmar : s->unparsed;
	uint64_t unparsed_amd = s->unparsed - unparsed_dmar, unrec_amd = s->unrecognised - s->unrecognised_dmar;
	bool dmar = s->records_dmar || unparsed_dmar || s->other_dmar || s->unrecognised_dmar;

	fprintf(out, "  AMD-Vi records:      %" PRIu64 "\n", s->records - s->records_dmar);
	fprintf(out, "  unparsed AMD-Vi-looking lines: %" PRIu64 "%s\n", unparsed_amd,
		unparsed_amd ? " (use -v to list them)" : "");
	fprintf(out, "  unrecognised AMD-Vi lines: %" PRIu64 "%s\n", unrec_amd, unrec_amd ? " (use -v to list them)" : "");
	fprintf(out, "  other AMD-Vi lines (init, info): %" PRIu64 "\n", s->other_amdvi);
	if (dmar) {
		fprintf(out, "  Intel DMAR records:  %" PRIu64 "\n", s->records_dmar);
		fprintf(out, "  unparsed DMAR-looking lines: %" PRIu64 "%s\n", unparsed_dmar,
			unparsed_dmar ? " (use -v to list them)" : "");
		fprintf(out, "  unrecognised DMAR lines: %" PRIu64 "%s\n", s->unrecognised_dmar,
			s->unrecognised_dmar ? " (use -v to list them)" : "");
		fprintf(out, "  other DMAR lines (ACPI table, init, info): %" PRIu64 "\n", s->other_dmar);
	}
	if (s->restarts)
		fprintf(out, "  log restarts (a new boot, or the clock going back): %" PRIu64 "\n", s->restarts);
	if (s->truncated)
		fprintf(out, "  over-long lines (parsed on their first %d bytes): %" PRIu64 "\n", KLOG_LINE_MAX,
			s->truncated);
	if (!s->records)
		return;

	fprintf(out, "\n  By type:\n");
	for (int t = 1; t < KLOG_NTYPES; t++)
		if (s->by_type[t])
			fprintf(out, "    %-32s %10" PRIu64 "\n", klog_type_name((enum klog_type)t), s->by_type[t]);

	struct keycount *tmp = malloc(sizeof(*tmp) * TABLE_CAP * 2);
	if (tmp && s->devices.used) {
		size_t n = sorted(&s->devices, tmp);
		fprintf(out, "\n  By device (%zu distinct%s):\n", n, n > TOP ? ", top 20" : "");
		for (size_t i = 0; i < n && i < TOP; i++) {
			uint64_t k = tmp[i].key;
			char dev[32];
			unsigned bdf = k & 0xffff;
			if (k & (1ull << 32))
				snprintf(dev, sizeof(dev), "%04x:%02x:%02x.%x", (unsigned)(k >> 16) & 0xffff, bdf >> 8,
					 (bdf >> 3) & 0x1f, bdf & 7);
			else
				snprintf(dev, sizeof(dev), "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
			fprintf(out, "    %-14s %-12s %10" PRIu64 "\n", dev, tmp[i].driver[0] ? tmp[i].driver : "-",
				tmp[i].count);
		}
		if (s->devices.other)
			fprintf(out, "    %-27s %10" PRIu64 "\n", "(others)", s->devices.other);
	}
	if (tmp && s->domains.used) {
		size_t n = sorted(&s->domains, tmp);
		fprintf(out, "\n  By domain (%zu distinct%s):\n", n, n > TOP ? ", top 20" : "");
		for (size_t i = 0; i < n && i < TOP; i++)
			fprintf(out, "    0x%04x %10" PRIu64 "\n", (unsigned)(tmp[i].key & 0xffffffffu), tmp[i].count);
		if (s->domains.other)
			fprintf(out, "    %-6s %10" PRIu64 "\n", "others", s->domains.other);
	}
	free(tmp);

	if (s->niommus) {
		struct namecount sorted_names[MAX_NAMES];
		memcpy(sorted_names, s->iommus, sizeof(sorted_names[0]) * s->niommus);
		qsort(sorted_names, s->niommus, sizeof(sorted_names[0]), cmp_name);
		fprintf(out, "\n  By IOMMU:\n");
		for (size_t i = 0; i < s->niommus; i++)
			fprintf(out, "    %-14s %10" PRIu64 "\n", sorted_names[i].name, sorted_names[i].count);
	}

	if (s->nstorms) {
		fprintf(out, "\n  Fault storms (faults at most %.0f s apart; %zu):\n", KLOG_STORM_GAP, s->nstorms);
		for (size_t i = 0; i < s->nstorms; i++) {
			const struct storm *st = &s->storms[i];
			const char *base = st->file ? strrchr(st->file, '/') : NULL;
			base = base ? base + 1 : (st->file ? st->file : "-");
			fprintf(out, "    %s lines %" PRIu64 "-%" PRIu64 ": %" PRIu64 " fault%s, first %s, last %s", base,
				st->first_line, st->last_line, st->faults, st->faults == 1 ? "" : "s", st->first_time,
				st->last_time);
			if (st->clock && st->faults > 1)
				fprintf(out, " (%.3f s)", st->max_sec - st->min_sec);
			if (st->suppressed)
				fprintf(out, ", %" PRIu64 " suppressed", st->suppressed);
			putc('\n', out);
		}
		if (s->storms_dropped)
			fprintf(out, "    (%" PRIu64 " later storms folded into the last one)\n", s->storms_dropped);
	}

	if (s->suppressed_total) {
		struct namecount sorted_names[MAX_NAMES];
		memcpy(sorted_names, s->funcs, sizeof(sorted_names[0]) * s->nfuncs);
		qsort(sorted_names, s->nfuncs, sizeof(sorted_names[0]), cmp_name);
		fprintf(out, "\n  Messages suppressed by ratelimit: %" PRIu64 "\n", s->suppressed_total);
		for (size_t i = 0; i < s->nfuncs; i++)
			fprintf(out, "    %-32s %10" PRIu64 "\n", sorted_names[i].name, sorted_names[i].count);
	}

	uint64_t pre = s->by_type[KLOG_KDUMP_TRANSLATION_PRE_ENABLED], cp = s->by_type[KLOG_KDUMP_DEV_TABLE_COPIED],
		 fail = s->by_type[KLOG_KDUMP_DEV_TABLE_COPY_FAILED], nk = s->by_type[KLOG_TRANSLATION_ENABLED_NOT_KDUMP];
	if (pre || cp || fail || nk) {
		fprintf(out, "\n  kdump: ");
		if (pre)
			fprintf(out, "translation was pre-enabled (kdump kernel, %s mode); ", s->reuse_seen ? "reuse" : "copy");
		if (cp)
			fprintf(out, "old device table %s; ", s->reuse_seen ? "reused" : "copied");
		if (fail)
			fprintf(out, "taking over the old device table FAILED (IOMMUs were reset); ");
		if (nk)
			fprintf(out, "translation was enabled on %" PRIu64 " IOMMU(s) outside kdump; ", nk);
		putc('\n', out);
	}

	/* VT-d: init_dmars() and intel_setup_irq_remapping() in a kdump kernel */
	uint64_t vpre = s->by_type[KLOG_DMAR_KDUMP_PRE_ENABLED], vcp = s->by_type[KLOG_DMAR_KDUMP_TABLES_COPIED],
		 vfail = s->by_type[KLOG_DMAR_KDUMP_TABLES_COPY_FAILED], vbus = s->by_type[KLOG_DMAR_CONTEXT_COPY_FAILED],
		 vnk = s->by_type[KLOG_DMAR_ENABLED_NOT_KDUMP], vir = s->by_type[KLOG_DMAR_KDUMP_IR_TABLE_COPIED],
		 virf = s->by_type[KLOG_DMAR_KDUMP_IR_COPY_FAILED], virnk = s->by_type[KLOG_DMAR_IR_ENABLED_NOT_KDUMP];
	if (vpre || vcp || vfail || vbus || vnk || vir || virf || virnk) {
		fprintf(out, "\n  kdump (VT-d): ");
		if (vpre)
			fprintf(out, "translation was pre-enabled (kdump kernel); ");
		if (vcp)
			fprintf(out, "old translation tables copied on %" PRIu64 " unit(s); ", vcp);
		if (vbus)
			fprintf(out, "context tables of %" PRIu64 " bus(es) NOT copied; ", vbus);
		if (vfail)
			fprintf(out, "copying FAILED on %" PRIu64 " unit(s) (translation disabled there); ", vfail);
		if (vnk)
			fprintf(out, "translation was enabled on %" PRIu64 " unit(s) outside kdump; ", vnk);
		if (vir)
			fprintf(out, "old IR table copied on %" PRIu64 " unit(s); ", vir);
		if (virf)
			fprintf(out, "IR table copy FAILED on %" PRIu64 " unit(s); ", virf);
		if (virnk)
			fprintf(out, "IRQ remapping was enabled on %" PRIu64 " unit(s) outside kdump; ", virnk);
		putc('\n', out);
	}
	uint64_t qe = s->by_type[KLOG_DMAR_QI_QUEUE_ERROR], qt = s->by_type[KLOG_DMAR_QI_TIMEOUT],
		 qc = s->by_type[KLOG_DMAR_QI_COMPLETION_ERROR];
	if (qe || qt || qc)
		fprintf(out, "\n  VT-d invalidation queue errors: %" PRIu64 " IQE, %" PRIu64 " ITE (time-out), %" PRIu64
			     " ICE\n", qe, qt, qc);
}
