"""A third party's first run of the suite, end to end, from a folder outside the repository.

The implementation is ``myflask``: a package that re-exports Flask with three
deliberate faults (slash redirects answered 302, after-request hooks run in
registration order, ``jsonify`` answering ``text/json``). The journey follows the
README: the preflight names what is missing; after the package hands over its
submodules and declares what it leaves out, the run fails exactly where the
faults are, each failure naming its spec ID and rule; recording expectations
writes into the user's folder; a rerun passes; fixing one fault fails the run
with unexpected passes; and a suite whose test functions were renamed still
matches the recorded expectations.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from conformance.plugin import CONFORMANCE_DIR

REPOSITORY = CONFORMANCE_DIR.parent

FAULTS = '''
from werkzeug.routing import RequestRedirect

import flask as _flask


class Flask(_flask.Flask):
    """Flask with two faults of its own."""

    def raise_routing_exception(self, request):
        exception = request.routing_exception
        if isinstance(exception, RequestRedirect):
            exception.code = 302  # fault 1: slash redirects answer 302, not 308
        super().raise_routing_exception(request)

    def after_request(self, function):
        # fault 2: after-request hooks run in registration order, not in reverse
        self.after_request_funcs.setdefault(None, []).insert(0, function)
        return function


def jsonify(*args, **kwargs):
    response = _flask.jsonify(*args, **kwargs)
    response.mimetype = "text/json"  # fault 3: the wrong media type
    return response
'''

PACKAGE_START = (
    '"""Flask, re-exported with three deliberate faults."""\n\nfrom flask import *  # noqa\n'
)
HANDS_OVER_SUBMODULES = "from flask import views  # noqa\n"
FIXED_JSONIFY = "\ndef jsonify(*args, **kwargs):\n    return _flask.jsonify(*args, **kwargs)\n"

FAULT_RULES = {
    "routing.trailing-slash.redirect",
    "hooks.after-request.reverse-order",
    "json.jsonify.content-type",
}
"""One rule each fault breaks (each breaks more)."""


def write_package(folder: Path, name: str, *parts: str) -> None:
    """Write package ``name`` into ``folder`` from source ``parts``."""
    package = folder / name
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("".join(parts), encoding="utf-8")
    shutil.rmtree(package / "__pycache__", ignore_errors=True)


def environment() -> dict[str, str]:
    """The user's environment: no PYTHONPATH into the repository, CI-style output."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.pop("PYTHONPATH", None)
    env.update(CI="true", PYTHONDONTWRITEBYTECODE="1")
    return env


