#!/bin/sh
# slurm.sh RUNNER: tools/slurm/ on a real one-node Slurm cluster from
# Debian's packages: a private munged, slurmctld and slurmd (their own
# key, config, ports and folders), two partitions, the sweep of
# tests/e2e/shards.lua as a 3-task array with its merge after it, the
# merged points against one process's, a failed shard named and rerun
# alone. The daemons are stopped by their PIDs. Skips, saying why, where it
# cannot start them (not root, no packages, no cluster coming up).
runner=$1
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
test_begin slurm

[ "$(id -u)" -eq 0 ] || test_skip "not root: slurmd and munged need root (tools/deps.sh installs slurm-wlm and munge as root)"
for c in munged munge slurmctld slurmd sbatch scontrol sinfo; do
    command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] ||
        test_skip "no $c: install Debian's slurm-wlm and munge (tools/deps.sh all, as root)"
done
PATH=$PATH:/usr/sbin

mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log"
pids=
stop() { # the daemons, by the PIDs this test started them with
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
    pids=
}
trap 'stop; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# munge: its own key and socket.
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$tmp/munge.key"
munged -F -f --socket="$tmp/munge.sock" --key-file="$tmp/munge.key" --pid-file="$tmp/munged.pid" \
    --seed-file="$tmp/munged.seed" --log-file="$tmp/log/munged.log" >"$tmp/log/munged.out" 2>&1 &
pids="$pids $!"
i=0; while [ ! -S "$tmp/munge.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
munge --socket="$tmp/munge.sock" -n </dev/null >/dev/null 2>&1 ||
    { cat "$tmp/log/munged.out"; stop; test_skip "munged did not start (its log is above)"; }

# Slurm: one node (this host, its CPUs), two partitions, ports of our own.
host=$(hostname -s)
port=$((20000 + $$ % 20000))
cat >"$tmp/slurm.conf" <<EOF
ClusterName=flopbench-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.sock
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=alpha Nodes=$host Default=YES MaxTime=INFINITE State=UP
PartitionName=beta Nodes=$host MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -D -c -f "$SLURM_CONF" >"$tmp/log/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -N "$host" -f "$SLURM_CONF" >"$tmp/log/slurmd.out" 2>&1 &
pids="$pids $!"
i=0
until [ "$(sinfo -h -p alpha -o %t 2>/dev/null)" = idle ] || [ $i -ge 60 ]; do sleep 0.5; i=$((i + 1)); done
if [ "$(sinfo -h -p alpha -o %t 2>/dev/null)" != idle ]; then
    tail -n 5 "$tmp/log/slurmctld.out" "$tmp/log/slurmd.out"
    stop
    test_skip "the one-node cluster did not come up in 30 s (the daemons' last lines are above)"
fi
ok

# The points of a summary.csv: key columns (experiment .. flush_l2) and seed.
points() { cut -d, -f1-11,28 "$1" | tail -n +2; }
script=tests/e2e/shards.lua
one="$tmp/one" out="$tmp/results" logs="$tmp/jobs"
"$runner" run $script --out "$one" --quiet
expect "the single-process run exits 0" [ $? -eq 0 ]

# A 3-task array and its merge on each of two partitions; wait for them.
tools/slurm/sweep.sh --shards 3 --out "$out" --logs "$logs" --runner "$runner" --wait \
    alpha beta -- $script >"$tmp/ids" 2>"$tmp/err"
expect "the sweep on two partitions completes (exit 0)" [ $? -eq 0 ]
cat "$tmp/err"
expect "it prints one line a partition: partition, array job, merge job, folder" \
    [ "$(awk 'NF == 4 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/' "$tmp/ids" | cut -d' ' -f1,4 | tr '\n' ' ')" = \
      "alpha $out/alpha beta $out/beta " ]
a=$(awk '$1 == "alpha" { print $2 }' "$tmp/ids")
m=$(awk '$1 == "alpha" { print $3 }' "$tmp/ids")
expect "the array job has 3 tasks, all completed" \
    [ "$(scontrol -o show job "$a" | grep -c 'JobState=COMPLETED')" -eq 3 ]
# afterok: the merge started after the last shard ended (ISO times sort as text).
last_end=$(scontrol -o show job "$a" | sed -n 's/.* EndTime=\([^ ]*\) .*/\1/p' | sort | tail -n 1)
merge_start=$(scontrol -o show job "$m" | sed -n 's/.* StartTime=\([^ ]*\) .*/\1/p')
expect "the merge job started after the shards ended ($merge_start >= $last_end)" \
    [ -n "$last_end" ] && [ ! "$merge_start" \< "$last_end" ]
for p in alpha beta; do
    for e in shards-a shards-b; do
        points "$one/$e/summary.csv" >"$tmp/p_one"
        points "$out/$p/$e/summary.csv" >"$tmp/p_merged" 2>/dev/null
        expect "$p/$e: the merged points are the single run's" cmp -s "$tmp/p_one" "$tmp/p_merged"
        expect "$p/$e: three shards were merged" grep -qx "merged_shards,3" "$out/$p/$e/provenance.csv"
        expect "$p/$e: each shard's host is recorded" \
            [ "$(grep -c "^shard_[123]_host,$(hostname)\$" "$out/$p/$e/provenance.csv")" -eq 3 ]
    done
done
"$runner" report --current $script --profile full --results "$out/alpha" 2>"$tmp/err"
expect "report --current takes the merged results" [ $? -eq 0 ]

# A shard that fails: the merge is cancelled, the sweep names the shard;
# rerun alone (--only), the merge completes.
cat >"$tmp/flaky" <<EOF
#!/bin/sh
# fails shard 2/3 while $tmp/fail exists
case "\$*" in *"--shard 2/3"*) [ ! -e "$tmp/fail" ] || { echo "flaky: shard 2/3 fails" >&2; exit 4; } ;; esac
exec "$(pwd)/$runner" "\$@"
EOF
chmod +x "$tmp/flaky"
touch "$tmp/fail"
tools/slurm/sweep.sh --shards 3 --out "$tmp/flaky-results" --logs "$logs" --runner "$tmp/flaky" --wait \
    alpha -- $script >/dev/null 2>"$tmp/err"
