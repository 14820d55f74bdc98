# The two commands of the README: `make conformance` and `make test`.
# Both create .venv and install the project with all its extras first; the
# install is skipped when pyproject.toml has not changed since the last one.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST := $(PY) -m pytest
# `make conformance` writes its results and report here (git-ignored), so that a clone
# stays clean; `make reports` regenerates the committed ones in reports/conformance.
BUILD_REPORTS := build/conformance
REPORTS := reports/conformance
# Parallel workers for the test runs (pytest-xdist); 2 cores on CI.
WORKERS ?= 2
PY_SOURCES := framework conformance loadtests tests examples

.PHONY: conformance reports run-spec test test-lowest lint typecheck unit spec bench load soak faults clean help ecosystem ecosystem-ci mutation mutation-report mutation-slice registry verify matrix matrix-ci matrix-verify differential-deep

help:
	@echo "make conformance  set up .venv, run the spec against framework and flask, write $(BUILD_REPORTS)/"
	@echo "make reports      the same, written to the committed $(REPORTS)/"
	@echo "make test         set up .venv, then ruff, mypy and every test"
	@echo "make verify       run the spec 3 times in varied orders per implementation; report flaky tests"
	@echo "make bench        in-process speed ratios, written to reports/bench.txt"
	@echo "make ecosystem    Flask extensions' own test suites on framework and flask, in reports/ecosystem/"
	@echo "make matrix       the spec on Flask 2.3.3, 3.0.3, 3.1.0, 3.1.x, framework and Quart: reports/matrix/"
	@echo "make mutation     mutate the framework's core modules, run the spec alone on each: reports/mutation.md"
	@echo "make differential-deep  the differential fuzz with thousands of examples: reports/differential-deep.md"
	@echo "make load         server CPU/request and capacity: framework, flask, raw; reports/load/"
	@echo "make soak         a million in-process requests per implementation, memory watched (reports/robustness.md)"
	@echo "make faults       kill and reload gunicorn workers under writes to SQLite (reports/robustness.md)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --upgrade --quiet pip
	$(PY) -m pip install --quiet -e '.[test,load,dev]'
	@touch $(STAMP)

conformance: $(STAMP)
	$(MAKE) --no-print-directory run-spec OUT=$(BUILD_REPORTS)

reports: $(STAMP)
	$(MAKE) --no-print-directory run-spec OUT=$(REPORTS)

# The spec against both implementations, each the other's reference; results and report in OUT.
run-spec:
	@mkdir -p $(OUT)
	$(PYTEST) conformance -q -n $(WORKERS) --impl framework --reference flask --conformance-json $(OUT)/framework.json
	$(PYTEST) conformance -q -n $(WORKERS) --impl flask --reference framework --conformance-json $(OUT)/flask.json
	$(PY) -m conformance coverage --json $(OUT)/coverage.json
	$(PY) -m conformance report $(OUT)/framework.json $(OUT)/flask.json --coverage $(OUT)/coverage.json --out $(OUT)

lint: $(STAMP)
	$(VENV)/bin/ruff check $(PY_SOURCES)
	$(VENV)/bin/ruff format --check $(PY_SOURCES)

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(PYTEST) tests -q -n $(WORKERS)

spec: conformance

test: lint typecheck unit ecosystem-ci spec test-lowest mutation-slice registry quart-slice matrix-ci

# Flask extensions' own test suites on framework and on flask (README "The ecosystem as a
# test"); `ecosystem` writes reports/ecosystem/, `ecosystem-ci` runs two of them into the
# git-ignored cache, which it fills itself from PyPI.
ECOSYSTEM_CACHE := .cache/ecosystem
ecosystem: $(STAMP)
	$(PY) -m conformance ecosystem --impl framework --cache $(ECOSYSTEM_CACHE) --out reports/ecosystem

ecosystem-ci: $(STAMP)
	$(PY) -m conformance ecosystem --impl framework --extension flask-cors --extension flask-login \
		--cache $(ECOSYSTEM_CACHE) --out $(ECOSYSTEM_CACHE)/report

