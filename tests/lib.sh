# lib.sh: the shell helpers every test script shares, sourced from the
# repository's root (`. tests/lib.sh`) and begun with `test_begin NAME`:
# the C locale, unset variables as errors, a private temporary folder
# ($tmp, absolute) removed by a trap however the script ends, and the
# counts of passed, failed and skipped checks that `test_end` prints as
# the line tests/run.sh adds up: "RESULT NAME <passed> <failed> <skipped>".
# Not `set -e`: a test script runs commands that are meant to fail and goes
# on after a failed check, so that every check is counted.
set -u
export LC_ALL=C

passed=0 failed=0 skipped=0
test_name=test

# test_begin NAME: names the part and makes $tmp (under $FLOPBENCH_TEST_TMP,
# else $TMPDIR, else /tmp).
test_begin() {
    test_name=$1
    tmp=${FLOPBENCH_TEST_TMP:-${TMPDIR:-/tmp}}/$test_name.$$
    mkdir -p "$tmp" || { echo "FAIL $test_name: cannot create $tmp"; exit 1; }
    tmp=$(cd "$tmp" && pwd)
    trap 'rm -rf "$tmp"' EXIT
    trap 'rm -rf "$tmp"; exit 130' INT TERM
}

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $test_name: $*"; }
skip() { skipped=$((skipped + 1)); echo "SKIP $test_name: $*"; }

# expect DESCRIPTION COMMAND...: the command must succeed (its output shown).
expect() {
    d=$1; shift
    if "$@"; then ok; else bad "$d"; fi
}

# check DESCRIPTION COMMAND...: the command must succeed (its output hidden).
check() {
    d=$1; shift
    if "$@" >/dev/null 2>&1; then ok; else bad "$d"; fi
}

# same DESCRIPTION GOT WANT: the two texts must be equal.
same() {
    if [ "$2" = "$3" ]; then ok; else bad "$1"; echo "  got:  $2"; echo "  want: $3"; fi
}

# test_skip REASON: the rest of the part cannot run here: one skip, then test_end.
test_skip() {
    skip "$*"
    test_end
}

# test_end: prints the RESULT line; exits 0 if no check failed.
test_end() {
    echo "RESULT $test_name $passed $failed $skipped"
    [ "$failed" -eq 0 ]
    exit
}
