/*
 * The DMA API's flush queues: in lazy mode (iommu.strict=0, Debian's
 * default), an unmap clears the PTEs at once but queues the IOVA range, with
 * the page-table pages it freed, until a batched IOTLB flush.  Each entry
 * carries fq_flush_start_cnt as it was when queued; the entry is invalidated
 * once fq_flush_finish_cnt has passed it (the kernel's fq_ring_free: an
 * entry is released when counter < finish count).  At a panic the entries
 * not yet passed are ranges a device may still reach through its IOTLB.
 *
 * Found from each device's protection domain: its struct iommu_domain ->
 * the DMA cookie (struct iommu_dma_cookie, drivers/iommu/dma-iommu.c).
 * Probed by type, never by version:
 *  - 5.10: the queues and counters live in the cookie's struct iova_domain
 *    (iovad.fq, iovad.fq_flush_*_cnt); "iommu/iova: Move flush queue code to
 *    iommu-dma" and "iommu: Move flush queue data into iommu_dma_cookie"
 *    (5.17) moved them into the cookie itself;
 *  - the entry's payload: unsigned long data (5.10), struct list_head
 *    freelist of page-table pages (5.17, "iommu/amd: Use put_pages_list"),
 *    struct iommu_pages_list (6.16, "iommu: Change iommu_iotlb_gather to use
 *    iommu_page_list");
 *  - a fixed 256-entry array wrapped with % IOVA_FQ_SIZE, until "iommu/dma:
 *    Use a large flush queue and timeout for shadow_on_flush" (6.7) gave the
 *    queue a mod_mask and a flexible array, and "iommu/dma: Allow a single FQ
 *    in addition to per-CPU FQs" (6.7) a single queue chosen by options.qt;
 *  - the cookie's own type tag (IOMMU_DMA_IOVA_COOKIE = 0) until "iommu:
 *    Sort out domain user data" (6.15) moved it to iommu_domain.cookie_type
 *    (IOMMU_COOKIE_DMA_IOVA = 1).
 * A domain uses its queue when cookie->fq_domain is set (iommu_dma_init_fq
 * sets it last, in every era).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/passes.h"

#define IOMMU_DMA_IOVA_COOKIE	0	/* enum iommu_dma_cookie_type, <= 6.14 */
#define IOMMU_COOKIE_DMA_IOVA	1	/* enum iommu_domain_cookie_type, 6.15+ */
#define IOMMU_DMA_OPTS_SINGLE_QUEUE 1	/* enum iommu_dma_queue_type, 6.7+ */
#define FQ_MAX_ENTRIES		65536	/* per queue (the single queue has 32768) */
#define FQ_MAX_CPUS		8192	/* NR_CPUS of Debian's amd64 kernels */
#define FQ_FREELIST_MAX		4096	/* pages followed per entry */

struct fq_layout {
	long pd_domain;			/* protection_domain.domain */
	long dom_cookie;		/* iommu_domain.iova_cookie */
	long dom_cookie_type;		/* 6.15+: iommu_domain.cookie_type */
	long cookie_type;		/* <= 6.14: iommu_dma_cookie.type */
	long fq_domain, fq, single_fq, qt;
	long start_cnt, finish_cnt, timer_on, timer_expires, granule, fq_timeout;
	long q_head, q_tail, q_mod_mask, q_entries, q_fixed;	/* q_fixed: entries of the fixed array */
	long e_size, e_pfn, e_pages, e_counter, e_freelist;
	long page_lru, page_size;
	uint64_t vmemmap;		/* vmemmap_base, read once (0: freelist pages not located) */
	long dev_group, group_domain;	/* struct device.iommu_group, struct iommu_group.domain */
	/* 5.10's Intel DMA ops keep the queue in dmar_domain.iovad (no cookie):
	 * dmar_domain.domain, dmar_domain.iovad, iommu_dma_cookie.iovad */
	long dmar_dom, dmar_iovad, cookie_iovad;
};

