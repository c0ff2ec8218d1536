/*
 * Reports of an analysis, as text for people and JSON for pipelines.  All
 * write to a FILE * so that crash's redirection (`> file`, `| grep`) works.
 */
#ifndef IOMMU_INFLIGHT_REPORT_H
#define IOMMU_INFLIGHT_REPORT_H

#include <stdio.h>

#include "core/analysis.h"

/* Sections of the text report; the summary is what `iommu_inflight` prints
 * with no options. */
enum report_section {
	REPORT_SUMMARY		= 1 << 0,
	REPORT_RING		= 1 << 1,	/* all 512 entries of each ring */
	REPORT_DEVTAB		= 1 << 2,	/* every valid DTE, decoded */
	REPORT_MAPPINGS		= 1 << 3,	/* every extent */
	REPORT_EVENTS		= 1 << 4,	/* unprocessed event-log entries */
	REPORT_CORRELATION	= 1 << 5,	/* every classified log fault */
	REPORT_PROBLEMS		= 1 << 6,	/* every read that failed */
	REPORT_FLUSH_QUEUES	= 1 << 7,	/* every live flush-queue entry (lazy mode) */
};

void report_text(const struct analysis *a, unsigned sections, bool verbose, FILE *out);

/* When -i or -d selected nothing: one line per such note (each ending in
 * '\n') into buf, so that front ends say so instead of printing empty
 * tables.  Returns the number of notes. */
int report_selection_notes(const struct analysis *a, char *buf, size_t len);

/* One JSON object, "schema": "iommu-inflight/1" (docs/json-analysis.md). */
void report_json(const struct analysis *a, FILE *out);

#endif
