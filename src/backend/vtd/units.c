/*
 * The DMAR units of a dump: dmar_drhd_units -> struct dmar_drhd_unit ->
 * struct intel_iommu, and each unit's invalidation queue (struct q_inval)
 * with its flush verdict.
 *
 * Members are probed by name in the kernel's types; the ones read here
 * have kept their names from 5.10 to 7.3 (docs/vtd-eras.md).  A kernel
 * without the VT-d driver has no dmar_drhd_units symbol, and a machine
 * without DMAR units has an empty list: neither is a problem, the backend
 * then adds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/amdvi/flush_record.h"	/* the module's record: one format for both vendors */
#include "backend/vtd/units.h"
#include "vtd/cap.h"
#include "vtd/flush.h"

static long off(const struct target *t, const char *s, const char *m)
{
	return target_offset(t, s, m);
}

static void probe(const struct target *t, struct vtd_layout *l, struct problems *pb)
{
	struct target_member tm;
	struct {
		long *dst;
		const char *s, *m;
	} need[] = {
		{ &l->drhd_list, "dmar_drhd_unit", "list" },
		{ &l->drhd_reg_base_addr, "dmar_drhd_unit", "reg_base_addr" },
		{ &l->drhd_segment, "dmar_drhd_unit", "segment" },
		{ &l->drhd_iommu, "dmar_drhd_unit", "iommu" },
		{ &l->iommu_seq_id, "intel_iommu", "seq_id" },
		{ &l->iommu_segment, "intel_iommu", "segment" },
		{ &l->iommu_cap, "intel_iommu", "cap" },
		{ &l->iommu_ecap, "intel_iommu", "ecap" },
		{ &l->iommu_gcmd, "intel_iommu", "gcmd" },
		{ &l->iommu_root_entry, "intel_iommu", "root_entry" },
		{ &l->iommu_qi, "intel_iommu", "qi" },
		{ &l->qi_desc, "q_inval", "desc" },
		{ &l->qi_desc_status, "q_inval", "desc_status" },
		{ &l->qi_free_head, "q_inval", "free_head" },
		{ &l->qi_free_tail, "q_inval", "free_tail" },
		{ &l->qi_free_cnt, "q_inval", "free_cnt" },
	};

	l->complete = true;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		*need[i].dst = off(t, need[i].s, need[i].m);
		if (*need[i].dst < 0) {
			char what[96];

			snprintf(what, sizeof(what), "%s.%s", need[i].s, need[i].m);
			problem_add(pb, PROBLEM_TYPE, what, "member not found in the kernel's types");
			l->complete = false;
		}
	}
	/* optional: identity and geometry for the report */
	l->iommu_reg_phys = off(t, "intel_iommu", "reg_phys");
	l->iommu_agaw = off(t, "intel_iommu", "agaw");
	l->iommu_msagaw = off(t, "intel_iommu", "msagaw");
	l->iommu_flags = off(t, "intel_iommu", "flags");
	/* name[13] before 6.3 (strings were "dmar%d"), name[16] since */
	l->iommu_name = -1;
	l->iommu_name_size = 0;
	if (target_member(t, "intel_iommu", "name", &tm) == TARGET_OK) {
		l->iommu_name = tm.offset;
		l->iommu_name_size = tm.size;
	}
}

static bool read_int(const struct target *t, const char *sym, int *v)
{
	uint64_t addr, x;

	if (target_symbol(t, sym, &addr) != TARGET_OK ||
	    target_read_uint(t, TARGET_KVADDR, addr, 4, &x) != TARGET_OK)
		return false;
	*v = (int)(uint32_t)x;
	return true;
}

static enum target_err rd(const struct target *t, uint64_t addr, size_t size, uint64_t *v)
{
	return target_read_uint(t, TARGET_KVADDR, addr, size, v);
}

/* The unit's flush verdict from the queue's verdict: a flush is a global
 * IOTLB invalidation in the newest submission (before its wait). */
