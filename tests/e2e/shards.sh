#!/bin/sh
# shards.sh RUNNER: --shard K/N, runner merge and --devices as a user meets
# them: every point in one shard, whole rounds, the merged set equal to one
# process's, each refusal of the merge with its message and exit code,
# locks between shards and unsharded runs, pinning by CUDA_VISIBLE_DEVICES.
runner=$1
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
test_begin shards
script=tests/e2e/shards.lua
# The points of a summary.csv, one line each, in file order: key columns
# (experiment .. iterations, threads, graph, flush_l2) and the seed.
points() { cut -d, -f1-11,28 "$1" | tail -n +2; }

# The split: every declared point in exactly one of 3 shards, whole rounds.
"$runner" run $script --dry-run | sort >"$tmp/all"
for k in 1 2 3; do "$runner" run $script --dry-run --shard $k/3; done | sort >"$tmp/union"
expect "the 3 shards hold every point once" cmp -s "$tmp/all" "$tmp/union"
for k in 1 2 3; do "$runner" run $script --dry-run --shard $k/3 | awk '{ print $1, $7 }' | sort -u; done \
    | sort | uniq -d >"$tmp/split_rounds"
expect "no round (experiment, n) is split between shards" [ ! -s "$tmp/split_rounds" ]
"$runner" run $script --dry-run --shard 1/3 >"$tmp/s1a"; "$runner" run $script --dry-run --shard 1/3 >"$tmp/s1b"
expect "the split is deterministic" cmp -s "$tmp/s1a" "$tmp/s1b"
expect "each of 3 shards gets points" [ "$("$runner" run $script --dry-run --shard 3/3 | wc -l)" -gt 0 ]
for bad_spec in 0/3 4/3 1/0 x 1/3x -1/3; do
    "$runner" run $script --shard "$bad_spec" --dry-run >/dev/null 2>"$tmp/err"
    expect "--shard $bad_spec is a usage error (exit 2)" [ $? -eq 2 ]
done
expect "and says what --shard needs" grep -q "^runner: --shard needs K/N with 1 <= K <= N" "$tmp/err"
"$runner" run $script --shard 1/2 --devices 0,1 >/dev/null 2>&1
expect "--shard with --devices is a usage error" [ $? -eq 2 ]

# One process, then 3 shards (1 and 2 side by side), then the merge.
one="$tmp/one" out="$tmp/out"
"$runner" run $script --out "$one" --quiet; expect "the single run exits 0" [ $? -eq 0 ]
"$runner" run $script --shard 1/3 --out "$out" --quiet 2>"$tmp/err1" & p1=$!
"$runner" run $script --shard 2/3 --out "$out" --quiet 2>"$tmp/err2" & p2=$!
wait $p1; s1=$?; wait $p2; s2=$?
expect "shards 1 and 2 run side by side (exit $s1, $s2)" [ $s1 -eq 0 ] && [ $s2 -eq 0 ]
cat "$tmp/err1" "$tmp/err2"
"$runner" run $script --shard 3/3 --out "$out" --quiet; expect "shard 3 exits 0" [ $? -eq 0 ]
expect "a shard writes its own folder" [ -s "$out/shards-a/shard-2-of-3/summary.csv" ]
expect "a shard writes no experiment set" [ ! -e "$out/shards-a/summary.csv" ]
expect "no shard's lock is left" [ -z "$(ls -A "$out" | grep '\.lock$')" ]
"$runner" merge "$out/shards-a" "$out/shards-b/" 2>"$tmp/err"; expect "the merge exits 0" [ $? -eq 0 ]
expect "the merge says what it did" grep -q "^shards-a: 20 points of 3 shards merged into $out/shards-a/" "$tmp/err"
for e in shards-a shards-b; do
    points "$one/$e/summary.csv" >"$tmp/p_one"; points "$out/$e/summary.csv" >"$tmp/p_merged"
    expect "$e: the merged points are the single run's, in its order" cmp -s "$tmp/p_one" "$tmp/p_merged"
    expect "$e: as many samples as the single run" \
        [ "$(wc -l <"$one/$e/samples.csv")" -eq "$(wc -l <"$out/$e/samples.csv")" ]
    expect "$e: the headers are the single run's" \
        [ "$(head -n 1 "$one/$e/summary.csv")" = "$(head -n 1 "$out/$e/summary.csv")" ]
