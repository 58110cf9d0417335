#!/bin/sh
# test_evaluate.sh: `make evaluate` (reports/evaluate.sh) on the tiny
# profile, into a scratch folder, with one test in its kick-the-tires and
# a claim whose reference this host's CPU misses: every step runs, the
# table of every host comes on standard output with the verdict "differs",
# and it exits 0 (a finding, not a failure); a step that breaks makes it
# exit 1, naming the step, and nothing after it runs.
# Prints one line: RESULT evaluate <passed> <failed> <skipped>.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
test_begin evaluate
BUILD=${BUILD:-build}

if ! tools/deps.sh paper >/dev/null 2>&1; then
    test_skip "the paper's packages are missing (tools/deps.sh paper)"
fi

# A claim on the CPU panel with a reference of this host's CPU that no
# run can meet (1000 ± 1).
model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -1)
cat >"$tmp/differs.lua" <<LUA
claim {
  id = "cpu-differs",
  text = "The CPU panel against a reference it misses.",
  article = "n/a",
  measure = { kind = "ratio", experiment = "fig2-cpu", n = 400,
              num = { op = "outer_sum", axis = 0 }, den = { op = "matvec" } },
  expect = { above = 1 },
  references = { { host = "h200", class = "$model", value = 1000, tolerance = 1 } },
}
LUA

vars="PROFILE=tiny PAPER_BUILD=$tmp/paper PAPER_PDF=$tmp/paper.pdf PAPER_SCRATCH=$tmp/results"
# shellcheck disable=SC2086
env $vars EVALUATE_LOGS="$tmp/logs" EVALUATE_TESTS="$BUILD/tests/test_stats" \
    PAPER_SCRIPTS="$(echo experiments/fig*.lua) $tmp/differs.lua" \
    make --no-print-directory evaluate >"$tmp/out" 2>"$tmp/err"
status=$?
check "make evaluate exits 0 with a claim that differs (see $tmp/err)" [ "$status" -eq 0 ]
for s in deps build test-test_stats sweep-tiny report-tiny paper; do
    check "step $s ran" grep -q "^  ok    $s " "$tmp/err"
done
check "it says how long the tires took" grep -q '^evaluate: kicked the tires in [0-9]* s$' "$tmp/err"
check "the tiny sweep measured the CPU panel" [ -s "$tmp/logs/tiny/fig2-cpu/summary.csv" ]
check "the claims this host can measure were measured" [ -s "$tmp/results/tiny/$(make --no-print-directory -s paper-host-tag)/fig2-cpu/summary.csv" ]
check "the paper was built" [ -s "$tmp/paper.pdf" ]
check "the table is on stdout" grep -q '^claim  *host  *N  *value  *interval  *verdict' "$tmp/out"
check "the table has the recorded hosts" grep -q '^cupy-ratio  *h200  *20000  *[0-9][0-9.]*  *\[[0-9.]*, [0-9.]*\] ' "$tmp/out"
check "the table has h100, and why it lacks the claim" grep -q '^cupy-ratio  *h100 .*missing: h100 recorded no fig2-gpu-f64-cupy' "$tmp/out"
check "the table has this build's row" grep -q '^cpu-differs  *[^ ]* (this build)  *400 ' "$tmp/out"
check "the claim differs" grep -q -- '-> differs: .* misses 1000 ± 1 (h200, ' "$tmp/out"
check "a GPU claim is not comparable here" grep -q -- '-> not comparable: not measured in this build' "$tmp/out"
check "the count of verdicts" grep -q '^this build against the references: 0 reproduced, 1 differ, 5 not comparable, 0 without a reference$' "$tmp/out"
check "no progress on stdout" sh -c "! grep -q '^evaluate:' '$tmp/out'"

# A step that breaks: exit 1, the step named, nothing after it.
# shellcheck disable=SC2086
env $vars EVALUATE_LOGS="$tmp/logs2" EVALUATE_TESTS="false" PAPER_PDF="$tmp/paper2.pdf" \
    reports/evaluate.sh >"$tmp/out2" 2>"$tmp/err2"
check "a broken step: exit 1" [ $? -eq 1 ]
check "a broken step: named" grep -q "^evaluate: step 'test-false' broke (exit 1); nothing after it ran" "$tmp/err2"
check "a broken step: the sweep did not run" [ ! -e "$tmp/logs2/sweep-tiny.log" ]
check "a broken step: no table" [ ! -s "$tmp/out2" ]

test_end
