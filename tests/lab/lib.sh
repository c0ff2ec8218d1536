# shellcheck shell=bash
# Common helpers for the vmcore lab: cache, Debian kernel packages, initramfs.
# Sourced by make-dumps.sh and run-tests.sh; nothing here runs on its own.
#
# Environment knobs (all optional):
#   IOMMU_LAB_CACHE         cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/iommu-inflight/lab)
#   IOMMU_LAB_KREL_6_1      pin the 6.1 kernel release, e.g. 6.1.0-56-amd64
#   IOMMU_LAB_KREL_6_12     pin the 6.12 kernel release, e.g. 6.12.117+deb12-amd64
#   IOMMU_LAB_KREL_5_10     pin the 5.10 release (bullseye-security), e.g. 5.10.0-46-amd64
#   IOMMU_LAB_KREL_6_12_deb13  pin trixie's 6.12, e.g. 6.12.117+deb13-amd64
#   IOMMU_LAB_KREL_7_x      pin the 7.x release (trixie-backports), e.g. 7.3.4+deb13-amd64
#   IOMMU_LAB_OUT           output root (default tests/dumps/out)
#   IOMMU_LAB_SCENARIOS     scenario folder (default tests/dumps/scenarios)
#   IOMMU_LAB_TIMEOUT       seconds one QEMU run may take (default 180)
#   IOMMU_LAB_QEMU_FAULTS   use this qemu-system-x86_64 for QEMU=lab-faults scenarios
#                           instead of building tests/lab/qemu (for work on the splice)

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lab/cache.sh
. "$LAB_DIR/cache.sh"
# shellcheck source=tests/lab/chroot.sh
. "$LAB_DIR/chroot.sh"
REPO_DIR=$(cd "$LAB_DIR/../.." && pwd)
LAB_CACHE=${IOMMU_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-inflight/lab}
LAB_OUT=${IOMMU_LAB_OUT:-$REPO_DIR/tests/dumps/out}
SCEN_DIR=${IOMMU_LAB_SCENARIOS:-$REPO_DIR/tests/dumps/scenarios}

# apt must not wait forever on an unreachable mirror.
APT_NET_OPTS=(-o Acquire::http::Timeout=20 -o Acquire::https::Timeout=20 -o Acquire::Retries=1
              -o APT::Sandbox::User=root)

lab_log()  { printf '%s lab: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lab_die()  { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

# host_mirror SUITE -> the archive URI that the host's own apt sources use for
# SUITE (one-line .list and deb822 .sources files alike), for the lab's private
# source lists; the host's sources are only read.
host_mirror() {
    local uri
    uri=$(python3 - "$1" /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null <<'PY'
import sys, re
suite, files = sys.argv[1], sys.argv[2:]
for f in files:
    try:
        text = open(f).read()
    except OSError:
        continue
    if f.endswith(".sources"):
        for stanza in re.split(r"\n\s*\n", text):
            fields = {}
            for line in stanza.splitlines():
                if line.startswith("#") or ":" not in line:
                    continue
                k, v = line.split(":", 1)
                fields[k.strip().lower()] = v.split()
            if suite in fields.get("suites", []) and fields.get("uris"):
                print(fields["uris"][0]); sys.exit(0)
    else:
        for line in text.splitlines():
            w = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
            if len(w) >= 3 and w[0] in ("deb", "deb-src") and w[2] == suite:
                print(w[1]); sys.exit(0)
sys.exit(1)
PY
)
    [ -n "$uri" ] || lab_die "no apt source of this host serves the suite '$1' (/etc/apt/sources.list*): cannot pick a mirror"
    echo "${uri%/}"
}

# Kernel series and the Debian suites they come from.  The host's own apt
# serves 6.1 and 6.12 (bookworm); the others come through a private apt
# configuration in the cache (lab_apt_use), never the host's sources.
LAB_SERIES=(5.10 6.1 6.12 6.12-deb13 7.x)
LAB_APT_OPTS=()        # extra apt options for the series in use; empty: the host's apt

series_suites() {      # series_suites SERIES -> private suites, or nothing for the host's
    case "$1" in
        5.10) echo bullseye bullseye-security ;;
        6.12-deb13|7.x) echo trixie trixie-backports ;;
        trixie) echo trixie ;;
        sid) echo sid ;;
    esac
}

