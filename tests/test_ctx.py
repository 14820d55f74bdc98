"""Unit tests for framework.ctx and framework.globals: application and request contexts,
``g``, the context helpers and the proxies."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from framework import (
    Flask,
    Response,
    after_this_request,
    appcontext_popped,
    appcontext_pushed,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
    stream_with_context,
    url_for,
)
from framework.ctx import AppContext, RequestContext, _AppCtxGlobals
from framework.globals import app_ctx, request_ctx


@pytest.fixture
def app() -> Flask:
    """A testing app with a secret key."""
    application = Flask(__name__)
    application.config.update(TESTING=True, SECRET_KEY="test secret")
    return application


@pytest.fixture
def events(app: Flask) -> list[Any]:
    """A list the app's teardown functions append ``(kind, exception)`` to."""
    recorded: list[Any] = []

    @app.teardown_request
    def teardown_request(exc: BaseException | None) -> None:
        recorded.append(("teardown_request", exc))

    @app.teardown_appcontext
    def teardown_appcontext(exc: BaseException | None) -> None:
        recorded.append(("teardown_appcontext", exc))

    return recorded


# --- application context -------------------------------------------------------


def test_app_context_makes_current_app_and_g_available(app: Flask) -> None:
    """Inside ``app.app_context()`` ``current_app`` is the app and ``g`` its globals."""
    assert not has_app_context()
    with app.app_context() as ctx:
        assert isinstance(ctx, AppContext)
        assert has_app_context()
        assert not has_request_context()
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert g._get_current_object() is ctx.g
        assert app_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        assert isinstance(ctx.g, app.app_ctx_globals_class)
    assert not has_app_context()


def test_each_app_context_has_its_own_g(app: Flask) -> None:
    """``g`` belongs to one application context; a new context starts empty."""
    with app.app_context():
        g.value = 1
        with app.app_context():
            assert "value" not in g
            g.value = 2
        assert g.value == 1
    with app.app_context():
        assert g.get("value") is None


def test_app_context_push_pop_by_hand(app: Flask, events: list[Any]) -> None:
    """``push``/``pop`` work without ``with``; pop runs the teardown_appcontext functions."""
    ctx = app.app_context()
    ctx.push()
    assert current_app.name == app.name
    ctx.pop()
    assert not has_app_context()
    assert events == [("teardown_appcontext", None)]


def test_same_app_context_pushed_twice_tears_down_once(app: Flask, events: list[Any]) -> None:
    """A context pushed twice stays active after the first pop; teardown runs at the last pop."""
    ctx = app.app_context()
    ctx.push()
    ctx.push()
    ctx.pop()
    assert has_app_context()
    assert events == []
    ctx.pop()
    assert not has_app_context()
    assert events == [("teardown_appcontext", None)]


def test_app_context_url_adapter_uses_server_name(app: Flask) -> None:
    """The app context's URL adapter is bound to ``SERVER_NAME``, or None without it."""
    assert app.app_context().url_adapter is None
    app.config["SERVER_NAME"] = "example.com"
    adapter = app.app_context().url_adapter
    assert adapter is not None
    assert adapter.server_name == "example.com"


def test_app_context_url_adapter_is_bound_when_the_context_is_created(app: Flask) -> None:
    """As in Flask, the app context's URL adapter reflects ``SERVER_NAME`` as it was when
    the context was created; later config changes do not affect that context."""
    app.add_url_rule("/", "index", lambda: "")
    app.config["SERVER_NAME"] = "before.example"
    with app.app_context():
        app.config["SERVER_NAME"] = "after.example"
        assert url_for("index") == "http://before.example/"
    with app.app_context():
        assert url_for("index") == "http://after.example/"
    app.config["SERVER_NAME"] = None
    ctx = app.app_context()
    app.config["SERVER_NAME"] = "late.example"
    with ctx, pytest.raises(RuntimeError, match="Unable to build URLs outside an active request"):
        url_for("index")


def test_popping_the_wrong_app_context_is_an_assertion_error(app: Flask) -> None:
    """Popping a context that is not the active one raises AssertionError."""

    def scenario() -> None:
        outer = app.app_context()
        outer.push()
        app.app_context().push()
        with pytest.raises(AssertionError, match=r"^Popped wrong app context\. \("):
            outer.pop()

    # Run in a copy of the context variables: the broken stack must not leak.
    contextvars.copy_context().run(scenario)
    assert not has_app_context()


def test_app_context_signals(app: Flask) -> None:
    """Pushing sends ``appcontext_pushed`` and popping ``appcontext_popped``, with the app."""
    received: list[tuple[str, Any]] = []

    def on_pushed(sender: Any, **extra: Any) -> None:
        received.append(("pushed", sender))

    def on_popped(sender: Any, **extra: Any) -> None:
        received.append(("popped", sender))

    with (
        appcontext_pushed.connected_to(on_pushed, app),
        appcontext_popped.connected_to(on_popped, app),
        app.app_context(),
    ):
        assert received == [("pushed", app)]
    assert received == [("pushed", app), ("popped", app)]


