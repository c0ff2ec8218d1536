/*
 * Recognition of one AMD IOMMU driver message, after prefix stripping.
 *
 * Message shape (docs/log-formats.md has every era):
 *
 *   [<driver> <device>: ] [AMD-Vi: | AMD IOMMU: ] content
 *
 * where <device> is a PCI name (pci_err: "nvme 0000:01:00.0: ") or an IOMMU
 * (dev_err on iommu->iommu.dev: "iommu ivhd0: ").  The content is matched by
 * hand against the driver's format strings; the "Event logged [" fields are
 * read as key=value pairs separated by spaces and/or commas, so new fields
 * and reordered fields still parse.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "klog/klog_line.h"
#include "klog/klog_scan.h"

/* "0x<hex>" occupying exactly s[i..e); false if malformed or > 64 bits. */
static bool hex_value(const char *s, size_t i, size_t e, uint64_t *v, size_t *ndig)
{
	if (e < i + 3 || s[i] != '0' || (s[i + 1] != 'x' && s[i + 1] != 'X'))
		return false;
	size_t d = hex_digits(s, e, i + 2, 16, v);
	if (d == 0 || i + 2 + d != e)
		return false;
	if (ndig)
		*ndig = d;
	return true;
}

size_t klog_parse_pci(const char *s, size_t n, size_t i, struct klog_pciname *pn)
{
	uint64_t a, b, c, f;
	size_t da = hex_digits(s, n, i, 5, &a);
	if (!da || i + da >= n || s[i + da] != ':')
		return 0;
	size_t j = i + da + 1;
	size_t db = hex_digits(s, n, j, 3, &b);
	if (!db || j + db >= n)
		return 0;
	j += db;
	memset(pn, 0, sizeof(*pn));
	if (s[j] == ':') {
		/* segment:bus:dev.fn */
		j++;
		size_t dc = hex_digits(s, n, j, 3, &c);
		if (!dc || j + dc >= n || s[j + dc] != '.' || da > 4 || db > 2 || dc > 2)
			return 0;
		j += dc + 1;
		if (!hex_digits(s, n, j, 1, &f) || (j + 1 < n && hexval(s[j + 1]) >= 0))
			return 0;
		pn->has_seg = true;
		pn->seg = (uint16_t)a;
		a = b;
		b = c;
	} else if (s[j] == '.') {
		j++;
		if (da > 2 || db > 2 || !hex_digits(s, n, j, 1, &f) || (j + 1 < n && hexval(s[j + 1]) >= 0))
			return 0;
	} else {
		return 0;
	}
	if (a > 0xff || b > 0x1f || f > 7)
		return 0;
	pn->bus = (uint8_t)a;
	pn->dev = (uint8_t)b;
	pn->fn = (uint8_t)f;
	return j + 1;
}

void klog_set_dev(struct klog_record *r, const struct klog_pciname *pn)
{
	r->bus = pn->bus;
	r->dev = pn->dev;
	r->fn = pn->fn;
	r->has |= KLOG_HAS_BDF;
	if (pn->has_seg) {
		r->segment = pn->seg;
		r->has |= KLOG_HAS_SEGMENT;
	} else {
		r->has &= ~KLOG_HAS_SEGMENT;
		r->segment = 0;
	}
}

struct devprefix {
	bool ok, is_pci, is_ivhd;
	struct klog_pciname pci;
	const char *drv;
	size_t drv_len;
	const char *name;
	size_t name_len;
};

