#!/bin/sh
# test_hosts.sh: the report across hosts. On the fake results (three
# recorded hosts and this build's), every host gets its column and this
# build its mark, a host without a claim's experiment says why, the
# references give each verdict (reproduced, differs, not comparable), a
# reference that disagrees with the results it cites is caught each way,
# the figure across hosts draws; and on the real recorded results
# (results/), every reference of experiments/*.lua agrees with them.
# Prints one line: RESULT hosts <passed> <failed> <skipped>.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
test_begin hosts
runner=${BUILD:-build}/runner
# has FILE TEXT: FILE holds TEXT (fixed string).
has() { grep -qF -- "$2" "$1"; }

if [ ! -x "$runner" ]; then
    test_skip "$runner is not built"
fi

data=tests/report/data
scripts=$(ls tests/report/experiments/*.lua)
gen=$tmp/gen
# shellcheck disable=SC2086
"$runner" report reports/paper.lua --out "$gen" --results $data/live --recorded $data/recorded \
    --tag thishost --profile tiny $scripts tests/report/eval/differs.lua 2>"$tmp/err"
check "the report exits 0 (see $tmp/err)" [ $? -eq 0 ]
ev=$gen/evaluation.txt

# 1. A column per host, this build marked.
for h in fakecpu fakegpu fakeh200; do
    check "claims-hosts.tex has a column for $h" has "$gen/claims-hosts.tex" "\\texttt{$h} &"
    check "evaluation.txt has rows for $h" grep -q "^cupy-ratio  *$h " "$ev"
done
check "this build's column is marked" has "$gen/claims-hosts.tex" '\texttt{thishost}$^\ast$'
check "evaluation.txt names this build" grep -q '^cpu-too  *thishost (this build)  *4000  *1.282 ' "$ev"
check "a host's value, interval and verdict" grep -q '^cupy-ratio  *fakeh200  *8000  *2.257  *\[2.248, 2.266\]  *does not hold$' "$ev"
check "a host without the experiment says what it has" \
    has "$ev" "missing: fakeh200 recorded no fig3-gpu-f64 (its runner 0123456789ab recorded only fig2-gpu-f32, fig2-gpu-f64)"

# 2. The references' verdicts for this build, and their count.
check "reproduced: the interval meets the reference" \
    has "$ev" "-> reproduced: [1.191, 1.349] meets 1.3 ± 0.15 (fakecpu, Fake EPYC 7B13)"
check "differs: the interval misses it" \
    has "$ev" "-> differs: [1.446, 1.767] misses 3.19 ± 0.15 (fakecpu, Fake EPYC 7B13 (2 cores))"
check "not comparable: nothing measured here" has "$ev" "-> not comparable: not measured in this build"
check "the count of verdicts" \
    has "$ev" "this build against the references: 1 reproduced, 1 differ, 1 not comparable, 5 without a reference"
check "the ACM summary counts them" has "$gen/macros.tex" '\fbdef{report/acm/reproduced}{1}'
check "the ACM sentence" has "$gen/macros.tex" '\fbdef{report/acm/badge}{1 of 2 claims comparable here reproduce their references}'
check "the appendix names the reference's card" has "$gen/artifact.tex" 'a GPU; the reference'"'"'s: Fake H100 80GB HBM3'
check "the appendix gives the software" has "$gen/artifact.tex" 'CUDA runtime 13.0, cuBLAS 13.0.0, driver 580.00'
check "the appendix gives the reference" has "$gen/artifact.tex" '$2.48\pm0.05$ on Fake H100 (\texttt{fakegpu})'
check "the test doubles' references agree with the fake results" sh -c "! grep -q disagrees '$gen/references.txt'"
check "the report is quiet about agreeing references" sh -c "! grep -q 'reference of claim' '$tmp/err'"

# PROFILE=full writes this host's recorded folder: that column is this
# build's, once, and its references still cite it.
# shellcheck disable=SC2086
"$runner" report reports/paper.lua --out "$tmp/full" --results $data/recorded/fakecpu --recorded $data/recorded \
    --tag fakecpu --profile tiny $scripts >/dev/null 2>&1
check "full: the report exits 0" [ $? -eq 0 ]
check "full: this host's recorded folder is this build's column" grep -q '^cpu-too  *fakecpu (this build)  *4000 ' "$tmp/full/evaluation.txt"
check "full: no second column for it" sh -c "! grep -q '^cpu-too  *fakecpu  ' '$tmp/full/evaluation.txt'"
check "full: the reference reproduces on its own results" grep -qF -- '-> reproduced: [1.176, 1.437] meets 1.3 ± 0.15' "$tmp/full/evaluation.txt"
check "full: the references still find their host" sh -c "! grep -q disagrees '$tmp/full/references.txt'"

# 3. A reference that disagrees with what it cites, each way.
# shellcheck disable=SC2086
"$runner" report reports/paper.lua --out "$tmp/dis" --results $data/live --recorded $data/recorded \
    --tag thishost --profile tiny $scripts tests/report/eval/disagrees.lua 2>"$tmp/err2"
check "disagreeing references are reported, not fatal" [ $? -eq 0 ]
for why in "records 1.3, the reference says 1.43" "records the interval [1.176, 1.437], wider than 1.3 ± 0.01" \
           "was measured on Fake EPYC 7B13 (2 cores), not of class 'Fake H200'" "no recorded host 'nosuchhost'"; do
    if grep -F -- "$why" "$tmp/dis/references.txt" | grep -q '	disagrees	'; then ok; else
        bad "references.txt: disagrees: $why"; fi
    check "stderr: $why" grep -qF "$why" "$tmp/err2"
done

# 4. Mistakes in a reference: exit 2 and the exact message.
printf '%s\n' 'claim { id = "r", text = "t", article = "a", expect = { above = 1 },' \
    '  measure = { kind = "ratio", experiment = "fig2-cpu", n = 4000, num = { op = "outer_sum" }, den = { op = "matvec" } },' \
    '  references = { { host = "fakecpu", class = "X", value = 1, tolerance = 0 } } }' >"$tmp/badref.lua"
# shellcheck disable=SC2086
"$runner" report reports/paper.lua --out "$tmp/b" --results $data/live --recorded $data/recorded \
    --tag thishost --profile tiny $scripts "$tmp/badref.lua" >/dev/null 2>"$tmp/err3"
check "a zero tolerance: exit 2" [ $? -eq 2 ]
check "a zero tolerance: the message" grep -qF "badref.lua:1: claim 'r': references[1].tolerance must be a positive number, got 0" "$tmp/err3"
sed -i 's/tolerance = 0 }/tolerance = 1, hots = "x" }/' "$tmp/badref.lua"
# shellcheck disable=SC2086
"$runner" report reports/paper.lua --out "$tmp/b" --results $data/live --recorded $data/recorded \
    --tag thishost --profile tiny $scripts "$tmp/badref.lua" >/dev/null 2>"$tmp/err3"
check "an unknown field: the message" grep -qF "references[1]: unknown field 'hots' (valid: class, host, tolerance, value)" "$tmp/err3"

# 5. The figure across hosts: a curve per host and layer, drawn by gnuplot.
check "the GPU f64 panel draws fakegpu's CuPy" has "$gen/hosts-gpu-f64.gp" "fakegpu, CuPy 14.0.0"
check "the GPU f64 panel draws fakeh200's library" has "$gen/hosts-gpu-f64.gp" "fakeh200, the library"
check "the CPU panel draws this build" has "$gen/hosts-cpu.gp" "thishost (this build), the library"
for f in hosts-gpu-f64 hosts-gpu-f32 hosts-cpu; do
    (cd "$gen" && gnuplot "$f.gp") >"$tmp/gp.out" 2>&1
    check "gnuplot draws $f quietly: $(head -c 200 "$tmp/gp.out")" [ $? -eq 0 ] && [ ! -s "$tmp/gp.out" ]
    check "$f.gp draws $f.pdf" [ -s "$gen/$f.pdf" ]
done

# 6. The real references against the recorded results they cite.
"$runner" report reports/paper.lua --out "$tmp/real" --results "$tmp/nothing" --recorded results \
    --tag nohost --profile full experiments/fig*.lua >/dev/null 2>"$tmp/err4"
check "the report on results/ exits 0 (see $tmp/err4)" [ $? -eq 0 ]
check "experiments/*.lua carry references" [ "$(grep -c . "$tmp/real/references.txt")" -ge 5 ]
if grep disagrees "$tmp/real/references.txt" >"$tmp/dis.txt"; then
    bad "a reference in experiments/ disagrees with results/:"; cat "$tmp/dis.txt"
else ok; fi
check "results/ has h100 and h200 columns" has "$tmp/real/claims-hosts.tex" '\texttt{h100} & \texttt{h200}'

test_end
