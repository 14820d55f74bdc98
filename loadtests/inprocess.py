"""Calling a WSGI application in-process, as a server would, without a socket.

The soak (:mod:`loadtests.soak`) and the hostile-stream memory test send hundreds of
thousands of requests this way: :func:`make_environ` copies a prepared environ and sets
what differs, :func:`call_wsgi` calls the app, reads the whole body and closes the
response iterable (PEP 3333: the server always calls ``close``, which is when the
framework runs its teardown functions), and a :class:`Probe` pairs an environ with a
check of the answer.
"""

from __future__ import annotations

import io
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from werkzeug.test import EnvironBuilder

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# The environ every request starts from: a GET of / on http://localhost.
_BASE_ENVIRON: dict[str, Any] = EnvironBuilder(path="/").get_environ()
_BASE_ENVIRON.pop("wsgi.input", None)


@dataclass(frozen=True)
class Answer:
    """What the app answered: the status code, the headers and the whole body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """Return the first header called ``name`` (any case), or None."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


#: Returns what is wrong with an answer as a short fixed phrase, or None when it is right.
Check = Callable[[Answer], "str | None"]


@dataclass(frozen=True)
class Probe:
    """One request to send in-process: its kind (for reports), its environ and its check."""

    kind: str
    environ: dict[str, Any]
    check: Check


def make_environ(
    path: str,
    *,
    method: str = "GET",
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    content_type: str | None = None,
) -> dict[str, Any]:
    """Return a fresh WSGI environ for one request to ``path`` on ``http://localhost``.

    ``headers`` maps header names to values (``Host`` replaces the default host);
    ``path`` is the text the server would put in ``PATH_INFO`` (latin-1 code points).
    """
    environ = dict(_BASE_ENVIRON)
    environ["REQUEST_METHOD"] = method
    environ["PATH_INFO"] = path
    environ["QUERY_STRING"] = query
    environ["wsgi.input"] = io.BytesIO(body)
    if body or method in {"POST", "PUT", "PATCH"}:
        environ["CONTENT_LENGTH"] = str(len(body))
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def call_wsgi(app: WSGIApp, environ: dict[str, Any]) -> Answer:
    """Call ``app`` with ``environ``, read the whole response and close it; return it."""
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        started.append((status, headers))
        return _discard

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    status, headers = started[-1]
    return Answer(int(status[:3]), headers, body)


def _discard(data: bytes) -> None:
    """The ``write`` callable of ``start_response``; the apps here never use it."""


def expect(status: int, body: bytes | None = None, *, contains: bytes | None = None) -> Check:
    """Return a check that the answer has ``status`` and, if given, exactly ``body`` or a
    body containing ``contains``."""

    def check(answer: Answer) -> str | None:
        if answer.status != status:
            return f"expected status {status}, got {answer.status}"
        if body is not None and answer.body != body:
            return "unexpected body"
        if contains is not None and contains not in answer.body:
            return "body lacks the expected text"
        return None

    return check


def send_probes(
    app: WSGIApp,
    probes: Iterator[Probe],
    count: int,
    kinds: Counter[str],
    failures: Counter[str],
) -> None:
    """Send ``count`` requests from ``probes`` to ``app``, counting each kind in ``kinds``
    and each wrong answer in ``failures`` as ``"<kind>: <what was wrong>"``.

    An exception from the app counts as a wrong answer (a server would answer 500 and
    go on).
    """
    for probe in itertools.islice(probes, count):
        kinds[probe.kind] += 1
        try:
            problem = probe.check(call_wsgi(app, probe.environ))
        except Exception as exc:
            problem = f"raised {type(exc).__name__}"
        if problem is not None:
            failures[f"{probe.kind}: {problem}"] += 1
