#!/usr/bin/env bash
# One PEtab objective evaluation (and one gradient) per problem of ../shared/petab (or the vendored test
# copies), side by side with libRoadRunner simulating the same conditions at the same measurement times
# and tolerances. Prints medians and ratios.
#   bash bench/petab/run-petab.sh [--runs N] [PETAB_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-20}
[ "${1:-}" = "--runs" ] && { RUNS=$2; shift 2; }
DIR=${1:-Tests/CalibrationTests/Fixtures/petab}
swift build -c release --product petab-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q libroadrunner python-libsbml
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
problems=()
for d in "$DIR"/*/; do problems+=("$d$(basename "$d").yaml"); done
"$BIN/petab-bench" --runs "$RUNS" "${problems[@]}" > "$work/ours.tsv"
bench/.venv/bin/python bench/petab/petab_roadrunner.py --runs "$RUNS" "$DIR"/*/ > "$work/rr.tsv"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); medians of $RUNS runs; rtol 1e-8, atol 1e-10"
printf '%-26s %10s %16s %14s %9s %14s\n' problem "nllh" "objective (ms)" "roadrunner (ms)" speed-up "gradient (ms)"
while IFS=$'\t' read -r name what ms runs value; do
  [ "$what" = objective ] || continue
  grad=$(awk -F'\t' -v n="$name" '$1==n && $2=="gradient" {print $3 " (" $5 " p)"}' "$work/ours.tsv")
  rr=$(awk -F'\t' -v n="$name" '$1==n {print $3}' "$work/rr.tsv")
  awk -v n="$name" -v v="$value" -v a="$ms" -v b="$rr" -v g="$grad" 'BEGIN { printf "%-26s %10.3f %16.3f %14.3f %8.1fx %14s\n", n, v, a, b, b / a, g }'
done < "$work/ours.tsv"
