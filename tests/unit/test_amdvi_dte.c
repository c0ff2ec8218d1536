/* Unit tests: AMD-Vi device-table entries (include/amdvi/dte.h). */
#include <check.h>
#include <string.h>

#include "amdvi/dte.h"

static struct amdvi_dte decode(const uint64_t d[4], uint64_t me)
{
	struct amdvi_dte e;

	ck_assert_int_eq(amdvi_dte_decode(d, me, &e), AMDVI_OK);
	return e;
}

static const char *fmt(const struct amdvi_dte *e)
{
	static char buf[256];

	ck_assert_int_gt(amdvi_dte_format(e, buf, sizeof(buf)), 0);
	return buf;
}

/* V-dump: devid 0x18 d0=0x6000000001ec4603 d1=0x3 */
START_TEST(real_dte)
{
	const uint64_t d[4] = { 0x6000000001ec4603ULL, 0x3, 0, 0 };
	struct amdvi_dte e = decode(d, 0);

	ck_assert(e.v && e.tv && e.ir && e.iw);
	ck_assert_uint_eq(e.mode, 3);
	ck_assert_uint_eq(e.pt_root, 0x1ec4000ULL);
	ck_assert_uint_eq(e.domid, 3);
	ck_assert(!e.gv && !e.giov && !e.ppr && !e.iv && !e.i);
	ck_assert_uint_eq(e.had, 0);
	ck_assert(amdvi_dte_valid(&e));
	ck_assert(amdvi_dte_translates(&e));
	ck_assert_int_eq(amdvi_dte_classify(&e), AMDVI_DTE_TRANSLATED);
	ck_assert_str_eq(fmt(&e), "translated domain=3 mode=3 root=0x1ec4000 TV IR IW");
}
END_TEST

START_TEST(sme_cbit_stripped)
{
	const uint64_t cbit = 1ULL << 47;
	const uint64_t d[4] = { 0x6000000001ec4603ULL | cbit, 0x3,
				0x0000000012345000ULL | cbit | 0x13, 0 };
	struct amdvi_dte e = decode(d, cbit);

	ck_assert_uint_eq(e.pt_root, 0x1ec4000ULL);
	ck_assert_uint_eq(e.int_tab_root, 0x12345000ULL);
	e = decode(d, 0);
	ck_assert_uint_eq(e.pt_root, 0x1ec4000ULL | cbit);
	ck_assert_uint_eq(amdvi_strip_me_mask(0x8000123000ULL, 1ULL << 39), 0x123000ULL);
}
END_TEST

START_TEST(gcr3_assembly)
{
	/* pieces: [14:12] in d0 60:58, [30:15] in d1 31:16, [51:31] in d1 63:43 */
	struct amdvi_dte in, out;
	uint64_t d[4];
	const uint64_t g = 0x000fedcba9876000ULL;

	memset(&in, 0, sizeof(in));
	in.v = in.tv = in.gv = true;
	in.glx = 1;
	in.gcr3_root = g;
	in.domid = 0x42;
	ck_assert_int_eq(amdvi_dte_encode(&in, d), AMDVI_OK);
	ck_assert_uint_eq((d[0] >> 58) & 7, (g >> 12) & 7);
	ck_assert_uint_eq((d[1] >> 16) & 0xffff, (g >> 15) & 0xffff);
	ck_assert_uint_eq(d[1] >> 43, (g >> 31) & 0x1fffff);
	ck_assert_uint_eq(d[1] & 0xffff, 0x42);
	ck_assert_int_eq(amdvi_dte_decode(d, 0, &out), AMDVI_OK);
	ck_assert_uint_eq(out.gcr3_root, g);
	ck_assert_uint_eq(out.glx, 1);
	ck_assert_uint_eq(out.domid, 0x42);
	ck_assert_int_eq(amdvi_dte_classify(&out), AMDVI_DTE_GUEST);

	/* every GCR3 address bit set, nothing else */
	memset(&in, 0, sizeof(in));
	in.gcr3_root = 0x000ffffffffff000ULL;
	amdvi_dte_encode(&in, d);
	ck_assert_uint_eq(d[0], 0x1c00000000000000ULL);
	ck_assert_uint_eq(d[1], 0xfffff800ffff0000ULL);
	ck_assert_uint_eq(d[2], 0);
	amdvi_dte_decode(d, 0, &out);
	ck_assert_uint_eq(out.gcr3_root, 0x000ffffffffff000ULL);
	ck_assert_uint_eq(out.domid, 0);
	ck_assert(!out.i && !out.se && !out.sa && !out.ex);
}
END_TEST

