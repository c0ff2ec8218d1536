# shellcheck shell=bash
# Common helpers for the vmcore lab: cache, Debian kernel packages, initramfs.
# Sourced by make-dumps.sh and run-tests.sh; nothing here runs on its own.
#
# Environment knobs (all optional):
#   IOMMU_LAB_CACHE         cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/iommu-inflight/lab)
#   IOMMU_LAB_KREL_6_1      pin the 6.1 kernel release, e.g. 6.1.0-56-amd64
#   IOMMU_LAB_KREL_6_12     pin the 6.12 kernel release, e.g. 6.12.117+deb12-amd64
#   IOMMU_LAB_OUT           output root (default tests/dumps/out)
#   IOMMU_LAB_SCENARIOS     scenario folder (default tests/dumps/scenarios)
#   IOMMU_LAB_TIMEOUT       seconds one QEMU run may take (default 180)
#   IOMMU_LAB_QEMU_FAULTS   use this qemu-system-x86_64 for QEMU=lab-faults scenarios
#                           instead of building tests/lab/qemu (for work on the splice)

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/../.." && pwd)
LAB_CACHE=${IOMMU_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-inflight/lab}
LAB_OUT=${IOMMU_LAB_OUT:-$REPO_DIR/tests/dumps/out}
SCEN_DIR=${IOMMU_LAB_SCENARIOS:-$REPO_DIR/tests/dumps/scenarios}

# apt must not wait forever on an unreachable mirror.
APT_NET_OPTS=(-o Acquire::http::Timeout=20 -o Acquire::https::Timeout=20 -o Acquire::Retries=1
              -o APT::Sandbox::User=root)

lab_log()  { printf '%s lab: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lab_die()  { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

# The metapackage that names the current kernel of a series.
kernel_meta() {
    case "$1" in
        6.1)  echo linux-image-amd64 ;;
        6.12) echo linux-image-6.12-amd64 ;;
        *) lab_die "unknown kernel series '$1' (known: 6.1 6.12)" ;;
    esac
}

