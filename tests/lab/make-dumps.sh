#!/usr/bin/env bash
# Build the lab's real vmcores: Debian kernels under QEMU (q35, amd-iommu, TCG),
# a real kdump inside the guest, one folder per kernel and scenario:
#   tests/dumps/out/<kernel>/<scenario>/{vmcore,vmcore-dmesg.txt,kexec-dmesg.log,
#                                        console.log,vmlinux,vmlinux.path,truth.json}
#
#   make-dumps.sh [--kernel 5.10|6.1|6.12|6.12-deb13|7.x[,..]] [--scenario NAME[,..]] [-j N] [--force] [--list]
#
# A scenario is rebuilt only when its inputs change (scenario files, kernel
# release, lab scripts); see docs/lab.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ALL_KERNELS=("${LAB_SERIES[@]}")
want_kernels=(); want_scen=(); JOBS=$(nproc 2>/dev/null || echo 1); FORCE=0; LIST=0
while [ $# -gt 0 ]; do
    case "$1" in
        --kernel)   IFS=', ' read -r -a want_kernels <<< "$2"; shift 2 ;;
        --scenario) IFS=', ' read -r -a want_scen <<< "$2"; shift 2 ;;
        -j)         JOBS=$2; shift 2 ;;
        --force)    FORCE=1; shift ;;
        --list)     LIST=1; shift ;;
        -h|--help)  sed -n '2,12p' "$0"; exit 0 ;;
        *) lab_die "unknown argument '$1' (see --help)" ;;
    esac
