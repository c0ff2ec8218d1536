/*
 * Fuzz target: the whole analysis (analysis_run() and both reports) over a
 * replay fixture of a real lab dump whose memory the fuzzer rewrites.
 *
 * The three fixtures of tests/dumps/fixtures are loaded once.  An input is
 *
 *   byte 0       bits 0-1: the fixture (6.1 stock, 6.1 passthrough, 6.12
 *                stock); bit 2: no page-table walk; bit 3: with the
 *                fixture's capture- and crashed-kernel logs; bit 4: only
 *                IOMMU 0; bit 5: verbose; bit 6: the JSON report; bit 7:
 *                every section of the text report (else the summary)
 *   then patches, each starting with a control byte c:
 *     c < 0x80   n = (c & 0x3f) + 1 bytes of data, u16 record, u16 offset,
 *                then the data: written over the record's memory at that
 *                offset (record and offset taken modulo what exists)
 *     c >= 0x80  u16 record: reads that touch that record fail, as an
 *                excluded page (bit 6 clear) or an invalid address (set)
 *
 * A record is one `mem` or `zero` line of the fixture, so patches land on
 * memory the engine really reads: the IOMMU structs, the command ring and
 * its semaphore, the device table, page tables, iommu_dev_data, names.
 * The fixture itself is never changed: a thin target over the replay
 * target overlays the patches on every read.
 */
#include "fuzz.h"

#include <inttypes.h>

#include "core/analysis.h"
#include "report/report.h"
#include "target/fixture.h"

#define MAX_PATCHES 64

struct record {
	enum target_space space;
	uint64_t addr, len;
};

struct seed {
	const char *name;
	struct fixture *fx;
	struct record *recs;
	size_t n_recs;
	char capture[512], crashed[512];
};

struct patch {
	const struct record *rec;
	uint64_t off;		/* in the record */
	size_t len;
	const uint8_t *data;	/* NULL: reads fail with err */
	enum target_err err;
};

static struct seed seeds[] = {
	{ .name = "6.1-stock" }, { .name = "6.1-passthrough" }, { .name = "6.12-stock" },
};

struct overlay {
	struct seed *s;
	struct patch patches[MAX_PATCHES];
	size_t n;
};

/* The fixture's mem and zero lines, read again from the file: the fixture
 * API answers reads but does not list what it holds. */
static void load_records(struct seed *s, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], kw[8], sp[4];
	uint64_t addr, len;
	size_t cap = 0;

	if (!f)
		abort();
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%7s %3s %" SCNx64 " %" SCNu64, kw, sp, &addr, &len) != 4 ||
		    (strcmp(kw, "mem") && strcmp(kw, "zero")))
			continue;
		if (s->n_recs == cap) {
			cap = cap ? 2 * cap : 64;
			s->recs = realloc(s->recs, cap * sizeof(*s->recs));
			if (!s->recs)
				abort();
		}
		s->recs[s->n_recs].space = strcmp(sp, "pa") ? TARGET_KVADDR : TARGET_PHYSADDR;
		s->recs[s->n_recs].addr = addr;
		s->recs[s->n_recs].len = len;
		s->n_recs++;
	}
	fclose(f);
	if (!s->n_recs)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *src = getenv("IIF_SRCDIR");
	char path[512], err[512];

	(void)argc, (void)argv;
	if (!src)
		src = ".";
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		struct seed *s = &seeds[i];

		snprintf(path, sizeof(path), "%s/tests/dumps/fixtures/%s.fixture", src, s->name);
		s->fx = fixture_load(path, err, sizeof(err));
		if (!s->fx) {
			fprintf(stderr, "analysis_replay: %s (set IIF_SRCDIR to the source tree)\n", err);
			exit(1);
		}
		load_records(s, path);
		snprintf(s->capture, sizeof(s->capture), "%s/tests/dumps/fixtures/%s-kexec-dmesg.log",
			 src, s->name);
		snprintf(s->crashed, sizeof(s->crashed), "%s/tests/dumps/fixtures/%s-vmcore-dmesg.txt",
			 src, s->name);
	}
	return 0;
}

