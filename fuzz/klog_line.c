/*
 * Fuzz target: one kernel-log line through each step of the line parser
 * (include/klog/klog_line.h), in the order klog_parser_feed_line() takes
 * them, and each step on the raw bytes as well.  The input is the line
 * without its '\n'; it is not NUL-terminated, as lines read from a file
 * are not.
 */
#include "fuzz.h"
#include "klog/klog_line.h"

static char clean[KLOG_LINE_MAX + 1];

static void recognise(const char *s, size_t n)
{
	struct klog_prefix pf, again;
	struct klog_line L;
	char buf[64];

	klog_prefix_parse(s, n, &pf);
	FZ_CHECK(pf.msg_off <= n);
	(void)klog_amdvi_candidate(s, n);
	(void)klog_dmar_candidate(s, n);
	/* both vendors' recognisers, as the streaming parser calls them */
	klog_line_parse(s + pf.msg_off, n - pf.msg_off, &L);
	FZ_CHECK(L.match_off <= n - pf.msg_off);
	if (klog_prefix_resync(s + pf.msg_off, n - pf.msg_off, L.match_off, &again))
		FZ_CHECK(again.msg_off <= n - pf.msg_off);
	if (L.kind == KLOG_LINE_RECORD || L.kind == KLOG_LINE_TAIL) {
		L.rec.file = "fuzz";
		L.rec.time = pf.time;
		klog_record_write_json(&L.rec, fz_null());
		klog_record_write_text(&L.rec, fz_null());
		klog_record_device(&L.rec, buf, sizeof(buf));
		klog_record_time(&L.rec, buf, sizeof(buf));
		FZ_CHECK(klog_type_name(L.rec.type) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t n = size > KLOG_LINE_MAX ? KLOG_LINE_MAX : size;
	double sec;

	/* as the parser does: clean only lines that need it */
	if (klog_line_needs_cleaning(s, n)) {
		size_t c = klog_clean_line(s, n, clean, sizeof(clean));

		FZ_CHECK(c < sizeof(clean) && clean[c] == '\0');
		FZ_CHECK(!klog_line_needs_cleaning(clean, c));
		recognise(clean, c);
	}
	/* and every step on the bytes as they came */
	recognise(s, n);
	(void)klog_wall_seconds(s, n, &sec);
	(void)klog_type_from_name(s, n);
	klog_json_string(fz_null(), s, n);
	return 0;
}
