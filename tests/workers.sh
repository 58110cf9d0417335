#!/bin/sh
# workers.sh RUNNER: the framework backends as a user meets them: the real
# torch and numpy workers through `runner run`, and a worker made to
# misbehave (tests/workers/worker.py, one planted fault each) giving a clear
# error that names the backend and the point, the documented exit code, no
# hang and no torn or stray files.
runner=$1
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
test_begin workers

for b in torch numpy; do
    "$runner" list "$b" >"$tmp/list" 2>&1
    expect "runner list $b says available ($(cat "$tmp/list"))" grep -q "^$b: available" "$tmp/list"
done

# Every op, impl, dtype and axis of the real workers, checked and written.
mkdir -p "$tmp/tmpdir"
cat >"$tmp/all.lua" <<'LUA'
experiment {
  name = "frameworks", backend = { "torch", "numpy" }, dtype = { "f32", "f64" },
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 },
  impl = { copy = { "clone", "copy" }, matvec = { "article", "mv", "matmul", "dot" },
           outer_sum = { "article", "outer", "matmul" } },
  n = { 1, 33, 257 }, iterations = 3, samples = 3, warmup = 0,
}
LUA
TMPDIR="$tmp/tmpdir" "$runner" run "$tmp/all.lua" --out "$tmp/out" --quiet 2>"$tmp/err"
expect "the real workers run every impl ($(head -3 "$tmp/err"))" [ $? -eq 0 ]
rows=$(($(wc -l <"$tmp/out/frameworks/summary.csv") - 1))
# torch: clone 2x3, 3 matvec x 2 x 3, 3 outer x 2 axes x 2 x 3; numpy: 1, 3 and 2 impls likewise.
expect "every worker point is a summary row (got $rows)" [ "$rows" -eq $(((6 + 18 + 36) + (6 + 18 + 24))) ]
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
         !($c["rel_err"] >= 0 && $c["rel_err"] < 1e-5) { print "row " NR ": rel_err " $c["rel_err"]; bad = 1 }
         END { exit bad }' "$tmp/out/frameworks/summary.csv" >"$tmp/awk" 2>&1
expect "every worker point was checked against the reference ($(head -3 "$tmp/awk"))" [ $? -eq 0 ]
expect "the worker's facts reach the provenance" grep -q '^torch_framework_version,' "$tmp/out/frameworks/provenance.csv"
expect "the interpreter is recorded" grep -q '^numpy_python,' "$tmp/out/frameworks/provenance.csv"
expect "the workers' folders are removed at exit" [ -z "$(ls -A "$tmp/tmpdir")" ]

# The files a worker's points go through are reused from point to point,
# made over at each size: sizes down and up, each dtype and op, every
# point checked, and nothing left behind.
cat >"$tmp/sizes.lua" <<'LUA'
experiment {
  name = "sizes", backend = { "torch", "numpy" }, dtype = { "f32", "f64" },
  op = { "copy", "matvec", "outer_sum" }, axis = 0,
  n = { 600, 40, 1, 300, 601 }, iterations = 2, samples = 3, warmup = 0,
}
LUA
TMPDIR="$tmp/tmpdir" "$runner" run "$tmp/sizes.lua" --out "$tmp/sizes" --quiet 2>"$tmp/err"
expect "the real workers run sizes down and up ($(head -3 "$tmp/err"))" [ $? -eq 0 ]
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
         { rows++ }
         !($c["rel_err"] >= 0 && $c["rel_err"] < 1e-5) { print "row " NR ": rel_err " $c["rel_err"]; bad = 1 }
         END { if (rows != 2 * 2 * 3 * 5) { print rows " rows, want 60"; bad = 1 }; exit bad }' \
    "$tmp/sizes/sizes/summary.csv" >"$tmp/awk" 2>&1
expect "each of them checked against the reference ($(head -3 "$tmp/awk"))" [ $? -eq 0 ]
expect "and no file is left behind" [ -z "$(ls -A "$tmp/tmpdir")" ]

# One planted fault each: FAULT, exit code, a piece of the message.
cat >"$tmp/f.lua" <<'LUA'
experiment { name = "f", backend = "numpy", dtype = "f32", op = { "matvec", "outer_sum" }, axis = 0,
             n = { 5, 9 }, iterations = 3, samples = 3 }