# kernel_release SERIES -> e.g. 6.1.0-56-amd64. Pinned by IOMMU_LAB_KREL_<series>.
kernel_release() {
    local series=$1 var pkg
    var=IOMMU_LAB_KREL_${series//./_}
    if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
    pkg=$(apt-cache depends "$(kernel_meta "$series")" 2>/dev/null |
          sed -n 's/^ *Depends: linux-image-\(.*-amd64\)\(-unsigned\)\?$/\1/p' | head -n1)
    [ -n "$pkg" ] || lab_die "cannot resolve the kernel of $(kernel_meta "$series") with apt-cache (run 'apt-get update'? or pin $var)"
    echo "$pkg"
}

# apt_field PKG FIELD -> the field of the candidate version (first stanza).
apt_field() {
    apt-cache show "$1" 2>/dev/null | awk -v f="$2:" '$1==f {print $2; exit}'
}

# fetch_deb PKG -> path of a verified .deb in the cache (downloaded if missing or damaged).
fetch_deb() {
    local pkg=$1 dir=$LAB_CACHE/debs file size sha deb
    mkdir -p "$dir"
    file=$(apt_field "$pkg" Filename); size=$(apt_field "$pkg" Size); sha=$(apt_field "$pkg" SHA256)
    [ -n "$file" ] && [ -n "$size" ] ||
        lab_die "package $pkg is not known to apt (gone from the mirror? run 'apt-get update' or pin another release)"
    deb=$dir/$(basename "$file")
    if [ -f "$deb" ] && [ "$(stat -c %s "$deb")" = "$size" ] && [ -f "$deb.ok" ] &&
       [ "$(cat "$deb.ok")" = "$sha" ]; then
        echo "$deb"; return
    fi
    if [ -f "$deb" ] && [ "$(stat -c %s "$deb")" = "$size" ] &&
       [ "$(sha256sum "$deb" | cut -d' ' -f1)" = "$sha" ]; then
        echo "$sha" > "$deb.ok"; echo "$deb"; return
    fi
    rm -f "$deb" "$deb.ok"
    lab_log "downloading $pkg ($((size / 1048576)) MB)"
    # apt-get download writes into the current directory.
    if ! (cd "$dir" && timeout 900 apt-get download -q "${APT_NET_OPTS[@]}" "$pkg" \
            >"$dir/$pkg.download.log" 2>&1); then
        tail -n 5 "$dir/$pkg.download.log" >&2
        lab_die "download of $pkg failed (is the Debian mirror reachable? see $dir/$pkg.download.log)"
    fi
    [ -f "$deb" ] || lab_die "apt-get download $pkg did not produce $(basename "$deb")"
    [ "$(sha256sum "$deb" | cut -d' ' -f1)" = "$sha" ] || { rm -f "$deb"; lab_die "checksum mismatch on $pkg"; }
    echo "$sha" > "$deb.ok"
    echo "$deb"
}

# kernel_tree KREL -> dir with boot/vmlinuz-KREL and lib/modules/KREL (depmod done).
kernel_tree() {
    local krel=$1 dir deb
    dir=$LAB_CACHE/kernels/$krel
    if [ -f "$dir/.ok" ] && [ -f "$dir/boot/vmlinuz-$krel" ] &&
       [ "$(stat -c %s "$dir/boot/vmlinuz-$krel")" = "$(cat "$dir/.ok")" ]; then
        echo "$dir"; return
    fi
    deb=$(fetch_deb "linux-image-$krel") || exit 1
    rm -rf "$dir"; mkdir -p "$dir"
    lab_log "extracting linux-image-$krel"
    dpkg-deb -x "$deb" "$dir" || lab_die "cannot extract $deb"
    [ -f "$dir/boot/vmlinuz-$krel" ] || lab_die "no boot/vmlinuz-$krel in $deb"
    depmod -b "$dir" "$krel" || lab_die "depmod failed for $krel"
    stat -c %s "$dir/boot/vmlinuz-$krel" > "$dir/.ok"
    echo "$dir"
}

# kernel_vmlinux KREL -> path of the debug vmlinux (extracted from the -dbg package, verified).
kernel_vmlinux() {
    local krel=$1 dir=$LAB_CACHE/vmlinux deb out tmp
    out=$dir/vmlinux-$krel
    mkdir -p "$dir"
    if [ -f "$out" ] && [ -f "$out.ok" ] && [ "$(stat -c %s "$out")" = "$(cat "$out.ok")" ]; then
        echo "$out"; return
    fi
    deb=$(fetch_deb "linux-image-$krel-dbg") || exit 1
    lab_log "extracting vmlinux-$krel from $(basename "$deb")"
    tmp=$(mktemp -d "$dir/x.XXXXXX")
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./usr/lib/debug/boot/vmlinux-$krel" ||
        { rm -rf "$tmp"; lab_die "cannot extract vmlinux-$krel from $deb"; }
    mv "$tmp/usr/lib/debug/boot/vmlinux-$krel" "$out"; rm -rf "$tmp"
    # An ELF file that is not truncated: its section headers lie inside it.
    readelf -h "$out" >/dev/null 2>&1 && readelf -S "$out" >/dev/null 2>&1 ||
        { rm -f "$out"; lab_die "extracted vmlinux-$krel is not a valid ELF file"; }
    stat -c %s "$out" > "$out.ok"
    echo "$out"
}

# Modules the guests load, in order (dependencies first), as paths relative to the tree.
GUEST_MODULES=(virtio_pci virtio_blk e1000 nvme ext4 qemu_fw_cfg)
CAPTURE_MODULES=(virtio_pci virtio_blk ext4)

module_order() {   # module_order TREE KREL MOD... -> relative .ko(.xz) paths, deduplicated
    local tree=$1 krel=$2; shift 2
    local m
    for m in "$@"; do
        modprobe -d "$tree" -S "$krel" --show-depends "$m" 2>/dev/null | awk '$1=="insmod" {print $2}'
    done | awk '!seen[$0]++' | sed "s|^$tree/||"
}

# Copy a dynamically linked host binary and its libraries into ROOT.
copy_binary() {
    local root=$1 bin=$2 lib
    install -D -m 0755 "$bin" "$root$bin"
    for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
        [ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
    done
}

# A hash of everything that shapes a guest: lab scripts and the scenario file.
lab_scripts_hash() {
    cat "$LAB_DIR"/lib.sh "$LAB_DIR"/guest-init.sh "$LAB_DIR"/run-guest.py \
        "$LAB_DIR"/make-dumps.sh "$LAB_DIR"/facts2json.py "$LAB_DIR"/drgn-dmesg.py | sha256sum | cut -c1-16
}

# build_core_initrd TREE KREL -> path of core.cpio.gz: busybox, kexec, makedumpfile,
# modules and /init; shared by the primary guest and the capture kernel.
build_core_initrd() {
    local tree=$1 krel=$2 hash dir out root m base
    hash=$(lab_scripts_hash)
    dir=$LAB_CACHE/initrd/$krel; out=$dir/core-$hash.cpio.gz
    if [ -s "$out" ]; then touch "$out"; echo "$out"; return; fi
    # Other versions may belong to another checkout sharing this cache (4 MB
    # each): only those unused for a week go.
    mkdir -p "$dir"; find "$dir" -name 'core-*.cpio.gz' -mtime +7 -delete
    root=$(mktemp -d "$dir/root.XXXXXX")
    mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,mnt,etc,lib/modules,run}
    install -m 0755 /bin/busybox "$root/bin/busybox"
    copy_binary "$root" /usr/sbin/kexec
    copy_binary "$root" /usr/bin/makedumpfile
    install -m 0755 "$LAB_DIR/guest-init.sh" "$root/init"
    : > "$root/lib/modules/primary.list"; : > "$root/lib/modules/capture.list"
    for m in $(module_order "$tree" "$krel" "${GUEST_MODULES[@]}"); do
        base=$(basename "$m"); base=${base%.xz}
        case "$m" in
            *.xz) xz -dc "$tree/$m" > "$root/lib/modules/$base" ;;
            *.zst) base=${base%.zst}; zstd -qdc "$tree/$m" > "$root/lib/modules/$base" ;;
            *) cp "$tree/$m" "$root/lib/modules/$base" ;;
        esac
        echo "$base" >> "$root/lib/modules/primary.list"
    done
    for m in $(module_order "$tree" "$krel" "${CAPTURE_MODULES[@]}"); do
        base=$(basename "$m"); base=${base%.xz}; base=${base%.zst}
        echo "$base" >> "$root/lib/modules/capture.list"
    done
    (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp" ||
        lab_die "cannot build the initramfs"
    mv "$out.tmp" "$out"; rm -rf "$root"
    echo "$out"
}

