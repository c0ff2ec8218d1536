#!/usr/bin/python3
"""Checks of tests/crash/install.sh: `make install` in each suite's fresh
system, the extension loaded by its bare name in that suite's crash, other
crashes' builds refused, `make uninstall` leaving nothing behind.

  install_check.py --work W --truth TRUTH.json --dump K/S SUITE...
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "standalone"))
from check import check_truth, keys_differing  # noqa: E402  (tests/standalone/check.py, before tests/crash's)
sys.path.insert(0, HERE)
from matrix_check import HELP_MUST, Results, load, read  # noqa: E402
from session_blocks import blocks, parse_json_block  # noqa: E402

INSTALLED = ["/usr/local/bin/iommu-inflight", "/usr/local/lib/crash/extensions/iommu_inflight.so",
             "/usr/lib/crash/extensions/iommu_inflight.so"]


def version_of(text):
    m = re.search(r"^IIF_VERSION crash (\S+)", text, re.M)
    return m.group(1) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("suites", nargs="+")
    o = ap.parse_args()
    r = Results()
    truth = load(o.truth)
    analyze = load(os.path.join(o.work, "analyze.json"))
    versions = {s: version_of(read(os.path.join(o.work, s + ".install.out"))) for s in o.suites}
    for suite in o.suites:
        out = read(os.path.join(o.work, suite + ".install.out"))
        label = "%s (crash %s)" % (suite, versions[suite] or "?")
        r.check(label + ": make install in a fresh %s system" % suite, "IIF_INSTALLED" in out, out[-800:])
        if "IIF_INSTALLED" not in out:
            continue
        missing = [p for p in INSTALLED if not re.search(r"\s%s( ->|$)" % re.escape(p), out, re.M)]
        r.check(label + ": installed %s" % ", ".join(INSTALLED), not missing, "missing %s" % missing)
        m = re.search(r"^(\S*iommu_inflight\.so): shared object loaded", out, re.M)
        r.check(label + ": `extend iommu_inflight.so` found it by its bare name",
                bool(m) and m.group(1).startswith("/usr/lib/crash/extensions/"),
                m.group(1) if m else out[-500:])
        b = blocks(out)
        try:
            j = parse_json_block(re.sub(r"/\.lab-work/install\.[^/\"]+/host/", "/", b["json"]))
        except (KeyError, ValueError) as e:
            r.check(label + ": the installed command printed one JSON object", False, "%s; %r" % (e, out[-300:]))
            j = None
        if j is not None:
            errs = check_truth(truth, j)
            r.check(label + ": %s: truth.json promises" % o.dump, not errs, errs)
            diff = keys_differing(analyze, j)
            r.check(label + ": %s: = iommu-inflight analyze -j (same logs)" % o.dump, not diff,
                    "keys differ: %s" % diff)
        h = b.get("help", "")
        missing = [x for x in HELP_MUST if x not in h]
        r.check(label + ": help iommu_inflight is complete", not missing, "missing %s" % missing)

    for suite in o.suites:
        out = read(os.path.join(o.work, suite + ".uninstall.out"))
        label = "%s (crash %s)" % (suite, versions[suite] or "?")
        if not os.path.exists(os.path.join(o.work, suite + ".work")):
            continue
        b = blocks(out)
        for other in o.suites:
            if other == suite:
                continue
            if not os.path.exists(os.path.join(o.work, "so", other + ".so")):
                r.check(label + ": %s's build to load" % other, False, "make install failed there")
                continue
            text = b.get("foreign_" + other, "")
            if versions[other] == versions[suite]:
                ok = "shared object loaded" in text
                what = "the same crash version: loaded"
            else:
                want = "built against the defs.h of crash %s and this is crash %s: not loaded" % (
                    versions[other], versions[suite])
                ok = want in text and "shared object loaded" not in text
                what = "refused, naming both versions"
            r.check(label + ": the build for %s's crash %s: %s" % (other, versions[other], what), ok, text[-400:])
        r.check(label + ": the session went on after them", "IIF_DONE" in out, out[-300:])
        r.check(label + ": make uninstall", "IIF_UNINSTALLED" in out, out[-500:])
        left = [x for x in read(os.path.join(o.work, suite + ".left")).split("\n") if x]
        r.check(label + ": nothing of the install left in the system", "IIF_UNINSTALLED" in out and not left,
                "left: %s" % left[:10])
    print("crash-install: %d passed, %d failed" % (r.passed, r.failed))
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
