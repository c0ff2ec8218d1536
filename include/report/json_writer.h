/*
 * A tiny JSON writer that keeps track of commas, shared by the report's
 * core and its per-vendor parts.
 */
#ifndef IOMMU_INFLIGHT_REPORT_JSON_WRITER_H
#define IOMMU_INFLIGHT_REPORT_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct jw {
	FILE *out;
	bool first;	/* the next member is the first of its object/array */
};

void sep(struct jw *w);
void jstr_raw(FILE *out, const char *s);
void key(struct jw *w, const char *k);
void open_obj(struct jw *w, const char *k);
void open_arr(struct jw *w, const char *k);
void close_obj(struct jw *w);
void close_arr(struct jw *w);
void kstr(struct jw *w, const char *k, const char *v);
void kint(struct jw *w, const char *k, long long v);
void kuint(struct jw *w, const char *k, unsigned long long v);
void khex(struct jw *w, const char *k, uint64_t v);
void kbool(struct jw *w, const char *k, bool v);
void knull(struct jw *w, const char *k);
void bdf_str(char *buf, size_t len, uint16_t devid);

#endif
