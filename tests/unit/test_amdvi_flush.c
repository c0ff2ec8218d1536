/* Unit tests: the reference flush sequence (include/amdvi/flush.h), run
 * through the command-processor model, and the module's copy of it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amdvi/cmd_model.h"
#include "amdvi/command.h"
#include "amdvi/dte.h"
#include "amdvi/efr.h"
#include "amdvi/flush.h"

#define QEMU_EFR	0x29d3ull	/* QEMU amd-iommu: PreF PPR GT IA GA HE */
#define NO_IA_EFR	(QEMU_EFR & ~AMDVI_EFR_IA)
#define STORE_PA	0x3a5e000ull
#define STORE_VAL	0x464c5553484f4b00ull
#define RING_PA		0x11b0000ull

/* The lab guest's table: 256 V|TV blocked entries, 00:03.0 in domain 3,
 * 00:04.0 in domain 4, 00:05.0 also in domain 3 (an alias), 00:06.0 with an
 * interrupt table and domain 7, and a not-valid entry naming domain 9. */
static uint64_t (*lab_table(void))[4]
{
	uint64_t (*t)[4] = calloc(256, sizeof(*t));

	for (int i = 0; i < 256; i++)
		t[i][0] = AMDVI_DTE_V | AMDVI_DTE_TV;
	t[0x18][0] = 0x6000000001ec4603ull; t[0x18][1] = 3;
	t[0x20][0] = 0x6000000001ed4603ull; t[0x20][1] = 4;
	t[0x28][0] = 0x6000000001ec4603ull; t[0x28][1] = 3;
	t[0x30][0] = 0x6000000001ee4603ull; t[0x30][1] = 7;
	t[0x30][2] = 0x2000000001f00013ull;	/* IntCtl=2, table, len 9, IV */
	t[0x40][0] = 0; t[0x40][1] = 9;		/* V=0: ignored */
	return t;
}

static struct amdvi_flush_input input(uint64_t (*t)[4], uint32_t n, uint64_t efr)
{
	struct amdvi_flush_input in = {
		.dte = (const uint64_t (*)[4])t, .n_dte = n, .me_mask = 0, .efr = efr,
		.store_pa = STORE_PA, .store_value = STORE_VAL,
	};
	return in;
}

static void eq_cmd(const uint32_t got[4], const uint32_t want[4])
{
	ck_assert_msg(!memcmp(got, want, 16), "got %08x %08x %08x %08x, want %08x %08x %08x %08x",
		      got[0], got[1], got[2], got[3], want[0], want[1], want[2], want[3]);
}

START_TEST(test_sequence_with_ia)
{
	uint64_t (*t)[4] = lab_table();
	struct amdvi_flush_input in = input(t, 256, QEMU_EFR);
	uint32_t cmds[16][4], w[4];
	long n = amdvi_flush_build(&in, cmds, 16);

	ck_assert_int_eq(n, 7);
	ck_assert_int_eq(amdvi_flush_count(&in), 7);
	amdvi_cmd_build_inv_devtab_entry(w, 0x18); eq_cmd(cmds[0], w);
	amdvi_cmd_build_inv_devtab_entry(w, 0x20); eq_cmd(cmds[1], w);
	amdvi_cmd_build_inv_devtab_entry(w, 0x28); eq_cmd(cmds[2], w);
	amdvi_cmd_build_inv_devtab_entry(w, 0x30); eq_cmd(cmds[3], w);
	amdvi_cmd_build_inv_iommu_all(w); eq_cmd(cmds[4], w);
	amdvi_cmd_build_inv_interrupt_table(w, 0x30); eq_cmd(cmds[5], w);
	amdvi_cmd_build_completion_wait(w, STORE_PA, STORE_VAL, true, false, false); eq_cmd(cmds[6], w);
	free(t);
}
END_TEST

