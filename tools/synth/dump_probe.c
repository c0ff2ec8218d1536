/*
 * dump-probe: answers questions about a real dump through the standalone
 * reader, one per line, for test scripts that need to know where a kernel
 * structure sits in the dump file (tests/standalone/corrupt.py finds the
 * IOMMU list, the device table or a page-table entry with it, then damages
 * a copy of the dump there).
 *
 *   dump-probe VMLINUX VMCORE < QUERIES
 *
 * Queries (numbers in hex or decimal) and their one-line answers:
 *   sym NAME            0xADDR
 *   size STRUCT         BYTES
 *   member STRUCT NAME  OFFSET SIZE ptr|val
 *   vtop VADDR          0xPADDR
 *   rd VADDR LEN        hex bytes (kernel-virtual)
 *   rdp PADDR LEN       hex bytes (physical)
 * A query that cannot be answered gets "ERR " and the reason; the answer
 * is flushed before the next query is read.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump/dump.h"
#include "dump/vmlinux.h"
#include "target/target.h"

#define PROBE_READ_MAX 65536

static void answer_read(const struct target *t, enum target_space space, uint64_t addr, uint64_t len)
{
	static unsigned char buf[PROBE_READ_MAX];
	enum target_err e;

	if (len == 0 || len > sizeof(buf)) {
		printf("ERR length must be 1 to %d\n", PROBE_READ_MAX);
		return;
	}
	e = target_read(t, space, addr, buf, len);
	if (e != TARGET_OK) {
		printf("ERR %s\n", target_err_name(e));
		return;
	}
	for (uint64_t i = 0; i < len; i++)
		printf("%02x", buf[i]);
	putchar('\n');
}

static void answer(struct dump *d, const struct target *t, char *line)
{
	char *save = NULL, *op = strtok_r(line, " \t\n", &save);
	char *a = strtok_r(NULL, " \t\n", &save), *b = strtok_r(NULL, " \t\n", &save);
	struct target_member m;
	enum target_err e;
	uint64_t v;
	long size;

	if (!op) {
		printf("ERR empty query\n");
	} else if (!strcmp(op, "sym") && a) {
		e = target_symbol(t, a, &v);
		e ? printf("ERR %s\n", target_err_name(e)) : printf("0x%" PRIx64 "\n", v);
	} else if (!strcmp(op, "size") && a) {
		e = target_struct_size(t, a, &size);
		e ? printf("ERR %s\n", target_err_name(e)) : printf("%ld\n", size);
	} else if (!strcmp(op, "member") && a && b) {
		e = target_member(t, a, b, &m);
		e ? printf("ERR %s\n", target_err_name(e))
		  : printf("%ld %ld %s\n", m.offset, m.size, m.is_pointer ? "ptr" : "val");
	} else if (!strcmp(op, "vtop") && a) {
		dump_vtop(d, strtoull(a, NULL, 0), &v) ? printf("ERR does not map\n")
						      : printf("0x%" PRIx64 "\n", v);
	} else if ((!strcmp(op, "rd") || !strcmp(op, "rdp")) && a && b) {
		answer_read(t, op[2] ? TARGET_PHYSADDR : TARGET_KVADDR, strtoull(a, NULL, 0),
			    strtoull(b, NULL, 0));
	} else {
		printf("ERR unknown query %s\n", op);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char err[512], line[1024];
	struct dump_open_opts opts = { 0 };
	struct target t;

	if (argc != 3) {
		fprintf(stderr, "usage: dump-probe VMLINUX VMCORE < QUERIES\n");
		return 2;
	}
	struct vmlinux *vm = vmlinux_open(argv[1], err, sizeof(err));
	if (!vm) {
		fprintf(stderr, "dump-probe: %s\n", err);
		return 1;
	}
	struct dump *d = dump_open(argv[2], &opts, err, sizeof(err));
	if (!d || dump_attach_vmlinux(d, vm, err, sizeof(err))) {
		fprintf(stderr, "dump-probe: %s\n", err);
		return 1;
	}
	dump_target_init(&t, d);
	while (fgets(line, sizeof(line), stdin))
		answer(d, &t, line);
	dump_close(d);
	vmlinux_close(vm);
	return 0;
}
