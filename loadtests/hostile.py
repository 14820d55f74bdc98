"""Hostile request streams: every request carries large client-controlled text never
seen before, so that anything an implementation caches per path, host or cookie grows.

Four streams, one per thing a client controls (:data:`STREAMS`):

* ``long-paths``: unique long paths to a ``<path:...>`` rule;
* ``unique-hosts``: a unique long ``Host`` header on every request;
* ``unique-cookies``: many unique cookies, and a session cookie that does not verify;
* ``large-sessions``: a unique, validly signed session just under browsers' 4 KB
  cookie limit (or the size asked for, if smaller), which the view changes, so that it
  is verified, decoded, encoded and signed again.

:func:`add_hostile_routes` adds the routes they target to any app (the soak adds them
to the load-test app); :class:`HostileStreams` builds the requests (in-process
:class:`~loadtests.inprocess.Probe` objects), each with a check of its answer. Every
request carries about :data:`DEFAULT_SIZE` bytes of hostile text: within the request
line and header limits of waitress (256 KiB of headers) and of gunicorn with
``--limit-request-line 0``, and twice gunicorn's default request-line limit.
"""

from __future__ import annotations

import base64
import importlib
import random
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from loadtests.inprocess import Answer, Check, Probe, expect, make_environ

STREAMS = ("long-paths", "unique-hosts", "unique-cookies", "large-sessions")
DEFAULT_SIZE = 8 * 1024
"""Bytes of hostile text (path, host, cookies, session) per request."""
MIN_SIZE = 256

PREFIX = "/hostile"
FILES_PATH = f"{PREFIX}/files/"
HOST_PATH = f"{PREFIX}/host"
COOKIES_PATH = f"{PREFIX}/cookies"
SESSION_PATH = f"{PREFIX}/session"
SESSION_BLOB_KEY = "blob"
SESSION_COUNT_KEY = "count"
SECRET_KEY = "hostile-stream secret, not for production"
COOKIE_VALUE_LENGTH = 120
SESSION_COOKIE_LIMIT = 4093
"""The largest cookie werkzeug sets without warning that browsers may ignore it: the
large sessions stay just under it, so that the app's answer is a cookie browsers keep."""


def add_hostile_routes(app: Any, impl: ModuleType) -> None:
    """Add the routes the hostile streams target to ``app``, built on ``impl``.

    ``/hostile/files/<path:name>`` answers the length of ``name``; ``/hostile/host`` the
    length of ``request.host``; ``/hostile/cookies`` the number of cookies (after
    reading the session); ``/hostile/session`` counts a visit in the session and
    answers the length of the session's blob. The app needs a secret key.
    """
    request, session = impl.request, impl.session

    @app.route(f"{FILES_PATH}<path:name>", endpoint="hostile_file")
    def hostile_file(name: str) -> str:
        return str(len(name))

    @app.route(HOST_PATH, endpoint="hostile_host")
    def hostile_host() -> str:
        return str(len(request.host))

    @app.route(COOKIES_PATH, endpoint="hostile_cookies")
    def hostile_cookies() -> str:
        session.get(SESSION_COUNT_KEY)
        return str(len(request.cookies))

    @app.route(SESSION_PATH, endpoint="hostile_session")
    def hostile_session() -> str:
        session[SESSION_COUNT_KEY] = session.get(SESSION_COUNT_KEY, 0) + 1
        return str(len(session.get(SESSION_BLOB_KEY, "")))


def create_hostile_app(impl_name: str) -> Any:
    """Return an app on implementation ``impl_name`` with only the hostile routes."""
    impl = importlib.import_module(impl_name)
    app = impl.Flask("hostile")
    app.config["SECRET_KEY"] = SECRET_KEY
    add_hostile_routes(app, impl)
    return app


