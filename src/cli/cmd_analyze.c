/*
 * iommu-inflight analyze: the analysis of a vmcore without crash.  The dump
 * is read with libkdumpfile, symbols and types come from the vmlinux's ELF
 * and DWARF (libdw), and the report is the crash command's, byte for byte
 * (same options, same text, same JSON schema).
 *
 *   iommu-inflight analyze --vmlinux FILE --vmcore FILE [-k LOG] [-l LOG] [--json] [options]
 *   iommu-inflight analyze --batch LIST            (one JSON object per dump and line)
 *   iommu-inflight analyze --vmlinux A --vmcore X --vmcore Y --vmlinux B --vmcore Z
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/analysis.h"
#include "core/problems.h"
#include "dump/dump.h"
#include "dump/vmlinux.h"
#include "report/report.h"
#include "target/fixture.h"

static void analyze_usage(FILE *out)
{
	fprintf(out,
		"usage: iommu-inflight analyze [--vmlinux FILE] --vmcore FILE [-j] [-rtmefcpav] [-n]\n"
		"                              [-i N] [-d [SSSS:]BB:DD.F] [-k CAPTURE_LOG] [-l CRASHED_LOG] [-R FIXTURE]\n"
		"       iommu-inflight analyze --batch LIST [--vmlinux FILE] [-n]\n"
		"  --vmlinux FILE  the debug vmlinux, or a Debian linux-image-*-dbg .deb; without it the\n"
		"                  dump's build id and release are looked up in the usual debug directories\n"
		"  --vmcore FILE   kdump-compressed, flattened (makedumpfile -F; '-' reads it from stdin),\n"
		"                  ELF or QEMU ELF; repeat --vmlinux/--vmcore pairs for several dumps\n"
		"  --batch LIST    one dump per line: VMCORE [VMLINUX [CAPTURE_LOG [CRASHED_LOG]]] ('-': none)\n"
		"  --debug-dir D   more roots to look for the vmlinux in (':'-separated)\n"
		"  -j, --json  JSON (schema iommu-inflight/1); several dumps: one object per line\n"
		"  -r  full command ring  -t  device table  -m  mappings  -e  event log  -c  correlation\n"
		"  -f  flush queues (lazy mode: unmapped IOVA ranges not yet invalidated)\n"
		"  -p  problems           -a  all sections  -v  verbose   -n  no page-table walk\n"
		"  -i N  one IOMMU     -d BDF  one device\n"
		"  -k FILE  the capture kernel's log (kexec-dmesg.log, console)\n"
		"  -l FILE  the crashed kernel's log (default: read from the dump itself)\n"
		"  -R FILE  record a replay fixture of what the engine read\n"
		"  -q, --quiet  no progress line\n"
		"  --dmesg  print the crashed kernel's log read from the dump, and stop\n"
		"  --mappings-jsonl FILE  stream every extent to FILE ('-': stdout) as one JSON object per\n"
		"                  line while the tables are walked; none is kept (memory does not grow)\n"
		"  --stream  with -m: print the mappings table while walking instead of keeping the extents\n"
		"exit status: 0 a complete analysis of an intact dump; 3 analysis done, but the dump is\n"
		"  damaged (cut short, marked incomplete) or reads failed, so some answers are unknown or\n"
		"  lower bounds; 1 no analysis (the dump or vmlinux could not be used); 2 bad options.\n"
		"  Several dumps: the worst of them; each --batch/--json line carries its \"status\".\n");
}

struct job {
	const char *vmcore;
	const char *vmlinux;		/* NULL: the global one, or a lookup */
	const char *capture_log, *crashed_log;
};

struct vm_entry {
	char *spec;			/* as given ("" for a lookup) */
	char *path;
	bool is_temp;
	struct vmlinux *vm;
};

struct analyze_ctx {
	struct analysis_options opt;
	unsigned sections;
	bool json, verbose, batch, quiet, dmesg, stream;
	const char *mappings_jsonl;
	const char *record;
	const char *debug_dirs;
	struct vm_entry *vms;
	size_t n_vms;
};

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* The vmlinux for one dump, opened once per file for the whole batch (its
 * type cache then serves every dump of that kernel). */
