#!/bin/sh
# catalogue.sh RUNNER: an op added through the catalogue alone. The
# test-only op axpy (out = 2 x + y: a row of kernels/ops.c with its float64
# reference, and a loop in the cpu backend's impl rows) runs through
# `runner run` like every op: checked against its reference, timed, written
# with the FLOPs and bytes its row gives, and drawn by the report in the
# style its row gives; no other file of the runner, the language or the
# report names it; `runner list` and the language's messages leave it out.
# Prints one line: RESULT catalogue <passed> <failed> <skipped>.
runner=$1
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
test_begin catalogue

# The files that name the op: its row and reference, its kernels. Tests
# and the README's "Adding an op" may name it too.
named=$(grep -rlw axpy kernels runner lua reports experiments peers tools Makefile | sort | tr '\n' ' ')
same "only the table and the cpu backend name axpy" "$named" "kernels/cpu/cpu.c kernels/ops.c "

"$runner" run tests/catalogue/axpy.lua --out "$tmp/res" >"$tmp/out" 2>"$tmp/err"
expect "axpy runs on the cpu backend ($(tail -2 "$tmp/err" | tr '\n' ' '))" [ $? -eq 0 ]
expect "and writes nothing on stdout" [ ! -s "$tmp/out" ]
summary=$tmp/res/axpy/summary.csv
# Every point: checked (rel_err within f32 rounding, 0 for f64), timed
# (a median above 0, 3 samples), FLOPs 2n and bytes 3sn (x and y read,
# out written) from the table, an empty axis (the op takes none).
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
         { rows++
           s = $c["dtype"] == "f64" ? 8 : 4
           if ($c["op"] != "axpy" || $c["impl"] != "loop" || $c["axis"] != "" ||
               $c["samples"] != 3 || !($c["median_s"] > 0) ||
               $c["flops"] != 2 * $c["n"] || $c["bytes"] != 3 * s * $c["n"] ||
               !($c["rel_err"] >= 0 && $c["rel_err"] < 1e-6) || ($c["dtype"] == "f64" && $c["rel_err"] != 0))
             { print "bad row " NR ": " $0; bad = 1 } }
         END { if (rows != 4) { print rows " rows, want 4"; bad = 1 } exit bad }' \
    "$summary" >"$tmp/awk" 2>&1
expect "summary.csv holds 4 checked, timed points with the table's FLOPs and bytes ($(cat "$tmp/awk"))" \
    [ $? -eq 0 ]
samples=$(($(wc -l <"$tmp/res/axpy/samples.csv") - 1))
same "samples.csv holds every timed sample" "$samples" 12

# The reference decides: a result off by more than rounding is refused.
# Here the check is seen from outside: the run's stderr reports no wrong
# result, and the unit tests (test_kernels) run the op's verify at 1..2049.
check "no point was wrong" sh -c "! grep -q 'WRONG' '$tmp/err'"

# The report draws it, in the style of its row: colour, point type, label.
mkdir -p "$tmp/gen"
"$runner" report tests/catalogue/axpy_report.lua --out "$tmp/gen" --results "$tmp/res" \
    --tag thishost --profile full tests/catalogue/axpy.lua >"$tmp/out" 2>"$tmp/err"
expect "the report on axpy exits 0 ($(tail -2 "$tmp/err" | tr '\n' ' '))" [ $? -eq 0 ]
gp=$tmp/gen/axpy-runtime.gp
check "the figure draws axpy in its row's colour and point type" \
    grep -q "lc rgb '#CC79A7' lw 1.2 dt 1 pt 6 .* title 'axpy" "$gp"
check "the bandwidth figure draws it" grep -q "title 'axpy" "$tmp/gen/axpy-bandwidth.gp"
median=$(awk -F, 'NR > 1 && $5 == "f32" && $7 == 4099 { printf "%.9g", 1000 * $13 }' "$summary")
check "the figure's data are the measured medians (1000 calls of $median s at N = 4099)" \
    grep -q "^4[.]099 $median " "$gp"
check "its top axis gives the FLOPs of the op's row" grep -q "set x2label 'FLOPs [$]=2N[$]'" "$gp"
if command -v gnuplot >/dev/null 2>&1; then
    (cd "$tmp/gen" && gnuplot axpy-runtime.gp axpy-bandwidth.gp) >"$tmp/gp.log" 2>&1
    expect "gnuplot draws both figures ($(head -2 "$tmp/gp.log" | tr '\n' ' '))" \
        [ $? -eq 0 ] && [ -s "$tmp/gen/axpy-runtime.pdf" ] && [ -s "$tmp/gen/axpy-bandwidth.pdf" ]
else
    skip "gnuplot is not installed"
fi

# An optional experiment whose first backend is missing here keeps each
# remaining point's own impl: its bytes follow that impl's traffic (cublas's
# two points dropped, openblas's four moved down over them).
cat >"$tmp/shift.lua" <<'LUA'
experiment { name = "shift", backend = { "cublas", "openblas" }, dtype = "f32", op = "outer_sum",
  axis = 0, impl = { "gemm", "fused" }, n = { 8, 16 }, iterations = 2, samples = 2,
  optional = true }
LUA
if "$runner" list cublas >/dev/null 2>&1; then
    skip "the cublas backend runs here: no point is dropped"
else
    "$runner" run "$tmp/shift.lua" --out "$tmp/shift" --quiet 2>"$tmp/err"
    expect "the optional experiment runs ($(tail -1 "$tmp/err"))" [ $? -eq 0 ]
    awk -F, 'NR > 1 { want = ($4 == "fused") ? 12 * $7 : 4 * (2 * $7 * $7 + 3 * $7)
                      if ($24 != want) { print $4 " n=" $7 ": bytes " $24 ", want " want; bad = 1 } }
             END { exit bad }' "$tmp/shift/shift/summary.csv" >"$tmp/awk" 2>&1
    expect "each kept point runs its own impl ($(cat "$tmp/awk"))" [ $? -eq 0 ]
fi

# A test op is left out of what users are shown, yet a script may name it.
"$runner" list >"$tmp/list"
check "runner list leaves axpy out" sh -c "! grep -qw axpy '$tmp/list'"
printf 'experiment { name = "x", backend = "cpu", dtype = "f32", op = "gemm", n = 8 }\n' >"$tmp/bad.lua"
"$runner" run "$tmp/bad.lua" --dry-run >/dev/null 2>"$tmp/err"
same "an unknown op's message lists the user ops only" "$(head -1 "$tmp/err")" \
    "$tmp/bad.lua:1: experiment 'x': unknown op 'gemm' (valid: copy, matvec, outer_sum)"
printf 'experiment { name = "x", backend = "openblas", dtype = "f32", op = "axpy", n = 8 }\n' >"$tmp/bad.lua"
"$runner" run "$tmp/bad.lua" --dry-run >/dev/null 2>"$tmp/err"
same "a backend without it says so" "$(head -1 "$tmp/err")" \
    "$tmp/bad.lua:1: experiment 'x': backend 'openblas' has no op 'axpy' (valid: copy, matvec, outer_sum)"

test_end
