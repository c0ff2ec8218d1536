/*
 * iommu_inflight: the crash utility command.
 *
 *   crash> extend iommu_inflight.so
 *   crash> iommu_inflight [-i N] [-d [SSSS:]BB:DD.F] [-rtmecpav] [-j] [-n]
 *                         [-k capture-log] [-l crashed-log] [-R fixture]
 *
 * The analysis itself is the engine's (src/core, src/backend, src/report); this file
 * parses the options, feeds the engine crash's target (crash_target.c) and
 * crash's own `log` of the dump, and prints the report through `fp` so that
 * crash's redirection and pipes work.  Nothing here may take crash down:
 * no error(FATAL) at load, reads that never longjmp, and a bad option is
 * only cmd_usage().
 */
#include "defs.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/analysis.h"
#include "report/report.h"
#include "target/fixture.h"

#include "crash_target.h"

/* The version of the crash this was built for (Makefile: CRASH_VERSION). */
#ifndef IIF_CRASH_VERSION
#define IIF_CRASH_VERSION ""
#endif

/* What the previous run left behind if it was interrupted (Ctrl-C makes
 * crash longjmp to its prompt from anywhere); freed on the next run. */
static struct {
	struct analysis *a;
	struct fixture *fx;
	FILE *log;
} leftover;

static void release_leftover(void)
{
	if (leftover.a)
		analysis_free(leftover.a);
	if (leftover.fx)
		fixture_free(leftover.fx);
	if (leftover.log)
		fclose(leftover.log);
	memset(&leftover, 0, sizeof(leftover));
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "[SSSS:]BB:DD.F" (hex) into segment (-1 when not given) and devid. */
static bool parse_bdf(const char *s, int *segment, int *devid)
{
	unsigned seg, bus, dev, fn;
	char tail;

	if (sscanf(s, "%x:%x:%x.%x%c", &seg, &bus, &dev, &fn, &tail) == 4) {
		if (seg > 0xffff)
			return false;
		*segment = (int)seg;
	} else if (sscanf(s, "%x:%x.%x%c", &bus, &dev, &fn, &tail) == 3) {
		*segment = -1;
	} else {
		return false;
	}
	if (bus > 0xff || dev > 0x1f || fn > 7)
		return false;
	*devid = (int)(bus << 8 | dev << 3 | fn);
	return true;
}

static bool parse_index(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < 0 || v > 0xffff)
		return false;
	*out = (int)v;
	return true;
}

/* ---- crash's own `log` of the dump, as the crashed kernel's log ---- */

static void do_dump_log(void *arg)
{
	(void)arg;
	dump_log(0);
}

/*
 * Runs crash's log dumper into crash's tmpfile and copies the text into a
 * private stream: the engine reads it while crash's fp is back to normal,
 * so nothing crash prints meanwhile can land in the log being read.
 * Returns NULL when crash could not produce the log.
 */
static FILE *capture_crash_log(size_t *bytes)
{
	FILE *copy = NULL;
	char buf[8192];
	size_t n;
	int rc;

	*bytes = 0;
	if (pc->tmpfile)		/* already in use (should not happen) */
		return NULL;
	open_tmpfile();
	rc = crash_target_guard(do_dump_log, NULL);
	if (rc == 0 && pc->tmpfile) {
		copy = tmpfile();
		rewind(pc->tmpfile);
		while (copy && (n = fread(buf, 1, sizeof(buf), pc->tmpfile)) > 0) {
			if (fwrite(buf, 1, n, copy) != n) {
				fclose(copy);
				copy = NULL;
				break;
			}
			*bytes += n;
		}
	}
	close_tmpfile();
	if (copy && *bytes == 0) {
		fclose(copy);
		copy = NULL;
	}
	if (copy)
		rewind(copy);
	return copy;
}

/* ---- -R: recording a replay fixture ------------------------------- */

