/* A synthetic kernel (synth_kernel.h) with one IOMMU, replayed and taken
 * through the engine up to the command-ring report: shared by the
 * command-ring and reference-flush tests. */
#ifndef IIF_TEST_RING_RIG_H
#define IIF_TEST_RING_RIG_H

#include "backend/amdvi/cmd_ring.h"
#include "synth_kernel.h"

struct ring_rig {
	struct synth_iommu io;
	struct fixture *fx;
	struct target t;
	struct layout lay;
	struct inventory inv;
	struct problems pb;
	struct cmd_ring_report *rep;
};

/* Layout probe, inventory (one IOMMU asserted) and command-ring analysis
 * over r->fx, which the caller has filled (synth_kernel() and more). */
void ring_rig_analyse(struct ring_rig *r);

/* Frees what the rig holds (not the rig itself). */
void ring_rig_release(struct ring_rig *r);

#endif
