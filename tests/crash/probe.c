/*
 * iif_probe: a test-only crash extension that exercises the crash target
 * (extensions/crash_target.c) directly, so that tests/crash/run.sh can check
 * on real dumps that an excluded page comes back as TARGET_E_EXCLUDED, a page
 * that is not in the dump as TARGET_E_INVALID, and that crash's error exits
 * are caught.  Built by run.sh; not installed.
 *
 *   iif_probe scan        read 64 bytes of every page frame (physical), count
 *                         the results, and show crash's own verdict on the
 *                         first excluded page (readmem, not quiet)
 *   iif_probe read pa|kv ADDR LEN
 *   iif_probe guard       error(FATAL) and a FAULT_ON_ERROR read, each inside
 *                         crash_target_guard(): both must come back
 */
#include "defs.h"

#include "crash_target.h"

static void fatal_inside(void *arg)
{
	(void)arg;
	error(FATAL, "iif_probe: deliberate error(FATAL) inside the guard\n");
}

static void fault_inside(void *arg)
{
	ulong v;

	(void)arg;
	/* page frame 0 is never in a kdump: FAULT_ON_ERROR longjmps */
	readmem(0, PHYSADDR, &v, sizeof(v), "iif_probe deliberate fault", FAULT_ON_ERROR);
	readmem(~0ULL << 40, PHYSADDR, &v, sizeof(v), "iif_probe deliberate fault", FAULT_ON_ERROR);
}

static void probe_scan(const struct target *t)
{
	unsigned long count[TARGET_E_UNSUPPORTED + 1] = { 0 };
	uint64_t first_excluded = 0;
	bool have_excluded = false;
	uint8_t buf[64];
	ulong max_pfn = 0;

	/* the highest page frame the kernel knew */
	if (symbol_exists("max_pfn"))
		readmem(symbol_value("max_pfn"), KVADDR, &max_pfn, sizeof(max_pfn), "max_pfn",
			RETURN_ON_ERROR | QUIET);
	if (!max_pfn) {
		fprintf(fp, "scan: max_pfn unknown\n");
		return;
	}
	for (ulong pfn = 0; pfn < max_pfn; pfn++) {
		uint64_t pa = (uint64_t)pfn * PAGESIZE();
		enum target_err err = target_read(t, TARGET_PHYSADDR, pa, buf, sizeof(buf));

		if (err <= TARGET_E_UNSUPPORTED)
			count[err]++;
		if (err == TARGET_E_EXCLUDED && !have_excluded) {
			have_excluded = true;
			first_excluded = pa;
		}
	}
	fprintf(fp, "scan: pfns=%lu ok=%lu excluded=%lu invalid=%lu io=%lu first_excluded=%#llx\n",
		max_pfn, count[TARGET_OK], count[TARGET_E_EXCLUDED], count[TARGET_E_INVALID],
		count[TARGET_E_IO], (unsigned long long)first_excluded);
	if (have_excluded) {
		ulong v = 0;
		int ok = readmem(first_excluded, PHYSADDR, &v, sizeof(v), "iif_probe", RETURN_ON_ERROR);

		fprintf(fp, "crash readmem of %#llx: %s, value %#lx\n",
			(unsigned long long)first_excluded, ok ? "read" : "failed", v);
	}
}

static void cmd_iif_probe(void)
{
	struct target t;

	crash_target_init(&t);
	crash_target_reset_stats();
	if (argcnt >= 2 && !strcmp(args[1], "scan")) {
		probe_scan(&t);
	} else if (argcnt == 5 && !strcmp(args[1], "read")) {
		bool pa = !strcmp(args[2], "pa");
		uint64_t addr = htol(args[3], FAULT_ON_ERROR, NULL);
		long len = stol(args[4], FAULT_ON_ERROR, NULL);
		uint8_t *buf = (uint8_t *)GETBUF(len > 0 ? len : 1);
		enum target_err err = target_read(&t, pa ? TARGET_PHYSADDR : TARGET_KVADDR, addr, buf,
						  (size_t)len);

		fprintf(fp, "read %s %#llx %ld: %s\n", args[2], (unsigned long long)addr, len,
			target_err_name(err));
	} else if (argcnt >= 2 && !strcmp(args[1], "guard")) {
		int a = crash_target_guard(fatal_inside, NULL);
		int b = crash_target_guard(fault_inside, NULL);

		fprintf(fp, "guard: fatal %s, fault %s, IN_FOREACH %s\n",
			a ? "caught" : "not caught", b ? "caught" : "not caught",
			pc->flags & IN_FOREACH ? "left set" : "restored");
	} else {
		cmd_usage(pc->curcmd, SYNOPSIS);
	}
	fprintf(fp, "stats: reads=%lu failed=%lu excluded=%lu invalid=%lu io=%lu trapped=%lu\n",
		crash_target_get_stats()->reads, crash_target_get_stats()->failed,
		crash_target_get_stats()->excluded, crash_target_get_stats()->invalid,
		crash_target_get_stats()->io, crash_target_get_stats()->trapped);
}

static char *help_iif_probe[] = {
	"iif_probe",
	"test the iommu_inflight crash target",
	"scan | read pa|kv ADDR LEN | guard",
	"  Test-only (tests/crash/run.sh).",
	NULL
};

static struct command_table_entry probe_commands[] = {
	{ "iif_probe", cmd_iif_probe, help_iif_probe, MINIMAL },
	{ NULL }
};

__attribute__((constructor)) static void iif_probe_init(void)
{
	register_extension(probe_commands);
}
