"""Spec area ``deployment`` (live part): clients that go away mid-request.

Over a raw socket, a client disconnects in the middle of a streamed response, sends a
body shorter than its ``Content-Length``, or never finishes its headers. While it
misbehaves, or right after it left a long stream, the server must keep answering
others; and once it is gone every request the app began must have been torn down
(every application context popped, each pop after its teardown functions ran), and no
file the app opened may be left open. The app reports its counts at ``/lifecycle``
(:class:`~conformance.live.liveapp.Lifecycle`); each test runs once per live server, as
``deployment.live.<server>.client-gone.<rule>``.
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

from conformance.live.liveapp import LONG_STREAM_CHUNK, LONG_STREAM_CHUNKS, LONG_STREAM_PAUSE
from conformance.live.marks import on_every_server
from conformance.live.servers import LiveServer

SETTLE_TIMEOUT = 30.0
"""Seconds the app may take to tear down after a client left (a server that does not
notice the disconnect finishes the stream first: about 10 s)."""
POLL_INTERVAL = 0.1
SOCKET_TIMEOUT = 5.0
"""Seconds another client waits for its answer while one misbehaves."""
ASGIREF_ONE_THREAD = (
    "uvicorn serves the WSGI app through asgiref's WsgiToAsgi, which runs every WSGI call "
    "of the process on one thread (sync_to_async, thread_sensitive=True) and, once the "
    "client is gone, neither stops iterating the response nor calls its close() (uvicorn "
    "drops what is sent after a disconnect): the abandoned stream holds that thread to its "
    "end, about 10 s, and other requests wait"
)
SHORT_BODY = b"y" * 100
ANNOUNCED_LENGTH = 1000


@contextmanager
def raw_connection(live: LiveServer) -> Iterator[socket.socket]:
    """Open a plain TCP connection to the server; on exit, drop it abruptly (RST)."""
    address = urlsplit(live.base_url)
    sock = socket.create_connection((address.hostname, address.port), timeout=SOCKET_TIMEOUT)
    try:
        yield sock
    finally:
        # Linger 0: close() resets the connection, as a client that vanishes does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()


def lifecycle(live: LiveServer) -> dict[str, int]:
    """Return the app's counts from ``/lifecycle`` (waiting for a server that is busy
    finishing an abandoned stream)."""
    with live.client() as client:
        response = client.get("/lifecycle", timeout=SETTLE_TIMEOUT)
    assert response.status_code == 200
    counts: dict[str, int] = response.json()
    return counts


def settled(live: LiveServer) -> dict[str, int]:
    """Wait until every context is popped after its teardown and every file closed;
    return the counts then (or the last counts seen, after the timeout)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        counts = lifecycle(live)
        left = ("contexts_open", "popped_without_teardown", "files_open")
        if not any(counts[key] for key in left):
            return counts
        if time.monotonic() > deadline:
            return counts
        time.sleep(POLL_INTERVAL)


def assert_serves_others(live: LiveServer) -> None:
    """Another client's ``GET /`` is answered within :data:`SOCKET_TIMEOUT` seconds."""
    with live.client() as client:
        try:
            response = client.get("/", timeout=SOCKET_TIMEOUT)
        except httpx.TimeoutException:
            raise AssertionError(f"another client waited over {SOCKET_TIMEOUT:g} s for GET /")
    assert response.status_code == 200
    assert response.text == "Hello, live world!"


def assert_clean(after: dict[str, int], before: dict[str, int], begun: int) -> None:
    """Exactly ``begun`` requests began since ``before``; every context was torn down
    and popped, and no file is left open.

    Counts are taken relative to ``before``: an app context pushed and popped outside
    any request (an ASGI server's lifespan startup, with no request to tear down) is
    not a leak.
    """
    assert after["begun"] - before["begun"] == begun, after
    assert after["torn_down"] - before["torn_down"] >= begun, after
    assert after["contexts_open"] == 0, after
    assert after["popped_without_teardown"] == before["popped_without_teardown"], after
    assert after["files_open"] == 0, after


def read_until(sock: socket.socket, size: int) -> bytes:
    """Read from ``sock`` until at least ``size`` bytes arrived (or it closed)."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def abandon_stream(live: LiveServer) -> None:
    """Start reading ``/long-stream`` over a raw socket, then drop the connection."""
    with raw_connection(live) as sock:
        sock.sendall(b"GET /long-stream HTTP/1.1\r\nHost: live\r\n\r\n")
        received = read_until(sock, LONG_STREAM_CHUNK * 2)
        assert received.startswith(b"HTTP/1.1 200")
        assert b"\x00" * 1024 in received


@on_every_server("client-gone.mid-stream")
def test_client_gone_mid_stream(live: LiveServer) -> None:
    """A client that disconnects in the middle of a streamed response has the stream's
    teardown run and its context and file released."""
    before = settled(live)
    abandon_stream(live)
    assert_clean(settled(live), before, begun=1)


@on_every_server("client-gone.mid-stream-others-served", cannot={"uvicorn": ASGIREF_ONE_THREAD})
def test_others_served_after_client_gone_mid_stream(live: LiveServer) -> None:
    """Right after a client disconnects in the middle of a long streamed response,
    another client is answered within a few seconds, well before the stream would end."""
    assert LONG_STREAM_CHUNKS * LONG_STREAM_PAUSE > 1.5 * SOCKET_TIMEOUT
    settled(live)
    abandon_stream(live)
    assert_serves_others(live)


@on_every_server("client-gone.short-body")
def test_client_gone_with_short_body(live: LiveServer) -> None:
    """A client that sends less body than its ``Content-Length`` and leaves does not
    stop the server serving others, and whatever the app began is torn down, with the
    file opened for the body closed."""
    before = settled(live)
    with raw_connection(live) as sock:
        sock.sendall(
            b"POST /save HTTP/1.1\r\nHost: live\r\nContent-Type: application/octet-stream\r\n"
            + f"Content-Length: {ANNOUNCED_LENGTH}\r\n\r\n".encode()
            + SHORT_BODY
        )
        assert_serves_others(live)
    after = settled(live)
    # Whether the app is called with the incomplete body depends on the server (some
    # buffer the whole body first): either way, nothing it began may stay open.
    begun = after["begun"] - before["begun"]
    assert begun in (1, 2), after
    assert_clean(after, before, begun=begun)


@on_every_server("client-gone.unfinished-headers")
def test_client_gone_before_finishing_headers(live: LiveServer) -> None:
    """A client that never finishes its headers does not stop the server serving
    others, the app never sees its request, and nothing is left open."""
    before = settled(live)
    with raw_connection(live) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: live\r\nX-Unfinished: wait for it")
        time.sleep(0.2)
        assert_serves_others(live)
    assert_clean(settled(live), before, begun=1)