START_TEST(test_sequence_without_ia)
{
	uint64_t (*t)[4] = lab_table();
	struct amdvi_flush_input in = input(t, 256, NO_IA_EFR);
	uint32_t cmds[16][4], w[4];
	long n = amdvi_flush_build(&in, cmds, 16);
	struct amdvi_cmd c;

	ck_assert_int_eq(n, 9);
	/* one whole-domain INVALIDATE_IOMMU_PAGES per distinct domain, ascending */
	amdvi_cmd_build_inv_iommu_pages_domain(w, 3, true); eq_cmd(cmds[4], w);
	amdvi_cmd_build_inv_iommu_pages_domain(w, 4, true); eq_cmd(cmds[5], w);
	amdvi_cmd_build_inv_iommu_pages_domain(w, 7, true); eq_cmd(cmds[6], w);
	/* exactly the kernel's "flush whole domain" entry */
	ck_assert_uint_eq(cmds[4][1], 0x30000003u);
	ck_assert_uint_eq(cmds[4][2], 0xfffff003u);
	ck_assert_uint_eq(cmds[4][3], 0x7fffffffu);
	amdvi_cmd_decode(cmds[4], &c);
	ck_assert(amdvi_cmd_is_inv_domain_all(&c));
	ck_assert(c.u.inv_pages.pde);
	amdvi_cmd_build_inv_interrupt_table(w, 0x30); eq_cmd(cmds[7], w);
	ck_assert_uint_eq(amdvi_cmd_opcode(cmds[8]), AMDVI_CMD_COMPLETION_WAIT);
	free(t);
}
END_TEST

START_TEST(test_empty_and_blocked_tables)
{
	uint64_t (*t)[4] = calloc(4, sizeof(*t));
	struct amdvi_flush_input in = input(t, 0, QEMU_EFR);
	uint32_t cmds[4][4];

	ck_assert_int_eq(amdvi_flush_build(&in, cmds, 4), 2);	/* INV_ALL + CW */
	in.efr = 0;
	ck_assert_int_eq(amdvi_flush_build(&in, cmds, 4), 1);	/* CW only */
	for (int i = 0; i < 4; i++)
		t[i][0] = AMDVI_DTE_V | AMDVI_DTE_TV;		/* blocked: no domain */
	in.n_dte = 4;
	ck_assert_int_eq(amdvi_flush_build(&in, cmds, 4), 1);
	ck_assert(!amdvi_flush_dte_wanted(t[0]));
	free(t);
}
END_TEST

START_TEST(test_store_address_and_c_bit)
{
	struct amdvi_flush_input in = input(NULL, 0, 0);
	uint32_t cmds[2][4];
	struct amdvi_cmd c;

	in.store_pa = 0x0000000fedcba9f8ull;
	in.store_value = 0x1122334455667788ull;
	in.me_mask = 1ull << 47;
	ck_assert_int_eq(amdvi_flush_build(&in, cmds, 2), 1);
	amdvi_cmd_decode(cmds[0], &c);
	ck_assert_uint_eq(c.u.cw.store_addr, 0x0000800fedcba9f8ull);
	ck_assert_uint_eq(c.u.cw.store_data, 0x1122334455667788ull);
	ck_assert(c.u.cw.s && !c.u.cw.i && !c.u.cw.f);
}
END_TEST

