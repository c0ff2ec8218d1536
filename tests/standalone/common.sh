# Sourced by tests/standalone/damaged.sh and corrupted.sh: their pass/fail
# counters, and the crash command (this host's crash) on a damaged dump.

pass=0; fail=0
ok()   { pass=$((pass + 1)); printf '  ok   %s\n' "$*"; }
bad()  { fail=$((fail + 1)); printf '  FAIL %s\n' "$*"; }

#
# crash_session VMLINUX DUMP BASE: runs `iommu_inflight -j` and
# `iommu_inflight` in one crash session, in full mode or, when crash itself
# stops on the damage, --minimal; writes BASE.json and BASE.txt and sets
# CRASH_MODE (full or minimal).  Returns 1, with crash's last lines in
# CRASH_FAILURE, when crash did not get through the script in either mode.
# Needs REPO and EXT (the extension's .so).
crash_session() {
    local vml=$1 dump=$2 base=$3
    printf 'extend %s\n!echo IIF_BEGIN json\niommu_inflight -j\n!echo IIF_END json\n!echo IIF_BEGIN text\niommu_inflight\n!echo IIF_END text\n!echo IIF_DONE\nexit\n' \
        "$EXT" > "$base.cmds"
    for CRASH_MODE in full minimal; do
        timeout 300 crash $([ "$CRASH_MODE" = minimal ] && echo --minimal) -s "$vml" "$dump" -i "$base.cmds" \
            > "$base.out" 2>&1 < /dev/null
        grep -q '^IIF_DONE' "$base.out" && break
    done
    if ! grep -q '^IIF_DONE' "$base.out"; then
        CRASH_FAILURE=$(tail -n 2 "$base.out"); return 1
    fi
    PYTHONPATH="$REPO/tests/crash" /usr/bin/python3 - "$base" <<'PY'
import sys
from session_blocks import blocks
b = blocks(open(sys.argv[1] + ".out", errors="replace").read())
open(sys.argv[1] + ".json", "w").write(b.get("json", ""))
open(sys.argv[1] + ".txt", "w").write(b.get("text", ""))
PY
}