# lab_apt_use SERIES|sid: point LAB_APT_OPTS at that series' private lists
# ($LAB_CACHE/apt/<suites>), fetching the indexes when they are missing or
# older than 12 hours (one run at a time, under a lock).  The mirror is the
# one the host's sources use (the security archive for *-security).
lab_apt_use() {
    local suites name dir main sec line su
    suites=$(series_suites "$1")
    LAB_APT_OPTS=()
    [ -n "$suites" ] || return 0
    name=${suites// /+}; dir=$LAB_CACHE/apt/$name
    LAB_APT_OPTS=(-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
                  -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
                  -o Dir::State::status=/dev/null -o Dir::Etc::Preferences=/dev/null
                  -o Dir::Etc::PreferencesParts=/dev/null)
    mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$LAB_CACHE/locks/apt"
    (
        flock -w 900 8 || lab_die "the apt lists $dir stay locked"
        if [ -f "$dir/.updated" ] && [ -z "$(find "$dir/.updated" -mmin +720)" ]; then exit 0; fi
        main=$(host_mirror bookworm) || exit 1
        sec=$(host_mirror bookworm-security 2>/dev/null) || sec=${main%/debian}/debian-security
        : > "$dir/sources.list.tmp"
        for su in $suites; do
            case "$su" in *-security) line="deb $sec $su main" ;; *) line="deb $main $su main" ;; esac
            echo "$line" >> "$dir/sources.list.tmp"
        done
        mv "$dir/sources.list.tmp" "$dir/sources.list"
        lab_say "fetching the package lists of $suites (private apt lists in $dir)"
        apt-get -qq "${APT_NET_OPTS[@]}" "${LAB_APT_OPTS[@]}" update > "$dir/update.log" 2>&1 ||
            { cat "$dir/update.log" >&2; lab_die "apt-get update of $suites failed: is $main reachable?"; }
        touch "$dir/.updated"
    ) 8> "$LAB_CACHE/locks/apt/$name.lock" || exit 1
}

# The metapackage that names the current kernel of a series (bookworm's).
kernel_meta() {
    case "$1" in
        6.1)  echo linux-image-amd64 ;;
        6.12) echo linux-image-6.12-amd64 ;;
        5.10|6.12-deb13|7.x) echo "" ;;
        *) lab_die "unknown kernel series '$1' (known: ${LAB_SERIES[*]})" ;;
    esac
}

# The image packages of a private series: the newest one wins.
kernel_name_pattern() {
    case "$1" in
        5.10) echo '^linux-image-5\.10\.0-[0-9]+-amd64$' ;;
        6.12-deb13) echo '^linux-image-6\.12\.[0-9]+\+deb13-amd64$' ;;
        7.x) echo '^linux-image-7\.[0-9]+\.[0-9]+\+deb13-amd64$' ;;
    esac
}

