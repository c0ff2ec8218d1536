/* Subcommands of the iommu-inflight command-line tool. */
#ifndef IOMMU_INFLIGHT_CLI_H
#define IOMMU_INFLIGHT_CLI_H

struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);	/* argv[0] is the subcommand name */
};

/* iommu-inflight log [--json] [-v] FILE...  (src/cli/cmd_log.c) */
int cmd_log(int argc, char **argv);

#endif
