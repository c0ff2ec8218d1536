/* The reference flush of a VT-d unit (include/vtd/flush.h). */
#include "vtd/flush.h"
#include "vtd/cap.h"

#define GRAN_GLOBAL	1u	/* QI_*_GRAN: 01b is global for both invalidations */

int vtd_flush_build(const struct vtd_flush_input *in, uint64_t desc[VTD_FLUSH_N_DESC][2])
{
	if (!in || !desc)
		return VTD_ERR_ARG;
	if (in->store_pa & 3)
		return VTD_ERR_ALIGN;
	desc[0][0] = VTD_QI_CC | VTD_FIELD_PREP(VTD_QI_G_MASK, GRAN_GLOBAL);
	desc[0][1] = 0;
	desc[1][0] = VTD_QI_IOTLB | VTD_FIELD_PREP(VTD_QI_G_MASK, GRAN_GLOBAL) |
		     VTD_FLAG(in->cap & VTD_CAP_DRD, VTD_QI_IOTLB_DR) |
		     VTD_FLAG(in->cap & VTD_CAP_DWD, VTD_QI_IOTLB_DW);
	desc[1][1] = 0;
	desc[2][0] = VTD_QI_IWD | VTD_QI_IWD_SW | VTD_QI_IWD_FN |
		     VTD_FIELD_PREP(VTD_QI_IWD_DATA_MASK, in->store_value);
	desc[2][1] = in->store_pa & VTD_QI_IWD_ADDR_MASK;
	return VTD_OK;
}

bool vtd_flush_foreign_wait(const uint64_t qw[4], uint64_t own_lo, uint64_t own_hi,
			    uint64_t *store_pa, uint32_t *value)
{
	uint64_t pa;

	if (!qw || VTD_FIELD_GET(VTD_QI_TYPE_MASK, qw[0]) != VTD_QI_IWD || !(qw[0] & VTD_QI_IWD_SW))
		return false;
	pa = qw[1] & VTD_QI_IWD_ADDR_MASK;
	if (!pa || (pa >= own_lo && pa < own_hi))
		return false;
	if (store_pa)
		*store_pa = pa;
	if (value)
		*value = (uint32_t)VTD_FIELD_GET(VTD_QI_IWD_DATA_MASK, qw[0]);
	return true;
}

bool vtd_flush_invalidations_match(const uint64_t cc[4], const uint64_t iotlb[4])
{
	const uint64_t drain = VTD_QI_IOTLB_DR | VTD_QI_IOTLB_DW;

	return cc && iotlb &&
	       cc[0] == (VTD_QI_CC | VTD_FIELD_PREP(VTD_QI_G_MASK, GRAN_GLOBAL)) && !cc[1] &&
	       (iotlb[0] & ~drain) == (VTD_QI_IOTLB | VTD_FIELD_PREP(VTD_QI_G_MASK, GRAN_GLOBAL)) && !iotlb[1];
}
