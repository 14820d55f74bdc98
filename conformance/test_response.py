"""Spec area ``response``: converting view return values into responses, and the response object."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from werkzeug.wrappers import Response as WerkzeugResponse


def serve(app: Any, view: Callable[[], Any], rule: str = "/") -> None:
    """Register ``view`` at ``rule`` under the endpoint ``view.__name__``."""
    app.add_url_rule(rule, view.__name__, view)


def record_response_types(app: Any) -> list[Any]:
    """Record, through an ``after_request`` hook, each response object the app produced."""
    seen: list[Any] = []

    @app.after_request
    def remember(response: Any) -> Any:
        seen.append(response)
        return response

    return seen


def plain_wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """A bare WSGI application used as a view's return value."""
    start_response("207 MULTI-STATUS", [("Content-Type", "text/plain"), ("X-Wsgi", "yes")])
    return [b"from wsgi"]


# --- simple return values ----------------------------------------------------------------


@pytest.mark.spec("response.return.response-as-is")
def test_response_returned_as_is(impl: Any, app: Any, client: Any) -> None:
    """A ``Response`` returned by a view is sent unchanged (same object reaches after_request)."""
    made: list[Any] = []

    def view() -> Any:
        response = impl.Response("custom", status=202, mimetype="text/plain")
        made.append(response)
        return response

    serve(app, view)
    seen = record_response_types(app)
    response = client.get("/")
    assert seen == made
    assert response.status_code == 202
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.data == b"custom"


@pytest.mark.spec("response.return.str")
def test_str_becomes_html(app: Any, client: Any) -> None:
    """A ``str`` becomes a 200 ``text/html; charset=utf-8`` response encoded as UTF-8."""

    def view() -> str:
        return "héllo"

    serve(app, view)
    response = client.get("/")
    assert response.status == "200 OK"
    assert response.content_type == "text/html; charset=utf-8"
    assert response.data == "héllo".encode()


@pytest.mark.spec("response.return.bytes")
def test_bytes_body(app: Any, client: Any) -> None:
    """``bytes`` become the body unchanged, with status 200 and ``text/html``."""

    def view() -> bytes:
        return b"\x00\xffraw"

    serve(app, view)
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.data == b"\x00\xffraw"


@pytest.mark.spec("response.return.bytearray")
def test_bytearray_body(app: Any, client: Any) -> None:
    """A ``bytearray`` is accepted as a body like ``bytes``."""

    def view() -> bytearray:
        return bytearray(b"array")

    serve(app, view)
    assert client.get("/").data == b"array"


@pytest.mark.spec("response.return.dict")
def test_dict_becomes_json(app: Any, client: Any) -> None:
    """A ``dict`` is serialised to a 200 ``application/json`` response."""

    def view() -> dict[str, Any]:
        return {"a": 1, "b": [True, None]}

    serve(app, view)
    response = client.get("/")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert response.json == {"a": 1, "b": [True, None]}


@pytest.mark.spec("response.return.list")
def test_list_becomes_json(app: Any, client: Any) -> None:
    """A ``list`` is serialised to an ``application/json`` response."""

    def view() -> list[Any]:
        return [1, "two", {"three": 3}]

    serve(app, view)
    response = client.get("/")
    assert response.mimetype == "application/json"
    assert response.json == [1, "two", {"three": 3}]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("response.return.generator")
def test_generator_is_streamed(app: Any, client: Any) -> None:
    """A generator becomes a streamed response whose chunks are joined in order."""

    def view() -> Iterator[str]:
        return (part for part in ["a", "b", "c"])

    serve(app, view)
    seen = record_response_types(app)
    response = client.get("/")
    assert response.data == b"abc"
    assert response.mimetype == "text/html"
    assert [r.is_streamed for r in seen] == [True]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("response.return.generator-lazy")
def test_generator_runs_lazily(app: Any, client: Any) -> None:
    """A streamed body is produced as the client reads it, after the view has returned."""
    log: list[str] = []

    def view() -> Iterator[str]:
        def generate() -> Iterator[str]:
            log.append("first")
            yield "1"
            log.append("second")
            yield "2"

        log.append("view returned")
        return generate()

    serve(app, view)
    response = client.get("/", buffered=False)
    assert "second" not in log
    assert b"".join(response.response) == b"12"
    response.close()
    assert log == ["view returned", "first", "second"]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("response.return.iterator")
def test_iterator_is_streamed(app: Any, client: Any) -> None:
    """Any iterator (not just a generator) is streamed as the body."""

    def view() -> Iterator[bytes]:
        return iter([b"x", b"y"])

    serve(app, view)
    assert client.get("/").data == b"xy"


