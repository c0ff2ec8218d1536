/*
 * Fuzz target: the Extended Feature Register (src/amdvi/efr.c).  Input:
 * EFR, EFR2 and a buffer length.  Decoding and encoding keep every named
 * field; the kernel-style feature line formats into any buffer.
 */
#include "fuzz.h"
#include "amdvi/efr.h"

struct two { uint64_t efr, efr2; };

static int names(const void *t, char *buf, size_t len)
{
	return amdvi_efr_kernel_names(((const struct two *)t)->efr, buf, len);
}

static int line(const void *t, char *buf, size_t len)
{
	return amdvi_efr_format(((const struct two *)t)->efr, ((const struct two *)t)->efr2, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	struct two t;
	struct amdvi_efr e, e2;

	t.efr = fz_u64(&in);
	t.efr2 = fz_u64(&in);
	size_t cut = fz_u8(&in);

	FZ_CHECK(amdvi_efr_decode(t.efr, &e) == AMDVI_OK);
	uint64_t enc = amdvi_efr_encode(&e);

	FZ_CHECK((enc & ~t.efr) == 0);	/* no bit made up */
	FZ_CHECK(amdvi_efr_decode(enc, &e2) == AMDVI_OK);
	e2.raw = e.raw;
	FZ_CHECK(memcmp(&e, &e2, sizeof(e)) == 0);
	fz_check_format(names, &t, cut);
	fz_check_format(line, &t, cut);
	return 0;
}