/* outer + the offset of member m of struct s embedded there, or -1. */
static long nested(const struct target *t, long outer, const char *s, const char *m)
{
	long in = outer >= 0 ? target_offset(t, s, m) : -1;

	return in >= 0 ? outer + in : -1;
}

/* A member of the cookie, or (5.10) of its embedded struct iova_domain. */
static long cookie_off(const struct target *t, const char *m)
{
	long o = target_offset(t, "iommu_dma_cookie", m);

	return o >= 0 ? o : nested(t, target_offset(t, "iommu_dma_cookie", "iovad"), "iova_domain", m);
}

static bool probe(const struct target *t, struct fq_layout *l)
{
	struct target_member tm;
	long sz, o;

	memset(l, 0xff, sizeof(*l));
	l->pd_domain = target_offset(t, "protection_domain", "domain");
	l->dom_cookie = target_offset(t, "iommu_domain", "iova_cookie");
	l->dom_cookie_type = target_offset(t, "iommu_domain", "cookie_type");
	l->cookie_type = target_offset(t, "iommu_dma_cookie", "type");
	l->fq_domain = target_offset(t, "iommu_dma_cookie", "fq_domain");
	l->fq = cookie_off(t, "percpu_fq");
	if (l->fq < 0)
		l->fq = cookie_off(t, "fq");
	l->single_fq = cookie_off(t, "single_fq");
	l->qt = nested(t, target_offset(t, "iommu_dma_cookie", "options"), "iommu_dma_options", "qt");
	l->start_cnt = cookie_off(t, "fq_flush_start_cnt");
	l->finish_cnt = cookie_off(t, "fq_flush_finish_cnt");
	l->timer_on = cookie_off(t, "fq_timer_on");
	l->timer_expires = nested(t, cookie_off(t, "fq_timer"), "timer_list", "expires");
	l->fq_timeout = nested(t, target_offset(t, "iommu_dma_cookie", "options"), "iommu_dma_options",
			       "fq_timeout");
	l->granule = nested(t, target_offset(t, "iommu_dma_cookie", "iovad"), "iova_domain", "granule");
	l->q_head = target_offset(t, "iova_fq", "head");
	l->q_tail = target_offset(t, "iova_fq", "tail");
	l->q_mod_mask = target_offset(t, "iova_fq", "mod_mask");
	l->e_pfn = target_offset(t, "iova_fq_entry", "iova_pfn");
	l->e_pages = target_offset(t, "iova_fq_entry", "pages");
	l->e_counter = target_offset(t, "iova_fq_entry", "counter");
	if (target_struct_size(t, "iova_fq_entry", &sz) == TARGET_OK)
		l->e_size = sz;
	if (target_member(t, "iova_fq", "entries", &tm) == TARGET_OK) {
		l->q_entries = tm.offset;
		if (l->q_mod_mask < 0 && l->e_size > 0)
			l->q_fixed = tm.size / l->e_size;	/* IOVA_FQ_SIZE */
	}
	if (target_member(t, "iova_fq_entry", "freelist", &tm) == TARGET_OK) {
		l->e_freelist = tm.offset;
		/* 6.16+: struct iommu_pages_list { struct list_head pages; } */
		if (strstr(tm.type_name, "iommu_pages_list") && (o = target_offset(t, "iommu_pages_list", "pages")) >= 0)
			l->e_freelist += o;
	}
	l->dev_group = target_offset(t, "device", "iommu_group");
	/* Only where the counters are iova_domain's (<= 5.16: cookie_off()
	 * went through iommu_dma_cookie.iovad), so that an iova_domain's
	 * address minus cookie_iovad serves the cookie offsets above.
	 * "iommu/vt-d: Convert intel iommu driver to the iommu ops" (5.11) moved
	 * Intel onto dma-iommu and its cookie; dmar_domain.iovad went then. */
	if (target_offset(t, "iommu_dma_cookie", "fq_flush_start_cnt") < 0) {
		l->dmar_dom = target_offset(t, "dmar_domain", "domain");
		l->dmar_iovad = target_offset(t, "dmar_domain", "iovad");
		l->cookie_iovad = target_offset(t, "iommu_dma_cookie", "iovad");
	}
	l->group_domain = target_offset(t, "iommu_group", "domain");
	l->page_lru = target_offset(t, "page", "lru");
	if (target_struct_size(t, "page", &sz) == TARGET_OK)
		l->page_size = sz;
	/* every field the entries are decoded from lies inside an entry */
	if (l->e_pfn + 8 > l->e_size || l->e_pages + 8 > l->e_size || l->e_counter + 8 > l->e_size ||
	    l->e_freelist + 8 > l->e_size)
		return false;
	return l->pd_domain >= 0 && l->dom_cookie >= 0 && l->fq_domain >= 0 && l->fq >= 0 &&
	       l->start_cnt >= 0 && l->finish_cnt >= 0 && l->granule >= 0 && l->q_head >= 0 &&
	       l->q_tail >= 0 && l->q_entries >= 0 && l->e_size > 0 && l->e_pfn >= 0 &&
	       l->e_pages >= 0 && l->e_counter >= 0 && (l->q_mod_mask >= 0 || l->q_fixed > 0);
}

