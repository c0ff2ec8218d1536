/* A module's symbols from the crashed kernel's module list
 * (src/core/module_syms.c): the lookup the engine uses to find the
 * reference flush module's record when the ring no longer shows it. */
#include <check.h>
#include <string.h>

#include "core/module_syms.h"
#include "target/fixture.h"

#define MODULES_SYM	0xffffffff82000600ull
#define MOD_A		0xffffffffc0001000ull	/* e1000 */
#define MOD_B		0xffffffffc0002000ull	/* iommu_ref_flush */
#define KS_B		0xffffffffc0003000ull	/* its struct mod_kallsyms */
#define SYMTAB_B	0xffffffffc0004000ull
#define STRTAB_B	0xffffffffc0005000ull

/* offsets of our own choosing */
#define MOD_LIST	8
#define MOD_NAME	24
#define MOD_KALLSYMS	96

enum shape { GOOD, CYCLE, NO_TYPES };

static void member(struct fixture *fx, const char *s, const char *m, long off, long size)
{
	struct target_member tm = { .offset = off, .size = size };

	fixture_add_member(fx, s, m, TARGET_OK, &tm);
}

static void mem64(struct fixture *fx, uint64_t addr, uint64_t v)
{
	fixture_add_memory(fx, TARGET_KVADDR, addr, 8, &v, TARGET_OK);
}

static void name(struct fixture *fx, uint64_t mod, const char *n)
{
	char buf[64] = { 0 };

	strncpy(buf, n, sizeof(buf) - 1);
	fixture_add_memory(fx, TARGET_KVADDR, mod + MOD_NAME, sizeof(buf), buf, TARGET_OK);
}

static void sym(uint8_t *e, uint32_t st_name, uint64_t value)
{
	memset(e, 0, 24);
	for (int i = 0; i < 4; i++)
		e[i] = (uint8_t)(st_name >> (8 * i));
	for (int i = 0; i < 8; i++)
		e[8 + i] = (uint8_t)(value >> (8 * i));
}

static struct fixture *kernel(enum shape how)
{
	struct fixture *fx = fixture_new();
	static const char strtab[] = "\0init_module\0record_page\0cleanup_module";
	uint8_t syms[3 * 24];

	if (how != NO_TYPES) {
		member(fx, "module", "list", MOD_LIST, 16);
		member(fx, "module", "name", MOD_NAME, 56);
		member(fx, "module", "kallsyms", MOD_KALLSYMS, 8);
		member(fx, "mod_kallsyms", "symtab", 0, 8);
		member(fx, "mod_kallsyms", "num_symtab", 8, 4);
		member(fx, "mod_kallsyms", "strtab", 16, 8);
	} else {
		fixture_add_member(fx, "module", "kallsyms", TARGET_E_NOTFOUND, NULL);
	}
	fixture_add_symbol(fx, "modules", TARGET_OK, MODULES_SYM);
	/* modules -> A -> B -> modules (or B -> A again: a cycle) */
	mem64(fx, MODULES_SYM, MOD_A + MOD_LIST);
	mem64(fx, MOD_A + MOD_LIST, how == CYCLE ? MOD_A + MOD_LIST : MOD_B + MOD_LIST);
	mem64(fx, MOD_B + MOD_LIST, MODULES_SYM);
	name(fx, MOD_A, "e1000");
	name(fx, MOD_B, "iommu_ref_flush");
	mem64(fx, MOD_B + MOD_KALLSYMS, KS_B);
	mem64(fx, KS_B, SYMTAB_B);
	fixture_add_memory(fx, TARGET_KVADDR, KS_B + 8, 4, (uint32_t[]){ 3 }, TARGET_OK);
	mem64(fx, KS_B + 16, STRTAB_B);
	sym(syms, 1, 0xffffffffc0010000ull);
	sym(syms + 24, 13, 0xffffffffc0020040ull);
	sym(syms + 48, 25, 0xffffffffc0010100ull);
	fixture_add_memory(fx, TARGET_KVADDR, SYMTAB_B, sizeof(syms), syms, TARGET_OK);
	fixture_add_memory(fx, TARGET_KVADDR, STRTAB_B, sizeof(strtab), strtab, TARGET_OK);
	return fx;
}

static struct module_sym_result look(enum shape how, const char *mod, const char *s)
{
	struct fixture *fx = kernel(how);
	struct module_sym_result r;
	struct target t;

	replay_target_init(&t, fx);
	module_symbol(&t, mod, s, &r);
	fixture_free(fx);
	return r;
}

START_TEST(test_module_symbol_found)
{
	struct module_sym_result r = look(GOOD, "iommu_ref_flush", "record_page");

	ck_assert_int_eq(r.status, MODULE_SYM_OK);
	ck_assert_uint_eq(r.addr, 0xffffffffc0020040ull);
	ck_assert_uint_eq(r.module, MOD_B);
}
END_TEST

START_TEST(test_module_symbol_missing)
{
	struct module_sym_result r = look(GOOD, "iommu_ref_flush", "record");

	ck_assert_int_eq(r.status, MODULE_SYM_NO_SYMBOL);	/* a prefix of a name is not the name */
	ck_assert_ptr_nonnull(strstr(r.why, "no symbol record"));
	r = look(GOOD, "edu_fault", "record_page");
	ck_assert_int_eq(r.status, MODULE_SYM_NOT_LOADED);
	ck_assert_ptr_nonnull(strstr(r.why, "edu_fault is not loaded"));
}
END_TEST

START_TEST(test_module_symbol_bad_input)
{
	struct module_sym_result r = look(CYCLE, "iommu_ref_flush", "record_page");

	ck_assert_int_eq(r.status, MODULE_SYM_CORRUPT);
	ck_assert_ptr_nonnull(strstr(r.why, "cycle"));
	r = look(NO_TYPES, "iommu_ref_flush", "record_page");
	ck_assert_int_eq(r.status, MODULE_SYM_NO_TYPES);
}
END_TEST

Suite *analysis_module_syms_suite(void)
{
	Suite *s = suite_create("analysis_module_syms");
	TCase *tc = tcase_create("module_symbol");

	tcase_add_test(tc, test_module_symbol_found);
	tcase_add_test(tc, test_module_symbol_missing);
	tcase_add_test(tc, test_module_symbol_bad_input);
	suite_add_tcase(s, tc);
	return s;
}
