#!/bin/sh
# fault.sh RUNNER: the runner under faults a user causes: signals at every
# stage (the script, calibration, warm-up, a long batch, the commit, list,
# report), scripts over their memory or point caps, and bombs that must end
# in a clean error. Every interrupted command exits 130 within a second.
runner=$1
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
test_begin fault
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# interrupted NAME SIGNAL DELAY COMMAND...: starts the command, sends SIGNAL
# after DELAY seconds, and checks that it exits 130 within a second of it.
interrupted() {
    name=$1 sig=$2 delay=$3
    shift 3
    "$@" >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    sleep "$delay"
    start=$(now_ms)
    kill -"$sig" $pid
    wait $pid
    code=$? took=$(($(now_ms) - start))
    expect "$name: SIG$sig exits 130 (got $code)" [ "$code" -eq 130 ]
    expect "$name: SIG$sig acts within a second (took $took ms)" [ "$took" -le 1000 ]
}

# While the script is evaluated: the Lua count hook.
for sig in INT TERM HUP; do
    interrupted "an endless script" $sig 0.5 "$runner" run tests/fault/forever.lua --dry-run
done
expect "the script's interrupt is said" grep -qx "runner: interrupted while reading tests/fault/forever.lua" "$tmp/err"
interrupted "an endless script catching errors" INT 0.5 "$runner" run tests/fault/forever_pcall.lua --dry-run

# While measuring: a long batch, warm-up and calibration; nothing is recorded.
out="$tmp/results"
for stage in batch warmup calibration; do
    interrupted "a long $stage" INT 1 "$runner" run "tests/fault/long_$stage.lua" --out "$out" --quiet
    expect "a cut $stage leaves no results" [ ! -e "$out/long-$stage" ]
    expect "a cut $stage leaves no staging folder" [ -z "$(ls -A "$out" 2>/dev/null)" ]
done
expect "no empty output folder is left" [ ! -e "$out" ]
interrupted "a long batch" TERM 1 "$runner" run tests/fault/long_batch.lua --out "$out" --quiet

# On the GPU: between chunks of launches, and of graph replays (a batch of
# about a minute on an H200, cut after 3 s).
if "$runner" list cuda >/dev/null 2>"$tmp/why" && "$runner" list cublas >/dev/null 2>&1; then
    for backend in cuda cublas; do
        for graph in false true; do
            printf 'experiment { name = "long-gpu", backend = "%s", dtype = "f32", op = "matvec",\n  n = 8192, iterations = 1000000, warmup = 0, samples = 1, graph = %s }\n' \
                "$backend" "$graph" >"$tmp/long_gpu.lua"
            interrupted "a long GPU batch ($backend, graph $graph)" INT 3 \
                "$runner" run "$tmp/long_gpu.lua" --out "$out" --quiet
            expect "a cut GPU batch leaves no results" [ ! -e "$out/long-gpu" ]
        done
    done
else
    skip "the GPU batch tests need a GPU: $(cat "$tmp/why")"
fi

# A second SIGINT exits at once (both raised at the first fsync of the set:
# the second comes before the first could act).
shim=${FAILAT_SHIM:-build/tests/failat.so}
if [ -f "$shim" ]; then
    rm -rf "$out"
    FLOPBENCH_FAILAT=fsync:1 FLOPBENCH_FAILAT_SIGNAL="2 2" LD_PRELOAD=$shim \
        "$runner" run tests/fault/quick.lua --out "$out" --quiet 2>"$tmp/err"
    expect "a second SIGINT exits 130" [ $? -eq 130 ]
    expect "a second SIGINT is said" grep -qx "runner: interrupted again; exiting now" "$tmp/err"
    expect "and leaves no set" [ ! -e "$out/quick" ]
else
    skip "no $shim (make unit builds it)"
fi

