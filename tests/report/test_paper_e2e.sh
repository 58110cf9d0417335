#!/bin/sh
# test_paper_e2e.sh: `make paper` end to end on the tiny profile, into a
# scratch folder (PAPER_BUILD, PAPER_PDF, PAPER_SCRATCH) so that the user's
# build/paper and paper/paper.pdf stay as they are. The PDF's text must hold
# the figure captions and the claims table; a second `make paper` must
# measure nothing and rewrite no result; with the stamps gone but the
# results current, nothing is measured either.
# Prints one line: RESULT paper-e2e <passed> <failed> <skipped>.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
test_begin paper-e2e

if ! tools/deps.sh paper >/dev/null 2>&1; then
    test_skip "the paper's packages are missing (tools/deps.sh paper)"
fi

vars="PROFILE=tiny PAPER_BUILD=$tmp/paper PAPER_PDF=$tmp/paper.pdf PAPER_SCRATCH=$tmp/results"
tag=$(make --no-print-directory -s paper-host-tag)
results=$tmp/results/tiny/$tag

# shellcheck disable=SC2086
make --no-print-directory paper $vars >"$tmp/make1.log" 2>&1
status=$?
check "make paper exits 0 (log: $(tail -5 "$tmp/make1.log" | tr '\n' ' '))" [ "$status" -eq 0 ]
check "make paper writes the PDF" [ -s "$tmp/paper.pdf" ]
check "make paper leaves paper/paper.pdf alone" [ ! "$tmp/paper.pdf" -ef paper/paper.pdf ]
check "the CPU experiment was measured in this build" [ -s "$results/fig2-cpu/summary.csv" ]
check "the report ran" grep -q 'REPORT' "$tmp/make1.log"
check "LaTeX ran" grep -q 'LATEX' "$tmp/make1.log"
check "the log names the PDF" grep -q "PDF .*$tmp/paper.pdf" "$tmp/make1.log"

pdftotext "$tmp/paper.pdf" - 2>/dev/null | tr -s ' \n' '  ' >"$tmp/paper.txt"
for text in 'Figure 1: The two operations' 'Figure 2: Run-time of 1000 calls' \
            'float64 GPU panel summed over the other axis' 'Figure 4: Achieved bandwidth' \
            'claims on our machines' 'Measured in this build' 'The experiment scripts' 'Artifact'; do
    check "the PDF's text holds '$text'" grep -qF "$text" "$tmp/paper.txt"
done
for id in $(grep -ho 'id = "[^"]*"' experiments/fig*.lua | sed 's/id = "\(.*\)"/\1/'); do
    check "the claims table or artifact lists claim '$id'" grep -qF "$id" "$tmp/paper.txt"
done
log=$tmp/paper/latex/paper.log
check "LaTeX: no undefined number" [ -f "$log" ]
check "LaTeX: no undefined number: $(grep -m1 'Undefined number' "$log")" sh -c "! grep -q 'Undefined number' '$log'"
check "LaTeX: no overfull box: $(grep -m1 Overfull "$log")" sh -c "! grep -q Overfull '$log'"

# A second make paper: nothing measured, no result rewritten, nothing redone.
snapshot() { find "$tmp/results" "$tmp/paper/gen" "$tmp/paper.pdf" -type f -newer "$tmp/mark" 2>/dev/null; }
sleep 1
touch "$tmp/mark"
# shellcheck disable=SC2086
make --no-print-directory paper $vars >"$tmp/make2.log" 2>&1
check "a second make paper exits 0" [ $? -eq 0 ]
check "a second make paper runs no step: $(grep -E 'RUN|REPORT|GNUPLOT|LATEX' "$tmp/make2.log" | head -3 | tr '\n' ' ')" \
    sh -c "! grep -qE '  (RUN|REPORT|GNUPLOT|LATEX) ' '$tmp/make2.log'"
check "a second make paper rewrites no file: $(snapshot | head -3 | tr '\n' ' ')" [ -z "$(snapshot)" ]

# The stamps gone (a fresh build folder), the results current: the runner
# is asked nothing, the results stay as they are.
rm -rf "$results/.stamps"
touch "$tmp/mark"
# shellcheck disable=SC2086
make --no-print-directory paper $vars >"$tmp/make3.log" 2>&1
check "without stamps make paper exits 0" [ $? -eq 0 ]
check "without stamps the results are found current" grep -q 'are current' "$tmp/make3.log"
check "without stamps no result is rewritten: $(find "$tmp/results" -name '*.csv' -newer "$tmp/mark" | head -3)" \
    [ -z "$(find "$tmp/results" -name '*.csv' -newer "$tmp/mark")" ]

# A script whose comments or claims change keeps its results; one whose
# declaration changes does not.
runner=${BUILD:-build}/runner
{ cat experiments/fig2_cpu.lua; echo "-- a comment"; echo 'claim { id = "x", text = "t" }'; } >"$tmp/same.lua"
check "an added comment or claim keeps the results current" \
    "$runner" report --current "$tmp/same.lua" --profile tiny --results "$results"
sed 's/tiny  = { samples = 3 }/tiny  = { samples = 4 }/' experiments/fig2_cpu.lua >"$tmp/other.lua"
check "the test changes the declaration" sh -c "! cmp -s experiments/fig2_cpu.lua '$tmp/other.lua'"
"$runner" report --current "$tmp/other.lua" --profile tiny --results "$results" 2>"$tmp/err"
check "a changed declaration is not current" [ $? -eq 1 ]
check "and says so" grep -q 'declared differently' "$tmp/err"

test_end