static void give_verdict(struct vtd_unit *u)
{
	const struct vtd_qi_flush_verdict *v = &u->qiv;
	char qtext[320];
	bool global = false;

	vtd_qi_flush_verdict_format(v, qtext, sizeof(qtext));
	if (v->verdict == VTD_QI_VERDICT_UNKNOWN) {
		u->verdict = FLUSH_UNKNOWN;
		snprintf(u->evidence, sizeof(u->evidence), "invalidation queue: %s", qtext);
		return;
	}
	if (v->verdict == VTD_QI_VERDICT_IDLE) {
		u->verdict = FLUSH_NONE;
		snprintf(u->evidence, sizeof(u->evidence), "invalidation queue never used: %s", qtext);
		return;
	}
	/* the submission's descriptors: slots before the wait, back to the
	 * previous wait (at most 16 in a 6.12+ batch, 1 or 2 before) */
	for (unsigned k = 1; k < VTD_QI_LENGTH; k++) {
		unsigned slot = (unsigned)(v->wait_slot + VTD_QI_LENGTH - (int)k) % VTD_QI_LENGTH;
		uint64_t qw[4];
		struct vtd_qi_desc d;

		if (vtd_qi_desc_load(u->ring, VTD_QI_LENGTH * u->desc_size, u->desc_size, slot, qw) ||
		    vtd_qi_desc_decode(qw, &d) || d.type == VTD_QI_IWD || !d.known)
			break;
		if (d.type == VTD_QI_IOTLB && d.u.iotlb.g == VTD_QI_IOTLB_G_GLOBAL)
			global = true;
	}
	if (!global) {
		u->verdict = FLUSH_NONE;
		snprintf(u->evidence, sizeof(u->evidence),
			 "no global IOTLB invalidation in the newest submission (ordinary traffic); queue %s", qtext);
		return;
	}
	u->verdict = v->verdict == VTD_QI_VERDICT_COMPLETED ? FLUSH_COMPLETED :
		     v->verdict == VTD_QI_VERDICT_ABORTED ? FLUSH_ABORTED : FLUSH_QUEUED_NOT_COMPLETED;
	snprintf(u->evidence, sizeof(u->evidence),
		 "global IOTLB invalidation in the newest submission; queue %s (IQT is MMIO: not in the dump)", qtext);
}

/* A flush someone else (the reference-flush module) wrote at the hardware
 * tail, after the kernel's newest descriptor: from free_head on, the first
 * wait whose status write goes outside the kernel's desc_status.  The
 * kernel's queue page is zeroed when allocated, and every wait the kernel
 * writes stores into desc_status, so such a wait is not the kernel's. */
static void find_appended(const struct target *t, struct vtd_unit *u, struct problems *pb)
{
	uint64_t own_lo = u->status_pa, own_hi = u->status_pa + sizeof(u->desc_status);
	size_t ring_len = (size_t)VTD_QI_LENGTH * u->desc_size;
	uint64_t qw[4], before[2][4], v;
	unsigned slot = 0;
	enum target_err err;
	char kernel_side[sizeof(u->evidence)];

	if (!u->status_pa)
		return;		/* desc_status's physical address unknown: cannot tell foreign waits */
	for (unsigned k = 0; k < VTD_QI_LENGTH; k++) {
		slot = (unsigned)(u->free_head + (int)k) % VTD_QI_LENGTH;
		if (vtd_qi_desc_load(u->ring, ring_len, u->desc_size, slot, qw))
			return;
		if (vtd_flush_foreign_wait(qw, own_lo, own_hi, &u->store_pa, &u->store_data))
			break;
		if (k == VTD_QI_LENGTH - 1)
			return;
	}
	u->appended = true;
	u->appended_slot = slot;
	u->appended_invalidations =
		!vtd_qi_desc_load(u->ring, ring_len, u->desc_size, (slot + VTD_QI_LENGTH - 2) % VTD_QI_LENGTH, before[0]) &&
		!vtd_qi_desc_load(u->ring, ring_len, u->desc_size, (slot + VTD_QI_LENGTH - 1) % VTD_QI_LENGTH, before[1]) &&
		vtd_flush_invalidations_match(before[0], before[1]);
	err = target_read_u64(t, TARGET_PHYSADDR, u->store_pa & ~7ULL, &v);
	if (err)
		problem_read(pb, err, TARGET_PHYSADDR, u->store_pa, 4, "%s: status word of the appended wait", u->name);
	else {
		u->store_read = true;
		u->store_seen = (uint32_t)(v >> (8 * (u->store_pa & 4)));
	}

	u->has_record = flush_record_describe(t, u->store_pa, "status address", u->record, sizeof(u->record));

	snprintf(kernel_side, sizeof(kernel_side), "%s", u->evidence);
	if (!u->store_read)
		u->verdict = FLUSH_UNKNOWN;
	else
		u->verdict = u->store_seen == u->store_data ? FLUSH_COMPLETED : FLUSH_QUEUED_NOT_COMPLETED;
	snprintf(u->evidence, sizeof(u->evidence),
		 "flush appended after the kernel's free_head %d (%s; wait at slot %u stores %#x to PA %#llx): %s; "
		 "the kernel's own queue: %.200s",
		 u->free_head,
		 u->appended_invalidations ? "global context-cache and IOTLB invalidation" : "not preceded by global invalidations",
		 slot, u->store_data, (unsigned long long)u->store_pa,
		 !u->store_read ? "its status word could not be read" :
		 u->store_seen == u->store_data ? "the status word holds it: completed" :
		 "the status word never got it: queued, not completed (IQT is MMIO: the module's record says whether it was written)",
		 kernel_side);
}

