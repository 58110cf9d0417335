#!/bin/sh
# test_safety.sh: what the report refuses and what stays out of reach.
#  1. Each crafted results folder of tests/report/refuse (refuse/make_cases.lua)
#     named in refused.txt is refused with exactly its text (exit 2), and
#     `runner report --current` does not take it as current.
#  2. Sets in the runner's current form (run_id, row counts) are taken and
#     current; the recorded results, which have no run_id, are taken as before.
#  3. Data never becomes code: provenance text, spec labels, folder names
#     holding newlines, quotes, '!', '\input' and '$(...)' reach LaTeX
#     escaped and gnuplot quoted (gnuplot runs every script and creates no
#     marker file), or are refused naming the folder.
#  4. The report's files are replaced whole through temporaries of their
#     own: a symlink planted at NAME.tmp or at NAME is never followed, and a
#     write that fails says why; with this build's runner and under ASan+UBSan.
#  5. Scripts and specs (tests/report/safety/sandbox_*.lua) cannot change
#     the libraries of the code that runs them or turn strict globals off:
#     as a spec, as an experiment script of the report and under `runner
#     run`, each stops with the exact error of its first line, or changes
#     nothing (the claims and the points come out as without it).
# Prints one line: RESULT safety <passed> <failed> <skipped>.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
test_begin safety
runner=${BUILD:-build}/runner
# no_marker WHERE: no file named "marker" was created (by gnuplot, a shell, LaTeX)
no_marker() {
    check "$1: no command from the data ran (a file 'marker' exists)" \
        sh -c "[ ! -e marker ] && [ -z \"\$(find '$tmp' -name marker)\" ]"
}

if [ ! -x "$runner" ]; then
    test_skip "$runner is not built"
fi

recorded=tests/report/data/recorded
scripts=$(ls tests/report/experiments/*.lua)
# report OUT RESULTS [SPEC] [extra args...]: the report on RESULTS and the fake recorded data.
report() {
    out=$1 results=$2; shift 2
    spec=reports/paper.lua
    case "${1:-}" in *.lua) spec=$1; shift ;; esac
    mkdir -p "$out"
    # shellcheck disable=SC2086
    "$runner" report "$spec" --out "$out" --results "$results" --recorded "$recorded" \
        --tag thishost --profile tiny $scripts "$@"
}
# gnuplot_all DIR: runs gnuplot on every DIR/*.gp; fails if one fails.
gnuplot_all() {
    for gp in "$1"/*.gp; do
        (cd "$1" && gnuplot "$(basename "$gp")") >>"$tmp/gp.out" 2>&1 || return 1
    done
}

# 1. Refused, with the exact text; and not current.
case=
while IFS= read -r line; do
    case $line in
    "case: "*) case=${line#case: } ;;
    "error: "*)
        want=${line#error: }
        dir=tests/report/refuse/$case
        report "$tmp/gen-$case" "$dir" >/dev/null 2>"$tmp/err"
        status=$?
        got=$(grep -v '^  ' "$tmp/err" | head -1)
        if [ "$status" -eq 2 ] && [ "$got" = "$want" ]; then ok; else
            bad "refuse/$case: exit $status"; echo "  got:  $got"; echo "  want: $want"
        fi
        check "refuse/$case: nothing written" [ -z "$(ls "$tmp/gen-$case")" ]
        exp=$(ls "$dir" | head -1)
        script=tests/report/experiments/$(echo "$exp" | tr - _).lua
        "$runner" report --current "$script" --profile tiny --results "$dir" 2>"$tmp/err"
        check "refuse/$case: --current exits 1" [ $? -eq 1 ]
        check "refuse/$case: --current says why: $(cat "$tmp/err")" grep -qF "$exp: refused ($want)" "$tmp/err"
        ;;
    esac
done <tests/report/refused.txt
for d in tests/report/refuse/*/; do
    c=$(basename "$d")
    case $c in good | provenance_text) continue ;; esac
    check "refuse/$c has an entry in tests/report/refused.txt" grep -qx "case: $c" tests/report/refused.txt
done
no_marker "the refused cases"

# 2. The current form taken, and current; the recorded results taken as before.
report "$tmp/good" tests/report/refuse/good >/dev/null 2>"$tmp/err"
check "a set with run_id and row counts is taken (see $tmp/err)" [ $? -eq 0 ]
check "its claims are those of the same data without run ids" \
    cmp -s tests/report/expected_claims.txt "$tmp/good/claims.txt"
