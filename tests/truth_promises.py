"""What a lab scenario's flush promise (truth.json "promises"."flush", from
PROMISE_FLUSH in tests/dumps/scenarios/*.conf) means as the analysis's flush
verdict.  Shared by the crash and standalone test checkers; an unknown
promise is an error, never a skipped check."""

FLUSH_VERDICT = {
    "none": "none",                            # stock crash path: nothing flushes
    "flush": "completed",                      # reference flush, doorbell rung, store landed
    "flush-stuck": "queued-not-completed",     # reference flush queued, doorbell never rung
    "disable": "completed",                    # reference flush, then the IOMMU disabled (2010)
}


def short_bdf(bdf):
    """truth.json's "0000:BB:DD.F" in the analysis's segment-0 form "BB:DD.F"."""
    return bdf[5:] if bdf.startswith("0000:") else bdf


def expected_flush_verdict(promise):
    """The verdict a promise requires; ValueError for a promise not known here."""
    if promise in FLUSH_VERDICT.values():
        return promise
    if promise not in FLUSH_VERDICT:
        raise ValueError("unknown flush promise %r (tests/truth_promises.py)" % (promise,))
    return FLUSH_VERDICT[promise]


def capture_fault_errors(promised_bdfs, analysis):
    """Failures of a "capture_faults" promise (PROMISE_CAPTURE_FAULTS): for each
    promised device the capture kernel's log (-k) has IO_PAGE_FAULT lines (VT-d:
    DMAR faults), and every one of them is classed old-mapping, with the extent
    that holds its address, under the domain the dump's DTE (VT-d: context or
    PASID entry) gives the device.  Returns a list
    of messages; empty means kept."""
    corr = analysis.get("correlation") or {}
    faults = [f for f in corr.get("faults") or []
              if f.get("source") == "capture" and f.get("type") in ("IO_PAGE_FAULT", "DMAR_FAULT")]
    old_domain = {d["bdf"]: d["domain"] for d in analysis.get("devices") or []}
    errs = []
    for full in promised_bdfs:
        bdf = short_bdf(full)
        mine = [f for f in faults if f.get("bdf") == bdf]
        if not mine:
            errs.append("%s: no IO_PAGE_FAULT from the capture kernel's log in the correlation" % bdf)
            continue
        if old_domain.get(bdf) is None:
            errs.append("%s: no DTE for it in the analysis" % bdf)
            continue
        for f in mine:
            e = f.get("extent")
            where = "line %s, %s" % (f.get("line"), f.get("address"))
            if f["class"] != "old-mapping" or not e or f.get("address") is None:
                errs.append("%s: %s classed %s, not old-mapping" % (bdf, where, f["class"]))
                continue
            addr, lo, size = int(f["address"], 16), int(e["iova"], 16), int(e["size"], 16)
            if not lo <= addr < lo + size:
                errs.append("%s: %s outside its extent %s+%s" % (bdf, where, e["iova"], e["size"]))
            if f.get("old_domain") != old_domain[bdf]:
                errs.append("%s: %s old_domain %s, the dump's DTE says %s" %
                            (bdf, where, f.get("old_domain"), old_domain[bdf]))
    return errs


def unprocessed_event_errors(promised, analysis):
    """Failures of an "unprocessed_events" promise (PROMISE_EVENTS): each
    promised {bdf, type, address} is among the analysis's event-log entries,
    from the event log (not PPR), under the domain the dump's DTE gives that
    device.  Returns a list of messages; empty means kept."""
    events = [e for e in analysis.get("events") or [] if e.get("log", "event") == "event"]
    domain = {d["bdf"]: d["domain"] for d in analysis.get("devices") or []}
    errs = []
    for want in promised:
        bdf = short_bdf(want["bdf"])
        hits = [e for e in events if e.get("bdf") == bdf and e.get("type") == want["type"]
                and int(e.get("address") or "0", 16) == want["address"]]
        if not hits:
            errs.append("no unprocessed %s of %s at %#x among %d event(s): %s" % (
                want["type"], bdf, want["address"], len(events),
                [(e.get("type"), e.get("bdf"), e.get("address")) for e in events[:4]]))
        elif not any(e.get("domain") == domain.get(bdf) for e in hits):
            errs.append("%s event of %s: domain %s, the dump's DTE says %s" % (
                want["type"], bdf, [e.get("domain") for e in hits], domain.get(bdf)))
    return errs


