"""Load-test results: parsing locust's CSV statistics, the JSON report, the tables.

A run of ``python -m loadtests run`` leaves locust's CSV files; :func:`parse_stats_csv`,
:func:`parse_failures_csv` and :func:`parse_exceptions_csv` read them,
:class:`RunReport` holds one run and round-trips through JSON
(``reports/load/<impl>-<server>-<scenario>[-steps].json``) with what the runner measured
beside locust (:mod:`loadtests.measures`), and :func:`render_summary` prints one run as
a table. :mod:`loadtests.comparison` sets several runs side by side. Nothing here
imports locust.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from loadtests.measures import (
    GeneratorLoad,
    MachineLoad,
    Measurement,
    StepResult,
    TimelinePoint,
    capacity,
)
from loadtests.profiling import ProfileShare

SCHEMA = "flaskspec-load/2"
# Locust rewrites ``PREFIX_stats.csv`` (and failures, exceptions) every second during a
# run but not at its end; the scenarios write these files from locust's final numbers.
FINAL_STATS_SUFFIX = "_final_stats.csv"
FINAL_FAILURES_SUFFIX = "_final_failures.csv"
FINAL_EXCEPTIONS_SUFFIX = "_final_exceptions.csv"
PERIODIC_STATS_SUFFIX = "_stats.csv"
PERIODIC_FAILURES_SUFFIX = "_failures.csv"
PERIODIC_EXCEPTIONS_SUFFIX = "_exceptions.csv"
AGGREGATED = "Aggregated"
# Locust writes this where a percentile has no data yet.
NOT_AVAILABLE = "N/A"


class ReportError(ValueError):
    """A CSV file or JSON report is malformed (the message is one line)."""


@dataclasses.dataclass(frozen=True)
class EndpointStats:
    """Locust's statistics for one request name (``method`` is empty for the total).

    Latencies are in milliseconds, ``None`` when there were no requests.
    """

    method: str
    name: str
    requests: int
    failures: int
    rps: float
    median_ms: float | None
    average_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None

    @property
    def failure_rate(self) -> float:
        """Return failures as a fraction of requests (0.0 when there were none)."""
        return self.failures / self.requests if self.requests else 0.0

    @property
    def label(self) -> str:
        """Return ``"GET /hello"``, or just the name for the total."""
        return f"{self.method} {self.name}" if self.method else self.name

    def to_json(self) -> dict[str, Any]:
        """Return this entry as a JSON-ready dict (with its failure rate)."""
        return {**dataclasses.asdict(self), "failure_rate": self.failure_rate}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EndpointStats:
        """Rebuild an entry from :meth:`to_json`; raise :class:`ReportError` if malformed."""
        names = [field.name for field in dataclasses.fields(cls)]
        missing = [name for name in names if name not in data]
        if missing:
            raise ReportError(f"endpoint entry lacks {', '.join(missing)}")
        return cls(**{name: data[name] for name in names})


@dataclasses.dataclass(frozen=True)
class LocustStats:
    """The rows of locust's ``*_stats.csv``: one per request name, and the total."""

    endpoints: list[EndpointStats]
    total: EndpointStats


@dataclasses.dataclass(frozen=True)
class FailureEntry:
    """One row of locust's ``*_failures.csv``: a distinct failure and how often it happened."""

    method: str
    name: str
    error: str
    occurrences: int


@dataclasses.dataclass(frozen=True)
class ExceptionEntry:
    """One row of locust's ``*_exceptions.csv``: an exception raised inside a task."""

    count: int
    message: str


