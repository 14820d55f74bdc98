"""Conformance: the blinker signals the framework sends (area ``signals``).

Ordering relative to hooks is specified in the ``lifecycle`` area; templates and
flashing specify their own signals.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from werkzeug.exceptions import NotFound

from conformance.contract import SIGNAL_NAMES

#: Recorded calls: (sender, keyword arguments) per signal sent.
Calls = list[tuple[Any, dict[str, Any]]]


@pytest.fixture
def record(impl: Any, app: Any) -> Iterator[Callable[[str], Calls]]:
    """Yield ``record(signal_name)``: connect a recorder to that signal for ``app`` only."""
    connected: list[tuple[Any, Callable[..., None]]] = []

    def connect(name: str) -> Calls:
        calls: Calls = []

        def receiver(sender: Any, **extra: Any) -> None:
            calls.append((sender, extra))

        signal = getattr(impl, name)
        signal.connect(receiver, sender=app)
        connected.append((signal, receiver))
        return calls

    yield connect
    for signal, receiver in connected:
        signal.disconnect(receiver, sender=app)


@pytest.fixture
def routes(app: Any) -> Any:
    """The app with ``/`` (returns "ok"), ``/boom`` (raises ValueError), ``/abort`` (raises 404)."""

    @app.route("/")
    def index() -> str:
        return "ok"

    @app.route("/boom")
    def boom() -> str:
        raise ValueError("boom")

    @app.route("/abort")
    def aborting() -> str:
        raise NotFound()

    return app


@pytest.mark.spec("signals.names")
def test_signals_are_named_like_flasks(impl: Any) -> None:
    """Each built-in signal is exported at top level with Flask's blinker signal name."""
    assert {attr: getattr(impl, attr).name for attr in SIGNAL_NAMES} == SIGNAL_NAMES


@pytest.mark.spec("signals.appcontext-pushed")
def test_appcontext_pushed(app: Any, impl: Any, driver: Any) -> None:
    """``appcontext_pushed`` is sent with the app as sender and no arguments once it is pushed."""
    seen: list[tuple[Any, dict[str, Any], bool]] = []

    def receiver(sender: Any, **extra: Any) -> None:
        seen.append((sender, extra, impl.current_app._get_current_object() is app))

    with impl.appcontext_pushed.connected_to(receiver, sender=app), driver.app_context(app):
        assert seen == [(app, {}, True)]


@pytest.mark.spec("signals.appcontext-popped")
def test_appcontext_popped(
    app: Any, record: Callable[[str], Calls], impl: Any, driver: Any
) -> None:
    """``appcontext_popped`` is sent with the app as sender after the context is gone."""
    popped = record("appcontext_popped")
    with driver.app_context(app):
        assert popped == []
    assert popped == [(app, {})]
    assert not impl.has_app_context()


@pytest.mark.spec("signals.appcontext-tearing-down")
def test_appcontext_tearing_down(app: Any, record: Callable[[str], Calls], driver: Any) -> None:
    """``appcontext_tearing_down`` is sent with ``exc=None`` when the context ends cleanly."""
    tearing_down = record("appcontext_tearing_down")
    with driver.app_context(app):
        pass
    assert tearing_down == [(app, {"exc": None})]


@pytest.mark.spec("signals.appcontext-tearing-down.exception")
def test_appcontext_tearing_down_with_exception(
    app: Any, record: Callable[[str], Calls], driver: Any
) -> None:
    """``appcontext_tearing_down`` receives the exception that ended the app context."""
    tearing_down = record("appcontext_tearing_down")
    error = ValueError("in context")
    with pytest.raises(ValueError) as info, driver.app_context(app):
        raise error
    assert info.value is error
    assert tearing_down == [(app, {"exc": error})]


@pytest.mark.spec("signals.request.sequence")
def test_request_sends_context_and_request_signals(
    routes: Any, client: Any, record: Callable[[str], Calls]
) -> None:
    """A request sends each context and request signal exactly once, with the app as sender."""
    names = [
        "appcontext_pushed",
        "request_started",
        "request_finished",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
        "got_request_exception",
    ]
    calls = {name: record(name) for name in names}
    assert client.get("/").data == b"ok"
    counts = {name: len(recorded) for name, recorded in calls.items()}
    assert counts == dict.fromkeys(names[:-1], 1) | {"got_request_exception": 0}
    assert all(sender is routes for recorded in calls.values() for sender, _ in recorded)


@pytest.mark.spec("signals.request-started")
def test_request_started_inside_request_context(routes: Any, client: Any, impl: Any) -> None:
    """``request_started`` is sent with no arguments while the request context is active."""
    seen: list[tuple[dict[str, Any], str]] = []

    def receiver(sender: Any, **extra: Any) -> None:
        seen.append((extra, impl.request.path))

    with impl.request_started.connected_to(receiver, sender=routes):
        client.get("/")
    assert seen == [({}, "/")]


