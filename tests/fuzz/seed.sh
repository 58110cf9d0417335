#!/bin/sh
# seed.sh: remakes the seed corpora of the fuzz targets in tests/fuzz/corpus/
# from the project's own inputs: the language's cases and good scripts and
# the experiments (script/), and the recorded results' smallest sets, each
# as fuzz_results reads it: the name, then summary.csv, samples.csv and
# provenance.csv after lines "--8<--" (results/). Run it when those change.
set -eu
cd "$(dirname "$0")/../.."
out=tests/fuzz/corpus
rm -rf "$out/script" "$out/results"
mkdir -p "$out/script" "$out/results"
for f in tests/lang/cases/*.lua tests/lang/good/*.lua experiments/*.lua tests/fault/quick.lua; do
    cp "$f" "$out/script/$(basename "$(dirname "$f")")_$(basename "$f" .lua)"
done
for d in results/*/*/; do
    [ -f "$d/summary.csv" ] && [ -f "$d/samples.csv" ] && [ -f "$d/provenance.csv" ] || continue
    echo "$(cat "$d/summary.csv" "$d/samples.csv" "$d/provenance.csv" | wc -c) $d"
done | sort -n | head -n 8 | while read -r _ d; do
    name=$(basename "$d")
    { printf '%s\n--8<--\n' "$name"; cat "$d/summary.csv"; printf '\n--8<--\n'; cat "$d/samples.csv"
      printf '\n--8<--\n'; cat "$d/provenance.csv"; } >"$out/results/$(basename "$(dirname "$d")")_$name"
done
