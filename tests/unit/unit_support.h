/* Helpers shared by the unit tests that read files of the source tree
 * (recorded fixtures, logs) and look at an analysis's devices. */
#ifndef IIF_TEST_UNIT_SUPPORT_H
#define IIF_TEST_UNIT_SUPPORT_H

#include <stdint.h>

#include "core/analysis.h"
#include "target/fixture.h"

/* REL under the source tree ($IIF_SRCDIR, else the current folder); the
 * result stays valid for the next three calls. */
const char *srcpath(const char *rel);

/* The fixture at REL under the source tree; fails the test if it cannot load. */
struct fixture *load_src_fixture(const char *rel);

/* The analysis's device SEGMENT:DEVID, or NULL. */
const struct dev_info *find_dev(const struct analysis *a, uint16_t segment, uint16_t devid);

#endif
