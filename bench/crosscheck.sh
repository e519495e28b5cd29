#!/usr/bin/env bash
# Cross-checks pathway against libRoadRunner: shipped models exported to SBML and simulated by both,
# and (with the suite present) libRoadRunner's own pass count on the SBML Test Suite subset.
# Creates bench/.venv with libroadrunner and python-libsbml on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import roadrunner, libsbml" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet libroadrunner python-libsbml
fi

PATHWAY=${PATHWAY:-$(swift build -c release --show-bin-path)/pathway}
SUITE=${SUITE:-../shared/sbml-test-suite/cases}
ARGS=(--pathway "$PATHWAY" --out-dir out/crosscheck)
if [ -d "$SUITE" ]; then ARGS+=(--suite "$SUITE"); fi
exec "$VENV/bin/python" bench/crosscheck-roadrunner.py "${ARGS[@]}" "$@"
