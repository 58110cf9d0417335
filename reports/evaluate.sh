#!/bin/sh
# evaluate.sh: `make evaluate`, what an artifact evaluator runs first.
#   1. kick the tires, in at most ten minutes on two cores: the build, the
#      tests that matter (unit, language, report), one tiny sweep of the CPU
#      panel and the report on it;
#   2. the claims this host can measure: `make paper` with PROFILE (quick
#      by default; experiments this host lacks a backend for are skipped and
#      read from the recorded results);
#   3. the table, on standard output: each claim on every recorded host and
#      on this build, and this build's verdict against the claim's reference
#      (the report's evaluation.txt).
# Exits 0 when every step ran, whether or not a claim differs (that is a
# finding, and the table says so); 1 when a step broke, naming it and its
# log. Logs go under EVALUATE_LOGS (default $BUILD/evaluate).
# EVALUATE_TESTS replaces the test commands of step 1 (the tests use that);
# PROFILE, PAPER_BUILD, PAPER_PDF and PAPER_SCRATCH go to `make paper`.
set -u
export LC_ALL=C
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
BUILD=${BUILD:-build}
PROFILE=${PROFILE:-quick}
export PROFILE BUILD
# The framework workers of this checkout, wherever BUILD puts the runner.
FLOPBENCH_PEERS=${FLOPBENCH_PEERS:-$PWD/peers}
export FLOPBENCH_PEERS
PAPER_BUILD=${PAPER_BUILD:-$BUILD/paper}
export PAPER_BUILD
logs=${EVALUATE_LOGS:-$BUILD/evaluate}
runner=$BUILD/runner
tests=${EVALUATE_TESTS:-"$BUILD/tests/test_csv $BUILD/tests/test_stats $BUILD/tests/test_reference
  $BUILD/tests/test_experiment $BUILD/tests/test_measure $BUILD/tests/test_provenance
  $BUILD/tests/test_kernels tests/lang/run.sh:$runner tests/report/test_report.sh tests/report/test_hosts.sh"}

rm -rf "$logs" && mkdir -p "$logs" || { echo "evaluate: cannot make $logs" >&2; exit 1; }

now() { date +%s; }
# step NAME COMMAND...: runs COMMAND into $logs/NAME.log; on failure says
# so with the log's end and exits 1.
step() {
    name=$1; shift
    t0=$(now)
    if "$@" >"$logs/$name.log" 2>&1; then
        printf '  ok    %-28s %4d s\n' "$name" "$(($(now) - t0))" >&2
    else
        status=$?
        printf '  FAIL  %-28s exit %d; the end of %s:\n' "$name" "$status" "$logs/$name.log" >&2
        tail -15 "$logs/$name.log" | sed 's/^/        /' >&2
        echo "evaluate: step '$name' broke (exit $status); nothing after it ran" >&2
        exit 1
    fi
}

start=$(now)
echo "evaluate: 1. kick the tires (the build, the tests that matter, one tiny sweep, the report)" >&2
step deps tools/deps.sh paper
# The ten minutes count from here: installing packages is the network's time.
tires_start=$(now)
step build "$MAKE" --no-print-directory all unit
for t in $tests; do
    cmd=$(echo "$t" | tr ':' ' ')
    # A test's name: its file's, or its folder's for a run.sh (tests/lang/run.sh: lang).
    name=$(basename "${t%%:*}" .sh)
    [ "$name" = run ] && name=$(basename "$(dirname "${t%%:*}")")
    # shellcheck disable=SC2086
    step "test-$name" $cmd
done
step sweep-tiny "$runner" run experiments/fig2_cpu.lua --profile tiny --out "$logs/tiny" --quiet
step report-tiny "$runner" report reports/paper.lua --out "$logs/tiny-report" --profile tiny \
    --results "$logs/tiny" --recorded results experiments/fig*.lua
tires=$(($(now) - tires_start))
echo "evaluate: kicked the tires in $tires s" >&2
[ "$tires" -le 600 ] || echo "evaluate: that took longer than the ten minutes it should on two cores" >&2

echo "evaluate: 2. the claims this host can measure (make paper PROFILE=$PROFILE)" >&2
step paper "$MAKE" --no-print-directory paper

table=$PAPER_BUILD/gen/evaluation.txt
[ -s "$table" ] || { echo "evaluate: the report wrote no $table" >&2; exit 1; }
echo "evaluate: 3. each claim on every host, and this build against the references ($table)" >&2
cat "$table"
echo "evaluate: done in $(($(now) - start)) s; the paper is ${PAPER_PDF:-paper/paper.pdf}" >&2