def test_app_context_exit_passes_the_exception_to_teardown(app: Flask, events: list[Any]) -> None:
    """An exception leaving a ``with app.app_context()`` block reaches teardown_appcontext."""
    error = ValueError("boom")
    with pytest.raises(ValueError), app.app_context():
        raise error
    assert events == [("teardown_appcontext", error)]


def test_pop_without_argument_uses_the_exception_being_handled(
    app: Flask, events: list[Any]
) -> None:
    """``pop()`` with no argument inside an ``except`` block passes the current exception."""
    ctx = app.app_context()
    ctx.push()
    error = KeyError("k")
    try:
        raise error
    except KeyError:
        ctx.pop()
    assert events == [("teardown_appcontext", error)]


# --- request context -----------------------------------------------------------


def test_request_context_makes_request_and_session_available(app: Flask) -> None:
    """Inside a request context ``request`` and ``session`` work and an app context is active."""
    with app.test_request_context("/path?q=1", method="POST") as ctx:
        assert isinstance(ctx, RequestContext)
        assert has_request_context() and has_app_context()
        assert request.path == "/path"
        assert request.args["q"] == "1"
        assert request.method == "POST"
        assert request_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        assert session._get_current_object() is ctx.session  # type: ignore[attr-defined]
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
    assert not has_request_context() and not has_app_context()


def test_request_context_reuses_an_active_app_context_of_the_same_app(app: Flask) -> None:
    """A request context pushed inside its app's context shares that context's ``g``."""
    with app.app_context():
        g.marker = "outer"
        with app.test_request_context():
            assert g.marker == "outer"
        assert has_app_context()


def test_request_context_pushes_its_own_app_context_for_another_app(app: Flask) -> None:
    """Inside another app's context, a request context pushes an app context of its own app."""
    other = Flask("other_app")
    with other.app_context():
        g.marker = "other"
        with app.test_request_context():
            assert current_app.name == app.name
            assert "marker" not in g
        assert current_app.name == "other_app"
        assert g.marker == "other"


def test_request_context_teardown_order(app: Flask, events: list[Any]) -> None:
    """Popping runs teardown_request, then (for the app context it pushed) teardown_appcontext."""
    with app.test_request_context():
        pass
    assert events == [("teardown_request", None), ("teardown_appcontext", None)]


def test_request_context_pushed_twice_tears_down_once(app: Flask, events: list[Any]) -> None:
    """A request context pushed twice tears down only at its last pop."""
    ctx = app.test_request_context()
    ctx.push()
    ctx.push()
    ctx.pop()
    assert has_request_context()
    assert events == []
    ctx.pop()
    assert not has_request_context()
    assert events == [("teardown_request", None), ("teardown_appcontext", None)]


def test_popping_the_wrong_request_context_is_an_assertion_error(app: Flask) -> None:
    """Popping a request context that is not the active one raises AssertionError."""

    def scenario() -> None:
        outer = app.test_request_context("/outer")
        outer.push()
        app.test_request_context("/inner").push()
        with pytest.raises(AssertionError, match=r"^Popped wrong request context\. \("):
            outer.pop()

    contextvars.copy_context().run(scenario)
    assert not has_request_context()


def test_request_context_matches_the_url(app: Flask) -> None:
    """Pushing matches the URL: the rule and view args, or the routing exception."""

    @app.route("/user/<int:uid>")
    def user(uid: int) -> str:
        return ""

    with app.test_request_context("/user/3"):
        assert request.url_rule is not None and request.url_rule.rule == "/user/<int:uid>"
        assert request.view_args == {"uid": 3}
        assert request.routing_exception is None
    with app.test_request_context("/nowhere"):
        assert request.url_rule is None
        assert request.routing_exception is not None
        assert request.routing_exception.code == 404


def test_request_context_opens_the_session(app: Flask) -> None:
    """The session is opened on push: a real session with a secret key, a null one without."""
    with app.test_request_context():
        assert not app.session_interface.is_null_session(session)
    app.secret_key = None
    with app.test_request_context():
        assert app.session_interface.is_null_session(session)


def test_request_context_copy_shares_request_and_session(app: Flask) -> None:
    """``copy()`` gives a new context for the same request and session objects."""
    with app.test_request_context("/x") as ctx:
        copied = ctx.copy()
    assert copied is not ctx
    assert copied.request is ctx.request
    assert copied.session is ctx.session


def test_request_context_exit_passes_the_exception_to_teardown(
    app: Flask, events: list[Any]
) -> None:
    """An exception leaving the ``with`` block reaches both kinds of teardown functions."""
    error = RuntimeError("boom")
    with pytest.raises(RuntimeError), app.test_request_context():
        raise error
    assert events == [("teardown_request", error), ("teardown_appcontext", error)]


