#!/usr/bin/env bash
# Runs the libFuzzer targets built by `make fuzz` (fuzz/, in .build-fuzz), two at a time.
# usage: scripts/fuzz.sh SECONDS [TARGET...]   (run from the repository's root)
# FUZZ_FLAGS adds libFuzzer options to every run, e.g. FUZZ_FLAGS="-max_len=4096 -runs=1000000".
# Seeds: the shipped models, SBML Test Suite cases, fuzz/seeds/, fuzz/regressions/. Each target's corpus grows in
# out/fuzz/corpus/TARGET; a crashing input is written to out/fuzz/crashes/TARGET/; logs to out/fuzz/TARGET.log.
set -euo pipefail
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzYAML FuzzExpression FuzzPerturbation FuzzSBML)
bin=${FUZZ_BIN:-.build-fuzz/release}
out=${FUZZ_OUT:-out/fuzz}
cases=${SBML_CASES:-../shared/sbml-test-suite/cases}

seed() {
    local target=$1 dir=$out/seeds/$1
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ -d "fuzz/regressions/$target" ]; then cp "fuzz/regressions/$target"/* "$dir"/; fi
    case $target in
        FuzzYAML) cp models/*.yaml "$dir"/ ;;
        FuzzExpression) cp fuzz/seeds/expression/* "$dir"/ ;;
        FuzzPerturbation) cp fuzz/seeds/perturbation/* "$dir"/ ;; # first byte '0'…'5': the kind
        FuzzSBML)
            for c in 00001 00010 00026 00071 00100 00200 00406 00421 00500 00700 00800 00931 00980 01000 01100 01600 01700 01750 \
                     00040 00184 00872 00952 01144; do # algebraic rules, fast reactions, random event order, comp
                for f in "$cases/$c"/*-sbml-*.xml; do [ -e "$f" ] && cp "$f" "$dir"/; done
            done ;;
    esac
}

run() {
    local target=$1
    mkdir -p "$out/corpus/$target" "$out/crashes/$target"
    seed "$target"
    echo "fuzz: $target for ${seconds}s (log: $out/$target.log)"
    "$bin/$target" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=${FUZZ_TIMEOUT:-30} ${FUZZ_FLAGS:-} \
        -artifact_prefix="$out/crashes/$target/" "$out/corpus/$target" "$out/seeds/$target" > "$out/$target.log" 2>&1 \
        || echo "fuzz: $target stopped with a finding (see $out/$target.log and $out/crashes/$target/)"
    grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$out/$target.log" | sed "s/^/$target: /" || true
}

mkdir -p "$out/crashes"
touch "$out/.started"
# Known leaks inside libSBML (see the file) are not findings of ours.
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    run "${targets[i]}" &
    [ $((i + 1)) -lt ${#targets[@]} ] && run "${targets[i + 1]}" &
    wait || status=1
done
new=$(find "$out/crashes" -type f -newer "$out/.started")
if [ -n "$new" ]; then
    echo "fuzz: findings of this run:"; echo "$new"
    exit 1
fi
exit $status
