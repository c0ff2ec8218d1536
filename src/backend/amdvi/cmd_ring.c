/* Command-ring analysis: completion-wait proof and the flush verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amdvi/dte.h"
#include "amdvi/ring.h"
#include "backend/amdvi/cmd_ring.h"
#include "backend/amdvi/flush_record.h"
#include "core/module_syms.h"

const char *ring_entry_state_name(enum ring_entry_state s)
{
	switch (s) {
	case RING_ENTRY_EMPTY:		return "empty";
	case RING_ENTRY_COMPLETE:	return "complete";
	case RING_ENTRY_NOT_PROVEN:	return "not-proven";
	case RING_ENTRY_APPENDED:	return "appended";
	case RING_ENTRY_CAPTURE:	return "capture-kernel";
	}
	return "?";
}

static bool is_empty(const struct amdvi_cmd *c)
{
	return !c->raw[0] && !c->raw[1] && !c->raw[2] && !c->raw[3];
}

static bool is_cw(const struct amdvi_cmd *c)
{
	return c->known && c->opcode == AMDVI_CMD_COMPLETION_WAIT;
}

/* Commands a flush is made of (besides its COMPLETION_WAIT). */
static bool is_flush_cmd(const struct amdvi_cmd *c)
{
	if (!c->known)
		return false;
	switch (c->opcode) {
	case AMDVI_CMD_INVALIDATE_IOMMU_ALL:
	case AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY:
	case AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE:
		return true;
	case AMDVI_CMD_INVALIDATE_IOMMU_PAGES:
		return amdvi_cmd_is_inv_domain_all(c);
	default:
		return false;
	}
}

/* The store value of a CW matches the semaphore.  Before 94a568ce3203 (6.0)
 * the kernel wrote only the low 32 bits of the sequence into the command. */
static bool cw_matches(const struct amdvi_cmd *c, uint64_t sem)
{
	uint64_t d = c->u.cw.store_data;

	return d == sem || (c->raw[3] == 0 && (uint32_t)d == (uint32_t)sem);
}

/* Devids and domains a full flush of this IOMMU's segment must cover:
 * every DTE that is valid and names a domain. */
struct coverage {
	uint8_t dte_need[65536 / 8], dte_seen[65536 / 8];
	uint8_t dom_need[65536 / 8], dom_seen[65536 / 8];
};

#define BIT_SET(a, i)	((a)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))
#define BIT_TEST(a, i)	(((a)[(i) >> 3] >> ((i) & 7)) & 1)

static void coverage_need(struct coverage *cv, const struct inventory *inv, uint16_t segment)
{
	const struct inv_segment *seg = inventory_segment(inv, segment);

	if (!seg)
		return;
	for (size_t i = 0; i < seg->n_dte; i++) {
		struct amdvi_dte d;

		if (!seg->dte_ok[i] || amdvi_dte_decode(seg->dte[i], inv->sme_me_mask, &d) != 0)
			continue;
		if (d.v && d.domid) {
			BIT_SET(cv->dte_need, i);
			BIT_SET(cv->dom_need, d.domid);
		}
	}
}

static void coverage_add(struct coverage *cv, const struct amdvi_cmd *c)
{
	if (c->opcode == AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY)
		BIT_SET(cv->dte_seen, c->u.inv_dte.devid);
	else if (c->opcode == AMDVI_CMD_INVALIDATE_IOMMU_PAGES)
		BIT_SET(cv->dom_seen, c->u.inv_pages.domid);
}

static bool coverage_complete(const struct coverage *cv, unsigned *missing_dte, unsigned *missing_dom)
{
	*missing_dte = *missing_dom = 0;
	for (unsigned i = 0; i < 65536; i++) {
		if (BIT_TEST(cv->dte_need, i) && !BIT_TEST(cv->dte_seen, i))
			(*missing_dte)++;
		if (BIT_TEST(cv->dom_need, i) && !BIT_TEST(cv->dom_seen, i))
			(*missing_dom)++;
	}
	return !*missing_dte && !*missing_dom;
}

