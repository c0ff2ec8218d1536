/*
 * The crashed kernel's log from the dump itself: the lockless printk ring
 * buffer of 5.10 and later (kernel/printk/printk_ringbuffer.h, commit
 * 896fbe20b4e2 "printk: use the lockless ringbuffer"), read through the
 * target's types so that no offset is assumed.
 *
 *   prb -> struct printk_ringbuffer {
 *            struct prb_desc_ring desc_ring { count_bits, descs, infos, head_id, tail_id, ... };
 *            struct prb_data_ring text_data_ring { size_bits, data, head_lpos, tail_lpos };
 *          }
 *   struct prb_desc { atomic_long_t state_var; struct prb_data_blk_lpos text_blk_lpos { begin, next }; }
 *   struct printk_info { u64 seq; u64 ts_nsec; u16 text_len; ... }
 *
 * A descriptor's state_var holds its id (low 62 bits) and state (top 2:
 * reserved, committed, finalized, reusable).  Records run from tail_id to
 * head_id; a committed or finalized descriptor whose id matches is printed,
 * by the rules makedumpfile's dump_record() follows (its output,
 * vmcore-dmesg.txt, is what ours is compared with byte for byte):
 *
 *   - begin and next are taken modulo the data ring's size; when they are
 *     equal the record is data-less (the kernel's FAILED_LPOS/NO_LPOS for
 *     an empty or failed text, 5.10's "printk: ringbuffer: support
 *     dataless records") and nothing at all is written;
 *   - begin > next means the block wrapped: its data is at offset 0;
 *   - the block starts with the descriptor id (one unsigned long), skipped;
 *   - text_len is cut to what the block holds (a truncated record).
 *
 * The text itself is written by dmesg_text.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump/dmesg_text.h"
#include "dump/dump.h"

#define SV_STATE_SHIFT 62
#define SV_ID_MASK (~(3ull << SV_STATE_SHIFT))
#define DESC_COMMITTED 1
#define DESC_FINALIZED 2
#define MAX_DESC_BITS 24
#define MAX_DATA_BITS 30

struct off {
	long rb_desc_ring, rb_text_ring;
	long dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id;
	long da_size_bits, da_data;
	long desc_size, desc_state, desc_text_lpos, lpos_begin, lpos_next;
	long info_size, info_ts, info_text_len;
	long counter;		/* atomic_long_t.counter */
};

static bool mem(const struct target *t, const char *s, const char *m, long *off)
{
	struct target_member tm;

	if (target_member(t, s, m, &tm) != TARGET_OK)
		return false;
	*off = tm.offset;
	return true;
}