@pytest.mark.needs("wsgi")
@pytest.mark.spec("response.return.wsgi-callable")
def test_wsgi_callable_is_converted(impl: Any, app: Any, client: Any) -> None:
    """A WSGI callable is run and converted into the app's response class (``force_type``)."""

    def view() -> Any:
        return plain_wsgi_app

    serve(app, view)
    seen = record_response_types(app)
    response = client.get("/")
    assert response.status == "207 MULTI-STATUS"
    assert response.headers["X-Wsgi"] == "yes"
    assert response.data == b"from wsgi"
    assert [isinstance(r, impl.Response) for r in seen] == [True]


@pytest.mark.spec("response.return.werkzeug-response")
def test_plain_werkzeug_response_is_converted(impl: Any, app: Any, client: Any) -> None:
    """A plain werkzeug ``Response`` is accepted and coerced to the app's response class."""

    def view() -> Any:
        return WerkzeugResponse("from werkzeug", status=206)

    serve(app, view)
    seen = record_response_types(app)
    response = client.get("/")
    assert response.status_code == 206
    assert response.data == b"from werkzeug"
    assert [isinstance(r, impl.Response) for r in seen] == [True]


@pytest.mark.needs("wsgi")
@pytest.mark.spec("response.force-type")
def test_force_type_converts_wsgi_app(impl: Any, app: Any, driver: Any) -> None:
    """``Response.force_type(wsgi_app, environ)`` runs the callable into a response object."""
    with driver.request_context(app):
        response = impl.Response.force_type(plain_wsgi_app, impl.request.environ)
    assert isinstance(response, impl.Response)
    assert response.status_code == 207
    assert response.get_data() == b"from wsgi"


@pytest.mark.spec("response.class.set-data-override")
def test_response_class_set_data_override_sees_text_bodies(
    impl: Any, app: Any, client: Any
) -> None:
    """A ``response_class`` overriding ``set_data`` gets the body of a view returning text."""

    class ShoutingResponse(impl.Response):
        def set_data(self, value: str | bytes) -> None:
            super().set_data(value.upper())

    app.response_class = ShoutingResponse
    serve(app, lambda: "hello")
    response = client.get("/")
    assert response.data == b"HELLO"
    assert response.headers["Content-Length"] == "5"


@pytest.mark.spec("response.class.no-default-mimetype")
def test_response_class_without_default_mimetype(impl: Any, app: Any, client: Any) -> None:
    """A ``response_class`` whose ``default_mimetype`` is ``None`` sends text without a
    ``Content-Type``, with its ``Content-Length``."""

    class UntypedResponse(impl.Response):
        default_mimetype = None

    app.response_class = UntypedResponse
    serve(app, lambda: "hello")
    response = client.get("/")
    assert response.data == b"hello"
    assert "Content-Type" not in response.headers
    assert response.headers["Content-Length"] == "5"


@pytest.mark.spec("response.list-body-content-length")
def test_response_of_byte_chunks_gets_a_content_length(impl: Any, app: Any, client: Any) -> None:
    """A response built from a list of byte chunks is sent with their total length."""
    serve(app, lambda: impl.Response([b"ab", b"cd"]))
    response = client.get("/")
    assert response.data == b"abcd"
    assert response.headers["Content-Length"] == "4"


@pytest.mark.spec("response.class.status-setter-override")
def test_response_class_status_setter_sees_text_bodies(impl: Any, app: Any, client: Any) -> None:
    """A ``response_class`` overriding the ``status`` setter has it run for a text body too."""
    seen: list[str] = []

    class AuditedResponse(impl.Response):
        @property
        def status(self) -> str:
            return str(impl.Response.status.fget(self))

        @status.setter
        def status(self, value: Any) -> None:
            self.audited = True
            impl.Response.status.fset(self, value)

    @app.after_request
    def record(response: Any) -> Any:
        seen.append(f"{response.status} {getattr(response, 'audited', False)}")
        return response

    app.response_class = AuditedResponse
    serve(app, lambda: "hello")
    assert client.get("/").data == b"hello"
    assert seen == ["200 OK True"]


@pytest.mark.needs("wsgi")
@pytest.mark.spec("response.class.wsgi-headers-override")
def test_response_class_get_wsgi_headers_override(impl: Any, app: Any, client: Any) -> None:
    """A ``response_class`` overriding ``get_wsgi_headers`` decides the headers sent."""

    class StampedResponse(impl.Response):
        def get_wsgi_headers(self, environ: Any) -> Any:
            headers = super().get_wsgi_headers(environ)
            headers["X-Stamped"] = "yes"
            return headers

    app.response_class = StampedResponse
    serve(app, lambda: "hello")
    assert client.get("/").headers.get("X-Stamped") == "yes"


