/*
 * Fuzz target: reassembly of makedumpfile's flattened format
 * (src/dump/flattened.c).  The input is the stream: a 4 KiB header, then
 * (offset, size) records, big-endian, and the end marker.  It is read
 * from a file the way dump_open() hands it over: the first bytes already
 * consumed into a buffer (4 KiB of them, or 100 for inputs of odd length,
 * so that the rest of the header is read from the file too).  When the
 * reassembly succeeds, the last record's bytes are where it says.
 */
#include "fuzz.h"
#include "dump/dump.h"

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Offset and length of the last data record in the stream, if it parses. */
static bool last_record(const uint8_t *data, size_t size, uint64_t *off, size_t *at, size_t *len)
{
	size_t pos = 4096;
	bool found = false;

	while (pos + 16 <= size) {
		uint64_t o = be64(data + pos), n = be64(data + pos + 8);

		if (o == UINT64_MAX && n == UINT64_MAX)
			return found;
		if ((int64_t)o < 0 || (int64_t)n < 0 || n > size - pos - 16)
			return false;
		*off = o;
		*at = pos + 16;
		*len = (size_t)n;
		found = n > 0;
		pos += 16 + n;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int out = -1;
	static uint8_t back[4096];
	char err[256];
	size_t head = size < 4096 ? size : 4096;

	if (out < 0 && (out = memfd_create("reassembled", MFD_CLOEXEC)) < 0)
		abort();
	if (size & 1 && head > 100)
		head = 100;
	FZ_CHECK(flattened_is_header(data, size) == (size >= 32 && flattened_is_header(data, 32)));

	const char *path = fz_file(data, size);
	int in = open(path, O_RDONLY | O_CLOEXEC);

	if (in < 0 || lseek(in, (off_t)head, SEEK_SET) < 0 || ftruncate(out, 0))
		abort();
	err[0] = 0;
	int rc = flattened_reassemble(in, data, head, out, false, 0, err, sizeof(err));

	close(in);
	FZ_CHECK(rc == 0 || err[0]);
	uint64_t off;
	size_t at, len;

	if (rc == 0 && last_record(data, size, &off, &at, &len)) {
		size_t n = len < sizeof(back) ? len : sizeof(back);

		FZ_CHECK(pread(out, back, n, (off_t)off) == (ssize_t)n);
		FZ_CHECK(memcmp(back, data + at, n) == 0);
	}
	return 0;
}