# A signal during the commit: the set goes through whole, and the run exits 130.
if [ -f "$shim" ]; then
    for at in fsync:1 fsync:3 renameat2:1; do
        rm -rf "$out"
        FLOPBENCH_FAILAT=$at FLOPBENCH_FAILAT_SIGNAL=2 LD_PRELOAD=$shim \
            "$runner" run tests/fault/quick.lua --out "$out" --quiet 2>"$tmp/err"
        code=$?
        expect "SIGINT at $at of the commit exits 130 (got $code)" [ "$code" -eq 130 ]
        expect "SIGINT at $at: the new set is whole" \
            [ "$(wc -l <"$out/quick/summary.csv")" -eq 3 ] && [ "$(wc -l <"$out/quick/samples.csv")" -eq 5 ]
        expect "SIGINT at $at: it says so" grep -q "interrupted; .*/quick holds the new set, whole" "$tmp/err"
        expect "SIGINT at $at: no staging folder" [ -z "$(ls -A "$out" | grep -v '^quick$')" ]
    done
else
    skip "no $shim (make unit builds it)"
fi

# list, host-tag and report stop too (the worker backends' start is the
# slow part of list; report runs Lua).
interrupted "report" INT 0.5 "$runner" report --current tests/fault/forever.lua --profile tiny --results "$tmp"
FLOPBENCH_HOST=x "$runner" host-tag >"$tmp/out"; expect "host-tag exits 0" [ $? -eq 0 ]
start=$(now_ms)
"$runner" list >"$tmp/list" 2>&1
took=$(($(now_ms) - start))
if [ "$took" -ge 1500 ]; then
    interrupted "list" INT 0.5 "$runner" list
    expect "an interrupted list prints no backend as interrupted" [ -z "$(grep interrupted "$tmp/out")" ]
else
    skip "list takes $took ms here, too short to interrupt"
fi

# Resume: points are journaled as they finish; --resume reuses those of the
# same declaration and measures the rest; without it a run measures all.
# started COMMAND...: starts the command, and waits until its journal holds
# at least two points.
journal="$tmp/resume-out/.resume.journal"
started() {
    "$@" 2>"$tmp/err" &
    pid=$!
    for _ in $(seq 300); do
        n=$(grep -c '^P' "$journal" 2>/dev/null)
        [ "${n:-0}" -ge 2 ] && return 0
        sleep 0.1
    done
    return 1
}
points() { grep -c '^P' "$journal"; }
cp tests/fault/resume.lua "$tmp/resume.lua"
rout="$tmp/resume-out"
started "$runner" run "$tmp/resume.lua" --out "$rout"
kill -INT $pid; wait $pid
expect "an interrupted sweep exits 130" [ $? -eq 130 ]
expect "and says how to continue" grep -q "runner run --resume. reuses the [0-9]* points measured" "$tmp/err"
expect "its journal is left beside the set" [ -s "$journal" ]
expect "and no set" [ ! -e "$rout/resume" ]
kept=$(points)
first=$(awk -F'\t' '$1 == "P" && $2 == 0 { printf "%.9g", $16; exit }' "$journal")
"$runner" run "$tmp/resume.lua" --out "$rout" --resume 2>"$tmp/err"
expect "a resumed sweep exits 0" [ $? -eq 0 ]
expect "it says how many it reused" grep -qx "resume: reusing $kept of 16 points from $rout/.resume.journal" "$tmp/err"
expect "every point is in the set" [ "$(($(wc -l <"$rout/resume/summary.csv") - 1))" -eq 16 ]
expect "the provenance counts them" grep -qx "points_reused,$kept" "$rout/resume/provenance.csv"
expect "and names each one's run" [ "$(grep -c '^reused_point_[0-9]*,[0-9]*T[0-9]*Z-' "$rout/resume/provenance.csv")" -eq "$kept" ]
expect "a reused point keeps its samples" [ "$(awk -F, 'NR == 2 { print $12 }' "$rout/resume/samples.csv")" = "$first" ]
expect "a reused point keeps its facts" grep -q '^cpu_threads,' "$rout/resume/provenance.csv"
expect "one run id in the whole set" [ "$(cut -d, -f20 "$rout/resume/samples.csv" | sort -u | grep -vc run_id)" -eq 1 ]
expect "a complete set removes the journal" [ ! -e "$journal" ]