@pytest.mark.needs("wsgi")
@pytest.mark.spec("response.call-on-close")
@pytest.mark.parametrize("path", ["/", "/missing"])
def test_call_on_close_runs_when_the_response_is_closed(
    impl: Any, app: Any, client: Any, path: str
) -> None:
    """A function given to ``response.call_on_close`` (here in ``after_request``) runs once
    the response is closed, for a view's text and for an error page alike."""
    closed: list[int] = []

    @app.after_request
    def on_close(response: Any) -> Any:
        response.call_on_close(lambda: closed.append(response.status_code))
        return response

    serve(app, lambda: "hello")
    response = client.get(path)
    response.close()
    assert closed == [response.status_code]


@pytest.mark.spec("response.no-body-statuses")
@pytest.mark.parametrize("status", [204, 304])
def test_no_body_statuses_send_no_body(app: Any, client: Any, status: int) -> None:
    """A 204 or 304 response sends no body and no ``Content-Length``, whatever the view gave."""
    serve(app, lambda: ("ignored", status))
    response = client.get("/")
    assert (response.status_code, response.data) == (status, b"")
    assert "Content-Length" not in response.headers


@pytest.mark.needs("wsgi")
@pytest.mark.spec("response.location-iri")
@pytest.mark.parametrize("header", ["Location", "Content-Location"])
def test_location_headers_are_sent_as_uris(app: Any, client: Any, header: str) -> None:
    """A ``Location`` or ``Content-Location`` holding non-ASCII characters is sent
    percent-encoded as UTF-8."""
    serve(app, lambda: ("moved", 302, {header: "/caf\u00e9"}))
    assert client.get("/").headers[header] == "/caf%C3%A9"


@pytest.mark.needs("wsgi")
@pytest.mark.spec("response.direct-passthrough")
def test_direct_passthrough_attribute(impl: Any) -> None:
    """``direct_passthrough`` is what the constructor was given, for text and bytes bodies."""
    flags = [
        impl.Response(body, direct_passthrough=given).direct_passthrough
        for body in ("x", b"x")
        for given in (True, False)
    ]
    assert flags == [True, False, True, False]
    assert impl.Response("x").direct_passthrough is False


# --- tuples ------------------------------------------------------------------------------


@pytest.mark.spec("response.tuple.body-status")
def test_tuple_body_status(app: Any, client: Any) -> None:
    """``(body, status)`` sets the status code."""

    def view() -> tuple[str, int]:
        return "created", 201

    serve(app, view)
    response = client.get("/")
    assert response.status == "201 CREATED"
    assert response.data == b"created"


@pytest.mark.spec("response.tuple.status-string")
def test_tuple_status_string(app: Any, client: Any) -> None:
    """The status may be a string: ``"201 CREATED"``, a bare ``"201"`` or a custom phrase."""

    def full() -> tuple[str, str]:
        return "a", "201 CREATED"

    def bare() -> tuple[str, str]:
        return "b", "201"

    def custom() -> tuple[str, str]:
        return "c", "299 SOMETHING ODD"

    serve(app, full, "/full")
    serve(app, bare, "/bare")
    serve(app, custom, "/custom")
    assert client.get("/full").status == "201 CREATED"
    assert client.get("/bare").status == "201 CREATED"
    custom_response = client.get("/custom")
    assert custom_response.status == "299 SOMETHING ODD"
    assert custom_response.status_code == 299


@pytest.mark.spec("response.tuple.status-none")
def test_tuple_status_none_keeps_default(app: Any, client: Any) -> None:
    """A ``None`` status in the tuple leaves the default 200."""

    def view() -> tuple[str, None]:
        return "body", None

    serve(app, view)
    assert client.get("/").status_code == 200


@pytest.mark.spec("response.tuple.body-headers-dict")
def test_tuple_body_headers_dict(app: Any, client: Any) -> None:
    """``(body, headers)`` with a dict adds the headers and keeps status 200."""

    def view() -> tuple[str, dict[str, str]]:
        return "body", {"X-One": "1", "X-Two": "2"}

    serve(app, view)
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-One"] == "1"
    assert response.headers["X-Two"] == "2"


