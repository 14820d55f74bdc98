"""The driver for Quart: an async (ASGI) product run from synchronous tests.

The driver runs one event loop in a background thread. Requests through the
test client are coroutines submitted to that loop; the test thread waits for
their answers. Quart runs a plain view in a worker thread with a copy of the
request context, so a view's ``driver.resolve(awaitable)`` also submits to the
loop (the copy travels with the call) while the loop waits for the view.

Pushing and popping contexts must change the *calling* thread's context
variables, which a task on another thread cannot do, so the driver steps those
coroutines in the calling thread; they complete without waiting on I/O.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar
from urllib.parse import urlsplit

from conformance.drivers.base import Driver

ANSWER_TIMEOUT = 60.0
"""Longest wait, in seconds, for one coroutine on the driver's loop."""


class QuartDriver(Driver):
    """Runs Quart's test client, contexts and rendering from synchronous tests."""

    name: ClassVar[str] = "quart"
    capabilities: ClassVar[frozenset[str]] = frozenset({"sync-views"})
    absent_features: ClassVar[frozenset[str]] = frozenset({"wsgi"})
    products: ClassVar[tuple[str, ...]] = ("quart",)
    renamed: ClassVar[Mapping[str, str]] = {
        "Flask": "Quart",
        "cli.FlaskGroup": "cli.QuartGroup",
    }

    def __init__(self, impl: Any) -> None:
        super().__init__(impl)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="conformance-quart-loop", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop the loop and its thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()

    def run(self, awaitable: Any) -> Any:
        """Run ``awaitable`` on the driver's loop and return its result."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("driver.resolve() called on the event loop: await the value instead")
        return asyncio.run_coroutine_threadsafe(_as_coroutine(awaitable), self.loop).result(
            ANSWER_TIMEOUT
        )

    def resolve(self, value: Any) -> Any:
        """Await ``value`` on the driver's loop if it is awaitable; return it otherwise."""
        return self.run(value) if inspect.isawaitable(value) else value

    def client(self, app: Any) -> SyncClient:
        """Return a synchronous facade over ``app.test_client()``."""
        return SyncClient(self, app.test_client())

    def cli_runner(self, app: Any) -> Any:
        """Return Quart's CLI runner (click's, over the app's command group)."""
        return app.test_cli_runner()

    def app_context(self, app: Any) -> AbstractContextManager[Any]:
        """Push an application context in the calling thread."""
        return _pushed(app.app_context())

    def request_context(self, app: Any, *args: Any, **kwargs: Any) -> AbstractContextManager[Any]:
        """Push a request context built from Flask-style test-client arguments."""
        path, options = _request_options(*args, **kwargs)
        return _pushed(app.test_request_context(path, **options))


@contextmanager
def _pushed(context: Any) -> Iterator[Any]:
    step(context.push())
    try:
        yield context
    finally:
        step(context.pop(None))


def step(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coroutine`` to completion in the calling thread and context.

    Raises RuntimeError if it waits on something (it needs a running loop).
    """
    try:
        waited = coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError(f"a context push or pop waited on {waited!r}; the driver cannot step it")


async def _as_coroutine(awaitable: Any) -> Any:
    return await awaitable


def _request_options(*args: Any, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    """Translate Flask test-client arguments to Quart's ``(path, options)``."""
    path = str(args[0]) if args else str(kwargs.pop("path", "/"))
    base_url = kwargs.pop("base_url", None)
    parts = urlsplit(path)
    options: dict[str, Any] = {}
    if parts.query:
        options["query_string"] = parts.query.encode()
    if "query_string" in kwargs:
        options["query_string"] = kwargs.pop("query_string")
    headers = dict(kwargs.pop("headers", None) or {})
    if base_url:
        base = urlsplit(str(base_url))
        headers.setdefault("Host", base.netloc)
        options["scheme"] = base.scheme or "http"
        options["root_path"] = base.path.rstrip("/")
    if parts.netloc:
        headers.setdefault("Host", parts.netloc)
        options["scheme"] = parts.scheme or "http"
    content_type = kwargs.pop("content_type", None)
    if content_type:
        headers["Content-Type"] = content_type
    if headers:
        options["headers"] = headers
    data = kwargs.pop("data", None)
    if isinstance(data, dict):
        options["form"] = data
    elif data is not None:
        options["data"] = data.encode() if isinstance(data, str) else data
    for name in ("method", "json", "auth", "subdomain"):
        if name in kwargs:
            options[name] = kwargs.pop(name)
    if kwargs:
        raise TypeError(f"the Quart driver cannot translate {', '.join(sorted(kwargs))}")
    return parts.path or "/", options


class SyncResponse:
    """A Quart test response with Flask's synchronous reading methods."""

    def __init__(self, driver: QuartDriver, response: Any) -> None:
        self._driver = driver
        self._response = response
        self._body: bytes = driver.run(response.get_data())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._response, name)

    @property
    def data(self) -> bytes:
        """The whole body as bytes."""
        return self._body

    @property
    def text(self) -> str:
        """The body decoded as text."""
        return self._body.decode(self._response.charset or "utf-8")

    def get_data(self, as_text: bool = False) -> bytes | str:
        """The body, as bytes or text."""
        return self.text if as_text else self._body

    def get_json(self, force: bool = False, silent: bool = False) -> Any:
        """The body parsed as JSON."""
        return self._driver.run(self._response.get_json(force=force, silent=silent))

    @property
    def json(self) -> Any:
        """The body parsed as JSON, or None if it is not JSON."""
        return self.get_json(silent=True)

    def close(self) -> None:
        """Nothing to release: the body was read when the response arrived."""


class SyncClient:
    """A synchronous facade over Quart's test client, taking Flask's arguments."""

    def __init__(self, driver: QuartDriver, client: Any) -> None:
        self._driver = driver
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def open(self, *args: Any, **kwargs: Any) -> SyncResponse:
        """Send a request; arguments as Flask's test client takes them."""
        follow_redirects = kwargs.pop("follow_redirects", False)
        path, options = _request_options(*args, **kwargs)
        options.setdefault("method", "GET")
        response = self._driver.run(
            self._client.open(path, follow_redirects=follow_redirects, **options)
        )
        return SyncResponse(self._driver, response)

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
