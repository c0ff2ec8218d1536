#!/usr/bin/env bash
# iommu-inflight log on Intel VT-d logs (issue 17): one sample per era (<= 4.6
# two-line, 4.7 decimal, 5.x PASID, 5.14 "0x" device, 6.x hex, 7.x segment),
# under every container (vmcore-dmesg.txt, kexec-dmesg.log, serial console,
# journal, dmesg.<stamp>, syslog, dmesg -d): the text table, the summary,
# -v, and --json checked field by field.
set -eu
cli=$1
S=tests/logs/samples
err=$(mktemp); trap 'rm -f "$err"' EXIT

# ------------------------------------------------------------------ text
out=$("$cli" log "$S/vmcore-dmesg-2.6.32-dmar-split.txt")
grep -Eq '^vmcore-dmesg-2.6.32-dmar-split.txt:15 +120.000002 +DMAR_FAULT +- +01:00.0 +- +- +- +0xffff0000 +- +read reason=0x06 "PTE Read access is not set" split\(reason line 16\) form=split$' <<<"$out"
grep -Eq ':20 +120.000020 +DMAR_IR_FAULT +- +f0:1f.0 .* index=0x21 reason=0x22 \(printed 34\) "Present field in the IRTE entry is clear" split\(reason line 21\) form=split$' <<<"$out"
grep -Eq ':22 +120.000030 +DMAR_FAULT +- +02:00.0 .* read reason-line-missing form=split$' <<<"$out"
grep -Eq ':24 .* reason=0x0c \(printed 12\) "non-zero reserved fields in PTE"' <<<"$out"
grep -q 'Intel DMAR records:  12' <<<"$out"
grep -q 'AMD-Vi records:      0' <<<"$out"
grep -q 'other DMAR lines (ACPI table, init, info): 3' <<<"$out"
grep -Eq '^ +01:00.0 +- +2$' <<<"$out"
grep -q 'lines 15-24: 5 faults, first 120.000002, last 120.000050' <<<"$out"
grep -q 'VT-d invalidation queue errors: 1 IQE, 0 ITE (time-out), 0 ICE' <<<"$out"

out=$("$cli" log "$S/kexec-dmesg-rhel7-dmar.log")
grep -Eq '^kexec-dmesg-rhel7-dmar.log:14 +Tue Nov 24 02:50:03 2026 DMAR_FAULT +- +04:00.0 .* write reason=0x05 "PTE Write access is not set" split\(reason line 15\) form=split$' <<<"$out"
grep -Eq ':16 .*RATELIMIT_SUPPRESSED .* 38 suppressed in dmar_fault$' <<<"$out"
grep -Eq ':25 +Nov 24 02:50:03 +DMAR_FAULT .* split\(reason line 26\)' <<<"$out"
grep -q 'kdump (VT-d): translation was pre-enabled (kdump kernel); old translation tables copied on 2 unit(s); old IR table copied on 1 unit(s);' <<<"$out"
grep -q 'dmar_fault                               38' <<<"$out"

out=$("$cli" log -v "$S/serial-console-4.19-dmar.log")
grep -Eq ':15 +44.200003 +DMAR_IR_FAULT +- +f0:1f.0 .* index=0x15 reason=0x21 \(printed 33\) "Interrupt index exceeded the interrupt-remapping table size" form=decimal$' <<<"$out"
grep -Eq ':16 +44.300000 +DMAR_FAULT +- +00:14.0 ' <<<"$out"
grep -q 'unparsed DMAR-looking lines: 1 (use -v to list them)' <<<"$out"
grep -q '^Unparsed AMD-Vi- and DMAR-looking lines (1):' <<<"$out"
grep -q "serial-console-4.19-dmar.log:17: DMAR fault: malformed '\[fault reason'" <<<"$out"

