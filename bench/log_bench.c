/*
 * Benchmark of the kernel-log parser (src/klog).
 *
 *   log_bench [--size MB] [--keep] [FILE]
 *
 * Without FILE, writes a synthetic log of --size MB (default 200) to
 * /tmp/iommu-inflight-log-bench.log: ordinary kernel lines mixed with AMD-Vi
 * lines of every era and prefix style (about 1 line in 8 is AMD-Vi, with
 * split events and DTE dumps).  Then reads the file once to warm the page
 * cache and times klog_parser_feed_line() over every line, printing MB/s.
 * The figure is informational, not pass/fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "klog/klog.h"

static const char *const plain[] = {
	"usb 1-1: new high-speed USB device number %u using xhci_hcd",
	"EXT4-fs (nvme0n1p2): mounted filesystem with ordered data mode. Quota mode: none.",
	"systemd[1]: Started Journal Service.",
	"e1000e 0000:00:1f.6 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
	"audit: type=1400 audit(1700000000.%03u:2): apparmor=\"STATUS\" operation=\"profile_load\"",
	"ACPI: \\_SB_.PCI0.GP17.XHC0: New power resource",
	"pci 0000:00:01.%u: [1022:1634] type 01 class 0x060400",
	"mem auto-init: stack:off, heap alloc:on, heap free:off",
};

static const char *const amd[] = {
	"nvme 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0x%x000 flags=0x0020]",
	"AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x00000000%08x flags=0x0070]",
	"iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:02:00.0 pasid=0x00000 address=0x%x flags=0x0a00]",
	"AMD-Vi: DTE[0]: 6000000100fe4003",
	"AMD-Vi: DTE[1]: 0000000000000000",
	"AMD-Vi: DTE[2]: 2000000109d89001",
	"AMD-Vi: DTE[3]: 0000000000000000",
	"amd_iommu_report_page_fault: %u callbacks suppressed",
	"AMD-Vi: Event logged [RMP_PAGE_FAULT device=0000:05:00.0, vmg_tag=0x0004, gpa=0x%x, flags_rmp=0x0002, flags=0x0000]",
	"iommu ivhd1: AMD-Vi: Event logged [",
	"iommu ivhd1: IOTLB_INV_TIMEOUT device=41:00.0 address=0x%016x]",
	"AMD-Vi: Completion-Wait loop timed out",
	"AMD-Vi: Interrupt remapping enabled",
	"AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0xfffc0000 flags=",
};

static int generate(const char *path, uint64_t bytes)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "log_bench: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	static char buf[1 << 20];
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	uint64_t written = 0, n = 0;
	unsigned seed = 1;
	size_t ai = 0;
	char msg[512];
	while (written < bytes) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 8;
		if (r % 8 == 0) {
			/* keep multi-line groups together: DTE after ILLEGAL_DEV, tail after head */
			snprintf(msg, sizeof(msg), amd[ai], r & 0xfffff);
			ai = (ai + 1) % (sizeof(amd) / sizeof(amd[0]));
		} else {
			snprintf(msg, sizeof(msg), plain[r % (sizeof(plain) / sizeof(plain[0]))], r % 100);
		}
		double t = (double)n * 0.000731;
		int len;
		switch (n % 4) {
		case 0:
		case 1:
			len = fprintf(f, "[%5lu.%06lu] %s\n", (unsigned long)t, (unsigned long)((t - (unsigned long)t) * 1e6), msg);
			break;
		case 2:
			len = fprintf(f, "Nov 24 02:%02u:%02u host kernel: %s\n", (unsigned)(n / 60) % 60, (unsigned)n % 60, msg);
			break;
		default:
			len = fprintf(f, "[Tue Nov 24 02:50:%02u 2026] %s\n", (unsigned)n % 60, msg);
			break;
		}
		if (len < 0)
			break;
		written += (uint64_t)len;
		n++;
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "log_bench: writing %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static uint64_t nrec, nbad;

static void on_rec(const struct klog_record *r, void *ctx)
{
	(void)r, (void)ctx;
	nrec++;
}

static void on_bad(const char *file, uint64_t line, const char *reason, const char *text, size_t len, void *ctx)
{
	(void)file, (void)line, (void)reason, (void)text, (void)len, (void)ctx;
	nbad++;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	uint64_t mb = 200;
	bool keep = false;
	const char *path = NULL;
	const char *gen = "/tmp/iommu-inflight-log-bench.log";

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < argc)
			mb = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--keep"))
			keep = true;
		else
			path = argv[i];
	}
	if (!path) {
		if (generate(gen, mb << 20) < 0)
			return 1;
		path = gen;
	}
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0) {
		fprintf(stderr, "log_bench: cannot read %s\n", path);
		return 1;
	}
	size_t size = (size_t)st.st_size;
	const char *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, "log_bench: mmap %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* warm the page cache */
	volatile unsigned sum = 0;
	for (size_t i = 0; i < size; i += 4096)
		sum += (unsigned char)map[i];

	static const struct klog_parser_ops ops = { on_rec, on_bad };
	struct klog_parser *p = klog_parser_new(&ops, NULL);
	klog_parser_set_file(p, path);
	double t0 = now();
	const char *s = map, *end = map + size;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		klog_parser_feed_line(p, s, len);
		s += len + 1;
	}
	klog_parser_flush(p);
	double t1 = now();
	const struct klog_parser_stats *stt = klog_parser_get_stats(p);
	double secs = t1 - t0, mbytes = (double)size / (1 << 20);
	printf("log_bench: %s: %.1f MB, %" PRIu64 " lines, %" PRIu64 " candidates, %" PRIu64 " records, %" PRIu64
	       " unparsed\n",
	       path, mbytes, stt->lines, stt->candidates, nrec, nbad);
	printf("log_bench: parsed in %.3f s: %.1f MB/s, %.2f M lines/s\n", secs, mbytes / secs,
	       (double)stt->lines / secs / 1e6);
	klog_parser_free(p);
	munmap((void *)map, size);
	close(fd);
	if (path == gen && !keep)
		unlink(gen);
	return 0;
}
