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
import concurrent.futures
import contextvars
import inspect
import sys
import threading
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar

from conformance.drivers.base import Driver
from conformance.drivers.quart_client import SyncClient, translate

ANSWER_TIMEOUT = 60.0
"""Longest wait, in seconds, for one coroutine on the driver's loop."""


class QuartDriver(Driver):
    """Runs Quart's test client, contexts and rendering from synchronous tests."""

    name: ClassVar[str] = "quart"
    capabilities: ClassVar[frozenset[str]] = frozenset({"sync-views", "asgi"})
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
        """Run ``awaitable`` on the loop in a copy of the caller's context; return its result.

        The copy carries the caller's context variables (Quart's request and app
        contexts, when a plain view running in a worker thread resolves a value).
        """
        return self.submit(awaitable).result(ANSWER_TIMEOUT)

    def submit(
        self, awaitable: Any, context: contextvars.Context | None = None
    ) -> concurrent.futures.Future[Any]:
        """Start ``awaitable`` on the driver's loop; return a future of its result.

        It runs in ``context`` itself if given (Python 3.11+), else in a copy of
        the caller's context.
        """
        if threading.current_thread() is self._thread:
            raise RuntimeError("driver.resolve() called on the event loop: await the value instead")
        caller = contextvars.copy_context()
        answer: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def start() -> None:
            coroutine = _as_coroutine(awaitable)
            if context is None:
                task = caller.run(self.loop.create_task, coroutine)
            else:
                task = self.loop.create_task(coroutine, context=context)
            task.add_done_callback(lambda done: _settle(answer, done))

        self.loop.call_soon_threadsafe(start)
        return answer

    def resolve(self, value: Any) -> Any:
        """Await ``value`` on the driver's loop if it is awaitable; return it otherwise."""
        return self.run(value) if inspect.isawaitable(value) else value

    def client(self, app: Any, use_cookies: bool = True) -> SyncClient:
        """Return a synchronous facade over ``app.test_client()``."""
        return SyncClient(self, app.test_client(use_cookies=use_cookies))

    def cli_runner(self, app: Any) -> Any:
        """Return Quart's CLI runner (click's, over the app's command group)."""
        return app.test_cli_runner()

    def app_context(self, app: Any) -> AbstractContextManager[Any]:
        """Push an application context in the calling thread."""
        return self._pushed(app.app_context())

    def request_context(self, app: Any, *args: Any, **kwargs: Any) -> AbstractContextManager[Any]:
        """Push a request context built from Flask-style test-client arguments."""
        translated = translate(*args, **kwargs)
        if "files" in translated.options:
            raise TypeError("Quart's test_request_context takes no files")
        return self._pushed(
            app.test_request_context(translated.context_target, **translated.options)
        )

    @contextmanager
    def _pushed(self, context: Any) -> Iterator[Any]:
        """Push ``context`` so that the calling thread sees it; pop it at the end.

        Quart's push and pop are coroutines that may wait (sync signal receivers and
        teardown functions run in worker threads), so they run on the loop, both in
        one ``contextvars.Context`` (their tokens must match); the variables the push
        set are then copied into the calling thread, and restored after the pop.
        Before Python 3.11 (no ``create_task(context=...)``) they are stepped in the
        calling thread instead, which fails if they wait.
        """
        if sys.version_info < (3, 11):
            step(context.push())
            try:
                yield context
            finally:
                step(context.pop(None))
            return
        shared = contextvars.copy_context()
        self.submit(context.push(), shared).result(ANSWER_TIMEOUT)
        tokens = [
            (variable, variable.set(value))
            for variable, value in shared.items()
            if variable.get(_UNSET) is not value
        ]
        error: BaseException | None = None
        try:
            yield context
        except BaseException as exc:
            error = exc
            raise
        finally:
            try:
                self.submit(context.pop(error), shared).result(ANSWER_TIMEOUT)
            finally:
                for variable, token in reversed(tokens):
                    variable.reset(token)


_UNSET = object()


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


def _settle(answer: concurrent.futures.Future[Any], task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        answer.cancel()
    elif task.exception() is not None:
        answer.set_exception(task.exception())
    else:
        answer.set_result(task.result())


async def _as_coroutine(awaitable: Any) -> Any:
    return await awaitable