def flush_queue_errors(promises, analysis):
    """Failures of the lazy-mode promises.  "dma_policy" (PROMISE_POLICY) is
    the analysis's flush_queues.policy.  For each device of
    "flush_queue_pending" (PROMISE_FQ_PENDING: the ranges the guest's
    lazy_unmap module unmapped and saw no IOTLB invalidation cover before its
    panic), the flush queues of the device's domain (the DTE's DomainID) hold
    exactly those ranges as pending entries: none missing, none extra, same
    length.  Returns a list of messages; empty means kept."""
    fq = analysis.get("flush_queues") or {}
    errs = []
    want_policy = promises.get("dma_policy")
    if want_policy and fq.get("policy") != want_policy:
        errs.append("flush_queues.policy %r, the scenario promises %r" % (fq.get("policy"), want_policy))
    domain = {d["bdf"]: d["domain"] for d in analysis.get("devices") or []}
    for full, truth in sorted((promises.get("flush_queue_pending") or {}).items()):
        bdf = short_bdf(full)
        if domain.get(bdf) is None:
            errs.append("%s: no DTE for it in the analysis" % bdf)
            continue
        doms = [d for d in fq.get("domains") or [] if d.get("domain") == domain[bdf]]
        if len(doms) != 1:
            errs.append("%s: %d flush-queue domains with DomainID %s (want 1): state %r" %
                        (bdf, len(doms), domain[bdf], fq.get("state")))
            continue
        found = sorted((int(e["iova"], 16), int(e["bytes"], 16)) for e in doms[0]["entries"]
                       if e["state"] == "pending")
        want = sorted((r["iova"], r["pages"] * 4096) for r in truth["ranges"])
        if found != want:
            errs.append("%s: pending flush-queue ranges %s, the guest's module saw %s pending" % (
                bdf, ["%#x+%#x" % r for r in found], ["%#x+%#x" % r for r in want]))
        if doms[0].get("pending") != len(want):
            errs.append("%s: domain says %s pending, the module %d" % (bdf, doms[0].get("pending"), len(want)))
        if not doms[0].get("complete"):
            errs.append("%s: its flush queues were not all read" % bdf)
        # when: HZ as the module was built; the module noted the jiffies of
        # each unmap, and the analysis says the pending ones came at or after
        # unmapped_since (the timer's arming, less a tick of slack): the
        # module's first unmap of its last burst armed the timer, so its
        # earliest unmap is at most two ticks after unmapped_since
        since, panic = doms[0].get("unmapped_since"), fq.get("jiffies")
        if "hz" in truth and fq.get("hz") != truth["hz"]:
            errs.append("flush_queues.hz %s, the module was built with HZ %s" % (fq.get("hz"), truth["hz"]))
        if want:
            first = min(r["unmapped_jiffies"] for r in truth["ranges"])
            last = max(r["unmapped_jiffies"] for r in truth["ranges"])
            if since is None or panic is None or not (0 <= first - since <= 2 and last <= panic):
                errs.append("%s: unmapped_since %s, panic at jiffies %s; the module unmapped them at jiffies "
                            "%d..%d" % (bdf, since, panic, first, last))
    return errs


def stale_iotlb_fault_errors(promised, analysis):
    """Failures of a "stale_iotlb_faults" promise (PROMISE_STALE_FAULTS, lazy
    scenario): the capture kernel's log (-k) has an IO_PAGE_FAULT of the
    device inside the range its module read again, the first one the crashed
    kernel left pending; the correlation classes it stale-iotlb and names
    that flush-queue entry.  Returns a list of messages; empty means kept."""
    faults = [f for f in (analysis.get("correlation") or {}).get("faults") or []
              if f.get("source") == "capture" and f.get("type") in ("IO_PAGE_FAULT", "DMAR_FAULT")]
    errs = []
    for full, want in sorted(promised.items()):
        bdf = short_bdf(full)
        lo, hi = want["iova"], want["iova"] + want["pages"] * 4096
        mine = [f for f in faults if f.get("bdf") == bdf and f.get("address") is not None
                and lo <= int(f["address"], 16) < hi]
        if not mine:
            errs.append("%s: no capture-kernel IO_PAGE_FAULT in %#x..%#x among %d: %s" % (
                bdf, lo, hi, len(faults), [(f.get("bdf"), f.get("address")) for f in faults[:4]]))
            continue
        for f in mine:
            e = f.get("flush_queue_entry") or {}
            if f.get("class") != "stale-iotlb":
                errs.append("%s: fault at %s classed %s, not stale-iotlb" % (bdf, f["address"], f.get("class")))
            elif int(e.get("iova", "0"), 16) != lo or e.get("state") != "pending":
                errs.append("%s: fault at %s tied to queue entry %s, want the pending one at %#x" %
                            (bdf, f["address"], e, lo))
    return errs
