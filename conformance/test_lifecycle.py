"""The order of the request lifecycle: contexts, session, matching, hooks, signals, teardown.

Every step a request goes through is recorded into one event list by hooks, signal
receivers (connected with ``sender=app``), a session interface that records
``open_session``/``save_session``, and a URL converter that records when the URL is
matched. Each scenario compares that list with the exact sequence observed in Flask 3.1.

Event names: hooks and signals are recorded under their own names; the ones that receive
an exception record it as ``name(ExceptionClass)`` or ``name(None)``;
``request_finished(200)`` records the response status; ``match`` is the URL converter
running; ``view`` is the view body; ``response(200)`` is the test client returning.

Where the numbered "Request Handling Lifecycle" of the feature description differs from
real Flask, the tests follow Flask and say so:

* ``got_request_exception`` is sent as soon as the unhandled exception is caught, before
  the 500 response goes through ``after_request``, the session save and
  ``request_finished`` (the description lists it after ``request_finished``).
* An unhandled exception that is not propagated still produces a response that runs
  ``after_this_request``/``after_request``, saves the session and sends
  ``request_finished``.
* All teardown happens before the WSGI call returns (the description lists "response
  sent back" before teardown).
* A routing 404 still runs ``url_value_preprocessor`` and ``before_request``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from werkzeug.routing import BaseConverter


class Boom(Exception):
    """An exception no error handler is registered for."""


VIEW_ERROR = "raised by the boom view"


class Handled(Exception):
    """An exception the recording app has an error handler for."""


def exc_name(exc: BaseException | None) -> str:
    """Return the class name of ``exc``, or ``"None"``."""
    return "None" if exc is None else type(exc).__name__


class Lifecycle:
    """A recording application: every lifecycle step appends a short name to ``events``."""

    def __init__(self, driver: Any, app: Any) -> None:
        self.driver = driver
        self.app = app
        self.events: list[str] = []
        self.observers: list[Callable[[str], None]] = []

    def record(self, event: str) -> None:
        """Append ``event`` to the event list and tell the observers about it."""
        self.events.append(event)
        for observer in self.observers:
            observer(event)

    def get(self, path: str) -> Any:
        """Issue a GET through a fresh test client, record ``response(status)`` and return it."""
        response = self.driver.client(self.app).get(path)
        self.record(f"response({response.status_code})")
        return response


def build_lifecycle(driver: Any, impl: Any, app: Any) -> Lifecycle:
    """Instrument ``app`` with recording hooks, session interface, converter and views."""
    life = Lifecycle(driver, app)
    record = life.record

    class RecordingSessionInterface(impl.sessions.SecureCookieSessionInterface):
        """The default cookie session interface, recording when it opens and saves."""

        def open_session(self, app: Any, request: Any) -> Any:
            """Record and open the session as the default interface does."""
            record("open_session")
            return super().open_session(app, request)

        def save_session(self, app: Any, session: Any, response: Any) -> None:
            """Record and save the session as the default interface does."""
            record("save_session")
            super().save_session(app, session, response)

    class RecordingConverter(BaseConverter):
        """A string converter recording when the URL is matched."""

        def to_python(self, value: str) -> str:
            """Record the match and return the value unchanged."""
            record("match")
            return value

    app.session_interface = RecordingSessionInterface()
    app.url_map.converters["rec"] = RecordingConverter

    @app.url_value_preprocessor
    def url_value_preprocessor(endpoint: str | None, values: dict[str, Any] | None) -> None:
        record("url_value_preprocessor")

    @app.before_request
    def before_request() -> Any:
        record("before_request")
        if impl.request.endpoint == "short":
            return "short-circuited"
        if impl.request.endpoint == "before_error":
            raise Handled()
        return None

    @app.after_request
    def after_request(response: Any) -> Any:
        record("after_request")
        return response

    @app.teardown_request
    def teardown_request(exc: BaseException | None) -> None:
        record(f"teardown_request({exc_name(exc)})")

    @app.teardown_appcontext
    def teardown_appcontext(exc: BaseException | None) -> None:
        record(f"teardown_appcontext({exc_name(exc)})")

    @app.errorhandler(Handled)
    def handle(error: Handled) -> Any:
        record("errorhandler")
        return "handled", 418

    @app.route("/normal/<rec:part>")
    def normal(part: str) -> str:
        record("view")
        return "ok"

    @app.route("/short/<rec:part>")
    def short(part: str) -> str:
        record("view")
        return "view ran"

    @app.route("/before-error/<rec:part>")
    def before_error(part: str) -> str:
        record("view")
        return "view ran"

    @app.route("/handled/<rec:part>")
    def handled(part: str) -> str:
        record("view")
        raise Handled()

    @app.route("/boom/<rec:part>")
    def boom(part: str) -> str:
        record("view")
        raise Boom(VIEW_ERROR)

    @app.route("/http-error/<rec:part>")
    def http_error(part: str) -> str:
        record("view")
        impl.abort(403)
        return "unreachable"

    @app.route("/deferred/<rec:part>")
    def deferred(part: str) -> str:
        record("view")

        @impl.after_this_request
        def deferred_callback(response: Any) -> Any:
            record("after_this_request")
            return response

        return "ok"

    @app.route("/stream/<rec:part>")
    def stream(part: str) -> Any:
        record("view")

        @impl.stream_with_context
        def generate() -> Iterator[str]:
            record("stream_start")
            yield impl.request.path
            record("stream_end")
            yield "!"

        return generate()

    return life


def signal_receivers(life: Lifecycle) -> dict[str, Callable[..., None]]:
    """Return a recording receiver for each request and app-context signal, by signal name."""
    record = life.record
    return {
        "appcontext_pushed": lambda sender, **kw: record("appcontext_pushed"),
        "request_started": lambda sender, **kw: record("request_started"),
        "got_request_exception": lambda sender, exception, **kw: record(
            f"got_request_exception({exc_name(exception)})"
        ),
        "request_finished": lambda sender, response, **kw: record(
            f"request_finished({response.status_code})"
        ),
        "request_tearing_down": lambda sender, exc=None, **kw: record(
            f"request_tearing_down({exc_name(exc)})"
        ),
        "appcontext_tearing_down": lambda sender, exc=None, **kw: record(
            f"appcontext_tearing_down({exc_name(exc)})"
        ),
        "appcontext_popped": lambda sender, **kw: record("appcontext_popped"),
    }


@pytest.fixture
def life(driver: Any, impl: Any, app: Any) -> Iterator[Lifecycle]:
    """A recording application whose signal receivers are connected for the test's duration."""
    lifecycle = build_lifecycle(driver, impl, app)
    with ExitStack() as stack:
        for name, receiver in signal_receivers(lifecycle).items():
            stack.enter_context(getattr(impl, name).connected_to(receiver, sender=app))
        yield lifecycle


