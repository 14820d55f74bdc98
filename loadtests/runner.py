"""``python -m loadtests``: load a real server running an implementation, compare runs.

``run`` starts the chosen WSGI server as a subprocess on ``127.0.0.1`` (an ephemeral
port) serving the load-test app built on the chosen implementation (or the raw WSGI
floor, ``--impl raw``), waits until it answers, then runs locust headless against it
for a bounded time while printing progress: one locust process, or with
``--processes N`` locust's distributed mode, a master and N workers on 127.0.0.1.
Meanwhile it samples the CPU time and memory of the server's process tree and of
locust's processes (:mod:`loadtests.sampling`), and each locust process counts the
requests it made per second (:mod:`loadtests.timeline`). It always stops every
process, then writes ``<out>/<impl>-<server>-<scenario>[-steps].json`` and prints a
summary: locust's table, then the measured window after warm-up (req/s, latency, the
server's CPU microseconds per request and peak memory per worker), whether the
generator was saturated (its req/s are then the generator's, not the server's) and
how busy the machine was. With ``--shape steps`` the users rise step by step and the
capacity is the highest req/s of a step whose p99 stays under ``--p99-ms``.

Locust's CSV files, its HTML report and the processes' logs go to ``<out>/raw/``. The
exit code is 0 when every request succeeded, 1 when any failed (or none was made), 2
for bad arguments and 130 on Ctrl-C.

``compare`` reads such JSON reports and writes ``comparison.md`` and ``comparison.html``
(charts) next to the first one, or into ``--out`` (see :mod:`loadtests.comparison`).

Only 127.0.0.1 is ever targeted and every run is bounded: durations over 10 minutes
are refused, and locust is killed if it runs past its duration plus a grace period.
Locust is never imported here (it monkey-patches the standard library with gevent);
it runs as ``python -m locust``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import importlib.metadata
import importlib.util
import math
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, NoReturn

from conformance.implementation import (
    ImplementationError,
    implementation_version,
    import_implementation,
)
from loadtests.apps import IMPL_ENV_VAR, RAW_IMPL
from loadtests.comparison import write_comparison
from loadtests.contract import SCENARIO_USERS, USER_RATE_ENV_VAR
from loadtests.measures import GENERATOR_GROUP, SERVER_GROUP, measure, timeline_points
from loadtests.processes import (
    HOST,
    RunError,
    first_worker,
    free_port,
    log_tail,
    run_stoppable,
    start_process,
    stop_process,
    wait_until_ready,
)
from loadtests.profiling import (
    PYSPY,
    ProfileShare,
    pyspy_command,
    pyspy_path,
    summarise_profile,
)
from loadtests.report import (
    FINAL_EXCEPTIONS_SUFFIX,
    FINAL_FAILURES_SUFFIX,
    FINAL_STATS_SUFFIX,
    PERIODIC_EXCEPTIONS_SUFFIX,
    PERIODIC_FAILURES_SUFFIX,
    PERIODIC_STATS_SUFFIX,
    ReportError,
    RunReport,
    parse_exceptions_csv,
    parse_failures_csv,
    parse_stats_csv,
    render_summary,
    run_name,
)
from loadtests.sampling import TreeSampler
from loadtests.steps import StepPlan
from loadtests.timeline import TIMELINE_DIR_ENV_VAR, TIMELINE_GLOB, load_timeline

__all__ = [
    "HOST",
    "RunError",
    "free_port",
    "start_process",
    "stop_process",
    "wait_until_ready",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_FILE = Path(__file__).resolve().parent / "scenarios.py"
SHAPES_FILE = Path(__file__).resolve().parent / "shapes.py"
DEFAULT_OUT = Path("reports/load")

MAX_DURATION_S = 600
# The concurrency each server gets when --workers is not given (werkzeug has none).
DEFAULT_WORKERS = {"werkzeug": None, "gunicorn": 2, "waitress": 4, "uvicorn": 1}
SERVERS = tuple(DEFAULT_WORKERS)
SCENARIOS = tuple(SCENARIO_USERS)
SHAPES = ("constant", "steps")
# The distributions each server needs, the first one naming its version.
SERVER_PACKAGES = {
    "werkzeug": ("werkzeug",),
    "gunicorn": ("gunicorn",),
    "waitress": ("waitress",),
    "uvicorn": ("uvicorn", "asgiref"),
}
# Locust needs a few seconds to start (and its workers to connect) and to stop.
LOCUST_GRACE_S = 30.0
PROGRESS_INTERVAL_S = 2.0
POLL_INTERVAL_S = 0.1
DEFAULT_P99_MS = 50.0
DEFAULT_WARMUP_S = 2
# Locust processes running users by default: one per core, so the generator can use every
# core it is given (at most 4: beyond that, spread it over machines; see the README).
DEFAULT_PROCESSES = max(1, min(4, os.cpu_count() or 1))

# The werkzeug development server, threaded, without a log line per request.
WERKZEUG_BOOT = (
    "import logging, sys\n"
    "from werkzeug.serving import run_simple\n"
    "from loadtests.apps import app\n"
    "logging.getLogger('werkzeug').setLevel(logging.WARNING)\n"
    "run_simple(sys.argv[1], int(sys.argv[2]), app, threaded=True)\n"
)
# Settings a user's environment could slip into a child process.
SCRUBBED_ENV_PREFIXES = ("LOCUST_", "GUNICORN_", "UVICORN_", "WEB_CONCURRENCY")
PROXY_ENV_VARS = ("http_proxy", "https_proxy", "all_proxy")


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """What ``python -m loadtests run`` was asked to do (already validated).

    ``processes`` is the number of locust processes running users (a master and that
    many workers when above 1); ``step_plan`` is set for ``--shape steps``, whose
    duration it decides.
    """

    impl: str
    server: str
    users: int
    spawn_rate: float
    duration_s: int
    workers: int | None
    out: Path
    scenario: str = "mixed"
    processes: int = DEFAULT_PROCESSES
    warmup_s: int = DEFAULT_WARMUP_S
    p99_ms: float = DEFAULT_P99_MS
    step_plan: StepPlan | None = None
    rate: float | None = None
    round: int = 0
    profile: bool = False

    @property
    def user_rate(self) -> float | None:
        """Return the requests per second each user is paced to (None: no pacing)."""
        return None if self.rate is None else self.rate / self.users

    @property
    def shape(self) -> str:
        """Return ``"steps"`` for a saturation search, else ``"constant"``."""
        return "constant" if self.step_plan is None else "steps"

    @property
    def name(self) -> str:
        """Return the stem of the report's file names (see :func:`run_name`)."""
        return run_name(self.impl, self.server, self.scenario, self.shape, self.round, self.profile)

    @property
    def run_time_s(self) -> int:
        """Return how long locust loads the server."""
        return self.step_plan.duration_s if self.step_plan is not None else self.duration_s


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``prog: error: ...``), exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` as a one-line error and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message}\n")


def parse_duration(text: str) -> int:
    """Return the seconds in a duration such as ``90``, ``10s``, ``2m`` or ``1m30s``.

    Raises ``argparse.ArgumentTypeError`` for anything else, for zero and for more
    than 10 minutes.
    """
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s?)?", text.strip())
    if not text.strip() or match is None:
        raise argparse.ArgumentTypeError(
            f"bad duration {text!r}: use seconds or minutes, e.g. 30, 10s, 2m or 1m30s"
        )
    minutes, seconds = (int(group) if group else 0 for group in match.groups())
    total = minutes * 60 + seconds
    if total == 0:
        raise argparse.ArgumentTypeError(f"bad duration {text!r}: must be at least 1 second")
    if total > MAX_DURATION_S:
        raise argparse.ArgumentTypeError(
            f"duration {text!r} is over the limit of {MAX_DURATION_S // 60} minutes"
        )
    return total


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if value < minimum:
        limit = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
        raise argparse.ArgumentTypeError(f"{text!r} {limit}")
    return value


def _positive_int(text: str) -> int:
    return _whole_number(text, 1)


def _non_negative_int(text: str) -> int:
    return _whole_number(text, 0)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return value


def build_parser() -> OneLineErrorParser:
    """Return the parser of ``python -m loadtests`` with its ``run`` and ``compare`` commands."""
    parser = OneLineErrorParser(
        prog="python -m loadtests",
        description="Load a real server running an implementation with locust; compare runs.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{run,compare}")
    run = commands.add_parser(
        "run",
        help="load one implementation on one server",
        description="Start a server on 127.0.0.1 and load it with locust for a bounded time.",
    )
    run.add_argument("--impl", default="framework", help="implementation module (framework)")
    run.add_argument("--server", default="werkzeug", choices=SERVERS, help="WSGI server")
    run.add_argument("--users", type=_positive_int, default=10, help="concurrent users (10)")
    run.add_argument(
        "--spawn-rate", type=_positive_float, default=10.0, help="users started per second (10)"
    )
    run.add_argument(
        "--duration",
        type=parse_duration,
        default=10,
        help=f"run time, e.g. 10s or 1m30s (10s; at most {MAX_DURATION_S // 60}m)",
    )
    run.add_argument(
        "--workers",
        type=_positive_int,
        help="gunicorn/uvicorn worker processes, waitress threads (2, 1, 4)",
    )
    run.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report folder ({DEFAULT_OUT})")
    run.add_argument(
        "--scenario", default="mixed", choices=SCENARIOS, help="what the users request (mixed)"
    )
    run.add_argument(
        "--processes",
        type=_positive_int,
        default=DEFAULT_PROCESSES,
        help="locust processes running users; above 1, a master and that many workers "
        f"(one per core: {DEFAULT_PROCESSES})",
    )
    run.add_argument(
        "--warmup",
        type=_non_negative_int,
        default=DEFAULT_WARMUP_S,
        help=f"seconds after the last user started before measuring ({DEFAULT_WARMUP_S})",
    )
    run.add_argument(
        "--shape",
        default="constant",
        choices=SHAPES,
        help="constant users, or steps: a saturation search (constant)",
    )
    run.add_argument(
        "--p99-ms",
        type=_positive_float,
        default=DEFAULT_P99_MS,
        help=f"p99 latency bound of the saturation search, ms ({DEFAULT_P99_MS:g})",
    )
    run.add_argument(
        "--step-users", type=_positive_int, default=10, help="users added per step (10)"
    )
    run.add_argument(
        "--step-seconds", type=_positive_int, default=6, help="length of a step, s (6)"
    )
    run.add_argument("--steps", type=_positive_int, default=5, help="number of steps (5)")
    run.add_argument(
        "--profile",
        action="store_true",
        help="record one server worker with py-spy and say where its Python time goes",
    )
    run.add_argument(
        "--round",
        type=_non_negative_int,
        default=0,
        help="number this run as a repeat of its set-up; compare takes the median (0: none)",
    )
    run.add_argument(
        "--rate",
        type=_positive_float,
        help="pace the users to this many requests/s in all (default: as fast as they can)",
    )
    compare = commands.add_parser(
        "compare",
        help="set JSON reports side by side in comparison.md and comparison.html",
        description="Write comparison.md and comparison.html from JSON reports of `run`.",
    )
    compare.add_argument("reports", nargs="+", type=Path, help="JSON reports of `run`")
    compare.add_argument("--out", type=Path, help="folder for the comparison (the first report's)")
    compare.add_argument(
        "--baseline", default="flask", help="implementation the ratios divide by (flask)"
    )
    return parser


class UsageError(ValueError):
    """The arguments of ``run`` are unusable (the message is one line)."""


def validate_run(args: argparse.Namespace) -> RunOptions:
    """Check what argparse cannot (the implementation, installed tools, --workers, steps).

    Returns the options; raises :class:`UsageError` on a problem.
    """
    if args.impl != RAW_IMPL:
        try:
            module = import_implementation(args.impl)
        except ImplementationError as exc:
            raise UsageError(str(exc))
        if not hasattr(module, "Flask"):
            raise UsageError(f"--impl {args.impl}: module {args.impl!r} has no Flask class")
    for package in (*SERVER_PACKAGES[args.server], "locust", "psutil"):
        if importlib.util.find_spec(package) is None:
            raise UsageError(f"{package} is not installed (pip install {package})")
    if args.profile and pyspy_path() is None:
        raise UsageError("--profile needs py-spy (pip install py-spy)")
    if args.server == "werkzeug" and args.workers is not None:
        raise UsageError("--workers does not apply to --server werkzeug (one threaded process)")
    workers = args.workers if args.workers is not None else DEFAULT_WORKERS[args.server]
    plan = None
    if args.shape == "steps" and args.rate is not None:
        raise UsageError(
            "--rate does not apply to --shape steps (its users go as fast as they can)"
        )
    if args.shape == "steps":
        plan = StepPlan(args.step_users, args.step_seconds, args.steps)
        if plan.step_seconds < 3:
            raise UsageError("--step-seconds must be at least 3 (a step needs a settled second)")
        if plan.duration_s > MAX_DURATION_S:
            raise UsageError(
                f"--steps x --step-seconds is {plan.duration_s} s, over the limit of "
                f"{MAX_DURATION_S // 60} minutes"
            )
    return RunOptions(
        impl=args.impl,
        server=args.server,
        users=args.users,
        spawn_rate=args.spawn_rate,
        duration_s=args.duration,
        workers=workers,
        out=args.out,
        scenario=args.scenario,
        processes=args.processes,
        warmup_s=args.warmup,
        p99_ms=args.p99_ms,
        step_plan=plan,
        rate=args.rate,
        round=args.round,
        profile=args.profile,
    )


def server_command(server: str, port: int, workers: int | None) -> list[str]:
    """Return the command line that serves ``loadtests.apps:app`` on 127.0.0.1:``port``."""
    python = sys.executable
    if server == "werkzeug":
        return [python, "-c", WERKZEUG_BOOT, HOST, str(port)]
    if server == "gunicorn":
        return [
            python, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers", str(workers),
            "--graceful-timeout", "5", "--log-level", "warning", "loadtests.apps:app",
        ]  # fmt: skip
    if server == "waitress":
        return [
            python, "-m", "waitress", f"--listen={HOST}:{port}", f"--threads={workers}",
            "loadtests.apps:app",
        ]  # fmt: skip
    if server == "uvicorn":
        return [
            python, "-m", "uvicorn", "loadtests.asgi:app", "--host", HOST, "--port", str(port),
            "--workers", str(workers), "--lifespan", "off", "--no-access-log",
            "--log-level", "warning", "--timeout-graceful-shutdown", "5",
        ]  # fmt: skip
    raise ValueError(f"unknown server {server!r}; expected one of {', '.join(SERVERS)}")


def locustfiles(options: RunOptions) -> str:
    """Return locust's ``-f`` argument: the scenarios, and the step shape if one is asked for."""
    files = [str(SCENARIOS_FILE)]
    if options.step_plan is not None:
        files.append(str(SHAPES_FILE))
    return ",".join(files)


def locust_command(
    options: RunOptions, port: int, csv_prefix: Path, master_port: int | None = None
) -> list[str]:
    """Return the headless locust command loading 127.0.0.1:``port`` as ``options`` say.

    With ``master_port``, it is the master of a distributed run, bound to 127.0.0.1 on
    that port and waiting for ``options.processes`` workers. It writes CSV statistics
    under ``csv_prefix`` and its HTML report to ``<csv_prefix>.html``.
    """
    command = [
        sys.executable, "-m", "locust", "-f", locustfiles(options), "--headless",
        "--host", f"http://{HOST}:{port}", "--csv", str(csv_prefix),
        "--html", f"{csv_prefix}.html", "--only-summary",
    ]  # fmt: skip
    if options.step_plan is None:
        command += ["-u", str(options.users), "-r", str(options.spawn_rate)]
        command += ["-t", f"{options.duration_s}s"]
    if master_port is not None:
        command += [
            "--master", "--expect-workers", str(options.processes),
            "--master-bind-host", HOST, "--master-bind-port", str(master_port),
        ]  # fmt: skip
    return command + list(SCENARIO_USERS[options.scenario])


def locust_worker_command(options: RunOptions, master_port: int) -> list[str]:
    """Return the command of a locust worker joining the master on 127.0.0.1:``master_port``."""
    return [
        sys.executable, "-m", "locust", "-f", locustfiles(options), "--worker",
        "--master-host", HOST, "--master-port", str(master_port),
        *SCENARIO_USERS[options.scenario],
    ]  # fmt: skip


def child_environment(
    impl: str,
    timeline_dir: Path | None = None,
    plan: StepPlan | None = None,
    user_rate: float | None = None,
) -> dict[str, str]:
    """Return the environment of the server and locust processes.

    ``LOADTEST_IMPL`` chooses the implementation, ``LOADTEST_TIMELINE_DIR`` where
    locust's processes count their requests, the step plan and the users' pacing
    (``LOADTEST_USER_RATE``) are passed on when given, the project and the caller's
    folder are importable, no proxy is used for 127.0.0.1, and settings of locust,
    gunicorn or uvicorn from the caller's environment are dropped so that the
    command lines alone decide.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.upper().startswith(SCRUBBED_ENV_PREFIXES) and key.lower() not in PROXY_ENV_VARS
    }
    env[IMPL_ENV_VAR] = impl
    if timeline_dir is not None:
        env[TIMELINE_DIR_ENV_VAR] = str(timeline_dir)
    if plan is not None:
        env.update(plan.environment())
    if user_rate is not None:
        env[USER_RATE_ENV_VAR] = repr(user_rate)
    # The children run in the report folder: the caller's folder keeps its modules importable.
    paths = [str(PROJECT_ROOT), os.getcwd(), env.get("PYTHONPATH")]
    env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    env["NO_PROXY"] = env["no_proxy"] = f"{HOST},localhost"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _progress_line(elapsed: float, duration: int, stats_path: Path) -> str:
    """Return one progress line from locust's periodic stats file (if readable yet)."""
    head = f"  [{min(elapsed, duration):>4.0f}s/{duration}s]"
    try:
        total = parse_stats_csv(stats_path.read_text(encoding="utf-8")).total
    except (OSError, ReportError):
        return f"{head} waiting for locust's first statistics"
    return f"{head} {total.requests} requests, {total.failures} failures, {total.rps:.0f} req/s"


def watch_locust(
    locust: subprocess.Popen[bytes],
    server: subprocess.Popen[bytes],
    options: RunOptions,
    stats_path: Path,
    progress: IO[str],
) -> int:
    """Wait for locust to finish, printing progress every few seconds; return its exit code.

    Kills locust and raises :class:`RunError` if it overruns its duration plus a grace
    period or if the server exits during the run.
    """
    started = time.monotonic()
    duration = options.run_time_s
    limit = duration + LOCUST_GRACE_S
    next_progress = started + PROGRESS_INTERVAL_S
    while (code := locust.poll()) is None:
        now = time.monotonic()
        if now - started > limit:
            stop_process(locust)
            raise RunError(f"locust overran its time limit of {limit:.0f} s and was killed")
        server_code = server.poll()
        if server_code is not None:
            stop_process(locust)
            raise RunError(f"{options.server} exited with code {server_code} during the run")
        if now >= next_progress:
            print(_progress_line(now - started, duration, stats_path), file=progress)
            progress.flush()
            next_progress = now + PROGRESS_INTERVAL_S
        time.sleep(POLL_INTERVAL_S)
    return code


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def read_results(options: RunOptions, csv_prefix: Path, started_at: str) -> RunReport:
    """Build the run's report from locust's CSV files under ``csv_prefix``.

    Prefers the final statistics the scenarios write on quit and falls back on
    locust's last periodic snapshot (the report then says it is not complete).
    Raises :class:`RunError` when there are no statistics or they are malformed.
    """
    final = Path(f"{csv_prefix}{FINAL_STATS_SUFFIX}")
    complete = final.exists()
    suffixes = (
        (FINAL_STATS_SUFFIX, FINAL_FAILURES_SUFFIX, FINAL_EXCEPTIONS_SUFFIX)
        if complete
        else (PERIODIC_STATS_SUFFIX, PERIODIC_FAILURES_SUFFIX, PERIODIC_EXCEPTIONS_SUFFIX)
    )
    stats_path, failures_path, exceptions_path = (Path(f"{csv_prefix}{s}") for s in suffixes)
    try:
        stats = parse_stats_csv(stats_path.read_text(encoding="utf-8"))
        errors = parse_failures_csv(failures_path.read_text(encoding="utf-8"))
        exceptions = parse_exceptions_csv(exceptions_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RunError(f"locust wrote no statistics ({exc.filename} is missing)")
    except ReportError as exc:
        raise RunError(f"cannot read locust's statistics: {exc}")
    if options.impl == RAW_IMPL:
        impl_version = f"WSGI (Python {platform.python_version()})"
    else:
        impl_version = implementation_version(import_implementation(options.impl))
    return RunReport(
        impl=options.impl,
        impl_version=impl_version,
        server=options.server,
        server_version=_version(SERVER_PACKAGES[options.server][0]),
        workers=options.workers,
        users=options.users
        if options.step_plan is None
        else options.step_plan.steps * options.step_plan.step_users,
        spawn_rate=options.spawn_rate
        if options.step_plan is None
        else options.step_plan.spawn_rate,
        duration_s=options.run_time_s,
        started_at=started_at,
        python=platform.python_version(),
        locust_version=_version("locust"),
        complete=complete,
        total=stats.total,
        endpoints=stats.endpoints,
        errors=errors,
        exceptions=exceptions,
        scenario=options.scenario,
        shape=options.shape,
        processes=options.processes,
        p99_bound_ms=options.p99_ms if options.step_plan is not None else None,
        rate=options.rate,
        round=options.round,
        profiled=options.profile,
    )


def _say(progress: IO[str], text: str) -> None:
    print(text, file=progress, flush=True)


def run_load_test(options: RunOptions, progress: IO[str] = sys.stderr) -> RunReport:
    """Serve the app, load it with locust, stop everything; write and return the report.

    The report goes to ``<out>/<name>.json``; CSV files, the HTML report, the
    timeline and logs to ``<out>/raw/``. Raises :class:`RunError` when the run cannot
    be carried out; the server and locust are stopped whatever happens (also on
    Ctrl-C).
    """
    raw = options.out / "raw"
    timeline_dir = (raw / f"{options.name}.timeline").resolve()
    timeline_dir.mkdir(parents=True, exist_ok=True)
    csv_prefix = (raw / options.name).resolve()
    for stale in [*raw.glob(f"{options.name}_*.csv"), *timeline_dir.glob(TIMELINE_GLOB)]:
        stale.unlink()
    server_log_path = raw / f"{options.name}.server.log"
    profile_path = (raw / f"{options.name}.pyspy.txt").resolve()
    profile_path.unlink(missing_ok=True)
    locust_log_path = raw / f"{options.name}.locust.log"
    env = child_environment(options.impl, timeline_dir, options.step_plan, options.user_rate)
    port = free_port()
    master_port = free_port() if options.processes > 1 else None
    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    sampler = TreeSampler()
    processes: list[subprocess.Popen[bytes]] = []
    logs = contextlib.ExitStack()

    def start(command: list[str], log_path: Path) -> subprocess.Popen[bytes]:
        log = logs.enter_context(open(log_path, "wb"))  # noqa: SIM115 (the ExitStack closes it)
        process = start_process(command, log, env, raw)
        processes.append(process)
        return process

    try:
        _say(progress, f"starting {options.server} on {HOST}:{port} serving {options.impl}")
        server = start(server_command(options.server, port, options.workers), server_log_path)
        wait_until_ready(server, options.server, port, server_log_path)
        sampler.watch(SERVER_GROUP, server.pid)
        load = (
            f"steps of {options.step_plan.step_users} users every "
            f"{options.step_plan.step_seconds} s, {options.step_plan.steps} steps"
            if options.step_plan is not None
            else f"{options.users} users for {options.duration_s} s"
            + ("" if options.rate is None else f", paced to {options.rate:g} req/s in all")
        )
        generator = (
            "one locust process"
            if master_port is None
            else (f"a locust master and {options.processes} workers")
        )
        _say(progress, f"loading it ({options.scenario}) with {load}, from {generator}")
        locust = start(locust_command(options, port, csv_prefix, master_port), locust_log_path)
        sampler.watch(GENERATOR_GROUP, locust.pid)
        if master_port is not None:
            for index in range(options.processes):
                worker = start(
                    locust_worker_command(options, master_port),
                    raw / f"{options.name}.worker{index + 1}.log",
                )
                sampler.watch(GENERATOR_GROUP, worker.pid)
        sampler.start()
        profiler = None
        if options.profile:
            worker_pid = first_worker(server.pid)
            _say(progress, f"profiling {options.server} worker {worker_pid} with py-spy")
            profiler = start(
                pyspy_command(
                    pyspy_path() or PYSPY, worker_pid, options.run_time_s + 3, profile_path
                ),
                raw / f"{options.name}.pyspy.log",
            )
        code = watch_locust(
            locust, server, options, Path(f"{csv_prefix}{PERIODIC_STATS_SUFFIX}"), progress
        )
        if profiler is not None:
            # py-spy writes its samples when its duration is over: let it finish (a
            # py-spy that hangs is stopped below, and the report has no profile).
            with contextlib.suppress(subprocess.TimeoutExpired):
                profiler.wait(timeout=options.run_time_s + LOCUST_GRACE_S)
    finally:
        sampler.stop()
        for process in reversed(processes):
            stop_process(process)
        logs.close()
    try:
        report = read_results(options, csv_prefix, started_at)
    except RunError as exc:
        raise RunError(
            f"{exc}; locust exited with code {code}; last lines of {locust_log_path}: "
            f"{log_tail(locust_log_path)}"
        )
    profile_samples, profile = 0, list[ProfileShare]()
    if options.profile and profile_path.exists():
        with open(profile_path, encoding="utf-8") as file:
            profile_samples, profile = summarise_profile(file, options.server)
    timeline = load_timeline(timeline_dir)
    settle_s = math.ceil(options.users / options.spawn_rate) + options.warmup_s
    measured = measure(timeline, sampler, options.processes, options.step_plan, settle_s)
    report = dataclasses.replace(
        report,
        measurement=measured.measurement,
        steps=measured.steps,
        generator=measured.generator,
        machine=measured.machine,
        timeline=timeline_points(timeline),
        profile_samples=profile_samples,
        profile=profile,
    )
    report.write(options.out / f"{options.name}.json")
    return report


def compare(paths: Sequence[Path], out: Path | None, baseline: str) -> str:
    """Write ``comparison.md`` and ``comparison.html`` from the reports at ``paths``.

    They go to ``out``, else to the first report's folder. Returns the Markdown.
    Raises :class:`ReportError` when a report is unreadable or two clash.
    """
    folder = out if out is not None else paths[0].parent
    return write_comparison(paths, folder, baseline)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m loadtests``; return the exit code (0 ok, 1 failures, 2 usage, 130)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "compare":
        try:
            print(compare(args.reports, args.out, args.baseline), end="")
        except ReportError as exc:
            print(f"{parser.prog} compare: error: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(
                f"{parser.prog} compare: error: cannot write the comparison: {exc}", file=sys.stderr
            )
            return 1
        return 0
    try:
        options = validate_run(args)
    except UsageError as exc:
        print(f"{parser.prog} run: error: {exc}", file=sys.stderr)
        return 2
    report, failed = run_stoppable(
        lambda: run_load_test(options), f"{parser.prog} run", "server and locust stopped"
    )
    if report is None:
        return failed or 1
    print(render_summary(report))
    print(f"report: {options.out / (options.name + '.json')}")
    if report.generator is not None and report.generator.saturated:
        print(f"{parser.prog} run: warning: {report.generator.verdict}", file=sys.stderr)
    if not report.ok:
        print(f"{parser.prog} run: the run had failures or no requests", file=sys.stderr)
        return 1
    return 0
