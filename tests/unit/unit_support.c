#include "unit_support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

const char *srcpath(const char *rel)
{
	static char buf[4][1024];
	static unsigned n;
	const char *root = getenv("IIF_SRCDIR");
	char *b = buf[n++ % 4];

	snprintf(b, sizeof(buf[0]), "%s/%s", root && *root ? root : ".", rel);
	return b;
}

struct fixture *load_src_fixture(const char *rel)
{
	char err[512];
	struct fixture *fx = fixture_load(srcpath(rel), err, sizeof(err));

	ck_assert_msg(fx != NULL, "fixture %s: %s", rel, err);
	return fx;
}

const struct dev_info *find_dev(const struct analysis *a, uint16_t segment, uint16_t devid)
{
	for (size_t i = 0; i < a->n_devs; i++)
		if (a->devs[i].segment == segment && a->devs[i].devid == devid)
			return &a->devs[i];
	return NULL;
}
