/*
 * makedumpfile's flattened format (-F), which libkdumpfile 0.5.1 cannot
 * read: a 4 KiB header ("makedumpfile", type 1, version 1, big-endian
 * 64-bit numbers), then records of (offset, size) -- both big-endian
 * 64-bit -- each followed by `size` bytes that belong at `offset` of the
 * real dump file, and an end record (-1, -1).  Written for pipes (the
 * capture kernel sends it over ssh), so it is read strictly in order and
 * every record is written where it belongs, as `makedumpfile -R` does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump/dump.h"

#define FLAT_HEADER_SIZE 4096
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_CHUNK (1u << 20)
#define FLAT_PROGRESS_MIN (64ull << 20)	/* progress only for dumps this big */

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

bool flattened_is_header(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (len < 32 || memcmp(p, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)))
		return false;
	/* type 1 (flat header), version 1 */
	return be64(p + 16) == 1 && be64(p + 24) == 1;
}

/* Reads exactly len bytes (a pipe may return less); 0 at a clean EOF before
 * anything, -1 on error or a short read. */
static int read_full(int fd, void *buf, size_t len, uint64_t *consumed)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return got == 0 && n == 0 ? 0 : -1;
		got += (size_t)n;
	}
	*consumed += len;
	return 1;
}

static int write_full(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress_line(uint64_t done, uint64_t total, bool final, double t0)
{
	if (total)
		fprintf(stderr, "\rreassembling flattened dump: %llu / %llu MiB (%u%%)%s",
			(unsigned long long)(done >> 20), (unsigned long long)(total >> 20),
			(unsigned)(done * 100 / total), final ? "" : "   ");
	else
		fprintf(stderr, "\rreassembling flattened dump: %llu MiB", (unsigned long long)(done >> 20));
	if (final)
		fprintf(stderr, ", %.1f s\n", now() - t0);
	fflush(stderr);
}

int flattened_reassemble(int in_fd, const void *head, size_t already, int out_fd,
			 bool progress, uint64_t total_hint, char *err, size_t errlen)
{
	unsigned char hdr[FLAT_HEADER_SIZE];
	uint64_t consumed = 0;
	char *buf = NULL;
	int rc = -1;
	double t0 = now(), last = t0;
	bool show = progress && (total_hint == 0 || total_hint >= FLAT_PROGRESS_MIN);
	bool shown = false;

	/* the header: what the caller already read, then the rest of it */
	if (already > sizeof(hdr))
		already = sizeof(hdr);
	memcpy(hdr, head, already);
	consumed = already;
	if (already < sizeof(hdr) && read_full(in_fd, hdr + already, sizeof(hdr) - already, &consumed) != 1) {
		snprintf(err, errlen, "flattened dump: truncated header");
		return -1;
	}
	if (!flattened_is_header(hdr, sizeof(hdr))) {
		snprintf(err, errlen, "flattened dump: bad header");
		return -1;
	}
	buf = malloc(FLAT_CHUNK);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned long rec = 0;; rec++) {
		unsigned char rh[16];
		int r = read_full(in_fd, rh, sizeof(rh), &consumed);

		if (r != 1) {
			snprintf(err, errlen, "the flattened stream ends after %llu bytes (record %lu) "
				 "without its end marker", (unsigned long long)consumed, rec);
			rc = 1;
			goto out;
		}
		int64_t off = (int64_t)be64(rh), size = (int64_t)be64(rh + 8);

		if (off == -1 && size == -1)
			break;
		if (off < 0 || size < 0) {
			snprintf(err, errlen, "flattened dump: bad record %lu (offset %lld, size %lld) at byte %llu",
				 rec, (long long)off, (long long)size, (unsigned long long)consumed - 16);
			goto out;
		}
		uint64_t left = (uint64_t)size, pos = (uint64_t)off;

		while (left) {
			size_t n = left < FLAT_CHUNK ? (size_t)left : FLAT_CHUNK;

			if (read_full(in_fd, buf, n, &consumed) != 1) {
				snprintf(err, errlen, "the flattened stream ends inside record %lu, after %llu bytes",
					 rec, (unsigned long long)consumed);
				rc = 1;
				goto out;
			}
			if (write_full(out_fd, buf, n, pos)) {
				snprintf(err, errlen, "reassembling the flattened dump: %s", strerror(errno));
				goto out;
			}
			pos += n;
			left -= n;
		}
		if (show && now() - last >= 0.5) {
			progress_line(consumed, total_hint, false, t0);
			last = now();
			shown = true;
		}
	}
	if (show && (shown || consumed >= FLAT_PROGRESS_MIN))
		progress_line(consumed, total_hint, true, t0);
	rc = 0;
out:
	if (rc && shown)
		fputc('\n', stderr);
	free(buf);
	return rc;
}
