"""Running one extension's own test suite under one implementation."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from conformance.ecosystem.catalogue import Extension
from conformance.ecosystem.environment import PLUGIN_MODULE, Cache, SetupError

SUITE_TIMEOUT_SECONDS = 20 * 60
OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
"""Every outcome a test can have, in the order the reports show them."""


@dataclasses.dataclass
class SuiteRun:
    """The outcome of one extension's suite under one implementation."""

    extension: str
    implementation: str
    tests: dict[str, dict[str, str]]
    """Every test's ``outcome`` (one of :data:`OUTCOMES`) and short ``message``."""
    deselected: dict[str, str]
    """The deselected tests and why."""
    duration: float
    problem: str | None = None
    """Why the suite could not run to the end (setup failure, timeout, crash), if so."""

    def counts(self) -> dict[str, int]:
        """The number of tests per outcome, and of deselected tests."""
        counts = dict.fromkeys(OUTCOMES, 0)
        for test in self.tests.values():
            counts[test["outcome"]] += 1
        counts["deselected"] = len(self.deselected)
        return counts

    def summary(self) -> str:
        """``N passed, N failed, ...`` (only the outcomes that occurred), or the problem."""
        counts = self.counts()
        text = ", ".join(f"{counts[name]} {name}" for name in OUTCOMES if counts[name])
        if self.problem:
            return f"{text + '; ' if text else ''}did not complete: {self.problem}"
        return text or "no tests ran"


def pytest_command(python: Path, extension: Extension) -> list[str]:
    """The command that runs the extension's tests in its environment."""
    return [
        str(python),
        "-m",
        "pytest",
        *extension.test_paths,
        *(f"--ignore={path}" for path in extension.ignore_paths),
        "-p",
        PLUGIN_MODULE,
        "-p",
        "no:cacheprovider",
        # The suites' own addopts ask for coverage and verbose output; neither is installed
        # nor wanted here.
        "-o",
        "addopts=",
        "-q",
        "--no-header",
        "--tb=short",
        *extension.pytest_args,
    ]


def run_suite(cache: Cache, extension: Extension, implementation: ModuleType) -> SuiteRun:
    """Set up and run ``extension``'s tests with ``flask`` resolving to ``implementation``."""
    name = implementation.__name__
    runs = cache.run_folder(implementation)
    started = time.monotonic()

    def failed_run(problem: str) -> SuiteRun:
        return SuiteRun(extension.name, name, {}, {}, time.monotonic() - started, problem)

    try:
        source = cache.source(extension)
        python = cache.environment(extension, implementation, runs / f"{extension.name}.pip.log")
        support = cache.support(implementation)
    except (SetupError, OSError) as exc:
        return failed_run(str(exc))
    results_path = runs / f"{extension.name}.outcomes.json"
    results_path.unlink(missing_ok=True)
    config_path = runs / f"{extension.name}.config.json"
    config_path.write_text(
        json.dumps(
            {
                "deselect_fixtures": dict(extension.deselect_fixtures),
                "deselect_tests": dict(extension.deselect_tests),
                "results": str(results_path),
            }
        ),
        encoding="utf-8",
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "CONFORMANCE_", "FLASK_", "VIRTUAL_ENV"))
    }
    environment.update(
        PYTHONPATH=str(support),
        PYTHONDONTWRITEBYTECODE="1",
        PATH=f"{python.parent}{os.pathsep}{environment.get('PATH', '')}",
        FLASKSPEC_ECOSYSTEM_IMPL=name,
        FLASKSPEC_ECOSYSTEM_CONFIG=str(config_path),
    )
    log_path = runs / f"{extension.name}.pytest.log"
    # Named relative to the cache so that results stay the same from one machine to another.
    log_name = log_path.relative_to(cache.root)
    with log_path.open("w", encoding="utf-8") as log:
        try:
            completed = subprocess.run(
                pytest_command(python, extension),
                cwd=source,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=SUITE_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return failed_run(f"timed out after {SUITE_TIMEOUT_SECONDS} s (log: {log_name})")
    if not results_path.exists():
        return failed_run(f"pytest exited with {completed.returncode} early (log: {log_name})")
    document: dict[str, Any] = json.loads(results_path.read_text(encoding="utf-8"))
    problem = None
    if completed.returncode not in (0, 1):
        problem = f"pytest exited with {completed.returncode} (log: {log_name})"
    return SuiteRun(
        extension.name,
        name,
        document["tests"],
        document["deselected"],
        time.monotonic() - started,
        problem,
    )
