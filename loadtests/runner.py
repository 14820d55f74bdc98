"""``python -m loadtests``: load a real server running an implementation, compare runs.

``run`` starts the chosen WSGI server as a subprocess on ``127.0.0.1`` (an ephemeral
port) serving ``loadtests.apps:app`` built on the chosen implementation, waits until
it answers, runs locust headless against it as another subprocess for a bounded time
while printing progress, always stops both, then writes
``<out>/<impl>-<server>.json`` and prints a summary table. Locust's CSV files and the
two processes' logs go to ``<out>/raw/``. The exit code is 0 when every request
succeeded, 1 when any failed (or none was made), 2 for bad arguments and 130 on
Ctrl-C.

``compare`` reads such JSON reports and writes ``comparison.md`` next to the first
one (or into ``--out``), a Markdown table with the ratios to ``flask``, and prints it.

Only 127.0.0.1 is ever targeted and every run is bounded: durations over 10 minutes
are refused, and locust is killed if it runs past its duration plus a grace period.
Locust is never imported here (it monkey-patches the standard library with gevent);
it runs as ``python -m locust``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib.metadata
import importlib.util
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import IO, NoReturn

from conformance.implementation import (
    ImplementationError,
    implementation_version,
    import_implementation,
)
from loadtests.apps import HELLO_BODY, IMPL_ENV_VAR
from loadtests.report import (
    FINAL_EXCEPTIONS_SUFFIX,
    FINAL_FAILURES_SUFFIX,
    FINAL_STATS_SUFFIX,
    PERIODIC_EXCEPTIONS_SUFFIX,
    PERIODIC_FAILURES_SUFFIX,
    PERIODIC_STATS_SUFFIX,
    ReportError,
    RunReport,
    load_report,
    parse_exceptions_csv,
    parse_failures_csv,
    parse_stats_csv,
    render_comparison,
    render_summary,
)

HOST = "127.0.0.1"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_FILE = Path(__file__).resolve().parent / "scenarios.py"
DEFAULT_OUT = Path("reports/load")

MAX_DURATION_S = 600
# The concurrency each server gets when --workers is not given (werkzeug has none).
DEFAULT_WORKERS = {"werkzeug": None, "gunicorn": 2, "waitress": 4, "uvicorn": 1}
SERVERS = tuple(DEFAULT_WORKERS)
# The distributions each server needs, the first one naming its version.
SERVER_PACKAGES = {
    "werkzeug": ("werkzeug",),
    "gunicorn": ("gunicorn",),
    "waitress": ("waitress",),
    "uvicorn": ("uvicorn", "asgiref"),
}
SERVER_START_TIMEOUT_S = 30.0
# Locust needs a few seconds to start and to stop beyond its run time.
LOCUST_GRACE_S = 30.0
STOP_TIMEOUT_S = 10.0
PROGRESS_INTERVAL_S = 2.0
POLL_INTERVAL_S = 0.1
EXIT_INTERRUPTED = 130

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


class RunError(Exception):
    """The load test could not be carried out (the message says why, on one line)."""


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """What ``python -m loadtests run`` was asked to do (already validated)."""

    impl: str
    server: str
    users: int
    spawn_rate: float
    duration_s: int
    workers: int | None
    out: Path

    @property
    def name(self) -> str:
        """Return ``<impl>-<server>``, the stem of the report's file names."""
        return f"{self.impl}-{self.server}"


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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


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
    compare = commands.add_parser(
        "compare",
        help="set JSON reports side by side in comparison.md",
        description="Write comparison.md from JSON reports of `run` and print it.",
    )
    compare.add_argument("reports", nargs="+", type=Path, help="JSON reports of `run`")
    compare.add_argument("--out", type=Path, help="folder for comparison.md (the first report's)")
    compare.add_argument(
        "--baseline", default="flask", help="implementation the ratios divide by (flask)"
    )
    return parser


class UsageError(ValueError):
    """The arguments of ``run`` are unusable (the message is one line)."""


