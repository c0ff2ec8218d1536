/* The VT-d parts of the text report. */
#include <stdio.h>

#include "backend/vtd/units.h"
#include "report/vendor_text.h"
#include "vtd/cap.h"
#include "vtd/context.h"
#include "vtd/pasid.h"
#include "vtd/qi.h"

void text_vtd_units(const struct analysis *a, FILE *out)
{
	fprintf(out, "UNIT    SEG   REGISTERS    MODE      GCMD (commanded)  QUEUE (head/tail/free)  FLUSH\n");
	for (size_t i = 0; i < a->vtd.n_units; i++) {
		const struct vtd_unit *u = &a->vtd.units[i];
		char gcmd[64] = "-", q[40] = "-";

		if (a->opt.iommu >= 0 && u->index != a->opt.iommu)
			continue;
		if (u->read_ok)
			vtd_gcmd_format(u->gcmd, gcmd, sizeof(gcmd));
		if (u->qi_read)
			snprintf(q, sizeof(q), "%s %d/%d/%d", vtd_qi_verdict_name(u->qiv.verdict), u->free_head,
				 u->free_tail, u->free_cnt);
		else if (u->read_ok && !u->qi)
			snprintf(q, sizeof(q), "none (register-based)");
		fprintf(out, "%-7s %04x  %#-12llx %-9s %-17s %-23s %s\n", u->name, u->segment,
			(unsigned long long)u->reg_base, !u->read_ok ? "-" : u->sm ? "scalable" : "legacy", gcmd, q,
			flush_verdict_name(u->verdict));
		fprintf(out, "        flush evidence: %s\n", u->evidence);
		if (u->appended)
			fprintf(out, "        reference flush: %s\n", u->record);
		if (u->qi_read && u->qiv.verdict != VTD_QI_VERDICT_IDLE)
			fprintf(out, "        newest wait: slot %d, status %s; %u slot(s) pending\n", u->qiv.wait_slot,
				vtd_qi_status_name(u->qiv.wait_status), u->qiv.n_pending);
	}
	fprintf(out, "        (GCMD is the kernel's copy of what it last commanded, not the live status; the\n"
		     "         queue's hardware head and tail, and the fault registers, are MMIO: not in a dump)\n");
}

void text_vtd_queue(const struct analysis *a, FILE *out)
{
	char text[200];

	for (size_t i = 0; i < a->vtd.n_units; i++) {
		const struct vtd_unit *u = &a->vtd.units[i];

		if ((a->opt.iommu >= 0 && u->index != a->opt.iommu) || !u->qi_read)
			continue;
		fprintf(out, "\nInvalidation queue of %s (%u-byte descriptors, newest first from free_head %d): %s\n",
			u->name, u->desc_size, u->free_head, u->qiv.reason);
		fprintf(out, "  AGE  SLOT STATUS   DESCRIPTOR\n");
		for (unsigned age = 0; age < VTD_QI_LENGTH; age++) {
			unsigned slot;
			uint64_t qw[4];
			struct vtd_qi_desc d;

			if (!vtd_unit_queue_entry(u, age, &slot, qw, &d))
				continue;
			if (vtd_qi_desc_format(&d, text, sizeof(text)) < 0)
				text[0] = '\0';
			fprintf(out, "  %-4u %-4u %-8s %s\n", age, slot, vtd_qi_status_name(u->desc_status[slot]), text);
		}
	}
}

void text_vtd_context(const struct dev_info *d, char *buf, size_t len)
{
	if (d->vtd.sm) {
		struct vtd_sm_context_entry ce;
		struct vtd_pasid_entry pe;
		char c[160] = "", p[200] = "";

		if (!vtd_sm_context_decode(d->vtd.context, &ce))
			vtd_sm_context_format(&ce, c, sizeof(c));
		if (d->vtd.pasid_read && !vtd_pasid_entry_decode(d->vtd.pasid_entry, &pe))
			vtd_pasid_entry_format(&pe, p, sizeof(p));
		snprintf(buf, len, "%s; RID_PASID entry: %s", c, p[0] ? p : "none");
		return;
	}
	struct vtd_context_entry ce;

	if (vtd_context_decode(d->vtd.context, &ce) || vtd_context_format(&ce, buf, len) < 0)
		snprintf(buf, len, "?");
}
