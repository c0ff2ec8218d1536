/* makedumpfile's flattened format: reassembly through a pipe, out-of-order
 * records, truncation and a bad header. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump/dump.h"

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static size_t add_header(unsigned char *buf)
{
	memset(buf, 0, 4096);
	memcpy(buf, "makedumpfile", 12);
	put_be64(buf + 16, 1);
	put_be64(buf + 24, 1);
	return 4096;
}

static size_t add_record(unsigned char *buf, int64_t off, const void *data, int64_t size)
{
	put_be64(buf, (uint64_t)off);
	put_be64(buf + 8, (uint64_t)size);
	if (size > 0 && data)
		memcpy(buf + 16, data, (size_t)size);
	return 16 + (size > 0 ? (size_t)size : 0);
}

/* Feeds `len` bytes through a pipe (as a capture kernel's ssh would) and
 * reassembles them into a temporary file; returns its content. */
static int reassemble(const unsigned char *stream, size_t len, unsigned char *out, size_t outlen,
		      char *err, size_t errlen)
{
	int p[2];
	FILE *tmp = tmpfile();
	unsigned char head[4096];
	size_t first = len < 100 ? len : 100;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_ptr_nonnull(tmp);
	pid_t pid = fork();

	if (pid == 0) {
		close(p[0]);
		(void)!write(p[1], stream + first, len - first);
		_exit(0);
	}
	close(p[1]);
	memcpy(head, stream, first);
	int rc = flattened_reassemble(p[0], head, first, fileno(tmp), false, 0, err, errlen);

	close(p[0]);
	memset(out, 0xee, outlen);
	if (!rc)
		(void)!pread(fileno(tmp), out, outlen, 0);
	fclose(tmp);
	return rc;
}

START_TEST(test_flattened_roundtrip)
{
	static unsigned char s[65536], out[12288];
	unsigned char a[4096], b[100];
	size_t n = add_header(s);
	char err[256];

	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	ck_assert(flattened_is_header(s, n));
	/* the second block first: records may come in any order */
	n += add_record(s + n, 8192, a, sizeof(a));
	n += add_record(s + n, 10, b, sizeof(b));
	n += add_record(s + n, 0, "KDUMP   ", 8);
	n += add_record(s + n, -1, "", -1);
	ck_assert_int_eq(reassemble(s, n, out, sizeof(out), err, sizeof(err)), 0);
	ck_assert_int_eq(memcmp(out, "KDUMP   ", 8), 0);
	ck_assert_int_eq(out[10], 'B');
	ck_assert_int_eq(out[109], 'B');
	ck_assert_int_eq(out[110], 0);			/* a hole reads as zeros */
	ck_assert_int_eq(out[8192], 'A');
	ck_assert_int_eq(out[12287], 'A');
}
END_TEST

START_TEST(test_flattened_truncated)
{
	static unsigned char s[65536], out[4096];
	unsigned char a[4096];
	size_t n = add_header(s);
	char err[256] = "";

	memset(a, 'A', sizeof(a));
	n += add_record(s + n, 0, a, sizeof(a));
	/* no end marker: a cut stream (1), what came before is reassembled */
	ck_assert_int_eq(reassemble(s, n, out, sizeof(out), err, sizeof(err)), 1);
	ck_assert_ptr_nonnull(strstr(err, "without its end marker"));
	/* cut inside a record */
	n = add_header(s);
	n += add_record(s + n, 0, a, sizeof(a));
	ck_assert_int_eq(reassemble(s, n - 100, out, sizeof(out), err, sizeof(err)), 1);
	ck_assert_ptr_nonnull(strstr(err, "inside record 0"));
}
END_TEST

START_TEST(test_flattened_bad)
{
	static unsigned char s[8192], out[16];
	size_t n = add_header(s);
	char err[256] = "";

	n += add_record(s + n, -5, "", 0);
	put_be64(s + n - 8, 10);
	ck_assert_int_eq(reassemble(s, n, out, sizeof(out), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad record"));
	put_be64(s + 16, 2);	/* not type 1 */
	ck_assert(!flattened_is_header(s, 4096));
	ck_assert(!flattened_is_header("KDUMP   ", 8));
}
END_TEST

Suite *dump_flattened_suite(void)
{
	Suite *s = suite_create("dump_flattened");
	TCase *tc = tcase_create("reassemble");

	tcase_add_test(tc, test_flattened_roundtrip);
	tcase_add_test(tc, test_flattened_truncated);
	tcase_add_test(tc, test_flattened_bad);
	suite_add_tcase(s, tc);
	return s;
}
