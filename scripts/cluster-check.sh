#!/usr/bin/env bash
# make cluster-check: runs the Slurm example on a real single-node Slurm started here, and checks that
# the merged shards equal a single-machine run byte for byte. Installs slurm-wlm and munge when
# missing (as root), starts munged, slurmctld and slurmd in the background with a configuration of its
# own, submits the example job array and its dependent merge with sbatch, waits for them with squeue
# (bounded), compares, and stops the daemons it started whatever happens.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PATHWAY=${PATHWAY:-$ROOT/.build/release/pathway}
SHARDS=${SHARDS:-4}
PARAMS="--param IL11:0.02nM:5nM:30:log --param k_JAK_act:0.01:0.05:3"
READOUT="--observe pSTAT3_fraction --metric auc"
[ -x "$PATHWAY" ] || { echo "error: $PATHWAY is not built (make build)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "error: cluster-check starts Slurm daemons and needs root" >&2; exit 1; }
bash "$ROOT/scripts/install-deps.sh" slurm-wlm munge

WORK=$(mktemp -d /tmp/pathway-cluster-XXXXXX)
pids=()
started_munge=""
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$started_munge" ] && [ -f /run/munge/munged.pid ]; then kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true; fi
  echo "stopped the daemons this check started; logs and files in $WORK"
  exit $status
}
trap cleanup EXIT INT TERM

echo "== munge"
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
  echo "created /etc/munge/munge.key"
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- munged --force
  started_munge=yes
  echo "started munged"
else
  echo "munged already running"
fi

echo "== slurm configuration in $WORK"
host=$(hostname -s)
cpus=$(nproc)
memory=$(awk '/MemTotal/ {print int($2 / 1024) - 1024}' /proc/meminfo)
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/out"
cat > "$WORK/slurm.conf" <<CONF
ClusterName=pathway-check
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=check Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$WORK/slurm.conf

echo "== starting slurmctld and slurmd"
slurmctld -D -f "$SLURM_CONF" > "$WORK/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" > "$WORK/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
  [ "$state" = "idle" ] && break
  sleep 1
done
[ "$state" = "idle" ] || { echo "error: the node did not come up (state '$state'); see $WORK/*.log" >&2; exit 1; }
echo "node $host is idle ($cpus CPUs)"

echo "== submitting the example: a job array of $SHARDS tasks and a merge after them"
cd "$WORK"
export PATHWAY MODEL="$ROOT/models/il11.yaml" OUT="$WORK/out" PARAMS READOUT
array=$(sbatch --parsable --export=ALL --chdir="$WORK" --cpus-per-task=1 --array="1-$SHARDS" "$ROOT/examples/slurm/scan-array.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --chdir="$WORK" --dependency="afterok:$array" "$ROOT/examples/slurm/merge.sbatch")
merge=${merge%%;*}
echo "array job $array, merge job $merge"
for _ in $(seq 300); do
  [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
  sleep 1
done
if [ -n "$(squeue -h -j "$array,$merge" 2>/dev/null)" ]; then
  echo "error: jobs still queued after 300 s" >&2; squeue >&2; exit 1
fi
[ -s "$OUT/scan.csv" ] || { echo "error: the merge wrote nothing; logs:" >&2; tail -n 20 "$WORK"/pathway-*.log >&2; exit 1; }
echo "shards: $(ls "$OUT"/part-*.csv | wc -l); merged: $(($(wc -l < "$OUT/scan.csv") - 2)) rows"

echo "== comparing with a single-machine run"
# shellcheck disable=SC2086
"$PATHWAY" scan "$MODEL" $PARAMS $READOUT -o "$WORK/single.csv"
if cmp -s "$OUT/scan.csv" "$WORK/single.csv"; then
  echo "cluster-check: the merged Slurm shards equal the single-machine scan byte for byte"
else
  echo "error: the merged shards differ from the single-machine scan" >&2
  diff "$OUT/scan.csv" "$WORK/single.csv" | head -5 >&2
  exit 1
fi