@pytest.mark.spec("lifecycle.order.normal")
def test_normal_request(life: Lifecycle) -> None:
    """A successful request runs every lifecycle step once, in the order listed.

    All teardown happens before the WSGI call returns (Flask; the description lists sending the
    response before teardown).
    """
    life.get("/normal/1")
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "match",
        "request_started",
        "url_value_preprocessor",
        "before_request",
        "view",
        "after_request",
        "save_session",
        "request_finished(200)",
        "teardown_request(None)",
        "request_tearing_down(None)",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
        "response(200)",
    ]


@pytest.mark.spec("lifecycle.order.before-request-response")
def test_before_request_returning_response(life: Lifecycle) -> None:
    """A before_request return value skips the view but is still finalized like a view's."""
    response = life.get("/short/1")
    assert response.data == b"short-circuited"
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "match",
        "request_started",
        "url_value_preprocessor",
        "before_request",
        "after_request",
        "save_session",
        "request_finished(200)",
        "teardown_request(None)",
        "request_tearing_down(None)",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
        "response(200)",
    ]


@pytest.mark.spec("lifecycle.order.before-request-raises")
def test_before_request_raising_handled_exception(life: Lifecycle) -> None:
    """An exception from before_request skips the view and goes to its error handler."""
    life.get("/before-error/1")
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "match",
        "request_started",
        "url_value_preprocessor",
        "before_request",
        "errorhandler",
        "after_request",
        "save_session",
        "request_finished(418)",
        "teardown_request(None)",
        "request_tearing_down(None)",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
        "response(418)",
    ]


@pytest.mark.spec("lifecycle.order.handled-exception")
def test_exception_handled_by_error_handler(life: Lifecycle) -> None:
    """A handled exception runs its handler, with no got_request_exception and a None teardown."""
    life.get("/handled/1")
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "match",
        "request_started",
        "url_value_preprocessor",
        "before_request",
        "view",
        "errorhandler",
        "after_request",
        "save_session",
        "request_finished(418)",
        "teardown_request(None)",
        "request_tearing_down(None)",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
        "response(418)",
    ]


@pytest.mark.spec("lifecycle.order.http-exception")
def test_http_exception_without_handler(life: Lifecycle) -> None:
    """An unhandled HTTPException becomes its error response without got_request_exception."""
    life.get("/http-error/1")
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "match",
        "request_started",
        "url_value_preprocessor",
        "before_request",
        "view",
        "after_request",
        "save_session",
        "request_finished(403)",
        "teardown_request(None)",
        "request_tearing_down(None)",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
        "response(403)",
    ]