out=$("$cli" log "$S/journal-5.10-dmar-pasid.log")
grep -Eq ':17 +1.300002 +DMAR_FAULT +- +5e:00.0 +- +- +none +0xfffff000 .* form=pasid-decimal$' <<<"$out"
grep -Eq ':18 +1.300003 +DMAR_FAULT +- +5e:00.1 +- +- +0x00003 +0x7f1000 .* reason=0x41 \(printed 65\)' <<<"$out"
grep -Eq ':20 .* reason=0x21 \(printed 33\) "PTE Read access is not set" reason-text-mismatch' <<<"$out"
grep -Eq ':10 +2026-11-24T02:49:51.000100\+00:00 DMAR_CONTEXT_COPY_FAILED +dmar1 .* bus 94$' <<<"$out"
grep -q 'copying FAILED on 1 unit(s) (translation disabled there)' <<<"$out"

out=$("$cli" log "$S/vmcore-dmesg-6.1-dmar-hex.txt")
grep -Eq ':17 +57.912002 +DMAR_FAULT +- +00:03.0 +- +- +none +0xffffe000 +- +write reason=0x05 "PTE Write access is not set" form=hex$' <<<"$out"
grep -Eq ':18 +57.912003 +DMAR_PTE_DUMP +dmar0 .* 0xffffe000 +- +\(after line 17\)$' <<<"$out"
grep -Eq ':26 +58.000001 +DMAR_QI_QUEUE_ERROR .* iqei=0x1$' <<<"$out"
grep -Eq ':26 +58.000001 +DMAR_QI_DESCRIPTOR .* HEAD: UNKNOWN qw0=0xf qw1=0x0 appended \(after line 26\)$' <<<"$out"
grep -Eq ':29 +58.100001 +DMAR_QI_TIMEOUT +- +03:00.0 .* sid=0x0300$' <<<"$out"
grep -q 'VT-d invalidation queue errors: 1 IQE, 1 ITE (time-out), 0 ICE' <<<"$out"
grep -q 'dmar_fault                               97' <<<"$out"

out=$("$cli" log -v "$S/syslog-7.3-dmar-segment.log")
grep -Eq ':9 +12.300002 +DMAR_FAULT +- +0001:3a:00.1 .* form=hex-segment$' <<<"$out"
grep -q 'kdump (VT-d): translation was enabled on 1 unit(s) outside kdump; IRQ remapping was enabled on 1 unit(s) outside kdump;' <<<"$out"
grep -q '^Unrecognised DMAR lines (1):' <<<"$out"
grep -q 'syslog-7.3-dmar-segment.log:14: DMAR: Some message a newer kernel prints' <<<"$out"
! grep -q '^Unrecognised AMD-Vi lines' <<<"$out"

# AMD-Vi and VT-d logs together: each counted apart
out=$("$cli" log "$S/dmesg-6.1-era-e.log" "$S/dmesg.202612061200")
grep -q 'AMD-Vi records:      26' <<<"$out"
grep -q 'Intel DMAR records:  12' <<<"$out"
grep -q 'unparsed AMD-Vi-looking lines: 4 (use -v to list them)' <<<"$out"
grep -q 'unparsed DMAR-looking lines: 0' <<<"$out"
grep -Eq '^ +00:03.0 +- +3$' <<<"$out"

# a file without any: the AMD-only wording is unchanged
out=$("$cli" log /dev/null)
grep -q 'No AMD IOMMU records found.' <<<"$out"
! grep -q 'DMAR' <<<"$out"

# stdin
printf '[ 1.0] DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x1000 [fault reason 0x06] PTE Read access is not set\n' |
    "$cli" log --json - | grep -q '"file":"<stdin>","line":1,"type":"DMAR_FAULT"'