static void read_queue(const struct target *t, struct vtd_state *s, struct vtd_unit *u, struct problems *pb)
{
	const struct vtd_layout *l = &s->lay;
	uint64_t desc, status, head, tail, cnt;
	enum target_err err;
	size_t ring_len;

	u->verdict = FLUSH_UNKNOWN;
	if (!u->qi) {
		u->verdict = FLUSH_NONE;
		snprintf(u->evidence, sizeof(u->evidence),
			 "no invalidation queue (register-based invalidation): nothing queued to prove");
		return;
	}
	err = rd(t, u->qi + l->qi_desc, 8, &desc);
	if (!err)
		err = rd(t, u->qi + l->qi_desc_status, 8, &status);
	if (!err)
		err = rd(t, u->qi + l->qi_free_head, 4, &head);
	if (!err)
		err = rd(t, u->qi + l->qi_free_tail, 4, &tail);
	if (!err)
		err = rd(t, u->qi + l->qi_free_cnt, 4, &cnt);
	if (err) {
		problem_read(pb, err, TARGET_KVADDR, u->qi, 64, "%s: struct q_inval", u->name);
		snprintf(u->evidence, sizeof(u->evidence), "struct q_inval could not be read");
		return;
	}
	u->free_head = (int)(uint32_t)head;
	u->free_tail = (int)(uint32_t)tail;
	u->free_cnt = (int)(uint32_t)cnt;
	u->desc_size = vtd_qi_desc_size(u->ecap);
	ring_len = (size_t)VTD_QI_LENGTH * u->desc_size;
	u->ring = calloc(1, ring_len);
	if (!u->ring)
		return;
	err = target_read(t, TARGET_KVADDR, desc, u->ring, ring_len);
	if (err) {
		problem_read(pb, err, TARGET_KVADDR, desc, ring_len, "%s: invalidation queue", u->name);
		snprintf(u->evidence, sizeof(u->evidence), "the invalidation queue could not be read");
		return;
	}
	err = target_read(t, TARGET_KVADDR, status, u->desc_status, sizeof(u->desc_status));
	if (err) {
		problem_read(pb, err, TARGET_KVADDR, status, sizeof(u->desc_status),
			     "%s: invalidation queue status words (desc_status)", u->name);
		snprintf(u->evidence, sizeof(u->evidence), "desc_status could not be read");
		return;
	}
	u->qi_read = true;
	/* desc_status is kcalloc'ed: in the direct map */
	u->status_pa = s->page_offset_known && status >= s->page_offset_base ? status - s->page_offset_base : 0;

	struct vtd_qi_snapshot snap = {
		.ring = u->ring, .ring_len = ring_len, .desc_status = u->desc_status,
		.free_head = u->free_head, .free_tail = u->free_tail, .free_cnt = u->free_cnt,
		.desc_size = u->desc_size, .status_pa = u->status_pa,
	};

	if (vtd_qi_flush_verdict(&snap, &u->qiv) != VTD_OK) {
		snprintf(u->evidence, sizeof(u->evidence), "the queue snapshot is unusable");
		return;
	}
	give_verdict(u);
	find_appended(t, u, pb);
}