done
prov="$out/shards-a/provenance.csv"
for key in merged_shards shard_1_host shard_2_host shard_3_host shard_1_device shard_3_run_id params runner_commit; do
    expect "the merged provenance has $key" grep -q "^$key,." "$prov"
done
expect "the merged provenance counts 20 points" grep -qx "points,20" "$prov"
run_id=$(grep '^run_id,' "$prov" | cut -d, -f2)
expect "the merged set is one set (one run_id)" \
    [ "$(cut -d, -f32 "$out/shards-a/summary.csv" | tail -n +2 | sort -u)" = "$run_id" ]
expect "the device column says cpu" [ "$(cut -d, -f31 "$out/shards-a/summary.csv" | tail -n +2 | sort -u)" = "cpu" ]
"$runner" report --current $script --profile full --results "$out" 2>"$tmp/err"
expect "report --current takes the merged folders" [ $? -eq 0 ]
cat "$tmp/err"

# Refusals: a missing shard, shards of another declaration or runner.
cp -r "$out" "$tmp/keep"
mv "$out/shards-a/shard-2-of-3" "$tmp/shard2"
"$runner" merge "$out/shards-a" 2>"$tmp/err"; expect "a missing shard: exit 4" [ $? -eq 4 ]
expect "a missing shard is named, with how to rerun it" grep -q \
    "^runner merge: $out/shards-a/shard-2-of-3: shard 2/3 is missing; rerun it: runner run SCRIPT --shard 2/3 --out $out$" "$tmp/err"
expect "the refused merge leaves the old set" cmp -s "$tmp/keep/shards-a/summary.csv" "$out/shards-a/summary.csv"
"$runner" run $script --shard 2/3 --out "$out" --quiet; expect "the missing shard reruns alone" [ $? -eq 0 ]
"$runner" merge "$out/shards-a" --quiet; expect "then the merge exits 0" [ $? -eq 0 ]
sed 's/iterations = 20/iterations = 21/' $script >"$tmp/other.lua"
"$runner" run "$tmp/other.lua" --shard 3/3 --out "$out" --quiet
"$runner" merge "$out/shards-a" 2>"$tmp/err"; expect "another declaration: exit 5" [ $? -eq 5 ]
expect "another declaration is named" grep -q "shard 1/3 and shard 3/3 differ in params" "$tmp/err"
rm -r "$out/shards-a/shard-3-of-3"; cp -r "$tmp/keep/shards-a/shard-3-of-3" "$out/shards-a/"
sed -i 's/^runner_commit,.*/runner_commit,0123456789ab/' "$out/shards-a/shard-3-of-3/provenance.csv"
"$runner" merge "$out/shards-a" 2>"$tmp/err"; expect "another runner: exit 5" [ $? -eq 5 ]
expect "another runner is named" grep -q "shard 1/3 and shard 3/3 differ in runner_commit (.*' and '0123456789ab')" "$tmp/err"
cp -r "$tmp/keep/shards-a/shard-1-of-3" "$out/shards-a/shard-1-of-2"
"$runner" merge "$out/shards-a" 2>"$tmp/err"; expect "two splits: exit 5" [ $? -eq 5 ]
expect "two splits are named" grep -q "holds shards of two splits" "$tmp/err"
"$runner" merge "$one/shards-a" 2>"$tmp/err"; expect "no shard: exit 5" [ $? -eq 5 ]
"$runner" merge 2>/dev/null; expect "merge without a folder: exit 2" [ $? -eq 2 ]
"$runner" merge "$tmp/.hidden" 2>/dev/null; expect "merge of a non-experiment name: exit 2" [ $? -eq 2 ]

