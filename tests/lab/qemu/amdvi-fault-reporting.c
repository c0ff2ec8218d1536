/*
 * Replacement definitions for seven functions of QEMU 7.2's hw/i386/amd_iommu.c,
 * spliced in by tests/lab/qemu/splice-functions.py (each definition below
 * replaces the one of the same name).  They make the emulated AMD IOMMU report
 * DMA faults the way the AMD I/O Virtualization spec (48882) describes, so the
 * lab's capture kernels log real IO_PAGE_FAULT events:
 *
 *   - a walk that meets a not-present entry (the common case: an IOVA the new
 *     kernel never mapped, so the entry is zero) logs IO_PAGE_FAULT with PR
 *     clear; 7.2 returned silently on a zero entry;
 *   - an entry or leaf without the needed IR/IW permission logs IO_PAGE_FAULT
 *     with PR set; 7.2 checked intermediate levels only;
 *   - the event carries the full DeviceID (bus and devfn; 7.2 put devfn only),
 *     the DomainID from DTE bits 79:64, and the spec's flags (RW for a write,
 *     PR when the entry was present; 7.2 set the I bit, meant for interrupt
 *     requests, on every fault);
 *   - an event is dropped only when EventOverflow is set; 7.2 tested the
 *     status with amdvi_test_mask(), which ORs instead of ANDs, so it dropped
 *     every event;
 *   - the event log is a ring: the tail wraps at the log's size in bytes (7.2
 *     compared a byte offset with a length in entries and never wrapped), the
 *     full test is tail + 1 == head, and the new tail is written to the
 *     EventLogTail register the driver reads (7.2 kept it internal only);
 *   - a new event sets EventLogInt (status bit 1), the bit the driver's
 *     interrupt thread tests; 7.2 set ComWaitInt (bit 2);
 *   - the event-log interrupt is raised only while EventIntEn is set, and
 *     setting EventIntEn raises it when EventLogInt or EventOverflow is already
 *     pending.  7.2 raised it on every event whether enabled or not, and never
 *     again after an overflow: a fault storm that overflows the log before the
 *     driver has set up the IOMMU's MSI (the capture kernel's IOMMU init does
 *     exactly that) left the log stopped for good;
 *   - the status register takes writes: its interrupt and overflow bits
 *     (0-2, 5, 6, 9, 10) are write-1-to-clear and its run bits (3, 4, 7, 8)
 *     read-only, as in the spec.  7.2 ignored every write to it, so the
 *     driver's interrupt thread, which acknowledges by writing 1s and loops
 *     while a bit stays set, spun forever after its first event-log interrupt;
 *   - one fault is logged per DMA request, not per 4-byte piece: QEMU retries
 *     a failed access in 4-byte pieces, each translated again, so a fault
 *     identical to the one just logged (same DeviceID, DomainID, flags and
 *     64-byte line) is not logged twice in a row;
 *   - a translation that failed is not put in the IOTLB, so every access to a
 *     faulting page is walked and reported again, as on hardware.
 *
 * amdvi_mmio_write wraps QEMU's own (renamed amdvi_mmio_write__qemu by the
 * splice), adding the status register.  Everything else, including the other
 * event kinds, is QEMU's own.
 */

static void amdvi_log_event(AMDVIState *s, uint64_t *evt)
{
    uint64_t ring_bytes = (uint64_t)s->evtlog_len * AMDVI_EVENT_LEN;
    uint64_t next_tail;

    if (!s->evtlog_enabled || ring_bytes == 0 ||
        (amdvi_readq(s, AMDVI_MMIO_STATUS) & AMDVI_MMIO_STATUS_EVT_OVF)) {
        return;
    }

    next_tail = (s->evtlog_tail + AMDVI_EVENT_LEN) % ring_bytes;
    if (next_tail == s->evtlog_head) {
        /* one slot kept free: a full ring is an overflow, as in the spec */
        amdvi_assign_orq(s, AMDVI_MMIO_STATUS, AMDVI_MMIO_STATUS_EVT_OVF);
        if (s->evtlog_intr) {
            amdvi_generate_msi_interrupt(s);
        }
        return;
    }

    if (dma_memory_write(&address_space_memory, s->evtlog + s->evtlog_tail,
                         evt, AMDVI_EVENT_LEN, MEMTXATTRS_UNSPECIFIED)) {
        trace_amdvi_evntlog_fail(s->evtlog, s->evtlog_tail);
    }

    s->evtlog_tail = next_tail;
    amdvi_writeq_raw(s, AMDVI_MMIO_EVENT_TAIL, s->evtlog_tail);
    amdvi_assign_orq(s, AMDVI_MMIO_STATUS, 1 << 1 /* EventLogInt */);
    if (s->evtlog_intr) {
        amdvi_generate_msi_interrupt(s);
    }
}