static enum fq_policy read_policy(const struct target *t, const struct analysis *a, const struct fq_layout *l)
{
	uint64_t sym, v;

	/* and so did the Intel one (intel_iommu=strict) until 5.14's "iommu:
	 * Deprecate Intel and AMD cmdline methods to enable strict mode" made
	 * it set iommu_dma_strict and dropped intel_iommu_strict */
	if (a->vtd.n_units && target_symbol(t, "intel_iommu_strict", &sym) == TARGET_OK &&
	    target_read_uint(t, TARGET_KVADDR, sym, 4, &v) == TARGET_OK)
		return v ? FQ_POLICY_STRICT : FQ_POLICY_LAZY;

	/* before 5.17 the AMD driver decided alone (amd_iommu=fullflush);
	 * iommu_dma_strict did not apply to it */
	if (target_offset(t, "iova_domain", "fq") >= 0 &&
	    target_symbol(t, "amd_iommu_unmap_flush", &sym) == TARGET_OK &&
	    target_read_uint(t, TARGET_KVADDR, sym, 1, &v) == TARGET_OK)
		return v ? FQ_POLICY_STRICT : FQ_POLICY_LAZY;
	(void)l;
	if (target_symbol(t, "iommu_dma_strict", &sym) == TARGET_OK &&
	    target_read_uint(t, TARGET_KVADDR, sym, 1, &v) == TARGET_OK)
		return v ? FQ_POLICY_STRICT : FQ_POLICY_LAZY;
	return FQ_POLICY_UNKNOWN;
}

const char *fq_policy_name(enum fq_policy p)
{
	switch (p) {
	case FQ_POLICY_LAZY:	return "lazy";
	case FQ_POLICY_STRICT:	return "strict";
	case FQ_POLICY_UNKNOWN:	break;
	}
	return "unknown";
}

const char *fq_state_name(enum fq_state s)
{
	switch (s) {
	case FQ_NONE:		return "none";
	case FQ_FOUND:		return "found";
	case FQ_UNKNOWN:	break;
	}
	return "unknown";
}

static struct fq_entry_info *new_entry(struct analysis *a)
{
	if (a->n_fq_entries == a->fq_entries_cap) {
		size_t cap = a->fq_entries_cap ? a->fq_entries_cap * 2 : 64;
		struct fq_entry_info *e = realloc(a->fq_entries, cap * sizeof(*e));

		if (!e)
			return NULL;
		a->fq_entries = e;
		a->fq_entries_cap = cap;
	}
	memset(&a->fq_entries[a->n_fq_entries], 0, sizeof(*a->fq_entries));
	return &a->fq_entries[a->n_fq_entries++];
}

