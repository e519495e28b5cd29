#!/bin/bash
# Submits the scan as a job array of N tasks (default 8) and the merge to run after all of them succeed.
#   bash examples/slurm/submit.sh [N]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
N=${1:-8}
array=$(sbatch --parsable --array="1-$N" "$HERE/scan-array.sbatch")
merge=$(sbatch --parsable --dependency="afterok:${array%%;*}" "$HERE/merge.sbatch")
echo "scan: job array ${array%%;*} ($N tasks); merge: job $merge (runs when every task has succeeded)"
