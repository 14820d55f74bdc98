"""``python -m loadtests faults``: no acknowledged write lost when a worker dies.

gunicorn (2 sync workers) serves the writes app (:mod:`loadtests.writes_app`, SQLite
in WAL mode) on 127.0.0.1; locust users (:mod:`loadtests.write_scenarios`) POST
writes, each with a unique id chosen by the client, and record every outcome. A third
of the way into the run one worker is sent SIGKILL; two thirds of the way in, the
master is sent SIGHUP (a graceful reload: new workers, old ones finish and exit).
After the load, the server must have two workers again and answer normally.

Then the database is compared with the outcomes: every write answered ``2xx`` must
be stored exactly once (none lost, none duplicated), and no row may have an id the
client never sent. A write whose answer was lost in a fault (the worker was killed
after the commit) may be stored: it is counted apart ("stored, answer lost"), since
the client was never told either way. The failures seen after each fault are
reported. Exit code 0 when all holds, 1 otherwise (one line says why), 2 for bad
arguments, 130 on Ctrl-C. ``--json PATH`` writes the figures for
``reports/robustness.md``.

Only 127.0.0.1 is targeted, and the run is bounded (``--duration``, at most 10
minutes, plus grace periods). Needs Linux (worker processes are found in ``/proc``).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from conformance.implementation import (
    ImplementationError,
    implementation_version,
    import_implementation,
)
from conformance.live.servers import gunicorn_has_option
from loadtests.arguments import whole_number
from loadtests.processes import run_stoppable
from loadtests.runner import (
    HOST,
    LOCUST_GRACE_S,
    OneLineErrorParser,
    RunError,
    child_environment,
    free_port,
    log_tail,
    parse_duration,
    start_process,
    stop_process,
    wait_until_ready,
)
from loadtests.writes_app import DATABASE_ENV_VAR, OUTCOMES_ENV_VAR, init_database, stored_ids

SCENARIO_FILE = Path(__file__).resolve().parent / "write_scenarios.py"
DEFAULT_OUT = Path("reports/robustness")
WORKERS = 2
DEFAULT_USERS = 8
DEFAULT_DURATION_S = 30
MIN_DURATION_S = 6
RECOVERY_TIMEOUT_S = 30.0
PROGRESS_INTERVAL_S = 2.0
POLL_INTERVAL_S = 0.1
FAULTS = ("SIGKILL one worker", "SIGHUP the master")
SENT_STATUS = "-"
"""The status of the line ``loadtests/write_scenarios.py`` records before each POST."""
CUT_SHORT = "no answer: still in flight when the load stopped"
STOP_TIMEOUT_S = 10
"""Seconds locust lets writes in flight finish when the run time is over."""


@dataclasses.dataclass(frozen=True)
class FaultOptions:
    """What ``python -m loadtests faults`` was asked to do (already validated)."""

    impl: str
    users: int
    duration_s: int
    out: Path


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One POST as the client saw it: when it ended, its id, the status (0: no answer)."""

    at: float
    write_id: str
    status: int
    error: str

    @property
    def acknowledged(self) -> bool:
        """Whether the server answered 2xx: it said the write is stored."""
        return 200 <= self.status < 300


@dataclasses.dataclass
class Fault:
    """A fault sent to the server: what, when, and the workers before and after."""

    name: str
    at: float
    workers_before: list[int]
    workers_after: list[int] = dataclasses.field(default_factory=list)


