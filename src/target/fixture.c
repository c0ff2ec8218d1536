/* Replay fixtures: an in-memory store of target answers, and its file format
 * (see include/target/fixture.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "target/fixture.h"

struct fx_meta { char *key, *value; };
struct fx_symbol { char *name; enum target_err err; uint64_t addr; };
struct fx_struct { char *name; enum target_err err; long size; };
struct fx_member { char *sname, *mname; enum target_err err; struct target_member m; };
struct fx_range {
	enum target_space space;
	uint64_t addr;
	size_t len;
	enum target_err err;	/* TARGET_OK: data (NULL = zeros) */
	uint8_t *data;
	size_t seq;		/* insertion order: a later record overrides an earlier one */
};

#define FX_ARRAY(type, name) type *name; size_t n_##name, cap_##name

struct fixture {
	FX_ARRAY(struct fx_meta, meta);
	FX_ARRAY(struct fx_symbol, syms);
	FX_ARRAY(struct fx_struct, structs);
	FX_ARRAY(struct fx_member, members);
	FX_ARRAY(struct fx_range, ranges);
	uint64_t *range_maxend;		/* valid while `sorted` */
	bool sorted;
};

/* Grows an array by one slot and returns the new, zeroed slot. */
static void *fx_push(void **arr, size_t *n, size_t *cap, size_t elem)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *p = realloc(*arr, ncap * elem);

		if (!p)
			abort();	/* out of memory in a test/recorder tool */
		*arr = p;
		*cap = ncap;
	}
	void *slot = (char *)*arr + (*n)++ * elem;

	memset(slot, 0, elem);
	return slot;
}

#define FX_PUSH(fx, name) \
	fx_push((void **)&(fx)->name, &(fx)->n_##name, &(fx)->cap_##name, sizeof(*(fx)->name))

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

struct fixture *fixture_new(void)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		abort();
	return fx;
}

void fixture_free(struct fixture *fx)
{
	if (!fx)
		return;
	for (size_t i = 0; i < fx->n_meta; i++) {
		free(fx->meta[i].key);
		free(fx->meta[i].value);
	}
	for (size_t i = 0; i < fx->n_syms; i++)
		free(fx->syms[i].name);
	for (size_t i = 0; i < fx->n_structs; i++)
		free(fx->structs[i].name);
	for (size_t i = 0; i < fx->n_members; i++) {
		free(fx->members[i].sname);
		free(fx->members[i].mname);
	}
	for (size_t i = 0; i < fx->n_ranges; i++)
		free(fx->ranges[i].data);
	free(fx->meta);
	free(fx->syms);
	free(fx->structs);
	free(fx->members);
	free(fx->ranges);
	free(fx->range_maxend);
	free(fx);
}

void fixture_set_meta(struct fixture *fx, const char *key, const char *value)
{
	for (size_t i = 0; i < fx->n_meta; i++) {
		if (!strcmp(fx->meta[i].key, key)) {
			free(fx->meta[i].value);
			fx->meta[i].value = xstrdup(value);
			return;
		}
	}
	struct fx_meta *m = FX_PUSH(fx, meta);

	m->key = xstrdup(key);
	m->value = xstrdup(value);
}

const char *fixture_meta(const struct fixture *fx, const char *key)
{
	for (size_t i = 0; i < fx->n_meta; i++)
		if (!strcmp(fx->meta[i].key, key))
			return fx->meta[i].value;
	return NULL;
}

void fixture_add_symbol(struct fixture *fx, const char *name, enum target_err err, uint64_t addr)
{
	for (size_t i = 0; i < fx->n_syms; i++)
		if (!strcmp(fx->syms[i].name, name))
			return;
	struct fx_symbol *s = FX_PUSH(fx, syms);

	s->name = xstrdup(name);
	s->err = err;
	s->addr = addr;
}

