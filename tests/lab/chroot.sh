# shellcheck shell=bash
# Chroots of other Debian suites, for the binaries a suite builds that this
# host cannot run or does not have: trixie's gcc-14 (the compiler trixie's
# 6.12 and trixie-backports' 7.x kernels were built with, which their module
# builds call by name) and the crash each suite ships, with what it takes to
# build the extension against that crash's defs.h.
#
#   lab_chroot SUITE            -> the chroot's root folder (debootstrap, cached)
#   chroot_work ROOT            -> a fresh private folder inside it (as a host path)
#   chroot_run ROOT WORK CMD... -> CMD inside, with a clean environment, HOME and TMPDIR in WORK
#
# A chroot is an artefact of the cache (cache.sh: locked, listed, hashed,
# verified, published by rename) keyed by the suite and the versions of the
# packages that matter, as the suite's current package lists give them: when
# the suite moves to a new crash or gcc, the key changes and the chroot is
# made again.  Jobs work only under ROOT/.lab-work (chroot_work), which the
# cache's listing leaves out; anything else a job wrote into the chroot
# shows as damage at the next use, and the chroot is made again.
#
# Needs root (debootstrap, chroot(8), unshare(1)); debootstrap itself is a Debian
# package of the host (tools/deps.sh).

# The packages of every lab chroot: a compiler and make for modules and for
# the extension, the suite's crash with its defs.h, libdw and libkdumpfile
# for a full build of the tool, kmod for modinfo.
CHROOT_PACKAGES="gcc make libc6-dev binutils pkg-config kmod crash libdw-dev libkdumpfile-dev"

# bookworm's and trixie's also have dkms: the package tests install the
# reference flush's DKMS package there (tests/package/test-packages.sh).
chroot_packages() {       # chroot_packages SUITE
    case "$1" in
        trixie) echo "$CHROOT_PACKAGES gcc-14 dkms" ;;   # the compiler of 6.12+deb13 and 7.x
        bookworm) echo "$CHROOT_PACKAGES dkms" ;;
        *) echo "$CHROOT_PACKAGES" ;;
    esac
}

# The candidate version of PACKAGE in SUITE's private package lists.
suite_candidate() {       # suite_candidate SUITE PACKAGE
    apt-cache "${LAB_APT_OPTS[@]}" policy "$2" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -n1
}