static bool offsets(const struct target *t, struct off *o)
{
	return mem(t, "printk_ringbuffer", "desc_ring", &o->rb_desc_ring) &&
	       mem(t, "printk_ringbuffer", "text_data_ring", &o->rb_text_ring) &&
	       mem(t, "prb_desc_ring", "count_bits", &o->dr_count_bits) &&
	       mem(t, "prb_desc_ring", "descs", &o->dr_descs) &&
	       mem(t, "prb_desc_ring", "infos", &o->dr_infos) &&
	       mem(t, "prb_desc_ring", "head_id", &o->dr_head_id) &&
	       mem(t, "prb_desc_ring", "tail_id", &o->dr_tail_id) &&
	       mem(t, "prb_data_ring", "size_bits", &o->da_size_bits) &&
	       mem(t, "prb_data_ring", "data", &o->da_data) &&
	       mem(t, "prb_desc", "state_var", &o->desc_state) &&
	       mem(t, "prb_desc", "text_blk_lpos", &o->desc_text_lpos) &&
	       mem(t, "prb_data_blk_lpos", "begin", &o->lpos_begin) &&
	       mem(t, "prb_data_blk_lpos", "next", &o->lpos_next) &&
	       mem(t, "printk_info", "ts_nsec", &o->info_ts) &&
	       mem(t, "printk_info", "text_len", &o->info_text_len) &&
	       target_struct_size(t, "prb_desc", &o->desc_size) == TARGET_OK &&
	       target_struct_size(t, "printk_info", &o->info_size) == TARGET_OK;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void *read_block(const struct target *t, uint64_t addr, size_t len, const char *what,
			char *err, size_t errlen)
{
	unsigned char *b = malloc(len ? len : 1);
	enum target_err e;

	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e = target_read(t, TARGET_KVADDR, addr, b, len);
	if (e != TARGET_OK) {
		snprintf(err, errlen, "cannot read the printk %s at 0x%llx (%zu bytes): %s", what,
			 (unsigned long long)addr, len, target_err_name(e));
		free(b);
		return NULL;
	}
	return b;
}

/* Where a record's text lies in the data ring, by makedumpfile's rules
 * (above).  Returns false for a data-less record. */
static bool text_span(uint64_t begin_lpos, uint64_t next_lpos, size_t data_size,
		      uint16_t text_len, size_t *start, size_t *len)
{
	uint64_t begin = begin_lpos & (data_size - 1), next = next_lpos & (data_size - 1);

	if (begin == next)
		return false;
	if (begin > next)
		begin = 0;
	begin += sizeof(uint64_t);	/* the block's descriptor id */
	*start = (size_t)begin;
	*len = text_len;
	if (next >= begin && next - begin < text_len)
		*len = (size_t)(next - begin);
	/* A corrupt descriptor (next inside the id word): makedumpfile would
	 * read past its copy of the ring; we stop at the ring's end. */
	if (*start > data_size)
		*start = data_size;
	if (*len > data_size - *start)
		*len = data_size - *start;
	return true;
}

long dump_dmesg(const struct target *t, FILE *out, char *err, size_t errlen)
{
	struct off o = { 0 };
	uint64_t prb_sym, prb;
	unsigned char ring[256];
	long size;

	if (target_symbol(t, "prb", &prb_sym) != TARGET_OK) {
		snprintf(err, errlen, "no 'prb' symbol: not a lockless printk ring buffer (before 5.10?)");
		return -1;
	}
	if (!offsets(t, &o)) {
		snprintf(err, errlen, "the printk ring buffer's types are not in the vmlinux's DWARF");
		return -1;
	}
	if (target_struct_size(t, "printk_ringbuffer", &size) != TARGET_OK || size <= 0 ||
	    (size_t)size > sizeof(ring)) {
		snprintf(err, errlen, "unexpected size of struct printk_ringbuffer");
		return -1;
	}
	if (target_read_u64(t, TARGET_KVADDR, prb_sym, &prb) != TARGET_OK ||
	    target_read(t, TARGET_KVADDR, prb, ring, (size_t)size) != TARGET_OK) {
		snprintf(err, errlen, "cannot read the printk ring buffer (prb at 0x%llx)",
			 (unsigned long long)prb_sym);
		return -1;
	}
	const unsigned char *dr = ring + o.rb_desc_ring, *da = ring + o.rb_text_ring;
	unsigned count_bits, size_bits;

	memcpy(&count_bits, dr + o.dr_count_bits, sizeof(count_bits));
	memcpy(&size_bits, da + o.da_size_bits, sizeof(size_bits));
	if (count_bits > MAX_DESC_BITS || size_bits > MAX_DATA_BITS || size_bits < 4) {
		snprintf(err, errlen, "implausible printk ring sizes (count_bits %u, size_bits %u)",
			 count_bits, size_bits);
		return -1;
	}
	uint64_t descs = get64(dr + o.dr_descs), infos = get64(dr + o.dr_infos);
	uint64_t head_id = get64(dr + o.dr_head_id + o.counter), tail_id = get64(dr + o.dr_tail_id + o.counter);
	uint64_t data = get64(da + o.da_data);
	size_t n_desc = (size_t)1 << count_bits, data_size = (size_t)1 << size_bits;
	unsigned char *db = read_block(t, descs, n_desc * (size_t)o.desc_size, "descriptors", err, errlen);
	unsigned char *ib = db ? read_block(t, infos, n_desc * (size_t)o.info_size, "record infos", err, errlen) : NULL;
	unsigned char *tb = ib ? read_block(t, data, data_size, "text ring", err, errlen) : NULL;
	long records = 0;

	if (!tb) {
		free(db);
		free(ib);
		return -1;
	}
	head_id &= SV_ID_MASK;
	tail_id &= SV_ID_MASK;
	for (uint64_t id = tail_id, n = 0; n <= n_desc; id = (id + 1) & SV_ID_MASK, n++) {
		size_t idx = (size_t)(id & (n_desc - 1));
		const unsigned char *dp = db + idx * (size_t)o.desc_size;
		const unsigned char *ip = ib + idx * (size_t)o.info_size;
		uint64_t sv = get64(dp + o.desc_state);
		unsigned state = (unsigned)(sv >> SV_STATE_SHIFT);

		if ((sv & SV_ID_MASK) == id && (state == DESC_COMMITTED || state == DESC_FINALIZED)) {
			uint64_t begin = get64(dp + o.desc_text_lpos + o.lpos_begin);
			uint64_t next = get64(dp + o.desc_text_lpos + o.lpos_next);
			uint16_t text_len;
			size_t start, len;

			memcpy(&text_len, ip + o.info_text_len, sizeof(text_len));
			if (text_span(begin, next, data_size, text_len, &start, &len)) {
				dmesg_write_record(out, get64(ip + o.info_ts), tb + start, len);
				records++;
			}
		}
		if (id == head_id)
			break;
	}
	free(db);
	free(ib);
	free(tb);
	return records;
}
