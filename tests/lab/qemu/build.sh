#!/usr/bin/env bash
# Build the lab's fault-reporting QEMU and print the path of its
# qemu-system-x86_64.  Debian's own QEMU 7.2 source package (the one the lab's
# qemu-system-x86 comes from) with amdvi-fault-reporting.c spliced into
# hw/i386/amd_iommu.c, configured for x86_64 TCG and the lab's devices only.
# Scenarios with QEMU=lab-faults run it; all others run Debian's binary.
#
#   tests/lab/qemu/build.sh            build once, then print the cached path
#
# Cached in $IOMMU_LAB_CACHE/qemu/<hash of this folder>-<hash of the source
# version>/, so a change to the splice or an upgraded qemu-system-x86 rebuilds it.  Needs deb-src access to the Debian
# mirror (a private sources list; the system's apt configuration is untouched)
# and the build packages of `tools/deps.sh lab`.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

here=$LAB_DIR/qemu
want=$(qemu_source_version)   # the source of the installed qemu-system-x86
key=$(tree_hash "$here")-$(printf '%s' "$want" | sha256sum | cut -c1-8)
dest=$LAB_CACHE/qemu/$key
bin=$dest/qemu-system-x86_64
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

mkdir -p "$LAB_CACHE/qemu"
exec 9> "$LAB_CACHE/qemu/.lock"
flock 9                                  # one build at a time; the next one finds it done
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

t0=$(date +%s)
apt_dir=$LAB_CACHE/qemu/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives"
# Debian 12's suites, as deb-src (the lab runs on Debian 12).
{
    for s in bookworm bookworm-updates; do echo "deb-src http://deb.debian.org/debian $s main"; done
    echo "deb-src http://deb.debian.org/debian-security bookworm-security main"
} > "$apt_dir/sources.list"
mkdir -p "$apt_dir/cache"
apt_opts=("${APT_NET_OPTS[@]}" -o Dir::Etc::SourceList="$apt_dir/sources.list"
          -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$apt_dir/lists"
          -o Dir::Cache="$apt_dir/cache")
lab_log "qemu: fetching Debian's qemu source package"
apt-get "${apt_opts[@]}" -qq update >&2 || lab_die "apt-get update of the deb-src list failed: is deb.debian.org reachable?"

work=$(mktemp -d "$LAB_CACHE/qemu/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The installed binary's own source version; the newest one if the mirror has
# moved on (then said so).
if ! (cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only "qemu=$want" >&2); then
    lab_log "qemu: source $want is not on the mirror; building the newest bookworm qemu instead"
    (cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only qemu >&2) ||
        lab_die "apt-get source qemu failed"
fi
dsc=$(ls "$work"/qemu_*.dsc)
version=$(sed -n 's/^Version: //p' "$dsc")
# (apt checked the files against the archive's signed index; dpkg-source's own
# signature check only warns, as the maintainer's key is not on this machine)
(cd "$work" && dpkg-source -x "$dsc" src > unpack.log 2>&1) ||
    { tail -n 20 "$work/unpack.log" >&2; lab_die "dpkg-source -x $dsc failed"; }

# The lab's devices only (see make-dumps.sh): fewer files to compile.
cat > "$work/src/configs/devices/x86_64-softmmu/iommu-lab.mak" <<'MAK'
CONFIG_Q35=y
CONFIG_AMD_IOMMU=y
CONFIG_E1000_PCI=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_NVME_PCI=y
CONFIG_EDU=y
CONFIG_VGA_PCI=y
CONFIG_PARALLEL=y
MAK
python3 "$here/splice-functions.py" "$here/amdvi-fault-reporting.c" "$work/src/hw/i386/amd_iommu.c" >&2 ||
    lab_die "the fault-reporting splice does not apply to qemu $version"

lab_log "qemu: building qemu $version with the fault-reporting splice ($(nproc) jobs)"
mkdir -p "$work/build"
(
    cd "$work/build"
    ../src/configure --target-list=x86_64-softmmu --without-default-features \
        --without-default-devices --with-devices-x86_64=iommu-lab \
        --disable-docs --disable-tools --disable-user --disable-guest-agent \
        --disable-werror --disable-install-blobs --enable-fdt=system \
        --disable-capstone --disable-slirp \
        --firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu \
        > configure.log 2>&1 || { tail -n 20 configure.log; exit 1; }
    ninja -j "$(nproc)" qemu-system-x86_64 > build.log 2>&1 || { tail -n 30 build.log; exit 1; }
) >&2 || lab_die "building qemu $version failed (missing packages? run tools/deps.sh lab)"

devices=$("$work/build/qemu-system-x86_64" -device help 2>/dev/null) || true
grep -q '"amd-iommu"' <<< "$devices" || lab_die "the built qemu has no amd-iommu device"
mkdir -p "$dest.tmp"
cp "$work/build/qemu-system-x86_64" "$dest.tmp/"
echo "$version" > "$dest.tmp/source-version"
rm -rf "$dest"; mv "$dest.tmp" "$dest"
lab_log "qemu: built in $(( $(date +%s) - t0 )) s: $bin"
echo "$bin"
