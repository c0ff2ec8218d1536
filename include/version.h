/*
 * The tool's version, and the version of the JSON it writes (`iommu-inflight
 * --version`).  The JSON schema changes its number only when a key changes
 * meaning or goes away; new keys keep it (docs/json-analysis.md).
 */
#ifndef IOMMU_INFLIGHT_VERSION_H
#define IOMMU_INFLIGHT_VERSION_H

#define IIF_VERSION		"0.15"
#define IIF_JSON_SCHEMA		"iommu-inflight/1"	/* analyze -j, replay -j, the crash command's -j */

#endif