@pytest.mark.spec("signals.request-finished")
def test_request_finished_receives_response(
    routes: Any, client: Any, record: Callable[[str], Calls], impl: Any, driver: Any
) -> None:
    """``request_finished`` receives the response object as ``response``."""
    finished = record("request_finished")
    client.get("/")
    ((sender, extra),) = finished
    assert sender is routes
    assert set(extra) == {"response"}
    assert isinstance(extra["response"], impl.Response)
    assert extra["response"].status_code == 200
    assert driver.resolve(extra["response"].get_data()) == b"ok"


@pytest.mark.spec("signals.request-finished.error-response")
def test_request_finished_for_http_error(
    routes: Any, client: Any, record: Callable[[str], Calls]
) -> None:
    """``request_finished`` is also sent for error responses, such as a raised or unrouted 404."""
    finished = record("request_finished")
    assert client.get("/abort").status_code == 404
    assert client.get("/no-such-page").status_code == 404
    assert [extra["response"].status_code for _, extra in finished] == [404, 404]


@pytest.mark.spec("signals.request-tearing-down")
def test_request_tearing_down_without_error(
    routes: Any, client: Any, record: Callable[[str], Calls]
) -> None:
    """``request_tearing_down`` is sent with ``exc=None`` after a successful request."""
    tearing_down = record("request_tearing_down")
    client.get("/")
    assert tearing_down == [(routes, {"exc": None})]


@pytest.mark.spec("signals.request-tearing-down.exception")
def test_request_tearing_down_with_unhandled_error(
    routes: Any, client: Any, record: Callable[[str], Calls]
) -> None:
    """``request_tearing_down`` and ``appcontext_tearing_down`` get the unhandled exception."""
    routes.config["PROPAGATE_EXCEPTIONS"] = False
    request_teardown = record("request_tearing_down")
    app_teardown = record("appcontext_tearing_down")
    assert client.get("/boom").status_code == 500
    ((_, request_extra),) = request_teardown
    ((_, app_extra),) = app_teardown
    assert isinstance(request_extra["exc"], ValueError)
    assert app_extra["exc"] is request_extra["exc"]


@pytest.mark.spec("signals.got-request-exception")
def test_got_request_exception_for_unhandled_error(
    routes: Any, client: Any, record: Callable[[str], Calls]
) -> None:
    """``got_request_exception`` receives an unhandled exception as ``exception``."""
    routes.config["PROPAGATE_EXCEPTIONS"] = False
    exceptions = record("got_request_exception")
    finished = record("request_finished")
    assert client.get("/boom").status_code == 500
    ((sender, extra),) = exceptions
    assert sender is routes
    assert set(extra) == {"exception"}
    assert isinstance(extra["exception"], ValueError)
    assert str(extra["exception"]) == "boom"
    assert [e["response"].status_code for _, e in finished] == [500]


@pytest.mark.spec("signals.got-request-exception.propagated")
def test_got_request_exception_before_propagation(
    routes: Any, client: Any, record: Callable[[str], Calls]
) -> None:
    """In testing mode the exception propagates to the caller after the signal is sent."""
    exceptions = record("got_request_exception")
    with pytest.raises(ValueError, match="boom"):
        client.get("/boom")
    assert [type(extra["exception"]) for _, extra in exceptions] == [ValueError]


@pytest.mark.spec("signals.got-request-exception.not-for-handled")
def test_got_request_exception_not_sent_for_handled_errors(
    routes: Any, client: Any, record: Callable[[str], Calls]
) -> None:
    """Errors handled by an error handler, and HTTP exceptions, do not send the signal."""

    @routes.errorhandler(ValueError)
    def handle_value_error(error: ValueError) -> tuple[str, int]:
        return "handled", 418

    exceptions = record("got_request_exception")
    assert client.get("/boom").status_code == 418
    assert client.get("/abort").status_code == 404
    assert exceptions == []


@pytest.mark.spec("signals.got-request-exception.http-exception-handler")
def test_handled_http_exception_sends_no_exception_signal(
    routes: Any, client: Any, record: Callable[[str], Calls], driver: Any
) -> None:
    """A 404 handled by a handler for ``NotFound`` sends ``request_finished`` only."""

    @routes.errorhandler(NotFound)
    def handle_not_found(error: NotFound) -> tuple[str, int]:
        return "custom missing", 404

    exceptions = record("got_request_exception")
    finished = record("request_finished")
    assert client.get("/abort").data == b"custom missing"
    assert exceptions == []
    assert [driver.resolve(extra["response"].get_data()) for _, extra in finished] == [
        b"custom missing"
    ]


