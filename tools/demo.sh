#!/usr/bin/env bash
# The README's main command: make (or reuse) the lab's Debian 6.1 `stock`
# vmcore and run `iommu_inflight` on it inside Debian's crash, with the
# capture kernel's own log correlated.
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=${KERNEL:-6.1}
scenario=${SCENARIO:-stock}
dir=tests/dumps/out/$kernel/$scenario

bash tests/lab/make-dumps.sh --kernel "$kernel" --scenario "$scenario"
for f in vmcore vmlinux kexec-dmesg.log; do
    [ -e "$dir/$f" ] || { echo "demo: $dir/$f is missing after make dumps" >&2; exit 1; }
done
cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT
cat > "$cmds" <<CMDS
extend $PWD/build/iommu_inflight.so
iommu_inflight -k $PWD/$dir/kexec-dmesg.log
quit
CMDS
echo "== crash -s $dir/vmlinux $dir/vmcore, then: iommu_inflight -k $dir/kexec-dmesg.log"
crash -s "$dir/vmlinux" "$dir/vmcore" -i "$cmds"
