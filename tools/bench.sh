#!/bin/sh
# bench.sh cpu|gpu|frameworks: a quick benchmark of this host, run by `make bench`
# (cpu) and `make bench-gpu` (gpu). Runs experiments/bench_<case>.lua into
# $BUILD/bench and prints one table: each point's median time per call, its
# GB/s, and that as a share of the copy's GB/s (same backend, dtype and n);
# then how much faster the fused outer_sum is than each materialised one.
set -eu
export LC_ALL=C
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$BUILD/bench

usage() {
    echo "usage: tools/bench.sh cpu|gpu|frameworks" >&2
    exit 2
}

# measure NAME: runs experiments/bench_NAME.lua; its results land in $OUT.
measure() {
    "$BUILD/runner" run "experiments/bench_$1.lua" --out "$OUT" --quiet
}

# host PROVENANCE.csv: one line naming where the numbers were measured.
host() {
    [ -f "$1" ] || return 0
    awk -F, '
    NR > 1 && !($1 in v) { x = substr($0, length($1) + 2); gsub(/^"|"$/, "", x); v[$1] = x }
    END {
        line = "measured on " v["host"]
        n = split("cpu_model cpu_cores gpu_name driver_version cuda_runtime_version openblas_version openblas_threads date_utc", keys, " ")
        for (i = 1; i <= n; i++)
            if (v[keys[i]] != "") line = line ", " keys[i] " " v[keys[i]]
        print line
    }' "$1"
}

# table SPEEDUP_N SUMMARY.csv...: prints the table of the summaries; the
# fused speed-ups are those at n = SPEEDUP_N. Columns are found by header name.
table() {
    speedup_n=$1
    shift
    awk -F, -v speedup_n="$speedup_n" '
    FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
        b = $col["backend"]; op = $col["op"]; impl = $col["impl"]; dt = $col["dtype"]
        ax = $col["axis"]; n = $col["n"]; t = $col["median_s"]; gb = $col["gbps"]
        rows++
        R_b[rows] = b; R_op[rows] = op; R_impl[rows] = impl; R_dt[rows] = dt
        R_ax[rows] = ax; R_n[rows] = n; R_t[rows] = t; R_gb[rows] = gb
        if (!((op, impl) in order)) order[op, impl] = ++orders
        if (op == "copy" && gb > copy[b, dt, n]) copy[b, dt, n] = gb
        if (op == "outer_sum" && n == speedup_n) {
            if (impl ~ /fused/) {
                fused[b, dt, ax, impl] = t
                if (!((b, dt, ax) in fuseds)) fuseds[b, dt, ax] = ""
                fuseds[b, dt, ax] = fuseds[b, dt, ax] " " impl
            } else { mat[b, dt, ax, impl] = t; mats[b, dt, ax] = mats[b, dt, ax] " " impl }
        }
    }
    function opkey(op) { return op == "copy" ? 0 : op == "matvec" ? 1 : 2 }
    END {
        for (r = 1; r <= rows; r++) {
            c = copy[R_b[r], R_dt[r], R_n[r]]
            share = c > 0 ? sprintf("%.2f", R_gb[r] / c) : "-"
            printf "%s\t%s\t%09d\t%d\t%03d\t%s\t%-9s %-5s %6d  %-10s %-13s %-4s %12.4f %9.2f %7s\n",
                R_b[r], R_dt[r], R_n[r], opkey(R_op[r]), order[R_op[r], R_impl[r]], R_ax[r],
                R_b[r], R_dt[r], R_n[r], R_op[r], R_impl[r], R_ax[r] == "" ? "-" : R_ax[r],
                R_t[r] * 1e3, R_gb[r], share
        }
        for (k in fuseds) {
            split(k, p, SUBSEP)
            f = split(fuseds[k], fnames, " ")
            m = split(mats[k], names, " ")
            for (j = 1; j <= f; j++)
                for (i = 1; i <= m; i++)
                    printf "~speedup\t%s\t%s\t%s\t%s outer_sum vs %s: %.1fx faster (%s %s n = %d axis %s)\n",
                        p[1], p[2], p[3], fnames[j], names[i], mat[k, names[i]] / fused[k, fnames[j]],
                        p[1], p[2], speedup_n, p[3]
        }
    }' "$@" | sort -t "$(printf '\t')" -k1,1 -k2,2 -k3,3 -k4,4 -k5,5 -k6,6 | awk -F '\t' '
    BEGIN { printf "%-9s %-5s %6s  %-10s %-13s %-4s %12s %9s %7s\n",
                   "backend", "dtype", "n", "op", "impl", "axis", "median_ms", "GB/s", "of_copy" }
    $1 == "~speedup" { if (!said++) print ""; print $5; next }
    { print $7 }
    END {
        print ""
        print "median_ms: median time per call; GB/s: the fewest bytes a call must move over that time"
        print "(materialised outer_sum: the n x n product written once and read once; fused: the vectors);"
        print "of_copy: GB/s over the copy'"'"'s GB/s at the same backend, dtype and n (the best copy"
        print "impl where there are several)."
    }'
}