def validate_run(args: argparse.Namespace) -> RunOptions:
    """Check what argparse cannot (the implementation, installed tools, --workers).

    Returns the options; raises :class:`UsageError` on a problem.
    """
    try:
        module = import_implementation(args.impl)
    except ImplementationError as exc:
        raise UsageError(str(exc))
    if not hasattr(module, "Flask"):
        raise UsageError(f"--impl {args.impl}: module {args.impl!r} has no Flask class")
    for package in (*SERVER_PACKAGES[args.server], "locust"):
        if importlib.util.find_spec(package) is None:
            raise UsageError(f"{package} is not installed (pip install {package})")
    if args.server == "werkzeug" and args.workers is not None:
        raise UsageError("--workers does not apply to --server werkzeug (one threaded process)")
    workers = args.workers if args.workers is not None else DEFAULT_WORKERS[args.server]
    return RunOptions(
        impl=args.impl,
        server=args.server,
        users=args.users,
        spawn_rate=args.spawn_rate,
        duration_s=args.duration,
        workers=workers,
        out=args.out,
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


def locust_command(options: RunOptions, port: int, csv_prefix: Path) -> list[str]:
    """Return the headless locust command loading 127.0.0.1:``port`` as ``options`` say."""
    return [
        sys.executable, "-m", "locust", "-f", str(SCENARIOS_FILE), "--headless",
        "-u", str(options.users), "-r", str(options.spawn_rate), "-t", f"{options.duration_s}s",
        "--host", f"http://{HOST}:{port}", "--csv", str(csv_prefix), "--only-summary",
    ]  # fmt: skip


def child_environment(impl: str) -> dict[str, str]:
    """Return the environment of the server and locust processes.

    ``LOADTEST_IMPL`` chooses the implementation, the project and the caller's
    folder are importable, no
    proxy is used for 127.0.0.1, and settings of locust, gunicorn or uvicorn from
    the caller's environment are dropped so that the command lines alone decide.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.upper().startswith(SCRUBBED_ENV_PREFIXES) and key.lower() not in PROXY_ENV_VARS
    }
    env[IMPL_ENV_VAR] = impl
    # The children run in the report folder: the caller's folder keeps its modules importable.
    paths = [str(PROJECT_ROOT), os.getcwd(), env.get("PYTHONPATH")]
    env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    env["NO_PROXY"] = env["no_proxy"] = f"{HOST},localhost"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_process(
    command: list[str], log: IO[bytes], env: dict[str, str], cwd: Path
) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own process group with its output going to ``log``."""
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=cwd,
        # Its own group: Ctrl-C reaches only us, and stopping it stops its workers too.
        start_new_session=True,
    )


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Send ``sig`` to the process group ``process`` leads (to the process alone off POSIX)."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, sig)
        elif sig == signal.SIGTERM:
            process.terminate()
        else:
            process.kill()
    except ProcessLookupError:
        pass


def stop_process(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_S) -> None:
    """Stop ``process`` and its process group: SIGTERM, then SIGKILL after ``timeout`` s.

    Does nothing when it has already exited and been reaped.
    """
    if process.poll() is not None:
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait()


