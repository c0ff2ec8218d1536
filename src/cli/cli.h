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

/* iommu-inflight replay [options] FIXTURE  (src/cli/cmd_replay.c) */
int cmd_replay(int argc, char **argv);

/* iommu-inflight analyze [options] --vmlinux FILE --vmcore FILE  (src/cli/cmd_analyze.c) */
int cmd_analyze(int argc, char **argv);

/* "[SSSS:]BB:DD.F" -> segment (-1 when not given) and devid; 0 on success. */
int cli_parse_bdf(const char *s, int *segment, int *devid);

#endif