/* "<driver> <device>: " at s[i]: returns the index after it, or 0. */
static size_t parse_dev_prefix(const char *s, size_t n, size_t i, struct devprefix *dp)
{
	size_t d = i;
	memset(dp, 0, sizeof(*dp));
	while (d < n && tok_char(s[d]) && d - i < 31)
		d++;
	if (d == i || d >= n || s[d] != ' ')
		return 0;
	/* 7.x "IOMMU SSSS:BB:DD.F: Completion-Wait loop timed out" is a
	 * message, not a driver's prefix, when it comes without its tag */
	if (d - i == 5 && !memcmp(s + i, "IOMMU", 5))
		return 0;
	size_t nm = d + 1, e;
	if (starts(s, n, nm, "ivhd", 4) && nm + 4 < n && is_digit(s[nm + 4])) {
		e = nm + 4;
		while (e < n && is_digit(s[e]) && e - nm < 12)
			e++;
		dp->is_ivhd = true;
	} else {
		e = klog_parse_pci(s, n, nm, &dp->pci);
		if (!e || !dp->pci.has_seg)
			return 0;
		dp->is_pci = true;
	}
	if (e >= n || s[e] != ':')
		return 0;
	dp->ok = true;
	dp->drv = s + i;
	dp->drv_len = d - i;
	dp->name = s + nm;
	dp->name_len = e - nm;
	e++;
	return e < n && s[e] == ' ' ? e + 1 : e;
}

/* ------------------------------------------------------------ events */

#define F(x) KLOG_HAS_##x
static uint32_t required_fields(enum klog_type t)
{
	switch (t) {
	case KLOG_ILLEGAL_DEV_TABLE_ENTRY:
	case KLOG_DEV_TAB_HARDWARE_ERROR:
	case KLOG_INVALID_DEVICE_REQUEST:
	case KLOG_PAGE_TAB_HARDWARE_ERROR:
		return F(BDF) | F(ADDRESS) | F(FLAGS);
	case KLOG_IO_PAGE_FAULT:
		return F(BDF) | F(DOMAIN) | F(ADDRESS) | F(FLAGS);
	case KLOG_ILLEGAL_COMMAND_ERROR:
		return F(ADDRESS);
	case KLOG_COMMAND_HARDWARE_ERROR:
		return F(ADDRESS) | F(FLAGS);
	case KLOG_IOTLB_INV_TIMEOUT:
		return F(BDF) | F(ADDRESS);
	case KLOG_INVALID_PPR_REQUEST:
		return F(BDF) | F(PASID) | F(ADDRESS) | F(FLAGS) | F(TAG);
	case KLOG_RMP_PAGE_FAULT:
		return F(BDF) | F(VMG_TAG) | F(ADDRESS) | F(FLAGS_RMP) | F(FLAGS);
	case KLOG_RMP_HW_ERROR:
		return F(BDF) | F(VMG_TAG) | F(ADDRESS) | F(FLAGS);
	default:
		return 0;
	}
}
#undef F

static enum klog_line_kind bad(struct klog_line *L, const char *why)
{
	L->reason = why;
	return L->kind = KLOG_LINE_BAD;
}

static bool key_is(const char *k, size_t kl, const char *lit)
{
	size_t ll = strlen(lit);
	return kl == ll && !memcmp(k, lit, ll);
}

/*
 * "TYPE key=value ...]" at s[i].  Returns RECORD (or ok_kind), BAD, or NONE
 * when the text does not start with an event type name.
 */
static enum klog_line_kind parse_event(const char *s, size_t n, size_t i, struct klog_line *L,
				       enum klog_line_kind ok_kind, const struct devprefix *dp)
{
	struct klog_record *r = &L->rec;
	size_t t = i;
	while (t < n && ((s[t] >= 'A' && s[t] <= 'Z') || s[t] == '_' || is_digit(s[t])))
		t++;
	enum klog_type type = klog_type_from_name(s + i, t - i);
	if (!klog_type_is_event(type) || (t < n && s[t] != ' ' && s[t] != ']' && s[t] != ','))
		return KLOG_LINE_NONE;
	r->type = type;
	bool closed = false, padded = false;
	struct klog_pciname dev = { 0 };
	bool have_dev = false;
	size_t j = t;

