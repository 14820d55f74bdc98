"""Spec area ``deployment`` (in-process part): the app behind Werkzeug's ``ProxyFix``,
mounted with ``DispatcherMiddleware``, and wrapped for ASGI with asgiref's
``WsgiToAsgi``. Real servers are exercised in ``conformance/live``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from asgiref.wsgi import WsgiToAsgi
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.test import Client

FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "public.example.com",
    "X-Forwarded-Prefix": "/prefix",
}


@pytest.fixture
def proxied(impl: Any, app: Any, driver: Any) -> Any:
    """``app`` behind ``ProxyFix(x_for=1, x_proto=1, x_host=1, x_prefix=1)``; returns a client.

    ``/info`` answers a JSON object of what the request looks like to the app.
    """

    @app.route("/info")
    def info() -> dict[str, Any]:
        request = impl.request
        return {
            "remote_addr": request.remote_addr,
            "scheme": request.scheme,
            "is_secure": request.is_secure,
            "host": request.host,
            "script_root": request.script_root,
            "url": request.url,
            "external": impl.url_for("info", _external=True),
            "relative": impl.url_for("info"),
        }

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    return driver.client(app)


# --- ProxyFix ------------------------------------------------------------------------


@pytest.mark.spec("deployment.proxy-fix.remote-addr")
def test_proxy_fix_remote_addr(proxied: Any) -> None:
    """Behind ProxyFix, ``request.remote_addr`` is the ``X-Forwarded-For`` client."""
    assert proxied.get("/info", headers=FORWARDED).json["remote_addr"] == "203.0.113.7"


@pytest.mark.spec("deployment.proxy-fix.last-hop")
def test_proxy_fix_trusts_one_hop(proxied: Any) -> None:
    """With ``x_for=1`` only the last address of ``X-Forwarded-For`` is trusted."""
    headers = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
    assert proxied.get("/info", headers=headers).json["remote_addr"] == "203.0.113.9"


@pytest.mark.spec("deployment.proxy-fix.scheme")
def test_proxy_fix_scheme(proxied: Any) -> None:
    """``X-Forwarded-Proto: https`` makes ``request.scheme`` https and ``is_secure`` true."""
    data = proxied.get("/info", headers=FORWARDED).json
    assert data["scheme"] == "https"
    assert data["is_secure"] is True


@pytest.mark.spec("deployment.proxy-fix.host")
def test_proxy_fix_host(proxied: Any) -> None:
    """``X-Forwarded-Host`` becomes ``request.host``."""
    assert proxied.get("/info", headers=FORWARDED).json["host"] == "public.example.com"


@pytest.mark.spec("deployment.proxy-fix.prefix")
def test_proxy_fix_script_root(proxied: Any) -> None:
    """``X-Forwarded-Prefix`` becomes ``request.script_root`` and prefixes built URLs."""
    data = proxied.get("/info", headers=FORWARDED).json
    assert data["script_root"] == "/prefix"
    assert data["relative"] == "/prefix/info"


@pytest.mark.spec("deployment.proxy-fix.url-for-external")
def test_proxy_fix_external_urls(proxied: Any) -> None:
    """External URLs and ``request.url`` use the forwarded scheme, host and prefix."""
    data = proxied.get("/info", headers=FORWARDED).json
    assert data["external"] == "https://public.example.com/prefix/info"
    assert data["url"] == "https://public.example.com/prefix/info"


@pytest.mark.spec("deployment.proxy-fix.without-headers")
def test_proxy_fix_without_forwarded_headers(proxied: Any) -> None:
    """Without ``X-Forwarded-*`` headers the request is seen as it arrived."""
    data = proxied.get("/info").json
    assert data["remote_addr"] == "127.0.0.1"
    assert data["scheme"] == "http"
    assert data["host"] == "localhost"
    assert data["external"] == "http://localhost/info"


@pytest.mark.spec("deployment.proxy-fix.not-installed")
def test_forwarded_headers_ignored_without_proxy_fix(impl: Any, app: Any, client: Any) -> None:
    """Without ProxyFix the app ignores ``X-Forwarded-*`` headers (they could be forged)."""

    @app.route("/")
    def index() -> dict[str, Any]:
        return {"addr": impl.request.remote_addr, "url": impl.url_for("index", _external=True)}

    assert client.get("/", headers=FORWARDED).json == {
        "addr": "127.0.0.1",
        "url": "http://localhost/",
    }


# --- DispatcherMiddleware --------------------------------------------------------------


@pytest.fixture
def dispatched(impl: Any, make_app: Any) -> Client:
    """A frontend app at ``/`` and an API app mounted at ``/api``; returns a WSGI client.

    Each app's ``/where`` answers its name, ``request.script_root``, ``request.path`` and
    ``url_for('where')``.
    """
    frontend, api = make_app("frontend"), make_app("api")
    for name, application in [("frontend", frontend), ("api", api)]:

        def where(name: str = name) -> dict[str, str]:
            request = impl.request
            return {
                "app": name,
                "script_root": request.script_root,
                "path": request.path,
                "url": impl.url_for("where"),
            }

        application.add_url_rule("/where", "where", where)
    return Client(DispatcherMiddleware(frontend, {"/api": api}))


@pytest.mark.spec("deployment.dispatcher.mounted")
def test_dispatcher_mounted_app(dispatched: Client) -> None:
    """An app mounted at ``/api`` sees ``script_root='/api'`` and builds URLs under it."""
    response = dispatched.get("/api/where")
    assert json.loads(response.get_data()) == {
        "app": "api",
        "script_root": "/api",
        "path": "/where",
        "url": "/api/where",
    }


@pytest.mark.spec("deployment.dispatcher.default")
def test_dispatcher_default_app(dispatched: Client) -> None:
    """Paths outside every mount go to the default app, with an empty script root."""
    response = dispatched.get("/where")
    assert json.loads(response.get_data()) == {
        "app": "frontend",
        "script_root": "",
        "path": "/where",
        "url": "/where",
    }


@pytest.mark.spec("deployment.dispatcher.not-found")
def test_dispatcher_unknown_path_in_mount(dispatched: Client) -> None:
    """An unknown path under a mount is a 404 of the mounted app."""
    assert dispatched.get("/api/nope").status_code == 404


# --- WsgiToAsgi --------------------------------------------------------------------------


def http_scope(method: str, path: str, query: bytes = b"", headers: Any = ()) -> dict[str, Any]:
    """Return an ASGI HTTP connection scope for a request to ``path`` on testserver:80."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("192.0.2.5", 5555),
        "server": ("testserver", 80),
    }


