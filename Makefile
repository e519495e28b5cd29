# pathway — build, test and demo. Every target installs what it needs on a fresh Debian machine.
SWIFT      ?= swift
CONFIG     ?= release
BIN_DIR     = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path 2>/dev/null)
PATHWAY     = $(BIN_DIR)/pathway
OUT        ?= out
SYSTEM_PKGS = pkg-config libgraphviz-dev libsbml5-dev fonts-liberation fonts-dejavu-core

.PHONY: all build deps demo test clean conformance crosscheck bench cluster-check fuzz fuzz-build fuzz-short

all: build

## deps: install the system libraries (apt-get when root; otherwise say which packages are missing)
deps:
	@bash scripts/install-deps.sh $(SYSTEM_PKGS)

build: deps
	$(SWIFT) build -c $(CONFIG)

## demo: build, then work on the IL-11 model into out/: validate, describe, draw, simulate, compare
demo: build
	@mkdir -p $(OUT)/diagrams
	$(PATHWAY) validate models/*.yaml
	$(PATHWAY) info models/il11.yaml -o $(OUT)/il11-info.txt
	$(PATHWAY) render models/il11.yaml -o $(OUT)/il11.svg
	$(PATHWAY) render models/il11.yaml --format png -o $(OUT)/il11.png
	$(PATHWAY) render models/il11.yaml --view process -o $(OUT)/il11-process.svg
	$(PATHWAY) render models/il11.yaml --scenario ruxolitinib -o $(OUT)/il11-ruxolitinib.svg
	$(PATHWAY) render models/*.yaml --out-dir $(OUT)/diagrams
	$(PATHWAY) simulate models/il11.yaml -o $(OUT)/il11.csv --plot $(OUT)/il11-timecourse.svg --stats
	$(PATHWAY) simulate models/il11.yaml --scenario socs3-knockout -o $(OUT)/il11-socs3-knockout.csv
	$(PATHWAY) compare models/il11.yaml --scenario socs3-knockout --scenario shp2-knockout --scenario gp130-y759f \
	  --scenario ruxolitinib --scenario trametinib --scenario pi3k-inhibitor --scenario anti-il11-after-30min \
	  -o $(OUT)/il11-compare.txt --plot $(OUT)/il11-compare.svg
	$(PATHWAY) simulate models/il11-fibroblast.yaml -o $(OUT)/il11-fibroblast.csv --plot $(OUT)/il11-fibroblast-timecourse.svg
	$(PATHWAY) simulate models/il11.yaml --scenario oprelvekin --t-end 48h --species IL11_plasma_ng_per_mL,IL11 \
	  -o $(OUT)/oprelvekin-pk.csv --plot $(OUT)/oprelvekin-pk.svg
	$(PATHWAY) render models/il11.yaml --at 30min --sparklines -o $(OUT)/il11-30min.svg
	$(PATHWAY) render models/il11.yaml --at 5min,15min,1h,4h -o $(OUT)/il11-over-time.svg
	$(PATHWAY) render models/il11.yaml --at 30min --compare shp2-knockout -o $(OUT)/il11-shp2-knockout-change.svg
	$(PATHWAY) render models/il11.yaml --animate -o $(OUT)/il11-animated.svg
	$(PATHWAY) steps models/kholodenko-2000.yaml --t-end 1300s --species MAPK_PP --plot $(OUT)/steps-kholodenko.svg -o $(OUT)/steps-kholodenko.txt
	$(PATHWAY) report models/il11.yaml -o $(OUT)/il11-report.html
	$(PATHWAY) simulate models/il11.yaml --method ssa --seed 7 --t-end 2min --species pSTAT3_fraction,pAKT_fraction \
	  -o $(OUT)/il11-one-cell.csv --plot $(OUT)/il11-one-cell.svg
	@mkdir -p $(OUT)/boehm-fit
	$(PATHWAY) fit Tests/CalibrationTests/Fixtures/petab/Boehm_JProteomeRes2014/Boehm_JProteomeRes2014.yaml \
	  --starts 20 --seed 1 -o $(OUT)/boehm-best.tsv --plot $(OUT)/boehm-fit
	$(PATHWAY) convert models/il11.yaml $(OUT)/il11.xml
	@echo
	@echo "Results in $(OUT)/:"
	@ls $(OUT)
	@echo
	@cat $(OUT)/il11-compare.txt

## test: the whole test suite (unit tests and CLI tests on the built binary)
test: deps
	@bash scripts/install-deps.sh chromium graphviz
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## conformance: run the SBML Test Suite subset (../shared/sbml-test-suite/cases) with the release binary;
## every case passes or is refused with the construct named (not part of `make test`)
SBML_CASES ?= ../shared/sbml-test-suite/cases
conformance: build
	@mkdir -p $(OUT)/sbml-test
	$(PATHWAY) sbml-test $(SBML_CASES)/* --output-dir $(OUT)/sbml-test > $(OUT)/sbml-test.txt; status=$$?; \
	  grep -v ' passed' $(OUT)/sbml-test.txt | grep -v '^sbml-test:' | head -50; tail -1 $(OUT)/sbml-test.txt; exit $$status

## conformance-stochastic: the suite's StochasticTimeCourse cases (../shared/sbml-test-suite/stochastic),
## SSA_RUNS runs each (default 10,000) from seed SSA_SEED, judged by Z and Y; part of `make conformance`
.PHONY: conformance-stochastic
SBML_STOCHASTIC ?= ../shared/sbml-test-suite/stochastic
SSA_RUNS ?= 10000
SSA_SEED ?= 1
conformance-stochastic: build
	@mkdir -p $(OUT)/sbml-test-stochastic
	$(PATHWAY) sbml-test $(SBML_STOCHASTIC)/0* --runs $(SSA_RUNS) --seed $(SSA_SEED) --output-dir $(OUT)/sbml-test-stochastic \
	  > $(OUT)/sbml-test-stochastic.txt; status=$$?; \
	  grep -v ' passed' $(OUT)/sbml-test-stochastic.txt | grep -v 'unsupported: test type StatisticalDistribution' | head -50; \
	  tail -1 $(OUT)/sbml-test-stochastic.txt; exit $$status
conformance: conformance-stochastic

## bench-ssa: stochastic simulation against libRoadRunner's gillespie (bench/ssa/run-ssa.sh); part of `make bench`
.PHONY: bench-ssa
bench-ssa: build
	bash bench/ssa/run-ssa.sh
bench: bench-ssa

## crosscheck: shipped models exported to SBML, simulated here and with libRoadRunner (needs pip)
crosscheck: build
	bash bench/crosscheck.sh

## bench: simulation, scan and rendering speed against libRoadRunner and the dot binary (release build;
## creates bench/.venv with libroadrunner); figures are recorded in BENCHMARKS.md
bench: build
	@bash scripts/install-deps.sh graphviz
	bash bench/run-simulate.sh
	bash bench/scan-il11.sh
	$(BIN_DIR)/graphviz-render-bench
	$(BIN_DIR)/rk4-throughput
	bash bench/chain/run-chain.sh

## bench-petab: one PEtab objective evaluation and gradient per problem against libRoadRunner (issue #14)
bench-petab:
	bash bench/petab/run-petab.sh

## fuzz: libFuzzer targets (the package in fuzz/, built apart in .build-fuzz with -sanitize=fuzzer,address)
## for the YAML reader, the expression parser, the perturbation syntax and the SBML importer, FUZZ_TIME
## seconds each, two at a time; findings in $(OUT)/fuzz/crashes (see docs/fuzzing.md; not part of `make test`)
FUZZ_TIME ?= 600
fuzz: fuzz-build
	bash scripts/fuzz.sh $(FUZZ_TIME)

## fuzz-short: a few seconds per target (a smoke test of the fuzz build)
fuzz-short: fuzz-build
	bash scripts/fuzz.sh 5

fuzz-build: deps
	cd fuzz && $(SWIFT) build -c release --scratch-path ../.build-fuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld

clean:
	rm -rf .build .build-fuzz $(OUT)

## cluster-check: the Slurm example on a real single-node Slurm started here (root; installs slurm-wlm and
## munge); merged shards must equal a single-machine scan byte for byte (not part of `make test`)
cluster-check: build
	bash scripts/cluster-check.sh