static void read_unit(const struct target *t, struct vtd_state *s, struct vtd_unit *u, struct problems *pb)
{
	const struct vtd_layout *l = &s->lay;
	uint64_t v, k = u->kaddr;
	enum target_err err = TARGET_OK;

	snprintf(u->name, sizeof(u->name), "dmar?");
	if (l->iommu_name >= 0 && l->iommu_name_size > 0) {
		char buf[32] = "";
		size_t n = (size_t)l->iommu_name_size < sizeof(buf) - 1 ? (size_t)l->iommu_name_size : sizeof(buf) - 1;

		if (target_read(t, TARGET_KVADDR, k + l->iommu_name, buf, n) == TARGET_OK && buf[0]) {
			buf[n] = 0;
			snprintf(u->name, sizeof(u->name), "%s", buf);
		}
	}
	if (!(err = rd(t, k + l->iommu_seq_id, 4, &v)))
		u->seq_id = (int)(uint32_t)v;
	if (!err && !(err = rd(t, k + l->iommu_segment, 2, &v)))
		u->segment = (uint16_t)v;
	if (!err)
		err = rd(t, k + l->iommu_cap, 8, &u->cap);
	if (!err)
		err = rd(t, k + l->iommu_ecap, 8, &u->ecap);
	if (!err && !(err = rd(t, k + l->iommu_gcmd, 4, &v)))
		u->gcmd = (uint32_t)v;
	if (!err)
		err = rd(t, k + l->iommu_root_entry, 8, &u->root_entry);
	if (!err)
		err = rd(t, k + l->iommu_qi, 8, &u->qi);
	if (err) {
		problem_read(pb, err, TARGET_KVADDR, k, 8, "%s: struct intel_iommu", u->name);
		u->verdict = FLUSH_UNKNOWN;
		snprintf(u->evidence, sizeof(u->evidence), "struct intel_iommu could not be read");
		return;
	}
	u->read_ok = true;
	if (l->iommu_reg_phys >= 0)
		rd(t, k + l->iommu_reg_phys, 8, &u->reg_base);
	if (l->iommu_agaw >= 0 && !rd(t, k + l->iommu_agaw, 4, &v))
		u->agaw = (int)(uint32_t)v;
	if (l->iommu_msagaw >= 0 && !rd(t, k + l->iommu_msagaw, 4, &v))
		u->msagaw = (int)(uint32_t)v;
	if (l->iommu_flags >= 0 && !rd(t, k + l->iommu_flags, 4, &v))
		u->flags = (uint32_t)v;
	/* sm_supported(): intel_iommu_sm && ecap_smts(iommu->ecap) */
	u->sm = s->sm_known && s->intel_iommu_sm && (u->ecap & VTD_ECAP_SMTS);
	if (u->root_entry && s->page_offset_known && u->root_entry >= s->page_offset_base)
		u->root_pa = u->root_entry - s->page_offset_base;
	read_queue(t, s, u, pb);
	if (!(u->gcmd & VTD_GCMD_TE) && u->verdict == FLUSH_UNKNOWN) {
		/* a unit that never translated (intel_iommu=off; its queue may
		 * have served interrupt remapping alone) has nothing to flush */
		char why[sizeof(u->evidence)];

		snprintf(why, sizeof(why), "%s", u->evidence);
		u->verdict = FLUSH_NONE;
		snprintf(u->evidence, sizeof(u->evidence),
			 "translation never enabled on this unit (GCMD.TE clear): nothing to flush (%.400s)", why);
	}
}