# The lowest werkzeug pyproject.toml allows, in a venv of its own: the unit tests and the
# framework's spec run there too (the load-test harness, locust, is not about werkzeug).
# Below the werkzeug the shortcuts are tested on, framework/gate.py keeps them off.
LOWEST_VENV := .venv-lowest
LOWEST_PY := $(LOWEST_VENV)/bin/python
LOWEST_WERKZEUG := $(shell sed -n 's/.*"werkzeug>=\([0-9.]*\)".*/\1/p' pyproject.toml)

# Tests of the harness and of the load generator, which say nothing about werkzeug, are
# left out of that run (they run in the main venv).
LOWEST_SKIP := tests/test_loadtests.py tests/test_load_distributed.py \
	tests/test_load_comparison.py tests/test_load_measures.py tests/test_faults.py \
	tests/test_third_party_journey.py tests/test_suite_catches_faults.py \
	tests/test_runmodes.py tests/test_harness.py tests/test_ecosystem.py

$(LOWEST_VENV)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(LOWEST_VENV)
	$(LOWEST_PY) -m pip install --quiet --upgrade pip
	$(LOWEST_PY) -m pip install --quiet -e '.[test,load]' 'werkzeug==$(LOWEST_WERKZEUG)'
	@touch $@

test-lowest: $(LOWEST_VENV)/.installed
	$(LOWEST_PY) -m pytest tests -q -n $(WORKERS) $(addprefix --ignore=,$(LOWEST_SKIP))
	$(LOWEST_PY) -m pytest conformance -q -n $(WORKERS) --impl framework --reference flask

# The registry of rules (issue 10): every rule tested, every section of the description
# sourced by a rule (python -m conformance coverage; collection only, nothing runs).
registry: $(STAMP)
	$(PY) -m conformance coverage

# Run the suite 3 times in varied orders per implementation and report flaky tests;
# the latest output is kept in reports/verify.txt.
verify: $(STAMP)
	@mkdir -p reports
	@failed=0; for impl in framework flask; do \
	  ref=flask; [ $$impl = flask ] && ref=framework; echo "== $$impl"; \
	  $(PYTEST) conformance -q -n $(WORKERS) --impl $$impl --reference $$ref --verify 3 || failed=1; \
	done > reports/verify.txt 2>&1; cat reports/verify.txt; exit $$failed

# In-process speed ratios (framework vs flask vs raw WSGI), kept in reports/.
bench: $(STAMP)
	@mkdir -p reports
	$(PY) -m loadtests.bench | tee reports/bench.txt

