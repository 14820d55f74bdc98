"""Error handlers, abort, HTTP exceptions and unhandled exceptions."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    Forbidden,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
)


class Boom(Exception):
    """An exception raised by views in these tests."""


class BaseError(Exception):
    """The root of a small exception hierarchy for MRO resolution tests."""


class MiddleError(BaseError):
    """A subclass of :class:`BaseError`."""


class LeafError(MiddleError):
    """A subclass of :class:`MiddleError`."""


class Teapot499(HTTPException):
    """An application-defined HTTP error with a code werkzeug does not know."""

    code = 499
    description = "A custom client error."


def raising(exc: BaseException) -> Callable[[], str]:
    """Return a view function that raises ``exc``."""

    def view() -> str:
        raise exc

    return view


def recording(log: list[Any], result: Any) -> Callable[..., Any]:
    """Return a handler or receiver that appends its first argument (or ``exception``) to
    ``log`` and returns ``result``."""

    def record(*args: Any, **kwargs: Any) -> Any:
        log.append(kwargs["exception"] if "exception" in kwargs else args[0])
        return result

    return record


def production(app: Any) -> Any:
    """Turn off testing so unhandled exceptions become 500 responses; return ``app``."""
    app.config["TESTING"] = False
    return app


# -- registering handlers ------------------------------------------------------------------


@pytest.mark.spec("errors.handler.code")
def test_errorhandler_for_code(impl: Any, app: Any, client: Any) -> None:
    """@app.errorhandler(code) handles abort(code) and gets the HTTPException instance."""
    received: list[Any] = []

    @app.errorhandler(404)
    def not_found(error: Any) -> Any:
        received.append(error)
        return "custom not found", 404

    app.add_url_rule("/", "index", lambda: impl.abort(404))
    response = client.get("/")
    assert (response.status_code, response.data) == (404, b"custom not found")
    assert len(received) == 1
    assert isinstance(received[0], NotFound)


@pytest.mark.spec("errors.handler.code-routing")
def test_errorhandler_for_code_handles_routing_404(app: Any, client: Any) -> None:
    """A 404 handler also handles URLs that match no rule."""
    app.register_error_handler(404, lambda error: ("nothing here", 404))
    assert client.get("/missing").data == b"nothing here"


@pytest.mark.spec("errors.handler.register-function")
def test_register_error_handler(impl: Any, app: Any, client: Any) -> None:
    """app.register_error_handler(code_or_class, f) registers f like the decorator does."""
    app.register_error_handler(403, lambda error: ("forbidden!", 403))
    app.register_error_handler(Boom, lambda error: ("boom!", 500))
    app.add_url_rule("/forbidden", "forbidden", lambda: impl.abort(403))
    app.add_url_rule("/boom", "boom", raising(Boom()))
    assert client.get("/forbidden").data == b"forbidden!"
    assert client.get("/boom").data == b"boom!"


@pytest.mark.spec("errors.handler.http-exception-class")
def test_errorhandler_for_http_exception_class(impl: Any, app: Any, client: Any) -> None:
    """A handler registered for an HTTPException subclass handles abort() with its code."""
    app.register_error_handler(Forbidden, lambda error: ("no entry", 403))
    app.add_url_rule("/", "index", lambda: impl.abort(403))
    assert client.get("/").data == b"no entry"


@pytest.mark.spec("errors.handler.any-exception-class")
def test_errorhandler_for_custom_exception(app: Any, client: Any) -> None:
    """A handler can be registered for any exception class and receives the raised instance."""
    error = Boom("details")
    received: list[Any] = []

    @app.errorhandler(Boom)
    def handle(exc: Boom) -> Any:
        received.append(exc)
        return f"handled {exc}", 400

    app.add_url_rule("/", "index", raising(error))
    response = client.get("/")
    assert (response.status_code, response.data) == (400, b"handled details")
    assert received == [error]


@pytest.mark.spec("errors.handler.decorator-returns-function")
def test_errorhandler_returns_function(app: Any) -> None:
    """@app.errorhandler returns the decorated function; register_error_handler returns None."""

    def handler(error: Any) -> str:
        return "handled"

    assert app.errorhandler(404)(handler) is handler
    assert app.register_error_handler(403, handler) is None


@pytest.mark.spec("errors.handler.unknown-code")
@pytest.mark.parametrize("code", [200, 301, 499, 999])
def test_errorhandler_unknown_code(app: Any, code: int) -> None:
    """Registering a handler for a code that is not a known HTTP error raises ValueError."""
    with pytest.raises(ValueError, match=f"'{code}' is not a recognized HTTP error code"):
        app.errorhandler(code)(lambda error: "x")
    with pytest.raises(ValueError, match="not a recognized HTTP error code"):
        app.register_error_handler(code, lambda error: "x")


@pytest.mark.spec("errors.handler.unknown-code-message")
def test_errorhandler_unknown_code_message(app: Any) -> None:
    """The ``ValueError`` for an unknown code is Flask's, word for word."""
    with pytest.raises(ValueError) as info:
        app.register_error_handler(299, lambda error: "x")
    assert str(info.value) == (
        "'299' is not a recognized HTTP error code. Use a subclass of HTTPException with"
        " that code instead."
    )