def _rows(text: str, required: Sequence[str], what: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ReportError(f"{what} is empty")
    missing = [column for column in required if column not in reader.fieldnames]
    if missing:
        raise ReportError(f"{what} lacks the column(s) {', '.join(missing)}")
    return list(reader)


def _number(row: dict[str, str], column: str, what: str) -> float:
    value = row.get(column)
    try:
        number = float(value or "")
    except ValueError:
        raise ReportError(f"{what}: column {column!r} holds {value!r}, not a number")
    if not math.isfinite(number):
        raise ReportError(f"{what}: column {column!r} holds {value!r}, not a finite number")
    return number


def _latency(row: dict[str, str], column: str, requests: int, what: str) -> float | None:
    if requests == 0 or row.get(column) == NOT_AVAILABLE:
        return None
    return _number(row, column, what)


STATS_COLUMNS = (
    "Type",
    "Name",
    "Request Count",
    "Failure Count",
    "Median Response Time",
    "Average Response Time",
    "Max Response Time",
    "Requests/s",
    "95%",
    "99%",
)


def parse_stats_csv(text: str) -> LocustStats:
    """Parse the text of locust's ``*_stats.csv`` into per-endpoint rows and the total.

    Raises :class:`ReportError` when a column is missing, a value is not a number or
    there is no ``Aggregated`` row.
    """
    endpoints: list[EndpointStats] = []
    total: EndpointStats | None = None
    for row in _rows(text, STATS_COLUMNS, "stats CSV"):
        what = f"stats CSV row {row['Name']!r}"
        requests = int(_number(row, "Request Count", what))
        entry = EndpointStats(
            method=row["Type"],
            name=row["Name"],
            requests=requests,
            failures=int(_number(row, "Failure Count", what)),
            rps=_number(row, "Requests/s", what),
            median_ms=_latency(row, "Median Response Time", requests, what),
            average_ms=_latency(row, "Average Response Time", requests, what),
            p95_ms=_latency(row, "95%", requests, what),
            p99_ms=_latency(row, "99%", requests, what),
            max_ms=_latency(row, "Max Response Time", requests, what),
        )
        if entry.name == AGGREGATED and not entry.method:
            total = entry
        else:
            endpoints.append(entry)
    if total is None:
        raise ReportError("stats CSV has no Aggregated row")
    return LocustStats(endpoints=endpoints, total=total)


def parse_failures_csv(text: str) -> list[FailureEntry]:
    """Parse locust's ``*_failures.csv``; raise :class:`ReportError` if malformed."""
    rows = _rows(text, ("Method", "Name", "Error", "Occurrences"), "failures CSV")
    return [
        FailureEntry(
            method=row["Method"],
            name=row["Name"],
            error=row["Error"],
            occurrences=int(_number(row, "Occurrences", "failures CSV")),
        )
        for row in rows
    ]


def parse_exceptions_csv(text: str) -> list[ExceptionEntry]:
    """Parse locust's ``*_exceptions.csv``; raise :class:`ReportError` if malformed."""
    rows = _rows(text, ("Count", "Message"), "exceptions CSV")
    return [
        ExceptionEntry(count=int(_number(row, "Count", "exceptions CSV")), message=row["Message"])
        for row in rows
    ]


@dataclasses.dataclass(frozen=True)
class RunReport:
    """One load-test run: its set-up, locust's statistics and what the runner measured.

    ``workers`` is the server's concurrency setting as given to it (gunicorn and
    uvicorn worker processes, waitress threads; ``None`` for werkzeug's threaded
    server). ``processes`` is the number of locust processes running users.
    ``complete`` is false when the statistics are locust's last periodic snapshot
    rather than its final numbers. ``rate`` is the total requests per second the
    users were paced to (None: as fast as they could). ``measurement`` covers the
    window after warm-up (None when the run was too short for one); ``steps`` are
    the steps of a ``--shape steps`` run, judged against ``p99_bound_ms``. ``round``
    numbers the repeats of one set-up (0 when it is not repeated). A ``profiled``
    run had py-spy record a server worker; ``profile`` says where its sampled Python
    time went.
    """

    impl: str
    impl_version: str
    server: str
    server_version: str
    workers: int | None
    users: int
    spawn_rate: float
    duration_s: int
    started_at: str
    python: str
    locust_version: str
    complete: bool
    total: EndpointStats
    endpoints: list[EndpointStats]
    errors: list[FailureEntry]
    exceptions: list[ExceptionEntry]
    scenario: str = "mixed"
    shape: str = "constant"
    processes: int = 1
    measurement: Measurement | None = None
    generator: GeneratorLoad | None = None
    machine: MachineLoad | None = None
    timeline: list[TimelinePoint] = dataclasses.field(default_factory=list)
    steps: list[StepResult] = dataclasses.field(default_factory=list)
    p99_bound_ms: float | None = None
    rate: float | None = None
    round: int = 0
    profiled: bool = False
    profile_samples: int = 0
    profile: list[ProfileShare] = dataclasses.field(default_factory=list)

    @property
    def name(self) -> str:
        """Return the stem of this run's file names (see :func:`run_name`)."""
        return run_name(
            self.impl, self.server, self.scenario, self.shape, self.round, self.profiled
        )

    @property
    def capacity(self) -> StepResult | None:
        """Return the step of highest req/s within the p99 bound (steps runs only)."""
        if not self.steps or self.p99_bound_ms is None:
            return None
        return capacity(self.steps, self.p99_bound_ms)

    @property
    def ok(self) -> bool:
        """Return whether the run is complete, served requests and had no failure at all."""
        return (
            self.complete
            and self.total.requests > 0
            and self.total.failures == 0
            and not self.exceptions
        )

    @property
    def setup(self) -> str:
        """Return the server and its concurrency as a short label (``gunicorn -w 2``)."""
        return server_label(self.server, self.workers)

    def to_json(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        data: dict[str, Any] = {"schema": SCHEMA}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, EndpointStats | StepResult):
                value = value.to_json()
            elif isinstance(value, list):
                value = [
                    item.to_json()
                    if isinstance(item, EndpointStats | StepResult)
                    else dataclasses.asdict(item)
                    for item in value
                ]
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                value = dataclasses.asdict(value)
            data[field.name] = value
        return data

    @classmethod
    def from_json(cls, data: Any) -> RunReport:
        """Rebuild a report from :meth:`to_json`; raise :class:`ReportError` if it is not one."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise ReportError(f'not a load-test report (no "schema": "{SCHEMA}")')
        try:
            return cls(
                impl=data["impl"],
                impl_version=data["impl_version"],
                server=data["server"],
                server_version=data["server_version"],
                workers=data["workers"],
                users=data["users"],
                spawn_rate=data["spawn_rate"],
                duration_s=data["duration_s"],
                started_at=data["started_at"],
                python=data["python"],
                locust_version=data["locust_version"],
                complete=data["complete"],
                total=EndpointStats.from_json(data["total"]),
                endpoints=[EndpointStats.from_json(item) for item in data["endpoints"]],
                errors=[FailureEntry(**item) for item in data["errors"]],
                exceptions=[ExceptionEntry(**item) for item in data["exceptions"]],
                scenario=data["scenario"],
                shape=data["shape"],
                processes=data["processes"],
                measurement=_optional(Measurement, data["measurement"]),
                generator=_optional(GeneratorLoad, data["generator"]),
                machine=_optional(MachineLoad, data["machine"]),
                timeline=[TimelinePoint(**item) for item in data["timeline"]],
                steps=[StepResult.from_json(item) for item in data["steps"]],
                p99_bound_ms=data["p99_bound_ms"],
                rate=data["rate"],
                round=data["round"],
                profiled=data["profiled"],
                profile_samples=data["profile_samples"],
                profile=[ProfileShare(**item) for item in data["profile"]],
            )
        except KeyError as exc:
            raise ReportError(f"report lacks {exc.args[0]!r}")
        except TypeError as exc:
            raise ReportError(f"report has a malformed entry: {exc}")

    def write(self, path: Path) -> None:
        """Write the report as indented JSON to ``path``, creating its folder."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


def run_name(
    impl: str,
    server: str,
    scenario: str,
    shape: str,
    round_number: int = 0,
    profiled: bool = False,
) -> str:
    """Return ``<impl>-<server>-<scenario>[-steps][-profiled][-r<round>]``, a file stem."""
    steps = "-steps" if shape == "steps" else ""
    profile = "-profiled" if profiled else ""
    repeat = f"-r{round_number}" if round_number else ""
    return f"{impl}-{server}-{scenario}{steps}{profile}{repeat}"


def _optional(cls: Any, data: dict[str, Any] | None) -> Any:
    return None if data is None else cls(**data)


def load_report(path: Path) -> RunReport:
    """Read a JSON report; raise :class:`ReportError` naming the file if it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RunReport.from_json(data)
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}")
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not JSON: {exc.msg} (line {exc.lineno})")
    except ReportError as exc:
        raise ReportError(f"{path}: {exc}")


def server_label(server: str, workers: int | None) -> str:
    """Return a server and its concurrency as it is set on its command line."""
    if workers is None:
        return f"{server} (threaded)"
    flag = {"waitress": "--threads", "uvicorn": "--workers"}.get(server, "-w")
    return f"{server} {flag} {workers}"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.2f}%"


def render_summary(report: RunReport) -> str:
    """Return one run as a plain-text table: a row per endpoint, then the total."""
    header = (
        f"{'endpoint':<18}{'requests':>10}{'failures':>10}{'req/s':>10}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    )
    lines = [
        f"{report.impl} {report.impl_version} on {report.setup}: "
        f"{report.users} users for {report.duration_s} s"
        + ("" if report.complete else " (PARTIAL: locust's last periodic snapshot)"),
        header,
        "-" * len(header),
    ]
    for entry in [*report.endpoints, report.total]:
        if entry is report.total:
            lines.append("-" * len(header))
        lines.append(
            f"{entry.label:<18}{entry.requests:>10}{entry.failures:>10}{entry.rps:>10.1f}"
            f"{_ms(entry.median_ms):>8}{_ms(entry.p95_ms):>8}{_ms(entry.p99_ms):>8}"
        )
    for error in report.errors:
        lines.append(f"failure x{error.occurrences}: {error.method} {error.name}: {error.error}")
    for exception in report.exceptions:
        lines.append(f"exception in a task x{exception.count}: {exception.message}")
    return "\n".join(lines + measurement_lines(report))


def _us(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def describe_measurement(m: Measurement) -> str:
    """Return the requests, latency and server cost of a measured window on one line."""
    rss = "-" if m.peak_rss_mib_per_worker is None else f"{m.peak_rss_mib_per_worker:.1f} MiB"
    kernel = (
        "" if m.server_system_share is None else f" ({m.server_system_share:.0%} in the kernel)"
    )
    return (
        f"{m.requests} requests in {m.seconds} s ({m.rps:.0f} req/s, {m.failures} failures), "
        f"p50 {_latency_ms(m.p50_ms)} ms, p99 {_latency_ms(m.p99_ms)} ms; server "
        f"{_us(m.cpu_us_per_request)} us CPU per request{kernel} over {m.server_processes} "
        f"process(es), peak RSS {rss} per worker"
    )


def _latency_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def measurement_lines(report: RunReport) -> list[str]:
    """Return the lines on what the runner measured: window, steps, generator, machine."""
    lines: list[str] = []
    if report.measurement is not None:
        lines.append(f"measured after warm-up: {describe_measurement(report.measurement)}")
    elif not report.steps:
        lines.append("measured after warm-up: nothing (the run was too short for a window)")
    for step in report.steps:
        lines.append(f"step {step.users:>4} users: {describe_measurement(step.measurement)}")
    if report.steps and report.p99_bound_ms is not None:
        best = report.capacity
        lines.append(
            f"capacity (p99 <= {report.p99_bound_ms:g} ms, no failures): "
            + (
                f"{best.measurement.rps:.0f} req/s at {best.users} users"
                if best is not None
                else "none: no step stayed within the bound"
            )
        )
    if report.profile:
        lines.append(
            f"where a worker's Python time goes ({report.profile_samples} py-spy samples "
            "holding the GIL):"
        )
        lines += [f"  {share.share:>6.1%}  {share.where}" for share in report.profile]
    if report.generator is not None:
        lines.append(report.generator.verdict)
    if report.machine is not None:
        lines.append(f"machine: {report.machine.description}")
    return lines