/* Set one field at a time to its maximum; only that field may change. */
START_TEST(single_fields_isolated)
{
	struct amdvi_dte in, out, zero;
	uint64_t d[4];

	memset(&zero, 0, sizeof(zero));
#define CHECK_FIELD(field, val, word, bits)					\
	do {									\
		in = zero;							\
		in.field = (val);						\
		ck_assert_int_eq(amdvi_dte_encode(&in, d), AMDVI_OK);		\
		ck_assert_uint_eq(d[word], (bits));				\
		for (int w = 0; w < 3; w++)					\
			if (w != (word))					\
				ck_assert_uint_eq(d[w], 0);			\
		ck_assert_int_eq(amdvi_dte_decode(d, 0, &out), AMDVI_OK);	\
		ck_assert_uint_eq(out.field, (val));				\
		out.field = zero.field;						\
		memset(out.raw, 0, sizeof(out.raw));				\
		ck_assert_mem_eq(&out, &zero, sizeof(out));			\
	} while (0)

	CHECK_FIELD(v, true, 0, 1ULL << 0);
	CHECK_FIELD(tv, true, 0, 1ULL << 1);
	CHECK_FIELD(had, 3, 0, 3ULL << 7);
	CHECK_FIELD(mode, 7, 0, 7ULL << 9);
	CHECK_FIELD(pt_root, 0x000ffffffffff000ULL, 0, 0x000ffffffffff000ULL);
	CHECK_FIELD(ppr, true, 0, 1ULL << 52);
	CHECK_FIELD(gprp, true, 0, 1ULL << 53);
	CHECK_FIELD(giov, true, 0, 1ULL << 54);
	CHECK_FIELD(gv, true, 0, 1ULL << 55);
	CHECK_FIELD(glx, 3, 0, 3ULL << 56);
	CHECK_FIELD(ir, true, 0, 1ULL << 61);
	CHECK_FIELD(iw, true, 0, 1ULL << 62);
	CHECK_FIELD(domid, 0xffff, 1, 0xffffULL);
	CHECK_FIELD(i, true, 1, 1ULL << 32);
	CHECK_FIELD(se, true, 1, 1ULL << 33);
	CHECK_FIELD(sa, true, 1, 1ULL << 34);
	CHECK_FIELD(ioctl, 3, 1, 3ULL << 35);
	CHECK_FIELD(cache, true, 1, 1ULL << 37);
	CHECK_FIELD(sd, true, 1, 1ULL << 38);
	CHECK_FIELD(ex, true, 1, 1ULL << 39);
	CHECK_FIELD(sysmgt, 3, 1, 3ULL << 40);
	CHECK_FIELD(iv, true, 2, 1ULL << 0);
	CHECK_FIELD(int_tab_len, 0xf, 2, 0xfULL << 1);
	CHECK_FIELD(ig, true, 2, 1ULL << 5);
	CHECK_FIELD(int_tab_root, 0x000fffffffffffc0ULL, 2, 0x000fffffffffffc0ULL);
	CHECK_FIELD(gpt_level, 3, 2, 3ULL << 54);
	CHECK_FIELD(init_pass, true, 2, 1ULL << 56);
	CHECK_FIELD(eint_pass, true, 2, 1ULL << 57);
	CHECK_FIELD(nmi_pass, true, 2, 1ULL << 58);
	CHECK_FIELD(int_ctl, 3, 2, 3ULL << 60);
	CHECK_FIELD(lint0_pass, true, 2, 1ULL << 62);
	CHECK_FIELD(lint1_pass, true, 2, 1ULL << 63);
#undef CHECK_FIELD
}
END_TEST

START_TEST(all_ones_roundtrip)
{
	const uint64_t d[4] = { ~0ULL, ~0ULL, ~0ULL, 0x1234 };
	struct amdvi_dte e = decode(d, 0);
	uint64_t back[4];

	ck_assert_uint_eq(e.mode, 7);
	ck_assert_uint_eq(e.pt_root, 0x000ffffffffff000ULL);
	ck_assert_uint_eq(e.domid, 0xffff);
	ck_assert_uint_eq(e.int_tab_len, 0xf);
	ck_assert_uint_eq(e.int_tab_root, 0x000fffffffffffc0ULL);
	ck_assert_uint_eq(e.int_ctl, 3);
	ck_assert_uint_eq(e.gcr3_root, 0x000ffffffffff000ULL);
	amdvi_dte_encode(&e, back);
	/* reserved bits (d0 63 and 6:2, d1 42, d2 59 and 53:52) are not produced */
	ck_assert_uint_eq(back[0], ~0ULL & ~(1ULL << 63) & ~(0x1fULL << 2));
	ck_assert_uint_eq(back[1], ~0ULL & ~(1ULL << 42));
	ck_assert_uint_eq(back[2], ~0ULL & ~(1ULL << 59) & ~(3ULL << 52));
	ck_assert_uint_eq(back[3], 0x1234);
}
END_TEST

