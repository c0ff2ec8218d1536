/*
 * Replacement definitions for functions of QEMU 7.2's hw/i386/amd_iommu.c,
 * spliced in by tests/lab/qemu/splice-functions.py (each definition below
 * replaces the one of the same name; amdvi_mmio_write wraps QEMU's own, which
 * the splice renames amdvi_mmio_write__qemu).  They make the emulated AMD
 * IOMMU report DMA faults the way the AMD I/O Virtualization spec (48882)
 * describes, so the lab's kernels log real IO_PAGE_FAULT events.  What 7.2
 * does instead, from its source:
 *
 *   - amdvi_test_mask() ORs the register with the mask, so it is always true
 *     and amdvi_log_event(), which tests EventOverflow with it, drops every
 *     event: no event ever reaches a guest.  Here it ANDs;
 *   - a walk that meets a not-present entry returns without an event when the
 *     entry is zero (the common case: an IOVA the kernel never mapped), and
 *     the leaf's IR/IW are not checked.  Here both log IO_PAGE_FAULT (PR clear
 *     for not present, set for a permission fault), and so does a DTE with
 *     translation on, Mode 0 and IR/IW that deny the access (Linux's blocking
 *     entry, logged with the DTE's DomainID, usually 0), unless the DTE's SA
 *     bit (98) suppresses page-fault events;
 *   - the event carries devfn only as DeviceID, no DomainID, and the I flag
 *     (meant for interrupt requests) on every fault.  Here: bus and devfn,
 *     DomainID from DTE bits 79:64, RW for a write, PR as above;
 *   - the event log's tail is compared with a length in entries (not bytes),
 *     never wraps and is never written to the EventLogTail register the driver
 *     reads.  Here the log is a ring of bytes with one slot kept free, and the
 *     register follows;
 *   - (the rest of 7.2's event path is unreachable behind that test) an event
 *     would set ComWaitInt (status bit 2) and raise the interrupt whether
 *     EventIntEn is set or not.  Here it sets EventLogInt (bit 1), the
 *     interrupt is raised only while EventIntEn is set, and any control write
 *     that leaves EventIntEn set raises it when EventLogInt or EventOverflow is
 *     pending: a fault storm can overflow the log before the driver has set up
 *     the IOMMU's MSI (a capture kernel's IOMMU init does exactly that), and
 *     with edge-only signalling the log would then stay stopped for good;
 *   - an overflow would leave EventLogRun set, and logging would resume as
 *     soon as the driver cleared EventOverflow.  Here, as in the spec,
 *     EventLogRun clears and nothing more is logged until software clears
 *     EventLogEn and sets it again (6.12's driver restarts the log only when
 *     it sees EventLogRun clear);
 *   - writes to the status register are ignored.  Here its interrupt and
 *     overflow bits (0-2, 5, 6, 9, 10) are write-1-to-clear and every other
 *     bit is read-only to software;
 *   - a cached translation is used even when it lacks the permission the
 *     access needs, so the access fails without an event.  Here such an
 *     access is walked again, which logs the fault.
 *
 * One approximation is the lab's own: QEMU retries a failed DMA in 4-byte
 * pieces, each translated again, so a fault equal to the newest entry the
 * driver has not consumed yet (same DeviceID, DomainID and flags, same 4 KiB
 * page) is not logged again; real DMA reaches the IOMMU as whole requests.
 * The lab has one IOMMU, so that state, and the overflow stop, are kept in
 * statics.  Everything else, including the other event kinds, is QEMU's own.
 *
 * One addition: a device property, `-device amd-iommu,npcache=off`, clears
 * NpCache (bit 26 of the IOMMU capability header in PCI config space, which
 * 7.2 always sets).  Linux after 5.10 reads that bit and puts every DMA
 * domain in strict mode ("Using strict mode due to virtualization"), so a
 * guest of Debian's QEMU never runs the DMA API's lazy flush queues; real AMD
 * hardware does not set the bit.  The emulation does not cache non-present
 * entries either way (a failed walk is not put in the IOTLB), so clearing the
 * bit tells the guest the truth about this IOMMU.
 */

