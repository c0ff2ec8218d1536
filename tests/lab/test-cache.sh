#!/usr/bin/env bash
# Tests of the lab's artefact cache (tests/lab/cache.sh and its users in lib.sh).
#
#   test-cache.sh [--synthetic-only]
#
# First on artefacts of its own in a private cache: two producers of one
# artefact at once, producers killed half-way (SIGKILL, SIGTERM, SIGINT), a
# failing producer, damaged artefacts.  Then on the lab's real cache: a
# corrupted cached .deb and a corrupted headers tree (the damage a race left
# there once) are repaired by the next call, and the repaired tree builds a
# module.  Ends with "cache: N passed, N failed".
set -uo pipefail
# A shell started in the background by a non-interactive shell (nohup ... &,
# some CI runners) inherits SIGINT ignored, and a non-interactive bash cannot
# undo that: the producers under test would ignore the SIGINT this test sends
# (its SIGINT case then failed in such a run). Run with the default handling.
if [ -z "${IIF_TEST_CACHE_SIGNALS:-}" ]; then
    IIF_TEST_CACHE_SIGNALS=default exec env --default-signal=INT,QUIT bash "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
real_cache=${IOMMU_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-inflight/lab}
synthetic_only=0; [ "${1:-}" = --synthetic-only ] && synthetic_only=1