def asgi_request(app: Any, scope: dict[str, Any], body: bytes = b"") -> list[dict[str, Any]]:
    """Drive ``WsgiToAsgi(app)`` with one request; return every message it sent, in order."""

    async def run() -> list[dict[str, Any]]:
        communicator = ApplicationCommunicator(WsgiToAsgi(app), scope)
        await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
        messages = [await communicator.receive_output(timeout=5)]
        while messages[-1]["type"] != "http.response.body" or messages[-1].get("more_body"):
            messages.append(await communicator.receive_output(timeout=5))
        await communicator.wait(timeout=5)
        return messages

    return asyncio.run(run())


def asgi_body(messages: list[dict[str, Any]]) -> bytes:
    """Join the body messages of an ASGI response."""
    return b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")


def asgi_headers(messages: list[dict[str, Any]]) -> dict[str, str]:
    """Return the response headers of an ASGI response as a lower-cased dict."""
    return {name.decode().lower(): value.decode() for name, value in messages[0]["headers"]}


@pytest.mark.spec("deployment.asgi.get")
def test_wsgi_to_asgi_get(impl: Any, app: Any) -> None:
    """Wrapped with ``WsgiToAsgi``, the app answers an ASGI GET with status, headers and body."""

    @app.route("/hello")
    def hello() -> str:
        return f"hello {impl.request.args['name']} from {impl.request.remote_addr}"

    messages = asgi_request(app, http_scope("GET", "/hello", b"name=ada"))
    assert messages[0]["type"] == "http.response.start"
    assert messages[0]["status"] == 200
    assert asgi_headers(messages)["content-type"] == "text/html; charset=utf-8"
    assert asgi_body(messages) == b"hello ada from 192.0.2.5"


@pytest.mark.spec("deployment.asgi.post-json")
def test_wsgi_to_asgi_post_json(impl: Any, app: Any) -> None:
    """An ASGI request body reaches ``request.json`` and a JSON response comes back."""

    @app.route("/echo", methods=["POST"])
    def echo() -> dict[str, Any]:
        return {"got": impl.request.json}

    headers = [(b"content-type", b"application/json"), (b"content-length", b"10")]
    messages = asgi_request(app, http_scope("POST", "/echo", headers=headers), b'{"a": [1]}')
    assert messages[0]["status"] == 200
    assert json.loads(asgi_body(messages)) == {"got": {"a": [1]}}


@pytest.mark.spec("deployment.asgi.not-found")
def test_wsgi_to_asgi_404(app: Any) -> None:
    """An unknown path answers 404 through the ASGI adapter."""
    assert asgi_request(app, http_scope("GET", "/missing"))[0]["status"] == 404


@pytest.mark.spec("deployment.asgi.streaming")
def test_wsgi_to_asgi_streams_chunks(app: Any) -> None:
    """A generator view's chunks are sent as separate ASGI body messages."""

    @app.route("/stream")
    def stream() -> Iterator[str]:
        return (part for part in ["one", "two", "three"])

    messages = asgi_request(app, http_scope("GET", "/stream"))
    bodies = [m["body"] for m in messages[1:] if m.get("body")]
    assert bodies == [b"one", b"two", b"three"]