static void count_cmd(struct flush_result *f, const struct amdvi_cmd *c)
{
	switch (c->opcode) {
	case AMDVI_CMD_INVALIDATE_IOMMU_ALL:		f->inv_all++; break;
	case AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY:		f->inv_dte++; break;
	case AMDVI_CMD_INVALIDATE_IOMMU_PAGES:		f->inv_domain++; break;
	case AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE:	f->inv_irt++; break;
	}
}

/* The store address the kernel's own COMPLETION_WAITs use: that of the
 * newest CW before the tail.  (A flusher from outside uses its own.) */
static bool kernel_cw_addr(const struct cmd_ring_report *rep, uint64_t *addr)
{
	for (unsigned i = 0; i < CMD_RING_ENTRIES; i++) {
		if (is_cw(&rep->entries[i].cmd) && rep->entries[i].state != RING_ENTRY_CAPTURE) {
			*addr = rep->entries[i].cmd.u.cw.store_addr;
			return true;
		}
	}
	return false;
}

/* Whether *cmd_sem still holds what the crashed kernel's IOMMU stored. */
static void sem_trust(const struct inventory *inv, const struct inv_iommu *io, struct cmd_ring_report *rep)
{
	rep->sem_trusted = true;
	if (inv->cwb_reused)
		snprintf(rep->sem_distrust, sizeof(rep->sem_distrust),
			 "the capture kernel's log says \"Re-using CWB buffers from the previous kernel\" "
			 "(SNP): its completion waits store into the same semaphore page");
	else if (rep->split.same_sem)
		snprintf(rep->sem_distrust, sizeof(rep->sem_distrust),
			 "the capture kernel's COMPLETION_WAITs store into the same semaphore page (SNP "
			 "reuse): *cmd_sem may hold its sequence number");
	else if (rep->split.found && inv->snp_known && inv->snp_enabled)
		snprintf(rep->sem_distrust, sizeof(rep->sem_distrust),
			 "SNP is on and the capture kernel reused this ring in place: with SNP it reuses the "
			 "old semaphore page too, so *cmd_sem may be its own");
	else if (io->sem_kind == CMD_SEM_POINTER && io->sem_known && io->sem_issued_known &&
		 (int64_t)(io->sem_value - io->sem_issued) > 0)
		snprintf(rep->sem_distrust, sizeof(rep->sem_distrust),
			 "*cmd_sem %#llx is beyond the last sequence the crashed kernel issued (%#llx): "
			 "someone else stored it", (unsigned long long)io->sem_value,
			 (unsigned long long)io->sem_issued);
	else
		return;
	rep->sem_trusted = false;
}

static bool crashed_entry(const struct ring_entry *e)
{
	return e->state != RING_ENTRY_CAPTURE && e->state != RING_ENTRY_APPENDED;
}

static void completion_state(const struct inventory *inv, const struct inv_iommu *io,
			     struct cmd_ring_report *rep)
{
	int newest_cw = -1;
	bool sem_ok;

	rep->retired_cw = -1;
	sem_trust(inv, io, rep);
	sem_ok = io->sem_known && rep->sem_trusted;
	for (unsigned i = 0; i < CMD_RING_ENTRIES && newest_cw < 0; i++)
		if (is_cw(&rep->entries[i].cmd) && crashed_entry(&rep->entries[i]))
			newest_cw = (int)i;