# ------------------------------------------------------------------ JSON
"$cli" log --json -v "$S/vmcore-dmesg-2.6.32-dmar-split.txt" "$S/kexec-dmesg-rhel7-dmar.log" \
    "$S/serial-console-4.19-dmar.log" "$S/journal-5.10-dmar-pasid.log" "$S/dmesg-5.14-dmar-0x.log" \
    "$S/vmcore-dmesg-6.1-dmar-hex.txt" "$S/dmesg.202612061200" "$S/syslog-7.3-dmar-segment.log" \
    "$S/dmesg-6.1-era-e.log" 2>"$err" | python3 -c '
import json, sys
REQ = ["file","line","type","segment","bdf","domain","pasid","address","flags","driver","iommu","suppressed","time"]
DMAR = set("""DMAR_FAULT DMAR_IR_FAULT DMAR_FAULT_STATUS DMAR_QI_QUEUE_ERROR DMAR_QI_TIMEOUT
DMAR_QI_COMPLETION_ERROR DMAR_QI_DESCRIPTOR DMAR_QI_ERROR_CLEARED DMAR_KDUMP_PRE_ENABLED DMAR_KDUMP_TABLES_COPIED
DMAR_KDUMP_TABLES_COPY_FAILED DMAR_CONTEXT_COPY_FAILED DMAR_ENABLED_NOT_KDUMP DMAR_KDUMP_IR_TABLE_COPIED
DMAR_KDUMP_IR_COPY_FAILED DMAR_IR_ENABLED_NOT_KDUMP DMAR_INVALIDATION_MODE DMAR_UNIT DMAR_IOMMU_ENABLED
DMAR_VTD_INIT DMAR_IR_ENABLED DMAR_BATCHING_DISALLOWED DMAR_PTE_DUMP""".split())
FORMS = {"split", "decimal", "pasid-decimal", "hex", "hex-segment"}
recs = []
for ln in sys.stdin:
    r = json.loads(ln)
    assert list(r.keys())[:len(REQ)] == REQ, r
    assert r["vendor"] in ("amd", "intel"), r
    if r["type"] in DMAR:
        assert r["vendor"] == "intel" and "era" not in r, r
    elif r["type"] not in ("RATELIMIT_SUPPRESSED", "UNRECOGNISED"):
        assert r["vendor"] == "amd", r
    if r["type"] in ("DMAR_FAULT", "DMAR_IR_FAULT"):
        assert r["bdf"] and r["form"] in FORMS, r
        assert ("reason" in r) != bool(r.get("reason_missing")), r
        if "reason" in r:
            assert 0 <= r["reason"] <= 255 and r["reason_printed"] and "reason_text" in r, r
    if r["type"] == "DMAR_FAULT":
        assert r["access"] in ("read", "write") and r["address"].startswith("0x"), r
        assert not (r["pasid"] is not None and r.get("no_pasid")), r
    recs.append(r)

def find(f, line, t=None):
    m = [r for r in recs if r["file"].endswith(f) and r["line"] == line and (t is None or r["type"] == t)]
    assert len(m) == 1, (f, line, m)
    return m[0]

def check(f, line, t=None, **kw):
    r = find(f, line, t)
    for k, v in kw.items():
        assert r.get(k) == v, (f, line, k, r.get(k), v, r)

F = "vmcore-dmesg-2.6.32-dmar-split.txt"
check(F, 4, type="DMAR_IOMMU_ENABLED", vendor="intel")
check(F, 7, type="DMAR_UNIT", iommu="dmar0", address="0xfbffe000", version="1:0", cap="0xc90780106f0462", ecap="0xf020fe")
check(F, 10, type="DMAR_INVALIDATION_MODE", iommu="dmar0", detail="queued")
check(F, 13, type="DMAR_VTD_INIT")
check(F, 14, type="DMAR_FAULT_STATUS", value="0x2", fsts=["PPF"], fri=0)
check(F, 15, type="DMAR_FAULT", segment=None, bdf="01:00.0", pasid=None, address="0xffff0000", access="read",
      reason=6, reason_printed="06", reason_text="PTE Read access is not set", reason_line=16, form="split", time=120.000002)
