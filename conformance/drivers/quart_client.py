"""A synchronous test client over Quart's, taking Flask's test-client arguments.

The facade translates Flask's arguments (``data`` dicts with file tuples,
``base_url``, ``environ_base["REMOTE_ADDR"]``, ``follow_redirects``) to Quart's
``open``, and gives Flask's cookie methods (``get_cookie``, ``set_cookie``,
``delete_cookie``) and ``session_transaction()`` over Quart's own cookie jar
and session transaction. Redirects are followed here, as werkzeug follows them,
so that ``response.history`` and ``response.request`` exist.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import io
import mimetypes
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol
from urllib.parse import urlencode, urljoin, urlsplit

from werkzeug.datastructures import FileStorage, MultiDict

REDIRECT_CODES = frozenset({301, 302, 303, 305, 307, 308})
"""Status codes the client follows with ``follow_redirects=True`` (as werkzeug's)."""

METHOD_DROPPING_CODES = frozenset({301, 302, 303})
"""Redirects after which the request is repeated as a GET without a body."""

DEFAULT_HOST = "localhost"

ANSWER_TIMEOUT = 60.0
"""Longest wait, in seconds, for a session transaction to open or close."""

Runner = Callable[[Any], Any]
"""Runs an awaitable on the driver's loop and returns its result."""


class Loop(Protocol):
    """What the client needs of the driver: running awaitables on its event loop."""

    def run(self, awaitable: Any) -> Any:
        """Run ``awaitable`` to completion and return its result."""

    def submit(self, awaitable: Any) -> concurrent.futures.Future[Any]:
        """Start ``awaitable`` and return a future of its result."""


@dataclasses.dataclass(frozen=True)
class SentRequest:
    """The request a test response answers, as ``response.request`` shows it."""

    method: str
    scheme: str
    host: str
    root_path: str
    path: str
    query_string: str

    @property
    def url(self) -> str:
        """The full URL of the request."""
        query = f"?{self.query_string}" if self.query_string else ""
        return f"{self.scheme}://{self.host}{self.root_path}{self.path}{query}"


@dataclasses.dataclass
class TranslatedRequest:
    """Quart ``open`` arguments built from Flask test-client arguments."""

    path: str
    query: str
    options: dict[str, Any]

    @property
    def target(self) -> str:
        """The full path (under ``root_path``, as ASGI scopes have it) with its query string,
        as Quart's test client takes it."""
        full = self.options.get("root_path", "") + self.path
        return f"{full}?{self.query}" if self.query else full

    @property
    def context_target(self) -> str:
        """The path below ``root_path`` with its query string, as Quart's
        ``test_request_context`` takes it (it adds ``root_path`` itself)."""
        return f"{self.path}?{self.query}" if self.query else self.path

    def sent(self, default_host: str = DEFAULT_HOST) -> SentRequest:
        """Describe the request these arguments send."""
        headers = self.options.get("headers") or {}
        return SentRequest(
            method=self.options.get("method", "GET"),
            scheme=self.options.get("scheme", "http"),
            host=headers.get("Host", default_host),
            root_path=self.options.get("root_path", ""),
            path=self.path,
            query_string=self.query,
        )


def translate(*args: Any, **kwargs: Any) -> TranslatedRequest:
    """Translate Flask test-client arguments to Quart's ``(path, options)``.

    Raises TypeError naming any argument Quart has no counterpart for.
    """
    path = str(args[0]) if args else str(kwargs.pop("path", "/"))
    kwargs.pop("buffered", None)  # Quart's test responses are always buffered
    base_url = kwargs.pop("base_url", None)
    parts = urlsplit(path)
    options: dict[str, Any] = {}
    query = parts.query
    if kwargs.get("query_string") is not None:
        if query:
            raise ValueError("Query string is defined in the path and as an argument")
        query = _query_text(kwargs.pop("query_string"))
    kwargs.pop("query_string", None)
    headers = dict(kwargs.pop("headers", None) or {})
    if base_url:
        base = urlsplit(str(base_url))
        headers.setdefault("Host", base.netloc)
        options["scheme"] = base.scheme or "http"
        options["root_path"] = base.path.rstrip("/")
    if parts.netloc:
        headers["Host"] = parts.netloc
        options["scheme"] = parts.scheme or "http"
    content_type = kwargs.pop("content_type", None)
    _translate_environ_base(kwargs.pop("environ_base", None), options)
    _translate_body(kwargs.pop("data", None), options, headers, content_type)
    if headers:
        options["headers"] = headers
    for name in ("method", "json", "auth", "subdomain"):
        if name in kwargs:
            options[name] = kwargs.pop(name)
    if kwargs:
        raise TypeError(f"the Quart driver cannot translate {', '.join(sorted(kwargs))}")
    return TranslatedRequest(parts.path or "/", query, options)


def _query_text(query: Any) -> str:
    if isinstance(query, bytes):
        return query.decode("latin-1")
    if isinstance(query, str):
        return query
    pairs = query.items(multi=True) if isinstance(query, MultiDict) else query.items()
    return urlencode(list(pairs), doseq=True)


def _translate_environ_base(environ: Mapping[str, Any] | None, options: dict[str, Any]) -> None:
    """Map the WSGI environ keys that have an ASGI scope counterpart; refuse the others."""
    if not environ:
        return
    unknown = sorted(key for key in environ if key != "REMOTE_ADDR")
    if unknown:
        raise TypeError(f"the Quart driver cannot map environ_base keys {', '.join(unknown)}")
    options["scope_base"] = {"client": (environ["REMOTE_ADDR"], 0)}


def _translate_body(
    data: Any, options: dict[str, Any], headers: dict[str, Any], content_type: str | None
) -> None:
    if isinstance(data, Mapping):
        form: dict[str, Any] = {}
        files: dict[str, Any] = {}
        for key, value in data.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                storage = _file_storage(key, item)
                if storage is None:
                    form.setdefault(key, []).append(item)
                else:
                    files.setdefault(key, []).append(storage)
        if form:
            options["form"] = {k: v if len(v) > 1 else v[0] for k, v in form.items()}
        if files:
            options["files"] = _multi(files)
            options.setdefault("form", {})
    elif data is not None:
        options["data"] = data.encode() if isinstance(data, str) else data
    if content_type:
        headers["Content-Type"] = content_type


def _multi(files: dict[str, list[Any]]) -> MultiDict[str, Any]:
    return MultiDict([(key, item) for key, items in files.items() for item in items])


def _file_storage(key: str, value: Any) -> FileStorage | None:
    """Return a FileStorage for a Flask-style file value (a file, or a tuple), else None."""
    if isinstance(value, FileStorage):
        return value
    if isinstance(value, tuple):
        stream, filename, *rest = value
        # As werkzeug's client: the type given, else the one guessed from the file name.
        content_type = rest[0] if rest else mimetypes.guess_type(filename)[0]
        return FileStorage(stream, filename=filename, name=key, content_type=content_type)
    if isinstance(value, io.IOBase) or hasattr(value, "read"):
        filename = os.path.basename(str(getattr(value, "name", "") or "")) or None
        guessed = mimetypes.guess_type(filename)[0] if filename else None
        return FileStorage(value, filename=filename, name=key, content_type=guessed)
    return None


class SyncResponse:
    """A Quart test response with Flask's synchronous reading methods."""

    def __init__(
        self,
        run: Runner,
        response: Any,
        request: SentRequest,
        history: tuple[SyncResponse, ...] = (),
    ) -> None:
        self._run = run
        self._response = response
        self._body: bytes = run(response.get_data())
        self.request = request
        self.history = history

    def __getattr__(self, name: str) -> Any:
        return getattr(self._response, name)

    @property
    def data(self) -> bytes:
        """The whole body as bytes."""
        return self._body

    @property
    def text(self) -> str:
        """The body decoded as text (with the charset of its content type, else UTF-8)."""
        charset = self._response.mimetype_params.get("charset", "utf-8")
        return self._body.decode(charset)

    def get_data(self, as_text: bool = False) -> bytes | str:
        """The body, as bytes or text."""
        return self.text if as_text else self._body

    def get_json(self, force: bool = False, silent: bool = False) -> Any:
        """The body parsed as JSON."""
        return self._run(self._response.get_json(force=force, silent=silent))

    @property
    def json(self) -> Any:
        """The body parsed as JSON (None for a non-JSON body, as Flask's ``json``)."""
        return self.get_json(silent=True)

    def close(self) -> None:
        """Nothing to release: the body was read when the response arrived."""


@dataclasses.dataclass(frozen=True)
class ClientCookie:
    """A cookie in the client's jar, as Flask's ``client.get_cookie`` returns it."""

    key: str
    value: str
    domain: str
    path: str
    expires: float | None


class SyncClient:
    """A synchronous facade over Quart's test client, taking Flask's arguments."""

    def __init__(self, loop: Loop, client: Any) -> None:
        self._loop = loop
        self._run: Runner = loop.run
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    @property
    def application(self) -> Any:
        """The app the client sends requests to."""
        return self._client.app

    def open(self, *args: Any, **kwargs: Any) -> SyncResponse:
        """Send a request; arguments as Flask's test client takes them."""
        follow_redirects = kwargs.pop("follow_redirects", False)
        kwargs.setdefault("method", "GET")
        translated = translate(*args, **kwargs)
        history: list[SyncResponse] = []
        response = self._send(translated)
        while follow_redirects and response.status_code in REDIRECT_CODES:
            history.append(response)
            translated = _redirected(translated, response)
            response = self._send(translated)
        response.history = tuple(history)
        return response

    def _send(self, translated: TranslatedRequest) -> SyncResponse:
        response = self._run(self._client.open(translated.target, **translated.options))
        host = self._client.app.config.get("SERVER_NAME") or DEFAULT_HOST
        return SyncResponse(self._run, response, translated.sent(host))

    def _method(self, method: str, *args: Any, **kwargs: Any) -> SyncResponse:
        kwargs["method"] = method
        return self.open(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> SyncResponse:
        """Send a GET request."""
        return self._method("GET", *args, **kwargs)

    def post(self, *args: Any, **kwargs: Any) -> SyncResponse:
        """Send a POST request."""
        return self._method("POST", *args, **kwargs)

    def put(self, *args: Any, **kwargs: Any) -> SyncResponse:
        """Send a PUT request."""
        return self._method("PUT", *args, **kwargs)

    def patch(self, *args: Any, **kwargs: Any) -> SyncResponse:
        """Send a PATCH request."""
        return self._method("PATCH", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> SyncResponse:
        """Send a DELETE request."""
        return self._method("DELETE", *args, **kwargs)

    def head(self, *args: Any, **kwargs: Any) -> SyncResponse:
        """Send a HEAD request."""
        return self._method("HEAD", *args, **kwargs)

    def options(self, *args: Any, **kwargs: Any) -> SyncResponse:
        """Send an OPTIONS request."""
        return self._method("OPTIONS", *args, **kwargs)

    # --- cookies (Flask's signatures over Quart's jar) --------------------------------

    def _jar(self) -> Any:
        if self._client.cookie_jar is None:
            raise TypeError("Cookies are disabled. Create a client with 'use_cookies=True'.")
        return self._client.cookie_jar

    def get_cookie(
        self, key: str, domain: str = DEFAULT_HOST, path: str = "/"
    ) -> ClientCookie | None:
        """Return the stored cookie ``key`` for ``domain`` and ``path``, or None."""
        for cookie in self._jar():
            if cookie.name == key and _bare_domain(cookie.domain) == domain and cookie.path == path:
                return ClientCookie(key, cookie.value or "", domain, cookie.path, cookie.expires)
        return None

    def set_cookie(
        self, key: str, value: str = "", *, domain: str = DEFAULT_HOST, path: str = "/", **kw: Any
    ) -> None:
        """Store a cookie sent with later requests to ``domain``."""
        self._jar()
        # A cookie for the default host is host-only, as the cookies responses set, so
        # that it replaces one of theirs with the same name.
        cookie_domain = None if domain == DEFAULT_HOST else domain
        self._client.set_cookie(domain, key, value, path=path, domain=cookie_domain, **kw)

    def delete_cookie(self, key: str, *, domain: str = DEFAULT_HOST, path: str = "/") -> None:
        """Remove cookie ``key`` from the jar."""
        try:
            self._jar().clear(_jar_domain(domain), path, key)
        except KeyError:
            pass

    @contextmanager
    def session_transaction(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        """Open the session as the next request would see it; save it on exit."""
        if self._client.cookie_jar is None:
            raise TypeError("Cookies are disabled. Create a client with 'use_cookies=True'.")
        # Quart's transaction sets and resets context variables, so it runs as one
        # task: it hands the session over and waits for the block to end.
        entered: concurrent.futures.Future[Any] = concurrent.futures.Future()
        left: concurrent.futures.Future[None] = concurrent.futures.Future()

        async def transaction() -> None:
            async with self._client.session_transaction(*args, **kwargs) as session:
                entered.set_result(session)
                await asyncio.wrap_future(left)

        finished = self._loop.submit(transaction())
        finished.add_done_callback(lambda done: _hand_over_failure(done, entered))
        session = entered.result(ANSWER_TIMEOUT)
        try:
            yield session
        except BaseException as exc:
            left.set_exception(exc)
            with contextlib.suppress(BaseException):
                finished.result(ANSWER_TIMEOUT)
            raise
        left.set_result(None)
        finished.result(ANSWER_TIMEOUT)


def _hand_over_failure(
    finished: concurrent.futures.Future[Any], entered: concurrent.futures.Future[Any]
) -> None:
    """If the transaction ended before handing over a session, pass its error on."""
    if not entered.done():
        error = finished.exception() or RuntimeError("the session transaction ended early")
        entered.set_exception(error)


def _bare_domain(domain: str) -> str:
    """The domain a cookie was set for (the jar stores ``localhost`` as ``localhost.local``)."""
    domain = domain.lstrip(".")
    return domain.removesuffix(".local") if "." not in domain.removesuffix(".local") else domain


def _jar_domain(domain: str) -> str:
    return f"{domain}.local" if "." not in domain else domain


def _redirected(previous: TranslatedRequest, response: SyncResponse) -> TranslatedRequest:
    """The request that follows ``response``'s redirect, as werkzeug's client makes it."""
    target = urlsplit(urljoin(response.request.url, response.headers["Location"]))
    options = dict(previous.options)
    headers = dict(options.get("headers") or {})
    headers["Host"] = target.netloc
    options["headers"] = headers
    options["scheme"] = target.scheme
    if response.status_code in METHOD_DROPPING_CODES and options.get("method") != "HEAD":
        options["method"] = "GET"
        for body in ("data", "form", "files", "json"):
            options.pop(body, None)
        headers.pop("Content-Type", None)
    root = options.get("root_path", "")
    path = target.path
    if root and path.startswith(root):
        path = path[len(root) :]
    return TranslatedRequest(path or "/", target.query, options)
