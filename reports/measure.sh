#!/bin/sh
# measure.sh RUNNER SCRIPT PROFILE DIR: measures SCRIPT's experiments into
# DIR/<experiment>/ unless DIR already holds results of this very script
# text (its provenance.csv records the script's SHA-256). make calls it once
# a script is newer than its stamp, so a fresh checkout with recorded
# results, or a script only touched, measures nothing.
set -eu
runner=$1 script=$2 profile=$3 dir=$4

sha=$(sha256sum "$script" | cut -d' ' -f1)
name=$(basename "$script")
found=0 stale=0
for prov in "$dir"/*/provenance.csv; do
    [ -f "$prov" ] || continue
    # The key,value rows this test needs never hold commas or quotes.
    path=$(sed -n 's/^script_path,//p' "$prov")
    [ "$(basename "${path:-none}")" = "$name" ] || continue
    found=1
    grep -qx "script_sha256,$sha" "$prov" || stale=1
    [ -f "$(dirname "$prov")/summary.csv" ] || stale=1
done
if [ "$found" = 1 ] && [ "$stale" = 0 ]; then
    echo "  (results of $script in $dir are current)"
    exit 0
fi

# A script none of whose backends can run here (a GPU script on a machine
# without a GPU) is not run: the report reads recorded results instead.
backends=$("$runner" run "$script" --profile "$profile" --dry-run | awk '{ print $2 }' | sort -u)
missing=
for b in $backends; do
    if "$runner" list "$b" >/dev/null 2>&1; then missing=; break; fi
    missing="$missing $b"
done
if [ -n "$missing" ]; then
    echo "  (skipped: no$missing on this host (runner list says why); recorded results are read)"
    exit 0
fi
exec "$runner" run "$script" --profile "$profile" --out "$dir" --quiet
