#!/usr/bin/env bash
# make package-tests: the Debian packages and the RPM built as a release
# would build them, then installed and removed in fresh systems.
#   1. make deb: dpkg-buildpackage -b of the tree, lintian with no error;
#   2. make rpm: rpmbuild -bb of rpm/iommu-ref-flush-dkms.spec;
#   3. tests/package/test-packages.sh: the .debs in fresh bookworm and trixie
#      systems (DKMS builds the module for the lab's 5.10 to 7.x kernels),
#      analyze and crash with the installed extension on a lab dump, purge;
#   4. tests/package/test-rpm.sh: the RPM's files, requirements, scriptlets.
# Ends with "package: N passed, N failed" (one per step).
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
pass=0 fail=0
step() {          # step NAME CMD...: the command's output, then its verdict
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); echo "PASS $name"; else fail=$((fail + 1)); echo "FAIL $name"; fi
}
quiet_make() {    # quiet_make TARGET: make's output only when it fails
    mkdir -p "$build"
    make --no-print-directory "$1" > "$build/$1.log" 2>&1 || { tail -n 40 "$build/$1.log"; return 1; }
    grep -E '^[EW]: ' "$build/$1.log" || true          # lintian's errors and warnings, if any
}
step "make deb (lintian: no error)" quiet_make deb
step "make rpm" quiet_make rpm
ver=$(sed -n 's/^#define IIF_VERSION[^"]*"\(.*\)"/\1/p' include/version.h)
step "packages installed and purged in fresh systems" env IIF_CLI="$build/iommu-inflight" \
    bash tests/package/test-packages.sh "$build/deb"
step "the RPM's files and scriptlets" \
    bash tests/package/test-rpm.sh "$build/rpm/RPMS/noarch/iommu-ref-flush-dkms-$ver-1.noarch.rpm" "$build/deb"
echo "package: $pass passed, $fail failed"
[ "$fail" = 0 ]