#define LAB_STATUS_EVT_INT  (1ULL << 1)   /* EventLogInt */
#define LAB_STATUS_W1C      0x667ULL      /* bits 0-2, 5, 6, 9, 10 */
#define LAB_IOPF_PR         0x010         /* the entry that stopped the walk was present */
#define LAB_IOPF_RW         0x020         /* the access was a write */
#define LAB_DTE_SA          (1ULL << 34)  /* DTE bit 98: suppress all page-fault events */

static bool lab_evtlog_stopped;           /* overflowed; waits for EventLogEn 0 -> 1 */
static uint64_t lab_last_evt[2];          /* the newest event written, and where */
static uint64_t lab_last_evt_at = UINT64_MAX;
static bool lab_npcache = true;           /* the npcache property */

static bool amdvi_test_mask(AMDVIState *s, hwaddr addr, uint64_t val)
{
    return (amdvi_readq(s, addr) & val) != 0;
}

static bool amdvi_log_event(AMDVIState *s, uint64_t *evt)
{
    uint64_t ring_bytes = (uint64_t)s->evtlog_len * AMDVI_EVENT_LEN;
    uint64_t next_tail;

    if (!s->evtlog_enabled || ring_bytes == 0 ||
        amdvi_test_mask(s, AMDVI_MMIO_STATUS, AMDVI_MMIO_STATUS_EVT_OVF)) {
        return false;
    }

    next_tail = (s->evtlog_tail + AMDVI_EVENT_LEN) % ring_bytes;
    if (next_tail == s->evtlog_head) {
        /* full: EventOverflow, EventLogRun off, logging stops */
        amdvi_assign_orq(s, AMDVI_MMIO_STATUS, AMDVI_MMIO_STATUS_EVT_OVF);
        amdvi_assign_andq(s, AMDVI_MMIO_STATUS, ~AMDVI_MMIO_STATUS_EVT_RUN);
        s->evtlog_enabled = false;
        lab_evtlog_stopped = true;
        if (s->evtlog_intr) {
            amdvi_generate_msi_interrupt(s);
        }
        return false;
    }

    if (dma_memory_write(&address_space_memory, s->evtlog + s->evtlog_tail,
                         evt, AMDVI_EVENT_LEN, MEMTXATTRS_UNSPECIFIED)) {
        trace_amdvi_evntlog_fail(s->evtlog, s->evtlog_tail);
        return false;
    }

    lab_last_evt[0] = evt[0];
    lab_last_evt[1] = evt[1];
    lab_last_evt_at = s->evtlog_tail;
    s->evtlog_tail = next_tail;
    amdvi_writeq_raw(s, AMDVI_MMIO_EVENT_TAIL, s->evtlog_tail);
    amdvi_assign_orq(s, AMDVI_MMIO_STATUS, LAB_STATUS_EVT_INT);
    if (s->evtlog_intr) {
        amdvi_generate_msi_interrupt(s);
    }
    return true;
}

static void amdvi_handle_control_write(AMDVIState *s)
{
    uint64_t control = amdvi_readq(s, AMDVI_MMIO_CONTROL);

    if (!(control & AMDVI_MMIO_CONTROL_EVENTLOGEN)) {
        lab_evtlog_stopped = false;   /* EventLogEn cleared: may start again */
    }
    s->enabled = !!(control & AMDVI_MMIO_CONTROL_AMDVIEN);
    s->ats_enabled = !!(control & AMDVI_MMIO_CONTROL_HTTUNEN);
    s->evtlog_enabled = s->enabled && !lab_evtlog_stopped &&
                        !!(control & AMDVI_MMIO_CONTROL_EVENTLOGEN);
    s->evtlog_intr = !!(control & AMDVI_MMIO_CONTROL_EVENTINTEN);
    s->completion_wait_intr = !!(control & AMDVI_MMIO_CONTROL_COMWAITINTEN);
    s->cmdbuf_enabled = s->enabled &&
                        !!(control & AMDVI_MMIO_CONTROL_CMDBUFLEN);
    s->ga_enabled = !!(control & AMDVI_MMIO_CONTROL_GAEN);

    if (s->cmdbuf_enabled) {
        amdvi_assign_orq(s, AMDVI_MMIO_STATUS, AMDVI_MMIO_STATUS_CMDBUF_RUN);
    } else {
        amdvi_assign_andq(s, AMDVI_MMIO_STATUS, ~AMDVI_MMIO_STATUS_CMDBUF_RUN);
    }
    if (s->evtlog_enabled) {
        amdvi_assign_orq(s, AMDVI_MMIO_STATUS, AMDVI_MMIO_STATUS_EVT_RUN);
    } else {
        amdvi_assign_andq(s, AMDVI_MMIO_STATUS, ~AMDVI_MMIO_STATUS_EVT_RUN);
    }

    /* events logged (or lost) while the interrupt could not be delivered */
    if (s->evtlog_intr &&
        amdvi_test_mask(s, AMDVI_MMIO_STATUS,
                        AMDVI_MMIO_STATUS_EVT_OVF | LAB_STATUS_EVT_INT)) {
        amdvi_generate_msi_interrupt(s);
    }

    trace_amdvi_control_status(control);
    amdvi_cmdbuf_run(s);
}

