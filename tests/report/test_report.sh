#!/bin/sh
# test_report.sh: the report pipeline on the fake results of
# tests/report/data (made by data/make_data.lua) and the test doubles of
# the experiment scripts in tests/report/experiments: `runner report`
# writes what it should, gnuplot runs every generated script, the macros
# the paper uses are all defined, the claims come out as expected (every
# verdict), the paper typesets without an undefined number or an overfull
# box, a second run rewrites nothing, missing results are reported rather
# than fatal, and each bad claim or spec in tests/report/bad fails with the
# exact error its first line gives.
# Prints one line: RESULT report <passed> <failed> <skipped>.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
test_begin report
runner=${BUILD:-build}/runner
absent() { # absent PATTERN FILE: FILE exists and does not hold PATTERN
    [ -f "$2" ] && ! grep -q "$1" "$2"
}

data=tests/report/data
scripts=$(ls tests/report/experiments/*.lua)
# report OUT [SPEC] [extra args...]: the report on the fake data.
report() {
    out=$1; shift
    spec=reports/paper.lua
    case "${1:-}" in *.lua) spec=$1; shift ;; esac
    mkdir -p "$out"
    # shellcheck disable=SC2086
    "$runner" report "$spec" --out "$out" --results $data/live --recorded $data/recorded \
        --tag thishost --profile tiny $scripts "$@"
}

if [ ! -x "$runner" ]; then
    test_skip "$runner is not built"
fi

# 1. The generated files.
gen=$tmp/gen
report "$gen" 2>"$tmp/err"
check "runner report exits 0 (see $tmp/err)" [ $? -eq 0 ]
for f in macros.tex claims.tex bytes.tex listings.tex artifact.tex claims.txt fig2-key.tex \
         bandwidth-key.tex fig2-gpu-f64.gp fig2-gpu-f32.gp fig2-cpu.gp fig3-gpu-f64.gp \
         bandwidth-gpu-f64.gp bandwidth-gpu-f32.gp bandwidth-cpu.gp; do
    check "report writes $f" [ -s "$gen/$f" ]
done
check "no temporary file is left" [ -z "$(ls "$gen" | grep '\.tmp')" ]
check "stderr names each claim's verdict" grep -q 'claim cupy-ratio  *does not hold' "$tmp/err"

# 2. The claims, each verdict among them, with the values of the fake data.
if diff -u tests/report/expected_claims.txt "$gen/claims.txt" >"$tmp/diff"; then ok; else
    bad "claims.txt differs from tests/report/expected_claims.txt:"; cat "$tmp/diff"
fi
for v in holds does-not-hold inconclusive missing; do
    check "a claim comes out '$v'" grep -q "	$v	" "$gen/claims.txt"
done

# 3. gnuplot runs every generated script, quietly, and draws its figure.
for gp in "$gen"/*.gp; do
    name=$(basename "$gp" .gp)
    (cd "$gen" && gnuplot "$name.gp") >"$tmp/gp.out" 2>&1
    check "gnuplot runs $name.gp" [ $? -eq 0 ]
    check "gnuplot says nothing on $name.gp: $(head -c 300 "$tmp/gp.out")" [ ! -s "$tmp/gp.out" ]
    check "$name.gp draws $name.tex and $name.pdf" test -s "$gen/$name.tex" -a -s "$gen/$name.pdf"
done
check "the GPU figures say where they were recorded" grep -q 'fakegpu/fig2-gpu-f64' "$gen/fig2-gpu-f64.gp"

# 4. Every number the paper quotes is defined, and the names are as documented.
keys=$tmp/keys
sed 's/^%.*//; s/\([^\\]\)%.*/\1/' paper/paper.tex >"$tmp/paper.tex"
{ grep -o '\\fb{[^}#]*}' "$tmp/paper.tex" | sed 's/\\fb{\(.*\)}/\1/'
  for e in $(grep -o '\\fbexp{[^}#]*}' "$tmp/paper.tex" | sed 's/\\fbexp{\(.*\)}/\1/'); do
      for k in device nmin nmax sizes iterations samples; do echo "$e/$k"; done
  done
  grep -v "^#" tests/report/expected_macros.txt; } | sort -u >"$keys"
missing=
while read -r k; do
    grep -qF "\\fbdef{$k}{" "$gen/macros.tex" || missing="$missing $k"
done <"$keys"
check "every macro the paper uses is defined (missing:$missing)" [ -z "$missing" ]
check "the macros are many" [ "$(grep -c '^\\fbdef{' "$gen/macros.tex")" -gt 150 ]
check "a ratio macro holds the fake data's value" grep -qF '\fbdef{claim/torch-ratio/value}{2.37}' "$gen/macros.tex"
check "a recorded source names its folder" grep -qF 'read from \texttt{tests/report/data/recorded/fakegpu/fig2-gpu-f64}' "$gen/macros.tex"
check "a live source says so" grep -qF '\fbdef{fig2-cpu/source}{Measured in this build on' "$gen/macros.tex"
check "a throttled round of the data is reported" grep -qF '\fbdef{stats/disturbed}{fig2-cpu, 1 round (throttled: 6 samples)}' "$gen/macros.tex"
check "the experiments without rounds are named" grep -qF '\fbdef{stats/unpaired}{fig2-cpu-ref, fig2-gpu-f32,' "$gen/macros.tex"
check "a paired claim keeps its unpaired interval beside" grep -q '^cpu-too	[a-z-]*	1.282	1.191	1.349	4000	paired	1.209	0.8668	1.93	' "$gen/claims.txt"
check "the verdicts read as a sentence" grep -qF '\fbdef{report/verdicts}{3 hold, 2 do not hold here, 1 is inconclusive and 1 could not be tested}' "$gen/macros.tex"

# 5. A second run rewrites nothing.
ls -l --time-style=full-iso "$gen" >"$tmp/before"
report "$gen" 2>"$tmp/err2"
ls -l --time-style=full-iso "$gen" >"$tmp/after"
check "a second run says no file changed" grep -q 'report: 0 of [0-9]* files changed' "$tmp/err2"
check "a second run touches no file" cmp -s "$tmp/before" "$tmp/after"

# 6. The paper typesets with these, with no undefined number or overfull box,
# and its text holds the captions and every verdict of the claims table.
if command -v latexmk >/dev/null && command -v pdftotext >/dev/null; then
    (TEXINPUTS=$gen:$PWD/paper: latexmk -pdf -interaction=nonstopmode -halt-on-error \
        -outdir="$tmp/latex" paper/paper.tex) >"$tmp/latexmk.log" 2>&1
    check "the paper typesets (see $tmp/latex/paper.log)" [ $? -eq 0 ]
    log=$tmp/latex/paper.log
    check "no undefined number: $(grep -m1 'Undefined number' "$log")" absent 'Undefined number' "$log"
    check "no undefined reference" absent 'undefined' "$log"
    check "no overfull box: $(grep -m1 Overfull "$log")" absent Overfull "$log"
    fonts=$(pdffonts "$tmp/latex/paper.pdf" 2>/dev/null | awk 'NR > 2 { sub(/^[A-Z]+\+/, "", $1); print $1 }' | sort -u)
    others=$(echo "$fonts" | grep -v '^LM' | tr '\n' ' ')
    check "one font family, Latin Modern, figures included (others: $others)" [ -n "$fonts" -a -z "$others" ]
    pdftotext "$tmp/latex/paper.pdf" - 2>/dev/null | tr -s ' \n' '  ' >"$tmp/paper.txt"
    for text in 'Figure 1: The two operations' 'Figure 2: Run-time of 1000 calls' \
                'float64 GPU panel summed over the other axis' 'Figure 4: Achieved bandwidth' \
                'claims on our machines' 'does not hold here' 'inconclusive' \
                'not measured' 'holds' 'Recorded on Fake H100 80GB HBM3' 'Measured in this build' \
                'The experiment scripts' 'Artifact' 'cupy-ratio'; do
        check "the PDF's text holds '$text'" grep -qF "$text" "$tmp/paper.txt"
    done
else
    skip "latexmk or pdftotext missing"
fi

# 7. No results at all: every claim is reported missing, every panel says
# so, and nothing fails.
none=$tmp/none
mkdir -p "$none"
"$runner" report reports/paper.lua --out "$none" --results "$tmp/nothing" --recorded "$tmp/nothing" \
    --tag thishost --profile tiny $scripts >/dev/null 2>&1
check "no results: the report still exits 0" [ $? -eq 0 ]
check "no results: every claim is missing" [ "$(grep -vc '	missing	' "$none/claims.txt")" -eq 0 ]
check "no results: the panels say so" grep -q 'no results for fig2-cpu' "$none/fig2-cpu.gp"
(cd "$none" && gnuplot fig2-cpu.gp && gnuplot bandwidth-cpu.gp) >"$tmp/gp.out" 2>&1
check "no results: gnuplot draws the empty panels" [ $? -eq 0 ]

# 8. Mistakes in claims and specs: exit 2 and the exact message.
for f in tests/report/bad/*.lua; do
    want=$(sed -n '1s/^-- error: //p' "$f")
    case $f in
    */spec_*) report "$tmp/bad" "$f" >/dev/null 2>"$tmp/err" ;;
    *) report "$tmp/bad" reports/paper.lua "$f" >/dev/null 2>"$tmp/err" ;;
    esac
    status=$?
    got=$(grep -v '^  ' "$tmp/err" | head -1)
    if [ "$status" -eq 2 ] && [ "$got" = "$want" ]; then ok; else
        bad "$f: exit $status, message:"; echo "  got:  $got"; echo "  want: $want"
    fi
done
"$runner" report >/dev/null 2>"$tmp/err"
check "no spec: exit 2" [ $? -eq 2 ]
check "no spec: the usage" grep -q 'usage: runner report' "$tmp/err"
"$runner" report reports/paper.lua --frob >/dev/null 2>"$tmp/err"
check "an unknown option is named" grep -q "unknown option '--frob'" "$tmp/err"

# 9. make's host tag is the runner's, odd host names included.
for h in "" "a b/c" ".hidden" "-x" "ok.host-1_2"; do
    if [ -n "$h" ]; then export FLOPBENCH_HOST="$h"; else unset FLOPBENCH_HOST; fi
    m=$(make --no-print-directory -s paper-host-tag 2>/dev/null)
    r=$("$runner" host-tag)
    check "make's host tag '$m' is the runner's '$r' (FLOPBENCH_HOST='$h')" [ "$m" = "$r" ]
done
unset FLOPBENCH_HOST

test_end