@pytest.mark.spec("signals.sender-filter")
def test_receivers_only_hear_their_sender(
    make_app: Callable[..., Any],
    routes: Any,
    client: Any,
    record: Callable[[str], Calls],
    driver: Any,
) -> None:
    """A receiver connected with ``signal.connect(receiver, sender=app)`` is not called for
    requests to another app."""
    started = record("request_started")
    other = make_app()

    @other.route("/")
    def other_index() -> str:
        return "other"

    assert driver.client(other).get("/").data == b"other"
    assert started == []
    client.get("/")
    assert len(started) == 1


@pytest.mark.spec("signals.any-sender")
def test_receiver_without_sender_hears_every_app(
    make_app: Callable[..., Any], impl: Any, driver: Any
) -> None:
    """A receiver connected without a sender is called for every app."""
    senders: list[Any] = []

    def receiver(sender: Any, **extra: Any) -> None:
        senders.append(sender)

    first, second = make_app(), make_app()
    with impl.appcontext_pushed.connected_to(receiver):
        with driver.app_context(first):
            pass
        with driver.app_context(second):
            pass
    assert [s for s in senders if s in (first, second)] == [first, second]


@pytest.mark.spec("signals.connected-to")
def test_connected_to_is_temporary(routes: Any, client: Any, impl: Any) -> None:
    """``signal.connected_to(receiver, sender)`` connects the receiver only inside the block."""
    statuses: list[int] = []

    def receiver(sender: Any, response: Any, **extra: Any) -> None:
        statuses.append(response.status_code)

    with impl.request_finished.connected_to(receiver, sender=routes):
        client.get("/")
        client.get("/abort")
    client.get("/")
    assert statuses == [200, 404]


@pytest.mark.spec("signals.disconnect")
def test_disconnect_stops_delivery(routes: Any, client: Any, impl: Any) -> None:
    """A receiver disconnected from a signal is no longer called."""
    calls: list[Any] = []

    def receiver(sender: Any, **extra: Any) -> None:
        calls.append(sender)

    impl.request_started.connect(receiver, sender=routes)
    client.get("/")
    impl.request_started.disconnect(receiver, sender=routes)
    client.get("/")
    assert calls == [routes]


@pytest.mark.needs("async")
@pytest.mark.spec("signals.async-receiver")
def test_async_receiver_is_awaited(routes: Any, client: Any, impl: Any) -> None:
    """A coroutine function connected to a framework signal runs to completion."""
    calls: list[str] = []

    async def receiver(sender: Any, **extra: Any) -> None:
        await asyncio.sleep(0)
        calls.append(impl.request.path)

    with impl.request_started.connected_to(receiver, sender=routes):
        assert client.get("/").status_code == 200
    assert calls == ["/"]


@pytest.mark.needs("async")
@pytest.mark.spec("signals.async-receiver.app-context")
@pytest.mark.parametrize("name", ["appcontext_pushed", "appcontext_popped"])
def test_async_receiver_of_app_context_signals(app: Any, impl: Any, driver: Any, name: str) -> None:
    """A coroutine function connected to ``appcontext_pushed`` or ``appcontext_popped`` runs."""
    senders: list[Any] = []

    async def receiver(sender: Any, **extra: Any) -> None:
        await asyncio.sleep(0)
        senders.append(sender)

    with getattr(impl, name).connected_to(receiver, sender=app), driver.app_context(app):
        pass
    assert senders == [app]


@pytest.mark.needs("async")
@pytest.mark.spec("signals.async-receiver.message-flashed")
def test_async_receiver_of_message_flashed(app: Any, impl: Any, driver: Any) -> None:
    """A coroutine function connected to ``message_flashed`` runs with the message."""
    app.secret_key = "spec secret"
    flashed: list[Any] = []

    async def receiver(sender: Any, **extra: Any) -> None:
        await asyncio.sleep(0)
        flashed.append((sender, extra["message"], extra["category"]))

    with impl.message_flashed.connected_to(receiver, sender=app), driver.request_context(app):
        driver.resolve(impl.flash("saved", "info"))
    assert flashed == [(app, "saved", "info")]


@pytest.mark.spec("signals.custom-namespace")
def test_custom_signal_from_namespace(impl: Any, app: Any) -> None:
    """``signals.Namespace`` makes application signals that deliver sender and keyword data."""
    namespace = impl.signals.Namespace()
    model_saved = namespace.signal("model-saved")
    received: list[tuple[Any, dict[str, Any]]] = []

    def receiver(sender: Any, **extra: Any) -> None:
        received.append((sender, extra))

    with model_saved.connected_to(receiver, sender=app):
        model_saved.send(app, model="user", id=1)
        model_saved.send(object(), model="ignored")
    assert received == [(app, {"model": "user", "id": 1})]
    assert namespace.signal("model-saved") is model_saved
