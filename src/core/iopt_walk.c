/* Streaming walk of AMD-Vi v1 I/O page tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amdvi/pgtable.h"
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

/* The params' 0 for pa_limit and max_tables means these (iopt_walk.h). */
#define WALK_PA_LIMIT_DEFAULT	(1ull << 52)
#define WALK_MAX_TABLES_DEFAULT	(1ull << 24)

struct walk {
	const struct target *t;
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
	uint64_t me_mask;
};

static int emit(struct walk *w)
{
	if (!w->have_cur)
		return 0;
	w->have_cur = false;
	w->st->extents++;
	return w->fn ? w->fn(&w->cur, w->arg) : 0;
}

static int add_leaf(struct walk *w, const struct amdvi_pte_mapping *m)
{
	struct iopt_extent *c = &w->cur;

	w->st->leaves++;
	w->st->mapped_bytes += m->size;
	if (m->iw)
		w->st->writable_bytes += m->size;
	if (w->have_cur && c->iova + c->size == m->iova && c->pa + c->size == m->pa &&
	    c->read == m->ir && c->write == m->iw && c->pasid == w->pasid) {
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
	c->read = m->ir;
	c->write = m->iw;
	w->have_cur = true;
	return stop;
}

static void bad(struct walk *w, uint64_t table_pa, unsigned idx, unsigned level, const char *why, uint64_t pte)
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
static unsigned extend_run(struct walk *w, const uint64_t *tbl, unsigned i, uint64_t span)
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

	if ((last & ~AMDVI_PTE_ADDR_MASK) != (tbl[i] & ~AMDVI_PTE_ADDR_MASK) ||
	    !amdvi_pa_within((last & AMDVI_PTE_ADDR_MASK & ~w->me_mask), span, w->pa_limit))
		return 0;
	w->st->leaves += n;
	w->st->mapped_bytes += n * span;
	if (w->cur.write)
		w->st->writable_bytes += n * span;
	w->cur.size += n * span;
	return (unsigned)n;
}

/* Walks the table at table_pa, which is at 0-based `level`, covering IOVAs
 * from `base`.  Returns non-zero when the walk must stop. */
static int walk_table(struct walk *w, uint64_t table_pa, unsigned level, uint64_t base)
{
	uint64_t tbl[512];	/* on the stack: at most 6 levels deep */
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
	uint64_t span = amdvi_pt_level_span(level);

	for (unsigned i = 0; i < 512 && !stop; i++) {
		uint64_t pte = tbl[i], iova = base + (uint64_t)i * span;
		struct amdvi_pte_mapping m;

		if (!(pte & 1))
			continue;
		if ((w->v2 ? amdvi_pte_v2_resolve(pte, level, iova, w->me_mask, &m) :
			     amdvi_pte_resolve(pte, level, iova, w->me_mask, &m)) != 0) {
			bad(w, table_pa, i, level, "impossible large-page size for this level", pte);
			continue;
		}
		if (m.kind == AMDVI_PTE_LEAF) {
			/* a replicated large page: count it once, at its first slot */
			if (m.iova < iova)
				continue;
			if (!amdvi_pa_within(m.pa, m.size, w->pa_limit)) {
				bad(w, table_pa, i, level, "maps a physical address beyond the limit", pte);
				continue;
			}
			stop = add_leaf(w, &m);
			if (!stop && m.size == span && m.iova == iova && i + 1 < 512)
				i += extend_run(w, tbl, i, span);
		} else if (m.kind == AMDVI_PTE_TABLE) {
			if (!w->v2 && !amdvi_pte_next_level_ok(pte, level)) {
				bad(w, table_pa, i, level, "next level does not follow this level", pte);
				continue;
			}
			if (!amdvi_pa_within(m.pa, 4096, w->pa_limit)) {
				bad(w, table_pa, i, level, "points to a table beyond the physical-address limit", pte);
				continue;
			}
			/* the seen-set slot of the next table is a cache miss: start it now */
			for (unsigned n = i + 1; n < 512; n++)
				if (tbl[n] & 1) {
					pa_set_prefetch(&w->seen, tbl[n] & AMDVI_PTE_ADDR_MASK & ~w->me_mask);
					break;
				}
			stop = walk_table(w, m.pa, level - 1, iova);
		}
	}
	return stop;
}

/* After the tables: flush the extent being built, unless the callback or
 * a bound stopped the walk; 1 when it stopped early. */