@pytest.mark.spec("errors.handler.instance-rejected")
@pytest.mark.parametrize("instance", [NotFound(), Boom("x")])
def test_errorhandler_for_instance_raises_type_error(app: Any, instance: Exception) -> None:
    """Registering a handler for an exception instance instead of a class raises TypeError."""
    with pytest.raises(TypeError, match="is an instance, not a class"):
        app.register_error_handler(instance, lambda error: "x")


@pytest.mark.spec("errors.handler.non-exception-class")
def test_errorhandler_for_non_exception_class(app: Any) -> None:
    """Registering a handler for a class that is not an Exception subclass raises ValueError."""
    with pytest.raises(ValueError, match="is not a subclass of Exception"):
        app.register_error_handler(object, lambda error: "x")


@pytest.mark.spec("errors.handler.custom-http-exception")
def test_errorhandler_for_custom_http_exception(app: Any, client: Any) -> None:
    """An HTTPException subclass with a new code can be handled by registering the class."""
    app.register_error_handler(Teapot499, lambda error: (f"custom {error.code}", 499))
    app.add_url_rule("/", "index", raising(Teapot499()))
    response = client.get("/")
    assert (response.status_code, response.data) == (499, b"custom 499")


# -- resolving the handler -----------------------------------------------------------------


@pytest.mark.spec("errors.resolution.mro-most-specific")
def test_most_specific_class_handler_wins(app: Any, client: Any) -> None:
    """The handler for the nearest class in the exception's MRO is used."""
    app.register_error_handler(BaseError, lambda error: f"base:{type(error).__name__}")
    app.register_error_handler(MiddleError, lambda error: f"middle:{type(error).__name__}")
    app.add_url_rule("/base", "base", raising(BaseError()))
    app.add_url_rule("/middle", "middle", raising(MiddleError()))
    app.add_url_rule("/leaf", "leaf", raising(LeafError()))
    assert client.get("/base").data == b"base:BaseError"
    assert client.get("/middle").data == b"middle:MiddleError"
    assert client.get("/leaf").data == b"middle:LeafError"


@pytest.mark.spec("errors.resolution.registration-order-irrelevant")
def test_mro_resolution_ignores_registration_order(app: Any, client: Any) -> None:
    """The most specific handler wins whatever order the handlers were registered in."""
    app.register_error_handler(MiddleError, lambda error: "middle")
    app.register_error_handler(BaseError, lambda error: "base")
    app.add_url_rule("/leaf", "leaf", raising(LeafError()))
    assert client.get("/leaf").data == b"middle"


@pytest.mark.spec("errors.resolution.builtin-hierarchy")
def test_handler_for_builtin_base_class(app: Any, client: Any) -> None:
    """A LookupError handler handles IndexError, but a KeyError handler wins for KeyError."""
    app.register_error_handler(LookupError, lambda error: "lookup")
    app.register_error_handler(KeyError, lambda error: "key")
    app.add_url_rule("/index", "index", raising(IndexError()))
    app.add_url_rule("/key", "key", raising(KeyError("k")))
    assert client.get("/index").data == b"lookup"
    assert client.get("/key").data == b"key"


@pytest.mark.spec("errors.resolution.code-and-class-share-slot")
@pytest.mark.parametrize("code_first", [True, False])
def test_code_and_class_handlers_share_slot(app: Any, client: Any, code_first: bool) -> None:
    """Handlers for 404 and for NotFound are one registration; the later replaces the earlier."""
    registrations: list[Any] = [(404, "code"), (NotFound, "class")]
    if not code_first:
        registrations.reverse()
    for key, body in registrations:
        app.register_error_handler(key, lambda error, body=body: (body, 404))
    assert client.get("/missing").data == registrations[-1][1].encode()


@pytest.mark.spec("errors.resolution.code-over-http-exception")
def test_code_handler_beats_http_exception_handler(app: Any, client: Any) -> None:
    """A handler for the specific code wins over a handler for HTTPException."""
    app.register_error_handler(HTTPException, lambda error: ("generic http", error.code))
    app.register_error_handler(404, lambda error: ("specific 404", 404))
    assert client.get("/missing").data == b"specific 404"


@pytest.mark.spec("errors.resolution.http-exception-routing")
def test_http_exception_handler_catches_routing_errors(app: Any, client: Any) -> None:
    """A handler for HTTPException receives routing 404 and 405 errors."""
    app.register_error_handler(HTTPException, lambda error: (f"{error.code} {error.name}", 200))
    app.add_url_rule("/post-only", "post_only", lambda: "posted", methods=["POST"])
    assert client.get("/missing").data == b"404 Not Found"
    assert client.get("/post-only").data == b"405 Method Not Allowed"


