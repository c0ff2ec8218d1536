/* The I/O page-table walk driver (include/core/iopt_walk.h): tables read
 * through the target, slots decoded by the format, extents merged and
 * streamed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/iopt_walk.h"

/* Open-addressing set of table addresses seen in this walk. */
struct pa_set {
	uint64_t *slot;
	size_t cap, n;
};

static bool pa_set_add(struct pa_set *s, uint64_t pa)	/* false if already there */
{
	if (s->n * 2 >= s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		uint64_t *ns = calloc(ncap, sizeof(*ns));

		if (!ns)
			return true;	/* no memory: give up cycle detection, the table bound still holds */
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t h = (s->slot[i] >> 12) * 0x9e3779b97f4a7c15ull & (ncap - 1);

			while (ns[h])
				h = (h + 1) & (ncap - 1);
			ns[h] = s->slot[i];
		}
		free(s->slot);
		s->slot = ns;
		s->cap = ncap;
	}
	size_t h = ((pa | 1) >> 12) * 0x9e3779b97f4a7c15ull & (s->cap - 1);

	while (s->slot[h]) {
		if (s->slot[h] == (pa | 1))
			return false;
		h = (h + 1) & (s->cap - 1);
	}
	s->slot[h] = pa | 1;	/* | 1 so that PA 0 is storable */
	s->n++;
	return true;
}

static void pa_set_prefetch(const struct pa_set *s, uint64_t pa)
{
	if (s->cap)
		__builtin_prefetch(&s->slot[((pa | 1) >> 12) * 0x9e3779b97f4a7c15ull & (s->cap - 1)], 1);
}

/* 0 for pa_limit and max_tables means these. */
#define WALK_PA_LIMIT_DEFAULT	(1ull << 52)
#define WALK_MAX_TABLES_DEFAULT	(1ull << 24)

struct iopt_walk_ctx {
	const struct target *t;
	const struct iopt_format *fmt;
	iopt_extent_fn fn;
	void *arg;
	struct iopt_walk_stats *st;
	struct problems *pb;
	struct pa_set seen;
	struct iopt_extent cur;
	bool have_cur;
	uint64_t pa_limit, max_tables;
	uint16_t segment, domain;
	bool v2;
	uint32_t pasid;
	uint64_t strip;
};

bool iopt_pa_within(uint64_t pa, uint64_t size, uint64_t limit)
{
	return pa < limit && size <= limit - pa;
}

static int emit(struct iopt_walk_ctx *w)
{
	if (!w->have_cur)
		return 0;
	w->have_cur = false;
	w->st->extents++;
	return w->fn ? w->fn(&w->cur, w->arg) : 0;
}

static int add_leaf(struct iopt_walk_ctx *w, const struct iopt_slot *m)
{
	struct iopt_extent *c = &w->cur;

	w->st->leaves++;
	w->st->mapped_bytes += m->size;
	if (m->write)
		w->st->writable_bytes += m->size;
	if (w->have_cur && c->iova + c->size == m->iova && c->pa + c->size == m->pa &&
	    c->read == m->read && c->write == m->write && c->pasid == w->pasid) {
		c->size += m->size;
		return 0;
	}
	int stop = emit(w);

	c->segment = w->segment;
	c->domain = w->domain;
	c->pasid = w->pasid;
	c->v2 = w->v2;
	c->iova = m->iova;
	c->pa = m->pa;
	c->size = m->size;
	c->read = m->read;
	c->write = m->write;
	w->have_cur = true;
	return stop;
}

void iopt_walk_bad(struct iopt_walk_ctx *w, uint64_t table_pa, unsigned idx, unsigned level,
		   const char *why, uint64_t pte)
{
	char what[128];

	w->st->bad_entries++;
	snprintf(what, sizeof(what), "domain %u I/O page table at PA %#llx, level %u entry %u",
		 w->domain, (unsigned long long)table_pa, level, idx);
	problem_add(w->pb, PROBLEM_CORRUPT, what, "%s (PTE %#llx)", why, (unsigned long long)pte);
}
/*
 * Fast path: after slot i was merged into the open extent as a leaf of the
 * slot's own size, the following slots that hold exactly the same entry with
 * the address advanced by one slot (same flags, so same permissions; the
 * next page physically) extend that extent without being decoded one by
 * one: the slow path would merge each of them the same way.  8 slots are
 * compared at a time.  Returns the number of slots consumed after i.
 */
