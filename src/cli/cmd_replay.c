/*
 * iommu-inflight replay [options] FIXTURE: run the analysis over a replay
 * fixture (recorded from a real dump by `crash> iommu_inflight -R FILE`),
 * with the same options and output as the crash command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>

#include "cli.h"
#include "core/analysis.h"
#include "report/report.h"
#include "target/fixture.h"

static void replay_usage(FILE *out)
{
	fprintf(out,
		"usage: iommu-inflight replay [-j] [-rtmefcpav] [-n] [-i N] [-d [SSSS:]BB:DD.F]\n"
		"                             [-k CAPTURE_LOG] [-l CRASHED_LOG] FIXTURE\n"
		"  -j  JSON (schema iommu-inflight/1)    -r  full command ring\n"
		"  -t  device table    -m  mappings     -e  event log    -c  correlation\n"
		"  -f  flush queues (lazy mode)\n"
		"  -p  problems        -a  all sections -v  verbose      -n  no page-table walk\n"
		"  -i N  one IOMMU     -d BDF  one device\n"
		"  -k FILE  the capture kernel's log (kexec-dmesg.log, console)\n"
		"  -l FILE  the crashed kernel's log (vmcore-dmesg.txt)\n"
		"exit status: 0 complete; 3 analysis done but reads failed (some answers unknown or\n"
		"  lower bounds); 1 the fixture could not be loaded; 2 bad options\n");
}

/* "[SSSS:]BB:DD.F" -> segment and devid. */
int cli_parse_bdf(const char *s, int *segment, int *devid)
{
	unsigned seg = 0, bus, dev, fn;
	char tail;

	if (sscanf(s, "%x:%x:%x.%x%c", &seg, &bus, &dev, &fn, &tail) == 4) {
		*segment = (int)seg;
	} else if (sscanf(s, "%x:%x.%x%c", &bus, &dev, &fn, &tail) == 3) {
		*segment = -1;
	} else {
		return -1;
	}
	if (seg > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return -1;
	*devid = (int)(bus << 8 | dev << 3 | fn);
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	struct analysis_options opt;
	unsigned sections = 0;
	bool json = false, verbose = false;
	int c;

	analysis_options_init(&opt);
	optind = 1;
	while ((c = getopt(argc, argv, "jrtmefcpavni:d:k:l:h")) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r': sections |= REPORT_RING; break;
		case 't': sections |= REPORT_DEVTAB; break;
		case 'm': sections |= REPORT_MAPPINGS; break;
		case 'e': sections |= REPORT_EVENTS; break;
		case 'f': sections |= REPORT_FLUSH_QUEUES; break;
		case 'c': sections |= REPORT_CORRELATION; break;
		case 'p': sections |= REPORT_PROBLEMS; break;
		case 'a': sections |= ~0u; break;
		case 'v': verbose = true; break;
		case 'n': opt.no_walk = true; break;
		case 'i': opt.iommu = atoi(optarg); break;
		case 'd':
			if (cli_parse_bdf(optarg, &opt.segment, &opt.devid)) {
				fprintf(stderr, "iommu-inflight replay: bad device '%s' (want [SSSS:]BB:DD.F)\n", optarg);
				return 2;
			}
			break;
		case 'k': opt.capture_log = optarg; break;
		case 'l': opt.crashed_log = optarg; break;
		case 'h': replay_usage(stdout); return 0;
		default: replay_usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		replay_usage(stderr);
		return 2;
	}
	char err[512];
	struct fixture *fx = fixture_load(argv[optind], err, sizeof(err));

	if (!fx) {
		fprintf(stderr, "iommu-inflight replay: %s\n", err);
		return 1;
	}
	struct target t;

	replay_target_init(&t, fx);
	struct analysis *a = analysis_run(&t, &opt);

	if (!a) {
		fprintf(stderr, "iommu-inflight replay: out of memory\n");
		fixture_free(fx);
		return 1;
	}
	char notes[256];
	struct analysis_gaps gaps;
	int status = analysis_gaps(a, &gaps) ? CLI_EXIT_COMPLETE : CLI_EXIT_INCOMPLETE;

	if (report_selection_notes(a, notes, sizeof(notes)))
		fprintf(stderr, "iommu-inflight replay: %s", notes);
	if (json)
		report_json(a, stdout);
	else
		report_text(a, sections ? sections : REPORT_SUMMARY, verbose, stdout);
	analysis_free(a);
	fixture_free(fx);
	return status;
}