@pytest.mark.spec("errors.resolution.exception-gets-http-exceptions")
def test_exception_handler_receives_http_exceptions(impl: Any, app: Any, client: Any) -> None:
    """A handler for Exception also receives HTTPExceptions, including routing errors.

    This is Flask 3.1 behaviour: an HTTPException without a more specific handler goes to the
    handler for Exception.
    """
    received: list[Any] = []

    @app.errorhandler(Exception)
    def handle(error: Exception) -> Any:
        received.append(error)
        return type(error).__name__, 200

    app.add_url_rule("/abort", "abort", lambda: impl.abort(403))
    assert client.get("/missing").data == b"NotFound"
    assert client.get("/abort").data == b"Forbidden"
    assert all(isinstance(error, HTTPException) for error in received)


@pytest.mark.spec("errors.resolution.http-exception-over-exception")
def test_http_exception_handler_beats_exception_handler(app: Any, client: Any) -> None:
    """HTTP errors prefer an HTTPException handler over an Exception handler."""
    app.register_error_handler(Exception, lambda error: ("exception", 500))
    app.register_error_handler(HTTPException, lambda error: ("http", error.code))
    app.add_url_rule("/boom", "boom", raising(Boom()))
    assert client.get("/missing").data == b"http"
    assert client.get("/boom").data == b"exception"


@pytest.mark.spec("errors.resolution.exception-handler-stops-propagation")
def test_exception_handler_prevents_propagation(impl: Any, app: Any, client: Any) -> None:
    """An Exception handler's error neither propagates in testing nor sends the signal."""
    signalled: list[Any] = []
    app.register_error_handler(Exception, lambda error: ("caught", 500))
    app.add_url_rule("/boom", "boom", raising(Boom()))
    receiver = recording(signalled, None)
    with impl.got_request_exception.connected_to(receiver, sender=app):
        assert client.get("/boom").data == b"caught"
    assert signalled == []


# -- handler return values -----------------------------------------------------------------


@pytest.mark.spec("errors.handler-return.tuple-status")
def test_handler_returns_body_and_status(app: Any, client: Any) -> None:
    """A handler returning (body, status) produces that status."""
    app.register_error_handler(Boom, lambda error: ("conflict", 409))
    app.add_url_rule("/", "index", raising(Boom()))
    response = client.get("/")
    assert (response.status_code, response.data) == (409, b"conflict")


@pytest.mark.spec("errors.handler-return.tuple-headers")
def test_handler_returns_body_status_headers(app: Any, client: Any) -> None:
    """A handler returning (body, status, headers) sets the headers too."""
    app.register_error_handler(Boom, lambda error: ("gone", 410, {"X-Reason": "boom"}))
    app.add_url_rule("/", "index", raising(Boom()))
    response = client.get("/")
    assert response.status_code == 410
    assert response.headers["X-Reason"] == "boom"


@pytest.mark.spec("errors.handler-return.dict")
def test_handler_returns_dict(app: Any, client: Any) -> None:
    """A handler returning (dict, status) produces a JSON response."""
    app.register_error_handler(Boom, lambda error: ({"error": "boom"}, 422))
    app.add_url_rule("/", "index", raising(Boom()))
    response = client.get("/")
    assert response.status_code == 422
    assert response.mimetype == "application/json"
    assert response.get_json() == {"error": "boom"}


@pytest.mark.spec("errors.handler-return.response")
def test_handler_returns_response_object(impl: Any, app: Any, client: Any) -> None:
    """A handler may return a response object, which is used as is."""
    app.register_error_handler(Boom, lambda error: impl.Response("teapot", 418))
    app.add_url_rule("/", "index", raising(Boom()))
    response = client.get("/")
    assert (response.status_code, response.data) == (418, b"teapot")


@pytest.mark.spec("errors.handler-return.string-is-200")
def test_handler_returning_string_gives_200(impl: Any, app: Any, client: Any) -> None:
    """A handler returning only a string produces status 200, not the error's code."""
    app.register_error_handler(404, lambda error: "just a string")
    app.add_url_rule("/", "index", lambda: impl.abort(404))
    response = client.get("/")
    assert (response.status_code, response.data) == (200, b"just a string")


@pytest.mark.spec("errors.handler-return.http-exception")
def test_handler_returns_the_http_exception(impl: Any, app: Any, client: Any) -> None:
    """A handler may return the HTTPException it received, producing its default response."""
    app.register_error_handler(403, lambda error: error)
    app.add_url_rule("/", "index", lambda: impl.abort(403, "no reason"))
    response = client.get("/")
    assert response.status_code == 403
    assert b"<p>no reason</p>" in response.data


@pytest.mark.spec("errors.handler-return.none")
def test_handler_returning_none_fails(app: Any, client: Any) -> None:
    """A handler returning None is an invalid response and raises TypeError."""
    app.register_error_handler(Boom, lambda error: None)
    app.add_url_rule("/", "index", raising(Boom()))
    with pytest.raises(TypeError, match=re.escape("'index'")):
        client.get("/")


# -- abort ---------------------------------------------------------------------------------


@pytest.mark.spec("errors.abort.code")
def test_abort_code_raises_http_exception(impl: Any) -> None:
    """abort(code) raises the werkzeug HTTPException subclass for that code."""
    with pytest.raises(NotFound) as info:
        impl.abort(404)
    assert info.value.code == 404


