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

.PHONY: conformance reports run-spec test lint typecheck unit spec registry verify bench load clean help

help:
	@echo "make conformance  set up .venv, run the spec against framework and flask, write $(BUILD_REPORTS)/"
	@echo "make reports      the same, written to the committed $(REPORTS)/"
	@echo "make test         set up .venv, then ruff, mypy and every test"
	@echo "make verify       run the spec 3 times in varied orders per implementation; report flaky tests"
	@echo "make bench        in-process speed ratios, written to reports/bench.txt"
	@echo "make load         locust against gunicorn for both implementations, compared in reports/load/"

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

spec: $(STAMP)
	$(PYTEST) conformance -q -n $(WORKERS) --impl framework --reference flask
	$(PYTEST) conformance -q -n $(WORKERS) --impl flask --reference framework

test: lint typecheck unit spec registry

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

# A short locust run of each implementation on gunicorn, and their comparison.
load: $(STAMP)
	$(PY) -m loadtests run --impl framework --server gunicorn --users 20 --spawn-rate 10 --duration 20s
	$(PY) -m loadtests run --impl flask --server gunicorn --users 20 --spawn-rate 10 --duration 20s
	$(PY) -m loadtests compare reports/load/framework-gunicorn.json reports/load/flask-gunicorn.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