static unsigned extend_run(struct iopt_walk_ctx *w, const uint64_t *tbl, unsigned i, uint64_t span)
{
	uint64_t e = tbl[i] + span;
	unsigned j = i + 1;

	/* 64 slots at a time, two 2-lane vectors (SSE2 on x86-64, scalar elsewhere) */
	typedef uint64_t v2u64 __attribute__((vector_size(16)));
	while (j + 64 <= 512) {
		v2u64 ev = { e, e + span }, step = { 2 * span, 2 * span }, acc0 = { 0, 0 }, acc1 = { 0, 0 };

		for (unsigned k = 0; k < 64; k += 4) {
			v2u64 x, y;

			memcpy(&x, &tbl[j + k], sizeof(x));
			memcpy(&y, &tbl[j + k + 2], sizeof(y));
			acc0 |= x ^ ev;
			ev += step;
			acc1 |= y ^ ev;
			ev += step;
		}
		acc0 |= acc1;
		if (acc0[0] | acc0[1])
			break;
		j += 64;
		e += 64 * span;
	}
	while (j + 8 <= 512) {
		uint64_t diff = (tbl[j] ^ e) | (tbl[j + 1] ^ (e + span)) | (tbl[j + 2] ^ (e + 2 * span)) |
				(tbl[j + 3] ^ (e + 3 * span)) | (tbl[j + 4] ^ (e + 4 * span)) |
				(tbl[j + 5] ^ (e + 5 * span)) | (tbl[j + 6] ^ (e + 6 * span)) |
				(tbl[j + 7] ^ (e + 7 * span));

		if (diff)
			break;
		j += 8;
		e += 8 * span;
	}
	while (j < 512 && tbl[j] == e) {
		j++;
		e += span;
	}
	if (j == i + 1)
		return 0;
	/* the run's last entry: the address must not have carried out of
	 * bits 51:12 into the flags, and must be below the limit */
	uint64_t last = e - span, n = j - i - 1;

	uint64_t amask = w->fmt->addr_mask;

	if ((last & ~amask) != (tbl[i] & ~amask) ||
	    !iopt_pa_within((last & amask & ~w->strip), span, w->pa_limit))
		return 0;
	w->st->leaves += n;
	w->st->mapped_bytes += n * span;
	if (w->cur.write)
		w->st->writable_bytes += n * span;
	w->cur.size += n * span;
	return (unsigned)n;
}

/* IOVA bytes one slot covers at a 0-based level. */
static uint64_t level_span(unsigned level)
{
	return 1ull << (12 + 9 * level);
}

/* Walks the table at table_pa, which is at 0-based `level`, covering IOVAs
 * from `base`.  Returns non-zero when the walk must stop. */
