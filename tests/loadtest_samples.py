"""Sample load-test results for the tests of ``loadtests`` (plausible values, overridable)."""

from __future__ import annotations

from typing import Any

from loadtests.measures import GeneratorLoad, MachineLoad, Measurement, StepResult, TimelinePoint
from loadtests.report import EndpointStats, RunReport


def endpoint(name: str = "Aggregated", *, method: str = "", **values: Any) -> EndpointStats:
    """Return an EndpointStats with plausible defaults overridden by ``values``."""
    fields: dict[str, Any] = {
        "requests": 1000,
        "failures": 0,
        "rps": 500.0,
        "median_ms": 10.0,
        "average_ms": 11.0,
        "p95_ms": 20.0,
        "p99_ms": 30.0,
        "max_ms": 40.0,
    }
    fields.update(values)
    return EndpointStats(method=method, name=name, **fields)


def measurement(**values: Any) -> Measurement:
    """Return a Measurement of a 10 s window with plausible defaults."""
    fields: dict[str, Any] = {
        "start": 3,
        "seconds": 10,
        "requests": 5000,
        "failures": 0,
        "rps": 500.0,
        "p50_ms": 4.0,
        "p99_ms": 20.0,
        "server_cpu_s": 1.5,
        "cpu_us_per_request": 300.0,
        "server_processes": 3,
        "peak_rss_mib_per_worker": 30.0,
    }
    fields.update(values)
    return Measurement(**fields)


def generator(**values: Any) -> GeneratorLoad:
    """Return a GeneratorLoad well below saturation, unless ``values`` say otherwise."""
    fields: dict[str, Any] = {
        "processes": 3,
        "user_processes": 2,
        "cores_had": 2,
        "cpu_s": 6.0,
        "share_of_cores": 0.3,
        "busiest_process_share": 0.35,
    }
    fields.update(values)
    return GeneratorLoad(**fields)


def machine(**values: Any) -> MachineLoad:
    """Return a MachineLoad of a half-busy 2-core machine."""
    fields: dict[str, Any] = {
        "cpu_model": "Test CPU",
        "cores": 2,
        "busy_share": 0.5,
        "others_share": 0.1,
        "load_average_1m": 1.5,
    }
    fields.update(values)
    return MachineLoad(**fields)


def run_report(impl: str = "framework", server: str = "gunicorn", **values: Any) -> RunReport:
    """Return a RunReport with plausible defaults; ``values`` override fields."""
    fields: dict[str, Any] = {
        "impl": impl,
        "impl_version": "1.0",
        "server": server,
        "server_version": "23.0",
        "workers": 2,
        "users": 10,
        "spawn_rate": 10.0,
        "duration_s": 10,
        "started_at": "2026-01-01T00:00:00+00:00",
        "python": "3.11.7",
        "locust_version": "2.47.0",
        "complete": True,
        "total": endpoint(),
        "endpoints": [endpoint("/hello", method="GET")],
        "errors": [],
        "exceptions": [],
        "scenario": "hello",
        "processes": 2,
    }
    fields.update(values)
    return RunReport(**fields)


def measured_report(impl: str, cpu_us: float, server: str = "gunicorn", **values: Any) -> RunReport:
    """Return a constant run of ``impl`` with a measured window costing ``cpu_us`` per request."""
    timeline = [
        TimelinePoint(second=s, users=10, rps=480 + s, failures=0, p50_ms=4.0, p99_ms=18.0 + s)
        for s in range(12)
    ]
    fields: dict[str, Any] = {
        "measurement": measurement(cpu_us_per_request=cpu_us),
        "generator": generator(),
        "machine": machine(),
        "timeline": timeline,
    }
    fields.update(values)
    return run_report(impl, server, **fields)


def step(users: int, rps: float, p99_ms: float | None, failures: int = 0) -> StepResult:
    """Return a step of a saturation search."""
    return StepResult(
        users=users, measurement=measurement(rps=rps, p99_ms=p99_ms, failures=failures)
    )
