#!/usr/bin/env bash
# Install the Debian packages iommu-inflight needs, but only those that are
# missing, so that `make deps` is quick and quiet on a machine that has them.
#
#   tools/deps.sh            build + test packages (the default set)
#   tools/deps.sh lab        also what the QEMU/kdump lab needs
#   tools/deps.sh fuzz       also what the fuzz targets need (make fuzz, fuzz-smoke)
#   tools/deps.sh package    also what the packages need (make deb, make rpm)
set -euo pipefail

build_pkgs=(build-essential pkg-config check libdw-dev libkdumpfile-dev
            crash makedumpfile python3)
lab_pkgs=(qemu-system-x86 busybox-static kexec-tools cpio kmod xz-utils
          zstd python3-drgn e2fsprogs binutils util-linux
          # chroots of other suites (trixie's gcc-14, each suite's crash): tests/lab/chroot.sh
          debootstrap
          # the fault-reporting QEMU of the flush-disable scenario (tests/lab/qemu)
          dpkg-dev meson ninja-build libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev)
# Debian's clang and its runtime libraries: libFuzzer (libclang_rt.fuzzer),
# ASan and UBSan for clang (fuzz/build.sh)
fuzz_pkgs=(clang libclang-rt-14-dev)
# Debian's packaging tools (make deb: debian/ builds with debhelper and
# dh_dkms, lintian checks the result) and rpmbuild (make rpm)
package_pkgs=(dpkg-dev debhelper dh-dkms lintian rpm git)

want=("${build_pkgs[@]}")
for set in "$@"; do
    case "$set" in
        lab) want+=("${lab_pkgs[@]}") ;;
        fuzz) want+=("${fuzz_pkgs[@]}") ;;
        package) want+=("${package_pkgs[@]}") ;;
        *) echo "deps.sh: unknown package set '$set' (known: lab, fuzz, package)" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${want[@]}"; do
    # dpkg-query prints "install ok installed" only for a fully installed package.
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# An empty package list (fresh container) makes apt-get install fail with
# "Unable to locate package": refresh it first, once.
if ! $SUDO apt-get install -y -qq "${missing[@]}" >/tmp/iommu-inflight-deps.log 2>&1; then
    $SUDO apt-get update -qq || { echo "deps: apt-get update failed: is the Debian mirror reachable?" >&2; exit 1; }
    if ! $SUDO apt-get install -y -qq "${missing[@]}" >/tmp/iommu-inflight-deps.log 2>&1; then
        echo "deps: apt-get install ${missing[*]} failed; last lines of /tmp/iommu-inflight-deps.log:" >&2
        tail -n 15 /tmp/iommu-inflight-deps.log >&2
        exit 1
    fi
fi
