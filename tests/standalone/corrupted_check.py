#!/usr/bin/python3
"""Checks of tests/standalone/corrupted.sh: one lab dump damaged in one place
(tests/standalone/corrupt.py CASE).

  corrupted_check.py CASE INTACT.json BASE           BASE.{json,txt,rc}
  corrupted_check.py --crash CASE INTACT.json BASE   BASE.{json,txt} from crash

Every case must give:
  - exit 3 (analysis done, input damaged), "complete": false and "gaps";
  - a problem naming what was damaged (EXPECT below: words that must all be
    in one problem's "what" and "why");
  - the case's own answer (EXPECT's check), and
  - no verdict the intact dump contradicts (damaged_check.wrong_verdicts).
A finding that reads fine but cannot be right (PROBLEM_CORRUPT) must also
put "INCONSISTENT DUMP" at the top of the text report.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
from damaged_check import live, wrong_verdicts  # noqa: E402
from matrix_check import load, read  # noqa: E402


def flush_unknown(j, intact):
    v = j["flush"]["verdict"]
    return None if v == "unknown" else "flush verdict %s, want unknown (the ring cannot be ordered)" % v


def same_live(j, intact):
    if live(j) != live(intact):
        return "live devices %s, intact %s: the kernel's own view should give them" % (
            sorted(live(j)), sorted(live(intact)))
    return None


def gap(name):
    return lambda j, intact: None if (j.get("gaps") or {}).get(name) else "no %s in gaps" % name


EXPECT = {
    "iommu-list-wild": (["amd_iommu_list", "invalid address"], gap("rings_unread")),
    "iommu-page-excluded": (["amd_iommu_list", "excluded"], gap("rings_unread")),
    "iommu-page-zeroed": (["amd_iommu_list", "NULL next pointer"], gap("inconsistencies")),
    "devtab-excluded": (["device table", "excluded"], gap("devices_incomplete")),
    "devtab-zeroed": (["DTE is not valid", "attached"], same_live),
    "devtab-pointer-wild": (["device table", "invalid address"], gap("devices_incomplete")),
    "last-bdf-out-of-range": (["last_bdf", "beyond the device table"], same_live),
    "cmd-buf-wild": (["cmd_buf", "invalid address"], flush_unknown),
    "cmd-tail-wild": (["cmd_buf_tail", "not a 16-byte offset"], flush_unknown),
    "pte-wild": (["I/O page table", "invalid address"], gap("domains_incomplete")),
    "pte-cycle": (["I/O page table", "reached a second time"], gap("domains_incomplete")),
    "pt-page-excluded": (["I/O page table", "excluded"], gap("domains_incomplete")),
    "fq-head-wild": (["flush queue of CPU 0", "cannot be a queue"], gap("flush_queues_incomplete")),
}


def check(case, intact, base, crash):
    errs = []
    words, own = EXPECT[case]
    j = load(base + ".json")
    if not crash:
        rc = read(base + ".rc").strip()
        if rc != "3":
            errs.append("exit %s, want 3 (analysis done, input damaged)" % rc)
    if j is None:
        return errs + ["no JSON object"], ""
    if j.get("complete") is not False or not j.get("gaps"):
        errs.append('"complete" %r, gaps %r: want false and the gaps' % (j.get("complete"), j.get("gaps")))
    probs = j.get("problems", [])
    named = [p for p in probs if all(w in p.get("what", "") + ": " + p.get("why", "") for w in words)]
    if not named:
        errs.append("no problem with %s among %s" % (words, [p.get("what", "") + ": " + p.get("why", "")
                                                             for p in probs[:5]]))
    why = own(j, intact)
    if why:
        errs.append(why)
    txt = read(base + ".txt")
    if any(p.get("kind") == "corrupt" for p in probs) and "INCONSISTENT DUMP" not in txt.split("\n\n")[0]:
        errs.append("a corrupt finding, but the text report does not start with INCONSISTENT DUMP: %r" % txt[:120])
    errs += wrong_verdicts(intact, j)
    p = named[0] if named else {}
    return errs, "%s: %s" % (p.get("what", "?"), p.get("why", "?")[:100])


def main():
    args = sys.argv[1:]
    crash = args[0] == "--crash"
    if crash:
        args = args[1:]
    case, intact, base = args
    intact = load(intact)
    if intact is None:
        print("the intact dump's JSON is missing")
        return 1
    errs, what = check(case, intact, base, crash)
    if errs:
        print("\n".join(errs))
        return 1
    print(what)
    return 0


if __name__ == "__main__":
    sys.exit(main())
