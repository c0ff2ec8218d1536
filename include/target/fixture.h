/*
 * Replay fixtures: what a target answered, kept so that the engine can be run
 * again without the dump.  The recorder fills a fixture from a real target;
 * the replay target serves the engine from one.
 *
 * File format (text, one record per line, '#' starts a comment):
 *
 *   iommu-inflight-replay 1
 *   meta KEY VALUE...                  free-form facts (source, release...)
 *   sym NAME 0xADDR                    symbol address
 *   nosym NAME                         symbol known to be absent
 *   struct NAME SIZE                   struct size in bytes
 *   nostruct NAME
 *   member STRUCT MEMBER OFFSET SIZE PTR TYPE...   PTR is 0 or 1; TYPE is the rest
 *   nomember STRUCT MEMBER
 *   mem kv|pa 0xADDR LEN HEX           LEN bytes of memory, as hex
 *   zero kv|pa 0xADDR LEN              LEN bytes of zeros
 *   fail kv|pa 0xADDR LEN ERROR        a read there fails: excluded|invalid|io
 *
 * Struct names are bare ("amd_iommu", not "struct amd_iommu"), as crash's
 * MEMBER_OFFSET takes them.
 */
#ifndef IOMMU_INFLIGHT_TARGET_FIXTURE_H
#define IOMMU_INFLIGHT_TARGET_FIXTURE_H

#include <stdio.h>

#include "target/target.h"

struct fixture;

struct fixture *fixture_new(void);
void fixture_free(struct fixture *fx);

/* Parses a fixture file.  On error returns NULL and writes a message naming
 * the file and line into errbuf. */
struct fixture *fixture_load(const char *path, char *errbuf, size_t errlen);
int fixture_save(struct fixture *fx, const char *path);
int fixture_write(struct fixture *fx, FILE *out);

/* Adding answers (the recorder, and tests that build fixtures by hand). */
void fixture_set_meta(struct fixture *fx, const char *key, const char *value);
const char *fixture_meta(const struct fixture *fx, const char *key);
void fixture_add_symbol(struct fixture *fx, const char *name, enum target_err err, uint64_t addr);
void fixture_add_struct(struct fixture *fx, const char *sname, enum target_err err, long size);
void fixture_add_member(struct fixture *fx, const char *sname, const char *mname,
			enum target_err err, const struct target_member *m);
/* A successful read (data != NULL) or a failed one (err != TARGET_OK). */
void fixture_add_memory(struct fixture *fx, enum target_space space, uint64_t addr,
			size_t len, const void *data, enum target_err err);

/* Lookups, with the target's own error codes; an unrecorded question is
 * TARGET_E_NOTFOUND (types, symbols) or TARGET_E_INVALID (memory). */
enum target_err fixture_symbol(const struct fixture *fx, const char *name, uint64_t *addr);
enum target_err fixture_struct_size(const struct fixture *fx, const char *sname, long *size);
enum target_err fixture_member(const struct fixture *fx, const char *sname, const char *mname,
			       struct target_member *out);
enum target_err fixture_read(struct fixture *fx, enum target_space space, uint64_t addr,
			     void *buf, size_t len);

/* The replay target over a fixture (the fixture stays owned by the caller). */
void replay_target_init(struct target *t, struct fixture *fx);

/* The recorder: a target that forwards to `inner` and records every answer
 * into `fx`. */
struct record_target {
	const struct target *inner;
	struct fixture *fx;
};
void record_target_init(struct target *t, struct record_target *rec,
			const struct target *inner, struct fixture *fx);

#endif
