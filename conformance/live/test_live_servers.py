"""Spec area ``deployment`` (live part): the app served by real servers on 127.0.0.1.

Each test runs once per server in :data:`~conformance.live.servers.SERVER_NAMES`, with
the spec ID ``deployment.live.<server>.<rule>``. Each server starts once per module
(tests are grouped by server) and is stopped when its group is done.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from conformance.live.liveapp import FIRST_CHUNK, MAX_CONTENT_LENGTH, SECOND_CHUNK, STREAM_PAUSE
from conformance.live.marks import on_every_server
from conformance.live.servers import LiveServer


def peer_port(response: httpx.Response) -> int:
    """Return the local port of the connection an (unread) streamed response came on."""
    address = response.extensions["network_stream"].get_extra_info("client_addr")
    return int(address[1])


@on_every_server("hello")
def test_hello(live: LiveServer) -> None:
    """``GET /`` over a real socket answers 200 with the view's text as HTML."""
    with live.client() as client:
        response = client.get("/")
    assert response.status_code == 200
    assert response.text == "Hello, live world!"
    assert response.headers["content-type"] == "text/html; charset=utf-8"


@on_every_server("json")
def test_json(live: LiveServer, impl: Any) -> None:
    """A view returning a dict answers ``application/json`` with that object."""
    with live.client() as client:
        response = client.get("/json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"implementation": impl.__name__, "numbers": [1, 2, 3]}


@on_every_server("not-found")
def test_not_found(live: LiveServer) -> None:
    """An unknown URL answers 404 with an HTML error page."""
    with live.client() as client:
        response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not Found" in response.text


@on_every_server("method-not-allowed")
def test_method_not_allowed(live: LiveServer) -> None:
    """POST to a GET-only route answers 405 with an ``Allow`` header listing GET."""
    with live.client() as client:
        response = client.post("/only-get")
    assert response.status_code == 405
    allowed = {method.strip() for method in response.headers["allow"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}


@on_every_server("streaming")
def test_streamed_response_arrives_in_chunks(live: LiveServer) -> None:
    """A generator's first chunk reaches the client before the generator has finished."""
    with live.client() as client, client.stream("GET", "/stream") as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers
        chunks = response.iter_raw()
        first = next(chunks)
        first_arrived = time.monotonic()
        rest = b"".join(chunks)
        finished = time.monotonic()
    assert first == FIRST_CHUNK, f"{live.name} buffered the stream: first read was {first!r}"
    assert rest == SECOND_CHUNK
    assert finished - first_arrived >= STREAM_PAUSE / 2


@on_every_server("post-form")
def test_post_form(live: LiveServer) -> None:
    """A URL-encoded POST body is parsed into ``request.form``, repeated keys included."""
    with live.client() as client:
        response = client.post("/form", data={"name": "Ada", "tags": ["a", "b"]})
    assert response.status_code == 200
    assert response.json() == {"form": {"name": ["Ada"], "tags": ["a", "b"]}}


@on_every_server("max-content-length")
def test_body_over_max_content_length(live: LiveServer) -> None:
    """A body within ``MAX_CONTENT_LENGTH`` is read; a larger one answers 413."""
    with live.client() as client:
        small = client.post("/upload", content=b"x" * 100)
    with live.client() as client:
        large = client.post("/upload", content=b"x" * (MAX_CONTENT_LENGTH * 64))
    assert small.status_code == 200
    assert small.text == "100"
    assert large.status_code == 413


@on_every_server("session-cookie")
def test_session_cookie_round_trip(live: LiveServer) -> None:
    """The signed session cookie set by one request is sent back and read by the next."""
    with live.client() as client:
        stored = client.get("/session/remembered")
        loaded = client.get("/session")
    assert stored.status_code == 200
    cookie = stored.headers["set-cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert loaded.text == "remembered"


@on_every_server("keep-alive")
def test_keep_alive(live: LiveServer) -> None:
    """Several requests on one client all succeed, over one kept-alive connection.

    Werkzeug's development server is the exception: it answers every request with
    ``Connection: close``, so each request opens a new connection.
    """
    ports = set()
    connection_headers = set()
    with live.client() as client:
        for path in ["/", "/json", "/", "/only-get"]:
            response = client.send(client.build_request("GET", path), stream=True)
            ports.add(peer_port(response))
            connection_headers.add(response.headers.get("connection", "").lower())
            response.read()
            response.close()
            assert response.status_code == 200
    if live.keeps_alive:
        assert len(ports) == 1, f"{live.name} used {len(ports)} connections for 4 requests"
        assert "close" not in connection_headers
    else:
        assert len(ports) == 4
        assert connection_headers == {"close"}
