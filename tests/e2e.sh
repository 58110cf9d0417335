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

# --only: some of the scripts' experiments, by name.
cat >"$tmp/only.lua" <<'LUA'
experiment { name = "one", backend = "cpu", dtype = "f32", op = "matvec", n = { 16 }, iterations = 2, samples = 3, warmup = 0 }
experiment { name = "two", backend = "cpu", dtype = "f64", op = "matvec", n = { 16, 32 }, iterations = 2, samples = 3, warmup = 0 }
LUA
expect "--only two lists two's points alone" [ "$("$runner" run "$tmp/only.lua" --only two --dry-run | awk '{ print $1 }' | sort -u)" = two ]
"$runner" run "$tmp/only.lua" --only two --out "$tmp/only-out" --quiet
expect "--only two measures two (exit $?)" [ -s "$tmp/only-out/two/summary.csv" ]
expect "and writes nothing of one" [ ! -e "$tmp/only-out/one" ]
"$runner" run "$tmp/only.lua" --only three --dry-run >/dev/null 2>"$tmp/err"
expect "--only of an undeclared name exits 2" [ $? -eq 2 ]
expect "naming it and the declared ones ($(cat "$tmp/err"))" grep -qx "runner: --only: no experiment 'three' in the scripts (they declare: one two)" "$tmp/err"
"$runner" run "$tmp/only.lua" --only "one," --dry-run >/dev/null 2>&1
expect "--only with an empty name exits 2" [ $? -eq 2 ]
"$runner" run "$tmp/only.lua" --only one --shard 1/2 --dry-run >/dev/null 2>&1
expect "--only with --shard exits 2" [ $? -eq 2 ]
for f in samples.csv summary.csv provenance.csv; do
    expect "tiny wrote $f" [ -s "$out/tiny/$f" ]
done
expect "no temporary file left" [ -z "$(ls "$out/tiny" | grep '\.tmp$')" ]
header='experiment,backend,op,impl,dtype,axis,n,iterations,threads,graph,flush_l2,samples,median_s,ci_low_s,ci_high_s,ci_level,min_s,max_s,mean_s,stddev_s,rel_ci,outliers,flops,bytes,gbps,gflops,rel_err,seed,disturbed,paired,device,run_id'
expect "summary header is the documented one" [ "$(head -n 1 "$out/tiny/summary.csv")" = "$header" ]
header='experiment,backend,op,impl,dtype,axis,n,iterations,sample,round,order,batch_s,per_call_s,disturbed,sm_mhz,mem_mhz,throttle,steal,cpu_mhz,run_id'
expect "samples header is the documented one" [ "$(head -n 1 "$out/tiny/samples.csv")" = "$header" ]

# Rounds: every point of tiny (one N) is sampled once a round, in an order
# recorded in samples.csv; the same seed gives the same orders, another
# seed others; a round flagged as throttled (the test hook standing in for
# NVML) is marked, counted in the summary and left out of the statistics.
orders() { tail -n +2 "$1" | cut -d, -f2-6,10,11 | sort; }
"$runner" run tests/e2e/tiny.lua --out "$tmp/again" --quiet
expect "the same seed gives the same round orders" [ "$(orders "$out/tiny/samples.csv")" = "$(orders "$tmp/again/tiny/samples.csv")" ]
expect "a round holds each point once" [ "$(tail -n +2 "$out/tiny/samples.csv" | awk -F, '$10 == 1' | wc -l)" -eq "$points" ]
expect "the order changes from round to round" [ "$(tail -n +2 "$out/tiny/samples.csv" | awk -F, '$9 == 1 {a = a $11} $9 == 2 {b = b $11} END {print (a != b)}')" = 1 ]
sed 's/warmup = 1,/warmup = 1, seed = 2,/' tests/e2e/tiny.lua >"$tmp/seed2.lua"
"$runner" run "$tmp/seed2.lua" --out "$tmp/seed2" --quiet
expect "another seed gives other orders" [ "$(orders "$out/tiny/samples.csv")" != "$(orders "$tmp/seed2/tiny/samples.csv")" ]
FLOPBENCH_TEST_THROTTLE=2 "$runner" run tests/e2e/tiny.lua --out "$tmp/throttled" --quiet
expect "the throttled run exits 0" [ $? -eq 0 ]
t=$tmp/throttled/tiny
expect "the throttled round's samples are marked" [ "$(awk -F, '$10 == 2 && $14 == "throttled" && $17 == "0x40"' "$t/samples.csv" | wc -l)" -eq "$points" ]
expect "no other round is marked" [ "$(awk -F, 'NR > 1 && $10 != 2 && $14 != ""' "$t/samples.csv" | wc -l)" -eq 0 ]
expect "each point took a fourth round" [ "$(awk -F, '$10 == 4' "$t/samples.csv" | wc -l)" -eq "$points" ]
expect "the summary counts 3 clean samples and 1 disturbed" [ "$(awk -F, 'NR > 1 && ($12 != 3 || $29 != 1 || $30 != 1)' "$t/summary.csv" | wc -l)" -eq 0 ]
expect "the provenance names the hook" grep -q '^disturb_test_hook,' "$t/provenance.csv"
FLOPBENCH_TEST_THROTTLE=x "$runner" run tests/e2e/tiny.lua --out "$tmp/badhook" --quiet 2>"$tmp/err"
expect "a malformed hook is a usage error" [ $? -eq 2 ]
expect "a malformed hook is named" grep -q 'FLOPBENCH_TEST_THROTTLE must be round numbers' "$tmp/err"
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
    skip "a GPU is present, so the missing-backend checks do not apply"
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