# cpio_of DIR -> gzip'ed newc archive of DIR on stdout.
cpio_of() { (cd "$1" && find . | cpio -o -H newc --quiet | gzip -1); }

# kernel_headers KREL -> a kbuild directory for out-of-tree modules: Debian's
# linux-headers-KREL plus the -common and linux-kbuild packages it depends on,
# extracted side by side into the cache (no system-wide install).
kernel_headers() {
    local krel=$1 dir pkgs p deb
    dir=$LAB_CACHE/headers/$krel
    if [ -f "$dir/.ok" ] && [ -f "$dir/usr/src/linux-headers-$krel/Makefile" ]; then
        echo "$dir/usr/src/linux-headers-$krel"; return
    fi
    pkgs=("linux-headers-$krel")
    for p in $(apt-cache depends "linux-headers-$krel" 2>/dev/null |
               sed -n 's/^ *|\{0,1\}Depends: \(linux-\(headers\|kbuild\)-[^ ]*\)$/\1/p'); do
        pkgs+=("$p")
    done
    rm -rf "$dir"; mkdir -p "$dir"
    for p in "${pkgs[@]}"; do
        deb=$(fetch_deb "$p") || exit 1
        dpkg-deb -x "$deb" "$dir" || lab_die "cannot extract $deb"
    done
    # The top Makefile includes the -common tree by absolute path: point it into the cache.
    sed -i "s|/usr/src/|$dir/usr/src/|" "$dir/usr/src/linux-headers-$krel/Makefile"
    [ -d "$dir/usr/src/linux-headers-$krel/scripts/" ] || lab_die "headers of $krel lack scripts (linux-kbuild missing?)"
    touch "$dir/.ok"
    echo "$dir/usr/src/linux-headers-$krel"
}

# build_module KREL SRC_DIR NAME -> path of NAME.ko built from SRC_DIR (Kbuild) for KREL, cached
# by the hash of the sources. BTF for modules is switched off (pahole is not a lab dependency).
# A module's build folder: a copy of its source folder, then, if the folder
# has a prepare.sh (module/iommu_ref_flush copies the library's flush code
# in), that script run on the copy.  Prints the folder.
module_tree() {   # module_tree SRC
    local src=$1 work
    mkdir -p "$LAB_CACHE/modules"
    work=$(mktemp -d "$LAB_CACHE/modules/build.XXXXXX") || lab_die "cannot make a module build folder"
    cp -r "$src"/. "$work/"
    if [ -f "$src/prepare.sh" ]; then
        sh "$src/prepare.sh" "$work" || lab_die "$src/prepare.sh failed"
    fi
    echo "$work"
}

# qemu_source_version -> the Debian source version of the installed
# qemu-system-x86 (e.g. 1:7.2+dfsg-7+deb12u18): the lab's fault-reporting QEMU
# is built from that source (tests/lab/qemu/build.sh).
qemu_source_version() {
    dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null || echo unknown
}

tree_hash() {     # tree_hash DIR: hash of every file in it, names included
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

build_module() {
    local krel=$1 src=$2 name=$3 kdir hash out work
    [ -d "$src" ] || lab_die "module source $src does not exist"
    work=$(module_tree "$src")
    hash=$(tree_hash "$work")
    out=$LAB_CACHE/modules/$krel/$name-$hash.ko
    if [ -s "$out" ]; then rm -rf "$work"; echo "$out"; return; fi
    kdir=$(kernel_headers "$krel") || exit 1
    make -s -C "$kdir" M="$work" CONFIG_DEBUG_INFO_BTF_MODULES= modules > "$work/build.log" 2>&1 ||
        { tail -n 20 "$work/build.log" >&2; lab_die "building module $name for $krel failed (log: $work/build.log)"; }
    [ -s "$work/$name.ko" ] || lab_die "module build for $krel produced no $name.ko"
    mkdir -p "$(dirname "$out")"; mv "$work/$name.ko" "$out"; rm -rf "$work"
    echo "$out"
}