# kernel_release SERIES -> e.g. 6.1.0-56-amd64. Pinned by IOMMU_LAB_KREL_<series>
# (dots and dashes as underscores).
kernel_release() {
    local series=$1 var pkg meta
    var=IOMMU_LAB_KREL_${series//[.-]/_}
    if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
    meta=$(kernel_meta "$series")
    if [ -n "$meta" ]; then
        pkg=$(apt-cache "${LAB_APT_OPTS[@]}" depends "$meta" 2>/dev/null |
              sed -n 's/^ *Depends: linux-image-\(.*-amd64\)\(-unsigned\)\?$/\1/p' | head -n1)
    else
        pkg=$(apt-cache "${LAB_APT_OPTS[@]}" search --names-only "$(kernel_name_pattern "$series")" 2>/dev/null |
              awk '{print $1}' | sed 's/^linux-image-//' | sort -V | tail -n1)
    fi
    [ -n "$pkg" ] || lab_die "cannot resolve the kernel of series $series with apt-cache (private lists: ${LAB_APT_OPTS[*]:-host}; or pin $var)"
    echo "$pkg"
}

# apt_field PKG FIELD -> the field of the candidate version (first stanza).
apt_field() {
    apt-cache "${LAB_APT_OPTS[@]}" show "$1" 2>/dev/null | awk -v f="$2:" '$1==f {print $2; exit}'
}

# deb_info PKG -> "VERSION FILE SIZE SHA256" of the version apt would install,
# all four from one stanza of the archive's index.
deb_info() {
    local ver info file size sha
    ver=$(apt-cache "${LAB_APT_OPTS[@]}" policy "$1" 2>/dev/null | awk '$1=="Candidate:" {print $2; exit}')
    [ -n "$ver" ] && [ "$ver" != "(none)" ] ||
        lab_die "package $1 is not known to apt (gone from the mirror? run 'apt-get update' or pin another release)"
    info=$(apt-cache "${LAB_APT_OPTS[@]}" show "$1=$ver" 2>/dev/null | awk '
        $1=="Filename:" {f=$2} $1=="Size:" {z=$2} $1=="SHA256:" {h=$2}
        /^$/ && f {exit} END {print f, z, h}')
    read -r file size sha <<< "$info"
    [ -n "${sha:-}" ] || lab_die "apt-cache show $1=$ver gives no Filename/Size/SHA256"
    echo "$ver $(basename "$file") $size $sha"
}

# fetch_deb PKG -> path of the package's .deb in the cache, downloaded if it is
# missing or fails its check (size and SHA-256 as the archive's index gives them).
fetch_deb() {
    local pkg=$1 ver base size sha dir
    read -r ver base size sha <<< "$(deb_info "$pkg")" || exit 1
    [ -n "$sha" ] || exit 1
    dir=$(cache_get debs "${base%.deb}" deb_verify deb_produce "$pkg" "$ver" "$base" "$size" "$sha") || exit 1
    echo "$dir/$base"
}

deb_verify() {    # deb_verify DIR PKG VER BASE SIZE SHA
    local dir=$1 base=$4 size=$5 sha=$6
    [ -f "$dir/$base" ] || { echo "no $base in $dir"; return 1; }
    [ "$(stat -c %s "$dir/$base")" = "$size" ] ||
        { echo "$base has $(stat -c %s "$dir/$base") bytes where the archive says $size"; return 1; }
    grep -qx "$sha  ./$base" "$dir/.sha256" ||
        { echo "the SHA-256 of $base is not the archive's $sha"; return 1; }
}

deb_produce() {   # deb_produce TMP PKG VER BASE SIZE SHA
    local tmp=$1 pkg=$2 ver=$3 base=$4 size=$5
    lab_say "downloading $pkg $ver ($((size / 1048576)) MB)"
    # apt-get download writes into the current folder.
    (cd "$tmp" && with_progress "download of $pkg" "$tmp" \
        timeout 900 apt-get download -q "${APT_NET_OPTS[@]}" "${LAB_APT_OPTS[@]}" "$pkg=$ver") ||
        { echo "apt-get download $pkg=$ver failed: is the Debian mirror reachable?"; return 1; }
    # apt names the file after the version with ':' escaped; the archive's name is the one to keep.
    [ -f "$tmp/$base" ] || mv "$tmp"/*.deb "$tmp/$base" 2>/dev/null ||
        { echo "apt-get download $pkg did not produce $base"; ls -la "$tmp"; return 1; }
}

# deb_tag PKG -> the first 12 hex digits of the package's SHA-256 in the
# archive's index: artefacts made from a package are keyed by it, so a
# rebuilt package (same name, new bytes) makes them anew.
deb_tag() { local i; i=$(deb_info "$1") || exit 1; set -- $i; echo "${4:0:12}"; }

# kernel_tree KREL -> dir with boot/vmlinuz-KREL and lib/modules/KREL (depmod done).
kernel_tree() {
    local krel=$1 tag
    tag=$(deb_tag "linux-image-$krel") || exit 1
    cache_get kernels "$krel-$tag" kernel_tree_verify kernel_tree_produce "$krel"
}

kernel_tree_produce() {   # kernel_tree_produce TMP KREL
    local tmp=$1 krel=$2 deb p pkgs v
    # 7.x: linux-image-REL is a metapackage; the kernel is in
    # linux-binary-REL (usr/lib/modules/REL/vmlinuz*), the modules in
    # linux-modules-REL.  Before, linux-image-REL holds both.
    if [ -n "$(apt_field "linux-binary-$krel" Version)" ]; then
        pkgs=("linux-binary-$krel" "linux-modules-$krel")
    else
        pkgs=("linux-image-$krel")
    fi
    for p in "${pkgs[@]}"; do
        deb=$(fetch_deb "$p") || return 1
        lab_say "extracting $p"
        dpkg-deb -x "$deb" "$tmp" || { echo "cannot extract $deb"; return 1; }
    done
    # Trixie and 7.x ship modules under usr/lib/modules (merged /usr).
    if [ ! -d "$tmp/lib/modules/$krel" ] && [ -d "$tmp/usr/lib/modules/$krel" ]; then
        mkdir -p "$tmp/lib/modules"; mv "$tmp/usr/lib/modules/$krel" "$tmp/lib/modules/$krel"
    fi
    if [ ! -s "$tmp/boot/vmlinuz-$krel" ]; then
        for v in "$tmp/lib/modules/$krel"/vmlinuz*; do
            [ -s "$v" ] || continue
            mkdir -p "$tmp/boot"; cp "$v" "$tmp/boot/vmlinuz-$krel"; break
        done
    fi
    [ -s "$tmp/boot/vmlinuz-$krel" ] || { echo "no vmlinuz for $krel in ${pkgs[*]}"; return 1; }
    depmod -b "$tmp" "$krel" || { echo "depmod failed for $krel"; return 1; }
}

kernel_tree_verify() {    # kernel_tree_verify DIR KREL
    [ -s "$1/boot/vmlinuz-$2" ] || { echo "no boot/vmlinuz-$2"; return 1; }
    [ -s "$1/lib/modules/$2/modules.dep" ] || { echo "no lib/modules/$2/modules.dep (depmod)"; return 1; }
}

# kernel_vmlinux KREL -> path of the debug vmlinux (from the -dbg package).
kernel_vmlinux() {
    local krel=$1 tag dir
    tag=$(deb_tag "linux-image-$krel-dbg") || exit 1
    dir=$(cache_get vmlinux "$krel-$tag" vmlinux_verify vmlinux_produce "$krel") || exit 1
    echo "$dir/vmlinux-$krel"
}

vmlinux_produce() {       # vmlinux_produce TMP KREL
    local tmp=$1 krel=$2 deb f
    deb=$(fetch_deb "linux-image-$krel-dbg") || return 1
    lab_say "extracting vmlinux-$krel from $(basename "$deb")"
    # 7.x: usr/lib/debug/boot/vmlinux-REL is a symlink to
    # ../lib/modules/REL/vmlinux; both are asked for, one is missing.
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards "./usr/lib/debug/boot/vmlinux-$krel" \
        "./usr/lib/debug/lib/modules/$krel/vmlinux" 2>/dev/null
    f=$tmp/usr/lib/debug/boot/vmlinux-$krel
    [ -L "$f" ] && f=$tmp/usr/lib/debug/lib/modules/$krel/vmlinux
    [ -f "$f" ] && [ ! -L "$f" ] || { echo "no vmlinux-$krel in $deb"; return 1; }
    mv "$f" "$tmp/vmlinux-$krel" && rm -rf "$tmp/usr"
}

vmlinux_verify() {        # vmlinux_verify DIR KREL: an ELF file whose section headers lie inside it, with DWARF
    local f=$1/vmlinux-$2
    [ -s "$f" ] || { echo "no vmlinux-$2"; return 1; }
    readelf -h "$f" >/dev/null 2>&1 && readelf -S -W "$f" 2>/dev/null | grep -q ' \.debug_info ' ||
        { echo "vmlinux-$2 is not an ELF file with .debug_info"; return 1; }
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

# A makedumpfile newer than the host's 1.7.2, for kernels 1.7.2 does not
# know (it filtered out the command ring, event log and device-table pages
# of a 7.3 capture at -d 31): sid's package with the libraries it needs,
# extracted side by side into one root that carries its own ld.so, so that
# the busybox initramfs can run it (/opt/mdf/run).  Prints the root.
MDF_PACKAGES=(makedumpfile libc6 libdw1t64 libelf1t64 liblzo2-2 libzstd1 zlib1g libbz2-1.0 liblzma5 libgcc-s1)
makedumpfile_root() {
    local tag
    lab_apt_use sid || exit 1
    tag=$(deb_tag makedumpfile) || exit 1
    cache_get mdf "sid-$tag" mdf_verify mdf_produce
}

mdf_produce() {           # mdf_produce TMP
    local tmp=$1 p deb
    for p in "${MDF_PACKAGES[@]}"; do
        deb=$(fetch_deb "$p") || return 1
        dpkg-deb -x "$deb" "$tmp/root" || { echo "cannot extract $deb"; return 1; }
    done
    cat > "$tmp/root/run" <<'SH'
#!/bin/sh
# sid's makedumpfile with sid's libraries (tests/lab/lib.sh makedumpfile_root)
r=/opt/mdf
exec "$r/usr/lib64/ld-linux-x86-64.so.2" --library-path "$r/usr/lib/x86_64-linux-gnu:$r/lib/x86_64-linux-gnu" \
    "$r/usr/bin/makedumpfile" "$@"
SH
    chmod 0755 "$tmp/root/run"
    rm -rf "$tmp/root/usr/share"
    "$tmp/root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$tmp/root/usr/lib/x86_64-linux-gnu" \
        "$tmp/root/usr/bin/makedumpfile" -v > "$tmp/version" 2>&1 ||
        { cat "$tmp/version"; echo "sid's makedumpfile does not run with its libraries"; return 1; }
}

mdf_verify() {            # mdf_verify DIR
    [ -x "$1/root/run" ] && [ -x "$1/root/usr/bin/makedumpfile" ] ||
        { echo "no makedumpfile root"; return 1; }
    grep -q 'makedumpfile: version' "$1/version" || { echo "its version check failed: $(head -c 200 "$1/version")"; return 1; }
}

# Which makedumpfile filters a series' dump: sid's for 7.x, the host's otherwise.
series_makedumpfile() { case "$1" in 7.x) echo sid ;; *) echo host ;; esac; }

# The dump level: 31 (what distributions use) where makedumpfile keeps the
# IOMMU's pages; on 7.x even sid's 1.7.8 at -d 31 drops the command ring and
# event log (compound pages of the iommu-pages allocator; measured on
# 7.3.4), so those dumps keep everything but zero pages (-d 1).
series_dump_level() { case "$1" in 7.x) echo 1 ;; *) echo 31 ;; esac; }

# build_core_initrd TREE KREL -> path of core.cpio.gz: busybox, kexec, makedumpfile,
# modules and /init; shared by the primary guest and the capture kernel.
build_core_initrd() {
    local tree=$1 krel=$2 mdf=${3:-} key dir
    key=$(basename "$tree")-$(lab_scripts_hash)
    [ -z "$mdf" ] || key=$key-$(basename "$(dirname "$mdf")")
    dir=$(cache_get initrd "$key" initrd_verify initrd_produce "$tree" "$krel" "$mdf") || exit 1
    touch "$dir/.complete"   # in use: kept by initrd_sweep
    initrd_sweep "$key"
    echo "$dir/core.cpio.gz"
}

# Images of other lab scripts may belong to another checkout sharing this
# cache (4 MB each): only those unused for a week go.
initrd_sweep() {
    local keep=$1 d old
    for d in "$LAB_CACHE"/initrd/*/; do
        d=${d%/}
        [ "$(basename "$d")" != "$keep" ] && [ -f "$d/.complete" ] &&
            [ -n "$(find "$d/.complete" -mtime +7)" ] || continue
        old=$(mktemp -u "$LAB_CACHE/initrd/.old.sweep.XXXXXX")
        mv -T "$d" "$old" 2>/dev/null && rm -rf "$old"
    done
}

initrd_produce() {        # initrd_produce TMP TREE KREL [MDF_ROOT]
    local tmp=$1 tree=$2 krel=$3 mdf=${4:-} root m base
    root=$tmp/root
    mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,mnt,etc,lib/modules,run}
    install -m 0755 /bin/busybox "$root/bin/busybox"
    copy_binary "$root" /usr/sbin/kexec
    copy_binary "$root" /usr/bin/makedumpfile
    if [ -n "$mdf" ]; then mkdir -p "$root/opt"; cp -a "$mdf" "$root/opt/mdf"; fi
    install -m 0755 "$LAB_DIR/guest-init.sh" "$root/init"
    : > "$root/lib/modules/primary.list"; : > "$root/lib/modules/capture.list"
    for m in $(module_order "$tree" "$krel" "${GUEST_MODULES[@]}"); do
        base=$(basename "$m"); base=${base%.xz}
        case "$m" in
            *.xz) xz -dc "$tree/$m" > "$root/lib/modules/$base" ;;
            *.zst) base=${base%.zst}; zstd -qdc "$tree/$m" > "$root/lib/modules/$base" ;;
            *) cp "$tree/$m" "$root/lib/modules/$base" ;;
        esac || return 1
        echo "$base" >> "$root/lib/modules/primary.list"
    done
    for m in $(module_order "$tree" "$krel" "${CAPTURE_MODULES[@]}"); do
        base=$(basename "$m"); base=${base%.xz}; base=${base%.zst}
        echo "$base" >> "$root/lib/modules/capture.list"
    done
    [ -s "$root/lib/modules/primary.list" ] || { echo "no guest modules found in $tree for $krel"; return 1; }
    cpio_of "$root" > "$tmp/core.cpio.gz" || { echo "cannot build the initramfs"; return 1; }
    rm -rf "$root"
}