static void fixture_file_counts(const char *path, unsigned long *records, long long *bytes)
{
	struct stat st;
	FILE *f = fopen(path, "r");
	char line[512];
	bool at_start = true;

	*records = 0;
	*bytes = stat(path, &st) == 0 ? (long long)st.st_size : -1;
	if (!f)
		return;
	/* one record per line; the header and comments are not records */
	while (fgets(line, sizeof(line), f)) {
		bool whole = strchr(line, '\n') != NULL;

		if (at_start && line[0] != '#' && line[0] != '\n' &&
		    strncmp(line, "iommu-inflight-replay", 21) != 0)
			(*records)++;
		at_start = whole;
	}
	fclose(f);
}

/* ---- the command --------------------------------------------------- */

/* -i / -d that select nothing: say so rather than print empty tables. */
static void note_empty_selection(const struct analysis *a)
{
	char notes[256], *line, *save = NULL;

	if (!report_selection_notes(a, notes, sizeof(notes)))
		return;
	for (line = strtok_r(notes, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		error(INFO, "%s\n", line);
}

static void cmd_iommu_inflight(void)
{
	struct analysis_options opt;
	unsigned sections = 0;
	bool verbose = false, json = false;
	const char *record_path = NULL;
	struct target ct, rt;
	struct record_target rec;
	const struct target *t;
	size_t log_bytes = 0;
	double t0, t_log, t_run, t_report;
	int c;

	release_leftover();
	analysis_options_init(&opt);

	while ((c = getopt(argcnt, args, "i:d:rtmefcpavjk:l:nR:")) != EOF) {
		switch (c) {
		case 'i':
			if (!parse_index(optarg, &opt.iommu)) {
				error(INFO, "invalid IOMMU index: %s\n", optarg);
				argerrs++;
			}
			break;
		case 'd':
			if (!parse_bdf(optarg, &opt.segment, &opt.devid)) {
				error(INFO, "invalid device (expected [SSSS:]BB:DD.F): %s\n", optarg);
				argerrs++;
			}
			break;
		case 'r':
			sections |= REPORT_RING;
			break;
		case 't':
			sections |= REPORT_DEVTAB;
			break;
		case 'm':
			sections |= REPORT_MAPPINGS;
			break;
		case 'e':
			sections |= REPORT_EVENTS;
			break;
		case 'f':
			sections |= REPORT_FLUSH_QUEUES;
			break;
		case 'c':
			sections |= REPORT_CORRELATION;
			break;
		case 'p':
			sections |= REPORT_PROBLEMS;
			break;
		case 'a':
			sections |= REPORT_SUMMARY | REPORT_RING | REPORT_DEVTAB | REPORT_MAPPINGS |
				    REPORT_EVENTS | REPORT_FLUSH_QUEUES | REPORT_CORRELATION | REPORT_PROBLEMS;
			break;
		case 'v':
			verbose = true;
			break;
		case 'j':
			json = true;
			break;
		case 'k':
			opt.capture_log = optarg;
			break;
		case 'l':
			opt.crashed_log = optarg;
			break;
		case 'n':
			opt.no_walk = true;
			break;
		case 'R':
			record_path = optarg;
			break;
		default:
			argerrs++;
			break;
		}
	}
	if (argerrs || args[optind])
		cmd_usage(pc->curcmd, SYNOPSIS);
	if (!sections)
		sections = REPORT_SUMMARY;

	if (record_path) {
		/* fail before the work, not after: the file is rewritten at the end */
		FILE *probe = fopen(record_path, "w");

		if (!probe)
			error(FATAL, "%s: cannot write the fixture: %s\n", record_path, strerror(errno));
		fclose(probe);
	}

	t0 = now_seconds();
	crash_target_reset_stats();
	crash_target_init(&ct);
	/* Symbols that do not match memory (a crash too old for the kernel that
	 * still came up, as 8.0.2 does under --minimal on 6.12 and 7.x dumps
	 * after "vmlinux and vmcore do not match!", or a relocation it got
	 * wrong) would read someone else's bytes for every structure: the
	 * kernel's own banner must be where its symbol says. */
	{
		uint64_t banner;
		char text[16] = "";

		if (target_symbol(&ct, "linux_banner", &banner) ||
		    target_read(&ct, TARGET_KVADDR, banner, text, sizeof(text) - 1) ||
		    strncmp(text, "Linux version ", 14)) {
			error(INFO, "the kernel's symbols do not match this dump's memory: linux_banner "
			      "does not read \"Linux version\" (a vmlinux of another build, or a crash "
			      "too old for this kernel, which may have said \"vmlinux and vmcore do not "
			      "match\"): no analysis\n");
			return;
		}
	}

	/* the dump file crash has open, whole or cut short (the same check
	 * as the standalone reader's; a live session has no file) */
	static struct dump_integrity integrity;

	memset(&integrity, 0, sizeof(integrity));
	if (!ACTIVE() && pc->dumpfile) {
		int fd = open(pc->dumpfile, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			dump_integrity_check(fd, &integrity);
			close(fd);
			opt.integrity = &integrity;
		}
	}

	t = &ct;
	if (record_path) {
		leftover.fx = fixture_new();
		record_target_init(&rt, &rec, &ct, leftover.fx);
		rt.name = ct.name;	/* the answers are crash's, recorded on the way */
		t = &rt;
	}

	if (!opt.crashed_log) {
		leftover.log = capture_crash_log(&log_bytes);
		if (leftover.log) {
			opt.crashed_log_fp = leftover.log;
			opt.crashed_log_name = "crash log";
		} else if (!json) {
			error(INFO, "crash's log of the dump could not be read: "
			      "no crashed-kernel log (give one with -l)\n");
		}
	}
	t_log = now_seconds();

	leftover.a = analysis_run(t, &opt);
	t_run = now_seconds();
	if (leftover.log) {
		fclose(leftover.log);
		leftover.log = NULL;
	}
	if (!leftover.a) {
		error(INFO, "out of memory\n");
		release_leftover();
		return;
	}

	if (!json)
		note_empty_selection(leftover.a);
	if (json)
		report_json(leftover.a, fp);
	else
		report_text(leftover.a, sections, verbose, fp);
	t_report = now_seconds();

	if (record_path) {
		struct crash_target_info info;
		unsigned long records;
		long long bytes;

		crash_target_get_info(&info);
		fixture_set_meta(leftover.fx, "source", "crash");
		fixture_set_meta(leftover.fx, "release", kt->utsname.release);
		fixture_set_meta(leftover.fx, "crash", pc->program_version);
		fixture_set_meta(leftover.fx, "dumpfile", pc->dumpfile ? pc->dumpfile : "-");
		fixture_set_meta(leftover.fx, "format", info.format);
		if (fixture_save(leftover.fx, record_path) != 0) {
			error(INFO, "%s: cannot write the fixture: %s\n", record_path, strerror(errno));
		} else {
			fixture_file_counts(record_path, &records, &bytes);
			/* with -j, on stderr: the JSON object stays alone on fp */
			if (json) {
				fflush(fp);
				fprintf(stderr, "iommu_inflight: fixture %s: %lu records, %lld bytes\n",
					record_path, records, bytes);
			} else
				fprintf(fp, "\nfixture %s: %lu records, %lld bytes\n",
					record_path, records, bytes);
		}
	}

	if (verbose && !json) {
		const struct crash_target_stats *s = crash_target_get_stats();
		struct crash_target_info info;

		crash_target_get_info(&info);
		fprintf(fp, "\ndump: %s, makedumpfile level %d%s; excluded pages detected by %s\n",
			info.format, info.dump_level, info.zero_excluded ? ", --zero_excluded" : "",
			info.exclusion_method);
		fprintf(fp, "dump file: %s\n", !integrity.checked ? "not checked (not a format the check knows)" :
			dump_integrity_damaged(&integrity) ? integrity.summary :
			"whole (the data its headers point to is all in the file)");
		fprintf(fp, "extension: built against the defs.h of crash %s, running in crash %s\n",
			IIF_CRASH_VERSION[0] ? IIF_CRASH_VERSION : "(version not known at build time)",
			pc->program_version);
		if (pc->flags & MINIMAL_MODE)
			fprintf(fp, "crash --minimal: %lu module/vmalloc reads translated through the "
				"kernel's own page tables (init_top_pgt)%s\n", s->walked,
				s->unavailable ? "; the tables were not found, so those reads failed" : "");
		fprintf(fp, "reads: %lu (%lu bytes), failed %lu: %lu excluded, %lu not in the dump, "
			"%lu not translatable under --minimal, %lu other; %lu lookups; "
			"%lu crash errors caught\n",
			s->reads, s->bytes, s->failed, s->excluded, s->invalid, s->unavailable, s->io,
			s->lookups, s->trapped);
		fprintf(fp, "time: crash log %.3f s (%zu bytes), analysis %.3f s, report %.3f s\n",
			t_log - t0, log_bytes, t_run - t_log, t_report - t_run);
	}

	release_leftover();
}

/* help_iommu_inflight[]: `help iommu_inflight`, generated with the man page
 * iommu-inflight(1) from their one source, man/iommu-inflight.help. */
#include "crash_help.h"

static struct command_table_entry command_table[] = {
	/* MINIMAL: under `crash --minimal` (retrace-server's fallback, and the
	 * only way 8.0.6 and 9.0.x open 7.x dumps) the analysis is the same,
	 * module memory read through our own page-table walk (crash_target.c);
	 * checked by tests/crash/run.sh and tests/crash/matrix.sh. */
	{ "iommu_inflight", cmd_iommu_inflight, help_iommu_inflight, MINIMAL },
	{ NULL }
};

/*
 * The crash whose defs.h this was built against (Makefile, from
 * tools/crash-version.sh).  The layouts the extension uses through defs.h
 * (struct program_context, the offset and size tables) change between crash
 * releases, so in another crash it could read the wrong fields.  It then
 * registers nothing, which makes crash unload it with "no commands
 * registered" and go on; IOMMU_INFLIGHT_ANY_CRASH=1 loads it anyway.
 * pc->program_version is the third member of struct program_context in
 * 8.0.2, 8.0.6 and 9.0.2 alike (tests/crash/install.sh loads one crash's
 * build into the others), so reading it is safe in any of them.
 */
static bool built_for_this_crash(void)
{
	const char *running = pc && pc->program_version ? pc->program_version : "";
	const char *forced = getenv("IOMMU_INFLIGHT_ANY_CRASH");

	if (!IIF_CRASH_VERSION[0] || strcmp(running, IIF_CRASH_VERSION) == 0)
		return true;
	if (forced && strcmp(forced, "1") == 0) {
		error(WARNING, "iommu_inflight.so was built for crash %s, this is crash %s: "
		      "loaded anyway (IOMMU_INFLIGHT_ANY_CRASH=1); its reports may be wrong\n",
		      IIF_CRASH_VERSION, running);
		return true;
	}
	error(INFO, "iommu_inflight.so was built against the defs.h of crash %s and this is "
	      "crash %s: not loaded (structure layouts differ between crash releases).  "
	      "Rebuild it for this crash: make extension CRASH_INCLUDE=<dir of its defs.h>, "
	      "or set IOMMU_INFLIGHT_ANY_CRASH=1 to load it anyway\n",
	      IIF_CRASH_VERSION, running);
	return false;
}

__attribute__((constructor)) static void iommu_inflight_init(void)
{
	if (built_for_this_crash())
		register_extension(command_table);
}

__attribute__((destructor)) static void iommu_inflight_fini(void)
{
	release_leftover();
}
