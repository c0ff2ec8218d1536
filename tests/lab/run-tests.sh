#!/usr/bin/env bash
# Lab self-tests: every lab dump opens in the tools it must open in and agrees
# with what the guest reported (truth.json).
#
#   run-tests.sh [--kernel 5.10|6.1|6.12|6.12-deb13|7.x[,..]] [--scenario NAME[,..]] [--no-build]
#   run-tests.sh --dir DIR [--dir DIR ...]     test dump folders of your own (docs/lab.md)
#
# KERNEL and SCENARIO from the environment (make lab-tests KERNEL=6.1) work too.
# Without --no-build/--dir the dumps are first built (or found up to date) with
# make-dumps.sh: a missing dump is built, and a dump that cannot be built is a failure,
# never a skip. Ends with "lab: N passed, N failed"; exit status 1 on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
PY_DRGN=/usr/bin/python3   # python3-drgn lives in Debian's python, not in a venv/pyenv one

kern=${KERNEL:-}; scen=${SCENARIO:-}; build=1; dirs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --kernel) kern=$2; shift 2 ;;
        --scenario) scen=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --dir) dirs+=("$2"); build=0; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "run-tests.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

pass=0; fail=0
ok()   { pass=$((pass + 1)); printf '  ok   %s\n' "$*"; }
bad()  { fail=$((fail + 1)); printf '  FAIL %s\n' "$*"; }
finish() { echo "lab: $pass passed, $fail failed"; [ "$fail" = 0 ]; exit $?; }

