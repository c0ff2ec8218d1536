/*
 * Ratelimit summaries: ___ratelimit() prints "<func>: N callbacks
 * suppressed" right before the message that passes the limit again, naming
 * the function that called the ratelimited printk.  Counted at once when
 * the function belongs to the AMD IOMMU driver, or when the line carries the
 * tag or an "iommu ivhdN:" prefix.  Any other function's, or one named
 * after a device ("<drv> SSSS:BB:DD.F: N callbacks suppressed"), is ours
 * only when an AMD-Vi line follows it at once: the assembler decides
 * (KLOG_RATELIMIT_WINDOW).  Intel VT-d's dmar_fault() is named, so its
 * summaries are VT-d's at once (KLOG_RL_INTEL).
 */
#include "klog/klog_scan.h"

/* Functions of drivers/iommu/amd (any era) that print through a ratelimit,
 * besides every amd_iommu_* one. */
static const char *const amd_functions[] = {
	"iommu_print_event", "iommu_poll_events", "iommu_poll_ppr_log", "iommu_poll_ga_log",
	"iommu_handle_ppr_entry", "iommu_completion_wait", "wait_on_sem", "iommu_queue_command_sync",
	"__iommu_queue_command_sync", "dump_dte_entry", "dump_command",
};

static bool amd_function(const char *f, size_t len)
{
	if (len > 9 && !memcmp(f, "amd_iommu", 9))
		return true;
	for (size_t k = 0; k < sizeof(amd_functions) / sizeof(amd_functions[0]); k++)
		if (strlen(amd_functions[k]) == len && !memcmp(amd_functions[k], f, len))
			return true;
	return false;
}

/* Functions of drivers/iommu/intel (any era) that print through a
 * ratelimit: dmar_fault() guards the status and fault lines with its own
 * __ratelimit(). */
static bool intel_function(const char *f, size_t len)
{
	return len == 10 && !memcmp(f, "dmar_fault", 10);
}

/* Limiters shared by every caller: their count mixes every subsystem's
 * messages, so it is never the AMD IOMMU driver's. */
static bool global_limiter(const char *f, size_t len)
{
	return (len == 16 && !memcmp(f, "printk_ratelimit", 16)) || (len == 13 && !memcmp(f, "net_ratelimit", 13));
}

enum klog_rl_owner klog_ratelimit_parse(const char *s, size_t n, size_t i, bool tagged, struct klog_record *r)
{
	static const char tail[] = " callbacks suppressed";
	size_t tl = sizeof(tail) - 1;
	size_t e = n;
	enum klog_rl_owner owner = tagged ? KLOG_RL_AMD : KLOG_RL_MAYBE;

	while (e > i && s[e - 1] == ' ')
		e--;
	if (e < i + tl + 1 || memcmp(s + e - tl, tail, tl))
		return KLOG_RL_NONE;
	size_t ne = e - tl, nb = ne;
	while (nb > i && is_digit(s[nb - 1]))
		nb--;
	if (nb == ne || ne - nb > 18)
		return KLOG_RL_NONE;
	uint64_t cnt = 0;
	for (size_t k = nb; k < ne; k++)
		cnt = cnt * 10 + (uint64_t)(s[k] - '0');
	size_t fe = nb;
	if (fe > i) {
		if (fe < i + 2 || s[fe - 1] != ' ' || s[fe - 2] != ':')
			return KLOG_RL_NONE;
		fe -= 2;
		size_t fb = fe;
		while (fb > i && (tok_char(s[fb - 1])))
			fb--;
		if (fb != i || fb == fe)
			return KLOG_RL_NONE;
		if (!tagged && global_limiter(s + fb, fe - fb))
			return KLOG_RL_GLOBAL;
		if (amd_function(s + fb, fe - fb))
			owner = KLOG_RL_AMD;
		else if (intel_function(s + fb, fe - fb))
			owner = KLOG_RL_INTEL;
		copy_str(r->function, sizeof(r->function), s + fb, fe - fb);
		r->has |= KLOG_HAS_FUNCTION;
	}
	r->type = KLOG_RATELIMIT_SUPPRESSED;
	r->suppressed = cnt;
	r->has |= KLOG_HAS_SUPPRESSED;
	return owner;
}
