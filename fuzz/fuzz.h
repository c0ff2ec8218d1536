/*
 * What the fuzz targets (the .c files of fuzz/) share.  Each target is one
 * LLVMFuzzerTestOneInput, linked by fuzz/build.sh with clang's libFuzzer
 * against the library compiled with AddressSanitizer and
 * UndefinedBehaviorSanitizer (docs/fuzzing.md).
 *
 * Inputs are taken apart with a cursor that never fails: reading past the
 * end gives zeros, so every byte string is a valid input and the fuzzer
 * need not learn a length field first.
 */
#ifndef IOMMU_INFLIGHT_FUZZ_H
#define IOMMU_INFLIGHT_FUZZ_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct fz_in {
	const uint8_t *p;
	size_t left;
};

static inline struct fz_in fz_in(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };

	return in;
}

/* The next n (<= 8) bytes as a little-endian number; missing bytes are 0. */
static inline uint64_t fz_num(struct fz_in *in, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t b = 0;

		if (in->left) {
			b = *in->p++;
			in->left--;
		}
		v |= b << (8 * i);
	}
	return v;
}

static inline uint8_t fz_u8(struct fz_in *in) { return (uint8_t)fz_num(in, 1); }
static inline uint16_t fz_u16(struct fz_in *in) { return (uint16_t)fz_num(in, 2); }
static inline uint32_t fz_u32(struct fz_in *in) { return (uint32_t)fz_num(in, 4); }
static inline uint64_t fz_u64(struct fz_in *in) { return fz_num(in, 8); }

/* Copies up to n bytes into buf and zero-fills the rest. */
static inline void fz_fill(struct fz_in *in, void *buf, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memcpy(buf, in->p, k);
	memset((uint8_t *)buf + k, 0, n - k);
	in->p += k;
	in->left -= k;
}

/* Where reports go: formatted (so the sanitizers see every argument) and
 * thrown away. */
static inline FILE *fz_null(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

/* The input as a file, for code that opens a path: one memfd, rewritten
 * for every input, named through /proc/self/fd. */
static inline const char *fz_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		fd = memfd_create("fuzz-input", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	return path;
}

/* A property of the code under test that must hold for every input; a
 * failure aborts, which libFuzzer records as a crash with the input. */
#define FZ_CHECK(cond)								\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: property failed: %s\n",	\
				__FILE__, __LINE__, #cond);			\
			abort();						\
		}								\
	} while (0)

/*
 * The formatters of the hardware decoders return what snprintf returns.
 * Checks one of them: with room enough the text is that long; into a heap
 * buffer of exactly `cut` bytes (so that AddressSanitizer sees one byte too
 * many) it is the same text cut short and NUL-terminated; with no buffer
 * at all it only counts.
 */
typedef int (*fz_format_fn)(const void *obj, char *buf, size_t len);

static inline void fz_check_format(fz_format_fn fn, const void *obj, size_t cut)
{
	char full[512];
	int total = fn(obj, full, sizeof(full));

	FZ_CHECK(total >= 0 && (size_t)total < sizeof(full));
	FZ_CHECK(strlen(full) == (size_t)total);
	FZ_CHECK(fn(obj, NULL, 0) == total);
	if (cut == 0)
		return;
	char *small = malloc(cut);
	size_t want = (size_t)total < cut ? (size_t)total : cut - 1;

	if (!small)
		abort();
	FZ_CHECK(fn(obj, small, cut) == total);
	FZ_CHECK(strlen(small) == want && !memcmp(small, full, want));
	free(small);
}

#endif
