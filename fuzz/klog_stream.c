/*
 * Fuzz target: a whole kernel log through the streaming parser, as
 * `iommu-inflight log` reads one: klog_parser_feed_file() over the input
 * (getline, lines of any length), every record into the summary and the
 * JSON and text writers, then the summary printed.  Split events, dump
 * lines, command-buffer dumps and continuation lines are all joined here.
 */
#include "fuzz.h"
#include "klog/klog.h"

struct sink {
	struct klog_summary *sum;
};

static void on_record(const struct klog_record *rec, void *ctx)
{
	struct sink *k = ctx;

	FZ_CHECK(rec->type > KLOG_NONE && rec->type < KLOG_NTYPES);
	FZ_CHECK(rec->line >= 1);
	klog_summary_add(k->sum, rec);
	klog_record_write_json(rec, fz_null());
	klog_record_write_text(rec, fz_null());
}

static void on_unparsed(const char *file, uint64_t line, const char *reason,
			const char *text, size_t len, void *ctx)
{
	struct sink *k = ctx;

	FZ_CHECK(file && reason && line >= 1);
	klog_json_string(fz_null(), text, len);
	klog_summary_add_unparsed(k->sum);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct klog_parser_ops ops = { on_record, on_unparsed };
	struct sink k = { klog_summary_new() };
	struct klog_parser *p = klog_parser_new(&ops, &k);
	FILE *f = size ? fmemopen((void *)data, size, "r") : NULL;

	if (!k.sum || !p)
		abort();
	klog_parser_set_file(p, "fuzz.log");
	if (f) {
		FZ_CHECK(klog_parser_feed_file(p, f) == 0);
		fclose(f);
	}
	klog_parser_flush(p);
	const struct klog_parser_stats *st = klog_parser_get_stats(p);

	FZ_CHECK(st->bytes >= size);
	klog_summary_add_stats(k.sum, st);
	klog_summary_print(k.sum, fz_null());
	klog_parser_free(p);
	klog_summary_free(k.sum);
	return 0;
}
