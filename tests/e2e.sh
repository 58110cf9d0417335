#!/bin/sh
# e2e.sh RUNNER: the runner as a user meets it: commands, files, columns,
# exit codes, the memory guard, and no torn output when interrupted.
runner=$1
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
test_begin e2e

"$runner" --help >"$tmp/out" 2>&1; expect "--help exits 0" [ $? -eq 0 ]
expect "--help shows usage" grep -q '^usage: runner run' "$tmp/out"
"$runner" --version >"$tmp/out"; expect "--version names the commit" grep -q '^flopbench runner [0-9a-f]' "$tmp/out"
"$runner" >/dev/null 2>&1; expect "no command exits 2" [ $? -eq 2 ]
"$runner" frobnicate >/dev/null 2>"$tmp/err"; expect "unknown command exits 2" [ $? -eq 2 ]
expect "unknown command is named" grep -q "unknown command 'frobnicate'" "$tmp/err"

"$runner" list >"$tmp/list"; expect "list exits 0" [ $? -eq 0 ]
expect "list shows cpu available" grep -q '^cpu  *yes' "$tmp/list"
expect "list shows openblas available" grep -q '^openblas  *yes' "$tmp/list"
expect "list shows cublas" grep -q '^cublas ' "$tmp/list"
expect "list shows dtypes" grep -q '^dtypes: f32, f64' "$tmp/list"
if "$runner" list cublas >/dev/null 2>"$tmp/err"; then
    gpu=1
else
    gpu=0
    expect "list cublas says why it is unavailable" grep -q '^cublas: unavailable: .' "$tmp/err"
fi

# A tiny run: every point becomes a summary row; the columns are the contract.
out="$tmp/results"
"$runner" run tests/e2e/tiny.lua --out "$out" >"$tmp/stdout" 2>"$tmp/stderr"
expect "tiny run exits 0" [ $? -eq 0 ]
expect "run writes nothing on stdout" [ ! -s "$tmp/stdout" ]
expect "run shows progress per point" grep -q '^tiny \[1/' "$tmp/stderr"
points=$("$runner" run tests/e2e/tiny.lua --dry-run | wc -l)
for f in samples.csv summary.csv provenance.csv; do
    expect "tiny wrote $f" [ -s "$out/tiny/$f" ]
done
expect "no temporary file left" [ -z "$(ls "$out/tiny" | grep '\.tmp$')" ]
header='experiment,backend,op,impl,dtype,axis,n,iterations,threads,graph,flush_l2,samples,median_s,ci_low_s,ci_high_s,ci_level,min_s,max_s,mean_s,stddev_s,rel_ci,outliers,flops,bytes,gbps,gflops,rel_err,seed,device,run_id'
expect "summary header is the documented one" [ "$(head -n 1 "$out/tiny/summary.csv")" = "$header" ]
rows=$(($(wc -l <"$out/tiny/summary.csv") - 1))
expect "one summary row per point ($rows of $points)" [ "$rows" -eq "$points" ]
samples=$(($(wc -l <"$out/tiny/samples.csv") - 1))
expect "3 samples per point ($samples)" [ "$samples" -eq $((3 * points)) ]
# Every row: positive times, min <= ci_low <= median <= ci_high <= max,
# flops 2n^2-n (0 for copy), gbps = bytes / median / 1e9.
awk -F, 'NR > 1 {
    if (!($13 > 0 && $17 <= $14 && $14 <= $13 && $13 <= $15 && $15 <= $18)) { print "order: " $0; bad++ }
    want = ($3 == "copy") ? 0 : 2 * $7 * $7 - $7
    if ($23 != want) { print "flops: " $0; bad++ }
    g = $24 / $13 / 1e9; if (g / $25 > 1.001 || g / $25 < 0.999) { print "gbps: " $0; bad++ }
    if (($3 == "outer_sum") != ($6 != "")) { print "axis: " $0; bad++ }
} END { exit bad > 0 }' "$out/tiny/summary.csv" >"$tmp/awk"
expect "summary rows are consistent" [ $? -eq 0 ]
cat "$tmp/awk"
for key in host cpu_model cpu_cores compiler runner_commit openblas_config date_utc script_path \
    script_sha256 seed params profile; do
    expect "provenance has $key" grep -q "^$key,." "$out/tiny/provenance.csv"
done

# Backends: needed and missing stops before measuring; optional skips.
if [ "$gpu" -eq 0 ]; then
    "$runner" run tests/e2e/needs_gpu.lua --out "$out" >/dev/null 2>"$tmp/err"
    expect "a missing backend exits 3" [ $? -eq 3 ]
    expect "a missing backend is named with the script line" \
        grep -q "^tests/e2e/needs_gpu.lua:1: experiment 'gpu' needs backend 'cublas', unavailable here: " "$tmp/err"
    expect "nothing written for it" [ ! -e "$out/gpu" ]
    "$runner" run tests/e2e/optional_gpu.lua --out "$out" --quiet 2>"$tmp/err"
    expect "an optional missing backend is skipped" [ $? -eq 0 ]
    expect "the skip is said once per backend" \
        [ "$(grep -c "^maybe-gpu: skipping backend 'cublas' (optional): " "$tmp/err")" -eq 1 ]
    expect "the cpu points ran" [ "$(wc -l <"$out/maybe-gpu/summary.csv")" -eq 3 ]
else
    skipped=$((skipped + 1)); echo "SKIP e2e: a GPU is present, so the missing-backend checks do not apply"
fi

# Two scripts of one run may not declare the same experiment.
"$runner" run tests/e2e/tiny.lua tests/e2e/slow.lua --out "$out" --dry-run >/dev/null 2>"$tmp/err"
expect "the same experiment in two scripts exits 2" [ $? -eq 2 ]
expect "and names both places" grep -qx "tests/e2e/slow.lua:2: experiment 'tiny': also declared at tests/e2e/tiny.lua:2" "$tmp/err"

# The memory guard refuses a point that cannot fit, before allocating.
"$runner" run tests/e2e/too_big.lua --out "$out" >/dev/null 2>"$tmp/err"
expect "a point too big for memory exits 4" [ $? -eq 4 ]
expect "and says how much it needs" grep -q 'n=200000: FAILED: needs 320.0 GB of host memory, .* available' "$tmp/err"

# Interrupted: the earlier results stay whole, and no temporary file is left.
cp "$out/tiny/summary.csv" "$tmp/before.csv"
"$runner" run tests/e2e/slow.lua --out "$out" --quiet 2>/dev/null &
pid=$!
sleep 1
kill -INT $pid
wait $pid
expect "an interrupted run exits 130" [ $? -eq 130 ]
expect "the earlier summary is untouched" cmp -s "$tmp/before.csv" "$out/tiny/summary.csv"
expect "no temporary file left after the interrupt" [ -z "$(ls "$out/tiny" | grep '\.tmp$')" ]

# --quiet prints nothing when all goes well.
"$runner" run tests/e2e/optional_gpu.lua --out "$out" --quiet 2>"$tmp/err"
expect "--quiet is quiet" [ "$(grep -vc 'skipping backend' "$tmp/err")" -eq 0 ]

test_end