static void amdvi_handle_control_write(AMDVIState *s)
{
    uint64_t control = amdvi_readq(s, AMDVI_MMIO_CONTROL);
    bool intr_was_enabled = s->evtlog_intr;

    s->enabled = !!(control & AMDVI_MMIO_CONTROL_AMDVIEN);
    s->ats_enabled = !!(control & AMDVI_MMIO_CONTROL_HTTUNEN);
    s->evtlog_enabled = s->enabled &&
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

    /* events logged (or lost) before the interrupt was enabled */
    if (s->evtlog_intr && !intr_was_enabled &&
        (amdvi_readq(s, AMDVI_MMIO_STATUS) &
         (AMDVI_MMIO_STATUS_EVT_OVF | (1 << 1)))) {
        amdvi_generate_msi_interrupt(s);
    }

    trace_amdvi_control_status(control);
    amdvi_cmdbuf_run(s);
}

/*
 * IO_PAGE_FAULT (event code 2): DeviceID in bits 15:0, DomainID in 47:32,
 * flags in 59:48, code in 63:60, the faulting address in the second quadword.
 */
static void amdvi_page_fault(AMDVIState *s, uint16_t devid, uint16_t domid,
                             hwaddr addr, uint16_t flags)
{
    static uint64_t last_evt[2] = { 0, 1 };   /* never a real event */
    uint64_t evt[2];

    evt[0] = (uint64_t)devid | ((uint64_t)domid << 32) |
             ((uint64_t)(flags & 0xfff) << 48) | (2ULL << 60);
    evt[1] = addr;
    if (evt[0] == last_evt[0] && (evt[1] >> 6) == (last_evt[1] >> 6)) {
        return;   /* the next 4-byte piece of the request just reported */
    }
    last_evt[0] = evt[0];
    last_evt[1] = evt[1];
    amdvi_log_event(s, evt);
    pci_word_test_and_set_mask(s->pci.dev.config + PCI_STATUS,
                               PCI_STATUS_SIG_TARGET_ABORT);
}

#define LAB_IOPF_PR 0x010 /* the entry that stopped the walk was present */
#define LAB_IOPF_RW 0x020 /* the access was a write */

static void amdvi_page_walk(AMDVIAddressSpace *as, uint64_t *dte,
                            IOMMUTLBEntry *ret, unsigned perms,
                            hwaddr addr)
{
    AMDVIState *s = as->iommu_state;
    uint16_t devid = PCI_BUILD_BDF(as->bus_num, as->devfn);
    uint16_t domid = dte[1] & AMDVI_DEV_DOMID_ID_MASK;
    uint16_t access = (perms & AMDVI_PERM_WRITE) ? LAB_IOPF_RW : 0;
    uint64_t entry = dte[0], page_mask;
    unsigned level, next_level, depth;

    if (!(entry & AMDVI_DEV_TRANSLATION_VALID) ||
        get_pte_translation_mode(entry) == 0) {
        /* no translation: IR/IW of the DTE decide, addresses pass through */
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
            amdvi_page_fault(s, devid, domid, addr, access | LAB_IOPF_PR);
            trace_amdvi_page_fault(addr);
            return;
        }
        slot = (entry & AMDVI_DEV_PT_ROOT_MASK) +
               (((addr >> (3 + 9 * level)) & 0x1FF) << 3);
        entry = amdvi_get_pte_entry(s, slot, devid);
        if (!(entry & 1)) {
            amdvi_page_fault(s, devid, domid, addr, access);
            trace_amdvi_page_fault(addr);
            return;
        }
        next_level = get_pte_translation_mode(entry);
        if (next_level == 0 || next_level == 7) {
            if ((amdvi_get_perms(entry) & perms) != perms) {
                amdvi_page_fault(s, devid, domid, addr, access | LAB_IOPF_PR);
                trace_amdvi_page_fault(addr);
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
    AMDVIIOTLBEntry *cached = amdvi_iotlb_lookup(s, addr, devid);
    uint64_t dte[4];

    if (cached) {
        trace_amdvi_iotlb_hit(PCI_BUS_NUM(devid), PCI_SLOT(devid),
                              PCI_FUNC(devid), addr, cached->translated_addr);
        ret->iova = addr & ~cached->page_mask;
        ret->translated_addr = cached->translated_addr;
        ret->addr_mask = cached->page_mask;
        ret->perm = cached->perms;
        return;
    }

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

    amdvi_page_walk(as, dte, ret,
                    is_write ? AMDVI_PERM_WRITE : AMDVI_PERM_READ, addr);
    if (ret->perm != IOMMU_NONE) {
        amdvi_update_iotlb(s, devid, addr, *ret,
                           dte[1] & AMDVI_DEV_DOMID_ID_MASK);
    }
}

static void amdvi_sysbus_reset(DeviceState *dev)
{
    AMDVIState *s = AMD_IOMMU_DEVICE(dev);

    msi_reset(&s->pci.dev);
    amdvi_init(s);
    /* status: run bits 3, 4, 7, 8 read-only; interrupt and overflow bits
     * 0-2, 5, 6, 9, 10 write-1-to-clear */
    stq_le_p(&s->romask[AMDVI_MMIO_STATUS], 0x198);
    stq_le_p(&s->w1cmask[AMDVI_MMIO_STATUS], 0x667);
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