LUA
while IFS='|' read -r fault code text; do
    [ -n "$fault" ] || continue
    rm -rf "$tmp/fo"
    FLOPBENCH_PYTHON=/usr/bin/python3 FLOPBENCH_WORKER_TIMEOUT=2 FLOPBENCH_FAULT=$fault \
        FLOPBENCH_PEERS=tests/workers TMPDIR="$tmp/tmpdir" \
        timeout 60 "$runner" run "$tmp/f.lua" --out "$tmp/fo" --quiet 2>"$tmp/err"
    rc=$?
    expect "fault $fault: exit $code (got $rc: $(head -1 "$tmp/err"))" [ "$rc" -eq "$code" ]
    expect "fault $fault: the message says '$text' ($(head -1 "$tmp/err"))" grep -qF -- "$text" "$tmp/err"
    expect "fault $fault: nothing is written" [ ! -e "$tmp/fo/f/summary.csv" ]
    expect "fault $fault: no stray files" [ -z "$(ls -A "$tmp/tmpdir")" ]
done <<'CASES'
die-at-hello|3|needs backend 'numpy', unavailable here: /usr/bin/python3: the worker's hello: it closed its output; it exited with status 1; its last words: ImportError: planted
unavailable|3|needs backend 'numpy', unavailable here: /usr/bin/python3 cannot import numpy: planted
garbage|4|f [1/4] numpy matvec/article f32 n=5: FAILED: worker numpy, 'setup': its reply holds the byte 0x00, outside the protocol
chatter|4|numpy matvec/article f32 n=5: FAILED: worker numpy, 'setup': its reply to 'setup h=1 op=matvec ' is not in the protocol: 'hello there'
refuse-setup|4|numpy outer_sum/article f32 axis=0 n=9: FAILED: worker numpy, 'setup': failed planted refusal
crash|4|numpy matvec/article f32 n=5: FAILED: worker numpy, 'call': it closed its output; it was killed by signal 11 (Segmentation fault)
wrong|1|numpy matvec/article f32 n=5: WRONG RESULT: 5 of 5 output elements are off: element
short|1|numpy matvec/article f32 n=9: WRONG RESULT: worker numpy's output: 
nan|1|numpy outer_sum/article f32 axis=0 n=5: WRONG RESULT: 1 of 5 output elements were not written (NaN)
dtype|1|dtype '<f8', expected '<f4' (f32)
dtype-result|1|dtype '<f8', expected '<f4' (f32)
truncate-input|4|numpy matvec/article f32 n=5: FAILED: worker numpy changed an input it was to read: 
hang|4|numpy matvec/article f32 n=5: FAILED: worker numpy, 'time': no reply within 2 s; it was killed by signal 9
bad-seconds|4|FAILED: worker numpy: 'time' reply 'seconds=-1' is not seconds=<a time above 0 and within the request's
zero|4|FAILED: worker numpy: 'time' reply 'seconds=0' is not seconds=<a time above 0
slow-clock|4|FAILED: worker numpy: 'time' reply 'seconds=50' is not seconds=<a time above 0
longline|4|numpy matvec/article f32 n=5: FAILED: worker numpy, 'setup': its reply has a line longer than 4096 bytes
closeout|4|numpy matvec/article f32 n=5: FAILED: worker numpy, 'setup': it closed its output; it was killed by signal 9
fifo|1|h1-out.npy: not a regular file
extra|4|FAILED: worker numpy, 'time': it wrote after its last reply, outside the protocol
CASES

# The impls come from the worker's hello. A peer serving two impls the
# runner never heard of, fused (no N x N product): each runs through
# `runner run`, checked against the float64 reference, timed, and written
# with the bytes of its traffic (x and y read, out written: 3 s n), its
# traffic in the provenance; the article beside it with the product's.
cat >"$tmp/fused.lua" <<'LUA'
experiment { name = "fused", backend = "numpy", dtype = { "f32", "f64" }, op = "outer_sum",
             axis = { 0, 1 }, impl = { "sums", "article" }, n = { 1, 33, 257 },
             iterations = 3, samples = 3, warmup = 0 }
experiment { name = "fused64", backend = "numpy", dtype = "f64", op = "outer_sum", axis = 0,
             impl = "sums_f64", n = 64, iterations = 3, samples = 3, warmup = 0 }
LUA
FLOPBENCH_PYTHON=/usr/bin/python3 FLOPBENCH_FAULT=fused FLOPBENCH_PEERS=tests/workers TMPDIR="$tmp/tmpdir" \
    "$runner" list >"$tmp/list" 2>&1