START_TEST(test_bad_input)
{
	uint64_t (*t)[4] = lab_table();
	struct amdvi_flush_input in = input(t, 256, QEMU_EFR);
	uint32_t cmds[4][4];
	struct amdvi_flush_iter it;

	ck_assert_int_eq(amdvi_flush_build(&in, cmds, 4), AMDVI_ERR_SIZE);
	ck_assert_int_eq(amdvi_flush_build(&in, NULL, 4), AMDVI_ERR_ARG);
	ck_assert_int_eq(amdvi_flush_build(NULL, cmds, 4), AMDVI_ERR_ARG);
	in.store_pa = STORE_PA + 4;
	ck_assert_int_eq(amdvi_flush_build(&in, cmds, 4), AMDVI_ERR_ALIGN);
	ck_assert_int_eq(amdvi_flush_iter_init(&it, &in), AMDVI_ERR_ALIGN);
	ck_assert(!amdvi_flush_iter_next(&it, cmds[0]));
	in.store_pa = 1ull << 52;
	ck_assert_int_eq(amdvi_flush_count(&in), AMDVI_ERR_RANGE);
	in.store_pa = STORE_PA;
	in.n_dte = 65537;
	ck_assert_int_eq(amdvi_flush_count(&in), AMDVI_ERR_RANGE);
	in.n_dte = 3;
	in.dte = NULL;
	ck_assert_int_eq(amdvi_flush_count(&in), AMDVI_ERR_ARG);
	free(t);
}
END_TEST

/* A whole 64K table of distinct domains without IA: the iterator streams
 * one command at a time without any buffer. */
START_TEST(test_full_table_streams)
{
	uint64_t (*t)[4] = calloc(65536, sizeof(*t));
	struct amdvi_flush_input in;
	struct amdvi_flush_iter it;
	uint32_t cmd[4];
	long n = 0, pages = 0, devs = 0;

	for (uint32_t i = 1; i < 65536; i += 257, devs++) {	/* 255 devices, 255 domains */
		t[i][0] = AMDVI_DTE_V | AMDVI_DTE_TV;
		t[i][1] = i & 0xffff;
	}
	in = input(t, 65536, 0);
	ck_assert_int_eq(amdvi_flush_iter_init(&it, &in), AMDVI_OK);
	while (amdvi_flush_iter_next(&it, cmd)) {
		n++;
		pages += amdvi_cmd_opcode(cmd) == AMDVI_CMD_INVALIDATE_IOMMU_PAGES;
	}
	ck_assert_int_eq(devs, 255);
	ck_assert_int_eq(n, devs + devs + 1);
	ck_assert_int_eq(pages, devs);
	free(t);
}
END_TEST

struct mem {
	uint64_t pa;
	uint64_t word;
	int stores;
};

static int store(void *ctx, uint64_t pa, uint64_t value)
{
	struct mem *m = ctx;

	if (pa != m->pa)
		return -1;
	m->word = value;
	m->stores++;
	return 0;
}

/* The flush, written at a tail that wraps, run by the model: every command
 * is legal, the store lands, and every DTE the flush names was dropped. */
static void run_through_model(uint64_t efr)
{
	uint64_t (*t)[4] = lab_table();
	struct amdvi_flush_input in = input(t, 256, efr);
	struct amdvi_flush_iter it;
	static uint8_t ring[8192];
	uint8_t evt[8192] = { 0 };
	struct amdvi_cmd_model *m = calloc(1, sizeof(*m));
	struct mem mem = { STORE_PA, 0, 0 };
	uint32_t cmd[4], tail = 8192 - 3 * 16;
	long n;

	memset(ring, 0, sizeof(ring));
	ck_assert_int_eq(amdvi_cmd_model_init(m, ring, 8192, RING_PA, efr, store, &mem, evt, 8192), AMDVI_OK);
	ck_assert_int_eq(amdvi_cmd_model_set_head(m, tail), AMDVI_OK);
	ck_assert_int_eq(amdvi_cmd_model_set_tail(m, tail), AMDVI_OK);
	amdvi_flush_iter_init(&it, &in);
	while (amdvi_flush_iter_next(&it, cmd)) {
		memcpy(ring + tail, cmd, 16);
		tail = (tail + 16) % 8192;
	}
	/* queued, doorbell not rung: nothing happens */
	ck_assert_int_eq(amdvi_cmd_model_run(m, 0), 0);
	ck_assert_int_eq(mem.stores, 0);
	amdvi_cmd_model_set_tail(m, tail);
	n = amdvi_cmd_model_run(m, 0);
	ck_assert_int_eq(n, amdvi_flush_count(&in));
	ck_assert_int_eq(m->illegal, 0);
	ck_assert_uint_eq(m->head, tail);
	ck_assert_int_eq(mem.stores, 1);
	ck_assert_uint_eq(mem.word, STORE_VAL);
	for (uint32_t d = 0; d < 256; d++) {
		ck_assert_int_eq(amdvi_cmd_model_bit(m->inv_dte, d), amdvi_flush_dte_wanted(t[d]));
		if (amdvi_flush_dte_wanted(t[d]) && !(efr & AMDVI_EFR_IA))
			ck_assert(amdvi_cmd_model_bit(m->inv_domain, t[d][1] & 0xffff));
		ck_assert_int_eq(amdvi_cmd_model_bit(m->inv_irt, d), d == 0x30);
	}
	ck_assert_int_eq(m->inv_all, !!(efr & AMDVI_EFR_IA));
	free(m);
	free(t);
}