pass=0; fail=0
ok()  { pass=$((pass + 1)); printf '  ok   %s\n' "$*"; }
bad() { fail=$((fail + 1)); printf '  FAIL %s\n' "$*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/iommu-lab-cache-test.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
export IOMMU_LAB_CACHE=$tmp/cache IOMMU_LAB_PROGRESS=1
exec 19>&2; export LAB_TTY_FD=19   # the lab's terminal messages: captured below with 19>&2
# shellcheck source=tests/lab/lib.sh
. "$here/lib.sh"
set +e
C=$IOMMU_LAB_CACHE

# A producer of our own: counts its runs, writes a file, waits, writes another.
slow_produce() {   # slow_produce TMP COUNTER SECONDS
    echo "$$ run" >> "$2"
    head -c 1048576 /dev/urandom > "$1/first"
    sleep "$3"
    echo second > "$1/second"
}
fail_produce() { echo "the producer's own complaint"; return 3; }
count() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
leftovers() { find "$C/$1" -maxdepth 1 -name ".tmp.$2.*" | wc -l; }

echo "== two producers of one artefact at once"
n=$tmp/n1
cache_get synth one - slow_produce "$n" 3 > "$tmp/o1" 2> "$tmp/e1" 19>&2 &
p1=$!
cache_get synth one - slow_produce "$n" 3 > "$tmp/o2" 2> "$tmp/e2" 19>&2 &
p2=$!
wait "$p1"; r1=$?; wait "$p2"; r2=$?
check "both calls succeed (rc $r1, $r2)" [ "$r1" = 0 ] && [ "$r2" = 0 ]
check "the producer ran once ($(count "$n") runs)" [ "$(count "$n")" = 1 ]
check "both got the same folder" cmp -s "$tmp/o1" "$tmp/o2"
check "one of them said it waited" grep -q 'waiting for another job that is producing synth/one' "$tmp/e1" "$tmp/e2"
check "the artefact is complete and intact" cache_check "$C/synth/one" -
check "it holds both files" [ -s "$C/synth/one/first" ] && [ -s "$C/synth/one/second" ]
check "a third call uses it without producing" [ "$(cache_get synth one - slow_produce "$n" 3)" = "$C/synth/one" ] && [ "$(count "$n")" = 1 ]

# kill_half_way SIGNAL KEY: start a producer, signal it after its first file.
# The signal waits for that file however long a loaded machine takes to get
# there (up to 120 s): sent earlier, it would hit the producer before its
# traps exist, which tests nothing.  No file by then is a failure of its own.
kill_half_way() {
    local sig=$1 key=$2 n=$tmp/n-$2 pid i
    set -m   # a job of its own, which receives SIGINT like a foreground job
    cache_get synth "$key" - slow_produce "$n" 30 > /dev/null 2> "$tmp/e-$key" 19>&2 &
    pid=$!
    set +m
    for i in $(seq 1200); do
        [ -n "$(find "$C/synth" -maxdepth 2 -path "*/.tmp.$key.*/first" -size +1023k 2>/dev/null)" ] && break
        sleep 0.1
    done
    [ "$i" -lt 1200 ] || bad "SIG$sig: the producer wrote no first file in 120 s, so the signal came at no particular point"
    kill "-$sig" -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # the job's inner subshell may still be cleaning up (slowly on a busy machine)
    for i in $(seq 600); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
}

echo "== a producer killed half-way"
kill_half_way KILL two
check "SIGKILL: nothing is published" [ ! -e "$C/synth/two" ]
check "SIGKILL: only its private folder is left ($(leftovers synth two))" [ "$(leftovers synth two)" = 1 ]
check "the next call makes it whole" [ "$(cache_get synth two - slow_produce "$tmp/n-two" 0)" = "$C/synth/two" ] &&
    cache_check "$C/synth/two" - && [ -s "$C/synth/two/second" ]
check "and sweeps the dead producer's folder" [ "$(leftovers synth two)" = 0 ]
for sig in TERM INT; do
    kill_half_way "$sig" "three-$sig"
    check "SIG$sig: nothing is published, nothing left behind" \
        [ ! -e "$C/synth/three-$sig" ] && [ "$(leftovers synth "three-$sig")" = 0 ]
done

echo "== a producer that fails"
out=$(LAB_RETRY="make dumps KERNEL=9.9" cache_get synth four - fail_produce 2> "$tmp/e4" 19>&2); rc=$?
check "the call fails (rc $rc) and prints no path" [ "$rc" != 0 ] && [ -z "$out" ]
check "the message names the artefact" grep -q 'making synth/four failed (exit 3)' "$tmp/e4"
check "... the producer's own words" grep -q "the producer's own complaint" "$tmp/e4"
check "... the log" grep -q "log:   $C/logs/synth-four.log" "$tmp/e4"
check "... and the command that retries" grep -q 'retry: make dumps KERNEL=9.9' "$tmp/e4"
check "nothing is published or left" [ ! -e "$C/synth/four" ] && [ "$(leftovers synth four)" = 0 ]

echo "== damaged artefacts are discarded and made again"
verify_second() { grep -qx second "$1/second" || { echo "second does not say second"; return 1; }; }
damage() {   # damage WHAT CMD: make synth/five, damage it with CMD, call again
    local what=$1; shift
    cache_get synth five verify_second slow_produce "$tmp/n5" 0 > /dev/null 2>&1
    "$@"
    local before after
    before=$(count "$tmp/n5")
    cache_get synth five verify_second slow_produce "$tmp/n5" 0 > /dev/null 2> "$tmp/e5" 19>&2
    after=$(count "$tmp/n5")
    check "$what: discarded with the reason ($(grep -o 'discarding.*' "$tmp/e5" | cut -c1-90))" \
        grep -q "discarding synth/five: $REASON" "$tmp/e5"
    check "$what: made again, intact" [ "$after" = $((before + 1)) ] && cache_check "$C/synth/five" verify_second
}
flip() { printf '\xff' | dd of="$C/synth/five/first" bs=1 seek=4096 conv=notrunc status=none; }
REASON="checksum mismatch" damage "a byte changed, size kept" flip
REASON="its files differ" damage "a file truncated" truncate -s 100 "$C/synth/five/first"
REASON="its files differ" damage "a file removed" rm "$C/synth/five/second"
REASON="its files differ" damage "a file added" touch "$C/synth/five/stray"
REASON="incomplete" damage "the marker removed" rm "$C/synth/five/.complete"
REASON="second does not say second" damage "rejected by its own check" \
    sh -c "echo secXnd > '$C/synth/five/second'; (cd '$C/synth/five' && find . -type f ! -name '.*' -print0 | sort -z | xargs -0 sha256sum > .sha256)"

echo "== progress while a long step runs"
with_progress "a long step" "$tmp" sleep 3.5 2> "$tmp/e6" 19>&2
check "it said so at least twice ($(grep -c 'still running' "$tmp/e6"))" [ "$(grep -c 'a long step: still running' "$tmp/e6")" -ge 2 ]
with_progress "a failing step" "$tmp" false 2> /dev/null 19>&2; rc=$?
check "it keeps the step's exit status ($rc)" [ "$rc" = 1 ]

if [ "$synthetic_only" = 0 ]; then
    echo "== the lab's real cache ($real_cache)"
    export IOMMU_LAB_CACHE=$real_cache
    LAB_CACHE=$real_cache; C=$real_cache
    krel=$(kernel_release 6.1)
    hdr=linux-headers-$krel
    deb=$(fetch_deb "$hdr" 2> "$tmp/e7" 19>&2)
    check "fetch_deb $hdr" [ -s "$deb" ]
    read -r _ base size sha <<< "$(deb_info "$hdr")"
    printf '\x00\x01\x02\x03' | dd of="$deb" bs=1 seek=$((size / 2)) conv=notrunc status=none
    deb2=$(fetch_deb "$hdr" 2> "$tmp/e7" 19>&2)
    check "a corrupted cached .deb is discarded ($(grep -o 'discarding.*' "$tmp/e7" | cut -c1-80))" \
        grep -q "discarding debs/${base%.deb}: checksum mismatch" "$tmp/e7"
    check "... downloaded again, with the archive's SHA-256" \
        [ "$deb2" = "$deb" ] && [ "$(sha256sum < "$deb" | cut -d' ' -f1)" = "$sha" ]

    kdir=$(kernel_headers "$krel" 2> "$tmp/e8" 19>&2)
    check "kernel_headers $krel" [ -f "$kdir/Makefile" ]
    # The damage two racing jobs once left: the cache prefix written twice into the include.
    sed -i "s|^include |include $C$C/usr/src/|" "$kdir/Makefile"
    kdir2=$(kernel_headers "$krel" 2> "$tmp/e8" 19>&2)
    check "a corrupted headers tree is discarded ($(grep -o 'discarding.*' "$tmp/e8" | cut -c1-80))" \
        grep -q "discarding headers/$krel-.*: its files differ" "$tmp/e8"
    check "... made again" [ "$kdir2" = "$kdir" ] && headers_verify "${kdir%/usr/src/*}" "$krel"
    lost=$(ls "${kdir%/usr/src/*}"/usr/src/linux-headers-*-common/include/linux/module.h)
    rm -f "$lost"
    kernel_headers "$krel" > /dev/null 2> "$tmp/e8" 19>&2
    check "a headers tree that lost a file is made again too" \
        grep -q "discarding headers/$krel-" "$tmp/e8" && [ -s "$lost" ]
    ko=$(build_module "$krel" "$here/modules/labnop" labnop 2> "$tmp/e9" 19>&2)
    check "the repaired tree builds a module ($(basename "$ko"))" [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$krel" ]
fi

echo "cache: $pass passed, $fail failed"
[ "$fail" = 0 ]