	switch (io->sem_kind) {
	case CMD_SEM_POINTER:
		if (!io->sem_known) {
			snprintf(rep->sem_summary, sizeof(rep->sem_summary),
				 "completion-wait semaphore page unreadable: nothing proven");
			break;
		}
		for (unsigned i = 0; sem_ok && i < CMD_RING_ENTRIES; i++) {
			const struct ring_entry *e = &rep->entries[i];

			if (crashed_entry(e) && is_cw(&e->cmd) && cw_matches(&e->cmd, io->sem_value)) {
				rep->retired_cw = (int)i;
				break;
			}
		}
		snprintf(rep->sem_summary, sizeof(rep->sem_summary),
			 "*cmd_sem=%#llx (last retired sequence), cmd_sem_val=%s%#llx (last issued)%s%s",
			 (unsigned long long)io->sem_value, io->sem_issued_known ? "" : "unknown ",
			 (unsigned long long)io->sem_issued, sem_ok ? "" : "; not trusted: ",
			 sem_ok ? "" : rep->sem_distrust);
		break;
	case CMD_SEM_EMBEDDED:
		/* 4.9..5.10: the driver zeroes cmd_sem before each CW and the
		 * IOMMU stores 1: 1 proves the newest CW retired. */
		if (sem_ok && io->sem_value == 1)
			rep->retired_cw = newest_cw;
		snprintf(rep->sem_summary, sizeof(rep->sem_summary),
			 "embedded cmd_sem=%llu: %s", (unsigned long long)io->sem_value,
			 !io->sem_known ? "unreadable" :
			 io->sem_value == 1 ? "the newest COMPLETION_WAIT retired" :
			 io->sem_value == 0 ? "a COMPLETION_WAIT was outstanding at capture" :
			 "unexpected value");
		break;
	case CMD_SEM_NONE:
		snprintf(rep->sem_summary, sizeof(rep->sem_summary),
			 "this kernel keeps no completion-wait semaphore in memory: nothing proven");
		break;
	}
	/* Everything retired: with a sequence number, *cmd_sem equal to the
	 * last one issued and nothing queued since (need_sync clear) proves
	 * every command the kernel queued complete, even when its newest
	 * COMPLETION_WAIT is no longer in the ring (overwritten by a capture
	 * kernel that reused the ring); with the embedded 0/1 semaphore, the
	 * newest COMPLETION_WAIT retired and nothing follows it. */
	if (io->sem_kind == CMD_SEM_POINTER)
		rep->all_retired = sem_ok && io->sem_issued_known && io->sem_value == io->sem_issued &&
				   !(io->need_sync_known && io->need_sync) &&
				   (rep->retired_cw <= 0 || rep->split.found);
	else
		rep->all_retired = io->sem_kind == CMD_SEM_EMBEDDED && rep->retired_cw == 0 &&
				   !(io->need_sync_known && io->need_sync);
	for (unsigned i = 0; i < CMD_RING_ENTRIES; i++) {
		struct ring_entry *e = &rep->entries[i];

		if (e->state == RING_ENTRY_EMPTY || !crashed_entry(e))
			continue;
		e->state = rep->all_retired || (rep->retired_cw >= 0 && (int)i >= rep->retired_cw) ?
			   RING_ENTRY_COMPLETE : RING_ENTRY_NOT_PROVEN;
		if (e->state == RING_ENTRY_NOT_PROVEN)
			rep->not_proven++;
	}
}

static void read_store(const struct target *t, const struct inventory *inv, struct flush_result *f,
		       const struct amdvi_cmd *cw, struct problems *pb)
{
	enum target_err err;

	f->store_addr = cw->u.cw.store_addr & ~inv->sme_me_mask;
	f->store_data = cw->u.cw.store_data;
	err = target_read_u64(t, TARGET_PHYSADDR, f->store_addr, &f->store_seen);
	if (err)
		problem_read(pb, err, TARGET_PHYSADDR, f->store_addr, 8,
			     "completion-wait store of the flush at ring offset %#x", f->cw_offset);
	else
		f->store_read = true;

	/* The reference flush module keeps its record where its COMPLETION_WAIT
	 * stores; anything else there simply has no record's magic. */
	f->has_record = flush_record_describe(t, f->store_addr, "store address", f->record, sizeof(f->record));
}

/* A flush written at and after the kernel's tail by someone else (the
 * reference flush module): its COMPLETION_WAIT stores somewhere else than the
 * kernel's semaphore. */
static bool find_appended(const struct target *t, const struct inventory *inv,
			  struct cmd_ring_report *rep, struct coverage *cv, struct problems *pb)
{
	uint64_t kaddr = 0;
	bool have_kaddr = kernel_cw_addr(rep, &kaddr);
	struct flush_result *f = &rep->flush;
	int n = 0;