# --- teardown with exceptions during dispatch ----------------------------------


def test_teardown_receives_an_unhandled_view_exception(app: Flask, events: list[Any]) -> None:
    """An unhandled exception in a view is passed to the teardown functions."""
    error = ZeroDivisionError("nope")

    @app.route("/fail")
    def fail() -> str:
        raise error

    app.testing = False
    assert app.test_client().get("/fail").status_code == 500
    assert events == [("teardown_request", error), ("teardown_appcontext", error)]


def test_teardown_receives_none_for_a_handled_exception(app: Flask, events: list[Any]) -> None:
    """An exception an error handler dealt with is not passed to the teardown functions."""

    @app.route("/fail")
    def fail() -> str:
        raise KeyError("handled")

    app.register_error_handler(KeyError, lambda e: ("handled", 400))
    assert app.test_client().get("/fail").status_code == 400
    assert events == [("teardown_request", None), ("teardown_appcontext", None)]


def test_teardown_functions_run_in_reverse_order(app: Flask) -> None:
    """Teardown functions run in the reverse order of their registration."""
    order: list[str] = []
    app.teardown_request(lambda exc: order.append("first"))
    app.teardown_request(lambda exc: order.append("second"))
    with app.test_request_context():
        pass
    assert order == ["second", "first"]


# --- g -------------------------------------------------------------------------


def test_g_attribute_access() -> None:
    """``_AppCtxGlobals`` stores attributes; missing ones raise AttributeError."""
    namespace = _AppCtxGlobals()
    namespace.user = "ann"
    assert namespace.user == "ann"
    del namespace.user
    with pytest.raises(AttributeError):
        namespace.user
    with pytest.raises(AttributeError):
        del namespace.user


def test_g_get_pop_setdefault() -> None:
    """``get``, ``pop`` and ``setdefault`` behave like the dict methods of the same name."""
    namespace = _AppCtxGlobals()
    assert namespace.get("x") is None
    assert namespace.get("x", 5) == 5
    assert namespace.setdefault("x", 1) == 1
    assert namespace.setdefault("x", 2) == 1
    assert namespace.get("x") == 1
    assert namespace.pop("x") == 1
    assert namespace.pop("x", "default") == "default"
    with pytest.raises(KeyError):
        namespace.pop("x")
    assert namespace.setdefault("y") is None
    assert "y" in namespace


def test_g_contains_and_iteration() -> None:
    """``in`` tests attribute names and iteration yields them."""
    namespace = _AppCtxGlobals()
    namespace.a = 1
    namespace.b = 2
    assert "a" in namespace
    assert "c" not in namespace
    assert sorted(namespace) == ["a", "b"]


def test_g_repr_names_the_app(app: Flask) -> None:
    """Inside an app context ``repr(g)`` names the app."""
    with app.app_context():
        assert repr(g) == f"<framework.g of '{app.name}'>"


# --- after_this_request --------------------------------------------------------


def test_after_this_request_runs_before_after_request(app: Flask) -> None:
    """Functions from ``after_this_request`` run on this response only, before after_request."""
    order: list[str] = []

    @app.after_request
    def after(response: Response) -> Response:
        order.append("after_request")
        return response

    @app.route("/")
    def index() -> str:
        @after_this_request
        def add_header(response: Response) -> Response:
            order.append("after_this_request")
            response.headers["X-Once"] = "yes"
            return response

        return "index"

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    client = app.test_client()
    assert client.get("/").headers["X-Once"] == "yes"
    assert order == ["after_this_request", "after_request"]
    assert "X-Once" not in client.get("/plain").headers


def test_after_this_request_returns_the_function(app: Flask) -> None:
    """``after_this_request`` returns the function it registered."""

    def func(response: Response) -> Response:
        return response

    with app.test_request_context():
        assert after_this_request(func) is func


def test_after_this_request_outside_a_request_is_an_error() -> None:
    """``after_this_request`` needs an active request context."""
    with pytest.raises(RuntimeError, match="'after_this_request' can only be used when a request"):
        after_this_request(lambda response: response)


# --- copy_current_request_context ----------------------------------------------


def test_copy_current_request_context_in_a_thread(app: Flask) -> None:
    """A function wrapped by ``copy_current_request_context`` sees the request in a thread."""
    results: dict[str, Any] = {}

    @app.route("/work")
    def work() -> str:
        session["user"] = "ann"

        @copy_current_request_context
        def background() -> None:
            results["path"] = request.path
            results["arg"] = request.args["x"]
            results["user"] = session["user"]
            results["app"] = current_app.name

        thread = threading.Thread(target=background)
        thread.start()
        thread.join()
        return "started"

    assert app.test_client().get("/work?x=1").data == b"started"
    assert results == {"path": "/work", "arg": "1", "user": "ann", "app": app.name}


