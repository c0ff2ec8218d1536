/*
 * Fuzz target: device-table entries (src/amdvi/dte.c).  Input: the four
 * 64-bit words of a DTE, an SME mask, and a buffer length for the
 * formatter.  Decoding any 256 bits must succeed, and encoding what was
 * decoded must give back an entry that decodes the same.
 */
#include "fuzz.h"
#include "amdvi/dte.h"

static int format(const void *dte, char *buf, size_t len)
{
	return amdvi_dte_format(dte, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	uint64_t raw[4], again[4];
	struct amdvi_dte d, d2;

	for (int i = 0; i < 4; i++)
		raw[i] = fz_u64(&in);
	uint64_t me_mask = fz_u64(&in);
	size_t cut = fz_u8(&in);

	FZ_CHECK(amdvi_dte_decode(raw, me_mask, &d) == AMDVI_OK);
	enum amdvi_dte_class cls = amdvi_dte_classify(&d);

	FZ_CHECK(amdvi_dte_class_name(cls) != NULL);
	FZ_CHECK(!amdvi_dte_translates(&d) || amdvi_dte_valid(&d));
	FZ_CHECK((cls == AMDVI_DTE_NOT_VALID) == !amdvi_dte_valid(&d));
	FZ_CHECK(amdvi_dte_int_tab_entries(&d) == (d.iv ? 1u << d.int_tab_len : 0));
	FZ_CHECK((d.pt_root & me_mask) == 0 && (d.gcr3_root & me_mask) == 0 &&
		 (d.int_tab_root & me_mask) == 0);
	fz_check_format(format, &d, cut);

	/* encode, decode again: the same fields (no mask, so nothing is lost) */
	FZ_CHECK(amdvi_dte_decode(raw, 0, &d) == AMDVI_OK);
	FZ_CHECK(amdvi_dte_encode(&d, again) == AMDVI_OK);
	FZ_CHECK(again[3] == raw[3]);
	for (int i = 0; i < 3; i++)
		FZ_CHECK((again[i] & ~raw[i]) == 0);	/* no bit made up */
	FZ_CHECK(amdvi_dte_decode(again, 0, &d2) == AMDVI_OK);
	memcpy(d2.raw, d.raw, sizeof(d.raw));
	FZ_CHECK(memcmp(&d, &d2, sizeof(d)) == 0);
	return 0;
}
