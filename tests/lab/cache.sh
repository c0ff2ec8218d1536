# shellcheck shell=bash
# The lab's artefact cache: everything the lab downloads or builds and keeps
# between runs (Debian packages, extracted kernels, vmlinux files, headers
# trees, modules, initramfs images, the fault-reporting QEMU, ...).
#
#   cache_get KIND KEY VERIFY PRODUCE [ARGS...]   -> prints the artefact's folder
#
# An artefact is the folder $LAB_CACHE/KIND/KEY.  It is used only when it is
# complete and intact: its marker .complete (written last) is there, its
# listing (every file's size, every link's target) is unchanged, every file
# still has the SHA-256 recorded when it was made (a folder named .lab-work,
# where jobs work inside a chroot (chroot.sh), is left out), and VERIFY DIR ARGS (a
# function, or - for none) accepts it; VERIFY prints why it does not.
#
# Otherwise, under the artefact's own lock ($LAB_CACHE/locks/KIND/KEY.lock,
# flock), so that parallel scenario jobs and parallel make runs wait for one
# producer instead of racing, PRODUCE TMP ARGS fills a private folder
# ($LAB_CACHE/KIND/.tmp.KEY.XXXXXX), the result is listed, hashed and checked
# with VERIFY, and it is published by one rename(2).  A damaged artefact is
# discarded with a message saying why.  A producer that dies (kill -9, power
# loss) leaves only its private folder, swept by the next producer of that
# KEY; Ctrl-C or a failure removes it at once.  A producer's output goes to
# $LAB_CACHE/logs/KIND-KEY.log; when it fails, the message names the
# artefact, that log and the command that retries ($LAB_RETRY).
#
# Messages meant for the person at the terminal (progress, waiting, repairs)
# go to file descriptor $LAB_TTY_FD, the stderr the first lab script
# started with, even from inside a producer or a scenario job whose own
# output is redirected into a log.

: "${LAB_RETRY:=make dumps}"
# (inherited through the environment; opened anew when a parent closed it)
if [ -z "${LAB_TTY_FD:-}" ] || ! { true >&"$LAB_TTY_FD"; } 2>/dev/null; then
    exec 19>&2
    export LAB_TTY_FD=19
fi

lab_say() { printf '%s lab: %s\n' "$(date +%H:%M:%S)" "$*" >&"$LAB_TTY_FD" 2>/dev/null || true; }

# cache_listing DIR: what the folder holds, one line an entry (the marker files aside).
cache_listing() {
    (cd "$1" && find . -mindepth 1 \
        \( -name .complete -o -name .listing -o -name .sha256 -o -name .lab-work \) -prune -o \
        \( -type f -printf 'f %s %P\n' \) -o \( -type l -printf 'l %P -> %l\n' \) -o \
        \( -type d -printf 'd %P\n' \) -o -printf '? %P\n') | LC_ALL=C sort
}