def test_copy_current_request_context_keeps_the_function_name(app: Flask) -> None:
    """The wrapper looks like the wrapped function and passes arguments through."""

    def compute(a: int, b: int = 0) -> int:
        """Add the arguments."""
        return a + b

    with app.test_request_context():
        wrapped = copy_current_request_context(compute)
    assert wrapped.__name__ == "compute"
    assert wrapped.__doc__ == "Add the arguments."
    assert wrapped(1, b=2) == 3


def test_copy_current_request_context_outside_a_request_is_an_error() -> None:
    """``copy_current_request_context`` needs an active request context."""
    with pytest.raises(RuntimeError, match="'copy_current_request_context' can only be used"):
        copy_current_request_context(lambda: None)


# --- stream_with_context -------------------------------------------------------


def test_stream_with_context_repushes_and_tears_down_again(app: Flask, events: list[Any]) -> None:
    """A streamed generator sees the request while iterated; the context is torn down
    when the view returns and again when the stream ends."""

    @app.route("/stream")
    def stream() -> Any:
        def generate() -> Iterator[str]:
            events.append(("start", request.args["x"]))
            yield "a"
            events.append(("middle", request.path))
            yield "b"

        events.append("view returned")
        return stream_with_context(generate())

    response = app.test_client().get("/stream?x=1", buffered=False)
    # werkzeug's test client pulls the first item to start the response.
    assert events == [
        "view returned",
        ("teardown_request", None),
        ("teardown_appcontext", None),
        ("start", "1"),
    ]
    assert response.get_data() == b"ab"
    response.close()
    assert events[4:] == [
        ("middle", "/stream"),
        ("teardown_request", None),
        ("teardown_appcontext", None),
    ]
    assert not has_request_context()


def test_stream_with_context_keeps_g_and_session_of_the_view(app: Flask) -> None:
    """As in Flask 3.1.3, the generator sees the ``g`` and session the view used."""

    @app.route("/")
    def index() -> Any:
        g.value = "from view"
        session["count"] = 1

        def generate() -> Iterator[str]:
            yield g.get("value", "missing")
            yield f" {session.get('count')}"

        return stream_with_context(generate())

    assert app.test_client().get("/").data == b"from view 1"


def test_stream_with_context_as_a_decorator(app: Flask) -> None:
    """``stream_with_context`` also decorates a generator function."""

    @app.route("/stream")
    def stream() -> Any:
        @stream_with_context
        def generate(prefix: str) -> Iterator[str]:
            yield prefix
            yield request.args["name"]

        return generate("hello ")  # type: ignore[operator]

    assert app.test_client().get("/stream?name=ann").data == b"hello ann"


def test_stream_with_context_closes_the_inner_iterator(app: Flask) -> None:
    """Closing the stream early closes the wrapped generator and pops the context."""
    closed: list[bool] = []

    def generate() -> Iterator[str]:
        try:
            yield "a"
            yield "b"
        finally:
            closed.append(True)

    with app.test_request_context():
        stream = stream_with_context(generate())
    assert next(stream) == "a"
    assert has_request_context()
    stream.close()  # type: ignore[attr-defined]
    assert closed == [True]
    assert not has_request_context()


def test_stream_with_context_outside_a_request_is_an_error() -> None:
    """Wrapping an iterator outside a request context is a RuntimeError."""
    with pytest.raises(RuntimeError, match="'stream_with_context' can only be used"):
        stream_with_context(iter(["a"]))


# --- proxies outside their context ---------------------------------------------

_NO_APP = (
    "Working outside of application context.\n\n"
    "This typically means that you attempted to use functionality that needed\n"
    "the current application. To solve this, set up an application context\n"
    "with app.app_context(). See the documentation for more information."
)
_NO_REQUEST = (
    "Working outside of request context.\n\n"
    "This typically means that you attempted to use functionality that needed\n"
    "an active HTTP request. Consult the documentation on testing for\n"
    "information about how to avoid this problem."
)


@pytest.mark.parametrize(
    ("proxy", "message"),
    [(current_app, _NO_APP), (g, _NO_APP), (request, _NO_REQUEST), (session, _NO_REQUEST)],
    ids=["current_app", "g", "request", "session"],
)
def test_unbound_proxy_explains_the_missing_context(proxy: Any, message: str) -> None:
    """Using a proxy outside its context raises RuntimeError with an explanation."""
    with pytest.raises(RuntimeError) as info:
        proxy.anything
    assert str(info.value) == message


def test_request_proxy_needs_a_request_not_just_an_app_context(app: Flask) -> None:
    """An application context alone does not make ``request`` available."""
    with app.app_context(), pytest.raises(RuntimeError, match="outside of request context"):
        request.path