@pytest.mark.spec("errors.abort.description")
def test_abort_with_description(impl: Any, app: Any, client: Any) -> None:
    """abort(code, description) sets the description shown in the default error page."""
    app.add_url_rule("/", "index", lambda: impl.abort(404, "No such widget."))
    response = client.get("/")
    assert response.status_code == 404
    assert b"<p>No such widget.</p>" in response.data


@pytest.mark.spec("errors.abort.description-keyword")
def test_abort_with_description_keyword(impl: Any) -> None:
    """abort(code, description=...) passes the description to the exception."""
    with pytest.raises(BadRequest) as info:
        impl.abort(400, description="Missing field.")
    assert info.value.description == "Missing field."


@pytest.mark.spec("errors.abort.arguments-in-context")
def test_abort_arguments_in_an_app_context(impl: Any, app: Any, driver: Any) -> None:
    """With an application active, ``abort`` passes its positional and keyword arguments
    on to the exception, as without one."""
    with driver.app_context(app):
        with pytest.raises(BadRequest) as keyword:
            impl.abort(400, description="Missing field.")
        with pytest.raises(NotFound) as positional:
            impl.abort(404, "No such widget.")
    assert (keyword.value.description, positional.value.description) == (
        "Missing field.",
        "No such widget.",
    )


@pytest.mark.spec("errors.abort.positional-outside-context")
def test_abort_positional_description_outside_context(impl: Any) -> None:
    """Without an application, ``abort(code, description)`` still sets the description."""
    with pytest.raises(NotFound) as info:
        impl.abort(404, "No such widget.")
    assert info.value.description == "No such widget."