expect "a failed shard fails the sweep (exit 1)" [ $? -eq 1 ]
expect "the sweep says the merge did not run" grep -q "^sweep.sh: alpha: the merge (job [0-9]*) ended CANCELLED" "$tmp/err"
expect "and names the failed shard" grep -q "^  shard 2/3 (task 1): FAILED, exit 4:0" "$tmp/err"
cat "$tmp/err"
"$runner" merge "$tmp/flaky-results/alpha/shards-a" 2>"$tmp/err"
expect "runner merge names the missing shard (exit 4)" [ $? -eq 4 ]
expect "by its folder" grep -q "shard-2-of-3: shard 2/3 is missing" "$tmp/err"
rm "$tmp/fail"
tools/slurm/sweep.sh --shards 3 --only 2 --out "$tmp/flaky-results" --logs "$logs" --runner "$tmp/flaky" \
    --wait alpha -- $script >"$tmp/ids" 2>"$tmp/err"
expect "the failed shard reruns alone and the merge completes" [ $? -eq 0 ]
cat "$tmp/err"
for e in shards-a shards-b; do
    points "$out/alpha/$e/summary.csv" >"$tmp/p_one"
    points "$tmp/flaky-results/alpha/$e/summary.csv" >"$tmp/p_merged" 2>/dev/null
    expect "$e: after the rerun, the merged points are the sweep's" cmp -s "$tmp/p_one" "$tmp/p_merged"
done

"$runner" run $script --dry-run >/dev/null
tools/slurm/sweep.sh --shards 0 alpha -- $script 2>/dev/null; expect "--shards 0 is refused (exit 2)" [ $? -eq 2 ]
tools/slurm/sweep.sh alpha 2>/dev/null; expect "no script is refused (exit 2)" [ $? -eq 2 ]
tools/slurm/sweep.sh 'a;b' -- $script 2>/dev/null; expect "a bad partition name is refused (exit 2)" [ $? -eq 2 ]

daemons=$pids
stop
for p in $daemons; do
    expect "daemon $p is stopped" sh -c "! kill -0 $p 2>/dev/null"
done
test_end
