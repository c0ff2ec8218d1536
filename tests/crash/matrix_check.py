#!/usr/bin/python3
"""Checks of tests/crash/matrix.sh's crash sessions, and the table of which
crash opens which kernel's dumps, in which mode (as measured).

  matrix_check.py --work W --out OUT --suites "bookworm trixie sid" K/S...
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "standalone"))
sys.path.insert(0, os.path.join(HERE, ".."))
from check import check_truth, check_drgn, check_vtd_drgn, keys_differing  # noqa: E402  (tests/standalone/check.py)
sys.path.insert(0, HERE)
from session_blocks import blocks, parse_json_block  # noqa: E402

# What each crash is expected to open (the promise); elsewhere the
# mode is measured and reported, not required.
PROMISED = {
    "bookworm": {"6.1"},
    "trixie": {"5.10", "6.1", "6.12", "6.12-deb13", "7.x"},
    "sid": {"5.10", "6.1", "6.12", "6.12-deb13", "7.x"},
}
# every section of `help iommu_inflight`, its --minimal advice and its last line
HELP_MUST = ["NAME", "SYNOPSIS", "DESCRIPTION", "-k file", "-R file", "EXAMPLE",
             "crash --minimal", "case1234.fixture: 120 records"]


def read(p):
    try:
        with open(p, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def load(p):
    try:
        with open(p) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def why_not_open(base):
    text = read(base + ".out") + read(base + ".err")
    rc = read(base + ".rc").strip()
    for line in text.splitlines():
        if line.startswith("crash: ") and "cannot find booted kernel" not in line:
            line = re.sub(r"^crash: \S+ and \S+ do not match!", "crash: vmlinux and vmcore do not match!", line)
            line = re.sub(r"\b(0x)?[0-9a-f]{12,16}\b", "ADDR", line)
            return line[7:].strip()[:110]
    return "timed out" if rc == "124" else "stops while starting, no message (exit status %s)" % (rc or "?")


class Results:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, label, ok, detail=None):
        if ok:
            self.passed += 1
            print("  ok   " + label)
        else:
            self.failed += 1
            print("  FAIL " + label + (": %s" % detail if detail is not None else ""))


def check_session(r, suite, t, mode, work, out, version):
    k, s = t.split("/")
    base = os.path.join(work, "run", "%s_%s_%s.%s" % (suite, k, s, mode))
    label = "%s (%s) %s [%s]" % (version, suite, t, "full" if mode == "full" else "--minimal")
    b = blocks(read(base + ".out"))
    # the extension as installed (crashes.sh: crash_prepare's installed/),
    # found by its bare name through CRASH_EXTENSIONS
    m = re.search(r"^(\S*iommu_inflight\.so): shared object loaded", read(base + ".out"), re.M)
    r.check(label + ": crash loaded the installed extension by its bare name",
            bool(m) and m.group(1).endswith("/installed/usr/lib/crash/extensions/iommu_inflight.so"),
            m.group(1) if m else "nothing loaded")
    try:
        # the logs' paths as a chroot's crash saw them: WORK/host/PATH (crashes.sh)
        j = parse_json_block(re.sub(r"/\.lab-work/job\.[^/\"]+/host/", "/", b["json"]))
    except (KeyError, ValueError) as e:
        r.check(label + ": iommu_inflight -j printed one JSON object", False,
                "%s; tail: %r" % (e, read(base + ".out")[-300:]))
        return
    r.check(label + ": iommu_inflight -j printed one JSON object", True)
    truth = load(os.path.join(out, t, "truth.json"))
    if truth is None:	# the lab could not make this dump: said once, the rest not checked
        r.check(label + ": truth.json promises", False, "no truth.json in %s" % os.path.join(out, t))
        return
    errs = check_truth(truth, j)
    r.check(label + ": truth.json promises", not errs, errs)
    ref = os.path.join(work, "ref", "%s_%s" % (k, s))
    an = load(ref + ".analyze.json")
    if an is None:
        r.check(label + ": = analyze -j", False, "analyze failed: " + read(ref + ".analyze.err")[:300])
    else:
        diff = keys_differing(an, j)
        r.check(label + ": = iommu-inflight analyze -j (same logs)", not diff, "keys differ: %s" % diff)
    if truth and truth.get("dump", {}).get("format") == "kdump-flattened":
        pass  # drgn cannot read it; analyze's equality above stands for it
    else:
        dr = load(ref + ".drgn.json")
        if dr is None:
            r.check(label + ": mappings = drgn's", False, "drgn walker failed: " + read(ref + ".drgn.err")[-300:])
        else:
            if (truth or {}).get("promises", {}).get("vendor") == "intel":
                errs = check_vtd_drgn(j, dr)
                r.check(label + ": VT-d units, devices, mappings = drgn's (%d extents)" % len(dr.get("extents", [])),
                        not errs, errs)
            else:
                errs = check_drgn(j, dr)
                r.check(label + ": mappings = drgn's (%d extents)" % len(dr.get("mappings", [])), not errs, errs)
    h = b.get("help", "")
    missing = [x for x in HELP_MUST if x not in h]
    r.check(label + ": help iommu_inflight is complete", not missing, "missing %s" % missing)
    r.check(label + ": a bad option is refused and the session goes on",
            bool(b.get("badopt", "").strip()) and "IIF_DONE" in read(base + ".out"),
            b.get("badopt", "")[-200:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--suites", required=True)
    ap.add_argument("dumps", nargs="+")
    o = ap.parse_args()
    r = Results()
    table = {}      # (suite, kernel) -> list of (scenario, mode, reason)
    versions = {}
    for suite in o.suites.split():
        v = read(os.path.join(o.work, "ext-%s" % suite, "version")).strip()
        built = os.path.exists(os.path.join(o.work, "ext-%s" % suite, "iommu_inflight.so"))
        r.check("%s: the extension builds against its crash's defs.h (%s)" % (suite, v or "?"), built,
                read(os.path.join(o.work, "ext-%s.log" % suite))[-500:])
        if not built:
            continue
        versions[suite] = v.replace("crash ", "")
        for t in o.dumps:
            k, s = t.split("/")
            if suite == "bookworm" and k == "6.1":
                continue        # tests/crash/run.sh
            if not os.path.exists(os.path.join(o.out, t, "vmcore")):
                r.check("%s %s: the dump exists" % (suite, t), False,
                        "make dumps KERNEL=%s SCENARIO=%s" % (k, s))
                continue
            base = os.path.join(o.work, "run", "%s_%s_%s" % (suite, k, s))
            if "IIF_DONE" in read(base + ".full.out"):
                mode, reason = "full", ""
            elif "IIF_DONE" in read(base + ".minimal.out"):
                mode, reason = "minimal", why_not_open(base + ".full")
            else:
                mode, reason = None, why_not_open(base + ".full") + "; --minimal: " + \
                    why_not_open(base + ".minimal")
            table.setdefault((suite, k), []).append((s, mode, reason))
            label = "crash %s (%s) %s" % (versions[suite], suite, t)
            if mode is None:
                if k in PROMISED.get(suite, set()):
                    r.check(label + ": opened, fully or with --minimal", False, reason)
                else:
                    print("  --   %s: not opened, not promised (%s)" % (label, reason))
                continue
            out = read(base + "." + mode + ".out")
            if "the kernel's symbols do not match this dump's memory" in out:
                # crash came up, but its symbols are not where the dump's memory
                # has them: the extension must refuse, never report
                if k in PROMISED.get(suite, set()):
                    r.check(label + ": the extension ran", False, "it found the symbols do not match memory")
                else:
                    r.check(label + " [%s]: symbols do not match memory: the extension refuses, "
                            "no report" % mode, "IIF_BEGIN json\n{" not in out)
                    table[(suite, k)][-1] = (s, "refused", reason)
                continue
            r.check(label + ": opened (%s)" % ("full" if mode == "full" else "--minimal, full mode: " + reason),
                    True)
            check_session(r, suite, t, mode, o.work, o.out, "crash " + versions[suite])

    print("\nwhich crash opens which kernel's lab dumps (measured in this run):")
    kernels = []
    for t in o.dumps:
        if t.split("/")[0] not in kernels:
            kernels.append(t.split("/")[0])
    for k in kernels:
        for suite in versions:
            rows = table.get((suite, k))
            if not rows:
                continue
            modes = {m for _, m, _ in rows}
            reasons = sorted({x for _, m, x in rows if x})
            n = len(rows)
            if modes == {"refused"}:
                what = "--minimal only, with symbols that do not match memory: the extension refuses " \
                    "(%d dumps; full mode: %s)" % (n, "; ".join(reasons))
            elif modes == {"full"}:
                what = "full (%d dumps)" % n
            elif modes == {"minimal"}:
                what = "--minimal only (%d dumps; full mode: %s)" % (n, "; ".join(reasons))
            elif None in modes and len(modes) == 1:
                what = "not opened (%s)" % "; ".join(reasons)
            else:
                what = ", ".join("%s %s" % (m or "not opened", sum(1 for _, x, _ in rows if x == m))
                                 for m in sorted(modes, key=str)) + " (%s)" % "; ".join(reasons)
            print("  %-11s crash %-8s %s" % (k, versions[suite], what))
    print("crash-matrix: %d passed, %d failed" % (r.passed, r.failed))
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
