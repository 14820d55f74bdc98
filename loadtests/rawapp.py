"""A raw WSGI application serving the load-test endpoints: the floor of ``--impl raw``.

It answers every endpoint of :mod:`loadtests.apps` with the bodies the scenarios check,
doing the least work a hand-written WSGI callable can: a dict lookup on the path, the
``/user/<id>`` prefix parsed by hand, the session a counter in an HMAC-signed cookie,
the form body parsed with :func:`urllib.parse.parse_qs`, the template a string join
with :func:`markupsafe.escape`, the static file read and sent with its length. Under
load, a framework's server CPU per request minus this one's is what the framework
costs on top of the server and the socket work.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs

from markupsafe import escape

from loadtests.contract import (
    HELLO_BODY,
    JSON_ITEMS,
    JSON_MESSAGE,
    SECRET_KEY,
    STATIC_FILE,
    STATIC_FOLDER,
    STREAM_CHUNKS,
    TEMPLATE_ITEMS,
    TEMPLATE_TITLE,
    form_text,
    session_text,
    stream_chunk,
    user_text,
)

StartResponse = Callable[..., Any]
Environ = dict[str, Any]

TEXT = ("Content-Type", "text/plain; charset=utf-8")
HTML = ("Content-Type", "text/html; charset=utf-8")
SESSION_COOKIE = "session"
MAX_FORM_BYTES = 64 * 1024
_STATIC_PATH = f"/static/{STATIC_FILE}"
_KEY = hashlib.sha256(SECRET_KEY.encode()).digest()


def _send(
    start_response: StartResponse, status: str, body: bytes, content_type: tuple[str, str] = TEXT
) -> list[bytes]:
    start_response(status, [content_type, ("Content-Length", str(len(body)))])
    return [body]


def _hello(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    return _send(start_response, "200 OK", HELLO_BODY.encode())


def _json(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    body = json.dumps({"message": JSON_MESSAGE, "items": JSON_ITEMS}).encode()
    return _send(start_response, "200 OK", body, ("Content-Type", "application/json"))


def _sign(count: int) -> str:
    value = str(count).encode()
    mac = hmac.new(_KEY, value, hashlib.sha256).digest()
    return f"{count}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def _visits(cookie_header: str) -> int:
    """Return the visit count in a validly signed session cookie, else 0."""
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE:
            count, _, _mac = value.partition(".")
            if count.isdigit() and hmac.compare_digest(_sign(int(count)), value):
                return int(count)
    return 0


def _session(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    count = _visits(environ.get("HTTP_COOKIE", "")) + 1
    body = session_text(count).encode()
    start_response(
        "200 OK",
        [
            TEXT,
            ("Content-Length", str(len(body))),
            ("Set-Cookie", f"{SESSION_COOKIE}={_sign(count)}; HttpOnly; Path=/"),
        ],
    )
    return [body]


def _form(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] != "POST":
        return _send(start_response, "405 Method Not Allowed", b"Method Not Allowed")
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_FORM_BYTES)
    except ValueError:
        length = 0
    fields = parse_qs(environ["wsgi.input"].read(length).decode("utf-8", "replace"))
    if "name" not in fields:
        return _send(start_response, "400 Bad Request", b"Bad Request")
    return _send(start_response, "200 OK", form_text(fields["name"][0]).encode())


def _stream(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    def chunks() -> Iterator[bytes]:
        for index in range(STREAM_CHUNKS):
            yield stream_chunk(index).encode()

    start_response("200 OK", [TEXT])
    return chunks()


def _template(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    items = "".join(f"<li>item {item}</li>" for item in range(TEMPLATE_ITEMS))
    body = f"<h1>{escape(TEMPLATE_TITLE)}</h1><ul>{items}</ul>".encode()
    return _send(start_response, "200 OK", body, HTML)


def _static(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    body = (STATIC_FOLDER / STATIC_FILE).read_bytes()
    return _send(start_response, "200 OK", body, ("Content-Type", "text/css; charset=utf-8"))


ROUTES: dict[str, Callable[[Environ, StartResponse], Iterable[bytes]]] = {
    "/hello": _hello,
    "/json": _json,
    "/session": _session,
    "/form": _form,
    "/stream": _stream,
    "/template": _template,
    _STATIC_PATH: _static,
}


def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Answer the load-test endpoints as :func:`loadtests.apps.create_app` does."""
    path = environ.get("PATH_INFO", "")
    view = ROUTES.get(path)
    if view is not None:
        return view(environ, start_response)
    if path.startswith("/user/") and path[6:].isdigit():
        return _send(start_response, "200 OK", user_text(int(path[6:]), path).encode())
    return _send(start_response, "404 Not Found", b"Not Found")