# A prior run's times as the costs: still every point once, the basis
# recorded, and shards of two bases refused.
for k in 1 2 3; do "$runner" run $script --dry-run --shard $k/3 --costs "$one"; done | sort >"$tmp/union"
expect "with --costs, the 3 shards hold every point once" cmp -s "$tmp/all" "$tmp/union"
costs="$tmp/costs"
for k in 1 2; do "$runner" run $script --shard $k/2 --costs "$one" --out "$costs" --quiet || bad "costs shard $k/2"; done
expect "the basis names the prior times" \
    grep -q "^shard_basis,prior times of 23 of 23 points in $one ([0-9a-f]*)$" "$costs/shards-b/shard-1-of-2/provenance.csv"
"$runner" merge "$costs/shards-a" "$costs/shards-b" --quiet; expect "shards balanced by prior times merge" [ $? -eq 0 ]
"$runner" run $script --shard 2/2 --out "$costs" --quiet
"$runner" merge "$costs/shards-a" 2>"$tmp/err"; expect "shards of two bases: exit 5" [ $? -eq 5 ]
expect "and the basis is named" grep -q "differ in shard_basis ('prior times of 23 of 23 points in $one (.*)' and 'catalogue bytes')" "$tmp/err"
"$runner" run $script --costs "$one" --dry-run >/dev/null 2>&1; expect "--costs without --shard: exit 2" [ $? -eq 2 ]
mkdir -p "$tmp/badcosts/shards-a"; printf 'a,b\n1,2\n' >"$tmp/badcosts/shards-a/summary.csv"
"$runner" run $script --shard 1/2 --costs "$tmp/badcosts" --dry-run >/dev/null 2>"$tmp/err"
expect "--costs with a file that is no summary: exit 2" [ $? -eq 2 ]
expect "and it is named" grep -q "^runner: --costs: $tmp/badcosts/shards-a/summary.csv: no column 'backend': not a summary.csv" "$tmp/err"

# More shards than rounds: the empty shards still write a set.
many="$tmp/many"
for k in 1 2 3 4 5 6 7 8 9; do "$runner" run $script --shard $k/9 --out "$many" --quiet || bad "shard $k/9"; done
"$runner" merge "$many/shards-a" "$many/shards-b" --quiet; expect "9 shards of 8 rounds merge" [ $? -eq 0 ]
points "$many/shards-b/summary.csv" >"$tmp/p_many"; points "$one/shards-b/summary.csv" >"$tmp/p_one"
expect "and hold the single run's points" cmp -s "$tmp/p_one" "$tmp/p_many"

# A failed shard: its set records the failure; the merge names it, exit 4.
fail="$tmp/fail"
"$runner" run tests/e2e/shards_fail.lua --shard 1/2 --out "$fail" --quiet 2>/dev/null
expect "the shard with a point too big exits 4" [ $? -eq 4 ]
"$runner" run tests/e2e/shards_fail.lua --shard 2/2 --out "$fail" --quiet
"$runner" merge "$fail/shards-fail" 2>"$tmp/err"; expect "a failed shard: exit 4" [ $? -eq 4 ]
expect "a failed shard is named with its point" \
    grep -q "shard 1/2 is incomplete: 0 of 1 points measured; openblas matvec/gemv f64 n=200000: " "$tmp/err"
expect "nothing merged" [ ! -e "$fail/shards-fail/summary.csv" ]