initrd_verify() {         # initrd_verify DIR: a whole gzip stream holding /init
    gzip -t "$1/core.cpio.gz" 2>/dev/null || { echo "core.cpio.gz is not a whole gzip file"; return 1; }
    gzip -dc "$1/core.cpio.gz" | cpio -it --quiet 2>/dev/null | grep -qx init ||
        { echo "core.cpio.gz has no /init"; return 1; }
}

# cpio_of DIR -> gzip'ed newc archive of DIR on stdout.
cpio_of() { (cd "$1" && find . | cpio -o -H newc --quiet | gzip -1); }

# kbuild_modules KDIR WORK: build the out-of-tree modules in WORK.  Debian's
# headers name the compiler the kernel was built with (bullseye's 5.10:
# x86_64-linux-gnu-gcc-10; trixie's 6.12 and 7.x: x86_64-linux-gnu-gcc-14).
# When this host lacks it, the build runs in the chroot of the suite that
# has it (chroot.sh: trixie for gcc-14, whose flags bookworm's gcc-12 does
# not know), or else with the host's gcc (bookworm's gcc-12 builds 5.10's).
kbuild_modules() {
    local kdir=$1 work=$2 log cc suite root w
    log=$(mktemp "${TMPDIR:-/tmp}/iommu-lab-kbuild.XXXXXX")
    if make -s -C "$kdir" M="$work" CONFIG_DEBUG_INFO_BTF_MODULES= modules > "$log" 2>&1; then
        cat "$log"; rm -f "$log"; return 0
    fi
    cc=$(sed -n 's/^.*: \([^ :]*gcc-[0-9]*\): not found.*$/\1/p; s/^.*\(x86_64-linux-gnu-gcc-[0-9]*\): .*No such file.*$/\1/p' "$log" | head -n1)
    if [ -z "$cc" ]; then
        cat "$log"; rm -f "$log"; return 1
    fi
    rm -f "$log"
    suite=$(compiler_suite "$cc")
    if [ -n "$suite" ]; then
        echo "(the kernel's compiler $cc is not on this host: building in a $suite chroot)"
        root=$(lab_chroot "$suite")/root || return 1
        w=$(chroot_work "$root")
        # the extracted headers packages (usr/src and the usr/lib/linux-kbuild-*
        # their scripts link to, relatively) as hard links when it can
        cp -al "${kdir%/usr/src/*}/usr" "$w/usr" 2>/dev/null || cp -a "${kdir%/usr/src/*}/usr" "$w/usr" || return 1
        mkdir "$w/m" && cp -a "$work/." "$w/m/" || return 1
        if chroot_run "$root" "$w" make -s -C "${w#"$root"}/usr/src/$(basename "$kdir")" M="${w#"$root"}/m" \
                CONFIG_DEBUG_INFO_BTF_MODULES= modules; then
            cp -a "$w/m/." "$work/"; rm -rf "$w"; return 0
        fi
        rm -rf "$w"; return 1
    fi
    echo "(the kernel's compiler $cc is not on this host: building with $(gcc -dumpfullversion 2>/dev/null | sed 's/^/gcc /'))"
    make -s -C "$kdir" M="$work" CONFIG_DEBUG_INFO_BTF_MODULES= CC=gcc HOSTCC=gcc modules
}

