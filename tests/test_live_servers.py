"""Tests of the live-server helpers in ``conformance.live.servers``: start-up errors
name the server, servers are really gone once ``serve`` exits, gunicorn's command
line and log parsing, and the fresh-context ASGI wrapper."""

from __future__ import annotations

import asyncio
import contextvars
import socket
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

import framework
from conformance.live import servers
from conformance.live.asgi import in_fresh_context
from conformance.live.servers import ServerStartError, serve


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_unknown_server_name(tmp_path: Path) -> None:
    """An unknown server name raises ValueError listing the known ones."""
    expected = "unknown live server 'apache'; known: werkzeug"
    with pytest.raises(ValueError, match=expected), serve("apache", framework, tmp_path):
        pass


def test_wait_until_answering_times_out_naming_server() -> None:
    """A server that never answers fails within the timeout, naming server and URL."""
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    with pytest.raises(ServerStartError, match=f"live server demo did not answer at {url}"):
        servers.wait_until_answering("demo", url, timeout=0.3)
    assert time.monotonic() - started < 3


def test_wait_until_answering_stops_when_server_is_gone() -> None:
    """When the ``alive`` check reports the server gone, waiting stops at once with why."""
    url = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(ServerStartError, match="demo stopped before answering: it crashed"):
        servers.wait_until_answering("demo", url, timeout=30, alive=lambda: "it crashed")


def test_gunicorn_port_from_log() -> None:
    """The port is read from gunicorn's ``Listening at`` line; absent, the result is None."""
    log = "[INFO] Starting gunicorn 23.0.0\n[INFO] Listening at: http://127.0.0.1:43125 (12)\n"
    assert servers.gunicorn_port(log) == 43125
    assert servers.gunicorn_port("[INFO] Starting gunicorn 23.0.0\n") is None


def test_gunicorn_command(tmp_path: Path) -> None:
    """gunicorn runs one gthread worker bound to port 0 on 127.0.0.1 only."""
    command = servers.gunicorn_command("module_name", tmp_path)
    assert command[-1] == "module_name:app"
    assert command[command.index("--bind") + 1] == "127.0.0.1:0"
    assert command[command.index("--worker-class") + 1] == "gthread"
    assert command[command.index("--workers") + 1] == "1"


def test_gunicorn_start_failure_is_reported(tmp_path: Path) -> None:
    """A gunicorn whose app cannot be imported fails fast with its log in the message."""
    missing = SimpleNamespace(__name__="no_such_implementation_module")
    expected = "live server gunicorn stopped"
    with (
        pytest.raises(ServerStartError, match=expected) as info,
        serve("gunicorn", missing, tmp_path),
    ):
        pass
    assert "no_such_implementation_module" in str(info.value)


WSGI_SERVER_NAMES = [name for name in servers.SERVER_NAMES if name not in servers.ASGI_SERVERS]
"""The servers of a WSGI product such as the framework. The ASGI servers (hypercorn,
uvicorn-asgi) serve an ASGI product: make quart-slice starts them with Quart."""


@pytest.mark.parametrize("name", WSGI_SERVER_NAMES)
def test_server_answers_then_is_stopped(name: str, tmp_path: Path) -> None:
    """Inside ``serve`` the server answers on 127.0.0.1; after it, the port is closed."""
    with serve(name, framework, tmp_path) as live:
        assert live.name == name
        assert live.base_url.startswith("http://127.0.0.1:")
        with live.client() as client:
            assert client.get("/").text == "Hello, live world!"
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{live.base_url}/", timeout=1)


def test_server_stopped_when_block_raises(tmp_path: Path) -> None:
    """An exception inside the ``serve`` block still stops the server."""
    with pytest.raises(LookupError), serve("gunicorn", framework, tmp_path) as live:
        raise LookupError("test failed")
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{live.base_url}/", timeout=1)


def test_in_fresh_context_hides_caller_context_variables() -> None:
    """The wrapped ASGI app runs in an empty context: the caller's variables are unset."""
    marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker")
    seen: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(marker.get("unset"))
        marker.set("changed inside")

    async def call() -> str:
        marker.set("outer value")
        await in_fresh_context(inner)({}, None, None)
        return marker.get()

    assert asyncio.run(call()) == "outer value"
    assert seen == ["unset"]
