/*
 * Flush verdict of a VT-d invalidation queue from a dump's snapshot of
 * the ring, desc_status[] and the software indices.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vtd/qi_verdict.h"

#define RING_MASK	(VTD_QI_LENGTH - 1)

const char *vtd_qi_verdict_name(enum vtd_qi_verdict v)
{
	switch (v) {
	case VTD_QI_VERDICT_IDLE:	return "idle";
	case VTD_QI_VERDICT_COMPLETED:	return "completed";
	case VTD_QI_VERDICT_QUEUED:	return "queued-not-completed";
	case VTD_QI_VERDICT_ABORTED:	return "aborted";
	case VTD_QI_VERDICT_UNKNOWN:	return "unknown";
	}
	return "?";
}

static void set_reason(struct vtd_qi_flush_verdict *out, enum vtd_qi_verdict v,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_reason(struct vtd_qi_flush_verdict *out, enum vtd_qi_verdict v,
		       const char *fmt, ...)
{
	va_list ap;

	out->verdict = v;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

static bool ring_all_zero(const struct vtd_qi_snapshot *s)
{
	const uint8_t *p = (const uint8_t *)s->ring;
	size_t i, n = (size_t)VTD_QI_LENGTH * s->desc_size;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	for (i = 0; i < VTD_QI_LENGTH; i++)
		if (s->desc_status[i])
			return false;
	return true;
}

/* The slot's descriptor, decoded; false if it cannot be loaded. */
static bool load_desc(const struct vtd_qi_snapshot *s, unsigned int slot, struct vtd_qi_desc *d)
{
	uint64_t qw[4];

	if (vtd_qi_desc_load(s->ring, s->ring_len, s->desc_size, slot, qw))
		return false;
	return vtd_qi_desc_decode(qw, d) == VTD_OK;
}

static uint64_t status_addr_of(const struct vtd_qi_snapshot *s, unsigned int slot)
{
	return s->status_pa + 4ULL * slot;
}

/* An SW wait whose status write goes into desc_status[slot]. */
static bool is_own_wait(const struct vtd_qi_snapshot *s, unsigned int slot,
			const struct vtd_qi_desc *d)
{
	return d->type == VTD_QI_IWD && d->u.wait.sw &&
	       d->u.wait.status_addr == status_addr_of(s, slot);
}

/*
 * Pending slots, notes on the status array and on wait descriptors;
 * returns true if a pending wait other than the last one is IN_USE.
 */
static bool scan(const struct vtd_qi_snapshot *s, struct vtd_qi_flush_verdict *out)
{
	unsigned int tail = (unsigned int)s->free_tail;
	unsigned int i, slot;
	struct vtd_qi_desc d;
	bool older_in_use = false;

	for (i = 0; i < VTD_QI_LENGTH; i++) {
		int32_t st = s->desc_status[i];
		bool inside = ((i - tail) & RING_MASK) < out->used;

		if (st < VTD_QI_FREE || st > VTD_QI_ABORT)
			out->notes |= VTD_QI_NOTE_BAD_STATUS_VALUE;
		if (st != VTD_QI_FREE && !inside)
			out->notes |= VTD_QI_NOTE_BUSY_OUTSIDE;
		if (load_desc(s, i, &d) && d.type == VTD_QI_IWD && d.u.wait.sw &&
		    d.u.wait.status_addr != status_addr_of(s, i) &&
		    d.u.wait.status_addr >= s->status_pa &&
		    d.u.wait.status_addr < status_addr_of(s, VTD_QI_LENGTH))
			out->notes |= VTD_QI_NOTE_WAIT_COPY;
	}

	for (i = 0; i < out->used; i++) {
		slot = (tail + i) & RING_MASK;
		if (s->desc_status[slot] == VTD_QI_FREE)
			continue;
		out->pending[out->n_pending++] = (uint8_t)slot;
		if (load_desc(s, slot, &d) && is_own_wait(s, slot, &d)) {
			out->n_pending_waits++;
			if (slot != (unsigned int)out->wait_slot &&
			    s->desc_status[slot] == VTD_QI_IN_USE)
				older_in_use = true;
		}
	}
	return older_in_use;
}

