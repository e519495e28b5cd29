#!/usr/bin/env bash
# Stochastic simulation (issue #13): time per trajectory and reaction events per second of
# `pathway simulate --method ssa` against libRoadRunner's `gillespie` on the same SBML files, in one run:
# Huang–Ferrell 1996 in molecule counts (E1 = 1 molecule, MAPK 40,000) and a 100-stage cascade
# (501 species, 600 reactions), both from bench/ssa/make-ssa-models.py, from 0 to 10 s with 101 points.
# pathway: RUNS trajectories on one thread (--jobs 1), the mean time per trajectory from --stats;
# libRoadRunner: RUNS trajectories (reset, seed, simulate), mean and median. Trajectories of these models
# vary a lot from run to run (one E1 molecule), so both sides average over the same number of runs and
# events per second divides pathway's mean event count by each side's mean time.
# usage: bash bench/ssa/run-ssa.sh   (RUNS=20 by default; release build; bench/.venv with libroadrunner)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release}
RUNS=${RUNS:-20}
if ! bench/.venv/bin/python -c 'import roadrunner, libsbml' 2>/dev/null; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install -q libroadrunner python-libsbml
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bench/.venv/bin/python bench/ssa/make-ssa-models.py ../shared/biomodels/BIOMD0000000009.xml "$work"
printf '%-22s %-14s %9s %12s %12s %14s %9s\n' model algorithm events/run "pathway ms" "rr ms (mean)" "pathway ev/s" ratio
for model in hf-counts cascade-counts; do
    rr=$(bench/.venv/bin/python bench/ssa/roadrunner_ssa.py "$work/$model.xml" 10 101 "$RUNS")
    rr_mean=${rr% *}
    for algorithm in direct next-reaction; do
        line=$("$BIN/pathway" simulate "$work/$model.xml" --method ssa --ssa-algorithm "$algorithm" --t-end 10 --points 101 \
            --runs "$RUNS" --jobs 1 --seed 1 --stats -o /dev/null 2>&1 | grep '^method ssa')
        events=$(echo "$line" | sed -E 's/.*reaction events ([0-9]+),.*/\1/')
        seconds=$(echo "$line" | sed -E 's/.* ([0-9.]+) s \(.*/\1/')
        awk -v m="$model" -v a="$algorithm" -v e="$events" -v s="$seconds" -v n="$RUNS" -v rr="$rr_mean" 'BEGIN {
            ms = s * 1000 / n
            printf "%-22s %-14s %9.0f %12.1f %12.1f %14.3g %8.1fx\n", m, a, e / n, ms, rr, e / s, rr / ms
        }'
    done
    echo "  libRoadRunner gillespie: mean/median $rr ms per trajectory (${RUNS} runs)"
done
