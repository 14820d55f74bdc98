"""The pytest plugin loaded into an extension's own test run (``-p flaskspec_ecosystem``).

Copied into the run's support folder; it imports nothing from ``conformance``. It
reads ``$FLASKSPEC_ECOSYSTEM_CONFIG`` (a JSON file naming the tests to deselect and
the fixtures whose tests are deselected, with reasons, and where to write the
outcomes), deselects those tests, and writes one JSON document: every test's outcome
and short message, and the deselected tests with their reasons.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

_config: dict[str, Any] = json.loads(
    Path(os.environ["FLASKSPEC_ECOSYSTEM_CONFIG"]).read_text(encoding="utf-8")
)
_outcomes: dict[str, dict[str, str]] = {}
_deselected: dict[str, str] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the tests named, and those using a fixture needing a service."""
    reasons: dict[str, str] = _config["deselect_fixtures"]
    named: dict[str, str] = _config["deselect_tests"]
    kept, dropped = [], []
    for item in items:
        needing = [name for name in getattr(item, "fixturenames", ()) if name in reasons]
        if item.nodeid in named or needing:
            _deselected[item.nodeid] = named.get(item.nodeid) or reasons[needing[0]]
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _message(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    text = getattr(report, "longreprtext", "") or ""
    lines = [line for line in text.splitlines() if line.startswith("E ")]
    return "\n".join(lines[-6:]) if lines else text[-600:]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record the test's outcome: the first failing or skipping phase decides it."""
    outcome = None
    if report.when == "call":
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
        else:
            outcome = report.outcome
    elif report.failed:
        outcome = "error"
    elif report.skipped:
        outcome = "xfailed" if hasattr(report, "wasxfail") else "skipped"
    if outcome is None:
        return
    previous = _outcomes.get(report.nodeid)
    failing = ("failed", "error")
    if previous is None or (outcome in failing and previous["outcome"] not in failing):
        _outcomes[report.nodeid] = {"outcome": outcome, "message": _message(report)}


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """Record a test module that cannot be collected as an error."""
    if report.failed:
        _outcomes[report.nodeid] = {"outcome": "error", "message": str(report.longrepr)[-600:]}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the outcomes and the deselected tests."""
    document = {"exitstatus": int(exitstatus), "tests": _outcomes, "deselected": _deselected}
    Path(_config["results"]).write_text(json.dumps(document, indent=1), encoding="utf-8")