int vtd_qi_flush_verdict(const struct vtd_qi_snapshot *s, struct vtd_qi_flush_verdict *out)
{
	unsigned int w;
	bool older_in_use;
	int32_t st;
	uint64_t want;
	const struct vtd_qi_wait *wd;

	if (!s || !out || !s->ring || !s->desc_status)
		return VTD_ERR_ARG;
	if (s->desc_size != VTD_QI_DESC_SIZE_128 && s->desc_size != VTD_QI_DESC_SIZE_256)
		return VTD_ERR_SIZE;
	if (s->ring_len < (size_t)VTD_QI_LENGTH * s->desc_size)
		return VTD_ERR_SIZE;
	memset(out, 0, sizeof(*out));
	out->wait_slot = -1;

	if (s->free_head < 0 || s->free_head >= VTD_QI_LENGTH) {
		set_reason(out, VTD_QI_VERDICT_UNKNOWN, "free_head %d is not a slot (0-255)",
			   s->free_head);
		return VTD_OK;
	}
	if (s->free_tail < 0 || s->free_tail >= VTD_QI_LENGTH) {
		set_reason(out, VTD_QI_VERDICT_UNKNOWN, "free_tail %d is not a slot (0-255)",
			   s->free_tail);
		return VTD_OK;
	}

	w = (unsigned int)(s->free_head + VTD_QI_LENGTH - 1) & RING_MASK;
	out->wait_slot = (int)w;
	out->wait_status = s->desc_status[w];
	load_desc(s, w, &out->wait);
	out->used = (unsigned int)(s->free_head - s->free_tail) & RING_MASK;
	out->counters_ok = s->free_cnt == VTD_QI_LENGTH - (int)out->used;
	older_in_use = scan(s, out);

	if (s->free_head == 0 && s->free_tail == 0 && s->free_cnt == VTD_QI_LENGTH &&
	    ring_all_zero(s)) {
		out->wait_slot = -1;
		set_reason(out, VTD_QI_VERDICT_IDLE, "never used: indices 0, ring and "
			   "desc_status all zero");
		return VTD_OK;
	}
	if (!out->counters_ok) {
		set_reason(out, VTD_QI_VERDICT_UNKNOWN, "free_cnt %d disagrees with free_head %d "
			   "and free_tail %d (expected %u)", s->free_cnt, s->free_head,
			   s->free_tail, VTD_QI_LENGTH - out->used);
		return VTD_OK;
	}

	if (out->wait.type != VTD_QI_IWD) {
		set_reason(out, VTD_QI_VERDICT_UNKNOWN, "slot %u (free_head - 1) holds %s, not an "
			   "invalidation wait", w, vtd_qi_type_name(out->wait.type));
		return VTD_OK;
	}
	wd = &out->wait.u.wait;
	if (!wd->sw) {
		set_reason(out, VTD_QI_VERDICT_UNKNOWN, "the wait at slot %u has no status write",
			   w);
		return VTD_OK;
	}
	want = status_addr_of(s, w);
	if (wd->status_addr != want) {
		if (wd->status_addr >= s->status_pa &&
		    wd->status_addr < status_addr_of(s, VTD_QI_LENGTH) &&
		    !((wd->status_addr - s->status_pa) & 3))
			set_reason(out, VTD_QI_VERDICT_UNKNOWN, "the wait at slot %u writes "
				   "desc_status[%llu], not desc_status[%u]", w,
				   (unsigned long long)((wd->status_addr - s->status_pa) / 4), w);
		else
			set_reason(out, VTD_QI_VERDICT_UNKNOWN, "the wait at slot %u writes to "
				   "0x%llx, not desc_status[%u] at 0x%llx", w,
				   (unsigned long long)wd->status_addr, w,
				   (unsigned long long)want);
		return VTD_OK;
	}
	if (wd->status_data != VTD_QI_DONE) {
		set_reason(out, VTD_QI_VERDICT_UNKNOWN, "the wait at slot %u stores %u, not "
			   "QI_DONE", w, wd->status_data);
		return VTD_OK;
	}
	out->wait_ok = true;

	st = s->desc_status[w];
	/* the hardware completes waits in queue order */
	if ((st == VTD_QI_FREE || st == VTD_QI_DONE) && older_in_use)
		out->notes |= VTD_QI_NOTE_OLDER_WAIT_PENDING;
	switch (st) {
	case VTD_QI_FREE:
		set_reason(out, VTD_QI_VERDICT_COMPLETED, "the wait at slot %u completed and its "
			   "submitter reclaimed the slots (free)", w);
		break;
	case VTD_QI_DONE:
		set_reason(out, VTD_QI_VERDICT_COMPLETED, "the wait at slot %u completed (done); "
			   "its submitter had not yet freed the slots", w);
		break;
	case VTD_QI_IN_USE:
		set_reason(out, VTD_QI_VERDICT_QUEUED, "the wait at slot %u is still in-use: "
			   "queued, its status write not seen", w);
		break;
	case VTD_QI_ABORT:
		set_reason(out, VTD_QI_VERDICT_ABORTED, "the wait at slot %u was aborted after an "
			   "invalidation time-out", w);
		break;
	default:
		set_reason(out, VTD_QI_VERDICT_UNKNOWN, "desc_status[%u] is %d, not a QI_* value",
			   w, st);
		break;
	}
	return VTD_OK;
}

int vtd_qi_flush_verdict_format(const struct vtd_qi_flush_verdict *v, char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };

	if (buf && len)
		buf[0] = '\0';
	if (!v)
		return VTD_ERR_ARG;
	vtd_strbuf_printf(&sb, "%s: %s", vtd_qi_verdict_name(v->verdict), v->reason);
	if (v->verdict == VTD_QI_VERDICT_IDLE)
		return sb.total;
	vtd_strbuf_printf(&sb, "; %u pending slot%s (%u wait%s)", v->n_pending,
			  v->n_pending == 1 ? "" : "s", v->n_pending_waits,
			  v->n_pending_waits == 1 ? "" : "s");
	if (v->notes & VTD_QI_NOTE_OLDER_WAIT_PENDING)
		vtd_strbuf_printf(&sb, "; an older wait is still in-use");
	if (v->notes & VTD_QI_NOTE_BUSY_OUTSIDE)
		vtd_strbuf_printf(&sb, "; busy status outside free_tail..free_head");
	if (v->notes & VTD_QI_NOTE_BAD_STATUS_VALUE)
		vtd_strbuf_printf(&sb, "; desc_status holds values other than 0-3");
	if (v->notes & VTD_QI_NOTE_WAIT_COPY)
		vtd_strbuf_printf(&sb, "; a wait names another slot's status (queue-error copy?)");
	return sb.total;
}
