"""The conformance suite must catch a deliberately broken implementation: each
module in tests/broken_impls/ is framework with one fault, and a run of the spec
areas concerned must fail the tests stating the rule it breaks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CASES = {
    # module: (spec selections to run, spec IDs that must fail)
    "broken_slash_301": (
        ["routing.trailing-slash", "routing.merge-slashes"],
        {"routing.trailing-slash.redirect", "routing.merge-slashes.redirect"},
    ),
    "broken_no_allow": (
        ["routing.methods", "errors.http-exception"],
        {"routing.methods.not-allowed-allow", "errors.http-exception.405-allow"},
    ),
    "broken_teardown_first": (
        ["lifecycle", "hooks.teardown-request"],
        {"lifecycle.order.normal", "hooks.teardown-request.none-on-success"},
    ),
}


def _run_suite(
    module: str, selections: list[str], results: Path
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE / "broken_impls"), str(ROOT)]))
    args = [
        sys.executable,
        "-m",
        "pytest",
        "conformance",
        "--impl",
        module,
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    for selection in selections:
        args += ["--spec", selection]
    args += ["--conformance-json", str(results)]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("module", sorted(CASES))
def test_suite_catches_the_fault(module: str, tmp_path: Path) -> None:
    """The run fails, and among its failures are the rules the fault breaks."""
    selections, must_fail = CASES[module]
    results = tmp_path / "results.json"
    completed = _run_suite(module, selections, results)
    assert completed.returncode == 1, completed.stdout[-2000:] + completed.stderr[-2000:]
    document = json.loads(results.read_text())
    failed = {test["spec_id"] for test in document["tests"] if test["outcome"] == "failed"}
    passed = {test["spec_id"] for test in document["tests"] if test["outcome"] == "passed"}
    assert must_fail <= failed, f"not caught: {sorted(must_fail - failed)}"
    assert passed, "the broken implementation should still pass the rules it keeps"
