/*
 * AMD-Vi hardware-format library: umbrella header.
 *
 * Pure decoders/encoders for the structures an AMD IOMMU shares with
 * memory: command buffer, event log, device table, I/O page tables,
 * Extended Feature Register.  No allocation, no I/O, no crash headers.
 */
#ifndef AMDVI_AMDVI_H
#define AMDVI_AMDVI_H

#include "amdvi/common.h"
#include "amdvi/command.h"
#include "amdvi/ring.h"
#include "amdvi/event.h"
#include "amdvi/dte.h"
#include "amdvi/pgtable.h"
#include "amdvi/efr.h"

#endif /* AMDVI_AMDVI_H */