# frameworks_table SUMMARY.csv...: each point's time per call and its share
# of the copy ceiling: the best copy's GB/s at the same dtype and n, over
# every backend of the run.
frameworks_table() {
    awk -F, '
    FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
        rows++
        for (k in col) V[rows, k] = $col[k]
        key = $col["dtype"] SUBSEP $col["n"]
        if ($col["op"] == "copy" && $col["gbps"] > ceil[key]) ceil[key] = $col["gbps"]
    }
    END {
        printf "%-10s %-5s %6s  %-10s %-13s %-4s %12s %9s %8s\n", "backend", "dtype", "n", "op",
               "impl", "axis", "per_call_us", "GB/s", "of_copy"
        for (r = 1; r <= rows; r++) {
            c = ceil[V[r, "dtype"], V[r, "n"]]
            printf "%-10s %-5s %6d  %-10s %-13s %-4s %12.2f %9.1f %8s\n", V[r, "backend"], V[r, "dtype"],
                   V[r, "n"], V[r, "op"], V[r, "impl"], V[r, "axis"] == "" ? "-" : V[r, "axis"],
                   V[r, "median_s"] * 1e6, V[r, "gbps"], (c > 0 ? sprintf("%.2f", V[r, "gbps"] / c) : "-")
        }
    }' "$@"
}

# bare_compare BARE.csv SUMMARY.csv...: the runner'"'"'s torch-cuda article
# medians against the same calls in a bare Python loop (peers/bare_article.py).
bare_compare() {
    awk -F, '
    FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; file++; next }
    file == 1 { bare[$col["op"], $col["dtype"], $col["n"]] = $col["median_s"]; next }
    $col["backend"] == "torch-cuda" && ($col["op"] == "matvec" || $col["axis"] == "0") {
        k = $col["op"] SUBSEP $col["dtype"] SUBSEP $col["n"]
        if (k in bare)
            printf "torch-cuda %-10s %-4s n = %5d: runner %10.2f us, bare loop %10.2f us, runner/bare %.4f\n",
                   $col["op"], $col["dtype"], $col["n"], $col["median_s"] * 1e6, bare[k] * 1e6,
                   $col["median_s"] / bare[k]
    }' "$@"
}

case "${1:-}" in
frameworks)
    # The bare loop before and after the runner: a drift of the host shows
    # as a difference between the two.
    mkdir -p "$OUT"
    "${PYTHON:-python3}" peers/bare_article.py >"$OUT/bare_article-before.csv"
    measure frameworks
    "${PYTHON:-python3}" peers/bare_article.py >"$OUT/bare_article-after.csv"
    host "$OUT/bench-frameworks-20000/provenance.csv"
    frameworks_table "$OUT"/bench-libraries-1000/summary.csv "$OUT"/bench-frameworks-1000/summary.csv \
        "$OUT"/bench-libraries-20000/summary.csv "$OUT"/bench-frameworks-20000/summary.csv
    echo
    echo "The protocol adds nothing to a batch: the same calls, the same batches, in a bare loop"
    for when in before after; do
        echo "bare loop run $when the runner:"
        bare_compare "$OUT/bare_article-$when.csv" "$OUT"/bench-frameworks-1000/summary.csv \
            "$OUT"/bench-frameworks-20000/summary.csv
    done
    ;;
cpu)
    measure cpu
    host "$OUT/bench-cpu/provenance.csv"
    table 8000 "$OUT/bench-cpu/summary.csv"
    ;;
gpu)
    # n = 1000 (1000 calls a sample) and n = 20000 (200): see bench_gpu.lua.
    measure gpu
    host "$OUT/bench-gpu-large/provenance.csv"
    table 20000 "$OUT/bench-gpu-small/summary.csv" "$OUT/bench-gpu-large/summary.csv"
    echo
    echo "n = 1000 again, each batch of 1000 calls one CUDA graph (after an L2 flush):"
    table 0 "$OUT/bench-gpu-graph/summary.csv"
    ;;
*) usage ;;
esac