@pytest.mark.spec("lifecycle.order.unhandled-exception-500")
def test_unhandled_exception_not_propagated(life: Lifecycle) -> None:
    """An unpropagated exception sends got_request_exception first, then finalizes its 500.

    got_request_exception is sent before after_request, the session save and request_finished run on
    the 500 response, and teardown receives the exception (Flask; the description sends
    got_request_exception after request_finished).
    """
    life.app.config["PROPAGATE_EXCEPTIONS"] = False
    life.get("/boom/1")
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "match",
        "request_started",
        "url_value_preprocessor",
        "before_request",
        "view",
        "got_request_exception(Boom)",
        "after_request",
        "save_session",
        "request_finished(500)",
        "teardown_request(Boom)",
        "request_tearing_down(Boom)",
        "teardown_appcontext(Boom)",
        "appcontext_tearing_down(Boom)",
        "appcontext_popped",
        "response(500)",
    ]


@pytest.mark.spec("lifecycle.order.unhandled-exception-propagated")
def test_unhandled_exception_propagated(life: Lifecycle) -> None:
    """A propagated exception skips finalizing, tears down with it, then reaches the caller."""
    life.app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(Boom) as info:
        life.get("/boom/1")
    assert info.value.args == (VIEW_ERROR,)
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "match",
        "request_started",
        "url_value_preprocessor",
        "before_request",
        "view",
        "got_request_exception(Boom)",
        "teardown_request(Boom)",
        "request_tearing_down(Boom)",
        "teardown_appcontext(Boom)",
        "appcontext_tearing_down(Boom)",
        "appcontext_popped",
    ]


@pytest.mark.spec("lifecycle.order.routing-404")
def test_routing_404(life: Lifecycle) -> None:
    """An unmatched URL still runs url_value_preprocessor and before_request before the 404.

    Flask raises the routing error when dispatching, after the before_request functions; the
    description starts error handling at the match.
    """
    life.get("/no-such-page")
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "request_started",
        "url_value_preprocessor",
        "before_request",
        "after_request",
        "save_session",
        "request_finished(404)",
        "teardown_request(None)",
        "request_tearing_down(None)",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
        "response(404)",
    ]


@pytest.mark.spec("lifecycle.order.after-this-request")
def test_after_this_request(life: Lifecycle) -> None:
    """after_this_request callbacks run after the view and before the after_request functions."""
    life.get("/deferred/1")
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "match",
        "request_started",
        "url_value_preprocessor",
        "before_request",
        "view",
        "after_this_request",
        "after_request",
        "save_session",
        "request_finished(200)",
        "teardown_request(None)",
        "request_tearing_down(None)",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
        "response(200)",
    ]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("lifecycle.order.stream-with-context")
def test_streaming_response(life: Lifecycle) -> None:
    """A stream_with_context generator runs after teardown, inside re-pushed contexts.

    The re-push re-matches the URL but does not reopen the session, and when the generator is
    exhausted the contexts are torn down a second time (observed Flask 3.1 behaviour).
    """
    response = life.get("/stream/1")
    body = response.get_data()
    life.record("body_read")
    response.close()
    assert body == b"/stream/1!"
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "match",
        "request_started",
        "url_value_preprocessor",
        "before_request",
        "view",
        "after_request",
        "save_session",
        "request_finished(200)",
        "teardown_request(None)",
        "request_tearing_down(None)",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
        # The test client pulls the first chunk before returning.
        "appcontext_pushed",
        "match",
        "stream_start",
        "response(200)",
        "stream_end",
        "teardown_request(None)",
        "request_tearing_down(None)",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
        "body_read",
    ]


@pytest.mark.spec("lifecycle.order.app-context")
def test_app_context_alone(life: Lifecycle, driver: Any) -> None:
    """A bare app context signals its push, and on pop tears down and signals in this order."""
    with driver.app_context(life.app):
        life.record("body")
    assert life.events == [
        "appcontext_pushed",
        "body",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
    ]


@pytest.mark.spec("lifecycle.order.app-context-exception")
def test_app_context_teardown_sees_exception(life: Lifecycle, driver: Any) -> None:
    """An exception leaving an app context block reaches teardown_appcontext and is re-raised."""
    error = Boom()
    with pytest.raises(Boom) as info, driver.app_context(life.app):
        life.record("body")
        raise error
    assert info.value is error
    assert life.events == [
        "appcontext_pushed",
        "body",
        "teardown_appcontext(Boom)",
        "appcontext_tearing_down(Boom)",
        "appcontext_popped",
    ]