	/* entries[] is newest first: the slot at the tail is the last one */
	for (int i = CMD_RING_ENTRIES - 1; i >= 0; i--, n++) {
		struct ring_entry *e = &rep->entries[i];

		if (e->state == RING_ENTRY_CAPTURE)
			return false;	/* what was there, the capture kernel overwrote */
		if (is_cw(&e->cmd)) {
			if (n == 0 || (have_kaddr && e->cmd.u.cw.store_addr == kaddr))
				return false;	/* the kernel's own history from the previous lap */
			f->appended = true;
			f->first_offset = rep->tail;
			f->cw_offset = e->offset;
			for (int k = CMD_RING_ENTRIES - 1; k >= i; k--)
				rep->entries[k].state = RING_ENTRY_APPENDED;
			read_store(t, inv, f, &e->cmd, pb);
			return true;
		}
		if (!is_flush_cmd(&e->cmd))
			return false;
		count_cmd(f, &e->cmd);
		coverage_add(cv, &e->cmd);
	}
	return false;
}

/* The newest entries the kernel queued: a flush if they are all flush
 * commands back to normal traffic and cover the device table. */
static void find_kernel_flush(struct cmd_ring_report *rep, struct coverage *cv)
{
	struct flush_result *f = &rep->flush;
	int first = -1;

	if (rep->entries[0].state == RING_ENTRY_CAPTURE ||
	    (!is_cw(&rep->entries[0].cmd) && !is_flush_cmd(&rep->entries[0].cmd)))
		return;
	for (unsigned i = 0; i < CMD_RING_ENTRIES; i++) {
		const struct ring_entry *e = &rep->entries[i];

		if (e->state == RING_ENTRY_APPENDED || e->state == RING_ENTRY_CAPTURE || is_empty(&e->cmd))
			break;
		if (is_cw(&e->cmd))
			continue;
		if (!is_flush_cmd(&e->cmd)) {
			f->after_traffic = true;
			break;
		}
		count_cmd(f, &e->cmd);
		coverage_add(cv, &e->cmd);
		first = (int)i;
	}
	if (first >= 0)
		f->first_offset = rep->entries[first].offset;
}

