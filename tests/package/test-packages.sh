#!/usr/bin/env bash
# The packages of `make deb` as a support engineer's machine gets them, in
# fresh systems (throw-away copies of the lab's chroots, CHROOT_SCRATCH in
# tests/lab/chroot.sh), never on this host:
#
#   bookworm (the suite the packages are built on; its crash 8.0.2):
#     1. dpkg -i iommu-inflight, crash-iommu-inflight, iommu-ref-flush-dkms
#        into a system whose /lib/modules has the lab's 5.10, 6.1 and 6.12
#        kernels (their headers) and which runs 6.1 (`uname -r`: a shim,
#        since a chroot runs the host's kernel), so that the DKMS package
#        builds and installs the module for every one of them at install
#        time, as on a machine with several kernels: DKMS's own step takes
#        the running and the newest kernel, the package's postinst 5.10;
#     2. the modules: one per kernel, its vermagic that kernel's and its
#        version the tool's; the modules-load.d entry; the man page;
#     3. iommu-inflight analyze -j on a lab dump equals this tree's build's
#        and keeps truth.json's promises; the installed crash loads the
#        extension by its bare name (extend iommu_inflight.so) and its
#        report equals analyze's; help iommu_inflight is complete;
#     4. dpkg --purge of the three leaves none of their files, no module,
#        no DKMS tree or state behind.
#   trixie: iommu-ref-flush-dkms alone (arch all) with the lab's
#     6.12+deb13 (running) and 7.x kernels (gcc-14), trixie's own dkms;
#     built, installed and purged the same way.
# The crash-iommu-inflight package's dependency must admit the crash it was
# built for and no other release.
#
#   tests/package/test-packages.sh [DEB_DIR]     (default build/deb)
# Ends with "packages: N passed, N failed"; a missing dump or package fails.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/lab/lib.sh
. "$REPO/tests/lab/lib.sh"
# shellcheck source=tests/crash/crashes.sh
. "$REPO/tests/crash/crashes.sh"
DEBS=$(realpath "${1:-$REPO/build/deb}")
DUMP=${IIF_PACKAGE_DUMP:-6.1/stock}
CLI=${IIF_CLI:-$REPO/build/iommu-inflight}
d=$LAB_OUT/$DUMP
VERSION=$(sed -n 's/^#define IIF_VERSION[^"]*"\(.*\)"/\1/p' "$REPO/include/version.h")

die() { echo "packages: $*" >&2; echo "packages: 0 passed, 1 failed"; exit 1; }
[ -f "$d/vmcore" ] && [ -f "$d/truth.json" ] || die "the dump $d is missing (make dumps KERNEL=${DUMP%/*} SCENARIO=${DUMP#*/})"
for p in iommu-inflight_"$VERSION"_amd64 crash-iommu-inflight_"$VERSION"_amd64 iommu-ref-flush-dkms_"$VERSION"_all; do
    [ -f "$DEBS/$p.deb" ] || die "$DEBS/$p.deb is missing (make deb)"
done
[ -x "$CLI" ] || die "$CLI is not built (make all)"
vml=$(readlink -f "$d/vmlinux")

WORK=$(mktemp -d /tmp/iif-packages.XXXXXX)
works=()                # this run's folders inside the cached chroots
cleanup() {
    rm -rf "$WORK"
    for w in "${works[@]:-}"; do [ -n "$w" ] && rm -rf "$w"; done
}
if [ "${IIF_PACKAGE_KEEP:-0}" = 1 ]; then echo "packages: work folder $WORK (kept)"
else trap cleanup EXIT; fi

"$CLI" analyze -q -j --vmlinux "$vml" --vmcore "$d/vmcore" -k "$d/kexec-dmesg.log" \
    -l "$d/vmcore-dmesg.txt" > "$WORK/analyze.json" 2> "$WORK/analyze.err" ||
    [ $? = 3 ] || die "analyze on $d failed: $(tail -n 3 "$WORK/analyze.err")"

