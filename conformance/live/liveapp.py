"""The application every live server serves, built from the implementation under test.

It imports nothing but the standard library, so a server subprocess (gunicorn) can
import it cheaply from a small module written next to it:

    app = create_app(importlib.import_module("framework"))
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import IO, Any

MAX_CONTENT_LENGTH = 1024
"""The app's ``MAX_CONTENT_LENGTH``: larger request bodies get 413."""

STREAM_PAUSE = 0.3
"""Seconds ``/stream`` waits between its two chunks."""

FIRST_CHUNK = b"first chunk\n"
SECOND_CHUNK = b"second chunk\n"

LONG_STREAM_CHUNK = 16 * 1024
"""Bytes of each chunk of ``/long-stream``."""
LONG_STREAM_CHUNKS = 200
LONG_STREAM_PAUSE = 0.05
"""Seconds ``/long-stream`` waits between chunks (the whole stream takes about 10 s)."""
STREAMED_FILE = "/dev/zero"
"""The file ``/long-stream`` reads its chunks from (a real file handle, no disk)."""


class Lifecycle:
    """What the app saw of its requests, for ``/lifecycle``: requests begun (requests
    to ``/lifecycle`` left out), ``teardown_request`` calls, application contexts
    pushed and popped, files opened and closed. Thread-safe.

    A request context's teardown functions run each time it is popped, just before its
    application context is popped, so once everything is torn down the pops of
    application contexts equal the teardown calls (a streamed response with
    ``stream_with_context`` pushes both contexts a second time and tears down twice).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts = dict.fromkeys(
            ["begun", "torn_down", "contexts_pushed", "contexts_popped", "files_opened"], 0
        )
        self.files_closed = 0

    def add(self, name: str) -> None:
        """Count one more ``name``."""
        with self._lock:
            self.counts[name] += 1

    def open(self, path: str, mode: str) -> IO[bytes]:
        """Open the file at ``path`` counting the opening, and its closing when it comes."""
        file: IO[bytes] = open(path, mode)  # noqa: SIM115 (closed by the caller)
        self.add("files_opened")
        close = file.close

        def counting_close() -> None:
            if not file.closed:
                with self._lock:
                    self.files_closed += 1
            close()

        file.close = counting_close  # type: ignore[method-assign]
        return file

    def report(self) -> dict[str, int]:
        """Return the counts, with the application contexts still pushed, those popped
        without a teardown, and the files still open (the ``/lifecycle`` request's own
        context, pushed and not yet torn down, left out)."""
        with self._lock:
            counts = dict(self.counts)
            files_closed = self.files_closed
        return {
            **counts,
            "contexts_open": counts["contexts_pushed"] - counts["contexts_popped"] - 1,
            "popped_without_teardown": counts["contexts_popped"] - counts["torn_down"],
            "files_open": counts["files_opened"] - files_closed,
        }


def create_app(impl: Any, asynchronous: bool = False) -> Any:
    """Return an app built with ``impl.Flask`` that has the routes the live tests use.

    With ``asynchronous`` (an ASGI product such as Quart, where reading the body is
    awaited and a streamed body is an async generator) the views that read the body or
    stream are coroutines; they answer the same.

    ``/`` says hello; ``/json`` answers JSON; ``/only-get`` allows GET only;
    ``/stream`` streams two chunks ``STREAM_PAUSE`` seconds apart; ``/form`` (POST)
    echoes the form as JSON; ``/upload`` (POST) answers the body's length;
    ``/session/<value>`` stores a value in the session, ``/session`` reads it back.

    For clients that go away, a :class:`Lifecycle` counts what happens:
    ``/long-stream`` streams chunks of a file it opened (:data:`STREAMED_FILE`) within
    the request's context (``stream_with_context``), closing it when the stream ends or
    is closed; ``/save`` (POST) opens ``os.devnull``, closed by a teardown function, and
    copies the body into it; ``/lifecycle`` answers the counts.
    """
    app = impl.Flask("conformance_live")
    app.config.update(SECRET_KEY="conformance live secret", MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH)
    request, session, g = impl.request, impl.session, impl.g
    lifecycle = Lifecycle()

    @app.before_request
    def count_begun() -> None:
        if request.endpoint != "lifecycle":
            lifecycle.add("begun")

    @app.teardown_request
    def count_torn_down(error: BaseException | None) -> None:
        saved = g.pop("saved", None)
        if saved is not None:
            saved.close()
        lifecycle.add("torn_down")

    def count_pushed(sender: Any, **extra: Any) -> None:
        lifecycle.add("contexts_pushed")

    def count_popped(sender: Any, **extra: Any) -> None:
        lifecycle.add("contexts_popped")

    impl.appcontext_pushed.connect(count_pushed, app, weak=False)
    impl.appcontext_popped.connect(count_popped, app, weak=False)

    @app.route("/")
    def hello() -> str:
        return "Hello, live world!"

    @app.route("/json")
    def json_view() -> dict[str, Any]:
        return {"implementation": impl.__name__, "numbers": [1, 2, 3]}

    @app.route("/only-get")
    def only_get() -> str:
        return "got"

    @app.route("/session/<value>")
    def store(value: str) -> str:
        session["value"] = value
        return "stored"

    @app.route("/session")
    def load() -> str:
        return str(session.get("value", "<missing>"))

    @app.route("/lifecycle", endpoint="lifecycle")
    def lifecycle_counts() -> dict[str, int]:
        return lifecycle.report()

    (_add_async_body_views if asynchronous else _add_body_views)(app, impl, lifecycle)
    return app


def _add_body_views(app: Any, impl: Any, lifecycle: Lifecycle) -> None:
    """The views that read the body or stream, for a WSGI product (plain functions)."""
    request, g = impl.request, impl.g

    @app.route("/stream")
    def stream() -> Iterator[bytes]:
        def generate() -> Iterator[bytes]:
            yield FIRST_CHUNK
            time.sleep(STREAM_PAUSE)
            yield SECOND_CHUNK

        return generate()

    @app.route("/form", methods=["POST"])
    def form() -> dict[str, Any]:
        return {"form": request.form.to_dict(flat=False)}

    @app.route("/upload", methods=["POST"])
    def upload() -> str:
        return str(len(request.get_data()))

    @app.route("/long-stream")
    def long_stream() -> Any:
        file = lifecycle.open(STREAMED_FILE, "rb")

        def generate() -> Iterator[bytes]:
            try:
                for _ in range(LONG_STREAM_CHUNKS):
                    yield file.read(LONG_STREAM_CHUNK)
                    time.sleep(LONG_STREAM_PAUSE)
            finally:
                file.close()

        return app.response_class(impl.stream_with_context(generate()))

    @app.route("/save", methods=["POST"])
    def save() -> str:
        g.saved = lifecycle.open(os.devnull, "wb")
        return str(g.saved.write(request.get_data()))


def _add_async_body_views(app: Any, impl: Any, lifecycle: Lifecycle) -> None:
    """The same views for an ASGI product: the body is awaited, streams are async."""
    request, g = impl.request, impl.g

    @app.route("/stream")
    async def stream() -> AsyncIterator[bytes]:
        async def generate() -> AsyncIterator[bytes]:
            yield FIRST_CHUNK
            await asyncio.sleep(STREAM_PAUSE)
            yield SECOND_CHUNK

        return generate()

    @app.route("/form", methods=["POST"])
    async def form() -> dict[str, Any]:
        return {"form": (await request.form).to_dict(flat=False)}

    @app.route("/upload", methods=["POST"])
    async def upload() -> str:
        return str(len(await request.get_data()))

    @app.route("/long-stream")
    async def long_stream() -> Any:
        file = lifecycle.open(STREAMED_FILE, "rb")

        async def generate() -> AsyncIterator[bytes]:
            try:
                for _ in range(LONG_STREAM_CHUNKS):
                    yield file.read(LONG_STREAM_CHUNK)
                    await asyncio.sleep(LONG_STREAM_PAUSE)
            finally:
                file.close()

        return app.response_class(impl.stream_with_context(generate)())

    @app.route("/save", methods=["POST"])
    async def save() -> str:
        g.saved = lifecycle.open(os.devnull, "wb")
        return str(g.saved.write(await request.get_data()))
