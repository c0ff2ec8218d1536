#!/usr/bin/env python3
"""Run one QEMU guest of the lab with a time limit, saving its serial console.

    run-guest.py --console FILE --timeout SECS [--qmp SOCK --raw-dump FILE] -- qemu-system-x86_64 ...

The console (QEMU -nographic stdio) is copied to FILE as it arrives; lines
starting with "LAB:" are echoed to stderr as progress.  With --raw-dump the
guest is expected to panic without a capture kernel: once the console shows
"Kernel panic - not syncing", QEMU's own dump-guest-memory writes an ELF dump
of the whole guest (no filtering) through QMP, then QEMU is told to quit.
With --udp-flood, a thread sends Ethernet frames to QEMU's UDP socket netdev
from start to end, so the NIC keeps receiving across the capture kernel's boot.
Exit status: QEMU's, or 124 on timeout (QEMU is killed).
"""
import argparse
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time


def qmp(sock_path, commands, timeout):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sock_path)
    f = s.makefile("rwb")

    def reply():
        while True:
            line = f.readline()
            if not line:
                raise RuntimeError("QMP connection closed")
            msg = json.loads(line)
            if "return" in msg or "error" in msg:
                return msg

    f.readline()  # greeting
    out = []
    for cmd in [{"execute": "qmp_capabilities"}] + commands:
        f.write(json.dumps(cmd).encode() + b"\n")
        f.flush()
        out.append(reply())
    s.close()
    return out


def udp_flood(addr, rate, stop):
    """Send Ethernet broadcast frames to a QEMU `-netdev socket,udp=` peer until stopped."""
    host, port = addr.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # dst broadcast, src a locally administered MAC, EtherType 0x88b5 (local experimental)
    head = b"\xff" * 6 + b"\x02\x00\x00\x1a\xb0\x01" + b"\x88\xb5"
    n = 0
    t0 = time.monotonic()
    while not stop.is_set():
        frame = head + n.to_bytes(8, "big") + bytes(1000)
        try:
            s.sendto(frame, (host, int(port)))
        except OSError:
            pass
        n += 1
        ahead = n / rate - (time.monotonic() - t0)
        if ahead > 0:
            time.sleep(ahead)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--console", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--qmp")
    ap.add_argument("--raw-dump")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--udp-flood", metavar="HOST:PORT",
                    help="send Ethernet frames to a QEMU socket netdev for the whole run")
    ap.add_argument("--flood-rate", type=float, default=2000, help="frames per second")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no QEMU command")

    deadline = time.monotonic() + a.timeout
    con = open(a.console, "wb")
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    stop = threading.Event()
    if a.udp_flood:
        threading.Thread(target=udp_flood, args=(a.udp_flood, a.flood_rate, stop),
                         daemon=True).start()
    fd = p.stdout.fileno()
    tail = b""
    dumped = False
    rc = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            p.kill()
            p.wait()
            con.write(b"\n[run-guest: timeout after %d s, QEMU killed]\n" % a.timeout)
            print("lab: guest timed out after %d s (console: %s)" % (a.timeout, a.console),
                  file=sys.stderr)
            rc = 124
            break
        r, _, _ = select.select([fd], [], [], min(left, 1.0))
        if r:
            data = os.read(fd, 65536)
            if not data:
                rc = p.wait()
                break
            con.write(data)
            con.flush()
            tail += data
            *lines, tail = tail.split(b"\n")
            for line in lines:
                text = line.decode("utf-8", "replace").rstrip("\r")
                if text.startswith("LAB:") and not a.quiet:
                    print("    guest: " + text[4:].strip(), file=sys.stderr)
                if (a.raw_dump and not dumped and "Kernel panic - not syncing" in text):
                    time.sleep(1.0)  # let the panic message reach the console
                    t0 = time.monotonic()
                    res = qmp(a.qmp, [{"execute": "dump-guest-memory",
                                       "arguments": {"paging": True,
                                                     "protocol": "file:" + a.raw_dump}}],
                              timeout=max(10, deadline - time.monotonic()))
                    if "error" in res[-1]:
                        print("lab: dump-guest-memory failed: %s" % res[-1], file=sys.stderr)
                    else:
                        print("    host: dump-guest-memory done in %.1f s"
                              % (time.monotonic() - t0), file=sys.stderr)
                        dumped = True
                    try:
                        qmp(a.qmp, [{"execute": "quit"}], timeout=10)
                    except (OSError, RuntimeError):
                        pass
        elif p.poll() is not None:
            rc = p.returncode
            break
    stop.set()
    con.close()
    if a.raw_dump and not dumped and rc == 0:
        rc = 1
    sys.exit(rc)


if __name__ == "__main__":
    main()