# kernel_headers KREL -> a kbuild directory for out-of-tree modules: Debian's
# linux-headers-KREL plus the -common and linux-kbuild packages it depends on,
# extracted side by side into the cache (no system-wide install).  Checked
# by building tests/lab/modules/labnop against it before it is published.
# krel_series KREL -> the lab series whose apt lists know that kernel's packages
krel_series() {
    case "$1" in
        5.10.*) echo 5.10 ;;
        *+deb13-*) echo 7.x ;;          # trixie + trixie-backports, as 6.12-deb13
        *) echo 6.1 ;;                  # the host's bookworm lists
    esac
}

kernel_headers() {
    local krel=$1 tag dir
    # Its own series' lists, not whichever series was prepared last: a module
    # built during the runs (its source changed under a running lab) once
    # asked trixie's lists for 5.10's headers.
    lab_apt_use "$(krel_series "$krel")"
    tag=$(deb_tag "linux-headers-$krel") || exit 1
    dir=$(cache_get headers "$krel-$tag" headers_verify headers_produce "$krel") || exit 1
    echo "$dir/usr/src/linux-headers-$krel"
}

headers_produce() {       # headers_produce TMP KREL
    local tmp=$1 krel=$2 pkgs p deb kdir work
    pkgs=("linux-headers-$krel")
    for p in $(apt-cache "${LAB_APT_OPTS[@]}" depends "linux-headers-$krel" 2>/dev/null |
               sed -n 's/^ *|\{0,1\}Depends: \(linux-\(headers\|kbuild\)-[^ ]*\)$/\1/p'); do
        pkgs+=("$p")
    done
    for p in "${pkgs[@]}"; do
        deb=$(fetch_deb "$p") || return 1
        dpkg-deb -x "$deb" "$tmp" || { echo "cannot extract $deb"; return 1; }
    done
    kdir=$tmp/usr/src/linux-headers-$krel
    [ -f "$kdir/Makefile" ] || { echo "linux-headers-$krel has no Makefile"; return 1; }
    # The top Makefile includes the -common tree by absolute path; include it
    # relative to this Makefile instead, so that the tree works where it is
    # published (and here, before the rename).
    sed -i 's|^include /usr/src/|include $(dir $(lastword $(MAKEFILE_LIST)))../|' "$kdir/Makefile"
    # 7.x's also names its own folder as KBUILD_OUTPUT: the folder it is in.
    sed -i 's|^KBUILD_OUTPUT=/usr/src/.*$|KBUILD_OUTPUT:=$(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))|' "$kdir/Makefile"
    [ -d "$kdir/scripts/" ] || { echo "headers of $krel lack scripts (linux-kbuild missing?)"; return 1; }
    work=$(mktemp -d "${TMPDIR:-/tmp}/iommu-lab-labnop.XXXXXX")
    cp -r "$LAB_DIR/modules/labnop/." "$work/"
    if ! kbuild_modules "$kdir" "$work" > "$work/build.log" 2>&1 ||
       [ "$(modinfo -F vermagic "$work/labnop.ko" 2>/dev/null | cut -d' ' -f1)" != "$krel" ]; then
        cat "$work/build.log"; rm -rf "$work"
        echo "a test build of tests/lab/modules/labnop against these headers failed"; return 1
    fi
    rm -rf "$work"
}