IFS=', ' read -r -a kernels <<< "${kern:-${LAB_SERIES[*]}}"
if [ ${#dirs[@]} -eq 0 ]; then
    if [ -n "$scen" ]; then IFS=', ' read -r -a scens <<< "$scen"
    else scens=(); for f in "$SCEN_DIR"/*.conf; do scens+=("$(basename "$f" .conf)"); done; fi
    if [ "$build" = 1 ]; then
        if bash "$LAB_DIR/make-dumps.sh" --kernel "${kernels[*]}" --scenario "${scens[*]}"; then
            ok "make-dumps.sh built or found every dump"
        else
            bad "make-dumps.sh could not build every dump (see above); testing what exists"
        fi
    fi
    for k in "${kernels[@]}"; do
        for s in "${scens[@]}"; do
            [ -f "$SCEN_DIR/$s.conf" ] || { bad "no scenario '$s' in $SCEN_DIR"; continue; }
            # shellcheck disable=SC1090
            ks=$( (KERNELS="6.1 6.12"; . "$SCEN_DIR/$s.conf"; echo "$KERNELS") )
            [[ " $ks " == *" $k "* ]] || continue
            dirs+=("$LAB_OUT/$k/$s")
        done
    done
fi

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'sys\nexit\n' > "$tmp/crash.cmds"

has_line() { grep -qF -- "$2" "$1"; }

# The engine's answers on a VT-d dump are held against the drgn walker by
# tests/standalone/run.sh (check.py vtd-drgn) and tests/crash (matrix_check),
# as the AMD ones against tests/drgn/iopt_mappings.py.

for d in "${dirs[@]}"; do
    name=${d#"$LAB_OUT"/}
    echo "== $name"
    if [ ! -s "$d/vmcore" ] || [ ! -s "$d/truth.json" ]; then
        bad "$name: no vmcore or truth.json in $d (build it: make dumps KERNEL=${name%%/*} SCENARIO=${name#*/})"
        continue
    fi
    # Facts from truth.json, one per line.
    mapfile -t T < <(python3 - "$d/truth.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
p = t["promises"]
print(t["kernel"].get("series", "")); print(t["kernel"]["vmlinux"]); print(t["dump"]["format"])
print("1" if p.get("capture_kernel", True) else "0"); print(len(p.get("kdump_markers", [])))
print(p.get("panic_message", ""))
print(p.get("vendor", "amd"))
for m in p.get("kdump_markers", []): print(m)
EOF
)
    series=${T[0]}; vmlinux=${T[1]}; format=${T[2]}; capture=${T[3]}; nm=${T[4]}; panic=${T[5]}; vendor=${T[6]}
    [ -f "$vmlinux" ] || { bad "$name: vmlinux $vmlinux missing"; continue; }

    # The crashed kernel's log has the promised panic (the lab's: the sysrq one).
    if [ ! -s "$d/vmcore-dmesg.txt" ]; then
        bad "$name: no vmcore-dmesg.txt"
    elif [ -z "$panic" ] || has_line "$d/vmcore-dmesg.txt" "$panic"; then
        ok "$name: vmcore-dmesg.txt${panic:+ has '$panic'}"
    else
        bad "$name: vmcore-dmesg.txt lacks '$panic'"
    fi

    # The capture kernel's log carries the promised kdump markers.
    if [ "$capture" = 1 ] && [ -f "$d/console.log" ]; then
        boots=$(grep -ac 'Linux version' "$d/console.log")
        if [ "$boots" -ge 2 ] && grep -aqF "${panic:-Kernel panic}" "$d/console.log"; then
            ok "$name: console.log has the primary boot, the panic and the capture kernel's boot"
        else
            bad "$name: console.log lacks a boot or the panic ($boots 'Linux version' lines)"
        fi
    fi
    if [ "$capture" = 1 ]; then
        if [ -s "$d/kexec-dmesg.log" ]; then
            okm=1
            for ((i = 0; i < nm; i++)); do
                m=${T[$((7 + i))]}
                has_line "$d/kexec-dmesg.log" "$m" || { okm=0; bad "$name: kexec-dmesg.log lacks '$m'"; }
            done
            [ "$okm" = 1 ] && ok "$name: kexec-dmesg.log has the $nm promised kdump marker(s)"
            if [ "$nm" = 0 ] && has_line "$d/kexec-dmesg.log" "Copied DEV table from previous kernel"; then
                bad "$name: kexec-dmesg.log copies a device table, but the scenario promises none"
            fi
            if [ "$nm" = 0 ] && has_line "$d/kexec-dmesg.log" "Copied translation tables from previous kernel"; then
                bad "$name: kexec-dmesg.log copies VT-d translation tables, but the scenario promises none"
            fi
        else
            bad "$name: no kexec-dmesg.log"
        fi
    fi

    # Debian's crash 8.0.2 opens the 6.1 dumps; `sys` shows the panic message.
    if [ "$series" = 6.1 ]; then
        out=$(timeout 300 crash -s "$vmlinux" "$d/vmcore" -i "$tmp/crash.cmds" < /dev/null 2>&1)
        if grep -qF "PANIC: \"${panic:-}" <<< "$out"; then
            ok "$name: crash 8.0.2 opens it, sys shows the panic"
        else
            bad "$name: crash did not show the panic in sys; last lines:"; tail -n 5 <<< "$out" | sed 's/^/         /'
        fi
    fi

    # drgn opens every dump and agrees with truth.json. libkdumpfile 0.5.1 (under
    # drgn 0.0.22) cannot read the flattened format: reassemble it first, as a user would.
    core=$d/vmcore
    if [ "$format" = kdump-flattened ]; then
        core=$tmp/reassembled
        if makedumpfile -R "$core" < "$d/vmcore" > "$tmp/R.log" 2>&1; then
            ok "$name: makedumpfile -R reassembles the flattened dump"
        else
            bad "$name: makedumpfile -R failed: $(tail -n 2 "$tmp/R.log")"; continue
        fi
    fi
    out=$(timeout 300 "$PY_DRGN" "$LAB_DIR/check-dump.py" "$d" --vmcore "$core" 2>&1); rc=$?
    nok=$(grep -c '^ok ' <<< "$out"); nfail=$(grep -c '^FAIL' <<< "$out")
    if [ "$rc" = 0 ] && [ "$nfail" = 0 ] && [ "$nok" -gt 0 ]; then
        if [ "$vendor" = intel ]; then
            ok "$name: drgn opens it; $nok checks of the VT-d state (tests/drgn/vtd_mappings.py) against truth.json agree"
            # which checks ran, by kind (device addresses folded, a count when several devices
            # had it); the AMD-only ones do not apply to a VT-d dump
            sed -n 's/^ok   //p' <<< "$out" | sed -e 's/: .*//' -e 's/[0-9a-f]\{4\}:[0-9a-f]\{2\}:[0-9a-f]\{2\}\.[0-7]/DEV/g' |
                awk '!n[$0]++ {o[++k]=$0} END {for (i = 1; i <= k; i++) printf "%s%s%s", (i > 1 ? "; " : ""), o[i], (n[o[i]] > 1 ? " (x" n[o[i]] ")" : ""); print ""}' |
                fold -s -w 140 | sed 's/^/         ran: /'
        else
            ok "$name: drgn opens it; $nok checks of the IOMMU state against truth.json agree"
        fi
        grep '^note ' <<< "$out" | cut -c1-300 | sed 's/^/         /'
    else
        bad "$name: drgn checks failed (rc $rc):"; grep -v '^ok ' <<< "$out" | sed 's/^/         /'
    fi
    rm -f "$tmp/reassembled"
done
finish
