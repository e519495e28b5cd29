#!/usr/bin/env bash
# Scan benchmark: a 1,000-point scan of the IL-11 model (initial IL-11 from 0.01 to 10 nM, log-spaced;
# peak of pSTAT3 over 240 min, 241 output points, rtol 1e-6, atol 1e-9) with `pathway scan` (release
# build) and with libRoadRunner on the same model exported to SBML by `pathway convert`. Both run
# once on one core and once on all cores (threads for pathway, processes for roadrunner); the
# script prints the times and the ratios.
#   bash bench/scan-il11.sh [--steps N]
# Creates bench/.venv (libroadrunner) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${STEPS:-1000}
[ "${1:-}" = "--steps" ] && STEPS=$2
CORES=$(nproc)
LOW=0.01 HIGH=10 END=14400 POINTS=241

swift build -c release --product pathway >/dev/null
BIN=$(swift build -c release --show-bin-path)
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q libroadrunner
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BIN/pathway" convert models/il11.yaml "$work/il11.xml"

seconds() { # command... → wall seconds
  local t0 t1
  t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
scan=("$BIN/pathway" scan models/il11.yaml --param "IL11:$LOW:$HIGH:$STEPS:log" --observe pSTAT3 --metric peak
      --t-end "$END" --points "$POINTS" --rtol 1e-6 --atol 1e-9)
ours1=$(seconds "${scan[@]}" --jobs 1 -o "$work/ours1.csv")
oursN=$(seconds "${scan[@]}" --jobs "$CORES" -o "$work/oursN.csv")
cmp -s <(tail -n +2 "$work/ours1.csv") <(tail -n +2 "$work/oursN.csv") || { echo "error: 1-thread and $CORES-thread scans differ" >&2; exit 1; }
rr1=$(bench/.venv/bin/python bench/scan_roadrunner.py --jobs 1 "$work/il11.xml" IL11 pSTAT3 $LOW $HIGH "$STEPS" $END $POINTS)
rrN=$(bench/.venv/bin/python bench/scan_roadrunner.py --jobs "$CORES" "$work/il11.xml" IL11 pSTAT3 $LOW $HIGH "$STEPS" $END $POINTS)
# Agreement of the peaks at both ends of the scan (relative difference).
ours_first=$(awk -F, 'NR==3 {print $NF}' "$work/ours1.csv"); ours_last=$(tail -1 "$work/ours1.csv" | awk -F, '{print $NF}')
rr_first=$(cut -f4 <<<"$rr1"); rr_last=$(cut -f5 <<<"$rr1")

echo "machine: $CORES cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "scan: $STEPS values of IL11 ($LOW…$HIGH nM, log), peak of pSTAT3 over $END s, $POINTS points, rtol 1e-6, atol 1e-9"
echo "(times include loading and compiling the model: pathway parses YAML and compiles once per thread;"
echo " roadrunner loads SBML and JIT-compiles once per process)"
printf '%-8s %14s %16s %9s\n' jobs "pathway (s)" "roadrunner (s)" speed-up
awk -v a="$ours1" -v b="$(cut -f1 <<<"$rr1")" 'BEGIN { printf "%-8s %14.3f %16.3f %8.1fx\n", 1, a, b, b / a }'
awk -v n="$CORES" -v a="$oursN" -v b="$(cut -f1 <<<"$rrN")" 'BEGIN { printf "%-8s %14.3f %16.3f %8.1fx\n", n, a, b, b / a }'
awk -v a="$ours_first" -v b="$rr_first" -v c="$ours_last" -v d="$rr_last" \
  'BEGIN { printf "peak pSTAT3 at the ends: pathway %.6g, %.6g; roadrunner %.6g, %.6g\n", a, c, b, d }'