	for (;;) {
		while (j < n && (s[j] == ' ' || s[j] == ','))
			j++;
		if (j >= n)
			break;
		if (s[j] == ']') {
			closed = true;
			break;
		}
		size_t k = j;
		bool in_br = false;	/* "event[0]=" */
		while (k < n && s[k] != '=' && s[k] != ' ' && s[k] != ',' && (s[k] != ']' || in_br)) {
			if (s[k] == '[')
				in_br = true;
			else if (s[k] == ']')
				in_br = false;
			k++;
		}
		if (k >= n || s[k] != '=')
			return bad(L, k >= n ? "truncated event (no closing ']')" : "malformed field (no '=')");
		size_t v = k + 1, e = v;
		while (e < n && s[e] != ' ' && s[e] != ',' && s[e] != ']')
			e++;
		const char *key = s + j;
		size_t kl = k - j;
		uint64_t x = 0;
		size_t nd = 0;

		if (key_is(key, kl, "device")) {
			if (klog_parse_pci(s, e, v, &dev) != e)
				return bad(L, "bad device= value");
			have_dev = true;
		} else if (kl >= 8 && !memcmp(key, "event[", 6) && key[6] >= '0' && key[6] <= '3' &&
			   key[7] == ']' && kl == 8) {
			if (!hex_value(s, v, e, &x, NULL) || x > 0xffffffffu)
				return bad(L, "bad event[n]= value");
			int idx = key[6] - '0';
			r->raw[idx] = (uint32_t)x;
			if (r->nraw < idx + 1)
				r->nraw = (uint8_t)(idx + 1);
			r->has |= KLOG_HAS_RAW;
		} else {
			uint32_t bit = 0;
			if (key_is(key, kl, "domain"))
				bit = KLOG_HAS_DOMAIN;
			else if (key_is(key, kl, "pasid"))
				bit = KLOG_HAS_PASID;
			else if (key_is(key, kl, "address") || key_is(key, kl, "spa") || key_is(key, kl, "gpa"))
				bit = KLOG_HAS_ADDRESS;
			else if (key_is(key, kl, "flags"))
				bit = KLOG_HAS_FLAGS;
			else if (key_is(key, kl, "flags_rmp"))
				bit = KLOG_HAS_FLAGS_RMP;
			else if (key_is(key, kl, "vmg_tag"))
				bit = KLOG_HAS_VMG_TAG;
			else if (key_is(key, kl, "tag"))
				bit = KLOG_HAS_TAG;
			else if (key_is(key, kl, "type"))
				bit = KLOG_HAS_EVENT_CODE;
			if (bit) {
				if (!hex_value(s, v, e, &x, &nd))
					return bad(L, "bad hexadecimal value");
				if (bit != KLOG_HAS_ADDRESS && x > 0xffffffffu)
					return bad(L, "value out of range");
				r->has |= bit;
				switch (bit) {
				case KLOG_HAS_DOMAIN: r->domain = (uint32_t)x; break;
				case KLOG_HAS_PASID: r->pasid = (uint32_t)x; break;
				case KLOG_HAS_ADDRESS:
					r->address = x;
					padded = nd == 16 && s[v + 2] == '0';
					break;
				case KLOG_HAS_FLAGS: r->flags = (uint32_t)x; break;
				case KLOG_HAS_FLAGS_RMP: r->flags_rmp = (uint32_t)x; break;
				case KLOG_HAS_VMG_TAG: r->vmg_tag = (uint32_t)x; break;
				case KLOG_HAS_TAG: r->tag = (uint32_t)x; break;
				case KLOG_HAS_EVENT_CODE: r->event_code = (uint8_t)x; break;
				}
			}
			/* unknown keys are tolerated: later kernels may add fields */
		}
		j = e;
	}

	if (have_dev) {
		klog_set_dev(r, &dev);
		if (!dev.has_seg && dp && dp->is_pci && dp->pci.bus == dev.bus && dp->pci.dev == dev.dev &&
		    dp->pci.fn == dev.fn) {
			r->segment = dp->pci.seg;
			r->has |= KLOG_HAS_SEGMENT;
			r->notes |= KLOG_NOTE_SEG_PREFIX;
		}
	} else if (dp && dp->is_pci) {
		klog_set_dev(r, &dp->pci);
		r->notes |= KLOG_NOTE_SEG_PREFIX;
	}

