#!/bin/busybox sh
# /init of the lab's busybox initramfs. The same archive boots twice:
#   - as the primary guest: load drivers, record what sysfs says (facts), load
#     the capture kernel with kexec -p, keep DMA busy, panic with sysrq c;
#   - as the capture kernel (/proc/vmcore exists): run makedumpfile, save the
#     crashed kernel's log and its own, power off.
# Everything is written to an ext2 disk whose virtio serial is "labout".
# The scenario settings come from /etc/lab.conf (appended by make-dumps.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
LOAD=dma; LOAD_SECS=3; KDUMP=1; FORMATS=kdump; SCENARIO=unknown; CAPTURE_APPEND=; MODULE=; MODULE_ARGS=; NET=user
MODULE_EXPECT=load; DUMP_LEVEL=31; PANIC=sysrq; CAPTURE_MODULE=; CAPTURE_MODULE_ARGS=; CAPTURE_WAIT=1
[ -f /etc/lab.conf ] && . /etc/lab.conf

say() { echo "LAB: $*"; }
die() { echo "LAB: FAILED: $*"; sync; echo b > /proc/sysrq-trigger; reboot -f; }

load_modules() {   # $1: list file; insmod in dependency order
    local m name w params
    for m in $(cat "/lib/modules/$1"); do
        name=${m%.ko}
        # NAME.PARAM=VALUE words of the command line go to insmod, as modprobe does
        params=
        for w in $(cat /proc/cmdline); do
            case "$w" in "$name".*=*) params="$params ${w#"$name".}" ;; esac
        done
        # shellcheck disable=SC2086
        out=$(insmod "/lib/modules/$m" $params 2>&1) || case "$out" in
            *"File exists"*|*"No such device"*) ;;  # built-in already; CPU lacks the feature (TCG)
            *) say "insmod $m: $out" ;;
        esac
    done
}

find_disk() {      # $1: virtio serial -> /dev/vdX
    for i in 1 2 3 4 5 6 7 8 9 10; do
        for d in /sys/block/vd*; do
            [ -e "$d/serial" ] && [ "$(cat "$d/serial")" = "$1" ] && { echo "/dev/${d##*/}"; return 0; }
        done
        sleep 0.3
    done
    return 1
}

mount_out() {
    OUT=$(find_disk labout) || die "no output disk (serial labout)"
    mount -t ext4 "$OUT" /mnt || mount -t ext2 "$OUT" /mnt || die "cannot mount $OUT"
}