done
[ ${#want_kernels[@]} -gt 0 ] || want_kernels=("${ALL_KERNELS[@]}")
for k in "${want_kernels[@]}"; do kernel_meta "$k" >/dev/null; done

# ------------------------------------------------------------------ scenarios
all_scen=()
for f in "$SCEN_DIR"/*.conf; do all_scen+=("$(basename "$f" .conf)"); done
[ ${#want_scen[@]} -gt 0 ] || want_scen=("${all_scen[@]}")
for s in "${want_scen[@]}"; do
    [ -f "$SCEN_DIR/$s.conf" ] || lab_die "no scenario '$s' (known: ${all_scen[*]})"
done

# scen_get NAME VAR -> value of VAR in the scenario file (defaults applied).
scen_get() {
    (
        KERNELS="6.1 6.12"; CMDLINE_EXTRA=; CAPTURE_APPEND=; DEVICES="e1000 virtio-blk"
        LOAD=dma; FORMAT=kdump; BASE=; MODULE=; MODULE_SRC=; MODULE_ARGS=; NET=user; LOAD_SECS=3
        NET_FLOOD_RATE=2000; QEMU=debian; IOMMU=amd; MODULE_EXPECT=load
        GUEST_MEM=768; PROMISE_MAPPED=   # big scenario (tests/lab/modules/iommu_map_many)
        PROMISE_IOMMUS=1; PROMISE_TRANSLATED=; PROMISE_IDENTITY=; PROMISE_FLUSH=none
        PROMISE_MARKERS=; PROMISE_ACTIVE=1; PROMISE_LIVE_MAPPINGS=1; DESCRIPTION=
        PROMISE_CAPTURE_FAULTS=; PROMISE_MODULE_REFUSAL=; PROMISE_EVENTS=
        IOMMU_PROPS=; PANIC=sysrq; PROMISE_PANIC="sysrq triggered crash"
        PROMISE_POLICY=; PROMISE_FQ_PENDING=; CAPTURE_MODULE=; CAPTURE_MODULE_ARGS=
        PROMISE_STALE_FAULTS=; CAPTURE_WAIT=1
        # Intel VT-d (IOMMU=intel|intel-sm; docs/lab.md "The VT-d machine")
        PROMISE_VENDOR=; PROMISE_SM=; PROMISE_FIRST_LEVEL=; PROMISE_PASSTHROUGH=; PROMISE_QI=
        # shellcheck disable=SC1090
        . "$SCEN_DIR/$1.conf"
        eval "printf '%s\n' \"\${$2}\""
    )
}
scen_has_kernel() { [[ " $(scen_get "$1" KERNELS) " == *" $2 "* ]]; }
derived_of() {   # scenarios whose BASE is $1
    local s
    for s in "${all_scen[@]}"; do [ "$(scen_get "$s" BASE)" = "$1" ] && echo "$s"; done
}

if [ "$LIST" = 1 ]; then
    for s in "${all_scen[@]}"; do printf '%-12s %s\n' "$s" "$(scen_get "$s" DESCRIPTION)"; done
    exit 0
fi

module_src() {    # source folder of a scenario's MODULE (MODULE_SRC, else tests/lab/modules/MODULE)
    local src
    src=$(scen_get "$1" MODULE_SRC); src=${src:-tests/lab/modules/$(scen_get "$1" MODULE)}
    case "$src" in /*) echo "$src" ;; *) echo "$REPO_DIR/$src" ;; esac
}

# Build list: requested scenarios plus the bases of requested derived ones.
declare -A need=()
for s in "${want_scen[@]}"; do
    need[$s]=1
    b=$(scen_get "$s" BASE); [ -n "$b" ] && need[$b]=1
done

# ------------------------------------------------------------------ kernels
declare -A KREL=() TREE=() VMLINUX=() CORE=()
prep_kernel() {   # runs in the background per kernel; writes $prep_dir/<series>.env
    local series=$1 krel tree vml core s
    local mdf=
    LAB_RETRY="make dumps KERNEL=$series"
    lab_apt_use "$series" || exit 1
    krel=$(kernel_release "$series") || exit 1
    tree=$(kernel_tree "$krel") || exit 1
    vml=$(kernel_vmlinux "$krel") || exit 1
    if [ "$(series_makedumpfile "$series")" = sid ]; then
        mdf=$(makedumpfile_root) || exit 1
        mdf=$mdf/root
    fi
    core=$(build_core_initrd "$tree" "$krel" "$mdf") || exit 1
    # The modules of the scenarios asked for, built (or found) now, one at a
    # time, rather than by parallel scenario jobs whose output goes to their logs.
    # (A scenario may have a capture module and no module of its own: vtd-fault.)
    for s in "${!need[@]}"; do
        scen_has_kernel "$s" "$series" || continue
        LAB_RETRY="make dumps KERNEL=$series SCENARIO=$s"
        m=$(scen_get "$s" MODULE)
        [ -z "$m" ] || build_module "$krel" "$(module_src "$s")" "$m" > /dev/null || exit 1
        m=$(scen_get "$s" CAPTURE_MODULE)
        [ -z "$m" ] || build_module "$krel" "$REPO_DIR/tests/lab/modules/$m" "$m" > /dev/null || exit 1
    done
    printf 'krel=%q\ntree=%q\nvml=%q\ncore=%q\n' "$krel" "$tree" "$vml" "$core" > "$prep_dir/$series.env"
}
mkdir -p "$LAB_CACHE" "$LAB_OUT"
t_start=$(date +%s)
# One make-dumps.sh at a time per output folder (several engineers or `make -j`
# may start it concurrently).  The cache needs no lock of its own: each of its
# artefacts has one (tests/lab/cache.sh).
exec 9>"$LAB_OUT/.lock"
flock -n 9 || { lab_say "waiting for another make-dumps.sh on $LAB_OUT"; flock -w 3600 9 || lab_die "$LAB_OUT stays locked"; }
prep_dir=$(mktemp -d "${TMPDIR:-/tmp}/iommu-lab-prep.XXXXXX")
trap 'rm -rf "$prep_dir"' EXIT    # the ticker below stops once its file is gone
pids=()
for k in "${want_kernels[@]}"; do
    prep_kernel "$k" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || lab_die "preparing the kernels failed (see above)"; done
for k in "${want_kernels[@]}"; do
    # shellcheck disable=SC1090
    . "$prep_dir/$k.env"
    KREL[$k]=$krel; TREE[$k]=$tree; VMLINUX[$k]=$vml; CORE[$k]=$core
    lab_log "kernel $k: $krel (vmlinux $vml)"
done
t_prep=$(( $(date +%s) - t_start ))

# ------------------------------------------------------------------ one scenario
PCI_ADDR_e1000=03; PCI_ADDR_virtio_blk=04; PCI_ADDR_nvme=05; PCI_ADDR_out=06
PCI_ADDR_spare=07   # DEVICES=spare: QEMU's "edu", no driver in the guest (big scenario)

scen_stamp() {    # inputs of a scenario build
    local k=$1 s=$2 d m t
    {
        echo "kernel ${KREL[$k]}"; echo "scripts $(lab_scripts_hash)"
        echo "vmlinux ${VMLINUX[$k]}"   # the dump folder links to it
        echo "initramfs $(basename "$(dirname "${CORE[$k]}")")"   # its makedumpfile included
        cat "$SCEN_DIR/$s.conf"
        for d in $(derived_of "$s"); do cat "$SCEN_DIR/$d.conf"; done
        # the fault-reporting QEMU's splice and build script (tests/lab/qemu)
        if [ "$(scen_get "$s" QEMU)" = lab-faults ]; then
            if [ -n "${IOMMU_LAB_QEMU_FAULTS:-}" ]; then   # a given binary: its own bytes
                echo "qemu binary $(sha256sum < "$IOMMU_LAB_QEMU_FAULTS" | cut -c1-32)"
            else
                echo "qemu $(tree_hash "$LAB_DIR/qemu") $(qemu_source_version)"
            fi
        fi
        m=$(scen_get "$s" MODULE)
        if [ -n "$m" ]; then   # the module as it is built, prepare.sh's files included
            t=$(module_tree "$(module_src "$s")"); tree_hash "$t"; rm -rf "$t"
        fi
        m=$(scen_get "$s" CAPTURE_MODULE)
        if [ -n "$m" ]; then
            t=$(module_tree "$REPO_DIR/tests/lab/modules/$m"); tree_hash "$t"; rm -rf "$t"
        fi
    } | sha256sum | cut -c1-32
}

free_udp_ports() {  # two free UDP ports on 127.0.0.1
    python3 -c 'import socket
s=[socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]; print(*[x.getsockname()[1] for x in s])'
}

# QEMU 7.2's intel-iommu trace events the VT-d runs record (qemu-trace.log).
VTD_TRACE_EVENTS="vtd_reg_dmar_root vtd_dmar_enable vtd_ir_enable vtd_inv_qi_enable vtd_inv_qi_setup
    vtd_iotlb_cc_update vtd_iotlb_page_update vtd_iotlb_reset vtd_inv_desc_iotlb_global
    vtd_inv_desc_iotlb_domain vtd_inv_desc_iotlb_pages vtd_inv_desc_wait_sw vtd_dmar_fault
    vtd_fault_disabled vtd_frr_new vtd_re_not_present vtd_ce_not_present vtd_switch_address_space
    vtd_pt_enable_fast_path"

# vtd_cmdline KERNEL SCENARIO CMDLINE_EXTRA -> the command line extra for both
# kernels.  Debian builds every lab kernel with VT-d on by default
# (CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF: on, except for integrated
# graphics), so no intel_iommu=on is added.  Scalable mode is the default
# from 6.1 on (CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON=y) but not in
# 5.10: an intel-sm scenario adds intel_iommu=sm_on to a kernel whose
# config does not turn it on (a tree without its config, 7.x's, gets it
# too: it only says what the default already is).  The capture kernel gets
# the same: it refuses to copy tables of another mode.
vtd_cmdline() {
    local k=$1 s=$2 extra=$3 cfg
    if [ "$(scen_get "$s" IOMMU)" = intel-sm ] && [[ " $extra " != *" intel_iommu="* ]]; then
        cfg=${TREE[$k]}/boot/config-${KREL[$k]}
        if ! grep -qx 'CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON=y' "$cfg" 2>/dev/null; then
            extra="$extra intel_iommu=sm_on"
        fi
    fi
    echo "${extra# }"
}

run_scenario() {  # run_scenario KERNEL SCENARIO: one QEMU run (stdout/stderr go to a log)
    local k=$1 s=$2 krel dir work fmt formats d cmdline extra devices load qemu conf t0 rc props
    krel=${KREL[$k]}
    dir=$LAB_OUT/$k/$s; work=$LAB_OUT/$k/.work/$s
    rm -rf "$dir" "$work"; mkdir -p "$dir" "$work/conf/etc" "$work/boot/boot"
    fmt=$(scen_get "$s" FORMAT)
    formats=; [ "$fmt" != raw ] && formats=$fmt
    for d in $(derived_of "$s"); do formats="$formats $(scen_get "$d" FORMAT)"; done
    extra=$(scen_get "$s" CMDLINE_EXTRA); devices=$(scen_get "$s" DEVICES); load=$(scen_get "$s" LOAD)
    extra=$(vtd_cmdline "$k" "$s" "$extra")   # intel_iommu=sm_on where the kernel needs it
    {
        echo "SCENARIO=$s"; echo "LOAD=$load"; echo "LOAD_SECS=$(scen_get "$s" LOAD_SECS)"
        echo "FORMATS=\"${formats# }\""; echo "MODULE=$(scen_get "$s" MODULE)"
        if [ "$fmt" = raw ]; then echo KDUMP=0; else echo KDUMP=1; fi
        echo "CAPTURE_APPEND=\"$extra $(scen_get "$s" CAPTURE_APPEND)\""
        echo "MODULE_ARGS=\"$(scen_get "$s" MODULE_ARGS)\""; echo "NET=$(scen_get "$s" NET)"
        echo "MODULE_EXPECT=$(scen_get "$s" MODULE_EXPECT)"; echo "PANIC=$(scen_get "$s" PANIC)"
        echo "CAPTURE_MODULE=$(scen_get "$s" CAPTURE_MODULE)"
        echo "CAPTURE_MODULE_ARGS=\"$(scen_get "$s" CAPTURE_MODULE_ARGS)\""
        echo "CAPTURE_WAIT=$(scen_get "$s" CAPTURE_WAIT)"
        echo "DUMP_LEVEL=$(series_dump_level "$k")"
    } > "$work/conf/etc/lab.conf"
    local module ko
    module=$(scen_get "$s" MODULE)
    if [ -n "$module" ]; then   # an out-of-tree module, built against linux-headers-$krel
        ko=$(build_module "$krel" "$(module_src "$s")" "$module") || return 1
        mkdir -p "$work/conf/lib/modules/extra"; cp "$ko" "$work/conf/lib/modules/extra/$module.ko"
    fi
    module=$(scen_get "$s" CAPTURE_MODULE)
    if [ -n "$module" ]; then   # the capture kernel's, from tests/lab/modules
        ko=$(build_module "$krel" "$REPO_DIR/tests/lab/modules/$module" "$module") || return 1
        mkdir -p "$work/conf/lib/modules/extra"; cp "$ko" "$work/conf/lib/modules/extra/$module.ko"
    fi
    # Capture initramfs = core + config; primary = core + config + kernel + capture initramfs.
    cpio_of "$work/conf" > "$work/conf.cpio.gz"
    cat "${CORE[$k]}" "$work/conf.cpio.gz" > "$work/boot/boot/kdump.img"
    cp "${TREE[$k]}/boot/vmlinuz-$krel" "$work/boot/boot/vmlinuz"
    { cat "${CORE[$k]}" "$work/conf.cpio.gz"; cpio_of "$work/boot"; } > "$work/initrd.img"

    truncate -s 64M "$work/dma.img"
    truncate -s 2G "$work/out.img"; mke2fs -q -F -t ext2 "$work/out.img"
    cmdline="console=ttyS0 crashkernel=256M"
    if [ "$fmt" = raw ]; then cmdline="$cmdline panic=0"; else cmdline="$cmdline panic=-1"; fi
    cmdline="$cmdline $extra"
    local qemu_bin=qemu-system-x86_64
    case "$(scen_get "$s" QEMU)" in
        debian) ;;
        lab-faults) qemu_bin=$LAB_QEMU_FAULTS ;;   # built before the runs start
        *) echo "unknown QEMU '$(scen_get "$s" QEMU)' (known: debian lab-faults)" >&2; return 1 ;;
    esac
    local machine=q35 iommu_dev=()
    props=$(scen_get "$s" IOMMU_PROPS)
    case "$(scen_get "$s" IOMMU)" in
        amd) iommu_dev=(-device "amd-iommu${props:+,$props}") ;;
        intel|intel-sm)
            # VT-d: interrupt remapping needs the split irqchip (a KVM option,
            # accepted and harmless under TCG); the intel-iommu device comes
            # before the PCI devices it translates.
            [ "$(scen_get "$s" QEMU)" = debian ] ||
                { echo "IOMMU=$(scen_get "$s" IOMMU) runs on Debian's QEMU only (the lab's build has only amd-iommu)" >&2; return 1; }
            machine=q35,kernel-irqchip=split
            local vtd=intel-iommu,intremap=on
            [ "$(scen_get "$s" IOMMU)" = intel-sm ] && vtd=$vtd,x-scalable-mode=on
            iommu_dev=(-device "$vtd${props:+,$props}") ;;
        none) ;;   # a machine without an IOMMU: no IVRS (or DMAR) table either
        *) echo "unknown IOMMU '$(scen_get "$s" IOMMU)' (known: amd intel intel-sm none)" >&2; return 1 ;;
    esac
    qemu=("$qemu_bin" -M "$machine" -m "$(scen_get "$s" GUEST_MEM)" -smp 1 -accel tcg -nographic -no-reboot
          "${iommu_dev[@]}")
    if [ ${#iommu_dev[@]} -gt 0 ] && [ "${iommu_dev[1]%%,*}" = intel-iommu ]; then
        # The hardware's own view, for truth.json (facts2json.py, "vtd_hw"):
        # QEMU's trace of the root-table pointer, translation enable, the
        # context entries it cached, the IOTLB fills (device, IOVA, leaf
        # PTE, domain ID) and the faults it recorded.
        local ev
        for ev in $VTD_TRACE_EVENTS; do qemu+=(-trace "enable=$ev"); done
        qemu+=(-D "$work/qemu-trace.log")
    fi
    qemu+=(-kernel "${TREE[$k]}/boot/vmlinuz-$krel" -initrd "$work/initrd.img" -append "$cmdline")
    local rg=("$LAB_DIR/run-guest.py" --console "$dir/console.log" --timeout "${IOMMU_LAB_TIMEOUT:-180}")
    local net ports
    net=$(scen_get "$s" NET)
    for d in $devices; do
        case "$d" in
            e1000)
                case "$net" in
                    user) qemu+=(-netdev user,id=n0) ;;
                    socket-flood)   # frames from the host, through a UDP socket netdev, for the whole run
                        read -r -a ports <<< "$(free_udp_ports)"
                        qemu+=(-netdev "socket,id=n0,udp=127.0.0.1:${ports[0]},localaddr=127.0.0.1:${ports[1]}")
                        rg+=(--udp-flood "127.0.0.1:${ports[1]}" --flood-rate "$(scen_get "$s" NET_FLOOD_RATE)") ;;
                    *) echo "unknown NET=$net (user, socket-flood)" >&2; return 1 ;;
                esac
                qemu+=(-device "e1000,netdev=n0,addr=$PCI_ADDR_e1000") ;;
            virtio-blk) qemu+=(-drive "file=$work/dma.img,if=none,id=d0,format=raw,cache=unsafe"
                               -device "virtio-blk-pci,drive=d0,disable-legacy=on,iommu_platform=on,serial=labdma,addr=$PCI_ADDR_virtio_blk") ;;
            nvme) truncate -s 64M "$work/nvme.img"
                  qemu+=(-drive "file=$work/nvme.img,if=none,id=d2,format=raw,cache=unsafe"
                         -device "nvme,drive=d2,serial=labnvme,addr=$PCI_ADDR_nvme") ;;
            spare) qemu+=(-device "edu,addr=$PCI_ADDR_spare") ;;   # a driverless device for a module's domain
            *) echo "unknown device $d" >&2; return 1 ;;
        esac
    done
    # The output disk does not negotiate VIRTIO_F_ACCESS_PLATFORM: it works whatever the IOMMU state.
    qemu+=(-drive "file=$work/out.img,if=none,id=d9,format=raw,cache=unsafe"
           -device "virtio-blk-pci,drive=d9,serial=labout,addr=$PCI_ADDR_out")
    if [ "$fmt" = raw ]; then
        qemu+=(-device vmcoreinfo -qmp "unix:$work/qmp.sock,server=on,wait=off")
        rg+=(--qmp "$work/qmp.sock" --raw-dump "$dir/vmcore")
    fi
    printf '%q ' "${qemu[@]}" > "$dir/qemu-command.txt"; echo >> "$dir/qemu-command.txt"
    t0=$(date +%s)
    rc=0; "${rg[@]}" -- "${qemu[@]}" || rc=$?
    echo "qemu rc=$rc seconds=$(( $(date +%s) - t0 ))" > "$dir/run.status"
    [ "$rc" = 0 ] || { echo "QEMU run failed (rc $rc); console: $dir/console.log" >&2; tail -n 20 "$dir/console.log" >&2; return 1; }

    # Files out of the ext2 disk, with e2fsprogs' debugfs (no mount, no root needed).
    debugfs -R "rdump / $work" "$work/out.img" >/dev/null 2>&1 ||
        { echo "cannot read the output disk" >&2; return 1; }
    local res=$work
    [ -d "$work/facts" ] || { echo "the guest wrote no facts" >&2; return 1; }
    if [ "$fmt" = raw ]; then
        [ -s "$dir/vmcore" ] || { echo "dump-guest-memory wrote nothing" >&2; return 1; }
        # makedumpfile 1.7.2 cannot read it ("Can't get the number of PT_LOAD": the paging
        # dump has more than 65535 program headers); drgn reads the same printk ring.
        if makedumpfile --dump-dmesg "$dir/vmcore" "$dir/vmcore-dmesg.txt" > "$work/dump-dmesg.log" 2>&1; then
            echo "makedumpfile --dump-dmesg" > "$dir/dmesg-source.txt"
        elif /usr/bin/python3 "$LAB_DIR/drgn-dmesg.py" "$dir/vmcore" "${VMLINUX[$k]}" > "$dir/vmcore-dmesg.txt" 2>>"$work/dump-dmesg.log"; then
            echo "drgn get_dmesg() (makedumpfile --dump-dmesg failed: $(grep -m1 . "$work/dump-dmesg.log"))" > "$dir/dmesg-source.txt"
        else
            echo "cannot extract the log of the raw dump" >&2; cat "$work/dump-dmesg.log" >&2; return 1
        fi
    else
        for f in vmcore-dmesg.txt kexec-dmesg.log capture.log capture.status capture.cmdline; do
            [ -e "$res/$f" ] && mv "$res/$f" "$dir/$f"
        done
        local out
        case "$fmt" in kdump) out=vmcore ;; flattened) out=vmcore.flat ;; elf) out=vmcore.elf ;; esac
        [ -s "$res/$out" ] || { echo "the capture kernel wrote no $out"; cat "$dir/capture.log" 2>/dev/null; return 1; } >&2
        mv "$res/$out" "$dir/vmcore"
        for d in $(derived_of "$s"); do
            case "$(scen_get "$d" FORMAT)" in
                flattened) out=vmcore.flat ;; elf) out=vmcore.elf ;; *) continue ;;
            esac
            [ -s "$res/$out" ] && mv "$res/$out" "$work/derived-$d"
        done
    fi
    mv "$res/facts" "$dir/facts"
    if [ -f "$work/qemu-trace.log" ]; then   # VT-d: the hardware's view (about 0.4 MB gzip'ed)
        gzip -c "$work/qemu-trace.log" > "$dir/qemu-trace.log.gz" && rm -f "$work/qemu-trace.log"
    fi
    ln -sfn "${VMLINUX[$k]}" "$dir/vmlinux"; echo "${VMLINUX[$k]}" > "$dir/vmlinux.path"
    # a truth.json that could not be written (a full disk) fails the run:
    # without it the dump must not count as made
    write_truth "$k" "$s" "$dir" "$s" || { echo "cannot write $dir/truth.json (disk full?)" >&2; return 1; }
    rm -f "$work/out.img" "$work/dma.img" "$work/nvme.img" "$work/initrd.img" "$work/boot/boot/kdump.img" "$work/boot/boot/vmlinuz"
}

# The kdump markers a scenario promises, in the words of the series' capture
# kernel: 6.18+ reuses the old AMD tables in place where older kernels copied
# them (its VT-d driver still copies: the vtd-* markers stay as they are).
series_markers() {   # series_markers SERIES MARKERS
    case "$1" in
        7.x) sed -e 's/Translation is already enabled - trying to copy translation structures/Translation is already enabled - trying to reuse translation structures/' \
                 -e 's/Copied DEV table from previous kernel\./Reused DEV table from previous kernel./' <<< "$2" ;;
        *) echo "$2" ;;
    esac
}

write_truth() {   # write_truth KERNEL SCENARIO DIR RUN_SCENARIO
    local k=$1 s=$2 dir=$3 run=$4 v val
    lab_apt_use "$k" || return 1
    local args=(--dir "$dir" --scenario "$s" --run-scenario "$run" --kernel "$k"
                --release "${KREL[$k]}" --vmlinux "${VMLINUX[$k]}" --dump-level "$(series_dump_level "$k")"
                --package-version "$(deb_info "linux-image-${KREL[$k]}" | cut -d' ' -f1)")
    for v in FORMAT DESCRIPTION CMDLINE_EXTRA DEVICES LOAD MODULE MODULE_ARGS NET PROMISE_IOMMUS PROMISE_TRANSLATED \
             PROMISE_IDENTITY PROMISE_FLUSH PROMISE_MARKERS PROMISE_ACTIVE PROMISE_LIVE_MAPPINGS \
             PROMISE_CAPTURE_FAULTS PROMISE_MODULE_REFUSAL PROMISE_EVENTS GUEST_MEM PROMISE_MAPPED \
             IOMMU_PROPS PANIC PROMISE_PANIC PROMISE_POLICY PROMISE_FQ_PENDING CAPTURE_MODULE \
             CAPTURE_MODULE_ARGS PROMISE_STALE_FAULTS IOMMU PROMISE_VENDOR PROMISE_SM PROMISE_FIRST_LEVEL \
             PROMISE_PASSTHROUGH PROMISE_QI; do
        val=$(scen_get "$s" "$v")
        [ "$v" = PROMISE_MARKERS ] && val=$(series_markers "$k" "$val")
        args+=(--set "$v=$val")
    done
    python3 "$LAB_DIR/facts2json.py" "${args[@]}" > "$dir/truth.json.tmp" && mv "$dir/truth.json.tmp" "$dir/truth.json"
}

derive_scenario() {  # derive_scenario KERNEL SCENARIO: a format variant of BASE's run
    local k=$1 s=$2 base dir bdir f
    base=$(scen_get "$s" BASE); dir=$LAB_OUT/$k/$s; bdir=$LAB_OUT/$k/$base
    rm -rf "$dir"; mkdir -p "$dir"
    [ -s "$LAB_OUT/$k/.work/$base/derived-$s" ] || { echo "base $base did not produce the $s variant" >&2; return 1; }
    mv "$LAB_OUT/$k/.work/$base/derived-$s" "$dir/vmcore"
    for f in console.log vmcore-dmesg.txt kexec-dmesg.log capture.log capture.status capture.cmdline \
             qemu-command.txt run.status qemu-trace.log.gz; do
        [ -e "$bdir/$f" ] && ln "$bdir/$f" "$dir/$f"
    done
    cp -r "$bdir/facts" "$dir/facts"
    ln -sfn "${VMLINUX[$k]}" "$dir/vmlinux"; echo "${VMLINUX[$k]}" > "$dir/vmlinux.path"
    write_truth "$k" "$s" "$dir" "$base"
}

# build_one KERNEL SCENARIO -> 0 built or up to date, 1 failed. Logs into the scenario's .work.
build_one() {
    local k=$1 s=$2 stamp base dir
    dir=$LAB_OUT/$k/$s; base=$(scen_get "$s" BASE)
    stamp=$(scen_stamp "$k" "${base:-$s}")
    mkdir -p "$LAB_OUT/$k/.work"
    if [ -n "$base" ]; then
        # Built along with its base: derive when the base run was just made.
        is_up_to_date "$k" "$s" && return 0
        derive_scenario "$k" "$s" || return 1
    else
        is_up_to_date "$k" "$s" && return 0
        run_scenario "$k" "$s" || return 1
    fi
    echo "$stamp" > "$dir/.stamp"
}

is_up_to_date() {
    local k=$1 s=$2 base stamp dir=$LAB_OUT/$1/$2
    base=$(scen_get "$s" BASE); stamp=$(scen_stamp "$k" "${base:-$s}")
    [ "$FORCE" = 0 ] && [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ] && [ -s "$dir/vmcore" ] &&
        [ -s "$dir/truth.json" ]
}

# ------------------------------------------------------------------ schedule
# Phase 1: QEMU runs (JOBS at a time; one TCG vCPU each). Phase 2: derived variants.
# A base whose derived variant is stale is rerun too (the variant comes from its run).
runs=(); derived=()
for k in "${want_kernels[@]}"; do
    for s in "${all_scen[@]}"; do
        [ -n "${need[$s]:-}" ] || continue
        scen_has_kernel "$s" "$k" || continue
        if [ -n "$(scen_get "$s" BASE)" ]; then derived+=("$k/$s"); else runs+=("$k/$s"); fi
    done
done
for ks in "${derived[@]}"; do
    k=${ks%%/*}; s=${ks#*/}; b=$(scen_get "$s" BASE)
    if ! is_up_to_date "$k" "$s"; then
        # force the base run when its products for this variant are gone
        [ -s "$LAB_OUT/$k/.work/$b/derived-$s" ] || rm -f "$LAB_OUT/$k/$b/.stamp"
    fi
done

# The fault-reporting QEMU (tests/lab/qemu/build.sh), built once before any run needs it.
# IOMMU_LAB_QEMU_FAULTS names a binary to use instead (while working on the splice).
LAB_QEMU_FAULTS=${IOMMU_LAB_QEMU_FAULTS:-}
for ks in "${runs[@]}"; do
    [ -z "$LAB_QEMU_FAULTS" ] || break
    k=${ks%%/*}; s=${ks#*/}
    if [ "$(scen_get "$s" QEMU)" = lab-faults ] && ! is_up_to_date "$k" "$s"; then
        LAB_QEMU_FAULTS=$("$LAB_DIR/qemu/build.sh") || lab_die "the lab's fault-reporting QEMU did not build"
        break
    fi
done

total=$(( ${#runs[@]} + ${#derived[@]} )); n=0; failed=(); built=0
declare -A start=() pid2ks=()
report() {  # report KS RC
    local ks=$1 rc=$2 dt=$(( $(date +%s) - start[$1] ))
    rm -f "$prep_dir/running/${ks%%/*}%${ks#*/}"
    n=$((n + 1))
    if [ "$rc" = 0 ]; then
        printf '[%2d/%d] %-22s ok   %4d s  %s\n' "$n" "$total" "$ks" "$dt" \
            "$(du -h "$LAB_OUT/$ks/vmcore" 2>/dev/null | cut -f1)" >&2
    else
        printf '[%2d/%d] %-22s FAIL %4d s  (log: %s)\n' "$n" "$total" "$ks" "$dt" "$LAB_OUT/${ks%%/*}/.work/${ks#*/}.log" >&2
        tail -n 15 "$LAB_OUT/${ks%%/*}/.work/${ks#*/}.log" | sed 's/^/    /' >&2
        printf '       retry: make dumps KERNEL=%s SCENARIO=%s\n' "${ks%%/*}" "${ks#*/}" >&2
        failed+=("$ks")
    fi
}
# Progress while QEMU runs: every IOMMU_LAB_PROGRESS*3 seconds (default 60)
# the runs under way and how long each has taken (their start times are files
# in $prep_dir/running).
mkdir -p "$prep_dir/running"
runs_under_way() {
    local now f t line=
    now=$(date +%s)
    for f in "$prep_dir"/running/*; do
        # A run may end (and its file go) between the listing and the read.
        t=$(cat "$f" 2>/dev/null) || continue
        case $t in ''|*[!0-9]*) continue ;; esac
        line="$line $(basename "$f" | tr '%' '/') ($(( now - t )) s)"
    done
    [ -z "$line" ] || lab_say "running:$line"
}
# wait_for_a_run: wait until one of the QEMU runs ends and report it.  `wait -n`
# also returns for the progress ticker, a background job too (CI once saw the
# ticker end early and its pid taken for a run's): such pids are passed over.
wait_for_a_run() {
    local rc done_pid
    while :; do
        rc=0; done_pid=; wait -n -p done_pid || rc=$?
        [ -n "$done_pid" ] || lab_die "wait -n returned no job while $running run(s) were under way"
        [ -n "${pid2ks[$done_pid]:-}" ] || continue
        report "${pid2ks[$done_pid]}" "$rc"; unset "pid2ks[$done_pid]"
        return 0
    done
}
touch "$prep_dir/ticking"
lab_every $(( ${IOMMU_LAB_PROGRESS:-20} * 3 )) "[ -e '$prep_dir/ticking' ]" runs_under_way &
ticker_pid=$!
running=0
for ks in "${runs[@]}"; do
    k=${ks%%/*}; s=${ks#*/}
    if is_up_to_date "$k" "$s"; then
        n=$((n + 1)); printf '[%2d/%d] %-22s up to date\n' "$n" "$total" "$ks" >&2; continue
    fi
    while [ "$running" -ge "$JOBS" ]; do
        wait_for_a_run; running=$((running - 1))
    done
    mkdir -p "$LAB_OUT/$k/.work"
    printf '       %-22s starting (%s)\n' "$ks" "${KREL[$k]}" >&2
    start[$ks]=$(date +%s); echo "${start[$ks]}" > "$prep_dir/running/$k%$s"
    build_one "$k" "$s" > "$LAB_OUT/$k/.work/$s.log" 2>&1 &
    pid2ks[$!]=$ks; running=$((running + 1)); built=$((built + 1))
done
while [ "$running" -gt 0 ]; do
    wait_for_a_run; running=$((running - 1))
done
rm -f "$prep_dir/ticking"; wait "$ticker_pid" 2>/dev/null
# A guest run depends on timing (a kprobe that missed a hit, frames that came
# late): a failed run is made once more, alone, and only a second failure
# counts.  The first attempt's log is kept beside the second's.
retry=("${failed[@]}"); failed=()
for ks in "${retry[@]}"; do
    k=${ks%%/*}; s=${ks#*/}
    mv -f "$LAB_OUT/$k/.work/$s.log" "$LAB_OUT/$k/.work/$s.log.1" 2>/dev/null || true
    printf '       %-22s once more (first attempt: %s)\n' "$ks" "$LAB_OUT/$k/.work/$s.log.1" >&2
    n=$((n - 1)); start[$ks]=$(date +%s)
    rc=0; build_one "$k" "$s" > "$LAB_OUT/$k/.work/$s.log" 2>&1 || rc=$?
    report "$ks" "$rc"
done
for ks in "${derived[@]}"; do
    k=${ks%%/*}; s=${ks#*/}
    if is_up_to_date "$k" "$s"; then
        n=$((n + 1)); printf '[%2d/%d] %-22s up to date\n' "$n" "$total" "$ks" >&2; continue
    fi
    start[$ks]=$(date +%s)
    rc=0; build_one "$k" "$s" > "$LAB_OUT/$k/.work/$s.log" 2>&1 || rc=$?
    report "$ks" "$rc"
done
lab_log "done in $(( $(date +%s) - t_start )) s (kernel preparation ${t_prep} s); outputs in $LAB_OUT"
if [ ${#failed[@]} -gt 0 ]; then
    lab_die "${#failed[@]} scenario(s) failed: ${failed[*]}"
fi