	if (type == KLOG_UNKNOWN) {
		if (!(r->has & (KLOG_HAS_RAW | KLOG_HAS_EVENT_CODE)))
			return bad(L, "UNKNOWN event without type= or event[n]=");
		if (!closed && !(r->has & KLOG_HAS_RAW))
			return bad(L, "truncated event (no closing ']')");
		if ((r->has & KLOG_HAS_RAW) && r->nraw < 4 && !closed)
			return bad(L, "truncated UNKNOWN event (fewer than 4 dwords)");
	} else {
		if (!closed)
			return bad(L, "truncated event (no closing ']')");
		uint32_t need = required_fields(type);
		/* PAGE_TAB_HARDWARE_ERROR prints domain= (<=4.x) or pasid= (5.x+) */
		if (type == KLOG_PAGE_TAB_HARDWARE_ERROR && !(r->has & (KLOG_HAS_DOMAIN | KLOG_HAS_PASID)))
			return bad(L, "PAGE_TAB_HARDWARE_ERROR without domain= or pasid=");
		if ((r->has & need) != need)
			return bad(L, "event is missing a field");
	}

	/* era hint */
	if (!r->era) {
		if (have_dev && dev.has_seg)
			r->era = 'E';
		else if (type == KLOG_RMP_PAGE_FAULT || type == KLOG_RMP_HW_ERROR ||
			 type == KLOG_INVALID_PPR_REQUEST || (r->has & KLOG_HAS_RAW))
			r->era = 'D';
		else if (r->has & KLOG_HAS_ADDRESS)
			r->era = !padded ? 'D' : ((r->has & KLOG_HAS_PASID) || (dp && dp->ok)) ? 'C' : 'B';
		else
			r->era = 'B';
	}
	L->match_off = i;
	return L->kind = ok_kind;
}

/* ------------------------------------------------------------ others */

/* "DTE[n]: hex" / "CMD[n]: hex" at s[i] */
static enum klog_line_kind parse_dump(const char *s, size_t n, size_t i, struct klog_line *L)
{
	bool dte = STARTS("DTE[");
	int idx;
	size_t e;
	uint64_t v;
	if (!parse_int(s, n, i + 4, &idx, &e) || !starts(s, n, e, "]:", 2))
		return bad(L, "malformed DTE/CMD dump line");
	e = skip_sp(s, n, e + 2);
	if (starts(s, n, e, "0x", 2))
		e += 2;
	size_t d = hex_digits(s, n, e, 17, &v);
	if (d == 0 || d > 16 || !rest_blank(s, n, e + d))
		return bad(L, "malformed DTE/CMD dump value");
	if (idx >= (dte ? 8 : 4))
		return bad(L, "DTE/CMD dump index out of range");
	L->dump_kind = dte ? KLOG_DUMP_DTE : KLOG_DUMP_CMD;
	L->dump_index = idx;
	L->dump_digits = (int)d;
	L->dump_value = v;
	L->match_off = i;
	return L->kind = KLOG_LINE_DUMP;
}

/* Decimal digits at s[i] (at most 19); returns the index after them, or 0. */
static size_t dec_u64(const char *s, size_t n, size_t i, uint64_t *v)
{
	size_t k = i;
	uint64_t x = 0;
	while (k < n && is_digit(s[k]) && k - i < 19)
		x = x * 10 + (uint64_t)(s[k++] - '0');
	if (k == i || (k < n && is_digit(s[k])))
		return 0;
	*v = x;
	return k;
}

/*
 * 7.x iommu_print_event(), after an ILLEGAL_DEV_TABLE_ENTRY:
 *   dev_err(dev, "Control Reg : 0x%llx\n", ctrl)      (iommu ivhdN: AMD-Vi: ...)
 * Returns NONE when the text is not this message.
 */
static enum klog_line_kind parse_control_reg(const char *s, size_t n, size_t i, struct klog_line *L)
{
	uint64_t v;
	size_t e;