@pytest.mark.spec("response.tuple.body-headers-list")
def test_tuple_body_headers_list(app: Any, client: Any) -> None:
    """``(body, headers)`` with a list of pairs may repeat a header name."""

    def view() -> tuple[str, list[tuple[str, str]]]:
        return "body", [("X-Multi", "1"), ("X-Multi", "2")]

    serve(app, view)
    assert client.get("/").headers.getlist("X-Multi") == ["1", "2"]


@pytest.mark.spec("response.tuple.body-status-headers")
def test_tuple_body_status_headers(app: Any, client: Any) -> None:
    """``(body, status, headers)`` sets both status and headers."""

    def view() -> tuple[str, int, dict[str, str]]:
        return "accepted", 202, {"X-Job": "42"}

    serve(app, view)
    response = client.get("/")
    assert response.status_code == 202
    assert response.headers["X-Job"] == "42"
    assert response.data == b"accepted"


@pytest.mark.spec("response.tuple.json-with-status")
def test_tuple_json_body_with_status(app: Any, client: Any) -> None:
    """A dict or list body in a tuple is still converted to JSON."""

    def view() -> tuple[list[Any], int, list[tuple[str, str]]]:
        return ["a", 1], 201, [("X-Kind", "list")]

    serve(app, view)
    response = client.get("/")
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    assert response.json == ["a", 1]
    assert response.headers["X-Kind"] == "list"


@pytest.mark.spec("response.tuple.merge-onto-response")
def test_tuple_headers_merge_onto_response(impl: Any, app: Any, client: Any) -> None:
    """Tuple headers update a returned ``Response``: same names replaced, others kept."""

    def view() -> Any:
        original = impl.Response("r", headers={"X-Replace": "old", "X-Keep": "kept"})
        return original, 203, {"X-Replace": "new", "X-Add": "added"}

    serve(app, view)
    response = client.get("/")
    assert response.status_code == 203
    assert response.headers.getlist("X-Replace") == ["new"]
    assert response.headers["X-Keep"] == "kept"
    assert response.headers["X-Add"] == "added"


@pytest.mark.spec("response.tuple.merge-list-replaces")
def test_tuple_header_list_replaces_existing(impl: Any, app: Any, client: Any) -> None:
    """A header list merged onto a ``Response`` replaces the existing value of that name."""

    def view() -> Any:
        return impl.Response("r", headers={"X-Replace": "old"}), [("X-Replace", "new")]

    serve(app, view)
    assert client.get("/").headers.getlist("X-Replace") == ["new"]


@pytest.mark.spec("response.tuple.content-type-header")
def test_tuple_content_type_header_overrides(impl: Any, app: Any, client: Any) -> None:
    """A ``Content-Type`` in tuple headers overrides the response's content type."""

    def view() -> Any:
        return impl.Response("r", mimetype="text/plain"), {"Content-Type": "application/x-spec"}

    serve(app, view)
    assert client.get("/").content_type == "application/x-spec"


@pytest.mark.spec("response.tuple.wrong-length")
@pytest.mark.parametrize("value", [(), ("only",), ("a", 200, {}, "extra")])
def test_tuple_of_wrong_length_is_type_error(app: Any, client: Any, value: tuple[Any, ...]) -> None:
    """A tuple that is not of length 2 or 3 raises ``TypeError`` describing the allowed forms."""

    def view() -> tuple[Any, ...]:
        return value

    serve(app, view)
    with pytest.raises(TypeError, match=r"\(body, status, headers\)"):
        client.get("/")


@pytest.mark.spec("response.tuple.wrong-length-message")
def test_tuple_of_wrong_length_message(app: Any, client: Any) -> None:
    """The ``TypeError`` for a tuple of the wrong length says exactly which forms are allowed."""

    def view() -> tuple[Any, ...]:
        return ("a", 200, {}, "extra")

    serve(app, view)
    with pytest.raises(TypeError) as info:
        client.get("/")
    assert str(info.value) == (
        "The view function did not return a valid response tuple. The tuple must have"
        " the form (body, status, headers), (body, status), or (body, headers)."
    )


@pytest.mark.spec("response.invalid.messages")
def test_invalid_return_messages(app: Any, client: Any) -> None:
    """The ``TypeError`` messages for a view returning None and for an unsupported type
    are Flask's, word for word."""

    def forgetful() -> None:
        return None

    def numeric() -> int:
        return 42

    serve(app, forgetful, "/none")
    serve(app, numeric, "/int")
    with pytest.raises(TypeError) as none:
        client.get("/none")
    with pytest.raises(TypeError) as number:
        client.get("/int")
    assert str(none.value) == (
        "The view function for 'forgetful' did not return a valid response. The function"
        " either returned None or ended without a return statement."
    )
    assert str(number.value) == (
        "The view function did not return a valid response. The return type must be a"
        " string, dict, list, tuple with headers or status, Response instance, or WSGI"
        " callable, but it was a int."
    )


