/*
 * iommu-inflight log [--json] [-v] FILE...
 *
 * Reads kernel logs (dmesg, journalctl, syslog, serial console,
 * vmcore-dmesg.txt, kexec-dmesg.log, dmesg.<stamp>; "-" is standard input)
 * and lists the AMD IOMMU (AMD-Vi) and Intel VT-d (DMAR) records found: a
 * table plus a summary, or with --json one JSON object per record per line
 * (docs/json-log.md).
 *
 * Exit status: 0 when every file was read, 1 when a file could not be read
 * (the others are still processed), 2 on a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "klog/klog.h"

/* Text mode -v: lines listed after the table (the first LIST_MAX of them). */
struct listing {
	char *buf;
	size_t len, cap;
	uint64_t n;	/* lines offered, listed or not */
};

#define LIST_MAX 1000

struct log_ctx {
	bool json, verbose;
	FILE *out;
	struct klog_summary *sum;
	uint64_t shown;
	struct listing unparsed, unrecognised, unrecognised_dmar;
};

static void log_help(FILE *out)
{
	fprintf(out,
		"usage: iommu-inflight log [--json] [-v] FILE...\n"
		"\n"
		"Lists the AMD IOMMU (AMD-Vi) events and the Intel VT-d (DMAR) faults, and\n"
		"both drivers' messages (kdump markers, invalidation errors), in kernel logs:\n"
		"dmesg (plain, -T, -d), journalctl (short, short-precise, short-iso,\n"
		"short-iso-precise, short-monotonic, short-full), syslog files, serial\n"
		"console captures, RHEL vmcore-dmesg.txt and kexec-dmesg.log, Debian\n"
		"dmesg.<stamp>.  FILE \"-\" reads standard input.\n"
		"\n"
		"  --json         one JSON object per record per line (docs/json-log.md)\n"
		"  -v, --verbose  also list the lines that look like AMD-Vi event lines or DMAR\n"
		"                 fault lines but do not parse (on stdout after the table; on\n"
		"                 stderr with --json), and the AMD-Vi or DMAR lines of no message\n"
		"                 the parser knows (after the table; UNRECOGNISED records with --json)\n"
		"  -h, --help     this text\n"
		"\n"
		"Exit status: 0 ok, 1 a file could not be read (others are still read), 2 usage.\n");
}

static void on_record(const struct klog_record *rec, void *arg)
{
	struct log_ctx *c = arg;
	if (c->json) {
		klog_record_write_json(rec, c->out);
	} else {
		if (!c->shown)
			klog_record_write_text_header(c->out);
		klog_record_write_text(rec, c->out);
		klog_summary_add(c->sum, rec);
	}
	c->shown++;
}

/* Printable rendering of a raw line for -v. */
static size_t render_line(char *dst, size_t cap, const char *s, size_t len)
{
	size_t o = 0;
	if (len > 300)
		len = 300;
	for (size_t i = 0; i < len && o + 5 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f) {
			dst[o++] = (char)ch;
		} else {
			o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", ch);
		}
	}
	dst[o] = 0;
	return o;
}

static void listing_add(struct listing *l, const char *entry)
{
	size_t n = strlen(entry);

	if (l->n++ >= LIST_MAX)
		return;
	if (l->len + n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 65536;
		while (cap < l->len + n + 1)
			cap *= 2;
		char *p = realloc(l->buf, cap);
		if (!p)
			return;
		l->buf = p;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, entry, n + 1);
	l->len += n;
}

static void listing_print(const struct listing *l, const char *title, FILE *out)
{
	if (!l->n)
		return;
	fprintf(out, "\n%s (%" PRIu64 "):\n", title, l->n);
	if (l->buf)
		fputs(l->buf, out);
	if (l->n > LIST_MAX)
		fprintf(out, "  ... %" PRIu64 " more not listed\n", l->n - LIST_MAX);
}

/* -v: an AMD-Vi line of no message the parser knows */
static void on_unrecognised(const struct klog_record *rec, void *arg)
{
	struct log_ctx *c = arg;
	char shown[1400], entry[2048];

	if (c->json) {
		klog_record_write_json(rec, c->out);
		return;
	}
	render_line(shown, sizeof(shown), rec->text, rec->text_len);
	snprintf(entry, sizeof(entry), "  %s:%" PRIu64 ": %s\n", rec->file, rec->line, shown);
	listing_add(rec->vendor == KLOG_VENDOR_INTEL ? &c->unrecognised_dmar : &c->unrecognised, entry);
}