lab_chroot() {
    local suite=$1 crashv gccv key
    [ "$(id -u)" = 0 ] || lab_die "a $suite chroot needs root (debootstrap, chroot)"
    command -v debootstrap > /dev/null || lab_die "debootstrap is not installed (make deps)"
    lab_apt_use "$suite"
    crashv=$(suite_candidate "$suite" crash)
    gccv=$(suite_candidate "$suite" gcc)
    [ -n "$crashv" ] && [ "$crashv" != "(none)" ] ||
        lab_die "$suite's package lists have no crash package ($LAB_CACHE/apt/$suite)"
    key=$suite-crash_${crashv//[:~+]/_}-gcc_${gccv//[:~+]/_}-$(chroot_packages "$suite" | sha256sum | cut -c1-8)
    cache_get chroot "$key" chroot_verify chroot_produce "$suite" "$crashv" || exit 1
}

chroot_produce() {        # chroot_produce TMP SUITE CRASH_VERSION
    local tmp=$1 suite=$2 mirror pkgs
    mirror=$(host_mirror bookworm) || return 1
    pkgs=$(chroot_packages "$suite")
    lab_say "making a $suite chroot (debootstrap from $mirror: ${pkgs// /, })"
    debootstrap --variant=minbase --include="${pkgs// /,}" "$suite" "$tmp/root" "$mirror" ||
        { echo "debootstrap of $suite from $mirror failed"; tail -n 20 "$tmp/root/debootstrap/debootstrap.log" 2>/dev/null; return 1; }
    # what a build never reads: downloaded packages, translations, manuals
    rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/cache/apt/"*.bin \
           "$tmp/root/usr/share/locale" "$tmp/root/usr/share/doc" "$tmp/root/usr/share/man" \
           "$tmp/root/var/log/"* "$tmp/root/var/cache/debconf/"*-old
    mkdir -p "$tmp/root/.lab-work"
    chroot "$tmp/root" dpkg-query -W -f='${Package} ${Version}\n' > "$tmp/packages" ||
        { echo "dpkg-query in the new chroot failed"; return 1; }
    echo "$suite" > "$tmp/suite"
}

chroot_verify() {         # chroot_verify DIR SUITE CRASH_VERSION
    local dir=$1 suite=$2 crashv=$3 got
    [ -x "$dir/root/usr/bin/crash" ] || { echo "no usr/bin/crash"; return 1; }
    [ -f "$dir/root/usr/include/crash/defs.h" ] || { echo "no usr/include/crash/defs.h"; return 1; }
    [ "$(cat "$dir/suite" 2>/dev/null)" = "$suite" ] || { echo "not a $suite chroot"; return 1; }
    got=$(awk '$1 == "crash" { print $2 }' "$dir/packages")
    [ "$got" = "$crashv" ] || { echo "it holds crash $got, $suite has $crashv"; return 1; }
    chroot "$dir/root" /bin/sh -c 'gcc --version && make --version' > /dev/null 2>&1 ||
        { echo "its gcc or make does not run"; return 1; }
}

chroot_work() {           # chroot_work ROOT -> a private folder under ROOT/.lab-work
    local w
    w=$(mktemp -d "$1/.lab-work/job.XXXXXX") || lab_die "cannot make a folder in $1/.lab-work"
    mkdir -p "$w/tmp"
    echo "$w"
}

# CMD gets a /proc (objtool reads /proc/self/limits), mounted in a mount
# namespace of its own so that no other job, and no check of the cache,
# ever sees it in the chroot.  CHROOT_BINDS="PATH..." shows host folders
# (dumps, say) to CMD read-only, each host PATH at WORK/host/PATH inside
# (chroot_host_path); the mounts end with the namespace, and being
# read-only, a removal of WORK while one lives cannot reach the host's files.
#
# CHROOT_ENV="NAME=VALUE ..." adds to CMD's clean environment.
# CHROOT_SCRATCH=DIR (a host folder outside ROOT) runs CMD in a throw-away
# copy of the chroot instead: an overlay whose lower layer is ROOT and whose
# changes land in DIR, so CMD may install into /usr as on a fresh system
# (make install, dpkg -i) while the cached chroot stays as it was.
chroot_run() {            # chroot_run ROOT WORK CMD...: HOME and TMPDIR in WORK (from chroot_work)
    local root=$1 work=${2#"$1"}; shift 2
    # shellcheck disable=SC2086  # CHROOT_ENV: NAME=VALUE words for CMD's environment
    env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 ${CHROOT_ENV:-} \
        HOME="$work" TMPDIR="$work/tmp" LAB_BINDS="${CHROOT_BINDS:-}" LAB_WORK="$work" \
        LAB_SCRATCH="${CHROOT_SCRATCH:-}" \
        unshare --mount --propagation private -- \
        /bin/sh -c 'r=$0
            if [ -n "$LAB_SCRATCH" ]; then
                mkdir -p "$LAB_SCRATCH/upper" "$LAB_SCRATCH/ovl-work" "$LAB_SCRATCH/root" &&
                    mount -t overlay overlay -o "lowerdir=$r,upperdir=$LAB_SCRATCH/upper,workdir=$LAB_SCRATCH/ovl-work" \
                        "$LAB_SCRATCH/root" ||
                    { echo "chroot_run: cannot make a scratch copy of $r in $LAB_SCRATCH" >&2; exit 1; }
                r=$LAB_SCRATCH/root
            fi
            mount -t proc proc "$r/proc" || exit 1
            for p in $LAB_BINDS; do
                mkdir -p "$r$LAB_WORK/host$p" && mount --bind "$p" "$r$LAB_WORK/host$p" &&
                    mount -o remount,bind,ro "$r$LAB_WORK/host$p" ||
                    { echo "chroot_run: cannot show $p in the chroot" >&2; exit 1; }
            done
            unset LAB_BINDS LAB_WORK LAB_SCRATCH
            exec chroot "$r" "$@"' "$root" "$@"
}

chroot_host_path() {      # chroot_host_path ROOT WORK PATH -> PATH as CMD sees it (CHROOT_BINDS)
    echo "${2#"$1"}/host$3"
}

# compiler_suite GCC: the suite whose chroot has the compiler GCC
# (x86_64-linux-gnu-gcc-14), or nothing when no lab chroot has it.
compiler_suite() {
    case "$1" in
        *gcc-14) echo trixie ;;
    esac
}
