"""Short live smokes of the load-test runner: locust's distributed mode and the step shape.

Each starts a real server on 127.0.0.1 and runs locust for a few seconds (bounded by
the runner and by a timeout here); they check counts and structure, never speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from loadtests.report import RunReport, load_report

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run_loadtest(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run ``python -m loadtests run ARGS --out tmp_path``; return the result and raw folder."""
    command = [sys.executable, "-m", "loadtests", "run", *args, "--out", str(tmp_path)]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result, tmp_path / "raw"


def worker_counts(timeline_dir: Path) -> list[int]:
    """Return the requests each locust process counted itself, from its timeline file."""
    counts = []
    for path in sorted(timeline_dir.glob("timeline-*.jsonl")):
        lines = path.read_text().splitlines()
        counts.append(sum(json.loads(line)["n"] for line in lines if line.strip()))
    return counts


def test_master_and_two_workers_on_loopback_count_every_request(tmp_path: Path) -> None:
    """A master and two workers load gunicorn; the master's merged total is every request."""
    result, raw = run_loadtest(
        tmp_path,
        "--impl", "framework", "--server", "gunicorn", "--scenario", "hello",
        "--processes", "2", "--users", "6", "--spawn-rate", "6", "--duration", "4s",
        "--warmup", "0",
    )  # fmt: skip
    report: RunReport = load_report(tmp_path / "framework-gunicorn-hello.json")
    assert report.ok
    assert report.processes == 2
    counts = worker_counts(raw / "framework-gunicorn-hello.timeline")
    # Both workers made requests, and the master merged all of them, no more, no less.
    assert len(counts) == 2
    assert all(count > 0 for count in counts)
    assert report.total.requests == sum(counts)
    assert (raw / "framework-gunicorn-hello.worker1.log").exists()
    assert (raw / "framework-gunicorn-hello.worker2.log").exists()
    # The generator is the master and the two workers; the server, gunicorn and 2 workers.
    assert report.generator is not None and report.generator.processes == 3
    assert report.measurement is not None and report.measurement.server_processes == 3
    assert "a locust master and 2 workers" in result.stderr


def test_step_shape_measures_each_step_and_finds_a_capacity(tmp_path: Path) -> None:
    """Two 3-second steps of 2 and 4 users on werkzeug, with a generous p99 bound."""
    result, _ = run_loadtest(
        tmp_path,
        "--impl", "raw", "--server", "werkzeug", "--scenario", "json", "--processes", "1",
        "--shape", "steps", "--step-users", "2", "--step-seconds", "3", "--steps", "2",
        "--p99-ms", "2000",
    )  # fmt: skip
    report = load_report(tmp_path / "raw-werkzeug-json-steps.json")
    assert report.ok
    assert report.shape == "steps"
    assert [s.users for s in report.steps] == [2, 4]
    assert all(s.measurement.requests > 0 for s in report.steps)
    assert report.p99_bound_ms == 2000.0
    assert report.capacity is not None
    assert "capacity (p99 <= 2000 ms, no failures):" in result.stdout