	if (!STARTS("Control Reg"))
		return KLOG_LINE_NONE;
	e = skip_sp(s, n, i + 11);
	if (e >= n || s[e] != ':')
		return KLOG_LINE_NONE;
	e = skip_sp(s, n, e + 1);
	size_t ve = e;
	while (ve < n && s[ve] != ' ')
		ve++;
	if (!hex_value(s, e, ve, &v, NULL) || !rest_blank(s, n, ve))
		return bad(L, "malformed 'Control Reg : 0x...' line");
	L->rec.type = KLOG_CONTROL_REGISTER;
	L->rec.value = v;
	L->rec.has |= KLOG_HAS_VALUE;
	return L->kind = KLOG_LINE_RECORD;
}

/*
 * 7.x dump_command_buffer() (with amd_iommu_dump, once, after a
 * Completion-Wait timeout), every line pr_err ("AMD-Vi: "):
 *   "CMD Buffer head=%llu tail=%llu"      MMIO head/tail >> 4: entry indexes
 *   "%3d: %08x %08x %08x %08x"            x CMD_BUFFER_ENTRIES, slot i's dwords
 */
static enum klog_line_kind parse_cmd_buffer(const char *s, size_t n, size_t i, struct klog_line *L)
{
	uint64_t head, tail;
	size_t e;

	if (STARTS("CMD Buffer head=")) {
		if (!(e = dec_u64(s, n, i + 16, &head)) || !starts(s, n, e, " tail=", 6) ||
		    !(e = dec_u64(s, n, e + 6, &tail)) || !rest_blank(s, n, e) || head > 0xffffffffu ||
		    tail > 0xffffffffu)
			return bad(L, "malformed 'CMD Buffer head= tail=' line");
		L->rec.type = KLOG_COMMAND_BUFFER_DUMP;
		L->rec.cmd_head = (uint32_t)head;
		L->rec.cmd_tail = (uint32_t)tail;
		L->rec.has |= KLOG_HAS_HEAD_TAIL;
		return L->kind = KLOG_LINE_RECORD;
	}
	/* "  0: 00835001 10000001 00003c00 00000000" (the tag's space is skipped) */
	uint64_t idx;
	if (!(e = dec_u64(s, n, i, &idx)) || e - i > 3 || !starts(s, n, e, ": ", 2))
		return KLOG_LINE_NONE;
	e += 2;
	for (int w = 0; w < 4; w++) {
		uint64_t v;
		if (w && (e >= n || s[e++] != ' '))
			return bad(L, "malformed command-buffer dump line");
		if (hex_digits(s, n, e, 9, &v) != 8)
			return bad(L, "malformed command-buffer dump line");
		L->cmd_entry[w] = (uint32_t)v;
		e += 8;
	}
	if (!rest_blank(s, n, e))
		return bad(L, "malformed command-buffer dump line");
	if (idx >= KLOG_CMD_BUFFER_ENTRIES)
		return bad(L, "command-buffer dump slot out of range");
	L->dump_index = (int)idx;
	L->match_off = i;
	return L->kind = KLOG_LINE_CMD_ENTRY;
}

/* The fields a "<driver> <device>: " prefix gives every message: the IOMMU
 * of "iommu ivhdN:", the driver of a PCI device (and, with with_dev, the
 * device itself: events take theirs from their own fields first). */
static void set_prefix(struct klog_record *r, const struct devprefix *dp, bool with_dev)
{
	if (dp->is_ivhd) {
		copy_str(r->iommu, sizeof(r->iommu), dp->name, dp->name_len);
		r->has |= KLOG_HAS_IOMMU;
	} else {
		copy_str(r->driver, sizeof(r->driver), dp->drv, dp->drv_len);
		r->has |= KLOG_HAS_DRIVER;
		if (with_dev)
			klog_set_dev(r, &dp->pci);
	}
}