@pytest.mark.spec("errors.abort.response")
def test_abort_with_response(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """abort(response) stops the request and sends that response unchanged."""
    app.add_url_rule(
        "/", "index", lambda: impl.abort(driver.resolve(impl.make_response("stopped", 202)))
    )
    response = client.get("/")
    assert (response.status_code, response.data) == (202, b"stopped")


@pytest.mark.spec("errors.abort.response-bypasses-handlers")
def test_abort_with_response_skips_http_exception_handler(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """abort(response) raises a code-less HTTPException that skips HTTPException handlers."""
    calls: list[Any] = []
    app.register_error_handler(HTTPException, recording(calls, "handled"))
    app.add_url_rule(
        "/", "index", lambda: impl.abort(driver.resolve(impl.make_response("stopped", 202)))
    )
    assert client.get("/").data == b"stopped"
    assert calls == []
    with pytest.raises(HTTPException) as info:
        impl.abort(impl.Response("x"))
    assert info.value.code is None


@pytest.mark.spec("errors.abort.unknown-code")
@pytest.mark.parametrize("code", [200, 999])
def test_abort_unknown_code(impl: Any, app: Any, code: int, driver: Any) -> None:
    """abort() with a code that has no exception class raises LookupError."""
    with pytest.raises(LookupError, match=str(code)):
        impl.abort(code)
    with driver.app_context(app), pytest.raises(LookupError, match=str(code)):
        impl.abort(code)


@pytest.mark.spec("errors.abort.in-before-request")
def test_abort_in_before_request(impl: Any, app: Any, client: Any) -> None:
    """abort() in a before_request function goes through the error handlers."""
    app.before_request(lambda: impl.abort(401))
    app.register_error_handler(401, lambda error: ("log in first", 401))
    app.add_url_rule("/", "index", lambda: "secret")
    response = client.get("/")
    assert (response.status_code, response.data) == (401, b"log in first")


@pytest.mark.spec("errors.aborter.default")
def test_app_aborter(app: Any) -> None:
    """app.aborter is app.make_aborter()'s instance of app.aborter_class (werkzeug's Aborter)."""
    assert app.aborter_class is Aborter
    assert isinstance(app.aborter, Aborter)
    assert isinstance(app.make_aborter(), Aborter)
    assert app.aborter.mapping[404] is NotFound


@pytest.mark.spec("errors.aborter.custom-mapping")
def test_abort_uses_app_aborter_mapping(impl: Any, app: Any, client: Any) -> None:
    """In an app context abort() uses current_app.aborter, so codes added to it work."""
    app.aborter.mapping[499] = Teapot499
    app.register_error_handler(Teapot499, lambda error: (error.description, 499))
    app.add_url_rule("/", "index", lambda: impl.abort(499))
    response = client.get("/")
    assert (response.status_code, response.data) == (499, b"A custom client error.")
    with pytest.raises(LookupError, match="499"):
        impl.abort(499)


@pytest.mark.spec("errors.aborter.custom-class")
def test_custom_aborter_class(impl: Any, driver: Any) -> None:
    """A Flask subclass's aborter_class is used to build app.aborter, which abort() calls."""

    class ForbiddingAborter(Aborter):
        """Turns every abort into a 403."""

        def __call__(self, code: Any, *args: Any, **kwargs: Any) -> Any:
            raise Forbidden("always forbidden")

    class CustomApp(impl.Flask):
        """An application whose aborter forbids everything."""

        aborter_class = ForbiddingAborter

    app = CustomApp("custom_aborter_app")
    app.config["TESTING"] = True
    app.add_url_rule("/", "index", lambda: impl.abort(404))
    assert isinstance(app.aborter, ForbiddingAborter)
    assert driver.client(app).get("/").status_code == 403


# -- HTTP exceptions as responses ----------------------------------------------------------


@pytest.mark.spec("errors.http-exception.default-page")
def test_http_exception_default_page(impl: Any, app: Any, client: Any) -> None:
    """An unhandled HTTPException becomes an HTML page with its code, name and description."""
    app.add_url_rule("/", "index", lambda: impl.abort(403))
    response = client.get("/")
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert b"<title>403 Forbidden</title>" in response.data
    assert b"<h1>Forbidden</h1>" in response.data


@pytest.mark.spec("errors.http-exception.405-allow")
def test_method_not_allowed_lists_allowed_methods(app: Any, client: Any) -> None:
    """A 405 response carries an Allow header with the URL's methods."""
    app.add_url_rule("/item", "item", lambda: "ok", methods=["POST", "PUT"])
    response = client.get("/item")
    assert response.status_code == 405
    assert b"Method Not Allowed" in response.data
    allowed = {method.strip() for method in response.headers["Allow"].split(",")}
    assert allowed == {"POST", "PUT", "OPTIONS"}


@pytest.mark.spec("errors.http-exception.routing-405-exception")
def test_routing_405_is_method_not_allowed(app: Any, client: Any) -> None:
    """A method mismatch reaches handlers as a MethodNotAllowed carrying the valid methods."""
    received: list[Any] = []
    app.register_error_handler(405, recording(received, ("no", 405)))
    app.add_url_rule("/item", "item", lambda: "ok", methods=["POST"])
    client.get("/item")
    error = received[0]
    assert isinstance(error, MethodNotAllowed)
    assert error.valid_methods is not None
    assert "POST" in error.valid_methods


@pytest.mark.spec("errors.http-exception.view-returns-instance")
def test_view_returning_http_exception(app: Any, client: Any) -> None:
    """A view may return an HTTPException, which is sent without going through handlers."""
    calls: list[Any] = []
    app.register_error_handler(403, recording(calls, "handled"))
    app.add_url_rule("/", "index", lambda: Forbidden("Returned, not raised."))
    response = client.get("/")
    assert response.status_code == 403
    assert b"<p>Returned, not raised.</p>" in response.data
    assert calls == []


@pytest.mark.needs("wsgi")
@pytest.mark.spec("errors.http-exception.view-returns-instance-environ")
def test_view_returning_http_exception_renders_with_the_environ(app: Any, client: Any) -> None:
    """An HTTPException returned by a view renders its page with the request's environ."""

    class Teapot(HTTPException):
        code = 418

        def get_body(self, environ: Any = None, scope: Any = None) -> str:
            return f"<p>teapot at {environ['PATH_INFO']}</p>"

    app.add_url_rule("/pot", "pot", lambda: Teapot())
    response = client.get("/pot")
    assert response.status_code == 418
    assert response.data == b"<p>teapot at /pot</p>"


@pytest.mark.spec("errors.http-exception.view-returns-instance-head")
def test_view_returning_http_exception_to_head(app: Any, client: Any) -> None:
    """For a HEAD request, an HTTPException returned by a view reaches ``after_request``
    with an empty body and the ``Content-Length`` of the page a GET gets."""
    seen: list[tuple[int, bytes, str | None]] = []

    @app.after_request
    def record(response: Any) -> Any:
        seen.append(
            (response.status_code, response.get_data(), response.headers.get("Content-Length"))
        )
        return response

    app.add_url_rule("/", "index", lambda: Forbidden("Returned, not raised."))
    page = client.get("/").data
    assert client.head("/").status_code == 403
    assert seen[1] == (403, b"", str(len(page)))


# -- unhandled exceptions ------------------------------------------------------------------


@pytest.mark.spec("errors.unhandled.500")
def test_unhandled_exception_becomes_500(app: Any, driver: Any) -> None:
    """Outside testing and debug an unhandled exception becomes a 500 error page."""
    production(app)
    app.add_url_rule("/", "index", raising(Boom()))
    response = driver.client(app).get("/")
    assert response.status_code == 500
    assert b"<title>500 Internal Server Error</title>" in response.data


@pytest.mark.spec("errors.unhandled.original-exception")
def test_500_handler_receives_original_exception(app: Any, driver: Any) -> None:
    """A 500 handler gets an InternalServerError whose original_exception is the raised one."""
    production(app)
    error = Boom("original")
    received: list[Any] = []

    @app.errorhandler(500)
    def server_error(exc: Any) -> Any:
        received.append(exc)
        return "sorry", 500

    app.add_url_rule("/", "index", raising(error))
    assert driver.client(app).get("/").data == b"sorry"
    assert isinstance(received[0], InternalServerError)
    assert received[0].original_exception is error


@pytest.mark.spec("errors.unhandled.internal-server-error-class")
def test_internal_server_error_class_handler(app: Any, driver: Any) -> None:
    """A handler registered for the InternalServerError class receives unhandled exceptions."""
    production(app)
    error = Boom("original")
    app.register_error_handler(
        InternalServerError, lambda exc: (f"ise:{exc.original_exception is error}", 500)
    )
    app.add_url_rule("/", "index", raising(error))
    assert driver.client(app).get("/").data == b"ise:True"


@pytest.mark.spec("errors.unhandled.abort-500")
def test_abort_500_has_no_original_exception(impl: Any, app: Any, client: Any) -> None:
    """abort(500) reaches the 500 handler with original_exception None, even in testing."""
    app.register_error_handler(500, lambda exc: (repr(exc.original_exception), 500))
    app.add_url_rule("/", "index", lambda: impl.abort(500))
    assert client.get("/").data == b"None"


@pytest.mark.spec("errors.unhandled.logged")
def test_unhandled_exception_is_logged(
    app: Any, caplog: pytest.LogCaptureFixture, driver: Any
) -> None:
    """An unhandled exception is logged at ERROR on app.logger with the method and path."""
    production(app)
    error = Boom("logged")
    app.add_url_rule("/fail", "fail", raising(error))
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        driver.client(app).get("/fail?x=1")
    records = [record for record in caplog.records if record.name == app.logger.name]
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert records[0].getMessage() == "Exception on /fail [GET]"
    assert records[0].exc_info is not None
    assert records[0].exc_info[1] is error


@pytest.mark.spec("errors.unhandled.finalize-error-logged")
def test_error_in_finalizing_an_error_response_is_logged(
    app: Any, caplog: pytest.LogCaptureFixture, driver: Any
) -> None:
    """When an ``after_request`` function fails while the 500 page is being finished, the
    page is still sent and the failure is logged with Flask's message, word for word."""
    production(app)
    app.add_url_rule("/fail", "fail", raising(Boom("first")))

    @app.after_request
    def broken(response: Any) -> Any:
        if response.status_code == 500:
            raise Boom("second")
        return response

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        assert driver.client(app).get("/fail").status_code == 500
    messages = [r.getMessage() for r in caplog.records if r.name == app.logger.name]
    assert messages == [
        "Exception on /fail [GET]",
        "Request finalizing failed with an error while handling an error",
    ]


# -- propagation: PROPAGATE_EXCEPTIONS, TESTING, DEBUG ------------------------------------


@pytest.mark.spec("errors.propagate.default")
def test_propagate_exceptions_defaults_to_none(impl: Any) -> None:
    """PROPAGATE_EXCEPTIONS defaults to None, meaning "follow TESTING or DEBUG"."""
    assert impl.Flask("plain_app").config["PROPAGATE_EXCEPTIONS"] is None


@pytest.mark.spec("errors.propagate.testing")
def test_testing_propagates_exceptions(app: Any, client: Any) -> None:
    """With TESTING on, an unhandled exception propagates to the caller of the app."""
    app.add_url_rule("/", "index", raising(Boom("propagated")))
    with pytest.raises(Boom, match="propagated"):
        client.get("/")


@pytest.mark.spec("errors.propagate.debug")
def test_debug_propagates_exceptions(app: Any, driver: Any) -> None:
    """With DEBUG on (and TESTING off), an unhandled exception propagates to the caller."""
    production(app).config["DEBUG"] = True
    error = Boom()
    app.add_url_rule("/", "index", raising(error))
    with pytest.raises(Boom) as info:
        driver.client(app).get("/")
    assert info.value is error


@pytest.mark.spec("errors.propagate.explicit-false")
def test_propagate_false_overrides_testing(app: Any, client: Any) -> None:
    """PROPAGATE_EXCEPTIONS False makes unhandled exceptions 500s even in testing."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/", "index", raising(Boom()))
    assert client.get("/").status_code == 500


@pytest.mark.spec("errors.propagate.explicit-true")
def test_propagate_true_without_testing(app: Any, driver: Any) -> None:
    """PROPAGATE_EXCEPTIONS True propagates exceptions even without TESTING or DEBUG."""
    production(app).config["PROPAGATE_EXCEPTIONS"] = True
    error = Boom()
    app.add_url_rule("/", "index", raising(error))
    with pytest.raises(Boom) as info:
        driver.client(app).get("/")
    assert info.value is error


@pytest.mark.spec("errors.propagate.skips-500-handler")
def test_propagation_skips_500_handler(app: Any, client: Any) -> None:
    """When an exception propagates, the 500 handler is not called."""
    calls: list[Any] = []
    app.register_error_handler(500, recording(calls, ("handled", 500)))
    error = Boom()
    app.add_url_rule("/", "index", raising(error))
    with pytest.raises(Boom) as info:
        client.get("/")
    assert info.value is error
    assert calls == []


@pytest.mark.spec("errors.propagate.http-exceptions-not-propagated")
def test_http_exceptions_not_propagated_in_testing(impl: Any, app: Any, client: Any) -> None:
    """HTTP exceptions are turned into responses even when exceptions propagate."""
    app.add_url_rule("/", "index", lambda: impl.abort(403))
    assert client.get("/").status_code == 403
    assert client.get("/missing").status_code == 404


# -- trapping HTTP exceptions --------------------------------------------------------------


@pytest.mark.spec("errors.trap-http.propagates")
def test_trap_http_exceptions_raises(impl: Any, app: Any, client: Any) -> None:
    """With TRAP_HTTP_EXCEPTIONS, HTTP errors (even routing ones) propagate in testing."""
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    app.add_url_rule("/", "index", lambda: impl.abort(403, "the view's own"))
    with pytest.raises(Forbidden) as info:
        client.get("/")
    assert info.value.description == "the view's own"
    # A routing NotFound carries werkzeug's default text: its type is all there is to see.
    with pytest.raises(NotFound):
        client.get("/missing")


@pytest.mark.spec("errors.trap-http.becomes-500")
def test_trap_http_exceptions_becomes_500(impl: Any, app: Any, driver: Any) -> None:
    """Unpropagated, a trapped HTTP exception becomes a 500 with it as original_exception."""
    production(app).config["TRAP_HTTP_EXCEPTIONS"] = True
    app.register_error_handler(500, lambda exc: (type(exc.original_exception).__name__, 500))
    app.add_url_rule("/", "index", lambda: impl.abort(403))
    response = driver.client(app).get("/")
    assert (response.status_code, response.data) == (500, b"Forbidden")


@pytest.mark.spec("errors.trap-bad-request.default-400")
def test_form_key_error_becomes_400(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """A missing request.form key raises BadRequestKeyError, a KeyError that becomes a 400."""
    received: list[Any] = []
    app.register_error_handler(400, recording(received, ("bad", 400)))
    app.add_url_rule(
        "/", "index", lambda: driver.resolve(impl.request.form)["missing"], methods=["POST"]
    )
    assert client.post("/").status_code == 400
    assert isinstance(received[0], BadRequestKeyError)
    assert isinstance(received[0], KeyError)


@pytest.mark.spec("errors.trap-bad-request.default-page")
def test_form_key_error_default_page_hides_key(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """Outside debug mode the 400 page for a missing form key does not reveal the key."""
    app.add_url_rule(
        "/", "index", lambda: driver.resolve(impl.request.form)["secret_field"], methods=["POST"]
    )
    response = client.post("/")
    assert response.status_code == 400
    assert b"secret_field" not in response.data


@pytest.mark.spec("errors.trap-bad-request.enabled")
def test_trap_bad_request_errors_raises(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """With TRAP_BAD_REQUEST_ERRORS True the BadRequestKeyError propagates in testing."""
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True
    app.add_url_rule(
        "/", "index", lambda: driver.resolve(impl.request.form)["missing"], methods=["POST"]
    )
    with pytest.raises(BadRequestKeyError) as info:
        client.post("/")
    assert info.value.args == ("missing",)


@pytest.mark.spec("errors.trap-bad-request.all-bad-requests")
def test_trap_bad_request_errors_traps_abort_400(impl: Any, app: Any, client: Any) -> None:
    """TRAP_BAD_REQUEST_ERRORS traps every BadRequest, including abort(400)."""
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True
    app.add_url_rule("/", "index", lambda: impl.abort(400, "the view's own"))
    with pytest.raises(BadRequest) as info:
        client.get("/")
    assert info.value.description == "the view's own"


@pytest.mark.spec("errors.trap-bad-request.debug")
def test_debug_traps_bad_request_key_errors(impl: Any, app: Any, driver: Any) -> None:
    """In debug mode, TRAP_BAD_REQUEST_ERRORS None traps BadRequestKeyError so it propagates."""
    production(app).config["DEBUG"] = True
    assert app.config["TRAP_BAD_REQUEST_ERRORS"] is None
    app.add_url_rule(
        "/", "index", lambda: driver.resolve(impl.request.form)["missing"], methods=["POST"]
    )
    with pytest.raises(BadRequestKeyError) as info:
        driver.client(app).post("/")
    assert info.value.args == ("missing",)


@pytest.mark.spec("errors.trap-bad-request.off")
def test_trap_bad_request_errors_false_answers_400(impl: Any, app: Any, driver: Any) -> None:
    """With ``TRAP_BAD_REQUEST_ERRORS`` False no bad request is trapped, even in debug
    mode: a missing key and ``abort(400)`` are answered with the 400 page."""
    app.config.update(DEBUG=True, TRAP_BAD_REQUEST_ERRORS=False)
    app.add_url_rule("/key", "key", lambda: driver.resolve(impl.request.args)["missing"])
    app.add_url_rule("/abort", "abort", lambda: impl.abort(400))
    client = driver.client(app)
    assert [client.get("/key").status_code, client.get("/abort").status_code] == [400, 400]


@pytest.mark.spec("errors.trap-bad-request.debug-description")
def test_debug_bad_request_key_error_shows_key(impl: Any, app: Any, driver: Any) -> None:
    """In debug mode an untrapped BadRequestKeyError's description names the missing key."""
    production(app).config.update(DEBUG=True, TRAP_BAD_REQUEST_ERRORS=False)
    app.register_error_handler(400, lambda error: (error.description, 400))
    app.add_url_rule(
        "/", "index", lambda: driver.resolve(impl.request.form)["missing"], methods=["POST"]
    )
    response = driver.client(app).post("/")
    assert response.status_code == 400
    assert "KeyError: 'missing'" in response.get_data(as_text=True)


# -- got_request_exception -----------------------------------------------------------------


@pytest.mark.spec("errors.got-request-exception.sent")
def test_got_request_exception_sent(impl: Any, app: Any, driver: Any) -> None:
    """got_request_exception is sent with sender=app and the unhandled exception."""
    production(app)
    error = Boom("signalled")
    received: list[tuple[Any, Any]] = []
    app.add_url_rule("/", "index", raising(error))

    def receiver(sender: Any, exception: BaseException, **extra: Any) -> None:
        received.append((sender, exception))

    with impl.got_request_exception.connected_to(receiver, sender=app):
        driver.client(app).get("/")
    assert received == [(app, error)]


@pytest.mark.spec("errors.got-request-exception.propagating")
def test_got_request_exception_sent_when_propagating(impl: Any, app: Any, client: Any) -> None:
    """got_request_exception is also sent when the exception then propagates."""
    received: list[Any] = []
    error = Boom()
    app.add_url_rule("/", "index", raising(error))
    receiver = recording(received, None)
    with (
        impl.got_request_exception.connected_to(receiver, sender=app),
        pytest.raises(Boom) as info,
    ):
        client.get("/")
    assert info.value is error
    assert received == [error]


@pytest.mark.spec("errors.got-request-exception.not-for-handled")
def test_got_request_exception_not_sent_for_handled_errors(
    impl: Any, app: Any, client: Any
) -> None:
    """got_request_exception is not sent for handled exceptions or for HTTP errors."""
    received: list[Any] = []
    app.register_error_handler(Boom, lambda error: ("handled", 400))
    app.add_url_rule("/handled", "handled", raising(Boom()))
    app.add_url_rule("/forbidden", "forbidden", lambda: impl.abort(403))
    receiver = recording(received, None)
    with impl.got_request_exception.connected_to(receiver, sender=app):
        statuses = [client.get(path).status_code for path in ("/handled", "/forbidden", "/missing")]
    assert statuses == [400, 403, 404]
    assert received == []


# -- errors inside error handling ----------------------------------------------------------


@pytest.mark.spec("errors.handler-raises.becomes-500")
def test_error_handler_raising_becomes_500(app: Any, driver: Any) -> None:
    """An error handler's exception is not handled again but becomes a 500.

    No handler for the new exception's class is called; the 500 handler receives it as
    original_exception.
    """
    production(app)
    handler_error = ValueError("from handler")

    @app.errorhandler(Boom)
    def failing(error: Boom) -> Any:
        raise handler_error

    app.register_error_handler(ValueError, lambda error: ("value handler", 409))
    app.register_error_handler(500, lambda error: (repr(error.original_exception), 500))
    app.add_url_rule("/", "index", raising(Boom()))
    response = driver.client(app).get("/")
    assert response.status_code == 500
    assert response.data == repr(handler_error).encode()


@pytest.mark.spec("errors.handler-raises.propagates")
def test_error_handler_raising_propagates_in_testing(app: Any, client: Any) -> None:
    """In testing an error handler's exception propagates, chained to the original one."""
    original = Boom("original")

    @app.errorhandler(Boom)
    def failing(error: Boom) -> Any:
        raise ValueError("from handler")

    app.add_url_rule("/", "index", raising(original))
    with pytest.raises(ValueError, match="from handler") as info:
        client.get("/")
    assert info.value.__context__ is original


@pytest.mark.spec("errors.handler-raises.http-exception")
def test_error_handler_aborting_becomes_500(impl: Any, app: Any, driver: Any) -> None:
    """An HTTPException raised by an error handler becomes a 500, not its own response.

    Without propagation the 500 handler receives the HTTPException as original_exception (Flask
    behaviour).
    """
    production(app)
    app.register_error_handler(Boom, lambda error: impl.abort(403))
    app.register_error_handler(500, lambda error: (type(error.original_exception).__name__, 500))
    app.add_url_rule("/", "index", raising(Boom()))
    response = driver.client(app).get("/")
    assert (response.status_code, response.data) == (500, b"Forbidden")


@pytest.mark.spec("errors.handler-raises.500-handler")
def test_500_handler_raising_propagates(app: Any, driver: Any) -> None:
    """An exception raised by the 500 handler propagates even without PROPAGATE_EXCEPTIONS."""
    production(app)

    @app.errorhandler(500)
    def failing(error: Any) -> Any:
        raise RuntimeError("500 handler failed")

    app.add_url_rule("/", "index", raising(Boom()))
    with pytest.raises(RuntimeError, match="500 handler failed"):
        driver.client(app).get("/")


@pytest.mark.spec("errors.register.non-class-key")
def test_register_error_handler_rejects_non_class_keys(app: Any) -> None:
    """Registering a handler for something neither an exception class nor an int is a TypeError."""
    # Flask's TypeError here comes from ``issubclass``, so only its type is the rule.
    with pytest.raises(TypeError):
        app.register_error_handler("x", lambda e: "handled")