/* The page-table pages an entry still holds, and how many present entries
 * each keeps (a table freed by the unmap, translating until the flush). */
static void read_freelist(const struct target *t, struct analysis *a, const struct fq_layout *l,
			  uint64_t head, uint64_t first, struct fq_entry_info *e, const char *what)
{
	uint64_t node = first, vmemmap = l->vmemmap;
	bool pa_known = vmemmap && l->page_lru >= 0 && l->page_size > 0;

	while (node && node != head) {
		if (e->freelist_pages == FQ_FREELIST_MAX) {
			problem_add(&a->pb, PROBLEM_CORRUPT, what, "freelist longer than %d pages (a loop?): stopped",
				    FQ_FREELIST_MAX);
			return;
		}
		if (e->freelist_pages < FQ_FREELIST_KEEP && pa_known) {
			uint64_t page = node - (uint64_t)l->page_lru, table[512];
			size_t k = e->freelist_pages;

			if (page >= vmemmap) {
				e->freelist_pa[k] = (page - vmemmap) / (uint64_t)l->page_size * 4096;
				if (target_read(t, TARGET_PHYSADDR, e->freelist_pa[k], table, sizeof(table)) == TARGET_OK)
					for (int i = 0; i < 512; i++)
						e->freelist_present[k] += table[i] & 1;
			}
		}
		e->freelist_pages++;
		enum target_err err = target_read_u64(t, TARGET_KVADDR, node, &node);

		if (err) {
			problem_read(&a->pb, err, TARGET_KVADDR, node, 8, "%s freelist", what);
			return;
		}
	}
}

/* One queue at q: its live entries, head .. tail-1. */
static void read_queue(const struct target *t, struct analysis *a, const struct fq_layout *l,
		       struct fq_domain_info *d, size_t di, uint64_t q, int cpu)
{
	uint64_t head, tail, mask = 0, size;
	char what[96];
	uint8_t *ring;

	if (cpu >= 0)
		snprintf(what, sizeof(what), "domain %u flush queue of CPU %d", d->domid, cpu);
	else
		snprintf(what, sizeof(what), "domain %u flush queue (single)", d->domid);
	if (target_read_uint(t, TARGET_KVADDR, q + l->q_head, 4, &head) ||
	    target_read_uint(t, TARGET_KVADDR, q + l->q_tail, 4, &tail) ||
	    (l->q_mod_mask >= 0 && target_read_uint(t, TARGET_KVADDR, q + l->q_mod_mask, 4, &mask))) {
		problem_read(&a->pb, TARGET_E_INVALID, TARGET_KVADDR, q, 16, "%s (head, tail)", what);
		d->incomplete = true;
		return;
	}
	size = l->q_mod_mask >= 0 ? mask + 1 : (uint64_t)l->q_fixed;
	if (size < 2 || size > FQ_MAX_ENTRIES || (size & (size - 1)) || head >= size || tail >= size) {
		problem_add(&a->pb, PROBLEM_CORRUPT, what, "size %llu, head %llu, tail %llu cannot be a queue",
			    (unsigned long long)size, (unsigned long long)head, (unsigned long long)tail);
		d->incomplete = true;
		return;
	}
	d->size = (unsigned)size;
	d->queues++;
	if (head == tail)
		return;
	ring = malloc(size * (uint64_t)l->e_size);
	if (!ring) {
		problem_add(&a->pb, PROBLEM_LIMIT, what, "out of memory for %llu entries", (unsigned long long)size);
		d->incomplete = true;
		return;
	}
	enum target_err err = target_read(t, TARGET_KVADDR, q + l->q_entries, ring, size * (uint64_t)l->e_size);