static int walk_end(struct walk *w, int stop)
{
	if (!stop)
		stop = emit(w);
	else
		w->st->stopped = true;
	free(w->seen.slot);
	return stop ? 1 : 0;
}

int iopt_walk_v1(const struct target *t, const struct iopt_walk_params *p,
		 iopt_extent_fn fn, void *arg, struct iopt_walk_stats *st, struct problems *pb)
{
	struct walk w = {
		.t = t, .fn = fn, .arg = arg, .st = st, .pb = pb,
		.pa_limit = p->pa_limit ? p->pa_limit : WALK_PA_LIMIT_DEFAULT,
		.max_tables = p->max_tables ? p->max_tables : WALK_MAX_TABLES_DEFAULT,
		.segment = p->segment, .domain = p->domain, .me_mask = p->me_mask,
	};
	int stop;

	memset(st, 0, sizeof(*st));
	if (p->mode < 1 || p->mode > 6) {
		char what[64];

		snprintf(what, sizeof(what), "domain %u page-table root", p->domain);
		problem_add(pb, PROBLEM_CORRUPT, what, "DTE mode %u is not 1..6: not walked", p->mode);
		return -1;
	}
	stop = walk_table(&w, p->root_pa, p->mode - 1, 0);
	return walk_end(&w, stop);
}

/* Walks one GCR3 table level; leaf slots name PASIDs' page tables. */
static int walk_gcr3(struct walk *w, const struct iopt_walk_v2_params *p, uint64_t table_pa,
		     unsigned level, uint32_t pasid_base, unsigned *pasids)
{
	uint64_t *tbl = malloc(4096);
	enum target_err err;
	int stop = 0;

	if (!tbl)
		return 1;
	err = target_read(w->t, TARGET_PHYSADDR, table_pa, tbl, 4096);
	if (err) {
		problem_read(w->pb, err, TARGET_PHYSADDR, table_pa, 4096,
			     "domain %u GCR3 table, level %u", w->domain, level);
		free(tbl);
		return 0;
	}
	for (unsigned i = 0; i < 512 && !stop; i++) {
		struct amdvi_gcr3_entry g;
		uint32_t pasid = pasid_base | i << (9 * level);

		if (amdvi_gcr3_decode(tbl[i], w->me_mask, &g) || !g.valid)
			continue;
		if (!amdvi_pa_within(g.addr, 4096, w->pa_limit)) {
			bad(w, table_pa, i, level, "GCR3 entry beyond the physical-address limit", tbl[i]);
			continue;
		}
		if (level > 0) {
			stop = walk_gcr3(w, p, g.addr, level - 1, pasid, pasids);
			continue;
		}
		if (*pasids >= (p->max_pasids ? p->max_pasids : 4096)) {
			problem_add(w->pb, PROBLEM_LIMIT, "GCR3 table", "domain %u: more than %u PASIDs; stopped",
				    w->domain, *pasids);
			stop = 1;
			break;
		}
		(*pasids)++;
		stop = emit(w);
		w->pasid = pasid;
		if (!stop)
			stop = walk_table(w, g.addr, p->levels - 1, 0);
	}
	free(tbl);
	return stop;
}

int iopt_walk_v2(const struct target *t, const struct iopt_walk_v2_params *p,
		 iopt_extent_fn fn, void *arg, struct iopt_walk_stats *st, struct problems *pb)
{
	struct walk w = {
		.t = t, .fn = fn, .arg = arg, .st = st, .pb = pb,
		.pa_limit = p->pa_limit ? p->pa_limit : WALK_PA_LIMIT_DEFAULT,
		.max_tables = p->max_tables ? p->max_tables : WALK_MAX_TABLES_DEFAULT,
		.segment = p->segment, .domain = p->domain, .me_mask = p->me_mask, .v2 = true,
	};
	unsigned pasids = 0;
	int stop;

	memset(st, 0, sizeof(*st));
	if (p->glx > 2 || (p->levels != 4 && p->levels != 5)) {
		char what[64];

		snprintf(what, sizeof(what), "domain %u GCR3 table", p->domain);
		problem_add(pb, PROBLEM_CORRUPT, what, "GLX %u / %u paging levels not supported: not walked",
			    p->glx, p->levels);
		return -1;
	}
	stop = walk_gcr3(&w, p, p->gcr3_root, p->glx, 0, &pasids);
	return walk_end(&w, stop);
}