@pytest.mark.spec("response.dict-subclass-json")
def test_dict_and_list_subclasses_become_json(app: Any, client: Any) -> None:
    """A view returning a dict or list subclass gets the same JSON response as for a
    plain dict or list."""

    class Record(dict[str, int]):
        pass

    class Rows(list[int]):
        pass

    def record() -> Record:
        return Record(a=1)

    def rows() -> Rows:
        return Rows([1, 2])

    serve(app, record, "/record")
    serve(app, rows, "/rows")
    assert client.get("/record").get_json() == {"a": 1}
    assert client.get("/rows").get_json() == [1, 2]


# --- invalid return values ---------------------------------------------------------------


@pytest.mark.spec("response.invalid.none")
def test_none_return_names_the_view(app: Any, client: Any) -> None:
    """Returning ``None`` raises ``TypeError`` whose message names the view function."""

    def forgetful_view() -> None:
        return None

    serve(app, forgetful_view)
    with pytest.raises(TypeError) as info:
        client.get("/")
    message = str(info.value)
    assert "'forgetful_view'" in message
    assert "did not return a valid response" in message


@pytest.mark.spec("response.invalid.none-body-in-tuple")
def test_none_body_in_tuple_is_type_error(app: Any, client: Any) -> None:
    """A ``None`` body inside a tuple is rejected like a bare ``None``."""

    def empty_tuple_view() -> tuple[None, int]:
        return None, 200

    serve(app, empty_tuple_view)
    with pytest.raises(TypeError, match="empty_tuple_view"):
        client.get("/")


@pytest.mark.spec("response.invalid.unsupported-type")
@pytest.mark.parametrize("value", [object(), 42, 1.5])
def test_unsupported_type_is_type_error(app: Any, client: Any, value: object) -> None:
    """Returning an unsupported type raises ``TypeError`` naming the type."""

    def view() -> object:
        return value

    serve(app, view)
    with pytest.raises(TypeError) as info:
        client.get("/")
    message = str(info.value)
    assert "did not return a valid response" in message
    assert type(value).__name__ in message


@pytest.mark.spec("response.invalid.not-testing-500")
def test_invalid_return_is_500_when_not_testing(app: Any, driver: Any) -> None:
    """Outside testing mode an invalid return value becomes a 500 response."""
    app.testing = False

    def view() -> None:
        return None

    serve(app, view)
    assert driver.client(app).get("/").status_code == 500


# --- make_response -----------------------------------------------------------------------


@pytest.mark.spec("response.make-response.no-args")
def test_make_response_without_arguments(impl: Any, app: Any, driver: Any) -> None:
    """``make_response()`` with no arguments gives an empty 200 ``text/html`` response."""
    with driver.request_context(app):
        response = driver.resolve(impl.make_response())
    assert isinstance(response, impl.Response)
    assert response.status_code == 200
    assert driver.resolve(response.data) == b""
    assert response.mimetype == "text/html"


@pytest.mark.spec("response.make-response.one-arg")
def test_make_response_one_argument(impl: Any, app: Any, driver: Any) -> None:
    """``make_response(value)`` converts a single return value like a view's."""
    with driver.request_context(app):
        text = driver.resolve(impl.make_response("text"))
        data = driver.resolve(impl.make_response({"k": "v"}))
        existing = impl.Response("already")
        same = driver.resolve(impl.make_response(existing))
    assert driver.resolve(text.data) == b"text"
    assert driver.resolve(data.json) == {"k": "v"}
    assert same is existing


@pytest.mark.spec("response.make-response.several-args")
def test_make_response_several_arguments(impl: Any, app: Any, driver: Any) -> None:
    """``make_response(body, status, headers)`` treats several arguments as a tuple."""
    with driver.request_context(app):
        two = driver.resolve(impl.make_response("missing", 404))
        three = driver.resolve(impl.make_response("made", 201, {"X-Made": "yes"}))
        as_tuple = driver.resolve(impl.make_response(("made", 201, {"X-Made": "yes"})))
    assert two.status_code == 404
    assert (three.status_code, three.headers["X-Made"], driver.resolve(three.data)) == (
        201,
        "yes",
        b"made",
    )
    assert (as_tuple.status_code, as_tuple.headers["X-Made"]) == (201, "yes")