class HostileStreams:
    """Builds the requests of the hostile streams for ``app`` (which has the routes of
    :func:`add_hostile_routes`); ``size`` is the hostile text per request in bytes.

    Request ``n`` of a stream differs from every other request of every stream: its
    text starts with ``n`` and this object's ``tag``.
    """

    def __init__(self, app: Any, size: int = DEFAULT_SIZE, tag: str = "h") -> None:
        if size < MIN_SIZE:
            raise ValueError(f"hostile text of {size} bytes is under the minimum of {MIN_SIZE}")
        self.size = size
        self.tag = tag
        self._serializer = app.session_interface.get_signing_serializer(app)
        if self._serializer is None:
            raise ValueError("the app has no secret key: the session streams need one")

    def probe(self, stream: str, n: int) -> Probe:
        """Return request ``n`` of ``stream`` (one of :data:`STREAMS`)."""
        if stream == "long-paths":
            return self._long_path(n)
        if stream == "unique-hosts":
            return self._unique_host(n)
        if stream == "unique-cookies":
            return self._unique_cookies(n)
        if stream == "large-sessions":
            return self._large_session(n)
        raise ValueError(f"unknown hostile stream {stream!r}; known: {', '.join(STREAMS)}")

    def round_robin(self, start: int = 0) -> Iterator[Probe]:
        """Yield requests of every stream in turn, forever, numbered from ``start``."""
        n = start
        while True:
            for stream in STREAMS:
                yield self.probe(stream, n)
            n += 1

    def _filler(self, n: int, length: int, alphabet: str) -> str:
        """Return ``length`` characters unique to request ``n``, from ``alphabet``."""
        head = f"{self.tag}{n:x}-"
        body = alphabet * (length // len(alphabet) + 1)
        return (head + body)[:length]

    def _long_path(self, n: int) -> Probe:
        name = "/".join(
            self._filler(n, self.size, "abcdefghijklmnopqrstuvwxyz0123456789")[i : i + 60]
            for i in range(0, self.size, 60)
        )
        environ = make_environ(FILES_PATH + name)
        return Probe("long-paths", environ, expect(200, str(len(name)).encode()))

    def _unique_host(self, n: int) -> Probe:
        labels = self._filler(n, self.size - len(".example"), "abcdefghijklmnopqrstuvwxyz")
        host = ".".join(labels[i : i + 60] for i in range(0, len(labels), 60)) + ".example"
        environ = make_environ(HOST_PATH, headers={"Host": host})
        return Probe("unique-hosts", environ, expect(200, str(len(host)).encode()))

    def _unique_cookies(self, n: int) -> Probe:
        bad_session = self._filler(n, 80, "SIGNATUREdoesNOTverify")
        cookies = [f"session={bad_session}"]
        length = len(cookies[0])
        index = 0
        while length < self.size:
            value = self._filler(n, COOKIE_VALUE_LENGTH, "cookievalue")
            cookies.append(f"c{self.tag}{n:x}x{index}={value}")
            length += len(cookies[-1]) + 2
            index += 1
        environ = make_environ(COOKIES_PATH, headers={"Cookie": "; ".join(cookies)})
        return Probe("unique-cookies", environ, expect(200, str(len(cookies)).encode()))

    def _large_session(self, n: int) -> Probe:
        # Random text, so that the compression itsdangerous tries does not shrink it: the
        # signed cookie is then about as long as the blob.
        length = min(self.size, SESSION_COOKIE_LIMIT) - 200
        random_text = base64.urlsafe_b64encode(random.Random(n).randbytes(length))
        blob = f"{self.tag}{n:x}-" + random_text.decode()[:length]
        token = self._serializer.dumps({SESSION_BLOB_KEY: blob, SESSION_COUNT_KEY: n})
        environ = make_environ(SESSION_PATH, headers={"Cookie": f"session={token}"})
        return Probe("large-sessions", environ, _session_check(len(blob)))


def _session_check(blob_length: int) -> Check:
    """Return a check that the large session was read (its blob's length is answered)
    and written back (a new session cookie is set)."""
    plain = expect(200, str(blob_length).encode())

    def check(answer: Answer) -> str | None:
        problem = plain(answer)
        if problem is None and not (answer.header("Set-Cookie") or "").startswith("session="):
            return "the changed session was not sent back"
        return problem

    return check