def worker_pids(master: int) -> list[int]:
    """Return the pids of the live child processes of ``master`` (read from /proc)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue  # gone meanwhile
        # "pid (command) state ppid ...": the command may contain spaces and parentheses.
        fields = stat.rpartition(")")[2].split()
        if len(fields) >= 2 and fields[1] == str(master) and fields[0] not in {"Z", "X"}:
            children.append(int(entry.name))
    return sorted(children)


def wait_for_workers(
    master: subprocess.Popen[bytes], count: int, replaced: set[int], timeout: float
) -> list[int]:
    """Wait until ``master`` has ``count`` workers, none of them in ``replaced``; return
    their pids. Raises :class:`RunError` on a timeout or if the master exits."""
    deadline = time.monotonic() + timeout
    while True:
        if master.poll() is not None:
            raise RunError(f"gunicorn's master exited with code {master.returncode}")
        workers = worker_pids(master.pid)
        if len(workers) == count and not replaced & set(workers):
            return workers
        if time.monotonic() > deadline:
            raise RunError(
                f"gunicorn did not get back to {count} new workers within {timeout:.0f} s "
                f"(workers now: {workers})"
            )
        time.sleep(POLL_INTERVAL_S)


def gunicorn_command(port: int) -> list[str]:
    """Return the command line of gunicorn serving the writes app with 2 sync workers."""
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}",
        "--workers", str(WORKERS), "--graceful-timeout", "10", "--log-level", "info",
    ]  # fmt: skip
    if gunicorn_has_option("--no-control-socket"):
        command.append("--no-control-socket")
    return [*command, "loadtests.writes_app:app"]


def locust_command(options: FaultOptions, port: int) -> list[str]:
    """Return the headless locust command loading 127.0.0.1:``port`` with writers."""
    return [
        sys.executable, "-m", "locust", "-f", str(SCENARIO_FILE), "--headless",
        "-u", str(options.users), "-r", str(options.users), "-t", f"{options.duration_s}s",
        "--host", f"http://{HOST}:{port}", "--only-summary",
        "--stop-timeout", str(STOP_TIMEOUT_S),
    ]  # fmt: skip


def read_outcomes(path: Path) -> list[Outcome]:
    """Return the outcome of every write recorded in ``path`` (a missing file has none).

    A write recorded as sent but without an outcome (the run ended while it was in
    flight) counts as unanswered, at the time it was sent.
    """
    sent: dict[str, float] = {}
    outcomes = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    for line in text.splitlines():
        at, write_id, status, error = [*line.split("\t"), "", "", ""][:4]
        if not write_id:
            continue
        if status == SENT_STATUS:
            sent[write_id] = float(at)
        else:
            sent.pop(write_id, None)
            outcomes.append(Outcome(float(at), write_id, int(status), error))
    outcomes.extend(Outcome(at, write_id, 0, CUT_SHORT) for write_id, at in sent.items())
    return outcomes


def _count_lines(path: Path) -> int:
    try:
        with path.open("rb") as file:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 16), b""))
    except FileNotFoundError:
        return 0


def _request(url: str, data: bytes | None = None) -> tuple[int, str]:
    """Send one request to the server (no proxy); return its status and body."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, data=data, timeout=10) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError as exc:
        return 0, f"{type(exc).__name__}: {exc}"


def check_server_answers(port: int) -> tuple[bool, str, str | None]:
    """After the faults: ``GET /hello`` and one more write must be answered normally.

    Returns whether they were, a description, and the id of the write if it was
    acknowledged (it must then be stored like the others).
    """
    base = f"http://{HOST}:{port}"
    status, body = _request(f"{base}/hello")
    if status != 200:
        return False, f"GET /hello answered {status} {body[:80]!r}", None
    write_id = f"after-faults-{uuid.uuid4().hex}"
    status, body = _request(f"{base}/writes", f"id={write_id}&payload=final".encode())
    if status != 201 or body != write_id:
        return False, f"a write after the faults answered {status} {body[:80]!r}", None
    return True, "GET /hello answered 200 and a new write 201", write_id


def _window_figures(outcomes: list[Outcome], start: float, end: float) -> dict[str, Any]:
    """Return the requests and failures among ``outcomes`` that ended in [start, end)."""
    inside = [outcome for outcome in outcomes if start <= outcome.at < end]
    failed = [outcome for outcome in inside if not outcome.acknowledged]
    kinds = Counter(outcome.error or f"status {outcome.status}" for outcome in failed)
    return {
        "seconds": round(end - start, 2),
        "requests": len(inside),
        "acknowledged": len(inside) - len(failed),
        "failures": len(failed),
        "failure_kinds": dict(kinds.most_common()),
        "last_failure_after_s": round(max(o.at for o in failed) - start, 2) if failed else None,
    }


def analyse(
    outcomes: list[Outcome],
    rows: list[str],
    faults: list[Fault],
    started: float,
    ended: float,
) -> dict[str, Any]:
    """Compare what the client was told with what the database holds; see the module."""
    acknowledged = {outcome.write_id for outcome in outcomes if outcome.acknowledged}
    unanswered = {outcome.write_id for outcome in outcomes if not outcome.acknowledged}
    counts = Counter(rows)
    stored = set(counts)
    times = [started, *(fault.at for fault in faults), ended]
    windows = [
        {"name": "before the faults", **_window_figures(outcomes, times[0], times[1])},
        *(
            {
                "name": f"after {fault.name}",
                "workers_before": fault.workers_before,
                "workers_after": fault.workers_after,
                **_window_figures(outcomes, times[index + 1], times[index + 2]),
            }
            for index, fault in enumerate(faults)
        ),
    ]
    return {
        "posts": len(outcomes),
        "acknowledged": len(acknowledged),
        "unanswered": len(unanswered),
        "rows": len(rows),
        "lost": len(acknowledged - stored),
        "duplicates": sum(count - 1 for count in counts.values() if count > 1),
        "stored_answer_lost": len(unanswered & stored),
        "unknown_rows": len(stored - acknowledged - unanswered),
        "windows": windows,
    }


