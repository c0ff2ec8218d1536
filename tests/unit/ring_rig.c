#include "ring_rig.h"

#include <check.h>
#include <stdlib.h>

void ring_rig_analyse(struct ring_rig *r)
{
	replay_target_init(&r->t, r->fx);
	problems_init(&r->pb);
	ck_assert(layout_probe(&r->t, &r->lay, &r->pb));
	inventory_read(&r->t, &r->lay, &r->inv, &r->pb);
	ck_assert_uint_eq(r->inv.n_iommus, 1);
	if (!r->rep)
		r->rep = calloc(1, sizeof(*r->rep));
	ck_assert_ptr_nonnull(r->rep);
	cmd_ring_analyse(&r->t, &r->inv, &r->inv.iommus[0], r->rep, &r->pb);
}

void ring_rig_release(struct ring_rig *r)
{
	inventory_free(&r->inv);
	problems_free(&r->pb);
	fixture_free(r->fx);
	free(r->io.dte);
	free(r->rep);
}