def run(folder: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` in ``folder`` as the user would."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=folder,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def suite(folder: Path, impl: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed suite the README's way, against ``impl``, in parallel."""
    return run(
        folder,
        *["-m", "pytest", "-p", "no:locust", "-p", "no:cacheprovider", "--pyargs"],
        *["conformance", "--impl", impl, "-n", "2", "-q", *args],
    )


def outcomes(path: Path) -> dict[str, str]:
    """Map each test's expectation key to its outcome in a results file."""
    document: dict[str, Any] = json.loads(path.read_text())
    return {test["key"]: test["outcome"] for test in document["tests"]}


def levels(path: Path) -> dict[str, str]:
    """Map each test's expectation key to its rule's level in a results file."""
    document: dict[str, Any] = json.loads(path.read_text())
    return {test["key"]: test["level"] for test in document["tests"]}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's folder outside the repository."""
    folder = tmp_path_factory.mktemp("user-project")
    assert REPOSITORY not in folder.parents
    return folder


def test_third_party_journey(project: Path) -> None:
    """The journey of issue 9, as one story (each step needs the one before)."""
    # 1. The preflight names what is missing.
    write_package(project, "myflask", PACKAGE_START, FAULTS)
    preflight = run(project, "-m", "conformance", "check-impl", "myflask")
    assert preflight.returncode == 1, preflight.stdout + preflight.stderr
    assert re.search(r"views +required +MISSING views\.View, views\.MethodView", preflight.stdout)
    assert "python -m myflask (no module myflask.__main__)" in preflight.stdout
    assert preflight.stdout.splitlines()[-1].startswith("preflight: 2 required names missing")

    # 2. The package hands over its views submodule and declares what it leaves out.
    write_package(project, "myflask", PACKAGE_START, HANDS_OVER_SUBMODULES, FAULTS)
    expectations = project / "conformance-expectations" / "myflask.toml"
    expectations.parent.mkdir()
    expectations.write_text(
        '# myflask: Flask re-exported.\n\n[implementation]\nwithout = ["python-m"]\n'
    )
    declared = run(project, "-m", "conformance", "check-impl", "myflask", "--without", "python-m")
    assert declared.returncode == 0, declared.stdout + declared.stderr
    # Without the faults the same package passes everything that applies: so every
    # failure below is a fault's.
    write_package(project, "cleanflask", PACKAGE_START, HANDS_OVER_SUBMODULES)
    clean = suite(project, "cleanflask", "--without", "python-m", "--conformance-json", "c.json")
    assert clean.returncode == 0, clean.stdout[-3000:]
    clean_outcomes = outcomes(project / "c.json")
    # (expected failures here are the suite's own strict xfails, which name their cause)
    allowed = {"passed", "not-applicable", "skipped", "expected-failure"}
    assert set(clean_outcomes.values()) <= allowed
    suite_xfails = {key for key, outcome in clean_outcomes.items() if outcome == "expected-failure"}
    assert "not-applicable" in clean_outcomes.values()

    # 3. The run shows the faults' failures, each with its spec ID and rule, and
    #    recording writes the expectations into this folder.
    first = suite(
        project,
        "myflask",
        "--conformance-json",
        "first.json",
        "--update-expectations",
        "--reason",
        "deliberate fault of myflask",
    )
    assert first.returncode == 1, first.stdout[-3000:]
    failing = {
        key
        for key, outcome in outcomes(project / "first.json").items()
        if outcome in ("failed", "error")
    }
    assert {key.split("[")[0] for key in failing} >= FAULT_RULES
    assert failing <= {key for key, outcome in clean_outcomes.items() if outcome == "passed"}
    # Must-level failures fail the run, one FAILED line each; the faults also break a
    # few should-level rules, which are recorded too but reported, not gated.
    first_levels = levels(project / "first.json")
    gated = {key for key in failing if first_levels[key] == "must"}
    assert {key.split("[")[0] for key in gated} >= FAULT_RULES
    summary_lines = [line for line in first.stdout.splitlines() if line.startswith("FAILED ")]
    assert len([line for line in summary_lines if "::" in line]) == len(gated)
    verdict = first.stdout.splitlines()[-1]
    for key in failing - gated:
        assert first_levels[key] == "should"
        assert key in verdict.partition("should-level failures (not gated): ")[2], key
    for line in summary_lines:
        assert re.search(r"\[[a-z][a-z0-9.\-]+(\[[^\]]*\])?\] \S", line), line
    assert first.stdout.splitlines()[-1].startswith("conformance FAIL (myflask): ")
    recorded = expectations.read_text()
    assert recorded.startswith("# myflask: Flask re-exported.\n\n[implementation]\n")
    for key in failing:
        assert f'["{key}"]\nreason = "deliberate fault of myflask"' in recorded
    assert not list((CONFORMANCE_DIR).glob("**/myflask.toml"))

    # 4. A rerun passes, with the faults as expected failures.
    second = suite(project, "myflask", "--conformance-json", "second.json")
    assert second.returncode == 0, second.stdout[-3000:]
    second_outcomes = outcomes(project / "second.json")
    expected = {key for key, outcome in second_outcomes.items() if outcome == "expected-failure"}
    assert expected == failing | suite_xfails

    # 5. Fixing one fault fails the run with unexpected passes.
    write_package(project, "myflask", PACKAGE_START, HANDS_OVER_SUBMODULES, FAULTS, FIXED_JSONIFY)
    fixed = suite(project, "myflask", "--spec", "json", "--conformance-json", "fixed.json")
    assert fixed.returncode == 1, fixed.stdout[-3000:]
    assert "UNEXPECTED-PASS [json.jsonify.content-type]" in fixed.stdout
    assert "remove its entry [json.jsonify.content-type]" in fixed.stdout
    assert "stale" not in fixed.stdout.lower()

    # 6. A suite whose test functions were renamed still matches the expectations.
    copy = project / "renamed-suite"
    shutil.copytree(
        CONFORMANCE_DIR, copy / "conformance", ignore=shutil.ignore_patterns("__pycache__")
    )
    routing = copy / "conformance" / "test_routing.py"
    source = routing.read_text()
    renamed = re.sub(
        r'(@pytest\.mark\.spec\("routing\.trailing-slash\.redirect"\)\ndef )(\w+)',
        r"\1test_renamed_for_the_journey",
        source,
    )
    assert renamed != source
    routing.write_text(renamed)
    shutil.copytree(project / "myflask", copy / "myflask")
    shutil.copytree(project / "conformance-expectations", copy / "conformance-expectations")
    renamed_run = suite(copy, "myflask", "--spec", "routing.trailing-slash", "-rx")
    assert renamed_run.returncode == 0, renamed_run.stdout[-3000:]
    assert "test_renamed_for_the_journey" in renamed_run.stdout
    assert "stale" not in renamed_run.stdout.lower()


def test_a_module_that_is_no_implementation_is_one_line(project: Path) -> None:
    """``--impl os`` stops before any test with one line and exit code 4."""
    result = suite(project, "os")
    assert result.returncode == 4
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        "ERROR: --impl os: not a Flask-compatible implementation: module 'os' lacks Flask "
        "(python -m conformance check-impl os lists the contract)"
    ]
    assert len(result.stdout.splitlines()) < 5


def test_the_wheel_ships_the_schema_and_no_expectations(tmp_path: Path) -> None:
    """The JSON Schema of results is package data; expectation files are not."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), REPOSITORY],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("flaskspec-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "conformance/schema/results.schema.json" in names
    assert "conformance/rules/routing.toml" in names  # the registry of rules is package data
    assert not [name for name in names if "expectations" in name and name.endswith(".toml")]
    assert "conformance/plugin.py" in names