void fixture_add_struct(struct fixture *fx, const char *sname, enum target_err err, long size)
{
	for (size_t i = 0; i < fx->n_structs; i++)
		if (!strcmp(fx->structs[i].name, sname))
			return;
	struct fx_struct *s = FX_PUSH(fx, structs);

	s->name = xstrdup(sname);
	s->err = err;
	s->size = size;
}

void fixture_add_member(struct fixture *fx, const char *sname, const char *mname,
			enum target_err err, const struct target_member *m)
{
	for (size_t i = 0; i < fx->n_members; i++)
		if (!strcmp(fx->members[i].sname, sname) && !strcmp(fx->members[i].mname, mname))
			return;
	struct fx_member *e = FX_PUSH(fx, members);

	e->sname = xstrdup(sname);
	e->mname = xstrdup(mname);
	e->err = err;
	if (!err && m)
		e->m = *m;
}

void fixture_add_memory(struct fixture *fx, enum target_space space, uint64_t addr,
			size_t len, const void *data, enum target_err err)
{
	struct fx_range *r;

	if (len == 0)
		return;
	r = FX_PUSH(fx, ranges);
	r->space = space;
	r->addr = addr;
	r->len = len;
	r->err = err;
	r->seq = fx->n_ranges;
	if (!err && data) {
		bool zero = true;

		for (size_t i = 0; i < len && zero; i++)
			zero = ((const uint8_t *)data)[i] == 0;
		if (!zero) {
			r->data = malloc(len);
			if (!r->data)
				abort();
			memcpy(r->data, data, len);
		}
	}
	fx->sorted = false;
}

enum target_err fixture_symbol(const struct fixture *fx, const char *name, uint64_t *addr)
{
	for (size_t i = 0; i < fx->n_syms; i++) {
		if (!strcmp(fx->syms[i].name, name)) {
			if (!fx->syms[i].err)
				*addr = fx->syms[i].addr;
			return fx->syms[i].err;
		}
	}
	return TARGET_E_NOTFOUND;
}

enum target_err fixture_struct_size(const struct fixture *fx, const char *sname, long *size)
{
	for (size_t i = 0; i < fx->n_structs; i++) {
		if (!strcmp(fx->structs[i].name, sname)) {
			if (!fx->structs[i].err)
				*size = fx->structs[i].size;
			return fx->structs[i].err;
		}
	}
	return TARGET_E_NOTFOUND;
}

enum target_err fixture_member(const struct fixture *fx, const char *sname, const char *mname,
			       struct target_member *out)
{
	for (size_t i = 0; i < fx->n_members; i++) {
		const struct fx_member *e = &fx->members[i];

		if (!strcmp(e->sname, sname) && !strcmp(e->mname, mname)) {
			if (!e->err)
				*out = e->m;
			return e->err;
		}
	}
	return TARGET_E_NOTFOUND;
}

