#!/usr/bin/env bash
# iommu-inflight log --json: exact key sets and values on the sample logs.
set -eu
cli=$1
S=tests/logs/samples
out=$("$cli" log --json "$S/dmesg-6.1-era-e.log" "$S/vmcore-dmesg-rhel7-era-b.txt" "$S/dmesg-era-c-split.log" \
      "$S/kexec-dmesg-rhel8.log" "$S/journal-formats.log" "$S/dmesg.202611240250" "$S/kdump-6.18-reuse.log" \
      "$S/serial-console-2.6.28-era-a.log" "$S/dmesg-delta.log" "$S/dmesg-7.3-kdump-timeout.log")
printf '%s\n' "$out" | python3 -c '
import json, sys
REQ = ["file","line","type","segment","bdf","domain","pasid","address","flags","driver","iommu","suppressed","time"]
TYPES = set("""ILLEGAL_DEV_TABLE_ENTRY IO_PAGE_FAULT DEV_TAB_HARDWARE_ERROR PAGE_TAB_HARDWARE_ERROR
ILLEGAL_COMMAND_ERROR COMMAND_HARDWARE_ERROR IOTLB_INV_TIMEOUT INVALID_DEVICE_REQUEST INVALID_PPR_REQUEST
RMP_PAGE_FAULT RMP_HW_ERROR UNKNOWN COMPLETION_WAIT_TIMEOUT COMMAND_BUFFER_TIMEOUT EVENT_LOG_OVERFLOW
DEVICE_NOT_ATTACHED RATELIMIT_SUPPRESSED KDUMP_TRANSLATION_PRE_ENABLED KDUMP_DEV_TABLE_COPIED
KDUMP_DEV_TABLE_COPY_FAILED TRANSLATION_ENABLED_NOT_KDUMP KDUMP_BUFFER_REUSED KDUMP_DEV_TABLE_COPY_ERROR
NO_EVENT_WRITTEN COMMAND_BUFFER_RESET OTHER_LOG_OVERFLOW CONTROL_REGISTER COMMAND_BUFFER_DUMP""".split())
recs = []
for ln in sys.stdin:
    r = json.loads(ln)
    keys = list(r.keys())
    assert keys[:len(REQ)] == REQ, keys
    assert r["type"] in TYPES, r
    assert isinstance(r["line"], int) and r["line"] >= 1
    for k in ("segment","domain","pasid","flags","suppressed"):
        assert r[k] is None or isinstance(r[k], int), (k, r)
    assert r["bdf"] is None or (len(r["bdf"]) == 7 and r["bdf"][2] == ":" and r["bdf"][5] == "."), r
    assert r["address"] is None or r["address"].startswith("0x"), r
    assert r["time"] is None or isinstance(r["time"], (int, float, str)), r
    recs.append(r)

def find(f, line):
    m = [r for r in recs if r["file"].endswith(f) and r["line"] == line]
    assert len(m) == 1, (f, line, m)
    return m[0]

def check(f, line, **kw):
    r = find(f, line)
    for k, v in kw.items():
        assert r.get(k) == v, (f, line, k, r.get(k), v, r)

check("dmesg-6.1-era-e.log", 9, type="IO_PAGE_FAULT", segment=0, bdf="01:00.0", domain=13, pasid=None,
      address="0xfffc0000", flags=32, driver="nvme", iommu=None, suppressed=None, time=2.000001)
check("dmesg-6.1-era-e.log", 11, type="ILLEGAL_DEV_TABLE_ENTRY", segment=0, bdf="02:00.0", pasid=0,
      address="0xfee00000", flags=0xa00, iommu="ivhd0",
      dte=["0x6000000100fe4003","0x0000000000000000","0x2000000109d89001","0x0000000000000000"])
check("dmesg-6.1-era-e.log", 18, type="ILLEGAL_COMMAND_ERROR", address="0x10227c0f0", segment=None, bdf=None,
      cmd=["0x00000001","0xf0000000","0x00000000","0x00000000"])
check("dmesg-6.1-era-e.log", 24, type="IOTLB_INV_TIMEOUT", segment=1, bdf="40:00.0", iommu="ivhd1")
check("dmesg-6.1-era-e.log", 26, type="INVALID_PPR_REQUEST", pasid=2, tag=0x1a, flags=0x21)
check("dmesg-6.1-era-e.log", 27, type="RMP_PAGE_FAULT", driver="nvme", segment=0, bdf="01:00.0", address="0x41000",
      vmg_tag=3, flags_rmp=1, flags=0x20)
check("dmesg-6.1-era-e.log", 31, type="UNKNOWN", raw=["0x00010100","0xa0000000","0x00001000","0x00000000"])
check("dmesg-6.1-era-e.log", 33, type="DEVICE_NOT_ATTACHED", segment=0, bdf="06:00.0", domain=0, head_line=32)
check("dmesg-6.1-era-e.log", 34, type="RATELIMIT_SUPPRESSED", suppressed=25)
check("dmesg-6.1-era-e.log", 37, type="RATELIMIT_SUPPRESSED", suppressed=12)
check("dmesg-6.1-era-e.log", 40, type="COMPLETION_WAIT_TIMEOUT", iommu="0000:00:02.0")
check("dmesg-6.1-era-e.log", 6, type="KDUMP_TRANSLATION_PRE_ENABLED")
check("dmesg-6.1-era-e.log", 7, type="KDUMP_DEV_TABLE_COPIED")
assert not [r for r in recs if r["file"].endswith("dmesg-6.1-era-e.log") and r["line"] == 38], "e1000e ratelimit counted"

