#!/usr/bin/env bash
# Simulation speed, side by side with libRoadRunner on the same models (exported to SBML by
# `pathway convert`), at the same tolerances and output grid. Prints medians and ratios.
#   bash bench/run-simulate.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-50}
[ "${1:-}" = "--runs" ] && RUNS=$2
MODELS=(huang-ferrell-1996 kholodenko-2000 il11)

swift build -c release --product pathway >/dev/null
swift build -c release --product simulate-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q libroadrunner python-libsbml
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rr_args=() ours_args=()
for m in "${MODELS[@]}"; do
  end=$("$BIN/pathway" info "models/$m.yaml" --format json | bench/.venv/bin/python -c 'import json,sys; print(json.load(sys.stdin).get("simulation", {}).get("end", 100))')
  "$BIN/pathway" convert "models/$m.yaml" "$work/$m.xml"
  rr_args+=("$m.yaml=$work/$m.xml=$end")
  ours_args+=("models/$m.yaml@$end")
done

"$BIN/simulate-bench" --runs "$RUNS" "${ours_args[@]}" > "$work/ours.tsv"
bench/.venv/bin/python bench/roadrunner_simulate.py --runs "$RUNS" "${rr_args[@]}" > "$work/rr.tsv"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "settings: 1001 output points, rtol 1e-6, atol 1e-9, medians of $RUNS runs (loads: of $((RUNS / 5 < 5 ? 5 : RUNS / 5)))"
printf '%-26s %-14s %12s %14s %8s\n' model measurement "pathway (ms)" "roadrunner (ms)" speed-up
for m in "${MODELS[@]}"; do
  ours_load=$(awk -F'\t' -v m="$m.yaml" '$1==m && $2=="load+compile" {print $3}' "$work/ours.tsv")
  ours_sim=$(awk -F'\t' -v m="$m.yaml" '$1==m && $2=="simulate" {print $3}' "$work/ours.tsv")
  rr_load=$(awk -F'\t' -v m="$m.yaml" '$1==m && $2=="load" {print $3}' "$work/rr.tsv")
  rr_sim=$(awk -F'\t' -v m="$m.yaml" '$1==m && $2=="simulate" {print $3}' "$work/rr.tsv")
  awk -v m="$m" -v a="$ours_load" -v b="$rr_load" 'BEGIN { printf "%-26s %-14s %12.3f %14.3f %7.1fx\n", m, "load+compile", a, b, b / a }'
  awk -v m="$m" -v a="$ours_sim" -v b="$rr_sim" 'BEGIN { printf "%-26s %-14s %12.3f %14.3f %7.1fx\n", m, "simulate", a, b, b / a }'
done