/*
 * IO_PAGE_FAULT (event code 2): DeviceID in bits 15:0, DomainID in 47:32,
 * flags in 59:48, code in 63:60, the faulting address in the second quadword.
 */
static void amdvi_page_fault(AMDVIState *s, uint16_t devid, const uint64_t *dte,
                             hwaddr addr, uint16_t flags)
{
    uint64_t ring_bytes = (uint64_t)s->evtlog_len * AMDVI_EVENT_LEN;
    uint64_t evt[2];

    trace_amdvi_page_fault(addr);
    if (dte[1] & LAB_DTE_SA) {
        return;
    }
    evt[0] = (uint64_t)devid | ((dte[1] & AMDVI_DEV_DOMID_ID_MASK) << 32) |
             ((uint64_t)(flags & 0xfff) << 48) | (2ULL << 60);
    evt[1] = addr;
    if (ring_bytes && s->evtlog_tail != s->evtlog_head &&
        lab_last_evt_at == (s->evtlog_tail + ring_bytes - AMDVI_EVENT_LEN) % ring_bytes &&
        evt[0] == lab_last_evt[0] && (evt[1] >> 12) == (lab_last_evt[1] >> 12)) {
        return;   /* another piece of a request the driver has not read yet */
    }
    if (amdvi_log_event(s, evt)) {
        pci_word_test_and_set_mask(s->pci.dev.config + PCI_STATUS,
                                   PCI_STATUS_SIG_TARGET_ABORT);
    }
}

static void amdvi_page_walk(AMDVIAddressSpace *as, uint64_t *dte,
                            IOMMUTLBEntry *ret, unsigned perms,
                            hwaddr addr)
{
    AMDVIState *s = as->iommu_state;
    uint16_t devid = PCI_BUILD_BDF(as->bus_num, as->devfn);
    uint16_t access = (perms & AMDVI_PERM_WRITE) ? LAB_IOPF_RW : 0;
    uint64_t entry = dte[0], page_mask;
    unsigned level, next_level, depth;

    if (!(entry & AMDVI_DEV_TRANSLATION_VALID) ||
        get_pte_translation_mode(entry) == 0) {
        /* no translation: IR/IW of the DTE decide, addresses pass through */
        if ((entry & AMDVI_DEV_TRANSLATION_VALID) &&
            (amdvi_get_perms(entry) & perms) != perms) {
            amdvi_page_fault(s, devid, dte, addr, access | LAB_IOPF_PR);
        }
        ret->iova = addr & AMDVI_PAGE_MASK_4K;
        ret->translated_addr = addr & AMDVI_PAGE_MASK_4K;
        ret->addr_mask = ~AMDVI_PAGE_MASK_4K;
        ret->perm = amdvi_get_perms(entry);
        return;
    }

    level = get_pte_translation_mode(entry);
    if (level >= 7) {
        trace_amdvi_mode_invalid(level, addr);
        return;
    }

    /* at most six levels: a loop in the tables cannot hold the walk */
    for (depth = 0; depth < 6; depth++) {
        uint64_t slot;

        if ((amdvi_get_perms(entry) & perms) != perms) {
            amdvi_page_fault(s, devid, dte, addr, access | LAB_IOPF_PR);
            return;
        }
        slot = (entry & AMDVI_DEV_PT_ROOT_MASK) +
               (((addr >> (3 + 9 * level)) & 0x1FF) << 3);
        entry = amdvi_get_pte_entry(s, slot, devid);
        if (!(entry & 1)) {
            amdvi_page_fault(s, devid, dte, addr, access);
            return;
        }
        next_level = get_pte_translation_mode(entry);
        if (next_level == 0 || next_level == 7) {
            if ((amdvi_get_perms(entry) & perms) != perms) {
                amdvi_page_fault(s, devid, dte, addr, access | LAB_IOPF_PR);
                return;
            }
            page_mask = next_level == 7 ? pte_override_page_mask(entry)
                                        : pte_get_page_mask(level);
            ret->iova = addr & page_mask;
            ret->translated_addr = (entry & AMDVI_DEV_PT_ROOT_MASK) & page_mask;
            ret->addr_mask = ~page_mask;
            ret->perm = amdvi_get_perms(entry);
            return;
        }
        level = next_level;
    }
    trace_amdvi_mode_invalid(level, addr);
}

