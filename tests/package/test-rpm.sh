#!/usr/bin/env bash
# The reference flush's RPM (`make rpm`, rpm/iommu-ref-flush-dkms.spec) as
# rpm itself reads it: the DKMS tree and the modules-load.d entry are its
# files, it requires dkms, and its scriptlets add, build and install the
# module with DKMS and remove it again.  (No RPM system here to install it
# on; the same tree is installed and built by DKMS in test-packages.sh.)
#   tests/package/test-rpm.sh [RPM [DEB_DIR]]
#       (default build/rpm/RPMS/noarch/iommu-ref-flush-dkms-VERSION-1.noarch.rpm, build/deb)
set -u
cd "$(dirname "$0")/../.."
ver=$(sed -n 's/^#define IIF_VERSION[^"]*"\(.*\)"/\1/p' include/version.h)
rpm=${1:-build/rpm/RPMS/noarch/iommu-ref-flush-dkms-$ver-1.noarch.rpm}
debs=${2:-build/deb}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "  ok   $*"; }
bad() { fail=$((fail + 1)); echo "  FAIL $*"; }
if [ ! -f "$rpm" ]; then
    bad "$rpm is missing (make rpm)"
else
    files=$(rpm -qpl "$rpm" 2>&1)
    for f in /usr/src/iommu-ref-flush-$ver/dkms.conf /usr/src/iommu-ref-flush-$ver/Kbuild \
             /usr/src/iommu-ref-flush-$ver/ref_flush_main.c /usr/src/iommu-ref-flush-$ver/lib/flush.c \
             /usr/src/iommu-ref-flush-$ver/lib/iif_version.h /usr/lib/modules-load.d/iommu-ref-flush.conf; do
        grep -qx "$f" <<< "$files" && ok "rpm holds $f" || bad "rpm lacks $f: $(head -c 300 <<< "$files")"
    done
    rpm -qp --requires "$rpm" 2>/dev/null | grep -q '^dkms' && ok "requires dkms" || bad "does not require dkms"
    [ "$(rpm -qp --qf '%{ARCH} %{VERSION}' "$rpm" 2>/dev/null)" = "noarch $ver" ] &&
        ok "noarch, version $ver" || bad "arch/version: $(rpm -qp --qf '%{ARCH} %{VERSION}' "$rpm")"
    scripts=$(rpm -qp --scripts "$rpm" 2>/dev/null)
    for want in "dkms add -m iommu-ref-flush -v $ver" "dkms build -m iommu-ref-flush -v $ver" \
                "dkms install -m iommu-ref-flush -v $ver" "dkms remove -m iommu-ref-flush -v $ver --all"; do
        grep -qF -- "$want" <<< "$scripts" && ok "scriptlet: $want" || bad "no scriptlet runs '$want'"
    done
    # the same tree as the Debian package's
    deb=$debs/iommu-ref-flush-dkms_${ver}_all.deb
    if [ -f "$deb" ]; then
        a=$(rpm -qpl "$rpm" 2>/dev/null | grep '^/usr/src/.*\.[ch]$\|dkms.conf$\|Kbuild$' | sort)
        b=$(dpkg-deb -c "$deb" | awk '{ print substr($6, 2) }' | grep '^/usr/src/.*\.[ch]$\|dkms.conf$\|Kbuild$' | sort)
        [ -n "$a" ] && [ "$a" = "$b" ] && ok "the same DKMS tree as $deb ($(wc -l <<< "$a") files)" ||
            bad "the RPM's tree and $deb's differ: $(diff <(echo "$a") <(echo "$b") | head -5)"
    fi
fi
echo "rpm: $pass passed, $fail failed"
[ "$fail" = 0 ]
