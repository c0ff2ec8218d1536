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

/*
 * Exit statuses of `analyze` and `replay` (a pipeline's answer to "can I
 * trust this report?"): 0 only for a complete analysis of an intact input.
 */
enum cli_exit {
	CLI_EXIT_COMPLETE = 0,		/* every answer given, the input intact */
	CLI_EXIT_FAILED = 1,		/* no analysis: the input could not be opened or used */
	CLI_EXIT_USAGE = 2,		/* bad options */
	CLI_EXIT_INCOMPLETE = 3,	/* analysis done, but the input is damaged or some reads
					   failed: some answers are "unknown" or lower bounds */
};

const char *cli_exit_name(int status);

/* "[SSSS:]BB:DD.F" -> segment (-1 when not given) and devid; 0 on success. */
int cli_parse_bdf(const char *s, int *segment, int *devid);

#endif