expect "runner list shows the impls the worker serves ($(grep '^numpy' "$tmp/list"))" \
    grep -q '^numpy  *yes  *copy: copy; matvec: article,dot,matmul; outer_sum: article,outer,sums,sums_f64$' "$tmp/list"
FLOPBENCH_PYTHON=/usr/bin/python3 FLOPBENCH_FAULT=fused FLOPBENCH_PEERS=tests/workers TMPDIR="$tmp/tmpdir" \
    timeout 120 "$runner" run "$tmp/fused.lua" --out "$tmp/fused" --quiet 2>"$tmp/err"
expect "the worker's own fused impls run, checked and timed ($(head -3 "$tmp/err"))" [ $? -eq 0 ]
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
         { rows[$c["impl"]]++
           s = $c["dtype"] == "f64" ? 8 : 4; n = $c["n"]
           want = $c["impl"] == "article" ? s * (2 * n * n + 3 * n) : 3 * s * n
           if ($c["bytes"] != want || !($c["median_s"] > 0) || $c["samples"] != 3 ||
               !($c["rel_err"] >= 0 && $c["rel_err"] < 1e-5))
             { print "bad row " NR ": bytes " $c["bytes"] ", want " want ": " $0; bad = 1 } }
         END { if (rows["sums"] != 12 || rows["article"] != 12) { print "rows: " rows["sums"] " sums, " rows["article"] " article"; bad = 1 }
               exit bad }' "$tmp/fused/fused/summary.csv" >"$tmp/awk" 2>&1
expect "each point has the bytes of its impl's traffic ($(cat "$tmp/awk"))" [ $? -eq 0 ]
check "the provenance records the new impl's traffic" grep -qx 'numpy_traffic_outer_sum_sums,fused' "$tmp/fused/fused/provenance.csv"
check "and the article's" grep -qx 'numpy_traffic_outer_sum_article,materialised' "$tmp/fused/fused/provenance.csv"
check "an impl served in f64 only runs in f64" grep -q '^fused64,numpy,outer_sum,sums_f64,f64,' "$tmp/fused/fused64/summary.csv"

# The report draws it as fused from the results alone: no worker can start.
printf 'figure { file = "fused-runtime", kind = "runtime", experiment = "fused",\n  series = { { impl = "sums", dtype = "f64", axis = 0 }, { impl = "article", dtype = "f64", axis = 0 } } }\n' \
    >"$tmp/fused_report.lua"
mkdir -p "$tmp/gen"
FLOPBENCH_PYTHON=/nonexistent/python3 "$runner" report "$tmp/fused_report.lua" --out "$tmp/gen" \
    --results "$tmp/fused" --tag thishost --profile full "$tmp/fused.lua" >"$tmp/stdout" 2>"$tmp/err"
expect "the report on the worker's results runs without a worker ($(tail -2 "$tmp/err" | tr '\n' ' '))" [ $? -eq 0 ]
check "and draws the fused impl in the fused style" grep -q "title 'fused, columns (axis 0)" "$tmp/gen/fused-runtime.gp"
check "and the article in the materialised one" grep -q "title 'outer, columns (axis 0)" "$tmp/gen/fused-runtime.gp"

# What a script asks of a worker is checked against what it serves.
printf 'experiment { name = "x", backend = "numpy", dtype = "f32", op = "outer_sum", axis = 0, impl = "sums_f64", n = 8 }\n' >"$tmp/bad.lua"
FLOPBENCH_PYTHON=/usr/bin/python3 FLOPBENCH_FAULT=fused FLOPBENCH_PEERS=tests/workers \
    "$runner" run "$tmp/bad.lua" --dry-run >/dev/null 2>"$tmp/err"
expect "an impl asked in a dtype it does not serve exits 2 (got $?)" [ $? -eq 2 ]
same "and says which it serves" "$(head -1 "$tmp/err")" \
    "$tmp/bad.lua:1: experiment 'x': backend 'numpy' serves impl 'sums_f64' of op 'outer_sum' in f64 only, not in f32"
