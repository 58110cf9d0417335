#!/bin/sh
# run.sh: every test of flopbench, run by `make test`.
# Each part prints lines "RESULT <name> <passed> <failed> <skipped>"; this
# script adds them up. The last line is "N passed, N failed, N skipped".
set -u
export LC_ALL=C
# The checks compare sample counts between runs: a round marked for steal
# on a shared host would add one (the steal tests set their own limit).
export FLOPBENCH_STEAL_LIMIT=1
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export FLOPBENCH_TEST_TMP="${TMPDIR:-/tmp}/flopbench-test.$$"
mkdir -p "$FLOPBENCH_TEST_TMP"
trap 'rm -rf "$FLOPBENCH_TEST_TMP"' EXIT INT TERM

passed=0 failed=0 skipped=0

# Adds the RESULT lines of a part's output; a part that printed none counts
# as one failure (it crashed or never ran).
tally() {
    part=$1 out=$2 status=$3
    lines=$(grep '^RESULT ' "$out" || true)
    if [ -z "$lines" ]; then
        echo "FAIL $part: exited $status without a RESULT line"
        failed=$((failed + 1))
        return
    fi
    while read -r _ name p f s; do
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
        printf '  %-28s %4d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
    done <<LINES
$lines
LINES
    # A part whose counts say nothing failed must also exit 0.
    if [ "$status" -ne 0 ] && ! echo "$lines" | awk '$4 > 0 { bad = 1 } END { exit !bad }'; then
        echo "FAIL $part: exited $status"
        failed=$((failed + 1))
    fi
}

# run_part NAME COMMAND...: runs a part, shows its failures and skips.
run_part() {
    name=$1
    shift
    log="$FLOPBENCH_TEST_TMP/$name.log"
    "$@" >"$log" 2>&1
    status=$?
    grep -E '^(FAIL|SKIP|ERROR)|runtime error|Sanitizer' "$log" | head -40
    tally "$name" "$log" "$status"
}

echo "unit tests ($BUILD):"
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] && run_part "$(basename "$t")" "$t"
done

echo "unit tests, the language and the sets under AddressSanitizer and UndefinedBehaviorSanitizer:"
if make --no-print-directory -s -j"$(nproc)" SAN=1 BUILD=build-san unit all >"$FLOPBENCH_TEST_TMP/san-build.log" 2>&1; then
    export ASAN_OPTIONS=detect_leaks=1:protect_shadow_gap=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    for t in build-san/tests/test_*; do
        [ -x "$t" ] && run_part "san-$(basename "$t")" "$t"
    done
    run_part san-lang tests/lang/run.sh build-san/runner
    run_part san-sets env FAILAT_SHIM=build-san/tests/failat.so tests/e2e/sets.sh build-san/runner
    run_part san-shards tests/e2e/shards.sh build-san/runner
    unset ASAN_OPTIONS UBSAN_OPTIONS
else
    cat "$FLOPBENCH_TEST_TMP/san-build.log"
    echo "FAIL sanitizer build"
    failed=$((failed + 1))
fi

echo "the experiment language (tests/lang):"
run_part lang tests/lang/run.sh "$BUILD/runner"

echo "end to end (tests/e2e.sh):"
run_part e2e tests/e2e.sh "$BUILD/runner"

echo "an op added through the catalogue alone (tests/catalogue.sh):"
run_part catalogue tests/catalogue.sh "$BUILD/runner"

echo "framework workers (tests/workers.sh):"
run_part workers tests/workers.sh "$BUILD/runner"

echo "an experiment's files as one set (tests/e2e/sets.sh):"
run_part sets env FAILAT_SHIM="$BUILD/tests/failat.so" tests/e2e/sets.sh "$BUILD/runner"

echo "shards, merges and --devices (tests/e2e/shards.sh):"
run_part shards tests/e2e/shards.sh "$BUILD/runner"

echo "sweeps on a one-node Slurm cluster (tests/slurm.sh):"
run_part slurm tests/slurm.sh "$BUILD/runner"

echo "faults: signals at every stage, the script caps (tests/fault.sh):"
run_part fault env FAILAT_SHIM="$BUILD/tests/failat.so" tests/fault.sh "$BUILD/runner"

echo "a build without nvcc (CUDA=0, in build-nocuda): the language, end to end, the paper:"
if make --no-print-directory -s -j"$(nproc)" CUDA=0 BUILD=build-nocuda all >"$FLOPBENCH_TEST_TMP/nocuda-build.log" 2>&1; then
    run_part nocuda-lang tests/lang/run.sh build-nocuda/runner
    run_part nocuda-e2e tests/e2e.sh build-nocuda/runner
    run_part nocuda-paper env BUILD=build-nocuda CUDA=0 tests/report/test_paper_e2e.sh
else
    cat "$FLOPBENCH_TEST_TMP/nocuda-build.log"
    echo "FAIL the CUDA=0 build"
    failed=$((failed + 1))
fi

echo "fuzzing (make fuzz: libFuzzer with ASan and UBSan, in build-fuzz; FUZZ_SECONDS each):"
run_part fuzz make --no-print-directory -s fuzz

echo "README examples (tests/readme.sh):"
run_part readme tests/readme.sh "$BUILD/runner"

for t in tests/report/test_*.sh; do
    [ -x "$t" ] || continue
    echo "report ($t):"
    run_part "$(basename "$t" .sh)" "$t"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
