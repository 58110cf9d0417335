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
expect "the worker's facts reach the provenance" grep -q '^torch_framework_version,' "$tmp/out/frameworks/provenance.csv"
expect "the interpreter is recorded" grep -q '^numpy_python,' "$tmp/out/frameworks/provenance.csv"
expect "the workers' folders are removed at exit" [ -z "$(ls -A "$tmp/tmpdir")" ]

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
