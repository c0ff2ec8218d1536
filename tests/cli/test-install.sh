#!/usr/bin/env bash
# make install honours PREFIX and DESTDIR, and leaves the crash extension
# where a bare `extend iommu_inflight.so` finds it.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s install PREFIX=/usr/local DESTDIR="$tmp/a" >/dev/null
test -x "$tmp/a/usr/local/bin/iommu-inflight"
test -f "$tmp/a/usr/local/lib/crash/extensions/iommu_inflight.so"
# crash does not search /usr/local: a link in its own directory
test "$(readlink "$tmp/a/usr/lib/crash/extensions/iommu_inflight.so")" = /usr/local/lib/crash/extensions/iommu_inflight.so
make -s install PREFIX=/usr DESTDIR="$tmp/b" >/dev/null
test -f "$tmp/b/usr/lib/crash/extensions/iommu_inflight.so"
test ! -L "$tmp/b/usr/lib/crash/extensions/iommu_inflight.so"
make -s install PREFIX=/opt/iif DESTDIR="$tmp/c" CRASHEXTDIR= >/dev/null
test -f "$tmp/c/opt/iif/lib/crash/extensions/iommu_inflight.so"
test ! -e "$tmp/c/usr"
"$tmp/a/usr/local/bin/iommu-inflight" --help | grep -q '^  log '
make -s uninstall PREFIX=/usr/local DESTDIR="$tmp/a" >/dev/null
test ! -e "$tmp/a/usr/local/bin/iommu-inflight"
test ! -e "$tmp/a/usr/lib/crash/extensions/iommu_inflight.so"