copy_facts() {     # sysfs facts the host turns into truth.json
    f=/mnt/facts; rm -rf "$f"; mkdir -p "$f/pci" "$f/iommu" "$f/groups"
    uname -r > "$f/uname_r"
    cat /proc/cmdline > "$f/cmdline"
    for d in /sys/bus/pci/devices/*; do
        b=${d##*/}; mkdir -p "$f/pci/$b"
        for a in vendor device class subsystem_vendor subsystem_device; do
            cat "$d/$a" > "$f/pci/$b/$a" 2>/dev/null
        done
        [ -e "$d/driver" ] && basename "$(readlink "$d/driver")" > "$f/pci/$b/driver"
        [ -e "$d/iommu_group" ] && basename "$(readlink "$d/iommu_group")" > "$f/pci/$b/iommu_group"
        [ -e "$d/iommu" ] && basename "$(readlink "$d/iommu")" > "$f/pci/$b/iommu"
    done
    for g in /sys/kernel/iommu_groups/*; do
        [ -d "$g" ] || continue
        mkdir -p "$f/groups/${g##*/}"
        cat "$g/type" > "$f/groups/${g##*/}/type" 2>/dev/null
        ls "$g/devices" > "$f/groups/${g##*/}/devices" 2>/dev/null
    done
    for i in /sys/class/iommu/*; do
        [ -e "$i" ] || continue
        n=${i##*/}; mkdir -p "$f/iommu/$n"
        # amd-iommu/{cap,features}; intel-iommu/{address,cap,ecap,version,
        # domains_supported,domains_used}; "class" says which
        for c in amd-iommu intel-iommu; do
            [ -d "$i/$c" ] || continue
            echo "$c" > "$f/iommu/$n/class"
            for a in "$i/$c"/*; do [ -f "$a" ] && cat "$a" > "$f/iommu/$n/${a##*/}" 2>/dev/null; done
        done
        ls "$i/devices" > "$f/iommu/$n/devices" 2>/dev/null
    done
    for g in /sys/kernel/iommu_groups/*; do   # reserved regions (RMRRs, the MSI window)
        [ -f "$g/reserved_regions" ] && cat "$g/reserved_regions" > "$f/groups/${g##*/}/reserved_regions"
    done
    # The IOMMU driver's own debugfs view, when the kernel has one (none of
    # the lab's Debian kernels sets CONFIG_IOMMU_DEBUGFS; a kernel that does
    # gives root/context/PASID entries, registers, the QI ring, page tables).
    mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
    if [ -d /sys/kernel/debug/iommu ]; then
        mkdir -p "$f/debugfs"
        for a in /sys/kernel/debug/iommu/*/*; do
            [ -f "$a" ] || continue
            r=${a#/sys/kernel/debug/iommu/}; mkdir -p "$f/debugfs/${r%/*}"
            head -c 4000000 "$a" > "$f/debugfs/$r" 2>/dev/null
        done
    fi
    ls /sys/class/net > "$f/net"
    ls /sys/block > "$f/block"
    lsmod > "$f/lsmod" 2>/dev/null
}

load_stats() {     # counters that show DMA was going on
    cat /proc/diskstats; cat /proc/net/dev; cat /proc/interrupts
}

# ---------------------------------------------------------------- capture kernel
if [ -e /proc/vmcore ]; then
    say "capture kernel: scenario $SCENARIO, formats $FORMATS"
    load_modules capture.list
    mount_out
    log=/mnt/capture.log; : > "$log"
    # The dump is filtered by a makedumpfile that knows this kernel: the
    # lab's newer one when the initramfs carries it (tests/lab/lib.sh
    # makedumpfile_root), else the host's.  The log is always written by
    # the host's (vmcore-dmesg.txt keeps one format).
    MDF=makedumpfile; [ -x /opt/mdf/run ] && MDF=/opt/mdf/run
    echo "makedumpfile: $($MDF -v 2>&1 | head -n 1)" >> /mnt/capture.status
    for fmt in $FORMATS; do
        t0=$(date +%s)
        case "$fmt" in
            kdump)     $MDF -c -d $DUMP_LEVEL /proc/vmcore /mnt/vmcore >>"$log" 2>&1 ;;
            flattened) $MDF -F -c -d $DUMP_LEVEL /proc/vmcore > /mnt/vmcore.flat 2>>"$log" ;;
            elf)       $MDF -E -d $DUMP_LEVEL /proc/vmcore /mnt/vmcore.elf >>"$log" 2>&1 ;;
            *)         echo "unknown format $fmt" >>"$log"; false ;;
        esac
        rc=$?
        echo "format $fmt rc=$rc seconds=$(( $(date +%s) - t0 ))" >> /mnt/capture.status
        say "makedumpfile $fmt rc=$rc"
    done
    makedumpfile --dump-dmesg /proc/vmcore /mnt/vmcore-dmesg.txt >>"$log" 2>&1
    echo "dump-dmesg rc=$?" >> /mnt/capture.status
    if [ -n "$CAPTURE_MODULE" ]; then
        # After the dump is saved: a module of the capture kernel's own.
        # "@pending" in its arguments is the first IOVA range the crashed
        # kernel's lazy_unmap reported pending in its flush queue.
        args=$CAPTURE_MODULE_ARGS
        case "$args" in *@pending*)
            p=$(sed -n 's/.*lazy_unmap: pending [^ ]* iova=\(0x[0-9a-f]*\) .*/\1/p' /mnt/vmcore-dmesg.txt | head -n 1)
            args=$(echo "$args" | sed "s/@pending/${p:-none}/") ;;
        esac
        # shellcheck disable=SC2086 # a list of name=value words
        insmod "/lib/modules/extra/$CAPTURE_MODULE.ko" $args >>"$log" 2>&1
        echo "capture-module $CAPTURE_MODULE rc=$? args=$(echo $args | tr ' ' ,)" >> /mnt/capture.status
        sleep "$CAPTURE_WAIT"   # its faults reach the log through the IOMMU's fault interrupt
    fi
    dmesg > /mnt/kexec-dmesg.log
    cat /proc/cmdline > /mnt/capture.cmdline
    umount /mnt; sync
    say "capture done"
    reboot -f
