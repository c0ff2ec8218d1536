/*
 * The text form of one printk record, as `makedumpfile --dump-dmesg`
 * writes it (src/dump/dmesg_text.c; the rules are listed there).
 */
#ifndef IOMMU_INFLIGHT_DUMP_DMESG_TEXT_H
#define IOMMU_INFLIGHT_DUMP_DMESG_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes "[seconds.micros] text\n": continuation lines indented as wide as
 * the prefix, bytes outside printable ASCII and white space escaped. */
void dmesg_write_record(FILE *out, uint64_t ts_nsec, const unsigned char *text, size_t len);

#endif
