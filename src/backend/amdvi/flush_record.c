/* The reference-flush module's record in a dump (include/backend/amdvi/flush_record.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amdvi/common.h"
#include "backend/amdvi/flush_record.h"

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Decode one 128-byte slot from its bytes, whatever the host's byte order. */
static void decode(const uint8_t *b, struct amdvi_flush_record *r)
{
	r->completion = le64(b + 0);
	r->magic = le64(b + 8);
	r->version = le32(b + 16);
	r->n_iommus = le16(b + 20);
	r->index = le16(b + 22);
	r->value = le64(b + 24);
	r->mmio_base = le64(b + 32);
	r->segment = le16(b + 40);
	r->devid = le16(b + 42);
	r->flags = le32(b + 44);
	r->steps = le32(b + 48);
	r->n_cmds = le32(b + 52);
	r->head_before = le32(b + 56);
	r->tail_before = le32(b + 60);
	r->tail_after = le32(b + 64);
	r->wait_us = le32(b + 68);
	r->t_start_ns = le64(b + 72);
	r->t_done_ns = le64(b + 80);
	r->tsc_start = le64(b + 88);
	r->efr = le64(b + 96);
	r->control_before = le64(b + 104);
	r->control_after = le64(b + 112);
	r->cmdbuf_pa = le64(b + 120);
}

static int check(const struct amdvi_flush_record *r, unsigned index)
{
	if (r->magic != AMDVI_FLUSH_RECORD_MAGIC)
		return FLUSH_RECORD_E_MAGIC;
	if (r->version != AMDVI_FLUSH_RECORD_VERSION)
		return FLUSH_RECORD_E_VERSION;
	if (r->index != index || !r->n_iommus || r->n_iommus > AMDVI_FLUSH_RECORD_MAX_IOMMUS ||
	    r->index >= r->n_iommus)
		return FLUSH_RECORD_E_BOUNDS;
	return FLUSH_RECORD_OK;
}

int flush_record_read(const struct target *t, uint64_t pa, struct flush_record_info *out)
{
	uint8_t b[AMDVI_FLUSH_RECORD_SLOT_SIZE];
	struct amdvi_flush_record self;
	int rc;

	if (!out)
		return FLUSH_RECORD_E_ARG;
	memset(out, 0, sizeof(*out));
	out->pa = pa;
	if (!t)
		return FLUSH_RECORD_E_ARG;
	if (pa % AMDVI_FLUSH_RECORD_SLOT_SIZE)
		return FLUSH_RECORD_E_BOUNDS;
	out->self = (unsigned)((pa % AMDVI_FLUSH_RECORD_PAGE_SIZE) / AMDVI_FLUSH_RECORD_SLOT_SIZE);
	out->page_pa = pa - (uint64_t)out->self * AMDVI_FLUSH_RECORD_SLOT_SIZE;
	out->read_err = target_read(t, TARGET_PHYSADDR, pa, b, sizeof(b));
	if (out->read_err != TARGET_OK)
		return FLUSH_RECORD_E_READ;
	decode(b, &self);
	rc = check(&self, out->self);
	if (rc)
		return rc;
	out->n_iommus = self.n_iommus;
	for (unsigned i = 0; i < out->n_iommus; i++) {
		struct amdvi_flush_record r;

		if (i == out->self) {
			out->slot[i] = self;
			out->slot_ok[i] = true;
			continue;
		}
		if (target_read(t, TARGET_PHYSADDR, out->page_pa + (uint64_t)i * AMDVI_FLUSH_RECORD_SLOT_SIZE,
				b, sizeof(b)) != TARGET_OK)
			continue;
		decode(b, &r);
		if (check(&r, i) || r.n_iommus != self.n_iommus)
			continue;
		out->slot[i] = r;
		out->slot_ok[i] = true;
	}
	return FLUSH_RECORD_OK;
}

const char *flush_record_strerror(int status)
{
	switch (status) {
	case FLUSH_RECORD_OK:		return "ok";
	case FLUSH_RECORD_E_ARG:	return "bad argument";
	case FLUSH_RECORD_E_READ:	return "the record's memory could not be read";
	case FLUSH_RECORD_E_MAGIC:	return "no flush record at the store address";
	case FLUSH_RECORD_E_VERSION:	return "flush record of an unknown version";
	case FLUSH_RECORD_E_BOUNDS:	return "flush record inconsistent (alignment, slot index or count)";
	}
	return "?";
}

const struct amdvi_flush_record *flush_record_self(const struct flush_record_info *info)
{
	if (!info || !info->n_iommus || info->self >= info->n_iommus || !info->slot_ok[info->self])
		return NULL;
	return &info->slot[info->self];
}

bool flush_record_completed(const struct amdvi_flush_record *r)
{
	return r && r->completion == r->value && r->completion != AMDVI_FLUSH_RECORD_PENDING;
}

struct bitname {
	uint32_t bit;
	const char *name;
};

static int names(uint32_t v, const struct bitname *n, size_t count, char *buf, size_t len)
{
	struct amdvi_strbuf sb = { buf, len, 0 };
	bool any = false;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		if (!(v & n[i].bit))
			continue;
		amdvi_strbuf_printf(&sb, "%s%s", any ? "," : "", n[i].name);
		v &= ~n[i].bit;
		any = true;
	}
	if (v) {
		amdvi_strbuf_printf(&sb, "%s%#x", any ? "," : "", v);
		any = true;
	}
	if (!any)
		amdvi_strbuf_printf(&sb, "-");
	return sb.total;
}