printf 'experiment { name = "x", backend = "numpy", dtype = "f32", op = "matvec", impl = "mv", n = 8 }\n' >"$tmp/bad.lua"
FLOPBENCH_PYTHON=/usr/bin/python3 "$runner" run "$tmp/bad.lua" --dry-run >/dev/null 2>"$tmp/err"
expect "an impl the worker does not serve exits 2 (got $?)" [ $? -eq 2 ]
same "and names those it serves" "$(head -1 "$tmp/err")" \
    "$tmp/bad.lua:1: experiment 'x': backend 'numpy' has no impl 'mv' for op 'matvec' (valid: article, dot, matmul)"

# Each serve line is input: a malformed one fails the hello, naming the
# backend, the worker script and the line; the backend is unavailable.
while IFS='|' read -r fault text; do
    [ -n "$fault" ] || continue
    FLOPBENCH_PYTHON=/usr/bin/python3 FLOPBENCH_FAULT=$fault FLOPBENCH_PEERS=tests/workers TMPDIR="$tmp/tmpdir" \
        timeout 60 "$runner" run "$tmp/f.lua" --out "$tmp/fo" --quiet 2>"$tmp/err"
    rc=$?
    expect "$fault: exit 3 (got $rc: $(head -1 "$tmp/err"))" [ "$rc" -eq 3 ]
    expect "$fault: the message says '$text' ($(head -1 "$tmp/err"))" grep -qF -- "$text" "$tmp/err"
    expect "$fault: nothing is written, no stray files" [ ! -e "$tmp/fo/f/summary.csv" ] && [ -z "$(ls -A "$tmp/tmpdir")" ]
done <<'CASES'
serve-unknown-op|needs backend 'numpy', unavailable here: /usr/bin/python3: the worker's hello: worker numpy (tests/workers/worker.py) sent 'serve gemm article f32,f64 materialised': unknown op 'gemm' (the runner's ops: copy, matvec, outer_sum
serve-unknown-traffic|worker numpy (tests/workers/worker.py) sent 'serve outer_sum sums f32,f64 streamed': unknown traffic 'streamed' (valid: materialised, fused)
serve-bad-name|worker numpy (tests/workers/worker.py) sent 'serve outer_sum Sums-2 f32,f64 fused': impl name 'Sums-2' is not 1 to 31 characters of a-z, 0-9 and _
serve-long-name|impl name 'ssssssssssssssssssssssssssssssss' is not 1 to 31 characters
serve-duplicate|worker numpy (tests/workers/worker.py) sent 'serve matvec dot f32,f64 materialised': impl matvec/dot is served twice
serve-no-dtype|worker numpy (tests/workers/worker.py) sent 'serve outer_sum sums  fused': DTYPES '' is not a comma list of f32 and f64
serve-unknown-dtype|sent 'serve outer_sum sums f32,f16 fused': dtype 'f16' is not one of f32, f64
serve-too-many|sent 'serve matvec m26 f32 materialised': more than 32 serve lines, the most a worker may register
serve-none|/usr/bin/python3: the worker's hello: worker numpy (tests/workers/worker.py) serves no impl: its hello has no serve line
CASES
FLOPBENCH_PYTHON=/usr/bin/python3 FLOPBENCH_FAULT=serve-unknown-traffic FLOPBENCH_PEERS=tests/workers \
    "$runner" list >"$tmp/list" 2>&1
expect "runner list says a worker that cannot start is not available, and why ($(grep '^numpy' "$tmp/list"))" \
    grep -q "^numpy  *no  *not available: /usr/bin/python3: the worker's hello: worker numpy .*unknown traffic 'streamed'" "$tmp/list"
cat >"$tmp/opt.lua" <<'LUA'
experiment { name = "opt", backend = { "numpy", "cpu" }, dtype = "f32", op = "matvec", impl = { "dot", "loop" },
             n = 8, iterations = 2, samples = 2, warmup = 0, optional = true }
LUA
FLOPBENCH_PYTHON=/usr/bin/python3 FLOPBENCH_FAULT=serve-duplicate FLOPBENCH_PEERS=tests/workers TMPDIR="$tmp/tmpdir" \
    "$runner" run "$tmp/opt.lua" --out "$tmp/opt" --quiet 2>"$tmp/err"
expect "an optional experiment skips a worker that cannot start ($(head -1 "$tmp/err"))" [ $? -eq 0 ]
check "saying why" grep -q "^opt: skipping backend 'numpy' (optional): .*impl matvec/dot is served twice" "$tmp/err"
same "and measures the rest" "$(cut -d, -f2,4 "$tmp/opt/opt/summary.csv" | tail -n +2)" "cpu,loop"