static void on_unparsed(const char *file, uint64_t line, const char *reason, const char *text, size_t len,
			void *arg)
{
	struct log_ctx *c = arg;
	char shown[1400];

	klog_summary_add_unparsed(c->sum);
	if (!c->verbose)
		return;
	render_line(shown, sizeof(shown), text, len);
	if (c->json) {
		fprintf(stderr, "%s:%" PRIu64 ": unparsed (%s): %s\n", file, line, reason, shown);
		return;
	}
	char entry[2048];
	snprintf(entry, sizeof(entry), "  %s:%" PRIu64 ": %s\n      %s\n", file, line, reason, shown);
	listing_add(&c->unparsed, entry);
}

int cmd_log(int argc, char **argv)
{
	struct log_ctx c = { .out = stdout };
	const char **files = calloc((size_t)argc + 1, sizeof(*files));
	int nfiles = 0, status = 0;
	bool opts_done = false;

	if (!files) {
		fprintf(stderr, "iommu-inflight log: out of memory\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!opts_done && a[0] == '-' && a[1]) {
			if (!strcmp(a, "--")) {
				opts_done = true;
			} else if (!strcmp(a, "--json")) {
				c.json = true;
			} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
				c.verbose = true;
			} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
				log_help(stdout);
				free(files);
				return 0;
			} else {
				fprintf(stderr, "iommu-inflight log: unknown option '%s'\n", a);
				log_help(stderr);
				free(files);
				return 2;
			}
			continue;
		}
		files[nfiles++] = a;
	}
	if (!nfiles) {
		fprintf(stderr, "iommu-inflight log: no input file (use - for standard input)\n");
		log_help(stderr);
		free(files);
		return 2;
	}

	c.sum = klog_summary_new();
	struct klog_parser_ops ops = { .record = on_record, .unparsed = on_unparsed };
	struct klog_parser *p = klog_parser_new(&ops, &c);
	if (!c.sum || !p) {
		fprintf(stderr, "iommu-inflight log: out of memory\n");
		klog_parser_free(p);
		klog_summary_free(c.sum);
		free(files);
		return 2;
	}
	if (c.verbose)
		klog_parser_on_unrecognised(p, on_unrecognised);
	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	struct klog_parser_stats prev = { 0 };
	for (int i = 0; i < nfiles; i++) {
		const char *name = files[i];
		bool is_stdin = !strcmp(name, "-");
		FILE *f = is_stdin ? stdin : fopen(name, "rb");
		if (!f) {
			int e = errno;
			fflush(stdout);
			fprintf(stderr, "iommu-inflight log: cannot open '%s': %s\n", name, strerror(e));
			status = 1;
			continue;
		}
		klog_parser_set_file(p, is_stdin ? "<stdin>" : name);
		if (klog_parser_feed_file(p, f) < 0) {
			int e = errno;
			fflush(stdout);
			fprintf(stderr, "iommu-inflight log: error reading '%s': %s\n", name, strerror(e));
			status = 1;
		}
		klog_parser_flush(p);
		/* per-file stats for the summary */
		const struct klog_parser_stats *st = klog_parser_get_stats(p);
		struct klog_parser_stats d = {
			.lines = st->lines - prev.lines,
			.bytes = st->bytes - prev.bytes,
			.other_amdvi = st->other_amdvi - prev.other_amdvi,
			.unrecognised = st->unrecognised - prev.unrecognised,
			.truncated = st->truncated - prev.truncated,
			.restarts = st->restarts - prev.restarts,
			.records_dmar = st->records_dmar - prev.records_dmar,
			.unparsed_dmar = st->unparsed_dmar - prev.unparsed_dmar,
			.other_dmar = st->other_dmar - prev.other_dmar,
			.unrecognised_dmar = st->unrecognised_dmar - prev.unrecognised_dmar,
		};
		prev = *st;
		klog_summary_add_stats(c.sum, &d);
		if (!is_stdin)
			fclose(f);
		else
			clearerr(stdin);
	}

	if (!c.json) {
		if (!c.shown)
			fprintf(c.out, "No AMD IOMMU records found.\n");
		klog_summary_print(c.sum, c.out);
		if (c.verbose) {
			listing_print(&c.unparsed,
				      prev.unparsed_dmar ? "Unparsed AMD-Vi- and DMAR-looking lines"
							 : "Unparsed AMD-Vi-looking lines",
				      c.out);
			listing_print(&c.unrecognised, "Unrecognised AMD-Vi lines", c.out);
			listing_print(&c.unrecognised_dmar, "Unrecognised DMAR lines", c.out);
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "iommu-inflight log: error writing output: %s\n", strerror(errno));
		status = 1;
	}
	klog_parser_free(p);
	klog_summary_free(c.sum);
	free(c.unparsed.buf);
	free(c.unrecognised.buf);
	free(c.unrecognised_dmar.buf);
	free(files);
	return status;
}
