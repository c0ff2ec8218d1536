/*
 * Fuzz target: the walk of the kernel's own x86-64 page tables
 * (src/target/x86_64_kvtop.c), which crash --minimal sessions use for
 * module and vmalloc addresses.  Input: the top table's address, 4 or 5
 * levels, an SME C-bit, the address to translate, then up to 64 entries of
 * "physical memory": the read callback answers each entry address from them
 * (by its index modulo the count), some reads failing as excluded pages.
 *
 * Whatever the entries say, the walk must read at most one entry per level,
 * and a translation it returns must keep the address's offset inside the
 * page it found and carry no bit of the SME mask.
 */
#include "fuzz.h"
#include "target/x86_64_kvtop.h"

#define KV_ENTRIES 64

struct kv_mem {
	uint64_t entry[KV_ENTRIES];
	unsigned n, reads;
	uint64_t fail_mask;		/* bit i: reads answered by entry i fail */
};

static enum target_err read_entry(void *arg, uint64_t paddr, uint64_t *out)
{
	struct kv_mem *m = arg;
	unsigned i = (unsigned)((paddr >> 3) % m->n);

	m->reads++;
	if (m->fail_mask >> i & 1)
		return TARGET_E_EXCLUDED;
	*out = m->entry[i];
	return TARGET_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	struct x86_64_kernel_pt pt;
	struct kv_mem m = { .n = 0 };
	uint64_t pa = 0, va;
	int level = 0;

	pt.top = fz_u64(&in);
	pt.levels = fz_u8(&in) & 1 ? 5 : 4;
	uint8_t c = fz_u8(&in);	/* the C-bit: none, or one of bits 32..51 as on real parts */

	pt.me_mask = c & 0x80 ? 1ull << (32 + c % 20) : 0;
	va = fz_u64(&in);
	m.fail_mask = fz_u64(&in);
	while (m.n < KV_ENTRIES && in.left >= 8)
		m.entry[m.n++] = fz_u64(&in);
	if (!m.n)
		m.entry[m.n++] = 0;

	enum target_err e = x86_64_kvtop(&pt, read_entry, &m, va, &pa, &level);

	FZ_CHECK(m.reads <= (unsigned)pt.levels);
	if (e == TARGET_OK) {
		FZ_CHECK((pa & pt.me_mask) == 0);
		FZ_CHECK((pa & 0xfff) == (va & 0xfff));
	} else {
		FZ_CHECK(level >= 1 && level <= pt.levels);
	}
	return 0;
}
