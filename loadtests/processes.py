"""Child processes of a load test: starting them in their own group, waiting, stopping.

The server and locust's processes each run in a process group of their own, so that
Ctrl-C reaches only the runner and stopping a process stops its workers too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import IO, NoReturn, TypeVar

import psutil  # type: ignore[import-untyped]

from loadtests.contract import HELLO_BODY

HOST = "127.0.0.1"
SERVER_START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
POLL_INTERVAL_S = 0.1
EXIT_INTERRUPTED = 130
"""Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)."""

Result = TypeVar("Result")


class RunError(Exception):
    """The load test could not be carried out (the message says why, on one line)."""


def run_stoppable(
    work: Callable[[], Result], prog: str, stopped: str
) -> tuple[Result | None, int | None]:
    """Run ``work``; return ``(its result, None)``, or ``(None, exit code)`` if it failed.

    A SIGTERM (a CI time-out, say) unwinds like Ctrl-C, so that the processes
    ``work`` started are stopped by its own clean-up. A :class:`RunError` or an
    ``OSError`` (a folder or log that cannot be written, a process that cannot
    start) prints one line naming it and gives exit code 1; an interruption prints
    ``stopped`` (what was stopped) and gives :data:`EXIT_INTERRUPTED`.
    """
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        return work(), None
    except (RunError, OSError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return None, 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; {stopped}", file=sys.stderr)
        return None, EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


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


def first_worker(pid: int, timeout: float = 5.0) -> int:
    """Return the first child of the server ``pid`` (its first worker), else ``pid`` itself.

    A server with workers (gunicorn, uvicorn) forks them on start: wait up to
    ``timeout`` seconds for one; a server without (waitress, werkzeug) is its own worker.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            children = psutil.Process(pid).children()
        except psutil.Error:
            return pid
        if children:
            return int(min(children, key=lambda child: child.pid).pid)
        if time.monotonic() > deadline:
            return pid
        time.sleep(POLL_INTERVAL_S)