# The worker speaks one protocol and refuses another, saying so.
mkdir -p "$tmp/proto"
printf 'hello protocol=1\nquit\n' | /usr/bin/python3 -B peers/worker.py --framework numpy --device cpu \
    --dir "$tmp/proto" >"$tmp/proto.out" 2>/dev/null
same "a worker asked for protocol 1 refuses it" "$(cat "$tmp/proto.out")" \
    "error failed this worker speaks protocol 2, not '1': runner and peers/ differ"

# A script, list or report that names no worker backend starts no worker
# (the interpreter here leaves a mark when it is started).
printf '#!/bin/sh\ntouch "%s/started"\nexec /usr/bin/python3 "$@"\n' "$tmp" >"$tmp/python"
chmod +x "$tmp/python"
FLOPBENCH_PYTHON=$tmp/python "$runner" run tests/e2e/tiny.lua --out "$tmp/tiny" --quiet 2>"$tmp/err"
expect "a run of the cpu backends exits 0 ($(head -1 "$tmp/err"))" [ $? -eq 0 ]
FLOPBENCH_PYTHON=$tmp/python "$runner" run tests/e2e/tiny.lua --dry-run >/dev/null 2>&1
FLOPBENCH_PYTHON=$tmp/python "$runner" list cpu >/dev/null 2>&1
mkdir -p "$tmp/gen2"
FLOPBENCH_PYTHON=$tmp/python "$runner" report tests/catalogue/axpy_report.lua --out "$tmp/gen2" \
    --results "$tmp/tiny" --tag thishost --profile full tests/catalogue/axpy.lua >/dev/null 2>&1
expect "and neither it, --dry-run, list cpu nor a report started a worker" [ ! -e "$tmp/started" ]
FLOPBENCH_PYTHON=$tmp/python "$runner" list numpy >/dev/null 2>&1
expect "while list numpy does (the mark works)" [ -e "$tmp/started" ]

# What a framework or its libraries print on standard output is not a reply.
FLOPBENCH_PYTHON=/usr/bin/python3 FLOPBENCH_FAULT=print FLOPBENCH_PEERS=tests/workers TMPDIR="$tmp/tmpdir" \
    timeout 60 "$runner" run "$tmp/f.lua" --out "$tmp/fo" --quiet 2>"$tmp/err"
expect "a worker whose libraries print on stdout still runs ($(head -1 "$tmp/err"))" [ $? -eq 0 ]

# Ctrl-C while a worker hangs: the run stops at once (exit 130), not at the time limit.
FLOPBENCH_PYTHON=/usr/bin/python3 FLOPBENCH_WORKER_TIMEOUT=60 FLOPBENCH_FAULT=hang FLOPBENCH_PEERS=tests/workers \
    TMPDIR="$tmp/tmpdir" "$runner" run "$tmp/f.lua" --out "$tmp/fo" --quiet 2>"$tmp/err" &
pid=$!
sleep 4
start=$(date +%s)
kill -INT "$pid"
wait "$pid"
rc=$? took=$(($(date +%s) - start))
expect "SIGINT during a hung worker's batch exits 130 (got $rc)" [ "$rc" -eq 130 ]
expect "and within a few seconds, not the 60 s limit (took ${took}s)" [ "$took" -lt 15 ]
expect "and leaves no stray files" [ -z "$(ls -A "$tmp/tmpdir")" ]

# No interpreter at all.
FLOPBENCH_PYTHON=/nonexistent/python3 "$runner" list numpy >/dev/null 2>"$tmp/err"
expect "list numpy without python exits 1" [ $? -eq 1 ]
expect "and says why ($(cat "$tmp/err"))" grep -q "^numpy: unavailable: /nonexistent/python3: .*cannot run /nonexistent/python3: No such file or directory" "$tmp/err"

# A hung worker is stopped within the time limit plus a little.
start=$(date +%s)
FLOPBENCH_PYTHON=/usr/bin/python3 FLOPBENCH_WORKER_TIMEOUT=1 FLOPBENCH_FAULT=hang FLOPBENCH_PEERS=tests/workers \
    TMPDIR="$tmp/tmpdir" timeout 60 "$runner" run "$tmp/f.lua" --out "$tmp/fo" --quiet 2>/dev/null
took=$(($(date +%s) - start))
expect "four hung points take about 4 s, not forever (took ${took}s)" [ "$took" -lt 30 ]

test_end