assert "no_pasid" not in find(F, 15)
check(F, 18, type="DMAR_FAULT", access="write", reason=5, reason_line=19)
check(F, 20, type="DMAR_IR_FAULT", bdf="f0:1f.0", fault_index=0x21, reason=0x22, reason_printed="34", reason_line=21, address=None)
check(F, 22, type="DMAR_FAULT", bdf="02:00.0", reason_missing=True)
check(F, 24, type="DMAR_FAULT", bdf="03:00.1", reason=0x0c, reason_printed="12")
check(F, 26, type="DMAR_QI_QUEUE_ERROR", qw=["0x2000000000011", "0x0"], detail="invalid descriptor")
assert len([r for r in recs if r["file"].endswith(F)]) == 12

F = "kexec-dmesg-rhel7-dmar.log"
check(F, 7, type="DMAR_KDUMP_IR_TABLE_COPIED", iommu="dmar0", time="Tue Nov 24 02:50:01 2026")
check(F, 9, type="DMAR_KDUMP_PRE_ENABLED")
check(F, 10, type="DMAR_KDUMP_TABLES_COPIED", iommu="dmar0")
check(F, 14, type="DMAR_FAULT", bdf="04:00.0", address="0xffe45000", reason=5, reason_line=15, time="Tue Nov 24 02:50:03 2026")
check(F, 16, type="RATELIMIT_SUPPRESSED", vendor="intel", function="dmar_fault", suppressed=38)
check(F, 17, type="DMAR_FAULT_STATUS", fsts=["PFO", "PPF"])
check(F, 25, type="DMAR_FAULT", reason_line=26, time="Nov 24 02:50:03")

F = "serial-console-4.19-dmar.log"
check(F, 9, type="DMAR_FAULT_STATUS", level=3, time=44.100001)
check(F, 10, type="DMAR_FAULT", bdf="00:02.0", access="read", reason=6, form="decimal", level=3)
check(F, 12, type="RATELIMIT_SUPPRESSED", vendor="intel", suppressed=23, level=4)
check(F, 14, type="DMAR_IR_FAULT", fault_index=3, reason=0x25, reason_printed="37", form="decimal")
check(F, 15, type="DMAR_IR_FAULT", fault_index=0x15, reason=0x21, reason_printed="33")
check(F, 16, type="DMAR_FAULT", bdf="00:14.0", reason=2, time=44.3)
check(F, 18, type="DMAR_QI_QUEUE_ERROR", qw=["0x2000000000033", "0x0"])

F = "journal-5.10-dmar-pasid.log"
check(F, 4, type="DMAR_UNIT", iommu="dmar0", time="Nov 24 02:49:50")
check(F, 6, type="DMAR_KDUMP_IR_TABLE_COPIED", iommu="dmar0", time="Nov 24 02:49:50.123456")
check(F, 8, type="DMAR_KDUMP_PRE_ENABLED", time="2026-11-24T02:49:51+0000")
check(F, 10, type="DMAR_CONTEXT_COPY_FAILED", iommu="dmar1", bus=94)
check(F, 11, type="DMAR_KDUMP_TABLES_COPY_FAILED", iommu="dmar1")
check(F, 12, type="DMAR_INVALIDATION_MODE", time="Tue 2026-11-24 02:49:51 UTC")
check(F, 15, type="DMAR_BATCHING_DISALLOWED", time=1.210001)
check(F, 17, type="DMAR_FAULT", bdf="5e:00.0", pasid=None, no_pasid=True, reason=6, form="pasid-decimal")
check(F, 18, type="DMAR_FAULT", bdf="5e:00.1", pasid=3, reason=0x41, reason_printed="65")
assert "no_pasid" not in find(F, 18)
check(F, 19, type="DMAR_IR_FAULT", reason=0x21, reason_printed="33", form="decimal")
assert "reason_mismatch" not in find(F, 19)
check(F, 20, type="DMAR_FAULT", reason=0x21, reason_mismatch=True)

