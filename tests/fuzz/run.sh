#!/bin/sh
# run.sh BUILD: the fuzz targets of BUILD/fuzz/ (make fuzz). Each first runs
# every regression case in tests/fuzz/crashes/<target>/ (inputs that once
# crashed it: each must now pass), then fuzzes for FUZZ_SECONDS (default 30)
# from its seed corpus, tests/fuzz/corpus/<target>/, growing a scratch copy
# of it. A crash found is copied into tests/fuzz/crashes/<target>/, to be
# fixed and committed as a regression case, and fails the run.
build=${1:-build-fuzz}
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
test_begin fuzz
seconds=${FUZZ_SECONDS:-30}
export ASAN_OPTIONS=detect_leaks=1:protect_shadow_gap=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for target in script results journal; do
    bin=$build/fuzz/fuzz_$target
    if [ ! -x "$bin" ]; then
        bad "no $bin (make fuzz builds it)"; continue
    fi
    cases=$(find "tests/fuzz/crashes/$target" -type f ! -name README 2>/dev/null)
    for c in $cases; do
        if "$bin" "$c" >"$tmp/log" 2>&1; then ok; else
            bad "$target: regression case $c:"; tail -20 "$tmp/log"; fi
    done
    mkdir -p "$tmp/corpus-$target" "$tmp/artifacts-$target"
    "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -close_fd_mask=1 -artifact_prefix="$tmp/artifacts-$target/" \
        "$tmp/corpus-$target" "tests/fuzz/corpus/$target" >"$tmp/log" 2>&1
    status=$?
    found=$(ls "$tmp/artifacts-$target")
    if [ "$status" -eq 0 ] && [ -z "$found" ]; then
        ok
        echo "fuzz $target: $(grep -o "Done [0-9]* runs" "$tmp/log" | tail -n 1) in ${seconds} s, no crash"
    else
        bad "$target: exited $status"
        grep -E 'ERROR|SUMMARY|fuzz_[a-z]*:' "$tmp/log" | head -20
        for a in $found; do
            mkdir -p "tests/fuzz/crashes/$target"
            cp "$tmp/artifacts-$target/$a" "tests/fuzz/crashes/$target/$a"
            echo "FAIL fuzz: $target: kept as tests/fuzz/crashes/$target/$a (fix it, then commit it)"
        done
    fi
done
test_end
