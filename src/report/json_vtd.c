/* The VT-d parts of the JSON report (docs/json-analysis.md, "VT-d"). */
#include <inttypes.h>
#include <stdio.h>

#include "backend/vtd/units.h"
#include "report/vendor_json.h"
#include "vtd/cap.h"
#include "vtd/qi.h"

static void json_queue(struct jw *w, const struct vtd_unit *u)
{
	const struct vtd_qi_flush_verdict *v = &u->qiv;
	char text[200];

	if (!u->qi) {
		knull(w, "invalidation_queue");
		return;
	}
	open_obj(w, "invalidation_queue");
	khex(w, "address", u->qi);
	kbool(w, "read", u->qi_read);
	if (!u->qi_read) {
		close_obj(w);
		return;
	}
	kuint(w, "descriptor_size", u->desc_size);
	kint(w, "free_head", u->free_head);
	kint(w, "free_tail", u->free_tail);
	kint(w, "free_cnt", u->free_cnt);
	kstr(w, "tail_register", "not in a dump (MMIO register IQT)");
	kstr(w, "state", vtd_qi_verdict_name(v->verdict));
	kstr(w, "reason", v->reason);
	if (v->wait_slot >= 0) {
		kint(w, "wait_slot", v->wait_slot);
		kstr(w, "wait_status", vtd_qi_status_name(v->wait_status));
	} else {
		knull(w, "wait_slot");
		knull(w, "wait_status");
	}
	if (u->status_pa)
		khex(w, "status_pa", u->status_pa);
	else
		knull(w, "status_pa");
	kuint(w, "pending", v->n_pending);
	kuint(w, "pending_waits", v->n_pending_waits);
	/* newest first, from the slot before free_head */
	open_arr(w, "entries");
	for (unsigned age = 0; age < VTD_QI_LENGTH; age++) {
		unsigned slot;
		uint64_t qw[4];
		struct vtd_qi_desc d;

		if (!vtd_unit_queue_entry(u, age, &slot, qw, &d))
			continue;
		open_obj(w, NULL);
		kuint(w, "slot", slot);
		kuint(w, "age", age);
		kstr(w, "status", vtd_qi_status_name(u->desc_status[slot]));
		kstr(w, "type", vtd_qi_type_name(d.type));
		key(w, "raw");
		if (u->desc_size == 32)
			fprintf(w->out, "[\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\"]",
				qw[0], qw[1], qw[2], qw[3]);
		else
			fprintf(w->out, "[\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\"]", qw[0], qw[1]);
		if (vtd_qi_desc_format(&d, text, sizeof(text)) >= 0)
			kstr(w, "text", text);
		close_obj(w);
	}
	close_arr(w);
	close_obj(w);
}

void json_vtd_units(struct jw *w, const struct analysis *a)
{
	char buf[256];

	for (size_t i = 0; i < a->vtd.n_units; i++) {
		const struct vtd_unit *u = &a->vtd.units[i];

		if (a->opt.iommu >= 0 && u->index != a->opt.iommu)
			continue;
		open_obj(w, NULL);
		kstr(w, "vendor", iommu_vendor_name(IOMMU_VENDOR_INTEL));
		kint(w, "index", u->index);
		kstr(w, "name", u->name);
		kuint(w, "segment", u->segment);
		khex(w, "register_base", u->reg_base);
		kbool(w, "read", u->read_ok);
		if (u->read_ok) {
			khex(w, "cap", u->cap);
			vtd_cap_format(u->cap, buf, sizeof(buf));
			kstr(w, "cap_names", buf);
			khex(w, "ecap", u->ecap);
			vtd_ecap_format(u->ecap, buf, sizeof(buf));
			kstr(w, "ecap_names", buf);
			khex(w, "gcmd", u->gcmd);
			vtd_gcmd_format(u->gcmd, buf, sizeof(buf));
			kstr(w, "gcmd_names", buf);
			kstr(w, "gcmd_note", "the kernel's last commanded GCMD bits, not the live status (GSTS is MMIO)");
			kstr(w, "mode", u->sm ? "scalable" : "legacy");
			kbool(w, "translation_pre_enabled", u->flags & 1);
			khex(w, "root_table", u->root_pa);
		}
		json_queue(w, u);
		open_obj(w, "flush");
		kstr(w, "verdict", flush_verdict_name(u->verdict));
		kbool(w, "appended", u->appended);
		kstr(w, "evidence", u->evidence);
		kstr(w, "module_record", u->appended ? u->record : NULL);
		kbool(w, "module_record_found", u->has_record);
		close_obj(w);
		close_obj(w);
	}
}

void json_vtd_device(struct jw *w, const struct analysis *a, const struct dev_info *d)
{
	const struct vtd_dev_view *v = &d->vtd;
	char bdf[16];

	(void)a;
	kstr(w, "vendor", iommu_vendor_name(IOMMU_VENDOR_INTEL));
	kuint(w, "segment", d->segment);
	bdf_str(bdf, sizeof(bdf), d->devid);
	kstr(w, "bdf", bdf);
	kuint(w, "devid", d->devid);
	kint(w, "iommu", d->iommu);
	kstr(w, "name", d->name);
	kstr(w, "name_source", dev_name_source_name(d->name_source));
	kbool(w, "translation", v->cls == VTD_DEV_TRANSLATED);
	kstr(w, "class", vtd_dev_class_name(v->cls));
	kuint(w, "mode", v->levels);
	khex(w, "pt_root", v->pt_root);
	kuint(w, "domain", v->did);
	kstr(w, "format", v->cls != VTD_DEV_TRANSLATED ? NULL : v->first_level ? "first-level" : "second-level");
	kstr(w, "driver", d->driver[0] ? d->driver : NULL);
	kuint(w, "mapped_bytes", d->mapped_bytes);
	kuint(w, "writable_bytes", d->writable_bytes);
	key(w, "context_entry");
	if (v->sm)
		fprintf(w->out, "[\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\"]",
			v->context[0], v->context[1], v->context[2], v->context[3]);
	else
		fprintf(w->out, "[\"0x%016" PRIx64 "\",\"0x%016" PRIx64 "\"]", v->context[0], v->context[1]);
	if (v->sm) {
		kuint(w, "pgtt", v->pgtt);
		if (v->pasid_read) {
			key(w, "pasid_entry");
			fputc('[', w->out);
			for (int k = 0; k < 8; k++)
				fprintf(w->out, "%s\"0x%016" PRIx64 "\"", k ? "," : "", v->pasid_entry[k]);
			fputc(']', w->out);
		} else {
			knull(w, "pasid_entry");
		}
	} else {
		kuint(w, "tt", v->tt);
	}
	kuint(w, "aw", v->aw);
}

void json_vtd_flush_evidence(struct jw *w, const struct analysis *a)
{
	for (size_t i = 0; i < a->vtd.n_units; i++) {
		char line[700];

		snprintf(line, sizeof(line), "%s: %s: %s", a->vtd.units[i].name,
			 flush_verdict_name(a->vtd.units[i].verdict), a->vtd.units[i].evidence);
		sep(w);
		jstr_raw(w->out, line);
	}
}
