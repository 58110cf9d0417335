#!/bin/sh
# measure.sh RUNNER SCRIPT PROFILE DIR: measures SCRIPT's experiments into
# DIR/<experiment>/ unless DIR already holds their results as the script
# declares them now (`runner report --current` compares the declarations
# recorded in provenance.csv). make calls it once a script is newer than its
# stamp: a fresh checkout with recorded results, or a script whose claims or
# comments changed, measures nothing.
set -eu
runner=$1 script=$2 profile=$3 dir=$4

if "$runner" report --current "$script" --profile "$profile" --results "$dir" 2>/dev/null; then
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
