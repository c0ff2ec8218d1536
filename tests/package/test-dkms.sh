#!/usr/bin/env bash
# The reference flush module's DKMS tree (`make install-dkms`): assembled
# into a scratch DESTDIR, added to a private dkms tree and built by dkms
# itself against the lab's linux-headers of each bookworm kernel (the host's
# gcc-12 builds those; 5.10 wants gcc-10 and trixie's kernels gcc-14, which
# a system of those suites has).  Needs dkms (apt-get install dkms).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/lib.sh
command -v dkms >/dev/null || { echo "FAIL: dkms is not installed (apt-get install dkms)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "  ok   $*"; }
bad() { fail=$((fail + 1)); echo "  FAIL $*"; }

make -s install-dkms DESTDIR="$tmp/root" > /dev/null
ver=$(sed -n 's/^#define IIF_VERSION[^"]*"\(.*\)"/\1/p' include/version.h)
src=$tmp/root/usr/src/iommu-ref-flush-$ver
grep -qx "PACKAGE_VERSION=\"$ver\"" "$src/dkms.conf" && ok "dkms.conf has version $ver" || bad "dkms.conf version"
[ -f "$src/lib/flush.c" ] && [ -f "$src/lib/amdvi/flush.h" ] && ok "the library's flush definition is in the tree" ||
    bad "lib/ not filled"
grep -qx iommu_ref_flush "$tmp/root/usr/lib/modules-load.d/iommu-ref-flush.conf" &&
    ok "modules-load.d entry" || bad "no modules-load.d entry"
mkdir -p "$tmp/dkms"
dkms add -m iommu-ref-flush -v "$ver" --sourcetree "$tmp/root/usr/src" --dkmstree "$tmp/dkms" > "$tmp/add.log" 2>&1 ||
    { bad "dkms add: $(tail -n 2 "$tmp/add.log")"; }
for series in 6.1 6.12; do
    lab_apt_use "$series"
    krel=$(kernel_release "$series") || { bad "$series: no kernel release"; continue; }
    kdir=$(kernel_headers "$krel") || { bad "$series: no headers"; continue; }
    if dkms build -m iommu-ref-flush -v "$ver" -k "$krel" --kernelsourcedir "$kdir" \
            --sourcetree "$tmp/root/usr/src" --dkmstree "$tmp/dkms" > "$tmp/build.log" 2>&1; then
        ko=$(find "$tmp/dkms/iommu-ref-flush/$ver/$krel" -name 'iommu_ref_flush.ko*' | head -n 1)
        v=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
        [ "$v" = "$krel" ] && ok "$krel: dkms built iommu_ref_flush.ko (vermagic $v)" ||
            bad "$krel: built module has vermagic '$v'"
    else
        bad "$krel: dkms build failed: $(grep -m 3 -i 'error\|not found' "$tmp/dkms/iommu-ref-flush/$ver/build/make.log" 2>/dev/null)"
    fi
done
echo "dkms: $pass passed, $fail failed"
[ "$fail" = 0 ]
