"""Load-test results: parsing locust's CSV statistics, the JSON report, the tables.

A run of ``python -m loadtests run`` leaves locust's CSV files; :func:`parse_stats_csv`,
:func:`parse_failures_csv` and :func:`parse_exceptions_csv` read them,
:class:`RunReport` holds one run and round-trips through JSON
(``reports/load/<impl>-<server>.json``), :func:`render_summary` prints one run as a
table and :func:`render_comparison` sets several runs side by side in Markdown.
Nothing here imports locust.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

SCHEMA = "flaskspec-load/1"
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
    """One load-test run: its set-up and locust's statistics.

    ``workers`` is the server's concurrency setting as given to it (gunicorn and
    uvicorn worker processes, waitress threads; ``None`` for werkzeug's threaded
    server). ``complete`` is false when the statistics are locust's last periodic
    snapshot rather than its final numbers.
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
            if isinstance(value, EndpointStats):
                value = value.to_json()
            elif isinstance(value, list):
                value = [
                    item.to_json() if isinstance(item, EndpointStats) else dataclasses.asdict(item)
                    for item in value
                ]
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
            )
        except KeyError as exc:
            raise ReportError(f"report lacks {exc.args[0]!r}")
        except TypeError as exc:
            raise ReportError(f"report has a malformed entry: {exc}")

    def write(self, path: Path) -> None:
        """Write the report as indented JSON to ``path``, creating its folder."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


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
    return "\n".join(lines)


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or not denominator:
        return "-"
    return f"{numerator / denominator:.2f}"


def render_comparison(reports: Iterable[RunReport], baseline: str = "flask") -> str:
    """Return a Markdown table setting runs side by side, one row per set-up.

    A set-up is a server with its concurrency, user count and duration; each
    implementation gets RPS, p50, p95 and failure-rate columns, and each
    implementation other than ``baseline`` a ratio to it (RPS above 1 and latency
    below 1 favour that implementation). Raises :class:`ReportError` when two
    reports describe the same implementation and set-up.
    """
    by_setup: dict[tuple[str, int | None, int, int], dict[str, RunReport]] = {}
    for report in reports:
        key = (report.server, report.workers, report.users, report.duration_s)
        runs = by_setup.setdefault(key, {})
        if report.impl in runs:
            raise ReportError(
                f"two reports for {report.impl} on {report.setup} with {report.users} users "
                f"for {report.duration_s} s"
            )
        runs[report.impl] = report
    impls = sorted({impl for runs in by_setup.values() for impl in runs})
    # The baseline goes last, next to the ratios to it.
    if baseline in impls:
        impls = [impl for impl in impls if impl != baseline] + [baseline]
        compared = impls[:-1]
    else:
        compared = []
    columns = ["server", "load"]
    for impl in impls:
        columns += [f"{impl} req/s", f"{impl} p50 ms", f"{impl} p95 ms", f"{impl} failures"]
    for impl in compared:
        columns += [f"req/s {impl}/{baseline}", f"p50 {impl}/{baseline}", f"p95 {impl}/{baseline}"]
    lines = [
        "# Load-test comparison",
        "",
        "Requests per second (higher is better), median and 95th-percentile latency in ms "
        "(lower is better) and failure rate, measured by locust against a server on "
        "127.0.0.1. "
        + (
            f"Ratios divide by {baseline}: req/s above 1 and latency below 1 favour the "
            "other implementation."
            if compared
            else "No ratios: no run of the baseline implementation."
        ),
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "|".join(" --- " for _ in columns) + "|",
    ]
    partial: list[str] = []
    for key in sorted(by_setup, key=lambda k: (k[0], k[1] or 0, k[2], k[3])):
        runs = by_setup[key]
        server, workers, users, duration = key
        cells = [server_label(server, workers), f"{users} users, {duration} s"]
        for impl in impls:
            run = runs.get(impl)
            if run is None:
                cells += ["-"] * 4
                continue
            if not run.complete:
                partial.append(f"{impl} on {run.setup}")
            cells += [
                f"{run.total.rps:.1f}",
                _ms(run.total.median_ms),
                _ms(run.total.p95_ms),
                _percent(run.total.failure_rate),
            ]
        base = runs.get(baseline)
        for impl in compared:
            run = runs.get(impl)
            if run is None or base is None:
                cells += ["-"] * 3
                continue
            cells += [
                _ratio(run.total.rps, base.total.rps),
                _ratio(run.total.median_ms, base.total.median_ms),
                _ratio(run.total.p95_ms, base.total.p95_ms),
            ]
        lines.append("| " + " | ".join(cells) + " |")
    if partial:
        lines += ["", "Partial statistics (locust's last periodic snapshot): " + ", ".join(partial)]
    return "\n".join(lines) + "\n"
