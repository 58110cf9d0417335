#!/bin/sh
# sets.sh RUNNER: an experiment's files are one set. Two runs never mix
# them (the lock), a failure at any write, fsync or rename leaves the old
# set or the new one whole and says the errno, an interrupted or killed
# run leaves nothing behind that confuses the next, and no planted symlink
# is followed. The k-th call failures come from build/tests/failat.so
# (FAILAT_SHIM); a real ENOSPC from a small tmpfs, when root.
runner=$1
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
test_begin sets
shim=${FAILAT_SHIM:-build/tests/failat.so}
# Under ASan the shim must be allowed after the sanitizer's runtime.
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
run() { "$runner" run tests/e2e/set.lua --quiet "$@"; }

# whole_set DIR: the three files carry one run id, in every row, and the
# provenance's row counts are the files' rows.
whole_set() {
    d=$1 id=$(sed -n 's/^run_id,//p' "$1/provenance.csv" 2>/dev/null)
    [ -n "$id" ] || return 1
    for f in summary samples; do
        [ "$(sed -n "s/^${f}_rows,//p" "$d/provenance.csv")" -eq $(($(wc -l <"$d/$f.csv") - 1)) ] ||
            return 1
        awk -F, -v id="$id" 'NR == 1 && $NF != "run_id" { exit 1 } NR > 1 && $NF != id { exit 1 }' \
            "$d/$f.csv" || return 1
    done
}
same_set() { for f in samples summary provenance; do cmp -s "$1/$f.csv" "$2/$f.csv" || return 1; done; }
keep() { rm -rf "$2"; cp -r "$1" "$2"; }
# clean DIR: no staging folder, no lock file left in DIR.
clean() { [ -z "$(ls -A "$1" | grep -E '^\.set\.(new-|lock)')" ]; }

out="$tmp/out"
run --out "$out"; expect "a first run exits 0" [ $? -eq 0 ]
expect "and writes a whole set" whole_set "$out/set"
expect "leaving no staging folder or lock" clean "$out"
"$runner" run tests/e2e/set.lua --out "" 2>"$tmp/err"
expect "--out '' is a usage error" [ $? -eq 2 ]
expect "that says so" grep -q "^runner: --out needs a folder, not an empty string" "$tmp/err"

# fails NAME K: the K-th call of NAME fails with EIO; the folder then holds
# the old set or a new one, whole, and an error, if any, gives the errno
# text. Counts in $seen the runs that met the failure.
fails() {
    keep "$out/set" "$tmp/old"
    FLOPBENCH_FAILAT=$1:$2 LD_PRELOAD=$shim run --out "$out" 2>"$tmp/err"
    rc=$?
    if same_set "$out/set" "$tmp/old" || whole_set "$out/set"; then ok; else
        bad "$1 #$2: the folder holds neither set whole"; fi
    if [ -s "$tmp/err" ]; then
        seen=$((seen + 1))
        if [ $rc -eq 5 ] || grep -q '^runner: left ' "$tmp/err"; then ok; else
            bad "$1 #$2: exit $rc"; cat "$tmp/err"; fi
        if grep -q 'Input/output error' "$tmp/err"; then ok; else
            bad "$1 #$2: no errno text"; cat "$tmp/err"; fi
    elif [ $rc -ne 0 ]; then
        bad "$1 #$2: exit $rc and nothing said"
    fi
    run --out "$out"   # the next run clears what a failed cleanup left
}
if [ -r "$shim" ]; then
    for fn in openat mkdirat fsync renameat2 unlinkat; do
        seen=0
        for k in 1 2 3 4 5 6 7 8 9 10; do fails $fn $k; done
        expect "a failed $fn was met and said ($seen times)" [ $seen -gt 0 ]
        expect "nothing is left behind ($fn)" clean "$out"
        expect "the set is whole ($fn)" whole_set "$out/set"
    done
else
    skip "no $shim: the failure injection was not built"
fi

# A write past a file size limit (EFBIG) at each of several sizes.
for blocks in 1 4 8 16 24; do
    keep "$out/set" "$tmp/old"
    (trap '' XFSZ; ulimit -f $blocks; exec "$runner" run tests/e2e/set.lua --quiet --out "$out") 2>"$tmp/err"
    rc=$?
    if same_set "$out/set" "$tmp/old" && [ $rc -eq 5 ] && grep -q 'File too large' "$tmp/err"; then ok
    elif [ $rc -eq 0 ] && whole_set "$out/set"; then ok
    else bad "a $blocks-block file limit: exit $rc"; cat "$tmp/err"; fi
done
expect "nothing left behind by the size limits" clean "$out"

# A real ENOSPC, on a tmpfs filled up to each of several sizes.
fs="$tmp/fs"
mkdir -p "$fs"
if [ "$(id -u)" -ne 0 ]; then
    skip "not root: no small tmpfs to fill (ENOSPC is tested by CI, as root)"
elif ! mount -t tmpfs -o size=1m tmpfs "$fs" 2>"$tmp/err"; then
    skip "cannot mount a tmpfs here: $(cat "$tmp/err")"
else
    run --out "$fs"
    seen=0
    for free in 0 1 2 3 4 6 8; do
        rm -f "$fs/fill"
        dd if=/dev/zero of="$fs/fill" bs=4096 count=1000 2>/dev/null
        used=$(du -k "$fs/fill" | cut -f1)
        truncate -s $(( (used / 4 - free) * 4096 )) "$fs/fill"
        keep "$fs/set" "$tmp/old"
        run --out "$fs" 2>"$tmp/err"
        rc=$?
        if [ $rc -eq 5 ]; then
            grep -q 'No space left on device' "$tmp/err" && seen=$((seen + 1))
            if same_set "$fs/set" "$tmp/old"; then ok; else bad "ENOSPC, $free pages free: the old set changed"; fi
        elif [ $rc -eq 0 ] && whole_set "$fs/set"; then ok
        else bad "ENOSPC, $free pages free: exit $rc"; cat "$tmp/err"; fi
        expect "nothing left behind by ENOSPC ($free pages free)" clean "$fs"
    done
    expect "ENOSPC was met and named ($seen times)" [ $seen -gt 0 ]
    umount "$fs"
fi

# Two runs: the second refuses at once, naming the first's PID, or waits.
"$runner" run tests/e2e/slow_set.lua --out "$out" --quiet &
pid=$!
sleep 1
run --out "$out" 2>"$tmp/err"
expect "a second run exits 5" [ $? -eq 5 ]
expect "naming the first run" grep -qx "runner: $out/set is being written by another run (pid $pid); wait for it, or pass --wait" "$tmp/err"
"$runner" run tests/e2e/set.lua --quiet --out "$out" --wait 2>"$tmp/err" &
waiter=$!
# A background job ignores SIGINT until the runner installs its handler:
# wait for that (SigCgt's bit 2), however slowly a loaded host starts it.
catches_int() {
    mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
    [ -n "$mask" ] && [ $((0x${mask#"${mask%?}"} & 2)) -ne 0 ]
}
i=0
while ! catches_int $waiter && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
kill -INT $waiter; wait $waiter; expect "a run interrupted while it waits exits 130" [ $? -eq 130 ]
expect "and says so" grep -qx "runner: interrupted while waiting for $out/set" "$tmp/err"
run --out "$out" --wait; expect "with --wait it runs after the first" [ $? -eq 0 ]
wait $pid; expect "and the first ran whole" [ $? -eq 0 ]
expect "the set is the waiting run's, whole" [ "$(($(wc -l <"$out/set/summary.csv") - 1))" -eq 2 ]
expect "and whole" whole_set "$out/set"

# Killed: a staging folder is left; the next run removes it.
"$runner" run tests/e2e/slow_set.lua --out "$out" --quiet &
pid=$!
sleep 1
kill -KILL $pid; wait $pid 2>/dev/null
expect "a killed run leaves its staging folder" [ -n "$(ls -A "$out" | grep '^\.set\.new-')" ]
run --out "$out"; expect "the next run exits 0" [ $? -eq 0 ]
expect "and removed it" clean "$out"
# Interrupted: the folder as it was, nothing left.
keep "$out/set" "$tmp/old"
"$runner" run tests/e2e/slow_set.lua --out "$out" --quiet 2>/dev/null &
pid=$!
sleep 1
kill -INT $pid; wait $pid; expect "an interrupted run exits 130" [ $? -eq 130 ]
expect "the set is as it was" same_set "$out/set" "$tmp/old"
expect "and nothing is left" clean "$out"

# Planted symlinks are never followed; other files of the folder are kept.
echo outside >"$tmp/outside"
mkdir -p "$tmp/outdir"
ln -s "$tmp/outside" "$out/set/summary.csv.tmp"
echo mine >"$out/set/notes.txt"
ln -s "$tmp/outdir" "$out/.set.new-0badf00d"
run --out "$out" 2>"$tmp/err"; expect "a run among planted symlinks exits 0" [ $? -eq 0 ]
expect "the outside file is untouched" [ "$(cat "$tmp/outside")" = outside ]
expect "the outside folder is untouched" [ -z "$(ls -A "$tmp/outdir")" ]
expect "the old set's temporary name went with it" [ ! -e "$out/set/summary.csv.tmp" ] && [ ! -L "$out/set/summary.csv.tmp" ]
expect "a user's file stays in the folder" [ "$(cat "$out/set/notes.txt")" = mine ]
expect "the symlinked staging name is left, and said" grep -q "^runner: left $out/.set.new-0badf00d: Not a directory" "$tmp/err"
rm "$out/.set.new-0badf00d"
ln -s "$tmp/outside" "$out/.set.lock"
run --out "$out" 2>"$tmp/err"; expect "a symlink at the lock file: exit 5" [ $? -eq 5 ]
expect "naming it" grep -q "^runner: $out/.set.lock: Too many levels of symbolic links" "$tmp/err"
rm "$out/.set.lock"
mv "$out/set" "$tmp/real"; ln -s "$tmp/real" "$out/set"
run --out "$out" 2>"$tmp/err"; expect "a symlink at the experiment's folder: exit 5" [ $? -eq 5 ]
expect "refused by name" grep -qx "runner: $out/set is not a folder (a symlink or a file): refusing to replace it" "$tmp/err"
expect "the outside file still untouched" [ "$(cat "$tmp/outside")" = outside ]

test_end
