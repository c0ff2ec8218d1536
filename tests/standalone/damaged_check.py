#!/usr/bin/python3
"""Checks of tests/standalone/damaged.sh.

  damaged_check.py INTACT.json BASE        one cut dump: BASE.{json,txt,err,rc}
  damaged_check.py --crash INTACT.json BASE   the same through the crash command
                                           (BASE.{json,txt} from its session; no exit status)
  damaged_check.py --batch OUT N RC        the --batch run over the cut dumps

A cut dump must be named damaged (exit 3, "complete": false, "input", the
first problem of kind "input", the text's first line), or, when not even its
headers could be opened, refused with exit 1 and a message naming the cut.
Whatever it does answer must not be contradicted by the intact dump:
  - "no active AMD IOMMU" is never said of a dump that had one;
  - the flush verdict is the intact one's, or "unknown";
  - every device listed is in the intact dump, in the same domain and class,
    with no more mapped bytes; when the report claims to know every device
    and every page table (no gap), the devices with live mappings are
    exactly the intact ones;
  - unprocessed events: the intact count when every event log was read.
Prints a one-line summary; exits 1 with one line per broken promise.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
from matrix_check import load, read  # noqa: E402  (None / "" when missing)


def key(d):
    return "%04x:%s" % (d["segment"], d["bdf"])


def live(j):
    return {key(d) for d in j.get("devices", []) if d.get("mapped_bytes")}


def check_one(intact, base, crash=False):
    errs = []
    rc = "3" if crash else read(base + ".rc").strip()
    err = read(base + ".err")
    j = load(base + ".json")
    if rc == "1":
        # nothing could be opened: the message must name the cut
        if not any(w in err for w in ("cut short", "ends after", "ends inside", "truncat", "beyond the end")):
            errs.append("exit 1 without naming the cut: %r" % err[:300])
        return errs, "refused (exit 1): " + err.strip().splitlines()[-1][:110] if err.strip() else "refused"
    if rc != "3":
        errs.append("exit %s, want 3 (analysis done, input damaged)" % rc)
    if j is None:
        return errs + ["no JSON object: %r" % err[:200]], ""
    if j.get("complete") is not False:
        errs.append('"complete" is %r, want false' % j.get("complete"))
    inp = j.get("input") or {}
    if not inp.get("damaged"):
        errs.append('no "input" with "damaged": true')
    probs = j.get("problems", [])
    if not probs or probs[0].get("kind") != "input":
        errs.append("the first problem is not the damaged input: %r" % (probs[:1],))
    txt = read(base + ".txt")
    if not txt.startswith("iommu_inflight: DAMAGED DUMP: "):
        errs.append("the text report does not start with the damage: %r" % txt[:120])
    errs += wrong_verdicts(intact, j)
    presence = j.get("iommu_presence")
    what = "%s%s; presence %s" % ("named damaged: " if crash else "exit 3, ", inp.get("summary", "?")[:90], presence)
    if presence == "active":
        what += ", flush %s, %d of %d live devices" % (j["flush"]["verdict"], len(live(j)), len(live(intact)))
    return errs, what


def wrong_verdicts(intact, j):
    """What j answers that the intact dump's JSON contradicts."""
    errs = []
    gaps = j.get("gaps") or {}
    presence = j.get("iommu_presence")
    if presence == "none" and intact.get("iommu_active"):
        errs.append("says no active AMD IOMMU; the intact dump has %d" % len(intact.get("iommus", [])))
    if presence == "unknown" and j.get("iommu_active") is not None:
        errs.append("presence unknown but iommu_active is %r" % j.get("iommu_active"))
    if presence == "active":
        v, iv = j["flush"]["verdict"], intact["flush"]["verdict"]
        if v not in (iv, "unknown"):
            errs.append("flush verdict %s; the intact dump's is %s" % (v, iv))
        idevs = {key(d): d for d in intact.get("devices", [])}
        for d in j.get("devices", []):
            i = idevs.get(key(d))
            if i is None:
                errs.append("device %s is not in the intact dump" % key(d))
                continue
            if (d.get("domain"), d.get("class")) != (i.get("domain"), i.get("class")):
                errs.append("%s: domain %s class %s; intact %s %s" % (key(d), d.get("domain"), d.get("class"),
                                                                     i.get("domain"), i.get("class")))
            if (d.get("mapped_bytes") or 0) > (i.get("mapped_bytes") or 0):
                errs.append("%s: %s mapped bytes, more than the intact %s" % (key(d), d.get("mapped_bytes"),
                                                                               i.get("mapped_bytes")))
        if not gaps.get("devices_incomplete") and not gaps.get("domains_incomplete") and live(j) != live(intact):
            errs.append("claims to know every device and table, but live devices %s != intact %s" %
                        (sorted(live(j)), sorted(live(intact))))
        if not gaps.get("event_logs_unread") and len(j.get("events", [])) != len(intact.get("events", [])):
            errs.append("%d unprocessed events with every event log read; intact %d" %
                        (len(j.get("events", [])), len(intact.get("events", []))))
    return errs


def check_batch(out, n, rc):
    errs = []
    lines = [x for x in read(out).splitlines() if x.strip()]
    if len(lines) != n:
        errs.append("%d lines for %d dumps" % (len(lines), n))
    statuses = []
    for x in lines:
        try:
            o = json.loads(x)
        except ValueError:
            errs.append("not JSON: %r" % x[:100])
            continue
        st = o.get("status")
        statuses.append(st)
        want = {"incomplete": 3, "failed": 1}.get(st)
        if want is None or o.get("exit_status") != want:
            errs.append("%s: status %r, exit_status %r" % (o.get("vmcore"), st, o.get("exit_status")))
    worst = 1 if "failed" in statuses else 3
    if rc != worst:
        errs.append("exit %d, want %d (the worst of %s)" % (rc, worst, sorted(set(map(str, statuses)))))
    return errs, "%d lines (%s), exit %d" % (len(lines), ", ".join("%d %s" % (statuses.count(s), s)
                                                                   for s in sorted(set(map(str, statuses)))), rc)


def main():
    args = sys.argv[1:]
    if args[0] == "--batch":
        errs, what = check_batch(args[1], int(args[2]), int(args[3]))
    else:
        crash = args[0] == "--crash"
        if crash:
            args = args[1:]
        intact = load(args[0])
        if intact is None:
            print("the intact dump's JSON is missing")
            return 1
        errs, what = check_one(intact, args[1], crash)
    if errs:
        print("\n".join(errs))
        return 1
    print(what)
    return 0


if __name__ == "__main__":
    sys.exit(main())