START_TEST(test_model_runs_flush_ia)
{
	run_through_model(QEMU_EFR);
}
END_TEST

START_TEST(test_model_runs_flush_no_ia)
{
	run_through_model(NO_IA_EFR);
}
END_TEST

/* The kernel module compiles a copy of this code (its build folder is
 * copied on its own by the lab): the copies must not drift. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

START_TEST(test_module_copy_identical)
{
	static const char *const files[] = {
		"src/amdvi/flush.c", "include/amdvi/flush.h", "include/amdvi/flush_record.h",
		"include/amdvi/common.h", "include/amdvi/command.h", "include/amdvi/dte.h",
		"include/amdvi/efr.h",
		/* the VT-d flush (module ref_flush_vtd.c): src/vtd/flush.c is lib/vtd_flush.c */
		"src/vtd/flush.c", "include/vtd/flush.h", "include/vtd/qi.h", "include/vtd/cap.h",
		"include/vtd/common.h",
	};
	const char *root = getenv("IIF_SRCDIR");
	char a[4096], b[4096], dir[] = "/tmp/iif-module-XXXXXX", cmd[8192];

	if (!root)
		root = ".";
	/* the module's build folder as its Makefile and the lab prepare it */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "sh '%s/module/iommu_ref_flush/prepare.sh' '%s'", root, dir);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *base = strrchr(files[i], '/') + 1;
		const char *sub = !strncmp(files[i], "include/amdvi/", 14) ? "amdvi/" :
				  !strncmp(files[i], "include/vtd/", 12) ? "vtd/" :
				  !strcmp(files[i], "src/vtd/flush.c") ? "vtd_" : "";
		size_t la = 0, lb = 0;
		char *x, *y;

		snprintf(a, sizeof(a), "%s/%s", root, files[i]);
		snprintf(b, sizeof(b), "%s/lib/%s%s", dir, sub, base);
		x = slurp(a, &la);
		y = slurp(b, &lb);
		ck_assert_msg(x && y, "cannot read %s or %s", a, b);
		ck_assert_msg(la == lb && !memcmp(x, y, la),
			      "%s differs from %s: module/iommu_ref_flush/prepare.sh copies the wrong file", b, a);
		free(x);
		free(y);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

extern Suite *amdvi_flush_suite(void);
Suite *amdvi_flush_suite(void)
{
	Suite *s = suite_create("amdvi_flush");
	TCase *tc = tcase_create("flush");

	tcase_add_test(tc, test_sequence_with_ia);
	tcase_add_test(tc, test_sequence_without_ia);
	tcase_add_test(tc, test_empty_and_blocked_tables);
	tcase_add_test(tc, test_store_address_and_c_bit);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_full_table_streams);
	tcase_add_test(tc, test_model_runs_flush_ia);
	tcase_add_test(tc, test_model_runs_flush_no_ia);
	tcase_add_test(tc, test_module_copy_identical);
	suite_add_tcase(s, tc);
	return s;
}
