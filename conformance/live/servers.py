"""Starting and stopping real servers on 127.0.0.1 for the live deployment tests.

:func:`serve` is a context manager that starts one of :data:`SERVER_NAMES` on an
ephemeral port with the app of :mod:`conformance.live.liveapp`, waits until it answers
(at most :data:`START_TIMEOUT` seconds, else :class:`ServerStartError` naming the
server), yields a :class:`LiveServer`, and stops the server on exit, whatever happened
inside the block:

* ``werkzeug``: ``werkzeug.serving.make_server`` (threaded) in a thread;
* ``waitress``: ``waitress.create_server`` driven in a thread;
* ``gunicorn``: a ``python -m gunicorn`` subprocess (one ``gthread`` worker, so that
  connections are kept alive) serving a small module written to a work folder; it binds
  port 0 and the real port is read from its log;
* ``uvicorn``: ``uvicorn.Server`` in a thread serving ``asgiref``'s ``WsgiToAsgi(app)``;

and for an ASGI product (Quart), whose app is served as it is:

* ``hypercorn``: ``hypercorn.asyncio.serve`` on an event loop in a thread;
* ``uvicorn-asgi``: ``uvicorn.Server`` in a thread.

:data:`SERVER_NEEDS` says what each server needs of the product: the contract's
``wsgi`` feature or the driver's ``asgi`` capability.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# httpx imports httpcore on its first request and maps httpcore's exceptions to its own
# with the classes of that first import. Importing it here, when test modules are
# collected, keeps a single copy for the whole run even if a test unloads the modules it
# imported (otherwise a re-imported httpcore's errors escape ``except httpx.*``).
import httpcore  # noqa: F401
import httpx
import uvicorn
import waitress  # type: ignore[import-untyped]
from asgiref.wsgi import WsgiToAsgi
from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config as HypercornConfig
from waitress import wasyncore
from werkzeug.serving import WSGIRequestHandler, make_server

from conformance.implementation import environment_for
from conformance.live import liveapp
from conformance.live.asgi import in_fresh_context

HOST = "127.0.0.1"
START_TIMEOUT = 10.0
"""Seconds a server may take from launch until it answers ``GET /``."""
STOP_TIMEOUT = 5.0
"""Seconds a server may take to stop before it is killed (or abandoned, for threads)."""
POLL_INTERVAL = 0.05
SERVER_NEEDS = {
    "werkzeug": "wsgi",
    "waitress": "wsgi",
    "gunicorn": "wsgi",
    "uvicorn": "wsgi",
    "hypercorn": "asgi",
    "uvicorn-asgi": "asgi",
}
"""What each server needs of the product: the ``wsgi`` feature (a WSGI app; uvicorn
serves it through asgiref) or the ``asgi`` capability (an ASGI app served natively)."""
SERVER_NAMES = tuple(SERVER_NEEDS)
ASGI_SERVERS = frozenset(name for name, needed in SERVER_NEEDS.items() if needed == "asgi")
CLOSES_EVERY_CONNECTION = frozenset({"werkzeug"})
"""Servers that answer every request with ``Connection: close`` by design (Werkzeug's
development server does not drain request bodies, so it never keeps a connection)."""
LIVEAPP_PATH = Path(liveapp.__file__).resolve()
GUNICORN_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")

_running_processes: set[subprocess.Popen[bytes]] = set()
"""Server subprocesses not stopped yet; any left at interpreter exit are stopped then."""


class ServerStartError(RuntimeError):
    """A live server did not start or answer in time; the message names the server."""


@dataclass(frozen=True)
class LiveServer:
    """A running server: its name and base URL (``http://127.0.0.1:PORT``)."""

    name: str
    base_url: str

    @property
    def keeps_alive(self) -> bool:
        """Whether this server keeps HTTP/1.1 connections open between requests."""
        return self.name not in CLOSES_EVERY_CONNECTION

    def client(self) -> httpx.Client:
        """Return a new httpx client for this server (bounded timeouts, keep-alive)."""
        return httpx.Client(base_url=self.base_url, timeout=STOP_TIMEOUT)


@contextmanager
def serve(name: str, impl: Any, workdir: Path) -> Iterator[LiveServer]:
    """Run server ``name`` with the live app built from ``impl``; stop it on exit.

    ``workdir`` is an empty folder the server may write to (gunicorn's app module and
    log). Raises ``ValueError`` for an unknown name and :class:`ServerStartError` when
    the server does not answer within :data:`START_TIMEOUT` seconds.
    """
    starters: dict[str, Callable[[Any, Path], AbstractContextManager[str]]] = {
        "werkzeug": _run_werkzeug,
        "waitress": _run_waitress,
        "gunicorn": _run_gunicorn,
        "uvicorn": _run_uvicorn,
        "hypercorn": _run_hypercorn,
        "uvicorn-asgi": _run_uvicorn_asgi,
    }
    if name not in starters:
        raise ValueError(f"unknown live server {name!r}; known: {', '.join(SERVER_NAMES)}")
    with starters[name](impl, workdir) as base_url:
        yield LiveServer(name, base_url)


def wait_until_answering(
    name: str,
    base_url: str,
    timeout: float = START_TIMEOUT,
    alive: Callable[[], str | None] = lambda: None,
) -> None:
    """Poll ``GET base_url/`` until it answers, for at most ``timeout`` seconds.

    ``alive`` returns a description of why the server is gone (then polling stops at
    once) or ``None`` while it may still come up. Raises :class:`ServerStartError`.
    """
    deadline = time.monotonic() + timeout
    last_error = "no attempt made"
    while True:
        gone = alive()
        if gone is not None:
            raise ServerStartError(f"live server {name} stopped before answering: {gone}")
        try:
            httpx.get(f"{base_url}/", timeout=POLL_INTERVAL * 20)
            return
        except httpx.TransportError as exc:
            last_error = f"{type(exc).__name__}: {exc}"
        if time.monotonic() >= deadline:
            raise ServerStartError(
                f"live server {name} did not answer at {base_url} within {timeout:g} s "
                f"(last error: {last_error})"
            )
        time.sleep(POLL_INTERVAL)


def free_port_socket() -> socket.socket:
    """Return a TCP socket bound to an ephemeral port on 127.0.0.1 (not yet listening)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    return sock


def _thread_alive(thread: threading.Thread) -> Callable[[], str | None]:
    """Return an ``alive`` check for :func:`wait_until_answering` watching ``thread``."""
    return lambda: None if thread.is_alive() else f"its thread {thread.name} ended"


@contextmanager
def _serving_in_thread(
    name: str, run: Callable[[], object], base_url: str, stop: Callable[[], object]
) -> Iterator[str]:
    """Run ``run`` (a server's loop) in a daemon thread, wait until ``base_url`` answers
    and yield it; then call ``stop`` and give the thread :data:`STOP_TIMEOUT` seconds."""
    thread = threading.Thread(target=run, name=f"live-{name}", daemon=True)
    thread.start()
    try:
        wait_until_answering(name, base_url, alive=_thread_alive(thread))
        yield base_url
    finally:
        if thread.is_alive():
            stop()
        thread.join(STOP_TIMEOUT)


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler without the per-request access log line."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Do not log successful requests (errors are still logged)."""


@contextmanager
def _run_werkzeug(impl: Any, workdir: Path) -> Iterator[str]:
    """Serve the live app with Werkzeug's threaded server in a thread; yield its URL."""
    server = make_server(
        HOST, 0, liveapp.create_app(impl), threaded=True, request_handler=_QuietRequestHandler
    )
    base_url = f"http://{HOST}:{server.server_port}"
    try:
        with _serving_in_thread("werkzeug", server.serve_forever, base_url, server.shutdown):
            yield base_url
    finally:
        server.server_close()


@contextmanager
def _run_waitress(impl: Any, workdir: Path) -> Iterator[str]:
    """Serve the live app with waitress in a thread; yield its URL.

    The thread runs waitress's event loop one step at a time so that it can be told to
    stop, and closes every socket itself once stopped.
    """
    socket_map: dict[int, Any] = {}
    server = waitress.create_server(
        liveapp.create_app(impl), map=socket_map, host=HOST, port=0, threads=4
    )
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                wasyncore.loop(timeout=POLL_INTERVAL, map=socket_map, count=1)
        finally:
            server.task_dispatcher.shutdown(timeout=STOP_TIMEOUT)
            wasyncore.close_all(socket_map)

    base_url = f"http://{HOST}:{server.effective_port}"
    with _serving_in_thread("waitress", run, base_url, stop.set):
        yield base_url


@contextmanager
def _run_uvicorn(impl: Any, workdir: Path) -> Iterator[str]:
    """Serve ``WsgiToAsgi(app)`` with ``uvicorn.Server`` in a thread; yield its URL.

    The ASGI app is wrapped by :func:`in_fresh_context`.
    """
    asgi_app = in_fresh_context(WsgiToAsgi(liveapp.create_app(impl)))
    with _uvicorn_serving("uvicorn", asgi_app) as base_url:
        yield base_url


@contextmanager
def _run_uvicorn_asgi(impl: Any, workdir: Path) -> Iterator[str]:
    """Serve an ASGI product's app with ``uvicorn.Server`` in a thread; yield its URL."""
    with _uvicorn_serving("uvicorn-asgi", liveapp.create_app(impl, asynchronous=True)) as url:
        yield url


@contextmanager
def _uvicorn_serving(name: str, asgi_app: Any) -> Iterator[str]:
    sock = free_port_socket()
    config = uvicorn.Config(
        asgi_app,
        lifespan="off",
        log_config=None,  # leave the test process's logging configuration alone
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=int(STOP_TIMEOUT),
    )
    server = uvicorn.Server(config)

    def stop() -> None:
        server.should_exit = True

    base_url = f"http://{HOST}:{sock.getsockname()[1]}"
    try:
        with _serving_in_thread(name, lambda: server.run(sockets=[sock]), base_url, stop):
            yield base_url
    finally:
        sock.close()


@contextmanager
def _run_hypercorn(impl: Any, workdir: Path) -> Iterator[str]:
    """Serve an ASGI product's app with hypercorn on an event loop in a thread; yield its URL.

    hypercorn is given a socket already bound to an ephemeral port (``fd://``), and
    stops gracefully when its shutdown trigger is set.
    """
    sock = free_port_socket()
    config = HypercornConfig()
    config.bind = [f"fd://{sock.fileno()}"]
    config.accesslog = None
    config.errorlog = None
    config.graceful_timeout = STOP_TIMEOUT
    loop = asyncio.new_event_loop()
    shutdown = asyncio.Event()
    app = liveapp.create_app(impl, asynchronous=True)

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(hypercorn_serve(app, config, shutdown_trigger=shutdown.wait))
        finally:
            loop.close()

    base_url = f"http://{HOST}:{sock.getsockname()[1]}"
    try:
        with _serving_in_thread(
            "hypercorn", run, base_url, lambda: loop.call_soon_threadsafe(shutdown.set)
        ):
            yield base_url
    finally:
        with contextlib.suppress(OSError):  # hypercorn closes the descriptor it was given
            sock.close()


GUNICORN_APP_MODULE = """\
import importlib
import importlib.util

_spec = importlib.util.spec_from_file_location("conformance_liveapp", {liveapp!r})
_liveapp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_liveapp)
app = _liveapp.create_app(importlib.import_module({impl!r}))
"""


def gunicorn_command(app_module: str, workdir: Path) -> list[str]:
    """Return the command line running one gthread gunicorn worker on 127.0.0.1:0."""
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", "1",
        "--worker-class", "gthread",
        "--threads", "4",
        "--bind", f"{HOST}:0",
        "--graceful-timeout", "2",
        "--chdir", str(workdir),
    ]  # fmt: skip
    if gunicorn_has_option("--no-control-socket"):
        # Newer gunicorns open a control socket at a fixed path under $HOME; two
        # servers at once (parallel workers) would fight over it.
        command.append("--no-control-socket")
    return [*command, f"{app_module}:app"]


def gunicorn_has_option(option: str) -> bool:
    """Whether the installed gunicorn accepts command-line option ``option``."""
    from gunicorn.config import KNOWN_SETTINGS  # type: ignore[import-untyped]

    return any(option in (setting.cli or []) for setting in KNOWN_SETTINGS)


def gunicorn_port(log_text: str) -> int | None:
    """Return the port from gunicorn's ``Listening at: http://127.0.0.1:PORT`` log line."""
    match = GUNICORN_LISTENING.search(log_text)
    return int(match.group(1)) if match else None


def _log_tail(path: Path, lines: int = 8) -> str:
    """Return the last lines of a log file as one line, for error messages."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return " | ".join(text.strip().splitlines()[-lines:]) or "(empty log)"


@contextmanager
def _run_gunicorn(impl: Any, workdir: Path) -> Iterator[str]:
    """Run gunicorn in a subprocess serving the live app; yield its URL, then stop it."""
    app_module = "conformance_live_app"
    (workdir / f"{app_module}.py").write_text(
        GUNICORN_APP_MODULE.format(liveapp=str(LIVEAPP_PATH), impl=impl.__name__),
        encoding="utf-8",
    )
    log_path = workdir / "gunicorn.log"
    # Where the implementation and the suite import from, which may not be this folder.
    environment = environment_for(impl, os.environ)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            gunicorn_command(app_module, workdir),
            cwd=workdir,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the worker is killed too
        )
    _running_processes.add(process)
    try:

        def alive() -> str | None:
            code = process.poll()
            return None if code is None else f"exit code {code}; log: {_log_tail(log_path)}"

        deadline = time.monotonic() + START_TIMEOUT
        port = None
        while port is None:
            gone = alive()
            if gone is not None:
                raise ServerStartError(f"live server gunicorn stopped before listening: {gone}")
            if time.monotonic() >= deadline:
                raise ServerStartError(
                    f"live server gunicorn did not listen within {START_TIMEOUT:g} s; "
                    f"log: {_log_tail(log_path)}"
                )
            time.sleep(POLL_INTERVAL)
            port = gunicorn_port(log_path.read_text(encoding="utf-8", errors="replace"))
        base_url = f"http://{HOST}:{port}"
        wait_until_answering(
            "gunicorn", base_url, timeout=max(deadline - time.monotonic(), 0.1), alive=alive
        )
        yield base_url
    finally:
        stop_process_group(process)


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Terminate a subprocess started in its own session, then kill its group if needed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    try:
        # Whatever is left of the group (a worker that outlived its master).
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait(STOP_TIMEOUT)
    _running_processes.discard(process)


@atexit.register
def _stop_leftover_processes() -> None:
    """Stop server subprocesses whose ``serve`` block never finished (an interrupted run)."""
    for process in list(_running_processes):
        stop_process_group(process)
