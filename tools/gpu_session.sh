#!/bin/bash
# gpu_session.sh [STEP...]: the check-and-measure sequence on a GPU host, in
# one call. build/ is built elsewhere (`make all unit`) and carried here: this
# host needs no Lua, libcsv or compiler, only the NVIDIA driver, cuBLAS 13
# and libopenblas.so.0. Nothing is rebuilt.
#
# Steps (default: info test bench experiments):
#   info         host, nvidia-smi, the libraries build/runner loads, `runner list`
#   test         build/tests/test_kernels: every backend, impl, dtype and axis
#                checked against the float64 reference (GPU: n = 1 ... 4097)
#   bench        tools/bench.sh gpu (`make bench-gpu` without the make)
#   frameworks   tools/bench.sh frameworks: CuPy and PyTorch beside cuBLAS and
#                our kernels, and PyTorch's calls in a bare Python loop
#   experiments  build/runner run EXPERIMENTS --out results/<host tag>
#   sanitize     compute-sanitizer memcheck over test_kernels (not by default)
# Each step's exit code and time are shown; a failed step does not stop the
# next. Logs and tarballs of the results go to $OUT (default ./gpu-session):
# at most 8 files, as the device tool brings back.
#
# Environment: PROFILE (the scripts' `profile`: full, quick or tiny; default
# full), EXPERIMENTS (default: the fig*_gpu_*.lua scripts), LIMIT (seconds the
# whole session may take, default 570: the device tool stops a command at
# 600), FLOPBENCH_HOST (the results folder's name; default the host name),
# ONLY (runner run's --only: experiments of the one script in EXPERIMENTS).
set -u
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 2

OUT=${OUT:-$PWD/gpu-session}
PROFILE=${PROFILE:-full}
EXPERIMENTS=${EXPERIMENTS:-$(ls experiments/fig*_gpu_*.lua 2>/dev/null | tr '\n' ' ')}
LIMIT=${LIMIT:-570}
STEPS=${*:-info test bench experiments}
START=$(date +%s)
mkdir -p "$OUT"
LOG=$OUT/session.log
SUMMARY=""

# note TEXT: a line to the terminal and the session log.
note() { echo "$*" | tee -a "$LOG"; }

# left: seconds left before LIMIT.
left() { echo $((LIMIT - ($(date +%s) - START))); }

# step NAME LOGFILE CMD...: runs CMD with what time is left, its output to the
# terminal, the session log and LOGFILE; records its exit code.
step() {
    local name=$1 log=$2 t0 rc budget
    shift 2
    budget=$(left)
    if [ "$budget" -lt 20 ]; then
        note "== $name: skipped, ${budget}s left of LIMIT=$LIMIT"
        SUMMARY="$SUMMARY$(printf '%-12s %s' "$name" "skipped (no time left)")\n"
        return
    fi
    note "== $name: $* (at most ${budget}s)"
    t0=$(date +%s)
    if [ "$(type -t "$1")" = function ]; then
        "$@" 2>&1 | tee -a "$LOG" "$log"
    else
        timeout -k 10 "$budget" "$@" 2>&1 | tee -a "$LOG" "$log"
    fi
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 124 ] && note "== $name: stopped at the time limit"
    note "== $name: exit $rc after $(($(date +%s) - t0))s"
    SUMMARY="$SUMMARY$(printf '%-12s exit %-3s %5ss' "$name" "$rc" "$(($(date +%s) - t0))")\n"
}

# find_cublas: if build/runner cannot find libcublas.so.13, looks for it in
# the CUDA installs and the Python wheels (PyTorch, CuPy) and exports
# LD_LIBRARY_PATH.
find_cublas() {
    ldd build/runner 2>/dev/null | grep -q 'libcublas.*not found' || return 0
    local d
    for d in /usr/local/cuda*/lib64 /usr/local/cuda*/targets/x86_64-linux/lib \
             /usr/lib/x86_64-linux-gnu $(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null); do
        [ -d "$d" ] || continue
        local f
        f=$(find "$d" -maxdepth 5 -name 'libcublas.so.13*' 2>/dev/null | head -1)
        if [ -n "$f" ]; then
            export LD_LIBRARY_PATH="$(dirname "$f")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
            note "libcublas.so.13 from $(dirname "$f")"
            ldd build/runner | grep -q 'not found' || return 0
        fi
    done
    note "libcublas.so.13 not found: the cublas and cuda backends will not load"
}