static void amdvi_do_translate(AMDVIAddressSpace *as, hwaddr addr,
                               bool is_write, IOMMUTLBEntry *ret)
{
    AMDVIState *s = as->iommu_state;
    uint16_t devid = PCI_BUILD_BDF(as->bus_num, as->devfn);
    unsigned perms = is_write ? AMDVI_PERM_WRITE : AMDVI_PERM_READ;
    AMDVIIOTLBEntry *cached = amdvi_iotlb_lookup(s, addr, devid);
    uint64_t dte[4];

    if (cached && (cached->perms & perms) == perms) {
        trace_amdvi_iotlb_hit(PCI_BUS_NUM(devid), PCI_SLOT(devid),
                              PCI_FUNC(devid), addr, cached->translated_addr);
        ret->iova = addr & ~cached->page_mask;
        ret->translated_addr = cached->translated_addr;
        ret->addr_mask = cached->page_mask;
        ret->perm = cached->perms;
        return;
    }
    /* not cached, or cached without this access's permission: walk */

    if (!amdvi_get_dte(s, devid, dte)) {
        return;
    }

    if (!(dte[0] & AMDVI_DEV_VALID)) {
        /* V clear: the IOMMU does not translate this device */
        ret->iova = addr & AMDVI_PAGE_MASK_4K;
        ret->translated_addr = addr & AMDVI_PAGE_MASK_4K;
        ret->addr_mask = ~AMDVI_PAGE_MASK_4K;
        ret->perm = IOMMU_RW;
        return;
    }

    amdvi_page_walk(as, dte, ret, perms, addr);
    amdvi_update_iotlb(s, devid, addr, *ret, dte[1] & AMDVI_DEV_DOMID_ID_MASK);
}

static void amdvi_sysbus_reset(DeviceState *dev)
{
    AMDVIState *s = AMD_IOMMU_DEVICE(dev);

    msi_reset(&s->pci.dev);
    amdvi_init(s);
    stq_le_p(&s->romask[AMDVI_MMIO_STATUS], ~0ULL);   /* software only clears */
    stq_le_p(&s->w1cmask[AMDVI_MMIO_STATUS], LAB_STATUS_W1C);
    lab_evtlog_stopped = false;
    lab_last_evt_at = UINT64_MAX;
}

static void amdvi_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    AMDVIState *s = opaque;

    if ((addr & ~0x07) == AMDVI_MMIO_STATUS && addr + size <= AMDVI_MMIO_SIZE) {
        amdvi_mmio_reg_write(s, size, val, addr);   /* the masks do the rest */
        return;
    }
    amdvi_mmio_write__qemu(opaque, addr, val, size);
}

/* NpCache as the npcache property says (see the top of this file) */
static void amdvi_init(AMDVIState *s)
{
    amdvi_init__qemu(s);
    if (!lab_npcache) {
        pci_set_long(s->pci.dev.config + s->capab_offset,
                     AMDVI_CAPAB_FEATURES & ~AMDVI_CAPAB_FLAG_NPCACHE);
    }
}

static bool lab_npcache_get(Object *obj, Error **errp)
{
    return lab_npcache;
}

static void lab_npcache_set(Object *obj, bool value, Error **errp)
{
    lab_npcache = value;
}

static void amdvi_sysbus_class_init(ObjectClass *klass, void *data)
{
    amdvi_sysbus_class_init__qemu(klass, data);
    object_class_property_add_bool(klass, "npcache", lab_npcache_get,
                                   lab_npcache_set);
    object_class_property_set_description(klass, "npcache",
        "advertise NpCache (capability bit 26); off lets Linux use lazy flush queues");
}