# SIGKILL loses at most the point in flight; a torn last record is dropped.
started "$runner" run "$tmp/resume.lua" --out "$rout" --quiet
kill -KILL $pid; wait $pid
kept=$(points)
printf 'F\t3\tcpu_thr' >>"$journal"
"$runner" run "$tmp/resume.lua" --out "$rout" --resume 2>"$tmp/err"
expect "after SIGKILL a resume exits 0" [ $? -eq 0 ]
expect "reusing the $kept points journaled" grep -qx "resume: reusing $kept of 16 points from $rout/.resume.journal" "$tmp/err"
expect "the new set is whole" [ "$(($(wc -l <"$rout/resume/summary.csv") - 1))" -eq 16 ]

# Another declaration (here the script's text) is never reused; nor is a
# journal without --resume.
started "$runner" run "$tmp/resume.lua" --out "$rout" --quiet
kill -INT $pid; wait $pid
echo "-- edited" >>"$tmp/resume.lua"
"$runner" run "$tmp/resume.lua" --out "$rout" --resume --quiet 2>"$tmp/err"
expect "an edited script's resume exits 0" [ $? -eq 0 ]
expect "says the journal is of another declaration" grep -q "resume.journal is of another declaration or runner" "$tmp/err"
expect "and reuses nothing" grep -qx "points_reused,0" "$rout/resume/provenance.csv"
started "$runner" run "$tmp/resume.lua" --out "$rout" --quiet
kill -INT $pid; wait $pid
"$runner" run "$tmp/resume.lua" --out "$rout" --quiet 2>"$tmp/err"
expect "without --resume a run measures every point" [ $? -eq 0 ] && ! grep -q "reus" "$rout/resume/provenance.csv"

# A garbled record: the records before it are reused, the rest measured.
started "$runner" run "$tmp/resume.lua" --out "$rout" --quiet
kill -INT $pid; wait $pid
awk -F'\t' 'BEGIN { OFS = "\t" } $1 == "P" && !done { $16 = "-1"; done = 1 } { print }' "$journal" >"$tmp/j" && cp "$tmp/j" "$journal"
"$runner" run "$tmp/resume.lua" --out "$rout" --resume 2>"$tmp/err"
expect "a garbled journal still resumes" [ $? -eq 0 ]
expect "naming the line it stopped at" grep -q "resume.journal:[0-9]*: not a journal record; the records after it are dropped" "$tmp/err"
expect "reusing none before it" grep -qx "resume: reusing 0 of 16 points from $rout/.resume.journal" "$tmp/err"

# A record whose samples' rounds do not increase (two swapped) is garbled too.
started "$runner" run "$tmp/resume.lua" --out "$rout" --quiet
kill -INT $pid; wait $pid
awk -F'\t' 'BEGIN { OFS = "\t" } $1 == "P" && NF >= 17 && !done { t = $16; $16 = $17; $17 = t; done = 1 } { print }' \
    "$journal" >"$tmp/j" && cp "$tmp/j" "$journal"
"$runner" run "$tmp/resume.lua" --out "$rout" --resume 2>"$tmp/err"
expect "a journal with rounds out of order still resumes" [ $? -eq 0 ]
expect "naming the record whose rounds do not increase" grep -q "resume.journal:[0-9]*: not a journal record; the records after it are dropped" "$tmp/err"

# A failed point: the set is written without it and the journal kept, so a
# resume measures only that point again.
"$runner" run tests/fault/resume_failing.lua --out "$rout" --quiet 2>/dev/null
expect "a sweep with a failing point exits 4" [ $? -eq 4 ]
expect "keeps its journal" [ "$(grep -c '^P' "$rout/.resume-failing.journal")" -eq 2 ]
"$runner" run tests/fault/resume_failing.lua --out "$rout" --resume 2>"$tmp/err"
expect "its resume exits 4 again" [ $? -eq 4 ]
expect "reusing the two good points" grep -qx "resume-failing: reusing 2 of 3 points from $rout/.resume-failing.journal" "$tmp/err"
expect "and measuring only the failing one" [ "$(grep -c 'n=200000: FAILED' "$tmp/err")" -eq 1 ] && ! grep -q 'n=64' "$tmp/err"