fi

# ---------------------------------------------------------------- primary guest
say "primary kernel $(uname -r): scenario $SCENARIO, load $LOAD"
load_modules primary.list
ip link set lo up
IFACE=$(ls /sys/class/net | grep -v '^lo$' | head -n1)
[ -n "$IFACE" ] && ip link set "$IFACE" up && ip addr add 10.0.2.15/24 dev "$IFACE"
DMA=$(find_disk labdma) || say "no DMA disk"
NVME=; [ -b /dev/nvme0n1 ] && NVME=/dev/nvme0n1

MODULE_REFUSAL=
if [ -n "$MODULE" ] && [ "$MODULE_EXPECT" = fail ]; then
    # the module must refuse this machine: keep what insmod and the module said
    # shellcheck disable=SC2086 # MODULE_ARGS is a list of name=value words
    if out=$(insmod "/lib/modules/extra/$MODULE.ko" $MODULE_ARGS 2>&1); then
        die "insmod $MODULE $MODULE_ARGS succeeded; this scenario expects it to refuse"
    fi
    MODULE_REFUSAL="insmod: $out
$(dmesg | grep "$MODULE: ")"
    say "$MODULE refused to load, as expected: $out"
elif [ -n "$MODULE" ]; then
    # shellcheck disable=SC2086 # MODULE_ARGS is a list of name=value words
    insmod "/lib/modules/extra/$MODULE.ko" $MODULE_ARGS || die "insmod $MODULE $MODULE_ARGS"
    say "inserted $MODULE $MODULE_ARGS"
fi

mount_out
copy_facts
[ -n "$MODULE_REFUSAL" ] && printf '%s\n' "$MODULE_REFUSAL" > /mnt/facts/module_refusal
umount /mnt

if [ "$KDUMP" = 1 ]; then
    kexec -p /boot/vmlinuz --initrd=/boot/kdump.img \
        --append="console=ttyS0 irqpoll nr_cpus=1 reset_devices panic=-1 $CAPTURE_APPEND" ||
        die "kexec -p failed"
    say "capture kernel loaded: $(cat /sys/kernel/kexec_crash_loaded)"
fi

if [ "$LOAD" = dma ]; then
    for dev in $DMA $NVME; do
        ( while :; do dd if="$dev" of=/dev/null bs=64k count=64 iflag=direct 2>/dev/null; done ) &
    done
    # user netdev: QEMU's slirp answers pings; socket-flood: the host sends the frames.
    [ -n "$IFACE" ] && [ "$NET" = user ] && ping -A -q -s 1200 10.0.2.2 >/dev/null 2>&1 &
fi
sleep "$LOAD_SECS"

mount_out
load_stats > /mnt/facts/load_before
sleep 1
load_stats > /mnt/facts/load_at_panic
umount /mnt
sync
say "panicking now"
if [ "$PANIC" = module ]; then
    # the module panics at a moment of its own choosing (its "panic" parameter)
    echo 1 > "/sys/module/$MODULE/parameters/panic" || die "cannot ask $MODULE to panic"
    sleep 60
    die "still alive 60 s after asking $MODULE to panic"
fi
echo c > /proc/sysrq-trigger
sleep 60
die "still alive after sysrq c"
