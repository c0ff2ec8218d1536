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


def expected_flush_verdict(promise):
    """The verdict a promise requires; ValueError for a promise not known here."""
    if promise in FLUSH_VERDICT.values():
        return promise
    if promise not in FLUSH_VERDICT:
        raise ValueError("unknown flush promise %r (tests/truth_promises.py)" % (promise,))
    return FLUSH_VERDICT[promise]