# The caps: memory and points; each over its cap is a script error naming both.
"$runner" run tests/fault/table_bomb.lua --dry-run --script-memory 64M 2>"$tmp/err"
expect "a table bomb is a script error" [ $? -eq 2 ]
expect "it names the script and the cap" grep -qx "tests/fault/table_bomb.lua: the script needs more than the 64 MiB of memory a script may use (runner run --script-memory SIZE)" "$tmp/err"
"$runner" run tests/fault/string_bomb.lua --dry-run --script-memory 64M 2>"$tmp/err"
expect "a string bomb is a script error" [ $? -eq 2 ]
expect "it names the script and the cap" grep -qx "tests/fault/string_bomb.lua: the script needs more than the 64 MiB of memory a script may use (runner run --script-memory SIZE)" "$tmp/err"
for f in recursion gsub_overflow; do
    "$runner" run "tests/fault/$f.lua" --dry-run 2>"$tmp/err"
    expect "$f is a script error" [ $? -eq 2 ]
    expect "$f names the line" grep -q "^tests/fault/$f.lua:[0-9]*: " "$tmp/err"
done
for bad_size in 0 1K 12Q -5M 2048G ""; do
    "$runner" run tests/fault/quick.lua --dry-run --script-memory "$bad_size" >/dev/null 2>"$tmp/err"
    expect "--script-memory '$bad_size' is a usage error" [ $? -eq 2 ]
done
expect "and says what it needs" grep -q "^runner: --script-memory needs a size from 1M to 1024G" "$tmp/err"
for bad_n in 0 -1 x 1e9 10000000000; do
    "$runner" run tests/fault/quick.lua --dry-run --max-points "$bad_n" >/dev/null 2>"$tmp/err"
    expect "--max-points '$bad_n' is a usage error" [ $? -eq 2 ]
done
"$runner" run tests/fault/quick.lua --dry-run --max-points 1 >/dev/null 2>"$tmp/err"
expect "over --max-points is a script error" [ $? -eq 2 ]
expect "naming the cap" grep -qx "tests/fault/quick.lua:2: experiment 'quick': 2 points, which brings the script to 2, over the cap of 1 points a script may declare (runner run --max-points N)" "$tmp/err"
n=$("$runner" run tests/fault/quick.lua --dry-run --max-points 2 | wc -l)
expect "at the cap it runs ($n points)" [ "$n" -eq 2 ]
"$runner" run tests/lang/cases/too_many_points.lua --dry-run --max-points 200000 >"$tmp/out"
expect "a raised cap lets 101000 points through" [ $? -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 101000 ]

# 10^7 points: refused at once by the points cap, and by the memory cap
# with the points cap raised, in bounded memory either way.
if command -v /usr/bin/time >/dev/null; then
    /usr/bin/time -f %M -o "$tmp/rss" "$runner" run tests/fault/ten_million.lua --dry-run 2>"$tmp/err" >/dev/null
    expect "10^7 points are a script error" [ $? -eq 2 ]
    expect "naming the points cap" grep -q "10000000 points, .*over the cap of 100000 points" "$tmp/err"
    expect "in under 500 MB ($(cat "$tmp/rss") kB)" [ "$(tail -n 1 "$tmp/rss")" -lt 500000 ]
    /usr/bin/time -f %M -o "$tmp/rss" "$runner" run tests/fault/ten_million.lua --dry-run \
        --max-points 10000000 --script-memory 128M 2>"$tmp/err" >/dev/null
    expect "10^7 points under a 128M cap are a script error" [ $? -eq 2 ]
    expect "naming the memory cap" grep -q "more than the 128 MiB of memory" "$tmp/err"
    expect "in under 600 MB ($(cat "$tmp/rss") kB)" [ "$(tail -n 1 "$tmp/rss")" -lt 600000 ]
else
    skip "no /usr/bin/time to measure memory"
fi

test_end