# Load benchmarks (about 9 minutes): server CPU per request of framework, flask and the
# raw WSGI floor on gunicorn (3 interleaved rounds) and waitress, a saturation search of
# each, and a gunicorn worker of each profiled with py-spy; compared in
# reports/load/comparison.md and comparison.html.
LOAD_IMPLS := framework flask raw
LOAD_RUN := $(PY) -m loadtests run --scenario hello
LOAD_CONSTANT := --users 16 --spawn-rate 16 --warmup 3 --duration 15s
LOAD_STEPS := --shape steps --step-users 4 --step-seconds 5 --steps 5
load: $(STAMP)
	rm -f reports/load/*.json
	for round in 1 2 3; do for impl in $(LOAD_IMPLS); do \
	  $(LOAD_RUN) --impl $$impl --server gunicorn $(LOAD_CONSTANT) --round $$round || exit 1; \
	done; done
	for impl in $(LOAD_IMPLS); do \
	  $(LOAD_RUN) --impl $$impl --server waitress $(LOAD_CONSTANT) || exit 1; done
	for server in gunicorn waitress; do for impl in $(LOAD_IMPLS); do \
	  $(LOAD_RUN) --impl $$impl --server $$server $(LOAD_STEPS) || exit 1; done; done
	for impl in $(LOAD_IMPLS); do \
	  $(LOAD_RUN) --impl $$impl --server gunicorn $(LOAD_CONSTANT) --profile || exit 1; done
	$(PY) -m loadtests compare reports/load/*.json

# Robustness (issue 12): each target runs both implementations, then rewrites its own
# section of reports/robustness.md; it fails at the end if either run failed.
SOAK_REQUESTS ?= 1000000
SOAK_FLAGS ?=
ROBUSTNESS := reports/robustness
soak: $(STAMP)
	@mkdir -p $(ROBUSTNESS); status=0; \
	for impl in framework flask; do \
	  $(PY) -m loadtests soak --impl $$impl --requests $(SOAK_REQUESTS) $(SOAK_FLAGS) \
	    --json $(ROBUSTNESS)/soak-$$impl.json || status=1; \
	done; \
	$(PY) -m loadtests.robustness soak $(ROBUSTNESS)/soak-framework.json $(ROBUSTNESS)/soak-flask.json && exit $$status

faults: $(STAMP)
	@mkdir -p $(ROBUSTNESS); status=0; \
	for impl in framework flask; do \
	  $(PY) -m loadtests faults --impl $$impl --duration 60s --users 8 \
	    --json $(ROBUSTNESS)/faults-$$impl.json || status=1; \
	done; \
	$(PY) -m loadtests.robustness faults $(ROBUSTNESS)/faults-framework.json $(ROBUSTNESS)/faults-flask.json && exit $$status

# Mutation testing of the framework under the spec alone (mutmut): every mutant of
# the modules in tests/mutation/modules.toml, one module at a time (MUTATION_MODULES=
# a.py,b.py narrows it), each module's run kept in reports/mutation-runs/; writes
# reports/mutation.md from those runs. Long: hours on 2 cores. mutation-report only
# rewrites the report from the recorded runs.
mutation: $(STAMP)
	nice -n 10 $(PY) tests/mutation/run.py

mutation-report: $(STAMP)
	$(PY) tests/mutation/run.py --report-only

# The differential spec area under Hypothesis's deep profile (thousands of examples per
# property), framework against Flask; writes reports/differential-deep.md. Long.
differential-deep: $(STAMP)
	nice -n 10 $(PY) tests/mutation/deep_differential.py

# The CI slice: a seeded sample of the [ci] modules' mutants; fails when a mutant the
# committed results record as killed survives.
mutation-slice: $(STAMP)
	$(PY) tests/mutation/run.py --check

clean:
	rm -rf $(VENV) $(LOWEST_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Quart through its driver (issue 15), a CI slice: a venv of its own (Quart is never a
# dependency of the project) filled from the package index, the test client, JSON,
# contexts and sessions areas and the live tests under hypercorn and uvicorn, with Quart's known
# differences in conformance-expectations/quart.toml.
QUART_VENV := build/quart-venv
QUART_PY := $(QUART_VENV)/bin/python
QUART_SLICE := --spec testing --spec json --spec context --spec sessions \
	--spec deployment.live.hypercorn --exclude-spec deployment.live.hypercorn.client-gone \
	--spec deployment.live.uvicorn-asgi --exclude-spec deployment.live.uvicorn-asgi.client-gone

$(QUART_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(QUART_VENV)
	$(QUART_PY) -m pip install --quiet --upgrade pip
	$(QUART_PY) -m pip install --quiet -e '.[conformance]' pytest-xdist quart hypercorn
	@touch $@

.PHONY: quart-slice
quart-slice: $(QUART_VENV)/.installed
	$(QUART_PY) -m pytest conformance -q -n $(WORKERS) --impl quart $(QUART_SLICE)

# The compatibility matrix (issue 15): one venv per product under build/matrix/ (Flask
# 2.3.3, 3.0.3, 3.1.0, the latest 3.1.x, framework, Quart; conformance/matrix_products.toml),
# the spec in each, each version gate checked; writes reports/matrix/index.html and
# summary.md. `matrix-verify` runs Flask 3.0.3's spec 3 times (reports/matrix/verify-flask-3.0.3.txt).
# The CI slice runs Flask 3.0.3 on areas with version-gated rules, into build/.
MATRIX_CI_SPECS := config.default sessions request.trusted-hosts request.limits streaming.with-context
matrix: $(STAMP)
	$(PY) -m conformance matrix --check-gates

matrix-ci: $(STAMP)
	$(PY) -m conformance matrix --check-gates --product flask-3.0.3 \
		$(addprefix --spec ,$(MATRIX_CI_SPECS)) --work build/matrix-ci --out build/matrix-ci/report

matrix-verify: $(STAMP)
	$(PY) -m conformance matrix --product flask-3.0.3 --verify 3 --work build/matrix-verify \
		--out build/matrix-verify/report; status=$$?; \
	grep '^verify:' build/matrix-verify/flask-3.0.3/run.log > reports/matrix/verify-flask-3.0.3.txt; \
	cat reports/matrix/verify-flask-3.0.3.txt; exit $$status
