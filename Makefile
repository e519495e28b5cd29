# pathway — build, test and demo. Every target installs what it needs on a fresh Debian machine.
SWIFT      ?= swift
CONFIG     ?= release
BIN_DIR     = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path 2>/dev/null)
PATHWAY     = $(BIN_DIR)/pathway
OUT        ?= out
SYSTEM_PKGS = pkg-config libgraphviz-dev libsbml5-dev fonts-dejavu-core

.PHONY: all build deps demo test clean conformance crosscheck

all: build

## deps: install the system libraries (apt-get when root; otherwise say which packages are missing)
deps:
	@bash scripts/install-deps.sh $(SYSTEM_PKGS)

build: deps
	$(SWIFT) build -c $(CONFIG)

## demo: build, then work on the IL-11 model (validate, describe) into out/
demo: build
	@mkdir -p $(OUT)
	$(PATHWAY) validate models/*.yaml
	$(PATHWAY) info models/il11.yaml -o $(OUT)/il11-info.txt
	@echo "wrote $(OUT)/il11-info.txt"

## test: the whole test suite (unit tests and CLI tests on the built binary)
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## conformance: run the SBML Test Suite subset (../shared/sbml-test-suite/cases) with the release binary;
## every case passes or is refused with the construct named (not part of `make test`)
SBML_CASES ?= ../shared/sbml-test-suite/cases
conformance: build
	@mkdir -p $(OUT)/sbml-test
	$(PATHWAY) sbml-test $(SBML_CASES)/* --output-dir $(OUT)/sbml-test > $(OUT)/sbml-test.txt; status=$$?; \
	  grep -v ' passed' $(OUT)/sbml-test.txt | grep -v '^sbml-test:' | head -50; tail -1 $(OUT)/sbml-test.txt; exit $$status

## crosscheck: shipped models exported to SBML, simulated here and with libRoadRunner (needs pip)
crosscheck: build
	bash bench/crosscheck.sh

clean:
	rm -rf .build $(OUT)
