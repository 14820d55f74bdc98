"""Spec area ``async``: ``async def`` views, hooks, error handlers, class-based views and
signal receivers, and the ``ensure_sync`` / ``async_to_sync`` helpers.

Where the feature description is silent, the tests pin what Flask 3.1 does:

* Coroutine functions are run to completion through ``app.ensure_sync`` wherever the
  app calls user functions: views, request hooks, ``teardown_appcontext``, error
  handlers, template context processors and blinker signal receivers.
* ``ensure_sync`` returns anything that is not a coroutine function unchanged, async
  generator functions and objects with an async ``__call__`` included.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator
from typing import Any

import pytest


@pytest.mark.spec("async.view.basic")
def test_async_view(app: Any, client: Any) -> None:
    """An ``async def`` view is awaited and its return value becomes the response."""

    @app.route("/")
    async def index() -> str:
        await asyncio.sleep(0)
        return "from a coroutine"

    response = client.get("/")
    assert response.status_code == 200
    assert response.data == b"from a coroutine"


@pytest.mark.spec("async.view.context")
def test_async_view_sees_request_across_await(impl: Any, app: Any, client: Any) -> None:
    """``request``, ``g`` and URL arguments stay available across ``await`` in a coroutine view."""

    @app.route("/items/<int:item_id>")
    async def item(item_id: int) -> dict[str, Any]:
        impl.g.before = impl.request.args["q"]
        await asyncio.sleep(0)
        return {"id": item_id, "q": impl.request.args["q"], "g": impl.g.before}

    assert client.get("/items/7?q=x").json == {"id": 7, "q": "x", "g": "x"}


@pytest.mark.spec("async.view.event-loop")
def test_async_view_runs_in_event_loop(app: Any, client: Any) -> None:
    """The coroutine runs inside a running asyncio event loop, so it can gather tasks."""

    async def double(value: int) -> int:
        await asyncio.sleep(0)
        return value * 2

    @app.route("/")
    async def index() -> dict[str, Any]:
        results = await asyncio.gather(double(1), double(2))
        return {"results": list(results), "loop": asyncio.get_running_loop().is_running()}

    assert client.get("/").json == {"results": [2, 4], "loop": True}


@pytest.mark.spec("async.view.abort")
def test_async_view_abort(impl: Any, app: Any, client: Any) -> None:
    """``abort`` inside a coroutine view gives the HTTP error response."""

    @app.route("/")
    async def index() -> Any:
        impl.abort(403)

    assert client.get("/").status_code == 403


@pytest.mark.spec("async.hooks.before-request")
def test_async_before_request(impl: Any, app: Any, client: Any) -> None:
    """An async ``before_request`` runs before the view; returning a value short-circuits."""

    @app.before_request
    async def check() -> str | None:
        await asyncio.sleep(0)
        if impl.request.path == "/blocked":
            return "blocked by hook"
        impl.g.seen = "hook ran"
        return None

    @app.route("/")
    def index() -> str:
        return impl.g.seen

    @app.route("/blocked")
    def blocked() -> str:
        return "view ran"

    assert client.get("/").data == b"hook ran"
    assert client.get("/blocked").data == b"blocked by hook"


@pytest.mark.spec("async.hooks.after-request")
def test_async_after_request(app: Any, client: Any) -> None:
    """An async ``after_request`` receives the response and its return value is used."""

    @app.route("/")
    def index() -> str:
        return "body"

    @app.after_request
    async def add_header(response: Any) -> Any:
        await asyncio.sleep(0)
        response.headers["X-Async"] = "yes"
        return response

    response = client.get("/")
    assert response.headers["X-Async"] == "yes"
    assert response.data == b"body"


@pytest.mark.spec("async.hooks.teardown")
def test_async_teardown_functions(app: Any, client: Any) -> None:
    """Async ``teardown_request`` and ``teardown_appcontext`` run and receive the error."""
    log: list[tuple[str, Any]] = []

    @app.teardown_request
    async def teardown_request(exc: BaseException | None) -> None:
        await asyncio.sleep(0)
        log.append(("request", exc))

    @app.teardown_appcontext
    async def teardown_app(exc: BaseException | None) -> None:
        log.append(("app", exc))

    @app.route("/")
    def index() -> str:
        return "ok"

    assert client.get("/").data == b"ok"
    assert log == [("request", None), ("app", None)]


@pytest.mark.spec("async.errorhandler")
def test_async_error_handler(app: Any, client: Any) -> None:
    """An async error handler handles exceptions raised by a coroutine view."""

    class Problem(Exception):
        pass

    @app.errorhandler(Problem)
    async def handle(exc: Problem) -> tuple[str, int]:
        await asyncio.sleep(0)
        return f"handled {exc}", 418

    @app.route("/")
    async def index() -> str:
        raise Problem("it")

    response = client.get("/")
    assert response.status_code == 418
    assert response.data == b"handled it"


@pytest.mark.spec("async.errorhandler.http-code")
def test_async_error_handler_for_status_code(app: Any, client: Any) -> None:
    """An async handler registered for 404 handles unmatched URLs."""

    @app.errorhandler(404)
    async def not_found(exc: Exception) -> tuple[str, int]:
        return "nothing here", 404

    response = client.get("/missing")
    assert response.status_code == 404
    assert response.data == b"nothing here"


@pytest.mark.spec("async.views.method-view")
def test_async_method_view(impl: Any, app: Any, client: Any) -> None:
    """A ``MethodView`` with async ``get`` and ``post`` methods dispatches to them."""

    class Items(impl.views.MethodView):
        async def get(self) -> str:
            await asyncio.sleep(0)
            return "listed"

        async def post(self) -> tuple[str, int]:
            return f"created {impl.request.form['name']}", 201

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    assert client.get("/items").data == b"listed"
    created = client.post("/items", data={"name": "x"})
    assert created.status_code == 201
    assert created.data == b"created x"
    assert client.put("/items").status_code == 405


@pytest.mark.spec("async.views.view-dispatch")
def test_async_view_class_dispatch(impl: Any, app: Any, client: Any) -> None:
    """A ``View`` whose ``dispatch_request`` is a coroutine function is awaited."""

    class Greeting(impl.views.View):
        async def dispatch_request(self, name: str) -> str:
            await asyncio.sleep(0)
            return f"hi {name}"

    app.add_url_rule("/hi/<name>", view_func=Greeting.as_view("greeting"))
    assert client.get("/hi/ada").data == b"hi ada"


@pytest.mark.spec("async.blueprint")
def test_async_blueprint_view_and_hook(impl: Any, app: Any, client: Any) -> None:
    """Blueprint coroutine views and async blueprint hooks run like the app's."""
    blueprint = impl.Blueprint("bp", __name__, url_prefix="/bp")

    @blueprint.before_request
    async def mark() -> None:
        impl.g.mark = "bp hook"

    @blueprint.route("/")
    async def index() -> str:
        return impl.g.mark

    app.register_blueprint(blueprint)
    assert client.get("/bp/").data == b"bp hook"


