/*
 * The target interface: everything the analysis engine knows about a dump it
 * learns through these few calls.  A target reads kernel-virtual and physical
 * memory, looks up symbols, and answers type questions (struct size, member
 * offset, member size, "is it a pointer?").
 *
 * Three targets implement it: crash (extensions/, on readmem/symbol_value/
 * MEMBER_OFFSET), replay (src/target/replay.c, for tests, from a fixture file)
 * and the standalone dump reader.  The recorder (src/target/record.c) wraps
 * any target and writes every answer it gave into a replay fixture.
 *
 * Reads never longjmp and never abort: every failure comes back as a
 * target_err, and "page excluded by makedumpfile" is its own result so the
 * engine can say which structure was filtered out of the dump.
 */
#ifndef IOMMU_INFLIGHT_TARGET_H
#define IOMMU_INFLIGHT_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum target_space {
	TARGET_KVADDR,		/* kernel virtual address */
	TARGET_PHYSADDR,	/* physical address */
};

enum target_err {
	TARGET_OK = 0,
	TARGET_E_INVALID,	/* address not mapped, or not in the dump at all */
	TARGET_E_EXCLUDED,	/* page excluded from the dump (makedumpfile -d) */
	TARGET_E_IO,		/* the dump could not be read (seek, read, decompress) */
	TARGET_E_NOTFOUND,	/* no such symbol, type or member */
	TARGET_E_UNSUPPORTED,	/* the target cannot answer this kind of question */
	TARGET_E_UNAVAILABLE,	/* in the dump, but this session cannot translate it
				 * (module and vmalloc memory under crash --minimal) */
};

#define TARGET_TYPE_NAME_MAX 64

struct target_member {
	long offset;			/* bytes from the start of the struct */
	long size;			/* bytes */
	bool is_pointer;
	char type_name[TARGET_TYPE_NAME_MAX];	/* "u64", "atomic64_t", "struct list_head"... ("" if unknown) */
};

struct target_ops {
	enum target_err (*read)(void *priv, enum target_space space, uint64_t addr,
				void *buf, size_t len);
	enum target_err (*symbol)(void *priv, const char *name, uint64_t *addr);
	enum target_err (*struct_size)(void *priv, const char *sname, long *size);
	enum target_err (*member)(void *priv, const char *sname, const char *mname,
				  struct target_member *out);
};

struct target {
	const struct target_ops *ops;
	void *priv;
	const char *name;		/* "crash", "replay", "kdumpfile"... */
};

const char *target_err_name(enum target_err err);

/* Thin wrappers so callers need not spell out t->ops->x(t->priv, ...). */
enum target_err target_read(const struct target *t, enum target_space space,
			    uint64_t addr, void *buf, size_t len);
enum target_err target_read_u64(const struct target *t, enum target_space space,
				uint64_t addr, uint64_t *val);
enum target_err target_read_u32(const struct target *t, enum target_space space,
				uint64_t addr, uint32_t *val);
/* Reads an unsigned integer of 1, 2, 4 or 8 bytes (little-endian). */
enum target_err target_read_uint(const struct target *t, enum target_space space,
				 uint64_t addr, size_t size, uint64_t *val);
enum target_err target_symbol(const struct target *t, const char *name, uint64_t *addr);
enum target_err target_struct_size(const struct target *t, const char *sname, long *size);
enum target_err target_member(const struct target *t, const char *sname,
			      const char *mname, struct target_member *out);
/* true when the struct has the member: the probe the engine uses instead of
 * comparing kernel versions. */
bool target_has_member(const struct target *t, const char *sname, const char *mname);
/* The member's offset, or -1 when the struct has no such member. */
long target_offset(const struct target *t, const char *sname, const char *mname);

#endif