static int range_cmp(const void *a, const void *b)
{
	const struct fx_range *x = a, *y = b;

	if (x->space != y->space)
		return x->space < y->space ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* at the same address, the later record sorts last and is found first */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void fx_sort(struct fixture *fx)
{
	if (fx->sorted)
		return;
	qsort(fx->ranges, fx->n_ranges, sizeof(*fx->ranges), range_cmp);
	free(fx->range_maxend);
	fx->range_maxend = malloc((fx->n_ranges + 1) * sizeof(uint64_t));
	if (!fx->range_maxend)
		abort();
	uint64_t maxend = 0;

	for (size_t i = 0; i < fx->n_ranges; i++) {
		const struct fx_range *r = &fx->ranges[i];

		if (i > 0 && r->space != fx->ranges[i - 1].space)
			maxend = 0;
		if (r->addr + r->len > maxend)
			maxend = r->addr + r->len;
		fx->range_maxend[i] = maxend;
	}
	fx->sorted = true;
}

/* The range that covers (space, addr): of several, the one added last. */
static const struct fx_range *fx_find(struct fixture *fx, enum target_space space, uint64_t addr)
{
	size_t lo = 0, hi = fx->n_ranges;
	const struct fx_range *best = NULL;

	fx_sort(fx);
	/* hi = number of ranges ordered at or before (space, addr) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct fx_range *r = &fx->ranges[mid];

		if (r->space < space || (r->space == space && r->addr <= addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t j = lo; j-- > 0;) {
		const struct fx_range *r = &fx->ranges[j];

		if (r->space != space || fx->range_maxend[j] <= addr)
			break;
		if (addr >= r->addr && addr - r->addr < r->len && (!best || r->seq > best->seq))
			best = r;
	}
	return best;
}

enum target_err fixture_read(struct fixture *fx, enum target_space space, uint64_t addr,
			     void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len > 0) {
		const struct fx_range *r = fx_find(fx, space, addr);

		if (!r)
			return TARGET_E_INVALID;
		if (r->err)
			return r->err;
		size_t off = addr - r->addr;
		size_t n = r->len - off < len ? r->len - off : len;

		if (r->data)
			memcpy(out, r->data + off, n);
		else
			memset(out, 0, n);
		out += n;
		addr += n;
		len -= n;
	}
	return TARGET_OK;
}

/* ---- the file format ---- */

static const char *space_name(enum target_space s)
{
	return s == TARGET_PHYSADDR ? "pa" : "kv";
}

static const char *fail_name(enum target_err err)
{
	switch (err) {
	case TARGET_E_EXCLUDED:	return "excluded";
	case TARGET_E_IO:	return "io";
	case TARGET_E_UNAVAILABLE: return "unavailable";
	default:		return "invalid";
	}
}

/* Writes the byte run [addr, addr+len) of one space as mem/zero lines:
 * zero runs of 64 bytes or more become `zero` lines. */
#define FX_ZERO_RUN 64
static void write_run(FILE *out, enum target_space space, uint64_t addr,
		      const uint8_t *b, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t end = i;

		while (end < len && b[end] == 0)
			end++;
		if (end - i >= FX_ZERO_RUN || end == len) {
			fprintf(out, "zero %s 0x%" PRIx64 " %zu\n", space_name(space), addr + i, end - i);
			i = end;
			continue;
		}
		/* data: up to the next long zero run, or the end */
		for (;;) {
			while (end < len && b[end] != 0)
				end++;
			size_t zeros = end;

			while (zeros < len && b[zeros] == 0)
				zeros++;
			if (zeros == len && zeros - end < FX_ZERO_RUN)
				end = len;
			if (end == len || zeros - end >= FX_ZERO_RUN)
				break;
			end = zeros;
		}
		fprintf(out, "mem %s 0x%" PRIx64 " %zu ", space_name(space), addr + i, end - i);
		for (size_t k = i; k < end; k++)
			fprintf(out, "%02x", b[k]);
		fputc('\n', out);
		i = end;
	}
}

int fixture_write(struct fixture *fx, FILE *out)
{
	fprintf(out, "iommu-inflight-replay 1\n");
	for (size_t i = 0; i < fx->n_meta; i++)
		fprintf(out, "meta %s %s\n", fx->meta[i].key, fx->meta[i].value);
	for (size_t i = 0; i < fx->n_syms; i++) {
		if (fx->syms[i].err)
			fprintf(out, "nosym %s\n", fx->syms[i].name);
		else
			fprintf(out, "sym %s 0x%" PRIx64 "\n", fx->syms[i].name, fx->syms[i].addr);
	}
	for (size_t i = 0; i < fx->n_structs; i++) {
		if (fx->structs[i].err)
			fprintf(out, "nostruct %s\n", fx->structs[i].name);
		else
			fprintf(out, "struct %s %ld\n", fx->structs[i].name, fx->structs[i].size);
	}
	for (size_t i = 0; i < fx->n_members; i++) {
		const struct fx_member *e = &fx->members[i];

		if (e->err)
			fprintf(out, "nomember %s %s\n", e->sname, e->mname);
		else
			fprintf(out, "member %s %s %ld %ld %d %s\n", e->sname, e->mname,
				e->m.offset, e->m.size, e->m.is_pointer ? 1 : 0,
				e->m.type_name[0] ? e->m.type_name : "?");
	}

	/* Memory, pass 1: the successful reads of each space, merged into
	 * disjoint runs (ranges are sorted by space, then address). */
	fx_sort(fx);
	for (size_t i = 0; i < fx->n_ranges;) {
		const struct fx_range *r = &fx->ranges[i];

		if (r->err) {
			i++;
			continue;
		}
		uint64_t start = r->addr, end = r->addr + r->len;

		for (i++; i < fx->n_ranges; i++) {
			const struct fx_range *q = &fx->ranges[i];

			if (q->space != r->space || q->addr > end)
				break;
			if (!q->err && q->addr + q->len > end)
				end = q->addr + q->len;
		}
		size_t len = end - start;
		uint8_t *buf = malloc(len);

		if (!buf)
			abort();
		if (fixture_read(fx, r->space, start, buf, len) == TARGET_OK)
			write_run(out, r->space, start, buf, len);
		free(buf);
	}
	/* Pass 2: failed reads that no successful read covers. */
	for (size_t i = 0; i < fx->n_ranges; i++) {
		const struct fx_range *r = &fx->ranges[i];
		uint8_t probe;

		if (i > 0 && r->err == fx->ranges[i - 1].err && r->space == fx->ranges[i - 1].space &&
		    r->addr == fx->ranges[i - 1].addr && r->len == fx->ranges[i - 1].len)
			continue;	/* the same failure recorded twice */
		if (r->err && fixture_read(fx, r->space, r->addr, &probe, 1) != TARGET_OK)
			fprintf(out, "fail %s 0x%" PRIx64 " %zu %s\n", space_name(r->space),
				r->addr, r->len, fail_name(r->err));
	}
	return ferror(out) ? -1 : 0;
}

int fixture_save(struct fixture *fx, const char *path)
{
	FILE *out = fopen(path, "w");

	if (!out)
		return -1;
	int rc = fixture_write(fx, out);

	if (fclose(out) != 0)
		rc = -1;
	return rc;
}

static int parse_space(const char *s, enum target_space *space)
{
	if (!strcmp(s, "kv"))
		*space = TARGET_KVADDR;
	else if (!strcmp(s, "pa"))
		*space = TARGET_PHYSADDR;
	else
		return -1;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void set_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* One line, already stripped of its newline.  Returns NULL or an error text. */
static const char *parse_line(struct fixture *fx, char *line)
{
	char *save = NULL;
	char *kw = strtok_r(line, " ", &save);
	char *a = kw ? strtok_r(NULL, " ", &save) : NULL;

	static const char *const known[] = {
		"iommu-inflight-replay", "meta", "sym", "nosym", "struct", "nostruct",
		"member", "nomember", "mem", "zero", "fail", NULL,
	};
	bool ok = false;

	if (!kw || kw[0] == '#')
		return NULL;
	for (size_t i = 0; known[i] && !ok; i++)
		ok = !strcmp(kw, known[i]);
	if (!ok)
		return "unknown record";
	if (!strcmp(kw, "iommu-inflight-replay"))
		return a && !strcmp(a, "1") ? NULL : "unsupported fixture version";
	if (!a)
		return "missing field";
	if (!strcmp(kw, "meta")) {
		char *rest = save && *save ? save : "";

		fixture_set_meta(fx, a, rest);
		return NULL;
	}
	if (!strcmp(kw, "nosym")) {
		fixture_add_symbol(fx, a, TARGET_E_NOTFOUND, 0);
		return NULL;
	}
	if (!strcmp(kw, "nostruct")) {
		fixture_add_struct(fx, a, TARGET_E_NOTFOUND, 0);
		return NULL;
	}
	char *b = strtok_r(NULL, " ", &save);

	if (!b)
		return "missing field";
	if (!strcmp(kw, "sym")) {
		fixture_add_symbol(fx, a, TARGET_OK, strtoull(b, NULL, 0));
		return NULL;
	}
	if (!strcmp(kw, "struct")) {
		fixture_add_struct(fx, a, TARGET_OK, strtol(b, NULL, 0));
		return NULL;
	}
	if (!strcmp(kw, "nomember")) {
		fixture_add_member(fx, a, b, TARGET_E_NOTFOUND, NULL);
		return NULL;
	}
	if (!strcmp(kw, "member")) {
		char *off = strtok_r(NULL, " ", &save);
		char *size = off ? strtok_r(NULL, " ", &save) : NULL;
		char *ptr = size ? strtok_r(NULL, " ", &save) : NULL;
		struct target_member m = { 0 };

		if (!ptr)
			return "member needs OFFSET SIZE PTR TYPE";
		m.offset = strtol(off, NULL, 0);
		m.size = strtol(size, NULL, 0);
		m.is_pointer = !strcmp(ptr, "1");
		if (save && *save && strcmp(save, "?"))
			snprintf(m.type_name, sizeof(m.type_name), "%s", save);
		fixture_add_member(fx, a, b, TARGET_OK, &m);
		return NULL;
	}
	enum target_space space;

	if (parse_space(a, &space))
		return "address space must be kv or pa";
	char *lenstr = strtok_r(NULL, " ", &save);

	if (!lenstr)
		return "missing length";
	uint64_t addr = strtoull(b, NULL, 0);
	size_t len = strtoull(lenstr, NULL, 0);

	if (len == 0 || len > (1u << 30))
		return "bad length";
	if (addr + len < addr)
		return "range wraps around";
	if (!strcmp(kw, "zero")) {
		fixture_add_memory(fx, space, addr, len, NULL, TARGET_OK);
		return NULL;
	}
	if (!strcmp(kw, "fail")) {
		char *what = strtok_r(NULL, " ", &save);
		enum target_err err = TARGET_E_INVALID;

		if (what && !strcmp(what, "excluded"))
			err = TARGET_E_EXCLUDED;
		else if (what && !strcmp(what, "io"))
			err = TARGET_E_IO;
		else if (what && !strcmp(what, "unavailable"))
			err = TARGET_E_UNAVAILABLE;
		fixture_add_memory(fx, space, addr, len, NULL, err);
		return NULL;
	}
	if (!strcmp(kw, "mem")) {
		char *hex = strtok_r(NULL, " ", &save);

		if (!hex || strlen(hex) != 2 * len)
			return "hex data does not match the length";
		uint8_t *data = malloc(len);

		if (!data)
			abort();
		for (size_t i = 0; i < len; i++) {
			int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

			if (hi < 0 || lo < 0) {
				free(data);
				return "bad hex digit";
			}
			data[i] = (uint8_t)(hi << 4 | lo);
		}
		fixture_add_memory(fx, space, addr, len, data, TARGET_OK);
		free(data);
		return NULL;
	}
	return "unknown record";
}

struct fixture *fixture_load(const char *path, char *errbuf, size_t errlen)
{
	FILE *in = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	struct fixture *fx;

	if (!in) {
		set_err(errbuf, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fx = fixture_new();
	while ((n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		const char *err = parse_line(fx, line);

		if (err) {
			set_err(errbuf, errlen, "%s:%lu: %s", path, lineno, err);
			fixture_free(fx);
			fx = NULL;
			break;
		}
	}
	free(line);
	fclose(in);
	if (fx && lineno == 0) {
		set_err(errbuf, errlen, "%s: empty fixture", path);
		fixture_free(fx);
		fx = NULL;
	}
	return fx;
}