# one suite: SUITE "SERIES..." "PACKAGES..." WITH_DUMP(0|1)
run_suite() {       # run_suite SUITE "SERIES..." "PACKAGES..." WITH_DUMP RUNNING_SERIES
    local suite=$1 series=$2 pkgs=$3 with_dump=$4 running=$5 root w s krel kdir top binds="" kernels="" shim="" running_krel=""
    root=$(lab_chroot "$suite") || { echo "no $suite chroot" > "$WORK/$suite.out"; return; }
    root=$root/root
    w=$(mktemp -d "$root/.lab-work/package.XXXXXX") || die "cannot make a folder in $root/.lab-work"
    works+=("$w")
    mkdir -p "$w/tmp"
    binds=$DEBS
    for s in $series; do
        lab_apt_use "$s"
        krel=$(kernel_release "$s") || { echo "no kernel release for $s" >> "$WORK/$suite.out"; return; }
        kdir=$(kernel_headers "$krel") || { echo "no headers for $krel" >> "$WORK/$suite.out"; return; }
        top=${kdir%/usr/src/*}          # the artefact: usr/src and the usr/lib/linux-kbuild-* it links to
        binds="$binds $top"
        kernels="$kernels $krel=$(chroot_host_path "$root" "$w" "$kdir")"
        # bullseye's 5.10 headers name gcc-10, which bookworm lacks: this
        # system builds 5.10 modules with its gcc-12, as the lab does
        # (kbuild_modules in tests/lab/lib.sh)
        case "$krel" in 5.10.*) shim=1 ;; esac
        [ "$s" = "$running" ] && running_krel=$krel
    done
    [ "$with_dump" = 1 ] && binds="$binds $(dirname "$vml") $d"
    local hdebs hv hd
    hdebs=$(chroot_host_path "$root" "$w" "$DEBS")
    hv=$(chroot_host_path "$root" "$w" "$vml"); hd=$(chroot_host_path "$root" "$w" "$d")
    crash_report_cmds "$hd" > "$w/crash.cmds"
    local debs="" p
    for p in $pkgs; do debs="$debs $hdebs/${p}_$VERSION"_*.deb; done
    cat > "$w/install.sh" <<EOF
set -u
cd ${w#"$root"}
for kv in $kernels; do
    mkdir -p /lib/modules/\${kv%%=*} && ln -sfn \${kv#*=} /lib/modules/\${kv%%=*}/build
done
# the kernel this system runs: dkms's postinst builds for it and the newest
printf '#!/bin/sh\n[ "\$1" = -r ] && { echo %s; exit 0; }\nexec /bin/uname "\$@"\n' "$running_krel" > /usr/local/bin/uname
chmod 755 /usr/local/bin/uname
echo "IIF_RUNNING \$(uname -r)"
[ -z "$shim" ] || for g in gcc-10 x86_64-linux-gnu-gcc-10; do ln -sf /usr/bin/gcc-12 /usr/local/bin/\$g; done
echo "IIF_KERNELS$kernels"
echo IIF_BEGIN install
dpkg -i $debs 2>&1
rc=\$?
[ \$rc = 0 ] || tail -n 25 /var/lib/dkms/iommu-ref-flush/*/build/make.log 2>/dev/null
echo "IIF_RC install \$rc"
echo IIF_END install
echo IIF_BEGIN dkms_status
dkms status 2>&1
echo IIF_END dkms_status
echo IIF_BEGIN modules
for kv in $kernels; do
    k=\${kv%%=*}
    for ko in /lib/modules/\$k/updates/dkms/iommu_ref_flush.ko*; do
        [ -e "\$ko" ] && echo "\$k \$(modinfo -F vermagic "\$ko" | cut -d' ' -f1) \$(modinfo -F version "\$ko") \$ko"
    done
done
echo IIF_END modules
echo "IIF_LOADD \$(cat /usr/lib/modules-load.d/iommu-ref-flush.conf 2>/dev/null | grep -v '^#')"
dpkg -L $pkgs > files.txt 2>&1
if [ "$with_dump" = 1 ]; then
    echo "IIF_MAN \$(ls /usr/share/man/man1/iommu-inflight.1.gz 2>&1)"
    echo "IIF_VERSION \$(iommu-inflight --version | head -n 1)"
    iommu-inflight analyze -q -j --vmlinux $hv --vmcore $hd/vmcore -k $hd/kexec-dmesg.log \
        -l $hd/vmcore-dmesg.txt > analyze.json 2> analyze.err
    echo "IIF_RC analyze \$?"
    crash -s $hv $hd/vmcore -i ${w#"$root"}/crash.cmds > crash.out 2>&1
fi
echo IIF_BEGIN purge
dpkg --purge $pkgs 2>&1
echo "IIF_RC purge \$?"
echo IIF_END purge
echo IIF_BEGIN left
while read -r f; do
    case "\$f" in /*) [ -e "\$f" ] && [ ! -d "\$f" ] && echo "\$f" ;; esac
done < files.txt
ls -d /usr/src/iommu-ref-flush-* /var/lib/dkms/iommu-ref-flush 2>/dev/null
find /lib/modules -name 'iommu_ref_flush.ko*' 2>/dev/null
dkms status 2>/dev/null | grep iommu-ref-flush
echo IIF_END left
EOF
    echo "packages: $suite: dpkg -i $pkgs (kernels: $(for kv in $kernels; do printf '%s ' "${kv%%=*}"; done))"
    CHROOT_SCRATCH=$WORK/scratch-$suite CHROOT_BINDS="$binds" \
        chroot_run "$root" "$w" /bin/sh "${w#"$root"}/install.sh" > "$WORK/$suite.out" 2>&1 < /dev/null
    # what the job wrote in its folder (inside the scratch layer)
    local up=$WORK/scratch-$suite/upper${w#"$root"}
    for f in analyze.json analyze.err crash.out files.txt; do
        [ -f "$up/$f" ] && cp "$up/$f" "$WORK/$suite.$f"
    done
}

run_suite bookworm "5.10 6.1 6.12" "iommu-inflight crash-iommu-inflight iommu-ref-flush-dkms" 1 6.1
run_suite trixie "6.12-deb13 7.x" "iommu-ref-flush-dkms" 0 6.12-deb13
dpkg-deb -f "$DEBS/crash-iommu-inflight_${VERSION}_amd64.deb" Depends > "$WORK/crash.depends"
dpkg-query -W -f='${Version}\n' crash > "$WORK/crash.version"

python3 "$HERE/packages_check.py" --work "$WORK" --truth "$d/truth.json" --dump "$DUMP" \
    --version "$VERSION" bookworm trixie
