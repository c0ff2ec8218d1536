/* The capture kernel's run of commands at the start of a reused command ring. */
#include <stdio.h>
#include <string.h>

#include "amdvi/command.h"
#include "backend/amdvi/cmd_ring.h"
#include "backend/amdvi/ring_split.h"

static bool slot_cw(const struct inv_iommu *io, unsigned slot, uint64_t me_mask,
		    uint64_t *pa, uint64_t *seq)
{
	struct amdvi_cmd c;
	uint32_t w[4];

	memcpy(w, io->ring + slot * 16, 16);
	amdvi_cmd_decode(w, &c);
	if (!c.known || c.opcode != AMDVI_CMD_COMPLETION_WAIT || !c.u.cw.s)
		return false;
	*pa = c.u.cw.store_addr & ~me_mask;
	*seq = c.u.cw.store_data;
	return true;
}

void ring_split_find(const struct inv_iommu *io, uint64_t me_mask, struct ring_split *rs)
{
	uint64_t sem_pa = io->sem_pa & ~me_mask, pa, seq, prev = 0;
	unsigned first = CMD_RING_ENTRIES, last = 0, next_cw = CMD_RING_ENTRIES;
	bool wrapped = false, crashed_cw_anywhere = false;
	uint64_t next_seq = 0, min_seq = 0;

	memset(rs, 0, sizeof(*rs));
	if (!io->ring_ok)
		return;
	for (unsigned s = 0; s < CMD_RING_ENTRIES; s++) {
		if (!slot_cw(io, s, me_mask, &pa, &seq))
			continue;
		if (io->sem_pa_known && pa == sem_pa)
			crashed_cw_anywhere = true;
		if (first == CMD_RING_ENTRIES) {
			first = last = s;
			rs->store_pa = pa;
			rs->first_seq = rs->last_seq = prev = min_seq = seq;
			rs->cws = 1;
			continue;
		}
		if (next_cw != CMD_RING_ENTRIES)
			continue;
		/* The run goes on while the store address stays the same; into
		 * the crashed kernel's own semaphore page only while the
		 * sequence counts on by one (the crashed kernel's older
		 * entries carry its larger numbers). */
		if (pa == rs->store_pa) {
			bool own_page = !io->sem_pa_known || pa == sem_pa;

			if (!own_page || seq == prev + 1) {
				if (seq < prev)
					wrapped = true;	/* went round the ring */
				last = s;
				if (seq > rs->last_seq)
					rs->last_seq = seq;
				if (seq < min_seq)
					min_seq = seq;
				prev = seq;
				rs->cws++;
				continue;
			}
		}
		next_cw = s;
		next_seq = seq;
	}
	if (first == CMD_RING_ENTRIES)
		return;
	if (io->sem_pa_known && rs->store_pa != sem_pa && (rs->cws >= 2 || rs->first_seq == 1)) {
		/* Another semaphore than the crashed kernel's: not its commands.
		 * (A lone COMPLETION_WAIT elsewhere may be a flush appended at
		 * the kernel's tail that wrapped to slot 0: cmd_ring.c's.) */
		rs->found = true;
	} else if (rs->first_seq == 1 && next_cw != CMD_RING_ENTRIES && next_seq > rs->last_seq + 1 &&
		   io->sem_known && io->sem_value == rs->last_seq &&
		   io->sem_issued_known && io->sem_issued > next_seq) {
		/* The crashed kernel's semaphore page, but a count restarted at 1
		 * in slot 0, broken by older, larger sequence numbers, and the
		 * semaphore holds the end of that count, not the crashed kernel's
		 * last issued one: a capture kernel that reused the page (SNP). */
		rs->found = true;
		rs->same_sem = true;
	}
	if (!rs->found)
		return;
	rs->end = (last + 1) * 16;
	rs->whole_ring = wrapped && !crashed_cw_anywhere;
	if (rs->whole_ring)
		rs->end = CMD_RING_ENTRIES * 16;
	char range[40] = "every slot is";

	if (!rs->whole_ring)
		snprintf(range, sizeof(range), "offsets 0..%#x are", rs->end - 16);
	if (rs->same_sem)
		snprintf(rs->evidence, sizeof(rs->evidence),
			 "offsets 0..%#x are the capture kernel's: %u COMPLETION_WAITs counting %llu..%llu from "
			 "slot 0 into the crashed kernel's own semaphore page (reused with SNP), then older "
			 "sequence %#llx", rs->end - 16, rs->cws, (unsigned long long)rs->first_seq,
			 (unsigned long long)rs->last_seq, (unsigned long long)next_seq);
	else
		snprintf(rs->evidence, sizeof(rs->evidence),
			 "%s the capture kernel's: %u COMPLETION_WAITs (sequence %llu..%llu) store to PA %#llx, "
			 "not to the crashed kernel's cmd_sem at PA %#llx%s",
			 range, rs->cws,
			 (unsigned long long)min_seq, (unsigned long long)rs->last_seq,
			 (unsigned long long)rs->store_pa, (unsigned long long)sem_pa,
			 rs->whole_ring ? " (their sequence numbers wrap: it went round the ring)" : "");
}
