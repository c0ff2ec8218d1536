/* The replay target: serves the engine from a recorded fixture. */
#include "target/fixture.h"

static enum target_err replay_read(void *priv, enum target_space space, uint64_t addr,
				   void *buf, size_t len)
{
	return fixture_read(priv, space, addr, buf, len);
}

static enum target_err replay_symbol(void *priv, const char *name, uint64_t *addr)
{
	return fixture_symbol(priv, name, addr);
}

static enum target_err replay_struct_size(void *priv, const char *sname, long *size)
{
	return fixture_struct_size(priv, sname, size);
}

static enum target_err replay_member(void *priv, const char *sname, const char *mname,
				     struct target_member *out)
{
	return fixture_member(priv, sname, mname, out);
}

static const struct target_ops replay_ops = {
	.read = replay_read,
	.symbol = replay_symbol,
	.struct_size = replay_struct_size,
	.member = replay_member,
};

void replay_target_init(struct target *t, struct fixture *fx)
{
	t->ops = &replay_ops;
	t->priv = fx;
	t->name = "replay";
}