	if (err) {
		problem_read(&a->pb, err, TARGET_KVADDR, q + l->q_entries, size * (uint64_t)l->e_size,
			     "%s entries", what);
		d->incomplete = true;
		free(ring);
		return;
	}
	for (uint64_t i = head; i != tail; i = (i + 1) & (size - 1)) {
		const uint8_t *p = ring + i * (uint64_t)l->e_size;
		uint64_t pfn, pages, counter;
		struct fq_entry_info *e = new_entry(a);

		if (!e) {
			d->incomplete = true;
			break;
		}
		memcpy(&pfn, p + l->e_pfn, 8);
		memcpy(&pages, p + l->e_pages, 8);
		memcpy(&counter, p + l->e_counter, 8);
		e->domain = di;
		e->cpu = cpu;
		e->slot = (unsigned)i;
		e->iova = pfn * d->granule;
		e->bytes = pages * d->granule;
		e->counter = counter;
		e->flushed = counter < d->finish_cnt;
		d->n_entries++;
		d->n_pending += !e->flushed;
		if (counter > d->start_cnt)
			problem_add(&a->pb, PROBLEM_CORRUPT, what, "slot %llu: counter %llu is past the flush count %llu",
				    (unsigned long long)i, (unsigned long long)counter,
				    (unsigned long long)d->start_cnt);
		if (l->e_freelist >= 0) {
			uint64_t lh = q + l->q_entries + i * (uint64_t)l->e_size + l->e_freelist, next;

			memcpy(&next, p + l->e_freelist, 8);
			read_freelist(t, a, l, lh, next, e, what);
		}
	}
	free(ring);
}

/* The CPUs whose per-CPU queue exists: cpu_possible_mask, nr_cpu_ids. */
static size_t possible_cpus(const struct target *t, int *cpus, uint64_t *offsets)
{
	uint64_t sym, n = 0, pc;
	uint8_t mask[FQ_MAX_CPUS / 8];
	size_t k = 0;

	if (target_symbol(t, "nr_cpu_ids", &sym) || target_read_uint(t, TARGET_KVADDR, sym, 4, &n) || !n)
		return 0;
	if (n > FQ_MAX_CPUS)
		n = FQ_MAX_CPUS;
	if (target_symbol(t, "__cpu_possible_mask", &sym) ||
	    target_read(t, TARGET_KVADDR, sym, mask, (n + 7) / 8))
		memset(mask, 0xff, sizeof(mask));
	if (target_symbol(t, "__per_cpu_offset", &pc))
		return 0;
	for (uint64_t c = 0; c < n; c++)
		if (mask[c / 8] >> (c % 8) & 1 &&
		    target_read_u64(t, TARGET_KVADDR, pc + c * 8, &offsets[k]) == TARGET_OK)
			cpus[k++] = (int)c;
	return k;
}

/* A VT-d device's struct iommu_domain: its group's domain. */
static bool vtd_group_domain(const struct target *t, const struct fq_layout *l, const struct dev_info *di,
			     uint64_t *dom)
{
	uint64_t group;

	if (!di->dev_kaddr || l->dev_group < 0 || l->group_domain < 0 ||
	    target_read_u64(t, TARGET_KVADDR, di->dev_kaddr + (uint64_t)l->dev_group, &group) || !group ||
	    target_read_u64(t, TARGET_KVADDR, group + (uint64_t)l->group_domain, dom) || !*dom)
		return false;
	return true;
}

static size_t find_domain(const struct analysis *a, uint64_t pdom)
{
	for (size_t i = 0; i < a->n_fq_doms; i++)
		if (a->fq_doms[i].pdom == pdom)
			return i;
	return (size_t)-1;
}

/* Reads the cookie of pd; true when it has a flush queue in use.  With
 * own_iovad (5.10 Intel), `dom` is instead the address at which the cookie
 * offsets land in dmar_domain.iovad, and the queue is in use when iovad.fq
 * is set (init_iova_flush_queue(), lazy mode). */