START_TEST(interrupt_remapping)
{
	/* Linux: IV | IntTabLen 9 | root | IntCtl 2 */
	const uint64_t d[4] = { 0x3, 0, 0x2000000000000000ULL | 0x7f0000ULL | (9ULL << 1) | 1, 0 };
	struct amdvi_dte e = decode(d, 0);

	ck_assert(e.iv);
	ck_assert_uint_eq(e.int_tab_len, 9);
	ck_assert_uint_eq(amdvi_dte_int_tab_entries(&e), 512);
	ck_assert_uint_eq(e.int_tab_root, 0x7f0000ULL);
	ck_assert_uint_eq(e.int_ctl, AMDVI_DTE_INTCTL_REMAP);
	ck_assert_int_eq(amdvi_dte_classify(&e), AMDVI_DTE_BLOCKED);
	ck_assert_str_eq(fmt(&e), "blocked domain=0 mode=0 TV irt=0x7f0000 len=512 intctl=2");
	e.iv = false;
	ck_assert_uint_eq(amdvi_dte_int_tab_entries(&e), 0);
}
END_TEST

START_TEST(classification)
{
	uint64_t d[4] = { 0, 0, 0, 0 };
	struct amdvi_dte e;

	e = decode(d, 0);
	ck_assert_int_eq(amdvi_dte_classify(&e), AMDVI_DTE_NOT_VALID);
	ck_assert(!amdvi_dte_valid(&e) && !amdvi_dte_translates(&e));
	ck_assert_str_eq(fmt(&e), "not-valid");

	/* clear_dte_entry / init: V|TV only */
	d[0] = AMDVI_DTE_V | AMDVI_DTE_TV;
	e = decode(d, 0);
	ck_assert_int_eq(amdvi_dte_classify(&e), AMDVI_DTE_BLOCKED);
	ck_assert(amdvi_dte_valid(&e) && !amdvi_dte_translates(&e));

	/* identity domain (6.1/6.12 set_dte_entry, mode NONE): V|TV|IR|IW */
	d[0] = AMDVI_DTE_V | AMDVI_DTE_TV | AMDVI_DTE_IR | AMDVI_DTE_IW;
	d[1] = 5;
	e = decode(d, 0);
	ck_assert_int_eq(amdvi_dte_classify(&e), AMDVI_DTE_PASSTHROUGH);
	ck_assert(!amdvi_dte_translates(&e));

	/* V without TV (SNP clear_dte_entry): no translation information */
	d[0] = AMDVI_DTE_V;
	e = decode(d, 0);
	ck_assert_int_eq(amdvi_dte_classify(&e), AMDVI_DTE_PASSTHROUGH);

	/* V, mode 3 but TV clear: does not translate */
	d[0] = AMDVI_DTE_V | (3ULL << 9) | 0x1000;
	e = decode(d, 0);
	ck_assert(!amdvi_dte_translates(&e));
	ck_assert_int_eq(amdvi_dte_classify(&e), AMDVI_DTE_PASSTHROUGH);

	/* TV, mode 3, but V clear */
	d[0] = AMDVI_DTE_TV | (3ULL << 9) | 0x1000;
	e = decode(d, 0);
	ck_assert_int_eq(amdvi_dte_classify(&e), AMDVI_DTE_NOT_VALID);
	ck_assert(!amdvi_dte_translates(&e));

	ck_assert_str_eq(amdvi_dte_class_name(AMDVI_DTE_GUEST), "guest");
	ck_assert_str_eq(amdvi_dte_class_name(AMDVI_DTE_PASSTHROUGH), "passthrough");
	ck_assert_int_eq(amdvi_dte_decode(NULL, 0, &e), AMDVI_ERR_ARG);
}
END_TEST

extern Suite *amdvi_dte_suite(void);
Suite *amdvi_dte_suite(void)
{
	Suite *s = suite_create("amdvi_dte");
	TCase *tc = tcase_create("dte");

	tcase_add_test(tc, real_dte);
	tcase_add_test(tc, sme_cbit_stripped);
	tcase_add_test(tc, gcr3_assembly);
	tcase_add_test(tc, single_fields_isolated);
	tcase_add_test(tc, all_ones_roundtrip);
	tcase_add_test(tc, interrupt_remapping);
	tcase_add_test(tc, classification);
	suite_add_tcase(s, tc);
	return s;
}