"$runner" report --current tests/report/experiments/fig2_cpu.lua --profile tiny \
    --results tests/report/refuse/good 2>"$tmp/err"
check "a set with run_id and row counts is current ($(cat "$tmp/err"))" [ $? -eq 0 ]
# shellcheck disable=SC2046
"$runner" report reports/paper.lua --out "$tmp/recorded" --results "$tmp/none" --recorded results \
    --tag h200 --profile full $(ls experiments/fig*.lua) >/dev/null 2>"$tmp/err"
check "the recorded results (no run_id) are taken: $(grep -v '^  ' "$tmp/err" | head -1)" [ $? -eq 0 ]

# 3. Text from data and specs reaches LaTeX escaped, gnuplot quoted.
gen=$tmp/text
report "$gen" tests/report/refuse/provenance_text >/dev/null 2>"$tmp/err"
check "provenance text is no reason to refuse (see $tmp/err)" [ $? -eq 0 ]
check "gnuplot runs every script made from it ($(head -c 300 "$tmp/gp.out" 2>/dev/null))" gnuplot_all "$gen"
check "the CPU model appears escaped, on one line" grep -qxF \
    "\\fbdef{fig2-cpu/cpu}{Evil \\textbackslash{}input\\{/etc/hostname\\} \\\$(touch marker) 'q' \"dq\" \\#1 \\% !touch marker}" \
    "$gen/macros.tex"
check "a host with newlines appears on one line" grep -qxF "\\fbdef{fig2-cpu/host}{a'b !touch marker }" "$gen/macros.tex"
check "no generated line starts with '!'" sh -c "! grep -q '^!' '$gen'/*"
check "no '\\input' reaches LaTeX raw" sh -c "! grep -qF '\\input{' '$gen'/*.tex"

lab=$tmp/label
report "$lab" tests/report/data/live tests/report/safety/spec_label.lua >/dev/null 2>"$tmp/err"
check "a spec label with quotes and TeX is drawn (see $tmp/err)" [ $? -eq 0 ]
check "gnuplot runs the figure with those labels" gnuplot_all "$lab"
check "the label reaches the figure as text" grep -qF \
    "it\\textquoteright{}s \\textbackslash{}input\\{/etc/hostname\\} \\\$(touch marker) \\textquoteright{}\\textquoteright{} ; !touch marker" "$lab/label.tex"
check "TeX's special characters in a label are escaped" grep -qF \
    '50\% \& \#1 \textasciitilde{} \textasciicircum{} \_ \{ \}' "$lab/label.tex"