cache_hashes() {   # cache_hashes DIR: sha256sum lines of every regular file
    (cd "$1" && find . -name .lab-work -prune -o -type f ! -name .complete ! -name .listing ! -name .sha256 -print0 |
        LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

# cache_check DIR VERIFY ARGS... -> 0 when the artefact may be used; else prints why.
cache_check() {
    local dir=$1 verify=$2 why; shift 2
    [ -e "$dir" ] || { echo "not in the cache"; return 1; }
    [ -f "$dir/.complete" ] || { echo "incomplete (no .complete marker: its producer stopped half-way)"; return 1; }
    [ -f "$dir/.listing" ] && [ -f "$dir/.sha256" ] || { echo "its listing or checksums are missing"; return 1; }
    if ! cache_listing "$dir" | cmp -s - "$dir/.listing"; then
        echo "its files differ from what was made: $(cache_listing "$dir" | diff "$dir/.listing" - |
              grep '^[<>]' | head -n 2 | tr '\n' ' ')"
        return 1
    fi
    if ! why=$(cd "$dir" && sha256sum --quiet --strict -c .sha256 2>&1); then
        echo "checksum mismatch: $(head -n 2 <<< "$why" | tr '\n' ' ')"
        return 1
    fi
    if [ "$verify" != - ] && ! why=$("$verify" "$dir" "$@" 2>&1); then
        echo "${why:-rejected by $verify}"
        return 1
    fi
    return 0
}

cache_get() {
    local kind=$1 key=$2 verify=$3 produce=$4; shift 4
    local dir=$LAB_CACHE/$kind/$key why
    mkdir -p "$LAB_CACHE/$kind" "$LAB_CACHE/locks/$kind" "$LAB_CACHE/logs" ||
        lab_die "cannot create the cache folder $LAB_CACHE/$kind"
    if why=$(cache_check "$dir" "$verify" "$@"); then
        echo "$dir"; return 0
    fi
    (
        exec 7>"$LAB_CACHE/locks/$kind/$key.lock"
        if ! flock -n 7; then
            lab_say "cache: waiting for another job that is producing $kind/$key"
            flock -w "${IOMMU_LAB_LOCK_WAIT:-3600}" 7 ||
                lab_die "cache: $kind/$key stayed locked for ${IOMMU_LAB_LOCK_WAIT:-3600} s ($LAB_CACHE/locks/$kind/$key.lock)"
        fi
        # Another job may have made it while this one waited.
        if why=$(cache_check "$dir" "$verify" "$@"); then echo "$dir"; exit 0; fi
        # With the lock held no producer of KEY runs: what is left is from one that died.
        rm -rf "$LAB_CACHE/$kind/.tmp.$key".* "$LAB_CACHE/$kind/.old.$key".*
        if [ -e "$dir" ]; then
            lab_say "cache: discarding $kind/$key: $why; making it again"
            local old
            old=$(mktemp -u "$LAB_CACHE/$kind/.old.$key.XXXXXX")
            mv -T "$dir" "$old" && rm -rf "$old" || lab_die "cache: cannot remove the damaged $dir"
        fi
        local tmp log=$LAB_CACHE/logs/${kind//\//_}-$key.log rc=0
        tmp=$(mktemp -d "$LAB_CACHE/$kind/.tmp.$key.XXXXXX") || lab_die "cannot make a folder in $LAB_CACHE/$kind"
        trap 'rm -rf "$tmp"' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        "$produce" "$tmp" "$@" > "$log" 2>&1 || rc=$?
        if [ "$rc" = 0 ]; then
            cache_listing "$tmp" > "$tmp/.listing" && cache_hashes "$tmp" > "$tmp/.sha256" || rc=1
        fi
        if [ "$rc" = 0 ] && [ "$verify" != - ] && ! why=$("$verify" "$tmp" "$@" 2>&1); then
            echo "the new $kind/$key fails its check: $why" >> "$log"; rc=1
        fi
        if [ "$rc" != 0 ]; then
            {
                printf 'lab: error: making %s/%s failed (exit %s); last lines of its log:\n' "$kind" "$key" "$rc"
                tail -n 12 "$log" | sed 's/^/    /'
                printf '  log:   %s\n  retry: %s\n' "$log" "$LAB_RETRY"
            } >&"$LAB_TTY_FD" 2>/dev/null
            exit 1
        fi
        date -u +%FT%TZ > "$tmp/.complete"
        mv -T "$tmp" "$dir" || lab_die "cache: cannot publish $dir"
        trap - EXIT
        echo "$dir"
    )
}

# lab_every SECONDS GUARD CMD...: while the shell test GUARD holds (checked
# five times a second), run CMD every SECONDS; stop early when CMD fails. Meant to
# run in the background and to end by itself: whoever started it makes GUARD
# false and waits for it. It is never killed, because bash runs a caller's
# EXIT trap in a background subshell that dies by a signal before it has set
# traps of its own: a caller's `trap 'rm -rf "$tmp"' EXIT` fired when such a
# loop was killed (seen: tests/lab/test-cache.sh lost its folder under load).
# Its short sleeps run in the foreground, so none outlives it to hold a
# `make-dumps.sh | tail` pipe open.
lab_every() {
    local n=$(( $1 * 5 )) guard=$2 waited=0; shift 2
    trap - EXIT
    while sleep 0.2 && eval "$guard"; do
        waited=$((waited + 1))
        [ "$waited" -ge "$n" ] || continue
        waited=0
        "$@" || break
    done
}

# with_progress LABEL WATCH CMD...: run CMD; every $IOMMU_LAB_PROGRESS seconds
# (default 20) tell the terminal it still runs, with WATCH's state: the bytes
# in a folder (a download) or the last line of a log file (a build).
with_progress() {
    local label=$1 watch=$2 t0 pid rc=0 ticker; shift 2
    t0=$(date +%s)
    "$@" &
    pid=$!
    lab_every "${IOMMU_LAB_PROGRESS:-20}" "kill -0 $pid 2>/dev/null" \
        progress_tick "$pid" "$label" "$watch" "$t0" &
    ticker=$!
    wait "$pid" || rc=$?
    wait "$ticker" 2>/dev/null
    return "$rc"
}

progress_tick() {   # progress_tick PID LABEL WATCH T0: fails once PID is gone
    local what=
    kill -0 "$1" 2>/dev/null || return 1
    if [ -d "$3" ]; then
        what="$(( $(du -sb "$3" 2>/dev/null | cut -f1) / 1048576 )) MB so far"
    elif [ -f "$3" ]; then
        what=$(tail -n 1 "$3" 2>/dev/null | cut -c1-90)
    fi
    lab_say "$2: still running after $(( $(date +%s) - $4 )) s${what:+ ($what)}"
}
