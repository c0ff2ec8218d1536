# shellcheck shell=bash
# The crash versions a support engineer opens dumps in, as Debian ships them:
# bookworm's on this host, trixie's and sid's in the lab's chroots of those
# suites (tests/lab/chroot.sh: debootstrap'ed, cached, checked before use).
# Sourced by tests/crash/matrix.sh and bench/crash-overhead.sh; needs
# tests/lab/lib.sh sourced first.
#
#   crash_suites                     -> "bookworm trixie sid"
#   crash_prepare SUITE DIR          builds the extension (and tests/crash/probe.c)
#                                    against SUITE's defs.h, in its chroot, from
#                                    this tree; DIR gets iommu_inflight.so, probe.so,
#                                    version (crash's own `crash --version`) and
#                                    installed/ (`make install` there, PREFIX=/usr)
#                                    where the session's crash finds
#                                    `extend iommu_inflight.so` (CRASH_EXTENSIONS)
#   crash_session SUITE DIR CMDS VMLINUX VMCORE [CRASH OPTIONS...]
#                                    runs SUITE's crash on the dump with the
#                                    command file CMDS (host paths; a chroot sees
#                                    them read-only); CMDS may name host paths as
#                                    @HOST@/path, rewritten for the chroot
CRASH_SUITES=${IIF_CRASH_SUITES:-bookworm trixie sid}

crash_suites() { echo "$CRASH_SUITES"; }

crash_root() {            # crash_root SUITE -> the chroot's root ("" for bookworm: the host)
    [ "$1" = bookworm ] && return 0
    local r
    r=$(lab_chroot "$1") || return 1
    echo "$r/root"
}

# The tree's sources that the extension is built from.
crash_ext_sources() { echo "Makefile src include extensions man tools/crash-version.sh tests/crash/probe.c"; }

PROBE_CFLAGS="-std=gnu11 -O2 -g -Wall -Wno-unused-parameter -Wno-sign-compare -fPIC -shared -DX86_64"

crash_prepare() {
    local suite=$1 dir=$2 root w src
    mkdir -p "$dir"
    if [ "$suite" = bookworm ]; then
        make -s -C "$REPO_DIR" extension > "$dir/build.log" 2>&1 || { cat "$dir/build.log"; return 1; }
        make -s -C "$REPO_DIR" install DESTDIR="$dir/installed" PREFIX=/usr CRASHEXTDIR= >> "$dir/build.log" 2>&1 ||
            { cat "$dir/build.log"; return 1; }
        cp "$REPO_DIR/build/iommu_inflight.so" "$dir/" || return 1
        # shellcheck disable=SC2086
        ${CC:-cc} $PROBE_CFLAGS -I/usr/include/crash -I"$REPO_DIR/include" -I"$REPO_DIR/extensions" \
            -Wl,-Bsymbolic -Wl,--exclude-libs,ALL -o "$dir/probe.so" "$REPO_DIR/tests/crash/probe.c" \
            "$REPO_DIR/extensions/crash_target.c" "$REPO_DIR/build/libiommu-inflight.a" >> "$dir/build.log" 2>&1 ||
            { cat "$dir/build.log"; return 1; }
        crash --version 2>/dev/null | grep -m1 '^crash' > "$dir/version"
        return 0
    fi
    root=$(crash_root "$suite") || return 1
    w=$(chroot_work "$root")
    # shellcheck disable=SC2046
    (cd "$REPO_DIR" && tar -cf - $(crash_ext_sources)) | (mkdir -p "$w/src" && tar -C "$w/src" -xf -) || return 1
    src=${w#"$root"}/src
    if ! chroot_run "$root" "$w" /bin/sh -c "cd $src && make -s extension BUILD=build CRASH_INCLUDE=/usr/include/crash &&
            make -s install BUILD=build DESTDIR=$src/installed PREFIX=/usr CRASHEXTDIR= &&
            cc $PROBE_CFLAGS -I/usr/include/crash -Iinclude -Iextensions -Wl,-Bsymbolic -Wl,--exclude-libs,ALL \
               -o build/probe.so tests/crash/probe.c extensions/crash_target.c build/libiommu-inflight.a &&
            crash --version | grep -m1 '^crash' > build/version" > "$dir/build.log" 2>&1; then
        echo "building the extension against $suite's crash (in $root) failed:"; tail -n 30 "$dir/build.log"
        rm -rf "$w"; return 1
    fi
    cp "$w/src/build/iommu_inflight.so" "$w/src/build/probe.so" "$w/src/build/version" "$dir/" &&
        cp -a "$w/src/installed" "$dir/installed" || { rm -rf "$w"; return 1; }
    rm -rf "$w"
}

crash_session() {
    local suite=$1 dir=$2 cmds=$3 vml=$4 core=$5 root w hv hc hcmds rc
    shift 5
    if [ "$suite" = bookworm ]; then
        sed "s|@HOST@||g" "$cmds" > "$cmds.run"
        CRASH_EXTENSIONS=$dir/installed/usr/lib/crash/extensions crash "$@" -s "$vml" "$core" -i "$cmds.run" < /dev/null
        return
    fi
    root=$(crash_root "$suite") || return 1
    w=$(chroot_work "$root")
    hv=$(chroot_host_path "$root" "$w" "$vml"); hc=$(chroot_host_path "$root" "$w" "$core")
    hcmds=${w#"$root"}/cmds
    sed "s|@HOST@|${w#"$root"}/host|g" "$cmds" > "$w/cmds"
    # the dump's folder, the vmlinux's and the folder of the .so files and logs
    CHROOT_BINDS="$(dirname "$vml") $(dirname "$core") $dir ${CRASH_EXTRA_BINDS:-}" \
        CHROOT_ENV="CRASH_EXTENSIONS=$(chroot_host_path "$root" "$w" "$dir")/installed/usr/lib/crash/extensions" \
        chroot_run "$root" "$w" crash "$@" -s "$hv" "$hc" -i "$hcmds" < /dev/null
    rc=$?
    rm -rf "$w"
    return $rc
}

# crash_report_cmds DUMP_DIR: a session's commands that load the installed
# extension by its bare name (crash's own search), print its JSON report with
# the dump's two logs and its help, each between IIF_BEGIN/IIF_END markers.
# DUMP_DIR is the dump's folder as crash sees it.
crash_report_cmds() {
    printf '%s\n' "extend iommu_inflight.so" \
        "!echo IIF_BEGIN json" "iommu_inflight -j -k $1/kexec-dmesg.log -l $1/vmcore-dmesg.txt" "!echo IIF_END json" \
        "!echo IIF_BEGIN help" "help iommu_inflight" "!echo IIF_END help" "!echo IIF_DONE" "exit"
}
