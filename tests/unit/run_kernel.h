/*
 * A synthetic 6.x kernel for the analysis_run tests (tests/unit/run_kernel.c):
 * one IOMMU, two translated devices with page tables (00:03.0 in domain 3
 * with two mapped pages at 0xffe59000, 00:04.0 in domain 4, empty), an
 * identity device, one unprocessed event and one PPR request.
 */
#ifndef IIF_TEST_RUN_KERNEL_H
#define IIF_TEST_RUN_KERNEL_H

#include "synth_kernel.h"

#define ROOT3	0x1ec4000ull
#define L1_3	0x2a59000ull
#define L0_3	0x2a58000ull
#define ROOT4	0x1ed4000ull

#define POB		0xffff888000000000ull	/* page_offset_base */
#define DD_KV		0xffff888000500000ull
#define PD_KV		0xffff888000600000ull

struct fixture *run_kernel_build(struct synth_iommu *io);
/* A capture kernel's log with faults of every class; returns its path. */
char *run_kernel_write_log(void);
void run_kernel_member(struct fixture *fx, const char *s, const char *m, long off, long size);
/* (test_run_dte_rewritten_crashed_view:) 6.18+ capture kernel rewrote 00:03.0's DTE in the reused table (domain 9,
 * a root in its own memory); the crashed kernel's iommu_dev_data still
 * points at its domain 3 (7.x layout: generic page table), whose table is
 * in the dump: the device's answer and the walk are the crashed kernel's. */
void run_kernel_add_dev_data_03(struct fixture *fx);

#endif