def log_tail(path: Path, lines: int = 5) -> str:
    """Return the last non-empty ``lines`` of the log at ``path`` joined with `` | ``."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    tail = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
    return " | ".join(tail) if tail else "(empty log)"


def wait_until_ready(
    process: subprocess.Popen[bytes],
    server: str,
    port: int,
    log_path: Path,
    timeout: float = SERVER_START_TIMEOUT_S,
) -> None:
    """Wait until the server answers ``GET /hello`` as the load-test app does.

    Raises :class:`RunError` naming the server when it exits first, answers
    something else, or does not answer within ``timeout`` seconds.
    """
    url = f"http://{HOST}:{port}/hello"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while True:
        code = process.poll()
        if code is not None:
            raise RunError(
                f"{server} exited with code {code} before answering on {HOST}:{port}; "
                f"last lines of {log_path}: {log_tail(log_path)}"
            )
        try:
            with opener.open(url, timeout=1.0) as response:
                body = response.read().decode("utf-8", errors="replace")
            if body == HELLO_BODY:
                return
            raise RunError(f"{server} answered {url} with {body[:60]!r}, not {HELLO_BODY!r}")
        except urllib.error.HTTPError as exc:
            raise RunError(
                f"{server} answered {url} with status {exc.code}; "
                f"last lines of {log_path}: {log_tail(log_path)}"
            )
        except (urllib.error.URLError, OSError):
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise RunError(
                f"{server} did not answer on {url} within {timeout:.0f} s; "
                f"last lines of {log_path}: {log_tail(log_path)}"
            )
        time.sleep(POLL_INTERVAL_S)


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
    limit = options.duration_s + LOCUST_GRACE_S
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
            print(_progress_line(now - started, options.duration_s, stats_path), file=progress)
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
    module = import_implementation(options.impl)
    return RunReport(
        impl=options.impl,
        impl_version=implementation_version(module),
        server=options.server,
        server_version=_version(SERVER_PACKAGES[options.server][0]),
        workers=options.workers,
        users=options.users,
        spawn_rate=options.spawn_rate,
        duration_s=options.duration_s,
        started_at=started_at,
        python=platform.python_version(),
        locust_version=_version("locust"),
        complete=complete,
        total=stats.total,
        endpoints=stats.endpoints,
        errors=errors,
        exceptions=exceptions,
    )


def run_load_test(options: RunOptions, progress: IO[str] = sys.stderr) -> RunReport:
    """Serve the app, load it with locust, stop both; write and return the report.

    The report goes to ``<out>/<impl>-<server>.json``; CSV files and logs to
    ``<out>/raw/``. Raises :class:`RunError` when the run cannot be carried out;
    the server and locust are stopped whatever happens (also on Ctrl-C).
    """
    raw = options.out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    csv_prefix = (raw / options.name).resolve()
    for stale in raw.glob(f"{options.name}_*.csv"):
        stale.unlink()
    server_log_path = raw / f"{options.name}.server.log"
    locust_log_path = raw / f"{options.name}.locust.log"
    env = child_environment(options.impl)
    port = free_port()
    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    server: subprocess.Popen[bytes] | None = None
    locust: subprocess.Popen[bytes] | None = None
    with open(server_log_path, "wb") as server_log, open(locust_log_path, "wb") as locust_log:
        try:
            print(
                f"starting {options.server} on {HOST}:{port} serving {options.impl}",
                file=progress,
                flush=True,
            )
            server = start_process(
                server_command(options.server, port, options.workers), server_log, env, raw
            )
            wait_until_ready(server, options.server, port, server_log_path)
            print(
                f"loading it with {options.users} users for {options.duration_s} s",
                file=progress,
                flush=True,
            )
            locust = start_process(locust_command(options, port, csv_prefix), locust_log, env, raw)
            code = watch_locust(
                locust, server, options, Path(f"{csv_prefix}{PERIODIC_STATS_SUFFIX}"), progress
            )
        finally:
            for process in (locust, server):
                if process is not None:
                    stop_process(process)
    try:
        report = read_results(options, csv_prefix, started_at)
    except RunError as exc:
        raise RunError(
            f"{exc}; locust exited with code {code}; last lines of {locust_log_path}: "
            f"{log_tail(locust_log_path)}"
        )
    report.write(options.out / f"{options.name}.json")
    return report


def compare(paths: Sequence[Path], out: Path | None, baseline: str) -> str:
    """Write ``comparison.md`` from the reports at ``paths``; return its text.

    It goes to ``out``, else to the first report's folder. Raises
    :class:`ReportError` when a report is unreadable or two clash.
    """
    text = render_comparison([load_report(path) for path in paths], baseline=baseline)
    folder = out if out is not None else paths[0].parent
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "comparison.md").write_text(text, encoding="utf-8")
    return text


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


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
                f"{parser.prog} compare: error: cannot write comparison.md: {exc}", file=sys.stderr
            )
            return 1
        return 0
    try:
        options = validate_run(args)
    except UsageError as exc:
        print(f"{parser.prog} run: error: {exc}", file=sys.stderr)
        return 2
    # A SIGTERM (a CI time-out, say) unwinds like Ctrl-C, so the server and locust stop too.
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        report = run_load_test(options)
    except RunError as exc:
        print(f"{parser.prog} run: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        # Creating the report folder or a log, or starting a process, failed.
        print(f"{parser.prog} run: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{parser.prog} run: interrupted; server and locust stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(render_summary(report))
    print(f"report: {options.out / (options.name + '.json')}")
    if not report.ok:
        print(f"{parser.prog} run: the run had failures or no requests", file=sys.stderr)
        return 1
    return 0
