#!/usr/bin/env bash
# Build the lab's fault-reporting QEMU and print the path of its
# qemu-system-x86_64.  Debian's own QEMU 7.2 source package (the one the lab's
# qemu-system-x86 comes from) with amdvi-fault-reporting.c spliced into
# hw/i386/amd_iommu.c, configured for x86_64 TCG and the lab's devices only.
# Scenarios with QEMU=lab-faults run it; all others run Debian's binary.
#
#   tests/lab/qemu/build.sh            build once, then print the cached path
#
# Cached (tests/lab/cache.sh) in $IOMMU_LAB_CACHE/qemu/<hash of this folder>-<hash
# of the source version>/, so a change to the splice or an upgraded
# qemu-system-x86 rebuilds it.  Needs deb-src access to the Debian mirror the
# host's sources name (a private sources list; the system's apt configuration
# is untouched) and the build packages of `tools/deps.sh lab`.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

here=$LAB_DIR/qemu
want=$(qemu_source_version)   # the source of the installed qemu-system-x86
key=$(tree_hash "$here")-$(printf '%s' "$want" | sha256sum | cut -c1-8)

# qemu_produce TMP: Debian's qemu source, spliced, configured, built; the
# binary and the source version it came from go into TMP.
qemu_produce() {
    local out=$1 t0 apt_dir work dsc version devices
    t0=$(date +%s)
    # Sources and build tree inside the producer's private folder: a failed
    # or interrupted build leaves nothing behind (tests/lab/cache.sh).
    apt_dir=$out/apt; work=$out/work
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache" "$work"
    # Debian 12's suites, as deb-src, from the mirrors the host's own sources name.
    local s mirror secmirror
    mirror=$(host_mirror bookworm) && secmirror=$(host_mirror bookworm-security) || return 1
    {
        for s in bookworm bookworm-updates; do echo "deb-src $mirror $s main"; done
        echo "deb-src $secmirror bookworm-security main"
    } > "$apt_dir/sources.list"
    local apt_opts=("${APT_NET_OPTS[@]}" -o Dir::Etc::SourceList="$apt_dir/sources.list"
              -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$apt_dir/lists"
              -o Dir::Cache="$apt_dir/cache")
    lab_say "qemu: fetching Debian's qemu source package"
    apt-get "${apt_opts[@]}" -qq update || { echo "apt-get update of the deb-src list failed: is $mirror reachable?"; return 1; }
    # The installed binary's own source version; the newest one if the mirror has
    # moved on (then said so).
    if ! (cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only "qemu=$want"); then
        lab_say "qemu: source $want is not on the mirror; building the newest bookworm qemu instead"
        (cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only qemu) ||
            { echo "apt-get source qemu failed"; return 1; }
    fi
    dsc=$(ls "$work"/qemu_*.dsc)
    version=$(sed -n 's/^Version: //p' "$dsc")
    # (apt checked the files against the archive's signed index; dpkg-source's own
    # signature check only warns, as the maintainer's key is not on this machine)
    (cd "$work" && dpkg-source -x "$dsc" src > unpack.log 2>&1) ||
        { tail -n 20 "$work/unpack.log"; echo "dpkg-source -x $dsc failed"; return 1; }

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
    python3 "$here/splice-functions.py" "$here/amdvi-fault-reporting.c" "$work/src/hw/i386/amd_iommu.c" ||
        { echo "the fault-reporting splice does not apply to qemu $version"; return 1; }

    lab_say "qemu: building qemu $version with the fault-reporting splice ($(nproc) jobs; a few minutes)"
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
        with_progress "qemu build" "$work/build/build.log" \
            ninja -j "$(nproc)" qemu-system-x86_64 > build.log 2>&1 || { tail -n 30 build.log; exit 1; }
    ) || { echo "building qemu $version failed (missing packages? run tools/deps.sh lab)"; return 1; }
    cp "$work/build/qemu-system-x86_64" "$out/"
    echo "$version" > "$out/source-version"
    rm -rf "$work" "$apt_dir"
    lab_say "qemu: built in $(( $(date +%s) - t0 )) s"
}

qemu_verify() {   # qemu_verify DIR: it runs, and it has the amd-iommu device
    "$1/qemu-system-x86_64" -device help 2>/dev/null | grep -q '"amd-iommu"' ||
        { echo "its qemu-system-x86_64 does not run or has no amd-iommu device"; return 1; }
}

LAB_RETRY="bash tests/lab/qemu/build.sh"
dir=$(cache_get qemu "$key" qemu_verify qemu_produce) || lab_die "the lab's fault-reporting QEMU did not build"
echo "$dir/qemu-system-x86_64"
