# The two commands of the README: `make conformance` and `make test`.
# Both create .venv and install the project with all its extras first; the
# install is skipped when pyproject.toml has not changed since the last one.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST := $(PY) -m pytest
REPORTS := reports/conformance
# Parallel workers for the test runs (pytest-xdist); 2 cores on CI.
WORKERS ?= 2
PY_SOURCES := framework conformance loadtests tests examples

.PHONY: conformance test test-lowest lint typecheck unit spec bench load clean help

help:
	@echo "make conformance  set up .venv, run the spec against framework and flask, write $(REPORTS)/"
	@echo "make test         set up .venv, then ruff, mypy and every test"
	@echo "make bench        in-process speed ratios, written to reports/bench.txt"
	@echo "make load         locust against gunicorn for both implementations, compared in reports/load/"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --upgrade --quiet pip
	$(PY) -m pip install --quiet -e '.[test,load,dev]'
	@touch $(STAMP)

conformance: $(STAMP)
	@mkdir -p $(REPORTS)
	$(PYTEST) conformance -q -n $(WORKERS) --impl framework --reference flask --conformance-json $(REPORTS)/framework.json
	$(PYTEST) conformance -q -n $(WORKERS) --impl flask --reference framework --conformance-json $(REPORTS)/flask.json
	$(PY) -m conformance report $(REPORTS)/framework.json $(REPORTS)/flask.json --out $(REPORTS)

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

test: lint typecheck unit spec test-lowest

# The lowest werkzeug pyproject.toml allows, in a venv of its own: the unit tests and the
# framework's spec run there too (the load-test harness, locust, is not about werkzeug).
# Below the werkzeug the shortcuts are tested on, framework/gate.py keeps them off.
LOWEST_VENV := .venv-lowest
LOWEST_PY := $(LOWEST_VENV)/bin/python
LOWEST_WERKZEUG := $(shell sed -n 's/.*"werkzeug>=\([0-9.]*\)".*/\1/p' pyproject.toml)

$(LOWEST_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(LOWEST_VENV)
	$(LOWEST_PY) -m pip install --quiet --upgrade pip
	$(LOWEST_PY) -m pip install --quiet -e '.[test]' 'werkzeug==$(LOWEST_WERKZEUG)'
	@touch $@

test-lowest: $(LOWEST_VENV)/.installed
	$(LOWEST_PY) -m pytest tests -q -n $(WORKERS) --ignore=tests/test_loadtests.py
	$(LOWEST_PY) -m pytest conformance -q -n $(WORKERS) --impl framework --reference flask

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
	rm -rf $(VENV) $(LOWEST_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
