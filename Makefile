# ledgerlink — the two commands a new machine needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 18,20
export PYTHONDONTWRITEBYTECODE := 1

N ?= 2000

.PHONY: setup demo sandbox chaos test test-fast test-e2e test-infra lint format typecheck synth layer bench clean

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -e '.[infra,dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(STAMP)
	$(BIN)/python -m sandbox demo

sandbox: $(STAMP)
	$(BIN)/python -m sandbox serve

# The soak: N records under faults; exits non-zero on any loss, duplicate, drift or flip.
chaos: $(STAMP)
	$(BIN)/python -m sandbox chaos --records $(N)

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared functions sandbox infra
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: $(STAMP)
	$(BIN)/pytest -n 2 -m "not e2e and not infra"

test-e2e: $(STAMP)
	$(BIN)/pytest -m e2e

test-infra: $(STAMP)
	$(BIN)/pytest -m infra

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared functions sandbox infra

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# cdk synth without AWS credentials or Docker: the layer is bundled locally (infra/bundling.py).
synth: $(STAMP) $(NODE_STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" npx cdk synth --quiet

# The Lambda layer alone (what synth bundles): build/layer/python/{shared,<wheels>}
layer: $(STAMP)
	$(BIN)/python -m infra.bundling build/layer

# Micro-benchmarks, then issue 9's figures against the sandbox (one table, bench/results.json).
# BENCH_ARGS="--n 200 --growth-n 1000" for the larger sizes (see python -m sandbox.bench -h).
bench: $(STAMP)
	$(BIN)/pytest tests/bench --benchmark-only -p no:xdist -o addopts=""
	$(BIN)/python -m sandbox.bench $(BENCH_ARGS)

clean:
	rm -rf cdk.out build .sandbox .pytest_cache .mypy_cache .ruff_cache