int flush_record_steps_str(uint32_t steps, char *buf, size_t len)
{
	static const struct bitname n[] = {
		{ AMDVI_FLUSH_STEP_ARMED, "armed" },
		{ AMDVI_FLUSH_STEP_ENTERED, "entered" },
		{ AMDVI_FLUSH_STEP_WRITTEN, "written" },
		{ AMDVI_FLUSH_STEP_DOORBELL, "doorbell" },
		{ AMDVI_FLUSH_STEP_COMPLETED, "completed" },
		{ AMDVI_FLUSH_STEP_DISABLED, "disabled" },
	};

	return names(steps, n, sizeof(n) / sizeof(n[0]), buf, len);
}

int flush_record_flags_str(uint32_t flags, char *buf, size_t len)
{
	static const struct bitname n[] = {
		{ AMDVI_FLUSH_F_DISABLE, "disable" },
		{ AMDVI_FLUSH_F_NO_DOORBELL, "no-doorbell" },
		{ AMDVI_FLUSH_F_IA, "ia" },
		{ AMDVI_FLUSH_F_BY_NOTIFIER, "panic-notifier" },
		{ AMDVI_FLUSH_F_BY_KPROBE, "kexec-probe" },
		{ AMDVI_FLUSH_F_TIMEOUT, "timeout" },
		{ AMDVI_FLUSH_F_NOT_ENABLED, "not-enabled" },
		{ AMDVI_FLUSH_F_BAD_REGS, "bad-registers" },
		{ AMDVI_FLUSH_F_TRUNCATED, "truncated" },
		{ AMDVI_FLUSH_F_HALTED, "halted" },
		{ AMDVI_FLUSH_F_RING_BUSY, "ring-busy" },
		{ AMDVI_FLUSH_F_VTD, "vtd" },
		{ AMDVI_FLUSH_F_FAULTED, "queue-error" },
	};

	return names(flags, n, sizeof(n) / sizeof(n[0]), buf, len);
}

int flush_record_format(const struct amdvi_flush_record *r, char *buf, size_t len)
{
	struct amdvi_strbuf sb = { buf, len, 0 };
	char steps[120], flags[160];

	if (len)
		buf[0] = '\0';
	if (!r)
		return -1;
	flush_record_steps_str(r->steps, steps, sizeof(steps));
	flush_record_flags_str(r->flags, flags, sizeof(flags));
	if (r->flags & AMDVI_FLUSH_F_VTD) {
		/* a DMAR unit's slot: fields as include/amdvi/flush_record.h reads them */
		amdvi_strbuf_printf(&sb, "module record slot %u/%u: DMAR unit at %#llx seg %u: "
				    "steps %s; flags %s; %u descriptors at IQT %#x (IQH %#x, IQT after %#x); "
				    "status word %#llx %s value %#llx (%s); GSTS %#x FSTS %#x before, GSTS %#x FSTS %#x after; "
				    "waited %u us; t=%llu.%09llu s",
				    r->index, r->n_iommus, (unsigned long long)r->mmio_base, r->segment, steps, flags,
				    r->n_cmds, r->tail_before, r->head_before, r->tail_after,
				    (unsigned long long)r->completion, flush_record_completed(r) ? "=" : "!=",
				    (unsigned long long)r->value,
				    flush_record_completed(r) ? "status write landed" : "status write never landed",
				    (unsigned)r->control_before, (unsigned)(r->control_before >> 32),
				    (unsigned)r->control_after, (unsigned)(r->control_after >> 32),
				    r->wait_us, (unsigned long long)(r->t_start_ns / 1000000000ULL),
				    (unsigned long long)(r->t_start_ns % 1000000000ULL));
		return sb.total;
	}
	amdvi_strbuf_printf(&sb, "module record slot %u/%u: IOMMU mmio %#llx seg %u devid %02x:%02x.%x: "
			    "steps %s; flags %s; %u commands at tail %#x (head %#x, tail after %#x); "
			    "completion %#llx %s value %#llx (%s); waited %u us; t=%llu.%09llu s",
			    r->index, r->n_iommus, (unsigned long long)r->mmio_base, r->segment,
			    AMDVI_DEVID_BUS(r->devid), AMDVI_DEVID_SLOT(r->devid), AMDVI_DEVID_FUNC(r->devid),
			    steps, flags, r->n_cmds, r->tail_before, r->head_before, r->tail_after,
			    (unsigned long long)r->completion, flush_record_completed(r) ? "=" : "!=",
			    (unsigned long long)r->value,
			    flush_record_completed(r) ? "store landed" : "store never landed",
			    r->wait_us, (unsigned long long)(r->t_start_ns / 1000000000ULL),
			    (unsigned long long)(r->t_start_ns % 1000000000ULL));
	return sb.total;
}

bool flush_record_describe(const struct target *t, uint64_t pa, const char *what, char *buf, size_t len)
{
	struct flush_record_info *info = calloc(1, sizeof(*info));
	const struct amdvi_flush_record *self;
	int rc;

	if (!info) {
		snprintf(buf, len, "no reference-flush record read at the %s (out of memory)", what);
		return false;
	}
	rc = flush_record_read(t, pa, info);
	self = rc == FLUSH_RECORD_OK ? flush_record_self(info) : NULL;
	bool found = self && flush_record_format(self, buf, len) >= 0;

	if (!found)
		snprintf(buf, len, "no reference-flush record at the %s (%s)", what, flush_record_strerror(rc));
	free(info);
	return found;
}
