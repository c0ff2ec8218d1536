/* Convenience wrappers around struct target_ops. */
#include <string.h>

#include "target/target.h"

const char *target_err_name(enum target_err err)
{
	switch (err) {
	case TARGET_OK:			return "ok";
	case TARGET_E_INVALID:		return "invalid address";
	case TARGET_E_EXCLUDED:		return "page excluded from the dump";
	case TARGET_E_IO:		return "read error";
	case TARGET_E_NOTFOUND:		return "not found";
	case TARGET_E_UNSUPPORTED:	return "not supported by this target";
	case TARGET_E_UNAVAILABLE:	return "not readable in this session (crash --minimal "
						"translates no module or vmalloc address)";
	}
	return "unknown error";
}

enum target_err target_read(const struct target *t, enum target_space space,
			    uint64_t addr, void *buf, size_t len)
{
	if (!t->ops->read)
		return TARGET_E_UNSUPPORTED;
	return t->ops->read(t->priv, space, addr, buf, len);
}

enum target_err target_read_uint(const struct target *t, enum target_space space,
				 uint64_t addr, size_t size, uint64_t *val)
{
	uint8_t b[8];
	enum target_err err;

	if (size == 0 || size > 8 || (size & (size - 1)))
		return TARGET_E_UNSUPPORTED;
	err = target_read(t, space, addr, b, size);
	if (err)
		return err;
	*val = 0;
	for (size_t i = size; i-- > 0;)
		*val = *val << 8 | b[i];
	return TARGET_OK;
}

enum target_err target_read_u64(const struct target *t, enum target_space space,
				uint64_t addr, uint64_t *val)
{
	return target_read_uint(t, space, addr, 8, val);
}

enum target_err target_read_u32(const struct target *t, enum target_space space,
				uint64_t addr, uint32_t *val)
{
	uint64_t v;
	enum target_err err = target_read_uint(t, space, addr, 4, &v);

	if (!err)
		*val = (uint32_t)v;
	return err;
}

enum target_err target_symbol(const struct target *t, const char *name, uint64_t *addr)
{
	if (!t->ops->symbol)
		return TARGET_E_UNSUPPORTED;
	return t->ops->symbol(t->priv, name, addr);
}

enum target_err target_struct_size(const struct target *t, const char *sname, long *size)
{
	if (!t->ops->struct_size)
		return TARGET_E_UNSUPPORTED;
	return t->ops->struct_size(t->priv, sname, size);
}

enum target_err target_member(const struct target *t, const char *sname,
			      const char *mname, struct target_member *out)
{
	if (!t->ops->member)
		return TARGET_E_UNSUPPORTED;
	memset(out, 0, sizeof(*out));
	out->offset = -1;
	out->size = -1;
	return t->ops->member(t->priv, sname, mname, out);
}

bool target_has_member(const struct target *t, const char *sname, const char *mname)
{
	struct target_member m;

	return target_member(t, sname, mname, &m) == TARGET_OK;
}

long target_offset(const struct target *t, const char *sname, const char *mname)
{
	struct target_member m;

	return target_member(t, sname, mname, &m) == TARGET_OK ? m.offset : -1;
}
