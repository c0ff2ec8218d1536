/*
 * Struct layouts from DWARF, loading only what the engine asks for.
 *
 * A kernel's .debug_info is hundreds of megabytes, and every compile unit
 * carries its own complete copy of the structs it uses.  So a struct is
 * looked for among the top-level DIEs of one unit at a time (siblings only,
 * DW_AT_sibling lets libdw skip each subtree), hinted units first; the names
 * of all complete structs and unions seen in a scanned unit go into a hash
 * table, so later lookups usually cost nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "dump/dwarf_types.h"

struct dt_entry {
	const char *name;		/* points into .debug_str (stays mapped) or the unit */
	Dwarf_Off die;
};

struct dt_cu {
	Dwarf_Off die;
	bool scanned;
	signed char hinted;		/* -1 not looked at yet */
};

struct dwarf_types {
	Dwarf *dw;
	struct dt_cu *cus;
	size_t n_cus, n_scanned;
	bool cus_listed;
	char **hints;
	size_t n_hints;
	struct dt_entry *tab;		/* open addressing, power of two */
	size_t tab_size, tab_used;
	/* The vmlinux as libelf mapped it (read-only, private): pages of it
	 * that were only looked at once are dropped from our RSS (trim()). */
	void *map;
	size_t map_len;
	unsigned touched;		/* units looked at since the last trim */
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static struct dt_entry *tab_find(struct dwarf_types *dt, const char *name)
{
	if (!dt->tab_size)
		return NULL;
	for (size_t i = hash_str(name) & (dt->tab_size - 1);; i = (i + 1) & (dt->tab_size - 1)) {
		if (!dt->tab[i].name)
			return NULL;
		if (!strcmp(dt->tab[i].name, name))
			return &dt->tab[i];
	}
}

static int tab_insert(struct dwarf_types *dt, const char *name, Dwarf_Off die)
{
	if ((dt->tab_used + 1) * 2 > dt->tab_size) {
		size_t nsize = dt->tab_size ? dt->tab_size * 2 : 4096;
		struct dt_entry *nt = calloc(nsize, sizeof(*nt));

		if (!nt)
			return -1;
		for (size_t i = 0; i < dt->tab_size; i++) {
			if (!dt->tab[i].name)
				continue;
			size_t j = hash_str(dt->tab[i].name) & (nsize - 1);

			while (nt[j].name)
				j = (j + 1) & (nsize - 1);
			nt[j] = dt->tab[i];
		}
		free(dt->tab);
		dt->tab = nt;
		dt->tab_size = nsize;
	}
	size_t i = hash_str(name) & (dt->tab_size - 1);

	while (dt->tab[i].name) {
		if (!strcmp(dt->tab[i].name, name))
			return 0;	/* first definition wins */
		i = (i + 1) & (dt->tab_size - 1);
	}
	dt->tab[i].name = name;
	dt->tab[i].die = die;
	dt->tab_used++;
	return 0;
}

struct dwarf_types *dwarf_types_new(Elf *elf)
{
	struct dwarf_types *dt;
	Dwarf *dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);

	if (!dw)
		return NULL;
	dt = calloc(1, sizeof(*dt));
	if (!dt) {
		dwarf_end(dw);
		return NULL;
	}
	dt->dw = dw;
	{
		size_t len = 0;
		char *raw = elf_rawfile(elf, &len);

		if (raw && len) {
			uintptr_t start = (uintptr_t)raw & ~(uintptr_t)4095;

			dt->map = (void *)start;
			dt->map_len = len + ((uintptr_t)raw - start);
		}
	}
	return dt;
}

/* Reading a struct's layout visits a handful of units, but finding it
 * walks every unit's header and name: 600 MB of DWARF touched page by page
 * (and the kernel maps neighbouring pages on each fault) would stay in our
 * RSS.  The mapping is read-only and private, so dropping its pages is safe:
 * what is read again comes back from the file (or the page cache). */
static void trim(struct dwarf_types *dt)
{
	if (dt->map)
		madvise(dt->map, dt->map_len, MADV_DONTNEED);
	dt->touched = 0;
}

static void touched(struct dwarf_types *dt)
{
	if (++dt->touched >= 128)
		trim(dt);
}