/* The message starting at s[i0]. */
static void parse_at(const char *s, size_t n, size_t i0, struct klog_line *L)
{
	struct klog_record *r = &L->rec;
	struct devprefix dp;
	size_t i = skip_sp(s, n, i0);
	size_t d = parse_dev_prefix(s, n, i, &dp);

	if (d) {
		i = d;
		set_prefix(r, &dp, false);
	}
	bool tagged = false;
	if (STARTS("AMD-Vi:")) {
		i += 7;
		tagged = true;
	} else if (STARTS("AMD IOMMU:")) {
		i += 10;
		tagged = true;
		r->era = 'A';
	}
	i = skip_sp(s, n, i);
	L->match_off = i0;

	if (STARTS("Event logged [")) {
		size_t j = i + 14;
		if (rest_blank(s, n, j)) {
			L->kind = KLOG_LINE_HEAD;
			return;
		}
		if (starts(s, n, j, "Device not attached to domain properly]", 39)) {
			r->type = KLOG_DEVICE_NOT_ATTACHED;
			r->era = 'E';
			L->kind = KLOG_LINE_DNA_HEAD;
			return;
		}
		if (parse_event(s, n, j, L, KLOG_LINE_RECORD, d ? &dp : NULL) == KLOG_LINE_NONE)
			bad(L, "unknown event type after 'Event logged ['");
		return;
	}
	if (i < n && s[i] >= 'A' && s[i] <= 'Z') {
		/* a continuation/tail line: "TYPE fields]" */
		if (!STARTS("ILLEGAL_COMMAND_ERROR while")) {
			enum klog_line_kind k = parse_event(s, n, i, L, KLOG_LINE_TAIL, d ? &dp : NULL);
			if (k == KLOG_LINE_TAIL)
				return;
			if (k == KLOG_LINE_BAD) {
				/* an untagged line that only starts like an event name */
				if (!tagged && !d && !memmem(s + i, n - i, "=0x", 3)) {
					memset(L, 0, sizeof(*L));
					L->rec.iommu_index = -1;
					L->kind = KLOG_LINE_NONE;
				}
				return;
			}
			/* not an event name: reset what parse_event may have set */
			r->type = KLOG_NONE;
		}
	}
	if ((STARTS("DTE[") || STARTS("CMD[")) && (tagged || dp.is_ivhd)) {
		parse_dump(s, n, i, L);
		return;
	}
	if (STARTS("device=")) {
		struct klog_pciname pn;
		size_t e = klog_parse_pci(s, n, i + 7, &pn);
		uint64_t dom;
		size_t ds;
		if (e && starts(s, n, e, " domain=", 8)) {
			size_t vs = e + 8, ve = vs;
			while (ve < n && s[ve] != ' ')
				ve++;
			if (hex_value(s, vs, ve, &dom, &ds) && dom <= 0xffffffffu && rest_blank(s, n, ve)) {
				klog_set_dev(r, &pn);
				r->domain = (uint32_t)dom;
				r->has |= KLOG_HAS_DOMAIN;
				r->type = KLOG_DEVICE_NOT_ATTACHED;
				r->era = 'E';
				L->kind = KLOG_LINE_DNA_TAIL;
				return;
			}
		}
		if (tagged) {
			bad(L, "malformed 'device= domain=' line");
			return;
		}
	}
	/* 7.x: dev_err() on the IOMMU (with the tag, or its ivhdN prefix alone) */
	if ((tagged || dp.is_ivhd) && parse_control_reg(s, n, i, L) != KLOG_LINE_NONE)
		return;
	/* 7.x: pr_err(), always tagged */
	if (tagged && parse_cmd_buffer(s, n, i, L) != KLOG_LINE_NONE)
		return;
	if (klog_driver_msg_parse(s, n, i, tagged || dp.is_ivhd, r)) {
		L->kind = KLOG_LINE_RECORD;
		return;
	}
	switch (klog_ratelimit_parse(s, n, i, tagged || dp.is_ivhd, r)) {
	case KLOG_RL_AMD:
		if (d)
			set_prefix(r, &dp, true);
		L->kind = KLOG_LINE_RECORD;
		return;
	case KLOG_RL_MAYBE:
		/* a function's name, or a device's prefix: named, so it can be
		 * attributed if an AMD-Vi line follows */
		if ((r->has & KLOG_HAS_FUNCTION) || (d && dp.is_pci)) {
			if (d)
				set_prefix(r, &dp, true);
			L->ratelimit_maybe = true;
			L->kind = KLOG_LINE_NONE;
			return;
		}
		memset(r, 0, sizeof(*r));
		r->iommu_index = -1;
		break;
	case KLOG_RL_GLOBAL:
	case KLOG_RL_INTEL:	/* VT-d's: dmar_line.c takes it */
		memset(r, 0, sizeof(*r));
		r->iommu_index = -1;
		L->kind = KLOG_LINE_NONE;
		return;
	case KLOG_RL_NONE:
		break;
	}
	if (tagged || d) {
		if (memmem(s + i, n - i, "Event logged", 12)) {
			bad(L, "'Event logged' in an unexpected place");
			return;
		}
		memset(r, 0, sizeof(*r));
		r->iommu_index = -1;
		if (!tagged && !dp.is_ivhd) {
			L->kind = KLOG_LINE_NONE;	/* "<drv> <device>: ..." is anybody's */
		} else if (klog_driver_info_known(s, n, i)) {
			L->kind = KLOG_LINE_OTHER;
		} else {
			/* ours by its tag, but no message we know: keep who printed it */
			r->type = KLOG_UNRECOGNISED;
			if (d)
				set_prefix(r, &dp, true);
			L->kind = KLOG_LINE_OTHER;
		}
		return;
	}
	L->kind = KLOG_LINE_NONE;
}