static void verdict_of_entries(const struct inv_iommu *io, struct cmd_ring_report *rep, struct coverage *cv)
{
	struct flush_result *f = &rep->flush;
	unsigned miss_dte = 0, miss_dom = 0;
	bool covered = coverage_complete(cv, &miss_dte, &miss_dom) && f->inv_dte > 0;
	bool full = f->inv_all > 0 || covered;
	char counts[200], partial[120] = "";

	snprintf(counts, sizeof(counts),
		 "%u INVALIDATE_IOMMU_ALL, %u INVALIDATE_DEVTAB_ENTRY, %u whole-domain "
		 "INVALIDATE_IOMMU_PAGES, %u INVALIDATE_INTERRUPT_TABLE",
		 f->inv_all, f->inv_dte, f->inv_domain, f->inv_irt);
	if (!full)
		snprintf(partial, sizeof(partial), " (not a full flush: %u valid devids and %u domains "
			 "not invalidated)", miss_dte, miss_dom);

	if (f->appended) {
		char seen[40];

		if (f->store_read)
			snprintf(seen, sizeof(seen), "%#llx", (unsigned long long)f->store_seen);
		else
			snprintf(seen, sizeof(seen), "an unreadable value");
		if (!f->store_read)
			f->verdict = FLUSH_UNKNOWN;
		else if (!full)
			f->verdict = FLUSH_NONE;
		else if (f->store_seen == f->store_data)
			f->verdict = FLUSH_COMPLETED;
		else
			f->verdict = FLUSH_QUEUED_NOT_COMPLETED;
		snprintf(f->evidence, sizeof(f->evidence),
			 "written after the kernel's tail, offsets %#x..%#x: %s%s; its COMPLETION_WAIT "
			 "stores %#llx to PA %#llx, which holds %s",
			 f->first_offset, f->cw_offset, counts, partial,
			 (unsigned long long)f->store_data, (unsigned long long)f->store_addr, seen);
		return;
	}
	if (!f->inv_all && !f->inv_dte && !f->inv_domain) {
		/* name the newest command that is not a COMPLETION_WAIT */
		char text[160] = "nothing but COMPLETION_WAITs";
		uint32_t at = rep->entries[0].offset;

		for (unsigned i = 0; i < CMD_RING_ENTRIES; i++) {
			const struct amdvi_cmd *c = &rep->entries[i].cmd;

			if (is_empty(c) || is_cw(c))
				continue;
			if (amdvi_cmd_format(c, text, sizeof(text)) < 0)
				snprintf(text, sizeof(text), "%s", amdvi_cmd_name(c->opcode));
			at = rep->entries[i].offset;
			break;
		}
		f->verdict = FLUSH_NONE;
		snprintf(f->evidence, sizeof(f->evidence),
			 "no flush: the newest command before the final COMPLETION_WAIT is ordinary "
			 "traffic (offset %#x: %s), and nothing was written after the kernel's tail",
			 at, text);
		return;
	}
	f->cw_offset = rep->entries[0].offset;
	if (!f->after_traffic) {
		/* Nothing but invalidations back to the ring's oldest entry: what
		 * a boot leaves (early_enable_iommus' flush, device attach) when no
		 * DMA mapping traffic followed, e.g. with iommu=pt. */
		f->verdict = FLUSH_NONE;
		snprintf(f->evidence, sizeof(f->evidence),
			 "no flush after ordinary traffic: back to the ring's oldest entry it holds only "
			 "invalidations (%s), which is what initialisation and device attach leave when no "
			 "DMA-mapping traffic follows; nothing was written after the kernel's tail", counts);
		return;
	}
	if (!full)
		f->verdict = FLUSH_NONE;
	else if (!is_cw(&rep->entries[0].cmd))
		f->verdict = FLUSH_QUEUED_NOT_COMPLETED;
	else if (rep->retired_cw == 0)
		f->verdict = FLUSH_COMPLETED;
	else if (io->sem_kind == CMD_SEM_NONE || !io->sem_known)
		f->verdict = FLUSH_UNKNOWN;
	else
		f->verdict = FLUSH_QUEUED_NOT_COMPLETED;
	snprintf(f->evidence, sizeof(f->evidence),
		 "the kernel's newest entries, offsets %#x..%#x: %s%s; %s",
		 f->first_offset, f->cw_offset, counts, partial,
		 !is_cw(&rep->entries[0].cmd) ? "no COMPLETION_WAIT follows them" :
		 rep->retired_cw == 0 ? "the COMPLETION_WAIT after them retired (its data matches *cmd_sem)" :
		 "the COMPLETION_WAIT after them is not proven retired");
}

/* When the ring no longer shows the crashed kernel's last commands, the
 * reference flush module (module/iommu_ref_flush), if it was loaded, still
 * has its own account in its record page, which the capture kernel does
 * not reuse: found through the module's symbol record_page (the page's
 * direct-map address) on the crashed kernel's module list.  Returns true
 * and sets the verdict when this IOMMU has a slot there. */