def problems_of(figures: dict[str, Any], server_ok: bool, server_detail: str) -> list[str]:
    """Return why the run failed, if it did (lost, duplicated or unknown rows, ...)."""
    problems = []
    if figures["acknowledged"] == 0:
        problems.append("no write was acknowledged")
    for key, what in [
        ("lost", "acknowledged writes are not in the database"),
        ("duplicates", "rows are duplicates of another row's id"),
        ("unknown_rows", "rows have an id the client never sent"),
    ]:
        if figures[key]:
            problems.append(f"{figures[key]} {what}")
    if not server_ok:
        problems.append(f"the server did not answer normally afterwards: {server_detail}")
    return problems


def run_faults(options: FaultOptions, progress: IO[str] = sys.stderr) -> dict[str, Any]:
    """Serve, load, inject the faults, check the server and the database; return the
    figures (see :func:`analyse`). Raises :class:`RunError` if the run cannot be done;
    gunicorn and locust are stopped whatever happens."""
    raw = options.out / "raw" / f"faults-{options.impl}"
    raw.mkdir(parents=True, exist_ok=True)
    database = (raw / "writes.sqlite3").resolve()
    outcomes_path = (raw / "outcomes.tsv").resolve()
    outcomes_path.unlink(missing_ok=True)
    init_database(database)
    env = child_environment(options.impl)
    env[DATABASE_ENV_VAR] = str(database)
    env[OUTCOMES_ENV_VAR] = str(outcomes_path)
    port = free_port()
    server_log, locust_log = raw / "gunicorn.log", raw / "locust.log"
    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    faults: list[Fault] = []
    server: subprocess.Popen[bytes] | None = None
    locust: subprocess.Popen[bytes] | None = None
    with server_log.open("wb") as server_out, locust_log.open("wb") as locust_out:
        try:
            print(f"starting gunicorn ({WORKERS} workers) serving {options.impl} on "
                  f"{HOST}:{port}", file=progress, flush=True)  # fmt: skip
            server = start_process(gunicorn_command(port), server_out, env, raw)
            wait_until_ready(server, "gunicorn", port, server_log)
            initial = wait_for_workers(server, WORKERS, set(), RECOVERY_TIMEOUT_S)
            print(f"loading it with {options.users} writers for {options.duration_s} s; "
                  f"workers {initial}", file=progress, flush=True)  # fmt: skip
            locust = start_process(locust_command(options, port), locust_out, env, raw)
            started = time.time()
            schedule = [started + options.duration_s * (i + 1) / 3 for i in range(len(FAULTS))]
            next_progress = time.monotonic() + PROGRESS_INTERVAL_S
            while locust.poll() is None:
                elapsed = time.time() - started
                if elapsed > options.duration_s + STOP_TIMEOUT_S + LOCUST_GRACE_S:
                    raise RunError("locust overran its time limit and was stopped")
                if server.poll() is not None:
                    raise RunError(f"gunicorn exited with code {server.returncode} mid-run")
                if len(faults) < len(FAULTS) and time.time() >= schedule[len(faults)]:
                    faults.append(_inject(server, FAULTS[len(faults)], progress))
                if time.monotonic() >= next_progress:
                    next_progress += PROGRESS_INTERVAL_S
                    print(f"  [{elapsed:>4.0f}s/{options.duration_s}s] "
                          f"{_count_lines(outcomes_path) // 2} writes answered or failed",
                          file=progress, flush=True)  # fmt: skip
                time.sleep(POLL_INTERVAL_S)
            ended = time.time()
            if len(faults) < len(FAULTS):
                raise RunError(
                    f"locust ended after {ended - started:.0f} s, before every fault was sent; "
                    f"last lines of {locust_log}: {log_tail(locust_log)}"
                )
            previous = set(faults[-1].workers_before)
            workers = wait_for_workers(server, WORKERS, previous, RECOVERY_TIMEOUT_S)
            faults[-1].workers_after = workers
            server_ok, server_detail, final_id = check_server_answers(port)
        finally:
            for process in (locust, server):
                if process is not None:
                    stop_process(process)
    outcomes = read_outcomes(outcomes_path)
    if not outcomes:
        raise RunError(f"locust recorded no write; last lines of {locust_log}: "
                       f"{log_tail(locust_log)}")  # fmt: skip
    if final_id is not None:
        outcomes.append(Outcome(ended, final_id, 201, ""))
    figures = analyse(outcomes, stored_ids(database), faults, started, ended)
    module = import_implementation(options.impl)
    problems = problems_of(figures, server_ok, server_detail)
    return {
        "kind": "faults",
        "impl": options.impl,
        "impl_version": implementation_version(module),
        "server": "gunicorn",
        "workers": WORKERS,
        "users": options.users,
        "duration_s": options.duration_s,
        "started_at": started_at,
        **figures,
        "server_after": server_detail,
        "problems": problems,
        "ok": not problems,
    }