static bool read_cookie(const struct target *t, struct analysis *a, const struct fq_layout *l,
			const struct dev_info *di, uint64_t dom, bool own_iovad, struct fq_domain_info *d)
{
	uint64_t v, cookie;

	if (own_iovad) {
		if (target_read_u64(t, TARGET_KVADDR, dom + (uint64_t)l->fq, &v) || !v)
			return false;	/* strict: no queue */
		cookie = dom;
		goto counters;
	}
	if (l->dom_cookie_type >= 0 &&
	    (target_read_uint(t, TARGET_KVADDR, dom + l->dom_cookie_type, 4, &v) || v != IOMMU_COOKIE_DMA_IOVA))
		return false;
	if (target_read_u64(t, TARGET_KVADDR, dom + l->dom_cookie, &cookie) || !cookie)
		return false;
	if (l->cookie_type >= 0 &&
	    (target_read_uint(t, TARGET_KVADDR, cookie + l->cookie_type, 4, &v) || v != IOMMU_DMA_IOVA_COOKIE))
		return false;
	if (target_read_u64(t, TARGET_KVADDR, cookie + l->fq_domain, &v) || !v)
		return false;	/* strict: no queue */
counters:
	d->cookie = cookie;
	if (target_read_u64(t, TARGET_KVADDR, cookie + l->start_cnt, &d->start_cnt) ||
	    target_read_u64(t, TARGET_KVADDR, cookie + l->finish_cnt, &d->finish_cnt) ||
	    target_read_u64(t, TARGET_KVADDR, cookie + l->granule, &d->granule)) {
		problem_read(&a->pb, TARGET_E_INVALID, TARGET_KVADDR, cookie, 8,
			     "device %s DMA cookie (flush counters, granule)", di->name);
		d->incomplete = true;
		return true;
	}
	if (d->granule < 4096 || (d->granule & (d->granule - 1))) {
		problem_add(&a->pb, PROBLEM_CORRUPT, di->name, "DMA cookie granule %#llx is not a page size",
			    (unsigned long long)d->granule);
		d->incomplete = true;
	}
	if (d->finish_cnt > d->start_cnt)
		problem_add(&a->pb, PROBLEM_CORRUPT, di->name,
			    "flush queue: %llu flushes finished of %llu started",
			    (unsigned long long)d->finish_cnt, (unsigned long long)d->start_cnt);
	if (l->timer_on >= 0 && target_read_uint(t, TARGET_KVADDR, cookie + l->timer_on, 4, &v) == TARGET_OK)
		d->timer_on = v != 0;
	if (l->timer_expires >= 0)
		target_read_u64(t, TARGET_KVADDR, cookie + l->timer_expires, &d->timer_expires);
	if (l->qt >= 0 && target_read_uint(t, TARGET_KVADDR, cookie + l->qt, 4, &v) == TARGET_OK)
		d->single = v == IOMMU_DMA_OPTS_SINGLE_QUEUE;
	/* "iommu/dma: Use a large flush queue and timeout for shadow_on_flush"
	 * (6.7) made the period an option; before it, IOVA_FQ_TIMEOUT, 10 ms */
	d->timeout_ms = 10;
	if (l->fq_timeout >= 0 && target_read_uint(t, TARGET_KVADDR, cookie + l->fq_timeout, 4, &v) == TARGET_OK &&
	    v > 0 && v <= 60000)
		d->timeout_ms = (unsigned)v;
	return true;
}

/*
 * HZ, from the length of a tick in ns (NSEC_PER_SEC / HZ, trimmed a little by
 * NTP), snapped to the values x86 kernels are built with; 0 if unknown.  The
 * tick is tick_nsec until "ntp: Remove unused tick_nsec" (6.13); from then on
 * the NTP state's tick_length (ns << 32) in tk_ntp_data, the system
 * timekeeper's first ("ntp: Introduce struct ntp_data", 6.13).
 */