@pytest.mark.spec("response.make-response.needs-context")
def test_make_response_outside_context(impl: Any, driver: Any) -> None:
    """``make_response`` outside an application context raises ``RuntimeError``."""
    with pytest.raises(RuntimeError, match=r"app(lication)? context"):
        driver.resolve(impl.make_response("x"))


# --- redirect ----------------------------------------------------------------------------


@pytest.mark.spec("response.redirect.default")
def test_redirect_default_302(impl: Any) -> None:
    """``redirect(location)`` gives 302 with ``Location`` and a short HTML body linking it."""
    response = impl.redirect("/target")
    assert response.status == "302 FOUND"
    assert response.headers["Location"] == "/target"
    assert response.mimetype == "text/html"
    assert b'<a href="/target">' in response.get_data()


@pytest.mark.spec("response.redirect.code")
@pytest.mark.parametrize("code", [301, 303, 307, 308])
def test_redirect_with_code(impl: Any, code: int) -> None:
    """``redirect(location, code)`` uses the given status code."""
    response = impl.redirect("/elsewhere", code)
    assert response.status_code == code
    assert response.location == "/elsewhere"


@pytest.mark.spec("response.redirect.escaped-body")
def test_redirect_body_escapes_location(impl: Any) -> None:
    """The redirect body HTML-escapes the location; the header keeps it verbatim."""
    response = impl.redirect("/search?q=<b>")
    assert response.headers["Location"] == "/search?q=<b>"
    body = response.get_data(as_text=True)
    assert "&lt;b&gt;" in body
    assert "<b>" not in body


@pytest.mark.spec("response.redirect.from-view")
def test_redirect_from_view(impl: Any, app: Any, client: Any) -> None:
    """A redirect returned from a view reaches the client unchanged."""

    def view() -> Any:
        return impl.redirect("/next", 303)

    serve(app, view)
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/next"


@pytest.mark.spec("response.redirect.app-method")
def test_app_redirect(app: Any) -> None:
    """``app.redirect(location, code=302)`` builds a redirect response of the app."""
    response = app.redirect("/x")
    other = app.redirect("/y", 307)
    assert (response.status_code, response.location) == (302, "/x")
    assert (other.status_code, other.location) == (307, "/y")


@pytest.mark.spec("response.redirect.uses-app-in-context")
def test_redirect_uses_current_app(impl: Any, app: Any, driver: Any) -> None:
    """Inside an app context, ``redirect`` delegates to the app and uses its response class."""

    class AppResponse(impl.Response):
        pass

    app.response_class = AppResponse
    with driver.app_context(app):
        response = impl.redirect("/t")
    assert type(response) is AppResponse


@pytest.mark.spec("response.redirect.response-argument")
def test_redirect_response_argument(impl: Any) -> None:
    """``redirect(..., Response=cls)`` builds the redirect with the given class."""

    class CustomResponse(impl.Response):
        pass

    assert type(impl.redirect("/t", Response=CustomResponse)) is CustomResponse


# --- the Response object -----------------------------------------------------------------


@pytest.mark.spec("response.object.defaults")
def test_response_defaults(impl: Any, driver: Any) -> None:
    """A bare ``Response()`` is 200 OK, ``text/html`` (the ``default_mimetype``) and empty."""
    response = impl.Response()
    assert impl.Response.default_mimetype == "text/html"
    assert response.status_code == 200
    assert response.status == "200 OK"
    assert response.mimetype == "text/html"
    assert response.content_type == "text/html; charset=utf-8"
    assert driver.resolve(response.data) == b""


@pytest.mark.spec("response.object.status")
def test_status_and_status_code_stay_in_sync(impl: Any) -> None:
    """Setting ``status_code`` updates ``status`` and the reverse."""
    response = impl.Response("x", status=404)
    assert response.status == "404 NOT FOUND"
    response.status_code = 500
    assert response.status == "500 INTERNAL SERVER ERROR"
    response.status = "418 I'M A TEAPOT"
    assert response.status_code == 418


@pytest.mark.spec("response.object.data")
def test_data_setter_updates_length(impl: Any, driver: Any) -> None:
    """Assigning ``data`` (str or bytes) replaces the body and its ``Content-Length``."""
    response = impl.Response("initial")
    response.data = "new body"
    assert driver.resolve(response.data) == b"new body"
    assert response.headers["Content-Length"] == "8"


@pytest.mark.spec("response.object.mimetype")
def test_mimetype_and_content_type_arguments(impl: Any) -> None:
    """``mimetype=`` adds a charset for text types; ``content_type=`` is used verbatim."""
    assert impl.Response("x", mimetype="text/plain").content_type == "text/plain; charset=utf-8"
    assert impl.Response("x", mimetype="image/png").content_type == "image/png"
    assert impl.Response("x", content_type="text/plain").content_type == "text/plain"