headers_verify() {        # headers_verify DIR KREL: the Makefile includes its -common tree relatively
    local mk=$1/usr/src/linux-headers-$2/Makefile
    [ -f "$mk" ] || { echo "no usr/src/linux-headers-$2/Makefile"; return 1; }
    grep -q '^include \$(dir \$(lastword \$(MAKEFILE_LIST)))\.\./linux-headers-[^/ ]*/Makefile$' "$mk" ||
        { echo "its Makefile does not include the -common tree relatively: $(head -c 200 "$mk")"; return 1; }
    [ -d "$1/usr/src/linux-headers-$2/scripts/" ] || { echo "no scripts/ (linux-kbuild)"; return 1; }
}

# build_module KREL SRC_DIR NAME -> path of NAME.ko built from SRC_DIR (Kbuild) for KREL, cached
# by the hash of the sources. BTF for modules is switched off (pahole is not a lab dependency).
# A module's build folder: a copy of its source folder, then, if the folder
# has a prepare.sh, that script run on the copy.  A module shipped as DKMS
# source (module/iommu_ref_flush: its dkms.conf) is built from the tree its
# package installs instead: `make install-dkms` into a scratch root, and its
# /usr/src/NAME-VERSION is the build folder, so the flush scenarios test
# what support teams roll out.  Prints the folder.
module_tree() {   # module_tree SRC
    local src=$1 work stage tree
    work=$(mktemp -d "${TMPDIR:-/tmp}/iommu-lab-module.XXXXXX") || lab_die "cannot make a module build folder"
    if [ -f "$src/dkms.conf" ]; then
        stage=$(mktemp -d "${TMPDIR:-/tmp}/iommu-lab-dkms.XXXXXX") || lab_die "cannot make a DKMS staging folder"
        make -s -C "$REPO_DIR" install-dkms DESTDIR="$stage" > "$stage.log" 2>&1 ||
            { cat "$stage.log" >&2; rm -rf "$stage" "$stage.log"; lab_die "make install-dkms failed"; }
        tree=$(find "$stage/usr/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
        [ -f "$tree/dkms.conf" ] || { rm -rf "$stage" "$stage.log"; lab_die "make install-dkms put no dkms.conf in $stage/usr/src"; }
        cp -r "$tree"/. "$work/"
        rm -rf "$stage" "$stage.log"
    else
        cp -r "$src"/. "$work/"
        if [ -f "$src/prepare.sh" ]; then
            sh "$src/prepare.sh" "$work" || lab_die "$src/prepare.sh failed"
        fi
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
    local krel=$1 src=$2 name=$3 work hash dir
    [ -d "$src" ] || lab_die "module source $src does not exist"
    work=$(module_tree "$src") || exit 1
    hash=$(tree_hash "$work")
    dir=$(cache_get "modules/$krel" "$name-$hash" module_verify module_produce "$krel" "$work" "$name")
    local rc=$?
    rm -rf "$work"
    [ "$rc" = 0 ] || exit 1
    echo "$dir/$name.ko"
}

module_produce() {        # module_produce TMP KREL WORK NAME
    local tmp=$1 krel=$2 work=$3 name=$4 kdir
    kdir=$(kernel_headers "$krel") || return 1
    lab_say "building module $name for $krel"
    kbuild_modules "$kdir" "$work" ||
        { echo "building module $name for $krel failed"; return 1; }
    [ -s "$work/$name.ko" ] || { echo "module build for $krel produced no $name.ko"; return 1; }
    cp "$work/$name.ko" "$tmp/$name.ko"
}

module_verify() {         # module_verify DIR KREL WORK NAME: a module for this kernel
    local v
    v=$(modinfo -F vermagic "$1/$4.ko" 2>/dev/null | cut -d' ' -f1)
    [ "$v" = "$2" ] || { echo "$4.ko is not a module for $2 (vermagic '${v:-none}')"; return 1; }
}
