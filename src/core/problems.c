/* The list of what the analysis could not read or trust. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/problems.h"

void problems_init(struct problems *pb)
{
	memset(pb, 0, sizeof(*pb));
}

void problems_free(struct problems *pb)
{
	free(pb->list);
	memset(pb, 0, sizeof(*pb));
}

static struct problem *problem_slot(struct problems *pb)
{
	if (pb->n >= PROBLEMS_KEEP_MAX) {
		pb->dropped++;
		return NULL;
	}
	if (pb->n == pb->cap) {
		size_t ncap = pb->cap ? pb->cap * 2 : 32;
		struct problem *p = realloc(pb->list, ncap * sizeof(*p));

		if (!p) {
			pb->dropped++;
			return NULL;
		}
		pb->list = p;
		pb->cap = ncap;
	}
	struct problem *p = &pb->list[pb->n++];

	memset(p, 0, sizeof(*p));
	return p;
}

void problem_read(struct problems *pb, enum target_err err, enum target_space space,
		  uint64_t addr, uint64_t len, const char *what_fmt, ...)
{
	va_list ap;

	if (err == TARGET_E_EXCLUDED)
		pb->excluded_reads++;
	struct problem *p = problem_slot(pb);

	if (!p)
		return;
	p->kind = PROBLEM_READ;
	p->err = err;
	p->space = space;
	p->addr = addr;
	p->len = len;
	va_start(ap, what_fmt);
	vsnprintf(p->what, sizeof(p->what), what_fmt, ap);
	va_end(ap);
	snprintf(p->why, sizeof(p->why), "%s", target_err_name(err));
}

void problem_add(struct problems *pb, enum problem_kind kind, const char *what,
		 const char *why_fmt, ...)
{
	va_list ap;

	if (kind == PROBLEM_CORRUPT)
		pb->corrupt++;
	struct problem *p = problem_slot(pb);

	if (!p)
		return;
	p->kind = kind;
	snprintf(p->what, sizeof(p->what), "%s", what);
	va_start(ap, why_fmt);
	vsnprintf(p->why, sizeof(p->why), why_fmt, ap);
	va_end(ap);
}

const char *problem_kind_name(enum problem_kind kind)
{
	switch (kind) {
	case PROBLEM_READ:	return "read";
	case PROBLEM_TYPE:	return "type";
	case PROBLEM_CORRUPT:	return "corrupt";
	case PROBLEM_LIMIT:	return "limit";
	case PROBLEM_INPUT:	return "input";
	}
	return "unknown";
}