static int walk_table(struct iopt_walk_ctx *w, uint64_t table_pa, unsigned level, uint64_t base)
{
	uint64_t tbl[512];	/* on the stack: at most 6 levels deep */
	const struct iopt_format *f = w->fmt;
	enum target_err err;
	int stop = 0;

	if (w->st->tables >= w->max_tables) {
		problem_add(w->pb, PROBLEM_LIMIT, "I/O page-table walk",
			    "domain %u: more than %llu tables; stopped there", w->domain,
			    (unsigned long long)w->max_tables);
		w->st->stopped = true;
		return 1;
	}
	if (!pa_set_add(&w->seen, table_pa)) {
		char what[96];

		w->st->revisits++;
		snprintf(what, sizeof(what), "domain %u I/O page table at PA %#llx", w->domain,
			 (unsigned long long)table_pa);
		problem_add(w->pb, PROBLEM_CORRUPT, what,
			    "reached a second time (a cycle or a shared table): not walked again");
		return 0;
	}
	err = target_read(w->t, TARGET_PHYSADDR, table_pa, tbl, 4096);
	w->st->tables++;
	if (err) {
		w->st->unreadable_tables++;
		problem_read(w->pb, err, TARGET_PHYSADDR, table_pa, 4096,
			     "domain %u I/O page table, level %u, IOVA %#llx", w->domain, level,
			     (unsigned long long)base);
		return 0;
	}
	uint64_t span = level_span(level);

	for (unsigned i = 0; i < 512 && !stop; i++) {
		uint64_t pte = tbl[i], iova = base + (uint64_t)i * span;
		struct iopt_slot m;

		if (!(pte & f->present_mask))
			continue;
		memset(&m, 0, sizeof(m));
		f->resolve(pte, level, iova, w->strip, &m);
		switch (m.kind) {
		case IOPT_SLOT_NONE:
			break;
		case IOPT_SLOT_BAD:
			iopt_walk_bad(w, table_pa, i, level, m.bad, pte);
			break;
		case IOPT_SLOT_LEAF:
			/* a replicated large page: count it once, at its first slot */
			if (m.iova < iova)
				break;
			if (!iopt_pa_within(m.pa, m.size, w->pa_limit)) {
				iopt_walk_bad(w, table_pa, i, level, "maps a physical address beyond the limit", pte);
				break;
			}
			stop = add_leaf(w, &m);
			if (!stop && m.size == span && m.iova == iova && i + 1 < 512)
				i += extend_run(w, tbl, i, span);
			break;
		case IOPT_SLOT_TABLE:
			if (level == 0) {
				iopt_walk_bad(w, table_pa, i, level, "a table pointer in a last-level table", pte);
				break;
			}
			if (!iopt_pa_within(m.pa, 4096, w->pa_limit)) {
				iopt_walk_bad(w, table_pa, i, level,
					      "points to a table beyond the physical-address limit", pte);
				break;
			}
			/* the seen-set slot of the next table is a cache miss: start it now */
			for (unsigned n = i + 1; n < 512; n++)
				if (tbl[n] & f->present_mask) {
					pa_set_prefetch(&w->seen, tbl[n] & f->addr_mask & ~w->strip);
					break;
				}
			stop = walk_table(w, m.pa, level - 1, iova);
			break;
		}
	}
	return stop;
}

struct iopt_walk_ctx *iopt_walk_begin(const struct target *t, const struct iopt_format *fmt,
				      uint16_t segment, uint16_t domain, uint64_t strip,
				      uint64_t pa_limit, uint64_t max_tables,
				      iopt_extent_fn fn, void *arg, struct iopt_walk_stats *st,
				      struct problems *pb)
{
	struct iopt_walk_ctx *w = calloc(1, sizeof(*w));

	memset(st, 0, sizeof(*st));
	if (!w) {
		problem_add(pb, PROBLEM_LIMIT, "I/O page-table walk", "domain %u: out of memory: not walked",
			    domain);
		return NULL;
	}
	w->t = t;
	w->fmt = fmt;
	w->fn = fn;
	w->arg = arg;
	w->st = st;
	w->pb = pb;
	w->pa_limit = pa_limit ? pa_limit : WALK_PA_LIMIT_DEFAULT;
	w->max_tables = max_tables ? max_tables : WALK_MAX_TABLES_DEFAULT;
	w->segment = segment;
	w->domain = domain;
	w->strip = strip;
	return w;
}

int iopt_walk_table(struct iopt_walk_ctx *w, uint64_t root_pa, unsigned levels, uint32_t pasid, bool v2)
{
	int stop = 0;

	if (!w || !levels)
		return 0;
	stop = emit(w);		/* extents never span two roots */
	w->pasid = pasid;
	w->v2 = v2;
	if (!stop)
		stop = walk_table(w, root_pa, levels - 1, 0);
	return stop;
}

int iopt_walk_end(struct iopt_walk_ctx *w, int stop)
{
	if (!w)
		return 1;
	if (!stop)
		stop = emit(w);
	else
		w->st->stopped = true;
	free(w->seen.slot);
	free(w);
	return stop ? 1 : 0;
}
