/* The recorder: forwards every question to an inner target and keeps the
 * answer (success or failure) in a fixture, so that the same analysis can be
 * replayed later without the dump. */
#include "target/fixture.h"

static enum target_err record_read(void *priv, enum target_space space, uint64_t addr,
				   void *buf, size_t len)
{
	struct record_target *rec = priv;
	enum target_err err = target_read(rec->inner, space, addr, buf, len);

	fixture_add_memory(rec->fx, space, addr, len, err ? NULL : buf, err);
	return err;
}

static enum target_err record_symbol(void *priv, const char *name, uint64_t *addr)
{
	struct record_target *rec = priv;
	enum target_err err = target_symbol(rec->inner, name, addr);

	fixture_add_symbol(rec->fx, name, err, err ? 0 : *addr);
	return err;
}

static enum target_err record_struct_size(void *priv, const char *sname, long *size)
{
	struct record_target *rec = priv;
	enum target_err err = target_struct_size(rec->inner, sname, size);

	fixture_add_struct(rec->fx, sname, err, err ? 0 : *size);
	return err;
}

static enum target_err record_member(void *priv, const char *sname, const char *mname,
				     struct target_member *out)
{
	struct record_target *rec = priv;
	enum target_err err = target_member(rec->inner, sname, mname, out);

	fixture_add_member(rec->fx, sname, mname, err, out);
	return err;
}

static const struct target_ops record_ops = {
	.read = record_read,
	.symbol = record_symbol,
	.struct_size = record_struct_size,
	.member = record_member,
};

void record_target_init(struct target *t, struct record_target *rec,
			const struct target *inner, struct fixture *fx)
{
	rec->inner = inner;
	rec->fx = fx;
	t->ops = &record_ops;
	t->priv = rec;
	t->name = "record";
}