# A results folder whose path holds a newline and a gnuplot command.
odd="$tmp/res
!touch marker"
mkdir -p "$odd" && cp -R tests/report/refuse/good/* "$odd/"
report "$tmp/odd" "$odd" >/dev/null 2>"$tmp/err"
check "a results path with a newline is read (see $tmp/err)" [ $? -eq 0 ]
check "gnuplot runs the scripts that name that path" gnuplot_all "$tmp/odd"
check "the path's newline never reaches a gnuplot script" grep -qF "$tmp/res?!touch marker/fig2-cpu-ref: do not edit." \
    "$tmp/odd/bandwidth-cpu.gp"

# A recorded host folder whose name would be code: refused, named.
rec=$tmp/rec
host="odd
!touch marker"
mkdir -p "$rec/$host" && cp -R $recorded/fakegpu/fig2-gpu-f64 "$rec/$host/"
"$runner" report reports/paper.lua --out "$tmp/rec-out" --results tests/report/data/live \
    --recorded "$rec" --tag thishost --profile tiny $scripts >/dev/null 2>"$tmp/err"
status=$?
same "a host folder named with a newline is refused (exit $status)" "$(grep -v '^  ' "$tmp/err" | head -1)" \
    "$rec: a host folder's name may hold only letters, digits, '.', '_' and '-', got \"odd\\n!touch marker\""
no_marker "the text cases"

# 4. Files replaced whole; nothing planted is followed. With the runner of
# this build and, where it builds, the one under ASan and UBSan.
# temporaries LABEL: the checks, with $runner.
temporaries() {
    out=$tmp/planted-$1 busy=$tmp/busy-$1
    mkdir -p "$out" "$busy/claims.txt"
    echo outside >"$tmp/outside"
    echo outside >"$tmp/outside2"
    ln -s "$tmp/outside" "$out/claims.txt.tmp"
    ln -s "$tmp/outside" "$out/macros.tex.tmp"
    ln -s "$tmp/outside2" "$out/claims.txt"
    report "$out" tests/report/data/live >/dev/null 2>"$tmp/err"
    check "$1: the report writes past planted symlinks (see $tmp/err)" [ $? -eq 0 ]
    check "$1: a symlink at claims.txt.tmp is not followed" [ "$(cat "$tmp/outside")" = outside ]
    check "$1: a symlink at claims.txt is replaced, not followed" [ "$(cat "$tmp/outside2")" = outside ]
    check "$1: claims.txt is a file of its own" sh -c "[ -f '$out/claims.txt' ] && [ ! -L '$out/claims.txt' ]"
    check "$1: claims.txt is whole" cmp -s tests/report/expected_claims.txt "$out/claims.txt"
    check "$1: no temporary of the report is left" sh -c "! ls '$out' | grep -q '\\.tmp\\.'"
    report "$busy" tests/report/data/live >/dev/null 2>"$tmp/err"
    status=$?
    same "$1: a write that fails says why (exit $status)" "$(grep -v '^  ' "$tmp/err" | head -1)" \
        "runner report: cannot write $busy/claims.txt: Is a directory"
    check "$1: a write that fails leaves no temporary" sh -c "! ls '$busy' | grep -q '\\.tmp\\.'"
}
temporaries plain
if make --no-print-directory -s SAN=1 BUILD=build-san build-san/runner >"$tmp/san.log" 2>&1; then
    plain_runner=$runner runner=build-san/runner
    ASAN_OPTIONS=detect_leaks=1:protect_shadow_gap=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    export ASAN_OPTIONS UBSAN_OPTIONS
    temporaries sanitized
    check "sanitized: no sanitizer report ($(grep -m1 Sanitizer "$tmp/err"))" sh -c "! grep -q Sanitizer '$tmp/err'"
    runner=$plain_runner
    unset ASAN_OPTIONS UBSAN_OPTIONS
else
    skip "the sanitizer build failed (see $tmp/san.log)"
fi

# 5. The sandbox: as a spec, as an experiment script, under runner run.
for f in tests/report/safety/sandbox_*.lua; do
    name=$(basename "$f" .lua)
    want=$(sed -n '1s/^-- error: //p' "$f")
    report "$tmp/sb-spec" tests/report/data/live "$f" >/dev/null 2>"$tmp/err1"
    s1=$?
    report "$tmp/sb-script" tests/report/data/live reports/paper.lua "$f" >/dev/null 2>"$tmp/err2"
    s2=$?
    "$runner" run "$f" --dry-run --profile tiny >"$tmp/points" 2>"$tmp/err3"
    s3=$?
    if [ -n "$want" ]; then
        for role in 1:spec 2:script 3:run; do
            n=${role%%:*}
            eval "s=\$s$n"
            got=$(grep -v '^  ' "$tmp/err$n" | head -1)
            if [ "$s" -eq 2 ] && [ "$got" = "$want" ]; then ok; else
                bad "$name as ${role#*:}: exit $s"; echo "  got:  $got"; echo "  want: $want"
            fi
        done
    else
        check "$name as a spec: exit 0" [ "$s1" -eq 0 ]
        # A spec of no figures orders the claims by script.
        same "$name as a spec: the claims are as without it" "$(sort "$tmp/sb-spec/claims.txt")" \
            "$(sort tests/report/expected_claims.txt)"
        check "$name as an experiment script: exit 0" [ "$s2" -eq 0 ]
        check "$name as an experiment script: the claims are as without it" \
            cmp -s tests/report/expected_claims.txt "$tmp/sb-script/claims.txt"
        check "$name under runner run: exit 0" [ "$s3" -eq 0 ]
        check "$name under runner run: the points are as without it" \
            cmp -s "tests/report/safety/$name.points" "$tmp/points"
    fi
    rm -rf "$tmp/sb-spec" "$tmp/sb-script"
done

test_end