void vtd_units_read(const struct target *t, struct vtd_state *s, struct problems *pb)
{
	uint64_t head, node, sym;
	size_t cap = 0;

	if (target_symbol(t, "dmar_drhd_units", &head) != TARGET_OK)
		return;		/* no VT-d driver in this kernel */
	s->driver_present = true;
	if (target_read_u64(t, TARGET_KVADDR, head, &node) != TARGET_OK) {
		s->units_unread = true;
		problem_add(pb, PROBLEM_READ, "dmar_drhd_units", "the list head could not be read");
		return;
	}
	if (node == head || !node)
		return;		/* no DMAR units: not an Intel machine, or no ACPI DMAR table */
	probe(t, &s->lay, pb);
	if (!s->lay.complete)
		return;
	s->sm_known = read_int(t, "intel_iommu_sm", &s->intel_iommu_sm);
	s->enabled_known = read_int(t, "intel_iommu_enabled", &s->intel_iommu_enabled);
	if (target_symbol(t, "page_offset_base", &sym) == TARGET_OK &&
	    target_read_u64(t, TARGET_KVADDR, sym, &s->page_offset_base) == TARGET_OK)
		s->page_offset_known = true;
	while (node && node != head) {
		uint64_t drhd = node - (uint64_t)s->lay.drhd_list, iommu = 0, base = 0, seg = 0;
		struct vtd_unit *u;

		if (s->n_units >= VTD_MAX_UNITS) {
			problem_add(pb, PROBLEM_LIMIT, "dmar_drhd_units", "more than %d units: stopped", VTD_MAX_UNITS);
			break;
		}
		if (s->n_units == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct vtd_unit *nu = realloc(s->units, ncap * sizeof(*nu));

			if (!nu)
				break;
			s->units = nu;
			cap = ncap;
		}
		u = &s->units[s->n_units];
		memset(u, 0, sizeof(*u));
		u->index = (int)s->n_units;
		u->drhd = drhd;
		if (rd(t, drhd + s->lay.drhd_iommu, 8, &iommu) || rd(t, drhd + s->lay.drhd_reg_base_addr, 8, &base) ||
		    rd(t, drhd + s->lay.drhd_segment, 2, &seg)) {
			problem_read(pb, TARGET_E_INVALID, TARGET_KVADDR, drhd, 8, "struct dmar_drhd_unit");
			break;
		}
		s->n_units++;
		u->kaddr = iommu;
		u->reg_base = base;
		u->segment = (uint16_t)seg;
		if (iommu)
			read_unit(t, s, u, pb);
		else {
			u->verdict = FLUSH_UNKNOWN;
			snprintf(u->name, sizeof(u->name), "drhd%d", u->index);
			snprintf(u->evidence, sizeof(u->evidence), "the DRHD has no struct intel_iommu");
		}
		if (target_read_u64(t, TARGET_KVADDR, node, &node) != TARGET_OK) {
			problem_add(pb, PROBLEM_READ, "dmar_drhd_units", "a list link could not be read: stopped");
			break;
		}
	}
}

/* Active: the driver finished intel_iommu_init() (intel_iommu_enabled,
 * all eras) and a unit was commanded to translate (GCMD.TE shadow). */
void vtd_units_presence(struct vtd_state *s)
{
	bool te = false;

	for (size_t i = 0; i < s->n_units; i++)
		te |= s->units[i].read_ok && (s->units[i].gcmd & VTD_GCMD_TE);
	s->active = te && (!s->enabled_known || s->intel_iommu_enabled);
	if (s->active || !s->n_units)
		return;
	if (s->enabled_known && !s->intel_iommu_enabled)
		snprintf(s->inactive_reason, sizeof(s->inactive_reason),
			 "%zu DMAR unit(s), but intel_iommu_enabled is 0: the VT-d driver did not enable translation "
			 "(intel_iommu=off, or its initialisation failed)", s->n_units);
	else
		snprintf(s->inactive_reason, sizeof(s->inactive_reason),
			 "%zu DMAR unit(s), none commanded to translate (GCMD.TE clear in the kernel's copy)", s->n_units);
}

bool vtd_unit_queue_entry(const struct vtd_unit *u, unsigned age, unsigned *slot, uint64_t qw[4],
			  struct vtd_qi_desc *d)
{
	*slot = (unsigned)(u->free_head + 2 * VTD_QI_LENGTH - 1 - (int)age) % VTD_QI_LENGTH;
	if (vtd_qi_desc_load(u->ring, (size_t)VTD_QI_LENGTH * u->desc_size, u->desc_size, *slot, qw) ||
	    (!qw[0] && !qw[1] && !qw[2] && !qw[3]))
		return false;
	vtd_qi_desc_decode(qw, d);
	return true;
}

void vtd_units_free(struct vtd_state *s)
{
	for (size_t i = 0; i < s->n_units; i++)
		free(s->units[i].ring);
	free(s->units);
	s->units = NULL;
	s->n_units = 0;
}
