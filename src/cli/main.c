/*
 * iommu-inflight: command-line front end.  Each subcommand lives in its own
 * src/cli/cmd_*.c file and is listed in the table below.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "version.h"

static const struct cli_command commands[] = {
	{ "log", "parse AMD-Vi lines in kernel logs (dmesg, journal, console, kexec-dmesg.log)", cmd_log },
	{ "analyze", "analyse a vmcore without crash (libkdumpfile + the vmlinux's DWARF)", cmd_analyze },
	{ "replay", "analyse a replay fixture recorded from a dump (same output as the crash command)", cmd_replay },
	{ NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: iommu-inflight COMMAND [ARGS...]\n\ncommands:\n");
	for (const struct cli_command *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\n`iommu-inflight COMMAND --help` describes one command; `iommu-inflight --version`\n"
		     "prints the version and the JSON schema.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("iommu-inflight %s\nJSON schema %s\n", IIF_VERSION, IIF_JSON_SCHEMA);
		return 0;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (const struct cli_command *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "iommu-inflight: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