static bool verdict_from_module_record(const struct target *t, const struct inventory *inv,
				       const struct inv_iommu *io, struct flush_result *f,
				       const char *why_ring, struct problems *pb)
{
	struct module_sym_result ms;
	struct flush_record_info *info;
	const struct amdvi_flush_record *r = NULL;
	uint64_t va;
	enum target_err err;
	char line[sizeof(f->record)];
	bool done = false;

	module_symbol(t, "iommu_ref_flush", "record_page", &ms);
	if (ms.status == MODULE_SYM_NOT_LOADED || ms.status == MODULE_SYM_NO_TYPES)
		return false;
	if (ms.status != MODULE_SYM_OK) {
		problem_add(pb, ms.status == MODULE_SYM_READ ? PROBLEM_READ : PROBLEM_CORRUPT,
			    "iommu_ref_flush record", "%s", ms.why);
		return false;
	}
	if ((err = target_read_u64(t, TARGET_KVADDR, ms.addr, &va))) {
		problem_read(pb, err, TARGET_KVADDR, ms.addr, 8, "iommu_ref_flush:record_page");
		return false;
	}
	if (!va || !inv->page_offset_known || va < inv->page_offset_base)
		return false;	/* module loaded, no record page (not armed) */
	info = calloc(1, sizeof(*info));
	if (!info)
		return false;
	if (flush_record_read(t, va - inv->page_offset_base, info) == FLUSH_RECORD_OK) {
		for (unsigned i = 0; i < info->n_iommus && !r; i++)
			if (info->slot_ok[i] && info->slot[i].mmio_base == io->mmio_phys)
				r = &info->slot[i];
	}
	if (r && flush_record_format(r, line, sizeof(line)) >= 0) {
		bool written = r->steps & AMDVI_FLUSH_STEP_WRITTEN;
		bool partial = r->flags & AMDVI_FLUSH_F_TRUNCATED;

		f->has_record = true;
		memcpy(f->record, line, sizeof(f->record));
		f->verdict = !written || partial ? FLUSH_NONE :
			     flush_record_completed(r) ? FLUSH_COMPLETED : FLUSH_QUEUED_NOT_COMPLETED;
		snprintf(f->evidence, sizeof(f->evidence),
			 "%s; the reference flush module's own record (iommu_ref_flush:record_page, page PA "
			 "%#llx, not reused by the capture kernel) says: %s",
			 why_ring, (unsigned long long)(va - inv->page_offset_base),
			 !written ? "it wrote no flush for this IOMMU" :
			 partial ? "its flush did not fit the ring (not a full flush)" :
			 flush_record_completed(r) ? "its COMPLETION_WAIT's store landed (flush completed)" :
			 "its flush was queued, and the completion store never landed");
		done = true;
	}
	free(info);
	return done;
}

/* The verdict, on a ring the capture kernel reused in place resting only
 * on the crashed kernel's surviving entries, and saying so. */
static void verdict(const struct target *t, const struct inventory *inv, const struct inv_iommu *io,
		    struct cmd_ring_report *rep, struct coverage *cv, struct problems *pb)
{
	struct flush_result *f = &rep->flush;
	const struct ring_split *sp = &rep->split;
	char own[sizeof(f->evidence)];

	if (!sp->found) {
		verdict_of_entries(io, rep, cv);
		return;
	}
	if (sp->whole_ring || rep->entries[0].state == RING_ENTRY_CAPTURE) {
		char why[sizeof(f->evidence) / 2];

		snprintf(why, sizeof(why),
			 "the capture kernel reused this ring in place and overwrote the crashed kernel's "
			 "newest entries (its tail %#x): %s", rep->tail, sp->evidence);
		if (verdict_from_module_record(t, inv, io, f, why, pb))
			return;
		f->verdict = FLUSH_UNKNOWN;
		snprintf(f->evidence, sizeof(f->evidence),
			 "%s; nothing in the ring shows what the crashed kernel queued last (%u of its "
			 "older entries survive)", why, rep->crashed_entries);
		return;
	}
	verdict_of_entries(io, rep, cv);
	if (!f->appended && f->verdict == FLUSH_NONE && !f->after_traffic &&
	    (f->inv_all || f->inv_dte || f->inv_domain)) {
		/* Invalidations back to where the capture kernel's entries
		 * begin: what preceded them (traffic or boot) is overwritten. */
		f->verdict = FLUSH_UNKNOWN;
		snprintf(own, sizeof(own),
			 "the crashed kernel's surviving newest entries are only invalidations (%u "
			 "INVALIDATE_IOMMU_ALL, %u INVALIDATE_DEVTAB_ENTRY, %u whole-domain "
			 "INVALIDATE_IOMMU_PAGES) back to the capture kernel's; whether ordinary traffic "
			 "preceded them is overwritten", f->inv_all, f->inv_dte, f->inv_domain);
	} else {
		memcpy(own, f->evidence, sizeof(own));
	}
	snprintf(f->evidence, sizeof(f->evidence),
		 "ring reused in place by the capture kernel: %s; the verdict rests on the crashed "
		 "kernel's %u surviving entries: %s", sp->evidence, rep->crashed_entries, own);
}