# Locks: an unsharded run or a merge refuses while a shard runs; a killed
# shard is named as interrupted.
slow="$tmp/slow"
"$runner" run tests/e2e/shards_slow.lua --shard 2/2 --out "$slow" --quiet
"$runner" run tests/e2e/shards_slow.lua --shard 1/2 --out "$slow" --quiet & pid=$!
i=0; while [ ! -e "$slow/.shards-slow.shard-1-of-2.lock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
"$runner" run tests/e2e/shards_slow.lua --out "$slow" --quiet 2>"$tmp/err"
expect "an unsharded run refuses while a shard runs: exit 5" [ $? -eq 5 ]
expect "and names the shard and its pid" grep -q "^runner: $slow/shards-slow/shard-1-of-2 is being written by another run (pid $pid)" "$tmp/err"
"$runner" merge "$slow/shards-slow" 2>"$tmp/err"; expect "a merge refuses while a shard runs: exit 5" [ $? -eq 5 ]
"$runner" run tests/e2e/shards_slow.lua --shard 1/2 --out "$slow" --quiet 2>"$tmp/err"
expect "the same shard twice: exit 5" [ $? -eq 5 ]
kill -KILL $pid; wait $pid 2>/dev/null
"$runner" merge "$slow/shards-slow" 2>"$tmp/err"; expect "a killed shard: exit 4" [ $? -eq 4 ]
expect "a killed shard is named as interrupted" grep -q "shard 1/2 is missing (it was interrupted" "$tmp/err"
"$runner" run tests/e2e/shards_slow.lua --out "$slow" --quiet 2>/dev/null & pid=$!
i=0; while [ ! -e "$slow/.shards-slow.lock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
"$runner" run tests/e2e/shards_slow.lua --shard 2/2 --out "$slow" --quiet 2>"$tmp/err"
expect "a shard refuses while an unsharded run runs: exit 5" [ $? -eq 5 ]
expect "and names that run's pid" grep -q "^runner: $slow/shards-slow is being written by another run (pid $pid)" "$tmp/err"
kill -INT $pid; wait $pid 2>/dev/null

# --devices: one shard a device, pinned by CUDA_VISIBLE_DEVICES, merged.
dev="$tmp/dev"
"$runner" run $script --devices 0,1 --out "$dev" 2>"$tmp/err"; expect "--devices 0,1 exits 0" [ $? -eq 0 ]
expect "--devices starts a shard per device" [ "$(grep -c '^runner: shard [12]/2 on GPU [01]: pid' "$tmp/err")" -eq 2 ]
expect "shard 1 ran on device 0" grep -qx "shard_1_device,0" "$dev/shards-a/provenance.csv"
expect "shard 2 ran on device 1" grep -qx "shard_2_device,1" "$dev/shards-a/provenance.csv"
points "$dev/shards-a/summary.csv" >"$tmp/p_dev"; points "$one/shards-a/summary.csv" >"$tmp/p_one"
expect "--devices merges the single run's points" cmp -s "$tmp/p_one" "$tmp/p_dev"
CUDA_VISIBLE_DEVICES=3,5 "$runner" run $script --devices all --out "$dev" --quiet
expect "--devices all exits 0" [ $? -eq 0 ]
expect "--devices all takes CUDA_VISIBLE_DEVICES's GPUs" \
    [ "$(grep '^shard_[12]_device,' "$dev/shards-b/provenance.csv" | tr '\n' ' ')" = "shard_1_device,3 shard_2_device,5 " ]
rm -rf "$dev"
"$runner" run $script --devices 7 --out "$dev" --quiet; expect "one device is an ordinary run" [ $? -eq 0 ]
expect "with no shard folder" [ ! -e "$dev/shards-a/shard-1-of-1" ] && [ -s "$dev/shards-a/summary.csv" ]
"$runner" run $script --devices 0,0 --out "$dev" 2>"$tmp/err"; expect "a device twice is a usage error" [ $? -eq 2 ]
"$runner" run $script --devices '0;rm' --out "$dev" 2>"$tmp/err"; expect "a bad device is a usage error" [ $? -eq 2 ]

# A disturbed round's samples stay in samples.csv beside the clean ones: the
# merge takes both (summary's samples + disturbed rows a point).
thr="$tmp/throttled"
for k in 1 2 3; do FLOPBENCH_TEST_THROTTLE=2 "$runner" run $script --shard $k/3 --out "$thr" --quiet; done
"$runner" merge "$thr/shards-a" 2>"$tmp/err"; expect "shards with a disturbed round merge" [ $? -eq 0 ]
expect "with every sample, disturbed ones too" [ "$(($(wc -l <"$thr/shards-a/samples.csv") - 1))" -eq \
    "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "samples") s = i; if ($i == "disturbed") d = i } }
               NR > 1 { n += $s + $d } END { print n }' "$thr/shards-a/summary.csv")" ]
expect "and the disturbed ones marked" [ "$(grep -c ',throttled,' "$thr/shards-a/samples.csv")" -eq 20 ]

test_end