void dwarf_types_free(struct dwarf_types *dt)
{
	if (!dt)
		return;
	dwarf_end(dt->dw);
	for (size_t i = 0; i < dt->n_hints; i++)
		free(dt->hints[i]);
	free(dt->hints);
	free(dt->cus);
	free(dt->tab);
	free(dt);
}

void dwarf_types_hint(struct dwarf_types *dt, const char *cu_substr)
{
	char **nh = realloc(dt->hints, (dt->n_hints + 1) * sizeof(*nh));

	if (!nh)
		return;
	dt->hints = nh;
	nh[dt->n_hints] = strdup(cu_substr);
	if (nh[dt->n_hints])
		dt->n_hints++;
}

/* The unit headers only: cheap, no DIE is read. */
static void list_cus(struct dwarf_types *dt)
{
	Dwarf_Off off = 0, next;
	size_t hsize, cap = 0;

	dt->cus_listed = true;
	while (dwarf_next_unit(dt->dw, off, &next, &hsize, NULL, NULL, NULL, NULL, NULL, NULL) == 0) {
		if (dt->n_cus == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct dt_cu *n = realloc(dt->cus, ncap * sizeof(*n));

			if (!n)
				return;
			dt->cus = n;
			cap = ncap;
		}
		dt->cus[dt->n_cus].die = off + hsize;
		dt->cus[dt->n_cus].scanned = false;
		dt->cus[dt->n_cus].hinted = -1;
		dt->n_cus++;
		off = next;
		touched(dt);
	}
	trim(dt);
}

static void scan_cu(struct dwarf_types *dt, struct dt_cu *cu)
{
	Dwarf_Die cudie, child;

	cu->scanned = true;
	dt->n_scanned++;
	if (!dwarf_offdie(dt->dw, cu->die, &cudie) || dwarf_child(&cudie, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		const char *name;

		if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
			continue;
		if (dwarf_hasattr(&child, DW_AT_declaration))
			continue;
		name = dwarf_diename(&child);
		if (name)
			tab_insert(dt, name, dwarf_dieoffset(&child));
	} while (dwarf_siblingof(&child, &child) == 0);
}

static bool cu_is_hinted(struct dwarf_types *dt, struct dt_cu *cu)
{
	Dwarf_Die cudie;
	const char *name;

	if (cu->hinted >= 0)
		return cu->hinted;
	cu->hinted = 0;
	touched(dt);
	if (!dwarf_offdie(dt->dw, cu->die, &cudie) || !(name = dwarf_diename(&cudie)))
		return false;
	for (size_t h = 0; h < dt->n_hints; h++)
		if (strstr(name, dt->hints[h]))
			cu->hinted = 1;
	return cu->hinted;
}

static bool find_struct(struct dwarf_types *dt, const char *sname, Dwarf_Die *out)
{
	struct dt_entry *e = tab_find(dt, sname);

	if (!e) {
		if (!dt->cus_listed)
			list_cus(dt);
		/* hinted units first, then all the others in order */
		for (int pass = 0; pass < 2 && !e; pass++) {
			if (pass == 0 && !dt->n_hints)
				continue;
			for (size_t i = 0; i < dt->n_cus && !e; i++) {
				if (dt->cus[i].scanned)
					continue;
				if (pass == 0 && !cu_is_hinted(dt, &dt->cus[i]))
					continue;
				scan_cu(dt, &dt->cus[i]);
				touched(dt);
				e = tab_find(dt, sname);
			}
		}
		trim(dt);
	}
	return e && dwarf_offdie(dt->dw, e->die, out);
}

/* Follows typedefs and const/volatile/restrict/atomic qualifiers. */
static bool strip_type(Dwarf_Die *die, bool typedefs)
{
	for (int depth = 0; depth < 64; depth++) {
		int tag = dwarf_tag(die);
		Dwarf_Attribute at;

		if (tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_restrict_type && tag != DW_TAG_atomic_type &&
		    !(typedefs && tag == DW_TAG_typedef))
			return true;
		if (!dwarf_attr_integrate(die, DW_AT_type, &at) || !dwarf_formref_die(&at, die))
			return false;	/* const void */
	}
	return false;
}

static bool die_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute at;

	return dwarf_attr_integrate(die, DW_AT_type, &at) && dwarf_formref_die(&at, type);
}