info() {
    echo "host: $(hostname), $(uname -srm), $(nproc) cores"
    grep -m1 'model name' /proc/cpuinfo
    grep MemAvailable /proc/meminfo
    nvidia-smi
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.draw,power.limit,temperature.gpu,ecc.mode.current --format=csv
    echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
    ldd build/runner | grep -E 'cublas|openblas|cudart|not found'
    build/runner --version
    build/runner list
}

# pack: tarballs of results/<host tag> and of the benchmark's CSVs into $OUT.
pack() {
    local tag
    tag=$(build/runner host-tag 2>/dev/null || echo unknown)
    if [ -d "results/$tag" ]; then
        tar czf "$OUT/results-$tag.tar.gz" "results/$tag" && note "results: $OUT/results-$tag.tar.gz (results/$tag)"
    fi
    if [ -d build/bench ]; then
        tar czf "$OUT/bench.tar.gz" build/bench && note "bench CSVs: $OUT/bench.tar.gz (build/bench)"
    fi
}

if [ ! -x build/runner ]; then
    note "build/runner is missing: build it elsewhere with 'make all unit' and carry build/"
    exit 2
fi
find_cublas
# The framework workers take their inputs through files, alive while the
# points of one N are measured: in memory where /dev/shm has room for
# frameworks-gpu's at N = 20000 (about 38 GB), else on disk.
if [ -z "${TMPDIR:-}" ] && [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 40000000 ] 2>/dev/null; then
    export TMPDIR=/dev/shm
fi
note "framework workers' files in ${TMPDIR:-/tmp}; python3: $(command -v python3)"
note "gpu_session: steps '$STEPS', PROFILE=$PROFILE, LIMIT=${LIMIT}s, OUT=$OUT"
for s in $STEPS; do
    case $s in
    info) step info "$OUT/info.log" info ;;
    test)
        if [ -x build/tests/test_kernels ]; then
            step test "$OUT/test_kernels.log" build/tests/test_kernels
        else
            note "== test: build/tests/test_kernels is missing (make unit)"
            SUMMARY="${SUMMARY}test         missing\n"
        fi
        ;;
    bench) step bench "$OUT/bench.log" env BUILD=build tools/bench.sh gpu ;;
    frameworks) step frameworks "$OUT/frameworks.log" env BUILD=build tools/bench.sh frameworks ;;
    experiments)
        tag=$(build/runner host-tag)
        for e in $EXPERIMENTS; do
            step "$(basename "$e" .lua)" "$OUT/experiments.log" \
                build/runner run "$e" --out "results/$tag" --profile "$PROFILE" ${ONLY:+--only "$ONLY"}
        done
        ;;
    sanitize)
        step sanitize "$OUT/sanitize.log" compute-sanitizer --tool memcheck --error-exitcode 9 \
            build/tests/test_kernels
        ;;
    *) note "unknown step '$s' (info, test, bench, frameworks, experiments, sanitize)" ;;
    esac
done
pack
nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader 2>/dev/null |
    sed 's/^/gpu at the end: /' | tee -a "$LOG"
# The last lines are what a caller sees first: the bench table, the tests'
# result, then each step's exit code.
echo
if [ -f "$OUT/bench.log" ]; then
    echo "== bench (per call; of_copy against the best copy of the same backend, dtype, n)"
    grep -E '^(backend|cublas|cuda) |x faster|CUDA graph' "$OUT/bench.log"
fi
[ -f "$OUT/frameworks.log" ] && grep -E '^(backend|cupy|torch|cublas|cuda) |runner/bare' "$OUT/frameworks.log"
grep -E '^(RESULT|FAIL)' "$OUT/test_kernels.log" 2>/dev/null | tail -12
note "== summary ($(($(date +%s) - START))s)"
printf '%b' "$SUMMARY" | tee -a "$LOG"
exit 0