static bool overlaps(const struct record *r, enum target_space sp, uint64_t addr, size_t len)
{
	return r->space == sp && addr < r->addr + r->len && r->addr < addr + len;
}

static enum target_err ov_read(void *priv, enum target_space sp, uint64_t addr, void *buf, size_t len)
{
	struct overlay *o = priv;

	for (size_t i = 0; i < o->n; i++)
		if (!o->patches[i].data && overlaps(o->patches[i].rec, sp, addr, len))
			return o->patches[i].err;
	enum target_err e = fixture_read(o->s->fx, sp, addr, buf, len);

	if (e != TARGET_OK)
		return e;
	for (size_t i = 0; i < o->n; i++) {
		const struct patch *p = &o->patches[i];
		uint64_t at = p->rec->addr + p->off;

		if (!p->data || p->rec->space != sp || at >= addr + len || addr >= at + p->len)
			continue;
		/* the part of [at, at + len) inside [addr, addr + len) */
		uint64_t from = at > addr ? at : addr;
		uint64_t to = at + p->len < addr + len ? at + p->len : addr + len;

		memcpy((uint8_t *)buf + (from - addr), p->data + (from - at), to - from);
	}
	return TARGET_OK;
}

static enum target_err ov_symbol(void *priv, const char *name, uint64_t *addr)
{
	return fixture_symbol(((struct overlay *)priv)->s->fx, name, addr);
}

static enum target_err ov_struct_size(void *priv, const char *sname, long *size)
{
	return fixture_struct_size(((struct overlay *)priv)->s->fx, sname, size);
}

static enum target_err ov_member(void *priv, const char *sname, const char *mname,
				 struct target_member *out)
{
	return fixture_member(((struct overlay *)priv)->s->fx, sname, mname, out);
}

static const struct target_ops overlay_ops = {
	.read = ov_read, .symbol = ov_symbol, .struct_size = ov_struct_size, .member = ov_member,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct overlay o;
	struct fz_in in = fz_in(data, size);
	uint8_t opts = fz_u8(&in);
	struct analysis_options opt;
	struct target t = { &overlay_ops, &o, "fuzz-replay" };

	o.s = &seeds[(opts & 3) % 3];
	o.n = 0;
	while (in.left && o.n < MAX_PATCHES) {
		uint8_t c = fz_u8(&in);
		struct patch *p = &o.patches[o.n++];

		p->rec = &o.s->recs[fz_u16(&in) % o.s->n_recs];
		if (c & 0x80) {
			p->data = NULL;
			p->err = c & 0x40 ? TARGET_E_INVALID : TARGET_E_EXCLUDED;
			continue;
		}
		p->off = fz_u16(&in) % p->rec->len;
		p->len = (c & 0x3f) + 1u;
		if (p->len > in.left)
			p->len = in.left;
		if (p->len > p->rec->len - p->off)
			p->len = p->rec->len - p->off;
		p->data = in.p;
		in.p += p->len;
		in.left -= p->len;
		if (!p->len)
			o.n--;
	}

	analysis_options_init(&opt);
	opt.no_walk = opts & 4;
	if (opts & 8) {
		opt.capture_log = o.s->capture;
		opt.crashed_log = o.s->crashed;
	}
	if (opts & 16)
		opt.iommu = 0;
	struct analysis *a = analysis_run(&t, &opt);
	char notes[256];

	FZ_CHECK(a != NULL);
	report_selection_notes(a, notes, sizeof(notes));
	report_text(a, opts & 128 ? ~0u : REPORT_SUMMARY, opts & 32, fz_null());
	if (opts & 64)
		report_json(a, fz_null());
	analysis_free(a);
	return 0;
}