@pytest.mark.spec("async.context-processor")
def test_async_context_processor(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """An async template context processor is awaited and its values reach templates."""

    @app.context_processor
    async def inject() -> dict[str, str]:
        await asyncio.sleep(0)
        return {"who": "async processor"}

    @app.route("/")
    def index() -> str:
        return driver.render_string("{{ who }}")

    assert client.get("/").data == b"async processor"


@pytest.mark.spec("async.signal-receiver")
def test_async_signal_receiver(impl: Any, app: Any, client: Any) -> None:
    """An async receiver connected to ``request_started`` is run when the signal is sent."""
    calls: list[Any] = []

    async def receiver(sender: Any, **extra: Any) -> None:
        await asyncio.sleep(0)
        calls.append(sender)

    @app.route("/")
    def index() -> str:
        return "ok"

    with impl.request_started.connected_to(receiver, app):
        assert client.get("/").data == b"ok"
    assert calls == [app]


@pytest.mark.spec("async.ensure-sync.sync-unchanged")
def test_ensure_sync_returns_sync_function_unchanged(app: Any) -> None:
    """``app.ensure_sync`` returns a plain function itself."""

    def plain() -> str:
        return "plain"

    assert app.ensure_sync(plain) is plain


@pytest.mark.spec("async.ensure-sync.not-coroutine-function-unchanged")
def test_ensure_sync_leaves_other_callables(app: Any) -> None:
    """Async generator functions and objects with an async ``__call__`` are returned as is."""

    async def numbers() -> AsyncIterator[int]:
        yield 1

    class AwaitableCall:
        async def __call__(self) -> int:
            return 1

    thing = AwaitableCall()
    assert app.ensure_sync(numbers) is numbers
    assert app.ensure_sync(thing) is thing


@pytest.mark.spec("async.ensure-sync.wraps-coroutine")
def test_ensure_sync_wraps_coroutine_function(app: Any) -> None:
    """``ensure_sync`` wraps a coroutine function into a sync callable returning its result."""

    async def add(a: int, b: int) -> int:
        await asyncio.sleep(0)
        return a + b

    wrapped = app.ensure_sync(add)
    assert wrapped is not add
    assert not inspect.iscoroutinefunction(wrapped)
    assert wrapped(3, b=4) == 7


@pytest.mark.spec("async.async-to-sync")
def test_async_to_sync(app: Any) -> None:
    """``app.async_to_sync(func)`` returns a sync callable that runs the coroutine."""

    async def greet(name: str) -> str:
        await asyncio.sleep(0)
        return f"hello {name}"

    assert app.async_to_sync(greet)("ada") == "hello ada"


@pytest.mark.spec("async.ensure-sync.exception")
def test_ensure_sync_propagates_exception(app: Any) -> None:
    """An exception raised by the coroutine propagates out of the sync wrapper."""

    async def fail() -> None:
        raise LookupError("from coroutine")

    with pytest.raises(LookupError, match="from coroutine"):
        app.ensure_sync(fail)()