def _inject(server: subprocess.Popen[bytes], name: str, progress: IO[str]) -> Fault:
    """Send fault ``name`` to gunicorn; for a SIGKILL, wait for the replacement."""
    workers = worker_pids(server.pid)
    fault = Fault(name, time.time(), workers)
    if name == FAULTS[0]:
        if not workers:
            raise RunError("gunicorn has no worker to kill")
        os.kill(workers[0], signal.SIGKILL)
        fault.workers_after = wait_for_workers(server, WORKERS, {workers[0]}, RECOVERY_TIMEOUT_S)
        detail = f"killed worker {workers[0]}; workers now {fault.workers_after}"
    else:
        os.kill(server.pid, signal.SIGHUP)
        detail = f"workers {workers} are to be replaced"
    print(f"  {name}: {detail}", file=progress, flush=True)
    return fault


def build_parser() -> OneLineErrorParser:
    """Return the parser of ``python -m loadtests faults``."""
    parser = OneLineErrorParser(
        prog="python -m loadtests faults",
        description="Kill a gunicorn worker and reload gunicorn under a load of writes; "
        "check that no acknowledged write is lost or duplicated.",
    )
    parser.add_argument("--impl", default="framework", help="implementation module (framework)")
    parser.add_argument(
        "--users", type=whole_number(1), default=DEFAULT_USERS, help=f"writers ({DEFAULT_USERS})"
    )
    parser.add_argument(
        "--duration",
        type=parse_duration,
        default=DEFAULT_DURATION_S,
        help=f"run time, e.g. 30s or 1m (30s; at least {MIN_DURATION_S}s)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder ({DEFAULT_OUT})")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures as JSON")
    return parser


def summary_lines(report: dict[str, Any]) -> list[str]:
    """Return the human summary of a fault run: totals, then one line per window."""
    lines = [
        f"faults {report['impl']}: {report['posts']} POSTs, {report['acknowledged']} answered "
        f"2xx, {report['rows']} rows; lost {report['lost']}, duplicates "
        f"{report['duplicates']}, stored with the answer lost {report['stored_answer_lost']}, "
        f"unknown rows {report['unknown_rows']}; afterwards: {report['server_after']}"
    ]
    for window in report["windows"]:
        kinds = "; ".join(f"{kind} ({n})" for kind, n in window["failure_kinds"].items())
        lines.append(
            f"  {window['name']}: {window['requests']} requests, {window['failures']} failed"
            + (f": {kinds}" if kinds else "")
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m loadtests faults``; return the exit code (see the module)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.duration < MIN_DURATION_S:
        parser.error(f"--duration must be at least {MIN_DURATION_S} s (three phases)")
    if not Path("/proc/self/stat").exists():
        parser.error("needs Linux: gunicorn's workers are found through /proc")
    try:
        import_implementation(args.impl)
    except ImplementationError as exc:
        parser.error(str(exc))
    options = FaultOptions(args.impl, args.users, args.duration, args.out)
    report, failed = run_stoppable(
        lambda: run_faults(options), parser.prog, "gunicorn and locust stopped"
    )
    if report is None:
        return failed or 1
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print("\n".join(summary_lines(report)))
    if report["problems"]:
        print(f"{parser.prog}: FAILED on {args.impl}: {'; '.join(report['problems'])}",
              file=sys.stderr)  # fmt: skip
        return 1
    return 0