check("vmcore-dmesg-rhel7-era-b.txt", 4, type="IO_PAGE_FAULT", segment=None, bdf="00:14.1", domain=13,
      address="0x245a0c0", flags=0x70, time=120.000001)
check("vmcore-dmesg-rhel7-era-b.txt", 11, type="PAGE_TAB_HARDWARE_ERROR", domain=2, pasid=None)
check("vmcore-dmesg-rhel7-era-b.txt", 20, type="UNKNOWN", event_code=11)
check("vmcore-dmesg-rhel7-era-b.txt", 24, type="RATELIMIT_SUPPRESSED", suppressed=40)

check("dmesg-era-c-split.log", 2, type="ILLEGAL_DEV_TABLE_ENTRY", head_line=1, iommu="ivhd0", bdf="03:00.0")
check("dmesg-era-c-split.log", 9, type="IOTLB_INV_TIMEOUT", head_line=8, iommu="ivhd1", bdf="41:00.0")
check("dmesg-era-c-split.log", 11, type="DEV_TAB_HARDWARE_ERROR", head_line=7, iommu="ivhd0")
check("dmesg-era-c-split.log", 12, type="COMMAND_HARDWARE_ERROR", head_line=13, iommu="ivhd1")

check("kexec-dmesg-rhel8.log", 4, type="IO_PAGE_FAULT", driver="pci", segment=0, bdf="00:14.1", time="Tue Nov 24 02:50:03 2026")
check("kexec-dmesg-rhel8.log", 11, type="IO_PAGE_FAULT", driver="pci", time="Nov 24 02:50:03")
check("kexec-dmesg-rhel8.log", 14, type="RATELIMIT_SUPPRESSED", suppressed=7)

check("journal-formats.log", 3, time="2026-11-24T02:50:01+0000")
check("journal-formats.log", 4, time="2026-11-24T02:50:01.123456+0000")
check("journal-formats.log", 5, time=1.234567)
check("journal-formats.log", 7, time=1.234, wall_time="Nov 24 02:50:01")

check("dmesg.202611240250", 2, type="TRANSLATION_ENABLED_NOT_KDUMP", iommu="ivhd0", caller="T1")
check("dmesg.202611240250", 4, type="IO_PAGE_FAULT", level=6, caller="C0", time=3.0001)
check("dmesg.202611240250", 6, type="DEVICE_NOT_ATTACHED", bdf="02:00.0", domain=5)

check("kdump-6.18-reuse.log", 1, type="KDUMP_TRANSLATION_PRE_ENABLED", reuse=True)
check("kdump-6.18-reuse.log", 2, type="KDUMP_DEV_TABLE_COPIED", reuse=True)
check("kdump-6.18-reuse.log", 7, type="KDUMP_DEV_TABLE_COPY_FAILED", reuse=True)
check("kdump-6.18-reuse.log", 10, type="KDUMP_DEV_TABLE_COPY_FAILED")
assert "reuse" not in find("kdump-6.18-reuse.log", 10)

check("serial-console-2.6.28-era-a.log", 2, type="IO_PAGE_FAULT", level=3, time=10.0)
check("serial-console-2.6.28-era-a.log", 5, type="ILLEGAL_DEV_TABLE_ENTRY", head_line=3, time=10.0001)
assert len(find("serial-console-2.6.28-era-a.log", 5)["dte"]) == 8
check("serial-console-2.6.28-era-a.log", 14, type="COMPLETION_WAIT_TIMEOUT", panic=True)

F7 = "dmesg-7.3-kdump-timeout.log"
check(F7, 2, type="KDUMP_DEV_TABLE_COPIED", reuse=True)
check(F7, 5, type="KDUMP_BUFFER_REUSED", detail="CWB", reuse=True)
check(F7, 6, type="ILLEGAL_DEV_TABLE_ENTRY", iommu="ivhd0", segment=0, bdf="02:00.0",
      dte=["0x6000000100fe4003","0x0000000000000000","0x2000000109d89001","0x0000000000000000"])
check(F7, 7, type="CONTROL_REGISTER", iommu="ivhd0", value="0xc22000003f48d", event_line=6, address=None)
check(F7, 12, type="COMPLETION_WAIT_TIMEOUT", iommu="0000:00:02.0", segment=None, bdf=None)
r = find(F7, 13)
assert r["type"] == "COMMAND_BUFFER_DUMP" and r["iommu"] == "0000:00:02.0", r
assert (r["head"], r["tail"], r["pending"], r["event_line"]) == (3, 5, 2, 12), r
cb = r["cmd_buffer"]
assert [e["index"] for e in cb] == list(range(512)), len(cb)
assert cb[3] == {"index": 3, "offset": 48, "raw": ["0x00000000","0x30000003","0xfffff003","0x7fffffff"],
                 "op": "INVALIDATE_IOMMU_PAGES", "text": "INVALIDATE_IOMMU_PAGES domain=3 addr=all pde",
                 "pending": True}, cb[3]
assert [e["index"] for e in cb if e.get("pending")] == [3, 4], cb[:6]
assert cb[4]["op"] == "COMPLETION_WAIT" and cb[2].get("pending") is None and cb[511]["op"] is None, cb[:6]
check(F7, 526, type="COMPLETION_WAIT_TIMEOUT")
assert len([x for x in recs if x["file"].endswith(F7)]) == 10

check("dmesg-delta.log", 2, time=2.000001)
check("dmesg-delta.log", 3, time="<    0.000123>")
print("ok", len(recs))
'