static unsigned read_hz(const struct target *t)
{
	static const unsigned known[] = { 100, 250, 300, 1000 };
	uint64_t sym, tick;
	long off;

	if (!target_symbol(t, "tick_nsec", &sym)) {
		if (target_read_u64(t, TARGET_KVADDR, sym, &tick))
			return 0;
	} else if (!target_symbol(t, "tk_ntp_data", &sym) &&
		   (off = target_offset(t, "ntp_data", "tick_length")) >= 0) {
		if (target_read_u64(t, TARGET_KVADDR, sym + (uint64_t)off, &tick))
			return 0;
		tick >>= 32;	/* NTP_SCALE_SHIFT */
	} else {
		return 0;
	}
	if (!tick)
		return 0;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		uint64_t want = 1000000000ull / known[i];

		if (tick > want - want / 50 && tick < want + want / 50)
			return known[i];
	}
	return 0;
}

/*
 * When the domain's pending entries were unmapped.  The timer is armed by the
 * first entry queued after it last fired (queue_iova: fq_timer_on 0 -> 1,
 * expires = jiffies + msecs_to_jiffies(timeout)), and the flush it runs
 * passes every entry queued before; so every entry still pending was queued
 * about expires - msecs_to_jiffies(timeout) or later.  About: queue_iova
 * reads jiffies for the timer after it has queued the entry and dropped the
 * queue's lock, and on another CPU an entry may slip in just before the
 * arming one; one tick of slack is allowed for that.  Needs HZ.
 */
static void unmapped_since(const struct analysis *a, struct fq_domain_info *d)
{
	uint64_t span;

	if (!d->n_pending || !d->timer_on || !a->hz || !d->timer_expires)
		return;
	span = ((uint64_t)d->timeout_ms * a->hz + 999) / 1000 + 1;
	if (d->timer_expires > span)
		d->unmapped_since = d->timer_expires - span;
}