@pytest.mark.spec("response.object.headers")
def test_headers_are_multi_valued(impl: Any) -> None:
    """``headers`` is a case-insensitive multi-valued mapping."""
    response = impl.Response("x", headers=[("X-A", "1")])
    response.headers.add("x-a", "2")
    assert response.headers.getlist("X-A") == ["1", "2"]
    response.headers["X-A"] = "3"
    assert response.headers.getlist("x-a") == ["3"]


@pytest.mark.spec("response.object.content-length")
def test_content_length_is_set(app: Any, client: Any) -> None:
    """A response with a known body gets a ``Content-Length`` header."""

    def view() -> str:
        return "héllo"

    serve(app, view)
    assert client.get("/").headers["Content-Length"] == str(len("héllo".encode()))


@pytest.mark.spec("response.object.json")
def test_response_json_property(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``Response.json`` parses a JSON body, and is ``None`` for a non-JSON mimetype."""

    def data() -> dict[str, int]:
        return {"n": 1}

    def page() -> str:
        return "<p>not json</p>"

    serve(app, data, "/data")
    serve(app, page, "/page")
    assert client.get("/data").json == {"n": 1}
    assert client.get("/page").json is None
    with driver.request_context(app):
        assert driver.resolve(impl.jsonify(a=[1]).json) == {"a": [1]}


# --- cookies -----------------------------------------------------------------------------


@pytest.mark.spec("response.cookie.default")
def test_set_cookie_defaults(impl: Any) -> None:
    """``set_cookie(key, value)`` emits ``key=value; Path=/`` and nothing else."""
    response = impl.Response()
    response.set_cookie("name", "value")
    assert response.headers.getlist("Set-Cookie") == ["name=value; Path=/"]


@pytest.mark.spec("response.cookie.all-arguments")
def test_set_cookie_all_arguments(impl: Any) -> None:
    """Every ``set_cookie`` argument is rendered as its cookie attribute."""
    response = impl.Response()
    response.set_cookie(
        "k",
        "v",
        max_age=60,
        expires=datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        path="/p",
        domain="example.com",
        secure=True,
        httponly=True,
        samesite="Lax",
        partitioned=True,
    )
    [header] = response.headers.getlist("Set-Cookie")
    assert header == (
        "k=v; Domain=example.com; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=60; "
        "Secure; HttpOnly; Path=/p; SameSite=Lax; Partitioned"
    )


@pytest.mark.spec("response.cookie.samesite-values")
@pytest.mark.parametrize("samesite", ["Strict", "Lax", "None"])
def test_set_cookie_samesite_values(impl: Any, samesite: str) -> None:
    """``samesite`` accepts ``Strict``, ``Lax`` and ``None``."""
    response = impl.Response()
    response.set_cookie("k", "v", samesite=samesite)
    assert response.headers["Set-Cookie"].endswith(f"SameSite={samesite}")


@pytest.mark.spec("response.cookie.samesite-invalid")
def test_set_cookie_invalid_samesite(impl: Any) -> None:
    """Any other ``samesite`` value raises ``ValueError``."""
    with pytest.raises(ValueError, match="SameSite"):
        impl.Response().set_cookie("k", "v", samesite="Sometimes")


@pytest.mark.spec("response.cookie.partitioned-implies-secure")
def test_partitioned_cookie_is_secure(impl: Any) -> None:
    """A partitioned cookie is always marked ``Secure``."""
    response = impl.Response()
    response.set_cookie("k", "v", partitioned=True)
    assert response.headers["Set-Cookie"] == "k=v; Secure; Path=/; Partitioned"


@pytest.mark.spec("response.cookie.max-age-timedelta")
def test_set_cookie_max_age_timedelta(impl: Any) -> None:
    """``max_age`` may be a ``timedelta``; an ``Expires`` attribute is derived from it."""
    response = impl.Response()
    response.set_cookie("k", "v", max_age=datetime.timedelta(hours=1))
    header = response.headers["Set-Cookie"]
    assert "Max-Age=3600" in header
    assert "Expires=" in header


@pytest.mark.spec("response.cookie.delete")
def test_delete_cookie(impl: Any) -> None:
    """``delete_cookie`` sets an empty value that expired at the epoch."""
    response = impl.Response()
    response.delete_cookie("k")
    assert response.headers.getlist("Set-Cookie") == [
        "k=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
    ]


@pytest.mark.spec("response.cookie.delete-arguments")
def test_delete_cookie_arguments(impl: Any) -> None:
    """``delete_cookie`` repeats path, domain and flags so the browser matches the cookie."""
    response = impl.Response()
    response.delete_cookie(
        "k",
        path="/p",
        domain="example.com",
        secure=True,
        httponly=True,
        samesite="Strict",
        partitioned=True,
    )
    assert response.headers["Set-Cookie"] == (
        "k=; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; "
        "Secure; HttpOnly; Path=/p; SameSite=Strict; Partitioned"
    )


@pytest.mark.spec("response.cookie.from-view")
def test_cookie_set_in_view_reaches_client(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """A cookie set on a response in a view is sent in the ``Set-Cookie`` header."""

    def view() -> Any:
        response = driver.resolve(impl.make_response("with cookie"))
        response.set_cookie("flavour", "oat", httponly=True)
        return response

    serve(app, view)
    assert client.get("/").headers["Set-Cookie"] == "flavour=oat; HttpOnly; Path=/"


@pytest.mark.spec("response.cookie.max-size-default")
def test_max_cookie_size_default(impl: Any, app: Any, driver: Any) -> None:
    """``max_cookie_size`` is 4093 by default, read from ``MAX_COOKIE_SIZE`` in an app context."""
    response = impl.Response()
    with driver.app_context(app):
        assert app.config["MAX_COOKIE_SIZE"] == 4093
        assert response.max_cookie_size == 4093
        app.config["MAX_COOKIE_SIZE"] = 100
        assert response.max_cookie_size == 100


@pytest.mark.spec("response.cookie.max-size-outside-context")
def test_max_cookie_size_outside_context(impl: Any) -> None:
    """Outside an app context ``max_cookie_size`` falls back to werkzeug's default of 4093."""
    assert impl.Response().max_cookie_size == 4093


@pytest.mark.spec("response.cookie.too-large-warns")
def test_oversized_cookie_warns(impl: Any, app: Any, driver: Any) -> None:
    """A cookie larger than ``MAX_COOKIE_SIZE`` emits a warning but is still set."""
    app.config["MAX_COOKIE_SIZE"] = 100
    response = impl.Response()
    with driver.app_context(app), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response.set_cookie("big", "x" * 200)
    assert any("too large" in str(w.message) for w in caught)
    assert len(response.headers.getlist("Set-Cookie")) == 1


# --- response class and HEAD -------------------------------------------------------------


@pytest.mark.spec("response.response-class.str")
def test_response_class_used_for_str(impl: Any, app: Any, client: Any) -> None:
    """``app.response_class`` builds the response for a ``str`` return value."""

    class PlainResponse(impl.Response):
        default_mimetype = "text/plain"

    app.response_class = PlainResponse

    def view() -> str:
        return "plain"

    serve(app, view)
    seen = record_response_types(app)
    response = client.get("/")
    assert response.content_type == "text/plain; charset=utf-8"
    assert [type(r) for r in seen] == [PlainResponse]


@pytest.mark.spec("response.response-class.json")
def test_response_class_used_for_json(impl: Any, app: Any, client: Any) -> None:
    """``app.response_class`` also builds JSON responses for dict returns."""

    class AppResponse(impl.Response):
        pass

    app.response_class = AppResponse

    def view() -> dict[str, int]:
        return {"a": 1}

    serve(app, view)
    seen = record_response_types(app)
    client.get("/")
    assert [type(r) for r in seen] == [AppResponse]


@pytest.mark.spec("response.response-class.test-response")
def test_test_response_is_instance_of_response_class(impl: Any, app: Any, driver: Any) -> None:
    """A test client made after setting ``response_class`` returns instances of that class."""

    class AppResponse(impl.Response):
        pass

    app.response_class = AppResponse

    def view() -> str:
        return "x"

    serve(app, view)
    assert isinstance(driver.client(app).get("/"), AppResponse)


@pytest.mark.spec("response.head.no-body")
def test_head_response_has_no_body(app: Any, client: Any) -> None:
    """A HEAD request gets the GET headers, including ``Content-Length``, but no body."""

    def view() -> str:
        return "hello"

    serve(app, view)
    response = client.head("/")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == "5"


@pytest.mark.spec("response.head.json-no-body")
def test_head_json_response_has_no_body(app: Any, client: Any) -> None:
    """A HEAD request to a JSON view keeps the JSON content type and length, without body."""

    def view() -> dict[str, int]:
        return {"a": 1}

    serve(app, view)
    get = client.get("/")
    head = client.head("/")
    assert head.data == b""
    assert head.mimetype == "application/json"
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
