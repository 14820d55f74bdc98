"""Tests of ``python -m loadtests soak`` and the robustness report: arguments, the
in-process mixed scenario, leak detection, and the CI slice of 50,000 requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from loadtests import robustness, soak
from loadtests.apps import create_app
from loadtests.inprocess import send_probes
from loadtests.mixed import SCHEDULE, WEIGHTS, MixedScenario

ROOT = Path(__file__).resolve().parent.parent
BROKEN_IMPLS = Path(__file__).resolve().parent / "broken_impls"
CI_REQUESTS = 50_000


def run_soak(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m loadtests soak ARGS`` from the repository; return the result."""
    paths = [str(pythonpath)] if pythonpath else []
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([*paths, str(ROOT)]))
    return subprocess.run(
        [sys.executable, "-m", "loadtests", "soak", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("impl_name", ["flask", "framework"])
def test_mixed_scenario_is_answered_right(impl_name: str) -> None:
    """Three rounds of the in-process mixed scenario are all answered as the load-test
    app's contract says, the session counter included."""
    app = create_app(impl_name)
    kinds: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    send_probes(app, MixedScenario().probes(), 3 * len(SCHEDULE), kinds, failures)
    assert not failures
    assert kinds == Counter({kind: 3 * weight for kind, weight in WEIGHTS.items()})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--requests", "0"], "argument --requests: '0' must be between 1 and"),
        (["--requests", "many"], "argument --requests: 'many' is not a whole number"),
        (["--max-growth", "-1"], "argument --max-growth: '-1' must be a positive number"),
        (["--hostile-size", "10"], "argument --hostile-size: '10' must be at least 256"),
        (["--impl", "no_such_module_here", "--requests", "1"], "no_such_module_here"),
    ],
)
def test_bad_arguments_are_one_line_errors(args: list[str], message: str) -> None:
    """A bad argument is reported on one line naming it, with exit code 2."""
    result = run_soak(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


def test_soak_fails_on_an_implementation_that_remembers_requests(tmp_path: Path) -> None:
    """An implementation keeping every request's path, host and cookies (about 8 MB
    here) fails the soak with one line saying how much memory grew, and the JSON says so."""
    out = tmp_path / "soak.json"
    result = run_soak(
        "--impl", "broken_remembers_requests", "--requests", "3000", "--hostile-size", "65536",
        "--max-growth", "2", "--json", str(out), pythonpath=BROKEN_IMPLS,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    failed = [line for line in result.stderr.splitlines() if "FAILED" in line]
    assert len(failed) == 1
    assert "RSS grew by" in failed[0] and "traced memory grew by" in failed[0]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["ok"] is False
    assert len(report["samples"]) == soak.SAMPLES


def test_ci_soak_of_50000_requests(tmp_path: Path) -> None:
    """The CI slice of the soak: 50,000 mixed and hostile requests on framework, every
    answer right and memory growth within the bound (progress every tenth)."""
    out = tmp_path / "soak.json"
    result = run_soak("--impl", "framework", "--requests", str(CI_REQUESTS), "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("%]") == soak.SAMPLES
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["requests"] == CI_REQUESTS
    assert sum(report["kinds"].values()) == CI_REQUESTS
    assert report["ok"] is True


def test_robustness_sections_are_replaced_independently(tmp_path: Path) -> None:
    """Rewriting one section of the report keeps the other one as it was."""
    report = tmp_path / "robustness.md"
    robustness.update_report(report, "soak", "soak v1\n")
    robustness.update_report(report, "faults", "faults v1\n")
    robustness.update_report(report, "soak", "soak v2\n")
    text = report.read_text(encoding="utf-8")
    assert text.startswith(robustness.TITLE)
    assert "soak v2" in text and "soak v1" not in text
    assert "faults v1" in text
    assert text.count("<!-- soak -->") == 1


def test_robustness_refuses_the_wrong_kind_of_result(tmp_path: Path) -> None:
    """A JSON file that is not a soak result is refused with one line and exit code 2."""
    path = tmp_path / "faults.json"
    path.write_text(json.dumps({"kind": "faults"}), encoding="utf-8")
    assert robustness.main(["soak", str(path), "--out", str(tmp_path / "r.md")]) == 2
    assert not (tmp_path / "r.md").exists()
