#!/usr/bin/python3
"""Checks of tests/package/test-packages.sh: the Debian packages installed in
fresh systems of each suite, the DKMS module built for every kernel there,
the tool and the extension at work on a lab dump, and a purge that leaves
nothing behind.

  packages_check.py --work W --truth TRUTH.json --dump K/S --version V SUITE...
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "standalone"))
from check import check_truth, keys_differing  # noqa: E402  (tests/standalone/check.py, before tests/crash's)
sys.path.insert(0, os.path.join(HERE, "..", "crash"))
from matrix_check import HELP_MUST, Results, load, read  # noqa: E402
from session_blocks import blocks, parse_json_block  # noqa: E402


def same_report(r, label, want, got):
    diff = keys_differing(want, got)
    r.check(label, not diff, "keys differ: %s" % diff)


def admits(depends, version):
    """Whether a Depends field's crash clauses admit crash VERSION."""
    clauses = re.findall(r"crash \(([<>=]+) ([^)]+)\)", depends)
    ops = {">=": "ge", "<<": "lt", "<=": "le", ">>": "gt", "=": "eq"}
    return bool(clauses) and all(
        subprocess.call(["dpkg", "--compare-versions", version, ops[op], v]) == 0 for op, v in clauses)


def check_crash_depends(r, work):
    dep = read(os.path.join(work, "crash.depends")).strip()
    built = read(os.path.join(work, "crash.version")).strip()
    upstream = re.sub(r"^\d+:", "", built).split("-")[0].split("+")[0]
    r.check("crash-iommu-inflight depends on crash %s, the one it was built for" % upstream,
            admits(dep, built), "Depends: %s; crash %s" % (dep, built))
    # other releases (the extension refuses them at load time)
    major, minor, patch = (upstream.split(".") + ["0", "0"])[:3]
    others = ["%s.%s.%d-1" % (major, minor, int(patch) + 1), "%d.0.0-1" % (int(major) + 1),
              upstream + ".1-1", upstream + "~rc1-1", "1:" + upstream + "-1"]
    if int(patch) > 0:
        others.append("%s.%s.%d-1" % (major, minor, int(patch) - 1))
    wrong = [v for v in others if admits(dep, v)]
    r.check("crash-iommu-inflight's Depends admits no other crash release (%s)" % ", ".join(others),
            not wrong, "Depends: %s admits %s" % (dep, wrong))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("suites", nargs="+")
    o = ap.parse_args()
    r = Results()
    truth = load(o.truth)
    analyze = load(os.path.join(o.work, "analyze.json"))
    check_crash_depends(r, o.work)
    for suite in o.suites:
        out = read(os.path.join(o.work, suite + ".out"))
        b = blocks(out)
        m = re.search(r"^IIF_KERNELS (.*)$", out, re.M)
        kernels = [kv.split("=")[0] for kv in m.group(1).split()] if m else []
        r.check("%s: a fresh system with the lab's kernels" % suite, bool(kernels), out[-600:])
        if not kernels:
            continue
        label = "%s (%s)" % (suite, ", ".join(kernels))
        m = re.search(r"^IIF_RUNNING (\S+)$", out, re.M)
        r.check(label + ": the system runs one of its kernels (uname -r)", bool(m) and m.group(1) in kernels,
                m.group(0) if m else "no IIF_RUNNING line")
        inst = b.get("install", "")
        r.check(label + ": dpkg -i of the packages", "IIF_RC install 0" in out, inst[-1500:])
        # the DKMS package: one module per kernel, built at install time
        mods = {}
        for line in b.get("modules", "").splitlines():
            f = line.split()
            if len(f) == 4:
                mods[f[0]] = f
        for k in kernels:
            got = mods.get(k)
            r.check(label + ": dkms built and installed iommu_ref_flush for %s" % k,
                    got is not None and got[1] == k and got[2] == o.version,
                    "%s; dkms status: %s; install output: %s" % (
                        got, b.get("dkms_status", "").strip()[-300:], inst[-800:]))
        r.check(label + ": modules-load.d loads iommu_ref_flush at boot",
                re.search(r"^IIF_LOADD iommu_ref_flush\s*$", out, re.M) is not None,
                (re.search(r"^IIF_LOADD.*$", out, re.M) or [""])[0])
        if "IIF_VERSION" in out:
            r.check(label + ": the man page iommu-inflight(1)",
                    re.search(r"^IIF_MAN /usr/share/man/man1/iommu-inflight\.1\.gz$", out, re.M) is not None,
                    (re.search(r"^IIF_MAN.*$", out, re.M) or [""])[0])
            r.check(label + ": iommu-inflight --version",
                    re.search(r"^IIF_VERSION iommu-inflight %s$" % re.escape(o.version), out, re.M) is not None,
                    (re.search(r"^IIF_VERSION.*$", out, re.M) or [""])[0])
            rc = re.search(r"^IIF_RC analyze (\d+)$", out, re.M)
            try:
                a = json.loads(re.sub(r"/\.lab-work/package\.[^/\"]+/host/", "/",
                                      read(os.path.join(o.work, suite + ".analyze.json"))))
            except ValueError as e:
                a = None
                r.check(label + ": the installed iommu-inflight analyze -j", False,
                        "%s; rc %s; %s" % (e, rc and rc.group(1), read(os.path.join(o.work, suite + ".analyze.err"))[-300:]))
            if a is not None:
                errs = check_truth(truth, a)
                r.check(label + ": installed analyze on %s: truth.json promises" % o.dump, not errs, errs)
                same_report(r, label + ": installed analyze = this tree's build", analyze, a)
            cout = read(os.path.join(o.work, suite + ".crash.out"))
            m = re.search(r"^(\S*iommu_inflight\.so): shared object loaded", cout, re.M)
            r.check(label + ": crash loads the installed extension by its bare name",
                    bool(m) and m.group(1) == "/usr/lib/crash/extensions/iommu_inflight.so",
                    m.group(1) if m else cout[-500:])
            cb = blocks(cout)
            try:
                j = parse_json_block(re.sub(r"/\.lab-work/package\.[^/\"]+/host/", "/", cb["json"]))
            except (KeyError, ValueError) as e:
                j = None
                r.check(label + ": the installed crash command printed one JSON object", False,
                        "%s; %r" % (e, cout[-300:]))
            if j is not None:
                errs = check_truth(truth, j)
                r.check(label + ": crash command on %s: truth.json promises" % o.dump, not errs, errs)
                same_report(r, label + ": crash command = analyze -j (same logs)", analyze, j)
            h = cb.get("help", "")
            missing = [x for x in HELP_MUST if x not in h]
            r.check(label + ": help iommu_inflight is complete", not missing, "missing %s" % missing)
        r.check(label + ": dpkg --purge", "IIF_RC purge 0" in out, b.get("purge", "")[-800:])
        files = [f for f in read(os.path.join(o.work, suite + ".files.txt")).splitlines() if f.startswith("/")]
        r.check(label + ": the packages' file lists were read before the purge", len(files) > 5,
                "%d files" % len(files))
        left = [x for x in b.get("left", "").splitlines() if x.strip()]
        r.check(label + ": the purge left no file, module, DKMS tree or DKMS state",
                "IIF_RC purge 0" in out and "left" in b and not left, "left: %s" % left[:10])
    print("packages: %d passed, %d failed" % (r.passed, r.failed))
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