void cmd_ring_analyse(const struct target *t, const struct inventory *inv,
		      const struct inv_iommu *io, struct cmd_ring_report *rep,
		      struct problems *pb)
{
	struct amdvi_ring_iter it;
	uint32_t off;
	unsigned i = 0;
	struct coverage *cv;

	memset(rep, 0, sizeof(*rep));
	rep->retired_cw = -1;
	rep->sem_value = io->sem_value;
	rep->sem_issued = io->sem_issued;
	rep->tail = io->tail_sw;
	rep->head_sw = io->head_sw;
	if (!io->ring_ok) {
		rep->flush.verdict = FLUSH_UNKNOWN;
		snprintf(rep->flush.evidence, sizeof(rep->flush.evidence),
			 "the command ring could not be read from the dump");
		return;
	}
	rep->ordered = io->sw_ring && amdvi_ring_check_offset(INV_CMD_RING_SIZE, io->tail_sw) == 0;
	if (io->sw_ring && !rep->ordered)
		problem_add(pb, PROBLEM_CORRUPT, "cmd_buf_tail",
			    "software tail %#x is not a 16-byte offset inside the 8 KiB ring", io->tail_sw);
	if (rep->ordered)
		amdvi_ring_iter_init(&it, INV_CMD_RING_SIZE, io->tail_sw);
	else
		amdvi_ring_iter_init(&it, INV_CMD_RING_SIZE, 0);
	ring_split_find(io, inv->sme_me_mask, &rep->split);
	while (amdvi_ring_iter_next(&it, &off) && i < CMD_RING_ENTRIES) {
		struct ring_entry *e = &rep->entries[i];
		uint32_t w[4];

		memcpy(w, io->ring + off, 16);
		e->offset = off;
		e->age = i;
		amdvi_cmd_decode(w, &e->cmd);
		e->state = is_empty(&e->cmd) ? RING_ENTRY_EMPTY : RING_ENTRY_NOT_PROVEN;
		if (e->state != RING_ENTRY_EMPTY) {
			rep->n_entries++;
			if (rep->split.found && off < rep->split.end) {
				e->state = RING_ENTRY_CAPTURE;
				rep->capture_entries++;
			} else {
				rep->crashed_entries++;
			}
		}
		i++;
	}
	if (!rep->ordered) {
		rep->flush.verdict = FLUSH_UNKNOWN;
		if (io->sw_ring)
			snprintf(rep->flush.evidence, sizeof(rep->flush.evidence),
				 "the software tail %#x is not an offset inside the ring (damaged): "
				 "the ring's order is unknown", io->tail_sw);
		else
			snprintf(rep->flush.evidence, sizeof(rep->flush.evidence),
				 "no software tail in this kernel (before d334a5637dfb): the ring's order is unknown");
		completion_state(inv, io, rep);
		return;
	}
	cv = calloc(1, sizeof(*cv));
	if (!cv) {
		rep->flush.verdict = FLUSH_UNKNOWN;
		return;
	}
	coverage_need(cv, inv, io->segment);
	if (!find_appended(t, inv, rep, cv, pb)) {
		memset(cv->dte_seen, 0, sizeof(cv->dte_seen));
		memset(cv->dom_seen, 0, sizeof(cv->dom_seen));
		memset(&rep->flush, 0, sizeof(rep->flush));
		completion_state(inv, io, rep);
		find_kernel_flush(rep, cv);
	} else {
		completion_state(inv, io, rep);
	}
	verdict(t, inv, io, rep, cv, pb);
	free(cv);
}