static void type_name(Dwarf_Die *type, char *buf, size_t len)
{
	Dwarf_Die t = *type;
	const char *n;

	buf[0] = 0;
	/* qualifiers are not part of the name the engine probes ("atomic64_t") */
	if (!strip_type(&t, false))
		return;
	n = dwarf_diename(&t);
	switch (dwarf_tag(&t)) {
	case DW_TAG_structure_type:
		snprintf(buf, len, "struct %s", n ? n : "{...}");
		break;
	case DW_TAG_union_type:
		snprintf(buf, len, "union %s", n ? n : "{...}");
		break;
	case DW_TAG_enumeration_type:
		snprintf(buf, len, "enum %s", n ? n : "{...}");
		break;
	case DW_TAG_pointer_type: {
		Dwarf_Die p;
		char inner[TARGET_TYPE_NAME_MAX];

		if (die_type(&t, &p))
			type_name(&p, inner, sizeof(inner));
		else
			snprintf(inner, sizeof(inner), "void");
		size_t il = strnlen(inner, sizeof(inner));

		if (il + 3 <= len) {
			memcpy(buf, inner, il);
			memcpy(buf + il, " *", 3);
		}
		break;
	}
	default:
		if (n)
			snprintf(buf, len, "%s", n);
		break;
	}
}

static long member_location(Dwarf_Die *m)
{
	Dwarf_Attribute at;
	Dwarf_Word w;

	if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &at)) {
		if (dwarf_attr_integrate(m, DW_AT_data_bit_offset, &at) && dwarf_formudata(&at, &w) == 0)
			return (long)(w / 8);
		return 0;	/* union members */
	}
	if (dwarf_formudata(&at, &w) == 0)
		return (long)w;
	/* an old-style location expression: DW_OP_plus_uconst N */
	Dwarf_Op *ops;
	size_t nops;

	if (dwarf_getlocation(&at, &ops, &nops) == 0 && nops == 1 && ops[0].atom == DW_OP_plus_uconst)
		return (long)ops[0].number;
	return -1;
}

static bool find_member(Dwarf_Die *agg, const char *mname, long base, int depth, Dwarf_Die *out,
			long *offset)
{
	Dwarf_Die child;

	if (depth > 16 || dwarf_child(agg, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		const char *n = dwarf_diename(&child);
		long loc = member_location(&child);

		if (loc < 0)
			continue;
		if (n) {
			if (!strcmp(n, mname)) {
				*out = child;
				*offset = base + loc;
				return true;
			}
			continue;
		}
		/* an anonymous struct or union: its members are ours */
		Dwarf_Die t;

		if (!die_type(&child, &t) || !strip_type(&t, true))
			continue;
		if ((dwarf_tag(&t) == DW_TAG_structure_type || dwarf_tag(&t) == DW_TAG_union_type) &&
		    find_member(&t, mname, base + loc, depth + 1, out, offset))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

enum target_err dwarf_types_struct_size(struct dwarf_types *dt, const char *sname, long *size)
{
	Dwarf_Die s;
	Dwarf_Word w;

	if (!find_struct(dt, sname, &s))
		return TARGET_E_NOTFOUND;
	if (dwarf_aggregate_size(&s, &w) != 0)
		return TARGET_E_NOTFOUND;
	*size = (long)w;
	return TARGET_OK;
}

enum target_err dwarf_types_member(struct dwarf_types *dt, const char *sname, const char *mname,
				   struct target_member *out)
{
	Dwarf_Die s, m, t, st;
	Dwarf_Word w;
	long offset;

	if (!find_struct(dt, sname, &s) || !find_member(&s, mname, 0, 0, &m, &offset))
		return TARGET_E_NOTFOUND;
	memset(out, 0, sizeof(*out));
	out->offset = offset;
	out->size = -1;
	if (die_type(&m, &t)) {
		Dwarf_Attribute at;

		if (dwarf_attr_integrate(&m, DW_AT_byte_size, &at) && dwarf_formudata(&at, &w) == 0)
			out->size = (long)w;
		else if (dwarf_aggregate_size(&t, &w) == 0)
			out->size = (long)w;
		st = t;
		out->is_pointer = strip_type(&st, true) && dwarf_tag(&st) == DW_TAG_pointer_type;
		type_name(&t, out->type_name, sizeof(out->type_name));
	}
	return TARGET_OK;
}

void dwarf_types_stats(const struct dwarf_types *dt, size_t *scanned, size_t *total)
{
	*scanned = dt->n_scanned;
	*total = dt->n_cus;
}