F = "dmesg-5.14-dmar-0x.log"
check(F, 4, type="DMAR_FAULT", bdf="00:1f.3", no_pasid=True, address="0xdf63e000", reason=6, reason_printed="0x06", form="hex")
check(F, 5, type="DMAR_IR_FAULT", bdf="00:00.5", fault_index=0, reason=0x26)
check(F, 6, type="DMAR_FAULT", bdf="3b:00.0", pasid=1, access="write", time="<    0.000004>")

F = "vmcore-dmesg-6.1-dmar-hex.txt"
check(F, 17, type="DMAR_FAULT", bdf="00:03.0", segment=None, no_pasid=True, access="write", address="0xffffe000",
      reason=5, reason_printed="0x05", reason_text="PTE Write access is not set", form="hex", time=57.912002)
check(F, 18, type="DMAR_PTE_DUMP", iommu="dmar0", address="0xffffe000", event_line=17)
check(F, 24, type="DMAR_FAULT", pasid=2, reason=0x85, reason_text="SM: No write permission for Write/AtomicOp request")
check(F, 25, type="DMAR_IR_FAULT", fault_index=9, reason=0x22, reason_printed="0x22")
check(F, 26, "DMAR_QI_QUEUE_ERROR", value="0x1")
check(F, 26, "DMAR_QI_DESCRIPTOR", detail="HEAD", qi_desc="UNKNOWN", qw=["0xf", "0x0"], appended=True, event_line=26)
check(F, 27, type="DMAR_QI_DESCRIPTOR", detail="PRIOR", qi_desc="Invalidation Wait", event_line=26)
check(F, 28, type="DMAR_QI_ERROR_CLEARED", detail="IQE")
check(F, 29, type="DMAR_QI_TIMEOUT", sid=0x300, bdf="03:00.0")
check(F, 30, type="DMAR_QI_DESCRIPTOR", qi_desc="Device-TLB Invalidation", event_line=29)
check(F, 33, type="RATELIMIT_SUPPRESSED", vendor="intel", suppressed=97)
check(F, 34, type="DMAR_FAULT_STATUS", fsts=["PFO"])

F = "dmesg.202612061200"
check(F, 5, type="DMAR_KDUMP_PRE_ENABLED", caller="T1")
check(F, 10, type="DMAR_FAULT", caller="C0", reason=6, no_pasid=True, address="0xffff0000")

F = "syslog-7.3-dmar-segment.log"
check(F, 4, type="DMAR_ENABLED_NOT_KDUMP", iommu="dmar0", level=4, time=0.4, wall_time="Nov 24 02:50:01")
check(F, 5, type="DMAR_IR_ENABLED_NOT_KDUMP", iommu="dmar0")
check(F, 7, type="DMAR_INVALIDATION_MODE", iommu="dmar1", detail="register")
check(F, 9, type="DMAR_FAULT", segment=1, bdf="3a:00.1", no_pasid=True, form="hex-segment", level=3)
check(F, 10, type="DMAR_IR_FAULT", segment=0, bdf="00:1f.0", reason=0x26, form="hex-segment")
check(F, 11, "DMAR_QI_COMPLETION_ERROR", sid=0, bdf=None)
check(F, 11, "DMAR_QI_DESCRIPTOR", appended=True, qi_desc="Invalidation Wait", event_line=11)
check(F, 13, type="DMAR_QI_ERROR_CLEARED", detail="ICE")
check(F, 14, type="UNRECOGNISED", vendor="intel", text="DMAR: Some message a newer kernel prints")

check("dmesg-6.1-era-e.log", 9, type="IO_PAGE_FAULT", vendor="amd")
print("ok", len(recs))
'
grep -q "serial-console-4.19-dmar.log:17: unparsed (DMAR fault: malformed '\[fault reason')" "$err"
echo ok