static struct vmlinux *get_vmlinux(struct analyze_ctx *cx, const char *spec, struct dump *d,
				   char *err, size_t errlen)
{
	char *path;
	bool is_temp;

	for (size_t i = 0; spec && i < cx->n_vms; i++)
		if (!strcmp(cx->vms[i].spec, spec))
			return cx->vms[i].vm;
	path = vmlinux_locate(spec, dump_build_id(d), dump_release(d), cx->debug_dirs, &is_temp, err, errlen);
	if (!path)
		return NULL;
	for (size_t i = 0; i < cx->n_vms; i++)
		if (!strcmp(cx->vms[i].path, path)) {
			free(path);
			return cx->vms[i].vm;
		}
	struct vmlinux *vm = vmlinux_open(path, err, errlen);
	struct vm_entry *n;

	if (!vm) {
		if (is_temp)
			unlink(path);
		free(path);
		return NULL;
	}
	/* the engine's structs live in the AMD IOMMU driver's units, the log's in printk's */
	vmlinux_type_hint(vm, "drivers/iommu/amd/");
	vmlinux_type_hint(vm, "kernel/printk/printk");
	n = realloc(cx->vms, (cx->n_vms + 1) * sizeof(*n));
	if (!n) {
		vmlinux_close(vm);
		free(path);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cx->vms = n;
	n[cx->n_vms].spec = strdup(spec ? spec : "");
	n[cx->n_vms].path = path;
	n[cx->n_vms].is_temp = is_temp;
	n[cx->n_vms].vm = vm;
	cx->n_vms++;
	return vm;
}

static void free_vmlinuxes(struct analyze_ctx *cx)
{
	for (size_t i = 0; i < cx->n_vms; i++) {
		vmlinux_close(cx->vms[i].vm);
		if (cx->vms[i].is_temp)
			unlink(cx->vms[i].path);
		free(cx->vms[i].path);
		free(cx->vms[i].spec);
	}
	free(cx->vms);
}

/* The crashed kernel's log out of the dump, as a stream for the engine. */
static FILE *dump_log_stream(const struct target *t, char *err, size_t errlen)
{
	FILE *f = tmpfile();
	long n;

	if (!f) {
		snprintf(err, errlen, "no temporary file for the log");
		return NULL;
	}
	n = dump_dmesg(t, f, err, errlen);
	if (n < 0 || fflush(f) || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	return f;
}

static void write_json_line(const struct analysis *a, const struct job *j, const char *vmlinux_path,
			    int status, FILE *out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	report_json(a, m);
	fclose(m);
	/* trailing newline(s) off: the batch adds its own */
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = 0;
	if (len && buf[0] == '{') {
		fputs("{\"vmcore\":", out);
		json_string(out, j->vmcore);
		fputs(",\"vmlinux\":", out);
		json_string(out, vmlinux_path);
		fprintf(out, ",\"status\":\"%s\",\"exit_status\":%d", cli_exit_name(status), status);
		fputc(len > 1 && buf[1] != '}' ? ',' : ' ', out);
		fputs(buf + 1, out);
	} else {
		fputs(buf, out);
	}
	fputc('\n', out);
	free(buf);
}

static void write_json_error(const struct job *j, const char *err, FILE *out)
{
	fputs("{\"schema\":\"iommu-inflight/1\",\"target\":\"kdumpfile\",\"vmcore\":", out);
	json_string(out, j->vmcore);
	fputs(",\"vmlinux\":", out);
	if (j->vmlinux)
		json_string(out, j->vmlinux);
	else
		fputs("null", out);
	fprintf(out, ",\"status\":\"%s\",\"exit_status\":%d", cli_exit_name(CLI_EXIT_FAILED), CLI_EXIT_FAILED);
	fputs(",\"error\":", out);
	json_string(out, err);
	fputs("}\n", out);
	fflush(out);
}

/* As the crash command: say when -i/-d selected nothing. */
static void note_empty_selection(const struct analysis *a)
{
	char notes[256], *line, *save = NULL;

	if (!report_selection_notes(a, notes, sizeof(notes)))
		return;
	for (line = strtok_r(notes, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "iommu-inflight analyze: %s\n", line);
}

static void file_counts(const char *path, unsigned long *lines, long long *bytes)
{
	FILE *f = fopen(path, "r");
	int ch;

	*lines = 0;
	*bytes = 0;
	if (!f)
		return;
	while ((ch = getc(f)) != EOF) {
		(*bytes)++;
		*lines += ch == '\n';
	}
	fclose(f);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *vm_path(struct analyze_ctx *cx, const struct vmlinux *vm)
{
	for (size_t i = 0; i < cx->n_vms; i++)
		if (cx->vms[i].vm == vm)
			return cx->vms[i].path;
	return "";
}

/* Streamed extents (--mappings-jsonl, --stream): written as the walk
 * produces them, none kept. */
struct stream_ctx {
	FILE *out;
	bool json;
	unsigned long long lines;
};

static int stream_extent(const struct iopt_extent *e, void *arg)
{
	struct stream_ctx *s = arg;
	uint16_t seg = e->segment;

	if (s->json) {
		fprintf(s->out, "{\"segment\":%u,\"domain\":%u,\"pasid\":", seg, e->domain);
		if (e->v2)
			fprintf(s->out, "%u", e->pasid);
		else
			fputs("null", s->out);
		fprintf(s->out, ",\"iova\":\"0x%llx\",\"phys\":\"0x%llx\",\"size\":\"0x%llx\",\"read\":%s,\"write\":%s}\n",
			(unsigned long long)e->iova, (unsigned long long)e->pa, (unsigned long long)e->size,
			e->read ? "true" : "false", e->write ? "true" : "false");
	} else {
		char pasid[16] = "-";

		if (e->v2)
			snprintf(pasid, sizeof(pasid), "%u", e->pasid);
		fprintf(s->out, "  %-4u %-6u %-6s %#-20llx %#-20llx %#-11llx %c%c\n", seg, e->domain, pasid,
			(unsigned long long)e->iova, (unsigned long long)e->pa, (unsigned long long)e->size,
			e->read ? 'r' : '-', e->write ? 'w' : '-');
	}
	s->lines++;
	return 0;
}

/* One dump, start to finish: CLI_EXIT_COMPLETE, CLI_EXIT_INCOMPLETE, or
 * CLI_EXIT_FAILED with the reason in err. */
static int analyze_one(struct analyze_ctx *cx, const struct job *j, char *err, size_t errlen)
{
	struct dump_open_opts dopts = { .progress = !cx->quiet };
	double t0 = now_seconds(), t_open, t_log, t_run, t_report;
	struct dump *d = dump_open(j->vmcore, &dopts, err, errlen);
	struct vmlinux *vm;
	struct target t, rt;
	struct record_target rec;
	struct fixture *fx = NULL;
	struct analysis_options opt = cx->opt;
	FILE *log = NULL;
	char logerr[256] = "";
	int rc = 1;
	struct stream_ctx sc = { 0 };
	bool stream_text = cx->stream && !cx->json && !cx->batch && (cx->sections & REPORT_MAPPINGS);
	unsigned sections = cx->sections;

	if (!d)
		return CLI_EXIT_FAILED;
	opt.integrity = dump_get_integrity(d);
	vm = get_vmlinux(cx, j->vmlinux, d, err, errlen);
	if (!vm || dump_attach_vmlinux(d, vm, err, errlen))
		goto out;
	dump_target_init(&t, d);
	t_open = now_seconds();
	if (cx->dmesg) {
		rc = dump_dmesg(&t, stdout, err, errlen) < 0;
		goto out;
	}
	if (j->capture_log)
		opt.capture_log = j->capture_log;
	if (j->crashed_log)
		opt.crashed_log = j->crashed_log;
	if (!opt.crashed_log) {
		log = dump_log_stream(&t, logerr, sizeof(logerr));
		opt.crashed_log_fp = log;
		opt.crashed_log_name = "dump log";
	}
	t_log = now_seconds();
	const struct target *use = &t;

	if (cx->record) {
		fx = fixture_new();
		if (!fx) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		fixture_set_meta(fx, "source", "kdumpfile");
		fixture_set_meta(fx, "release", dump_release(d));
		fixture_set_meta(fx, "format", dump_format(d));
		record_target_init(&rt, &rec, &t, fx);
		use = &rt;
	}
	if ((cx->mappings_jsonl || stream_text) && !opt.no_walk) {
		sc.json = cx->mappings_jsonl != NULL;
		if (!sc.json)
			sc.out = stdout;
		else if (!strcmp(cx->mappings_jsonl, "-"))
			sc.out = stdout;
		else if (!(sc.out = fopen(cx->mappings_jsonl, "w"))) {
			snprintf(err, errlen, "%s: cannot write the mappings", cx->mappings_jsonl);
			goto out;
		}
		if (!sc.json) {
			printf("Mappings, streamed as the walk goes (none kept):\n");
			printf("  SEG  DOMAIN PASID  IOVA                 PHYS                 SIZE        PERM\n");
			sections &= ~(unsigned)REPORT_MAPPINGS;
			if (!sections)
				sections = REPORT_SUMMARY;
		}
		opt.on_extent = stream_extent;
		opt.on_extent_arg = &sc;
		opt.discard_extents = true;
	}
	/* a text report without -m lists no mapping: keep none (memory stays flat) */
	if (!cx->json && !cx->batch && !(sections & REPORT_MAPPINGS))
		opt.discard_extents = true;
	struct analysis *a = analysis_run(use, &opt);

	if (sc.out && sc.out != stdout && fclose(sc.out)) {
		sc.out = NULL;
		analysis_free(a);
		snprintf(err, errlen, "%s: write error", cx->mappings_jsonl);
		goto out;
	}
	sc.out = NULL;
	if (!a) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	t_run = now_seconds();
	a->target_name = t.name;
	struct analysis_gaps gaps;
	int status = analysis_gaps(a, &gaps) ? CLI_EXIT_COMPLETE : CLI_EXIT_INCOMPLETE;

	if (!opt.crashed_log && !log) {
		problem_add(&a->pb, PROBLEM_READ, "crashed kernel log (printk ring buffer)", "%s", logerr);
		if (!cx->json && !cx->batch)
			fprintf(stderr, "iommu-inflight analyze: the dump's log could not be read (%s): "
				"no crashed-kernel log (give one with -l)\n", logerr);
	}
	if (!cx->json && !cx->batch)
		note_empty_selection(a);
	if (cx->batch)
		write_json_line(a, j, vm_path(cx, vm), status, stdout);
	else if (cx->json)
		report_json(a, stdout);
	else
		report_text(a, sections ? sections : REPORT_SUMMARY, cx->verbose, stdout);
	t_report = now_seconds();
	analysis_free(a);
	if (fx) {
		unsigned long records;
		long long bytes;

		if (fixture_save(fx, cx->record)) {
			snprintf(err, errlen, "%s: cannot write the fixture", cx->record);
			goto out;
		}
		file_counts(cx->record, &records, &bytes);
		if (cx->json)
			fprintf(stderr, "iommu-inflight analyze: fixture %s: %lu records, %lld bytes\n",
				cx->record, records, bytes);
		else
			printf("\nfixture %s: %lu records, %lld bytes\n", cx->record, records, bytes);
	}
	if (cx->verbose && !cx->json && !cx->batch) {
		const struct dump_stats *s = dump_get_stats(d);
		size_t scanned, total;

		vmlinux_type_stats(vm, &scanned, &total);
		printf("\ndump: %s, release %s, KASLR offset 0x%llx; excluded pages detected by "
		       "libkdumpfile's file and memory page maps\n", dump_format(d), dump_release(d),
		       (unsigned long long)dump_kaslr_offset(d));
		const struct dump_integrity *di = dump_get_integrity(d);

		printf("dump file: %s\n", !di->checked ? "not checked (not a format the check knows)" :
		       dump_integrity_damaged(di) ? di->summary :
		       "whole (the data its headers point to is all in the file)");
		printf("reads: %lu (%lu bytes), failed %lu: %lu excluded, %lu not in the dump, %lu other; "
		       "DWARF units scanned %zu of %zu\n", s->reads, s->bytes, s->failed, s->excluded,
		       s->invalid, s->io, scanned, total);
		printf("time: open %.3f s, dump log %.3f s, analysis %.3f s, report %.3f s\n",
		       t_open - t0, t_log - t_open, t_run - t_log, t_report - t_run);
	}
	fflush(stdout);
	rc = status;
out:
	if (sc.out && sc.out != stdout)
		fclose(sc.out);
	if (log)
		fclose(log);
	fixture_free(fx);
	dump_close(d);
	return rc;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		*--e = 0;
	return s;
}

/* Reads the batch list: VMCORE [VMLINUX [CAPTURE_LOG [CRASHED_LOG]]] per line. */
static int read_batch(const char *list, struct job **jobs, size_t *n_jobs, char ***keep, size_t *n_keep)
{
	FILE *f = strcmp(list, "-") ? fopen(list, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		fprintf(stderr, "iommu-inflight analyze: %s: cannot open the batch list\n", list);
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		char *s = trim(line), *save = NULL, *w[4] = { 0 };
		int nw = 0;

		if (!*s || *s == '#')
			continue;
		char *copy = strdup(s);
		char **nk = realloc(*keep, (*n_keep + 1) * sizeof(*nk));
		struct job *nj = realloc(*jobs, (*n_jobs + 1) * sizeof(*nj));

		if (nk)
			*keep = nk;
		if (nj)
			*jobs = nj;
		if (!copy || !nk || !nj) {
			free(copy);
			free(line);
			if (f != stdin)
				fclose(f);
			return -1;
		}
		nk[(*n_keep)++] = copy;
		for (char *tok = strtok_r(copy, " \t", &save); tok && nw < 4; tok = strtok_r(NULL, " \t", &save))
			w[nw++] = strcmp(tok, "-") ? tok : NULL;
		if (!w[0])
			continue;
		nj[*n_jobs] = (struct job){ .vmcore = w[0], .vmlinux = w[1], .capture_log = w[2], .crashed_log = w[3] };
		(*n_jobs)++;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return 0;
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "vmlinux", required_argument, NULL, 'L' },
		{ "vmcore", required_argument, NULL, 'V' },
		{ "batch", required_argument, NULL, 'B' },
		{ "debug-dir", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "record", required_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "dmesg", no_argument, NULL, 'M' },
		{ "mappings-jsonl", required_argument, NULL, 'J' },
		{ "stream", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct analyze_ctx cx = { 0 };
	struct job *jobs = NULL;
	size_t n_jobs = 0, n_keep = 0;
	char **keep = NULL;
	const char *cur_vmlinux = NULL, *batch = NULL, *capture = NULL, *crashed = NULL;
	int c, rc = 0;

	analysis_options_init(&cx.opt);
	optind = 1;
	while ((c = getopt_long(argc, argv, "jrtmefcpavni:d:k:l:R:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': cx.json = true; break;
		case 'r': cx.sections |= REPORT_RING; break;
		case 't': cx.sections |= REPORT_DEVTAB; break;
		case 'm': cx.sections |= REPORT_MAPPINGS; break;
		case 'e': cx.sections |= REPORT_EVENTS; break;
		case 'f': cx.sections |= REPORT_FLUSH_QUEUES; break;
		case 'c': cx.sections |= REPORT_CORRELATION; break;
		case 'p': cx.sections |= REPORT_PROBLEMS; break;
		case 'a': cx.sections |= ~0u; break;
		case 'v': cx.verbose = true; break;
		case 'n': cx.opt.no_walk = true; break;
		case 'i': cx.opt.iommu = atoi(optarg); break;
		case 'd':
			if (cli_parse_bdf(optarg, &cx.opt.segment, &cx.opt.devid)) {
				fprintf(stderr, "iommu-inflight analyze: bad device '%s' (want [SSSS:]BB:DD.F)\n", optarg);
				return 2;
			}
			break;
		case 'k': capture = optarg; break;
		case 'l': crashed = optarg; break;
		case 'R': cx.record = optarg; break;
		case 'q': cx.quiet = true; break;
		case 'M': cx.dmesg = true; break;
		case 'J': cx.mappings_jsonl = optarg; break;
		case 'S': cx.stream = true; break;
		case 'L': cur_vmlinux = optarg; break;
		case 'D': cx.debug_dirs = optarg; break;
		case 'B': batch = optarg; break;
		case 'V': {
			struct job *nj = realloc(jobs, (n_jobs + 1) * sizeof(*nj));

			if (!nj) {
				free(jobs);
				return 1;
			}
			jobs = nj;
			jobs[n_jobs++] = (struct job){ .vmcore = optarg, .vmlinux = cur_vmlinux };
			break;
		}
		case 'h': analyze_usage(stdout); free(jobs); return 0;
		default: analyze_usage(stderr); free(jobs); return 2;
		}
	}
	/* a lone positional pair, crash-style: VMLINUX VMCORE */
	if (!n_jobs && !batch && argc - optind == 2) {
		cur_vmlinux = argv[optind];
		jobs = malloc(sizeof(*jobs));
		if (!jobs)
			return 1;
		jobs[n_jobs++] = (struct job){ .vmcore = argv[optind + 1], .vmlinux = cur_vmlinux };
		optind += 2;
	}
	if (optind != argc || (!n_jobs && !batch)) {
		analyze_usage(stderr);
		free(jobs);
		return 2;
	}
	/* a --vmlinux given after the last --vmcore (or with --batch) is the default for all */
	for (size_t i = 0; i < n_jobs; i++)
		if (!jobs[i].vmlinux)
			jobs[i].vmlinux = cur_vmlinux;
	if (batch) {
		size_t first = n_jobs;

		if (read_batch(batch, &jobs, &n_jobs, &keep, &n_keep)) {
			rc = 2;
			goto out;
		}
		for (size_t i = first; i < n_jobs; i++)
			if (!jobs[i].vmlinux)
				jobs[i].vmlinux = cur_vmlinux;
	}
	cx.batch = batch || n_jobs > 1;
	if (cx.batch && cx.mappings_jsonl) {
		fprintf(stderr, "iommu-inflight analyze: --mappings-jsonl streams one dump; not with several\n");
		rc = 2;
		goto out;
	}
	if (cx.batch && cx.record) {
		fprintf(stderr, "iommu-inflight analyze: -R records one dump; not with several\n");
		rc = 2;
		goto out;
	}
	if (!cx.batch) {
		jobs[0].capture_log = capture;
		jobs[0].crashed_log = crashed;
	} else if (capture || crashed) {
		fprintf(stderr, "iommu-inflight analyze: with several dumps, give the logs in the batch list\n");
		rc = 2;
		goto out;
	}
	for (size_t i = 0; i < n_jobs; i++) {
		char err[1024] = "";
		int one = analyze_one(&cx, &jobs[i], err, sizeof(err));

		/* the worst: failed, then incomplete, then complete */
		if (one == CLI_EXIT_FAILED || (one == CLI_EXIT_INCOMPLETE && rc != CLI_EXIT_FAILED))
			rc = one;
		if (one == CLI_EXIT_FAILED) {
			if (cx.batch) {
				write_json_error(&jobs[i], err, stdout);
				fprintf(stderr, "iommu-inflight analyze: %s: %s\n", jobs[i].vmcore, err);
			} else {
				fprintf(stderr, "iommu-inflight analyze: %s\n", err);
			}
		}
	}
out:
	free_vmlinuxes(&cx);
	for (size_t i = 0; i < n_keep; i++)
		free(keep[i]);
	free(keep);
	free(jobs);
	return rc;
}

const char *cli_exit_name(int status)
{
	switch (status) {
	case CLI_EXIT_COMPLETE:		return "complete";
	case CLI_EXIT_FAILED:		return "failed";
	case CLI_EXIT_USAGE:		return "usage";
	case CLI_EXIT_INCOMPLETE:	return "incomplete";
	}
	return "unknown";
}
