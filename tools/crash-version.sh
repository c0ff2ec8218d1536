#!/bin/sh
# crash-version.sh INCLUDE_DIR -> the version of the crash whose defs.h is
# INCLUDE_DIR/defs.h, as that crash reports it (pc->program_version, the
# second word of `crash --version`), or nothing when it cannot be told.
#
# An extension is built for one crash: struct program_context, the offset
# and size tables and other parts of defs.h move between releases, so the
# extension checks at load time that it runs in the crash it was built for
# (extensions/iommu_inflight.c).  The version is taken from the crash binary
# installed beside the header (/usr/include/crash -> /usr/bin/crash), else
# from the Debian package that owns the header (its upstream version).
inc=${1:?usage: crash-version.sh INCLUDE_DIR}
[ -f "$inc/defs.h" ] || exit 0
bin=$(cd "$inc/../.." 2>/dev/null && pwd)/bin/crash
if [ -x "$bin" ]; then
    v=$("$bin" --version 2>/dev/null | sed -n 's/^crash \([0-9][^ ]*\).*/\1/p' | head -n 1)
    [ -n "$v" ] && { echo "$v"; exit 0; }
fi
pkg=$(dpkg-query -S "$(realpath "$inc/defs.h")" 2>/dev/null | sed -n '1s/:.*//p')
[ -n "$pkg" ] || exit 0
# 1:8.0.6+ds1-1 -> 8.0.6: no epoch, no Debian revision, no repack suffix
dpkg-query -W -f='${Version}\n' "$pkg" 2>/dev/null | sed 's/^[0-9]*://; s/-[^-]*$//; s/[+~].*//'