@pytest.mark.spec("lifecycle.order.test-request-context")
def test_test_request_context(life: Lifecycle, driver: Any) -> None:
    """test_request_context opens the session and matches, but runs no request hooks or signals."""
    with driver.request_context(life.app, "/normal/1"):
        life.record("body")
    assert life.events == [
        "appcontext_pushed",
        "open_session",
        "match",
        "body",
        "teardown_request(None)",
        "request_tearing_down(None)",
        "teardown_appcontext(None)",
        "appcontext_tearing_down(None)",
        "appcontext_popped",
    ]


@pytest.mark.spec("lifecycle.order.test-request-context-exception")
def test_test_request_context_teardown_sees_exception(life: Lifecycle, driver: Any) -> None:
    """An exception leaving a test_request_context block reaches every teardown step."""
    error = Boom()
    with pytest.raises(Boom) as info, driver.request_context(life.app, "/normal/1"):
        raise error
    assert info.value is error
    assert life.events[-5:] == [
        "teardown_request(Boom)",
        "request_tearing_down(Boom)",
        "teardown_appcontext(Boom)",
        "appcontext_tearing_down(Boom)",
        "appcontext_popped",
    ]


@pytest.mark.spec("lifecycle.contexts.availability")
def test_contexts_available_at_each_step(impl: Any, life: Lifecycle) -> None:
    """Each lifecycle step sees the app and request contexts as active or not, as listed.

    The request context is popped between request_tearing_down and teardown_appcontext, the app
    context before appcontext_popped.
    """
    availability: list[tuple[str, bool, bool]] = []

    def observe(event: str) -> None:
        step = event.split("(")[0]
        availability.append((step, impl.has_app_context(), impl.has_request_context()))

    life.observers.append(observe)
    life.get("/normal/1")
    assert availability == [
        ("appcontext_pushed", True, False),
        ("open_session", True, True),
        ("match", True, True),
        ("request_started", True, True),
        ("url_value_preprocessor", True, True),
        ("before_request", True, True),
        ("view", True, True),
        ("after_request", True, True),
        ("save_session", True, True),
        ("request_finished", True, True),
        ("teardown_request", True, True),
        ("request_tearing_down", True, True),
        ("teardown_appcontext", True, False),
        ("appcontext_tearing_down", True, False),
        ("appcontext_popped", False, False),
        ("response", False, False),
    ]


@pytest.mark.spec("lifecycle.finished-response-is-final")
def test_request_finished_and_save_session_get_final_response(
    impl: Any, app: Any, driver: Any
) -> None:
    """save_session and request_finished receive the response after_request returned."""
    seen: dict[str, Any] = {}

    class Recording(impl.sessions.SecureCookieSessionInterface):
        """Records the response passed to save_session."""

        def save_session(self, app: Any, session: Any, response: Any) -> None:
            """Remember the response, then save as usual."""
            seen["save_session"] = response
            super().save_session(app, session, response)

    app.session_interface = Recording()

    @app.route("/")
    def index() -> str:
        return "original"

    @app.after_request
    def replace(response: Any) -> Any:
        replacement = driver.resolve(impl.make_response("replaced", 201))
        seen["after_request"] = replacement
        return replacement

    def finished(sender: Any, response: Any, **extra: Any) -> None:
        seen["request_finished"] = response

    with impl.request_finished.connected_to(finished, sender=app):
        assert driver.client(app).get("/").data == b"replaced"
    assert seen["save_session"] is seen["after_request"]
    assert seen["request_finished"] is seen["after_request"]


@pytest.mark.spec("lifecycle.signals.sender-is-app")
def test_signals_sent_with_app_as_sender(impl: Any, app: Any, driver: Any) -> None:
    """Request and app-context signals are sent with the app itself (not a proxy) as sender."""
    senders: list[Any] = []

    @app.route("/")
    def index() -> str:
        return "ok"

    names = [
        "appcontext_pushed",
        "request_started",
        "request_finished",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]
    with ExitStack() as stack:
        for name in names:
            stack.enter_context(
                getattr(impl, name).connected_to(
                    lambda sender, **kw: senders.append(sender), sender=app
                )
            )
        driver.client(app).get("/")
    assert len(senders) == len(names)
    assert all(sender is app for sender in senders)


@pytest.mark.spec("lifecycle.signals.top-level-names")
def test_lifecycle_signals_exported(impl: Any) -> None:
    """The lifecycle signals are top-level names, the same objects as in the signals module."""
    for name in [
        "request_started",
        "request_finished",
        "got_request_exception",
        "request_tearing_down",
        "appcontext_pushed",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]:
        assert getattr(impl, name) is getattr(impl.signals, name)
