/*
 * One printk record as `makedumpfile --dump-dmesg` writes it for the
 * lockless ring buffer (makedumpfile printk.c, dump_record(); facts checked
 * against its source, this is our own code):
 *
 *   - the prefix "[%5llu.%06lu] ": seconds and microseconds of ts_nsec;
 *   - a '\n' inside the text (one printk() of several lines, e.g. 6.1's
 *     "Unstable clock detected, switching default tracing clock to
 *     \"global\"\nIf you want to keep using the local clock, then add:\n...")
 *     is written as a newline and as many spaces as the prefix is wide: the
 *     continuation lines carry no timestamp of their own;
 *   - bytes for which isprint() or isspace() holds in the C locale (0x20-0x7e,
 *     and \t \v \f \r, written raw) are copied, every other byte is written
 *     "\x%02x" of the byte read through a plain `char`.  On x86 char is
 *     signed, so a byte >= 0x80 is sign-extended to int and comes out as
 *     "\xffffff" plus its two digits (0xc3 -> \xffffffc3): UTF-8 text of a
 *     record is escaped that way in vmcore-dmesg.txt, and we write the same;
 *   - the record ends with one '\n'.
 *
 * printk_info's caller_id and dev_info (SUBSYSTEM/DEVICE, which replaced the
 * dictionaries in 5.10, commit 74caba7f2a06 "printk: move dictionary keys to
 * dev_printk_info") are not written: makedumpfile 1.7.2 (Debian bookworm,
 * the lab's) reads neither.  makedumpfile 1.7.5 and later (trixie has 1.7.6)
 * add the caller id after the timestamp, "[ts] [%*s] " with "T<pid>" or
 * "C<cpu>" (makedumpfile issue #13, "Add dmesg PRINTK_CALLER id support",
 * merged after 1.7.4), on every 5.10+ kernel since printk_info.caller_id is
 * always filled in and exported in VMCOREINFO; continuation lines are then
 * indented by the wider prefix.  Their escaping, data-less and wrapped-block
 * handling is unchanged.  A lab that moves to 1.7.6 needs that form here.
 */
#include <stdbool.h>
#include <stdio.h>

#include "dump/dmesg_text.h"

static bool written_raw(unsigned char c)
{
	return (c >= 0x20 && c <= 0x7e) || (c >= '\t' && c <= '\r');
}

void dmesg_write_record(FILE *out, uint64_t ts_nsec, const unsigned char *text, size_t len)
{
	char prefix[48];
	int plen = snprintf(prefix, sizeof(prefix), "[%5llu.%06llu] ",
			    (unsigned long long)(ts_nsec / 1000000000ull),
			    (unsigned long long)(ts_nsec % 1000000000ull / 1000));

	fwrite(prefix, 1, (size_t)plen, out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = text[i];

		if (c == '\n')
			fprintf(out, "\n%*s", plen, "");
		else if (written_raw(c))
			fputc(c, out);
		else if (c < 0x80)
			fprintf(out, "\\x%02x", c);
		else	/* the sign-extended char of makedumpfile on x86 */
			fprintf(out, "\\xffffff%02x", c);
	}
	fputc('\n', out);
}