bool klog_amdvi_candidate(const char *s, size_t n)
{
	/* Every line we recognise contains one of these: the tags, event
	 * fields, and the words of the markers printed without a tag
	 * (driver_msgs.c). */
	static const struct {
		const char *lit;
		size_t len;
	} needles[] = {
		{ "AMD", 3 }, { "=0x", 3 }, { "Event logged", 12 }, { "device=", 7 }, { "suppressed", 10 },
		{ "ivhd", 4 }, { "IOMMU", 5 }, { "previous kernel", 15 }, { "translation structures", 22 },
		{ "old device table", 16 }, { "irq remapping flag", 18 }, { "Completion-Wait", 15 },
	};
	for (size_t k = 0; k < sizeof(needles) / sizeof(needles[0]); k++)
		if (memmem(s, n, needles[k].lit, needles[k].len))
			return true;
	return false;
}

static void reset(struct klog_line *L)
{
	memset(L, 0, sizeof(*L));
	L->rec.iommu_index = -1;
}

void klog_amdvi_parse(const char *s, size_t n, struct klog_line *L)
{
	static const struct {
		const char *lit;
		size_t len;
	} anchors[] = {
		{ "AMD-Vi:", 7 }, { "AMD IOMMU:", 10 }, { "Event logged [", 14 }, { "ivhd", 4 },
	};

	reset(L);
	parse_at(s, n, 0, L);
	if (L->kind != KLOG_LINE_NONE || L->ratelimit_maybe) {
		L->rec.vendor = KLOG_VENDOR_AMD;
		return;
	}
	/* Line noise in front: retry at each anchor, with its device prefix. */
	for (size_t a = 0; a < sizeof(anchors) / sizeof(anchors[0]); a++) {
		const char *p = memmem(s, n, anchors[a].lit, anchors[a].len);
		if (!p || p == s)
			continue;
		size_t t = (size_t)(p - s);
		if (a == 3) {
			/* "<drv> ivhdN: " -- back up over the driver token */
			if (t < 2 || s[t - 1] != ' ')
				continue;
			t--;
			while (t > 0 && tok_char(s[t - 1]))
				t--;
			reset(L);
			parse_at(s, n, t, L);
			if (L->kind != KLOG_LINE_NONE) {
				L->rec.vendor = KLOG_VENDOR_AMD;
				return;
			}
			continue;
		}
		size_t lo = t > 64 ? t - 64 : 0;
		for (size_t b = lo; b < t; b++) {
			struct devprefix dp;
			if (b > 0 && tok_char(s[b - 1]))
				continue;
			if (parse_dev_prefix(s, n, b, &dp) == t) {
				t = b;
				break;
			}
		}
		reset(L);
		parse_at(s, n, t, L);
		if (L->kind != KLOG_LINE_NONE) {
			L->rec.vendor = KLOG_VENDOR_AMD;
			return;
		}
	}
	reset(L);
}
