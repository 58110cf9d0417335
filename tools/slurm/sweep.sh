#!/bin/sh
# sweep.sh [options] PARTITION... -- SCRIPT.lua...: submits the scripts'
# sweep to each partition as a job array of N shards (shard.sbatch) and a
# merge job after it (merge.sbatch, --dependency=afterok), results in
# OUT/<partition>/. Prints one line a partition on stdout:
#     PARTITION ARRAY_JOB_ID MERGE_JOB_ID OUT/PARTITION
# and with --wait waits for the merges, exiting 0 only if every one
# completed (else naming the shards that did not).
set -eu
usage() {
    cat >&2 <<'USAGE'
usage: tools/slurm/sweep.sh [options] PARTITION... -- SCRIPT.lua...
  --shards N        shards a partition, one array task each (default 4)
  --only K          submit only shard K (a rerun) and the merge after it
  --out ROOT        results go to ROOT/<partition>/ (default results)
  --profile NAME    the scripts' profile (default full)
  --logs DIR        the jobs' output files (default build/slurm)
  --runner PATH     the runner the jobs run (default build/runner)
  --costs DIR       balance the shards by a prior run's times in DIR/<experiment>/ (runner run --costs)
  --shared          do not ask for whole nodes (default: --exclusive, as timing needs)
  --sbatch-arg ARG  one more sbatch option for the shards, e.g. --gres=gpu:1 (repeatable)
  --wait            wait for the merges; exit 0 only if all completed
USAGE
    exit 2
}
die() { echo "sweep.sh: $*" >&2; exit 2; }

shards=4 only= root=results profile=full logs=build/slurm runner=build/runner
exclusive=--exclusive wait=0 extra= partitions= costs=
while [ $# -gt 0 ]; do
    case $1 in
    --shards) [ $# -ge 2 ] || usage; shards=$2; shift 2 ;;
    --only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; root=$2; shift 2 ;;
    --profile) [ $# -ge 2 ] || usage; profile=$2; shift 2 ;;
    --logs) [ $# -ge 2 ] || usage; logs=$2; shift 2 ;;
    --runner) [ $# -ge 2 ] || usage; runner=$2; shift 2 ;;
    --costs) [ $# -ge 2 ] || usage; costs=$2; shift 2 ;;
    --shared) exclusive=; shift ;;
    --sbatch-arg) [ $# -ge 2 ] || usage; extra="$extra $2"; shift 2 ;;
    --wait) wait=1; shift ;;
    --) shift; break ;;
    -*) usage ;;
    *) partitions="$partitions $1"; shift ;;
    esac
done
[ -n "$partitions" ] && [ $# -gt 0 ] || usage
case $shards in '' | *[!0-9]* | 0*) die "--shards needs a positive number, got '$shards'" ;; esac
array=0-$((shards - 1))
if [ -n "$only" ]; then
    case $only in '' | *[!0-9]* | 0*) die "--only needs a shard number 1..$shards, got '$only'" ;; esac
    [ "$only" -le "$shards" ] || die "--only needs a shard number 1..$shards, got '$only'"
    array=$((only - 1))
fi
for p in $partitions; do
    case $p in *[!A-Za-z0-9._-]* | .*) die "partition '$p': expected letters, digits, '.', '_', '-'" ;; esac
done
case $costs in *,*) die "--costs: a folder without commas, please (sbatch --export splits at them)" ;; esac
[ -z "$costs" ] || [ -d "$costs" ] || die "--costs $costs: not a folder"
command -v sbatch >/dev/null || die "sbatch not found: this needs a Slurm cluster's client commands"
[ -x "$runner" ] || die "$runner is not an executable runner: build it with make (or pass --runner)"
# The jobs start here; the scripts are checked before anything is submitted.
here=$(pwd)
case $runner in /*) ;; *) runner=$here/$runner ;; esac
"$runner" run "$@" --profile "$profile" --dry-run >/dev/null || die "the scripts do not load (see above)"
mkdir -p "$logs"

jobs=
for p in $partitions; do
    out=$root/$p
    # shellcheck disable=SC2086 # $exclusive and $extra are lists of options
    a=$(sbatch --parsable --partition="$p" --array="$array" --chdir="$here" $exclusive $extra \
        --output="$logs/%x-$p-%A_%a.out" --export="ALL,FLOPBENCH_SHARDS=$shards,FLOPBENCH_RUNNER=$runner,FLOPBENCH_COSTS=$costs" \
        "$here/tools/slurm/shard.sbatch" "$@" --out "$out" --profile "$profile")
    a=${a%%;*}
    m=$(sbatch --parsable --partition="$p" --dependency="afterok:$a" --kill-on-invalid-dep=yes \
        --chdir="$here" --output="$logs/%x-$p-%j.out" --export="ALL,FLOPBENCH_RUNNER=$runner" \
        "$here/tools/slurm/merge.sbatch" "$out" "$profile" "$@")
    m=${m%%;*}
    echo "$p $a $m $out"
    jobs="$jobs $p:$a:$m"
done
[ "$wait" -eq 1 ] || exit 0

# The state of job $1 (COMPLETED, FAILED, ...), or "" once Slurm forgot it.
state() { scontrol -o show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
status=0
for j in $jobs; do
    p=${j%%:*} rest=${j#*:}
    a=${rest%%:*} m=${rest#*:}
    while :; do
        s=$(state "$m")
        case $s in PENDING | RUNNING | CONFIGURING | COMPLETING | REQUEUED | RESIZING | SUSPENDED) sleep 2 ;; *) break ;; esac
    done
    if [ "$s" = COMPLETED ]; then
        echo "sweep.sh: $p: merged into $root/$p/ (job $m)" >&2
        continue
    fi
    status=1
    echo "sweep.sh: $p: the merge (job $m) ended ${s:-unknown}; the shards of job $a:" >&2
    scontrol -o show job "$a" 2>/dev/null | while read -r line; do
        t=$(echo "$line" | sed -n 's/.*ArrayTaskId=\([0-9]*\) .*/\1/p')
        st=$(echo "$line" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
        ex=$(echo "$line" | sed -n 's/.*ExitCode=\([0-9:]*\).*/\1/p')
        [ -n "$t" ] && echo "  shard $((t + 1))/$shards (task $t): $st, exit $ex" >&2
    done
    echo "  logs in $logs/; rerun a shard with --only K, or merge by hand: $runner merge $root/$p/<experiment>" >&2
done
exit $status
