#!/usr/bin/env bash
# Loading, validation and compilation of linear chains of N species (issue #12): SBML written by
# python-libsbml (bench/chain/make-chain.py), the same model as YAML through `pathway convert`.
# Prints chain-bench's medians and the wall-clock time of `pathway validate` on the YAML file.
# usage: bash bench/chain/run-chain.sh [N...]   (default 1000 5000; release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release}
sizes=("${@:-1000 5000}")
[ $# -eq 0 ] && sizes=(1000 5000)
if ! bench/.venv/bin/python -c 'import libsbml' 2>/dev/null; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install -q python-libsbml
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=()
for n in "${sizes[@]}"; do
    bench/.venv/bin/python bench/chain/make-chain.py "$n" "$work/chain-$n.xml"
    "$BIN/pathway" convert "$work/chain-$n.xml" "$work/chain-$n.yaml"
    files+=("$work/chain-$n.xml" "$work/chain-$n.yaml")
done
"$BIN/chain-bench" --runs "${RUNS:-5}" "${files[@]}" | sed "s|$work/||"
for n in "${sizes[@]}"; do
    start=$(date +%s.%N)
    "$BIN/pathway" validate -q "$work/chain-$n.yaml" 2> "$work/validate.err" || true
    end=$(date +%s.%N)
    printf 'chain-%s.yaml\tpathway validate (wall)\t%.1f\t1\t(%s lines on stderr)\n' "$n" \
        "$(echo "($end - $start) * 1000" | bc)" "$(wc -l < "$work/validate.err")"
done