void pass_flush_queues(const struct target *t, struct analysis *a)
{
	struct fq_layout l;
	int cpus[FQ_MAX_CPUS];
	static uint64_t offsets[FQ_MAX_CPUS];
	size_t ncpu = 0;

	a->fq_state = FQ_UNKNOWN;
	if (!probe(t, &l))
		return;
	a->fq_policy = read_policy(t, a, &l);
	a->fq_state = FQ_NONE;
	{
		uint64_t sym;

		if (target_symbol(t, "jiffies_64", &sym) || target_read_u64(t, TARGET_KVADDR, sym, &a->jiffies))
			a->jiffies = 0;
		a->hz = read_hz(t);
		if (target_symbol(t, "vmemmap_base", &sym) || target_read_u64(t, TARGET_KVADDR, sym, &l.vmemmap))
			l.vmemmap = 0;
	}
	for (size_t i = 0; i < a->n_devs; i++) {
		const struct dev_info *di = &a->devs[i];
		struct fq_domain_info d = { 0 }, *p;
		size_t k;
		uint64_t dom, pdom, iovad = 0;
		bool own_iovad = false;

		if (di->vendor == IOMMU_VENDOR_INTEL) {
			/* VT-d: the device's group's domain (struct device.iommu_group
			 * -> iommu_group.domain), the struct iommu_domain whose
			 * iova_cookie dma-iommu keeps, as for any vendor */
			if (di->vtd.cls != VTD_DEV_TRANSLATED)
				continue;
			uint64_t cookie = 0;

			if (!vtd_group_domain(t, &l, di, &dom) ||
			    target_read_u64(t, TARGET_KVADDR, dom + (uint64_t)l.dom_cookie, &cookie)) {
				a->fq_unchecked++;
				continue;
			}
			pdom = dom;
			if (!cookie) {
				/* 5.10's Intel driver had its own DMA ops: the
				 * queue is in the struct dmar_domain around the
				 * group's iommu_domain, in its iovad */
				if (l.dmar_dom < 0 || l.dmar_iovad < 0 || l.cookie_iovad < 0) {
					a->fq_unchecked++;
					continue;
				}
				iovad = dom - (uint64_t)l.dmar_dom + (uint64_t)l.dmar_iovad;
				dom = iovad - (uint64_t)l.cookie_iovad;
				own_iovad = true;
			}
		} else if (!di->sw.read || !di->sw.kaddr) {
			/* no iommu_dev_data view: its queue, if any, is unknown */
			a->fq_unchecked += di->cls == AMDVI_DTE_TRANSLATED;
			continue;
		} else {
			if (!di->sw.attached || di->sw.identity)
				continue;
			pdom = di->sw.kaddr;
			dom = di->sw.kaddr + (uint64_t)l.pd_domain;
		}
		if ((k = find_domain(a, pdom)) != (size_t)-1) {
			a->fq_doms[k].n_devices++;
			continue;
		}
		if (!read_cookie(t, a, &l, di, dom, own_iovad, &d))
			continue;
		p = realloc(a->fq_doms, (a->n_fq_doms + 1) * sizeof(*p));
		if (!p)
			return;
		a->fq_doms = p;
		p = &a->fq_doms[a->n_fq_doms];
		*p = d;
		p->segment = di->segment;
		p->domid = di->vendor == IOMMU_VENDOR_INTEL ? di->vtd.did : di->sw.domid;
		p->unit_key = di->vendor == IOMMU_VENDOR_INTEL ? di->vtd.unit + 1 : 0;
		p->pdom = pdom;
		p->n_devices = 1;
		snprintf(p->device, sizeof(p->device), "%s", di->name);
		p->first_entry = a->n_fq_entries;
		a->fq_state = FQ_FOUND;
		if (p->incomplete) {
			if (own_iovad)
				p->cookie = iovad;
			a->n_fq_doms++;
			continue;
		}
		uint64_t q;

		if (p->single) {
			if (l.single_fq >= 0 && target_read_u64(t, TARGET_KVADDR, p->cookie + l.single_fq, &q) == TARGET_OK)
				read_queue(t, a, &l, p, a->n_fq_doms, q, -1);
			else
				p->incomplete = true;
		} else if (target_read_u64(t, TARGET_KVADDR, p->cookie + l.fq, &q) == TARGET_OK && q) {
			if (!ncpu)
				ncpu = possible_cpus(t, cpus, offsets);
			if (!ncpu) {
				problem_add(&a->pb, PROBLEM_READ, "__per_cpu_offset",
					    "the CPUs' per-CPU offsets could not be read: domain %u's flush queues not read",
					    p->domid);
				p->incomplete = true;
			}
			for (size_t c = 0; c < ncpu; c++)
				read_queue(t, a, &l, p, a->n_fq_doms, q + offsets[c], cpus[c]);
		} else {
			problem_read(&a->pb, TARGET_E_INVALID, TARGET_KVADDR, p->cookie + l.fq, 8,
				     "domain %u flush queue pointer", p->domid);
			p->incomplete = true;
		}
		unmapped_since(a, p);
		if (own_iovad)
			p->cookie = iovad;	/* reported: where the queue state is */
		a->n_fq_doms++;
	}
}

/* The queue entry still pending in (segment, domid) that holds iova, or NULL. */
const struct fq_entry_info *fq_pending_at(const struct analysis *a, int unit_key, uint16_t segment, uint16_t domid,
					   uint64_t iova)
{
	for (size_t i = 0; i < a->n_fq_doms; i++) {
		const struct fq_domain_info *d = &a->fq_doms[i];

		if (d->unit_key != unit_key || d->segment != segment || d->domid != domid)
			continue;
		for (size_t k = d->first_entry; k < d->first_entry + d->n_entries; k++) {
			const struct fq_entry_info *e = &a->fq_entries[k];

			if (!e->flushed && iova >= e->iova && iova - e->iova < e->bytes)
				return e;
		}
	}
	return NULL;
}
